from django.urls import path

from gbvms.geo import views

app_name = "geo"
urlpatterns = [
    path("", views.unit_list, name="unit_list"),
    path("<int:pk>/", views.unit_detail, name="unit_detail"),
    path("search/", views.unit_search_json, name="unit_search"),
    path("names/", views.unit_names_json, name="unit_names"),
]
