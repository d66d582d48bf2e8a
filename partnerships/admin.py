from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from partnerships.models import (
    Charter,
    CharterCommitment,
    DeliveryGroup,
    Membership,
    Organisation,
    Partnership,
    Signatory,
)


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "sector", "is_anchor", "place"]
    list_filter = ["sector", "is_anchor", "place"]
    search_fields = ["name"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(Partnership)
class PartnershipAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "place"]
    list_filter = ["kind", "place"]
    search_fields = ["name"]
    inlines = [MembershipInline]


@admin.register(DeliveryGroup)
class DeliveryGroupAdmin(SimpleHistoryAdmin):
    list_display = ["name", "partnership"]
    list_filter = ["partnership__place"]
    search_fields = ["name"]


class CommitmentInline(admin.TabularInline):
    model = CharterCommitment
    extra = 0


@admin.register(Charter)
class CharterAdmin(SimpleHistoryAdmin):
    list_display = ["name", "place", "launched_on"]
    list_filter = ["place"]
    inlines = [CommitmentInline]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["organisation", "partnership", "role", "joined_on", "left_on"]
    list_filter = ["role", "partnership__place"]
    raw_id_fields = ["organisation", "partnership"]


@admin.register(CharterCommitment)
class CharterCommitmentAdmin(SimpleHistoryAdmin):
    list_display = ["title", "charter", "position"]
    list_filter = ["charter__place"]


@admin.register(Signatory)
class SignatoryAdmin(SimpleHistoryAdmin):
    list_display = ["organisation", "charter", "signed_on"]
    list_filter = ["charter__place"]
