"""The organisations directory's search and filters (django-filter), in the URL so a filtered
directory can be shared."""

import django_filters
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Layout, Size
from django import forms

from partnerships.models import Organisation
from wellbeing.layout import Field

UNKNOWN_SIZE = "unknown"  # the size band "Not known" is stored empty; the URL needs a word for it


class OrganisationFilterForm(forms.Form):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # OrderingFilter's own widget class is not one crispy-forms-gds knows to style.
        self.fields["sort"].widget.attrs["class"] = "govuk-select"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # a GET form: no token in the shared URL
        self.helper.label_size = Size.SMALL
        self.helper.legend_size = Size.SMALL
        self.helper.layout = Layout(
            Field.text("q", spellcheck="false"),
            Field.checkboxes("sector", small=True),
            Field.radios("anchor", small=True),
            Field.checkboxes("size", small=True),
            Field.radios("scope", small=True),
            Field.select("sort"),
        )


class OrganisationFilter(django_filters.FilterSet):
    class Meta:
        model = Organisation
        fields: list[str] = []
        form = OrganisationFilterForm

    q = django_filters.CharFilter(
        field_name="name", lookup_expr="icontains", label="Search by name", help_text="All or part of its name"
    )
    sector = django_filters.MultipleChoiceFilter(
        choices=Organisation.Sector.choices, widget=forms.CheckboxSelectMultiple
    )
    anchor = django_filters.ChoiceFilter(
        choices=[("yes", "Anchor institutions"), ("no", "Not anchor institutions")],
        method="anchor_or_not",
        label="Anchor institution",
        empty_label="Any",
        widget=forms.RadioSelect,
    )
    size = django_filters.MultipleChoiceFilter(
        choices=[(value or UNKNOWN_SIZE, label) for value, label in Organisation.SizeBand.choices],
        method="of_size",
        label="Size",
        widget=forms.CheckboxSelectMultiple,
    )
    scope = django_filters.ChoiceFilter(
        choices=[("local", "This place’s own"), ("national", "National bodies")],
        method="local_or_national",
        label="Local or national",
        empty_label="Both",
        widget=forms.RadioSelect,
    )
    sort = django_filters.OrderingFilter(
        fields=[("name_lower", "name")],
        field_labels={"name_lower": "Name"},
        label="Sort by",
        empty_label=None,
    )

    def __init__(self, data=None, *args, **kwargs) -> None:
        # "Any" and "Both" are chosen until the person picks another, so the radios show it.
        if data is not None:
            data = data.copy()
            data.setdefault("anchor", "")
            data.setdefault("scope", "")
        super().__init__(data, *args, **kwargs)

    def anchor_or_not(self, queryset, name, value):
        return queryset.filter(is_anchor=value == "yes") if value else queryset

    def of_size(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(size_band__in=["" if size == UNKNOWN_SIZE else size for size in value])

    def local_or_national(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(place__isnull=value == "national")
