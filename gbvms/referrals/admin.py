"""Configuration held as data, edited by national administrators in Django admin (every change
goes to the access log): referral pathways, routing of public requests, provider criteria."""

from django.contrib import admin

from gbvms.core.admin import AuditedAdmin
from gbvms.referrals.models import ProviderCriterion, ReferralPathway, RoutingRule


@admin.register(ReferralPathway)
class ReferralPathwayAdmin(AuditedAdmin):
    list_display = ["province", "service", "provider_types"]
    list_filter = ["service"]
    autocomplete_fields = []
    raw_id_fields = ["province"]


@admin.register(RoutingRule)
class RoutingRuleAdmin(AuditedAdmin):
    list_display = ["unit", "kind", "agency"]
    list_filter = ["kind"]
    raw_id_fields = ["unit", "agency"]


@admin.register(ProviderCriterion)
class ProviderCriterionAdmin(AuditedAdmin):
    list_display = ["order", "code", "label", "is_active"]
    list_editable = ["is_active"]
