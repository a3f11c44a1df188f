"""Indicator dashboards: read only materialised values (IndicatorValue)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse


@login_required
def dashboard(request):
    return HttpResponse("")


@login_required
def indicator_page(request, code):
    raise Http404
