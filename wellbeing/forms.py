"""Forms for signing in and account pages, laid out with crispy-forms-gds in the GOV.UK style."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Layout, Size, Submit
from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import ValidationError

from wellbeing.fields import require_version, version_field
from wellbeing.layout import Field
from wellbeing.models import NationalIndicator, NationalOutcome, Place, WellbeingOutcome
from wellbeing.models.npf import NPF_2018
from wellbeing.services import DEMO_USERNAMES


class SignInForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account has been switched off. Ask your place administrator.",
        "demo_account": "Demo accounts only work where the illustrative demo is set up, not on this service.",
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("username", autocomplete="username", spellcheck="false"),
            Field.text("password", autocomplete="current-password"),
            Submit("submit", "Sign in"),
        )

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        # A database seeded by `make run` might later be served with production settings.
        if user.username in DEMO_USERNAMES and not settings.DEMO_DATA_ALLOWED:
            raise ValidationError(self.error_messages["demo_account"], code="demo_account")


class ChangePasswordForm(PasswordChangeForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "Current password"
        self.fields["new_password2"].label = "Confirm new password"
        self.fields["new_password2"].help_text = ""
        self.fields["old_password"].error_messages["required"] = "Enter your current password"
        self.fields["new_password1"].error_messages["required"] = "Enter a new password"
        self.fields["new_password2"].error_messages["required"] = "Enter the new password again"
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("old_password", autocomplete="current-password"),
            Field.text("new_password1", autocomplete="new-password"),
            Field.text("new_password2", autocomplete="new-password"),
            Submit("submit", "Change password"),
        )
        self.helper.label_size = Size.SMALL


class WellbeingOutcomeForm(forms.ModelForm):
    """A place's key wellbeing outcome, with its drivers and links to the NPF."""

    version = version_field()
    national_outcomes = forms.ModelMultipleChoiceField(
        queryset=NationalOutcome.objects.filter(framework_version=NPF_2018).order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="NPF national outcomes",
    )
    national_indicators = forms.ModelMultipleChoiceField(
        queryset=NationalIndicator.objects.filter(framework_version=NPF_2018).order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="NPF national indicators",
    )

    class Meta:
        model = WellbeingOutcome
        fields = ["title", "description", "priority_rank", "drivers", "national_outcomes", "national_indicators"]
        labels = {"priority_rank": "Priority"}
        help_texts = {"priority_rank": "1 is the highest priority. Two outcomes may share a priority."}
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "drivers": forms.Textarea(attrs={"rows": 4})}
        error_messages = {
            "title": {"required": "Enter the outcome's title"},
            "priority_rank": {
                "required": "Enter the outcome's priority, a whole number from 1",
                "invalid": "Priority must be a whole number, like 1 or 2",
                "min_value": "Priority must be 1 or more",
            },
        }

    def __init__(self, *args, place: Place, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.place = place
        if self.instance.pk:
            require_version(self.fields["version"], self.instance.version)
        self.fields["priority_rank"].min_value = 1
        self.fields["priority_rank"].widget = forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"})
        self.fields["national_indicators"].label_from_instance = lambda indicator: indicator.name
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}  # our messages, not the browser's
        self.helper.label_size = Size.SMALL
        self.helper.legend_size = Size.SMALL
        self.helper.layout = Layout(
            "version",
            Field.text("title"),
            Field.textarea("description"),
            Field.text("priority_rank", field_width=4),
            Field.textarea("drivers"),
            Field.checkboxes("national_outcomes", small=True),
            Field.checkboxes("national_indicators", small=True),
            Submit("submit", "Save outcome"),
        )

    def clean_title(self) -> str:
        title = " ".join(self.cleaned_data["title"].split())
        duplicate = WellbeingOutcome.objects.for_place(self.place).filter(title__iexact=title)
        if self.instance.pk:
            duplicate = duplicate.exclude(pk=self.instance.pk)
        if duplicate.exists():
            raise ValidationError(f"{self.place.name} already has an outcome called ‘{title}’")
        return title

    def clean_priority_rank(self) -> int:
        rank = self.cleaned_data["priority_rank"]
        if rank is not None and rank < 1:
            raise ValidationError("Priority must be 1 or more")
        return rank
