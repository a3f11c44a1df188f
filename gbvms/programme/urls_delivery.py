"""Programme URLs (delivery): models, inspections, budget lines."""

from django.urls import URLPattern, path

from gbvms.programme import views_delivery as v

urlpatterns: list[URLPattern] = [
    path("models/", v.model_list, name="model_list"),
    path("models/new", v.model_new, name="model_new"),
    path("models/<int:pk>/", v.model_detail, name="model_detail"),
    path("models/<int:pk>/edit", v.model_edit, name="model_edit"),
    path("models/<int:pk>/evaluate", v.model_evaluate, name="model_evaluate"),
    path("models/<int:pk>/status", v.model_status, name="model_status"),
    path("inspections/", v.inspection_list, name="inspection_list"),
    path("inspections/new", v.inspection_new, name="inspection_new"),
    path("inspections/<int:pk>/", v.inspection_detail, name="inspection_detail"),
    path("inspections/<int:pk>/edit", v.inspection_edit, name="inspection_edit"),
    path("inspections/<int:pk>/findings", v.finding_add, name="finding_add"),
    path("inspections/<int:pk>/recommendations", v.recommendation_add, name="recommendation_add"),
    path("recommendations/<int:pk>/", v.recommendation_update, name="recommendation_update"),
    path("budget/", v.budget_list, name="budget_list"),
    path("budget/new", v.budget_new, name="budget_new"),
    path("budget/<int:pk>/", v.budget_detail, name="budget_detail"),
    path("budget/<int:pk>/edit", v.budget_edit, name="budget_edit"),
    path("budget/<int:pk>/expenditures", v.expenditure_add, name="expenditure_add"),
]
