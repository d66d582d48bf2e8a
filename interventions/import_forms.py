"""Forms of the spreadsheet import pages, laid out with crispy-forms-gds."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Layout, Size, Submit
from django import forms
from django.conf import settings

from interventions import importing
from interventions.models import ImportJob
from interventions.spreadsheets import megabytes
from wellbeing.layout import Field


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Upload a spreadsheet",
        error_messages={
            "required": "Select a CSV or Excel (.xlsx) file",
            "empty": "The selected file is empty",
            "invalid": "Select a CSV or Excel (.xlsx) file",
        },
        # crispy-forms-gds gives ClearableFileInput (not FileInput) the govuk-file-upload class.
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        limit = megabytes(settings.IMPORT_MAX_UPLOAD_BYTES)
        self.fields["file"].help_text = f"A CSV or Excel (.xlsx) file, no larger than {limit}."
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's form has the token
        self.helper.label_size = Size.MEDIUM
        self.helper.layout = Layout(Field("file"), Submit("submit", "Upload and check"))


class CommitForm(forms.Form):
    """Import the checked rows. With rows that have problems, the person must choose to skip them."""

    skip_problem_rows = forms.BooleanField(required=False)

    def __init__(self, *args, job: ImportJob, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.job = job
        self.problems = importing.rows_with_problems(job)
        self.to_import = importing.rows_to_import(job)
        field = self.fields["skip_problem_rows"]
        field.label = (
            f"Skip the {_rows(self.problems)} with problems and import the other {_rows(self.to_import, other=True)}"
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's form has the token
        layout = [Field.checkbox("skip_problem_rows")] if self.problems else []
        self.helper.layout = Layout(*layout, Submit("submit", f"Import {_rows(self.to_import)}"))

    def clean_skip_problem_rows(self) -> bool:
        skip = self.cleaned_data["skip_problem_rows"]
        if not self.to_import:
            raise forms.ValidationError("None of the rows can be imported: fix the problems and upload the file again")
        if self.problems and not skip:
            raise forms.ValidationError(
                f"Choose to skip the {_rows(self.problems)} with problems, or fix the file and upload it again"
            )
        return skip


def _rows(count: int, *, other: bool = False) -> str:
    if other:
        return f"{count:,}"  # "… and import the other 12"
    return f"{count:,} row" + ("" if count == 1 else "s")
