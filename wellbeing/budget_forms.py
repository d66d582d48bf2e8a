"""Forms for budget lines: the line, and its shares tagged to the place's wellbeing outcomes (a
formset with a few blank rows; a row left blank is ignored, a share left without an outcome or a
percentage is an error on that row). The shares of a line cannot add up to more than 100%."""

from decimal import Decimal

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Fieldset, Layout, Size
from django import forms

from wellbeing.fields import require_version, version_field
from wellbeing.layout import Field
from wellbeing.models import BudgetLine, BudgetShare, Place, WellbeingOutcome
from wellbeing.models.budgets import ONE_HUNDRED

BLANK_SHARE_ROWS = 3

# Said by the formset and by the service (asserted on in tests/test_budgets.py).
SHARES_OVER_100 = "The shares add up to {total}%: they cannot be more than 100%"


def percent_text(value: Decimal) -> str:
    """115.00 → "115", 33.50 → "33.5": a percentage as a person writes it."""
    text = format(value.quantize(Decimal("0.01")), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def shares_over_100_message(total: Decimal) -> str:
    return SHARES_OVER_100.format(total=percent_text(total))


class BudgetLineForm(forms.ModelForm):
    version = version_field()

    class Meta:
        model = BudgetLine
        fields = ["service", "cost_centre", "financial_year", "kind", "amount_gbp", "description"]
        labels = {
            "service": "Service",
            "cost_centre": "Cost centre",
            "financial_year": "Financial year",
            "kind": "Kind of budget",
            "amount_gbp": "Amount in pounds (£)",
            "description": "Description (optional)",
        }
        help_texts = {
            "service": "The council service the budget belongs to, for example Housing or Education.",
            "cost_centre": "The finance system's code for the line, for example EC1040.",
            "financial_year": "For example, 2025/26.",
            "amount_gbp": "The line's budget for the year, in pounds.",
        }
        widgets = {
            "kind": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 3}),
            # GOV.UK asks for a text input with inputmode for numbers, not type=number.
            "amount_gbp": forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
            "financial_year": forms.TextInput(attrs={"spellcheck": "false"}),
        }
        error_messages = {
            "service": {"required": "Enter the service, for example Housing"},
            "cost_centre": {"required": "Enter the cost centre code"},
            "financial_year": {"required": "Enter the financial year, for example 2025/26"},
            "kind": {"required": "Choose revenue or capital", "invalid_choice": "Choose revenue or capital"},
            "amount_gbp": {
                "required": "Enter the amount in pounds, like 250000",
                "invalid": "Amount must be a number of pounds, like 250000 or 250000.50",
                "max_digits": "Amount must be less than £1 trillion",
                "max_decimal_places": "Amount can have at most 2 decimal places (pence)",
                "max_whole_digits": "Amount must be less than £1 trillion",
            },
        }

    def __init__(self, *args, place: Place, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.place = place
        if self.instance.pk:
            require_version(self.fields["version"], self.instance.version)
        self.fields["kind"].choices = BudgetLine.Kind.choices  # radios: no "---------"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.label_size = Size.SMALL
        self.helper.legend_size = Size.SMALL
        self.helper.layout = Layout(
            "version",
            Field.text("service"),
            Field.text("cost_centre", field_width=10),
            Field.text("financial_year", field_width=5),
            Field.radios("kind", inline=True, legend_size=Size.SMALL),
            Field.text("amount_gbp", field_width=10),
            Field.textarea("description"),
        )

    def clean_service(self) -> str:
        return " ".join(self.cleaned_data["service"].split())

    def clean_cost_centre(self) -> str:
        return "".join(self.cleaned_data["cost_centre"].split()).upper()

    def clean_financial_year(self) -> str:
        # "2025-26" and "2025 / 26" are what people type; the model's validator checks the rest.
        return "".join(self.cleaned_data["financial_year"].split()).replace("-", "/")


class BudgetShareForm(forms.Form):
    outcome = forms.TypedChoiceField(
        coerce=int,
        required=False,
        label="Wellbeing outcome",
        error_messages={"invalid_choice": "Choose one of this place's wellbeing outcomes"},
    )
    percent = forms.DecimalField(
        required=False,
        max_digits=5,
        decimal_places=2,
        label="Share of the line (%)",
        help_text="A percentage, for example 40 or 12.5.",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
        error_messages={
            "invalid": "The share must be a number, like 40 or 12.5",
            "max_digits": "The share cannot be more than 100%",
            "max_whole_digits": "The share cannot be more than 100%",
            "max_decimal_places": "The share can have at most 2 decimal places",
        },
    )

    def __init__(self, *args, outcomes: list[WellbeingOutcome], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.outcomes_by_pk = {outcome.pk: outcome for outcome in outcomes}
        self.fields["outcome"].choices = [("", "Choose an outcome")] + [
            (outcome.pk, f"{outcome.priority_rank}. {outcome.title}") for outcome in outcomes
        ]
        number = self.prefix.rsplit("-", 1)[-1] if self.prefix else ""
        self.number = int(number) + 1 if number.isdigit() else 1
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(
            Fieldset(
                Field.select("outcome"),
                Field.text("percent", field_width=4),
                legend=f"Share {self.number}",
                legend_size=Size.SMALL,
            )
        )

    def clean_outcome(self) -> WellbeingOutcome | None:
        pk = self.cleaned_data.get("outcome")
        return self.outcomes_by_pk[pk] if pk not in (None, "") else None

    def clean_percent(self) -> Decimal | None:
        percent = self.cleaned_data.get("percent")
        if percent is not None and percent <= 0:
            raise forms.ValidationError("The share must be more than 0%")
        if percent is not None and percent > ONE_HUNDRED:
            raise forms.ValidationError("The share cannot be more than 100%")
        return percent

    def clean(self) -> dict:
        cleaned = super().clean()
        outcome, percent = cleaned.get("outcome"), cleaned.get("percent")
        if outcome is not None and percent is None and not self.has_error("percent"):
            self.add_error("percent", f"Enter the share of the line that serves ‘{outcome.title}’")
        if outcome is None and percent is not None and not self.has_error("outcome"):
            self.add_error("outcome", "Choose the wellbeing outcome this share serves")
        return cleaned


class BaseBudgetShareFormSet(forms.BaseFormSet):
    """The line's shares, by priority, then blank rows for new ones. The choices are the place's
    outcomes only (read once), so another place's outcome id is refused as not one of them."""

    def __init__(self, *args, place: Place, line: BudgetLine | None = None, **kwargs) -> None:
        self.place = place
        self.line = line
        self.outcomes = list(WellbeingOutcome.objects.for_place(place).order_by("priority_rank", "title"))
        if "initial" not in kwargs:
            saved = []
            if line is not None and line.pk:
                saved = [
                    {"outcome": share.outcome_id, "percent": share.percent}
                    for share in BudgetShare.objects.for_place(place).filter(line=line)
                ]
            kwargs["initial"] = saved
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "outcomes": self.outcomes}

    def clean(self) -> None:
        if any(self.errors):
            return
        seen: dict[int, int] = {}
        total = Decimal("0")
        for form in self.forms:
            outcome, percent = form.cleaned_data.get("outcome"), form.cleaned_data.get("percent")
            if outcome is None:
                continue
            if outcome.pk in seen:
                form.add_error(
                    "outcome", f"‘{outcome.title}’ already has a share (share {seen[outcome.pk]}): choose it once"
                )
                continue
            seen[outcome.pk] = form.number
            total += percent
        if total > ONE_HUNDRED:
            raise forms.ValidationError(shares_over_100_message(total), code="over_100")

    def shares(self) -> list[tuple[WellbeingOutcome, Decimal]]:
        """(outcome, percent) for every filled row, once valid."""
        return [
            (form.cleaned_data["outcome"], form.cleaned_data["percent"])
            for form in self.forms
            if form.cleaned_data.get("outcome") is not None
        ]


BudgetShareFormSet = forms.formset_factory(
    BudgetShareForm, formset=BaseBudgetShareFormSet, extra=BLANK_SHARE_ROWS, max_num=100, validate_max=True
)


def share_formset(data=None, *, place: Place, line: BudgetLine | None = None):
    return BudgetShareFormSet(data, place=place, line=line, prefix="shares")
