from django.contrib import admin

from partnerships.models import Organisation


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "place"]
    list_filter = ["kind", "place"]
    search_fields = ["name"]
