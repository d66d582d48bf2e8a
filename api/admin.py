from django.contrib import admin
from knox.models import AuthToken

from api.models import ApiToken

# Knox registers its own token model, which ours replaces (settings.KNOX_TOKEN_MODEL): its table is
# never used, so its admin page would only mislead.
if admin.site.is_registered(AuthToken):
    admin.site.unregister(AuthToken)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are made by their owners on their profile page; here they can only be seen and revoked."""

    list_display = ("name", "user", "token_key", "created", "expiry")
    list_select_related = ("user",)
    search_fields = ("name", "token_key", "user__username")
    readonly_fields = ("name", "user", "token_key", "created", "expiry")
    exclude = ("digest",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
