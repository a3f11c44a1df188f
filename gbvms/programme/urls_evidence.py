"""Programme URLs (evidence)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
