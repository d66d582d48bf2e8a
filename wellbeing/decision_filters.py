"""The decision register's filters (django-filter), in the URL so a filtered view can be shared.
Every choice list is the place's own."""

import django_filters
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Layout, Size
from django import forms
from django.db.models import Exists, OuterRef

from wellbeing.layout import Field
from wellbeing.models import DecisionAssessment, OutcomeEffect, Place, WellbeingOutcome


class DecisionFilterForm(forms.Form):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # a GET form: no token in the shared URL
        self.helper.label_size = Size.SMALL
        self.helper.legend_size = Size.SMALL
        self.helper.layout = Layout(
            Field.checkboxes("status", small=True),
            Field.checkboxes("kind", small=True),
            Field.checkboxes("decision", small=True),
            Field.select("year"),
            Field.select("harms"),
        )


class DecisionFilter(django_filters.FilterSet):
    class Meta:
        model = DecisionAssessment
        fields: list[str] = []
        form = DecisionFilterForm

    status = django_filters.MultipleChoiceFilter(
        choices=DecisionAssessment.Status.choices, widget=forms.CheckboxSelectMultiple
    )
    kind = django_filters.MultipleChoiceFilter(
        choices=DecisionAssessment.Kind.choices, widget=forms.CheckboxSelectMultiple, label="Kind of decision"
    )
    decision = django_filters.MultipleChoiceFilter(
        choices=DecisionAssessment.Decision.choices, widget=forms.CheckboxSelectMultiple
    )
    year = django_filters.ChoiceFilter(
        choices=[], field_name="decision_date__year", label="Year decided", empty_label="Any"
    )
    harms = django_filters.ModelChoiceFilter(
        queryset=WellbeingOutcome.objects.none(),
        method="harms_outcome",
        label="Expected to harm",
        help_text="Assessments with a negative or strong negative effect on this outcome",
        empty_label="Any outcome",
    )

    def __init__(self, *args, place: Place, years: list[int], **kwargs) -> None:
        self.place = place
        super().__init__(*args, **kwargs)
        self.filters["year"].extra["choices"] = [(year, str(year)) for year in years]
        self.filters["harms"].queryset = WellbeingOutcome.objects.for_place(place)

    def harms_outcome(self, queryset, name, value):
        if not value:
            return queryset
        harmful = OutcomeEffect.objects.filter(assessment=OuterRef("pk"), outcome=value, effect__in=OutcomeEffect.HARMS)
        return queryset.filter(Exists(harmful))
