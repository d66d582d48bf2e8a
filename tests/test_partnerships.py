"""A place's partnerships and their members: the list, the partnership's page (members, the outcomes
no delivery group covers, the picture, history), the forms, bad input, other places' objects,
concurrent edits, the member list export and query budgets."""

import csv
import datetime
import io
import json

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from partnerships.models import Membership, Partnership
from partnerships.partnership_forms import (
    LEFT_BEFORE_JOINING,
    LEFT_IN_FUTURE,
    MembershipForm,
    PartnershipForm,
)
from partnerships.partnership_services import (
    NOT_A_LEAD,
    ORGANISATION_CHANGED,
    DuplicateMembership,
    OverlappingMembership,
    membership_save,
    partnership_save,
)
from tests.factories import (
    DeliveryGroupFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    PartnershipMembershipFactory,
    UserFactory,
    WellbeingOutcomeFactory,
)
from wellbeing.fields import FORM_OUT_OF_DATE
from wellbeing.models import PlaceMembership, Role, WellbeingOutcome
from wellbeing.spreadsheets import FORMULA_TRIGGERS, UTF8_BOM

HOSTILE = '=HYPERLINK("https://evil.example","Click")'
EDITORS = [Role.PARTNERSHIP_LEAD, Role.PLACE_ADMIN]
READERS = [Role.VIEWER, Role.ANALYST, Role.OFFICER]


def _soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def _errors(response) -> list[str]:
    return [li.get_text(" ", strip=True) for li in _soup(response).select(".govuk-error-summary__list li")]


def _partnership_post(**overrides) -> dict:
    return {
        "name": "Wellbeing Economy Anchor Partnership",
        "kind": "anchor",
        "purpose": "Anchor the wealth.",
        **overrides,
    }


def _member_post(organisation, **overrides) -> dict:
    return {
        "organisation": str(organisation.pk),
        "representative": "Jo Smith, Chief Executive",
        "role": "member",
        "joined_on_0": "1",
        "joined_on_1": "4",
        "joined_on_2": "2024",
        "left_on_0": "",
        "left_on_1": "",
        "left_on_2": "",
        **overrides,
    }


def _left(day: datetime.date) -> dict:
    return {"left_on_0": str(day.day), "left_on_1": str(day.month), "left_on_2": str(day.year)}


def _url(partnership, suffix: str = "") -> str:
    return f"/places/{partnership.place.slug}/partnerships/{partnership.pk}/{suffix}"


# --- The list and the partnership form ------------------------------------------------------------


def test_a_partnership_lead_adds_a_partnership_with_leads_and_sees_it_listed(client, cast):
    client.force_login(cast.a.partnership_lead)
    response = client.post(
        "/places/place-a/partnerships/new/", _partnership_post(leads=[str(cast.a.partnership_lead.pk)])
    )
    assert response.status_code == 302, _errors(response)
    partnership = Partnership.objects.get(place=cast.a.place)
    assert list(partnership.leads.all()) == [cast.a.partnership_lead]
    assert response.headers["Location"] == _url(partnership)

    PartnershipMembershipFactory(partnership=partnership)
    PartnershipMembershipFactory(partnership=partnership, left_on=datetime.date(2025, 1, 1))
    DeliveryGroupFactory(partnership=partnership)
    listing = client.get("/places/place-a/partnerships/")
    row = _soup(listing).select_one("tbody tr")
    cells = [cell.get_text(" ", strip=True) for cell in row.select("th, td")]
    assert cells == ["Wellbeing Economy Anchor Partnership", "Anchor partnership", "1", "1"]
    assert "Add a partnership" in listing.content.decode()
    page = client.get(_url(partnership)).content.decode()
    assert cast.a.partnership_lead.get_full_name() in page


def test_the_list_links_to_the_organisations_directory_and_charters(client, cast):
    client.force_login(cast.a.viewer)
    links = [a["href"] for a in _soup(client.get("/places/place-a/partnerships/")).select("main a")]
    assert "/places/place-a/organisations/" in links
    assert any(link.startswith("/places/place-a/charters/") for link in links)


@pytest.mark.parametrize("role", READERS)
def test_members_without_the_permission_see_partnerships_but_cannot_change_them(client, cast, role):
    partnership = PartnershipFactory(place=cast.a.place, name="Community planning partnership")
    membership = PartnershipMembershipFactory(partnership=partnership)
    client.force_login(cast.a.member(role))
    listing = client.get("/places/place-a/partnerships/").content.decode()
    assert "Community planning partnership" in listing and "Add a partnership" not in listing
    page = client.get(_url(partnership)).content.decode()
    assert "Change this partnership" not in page and "Add a member" not in page and "Add a delivery group" not in page
    assert client.post("/places/place-a/partnerships/new/", _partnership_post()).status_code == 403
    assert client.post(_url(partnership, "edit/"), _partnership_post()).status_code == 403
    assert client.post(_url(partnership, "members/new/"), _member_post(membership.organisation)).status_code == 403
    edit = _member_post(membership.organisation, representative="Changed by a reader", role="chair", version="1")
    assert client.post(_url(partnership, f"members/{membership.pk}/edit/"), edit).status_code == 403
    assert Partnership.objects.count() == 1 and Membership.objects.count() == 1
    unchanged = Membership.objects.get()
    assert (unchanged.representative, unchanged.role, unchanged.version) == (
        membership.representative,
        "member",
        1,
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": ""}, "Enter the partnership's name"),
        ({"name": "x" * 201}, "The name must be 200 characters or fewer"),
        ({"kind": ""}, "Choose what kind of partnership this is"),
        ({"kind": "cabal"}, "Select a valid choice"),
    ],
)
def test_bad_partnership_input_is_explained_and_nothing_saved(client, cast, overrides, message):
    client.force_login(cast.a.place_admin)
    response = client.post("/places/place-a/partnerships/new/", _partnership_post(**overrides))
    assert response.status_code == 200
    assert any(message in error for error in _errors(response)), _errors(response)
    assert not Partnership.objects.exists()


def test_a_partnership_name_is_unique_in_its_place_but_not_across_places(client, cast):
    PartnershipFactory(place=cast.a.place, name="Anchor partnership")
    PartnershipFactory(place=cast.b.place, name="Place B's board")
    client.force_login(cast.a.place_admin)
    response = client.post("/places/place-a/partnerships/new/", _partnership_post(name="  anchor   PARTNERSHIP "))
    assert "Place A already has a partnership called ‘anchor PARTNERSHIP’" in _errors(response)
    assert (
        client.post("/places/place-a/partnerships/new/", _partnership_post(name="Place B's board")).status_code == 302
    )


def test_only_the_places_partnership_leads_can_be_named_leads(client, cast):
    """The form offers only people with the partnership lead role here; anyone else posted is refused."""
    client.force_login(cast.a.place_admin)
    form_page = client.get("/places/place-a/partnerships/new/").content.decode()
    assert cast.a.partnership_lead.get_full_name() in form_page
    assert cast.a.officer.get_full_name() not in form_page
    assert cast.b.partnership_lead.get_full_name() not in form_page
    for someone in (cast.a.officer, cast.a.place_admin, cast.b.partnership_lead, cast.outsider):
        response = client.post("/places/place-a/partnerships/new/", _partnership_post(leads=[str(someone.pk)]))
        assert response.status_code == 200
        assert "Choose partnership leads from the people with the partnership lead role in Place A" in _errors(response)
    assert not Partnership.objects.exists()


def test_another_places_partnership_is_404_under_this_places_address(client, cast):
    partnership = PartnershipFactory(place=cast.b.place)
    membership = PartnershipMembershipFactory(partnership=partnership)
    group = DeliveryGroupFactory(partnership=partnership)
    client.force_login(cast.a.place_admin)
    base = f"/places/place-a/partnerships/{partnership.pk}/"
    for path in ("", "edit/", "members/new/", f"members/{membership.pk}/edit/", "members/export/", "groups/new/"):
        assert client.get(base + path).status_code == 404, path
    assert client.get(f"{base}groups/{group.pk}/").status_code == 404


def test_editing_a_partnership_someone_else_saved_meanwhile_keeps_the_input_and_saves_nothing(client, cast):
    partnership = PartnershipFactory(place=cast.a.place, name="Anchor partnership", purpose="First purpose")
    client.force_login(cast.a.place_admin)
    client.post(_url(partnership, "edit/"), _partnership_post(name="Anchor partnership", purpose="Second", version="1"))
    client.force_login(cast.a.partnership_lead)
    response = client.post(
        _url(partnership, "edit/"), _partnership_post(name="Anchor partnership", purpose="Mine", version="1")
    )
    assert response.status_code == 200
    errors = _errors(response)
    assert any("saved changes to this partnership while you were editing it" in e for e in errors), errors
    assert cast.a.place_admin.get_full_name() in errors[0]
    assert "Mine" in response.content.decode()
    partnership.refresh_from_db()
    assert (partnership.purpose, partnership.version) == ("Second", 2)
    # Saving again is a deliberate overwrite: the form now carries the version saved meanwhile.
    version = _soup(response).select_one("input[name=version]")["value"]
    assert version == "2"
    again = client.post(_url(partnership, "edit/"), _partnership_post(purpose="Mine", version=version))
    assert again.status_code == 302
    partnership.refresh_from_db()
    assert partnership.purpose == "Mine"


def _lead_checkboxes(response) -> dict[str, bool]:
    """Each offered lead's label and whether it is ticked."""
    return {
        box.find_next("label").get_text(" ", strip=True): box.has_attr("checked")
        for box in _soup(response).select("input[name=leads]")
    }


def test_a_lead_who_lost_the_role_stays_a_lead_until_unticked_and_cannot_be_named_again(client, cast):
    former = UserFactory(first_name="Morag", last_name="Former")
    seat = MembershipFactory(place=cast.a.place, user=former, role=Role.PARTNERSHIP_LEAD)
    partnership = PartnershipFactory(place=cast.a.place, name="Anchor partnership")
    partnership.leads.set([former, cast.a.partnership_lead])
    seat.role = Role.OFFICER  # a place administrator changed Morag's role
    seat.save()
    client.force_login(cast.a.place_admin)
    url = _url(partnership, "edit/")

    offered = _lead_checkboxes(client.get(url))
    assert offered["Morag Former (no longer has the partnership lead role)"] is True
    assert offered[cast.a.partnership_lead.get_full_name()] is True
    assert cast.a.officer.get_full_name() not in " ".join(offered)
    # An edit of something else keeps both leads.
    both = [str(former.pk), str(cast.a.partnership_lead.pk)]
    response = client.post(url, _partnership_post(name="Anchor partnership", purpose="New", leads=both, version="1"))
    assert response.status_code == 302, _errors(response)
    partnership.refresh_from_db()
    assert partnership.purpose == "New"
    assert set(partnership.leads.all()) == {former, cast.a.partnership_lead}

    # Someone else without the role still cannot be added alongside.
    response = client.post(
        url, _partnership_post(name="Anchor partnership", leads=[*both, str(cast.a.officer.pk)], version="2")
    )
    assert "Choose partnership leads from the people with the partnership lead role in Place A" in _errors(response)
    assert partnership.leads.count() == 2

    # Unticked, Morag is no longer offered, so cannot be named again.
    leads = [str(cast.a.partnership_lead.pk)]
    assert client.post(url, _partnership_post(name="Anchor partnership", leads=leads, version="2")).status_code == 302
    assert list(partnership.leads.all()) == [cast.a.partnership_lead]
    assert "Morag Former" not in " ".join(_lead_checkboxes(client.get(url)))
    response = client.post(url, _partnership_post(name="Anchor partnership", leads=both, version="3"))
    assert "Choose partnership leads from the people with the partnership lead role in Place A" in _errors(response)
    assert list(partnership.leads.all()) == [cast.a.partnership_lead]


def test_a_lead_who_left_the_place_is_shown_and_must_be_unticked_to_save(client, cast):
    gone = UserFactory(first_name="Ewan", last_name="Gone")
    MembershipFactory(place=cast.a.place, user=gone, role=Role.PARTNERSHIP_LEAD)
    partnership = PartnershipFactory(place=cast.a.place, name="Anchor partnership", purpose="Old")
    partnership.leads.set([gone])
    PlaceMembership.objects.filter(place=cast.a.place, user=gone).delete()
    client.force_login(cast.a.partnership_lead)
    url = _url(partnership, "edit/")
    assert _lead_checkboxes(client.get(url)) == {
        cast.a.partnership_lead.get_full_name(): False,
        "Ewan Gone (no longer a member of Place A)": True,
    }
    response = client.post(url, _partnership_post(name="Anchor partnership", leads=[str(gone.pk)], version="1"))
    assert _errors(response) == [
        "Ewan Gone is no longer a member of Place A, so cannot lead its partnerships: untick them, then save"
    ]
    partnership.refresh_from_db()
    assert (partnership.purpose, partnership.version, list(partnership.leads.all())) == ("Old", 1, [gone])
    assert client.post(url, _partnership_post(name="Anchor partnership", version="1")).status_code == 302
    assert not partnership.leads.exists()


def test_the_partnership_service_refuses_a_lead_without_the_role_or_outside_the_place(cast):
    """A form bypassed still cannot name someone without the role, nor keep a lead who left the place."""
    gone = UserFactory()
    partnership = PartnershipFactory(place=cast.a.place, name="Anchor partnership", purpose="Old")
    partnership.leads.set([gone])  # not a member of Place A
    for someone in (cast.a.officer, cast.b.partnership_lead, gone):
        form = PartnershipForm(
            _partnership_post(name="Anchor partnership", version="1"), instance=partnership, place=cast.a.place
        )
        assert form.is_valid(), form.errors
        form.cleaned_data["leads"] = [someone]
        with pytest.raises(PermissionError, match=NOT_A_LEAD):
            partnership_save(place=cast.a.place, form=form)
    partnership.refresh_from_db()
    assert (partnership.purpose, partnership.version, list(partnership.leads.all())) == ("Old", 1, [gone])


@pytest.mark.parametrize("version", [None, "", "two"])
def test_an_edit_without_the_version_it_was_opened_at_is_refused_as_out_of_date(client, cast, version):
    """Not taken for someone else's save: the form cannot tell, so it says to open the page again."""
    partnership = PartnershipFactory(place=cast.a.place, name="Anchor partnership", purpose="Old")
    membership = PartnershipMembershipFactory(partnership=partnership, representative="Old")
    client.force_login(cast.a.place_admin)
    extra = {} if version is None else {"version": version}
    for url, post in [
        (_url(partnership, "edit/"), _partnership_post(name="Anchor partnership", purpose="New", **extra)),
        (
            _url(partnership, f"members/{membership.pk}/edit/"),
            _member_post(membership.organisation, representative="New", **extra),
        ),
    ]:
        response = client.post(url, post)
        assert response.status_code == 200
        assert _errors(response) == [FORM_OUT_OF_DATE], url
    partnership.refresh_from_db()
    membership.refresh_from_db()
    assert (partnership.purpose, partnership.version) == ("Old", 1)
    assert (membership.representative, membership.version) == ("Old", 1)
    # Adding needs no version.
    assert client.post("/places/place-a/partnerships/new/", _partnership_post(name="Another")).status_code == 302


# --- Members --------------------------------------------------------------------------------------


def test_a_lead_adds_members_from_the_places_directory_and_national_bodies(client, cast):
    partnership = PartnershipFactory(place=cast.a.place)
    council = OrganisationFactory(place=cast.a.place, name="Clackmannanshire Council")
    national = OrganisationFactory(place=None, name="Skills Development Scotland")
    OrganisationFactory(place=cast.b.place, name="Place B College")
    client.force_login(cast.a.partnership_lead)
    form_page = client.get(_url(partnership, "members/new/")).content.decode()
    assert "Clackmannanshire Council" in form_page and "Skills Development Scotland (national)" in form_page
    assert "Place B College" not in form_page

    response = client.post(_url(partnership, "members/new/"), _member_post(council, role="chair"))
    assert response.status_code == 302, _errors(response)
    assert response.headers["Location"] == _url(partnership) + "#members"
    response = client.post(_url(partnership, "members/new/"), _member_post(national, role="chair"))
    assert response.status_code == 302, _errors(response)  # co-chairs are allowed
    members = Membership.objects.filter(partnership=partnership).order_by("organisation__name")
    assert [(m.organisation.name, m.role, m.joined_on) for m in members] == [
        ("Clackmannanshire Council", "chair", datetime.date(2024, 4, 1)),
        ("Skills Development Scotland", "chair", datetime.date(2024, 4, 1)),
    ]


def test_another_places_organisation_is_a_form_error_and_nothing_saved(client, cast):
    partnership = PartnershipFactory(place=cast.a.place)
    client.force_login(cast.a.partnership_lead)
    response = client.post(_url(partnership, "members/new/"), _member_post(OrganisationFactory(place=cast.b.place)))
    assert response.status_code == 200
    assert "Choose an organisation from Place A’s directory or the national bodies" in _errors(response)
    assert not Membership.objects.exists()


def test_an_organisation_already_a_current_member_is_refused_but_may_rejoin_after_leaving(client, cast):
    partnership = PartnershipFactory(place=cast.a.place)
    council = OrganisationFactory(place=cast.a.place, name="Clackmannanshire Council")
    first = PartnershipMembershipFactory(partnership=partnership, organisation=council)
    client.force_login(cast.a.partnership_lead)
    response = client.post(_url(partnership, "members/new/"), _member_post(council))
    assert response.status_code == 200
    assert (
        "Clackmannanshire Council is already a current member of this partnership: change its membership instead, "
        "or enter the date it left"
    ) in _errors(response)
    assert Membership.objects.count() == 1

    # Recording that it left, then adding it again, keeps both memberships on record.
    left = _member_post(council, version="1", **_left(datetime.date(2025, 3, 31)))
    assert client.post(_url(partnership, f"members/{first.pk}/edit/"), left).status_code == 302
    rejoin = _member_post(council, joined_on_0="1", joined_on_1="9", joined_on_2="2025")
    assert client.post(_url(partnership, "members/new/"), rejoin).status_code == 302
    assert Membership.objects.filter(partnership=partnership, organisation=council).count() == 2
    # Clearing the old membership's left date would make two current memberships: refused.
    response = client.post(_url(partnership, f"members/{first.pk}/edit/"), _member_post(council, version="2"))
    assert "Clackmannanshire Council is already a current member" in _errors(response)[0]


def test_a_race_to_add_the_same_member_is_caught_from_the_database(cast):
    """Two people add the same organisation at once: both forms were valid, the second save meets
    the partial unique constraint and is refused with the person's message, nothing half-saved."""
    partnership = PartnershipFactory(place=cast.a.place)
    council = OrganisationFactory(place=cast.a.place, name="Clackmannanshire Council")
    form = MembershipForm(_member_post(council), partnership=partnership)
    assert form.is_valid(), form.errors
    PartnershipMembershipFactory(partnership=partnership, organisation=council)  # the other person's save
    with pytest.raises(DuplicateMembership) as refusal:
        membership_save(partnership=partnership, form=form)
    assert str(refusal.value).startswith("Clackmannanshire Council is already a current member of this partnership")
    assert Membership.objects.count() == 1


@pytest.mark.parametrize(
    ("dates", "message"),
    [
        ({"joined_on_0": "1", "joined_on_1": "4", "joined_on_2": "2025", **_left(datetime.date(2025, 3, 31))}, None),
        ({"joined_on_0": "31", "joined_on_1": "2", "joined_on_2": "2025"}, "Date it joined must be a real date"),
        ({"joined_on_0": "", "joined_on_1": "4", "joined_on_2": "2025"}, "Enter the day of the month"),
        ({"left_on_0": "1", "left_on_1": "1", "left_on_2": "1850"}, "Date it left must have a year between 1900"),
    ],
)
def test_bad_membership_dates_are_explained_and_nothing_saved(client, cast, dates, message):
    partnership = PartnershipFactory(place=cast.a.place)
    client.force_login(cast.a.partnership_lead)
    response = client.post(
        _url(partnership, "members/new/"), _member_post(OrganisationFactory(place=cast.a.place), **dates)
    )
    assert response.status_code == 200
    assert any((message or LEFT_BEFORE_JOINING) in error for error in _errors(response)), _errors(response)
    assert not Membership.objects.exists()


def test_a_leaving_date_in_the_future_is_refused(client, cast):
    partnership = PartnershipFactory(place=cast.a.place)
    client.force_login(cast.a.partnership_lead)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(
        _url(partnership, "members/new/"), _member_post(OrganisationFactory(place=cast.a.place), **_left(tomorrow))
    )
    assert LEFT_IN_FUTURE in _errors(response)
    assert not Membership.objects.exists()


def test_a_membership_is_changed_only_under_its_own_partnership(client, cast):
    partnership = PartnershipFactory(place=cast.a.place)
    other = PartnershipFactory(place=cast.a.place)
    membership = PartnershipMembershipFactory(partnership=other)
    client.force_login(cast.a.partnership_lead)
    assert client.get(_url(partnership, f"members/{membership.pk}/edit/")).status_code == 404
    response = client.post(_url(partnership, f"members/{membership.pk}/edit/"), _member_post(membership.organisation))
    assert response.status_code == 404
    assert client.get(_url(other, f"members/{membership.pk}/edit/")).status_code == 200


def test_editing_a_membership_someone_else_saved_meanwhile_is_refused(client, cast):
    partnership = PartnershipFactory(place=cast.a.place)
    membership = PartnershipMembershipFactory(partnership=partnership, representative="First")
    client.force_login(cast.a.place_admin)
    url = _url(partnership, f"members/{membership.pk}/edit/")
    assert (
        client.post(url, _member_post(membership.organisation, representative="Second", version="1")).status_code == 302
    )
    client.force_login(cast.a.partnership_lead)
    response = client.post(url, _member_post(membership.organisation, representative="Mine", version="1"))
    assert any("saved changes to this membership while you were editing it" in e for e in _errors(response))
    assert 'value="Mine"' in response.content.decode()
    membership.refresh_from_db()
    assert (membership.representative, membership.version) == ("Second", 2)


def test_a_memberships_organisation_is_shown_but_cannot_be_changed(client, cast):
    partnership = PartnershipFactory(place=cast.a.place)
    council = OrganisationFactory(place=cast.a.place, name="Clackmannanshire Council")
    college = OrganisationFactory(place=cast.a.place, name="Forth Valley College")
    membership = PartnershipMembershipFactory(partnership=partnership, organisation=council)
    client.force_login(cast.a.partnership_lead)
    url = _url(partnership, f"members/{membership.pk}/edit/")
    soup = _soup(client.get(url))
    assert soup.select_one("[name=organisation]") is None
    assert soup.select_one("[data-membership-organisation]").get_text(strip=True) == "Clackmannanshire Council"
    # An organisation posted anyway is ignored: the rest is saved, the seat stays the council's.
    response = client.post(url, _member_post(college, representative="New rep", version="1"))
    assert response.status_code == 302, _errors(response)
    membership.refresh_from_db()
    assert (membership.organisation, membership.representative) == (council, "New rep")
    assert Membership.objects.count() == 1

    # The service refuses a changed organisation too (a form that let it through).
    form = MembershipForm(_member_post(college, version="2"), instance=membership, partnership=partnership)
    assert form.is_valid(), form.errors
    form.instance.organisation = college
    with pytest.raises(PermissionError, match=ORGANISATION_CHANGED):
        membership_save(partnership=partnership, form=form)
    membership.refresh_from_db()
    assert (membership.organisation, membership.version) == (council, 2)


def _dates(joined: datetime.date | None, left: datetime.date | None) -> dict:
    def parts(name, day):
        values = (str(day.day), str(day.month), str(day.year)) if day else ("", "", "")
        return {f"{name}_{n}": value for n, value in enumerate(values)}

    return {**parts("joined_on", joined), **parts("left_on", left)}


D = datetime.date


@pytest.mark.parametrize(
    ("joined", "left", "message"),
    [
        # Inside the earlier period, straddling its start, straddling its end, around it.
        (D(2022, 6, 1), D(2022, 9, 1), "from 1 January 2022 to 1 January 2023"),
        (D(2021, 6, 1), D(2022, 2, 1), "from 1 January 2022 to 1 January 2023"),
        (D(2022, 12, 1), D(2023, 6, 1), "from 1 January 2022 to 1 January 2023"),
        (D(2021, 1, 1), D(2024, 1, 1), "from 1 January 2022 to 1 January 2023"),
        # No joining date: from the start, so it overlaps the earlier period too.
        (None, D(2022, 6, 1), "from 1 January 2022 to 1 January 2023"),
        # Overlapping the current membership (which joined on 1 March 2024) with past dates.
        (D(2024, 1, 1), D(2024, 6, 1), "from 1 March 2024, still current"),
        # Touching is not overlapping: it left on the day the next period began.
        (D(2023, 1, 1), D(2024, 3, 1), None),
        (None, D(2022, 1, 1), None),
    ],
)
def test_an_organisations_membership_periods_never_overlap(client, cast, joined, left, message):
    partnership = PartnershipFactory(place=cast.a.place)
    council = OrganisationFactory(place=cast.a.place, name="Clackmannanshire Council")
    PartnershipMembershipFactory(
        partnership=partnership, organisation=council, joined_on=D(2022, 1, 1), left_on=D(2023, 1, 1)
    )
    PartnershipMembershipFactory(partnership=partnership, organisation=council, joined_on=D(2024, 3, 1))
    client.force_login(cast.a.partnership_lead)
    response = client.post(_url(partnership, "members/new/"), _member_post(council, **_dates(joined, left)))
    if message is None:
        assert response.status_code == 302, _errors(response)
        assert Membership.objects.count() == 3
        return
    assert response.status_code == 200
    assert _errors(response) == [
        f"These dates overlap Clackmannanshire Council’s other membership of this partnership, {message}: an "
        "organisation holds one seat at a time. Change the dates so they do not overlap, or change that membership "
        "instead"
    ]
    assert Membership.objects.count() == 2


def test_changing_a_membership_cannot_make_it_overlap_another_of_the_same_organisation(client, cast):
    partnership = PartnershipFactory(place=cast.a.place)
    council = OrganisationFactory(place=cast.a.place, name="Clackmannanshire Council")
    PartnershipMembershipFactory(partnership=partnership, organisation=council, left_on=D(2023, 1, 1))
    current = PartnershipMembershipFactory(partnership=partnership, organisation=council, joined_on=D(2024, 3, 1))
    other = PartnershipMembershipFactory(partnership=partnership, joined_on=D(2020, 1, 1))  # another organisation
    client.force_login(cast.a.partnership_lead)
    url = _url(partnership, f"members/{current.pk}/edit/")
    response = client.post(url, _member_post(council, version="1", **_dates(D(2022, 12, 31), None)))
    assert _errors(response) == [
        "These dates overlap Clackmannanshire Council’s other membership of this partnership, until 1 January 2023 "
        "(the date it joined is not recorded): an organisation holds one seat at a time. Change the dates so they "
        "do not overlap, or change that membership instead"
    ]
    current.refresh_from_db()
    assert (current.joined_on, current.version) == (D(2024, 3, 1), 1)
    # Its own earlier dates and another organisation's are no obstacle.
    response = client.post(url, _member_post(council, version="1", **_dates(D(2023, 1, 1), None)))
    assert response.status_code == 302, _errors(response)
    assert other.joined_on < D(2023, 1, 1)


def test_an_overlapping_period_saved_meanwhile_is_refused_by_the_service(cast):
    partnership = PartnershipFactory(place=cast.a.place)
    council = OrganisationFactory(place=cast.a.place, name="Clackmannanshire Council")
    form = MembershipForm(_member_post(council, **_dates(D(2022, 1, 1), D(2023, 1, 1))), partnership=partnership)
    assert form.is_valid(), form.errors
    PartnershipMembershipFactory(  # the other person's save
        partnership=partnership, organisation=council, joined_on=D(2022, 6, 1), left_on=D(2022, 9, 1)
    )
    with pytest.raises(OverlappingMembership) as refusal:
        membership_save(partnership=partnership, form=form)
    assert "from 1 June 2022 to 1 September 2022" in str(refusal.value)
    assert Membership.objects.count() == 1
    # Opened now, the form itself says so.
    again = MembershipForm(_member_post(council, **_dates(D(2022, 1, 1), D(2023, 1, 1))), partnership=partnership)
    assert not again.is_valid()
    assert "from 1 June 2022 to 1 September 2022" in again.errors["joined_on"][0]


# --- The partnership's page -----------------------------------------------------------------------


def _picture_partnership(place):
    partnership = PartnershipFactory(place=place, name="Anchor partnership")
    council = OrganisationFactory(place=place, name="Council")
    college = OrganisationFactory(place=place, name="College")
    housing = OrganisationFactory(place=place, name="Housing association")
    for organisation in (council, college, housing):
        PartnershipMembershipFactory(partnership=partnership, organisation=organisation)
    outcomes = list(WellbeingOutcome.objects.filter(place=place).order_by("priority_rank"))
    outcomes += [WellbeingOutcomeFactory(place=place, title=f"Outcome {n}", priority_rank=n) for n in (2, 3)]
    DeliveryGroupFactory(
        partnership=partnership,
        name="Fair work group",
        lead_organisation=council,
        members=[council, college],
        outcomes=[outcomes[0], outcomes[1]],
    )
    DeliveryGroupFactory(partnership=partnership, name="Young people group", members=[college])
    return partnership, outcomes


def test_the_page_flags_priority_outcomes_no_group_covers(client, cast):
    partnership, outcomes = _picture_partnership(cast.a.place)
    client.force_login(cast.a.viewer)
    soup = _soup(client.get(_url(partnership)))
    warning = soup.select_one("[data-flag=uncovered]").get_text(" ", strip=True)
    assert "1 of 3 priority outcomes no delivery group covers" in warning
    flagged = [a.get_text(strip=True) for a in soup.select("[data-flag-list=uncovered] a")]
    assert flagged == ["3. Outcome 3"]
    assert soup.select_one("[data-flag-list=uncovered] a")["href"] == f"/places/place-a/outcomes/{outcomes[2].pk}/"
    # Another partnership's group does not cover this partnership's gap.
    DeliveryGroupFactory(partnership=PartnershipFactory(place=cast.a.place), outcomes=[outcomes[2]])
    assert "1 of 3 priority outcomes" in client.get(_url(partnership)).content.decode()
    DeliveryGroupFactory(partnership=partnership, outcomes=[outcomes[2]])
    soup = _soup(client.get(_url(partnership)))
    assert soup.select_one("[data-flag=uncovered]") is None
    assert "has a delivery group focused on it" in soup.select_one("[data-flag=covered]").get_text()


def test_the_picture_and_its_table_hold_the_same_links(client, cast):
    partnership, outcomes = _picture_partnership(cast.a.place)
    client.force_login(cast.a.viewer)
    soup = _soup(client.get(_url(partnership)))
    figure = json.loads(soup.select_one("#chart-partnership-data").string)
    sankey = figure["data"][0]
    names = sankey["node"]["customdata"]
    drawn = [
        (names[source], names[target])
        for source, target in zip(sankey["link"]["source"], sankey["link"]["target"], strict=True)
    ]
    rows = [
        [cell.get_text(strip=True) for cell in row.select("th, td")]
        for row in soup.select("#chart-partnership-table tbody tr")
    ]
    assert [(source, target) for source, _, target in rows] == drawn
    assert rows == [
        ["Council", "leads", "Fair work group"],
        ["College", "sits on", "Fair work group"],
        ["College", "sits on", "Young people group"],
        ["Fair work group", "focuses on", "1. Fair work for women in Place A"],
        ["Fair work group", "focuses on", "2. Outcome 2"],
    ]
    assert sankey["link"]["value"] == [1] * 5
    # Each column of the picture holds its own kind: organisations left, groups middle, outcomes right.
    columns = dict(zip(names, sankey["node"]["x"], strict=True))
    assert columns["Council"] < columns["Fair work group"] < columns["2. Outcome 2"]
    # The table's cells link to the organisations, the groups and the outcomes.
    hrefs = [a["href"] for a in soup.select("#chart-partnership-table a")]
    fair_work = partnership.delivery_groups.get(name="Fair work group")
    assert hrefs[3] == f"/places/place-a/partnerships/{partnership.pk}/groups/{fair_work.pk}/"
    assert hrefs[-1] == f"/places/place-a/outcomes/{outcomes[1].pk}/"
    assert "/organisations/" in hrefs[0]
    # The housing association is a member in no group: said under the picture.
    assert "Current members in no delivery group: Housing association" in " ".join(soup.get_text(" ").split())


def test_current_members_come_first_and_past_members_are_shown_apart(client, cast):
    partnership = PartnershipFactory(place=cast.a.place)
    for name, left in [("Zeta Trust", None), ("Alpha Housing", datetime.date(2024, 3, 1)), ("Beta College", None)]:
        PartnershipMembershipFactory(
            partnership=partnership, organisation=OrganisationFactory(place=cast.a.place, name=name), left_on=left
        )
    client.force_login(cast.a.viewer)
    soup = _soup(client.get(_url(partnership)))
    current = [row.th.get_text(strip=True) for row in soup.select("#current-members tbody tr")]
    past = [row.th.get_text(strip=True) for row in soup.select("#past-members tbody tr")]
    assert current == ["Beta College", "Zeta Trust"] and past == ["Alpha Housing"]
    assert "1 Mar 2024" in soup.select_one("#past-members").get_text()


def test_the_history_shows_changes_to_the_partnership_its_members_and_its_groups(client, cast):
    client.force_login(cast.a.partnership_lead)
    client.post("/places/place-a/partnerships/new/", _partnership_post(leads=[str(cast.a.partnership_lead.pk)]))
    partnership = Partnership.objects.get()
    council = OrganisationFactory(place=cast.a.place, name="Clackmannanshire Council")
    client.post(_url(partnership, "members/new/"), _member_post(council))
    membership = Membership.objects.get()
    client.post(_url(partnership, f"members/{membership.pk}/edit/"), _member_post(council, role="chair", version="1"))
    outcome = WellbeingOutcome.objects.get(place=cast.a.place)
    client.post(_url(partnership, "groups/new/"), {"name": "Fair work group", "outcomes": [str(outcome.pk)]})
    history = _soup(client.get(_url(partnership))).select_one("#history-caption").find_parent("table")
    text = " ".join(history.get_text(" ").split())
    assert "Created: Partnership" in text and "Wellbeing Economy Anchor Partnership" in text
    assert f"Partnership leads : — → {cast.a.partnership_lead.get_full_name()}" in text
    assert "Created: Member ‘Clackmannanshire Council’" in text
    assert "Changed: Member ‘Clackmannanshire Council’ Role : Member → Chair" in text
    assert "Delivery group ‘Fair work group’" in text and "Fair work for women in Place A" in text


def test_the_member_list_export_is_formula_safe_in_both_formats(client, cast):
    partnership = PartnershipFactory(place=cast.a.place, name="Anchor partnership")
    hostile = OrganisationFactory(place=cast.a.place, name=HOSTILE, sector="health", is_anchor=True)
    PartnershipMembershipFactory(
        partnership=partnership,
        organisation=hostile,
        representative="@SUM(A1:A2)",
        role="chair",
        joined_on=datetime.date(2024, 4, 1),
    )
    PartnershipMembershipFactory(
        partnership=partnership,
        organisation=OrganisationFactory(place=cast.a.place, name="Alpha College"),
        joined_on=datetime.date(2023, 1, 1),
        left_on=datetime.date(2024, 1, 1),
    )
    client.force_login(cast.a.viewer)

    response = client.get(_url(partnership, "members/export/?format=csv"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="members-anchor-partnership.csv"'
    assert response.content.startswith(UTF8_BOM)
    rows = list(csv.reader(io.StringIO(response.content[len(UTF8_BOM) :].decode("utf-8"))))
    assert rows == [
        ["Organisation", "Sector", "Anchor institution", "Representative", "Role", "Joined", "Left", "Current member"],
        ["'" + HOSTILE, "Health and social care", "Yes", "'@SUM(A1:A2)", "Chair", "2024-04-01", "", "Yes"],
        ["Alpha College", "Other", "No", rows[2][3], "Member", "2023-01-01", "2024-01-01", "No"],
    ]

    response = client.get(_url(partnership, "members/export/?format=xlsx"))
    assert response["Content-Disposition"] == 'attachment; filename="members-anchor-partnership.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content))
    cells = [cell for row in workbook["Members"].iter_rows() for cell in row if cell.value is not None]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert not [cell.value for cell in cells if isinstance(cell.value, str) and cell.value.startswith(FORMULA_TRIGGERS)]
    values = [list(row) for row in workbook["Members"].iter_rows(values_only=True)]
    assert values[1][:5] == ["'" + HOSTILE, "Health and social care", "Yes", "'@SUM(A1:A2)", "Chair"]
    assert values[1][5].date() == datetime.date(2024, 4, 1) and values[2][7] == "No"


def test_an_unknown_export_format_is_404(client, cast):
    partnership = PartnershipFactory(place=cast.a.place)
    client.force_login(cast.a.viewer)
    assert client.get(_url(partnership, "members/export/?format=pdf")).status_code == 404
    assert client.get(_url(partnership, "members/export/")).status_code == 200  # Excel by default


# --- Query budgets --------------------------------------------------------------------------------


def _queries(client, url: str) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), [q["sql"] for q in captured.captured_queries]


def _grow_partnership(partnership, count: int) -> None:
    place = partnership.place
    outcomes = [WellbeingOutcomeFactory(place=place) for _ in range(3)]
    lead = UserFactory()
    MembershipFactory(place=place, user=lead, role=Role.PARTNERSHIP_LEAD)
    partnership.leads.add(lead)
    for _ in range(count):
        membership = PartnershipMembershipFactory(partnership=partnership)
        PartnershipMembershipFactory(partnership=partnership, left_on=datetime.date(2024, 1, 1))
        group = DeliveryGroupFactory(
            partnership=partnership, lead_organisation=membership.organisation, members=[membership.organisation]
        )
        group.outcomes.set(outcomes[:2])


def test_the_partnership_page_queries_do_not_grow_with_members_and_groups(client, cast):
    # 1 session, 1 user, 1 memberships (access); 1 partnership, 1 its leads, 1 its memberships with
    # their organisations, 1 its groups with their leads, 1 the groups' outcomes, 1 the groups'
    # members, 1 the place's outcomes; history: 1 partnership records, 2 their leads (the history
    # rows, then the people), 1 membership records with organisations, 1 group records with leads,
    # 2 their outcomes, 2 their members.
    partnership = PartnershipFactory(place=cast.a.place)
    client.force_login(cast.a.partnership_lead)
    _grow_partnership(partnership, 2)
    few, _ = _queries(client, _url(partnership))
    _grow_partnership(partnership, 18)
    many, sql = _queries(client, _url(partnership))
    assert few == many == 19, "\n".join(sql)


def test_the_partnership_list_queries_do_not_grow_with_partnerships(client, cast):
    # 1 session, 1 user, 1 memberships (access), 1 partnerships with their counts.
    client.force_login(cast.a.viewer)
    _grow_partnership(PartnershipFactory(place=cast.a.place), 2)
    few, _ = _queries(client, "/places/place-a/partnerships/")
    for _ in range(20):
        _grow_partnership(PartnershipFactory(place=cast.a.place), 2)
    many, sql = _queries(client, "/places/place-a/partnerships/")
    assert few == many == 4, "\n".join(sql)


def test_the_member_list_export_queries_do_not_grow_with_members(client, cast):
    # 1 session, 1 user, 1 memberships (access), 1 partnership, 1 memberships with organisations.
    partnership = PartnershipFactory(place=cast.a.place)
    client.force_login(cast.a.viewer)
    _grow_partnership(partnership, 2)
    few, _ = _queries(client, _url(partnership, "members/export/?format=csv"))
    _grow_partnership(partnership, 18)
    many, sql = _queries(client, _url(partnership, "members/export/?format=csv"))
    assert few == many == 5, "\n".join(sql)
