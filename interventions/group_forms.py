"""The bulk assignment form: interventions ticked on the register (or a group's dashboard), the
delivery group, and whether to assign them or remove them. The choice lists are the place's own,
so another place's id is a clear error rather than a silent skip."""

from django import forms

from interventions.filters import group_label
from interventions.models import Intervention
from partnerships.models import DeliveryGroup
from wellbeing.models import Place

ASSIGN = "assign"
REMOVE = "remove"
# A page of the register holds 25; the dashboard shows up to 50 that could join.
MAX_SELECTED = 100

NOTHING_SELECTED = "Select at least one intervention by ticking its box."
NO_GROUP_CHOSEN = "Choose the delivery group."
TOO_MANY_SELECTED = f"Select at most {MAX_SELECTED} interventions at a time."
NOT_THE_PLACES_INTERVENTIONS = (
    "One or more of the selected interventions is not one of {place}’s interventions. "
    "Select the interventions again from the list."
)
NOT_THE_PLACES_GROUP = (
    "The delivery group chosen is not one of {place}’s delivery groups. Choose a group from the list."
)


class GroupAssignForm(forms.Form):
    interventions = forms.ModelMultipleChoiceField(queryset=Intervention.objects.none())
    group = forms.ModelChoiceField(queryset=DeliveryGroup.objects.none(), empty_label="Choose a delivery group")
    action = forms.ChoiceField(choices=[(ASSIGN, "Assign"), (REMOVE, "Remove from this group")], required=False)
    next = forms.CharField(required=False, max_length=2000)

    def __init__(self, *args, place: Place, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        interventions, group = self.fields["interventions"], self.fields["group"]
        interventions.queryset = Intervention.objects.for_place(place)
        interventions.error_messages.update(
            {
                "required": NOTHING_SELECTED,
                "invalid_choice": NOT_THE_PLACES_INTERVENTIONS.format(place=place.name),
                "invalid_pk_value": NOT_THE_PLACES_INTERVENTIONS.format(place=place.name),
                "invalid_list": NOTHING_SELECTED,
            }
        )
        group.queryset = DeliveryGroup.objects.for_place(place).select_related("partnership")
        group.label_from_instance = group_label
        group.error_messages.update(
            {"required": NO_GROUP_CHOSEN, "invalid_choice": NOT_THE_PLACES_GROUP.format(place=place.name)}
        )

    def clean_interventions(self):
        interventions = self.cleaned_data["interventions"]
        if len(interventions) > MAX_SELECTED:
            raise forms.ValidationError(TOO_MANY_SELECTED)
        return interventions

    def clean_action(self) -> str:
        return self.cleaned_data.get("action") or ASSIGN

    def refusal(self) -> str:
        """The form's errors as one message: the page it came from shows it above the list."""
        errors = [str(error) for field in ("interventions", "group", "action") for error in self.errors.get(field, [])]
        return "Nothing was saved. " + " ".join(errors)
