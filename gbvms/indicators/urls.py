from django.urls import path

from gbvms.indicators import (
    views,
    views_export,
    views_external,
    views_programme,
    views_targets,
)

app_name = "indicators"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    # targets
    path("targets/", views_targets.targets_page, name="targets"),
    path("targets/<str:code>/edit/", views_targets.target_edit, name="target_edit"),
    path(
        "targets/plan-targets/<int:pk>/link/",
        views_targets.plan_target_link,
        name="plan_target_link",
    ),
    # external values
    path("external/", views_external.external_values, name="external"),
    # what the programme delivered (counts of delivery records)
    path("programme/", views_programme.programme_view, name="programme"),
    # export
    path("export.xlsx", views_export.export_xlsx, name="export_xlsx"),
    # the indicator pages last: "<code>/" would otherwise catch the fixed paths above
    path("<str:code>/", views.indicator_page, name="indicator"),
    path("<str:code>/chart/<slug:name>.svg", views.indicator_chart, name="indicator_chart"),
]
