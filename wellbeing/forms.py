"""Forms for signing in and account pages, laid out with crispy-forms-gds in the GOV.UK style."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Layout, Size, Submit
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import ValidationError

from wellbeing.layout import Field
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
