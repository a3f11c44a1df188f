"""Pages of campaigns, communication events and trainings, and the programme home."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from gbvms.core import scoping


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if not scoping.has_permission(request.user, "programme.view"):
        raise PermissionDenied
    return render(request, "programme/home.html", {})
