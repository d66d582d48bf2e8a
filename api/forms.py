"""The profile page's form for a new API token."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Layout, Size, Submit
from django import forms

from wellbeing.layout import Field

# How long a new token lasts, in days. No token lasts for ever: a leaked one stops working on its own.
EXPIRY_CHOICES = [(30, "30 days"), (90, "90 days"), (365, "1 year")]
DEFAULT_EXPIRY_DAYS = 90


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        label="What is the token for?",
        help_text="For example, ‘Power BI dashboard’ or ‘Python notebook’. This helps you tell your tokens apart.",
        error_messages={
            "required": "Enter what the token is for",
            "max_length": "What the token is for must be 100 characters or fewer",
        },
    )
    expires_in = forms.TypedChoiceField(
        choices=EXPIRY_CHOICES,
        coerce=int,
        initial=DEFAULT_EXPIRY_DAYS,
        widget=forms.RadioSelect,
        label="When should it stop working?",
        error_messages={
            "required": "Choose when the token should stop working",
            "invalid_choice": "Choose 30 days, 90 days or 1 year",
        },
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_action = "token_create"
        self.helper.label_size = Size.SMALL
        self.helper.legend_size = Size.SMALL
        self.helper.layout = Layout(
            Field.text("name", spellcheck="false"),
            Field.radios("expires_in", small=True),
            Submit("submit", "Create token"),
        )

    def clean_name(self) -> str:
        return self.cleaned_data["name"].strip()
