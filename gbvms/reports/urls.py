"""Report pages (/reports/): the list, a report with its actions, completeness, obligations."""

from __future__ import annotations

from django.urls import URLPattern, path

from gbvms.reports import views as v
from gbvms.reports import views_attachments as va
from gbvms.reports import views_compare as vc
from gbvms.reports import views_obligations as vob
from gbvms.reports import views_overview as vo
from gbvms.reports import views_review as vr

app_name = "reports"

urlpatterns: list[URLPattern] = [
    path("", v.report_list, name="list"),
    path("completeness/", vo.completeness_page, name="completeness"),
    path("obligations/", vo.obligations_page, name="obligations"),
    path("obligations/<int:pk>/generate", vo.obligations_generate_view, name="generate"),
    path("obligations/<int:pk>/open", vo.obligations_open_view, name="open"),
    path("obligations/<int:pk>/add", vob.obligation_add_view, name="obligation_add"),
    path("obligations/item/<int:pk>/switch", vob.obligation_switch_view, name="obligation_switch"),
    path("<int:pk>/", v.report_detail, name="detail"),
    path("<int:pk>/save", v.report_save, name="save"),
    path("<int:pk>/submit", v.report_submit, name="submit"),
    path("<int:pk>/prefill", v.report_prefill, name="prefill"),
    path("<int:pk>/compare", vc.report_compare, name="compare"),
    path("<int:pk>/return", vr.report_return, name="return"),
    path("<int:pk>/accept", vr.report_accept, name="accept"),
    path("<int:pk>/approve", vr.report_approve, name="approve"),
    path("<int:pk>/reopen", vr.report_reopen, name="reopen"),
    path("<int:pk>/missing", vr.report_missing, name="missing"),
    path("<int:pk>/attachments", va.attachment_upload, name="attachment_upload"),
    path("attachments/<int:pk>", va.attachment_download, name="attachment_download"),
    path("attachments/<int:pk>/delete", va.attachment_delete, name="attachment_delete"),
]
