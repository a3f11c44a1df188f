"""Programme URLs: home, campaigns, events, trainings, and cancelling a record of any kind."""

from django.urls import URLPattern, path

from gbvms.programme import views_events as v

urlpatterns: list[URLPattern] = [
    path("", v.home, name="home"),
    path("campaigns/", v.campaign_list, name="campaign_list"),
    path("campaigns/new", v.campaign_new, name="campaign_new"),
    path("campaigns/<int:pk>/", v.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/edit", v.campaign_edit, name="campaign_edit"),
    path("events/", v.event_list, name="event_list"),
    path("events/new", v.event_new, name="event_new"),
    path("events/<int:pk>/", v.event_detail, name="event_detail"),
    path("events/<int:pk>/edit", v.event_edit, name="event_edit"),
    path("trainings/", v.training_list, name="training_list"),
    path("trainings/new", v.training_new, name="training_new"),
    path("trainings/<int:pk>/", v.training_detail, name="training_detail"),
    path("trainings/<int:pk>/edit", v.training_edit, name="training_edit"),
    path("<str:kind>/<int:pk>/cancel", v.record_cancel, name="record_cancel"),
]
