"""The register's filters (django-filter). They live in the URL, so a filtered view can be shared,
and every choice list is the place's own."""

import re

import django_filters
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Layout, Size
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Lower

from interventions.models import REFERENCE_PREFIX, Contribution, GroupAssignment, Intervention
from partnerships.models import DeliveryGroup, Organisation
from wellbeing.freshness import stale_before
from wellbeing.layout import Field
from wellbeing.models import CwbPillar, Place, WellbeingOutcome

REFERENCE_PATTERN = re.compile(rf"^\s*{REFERENCE_PREFIX}0*(\d+)\s*$", re.IGNORECASE)
# The delivery group filter's extra choice: interventions no delivery group of the place carries.
NO_GROUP = "none"
NO_GROUP_LABEL = "Not in any delivery group"


def group_label(group: DeliveryGroup) -> str:
    """A group by name and partnership: two partnerships may each have a group of the same name."""
    return f"{group.name} ({group.partnership.name})"


def _label_groups(form: forms.Form) -> None:
    form.fields["group"].label_from_instance = group_label


class RegisterFilterForm(forms.Form):
    """The filters' form, laid out as GOV.UK small checkboxes and selects down the side."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # OrderingFilter's own widget class is not one crispy-forms-gds knows to style.
        self.fields["sort"].widget.attrs["class"] = "govuk-select"
        _label_groups(self)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # a GET form: no token in the shared URL
        self.helper.label_size = Size.SMALL
        self.helper.legend_size = Size.SMALL
        self.helper.layout = Layout(
            Field.text("q", spellcheck="false"),
            Field.checkboxes("kind", small=True),
            Field.checkboxes("level", small=True),
            Field.checkboxes("status", small=True),
            Field.select("lead"),
            Field.select("group"),
            Field.select("outcome"),
            Field.select("pillar"),
            Field.select("effectiveness"),
            Field.select("assessment"),
            Field.select("sort"),
        )


class _InterventionFacets(django_filters.FilterSet):
    """What the register and the gap analysis both filter on: kind, level, status, lead
    organisation, delivery group and CWB pillar, each list the place's own."""

    kind = django_filters.MultipleChoiceFilter(choices=Intervention.Kind.choices, widget=forms.CheckboxSelectMultiple)
    level = django_filters.MultipleChoiceFilter(choices=Intervention.Level.choices, widget=forms.CheckboxSelectMultiple)
    status = django_filters.MultipleChoiceFilter(
        choices=Intervention.Status.choices, widget=forms.CheckboxSelectMultiple
    )
    lead = django_filters.ModelChoiceFilter(
        field_name="lead_organisation", queryset=Organisation.objects.none(), label="Lead organisation"
    )
    pillar = django_filters.ModelChoiceFilter(
        field_name="cwb_pillars", queryset=CwbPillar.objects.all(), label="CWB pillar", to_field_name="code"
    )
    # An intervention is in a group when a GroupAssignment links them. A shared national
    # intervention is assigned per place, so only this place's groups count.
    group = django_filters.ModelChoiceFilter(
        queryset=DeliveryGroup.objects.none(),
        method="in_group",
        label="Delivery group",
        null_label=NO_GROUP_LABEL,
        null_value=NO_GROUP,
    )

    def __init__(self, *args, place: Place, **kwargs) -> None:
        self.place = place
        super().__init__(*args, **kwargs)
        self.filters["lead"].queryset = Organisation.objects.for_place(place).order_by(Lower("name"))
        self.filters["group"].queryset = (
            DeliveryGroup.objects.for_place(place)
            .select_related("partnership")
            .order_by(Lower("name"), Lower("partnership__name"), "pk")
        )
        for filter_ in self.filters.values():
            if isinstance(filter_, django_filters.ModelChoiceFilter | django_filters.ChoiceFilter):
                filter_.extra["empty_label"] = "Any"

    def in_group(self, queryset, name, value):
        assignments = GroupAssignment.objects.for_place(self.place).filter(intervention=OuterRef("pk"))
        if value == NO_GROUP:
            return queryset.filter(~Exists(assignments))
        return queryset.filter(Exists(assignments.filter(group=value)))


class InterventionFilter(_InterventionFacets):
    class Meta:
        model = Intervention
        fields: list[str] = []
        form = RegisterFilterForm

    q = django_filters.CharFilter(
        method="search", label="Search", help_text="Words in the title or description, or a reference like INT-00042"
    )
    outcome = django_filters.ModelChoiceFilter(
        queryset=WellbeingOutcome.objects.none(), method="contributes_to", label="Wellbeing outcome"
    )
    effectiveness = django_filters.ChoiceFilter(
        choices=Contribution.Effectiveness.choices, method="has_effectiveness", label="Effectiveness"
    )
    assessment = django_filters.ChoiceFilter(
        choices=[("stale", "Out of date or never assessed"), ("current", "All assessments up to date")],
        method="assessment_state",
        label="Assessments",
    )
    sort = django_filters.OrderingFilter(
        fields=[
            ("pk", "reference"),
            ("title", "title"),
            ("kind", "kind"),
            ("level", "level"),
            ("status", "status"),
            ("lead_organisation__name", "lead"),
            ("outcome_count", "outcomes"),
            ("oldest_assessment", "assessed"),
        ],
        field_labels={
            "pk": "Reference",
            "title": "Title",
            "kind": "Kind",
            "level": "Level",
            "status": "Status",
            "lead_organisation__name": "Lead organisation",
            "outcome_count": "Number of outcomes",
            "oldest_assessment": "Oldest assessment",
        },
        label="Sort by",
        empty_label=None,
    )

    def __init__(self, *args, place: Place, **kwargs) -> None:
        super().__init__(*args, place=place, **kwargs)
        self.filters["outcome"].queryset = WellbeingOutcome.objects.for_place(place)

    def _contributions(self):
        return Contribution.objects.filter(intervention=OuterRef("pk"), outcome__place=self.place)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        reference = REFERENCE_PATTERN.match(value)
        if reference:
            return queryset.filter(pk=int(reference.group(1)))
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value))

    def contributes_to(self, queryset, name, value):
        return queryset.filter(Exists(self._contributions().filter(outcome=value))) if value else queryset

    def has_effectiveness(self, queryset, name, value):
        return queryset.filter(Exists(self._contributions().filter(effectiveness=value))) if value else queryset

    def assessment_state(self, queryset, name, value):
        stale = Exists(self._contributions().filter(Q(assessed_on__isnull=True) | Q(assessed_on__lt=stale_before())))
        if value == "stale":
            return queryset.filter(stale)
        if value == "current":
            return queryset.filter(Exists(self._contributions()), ~stale)
        return queryset


class GapFilterForm(forms.Form):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # a GET form: no token in the shared URL
        self.helper.label_size = Size.SMALL
        self.helper.legend_size = Size.SMALL
        _label_groups(self)
        self.helper.layout = Layout(
            Field.checkboxes("level", small=True),
            Field.checkboxes("status", small=True),
            Field.checkboxes("kind", small=True),
            Field.select("lead"),
            Field.select("group"),
            Field.select("pillar"),
            Field.select("horizon"),
        )


HORIZONS = [(6, "6 months"), (12, "12 months"), (24, "2 years"), (36, "3 years")]
DEFAULT_HORIZON = 12


class GapAnalysisFilter(_InterventionFacets):
    """The gap analysis's filters: which interventions count. `horizon` does not filter; it is how
    far ahead "build on" looks for effective work that ends, kept in the URL with the rest."""

    class Meta:
        model = Intervention
        fields: list[str] = []
        form = GapFilterForm

    horizon = django_filters.TypedChoiceFilter(
        choices=HORIZONS,
        coerce=int,
        method="keep_all",
        label="Build on: work that ends within",
        empty_value=DEFAULT_HORIZON,
    )

    def __init__(self, data=None, *args, place: Place, **kwargs) -> None:
        # The horizon's select shows the one in use, so a form submitted unchanged keeps it.
        if data is not None and not data.get("horizon"):
            data = data.copy()
            data["horizon"] = str(DEFAULT_HORIZON)
        super().__init__(data, *args, place=place, **kwargs)
        self.filters["horizon"].extra.pop("empty_label", None)  # a TypedChoiceField has no empty choice

    def keep_all(self, queryset, name, value):
        return queryset

    @property
    def horizon_months(self) -> int:
        if self.is_valid():
            return self.form.cleaned_data.get("horizon") or DEFAULT_HORIZON
        return DEFAULT_HORIZON
