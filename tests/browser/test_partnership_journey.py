"""A partnership lead sets up a delivery group on the anchor partnership, assigns three interventions
to it from the register filtered by lead organisation, and sees the group's dashboard change; an
officer sees the same register without the means to assign. axe passes on every page visited."""

import pytest
from playwright.sync_api import expect

from interventions.models import GroupAssignment, Intervention
from tests.factories import (
    ContributionFactory,
    InterventionFactory,
    OrganisationFactory,
    PartnershipFactory,
    PartnershipMembershipFactory,
)
from wellbeing.models import WellbeingOutcome

pytestmark = pytest.mark.browser


@pytest.fixture
def anchor_partnership(cast):
    """Place A's anchor partnership (college and NHS board as members), three active interventions
    led by the college and one led by the NHS board, each contributing to its fair work outcome."""
    place = cast.a.place
    outcome = WellbeingOutcome.objects.get(place=place)
    college = OrganisationFactory(place=place, name="Forth Valley College")
    nhs = OrganisationFactory(place=place, name="NHS Forth Valley")
    partnership = PartnershipFactory(place=place, name="Wellbeing Economy Anchor Partnership")
    PartnershipMembershipFactory(partnership=partnership, organisation=college)
    PartnershipMembershipFactory(partnership=partnership, organisation=nhs)
    titles = ["Green skills courses", "Women into engineering", "Flexible learning for parents"]
    for title in titles:
        intervention = InterventionFactory(place=place, title=title, lead_organisation=college, owner=cast.a.officer)
        ContributionFactory(intervention=intervention, outcome=outcome)
    other = InterventionFactory(place=place, title="Anchor recruitment pledge", lead_organisation=nhs)
    ContributionFactory(intervention=other, outcome=outcome)
    return partnership, college, titles


def test_a_partnership_lead_sets_up_a_group_and_assigns_three_interventions(browser_page, cast, anchor_partnership):
    partnership, _college, titles = anchor_partnership
    place = cast.a.place
    page = browser_page.page
    browser_page.sign_in(cast.a.partnership_lead.username, cast.password)

    browser_page.goto(f"/places/{place.slug}/", "place-overview")
    page.get_by_role("link", name="Partnerships", exact=True).click()
    browser_page.check("partnerships")
    page.get_by_role("link", name="Wellbeing Economy Anchor Partnership").click()
    browser_page.check("partnership-before")
    expect(page.locator("[data-flag=uncovered]")).to_contain_text("1 of 1 priority outcome no delivery group covers")

    page.get_by_role("button", name="Add a delivery group").click()
    browser_page.check("add-group")
    page.get_by_role("button", name="Save delivery group").click()
    browser_page.check("add-group-errors")
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    page.get_by_label("Name").fill("Fair work and good employment")
    page.get_by_label("Remit").fill("Grow secure, fairly paid work, led by the anchors as employers.")
    page.get_by_role("checkbox", name="Fair work for women in Place A").check()
    page.get_by_label("Lead organisation").select_option(label="Forth Valley College")
    page.get_by_role("button", name="Save delivery group").click()
    browser_page.check("group-page")
    expect(page.get_by_role("heading", name="Fair work and good employment", level=1)).to_be_visible()

    page.get_by_role("button", name="Open the group's dashboard").click()
    browser_page.check("dashboard-empty")
    could_join = page.locator("#could-join-table")
    for title in [*titles, "Anchor recruitment pledge"]:
        expect(could_join).to_contain_text(title)
    expect(page.locator("#assigned-table")).to_have_count(0)

    # The register, filtered to the college's work: tick its three interventions and assign them.
    page.get_by_role("link", name="The group's interventions in the intervention map").click()
    browser_page.check("register-filtered-to-group")
    page.get_by_label("Delivery group", exact=True).select_option(label="Any")
    page.get_by_label("Lead organisation").select_option(label="Forth Valley College")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("tbody tr")).to_have_count(3)
    browser_page.check("register-filtered-by-lead")
    for title in titles:
        page.get_by_role("checkbox", name=f"Select {title}").check()
    page.get_by_label("Assign the selected interventions to").select_option(label="Fair work and good employment")
    page.get_by_role("button", name="Assign", exact=True).click()
    browser_page.check("register-after-assigning")
    expect(page.get_by_text("3 interventions assigned to ‘Fair work and good employment’.")).to_be_visible()
    group = partnership.delivery_groups.get()
    assert set(GroupAssignment.objects.filter(group=group).values_list("intervention__title", flat=True)) == set(titles)
    assert GroupAssignment.history.filter(history_user=cast.a.partnership_lead).count() == 3

    browser_page.goto(f"/places/{place.slug}/groups/{group.pk}/dashboard/", "dashboard-after")
    assigned = page.locator("#assigned-table")
    for title in titles:
        expect(assigned).to_contain_text(title)
    expect(page.locator("#could-join-table")).to_contain_text("Anchor recruitment pledge")
    for title in titles:
        expect(page.locator("#could-join-table")).not_to_contain_text(title)

    # The partnership page no longer flags the outcome, and draws its picture.
    browser_page.goto(f"/places/{place.slug}/partnerships/{partnership.pk}/", "partnership-after")
    expect(page.locator("[data-flag=uncovered]")).to_have_count(0)
    expect(page.locator("[data-flag=covered]")).to_be_visible()
    expect(page.locator(".app-chart .main-svg").first).to_be_attached()


def test_an_officer_sees_groups_but_cannot_assign(browser_page, cast, anchor_partnership):
    partnership, college, _titles = anchor_partnership
    place = cast.a.place
    page = browser_page.page
    browser_page.sign_in(cast.a.officer.username, cast.password)

    browser_page.goto(f"/places/{place.slug}/interventions/?lead={college.pk}", "officer-register")
    expect(page.locator("tbody tr")).to_have_count(3)
    expect(page.locator("table").get_by_role("checkbox")).to_have_count(0)
    expect(page.get_by_role("checkbox", name="Select Green skills courses")).to_have_count(0)
    expect(page.get_by_role("button", name="Assign", exact=True)).to_have_count(0)
    browser_page.goto(f"/places/{place.slug}/partnerships/{partnership.pk}/", "officer-partnership")
    expect(page.get_by_role("button", name="Add a delivery group")).to_have_count(0)
    assert not GroupAssignment.objects.exists()
    assert Intervention.objects.filter(place=place).count() == 4
