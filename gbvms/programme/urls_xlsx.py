"""Programme URLs (xlsx): templates, import and export of events, trainings and budget lines."""

from django.urls import URLPattern, path

from gbvms.programme import views_xlsx

urlpatterns: list[URLPattern] = [
    path("xlsx/<str:kind>/template", views_xlsx.xlsx_template, name="xlsx_template"),
    path("xlsx/<str:kind>/import", views_xlsx.xlsx_import, name="xlsx_import"),
    path("xlsx/<str:kind>/export", views_xlsx.xlsx_export, name="xlsx_export"),
]
