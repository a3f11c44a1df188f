from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from gbvms.core.admin import AuditedAdmin
from gbvms.orgs.models import Agency, Membership, User


@admin.register(Agency)
class AgencyAdmin(AuditedAdmin, SimpleHistoryAdmin):
    list_display = ["name", "kind", "unit", "is_active"]
    search_fields = ["name", "short_name"]
    raw_id_fields = ["unit", "parent"]


@admin.register(User)
class UserAdmin(AuditedAdmin, SimpleHistoryAdmin):
    list_display = ["username", "full_name", "is_active"]
    search_fields = ["username", "full_name"]
    exclude = ["password", "groups", "user_permissions"]


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin, SimpleHistoryAdmin):
    list_display = ["user", "agency", "role", "scope_unit", "is_active"]
    raw_id_fields = ["user", "agency", "scope_unit"]
