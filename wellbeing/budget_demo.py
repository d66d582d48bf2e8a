"""The demo place's illustrative budget lines (not Clackmannanshire Council's budget): about fifteen
lines in 2024/25 and 2025/26 across its services, most tagged to the demo's wellbeing outcomes,
some only in part and a few not at all, so the budget page shows untagged spend too."""

from decimal import Decimal

from wellbeing.models import BudgetLine, BudgetShare, Place, WellbeingOutcome

Revenue, Capital = BudgetLine.Kind.REVENUE, BudgetLine.Kind.CAPITAL

# (service, cost centre, year, kind, amount, description, {outcome title: percent})
DEMO_BUDGET_LINES: list[tuple[str, str, str, str, str, str, dict[str, str]]] = [
    (
        "Economic development",
        "ED1010",
        "2024/25",
        Revenue,
        "1850000",
        "Business support and inward investment.",
        {"Economic opportunity": "70", "Fair work, particularly for women": "20"},
    ),
    (
        "Economic development",
        "ED1010",
        "2025/26",
        Revenue,
        "1920000",
        "Business support and inward investment.",
        {"Economic opportunity": "65", "Fair work, particularly for women": "25"},
    ),
    (
        "Employability",
        "EM2040",
        "2024/25",
        Revenue,
        "2400000",
        "No One Left Behind employability support.",
        {"Outcomes for young people": "40", "Poverty": "30", "Fair work, particularly for women": "30"},
    ),
    (
        "Employability",
        "EM2040",
        "2025/26",
        Revenue,
        "2550000",
        "No One Left Behind employability support.",
        {"Outcomes for young people": "40", "Poverty": "35", "Fair work, particularly for women": "25"},
    ),
    (
        "Housing",
        "HS3100",
        "2024/25",
        Capital,
        "6200000",
        "Council house building and retrofit.",
        {"Poverty": "30", "Climate and environmental sustainability": "40"},
    ),
    (
        "Housing",
        "HS3100",
        "2025/26",
        Capital,
        "6800000",
        "Council house building and retrofit.",
        {"Poverty": "30", "Climate and environmental sustainability": "45", "Sustainable place": "10"},
    ),
    (
        "Education",
        "EDU4000",
        "2024/25",
        Revenue,
        "9800000",
        "Early learning and childcare expansion.",
        {"Outcomes for young people": "60", "Fair work, particularly for women": "15"},
    ),
    (
        "Education",
        "EDU4000",
        "2025/26",
        Revenue,
        "10100000",
        "Early learning and childcare expansion.",
        {"Outcomes for young people": "60", "Fair work, particularly for women": "15", "Poverty": "10"},
    ),
    (
        "Social work",
        "SW5200",
        "2024/25",
        Revenue,
        "7400000",
        "Family support and whole-family wellbeing.",
        {"Poverty": "40", "Health and wellbeing": "40"},
    ),
    (
        "Social work",
        "SW5200",
        "2025/26",
        Revenue,
        "7650000",
        "Family support and whole-family wellbeing.",
        {"Poverty": "45", "Health and wellbeing": "40"},
    ),
    (
        "Roads and transport",
        "RT6100",
        "2025/26",
        Capital,
        "3300000",
        "Carriageway resurfacing.",
        {"Sustainable place": "20"},
    ),
    (
        "Town centres",
        "TC6500",
        "2025/26",
        Capital,
        "1200000",
        "Alloa town centre regeneration.",
        {"Sustainable place": "60", "Economic opportunity": "30"},
    ),
    (
        "Leisure and sport",
        "LS7000",
        "2025/26",
        Revenue,
        "1450000",
        "Leisure centres and active travel.",
        {"Health and wellbeing": "50"},
    ),
    ("Corporate services", "CS9000", "2024/25", Revenue, "4100000", "Finance, HR and ICT.", {}),
    ("Corporate services", "CS9000", "2025/26", Revenue, "4250000", "Finance, HR and ICT.", {}),
    ("Waste and recycling", "WR6800", "2025/26", Revenue, "2900000", "Kerbside collections.", {}),
]


def demo_budget_seed(*, place: Place) -> list[BudgetLine]:
    """Create or refresh the demo's lines (matched by cost centre and year), writing only what
    changed, so a second run writes no history. Called inside demo_place_seed's transaction."""
    outcomes = {outcome.title: outcome for outcome in WellbeingOutcome.objects.for_place(place)}
    seeded = []
    for service, cost_centre, year, kind, amount, description, shares in DEMO_BUDGET_LINES:
        line = BudgetLine.objects.filter(place=place, cost_centre=cost_centre, financial_year=year).first()
        values = {"service": service, "kind": kind, "amount_gbp": Decimal(amount), "description": description}
        if line is None:
            line = BudgetLine(place=place, cost_centre=cost_centre, financial_year=year, **values)
            line.full_clean()
            line.save()
        elif any(getattr(line, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(line, name, value)
            line.version += 1
            line.full_clean()
            line.save()
        saved = {share.outcome_id: share for share in BudgetShare.objects.filter(line=line)}
        for title, percent in shares.items():
            share = saved.pop(outcomes[title].pk, None) or BudgetShare(line=line, outcome=outcomes[title])
            if share.pk is None or share.percent != Decimal(percent):
                share.percent = Decimal(percent)
                share.save()
        for stray in saved.values():  # an outcome the spec no longer tags
            stray.delete()
        seeded.append(line)
    return seeded
