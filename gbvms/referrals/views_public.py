"""The public site (no login): find help, hotlines, staying safe, an anonymous help request and
its status. No cookies are set, nothing is cached, no third-party request is made, and every
page has a quick-exit button."""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from gbvms.core.forms_util import add_service_errors
from gbvms.geo.models import AdminUnit
from gbvms.geo.selectors import unit_search
from gbvms.referrals import services_directory, services_public
from gbvms.referrals.forms import WHAT_HAPPENED, FindHelpForm, HelpRequestForm, StatusForm
from gbvms.referrals.models import HelpKind, HelpStatus, ProviderType, ServiceCode


def public(view: Any) -> Any:
    """No cache, no referrer, and no cookie (the request's session is never touched; forms are
    CSRF-exempt because nobody is signed in on these pages)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        response["Referrer-Policy"] = "no-referrer"
        response["X-Robots-Tag"] = "noindex"
        return response

    return csrf_exempt(wrapped)


def resolve_commune(text: str, provinces: bool = False) -> tuple[AdminUnit | None, list[AdminUnit]]:
    """A commune (or, with ``provinces``, also a province) from its code or name: (the unit, or
    None and the candidates to choose from)."""
    text = text.strip()[:100]
    if not text:
        return None, []
    levels = ["commune", "province"] if provinces else ["commune"]
    if text.isdigit():
        unit = AdminUnit.objects.current().filter(level__in=levels, code=text).first()
        return unit, []
    found = []
    for level in levels:
        found += list(unit_search(q=text, kind=level)[:20])
    exact = [u for u in found if u.name.lower() == text.lower()]
    if len(exact) == 1:
        return exact[0], []
    return (found[0], []) if len(found) == 1 else (None, found[:20])


@public
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    form = FindHelpForm(request.GET or None)
    matches, candidates, unit = None, [], None
    if request.GET and form.is_valid():
        unit, candidates = resolve_commune(form.cleaned_data["commune"], provinces=True)
        if unit is not None:
            matches = services_directory.providers_for(unit, form.cleaned_data["service"])
        elif not candidates:
            form.add_error("commune", _("Không tìm thấy xã, phường này."))
    return render(
        request,
        "public/home.html",
        {"form": form, "matches": matches, "unit": unit, "candidates": candidates},
    )


@public
@require_GET
def hotlines(request: HttpRequest) -> HttpResponse:
    from gbvms.referrals.models import ServiceProvider

    lines = ServiceProvider.objects.filter(
        is_active=True, type=ProviderType.HOTLINE, national=True
    ).order_by("name")
    return render(request, "public/hotlines.html", {"lines": lines})


@public
@require_GET
def safety(request: HttpRequest) -> HttpResponse:
    return render(request, "public/safety.html", {"services": ServiceCode.choices})


@public
@require_http_methods(["GET", "POST"])
def help_request(request: HttpRequest) -> HttpResponse:
    form = HelpRequestForm(request.POST or None)
    candidates: list[AdminUnit] = []
    if request.method == "POST":
        if request.POST.get("website"):  # the honeypot: people do not see this field
            return render(request, "public/request_done.html", {"fake": True})
        address = services_public.client_address(request)
        if not services_public.rate_allowed(
            "help_request", address, settings.PUBLIC_REQUESTS_PER_HOUR
        ):
            return render(request, "public/limited.html", status=429)
        if form.is_valid():
            data = form.cleaned_data
            unit, candidates = resolve_commune(data["commune"])
            if unit is None:
                form.add_error(
                    "commune",
                    _("Chọn đúng xã, phường trong danh sách bên dưới.")
                    if candidates
                    else _("Không tìm thấy xã, phường này."),
                )
            else:
                try:
                    item, pin = services_public.help_request_create(
                        kind=data["kind"],
                        commune=unit,
                        description=data["description"],
                        answers=data["answers"],
                        contact={
                            "phone": data["phone"],
                            "email": data["email"],
                            "safe_times": data["safe_times"],
                            "no_contact": data["no_contact"],
                        },
                    )
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    return render(
                        request,
                        "public/request_done.html",
                        {"code": item.tracking_code, "pin": pin},
                    )
    return render(
        request,
        "public/request.html",
        {"form": form, "candidates": candidates},
        status=400 if form.errors else 200,
    )


@public
@require_http_methods(["GET", "POST"])
def help_status(request: HttpRequest) -> HttpResponse:
    form = StatusForm(request.POST or None)
    item = None
    if request.method == "POST" and form.is_valid():
        try:
            item = services_public.help_status(
                form.cleaned_data["tracking_code"],
                form.cleaned_data["pin"],
                address=services_public.client_address(request),
            )
        except services_public.RateLimitedError:
            return render(request, "public/limited.html", status=429)
        if item is None:
            form.add_error(None, _("Mã theo dõi hoặc mã PIN không đúng."))
    context = {
        "form": form,
        "item": item,
        "kind": HelpKind(item.kind).label if item else "",
        "status": HelpStatus(item.status).label if item else "",
        "replies": item.replies.all() if item else [],
    }
    return render(request, "public/status.html", context)


ANSWER_LABELS = dict(WHAT_HAPPENED)
