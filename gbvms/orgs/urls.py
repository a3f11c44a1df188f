from django.urls import path

from gbvms.orgs import views

app_name = "orgs"
urlpatterns = [
    path("agencies/", views.agency_list, name="agency_list"),
    path("agencies/new/", views.agency_create, name="agency_create"),
    path("agencies/search/", views.agency_search_json, name="agency_search"),
    path("agencies/<int:pk>/", views.agency_detail, name="agency_detail"),
    path("agencies/<int:pk>/edit/", views.agency_edit, name="agency_edit"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/", views.user_detail, name="user_detail"),
    path("users/<int:pk>/edit/", views.user_edit, name="user_edit"),
    path("users/<int:pk>/password/", views.user_password, name="user_password"),
    path("users/<int:pk>/memberships/", views.membership_add, name="membership_add"),
    path("memberships/<int:pk>/toggle/", views.membership_toggle, name="membership_toggle"),
]
