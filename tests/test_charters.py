"""Charters (a Good Employment Charter …): commitments seeded from the Fair Work First criteria,
the commitments formset, signatories, the progress view with its charts and tables, the
signatories' download, concurrent edits, other places' and charters' objects, and query counts."""

import csv
import io
import json
from datetime import date, timedelta

import pytest
from bs4 import BeautifulSoup
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from partnerships import charter_services as services
from partnerships.charter_forms import (
    ALREADY_SIGNED,
    CharterForm,
    SignatoryForm,
    commitment_formset,
)
from partnerships.charter_selectors import charter_progress, signatories_by_month
from partnerships.models import Charter, CharterCommitment, Signatory
from tests.factories import (
    CharterCommitmentFactory,
    CharterFactory,
    OrganisationFactory,
    PartnershipFactory,
    SignatoryFactory,
)
from wellbeing.concurrency import EditConflict
from wellbeing.fields import FORM_OUT_OF_DATE
from wellbeing.models import FairWorkCriterion

FAIR_WORK_FIRST = [
    "Appropriate channels for effective workers' voice, such as trade union recognition",
    "Investment in workforce development",
    "No inappropriate use of zero hours contracts",
    "Action to tackle the gender pay gap and create a more diverse and inclusive workplace",
    "Payment of at least the real Living Wage",
    "Flexible and family-friendly working practices for all workers from day one of employment",
    "Oppose the use of fire and rehire practice",
]
TODAY = timezone.localdate()


def _soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def _errors(response) -> list[str]:
    return [li.get_text(" ", strip=True) for li in _soup(response).select(".govuk-error-summary__list li")]


def _base(place) -> str:
    return f"/places/{place.slug}/charters/"


def _date(prefix: str, day: date | None) -> dict:
    if day is None:
        return {f"{prefix}_0": "", f"{prefix}_1": "", f"{prefix}_2": ""}
    return {f"{prefix}_0": str(day.day), f"{prefix}_1": str(day.month), f"{prefix}_2": str(day.year)}


def _charter_post(*, launched_on: date | None = date(2025, 4, 1), version=None, **overrides) -> dict:
    data = {
        "name": "Good Employment Charter",
        "description": "Fair work for everyone in the county.",
        "partnership": "",
        "seed_fair_work": "on",
        **_date("launched_on", launched_on),
    }
    if version is not None:
        data["version"] = str(version)
    data.update(overrides)
    return data


def _commitment_rows(charter: Charter, rows: list[dict] | None = None, *, blank: int = 2) -> dict:
    """The formset's data. `rows` are dicts for the saved commitments (id, title, position, remove,
    confirm_remove, met_count_seen) and then new ones (title, position); default: as saved."""
    if rows is None:
        rows = [{"id": c.pk, "title": c.title, "position": c.position} for c in charter.commitments.all()]
    saved = [row for row in rows if "id" in row]
    data = {
        "commitments-TOTAL_FORMS": str(len(rows) + blank),
        "commitments-INITIAL_FORMS": str(len(saved)),
        "commitments-MIN_NUM_FORMS": "0",
        "commitments-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        prefix = f"commitments-{index}-"
        data[prefix + "title"] = row.get("title", "")
        data[prefix + "position"] = str(row.get("position", "") or "")
        if "id" in row:
            data[prefix + "id"] = str(row["id"])
            data[prefix + "charter"] = str(charter.pk)
        for flag in ("remove", "confirm_remove"):
            if row.get(flag):
                data[prefix + flag] = "on"
        if "met_count_seen" in row:
            data[prefix + "met_count_seen"] = str(row["met_count_seen"])
    for index in range(len(rows), len(rows) + blank):
        data[f"commitments-{index}-title"] = ""
        data[f"commitments-{index}-position"] = ""
    return data


def _edit_post(charter: Charter, rows: list[dict] | None = None, **overrides) -> dict:
    data = _charter_post(
        name=charter.name,
        description=charter.description,
        launched_on=charter.launched_on,
        version=charter.version,
        partnership=str(charter.partnership_id or ""),
    )
    data.pop("seed_fair_work")
    data.update(_commitment_rows(charter, rows))
    data.update(overrides)
    return data


def _signatory_post(organisation, *, signed_on: date = date(2025, 6, 2), commitments=(), version=None, **extra):
    data = {
        "organisation": str(organisation.pk),
        **_date("signed_on", signed_on),
        "commitments_met": [str(c.pk) for c in commitments],
        "evidence_note": "Accredited Living Wage employer",
    }
    if version is not None:
        data["version"] = str(version)
    data.update(extra)
    return data


@pytest.fixture
def charter(cast) -> Charter:
    """Place A's charter, launched on 1 April 2025, with three commitments and no signatories."""
    charter = CharterFactory(place=cast.a.place, name="Good Employment Charter", launched_on=date(2025, 4, 1))
    for position, title in enumerate(["Real Living Wage", "No zero hours", "Workers' voice"], start=1):
        CharterCommitmentFactory(charter=charter, title=title, position=position)
    return charter


def _signatory(charter: Charter, **kwargs) -> Signatory:
    """A signatory of the charter, signed after its launch unless told otherwise."""
    kwargs.setdefault("signed_on", date(2025, 5, 1))
    return SignatoryFactory(charter=charter, **kwargs)


def _titles(charter: Charter) -> list[str]:
    return list(charter.commitments.order_by("position").values_list("title", flat=True))


# --- Creating a charter and seeding its commitments -----------------------------------------------


def test_the_reference_data_holds_the_seven_fair_work_first_criteria_in_order(cast):
    assert list(FairWorkCriterion.objects.order_by("pk").values_list("criterion", flat=True)) == FAIR_WORK_FIRST


def test_a_new_charter_starts_with_the_seven_fair_work_first_criteria_in_their_order(client, cast):
    client.force_login(cast.a.partnership_lead)
    form = _soup(client.get(_base(cast.a.place) + "new/"))
    seed = form.select_one("input[name=seed_fair_work]")
    assert seed.has_attr("checked")
    assert "Start with the seven Fair Work First criteria" in form.get_text(" ", strip=True)

    response = client.post(_base(cast.a.place) + "new/", _charter_post())
    charter = Charter.objects.get(place=cast.a.place)
    assert response.status_code == 302
    assert response["Location"] == f"{_base(cast.a.place)}{charter.pk}/"
    commitments = list(charter.commitments.select_related("fair_work_criterion").order_by("position"))
    assert [c.title for c in commitments] == FAIR_WORK_FIRST
    assert [c.position for c in commitments] == [1, 2, 3, 4, 5, 6, 7]
    assert [c.fair_work_criterion.criterion for c in commitments] == FAIR_WORK_FIRST
    assert (charter.launched_on, charter.partnership) == (date(2025, 4, 1), None)
    page = _soup(client.get(response["Location"]))
    assert [li.contents[0].strip() for li in page.select("#commitments-list > li")] == FAIR_WORK_FIRST


def test_a_charter_can_start_with_no_commitments(client, cast):
    client.force_login(cast.a.place_admin)
    data = _charter_post(launched_on=None)
    data.pop("seed_fair_work")  # an unticked box is not sent
    assert client.post(_base(cast.a.place) + "new/", data).status_code == 302
    charter = Charter.objects.get(place=cast.a.place)
    assert (charter.commitments.count(), charter.launched_on) == (0, None)


@pytest.mark.django_db(transaction=True)
def test_seeding_the_fair_work_criteria_is_all_or_nothing_even_outside_a_transaction(cast):
    # Called on its own (in autocommit, as another caller might): an eighth criterion worded as the
    # first (in capitals) cannot be a second commitment of the charter, so seeding fails after the
    # seven before it, and none of them is left behind.
    charter = CharterFactory(place=cast.a.place)
    first = FairWorkCriterion.objects.order_by("pk").first()
    FairWorkCriterion.objects.create(code="same-again", criterion=first.criterion.upper())
    with pytest.raises(IntegrityError):
        services.commitments_seed_from_fair_work(charter=charter)
    assert not charter.commitments.exists()


def test_the_charter_can_be_rolled_out_by_one_of_the_places_partnerships_only(client, cast):
    ours = PartnershipFactory(place=cast.a.place, name="Anchor partnership")
    theirs = PartnershipFactory(place=cast.b.place, name="Place B's partnership")
    client.force_login(cast.a.partnership_lead)
    page = client.get(_base(cast.a.place) + "new/").content.decode()
    assert "Anchor partnership" in page and "Place B's partnership" not in page

    response = client.post(_base(cast.a.place) + "new/", _charter_post(partnership=str(theirs.pk)))
    assert response.status_code == 200
    assert "Choose one of Place A's partnerships, or ‘No partnership’: the one chosen is not one of them" in _errors(
        response
    )
    assert not Charter.objects.exists()
    assert client.post(_base(cast.a.place) + "new/", _charter_post(partnership=str(ours.pk))).status_code == 302
    assert Charter.objects.get().partnership == ours


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": "  "}, "Enter the charter's name"),
        ({"name": "x" * 201}, "The name must be 200 characters or fewer"),
        ({"launched_on_0": "31", "launched_on_1": "2", "launched_on_2": "2025"}, "Launch date must be a real date"),
        ({"launched_on_0": "", "launched_on_1": "4"}, "Enter the day of the month"),
    ],
)
def test_bad_charter_input_is_explained_and_nothing_saved(client, cast, overrides, message):
    client.force_login(cast.a.partnership_lead)
    response = client.post(_base(cast.a.place) + "new/", _charter_post(**overrides))
    assert response.status_code == 200
    assert message in _errors(response), _errors(response)
    assert _soup(response).title.get_text().startswith("Error: ")
    assert not Charter.objects.exists() and not CharterCommitment.objects.exists()


def test_a_charter_name_is_unique_in_its_place_but_not_across_places(client, cast):
    CharterFactory(place=cast.a.place, name="Good Employment Charter")
    CharterFactory(place=cast.b.place, name="Fair Work Charter")
    client.force_login(cast.a.partnership_lead)
    response = client.post(_base(cast.a.place) + "new/", _charter_post(name="good employment  charter"))
    assert "Place A already has a charter called ‘good employment charter’: choose another name" in _errors(response)
    assert client.post(_base(cast.a.place) + "new/", _charter_post(name="Fair Work Charter")).status_code == 302


def test_the_service_refuses_a_duplicate_name_that_got_past_the_form(cast):
    form = CharterForm(_charter_post(), place=cast.a.place)
    assert form.is_valid(), form.errors
    CharterFactory(place=cast.a.place, name="GOOD EMPLOYMENT CHARTER")  # saved by someone else meanwhile
    with pytest.raises(services.CharterRefused, match="already has a charter called"):
        services.charter_create(place=cast.a.place, form=form)
    assert Charter.objects.count() == 1 and not CharterCommitment.objects.exists()


def test_the_service_refuses_another_places_partnership_even_past_the_form(cast):
    form = CharterForm(_charter_post(), place=cast.a.place)
    assert form.is_valid()
    form.instance.partnership = PartnershipFactory(place=cast.b.place)
    with pytest.raises(PermissionError, match=services.OTHER_PLACES_PARTNERSHIP):
        services.charter_create(place=cast.a.place, form=form)
    assert not Charter.objects.exists()


def test_the_list_shows_each_charter_with_its_counts_and_the_add_link_only_to_those_who_may(client, cast, charter):
    organisations = OrganisationFactory.create_batch(2, place=cast.a.place)
    for organisation in organisations:
        _signatory(charter, organisation=organisation, signed_on=date(2025, 5, 1))
    CharterFactory(place=cast.b.place, name="Place B's charter")
    client.force_login(cast.a.viewer)
    page = _soup(client.get(_base(cast.a.place)))
    row = page.select_one("#charters-table tbody tr")
    assert row.th.get_text(strip=True) == "Good Employment Charter"
    assert row.select_one("[data-signatories]").get_text(strip=True) == "2"
    assert row.select_one("[data-commitments]").get_text(strip=True) == "3"
    assert len(page.select("#charters-table tbody tr")) == 1
    assert not page.find("a", string="Add a charter")
    client.force_login(cast.a.partnership_lead)
    assert _soup(client.get(_base(cast.a.place))).find("a", string="Add a charter")


# --- The commitments formset ----------------------------------------------------------------------


def test_commitments_are_reworded_reordered_and_added_in_one_save(client, cast, charter):
    wage, zero, voice = charter.commitments.order_by("position")
    client.force_login(cast.a.partnership_lead)
    rows = [
        {"id": wage.pk, "title": "Pay the real Living Wage", "position": 1},
        {"id": zero.pk, "title": zero.title, "position": 2},
        {"id": voice.pk, "title": voice.title, "position": 1},  # moved to the top
        {"title": "Flexible working from day one"},  # new, at the end
        {"title": "Fair recruitment", "position": 2},  # new, into second place
    ]
    response = client.post(f"{_base(cast.a.place)}{charter.pk}/edit/", _edit_post(charter, rows))
    assert response.status_code == 302, _errors(response)
    assert _titles(charter) == [
        "Workers' voice",
        "Pay the real Living Wage",
        "Fair recruitment",
        "No zero hours",
        "Flexible working from day one",
    ]
    assert list(charter.commitments.order_by("position").values_list("position", flat=True)) == [1, 2, 3, 4, 5]
    charter.refresh_from_db()
    assert charter.version == 2


def test_two_commitments_can_swap_their_wording(client, cast, charter):
    wage, zero, voice = charter.commitments.order_by("position")
    client.force_login(cast.a.partnership_lead)
    rows = [
        {"id": wage.pk, "title": "no ZERO hours", "position": 1},
        {"id": zero.pk, "title": "Real Living Wage", "position": 2},
        {"id": voice.pk, "title": voice.title, "position": 3},
    ]
    response = client.post(f"{_base(cast.a.place)}{charter.pk}/edit/", _edit_post(charter, rows))
    assert response.status_code == 302, _errors(response)
    assert _titles(charter) == ["no ZERO hours", "Real Living Wage", "Workers' voice"]
    # The history shows each rewording once, never the temporary titles.
    history = _soup(client.get(f"{_base(cast.a.place)}{charter.pk}/")).select_one("#history-caption")
    text = history.find_parent("table").get_text(" ", strip=True)
    assert "Wording : Real Living Wage → no ZERO hours" in text
    assert "being renamed" not in text


def test_a_new_commitment_can_take_the_wording_another_gives_up_in_the_same_save(client, cast, charter):
    # The new row comes first in the order, so it is saved while the renamed commitment would
    # still hold its old wording, unless the renames are applied before any row is added.
    wage, zero, voice = charter.commitments.order_by("position")
    client.force_login(cast.a.partnership_lead)
    rows = [
        {"id": wage.pk, "title": "Pay the real Living Wage", "position": 2},
        {"id": zero.pk, "title": zero.title, "position": 2},
        {"id": voice.pk, "title": voice.title, "position": 3},
        {"title": "Real Living Wage", "position": 1},
    ]
    response = client.post(f"{_base(cast.a.place)}{charter.pk}/edit/", _edit_post(charter, rows))
    assert response.status_code == 302, _errors(response)
    assert _titles(charter) == ["Real Living Wage", "Pay the real Living Wage", "No zero hours", "Workers' voice"]
    assert list(charter.commitments.order_by("position").values_list("position", flat=True)) == [1, 2, 3, 4]
    wage.refresh_from_db()
    assert wage.title == "Pay the real Living Wage"  # the same commitment, reworded, not a new one
    history = _soup(client.get(f"{_base(cast.a.place)}{charter.pk}/")).select_one("#history-caption")
    text = history.find_parent("table").get_text(" ", strip=True)
    assert "Wording : Real Living Wage → Pay the real Living Wage" in text
    assert "being renamed" not in text


def test_two_commitments_with_the_same_wording_are_refused(client, cast, charter):
    wage, zero, voice = charter.commitments.order_by("position")
    client.force_login(cast.a.partnership_lead)
    rows = [
        {"id": wage.pk, "title": wage.title, "position": 1},
        {"id": zero.pk, "title": zero.title, "position": 2},
        {"id": voice.pk, "title": voice.title, "position": 3},
        {"title": "real living wage"},
    ]
    response = client.post(f"{_base(cast.a.place)}{charter.pk}/edit/", _edit_post(charter, rows))
    assert (
        "New commitment (4): ‘real living wage’ is already commitment 1: each commitment must be different"
        in _errors(response)
    )
    assert charter.commitments.count() == 3


def test_a_commitment_left_blank_must_be_removed_instead(client, cast, charter):
    wage, zero, voice = charter.commitments.order_by("position")
    client.force_login(cast.a.partnership_lead)
    rows = [
        {"id": wage.pk, "title": "", "position": 1},
        {"id": zero.pk, "title": zero.title, "position": "x"},
        {"id": voice.pk, "title": voice.title, "position": 3},
    ]
    errors = _errors(client.post(f"{_base(cast.a.place)}{charter.pk}/edit/", _edit_post(charter, rows)))
    assert "Commitment 1: Enter the commitment, or tick ‘Remove this commitment’ to take it off the charter" in errors
    assert "Commitment 2: The position must be a whole number, like 3" in errors
    assert _titles(charter) == ["Real Living Wage", "No zero hours", "Workers' voice"]


def test_a_commitment_no_signatory_meets_is_removed_at_once(client, cast, charter):
    wage, zero, voice = charter.commitments.order_by("position")
    client.force_login(cast.a.partnership_lead)
    rows = [
        {"id": wage.pk, "title": wage.title, "position": 1},
        {"id": zero.pk, "title": zero.title, "position": 2, "remove": True},
        {"id": voice.pk, "title": voice.title, "position": 3},
    ]
    assert client.post(f"{_base(cast.a.place)}{charter.pk}/edit/", _edit_post(charter, rows)).status_code == 302
    assert _titles(charter) == ["Real Living Wage", "Workers' voice"]
    assert list(charter.commitments.order_by("position").values_list("position", flat=True)) == [1, 2]


def test_removing_a_commitment_signatories_meet_says_how_many_and_asks_for_a_tick(client, cast, charter):
    wage, zero, voice = charter.commitments.order_by("position")
    met = [_signatory(charter, commitments_met=[wage, voice]) for _ in range(2)]
    other = _signatory(charter, commitments_met=[voice])
    url = f"{_base(cast.a.place)}{charter.pk}/edit/"
    client.force_login(cast.a.partnership_lead)
    assert "Met by 2 signatories." in client.get(url).content.decode()
    rows = [
        {"id": wage.pk, "title": wage.title, "position": 1, "remove": True},
        {"id": zero.pk, "title": zero.title, "position": 2},
        {"id": voice.pk, "title": voice.title, "position": 3},
    ]
    response = client.post(url, _edit_post(charter, rows))
    assert (
        "Commitment 1: 2 signatories meet ‘Real Living Wage’. To remove it anyway, tick ‘Yes, remove it’ and save "
        "again, or untick ‘Remove this commitment’ to keep it" in _errors(response)
    )
    page = _soup(response)
    confirm = page.select_one("input[name=commitments-0-confirm_remove]")
    assert confirm is not None and not confirm.has_attr("checked")
    assert page.select_one("input[name=commitments-0-met_count_seen]")["value"] == "2"
    assert page.select_one("input[name=commitments-1-confirm_remove]") is None
    assert _titles(charter) == ["Real Living Wage", "No zero hours", "Workers' voice"]

    rows[0].update(confirm_remove=True, met_count_seen=2)
    response = client.post(url, _edit_post(charter, rows))
    assert response.status_code == 302, _errors(response)
    assert _titles(charter) == ["No zero hours", "Workers' voice"]
    for signatory in met:
        assert [c.title for c in signatory.commitments_met.all()] == ["Workers' voice"]
    assert [c.title for c in other.commitments_met.all()] == ["Workers' voice"]
    # Both the commitment's removal and the signatories' loss of it are in the history.
    history = _soup(client.get(f"{_base(cast.a.place)}{charter.pk}/")).select_one("#history-caption")
    text = history.find_parent("table").get_text(" ", strip=True)
    assert "Deleted: Commitment ‘Real Living Wage’" in text
    assert "Commitments met : Real Living Wage; Workers' voice → Workers' voice" in text


def test_a_confirmed_removal_is_refused_when_more_signatories_meet_it_since(client, cast, charter):
    wage, zero, voice = charter.commitments.order_by("position")
    _signatory(charter, commitments_met=[wage])
    _signatory(charter, commitments_met=[wage])  # signed after the page was shown
    client.force_login(cast.a.partnership_lead)
    rows = [
        {
            "id": wage.pk,
            "title": wage.title,
            "position": 1,
            "remove": True,
            "confirm_remove": True,
            "met_count_seen": 1,
        },
        {"id": zero.pk, "title": zero.title, "position": 2},
        {"id": voice.pk, "title": voice.title, "position": 3},
    ]
    response = client.post(f"{_base(cast.a.place)}{charter.pk}/edit/", _edit_post(charter, rows))
    assert any("is now 2 (it changed after you opened this page)" in e for e in _errors(response)), _errors(response)
    assert _soup(response).select_one("input[name=commitments-0-met_count_seen]")["value"] == "2"
    assert charter.commitments.count() == 3


def test_the_service_rechecks_the_number_meeting_a_commitment_before_removing_it(cast, charter):
    wage, zero, voice = charter.commitments.order_by("position")
    rows = [
        {"id": wage.pk, "title": wage.title, "position": 1, "remove": True},
        {"id": zero.pk, "title": zero.title, "position": 2},
        {"id": voice.pk, "title": voice.title, "position": 3},
    ]
    data = _edit_post(charter, rows)
    form, formset = CharterForm(data, instance=charter, place=cast.a.place), commitment_formset(data, charter=charter)
    assert form.is_valid() and formset.is_valid(), (form.errors, formset.errors)
    _signatory(charter, commitments_met=[wage])  # a signatory meets it a moment later
    with pytest.raises(services.CharterRefused, match="is now 1"):
        services.charter_update(place=cast.a.place, form=form, commitments=formset.changes())
    charter.refresh_from_db()
    assert (charter.version, charter.commitments.count()) == (1, 3)


def test_another_charters_commitment_cannot_be_named_in_the_formset(client, cast, charter):
    elsewhere = CharterCommitmentFactory(charter=CharterFactory(place=cast.b.place), title="Place B's commitment")
    _, zero, voice = charter.commitments.order_by("position")
    client.force_login(cast.a.partnership_lead)
    rows = [
        {"id": elsewhere.pk, "title": "Hijacked", "position": 1, "remove": True},
        {"id": zero.pk, "title": zero.title, "position": 2},
        {"id": voice.pk, "title": voice.title, "position": 3},
    ]
    response = client.post(f"{_base(cast.a.place)}{charter.pk}/edit/", _edit_post(charter, rows))
    assert response.status_code == 200
    assert any("Someone else removed this commitment while you were editing" in e for e in _errors(response))
    elsewhere.refresh_from_db()
    assert elsewhere.title == "Place B's commitment"
    assert charter.commitments.count() == 3


def test_the_launch_date_cannot_move_after_the_first_signature(client, cast, charter):
    _signatory(charter, signed_on=date(2025, 4, 10))
    client.force_login(cast.a.partnership_lead)
    response = client.post(
        f"{_base(cast.a.place)}{charter.pk}/edit/", _edit_post(charter, **_date("launched_on", date(2025, 5, 1)))
    )
    assert (
        "The first organisation signed on 10 April 2025: the launch date must be that day or earlier, or left blank"
        in _errors(response)
    )


def test_the_second_of_two_concurrent_charter_edits_is_refused_with_the_input_kept(client, cast, charter):
    url = f"{_base(cast.a.place)}{charter.pk}/edit/"
    client.force_login(cast.a.partnership_lead)
    first = _edit_post(charter, name="First edit")
    second = _edit_post(charter, name="Second edit", **{"commitments-3-title": "A new commitment"})
    assert client.post(url, first).status_code == 302
    response = client.post(url, second)
    errors = _errors(response)
    assert any(e.startswith(cast.a.partnership_lead.get_full_name()) for e in errors), errors
    assert any("saved changes to this charter while you were editing it" in e for e in errors), errors
    page = _soup(response)
    assert page.select_one("#id_name")["value"] == "Second edit"
    assert page.select_one("textarea[name=commitments-3-title]").get_text(strip=True) == "A new commitment"
    assert page.select_one("#id_version")["value"] == "2"
    charter.refresh_from_db()
    assert (charter.name, charter.version, charter.commitments.count()) == ("First edit", 2, 3)
    # Saving the kept input again replaces the first edit, knowingly.
    assert client.post(url, {**second, "version": "2"}).status_code == 302
    charter.refresh_from_db()
    assert (charter.name, charter.commitments.count()) == ("Second edit", 4)


@pytest.mark.parametrize("version", [None, "", "two", "0"], ids=["missing", "empty", "not-a-number", "zero"])
def test_a_charter_form_without_its_version_is_out_of_date_not_a_conflict(client, cast, charter, version):
    url = f"{_base(cast.a.place)}{charter.pk}/edit/"
    client.force_login(cast.a.partnership_lead)
    data = _edit_post(charter, name="Renamed", **{"commitments-3-title": "A new commitment"})
    if version is None:
        del data["version"]
    else:
        data["version"] = version
    response = client.post(url, data)
    assert response.status_code == 200
    errors = _errors(response)
    assert errors == [FORM_OUT_OF_DATE]
    assert not any("while you were editing" in e for e in errors)
    assert _soup(response).select_one(".govuk-error-summary__list a")["href"] == "#id_name"
    charter.refresh_from_db()
    assert (charter.name, charter.version, charter.commitments.count()) == ("Good Employment Charter", 1, 3)


def test_a_new_charters_form_needs_no_version(client, cast):
    client.force_login(cast.a.partnership_lead)
    data = _charter_post()
    assert "version" not in data
    assert client.post(_base(cast.a.place) + "new/", data).status_code == 302


def test_the_service_refuses_a_stale_version(cast, charter):
    data = _edit_post(charter, name="Stale")
    form, formset = CharterForm(data, instance=charter, place=cast.a.place), commitment_formset(data, charter=charter)
    assert form.is_valid() and formset.is_valid()
    Charter.objects.filter(pk=charter.pk).update(version=5)
    with pytest.raises(EditConflict):
        services.charter_update(place=cast.a.place, form=form, commitments=formset.changes())
    assert Charter.objects.get(pk=charter.pk).name == "Good Employment Charter"


# --- Signatories ----------------------------------------------------------------------------------


def test_a_lead_adds_a_signatory_meeting_some_commitments(client, cast, charter):
    organisation = OrganisationFactory(place=cast.a.place, name="Forth Valley College")
    wage, _, voice = charter.commitments.order_by("position")
    client.force_login(cast.a.partnership_lead)
    url = f"{_base(cast.a.place)}{charter.pk}/signatories/new/"
    response = client.post(url, _signatory_post(organisation, commitments=[voice, wage]))
    assert response.status_code == 302, _errors(response)
    assert response["Location"] == f"{_base(cast.a.place)}{charter.pk}/#signatories"
    signatory = Signatory.objects.get(charter=charter)
    assert (signatory.organisation, signatory.signed_on) == (organisation, date(2025, 6, 2))
    assert set(signatory.commitments_met.all()) == {wage, voice}
    row = _soup(client.get(f"{_base(cast.a.place)}{charter.pk}/")).select_one(f"[data-signatory='{signatory.pk}']")
    assert row.select_one("[data-met]").get_text(strip=True) == "2 of 3"
    assert [li.get_text(strip=True) for li in row.select("ul li")] == ["Real Living Wage", "Workers' voice"]
    assert "Accredited Living Wage employer" in row.get_text()


def test_the_organisation_and_the_partnership_link_to_their_pages(client, cast, charter):
    charter.partnership = PartnershipFactory(place=cast.a.place, name="Anchor partnership")
    charter.save()
    signatory = _signatory(charter, organisation=OrganisationFactory(place=cast.a.place, name="NHS Forth Valley"))
    client.force_login(cast.a.viewer)
    page = _soup(client.get(f"{_base(cast.a.place)}{charter.pk}/"))
    link = page.select_one(f"[data-signatory='{signatory.pk}'] th a")
    assert (link.get_text(strip=True), link["href"]) == (
        "NHS Forth Valley",
        reverse(
            "interventions:organisation_detail",
            kwargs={"place_slug": cast.a.place.slug, "organisation_pk": signatory.organisation_id},
        ),
    )
    link = page.find("a", string="Anchor partnership")
    assert link["href"] == reverse(
        "partnerships:partnership_detail",
        kwargs={"place_slug": cast.a.place.slug, "partnership_pk": charter.partnership_id},
    )


def test_a_national_body_may_sign_but_not_another_places_organisation(client, cast, charter):
    national = OrganisationFactory(place=None, name="Skills Development Scotland")
    theirs = OrganisationFactory(place=cast.b.place, name="Place B's employer")
    client.force_login(cast.a.partnership_lead)
    url = f"{_base(cast.a.place)}{charter.pk}/signatories/new/"
    page = client.get(url).content.decode()
    assert "Skills Development Scotland (national)" in page and "Place B's employer" not in page
    response = client.post(url, _signatory_post(theirs))
    assert (
        "Choose an organisation from Place A's directory or a national body: the one chosen is not one of them"
        in _errors(response)
    )
    assert not Signatory.objects.exists()
    assert client.post(url, _signatory_post(national)).status_code == 302
    assert Signatory.objects.get().organisation == national


def test_an_organisation_signs_once(client, cast, charter):
    organisation = OrganisationFactory(place=cast.a.place, name="Clackmannanshire Council")
    _signatory(charter, organisation=organisation)
    other_charter = CharterFactory(place=cast.a.place)
    client.force_login(cast.a.partnership_lead)
    response = client.post(f"{_base(cast.a.place)}{charter.pk}/signatories/new/", _signatory_post(organisation))
    assert ALREADY_SIGNED.format(organisation="Clackmannanshire Council") in _errors(response)
    assert Signatory.objects.filter(charter=charter).count() == 1
    # It may sign another charter.
    url = f"{_base(cast.a.place)}{other_charter.pk}/signatories/new/"
    assert client.post(url, _signatory_post(organisation)).status_code == 302


def test_a_signature_recorded_by_someone_else_a_moment_ago_is_a_clear_error(client, cast, charter, monkeypatch):
    """The form found no signature; one is saved before the service writes (a race): the unique
    constraint refuses it, and the person reads why."""
    organisation = OrganisationFactory(place=cast.a.place, name="Forth Valley College")
    form = SignatoryForm(_signatory_post(organisation), place=cast.a.place, charter=charter)
    assert form.is_valid(), form.errors
    _signatory(charter, organisation=organisation)
    with pytest.raises(services.CharterRefused) as refusal:
        services.signatory_create(charter=charter, form=form)
    assert str(refusal.value) == ALREADY_SIGNED.format(organisation="Forth Valley College")
    assert refusal.value.field == "organisation"
    assert Signatory.objects.count() == 1

    # Through the page, with the form's own check passed as in the race.
    monkeypatch.setattr(SignatoryForm, "clean_organisation", lambda self: self.cleaned_data["organisation"])
    client.force_login(cast.a.partnership_lead)
    response = client.post(f"{_base(cast.a.place)}{charter.pk}/signatories/new/", _signatory_post(organisation))
    assert response.status_code == 200
    assert ALREADY_SIGNED.format(organisation="Forth Valley College") in _errors(response)


@pytest.mark.parametrize(
    ("signed_on", "message"),
    [
        (TODAY + timedelta(days=1), "The date signed must be today or in the past"),
        (date(2025, 3, 31), "The date signed must be on or after the charter's launch date, 1 April 2025"),
    ],
)
def test_the_date_signed_is_not_in_the_future_nor_before_the_launch(client, cast, charter, signed_on, message):
    client.force_login(cast.a.partnership_lead)
    organisation = OrganisationFactory(place=cast.a.place)
    response = client.post(
        f"{_base(cast.a.place)}{charter.pk}/signatories/new/", _signatory_post(organisation, signed_on=signed_on)
    )
    assert message in _errors(response), _errors(response)
    assert not Signatory.objects.exists()


def test_the_date_signed_is_required(client, cast, charter):
    client.force_login(cast.a.partnership_lead)
    data = _signatory_post(OrganisationFactory(place=cast.a.place))
    data.update(_date("signed_on", None))
    assert "Enter the date signed" in _errors(client.post(f"{_base(cast.a.place)}{charter.pk}/signatories/new/", data))


def test_only_this_charters_commitments_can_be_ticked(client, cast, charter):
    other_charter = CharterFactory(place=cast.a.place)
    elsewhere = CharterCommitmentFactory(charter=other_charter, title="Another charter's commitment")
    foreign = CharterCommitmentFactory(charter=CharterFactory(place=cast.b.place), title="Place B's commitment")
    organisation = OrganisationFactory(place=cast.a.place)
    client.force_login(cast.a.partnership_lead)
    url = f"{_base(cast.a.place)}{charter.pk}/signatories/new/"
    page = client.get(url).content.decode()
    assert "Real Living Wage" in page and "Another charter's commitment" not in page
    for commitment in (elsewhere, foreign):
        response = client.post(url, _signatory_post(organisation, commitments=[commitment]))
        assert "Choose commitments of this charter only: one of those chosen is not one of its commitments" in _errors(
            response
        )
    assert not Signatory.objects.exists()


def test_the_service_refuses_another_charters_commitment_and_another_places_organisation(cast, charter):
    organisation = OrganisationFactory(place=cast.a.place)
    form = SignatoryForm(_signatory_post(organisation), place=cast.a.place, charter=charter)
    assert form.is_valid()
    form.cleaned_data["commitments_met"] = [CharterCommitmentFactory(charter=CharterFactory(place=cast.a.place))]
    with pytest.raises(PermissionError, match=services.OTHER_CHARTERS_COMMITMENT):
        services.signatory_create(charter=charter, form=form)
    form = SignatoryForm(_signatory_post(organisation), place=cast.a.place, charter=charter)
    assert form.is_valid()
    form.instance.organisation = OrganisationFactory(place=cast.b.place)
    with pytest.raises(PermissionError, match=services.OTHER_PLACES_ORGANISATION):
        services.signatory_create(charter=charter, form=form)
    assert not Signatory.objects.exists()


def test_a_commitment_removed_while_the_signatory_form_was_open_is_a_clear_error(cast, charter):
    wage = charter.commitments.get(title="Real Living Wage")
    organisation = OrganisationFactory(place=cast.a.place)
    form = SignatoryForm(_signatory_post(organisation, commitments=[wage]), place=cast.a.place, charter=charter)
    assert form.is_valid()
    wage.delete()
    with pytest.raises(services.CharterRefused, match="Someone removed the commitment ‘Real Living Wage’"):
        services.signatory_create(charter=charter, form=form)
    assert not Signatory.objects.exists()


def test_a_signatory_is_changed_and_the_history_shows_what_changed(client, cast, charter):
    wage, zero, _ = charter.commitments.order_by("position")
    organisation = OrganisationFactory(place=cast.a.place, name="Forth Valley College")
    client.force_login(cast.a.partnership_lead)
    client.post(
        f"{_base(cast.a.place)}{charter.pk}/signatories/new/", _signatory_post(organisation, commitments=[wage])
    )
    signatory = Signatory.objects.get()
    url = f"{_base(cast.a.place)}{charter.pk}/signatories/{signatory.pk}/edit/"
    response = client.post(url, _signatory_post(organisation, commitments=[wage, zero], version=1))
    assert response.status_code == 302, _errors(response)
    signatory.refresh_from_db()
    assert (signatory.version, set(signatory.commitments_met.all())) == (2, {wage, zero})
    client.force_login(cast.a.viewer)
    history = _soup(client.get(f"{_base(cast.a.place)}{charter.pk}/")).select_one("#history-caption")
    text = history.find_parent("table").get_text(" ", strip=True)
    assert "Created: Signatory ‘Forth Valley College’" in text
    assert "Commitments met : Real Living Wage → No zero hours; Real Living Wage" in text
    assert cast.a.partnership_lead.get_full_name() in text


def test_the_second_of_two_concurrent_signatory_edits_is_refused_with_the_input_kept(client, cast, charter):
    wage, zero, voice = charter.commitments.order_by("position")
    signatory = _signatory(charter, signed_on=date(2025, 5, 1), commitments_met=[wage])
    url = f"{_base(cast.a.place)}{charter.pk}/signatories/{signatory.pk}/edit/"
    client.force_login(cast.a.partnership_lead)
    assert client.post(url, _signatory_post(signatory.organisation, commitments=[zero], version=1)).status_code == 302
    response = client.post(url, _signatory_post(signatory.organisation, commitments=[voice], version=1))
    assert any("saved changes to this signature while you were editing it" in e for e in _errors(response))
    page = _soup(response)
    assert [box["value"] for box in page.select("input[name=commitments_met][checked]")] == [str(voice.pk)]
    assert page.select_one("#id_version")["value"] == "2"
    assert list(signatory.commitments_met.all()) == [zero]


@pytest.mark.parametrize("version", [None, ""], ids=["missing", "empty"])
def test_a_signatory_form_without_its_version_is_out_of_date_not_a_conflict(client, cast, charter, version):
    wage, zero, _ = charter.commitments.order_by("position")
    signatory = _signatory(charter, commitments_met=[wage])
    url = f"{_base(cast.a.place)}{charter.pk}/signatories/{signatory.pk}/edit/"
    client.force_login(cast.a.partnership_lead)
    data = _signatory_post(signatory.organisation, commitments=[zero])
    if version is not None:
        data["version"] = version
    response = client.post(url, data)
    assert response.status_code == 200
    assert _errors(response) == [FORM_OUT_OF_DATE]
    signatory.refresh_from_db()
    assert (signatory.version, list(signatory.commitments_met.all())) == (1, [wage])


def test_a_signatory_is_reached_only_under_its_own_charter(client, cast, charter):
    signatory = _signatory(charter)
    other_charter = CharterFactory(place=cast.a.place)
    theirs = SignatoryFactory(charter=CharterFactory(place=cast.b.place))
    client.force_login(cast.a.place_admin)
    assert client.get(f"{_base(cast.a.place)}{charter.pk}/signatories/{signatory.pk}/edit/").status_code == 200
    assert client.get(f"{_base(cast.a.place)}{other_charter.pk}/signatories/{signatory.pk}/edit/").status_code == 404
    assert client.get(f"{_base(cast.a.place)}{charter.pk}/signatories/{theirs.pk}/edit/").status_code == 404
    response = client.post(
        f"{_base(cast.a.place)}{theirs.charter_id}/signatories/{theirs.pk}/edit/",
        _signatory_post(theirs.organisation, version=1),
    )
    assert response.status_code == 404
    for path in ("", "edit/", "signatories/new/", "signatories/export/?format=csv"):
        assert client.get(f"{_base(cast.a.place)}{theirs.charter_id}/{path}").status_code == 404


# --- Progress -------------------------------------------------------------------------------------


def test_signatories_by_month_counts_every_month_from_the_first_signature_to_today():
    months = signatories_by_month(
        [date(2025, 1, 31), date(2025, 1, 2), date(2025, 3, 15), date(2025, 3, 1), date(2025, 3, 31)],
        today=date(2025, 5, 20),
    )
    assert [(m.month, m.signed, m.total) for m in months] == [
        (date(2025, 1, 1), 2, 2),
        (date(2025, 2, 1), 0, 2),
        (date(2025, 3, 1), 3, 5),
        (date(2025, 4, 1), 0, 5),
        (date(2025, 5, 1), 0, 5),
    ]
    over_new_year = signatories_by_month([date(2024, 11, 5)], today=date(2025, 2, 1))
    assert [m.month for m in over_new_year] == [
        date(2024, 11, 1),
        date(2024, 12, 1),
        date(2025, 1, 1),
        date(2025, 2, 1),
    ]
    assert signatories_by_month([], today=date(2025, 2, 1)) == []


def _chart(page: BeautifulSoup, chart_id: str) -> tuple[dict, list[list[str]]]:
    """The chart's Plotly data and its table's rows (as text)."""
    figure = json.loads(page.select_one(f"#{chart_id}-data").string)
    table = page.select_one(f"#{chart_id}-caption").find_parent("table")
    rows = [[cell.get_text(strip=True) for cell in row.select("th, td")] for row in table.select("tbody tr")]
    return figure, rows


def test_the_progress_view_shows_the_same_numbers_in_its_figures_charts_and_tables(client, cast, charter):
    wage, zero, voice = charter.commitments.order_by("position")
    today = TODAY
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    first_month = (last_month - timedelta(days=1)).replace(day=1)  # the month before last
    _signatory(charter, signed_on=first_month, commitments_met=[wage, zero, voice])
    _signatory(charter, signed_on=first_month + timedelta(days=3), commitments_met=[wage])
    _signatory(charter, signed_on=today, commitments_met=[wage, voice])
    SignatoryFactory(charter=CharterFactory(place=cast.a.place), signed_on=today)  # another charter's
    client.force_login(cast.a.viewer)
    page = _soup(client.get(f"{_base(cast.a.place)}{charter.pk}/"))

    assert page.select_one("[data-figure=signatories]").get_text(strip=True) == "3"
    assert page.select_one("[data-figure=meeting-all]").get_text(" ", strip=True) == "1 of 3 signatories (33.3%)"

    figure, rows = _chart(page, "chart-signatories")
    assert figure["data"][0]["y"] == [2, 2, 3]
    assert [row[1:] for row in rows] == [["2", "2"], ["0", "2"], ["1", "3"]]
    assert rows[0][0] == first_month.strftime("%B %Y") and rows[-1][0] == today.strftime("%B %Y")
    progress = charter_progress(charter=charter)
    assert [m.total for m in progress.months] == figure["data"][0]["y"]

    figure, rows = _chart(page, "chart-commitments")
    assert figure["data"][0]["x"] == [3, 1, 2]
    assert rows == [
        ["1. Real Living Wage", "3", "100.0"],
        ["2. No zero hours", "1", "33.3"],
        ["3. Workers' voice", "2", "66.7"],
    ]
    assert [c.met_count for c in progress.commitments] == [3, 1, 2]
    # The charts are data blocks drawn by static/js/charts.js: no inline script.
    assert not [s for s in page.select("script") if s.string and s.get("type") != "application/json"]


def test_a_charter_with_no_signatories_shows_no_charts_and_says_so(client, cast, charter):
    client.force_login(cast.a.viewer)
    page = _soup(client.get(f"{_base(cast.a.place)}{charter.pk}/"))
    assert page.select_one("#chart-signatories-data") is None
    assert "No organisation has signed this charter yet." in page.get_text()
    assert page.select_one("[data-figure=meeting-all]").get_text(" ", strip=True) == (
        "Not yet known: no organisation has signed"
    )
    assert not page.find("a", string="Add a signatory")


# --- The signatories' download ---------------------------------------------------------------------

HOSTILE = ['=HYPERLINK("http://evil.example","Click")', "@SUM(1)"]


@pytest.fixture
def exported(cast, charter) -> Charter:
    wage, zero, voice = charter.commitments.order_by("position")
    CharterCommitmentFactory(charter=charter, title="-1+1", position=4)
    SignatoryFactory(
        charter=charter,
        organisation=OrganisationFactory(place=cast.a.place, name=HOSTILE[0], sector="private"),
        signed_on=date(2025, 5, 1),
        commitments_met=[wage, voice],
        evidence_note="+44 1259 000000",
    )
    SignatoryFactory(
        charter=charter,
        organisation=OrganisationFactory(place=None, name=HOSTILE[1]),
        signed_on=date(2025, 6, 1),
        commitments_met=[zero],
    )
    return charter


def test_the_csv_download_has_a_yes_or_no_column_for_each_commitment_and_escapes_formulas(client, cast, exported):
    client.force_login(cast.a.viewer)
    response = client.get(f"{_base(cast.a.place)}{exported.pk}/signatories/export/?format=csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="good-employment-charter-signatories.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "Organisation",
        "Sector",
        "National body",
        "Date signed",
        "Commitments met",
        "1. Real Living Wage",
        "2. No zero hours",
        "3. Workers' voice",
        "4. -1+1",
        "Evidence",
    ]
    assert rows[1] == [
        "'" + HOSTILE[0],
        "Private sector",
        "No",
        "2025-05-01",
        "2 of 4",
        "Yes",
        "No",
        "Yes",
        "No",
        "'+44 1259 000000",
    ]
    assert rows[2][:9] == ["'" + HOSTILE[1], "Other", "Yes", "2025-06-01", "1 of 4", "No", "Yes", "No", "No"]
    assert len(rows) == 3


def test_the_xlsx_download_holds_the_same_rows_as_text_never_formulas(client, cast, exported):
    client.force_login(cast.a.viewer)
    response = client.get(f"{_base(cast.a.place)}{exported.pk}/signatories/export/?format=xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="good-employment-charter-signatories.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content))["Signatories"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][5:9] == ["1. Real Living Wage", "2. No zero hours", "3. Workers' voice", "4. -1+1"]
    assert rows[1][0] == "'" + HOSTILE[0] and rows[2][0] == "'" + HOSTILE[1]
    assert rows[1][3].date() == date(2025, 5, 1)
    assert rows[1][5:9] == ["Yes", "No", "Yes", "No"]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_an_unknown_download_format_is_404(client, cast, charter):
    client.force_login(cast.a.viewer)
    assert client.get(f"{_base(cast.a.place)}{charter.pk}/signatories/export/?format=pdf").status_code == 404


# --- Query counts ---------------------------------------------------------------------------------


def _count(client, url: str) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured), [q["sql"] for q in captured.captured_queries]


def _sign(charter: Charter, count: int) -> None:
    commitments = list(charter.commitments.all())
    for index in range(count):
        signatory = SignatoryFactory(
            charter=charter,
            organisation=OrganisationFactory(place=charter.place),
            signed_on=date(2025, 4 + index % 6, 1 + index),
            commitments_met=commitments[: 1 + index % len(commitments)],
        )
        signatory.evidence_note = f"Evidence {index}"
        signatory.save()  # a second history record, with a change


def test_the_charter_pages_use_a_fixed_number_of_queries(client, cast, charter):
    client.force_login(cast.a.partnership_lead)
    detail = f"{_base(cast.a.place)}{charter.pk}/"
    urls = [_base(cast.a.place), detail, detail + "signatories/export/?format=csv"]
    _sign(charter, 2)
    few = [_count(client, url)[0] for url in urls]
    _sign(charter, 18)
    CharterFactory(place=cast.a.place)
    many, sql = zip(*[_count(client, url) for url in urls], strict=True)
    # All: session, user, memberships with places (access) = 3.
    # List: + the charters with their partnership and both counts = 4.
    # Progress view: + the charter with its partnership, its commitments with how many meet each,
    # its signatories with their organisations, the commitments each meets (4); the history of the
    # charter, of its commitments, of its signatories and of what each met (4) = 11.
    # Download: + the charter, commitments, signatories, what each meets = 7.
    assert few == list(many) == [4, 11, 7], "\n\n".join("\n".join(queries) for queries in sql)
