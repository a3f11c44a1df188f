from django.contrib import admin

from gbvms.core.models import AccessLog


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    """Read-only: the access log is append-only."""

    list_display = ["at", "actor_username", "action", "object_kind", "object_id", "ip"]
    list_filter = ["action"]
    search_fields = ["actor_username", "action", "object_id"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
