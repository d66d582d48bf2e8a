"""The organisations directory: search and filters, adding and changing a place's own
organisations, duplicates caught on entry, national bodies read-only, other places' organisations
out of reach, and an organisation's page with what it takes part in."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from interventions.models import Intervention
from partnerships import organisation_forms
from partnerships.models import Membership, Organisation
from partnerships.organisation_forms import OrganisationForm
from partnerships.organisation_selectors import NameClashes
from partnerships.organisation_services import DuplicateOrganisation, organisation_save
from partnerships.similar_names import is_similar, normalise, same_name, similar_names
from tests.factories import (
    CharterCommitmentFactory,
    CharterFactory,
    DeliveryGroupFactory,
    InterventionFactory,
    OrganisationFactory,
    PartnershipFactory,
    PartnershipMembershipFactory,
    SignatoryFactory,
)
from wellbeing.fields import FORM_OUT_OF_DATE
from wellbeing.models import Role

LIST = "/places/place-a/organisations/"
NEW = "/places/place-a/organisations/new/"


def _page(org) -> str:
    return f"/places/place-a/organisations/{org.pk}/"


def _edit(org) -> str:
    return f"/places/place-a/organisations/{org.pk}/edit/"


def _soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def _errors(response) -> list[str]:
    return [li.get_text(" ", strip=True) for li in _soup(response).select(".govuk-error-summary__list li")]


def _names(response) -> list[str]:
    return [a.get_text(strip=True) for a in _soup(response).select("#organisations-table tbody th a")]


def _post(**overrides) -> dict:
    return {
        "name": "Forth Valley College",
        "sector": "education",
        "is_anchor": "no",
        "size_band": "large",
        "website": "",
        **overrides,
    }


# --- Similar names (partnerships/similar_names.py) ------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Forth Valley College", "Forth Valley Colege"),
        ("Forth Valley College", "The Forth Valley College Ltd"),
        ("Forth Valley College", "Forth Valey Colege"),
        ("Forth Valley College", "Forth Valley College Alloa Campus"),
        ("Clackmannanshire Council", "Clackmannanshire Councel"),
        ("Kingdom Housing Association", "Kingdom Housing Assoc."),
        ("Stirling University", "University of Stirling"),
        ("Skills Development Scotland", "Skill Development Scotland"),
        ("Marks & Spencer plc", "Marks and Spencer"),
        ("St. Mary's Church", "St Mary’s Church"),
        ("Café Bonjour", "Cafe Bonjour Ltd"),
        ("Wee County Care CIC", "Wee County Care Community Interest Company"),
    ],
)
def test_similar_names_are_caught(a, b):
    assert is_similar(a, b) and is_similar(b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("NHS Forth Valley", "Forth Valley College"),
        ("Clackmannanshire Council", "Stirling Council"),
        ("Fife Council", "Falkirk Council"),
        ("Alloa Academy", "Alva Academy"),
        ("Transport Scotland", "Sport Scotland"),
        ("Paragon Housing Association", "Kingdom Housing Association"),
        ("Ochil View Housing Association", "Paragon Housing Association"),
        ("Scottish Enterprise", "Scottish Water"),
        ("Falkirk Community Trust", "Stirling Community Trust"),
        ("Council", "Stirling Council"),  # too short to count as one name inside the other
    ],
)
def test_different_organisations_are_not_similar(a, b):
    assert not is_similar(a, b) and not is_similar(b, a)


def test_names_are_normalised_before_comparing():
    assert normalise("The  Forth Valley College Ltd.") == "forth valley college"
    assert normalise("Marks & Spencer PLC") == "marks and spencer"
    assert normalise("St. Mary’s Church (Alloa) LLP") == "st marys church alloa"
    assert normalise("The") == "the"  # never normalised to nothing
    assert same_name("  forth   VALLEY college ", "Forth Valley College")
    assert not same_name("Forth Valley College Ltd", "Forth Valley College")


def test_similar_names_lists_the_matching_candidates_most_alike_first():
    candidates = ["NHS Forth Valley", "Forth Valley College Alloa Campus", "Forth Valley Colege", "Stirling Council"]
    matches = similar_names("Forth Valley College", candidates)
    assert [m.name for m in matches] == ["Forth Valley Colege", "Forth Valley College Alloa Campus"]
    assert matches[0].score > matches[1].score


def test_similar_names_takes_any_object_with_a_name():
    org = Organisation(name="The Forth Valley College Ltd")
    assert [m.candidate for m in similar_names("forth valley college", [org])] == [org]
    assert similar_names("x", [("k", "Forth Valley College")], name_of=lambda pair: pair[1]) == []


# --- The directory --------------------------------------------------------------------------------


@pytest.fixture
def directory(cast):
    """Place A's own organisations, two national bodies, and place B's own."""
    a = cast.a.place
    return {
        "college": OrganisationFactory(
            place=a, name="Forth Valley College", sector="education", is_anchor=True, size_band="large"
        ),
        "council": OrganisationFactory(
            place=a, name="Clackmannanshire Council", sector="public", is_anchor=True, size_band="large"
        ),
        "bakery": OrganisationFactory(place=a, name="hillfoots Bakery", sector="private", size_band="medium"),
        "trust": OrganisationFactory(place=a, name="Sauchie Community Trust", sector="community", size_band=""),
        "sds": OrganisationFactory(place=None, name="Skills Development Scotland", sector="public"),
        "gov": OrganisationFactory(place=None, name="Scottish Government", sector="public", size_band="large"),
        "secret": OrganisationFactory(place=cast.b.place, name="Secret Employer of Place B", sector="private"),
    }


def test_the_directory_lists_the_places_and_national_organisations_by_name(client, cast, directory):
    client.force_login(cast.a.viewer)
    response = client.get(LIST)
    assert _names(response) == [
        "Clackmannanshire Council",
        "Forth Valley College",
        "hillfoots Bakery",  # case ignored when sorting
        "Sauchie Community Trust",
        "Scottish Government",
        "Skills Development Scotland",
    ]
    soup = _soup(response)
    national_row = soup.select_one(f'tr[data-organisation="{directory["sds"].pk}"]')
    assert "National body" in national_row.get_text()
    assert "National body" not in soup.select_one(f'tr[data-organisation="{directory["college"].pk}"]').get_text()
    assert soup.select_one(f'#organisations-table a[href="{_page(directory["college"])}"]')
    assert "Secret Employer of Place B" not in response.content.decode()
    assert not soup.find("a", string="Add an organisation")  # a viewer cannot add


@pytest.mark.parametrize("role", [Role.OFFICER, Role.PARTNERSHIP_LEAD, Role.PLACE_ADMIN])
def test_the_add_button_shows_for_those_who_may_add(client, cast, role):
    client.force_login(cast.a.member(role))
    assert _soup(client.get(LIST)).find("a", string="Add an organisation")["href"] == NEW


def test_the_directory_sorts_by_name_both_ways(client, cast, directory):
    client.force_login(cast.a.viewer)
    names = _names(client.get(LIST, {"sort": "-name"}))
    assert names[0] == "Skills Development Scotland" and names[-1] == "Clackmannanshire Council"
    header = _soup(client.get(LIST, {"sort": "-name", "sector": "public"})).select_one("th[aria-sort] a")
    assert header["href"] == "?sector=public&sort=name"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "FORTH"}, ["Forth Valley College"]),
        ({"q": "ScOtTiSh"}, ["Scottish Government"]),
        ({"q": "scot"}, ["Scottish Government", "Skills Development Scotland"]),
        ({"sector": ["public"]}, ["Clackmannanshire Council", "Scottish Government", "Skills Development Scotland"]),
        ({"sector": ["education", "private"]}, ["Forth Valley College", "hillfoots Bakery"]),
        ({"anchor": "yes"}, ["Clackmannanshire Council", "Forth Valley College"]),
        (
            {"anchor": "no"},
            ["hillfoots Bakery", "Sauchie Community Trust", "Scottish Government", "Skills Development Scotland"],
        ),
        ({"size": ["large"]}, ["Clackmannanshire Council", "Forth Valley College", "Scottish Government"]),
        (
            {"size": ["unknown", "medium"]},
            ["hillfoots Bakery", "Sauchie Community Trust", "Skills Development Scotland"],
        ),
        ({"scope": "national"}, ["Scottish Government", "Skills Development Scotland"]),
        (
            {"scope": "local"},
            ["Clackmannanshire Council", "Forth Valley College", "hillfoots Bakery", "Sauchie Community Trust"],
        ),
        ({"scope": "local", "sector": ["public"], "anchor": "yes"}, ["Clackmannanshire Council"]),
        ({"q": "Secret"}, []),  # another place's organisation is never found
    ],
)
def test_search_and_filters_narrow_the_directory(client, cast, directory, query, expected):
    client.force_login(cast.a.viewer)
    response = client.get(LIST, query)
    assert _names(response) == expected
    if not expected:
        assert "No organisations match your search and filters" in response.content.decode()


def test_a_search_is_for_the_words_typed_inside_the_name(client, cast, directory):
    client.force_login(cast.a.viewer)
    assert _names(client.get(LIST, {"q": "community trust"})) == ["Sauchie Community Trust"]


def test_the_filters_live_in_the_url_and_are_shown_as_chosen(client, cast, directory):
    client.force_login(cast.a.viewer)
    soup = _soup(client.get(LIST, {"q": "forth", "sector": "education", "anchor": "yes", "scope": "local"}))
    assert soup.select_one("form.app-filter-form")["method"] == "get"
    assert not soup.select("form.app-filter-form input[name=csrfmiddlewaretoken]")
    assert soup.select_one("#id_q")["value"] == "forth"
    assert soup.select_one("input[name=sector][value=education]").has_attr("checked")
    assert soup.select_one("input[name=anchor][value=yes]").has_attr("checked")
    assert soup.select_one("input[name=scope][value=local]").has_attr("checked")


def test_an_unusable_filter_lists_nothing_and_says_so(client, cast, directory):
    client.force_login(cast.a.viewer)
    response = client.get(LIST, {"sector": "bogus"})
    assert _names(response) == []
    assert "These filters cannot be used" in response.content.decode()


def test_an_empty_directory_says_so(client, cast):
    client.force_login(cast.a.viewer)
    assert "There are no organisations in Place A's directory yet" in client.get(LIST).content.decode()


def test_the_directory_is_paginated_by_25(client, cast):
    for n in range(30):
        OrganisationFactory(place=cast.a.place, name=f"Employer {n:02d}")
    client.force_login(cast.a.viewer)
    first, second = client.get(LIST), client.get(LIST, {"page": "2", "sort": "name"})
    assert len(_names(first)) == 25 and _names(second) == [f"Employer {n}" for n in range(25, 30)]
    assert "30 organisations" in first.content.decode()


# --- Adding and changing --------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.OFFICER, Role.PARTNERSHIP_LEAD, Role.PLACE_ADMIN])
def test_an_organisation_is_added_to_the_places_directory(client, cast, role):
    client.force_login(cast.a.member(role))
    response = client.post(
        NEW, _post(name="  Forth   Valley College ", is_anchor="yes", website="www.forthvalley.ac.uk")
    )
    assert response.status_code == 302, _errors(response)
    org = Organisation.objects.get()
    assert (org.place, org.name, org.sector, org.is_anchor, org.size_band, org.website) == (
        cast.a.place,
        "Forth Valley College",
        "education",
        True,
        "large",
        "https://www.forthvalley.ac.uk",
    )
    assert response.headers["Location"] == _page(org)
    page = client.get(response.headers["Location"]).content.decode()
    assert "‘Forth Valley College’ was added to the directory." in page
    assert org.history.get().history_user == cast.a.member(role)


@pytest.mark.parametrize("role", [Role.VIEWER, Role.ANALYST])
def test_viewers_and_analysts_cannot_add_or_change_organisations(client, cast, role):
    org = OrganisationFactory(place=cast.a.place, name="Alloa Academy")
    client.force_login(cast.a.member(role))
    assert client.post(NEW, _post()).status_code == 403
    assert client.post(_edit(org), _post(name="Renamed", version="1")).status_code == 403
    assert "Change this organisation" not in client.get(_page(org)).content.decode()
    assert list(Organisation.objects.values_list("name", flat=True)) == ["Alloa Academy"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": "   "}, "Enter the organisation’s name"),
        ({"name": "x" * 201}, "The name must be 200 characters or fewer"),
        ({"sector": ""}, "Choose the organisation’s sector"),
        ({"sector": "pirate"}, "Choose a sector from the list"),
        ({"is_anchor": ""}, "Choose whether it is an anchor institution"),
        ({"size_band": "huge"}, "Choose a size from the list"),
        ({"website": "not a web address"}, "Enter a web address like https://www.clacks.gov.uk"),
    ],
)
def test_bad_input_is_explained_and_nothing_saved(client, cast, overrides, message):
    client.force_login(cast.a.officer)
    response = client.post(NEW, _post(**overrides))
    assert response.status_code == 200
    assert any(message in error for error in _errors(response)), _errors(response)
    assert not Organisation.objects.exists()


def test_an_organisation_is_changed_and_its_history_shown_on_its_page(client, cast):
    org = OrganisationFactory(place=cast.a.place, name="Hillfoots Bakery", sector="private", size_band="small")
    client.force_login(cast.a.officer)
    form = _soup(client.get(_edit(org)))
    assert form.select_one("#id_version")["value"] == "1"
    assert form.select_one("#id_name")["value"] == "Hillfoots Bakery"
    assert form.select_one("input[name=is_anchor][value=no]").has_attr("checked")
    response = client.post(
        _edit(org), _post(name="Hillfoots Bakery", sector="private", size_band="medium", version="1")
    )
    assert response.status_code == 302, _errors(response)
    org.refresh_from_db()
    assert (org.size_band, org.version) == ("medium", 2)
    page = client.get(_page(org)).content.decode()
    assert "Your changes to ‘Hillfoots Bakery’ were saved." in page
    history = _soup(client.get(_page(org))).select_one("#history-caption").find_parent("table").get_text(" ")
    assert "Small (10 to 49 employees) → Medium (50 to 249 employees)" in " ".join(history.split())
    assert cast.a.officer.username in history or cast.a.officer.get_full_name() in history


def test_the_anchor_flag_reads_yes_or_no_in_the_history(client, cast):
    org = OrganisationFactory(place=cast.a.place, name="Paragon Housing Association", sector="housing")
    client.force_login(cast.a.officer)
    client.post(_edit(org), _post(name=org.name, sector="housing", is_anchor="yes", version="1"))
    history = " ".join(
        _soup(client.get(_page(org))).select_one("#history-caption").find_parent("table").get_text(" ").split()
    )
    assert "Anchor institution : No → Yes" in history


def test_a_change_saved_meanwhile_is_not_overwritten_and_the_input_is_kept(client, cast):
    org = OrganisationFactory(place=cast.a.place, name="Hillfoots Bakery", sector="private")
    client.force_login(cast.a.officer)
    assert client.post(_edit(org), _post(name="Hillfoots Bakery Ltd", sector="private", version="1")).status_code == 302
    response = client.post(_edit(org), _post(name="Hillfoots Bakeries", sector="community", version="1"))
    assert response.status_code == 200
    assert any("saved changes to this organisation while you were editing it" in e for e in _errors(response))
    org.refresh_from_db()
    assert (org.name, org.sector, org.version) == ("Hillfoots Bakery Ltd", "private", 2)
    form = _soup(response)
    assert form.select_one("#id_name")["value"] == "Hillfoots Bakeries"
    assert form.select_one("#id_version")["value"] == "2"
    assert client.post(_edit(org), _post(name="Hillfoots Bakeries", sector="community", version="2")).status_code == 302


@pytest.mark.parametrize("version", [None, "", "not a number", "0"])
def test_a_change_without_the_version_it_was_opened_at_is_refused_as_out_of_date(client, cast, version):
    """A form posted without its hidden version (an old page, a tampered form) is not mistaken for
    someone else's change, and saves nothing."""
    org = OrganisationFactory(place=cast.a.place, name="Hillfoots Bakery", sector="private")
    client.force_login(cast.a.officer)
    data = _post(name="Hillfoots Bakeries", sector="community")
    if version is not None:
        data["version"] = version
    response = client.post(_edit(org), data)
    assert response.status_code == 200
    assert _errors(response) == [FORM_OUT_OF_DATE]
    assert _soup(response).select_one(".govuk-error-summary__list a")["href"] == "#id_name"
    assert "See the version saved now" not in response.content.decode()  # not an edit conflict
    org.refresh_from_db()
    assert (org.name, org.sector, org.version, org.history.count()) == ("Hillfoots Bakery", "private", 1, 1)


def test_only_a_change_needs_the_version(cast):
    org = OrganisationFactory(place=cast.a.place, name="Hillfoots Bakery", sector="private")
    assert OrganisationForm(_post(), place=cast.a.place).is_valid()
    form = OrganisationForm(_post(name="Hillfoots Bakery"), instance=org, place=cast.a.place)
    assert form.errors == {"version": [FORM_OUT_OF_DATE]}


# --- National bodies and other places -------------------------------------------------------------


def test_a_national_body_is_read_only(client, cast):
    sds = OrganisationFactory(place=None, name="Skills Development Scotland", sector="public")
    client.force_login(cast.a.place_admin)
    page = client.get(_page(sds))
    assert page.status_code == 200
    assert "This is a national body" in page.content.decode()
    assert not _soup(page).find("a", string="Change this organisation")
    assert client.get(_edit(sds)).status_code == 404
    assert client.post(_edit(sds), _post(name="Hijacked", version="1")).status_code == 404
    sds.refresh_from_db()
    assert sds.name == "Skills Development Scotland"


def test_another_places_organisation_is_out_of_reach(client, cast):
    secret = OrganisationFactory(place=cast.b.place, name="Secret Employer of Place B")
    client.force_login(cast.a.place_admin)
    for url in (_page(secret), _edit(secret)):
        assert client.get(url).status_code == 404, url
    assert client.post(_edit(secret), _post(name="Hijacked", version="1")).status_code == 404
    assert Organisation.objects.get(pk=secret.pk).name == "Secret Employer of Place B"


def test_another_places_names_are_neither_refused_nor_offered_as_similar(client, cast):
    OrganisationFactory(place=cast.b.place, name="Secret Employer of Place B")
    OrganisationFactory(place=cast.b.place, name="Secret Bakery of Place B")
    client.force_login(cast.a.officer)
    response = client.post(NEW, _post(name="Secret Employer of Place B", sector="private"))
    assert response.status_code == 302, _errors(response)
    response = client.post(NEW, _post(name="Secret Bakery of Place Bee", sector="private"))
    assert response.status_code == 302, _errors(response)
    assert Organisation.objects.filter(place=cast.a.place).count() == 2


# --- Duplicates -----------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["forth valley college", "  FORTH   Valley College  "])
def test_the_same_name_is_refused_with_a_link_to_the_one_already_there(client, cast, typed):
    college = OrganisationFactory(place=cast.a.place, name="Forth Valley College")
    client.force_login(cast.a.officer)
    response = client.post(NEW, _post(name=typed))
    assert response.status_code == 200
    assert _errors(response) == [
        "‘Forth Valley College’ is already in the directory: use it rather than adding it again"
    ]
    link = _soup(response).find("a", string="See ‘Forth Valley College’ in the directory (opens in new tab)")
    assert link["href"] == _page(college) and link["target"] == "_blank"
    assert Organisation.objects.count() == 1


def test_a_national_bodys_name_is_refused_too_even_when_box_is_ticked(client, cast):
    OrganisationFactory(place=None, name="Scottish Government", sector="public")
    client.force_login(cast.a.officer)
    response = client.post(NEW, _post(name="scottish government", sector="public", confirm_different="on"))
    assert _errors(response) == [
        "‘Scottish Government’ is already in the directory: use it rather than adding it again"
    ]
    assert Organisation.objects.count() == 1


@pytest.mark.parametrize(
    ("typed", "with_campus"),
    [
        ("Forth Valley Colege", False),  # a typo: not inside "Forth Valley College Alloa Campus"
        ("The Forth Valley College Ltd", True),  # "forth valley college" once normalised: inside it
    ],
)
def test_a_similar_name_prompts_with_the_similar_organisations(client, cast, typed, with_campus):
    college = OrganisationFactory(place=cast.a.place, name="Forth Valley College")
    campus = OrganisationFactory(place=None, name="Forth Valley College Alloa Campus")
    OrganisationFactory(place=cast.a.place, name="NHS Forth Valley")
    client.force_login(cast.a.officer)
    response = client.post(NEW, _post(name=typed))
    assert response.status_code == 200
    what = "organisations" if with_campus else "an organisation"
    assert _errors(response) == [
        f"‘{typed}’ looks like {what} already in the directory. Use the existing one, or if this is a "
        "different organisation, tick ‘This is a different organisation’ and save again"
    ]
    soup = _soup(response)
    assert soup.select_one(".govuk-error-summary__list a")["href"] == "#id_confirm_different"
    links = soup.select("#similar-organisations a")
    expected = [("Forth Valley College (opens in new tab)", _page(college), "_blank")]
    if with_campus:
        expected.append(("Forth Valley College Alloa Campus (opens in new tab)", _page(campus), "_blank"))
    assert [(a.get_text(strip=True), a["href"], a["target"]) for a in links] == expected
    assert "NHS Forth Valley" not in soup.select_one(".govuk-error-summary").get_text()
    assert soup.select_one("#id_confirm_different")["type"] == "checkbox"
    assert soup.select_one("#id_name")["value"] == typed  # the person's input is kept
    assert Organisation.objects.count() == 3


def test_ticking_different_organisation_saves_the_similar_name(client, cast):
    OrganisationFactory(place=cast.a.place, name="Forth Valley College")
    client.force_login(cast.a.officer)
    assert not _soup(client.get(NEW)).select("#id_confirm_different")  # no box until there is a question
    response = client.post(
        NEW, _post(name="Forth Valley College Sports Club", sector="community", confirm_different="on")
    )
    assert response.status_code == 302, _errors(response)
    assert Organisation.objects.filter(name="Forth Valley College Sports Club").exists()


def test_a_different_name_saves_without_a_question(client, cast):
    OrganisationFactory(place=cast.a.place, name="Forth Valley College")
    client.force_login(cast.a.officer)
    assert client.post(NEW, _post(name="NHS Forth Valley", sector="health")).status_code == 302


def test_renaming_to_a_similar_name_prompts_but_keeping_the_name_does_not(client, cast):
    OrganisationFactory(place=cast.a.place, name="Forth Valley College")
    twin = OrganisationFactory(place=cast.a.place, name="Forth Valley College Alloa Campus", sector="education")
    client.force_login(cast.a.officer)
    # Changing other details of an organisation whose name is similar to another: no question.
    response = client.post(
        _edit(twin), _post(name="Forth Valley College Alloa Campus", size_band="medium", version="1")
    )
    assert response.status_code == 302, _errors(response)
    bakery = OrganisationFactory(place=cast.a.place, name="Hillfoots Bakery", sector="private")
    response = client.post(_edit(bakery), _post(name="Forth Valley Colege", sector="private", version="1"))
    assert response.status_code == 200
    assert any("looks like an organisation already in the directory" in e for e in _errors(response))
    assert "Change Hillfoots Bakery" in _soup(response).h1.get_text()
    bakery.refresh_from_db()
    assert bakery.name == "Hillfoots Bakery"
    response = client.post(
        _edit(bakery), _post(name="Forth Valley Colege", sector="private", version="1", confirm_different="on")
    )
    assert response.status_code == 302
    # … and renaming to the same name as another is refused outright.
    response = client.post(_edit(bakery), _post(name="forth valley college", sector="private", version="2"))
    assert any("is already in the directory" in e for e in _errors(response))


def test_an_organisation_is_not_similar_to_itself(client, cast):
    org = OrganisationFactory(place=cast.a.place, name="Forth Valley College", sector="education")
    client.force_login(cast.a.officer)
    response = client.post(_edit(org), _post(name="The Forth Valley College", version="1"))
    assert response.status_code == 302, _errors(response)


def test_a_name_added_by_someone_else_a_moment_ago_is_the_same_clear_error(client, cast, monkeypatch):
    """Two people add the same organisation at once: both forms pass the check, the database's
    unique name per place refuses the second, and the person sees the duplicate message, not a 500."""
    rival = {}

    def checked_before_the_rival_saved(*, place, name, exclude_pk=None):
        rival["org"] = OrganisationFactory(place=place, name=name.upper())
        return NameClashes(same=None, similar=[])

    monkeypatch.setattr(organisation_forms, "organisation_name_clashes", checked_before_the_rival_saved)
    client.force_login(cast.a.officer)
    response = client.post(NEW, _post(name="Forth Valley College"))
    assert response.status_code == 200
    assert _errors(response) == [
        "‘FORTH VALLEY COLLEGE’ is already in the directory: use it rather than adding it again"
    ]
    link = _soup(response).find("a", string="See ‘FORTH VALLEY COLLEGE’ in the directory (opens in new tab)")
    assert link["href"] == _page(rival["org"])
    assert Organisation.objects.count() == 1


def test_the_service_turns_the_databases_refusal_into_a_validation_error(cast):
    form = OrganisationForm(_post(), place=cast.a.place)
    assert form.is_valid(), form.errors
    existing = OrganisationFactory(place=cast.a.place, name="forth valley college")
    with pytest.raises(DuplicateOrganisation) as refused:
        organisation_save(place=cast.a.place, form=form)
    assert refused.value.existing == existing
    assert refused.value.message_dict == {
        "name": ["‘forth valley college’ is already in the directory: use it rather than adding it again"]
    }
    assert Organisation.objects.count() == 1


def test_the_service_refuses_a_national_bodys_name_added_after_the_forms_check(cast):
    """The database keeps names unique per place and among national bodies, not across the two: the
    service looks again, after saving, and refuses (rolling the save back) with the same message."""
    form = OrganisationForm(_post(name="Scottish Government", sector="public"), place=cast.a.place)
    assert form.is_valid(), form.errors
    national = OrganisationFactory(place=None, name="SCOTTISH GOVERNMENT", sector="public")
    with pytest.raises(DuplicateOrganisation) as refused:
        organisation_save(place=cast.a.place, form=form)
    assert refused.value.existing == national
    assert refused.value.message_dict == {
        "name": ["‘SCOTTISH GOVERNMENT’ is already in the directory: use it rather than adding it again"]
    }
    assert list(Organisation.objects.all()) == [national]
    assert form.instance.pk is None


def test_the_service_refuses_renaming_to_a_national_bodys_name_added_after_the_forms_check(cast):
    bakery = OrganisationFactory(place=cast.a.place, name="Hillfoots Bakery", sector="private")
    form = OrganisationForm(
        _post(name="Scottish Government", sector="public", version="1"), instance=bakery, place=cast.a.place
    )
    assert form.is_valid(), form.errors
    national = OrganisationFactory(place=None, name="Scottish Government", sector="public")
    with pytest.raises(DuplicateOrganisation) as refused:
        organisation_save(place=cast.a.place, form=form)
    assert refused.value.existing == national
    bakery.refresh_from_db()
    assert (bakery.name, bakery.sector, bakery.version, bakery.history.count()) == (
        "Hillfoots Bakery",
        "private",
        1,
        1,
    )


def test_a_national_body_added_a_moment_ago_is_the_same_clear_error(client, cast, monkeypatch):
    rival = {}

    def checked_before_the_national_body_was_added(*, place, name, exclude_pk=None):
        rival["org"] = OrganisationFactory(place=None, name=name, sector="public")
        return NameClashes(same=None, similar=[])

    monkeypatch.setattr(organisation_forms, "organisation_name_clashes", checked_before_the_national_body_was_added)
    client.force_login(cast.a.officer)
    response = client.post(NEW, _post(name="Skills Development Scotland", sector="public"))
    assert response.status_code == 200
    assert _errors(response) == [
        "‘Skills Development Scotland’ is already in the directory: use it rather than adding it again"
    ]
    link = _soup(response).find("a", string="See ‘Skills Development Scotland’ in the directory (opens in new tab)")
    assert link["href"] == _page(rival["org"])
    assert list(Organisation.objects.all()) == [rival["org"]]


def test_a_name_kept_as_it_was_is_not_checked_against_national_bodies_again(cast):
    """An organisation that already shares a national body's name (added before the body was)
    can still have its other details changed, as the form allows."""
    OrganisationFactory(place=None, name="Forth Valley College", sector="education")
    college = OrganisationFactory(place=cast.a.place, name="Forth Valley College", sector="education")
    form = OrganisationForm(_post(size_band="medium", version="1"), instance=college, place=cast.a.place)
    assert form.is_valid(), form.errors
    organisation_save(place=cast.a.place, form=form)
    college.refresh_from_db()
    assert (college.size_band, college.version) == ("medium", 2)


def test_the_service_refuses_to_change_another_places_organisation(cast):
    secret = OrganisationFactory(place=cast.b.place, name="Secret Employer of Place B")
    form = OrganisationForm(_post(name="Hijacked", version="1"), instance=secret, place=cast.a.place)
    assert form.is_valid(), form.errors
    with pytest.raises(PermissionError):
        organisation_save(place=cast.a.place, form=form)
    assert Organisation.objects.get(pk=secret.pk).name == "Secret Employer of Place B"


# --- An organisation's page -----------------------------------------------------------------------


@pytest.fixture
def college_in_a(cast):
    """Forth Valley College in place A: two partnership seats (one past), two delivery groups, a
    charter signed, interventions it leads and supports, and the same in place B (never shown)."""
    a, b = cast.a.place, cast.b.place
    college = OrganisationFactory(place=None, name="Forth Valley College", sector="education", is_anchor=True)
    anchor = PartnershipFactory(place=a, name="Wellbeing Economy Anchor Partnership")
    cpp = PartnershipFactory(place=a, name="Clackmannanshire Alliance", kind="cpp")
    PartnershipMembershipFactory(
        partnership=anchor,
        organisation=college,
        role=Membership.Role.CHAIR,
        representative="Principal",
        joined_on=datetime.date(2024, 4, 1),
    )
    PartnershipMembershipFactory(
        partnership=cpp,
        organisation=college,
        role=Membership.Role.OBSERVER,
        representative="Vice principal",
        joined_on=datetime.date(2020, 1, 6),
        left_on=datetime.date(2023, 3, 31),
    )
    skills = DeliveryGroupFactory(partnership=anchor, name="Skills and fair work", lead_organisation=college)
    young = DeliveryGroupFactory(partnership=anchor, name="Young people", members=[college])
    charter = CharterFactory(place=a, name="Clackmannanshire Good Employment Charter")
    met, _unmet = CharterCommitmentFactory(charter=charter), CharterCommitmentFactory(charter=charter)
    SignatoryFactory(charter=charter, organisation=college, signed_on=datetime.date(2025, 1, 15), commitments_met=[met])
    led = InterventionFactory(place=a, title="Green skills academy", lead_organisation=college, status="active")
    supported = InterventionFactory(place=a, title="Foundation apprenticeships", status="planned")
    supported.partners.add(college)
    national = InterventionFactory(
        place=None, level="national", title="Young Person's Guarantee", lead_organisation=college
    )
    # Place B's side of the same national body: never on place A's page.
    b_partnership = PartnershipFactory(place=b, name="Secret partnership of Place B")
    PartnershipMembershipFactory(partnership=b_partnership, organisation=college)
    DeliveryGroupFactory(partnership=b_partnership, name="Secret group of Place B", lead_organisation=college)
    SignatoryFactory(charter=CharterFactory(place=b, name="Secret charter of Place B"), organisation=college)
    InterventionFactory(place=b, title="Secret intervention of Place B", lead_organisation=college)
    InterventionFactory(place=b, title="Secret supported intervention of Place B").partners.add(college)
    return {
        "college": college,
        "anchor": anchor,
        "cpp": cpp,
        "skills": skills,
        "young": young,
        "charter": charter,
        "led": led,
        "supported": supported,
        "national": national,
    }


def _rows(soup, table_id) -> list[list[str]]:
    return [
        [" ".join(cell.get_text(" ", strip=True).split()) for cell in row.find_all(["th", "td"])]
        for row in soup.select(f"#{table_id} tbody tr")
    ]


def test_the_organisation_page_shows_what_it_does_in_this_place(client, cast, college_in_a):
    o = college_in_a
    client.force_login(cast.a.viewer)
    response = client.get(_page(o["college"]))
    assert response.status_code == 200
    soup = _soup(response)
    assert soup.h1.get_text(strip=True) == "Forth Valley College"
    assert "National body" in soup.get_text() and "Anchor institution" in soup.get_text()
    assert _rows(soup, "memberships-table") == [
        ["Wellbeing Economy Anchor Partnership Current", "Chair", "Principal", "1 Apr 2024", "—"],
        ["Clackmannanshire Alliance Past", "Observer", "Vice principal", "6 Jan 2020", "31 Mar 2023"],
    ]
    assert soup.select_one("#memberships-table a")["href"] == f"/places/place-a/partnerships/{o['anchor'].pk}/"
    assert _rows(soup, "groups-table") == [
        ["Skills and fair work", "Wellbeing Economy Anchor Partnership", "Leads it"],
        ["Young people", "Wellbeing Economy Anchor Partnership", "Member"],
    ]
    assert soup.select_one("#groups-table a")["href"] == (
        f"/places/place-a/partnerships/{o['anchor'].pk}/groups/{o['skills'].pk}/"
    )
    assert _rows(soup, "charters-table") == [["Clackmannanshire Good Employment Charter", "15 Jan 2025", "1 of 2"]]
    assert soup.select_one("#charters-table a")["href"] == f"/places/place-a/charters/{o['charter'].pk}/"
    assert _rows(soup, "led-table") == [
        [o["led"].reference, "Green skills academy Project", "Local", "Active"],
        [o["national"].reference, "Young Person's Guarantee Project", "National Shared", "Active"],
    ]
    assert soup.select_one("#led-table a")["href"] == f"/places/place-a/interventions/{o['led'].pk}/"
    assert _rows(soup, "supported-table") == [
        [
            o["supported"].reference,
            "Foundation apprenticeships Project",
            o["supported"].lead_organisation.name,
            "Local",
            "Planned",
        ]
    ]
    assert "Secret" not in response.content.decode()  # nothing of place B's, though the body is shared


def test_a_group_it_leads_and_sits_in_says_both(client, cast):
    org = OrganisationFactory(place=cast.a.place, name="Clackmannanshire Council")
    DeliveryGroupFactory(partnership=PartnershipFactory(place=cast.a.place), lead_organisation=org, members=[org])
    client.force_login(cast.a.viewer)
    assert _rows(_soup(client.get(_page(org))), "groups-table")[0][-1] == "Leads it, and is a member"


def test_an_organisation_with_nothing_yet_says_so(client, cast):
    org = OrganisationFactory(place=cast.a.place, name="Hillfoots Bakery", sector="private")
    client.force_login(cast.a.officer)
    text = " ".join(_soup(client.get(_page(org))).get_text(" ").split())
    assert "Hillfoots Bakery is not a member of any of Place A's partnerships." in text
    assert "does not lead and is not a member of any of Place A's delivery groups" in text
    assert "Hillfoots Bakery has not signed any of Place A's charters." in text
    assert "leads none of the interventions" in text and "is not a partner in any of the interventions" in text
    assert _soup(client.get(_page(org))).find("a", string="Change this organisation")["href"] == _edit(org)


# --- Query counts ---------------------------------------------------------------------------------


def _queries(client, url: str) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), [q["sql"] for q in captured.captured_queries]


def test_the_directory_queries_do_not_grow_with_organisations(client, cast):
    # 1 session, 1 user, 1 memberships with places (access), 1 count, 1 the page of organisations.
    client.force_login(cast.a.viewer)
    for _ in range(2):
        OrganisationFactory(place=cast.a.place)
    few, _ = _queries(client, LIST)
    for _ in range(20):
        OrganisationFactory(place=cast.a.place)
        OrganisationFactory(place=None)
    many, sql = _queries(client, f"{LIST}?sector=other&scope=local&q=organisation")
    assert few == many == 5, "\n".join(sql)


def _grow(cast, org, n: int) -> None:
    a = cast.a.place
    partnership = PartnershipFactory(place=a)
    charter = CharterFactory(place=a)
    commitment = CharterCommitmentFactory(charter=charter)
    for _ in range(n):
        PartnershipMembershipFactory(partnership=PartnershipFactory(place=a), organisation=org)
        DeliveryGroupFactory(partnership=partnership, lead_organisation=org, members=[org])
        SignatoryFactory(charter=CharterFactory(place=a), organisation=org, commitments_met=[commitment])
        InterventionFactory(place=a, lead_organisation=org)
        InterventionFactory(place=a).partners.add(org)
    org.sector = "public"
    org.save()  # one more history row each time


def test_the_organisation_page_queries_do_not_grow_with_what_it_takes_part_in(client, cast):
    # 1 session, 1 user, 1 memberships with places (access), 1 the organisation, 1 its partnership
    # seats, 1 its delivery groups, 1 its signatures with counts, 1 interventions it leads,
    # 1 interventions it supports, 1 its history.
    org = OrganisationFactory(place=cast.a.place, name="Clackmannanshire Council")
    client.force_login(cast.a.officer)
    _grow(cast, org, 2)
    few, _ = _queries(client, _page(org))
    _grow(cast, org, 18)
    many, sql = _queries(client, _page(org))
    assert Intervention.objects.filter(lead_organisation=org).count() == 20
    assert few == many == 10, "\n".join(sql)
