"""GOV.UK markup contracts that crispy-forms-gds 2.0.1 breaks and our templates/gds/ overrides mend.
axe does not catch these, so they are pinned here."""

import pytest
from bs4 import BeautifulSoup
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field as UpstreamField  # noqa: TID251 - pinning the upstream bug
from crispy_forms_gds.layout import Layout, Submit
from django import forms
from django.template import Context, Template

from wellbeing.layout import Field

STRENGTHS = [("primary", "Primary"), ("secondary", "Secondary"), ("enabling", "Enabling")]


class ContributionForm(forms.Form):
    title = forms.CharField(error_messages={"required": "Enter a title"})
    strength = forms.ChoiceField(
        choices=STRENGTHS, widget=forms.RadioSelect, error_messages={"required": "Choose a strength"}
    )
    pillars = forms.MultipleChoiceField(
        choices=[("spending", "Spending"), ("land", "Land")],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one pillar"},
    )
    note = forms.CharField(widget=forms.Textarea, max_length=200, required=False)  # no help text
    version = forms.IntegerField(
        widget=forms.HiddenInput, error_messages={"required": "Reload the page: its version is missing"}
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("title"),
            Field.radios("strength", inline=True),
            Field.checkboxes("pillars"),
            Field.textarea("note", max_characters=200),
            Submit("submit", "Save"),
        )

    def clean(self):
        raise forms.ValidationError("Someone else saved this intervention while you were editing it")


def render(form: forms.Form) -> BeautifulSoup:
    template = Template("{% load crispy_forms_tags crispy_forms_gds %}{% error_summary form %}{% crispy form %}")
    return BeautifulSoup(template.render(Context({"form": form})), "html.parser")


def test_inline_radios_keep_the_govuk_radios_class_and_module():
    radios = (
        render(ContributionForm()).select_one("input[name=strength]").find_parent("div", class_="govuk-radios--inline")
    )
    assert "govuk-radios" in radios["class"]
    assert radios["data-module"] == "govuk-radios"


def test_every_error_summary_link_lands_on_an_element_of_the_page():
    page = render(ContributionForm(data={}))
    links = page.select(".govuk-error-summary__list a")
    assert [link.get_text() for link in links] == [
        "Someone else saved this intervention while you were editing it",
        "Reload the page: its version is missing",
        "Enter a title",
        "Choose a strength",
        "Choose at least one pillar",
    ]
    for link in links:
        assert page.find(id=link["href"][1:]) is not None, f"{link['href']} points at nothing"
    assert page.select_one("#id_strength_1")["name"] == "strength"


def test_form_wide_errors_of_a_form_without_visible_fields_are_listed_without_a_link():
    class ConfirmForm(forms.Form):
        version = forms.IntegerField(widget=forms.HiddenInput)

        def clean(self):
            raise forms.ValidationError("Someone else changed this first")

    page = BeautifulSoup(
        Template("{% load crispy_forms_gds %}{% error_summary form %}").render(
            Context({"form": ConfirmForm(data={"version": "1"})})
        ),
        "html.parser",
    )
    items = page.select(".govuk-error-summary__list li")
    assert [item.get_text(strip=True) for item in items] == ["Someone else changed this first"]
    assert not page.select(".govuk-error-summary__list a")


def test_error_summary_uses_govuk_frontend_6_markup():
    summary = render(ContributionForm(data={})).select_one(".govuk-error-summary")
    assert summary["data-module"] == "govuk-error-summary"
    assert not summary.has_attr("role")
    assert summary.select_one(":scope > div[role=alert] h2.govuk-error-summary__title")


def test_character_count_without_help_text_renders_and_describes_the_count():
    page = render(ContributionForm())
    textarea = page.select_one("textarea[name=note]")
    assert "govuk-js-character-count" in textarea["class"]
    assert textarea["aria-describedby"].split() == ["id_note-info"]
    assert page.find(id="id_note-info") is not None
    assert page.select_one(".govuk-character-count")["data-maxlength"] == "200"


def test_upstream_character_count_still_needs_our_workaround():
    """When this fails, crispy-forms-gds has fixed its KeyError: delete wellbeing/layout.py's
    textarea override and the ruff ban on crispy_forms_gds.layout.Field."""

    class NoteForm(forms.Form):
        note = forms.CharField(widget=forms.Textarea)

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.helper = FormHelper()
            self.helper.layout = Layout(UpstreamField.textarea("note", max_characters=200))

    with pytest.raises(KeyError, match="aria-describedby"):
        render(NoteForm())
