"""Writes to the organisations directory. A place adds and changes its own organisations only;
national bodies are shared and read-only."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from partnerships.models import Organisation
from partnerships.organisation_forms import DUPLICATE_MESSAGE, OrganisationForm
from partnerships.organisation_selectors import national_organisation_with_name, organisation_name_clashes
from partnerships.similar_names import name_key
from wellbeing.concurrency import save_versioned
from wellbeing.models import Place


class DuplicateOrganisation(ValidationError):
    """The name is already in the directory: someone added it between the form's check and the
    save (the database's unique name per place caught it, or the check against national bodies
    made after the save). `existing` is that organisation."""

    def __init__(self, *, name: str, existing: Organisation | None) -> None:
        super().__init__({"name": [DUPLICATE_MESSAGE.format(name=existing.name if existing else name)]})
        self.name = name
        self.existing = existing


@transaction.atomic
def organisation_save(*, place: Place, form: OrganisationForm) -> Organisation:
    """Add an organisation to the place's directory, or save changes to one of its own unless
    someone else saved it since the form was opened (wellbeing.concurrency.EditConflict). A name
    already taken raises DuplicateOrganisation. Nothing is written on refusal."""
    organisation = form.save(commit=False)
    adding = organisation.pk is None
    if adding:
        organisation.place = place
    elif organisation.place_id != place.pk:
        raise PermissionError("A place changes only its own organisations; national bodies are read-only.")
    try:
        with transaction.atomic():  # a savepoint, so the clash can be looked up after the refusal
            if adding:
                organisation.save()
            else:
                save_versioned(organisation, expected_version=form.cleaned_data["version"])
    except IntegrityError:
        if adding:
            organisation.pk = None
        existing = organisation_name_clashes(place=place, name=organisation.name, exclude_pk=organisation.pk).same
        raise DuplicateOrganisation(name=organisation.name, existing=existing) from None
    # The database keeps names unique within a place, and among national bodies, but not across
    # the two: a national body added since the form's check is looked for again now the row is
    # written, in the same transaction, and refusing rolls the save back. Like the form, a name
    # kept as it was is not checked again.
    if adding or name_key(organisation.name) != name_key(form.original_name):
        national = national_organisation_with_name(name=organisation.name)
        if national is not None:
            if adding:
                organisation.pk = None
            raise DuplicateOrganisation(name=organisation.name, existing=national)
    return organisation
