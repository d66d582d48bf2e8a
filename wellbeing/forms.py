"""Forms for signing in and account pages, laid out with crispy-forms-gds in the GOV.UK style."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm


def character_count_textarea(field: str, *, max_characters: int, **kwargs) -> Field:
    """A textarea with GOV.UK's character count.

    crispy-forms-gds 2.0.1 raises KeyError('aria-describedby') for a character-count textarea
    whose field has no help text: it appends to an attribute that was never set. Starting the
    attribute empty lets it append. Pinned by tests/test_form_markup.py.
    """
    kwargs.setdefault("aria_describedby", "")
    return Field.textarea(field, max_characters=max_characters, **kwargs)


class SignInForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account has been switched off. Ask your place administrator.",
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
