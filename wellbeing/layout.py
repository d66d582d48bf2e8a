"""crispy-forms-gds layout objects, mended. Import Field from here (ruff bans the upstream one)."""

from crispy_forms_gds.layout import Field as UpstreamField  # noqa: TID251 - the one permitted import


class Field(UpstreamField):
    @classmethod
    def textarea(cls, field: str, *args, max_characters=None, max_words=None, **kwargs) -> UpstreamField:
        """A textarea, with GOV.UK's character or word count when a maximum is given.

        crispy-forms-gds 2.0.1 raises KeyError('aria-describedby') for a counted textarea whose
        field has no help text: it appends to an attribute it never set. Starting the attribute
        empty lets it append. Pinned by tests/test_form_markup.py.
        """
        if max_characters or max_words:
            kwargs.setdefault("aria_describedby", "")
        return super().textarea(field, *args, max_characters=max_characters, max_words=max_words, **kwargs)
