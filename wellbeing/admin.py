from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from simple_history.admin import SimpleHistoryAdmin

from wellbeing.models import (
    AnchorInstitutionType,
    BudgetLine,
    BudgetShare,
    CwbPillar,
    DecisionAssessment,
    FairWorkCriterion,
    LocalIndicator,
    NationalIndicator,
    NationalOutcome,
    Observation,
    OutcomeEffect,
    Place,
    PlaceMembership,
    StrategicOutcome,
    StrategicPlan,
    User,
    WellbeingOutcome,
)


class MembershipInline(admin.TabularInline):
    model = PlaceMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(User)
class ShiftTheDialUserAdmin(UserAdmin):
    inlines = [MembershipInline]


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "ons_code", "region_kind", "is_demo"]
    list_filter = ["kind", "is_demo"]
    search_fields = ["name", "ons_code"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["member_councils"]
    inlines = [MembershipInline]


@admin.register(PlaceMembership)
class PlaceMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "place", "role", "created_at"]
    list_filter = ["role", "place"]
    search_fields = ["user__username", "place__name"]
    autocomplete_fields = ["user", "place"]


@admin.register(NationalOutcome)
class NationalOutcomeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "framework_version"]
    list_filter = ["framework_version"]


@admin.register(NationalIndicator)
class NationalIndicatorAdmin(admin.ModelAdmin):
    list_display = ["name", "framework_version"]
    list_filter = ["framework_version", "outcomes"]
    search_fields = ["name"]
    filter_horizontal = ["outcomes"]


@admin.register(WellbeingOutcome)
class WellbeingOutcomeAdmin(SimpleHistoryAdmin):
    list_display = ["title", "place", "priority_rank"]
    list_filter = ["place"]
    search_fields = ["title"]
    filter_horizontal = ["national_outcomes", "national_indicators"]


class StrategicOutcomeInline(admin.StackedInline):
    model = StrategicOutcome
    extra = 0
    fields = ["title", "description"]
    show_change_link = True


@admin.register(StrategicPlan)
class StrategicPlanAdmin(SimpleHistoryAdmin):
    list_display = ["title", "place", "kind", "period_start", "period_end", "status"]
    list_filter = ["kind", "status", "place"]
    search_fields = ["title"]
    inlines = [StrategicOutcomeInline]


@admin.register(StrategicOutcome)
class StrategicOutcomeAdmin(SimpleHistoryAdmin):
    list_display = ["title", "plan"]
    list_filter = ["plan__place"]
    search_fields = ["title", "plan__title"]
    filter_horizontal = ["wellbeing_outcomes", "national_outcomes"]
    list_select_related = ["plan"]

    def get_form(self, request, obj=None, **kwargs):
        # Only the plan's own place's wellbeing outcomes may be linked (the pages enforce the same).
        form = super().get_form(request, obj, **kwargs)
        if obj is not None and "wellbeing_outcomes" in form.base_fields:
            field = form.base_fields["wellbeing_outcomes"]
            field.queryset = field.queryset.filter(place_id=obj.plan.place_id)
        return form


class OutcomeEffectInline(admin.TabularInline):
    model = OutcomeEffect
    extra = 0
    autocomplete_fields = ["outcome"]


@admin.register(DecisionAssessment)
class DecisionAssessmentAdmin(SimpleHistoryAdmin):
    list_display = ["title", "place", "kind", "status", "decision", "decision_date"]
    list_filter = ["place", "status", "kind", "decision"]
    search_fields = ["title"]
    date_hierarchy = "decision_date"
    inlines = [OutcomeEffectInline]


@admin.register(OutcomeEffect)
class OutcomeEffectAdmin(SimpleHistoryAdmin):
    list_display = ["assessment", "outcome", "effect"]
    list_filter = ["effect", "assessment__place"]
    search_fields = ["assessment__title", "outcome__title"]
    autocomplete_fields = ["assessment", "outcome"]


class ObservationInline(admin.TabularInline):
    model = Observation
    extra = 0
    fields = ["date", "value", "note"]


@admin.register(LocalIndicator)
class LocalIndicatorAdmin(SimpleHistoryAdmin):
    list_display = ["name", "outcome", "unit", "direction", "threshold_percent"]
    list_filter = ["direction", "outcome__place"]
    search_fields = ["name", "outcome__title"]
    autocomplete_fields = ["outcome", "national_indicator"]
    list_select_related = ["outcome__place"]
    inlines = [ObservationInline]


@admin.register(Observation)
class ObservationAdmin(SimpleHistoryAdmin):
    list_display = ["indicator", "date", "value"]
    list_filter = ["indicator__outcome__place"]
    search_fields = ["indicator__name"]
    autocomplete_fields = ["indicator"]
    list_select_related = ["indicator"]
    date_hierarchy = "date"


class BudgetShareInline(admin.TabularInline):
    model = BudgetShare
    extra = 0
    autocomplete_fields = ["outcome"]


@admin.register(BudgetLine)
class BudgetLineAdmin(SimpleHistoryAdmin):
    # A share's clean() refuses another place's outcome; the pages also hold the 100% total.
    list_display = ["service", "cost_centre", "financial_year", "kind", "amount_gbp", "place"]
    list_filter = ["place", "financial_year", "kind"]
    search_fields = ["service", "cost_centre"]
    inlines = [BudgetShareInline]


@admin.register(BudgetShare)
class BudgetShareAdmin(SimpleHistoryAdmin):
    list_display = ["line", "outcome", "percent"]
    list_filter = ["line__place", "line__financial_year"]
    search_fields = ["line__service", "outcome__title"]
    autocomplete_fields = ["line", "outcome"]
    list_select_related = ["line", "outcome"]


admin.site.register(CwbPillar)
admin.site.register(FairWorkCriterion)
admin.site.register(AnchorInstitutionType)
admin.site.site_header = "Shift the Dial administration"


def _superusers_only(request) -> bool:
    # The admin sees every place's rows, so only superusers may use it: giving a place
    # administrator staff status must not open other places to them.
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = _superusers_only
