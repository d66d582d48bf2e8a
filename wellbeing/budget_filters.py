"""The budget register's filters (django-filter), in the URL so a filtered view can be shared.
Every choice list is the place's own."""

import django_filters
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Layout, Size
from django import forms
from django.db.models import Exists, OuterRef

from wellbeing.layout import Field
from wellbeing.models import BudgetLine, BudgetShare, Place, WellbeingOutcome
from wellbeing.models.budgets import ONE_HUNDRED


class BudgetFilterForm(forms.Form):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # a GET form: no token in the shared URL
        self.helper.label_size = Size.SMALL
        self.helper.legend_size = Size.SMALL
        self.helper.layout = Layout(
            Field.select("year"),
            Field.checkboxes("kind", small=True),
            Field.text("service"),
            Field.select("outcome"),
            Field.checkbox("untagged", small=True),
        )


class BudgetFilter(django_filters.FilterSet):
    class Meta:
        model = BudgetLine
        fields: list[str] = []
        form = BudgetFilterForm

    year = django_filters.ChoiceFilter(
        choices=[], field_name="financial_year", label="Financial year", empty_label="Any year"
    )
    kind = django_filters.MultipleChoiceFilter(
        choices=BudgetLine.Kind.choices, widget=forms.CheckboxSelectMultiple, label="Kind of budget"
    )
    service = django_filters.CharFilter(
        field_name="service", lookup_expr="icontains", label="Service", help_text="All or part of its name"
    )
    outcome = django_filters.ModelChoiceFilter(
        queryset=WellbeingOutcome.objects.none(),
        method="tagged_to",
        label="Tagged to",
        empty_label="Any outcome",
    )
    untagged = django_filters.BooleanFilter(
        method="with_untagged_spend",
        widget=forms.CheckboxInput,
        label="Only lines with untagged spend",
        help_text="Lines whose shares cover less than all of the amount",
    )

    def __init__(self, *args, place: Place, years: list[str], **kwargs) -> None:
        self.place = place
        super().__init__(*args, **kwargs)
        self.filters["year"].extra["choices"] = [(year, year) for year in years]
        self.filters["outcome"].queryset = WellbeingOutcome.objects.for_place(place).order_by("priority_rank", "title")

    def tagged_to(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(Exists(BudgetShare.objects.filter(line=OuterRef("pk"), outcome=value)))

    def with_untagged_spend(self, queryset, name, value):
        # Needs the register queryset's tagged_percent annotation.
        return queryset.filter(tagged_percent__lt=ONE_HUNDRED) if value else queryset
