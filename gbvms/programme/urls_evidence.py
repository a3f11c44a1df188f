"""Programme URLs: evidence files (upload, access-checked download, delete)."""

from django.urls import URLPattern, path

from gbvms.programme import views_evidence

urlpatterns: list[URLPattern] = [
    path(
        "evidence/<str:kind>/<int:record_id>/upload",
        views_evidence.evidence_upload,
        name="evidence_upload",
    ),
    path("evidence/<int:pk>/", views_evidence.evidence_download, name="evidence_download"),
    path("evidence/<int:pk>/delete", views_evidence.evidence_delete, name="evidence_delete"),
]
