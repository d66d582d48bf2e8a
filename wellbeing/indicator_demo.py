"""ILLUSTRATIVE local indicators for the demo place, one or two per wellbeing outcome.

The names are the kind a Scottish council tracks; every number, baseline and target is invented
for the demo and is not a published statistic for Clackmannanshire or anywhere else. The series
are chosen so the demo shows every trend: improving, maintaining, worsening and not enough data.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from wellbeing.models import LocalIndicator, NationalIndicator, Observation, Place, WellbeingOutcome
from wellbeing.models.npf import NPF_2018

INCREASE = LocalIndicator.Direction.INCREASE
DECREASE = LocalIndicator.Direction.DECREASE
ILLUSTRATIVE_SOURCE = (
    "Illustrative figures invented for this demo; not published statistics. A real indicator would "
    "name its source here, for example {source}."
)
FIRST_YEAR = 2020  # observations are yearly, at 31 March, from this year


@dataclass(frozen=True)
class DemoIndicator:
    outcome: str  # the demo outcome's title
    name: str
    unit: str
    direction: str
    values: tuple[str, ...]  # one a year from FIRST_YEAR
    npf_indicator: str = ""
    baseline: tuple[int, str] | None = None  # (year, value)
    target: tuple[int, str] | None = None
    source: str = "the Scottish Government's published statistics"


DEMO_INDICATORS = [
    DemoIndicator(
        "Poverty",
        "Children in relative poverty after housing costs (illustrative)",
        "%",
        DECREASE,
        ("25.8", "25.1", "24.6", "23.9", "22.1"),
        npf_indicator="Relative poverty after housing costs",
        baseline=(2019, "26.0"),
        target=(2030, "18.0"),
        source="the Children in Low Income Families statistics",
    ),
    DemoIndicator(
        "Poverty",
        "Households in fuel poverty (illustrative)",
        "%",
        DECREASE,
        ("24.0", "23.5", "25.2", "27.8", "31.0"),
        npf_indicator="Cost of living",
        baseline=(2019, "24.0"),
        target=(2030, "15.0"),
        source="the Scottish House Condition Survey",
    ),
    DemoIndicator(
        "Economic opportunity",
        "Employment rate, 16–64 (illustrative)",
        "%",
        INCREASE,
        ("70.1", "69.0", "70.4", "71.2", "71.6"),
        npf_indicator="Economic participation",
        baseline=(2019, "70.1"),
        target=(2030, "75.0"),
        source="the Annual Population Survey (ONS)",
    ),
    DemoIndicator(
        "Economic opportunity",
        "New business start-ups (illustrative)",
        "businesses",
        INCREASE,
        ("180", "150", "165", "172", "190"),
        npf_indicator="Entrepreneurial activity",
        source="the ONS business demography statistics",
    ),
    DemoIndicator(
        "Fair work, particularly for women",
        "Employment rate, women 16–64 (illustrative)",
        "%",
        INCREASE,
        ("66.2", "65.4", "66.8", "68.9", "72.5"),
        npf_indicator="Economic participation",
        baseline=(2019, "66.2"),
        target=(2030, "72.0"),
        source="the Annual Population Survey (ONS)",
    ),
    DemoIndicator(
        "Fair work, particularly for women",
        "Employees paid less than the real Living Wage (illustrative)",
        "%",
        DECREASE,
        ("19.5", "18.9", "17.6", "17.2", "17.0"),
        npf_indicator="Employees on the living wage",
        baseline=(2019, "20.0"),
        target=(2030, "10.0"),
        source="the Annual Survey of Hours and Earnings (ONS)",
    ),
    DemoIndicator(
        "Outcomes for young people",
        "Positive destinations of school leavers (illustrative)",
        "%",
        INCREASE,
        ("91.2", "92.0", "93.1", "92.4", "93.0"),
        npf_indicator="Young people's participation",
        baseline=(2019, "91.0"),
        target=(2030, "96.0"),
        source="the Summary Statistics for Attainment and Initial Leaver Destinations",
    ),
    DemoIndicator(
        "Health and wellbeing",
        "Adults meeting physical activity guidelines (illustrative)",
        "%",
        INCREASE,
        ("64", "62", "63", "59", "55"),
        npf_indicator="Physical activity",
        baseline=(2019, "64"),
        target=(2030, "70"),
        source="the Scottish Health Survey",
    ),
    DemoIndicator(
        "Sustainable place",
        "Vacant units in town centres (illustrative)",
        "%",
        DECREASE,
        ("14.2", "15.0", "13.8", "13.1", "12.2"),
        baseline=(2019, "14.0"),
        target=(2030, "9.0"),
        source="the council's own town centre survey",
    ),
    DemoIndicator(
        "Climate and environmental sustainability",
        "Council's own greenhouse gas emissions (illustrative)",
        "tonnes CO₂e",
        DECREASE,
        ("21400", "19800", "20100", "18900", "18700"),
        npf_indicator="Greenhouse gas emissions",
        baseline=(2019, "22000"),
        target=(2030, "11000"),
        source="the council's Public Bodies Climate Change Duties report",
    ),
    DemoIndicator(
        "Climate and environmental sustainability",
        "Homes rated EPC C or better (illustrative)",
        "%",
        INCREASE,
        ("48.0",),
        target=(2030, "70.0"),
        source="the Scottish House Condition Survey",
    ),
]


def _on(year: int) -> date:
    return date(year, 3, 31)


def demo_indicators_seed(*, place: Place) -> None:
    """Create or refresh the demo indicators and their observations; running it again changes
    nothing (rows are matched by outcome and name, observations by date)."""
    outcomes = {outcome.title: outcome for outcome in WellbeingOutcome.objects.for_place(place)}
    national = {i.name: i for i in NationalIndicator.objects.filter(framework_version=NPF_2018)}
    for demo in DEMO_INDICATORS:
        baseline_year, baseline_value = demo.baseline or (None, None)
        target_year, target_value = demo.target or (None, None)
        indicator, _ = LocalIndicator.objects.update_or_create(
            outcome=outcomes[demo.outcome],
            name=demo.name,
            defaults={
                "unit": demo.unit,
                "direction": demo.direction,
                "national_indicator": national[demo.npf_indicator] if demo.npf_indicator else None,
                "baseline_value": Decimal(baseline_value) if baseline_value else None,
                "baseline_date": _on(baseline_year) if baseline_year else None,
                "target_value": Decimal(target_value) if target_value else None,
                "target_date": _on(target_year) if target_year else None,
                "source_note": ILLUSTRATIVE_SOURCE.format(source=demo.source),
            },
        )
        dates = []
        for offset, value in enumerate(demo.values):
            when = _on(FIRST_YEAR + offset)
            dates.append(when)
            Observation.objects.update_or_create(
                indicator=indicator,
                date=when,
                defaults={"value": Decimal(value), "note": "Illustrative"},
            )
        for stray in Observation.objects.filter(indicator=indicator).exclude(date__in=dates):
            stray.delete()  # one by one, so the history records the removal
