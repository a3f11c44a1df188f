from django.contrib import admin

from gbvms.geo.models import AdminUnit


@admin.register(AdminUnit)
class AdminUnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "kind", "valid_to"]
    list_filter = ["level", "kind"]
    search_fields = ["code", "search_name"]
    raw_id_fields = ["parent", "successors"]
