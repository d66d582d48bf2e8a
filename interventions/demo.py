"""Illustrative interventions for the demo place "Clackmannanshire (illustrative demo)".

Everything here is ILLUSTRATIVE. The records are modelled on the kind of work a Scottish council and
its partners have under way (and some carry the names of real programmes and public bodies that
really operate in Clackmannanshire), but the scopes, dates, budgets, owners, partner lists,
effectiveness ratings and evidence notes are invented for the demo and must not be read as the
real position of any organisation. Private employers are fictional and say so in their names.
Evidence links point only to real public pages about the programme or policy itself (each found in
stored public copies when this file was written, not re-checked live); they show that the programme
exists, not the illustrative rating. Where no such page was found the links are left blank.

Dates are day offsets from the day of seeding, so the demo looks current whenever it is seeded:
some work ends within the next six months, some assessments are older than
settings.ASSESSMENT_STALE_AFTER_DAYS (about 15 %), and the gap analysis has something to find:

- DEMO_THIN_OUTCOME ("Health and wellbeing") is reached only by enabling work or work of
  unknown effectiveness — *thin*;
- DEMO_GAP_OUTCOME ("Sustainable place") has contributions only from interventions that are not
  active (paused, planned or completed) — a *gap* once the town-centre programme finished.

National interventions are shared records (place empty) led by national bodies; their
contributions are to the demo place's outcomes only, so other places see the intervention but
not the demo's assessments.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from interventions.models import Contribution, Intervention
from partnerships.models import Organisation
from wellbeing.models import CwbPillar, Place, User, WellbeingOutcome
from wellbeing.services import DEMO_USERNAMES, DemoDataRefused

CHANGE_REASON = "Illustrative demo data seeded"

# The demo place's seven outcomes (wellbeing.services.DEMO_OUTCOMES), by title.
POVERTY = "Poverty"
ECONOMIC = "Economic opportunity"
FAIR_WORK = "Fair work, particularly for women"
YOUNG_PEOPLE = "Outcomes for young people"
HEALTH = "Health and wellbeing"
PLACE = "Sustainable place"
CLIMATE = "Climate and environmental sustainability"

DEMO_THIN_OUTCOME = HEALTH
DEMO_GAP_OUTCOME = PLACE

# Assessment ages below are written for a 365-day staleness threshold and scaled to the setting.
_AGES_WRITTEN_FOR_DAYS = 365

Kind = Intervention.Kind
Level = Intervention.Level
Status = Intervention.Status
Strength = Contribution.Strength
Effectiveness = Contribution.Effectiveness
Basis = Contribution.Basis
Sector = Organisation.Sector
Size = Organisation.SizeBand


class DemoSeedError(Exception):
    """The demo interventions cannot be seeded into this database as it stands."""


# --- Organisations ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoOrganisation:
    name: str
    sector: str
    anchor: bool = False  # an anchor institution of the place (illustrative for the fictional ones)
    size: str = Size.UNKNOWN
    national: bool = False  # a national body: place empty, shared read-only with every place


COUNCIL = "Clackmannanshire Council"
STIRLING_COUNCIL = "Stirling Council"
COLLEGE = "Forth Valley College"
UNIVERSITY = "University of Stirling"
NHS = "NHS Forth Valley"
HSCP = "Clackmannanshire and Stirling Health and Social Care Partnership"
OCHIL_VIEW = "Ochil View Housing Association"
PARAGON = "Paragon Housing Association"
KINGDOM = "Kingdom Housing Association"
TSI = "Clackmannanshire Third Sector Interface"
CREDIT_UNION = "Clackmannanshire Credit Union"
EMPLOYER_ENGINEERING = "Devon Valley Engineering (fictional employer)"
EMPLOYER_FOODS = "Hillfoots Bakery (fictional employer)"
EMPLOYER_CARE = "Wee County Home Care (fictional employer)"
SCOTTISH_GOVERNMENT = "Scottish Government"
SDS = "Skills Development Scotland"
SCOTTISH_ENTERPRISE = "Scottish Enterprise"
SFT = "Scottish Futures Trust"
SOCIAL_SECURITY = "Social Security Scotland"
WARMWORKS = "Warmworks Scotland"
LIVING_WAGE_SCOTLAND = "Living Wage Scotland"
DTAS = "Development Trusts Association Scotland"

DEMO_ORGANISATIONS: list[DemoOrganisation] = [
    # Local: public bodies and housing associations that do operate in Clackmannanshire (the
    # health and social care partnership is shared with Stirling); their roles here are illustrative.
    DemoOrganisation(COUNCIL, Sector.PUBLIC, anchor=True, size=Size.LARGE),
    DemoOrganisation(STIRLING_COUNCIL, Sector.PUBLIC, size=Size.LARGE),
    DemoOrganisation(COLLEGE, Sector.EDUCATION, anchor=True, size=Size.LARGE),
    DemoOrganisation(UNIVERSITY, Sector.EDUCATION, anchor=True, size=Size.LARGE),
    DemoOrganisation(NHS, Sector.HEALTH, anchor=True, size=Size.LARGE),
    DemoOrganisation(HSCP, Sector.HEALTH, anchor=True, size=Size.LARGE),
    DemoOrganisation(OCHIL_VIEW, Sector.HOUSING, anchor=True, size=Size.MEDIUM),
    DemoOrganisation(PARAGON, Sector.HOUSING, anchor=True, size=Size.MEDIUM),
    DemoOrganisation(KINGDOM, Sector.HOUSING, size=Size.MEDIUM),
    DemoOrganisation(TSI, Sector.THIRD_SECTOR, anchor=True, size=Size.SMALL),
    DemoOrganisation(CREDIT_UNION, Sector.COMMUNITY, anchor=True, size=Size.SMALL),
    DemoOrganisation(EMPLOYER_ENGINEERING, Sector.PRIVATE, anchor=True, size=Size.LARGE),
    DemoOrganisation(EMPLOYER_FOODS, Sector.PRIVATE, size=Size.MEDIUM),
    DemoOrganisation(EMPLOYER_CARE, Sector.PRIVATE, size=Size.SMALL),
    # National bodies, shared by every place.
    DemoOrganisation(SCOTTISH_GOVERNMENT, Sector.PUBLIC, national=True),
    DemoOrganisation(SDS, Sector.PUBLIC, national=True),
    DemoOrganisation(SCOTTISH_ENTERPRISE, Sector.PUBLIC, national=True),
    DemoOrganisation(SFT, Sector.PUBLIC, national=True),
    DemoOrganisation(SOCIAL_SECURITY, Sector.PUBLIC, national=True),
    DemoOrganisation(WARMWORKS, Sector.PRIVATE, national=True),
    DemoOrganisation(LIVING_WAGE_SCOTLAND, Sector.THIRD_SECTOR, national=True),
    DemoOrganisation(DTAS, Sector.THIRD_SECTOR, national=True),
]

# --- Interventions ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoContribution:
    outcome: str  # title of one of the demo place's outcomes
    strength: str
    effectiveness: str
    basis: str
    assessed_days_ago: int  # for a 365-day staleness threshold; over 365 is stale
    evidence_note: str
    assessed_by: str = "demo-officer"


@dataclass(frozen=True)
class DemoIntervention:
    title: str
    kind: str
    level: str
    status: str
    lead: str
    description: str
    contributions: tuple[DemoContribution, ...]
    partners: tuple[str, ...] = ()
    owner: str | None = "demo-officer"
    start: int | None = None  # days from the day of seeding (negative: in the past)
    end: int | None = None
    budget_gbp: int | None = None
    funding_source: str = ""
    cwb_pillars: tuple[str, ...] = ()
    evidence_links: tuple[str, ...] = field(default=())


def _c(
    outcome: str,
    strength: str,
    effectiveness: str,
    basis: str,
    days_ago: int,
    note: str,
    by: str = "demo-officer",
) -> DemoContribution:
    return DemoContribution(outcome, strength, effectiveness, basis, days_ago, note, by)


# Real public pages (each found in stored public copies when this file was written).
URL_CLES_CLACKS = (
    "https://cles.org.uk/community-wealth-building-in-practice/community-wealth-building-places/"
    "community-wealth-building-in-clackmannanshire/"
)
URL_CWB_PROGRESS = "https://www.alloaadvertiser.com/news/24228653.clackmannanshires-community-wealth-building-focus/"
URL_CWB_CONSULTATION = (
    "https://www.gov.scot/publications/building-community-wealth-scotland-consultation-paper/pages/5/"
)
URL_WELLBEING_PILOT = "https://regionaleconomicdevelopment.scot/blog/toolkit/clackmannanshire-wellbeing-economy-pilot/"
URL_LIVING_WAGE = "https://scottishlivingwage.org/clackmannanshire-council-becomes-accredited-living-wage-employer"
URL_COUNCIL_FAIR_WORK = "https://www.clacks.gov.uk/council/fairworkfirst/"
URL_NOLB = "https://www.gov.scot/publications/no-one-left-behind-employability-strategic-plan-2024-2027/"
URL_FWP_SUMMARY = (
    "https://www.gov.scot/publications/evaluation-family-wellbeing-partnership-clackmannanshire-summary-report/"
)
URL_FWP_FULL = "https://www.gov.scot/publications/evaluation-family-wellbeing-partnership-clackmannanshire/"
URL_PESF = "https://www.employabilityinscotland.com/employability-services/parental-employability-support-fund/"
URL_CITY_DEAL = "https://www.stirclacksdeal.com/about/"
URL_CITY_DEAL_COUNCIL = "https://www.clacks.gov.uk/citydeal/"
URL_SCP_EVALUATION = "https://www.gov.scot/publications/interim-evaluation-scottish-child-payment/"
URL_FAIR_WORK_FIRST = "https://www.gov.scot/publications/fair-work-first-guidance-3/"
URL_YPG = "https://www.gov.scot/publications/young-persons-guarantee-update-report-march-2023/"
URL_WARMER_HOMES = "https://www.homeenergyscotland.org/find-funding-grants-and-loans/warmer-homes-scotland"
URL_HEAT_IN_BUILDINGS = (
    "https://www.gov.scot/publications/heat-buildings-strategy-achieving-net-zero-emissions-scotlands-buildings/"
)
URL_CWB_ACT = "https://www.legislation.gov.uk/asp/2026/7/notes"
URL_CHILD_POVERTY_PLAN = (
    "https://www.gov.scot/publications/best-start-bright-futures-tackling-child-poverty-delivery-plan-2022-26/"
)
URL_LEIP = "https://www.scottishfuturestrust.org.uk/page/new-education-infrastructure-programme"

_LOCAL: list[DemoIntervention] = [
    DemoIntervention(
        title="Community Wealth Building action plan: progressive procurement",
        kind=Kind.POLICY,
        level=Level.LOCAL,
        status=Status.ACTIVE,
        lead=COUNCIL,
        partners=(NHS, COLLEGE, TSI),
        owner="demo-admin",
        start=-1800,
        budget_gbp=85_000,
        funding_source="Clackmannanshire Council revenue budget",
        cwb_pillars=("spending",),
        description=(
            "Raises the share of council spend going to Clackmannanshire suppliers by lotting contracts and "
            "opening quotes to local SMEs and social enterprises, as set out in the council's 2020 CWB action plan."
        ),
        evidence_links=(URL_CLES_CLACKS, URL_CWB_PROGRESS),
        contributions=(
            _c(
                ECONOMIC,
                Strength.PRIMARY,
                Effectiveness.MODERATE,
                Basis.MONITORED,
                90,
                "A 4% rise in council procurement conducted in Clackmannanshire was reported in 2024; "
                "the rating is illustrative.",
            ),
            _c(
                POVERTY,
                Strength.ENABLING,
                Effectiveness.UNKNOWN,
                Basis.EXPECTED,
                90,
                "Indirect: local spend should support local jobs; no household-level evidence.",
            ),
        ),
    ),
    DemoIntervention(
        title="Community benefits wish list",
        kind=Kind.PRACTICE,
        level=Level.LOCAL,
        status=Status.ACTIVE,
        lead=COUNCIL,
        partners=(TSI,),
        start=-1300,
        cwb_pillars=("spending",),
        description=(
            "Community groups post what they need on a shared wish list, and contractors on council and City "
            "Region Deal contracts choose items to deliver as their community benefit commitments."
        ),
        evidence_links=(URL_CWB_CONSULTATION,),
        contributions=(
            _c(
                ECONOMIC,
                Strength.SECONDARY,
                Effectiveness.MODERATE,
                Basis.MONITORED,
                150,
                "Work placements and apprenticeships delivered as community benefits on recent capital "
                "contracts (illustrative figures).",
            ),
            _c(
                YOUNG_PEOPLE,
                Strength.ENABLING,
                Effectiveness.MODERATE,
                Basis.ANECDOTAL,
                500,
                "Schools report contractor-funded STEM visits and equipment; not recorded systematically.",
            ),
        ),
    ),
    DemoIntervention(
        title="Clackmannanshire Good Employment Charter",
        kind=Kind.POLICY,
        level=Level.LOCAL,
        status=Status.ACTIVE,
        lead=COUNCIL,
        partners=(NHS, COLLEGE, OCHIL_VIEW, EMPLOYER_ENGINEERING, EMPLOYER_CARE),
        owner="demo-lead",
        start=-540,
        budget_gbp=25_000,
        funding_source="Clackmannanshire Council CWB budget",
        cwb_pillars=("workforce",),
        description=(
            "A local charter asking employers to commit to the real Living Wage, secure contracts, flexible and "
            "family-friendly working and action on the gender pay gap. Signatories and commitments here are "
            "illustrative."
        ),
        evidence_links=(URL_WELLBEING_PILOT,),
        contributions=(
            _c(
                FAIR_WORK,
                Strength.PRIMARY,
                Effectiveness.UNKNOWN,
                Basis.EXPECTED,
                60,
                "Too early to judge: signatories recorded, but no baseline survey of their workforces yet.",
                by="demo-lead",
            ),
            _c(
                ECONOMIC,
                Strength.ENABLING,
                Effectiveness.UNKNOWN,
                Basis.EXPECTED,
                60,
                "Better job quality is expected to help recruitment and retention; untested.",
                by="demo-lead",
            ),
        ),
    ),
    DemoIntervention(
        title="Real Living Wage accreditation drive",
        kind=Kind.PROGRAMME,
        level=Level.LOCAL,
        status=Status.ACTIVE,
        lead=COUNCIL,
        partners=(LIVING_WAGE_SCOTLAND, TSI),
        start=-1460,
        end=540,
        budget_gbp=30_000,
        funding_source="Clackmannanshire Council CWB budget",
        cwb_pillars=("workforce",),
        description=(
            "Helps local employers through real Living Wage accreditation, building on the council's own "
            "accreditation in November 2021."
        ),
        evidence_links=(URL_LIVING_WAGE, URL_COUNCIL_FAIR_WORK),
        contributions=(
            _c(
                FAIR_WORK,
                Strength.PRIMARY,
                Effectiveness.STRONG,
                Basis.MONITORED,
                120,
                "Accredited Living Wage employers in the county rising each year (illustrative count).",
            ),
            _c(
                POVERTY,
                Strength.SECONDARY,
                Effectiveness.MODERATE,
                Basis.MONITORED,
                120,
                "Pay uplift for low-paid workers, many of them women in care and hospitality (illustrative).",
            ),
        ),
    ),
    DemoIntervention(
        title="No One Left Behind: Clackmannanshire employability service",
        kind=Kind.SERVICE,
        level=Level.LOCAL,
        status=Status.ACTIVE,
        lead=COUNCIL,
        partners=(SDS, COLLEGE, TSI),
        start=-1300,
        end=120,
        budget_gbp=980_000,
        funding_source="Scottish Government No One Left Behind grant via the Local Employability Partnership",
        cwb_pillars=("workforce",),
        description=(
            "All-age key-worker support for people furthest from work, commissioned by the Local Employability "
            "Partnership. This year's grant ends with the financial year."
        ),
        evidence_links=(URL_NOLB,),
        contributions=(
            _c(
                ECONOMIC,
                Strength.PRIMARY,
                Effectiveness.STRONG,
                Basis.MONITORED,
                45,
                "Job entries and six-month sustainment above target in the last two quarterly returns (illustrative).",
            ),
            _c(
                YOUNG_PEOPLE,
                Strength.SECONDARY,
                Effectiveness.MODERATE,
                Basis.MONITORED,
                45,
                "About a third of participants are 16–24; progression to college or work tracked (illustrative).",
            ),
            _c(
                POVERTY,
                Strength.SECONDARY,
                Effectiveness.MODERATE,
                Basis.MONITORED,
                45,
                "Most participants live in the most deprived data zones (illustrative).",
            ),
        ),
    ),
    DemoIntervention(
        title="Clackmannanshire Family Wellbeing Partnership",
        kind=Kind.PROGRAMME,
        level=Level.LOCAL,
        status=Status.COMPLETED,
        lead=COUNCIL,
        partners=(TSI, NHS, HSCP),
        owner="demo-admin",
        start=-2100,
        end=-420,
        funding_source="Scottish Government and The Hunter Foundation",
        description=(
            "Whole-family, person-centred support across four workstreams (Enhancing Employability, CATS, a "
            "childcare workstream and STRIVE crisis prevention), independently evaluated for the Scottish "
            "Government."
        ),
        evidence_links=(URL_FWP_SUMMARY, URL_FWP_FULL),
        contributions=(
            _c(
                POVERTY,
                Strength.PRIMARY,
                Effectiveness.MODERATE,
                Basis.EVALUATED,
                480,
                "Evaluation found better family wellbeing and more engagement with work and learning, but "
                "little long-term quantified data.",
                by="demo-analyst",
            ),
            _c(
                HEALTH,
                Strength.ENABLING,
                Effectiveness.MODERATE,
                Basis.EVALUATED,
                480,
                "Families reported better mental health and wellbeing; health was not a measured outcome.",
                by="demo-analyst",
            ),
        ),
    ),
    DemoIntervention(
        title="Parental employability support for low-income families",
        kind=Kind.SERVICE,
        level=Level.LOCAL,
        status=Status.ACTIVE,
        lead=COUNCIL,
        partners=(COLLEGE, TSI),
        start=-900,
        end=150,
        budget_gbp=320_000,
        funding_source="Scottish Government Parental Employability Support Fund",
        cwb_pillars=("workforce",),
        description=(
            "Key-worker support for lone parents, young parents and larger families to gain skills, increase "
            "their hours or change jobs, linked to funded childcare."
        ),
        evidence_links=(URL_PESF,),
        contributions=(
            _c(
                POVERTY,
                Strength.PRIMARY,
                Effectiveness.MODERATE,
                Basis.MONITORED,
                75,
                "Parents moving into work or increasing hours; income change self-reported at exit (illustrative).",
            ),
            _c(
                FAIR_WORK,
                Strength.SECONDARY,
                Effectiveness.MODERATE,
                Basis.MONITORED,
                75,
                "Most participants are mothers; flexible roles brokered with local employers (illustrative).",
            ),
        ),
    ),
    DemoIntervention(
        title="School clothing grant uplift",
        kind=Kind.POLICY,
        level=Level.LOCAL,
        status=Status.ACTIVE,
        lead=COUNCIL,
        owner="demo-admin",
        start=-800,
        budget_gbp=210_000,
        funding_source="Clackmannanshire Council revenue budget",
        description=(
            "Tops up the national minimum school clothing grant and pays it automatically where the council "
            "already holds the family's details (illustrative local policy)."
        ),
        contributions=(
            _c(
                POVERTY,
                Strength.SECONDARY,
                Effectiveness.MODERATE,
                Basis.MONITORED,
                200,
                "Take-up rose after automatic payment was introduced (illustrative).",
            ),
            _c(
                YOUNG_PEOPLE,
                Strength.ENABLING,
                Effectiveness.UNKNOWN,
                Basis.ANECDOTAL,
                200,
                "Schools report fewer uniform-related absences; anecdotal.",
            ),
        ),
    ),
    DemoIntervention(
        title="Income maximisation advice in GP practices",
        kind=Kind.SERVICE,
        level=Level.LOCAL,
        status=Status.ACTIVE,
        lead=HSCP,
        partners=(NHS, COUNCIL),
        start=-1000,
        end=600,
        budget_gbp=140_000,
        funding_source="Clackmannanshire and Stirling HSCP with the council's welfare rights team",
        description=(
            "Welfare rights advisers based in GP practices help patients claim what they are entitled to, "
            "including Scottish Child Payment and disability benefits."
        ),
        contributions=(
            _c(
                POVERTY,
                Strength.PRIMARY,
                Effectiveness.STRONG,
                Basis.MONITORED,
                100,
                "Financial gains for patients recorded case by case, well above the service's cost (illustrative).",
            ),
            _c(
                HEALTH,
                Strength.ENABLING,
                Effectiveness.UNKNOWN,
                Basis.EXPECTED,
                100,
                "Expected to ease money-related stress; no health outcome data collected.",
            ),
        ),
    ),
    DemoIntervention(
        title="Council housing retrofit and zero emissions heat",
        kind=Kind.PROJECT,
        level=Level.LOCAL,
        status=Status.ACTIVE,
        lead=COUNCIL,
        partners=(COLLEGE,),
        start=-600,
        end=900,
        budget_gbp=4_200_000,
        funding_source="Housing Revenue Account capital and Scottish Government Social Housing Net Zero Heat Fund",
        cwb_pillars=("land", "workforce"),
        description=(
            "Insulation, heat pumps and solar panels for council homes, with apprenticeships for local trades "
            "written into the contracts."
        ),
        contributions=(
            _c(
                CLIMATE,
                Strength.PRIMARY,
                Effectiveness.MODERATE,
                Basis.MONITORED,
                130,
                "Emissions savings estimated from before-and-after energy performance certificates (illustrative).",
            ),
            _c(
                POVERTY,
                Strength.SECONDARY,
                Effectiveness.MODERATE,
                Basis.MONITORED,
                130,
                "Tenants in surveyed homes report lower heating costs (illustrative).",
            ),
        ),
    ),
    DemoIntervention(
        title="Area-based insulation scheme for private homes",
        kind=Kind.PROGRAMME,
        level=Level.LOCAL,
        status=Status.ACTIVE,
        lead=COUNCIL,
        start=-300,
        end=140,
        budget_gbp=1_300_000,
        funding_source="Scottish Government area-based energy efficiency grant (annual)",
        description=(
            "External wall and loft insulation for owner-occupied and privately rented homes in streets with high "
            "fuel poverty; the grant is awarded one year at a time."
        ),
        contributions=(
            _c(
                CLIMATE,
                Strength.PRIMARY,
                Effectiveness.MODERATE,
                Basis.MONITORED,
                20,
                "Measures installed per home recorded; carbon savings modelled (illustrative).",
            ),
            _c(
                POVERTY,
                Strength.SECONDARY,
                Effectiveness.MODERATE,
                Basis.EXPECTED,
                20,
                "Bill savings modelled, not measured.",
            ),
        ),
    ),
    DemoIntervention(
        title="Community asset transfer programme",
        kind=Kind.PROGRAMME,
        level=Level.LOCAL,
        status=Status.PAUSED,
        lead=COUNCIL,
        partners=(TSI, DTAS),
        owner="demo-admin",
        start=-1400,
        budget_gbp=50_000,
        funding_source="Clackmannanshire Council revenue budget",
        cwb_pillars=("land", "ownership"),
        description=(
            "Helps community groups take on council land and buildings under the Community Empowerment "
            "(Scotland) Act 2015. Paused while the council's asset review and a staff vacancy are resolved "
            "(illustrative)."
        ),
        contributions=(
            _c(
                PLACE,
                Strength.PRIMARY,
                Effectiveness.MODERATE,
                Basis.MONITORED,
                430,
                "Three transfers completed before the pause (illustrative); the pipeline has stalled.",
            ),
            _c(
                ECONOMIC,
                Strength.ENABLING,
                Effectiveness.LIMITED,
                Basis.ANECDOTAL,
                430,
                "One transferred building now houses a social enterprise café (illustrative).",
            ),
        ),
    ),
    DemoIntervention(
        title="Alloa town centre regeneration",
        kind=Kind.PROJECT,
        level=Level.LOCAL,
        status=Status.COMPLETED,
        lead=COUNCIL,
        start=-1300,
        end=-210,
        budget_gbp=1_450_000,
        funding_source="Scottish Government Place Based Investment Programme and council capital",
        cwb_pillars=("land",),
        description="Street improvements and the re-use of empty town-centre units in Alloa (illustrative scope).",
        contributions=(
            _c(
                PLACE,
                Strength.PRIMARY,
                Effectiveness.MODERATE,
                Basis.EVALUATED,
                200,
                "Post-completion review: footfall up and fewer empty units on the improved streets (illustrative).",
                by="demo-analyst",
            ),
            _c(
                ECONOMIC,
                Strength.SECONDARY,
                Effectiveness.LIMITED,
                Basis.MONITORED,
                200,
                "Few new businesses have opened in the refurbished units so far (illustrative).",
                by="demo-analyst",
            ),
        ),
    ),
    DemoIntervention(
        title="Vacant and derelict land reuse plan",
        kind=Kind.POLICY,
        level=Level.LOCAL,
        status=Status.PLANNED,
        lead=COUNCIL,
        partners=(TSI,),
        owner="demo-admin",
        start=60,
        end=1500,
        funding_source="To be confirmed: bid to the Scottish Government Vacant and Derelict Land Investment Programme",
        cwb_pillars=("land",),
        description=(
            "A plan to bring long-term vacant and derelict sites into community, housing or green-space use, "
            "starting with sites near the most deprived communities."
        ),
        contributions=(
            _c(
                PLACE,
                Strength.PRIMARY,
                Effectiveness.UNKNOWN,
                Basis.EXPECTED,
                30,
                "Not started; expected to be the main new lever for this outcome.",
            ),
            _c(
                CLIMATE,
                Strength.ENABLING,
                Effectiveness.UNKNOWN,
                Basis.EXPECTED,
                30,
                "Greening sites could add carbon storage and flood resilience.",
            ),
        ),
    ),
    DemoIntervention(
        title="Credit union growth partnership",
        kind=Kind.PROGRAMME,
        level=Level.LOCAL,
        status=Status.ACTIVE,
        lead=CREDIT_UNION,
        partners=(COUNCIL, NHS),
        owner="demo-lead",
        start=-1000,
        budget_gbp=40_000,
        funding_source="Clackmannanshire Council CWB budget",
        cwb_pillars=("finance",),
        description=(
            "Payroll saving through anchor employers and affordable loans as an alternative to high-cost credit, "
            "growing the credit union as a local financial anchor (a CWB action plan recommendation)."
        ),
        contributions=(
            _c(
                POVERTY,
                Strength.SECONDARY,
                Effectiveness.LIMITED,
                Basis.MONITORED,
                250,
                "Membership growing slowly; lending is small relative to need (illustrative).",
                by="demo-lead",
            ),
            _c(
                ECONOMIC,
                Strength.ENABLING,
                Effectiveness.UNKNOWN,
                Basis.EXPECTED,
                250,
                "More savings kept and lent locally.",
                by="demo-lead",
            ),
        ),
    ),
    DemoIntervention(
        title="Social enterprise and co-operative development",
        kind=Kind.PROGRAMME,
        level=Level.LOCAL,
        status=Status.ACTIVE,
        lead=TSI,
        partners=(COUNCIL,),
        start=-700,
        end=300,
        budget_gbp=75_000,
        funding_source="Clackmannanshire Council CWB budget and third sector grants",
        cwb_pillars=("ownership",),
        description=(
            "Start-up and growth support for social enterprises and co-operatives, and succession advice for "
            "owners considering employee ownership."
        ),
        contributions=(
            _c(
                ECONOMIC,
                Strength.SECONDARY,
                Effectiveness.UNKNOWN,
                Basis.ANECDOTAL,
                160,
                "Good feedback from groups supported; no outcome data yet.",
            ),
            _c(
                FAIR_WORK,
                Strength.ENABLING,
                Effectiveness.UNKNOWN,
                Basis.ANECDOTAL,
                160,
                "Employee ownership discussions under way with two local firms (illustrative).",
            ),
        ),
    ),
    DemoIntervention(
        title="Women into enterprise",
        kind=Kind.PROGRAMME,
        level=Level.LOCAL,
        status=Status.ACTIVE,
        lead=COUNCIL,
        partners=(COLLEGE, SCOTTISH_ENTERPRISE),
        start=-800,
        end=200,
        budget_gbp=55_000,
        funding_source="Clackmannanshire Council economic development budget",
        cwb_pillars=("ownership",),
        description=(
            "Business start-up support designed around women's needs, with childcare-friendly sessions, peer "
            "mentoring and small grants (a CWB action plan recommendation)."
        ),
        contributions=(
            _c(
                FAIR_WORK,
                Strength.PRIMARY,
                Effectiveness.LIMITED,
                Basis.MONITORED,
                140,
                "Starts above target, but few businesses yet trading beyond sole-trader level (illustrative).",
            ),
            _c(
                ECONOMIC,
                Strength.SECONDARY,
                Effectiveness.MODERATE,
                Basis.MONITORED,
                140,
                "New business starts recorded (illustrative).",
            ),
        ),
    ),
    DemoIntervention(
        title="Developing the Young Workforce in Clackmannanshire schools",
        kind=Kind.PROGRAMME,
        level=Level.LOCAL,
        status=Status.ACTIVE,
        lead=COUNCIL,
        partners=(COLLEGE, SDS),
        start=-1600,
        budget_gbp=180_000,
        funding_source="Scottish Government Developing the Young Workforce funding",
        cwb_pillars=("workforce",),
        description=(
            "School coordinators connect pupils with employers for work experience, foundation apprenticeships "
            "and career insight."
        ),
        contributions=(
            _c(
                YOUNG_PEOPLE,
                Strength.PRIMARY,
                Effectiveness.MODERATE,
                Basis.MONITORED,
                110,
                "School leavers' positive destinations tracked; employer engagement up (illustrative).",
            ),
            _c(
                ECONOMIC,
                Strength.ENABLING,
                Effectiveness.UNKNOWN,
                Basis.EXPECTED,
                110,
                "Expected to ease local skills shortages over time.",
            ),
        ),
    ),
    DemoIntervention(
        title="Modern Apprenticeships in council services",
        kind=Kind.PROGRAMME,
        level=Level.LOCAL,
        status=Status.ACTIVE,
        lead=COUNCIL,
        partners=(COLLEGE, SDS),
        owner="demo-admin",
        start=-1200,
        budget_gbp=420_000,
        funding_source="Council workforce budget with Skills Development Scotland apprenticeship contributions",
        cwb_pillars=("workforce",),
        description=(
            "Paid apprenticeships across council services, ring-fenced for local 16–24 year olds and "
            "care-experienced young people."
        ),
        contributions=(
            _c(
                YOUNG_PEOPLE,
                Strength.PRIMARY,
                Effectiveness.STRONG,
                Basis.MONITORED,
                60,
                "Most apprentices complete and move into council or other jobs (illustrative).",
            ),
            _c(
                FAIR_WORK,
                Strength.SECONDARY,
                Effectiveness.MODERATE,
                Basis.MONITORED,
                60,
                "Paid at the real Living Wage from the first day.",
            ),
        ),
    ),
    DemoIntervention(
        title="Flexible wraparound childcare pilot",
        kind=Kind.PROJECT,
        level=Level.LOCAL,
        status=Status.ACTIVE,
        lead=COUNCIL,
        partners=(TSI,),
        start=-500,
        end=60,
        budget_gbp=260_000,
        funding_source="Scottish Government child poverty funding (pilot)",
        description=(
            "Before- and after-school and holiday childcare for low-income working parents in two communities, "
            "building on the Family Wellbeing Partnership's childcare work. Pilot funding ends soon."
        ),
        contributions=(
            _c(
                FAIR_WORK,
                Strength.PRIMARY,
                Effectiveness.MODERATE,
                Basis.MONITORED,
                80,
                "Parents using the pilot report being able to take on more hours (illustrative).",
            ),
            _c(
                POVERTY,
                Strength.SECONDARY,
                Effectiveness.MODERATE,
                Basis.MONITORED,
                80,
                "Places prioritised for low-income families; fees capped (illustrative).",
            ),
        ),
    ),
    DemoIntervention(
        title="Council gender pay gap action plan",
        kind=Kind.PRACTICE,
        level=Level.LOCAL,
        status=Status.ACTIVE,
        lead=COUNCIL,
        owner="demo-admin",
        start=-900,
        cwb_pillars=("workforce",),
        description=(
            "Job evaluation review, flexible working by default and a progression programme for women inside "
            "the council, the county's largest employer."
        ),
        evidence_links=(URL_COUNCIL_FAIR_WORK,),
        contributions=(
            _c(
                FAIR_WORK,
                Strength.PRIMARY,
                Effectiveness.MODERATE,
                Basis.MONITORED,
                400,
                "The council's gender pay gap narrowed in its last published figures (illustrative); "
                "not reassessed since.",
            ),
        ),
    ),
    DemoIntervention(
        title="Community link workers and social prescribing",
        kind=Kind.SERVICE,
        level=Level.LOCAL,
        status=Status.ACTIVE,
        lead=HSCP,
        partners=(TSI, NHS),
        start=-1100,
        end=400,
        budget_gbp=190_000,
        funding_source="Scottish Government Primary Care Improvement Fund via the HSCP",
        description=(
            "Link workers in GP practices connect patients with community groups, physical activity and money "
            "advice for the non-medical causes of ill health."
        ),
        contributions=(
            _c(
                HEALTH,
                Strength.PRIMARY,
                Effectiveness.UNKNOWN,
                Basis.ANECDOTAL,
                90,
                "Positive patient stories, but no local outcome measure yet.",
            ),
            _c(
                POVERTY,
                Strength.ENABLING,
                Effectiveness.UNKNOWN,
                Basis.ANECDOTAL,
                90,
                "Refers patients to money advice.",
            ),
        ),
    ),
    DemoIntervention(
        title="Community mental health and wellbeing supports for children and young people",
        kind=Kind.SERVICE,
        level=Level.LOCAL,
        status=Status.ACTIVE,
        lead=COUNCIL,
        partners=(TSI, NHS),
        start=-1400,
        end=170,
        budget_gbp=150_000,
        funding_source="Scottish Government community mental health supports funding for children and young people",
        description=(
            "Early, non-clinical support for 5–24 year olds: counselling in schools, youth work and peer support."
        ),
        contributions=(
            _c(
                HEALTH,
                Strength.PRIMARY,
                Effectiveness.UNKNOWN,
                Basis.MONITORED,
                500,
                "Activity is recorded, but wellbeing outcomes are not measured consistently.",
            ),
            _c(
                YOUNG_PEOPLE,
                Strength.SECONDARY,
                Effectiveness.MODERATE,
                Basis.MONITORED,
                200,
                "Young people report feeling more confident after support (illustrative).",
            ),
        ),
    ),
    DemoIntervention(
        title="Green skills courses at Forth Valley College, Alloa",
        kind=Kind.PROGRAMME,
        level=Level.LOCAL,
        status=Status.ACTIVE,
        lead=COLLEGE,
        partners=(COUNCIL, SDS),
        owner="demo-lead",
        start=-650,
        end=700,
        budget_gbp=240_000,
        funding_source="College funds (illustrative)",
        cwb_pillars=("workforce",),
        description=(
            "Short courses and upskilling in heat pump installation, retrofit and electric vehicle maintenance, "
            "linked to local retrofit contracts."
        ),
        contributions=(
            _c(
                ECONOMIC,
                Strength.PRIMARY,
                Effectiveness.MODERATE,
                Basis.MONITORED,
                150,
                "Completion and job-entry rates tracked (illustrative).",
                by="demo-lead",
            ),
            _c(
                CLIMATE,
                Strength.SECONDARY,
                Effectiveness.MODERATE,
                Basis.EXPECTED,
                150,
                "Builds the local installer workforce that retrofit needs.",
                by="demo-lead",
            ),
            _c(
                YOUNG_PEOPLE,
                Strength.SECONDARY,
                Effectiveness.MODERATE,
                Basis.MONITORED,
                150,
                "Around half of learners are under 25 (illustrative).",
                by="demo-lead",
            ),
        ),
    ),
    DemoIntervention(
        title="Anchor institutions local recruitment pledge",
        kind=Kind.PRACTICE,
        level=Level.LOCAL,
        status=Status.PLANNED,
        lead=COUNCIL,
        partners=(NHS, COLLEGE, OCHIL_VIEW, PARAGON),
        owner="demo-lead",
        start=45,
        cwb_pillars=("workforce",),
        description=(
            "Anchor partners would advertise entry-level jobs locally first, guarantee interviews to employability "
            "participants and share vacancy data (illustrative anchor partnership proposal)."
        ),
        contributions=(
            _c(
                ECONOMIC,
                Strength.PRIMARY,
                Effectiveness.UNKNOWN,
                Basis.EXPECTED,
                20,
                "Not started.",
                by="demo-lead",
            ),
            _c(
                FAIR_WORK,
                Strength.SECONDARY,
                Effectiveness.UNKNOWN,
                Basis.EXPECTED,
                20,
                "Entry-level anchor jobs are mostly secure and paid at the real Living Wage.",
                by="demo-lead",
            ),
        ),
    ),
    DemoIntervention(
        title="New social rented homes with housing association partners",
        kind=Kind.PROJECT,
        level=Level.LOCAL,
        status=Status.ACTIVE,
        lead=COUNCIL,
        partners=(KINGDOM, OCHIL_VIEW, PARAGON),
        start=-1000,
        end=800,
        budget_gbp=6_500_000,
        funding_source=(
            "Scottish Government Affordable Housing Supply Programme, council and housing association finance"
        ),
        cwb_pillars=("land",),
        description=(
            "New homes for social rent from the Strategic Housing Investment Plan, several on former council "
            "sites (illustrative programme)."
        ),
        contributions=(
            _c(
                POVERTY,
                Strength.SECONDARY,
                Effectiveness.MODERATE,
                Basis.MONITORED,
                170,
                "Rents well below private rents for households from the waiting list (illustrative).",
            ),
            _c(
                CLIMATE,
                Strength.ENABLING,
                Effectiveness.MODERATE,
                Basis.EXPECTED,
                170,
                "New homes built to high energy standards with heat pumps.",
            ),
        ),
    ),
]

_REGIONAL: list[DemoIntervention] = [
    DemoIntervention(
        title="Scotland's International Environment Centre (City Region Deal)",
        kind=Kind.PROJECT,
        level=Level.REGIONAL,
        status=Status.ACTIVE,
        lead=UNIVERSITY,
        partners=(COUNCIL, STIRLING_COUNCIL, COLLEGE),
        owner="demo-admin",
        start=-1700,
        end=1500,
        funding_source="Stirling and Clackmannanshire City Region Deal (UK and Scottish Governments)",
        cwb_pillars=("land",),
        description=(
            "A University of Stirling-led centre in Alloa for environmental research, innovation and business "
            "growth, funded through the City Region Deal."
        ),
        evidence_links=(URL_CITY_DEAL, URL_CITY_DEAL_COUNCIL),
        contributions=(
            _c(
                CLIMATE,
                Strength.PRIMARY,
                Effectiveness.UNKNOWN,
                Basis.EXPECTED,
                250,
                "Benefits expected as phases complete; nothing measurable yet.",
            ),
            _c(
                ECONOMIC,
                Strength.SECONDARY,
                Effectiveness.UNKNOWN,
                Basis.EXPECTED,
                250,
                "Jobs and investment projected in the business case, not yet realised.",
            ),
        ),
    ),
    DemoIntervention(
        title="City Region Deal skills and inclusion programme",
        kind=Kind.PROGRAMME,
        level=Level.REGIONAL,
        status=Status.ACTIVE,
        lead=COUNCIL,
        partners=(STIRLING_COUNCIL, COLLEGE, UNIVERSITY, SDS),
        start=-1400,
        end=1200,
        budget_gbp=900_000,
        funding_source="Stirling and Clackmannanshire City Region Deal",
        cwb_pillars=("workforce",),
        description=(
            "Skills and inclusion activity under the Deal's Skills and Inclusion theme, helping residents of both "
            "council areas into the jobs the Deal's investments create (illustrative scope and budget share)."
        ),
        evidence_links=(URL_CITY_DEAL,),
        contributions=(
            _c(
                ECONOMIC,
                Strength.PRIMARY,
                Effectiveness.MODERATE,
                Basis.MONITORED,
                300,
                "Training starts and job outcomes reported to the Deal's programme office (illustrative).",
            ),
            _c(
                YOUNG_PEOPLE,
                Strength.SECONDARY,
                Effectiveness.LIMITED,
                Basis.MONITORED,
                300,
                "Few under-25s reached so far (illustrative).",
            ),
        ),
    ),
    DemoIntervention(
        title="City Region Deal lone parent skills and employment pathway",
        kind=Kind.PROGRAMME,
        level=Level.REGIONAL,
        status=Status.ACTIVE,
        lead=COUNCIL,
        partners=(STIRLING_COUNCIL, COLLEGE, TSI),
        start=-1000,
        end=90,
        budget_gbp=450_000,
        funding_source="Stirling and Clackmannanshire City Region Deal",
        cwb_pillars=("workforce",),
        description=(
            "Training, childcare and employer placements for lone parents in Clackmannanshire and Stirling. The "
            "current phase ends soon and a decision on continuing it is due."
        ),
        evidence_links=(URL_CITY_DEAL_COUNCIL,),
        contributions=(
            _c(
                FAIR_WORK,
                Strength.PRIMARY,
                Effectiveness.STRONG,
                Basis.EVALUATED,
                150,
                "Interim evaluation: most completers in work six months on, mostly at the real Living Wage "
                "(illustrative).",
                by="demo-analyst",
            ),
            _c(
                POVERTY,
                Strength.SECONDARY,
                Effectiveness.MODERATE,
                Basis.EVALUATED,
                150,
                "Lone-parent households are a priority group for child poverty.",
                by="demo-analyst",
            ),
        ),
    ),
    DemoIntervention(
        title="City Region Deal digital hub, Alloa",
        kind=Kind.PROJECT,
        level=Level.REGIONAL,
        status=Status.PAUSED,
        lead=COUNCIL,
        partners=(UNIVERSITY, STIRLING_COUNCIL),
        owner="demo-admin",
        start=-900,
        funding_source="Stirling and Clackmannanshire City Region Deal",
        cwb_pillars=("land",),
        description=(
            "A digital business and skills hub in Alloa, paused while the business case is revised after cost "
            "increases (illustrative status)."
        ),
        contributions=(
            _c(
                ECONOMIC,
                Strength.SECONDARY,
                Effectiveness.UNKNOWN,
                Basis.EXPECTED,
                600,
                "Business case assumptions not revisited since the pause.",
            ),
            _c(
                PLACE,
                Strength.SECONDARY,
                Effectiveness.UNKNOWN,
                Basis.EXPECTED,
                600,
                "Would bring a vacant town-centre building back into use.",
            ),
        ),
    ),
    DemoIntervention(
        title="Community benefits and Fair Work First on City Region Deal contracts",
        kind=Kind.PRACTICE,
        level=Level.REGIONAL,
        status=Status.ACTIVE,
        lead=COUNCIL,
        partners=(STIRLING_COUNCIL, UNIVERSITY),
        owner="demo-lead",
        start=-1500,
        cwb_pillars=("spending", "workforce"),
        description=(
            "Deal-funded contracts and grants carry community benefit clauses and Fair Work First conditions, "
            "embedding community wealth building in Deal activity."
        ),
        evidence_links=(URL_CWB_PROGRESS,),
        contributions=(
            _c(
                FAIR_WORK,
                Strength.SECONDARY,
                Effectiveness.MODERATE,
                Basis.MONITORED,
                380,
                "Contract monitoring found Living Wage and no inappropriate zero-hours use (illustrative); "
                "due for review.",
                by="demo-lead",
            ),
            _c(
                ECONOMIC,
                Strength.SECONDARY,
                Effectiveness.MODERATE,
                Basis.MONITORED,
                380,
                "Local sub-contracting and placements recorded (illustrative).",
                by="demo-lead",
            ),
        ),
    ),
    DemoIntervention(
        title="NHS Forth Valley anchor institution programme",
        kind=Kind.PRACTICE,
        level=Level.REGIONAL,
        status=Status.ACTIVE,
        lead=NHS,
        partners=(COUNCIL, HSCP, COLLEGE),
        owner="demo-lead",
        start=-600,
        funding_source="NHS Forth Valley",
        cwb_pillars=("workforce", "spending"),
        description=(
            "The health board uses its weight as the region's largest employer and buyer: entry-level recruitment "
            "from deprived areas and more local suppliers (illustrative commitments)."
        ),
        contributions=(
            _c(
                ECONOMIC,
                Strength.SECONDARY,
                Effectiveness.LIMITED,
                Basis.MONITORED,
                210,
                "Small numbers recruited through the local route so far (illustrative).",
                by="demo-lead",
            ),
            _c(
                HEALTH,
                Strength.ENABLING,
                Effectiveness.UNKNOWN,
                Basis.EXPECTED,
                210,
                "Good work is a determinant of health; no health measure attached.",
                by="demo-lead",
            ),
        ),
    ),
]

_NATIONAL: list[DemoIntervention] = [
    DemoIntervention(
        title="Scottish Child Payment",
        kind=Kind.SERVICE,
        level=Level.NATIONAL,
        status=Status.ACTIVE,
        lead=SOCIAL_SECURITY,
        partners=(SCOTTISH_GOVERNMENT,),
        owner=None,
        start=-1750,
        funding_source="Scottish Government (devolved social security)",
        description=(
            "A regular payment for each child under 16 in low-income families receiving certain benefits, "
            "delivered by Social Security Scotland."
        ),
        evidence_links=(URL_SCP_EVALUATION,),
        contributions=(
            _c(
                POVERTY,
                Strength.PRIMARY,
                Effectiveness.STRONG,
                Basis.EVALUATED,
                100,
                "Interim evaluation: eases pressure on household finances and likely contributes to lower child "
                "poverty. Local take-up not separately assessed.",
                by="demo-analyst",
            ),
            _c(
                YOUNG_PEOPLE,
                Strength.ENABLING,
                Effectiveness.MODERATE,
                Basis.EXPECTED,
                100,
                "More spending on children's clothing, activities and school costs.",
                by="demo-analyst",
            ),
        ),
    ),
    DemoIntervention(
        title="Best Start Grant and Best Start Foods",
        kind=Kind.SERVICE,
        level=Level.NATIONAL,
        status=Status.ACTIVE,
        lead=SOCIAL_SECURITY,
        partners=(SCOTTISH_GOVERNMENT,),
        owner=None,
        start=-2500,
        funding_source="Scottish Government (devolved social security)",
        description=(
            "One-off payments at key stages of early childhood and a payment card for healthy food, for "
            "low-income families."
        ),
        contributions=(
            _c(
                POVERTY,
                Strength.SECONDARY,
                Effectiveness.MODERATE,
                Basis.MONITORED,
                390,
                "Local take-up not reviewed since the last benefit take-up report (illustrative).",
            ),
            _c(
                HEALTH,
                Strength.ENABLING,
                Effectiveness.UNKNOWN,
                Basis.EXPECTED,
                180,
                "Healthy food for young children; no local health data.",
            ),
        ),
    ),
    DemoIntervention(
        title="Fair Work First conditions on public funding",
        kind=Kind.POLICY,
        level=Level.NATIONAL,
        status=Status.ACTIVE,
        lead=SCOTTISH_GOVERNMENT,
        partners=(SCOTTISH_ENTERPRISE, SDS),
        owner=None,
        start=-2200,
        funding_source="Scottish Government",
        cwb_pillars=("workforce",),
        description=(
            "Fair work conditions on public grants, funding and contracts; paying at least the real Living Wage "
            "and providing effective workers' voice have been grant conditions since July 2023."
        ),
        evidence_links=(URL_FAIR_WORK_FIRST,),
        contributions=(
            _c(
                FAIR_WORK,
                Strength.PRIMARY,
                Effectiveness.MODERATE,
                Basis.MONITORED,
                180,
                "Applies to council, Deal and enterprise agency grants locally; compliance checks are light-touch "
                "(illustrative).",
            ),
            _c(
                ECONOMIC,
                Strength.ENABLING,
                Effectiveness.UNKNOWN,
                Basis.EXPECTED,
                180,
                "Fair work expected to support productivity; not measured locally.",
            ),
        ),
    ),
    DemoIntervention(
        title="No One Left Behind",
        kind=Kind.POLICY,
        level=Level.NATIONAL,
        status=Status.ACTIVE,
        lead=SCOTTISH_GOVERNMENT,
        partners=(SDS,),
        owner=None,
        start=-2400,
        funding_source="Scottish Government",
        cwb_pillars=("workforce",),
        description=(
            "The Scottish and local government approach to devolved employability support, funding Local "
            "Employability Partnerships to design all-age services."
        ),
        evidence_links=(URL_NOLB,),
        contributions=(
            _c(
                ECONOMIC,
                Strength.SECONDARY,
                Effectiveness.MODERATE,
                Basis.EVALUATED,
                420,
                "National evidence on the approach; the local effect is recorded against the local service.",
                by="demo-analyst",
            ),
        ),
    ),
    DemoIntervention(
        title="Young Person's Guarantee",
        kind=Kind.PROGRAMME,
        level=Level.NATIONAL,
        status=Status.ACTIVE,
        lead=SCOTTISH_GOVERNMENT,
        partners=(SDS,),
        owner=None,
        start=-2000,
        funding_source="Scottish Government",
        description=(
            "Aims to give every 16–24 year old the opportunity of a job, apprenticeship, further or higher "
            "education, training or volunteering."
        ),
        evidence_links=(URL_YPG,),
        contributions=(
            _c(
                YOUNG_PEOPLE,
                Strength.PRIMARY,
                Effectiveness.MODERATE,
                Basis.MONITORED,
                210,
                "Participation of 16–19 year olds in the county tracked annually (illustrative).",
            ),
        ),
    ),
    DemoIntervention(
        title="Warmer Homes Scotland",
        kind=Kind.PROGRAMME,
        level=Level.NATIONAL,
        status=Status.ACTIVE,
        lead=SCOTTISH_GOVERNMENT,
        partners=(WARMWORKS,),
        owner=None,
        start=-3700,
        funding_source="Scottish Government",
        description=(
            "The Scottish Government's fuel poverty scheme: insulation and heating improvements for eligible "
            "households, delivered by Warmworks and reached through Home Energy Scotland."
        ),
        evidence_links=(URL_WARMER_HOMES,),
        contributions=(
            _c(
                CLIMATE,
                Strength.SECONDARY,
                Effectiveness.MODERATE,
                Basis.MONITORED,
                270,
                "Installations in the county counted from scheme returns (illustrative).",
            ),
            _c(
                POVERTY,
                Strength.SECONDARY,
                Effectiveness.MODERATE,
                Basis.MONITORED,
                270,
                "Targets households struggling to heat their homes.",
            ),
        ),
    ),
    DemoIntervention(
        title="Heat in Buildings Strategy",
        kind=Kind.POLICY,
        level=Level.NATIONAL,
        status=Status.ACTIVE,
        lead=SCOTTISH_GOVERNMENT,
        owner=None,
        start=-1500,
        funding_source="Scottish Government",
        description=(
            "Sets the pathway to zero emissions heating in Scotland's homes and buildings by 2045, with funding "
            "for heat and energy efficiency and a commitment to tackle fuel poverty."
        ),
        evidence_links=(URL_HEAT_IN_BUILDINGS,),
        contributions=(
            _c(
                CLIMATE,
                Strength.PRIMARY,
                Effectiveness.UNKNOWN,
                Basis.EXPECTED,
                300,
                "Sets the national direction; the local effect depends on the delivery programmes recorded separately.",
            ),
        ),
    ),
    DemoIntervention(
        title="Community Wealth Building (Scotland) Act 2026: action plan duty",
        kind=Kind.POLICY,
        level=Level.NATIONAL,
        status=Status.PLANNED,
        lead=SCOTTISH_GOVERNMENT,
        owner=None,
        start=180,
        funding_source="Scottish Government",
        cwb_pillars=("spending", "workforce", "land", "ownership", "finance"),
        description=(
            "Requires each council, with named public bodies, to prepare, publish and report on a community "
            "wealth building action plan once the provisions are commenced by regulations."
        ),
        evidence_links=(URL_CWB_ACT,),
        contributions=(
            _c(
                ECONOMIC,
                Strength.ENABLING,
                Effectiveness.UNKNOWN,
                Basis.EXPECTED,
                40,
                "Puts the existing local CWB action plan on a statutory footing once commenced.",
            ),
            _c(
                PLACE,
                Strength.ENABLING,
                Effectiveness.UNKNOWN,
                Basis.EXPECTED,
                40,
                "The land and property pillar is expected to support community ownership.",
            ),
        ),
    ),
    DemoIntervention(
        title="Best Start, Bright Futures: tackling child poverty delivery plan 2022 to 2026",
        kind=Kind.POLICY,
        level=Level.NATIONAL,
        status=Status.ACTIVE,
        lead=SCOTTISH_GOVERNMENT,
        owner=None,
        start=-1650,
        end=130,
        funding_source="Scottish Government",
        description=(
            "The second national delivery plan under the Child Poverty (Scotland) Act 2017: more income from work "
            "and social security and lower living costs, focused on six priority family types."
        ),
        evidence_links=(URL_CHILD_POVERTY_PLAN,),
        contributions=(
            _c(
                POVERTY,
                Strength.PRIMARY,
                Effectiveness.MODERATE,
                Basis.MONITORED,
                220,
                "Shapes the annual local child poverty action report; the plan period ends soon and its "
                "successor is awaited.",
                by="demo-analyst",
            ),
            _c(
                FAIR_WORK,
                Strength.ENABLING,
                Effectiveness.MODERATE,
                Basis.MONITORED,
                220,
                "Parental employability funding reaches mainly mothers.",
                by="demo-analyst",
            ),
        ),
    ),
    DemoIntervention(
        title="Learning Estate Investment Programme",
        kind=Kind.PROGRAMME,
        level=Level.NATIONAL,
        status=Status.ACTIVE,
        lead=SCOTTISH_GOVERNMENT,
        partners=(SFT,),
        owner=None,
        start=-2200,
        end=1000,
        funding_source="Scottish Government and local government",
        description=(
            "Jointly funded by Scottish and local government and managed with the Scottish Futures Trust to "
            "replace or refurbish schools in poor condition with low-carbon, digitally connected buildings."
        ),
        evidence_links=(URL_LEIP,),
        contributions=(
            _c(
                YOUNG_PEOPLE,
                Strength.ENABLING,
                Effectiveness.UNKNOWN,
                Basis.EXPECTED,
                340,
                "Better learning environments; no local project in the current phase (illustrative).",
            ),
            _c(
                CLIMATE,
                Strength.ENABLING,
                Effectiveness.MODERATE,
                Basis.EXPECTED,
                340,
                "Funding is tied to energy-efficiency outcomes for the buildings.",
            ),
        ),
    ),
    DemoIntervention(
        title="Fair Start Scotland employment service",
        kind=Kind.SERVICE,
        level=Level.NATIONAL,
        status=Status.COMPLETED,
        lead=SCOTTISH_GOVERNMENT,
        owner=None,
        start=-2800,
        end=-600,
        funding_source="Scottish Government",
        description=(
            "The first devolved employment service, from April 2018, delivered by contracted providers; its "
            "place has been taken by No One Left Behind."
        ),
        contributions=(
            _c(
                ECONOMIC,
                Strength.SECONDARY,
                Effectiveness.MODERATE,
                Basis.EVALUATED,
                700,
                "National evaluations found moderate job outcomes; not reassessed locally since the service closed.",
                by="demo-analyst",
            ),
        ),
    ),
]

DEMO_INTERVENTIONS: list[DemoIntervention] = _LOCAL + _REGIONAL + _NATIONAL


# --- Seeding ----------------------------------------------------------------------------------------


def _assessment_age(days: int) -> int:
    """Ages are written for a 365-day threshold; keep the same fresh/stale mix under any setting."""
    return round(days * settings.ASSESSMENT_STALE_AFTER_DAYS / _AGES_WRITTEN_FOR_DAYS)


def _offset(today: date, days: int | None) -> date | None:
    return None if days is None else today + timedelta(days=days)


def _assign(instance, values: dict) -> bool:
    """Set `values` on `instance`; True when anything differs from what it holds."""
    changed = False
    for name, value in values.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed = True
    return changed


def _save_with_history(instance) -> None:
    instance.full_clean()
    instance._change_reason = CHANGE_REASON
    instance.save()


def _set_if_changed(manager, objects) -> None:
    """Set a many-to-many relation only when it differs, so history records only real changes."""
    if set(manager.values_list("pk", flat=True)) != {obj.pk for obj in objects}:
        manager.set(objects)


def _check_spec(outcomes: dict[str, WellbeingOutcome], pillars: dict[str, CwbPillar]) -> None:
    names = {organisation.name: organisation for organisation in DEMO_ORGANISATIONS}
    problems = []
    wanted_outcomes = {c.outcome for spec in DEMO_INTERVENTIONS for c in spec.contributions}
    if missing := sorted(wanted_outcomes - outcomes.keys()):
        problems.append(f"the demo place has no outcomes titled {', '.join(missing)} (run demo_place_seed first)")
    wanted_pillars = {code for spec in DEMO_INTERVENTIONS for code in spec.cwb_pillars}
    if missing := sorted(wanted_pillars - pillars.keys()):
        problems.append(f"CWB pillars {', '.join(missing)} are not loaded (run load_reference first)")
    for spec in DEMO_INTERVENTIONS:
        for name in (spec.lead, *spec.partners):
            if name not in names:
                problems.append(f"{spec.title!r} names unknown organisation {name!r}")
            elif spec.level == Level.NATIONAL and not names[name].national:
                # A shared national record must not point at one place's organisations.
                problems.append(f"national intervention {spec.title!r} names local organisation {name!r}")
    if problems:
        raise DemoSeedError("Cannot seed the demo interventions: " + "; ".join(problems) + ".")


def _seed_organisations(place: Place) -> dict[str, Organisation]:
    seeded = {}
    for spec in DEMO_ORGANISATIONS:
        owner_place = None if spec.national else place
        organisation = (
            Organisation.objects.filter(place=owner_place, name__iexact=spec.name).order_by("pk").first()
            if owner_place
            else Organisation.objects.filter(place__isnull=True, name__iexact=spec.name).order_by("pk").first()
        )
        fields = {"name": spec.name, "sector": spec.sector, "is_anchor": spec.anchor, "size_band": spec.size}
        if organisation is None:
            organisation = Organisation.objects.create(place=owner_place, **fields)
        elif _assign(organisation, fields):
            organisation.save()
        seeded[spec.name] = organisation
    return seeded


@transaction.atomic
def demo_interventions_seed(place: Place, *, today: date | None = None) -> dict[str, int]:
    """Create or update the illustrative interventions of the demo place; safe to run again.

    Matches organisations by place and name, and interventions by place and title (both ignoring
    case), so a second run updates rather than duplicates. Every write goes through `.save()` or
    `.set()`, and only when something changed, so django-simple-history records each real change
    once. Contributions of a seeded intervention to this place's outcomes that are no longer in
    the specification are deleted (one by one, so history sees them); nothing else is removed.
    """
    if not settings.DEMO_DATA_ALLOWED:
        raise DemoDataRefused("Demo data is only created when DEBUG is on; these are production settings.")
    if not place.is_demo:
        raise DemoDataRefused(f"{place.name} is not a demo place: illustrative interventions are never added to it.")
    today = today or timezone.localdate()

    outcomes = {outcome.title: outcome for outcome in WellbeingOutcome.objects.filter(place=place)}
    pillars = {pillar.code: pillar for pillar in CwbPillar.objects.all()}
    _check_spec(outcomes, pillars)
    users = {user.username: user for user in User.objects.filter(username__in=DEMO_USERNAMES)}
    organisations = _seed_organisations(place)

    national = contributions = 0
    for spec in DEMO_INTERVENTIONS:
        shared = spec.level == Level.NATIONAL
        owner_place = None if shared else place
        if shared:
            intervention = Intervention.objects.filter(place__isnull=True, title__iexact=spec.title)
        else:
            intervention = Intervention.objects.filter(place=place, title__iexact=spec.title)
        intervention = intervention.order_by("pk").first()
        values = {
            "title": spec.title,
            "kind": spec.kind,
            "level": spec.level,
            "status": spec.status,
            "lead_organisation": organisations[spec.lead],
            "owner": users.get(spec.owner) if spec.owner else None,
            "start_date": _offset(today, spec.start),
            "end_date": _offset(today, spec.end),
            "budget_gbp": None if spec.budget_gbp is None else Decimal(spec.budget_gbp),
            "funding_source": spec.funding_source,
            "description": spec.description,
            "evidence_links": "\n".join(spec.evidence_links),
        }
        if intervention is None:
            intervention = Intervention(place=owner_place, **values)
            _save_with_history(intervention)
        elif _assign(intervention, values):
            intervention.version += 1  # an edit form opened before this run must not overwrite it
            _save_with_history(intervention)
        _set_if_changed(intervention.partners, [organisations[name] for name in spec.partners])
        _set_if_changed(intervention.cwb_pillars, [pillars[code] for code in spec.cwb_pillars])

        existing = {c.outcome_id: c for c in intervention.contributions.filter(outcome__place=place)}
        wanted = set()
        for contribution_spec in spec.contributions:
            outcome = outcomes[contribution_spec.outcome]
            wanted.add(outcome.pk)
            values = {
                "strength": contribution_spec.strength,
                "effectiveness": contribution_spec.effectiveness,
                "basis": contribution_spec.basis,
                "evidence_note": contribution_spec.evidence_note,
                "assessed_by": users.get(contribution_spec.assessed_by),
                "assessed_on": today - timedelta(days=_assessment_age(contribution_spec.assessed_days_ago)),
            }
            contribution = existing.get(outcome.pk)
            if contribution is None:
                _save_with_history(Contribution(intervention=intervention, outcome=outcome, **values))
            elif _assign(contribution, values):
                _save_with_history(contribution)
            contributions += 1
        for outcome_id, contribution in existing.items():
            if outcome_id not in wanted:
                contribution._change_reason = CHANGE_REASON
                contribution.delete()
        national += shared

    return {
        "organisations": len(organisations),
        "interventions": len(DEMO_INTERVENTIONS),
        "national interventions": national,
        "contributions": contributions,
    }
