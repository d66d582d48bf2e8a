"""Assigning interventions to delivery groups, many at once: the services (all or nothing, history,
national interventions per place), the register's bulk action (who may, where it goes back to, what
it says) and the register's delivery group filter and column."""

import csv
import io

import pytest
from bs4 import BeautifulSoup
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from interventions.group_forms import MAX_SELECTED, NO_GROUP_CHOSEN, NOTHING_SELECTED
from interventions.group_services import (
    GROUP_OF_ANOTHER_PLACE,
    INTERVENTIONS_NOT_SEEN,
    AssignmentRefused,
    group_assignments_add,
    group_assignments_remove,
)
from interventions.models import GroupAssignment, Intervention
from tests.factories import (
    ContributionFactory,
    DeliveryGroupFactory,
    GroupAssignmentFactory,
    InterventionFactory,
    OrganisationFactory,
    PartnershipFactory,
    WellbeingOutcomeFactory,
)
from wellbeing.models import Role, WellbeingOutcome

pytestmark = pytest.mark.django_db

ASSIGNERS = [Role.PARTNERSHIP_LEAD, Role.PLACE_ADMIN]
NOT_ASSIGNERS = [Role.VIEWER, Role.ANALYST, Role.OFFICER]


@pytest.fixture
def groups(cast):
    """Place A: an anchor partnership with two groups, three interventions of its own and a shared
    national one; place B: its own partnership, group and intervention."""
    place = cast.a.place
    partnership = PartnershipFactory(place=place, name="Anchor partnership")
    fair_work_outcome = WellbeingOutcome.objects.get(place=place)
    fair_work = DeliveryGroupFactory(partnership=partnership, name="Fair work group", outcomes=[fair_work_outcome])
    homes = DeliveryGroupFactory(partnership=partnership, name="Warm homes group")
    titles = ["Green apprenticeships", "Retrofit pilot", "Procurement charter"]
    interventions = [InterventionFactory(place=place, title=title, owner=cast.a.officer) for title in titles]
    national = InterventionFactory(
        place=None,
        owner=None,
        level=Intervention.Level.NATIONAL,
        title="Young person's guarantee",
        lead_organisation=OrganisationFactory(place=None),
    )
    b_group = DeliveryGroupFactory(partnership=PartnershipFactory(place=cast.b.place), name="Place B secret group")
    b_intervention = InterventionFactory(place=cast.b.place, title="Place B secret scheme")
    return {
        "fair_work": fair_work,
        "homes": homes,
        "interventions": interventions,
        "national": national,
        "b_group": b_group,
        "b_intervention": b_intervention,
    }


def _assign_url(place) -> str:
    return reverse("interventions:group_assign", kwargs={"place_slug": place.slug})


def _register_url(place, query: str = "") -> str:
    return reverse("interventions:register", kwargs={"place_slug": place.slug}) + (f"?{query}" if query else "")


def _post(client, place, *, interventions, group, action="assign", next_url=None):
    data = {"interventions": [str(getattr(i, "pk", i)) for i in interventions], "action": action}
    if group is not None:
        data["group"] = str(getattr(group, "pk", group))
    if next_url is not None:
        data["next"] = next_url
    return client.post(_assign_url(place), data)


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _in_group(group) -> set[str]:
    return set(GroupAssignment.objects.filter(group=group).values_list("intervention__title", flat=True))


def _soup(response) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def _titles(response) -> list[str]:
    return [th.a.get_text(strip=True) for th in _soup(response).select("tbody th[scope=row]")]


# --- The services --------------------------------------------------------------------------------------------


def test_assigning_adds_the_new_ones_counts_those_already_in_and_signs_each(cast, groups):
    lead, group = cast.a.partnership_lead, groups["fair_work"]
    first, second, third = groups["interventions"]
    GroupAssignmentFactory(group=group, intervention=first, assigned_by=cast.a.place_admin)

    result = group_assignments_add(place=cast.a.place, user=lead, group=group, interventions=[first, second, third])

    assert (result.changed, result.unchanged) == (2, 1)
    assert _in_group(group) == {first.title, second.title, third.title}
    signed = dict(GroupAssignment.objects.filter(group=group).values_list("intervention__title", "assigned_by"))
    assert signed == {first.title: cast.a.place_admin.pk, second.title: lead.pk, third.title: lead.pk}


def test_each_assignment_and_removal_leaves_a_history_row_saying_who(cast, groups):
    lead, group = cast.a.partnership_lead, groups["fair_work"]
    first, second, _ = groups["interventions"]
    group_assignments_add(place=cast.a.place, user=lead, group=group, interventions=[first, second])
    group_assignments_remove(place=cast.a.place, user=cast.a.place_admin, group=group, interventions=[second])

    history = GroupAssignment.history.filter(group=group).order_by("history_id")
    assert [(row.intervention_id, row.history_type, row.history_user_id) for row in history] == [
        (first.pk, "+", lead.pk),
        (second.pk, "+", lead.pk),
        (second.pk, "-", cast.a.place_admin.pk),
    ]


def test_an_intervention_selected_twice_is_assigned_once(cast, groups):
    first = groups["interventions"][0]
    result = group_assignments_add(
        place=cast.a.place, user=cast.a.partnership_lead, group=groups["fair_work"], interventions=[first, first]
    )
    assert (result.changed, result.unchanged) == (1, 0)
    assert GroupAssignment.objects.count() == 1


def test_another_places_intervention_among_the_selection_saves_nothing(cast, groups):
    with pytest.raises(AssignmentRefused) as refusal:
        group_assignments_add(
            place=cast.a.place,
            user=cast.a.partnership_lead,
            group=groups["fair_work"],
            interventions=[*groups["interventions"], groups["b_intervention"]],
        )
    assert str(refusal.value) == INTERVENTIONS_NOT_SEEN.format(place="Place A")
    assert not GroupAssignment.objects.exists()
    assert not GroupAssignment.history.exists()


def test_another_places_group_saves_nothing(cast, groups):
    with pytest.raises(AssignmentRefused) as refusal:
        group_assignments_add(
            place=cast.a.place,
            user=cast.a.partnership_lead,
            group=groups["b_group"],
            interventions=groups["interventions"],
        )
    assert str(refusal.value) == GROUP_OF_ANOTHER_PLACE.format(place="Place A")
    with pytest.raises(AssignmentRefused):
        group_assignments_remove(
            place=cast.a.place,
            user=cast.a.partnership_lead,
            group=groups["b_group"],
            interventions=groups["interventions"],
        )
    assert not GroupAssignment.objects.exists()


def test_removing_counts_those_that_were_not_in_the_group(cast, groups):
    group = groups["fair_work"]
    first, second, third = groups["interventions"]
    GroupAssignmentFactory(group=group, intervention=first)
    GroupAssignmentFactory(group=groups["homes"], intervention=second)

    result = group_assignments_remove(
        place=cast.a.place, user=cast.a.partnership_lead, group=group, interventions=[first, second, third]
    )

    assert (result.changed, result.unchanged) == (1, 2)
    assert _in_group(group) == set()
    assert _in_group(groups["homes"]) == {second.title}  # another group's assignment is untouched


def test_a_national_intervention_is_assigned_per_place(cast, groups):
    national = groups["national"]
    group_assignments_add(
        place=cast.a.place, user=cast.a.partnership_lead, group=groups["fair_work"], interventions=[national]
    )
    # Place B sees the same national intervention and may put it in its own group, independently.
    group_assignments_add(
        place=cast.b.place, user=cast.b.partnership_lead, group=groups["b_group"], interventions=[national]
    )
    group_assignments_remove(
        place=cast.b.place, user=cast.b.partnership_lead, group=groups["b_group"], interventions=[national]
    )

    assert _in_group(groups["fair_work"]) == {national.title}
    assert _in_group(groups["b_group"]) == set()


# --- The bulk action: who may -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ASSIGNERS)
def test_partnership_leads_and_place_admins_assign_from_the_register(client, cast, groups, role):
    client.force_login(cast.a.member(role))
    response = _post(client, cast.a.place, interventions=groups["interventions"][:2], group=groups["fair_work"])
    assert response.status_code == 302
    assert _in_group(groups["fair_work"]) == {"Green apprenticeships", "Retrofit pilot"}


@pytest.mark.parametrize("role", NOT_ASSIGNERS)
def test_officers_and_other_roles_get_403_and_nothing_is_saved(client, cast, groups, role):
    client.force_login(cast.a.member(role))
    response = _post(client, cast.a.place, interventions=groups["interventions"], group=groups["fair_work"])
    assert response.status_code == 403
    assert "partnership lead" in response.content.decode()
    assert not GroupAssignment.objects.exists()


def test_it_returns_404_for_an_outsider_and_another_places_lead(client, cast, groups):
    for person in (cast.outsider, cast.b.partnership_lead):
        client.force_login(person)
        response = _post(client, cast.a.place, interventions=groups["interventions"], group=groups["fair_work"])
        assert response.status_code == 404
    assert not GroupAssignment.objects.exists()


def test_it_accepts_only_post(client, cast, groups):
    client.force_login(cast.a.partnership_lead)
    assert client.get(_assign_url(cast.a.place)).status_code == 405


# --- The bulk action: what it says and where it goes back to ---------------------------------------------------


def test_it_goes_back_to_the_filtered_register_and_says_how_many_were_assigned(client, cast, groups):
    client.force_login(cast.a.partnership_lead)
    first, second, third = groups["interventions"]
    GroupAssignmentFactory(group=groups["fair_work"], intervention=first)
    back = _register_url(cast.a.place, "status=active&kind=project&page=1")

    response = _post(
        client, cast.a.place, interventions=[first, second, third], group=groups["fair_work"], next_url=back
    )

    assert response.status_code == 302 and response["Location"] == back
    assert _messages(response) == ["2 interventions assigned to ‘Fair work group’. 1 intervention was already in it."]


def test_assigning_only_those_already_in_says_nothing_changed(client, cast, groups):
    client.force_login(cast.a.partnership_lead)
    first = groups["interventions"][0]
    GroupAssignmentFactory(group=groups["fair_work"], intervention=first)
    response = _post(client, cast.a.place, interventions=[first], group=groups["fair_work"])
    assert _messages(response) == ["Nothing changed: the selected intervention was already in ‘Fair work group’."]


def test_remove_from_this_group_removes_the_selected_and_says_so(client, cast, groups):
    client.force_login(cast.a.partnership_lead)
    first, second, _ = groups["interventions"]
    GroupAssignmentFactory(group=groups["fair_work"], intervention=first)
    response = _post(client, cast.a.place, interventions=[first, second], group=groups["fair_work"], action="remove")
    assert _messages(response) == ["1 intervention removed from ‘Fair work group’. 1 intervention was not in it."]
    assert _in_group(groups["fair_work"]) == set()
    assert GroupAssignment.history.get(history_type="-").history_user == cast.a.partnership_lead


@pytest.mark.parametrize(
    ("interventions", "group", "expected"),
    [
        ([], "fair_work", NOTHING_SELECTED),
        (["first"], None, NO_GROUP_CHOSEN),
        ([], None, f"{NOTHING_SELECTED} {NO_GROUP_CHOSEN}"),
    ],
)
def test_nothing_selected_or_no_group_is_a_clear_error(client, cast, groups, interventions, group, expected):
    client.force_login(cast.a.partnership_lead)
    chosen = [groups["interventions"][0] for _ in interventions]
    back = _register_url(cast.a.place, "status=active")
    response = _post(client, cast.a.place, interventions=chosen, group=groups.get(group), next_url=back)
    assert response["Location"] == back
    assert _messages(response) == [f"Nothing was saved. {expected}"]
    assert not GroupAssignment.objects.exists()


def test_another_places_intervention_or_group_is_a_clear_error_and_saves_nothing(client, cast, groups):
    client.force_login(cast.a.partnership_lead)
    response = _post(
        client,
        cast.a.place,
        interventions=[*groups["interventions"], groups["b_intervention"]],
        group=groups["fair_work"],
    )
    assert _messages(response) == [
        "Nothing was saved. One or more of the selected interventions is not one of Place A’s interventions. "
        "Select the interventions again from the list."
    ]
    client.get(response["Location"])  # the page shows the message, and it is gone
    response = _post(client, cast.a.place, interventions=groups["interventions"], group=groups["b_group"])
    assert _messages(response) == [
        "Nothing was saved. The delivery group chosen is not one of Place A’s delivery groups. "
        "Choose a group from the list."
    ]
    client.get(response["Location"])
    response = _post(client, cast.a.place, interventions=["not-a-number"], group="x")
    assert response.status_code == 302
    assert _messages(response) == [
        "Nothing was saved. One or more of the selected interventions is not one of Place A’s interventions. "
        "Select the interventions again from the list. The delivery group chosen is not one of Place A’s "
        "delivery groups. Choose a group from the list."
    ]
    assert not GroupAssignment.objects.exists()


def test_more_than_the_maximum_selected_is_refused(client, cast, groups):
    client.force_login(cast.a.partnership_lead)
    many = [InterventionFactory(place=cast.a.place, owner=cast.a.officer) for _ in range(MAX_SELECTED + 1)]
    response = _post(client, cast.a.place, interventions=many, group=groups["fair_work"])
    assert _messages(response) == [f"Nothing was saved. Select at most {MAX_SELECTED} interventions at a time."]
    assert not GroupAssignment.objects.exists()


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/places/place-a/interventions/",
        "//evil.example/places/place-a/interventions/",
        "/\\evil.example/",
        "\\\\evil.example",
        "javascript:alert(1)",
        "/places/place-b/interventions/",
        "/places/place-a/../place-b/interventions/",
        "/places/place-a/not-a-page/",
        "/places/place-a/interventions/assign/",
        "/places/place-a/interventions/\r\nSet-Cookie: x=1",
        "/admin/",
        "",
    ],
)
def test_it_never_goes_back_anywhere_but_a_page_of_this_place(client, cast, groups, next_url):
    client.force_login(cast.a.partnership_lead)
    response = _post(
        client, cast.a.place, interventions=groups["interventions"][:1], group=groups["fair_work"], next_url=next_url
    )
    assert response.status_code == 302
    assert response["Location"] == _register_url(cast.a.place)


def test_it_goes_back_to_the_groups_dashboard_when_it_came_from_there(client, cast, groups):
    client.force_login(cast.a.partnership_lead)
    dashboard = reverse(
        "interventions:group_dashboard", kwargs={"place_slug": cast.a.place.slug, "group_pk": groups["fair_work"].pk}
    )
    response = _post(
        client, cast.a.place, interventions=groups["interventions"][:1], group=groups["fair_work"], next_url=dashboard
    )
    assert response["Location"] == dashboard


# --- The register: boxes, the bulk form, the delivery groups column and filter ------------------------------------


@pytest.mark.parametrize("role", ASSIGNERS)
def test_assigners_see_a_labelled_box_per_row_and_the_bulk_form(client, cast, groups, role):
    client.force_login(cast.a.member(role))
    soup = _soup(client.get(_register_url(cast.a.place)))

    form = soup.select_one("form#group-assign-form")
    assert form["method"] == "post" and form["action"] == _assign_url(cast.a.place)
    assert form.select_one("input[name=csrfmiddlewaretoken]")
    assert (
        form.select_one("label[for=group-assign-group]").get_text(strip=True) == "Assign the selected interventions to"
    )
    options = [option.get_text(strip=True) for option in form.select("select[name=group] option")]
    assert options == ["Choose a delivery group", "Fair work group", "Warm homes group"]
    assert [button["value"] for button in form.select("button[name=action]")] == ["assign", "remove"]
    assert soup.select_one("table[data-module=moj-multi-select] thead #select-all")

    boxes = soup.select("tbody input[type=checkbox][name=interventions]")
    assert len(boxes) == 4  # A's three and the national one; never B's
    for box in boxes:
        assert box["form"] == "group-assign-form"
        label = soup.select_one(f"label[for={box['id']}]").get_text(" ", strip=True)
        title = Intervention.objects.get(pk=box["value"]).title
        assert label == f"Select {title}"


@pytest.mark.parametrize("role", NOT_ASSIGNERS)
def test_others_see_no_boxes_and_no_bulk_form(client, cast, groups, role):
    client.force_login(cast.a.member(role))
    soup = _soup(client.get(_register_url(cast.a.place)))
    assert not soup.select("input[name=interventions]")
    assert not soup.select("#group-assign-form")
    assert len(soup.select("tbody tr")) == 4


def test_without_delivery_groups_assigners_are_told_how_to_make_one(client, cast):
    InterventionFactory(place=cast.a.place, owner=cast.a.officer)
    client.force_login(cast.a.partnership_lead)
    soup = _soup(client.get(_register_url(cast.a.place)))
    assert not soup.select("input[name=interventions]")
    assert "Place A has no delivery groups yet" in soup.get_text()


def test_the_bulk_form_comes_with_every_htmx_update_and_returns_to_the_filtered_list(client, cast, groups):
    client.force_login(cast.a.partnership_lead)
    query = f"status=active&group={groups['fair_work'].pk}"
    GroupAssignmentFactory(group=groups["fair_work"], intervention=groups["interventions"][0])
    response = client.get(_register_url(cast.a.place, query), HTTP_HX_REQUEST="true")
    partial = response.content.decode()
    assert "<html" not in partial
    soup = BeautifulSoup(partial, "html.parser")
    form = soup.select_one("form#group-assign-form")
    assert form.select_one("input[name=next]")["value"] == _register_url(cast.a.place, query)
    # Filtered to a group, the form offers that group first, ready to remove from it.
    assert form.select_one("select[name=group] option[selected]")["value"] == str(groups["fair_work"].pk)
    assert [box["value"] for box in soup.select("input[name=interventions]")] == [str(groups["interventions"][0].pk)]


def test_the_delivery_groups_column_names_only_this_places_groups(client, cast, groups):
    first, second, _ = groups["interventions"]
    national = groups["national"]
    GroupAssignmentFactory(group=groups["fair_work"], intervention=first)
    GroupAssignmentFactory(group=groups["homes"], intervention=first)
    GroupAssignmentFactory(group=groups["b_group"], intervention=national)
    client.force_login(cast.a.viewer)
    soup = _soup(client.get(_register_url(cast.a.place)))

    column = {
        row.select_one("th[scope=row] a").get_text(strip=True): " ".join(
            row.select_one("td[data-groups]").get_text().split()
        )
        for row in soup.select("tbody tr")
    }
    assert column[first.title] == "Fair work group; Warm homes group"
    assert column[second.title] == "None"
    assert column[national.title] == "None"  # place B's group is B's business
    assert "Place B secret group" not in soup.get_text()
    link = soup.select_one("td[data-groups] a")
    assert link["href"] == reverse(
        "interventions:group_dashboard", kwargs={"place_slug": cast.a.place.slug, "group_pk": groups["fair_work"].pk}
    )


def test_the_register_filters_by_delivery_group_or_none(client, cast, groups):
    first, second, third = groups["interventions"]
    national = groups["national"]
    GroupAssignmentFactory(group=groups["fair_work"], intervention=first)
    GroupAssignmentFactory(group=groups["homes"], intervention=second)
    GroupAssignmentFactory(group=groups["b_group"], intervention=national)
    client.force_login(cast.a.viewer)

    assert _titles(client.get(_register_url(cast.a.place, f"group={groups['fair_work'].pk}"))) == [first.title]
    # National work assigned by place B is still in no group of place A.
    assert _titles(client.get(_register_url(cast.a.place, "group=none"))) == [third.title, national.title]
    options = _soup(client.get(_register_url(cast.a.place))).select("select[name=group] option")
    assert [option.get_text(strip=True) for option in options] == [
        "Any",
        "Not in any delivery group",
        "Fair work group (Anchor partnership)",
        "Warm homes group (Anchor partnership)",
    ]


def test_another_places_group_in_the_register_filter_lists_nothing_and_says_why(client, cast, groups):
    GroupAssignmentFactory(group=groups["b_group"], intervention=groups["b_intervention"])
    client.force_login(cast.a.viewer)
    response = client.get(_register_url(cast.a.place, f"group={groups['b_group'].pk}"))
    assert _titles(response) == []
    page = response.content.decode()
    assert "These filters cannot be used" in page and "Select a valid choice" in page
    assert "Place B secret" not in page


# --- The export of a partnership's assignments -------------------------------------------------------------------

HOSTILE = ['=HYPERLINK("https://evil.example","Click")', "+1", "-2", "@SUM(A1:A2)", "\tTabbed"]
EXPORT_HEADINGS = [
    "Delivery group",
    "Reference",
    "Intervention",
    "Level",
    "Status",
    "Lead organisation",
    "Outcomes it contributes to (effectiveness)",
    "Assigned by",
    "Assigned on",
]


def _export_url(place, partnership, file_format: str) -> str:
    kwargs = {"place_slug": place.slug, "partnership_pk": partnership.pk}
    return reverse("interventions:assignment_export", kwargs=kwargs) + f"?format={file_format}"


def _csv(response) -> list[list[str]]:
    content = response.content
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content[3:].decode("utf-8"), newline="")))


@pytest.fixture
def assigned(cast, groups):
    """Fair work group: apprenticeships (linked to two outcomes) and the national guarantee; warm homes
    group: the retrofit pilot; another partnership's group and place B's group: one each."""
    place = cast.a.place
    fair_work_outcome = WellbeingOutcome.objects.get(place=place)
    homes_outcome = WellbeingOutcomeFactory(place=place, title="Warm homes", priority_rank=2)
    first, second, third = groups["interventions"]
    ContributionFactory(intervention=first, outcome=homes_outcome, effectiveness="moderate")
    ContributionFactory(intervention=first, outcome=fair_work_outcome, effectiveness="strong")
    ContributionFactory(intervention=groups["national"], outcome=WellbeingOutcome.objects.get(place=cast.b.place))
    lead = cast.a.partnership_lead
    for group, intervention in (
        (groups["fair_work"], first),
        (groups["fair_work"], groups["national"]),
        (groups["homes"], second),
    ):
        GroupAssignmentFactory(group=group, intervention=intervention, assigned_by=lead)
    other = DeliveryGroupFactory(partnership=PartnershipFactory(place=place, name="Other partnership"))
    GroupAssignmentFactory(group=other, intervention=third)
    GroupAssignmentFactory(group=groups["b_group"], intervention=groups["b_intervention"])
    return groups["fair_work"].partnership


def test_the_export_has_a_row_per_assignment_of_the_partnerships_groups(client, cast, groups, assigned):
    client.force_login(cast.a.viewer)
    response = client.get(_export_url(cast.a.place, assigned, "csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="group-assignments-place-a-anchor-partnership-' in response["Content-Disposition"]
    rows = _csv(response)
    first, second, _ = groups["interventions"]
    lead = cast.a.partnership_lead.get_full_name()
    today = timezone.localdate().isoformat()
    national = groups["national"]
    assert rows == [
        EXPORT_HEADINGS,
        [
            "Fair work group",
            first.reference,
            first.title,
            first.get_level_display(),
            first.get_status_display(),
            first.lead_organisation.name,
            "Fair work for women in Place A (strong)\nWarm homes (moderate)",
            lead,
            today,
        ],
        # Its link to place B's outcome is B's business.
        ["Fair work group", national.reference, national.title, "National", national.get_status_display(),
         national.lead_organisation.name, "", lead, today],
        ["Warm homes group", second.reference, second.title, second.get_level_display(), second.get_status_display(),
         second.lead_organisation.name, "", lead, today],
    ]  # fmt: skip


def test_the_xlsx_export_has_the_same_rows(client, cast, groups, assigned):
    client.force_login(cast.a.viewer)
    response = client.get(_export_url(cast.a.place, assigned, "xlsx"))
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content))["Group assignments"]
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == EXPORT_HEADINGS
    assert [(row[0], row[2]) for row in values[1:]] == [
        ("Fair work group", "Green apprenticeships"),
        ("Fair work group", "Young person's guarantee"),
        ("Warm homes group", "Retrofit pilot"),
    ]
    assert values[1][8].date() == timezone.localdate()


def test_the_export_neutralises_cells_a_spreadsheet_would_run(client, cast, groups):
    group = groups["fair_work"]
    for title in HOSTILE:
        GroupAssignmentFactory(group=group, intervention=InterventionFactory(place=cast.a.place, title=title))
    group.name = "=cmd|' /C calc'!A0"
    group.save()
    client.force_login(cast.a.viewer)
    rows = _csv(client.get(_export_url(cast.a.place, group.partnership, "csv")))
    titles = {row[2] for row in rows[1:]}
    assert titles == {"'" + title for title in HOSTILE}
    assert {row[0] for row in rows[1:]} == {"'=cmd|' /C calc'!A0"}
    sheet = load_workbook(io.BytesIO(client.get(_export_url(cast.a.place, group.partnership, "xlsx")).content)).active
    cells = [row[2] for row in sheet.iter_rows(min_row=2)]
    assert {cell.value for cell in cells} == {"'" + title for title in HOSTILE}
    assert all(cell.data_type == "s" for cell in cells)


def test_the_export_is_404_for_another_places_partnership_or_an_unknown_format(client, cast, groups):
    client.force_login(cast.a.viewer)
    b_partnership = groups["b_group"].partnership
    assert client.get(_export_url(cast.a.place, b_partnership, "csv")).status_code == 404
    assert client.get(_export_url(cast.a.place, groups["fair_work"].partnership, "pdf")).status_code == 404
    client.force_login(cast.outsider)
    assert client.get(_export_url(cast.a.place, groups["fair_work"].partnership, "csv")).status_code == 404
