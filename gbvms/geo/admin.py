from django.contrib import admin

from gbvms.core.admin import AuditedAdmin
from gbvms.geo.models import AdminUnit


@admin.register(AdminUnit)
class AdminUnitAdmin(AuditedAdmin):
    list_display = ["code", "name", "level", "kind", "valid_to"]
    list_filter = ["level", "kind"]
    search_fields = ["code", "search_name"]
    raw_id_fields = ["parent", "successors"]
