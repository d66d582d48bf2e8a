from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from interventions.models import Contribution, GapReport, GroupAssignment, ImportJob, Intervention


class ContributionInline(admin.TabularInline):
    model = Contribution
    extra = 0
    raw_id_fields = ["outcome", "assessed_by"]


@admin.register(Intervention)
class InterventionAdmin(SimpleHistoryAdmin):
    """Superusers record the shared national interventions here (place empty, level national)."""

    list_display = ["title", "place", "level", "kind", "status", "lead_organisation"]
    list_filter = ["level", "kind", "status", "place"]
    search_fields = ["title"]
    raw_id_fields = ["lead_organisation", "owner"]
    filter_horizontal = ["partners", "cwb_pillars"]
    inlines = [ContributionInline]


@admin.register(Contribution)
class ContributionAdmin(SimpleHistoryAdmin):
    list_display = ["intervention", "outcome", "strength", "effectiveness", "assessed_on"]
    list_filter = ["strength", "effectiveness", "basis"]
    raw_id_fields = ["intervention", "outcome", "assessed_by"]


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["filename", "kind", "place", "uploaded_by", "status", "rows_total", "created_at"]
    list_filter = ["kind", "status"]
    exclude = ["content"]
    readonly_fields = ["kind", "place", "uploaded_by", "filename", "file_format", "status", "rows_total", "rows_done"]


@admin.register(GapReport)
class GapReportAdmin(admin.ModelAdmin):
    """For support: see a report's state and error; the file itself stays its owner's download."""

    list_display = ["filename", "place", "requested_by", "file_format", "status", "created_at"]
    list_filter = ["status", "file_format"]
    exclude = ["content"]
    readonly_fields = ["place", "requested_by", "file_format", "query", "status", "progress", "error", "finished_at"]


@admin.register(GroupAssignment)
class GroupAssignmentAdmin(SimpleHistoryAdmin):
    list_display = ["intervention", "group", "assigned_by", "assigned_at"]
    list_filter = ["group__partnership__place"]
    raw_id_fields = ["intervention", "group", "assigned_by"]
