from typing import Any

from django.contrib import admin
from django_otp.admin import OTPAdminSite

from gbvms.core.audit import log_action
from gbvms.core.models import AccessLog, PublicHoliday

# Django admin is an operator's tool, not the product UI: it requires a verified second factor.
admin.site.__class__ = OTPAdminSite


class AuditedAdmin(admin.ModelAdmin):
    """Changes made in Django admin go to the access log like any other administrative change."""

    def _audit(self, request: Any, obj: Any, verb: str, message: Any = "") -> None:
        log_action(
            action=f"{obj._meta.label_lower}.{verb}_via_admin",
            actor=request.user,
            request=request,
            obj=obj,
            changes={"message": str(message)[:500]} if message else None,
        )

    def log_addition(self, request: Any, obj: Any, message: Any) -> Any:
        self._audit(request, obj, "created", message)
        return super().log_addition(request, obj, message)

    def log_change(self, request: Any, obj: Any, message: Any) -> Any:
        self._audit(request, obj, "updated", message)
        return super().log_change(request, obj, message)

    def log_deletions(self, request: Any, queryset: Any) -> Any:
        for obj in queryset:
            self._audit(request, obj, "deleted")
        return super().log_deletions(request, queryset)


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


@admin.register(PublicHoliday)
class PublicHolidayAdmin(AuditedAdmin):
    """The government's announced swaps and extra days off, on top of the public holidays that
    the ``holidays`` calendar gives (core.workdays), for working-day deadlines."""

    list_display = ["date", "name", "kind", "source"]
    list_filter = ["kind"]
    search_fields = ["name"]
    date_hierarchy = "date"
