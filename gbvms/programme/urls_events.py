"""Programme URLs: home, campaigns, events, trainings."""

from django.urls import URLPattern, path

from gbvms.programme import views_events

urlpatterns: list[URLPattern] = [
    path("", views_events.home, name="home"),
]
