from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from simple_history.admin import SimpleHistoryAdmin

from wellbeing.models import (
    AnchorInstitutionType,
    CwbPillar,
    FairWorkCriterion,
    NationalIndicator,
    NationalOutcome,
    Place,
    PlaceMembership,
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


admin.site.register(CwbPillar)
admin.site.register(FairWorkCriterion)
admin.site.register(AnchorInstitutionType)
admin.site.site_header = "Shift the Dial administration"


def _superusers_only(request) -> bool:
    # The admin sees every place's rows, so only superusers may use it: giving a place
    # administrator staff status must not open other places to them.
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = _superusers_only
