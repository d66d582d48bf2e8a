"""The form that asks for a gap analysis report, laid out with crispy-forms-gds."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Layout, Size, Submit
from django import forms

from interventions.gap_reports import MAX_QUERY_LENGTH
from interventions.models import GapReport
from wellbeing.layout import Field


class GapReportForm(forms.Form):
    file_format = forms.ChoiceField(
        label="Which kind of file do you want?",
        choices=GapReport.Format.choices,
        widget=forms.RadioSelect,
        help_text="The Excel workbook has a cover sheet and a sheet for each part of the analysis; "
        "the CSV file has the coverage table only.",
        error_messages={
            "required": "Select Excel (.xlsx) or CSV",
            "invalid_choice": "Select Excel (.xlsx) or CSV",
        },
    )
    # The gap analysis page's query string: the filters the report applies.
    query = forms.CharField(required=False, max_length=MAX_QUERY_LENGTH, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's form has the token
        self.helper.layout = Layout(
            Field.radios("file_format", legend_size=Size.MEDIUM, legend_tag="h2"),
            Field("query"),
            Submit("submit", "Ask for the report"),
        )
