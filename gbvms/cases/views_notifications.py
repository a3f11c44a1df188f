"""The user's in-app notifications: what needs them, with a link; never a name."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gbvms.cases import services_notify
from gbvms.cases.models import Notification
from gbvms.core.pagination import paginate

target = services_notify.target_of  # where a notice leads


@login_required
@require_GET
def notifications(request: HttpRequest) -> HttpResponse:
    page = paginate(request, services_notify.notifications_for(request.user))
    for item in page:
        item.target = target(item)
    return render(request, "cases/notifications.html", {"page": page, "query": ""})


@login_required
def notification_preferences(request: HttpRequest) -> HttpResponse:
    """Which channels the user wants per kind; in-app stays on for urgent kinds."""
    kinds = services_notify.tunable_kinds()
    if request.method == "POST":
        choices = {
            kind: {ch: request.POST.get(f"{kind}:{ch}") == "1" for ch in ("in_app", "email", "sms")}
            for kind, _label in kinds
        }
        services_notify.preferences_set(actor=request.user, choices=choices)
        messages.success(request, _("Đã lưu cách nhận thông báo."))
        return redirect("cases:notification_preferences")
    prefs = services_notify.preferences_of(request.user)
    rows = [
        {
            "kind": kind,
            "label": label,
            "urgent": kind in services_notify.URGENT_KINDS,
            "in_app": prefs[kind].in_app if kind in prefs else True,
            "email": prefs[kind].email if kind in prefs else True,
            "sms": prefs[kind].sms if kind in prefs else True,
        }
        for kind, label in kinds
    ]
    return render(request, "cases/notification_preferences.html", {"rows": rows})


@login_required
@require_POST
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    item = Notification.objects.filter(user=request.user, pk=pk).first()
    if item is None:
        return redirect("cases:notifications")
    Notification.objects.filter(pk=item.pk, read_at__isnull=True).update(read_at=timezone.now())
    return redirect(target(item))


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    Notification.objects.filter(user=request.user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    return redirect("cases:notifications")
