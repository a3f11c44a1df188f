"""The user's in-app notifications: what needs them, with a link; never a name."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from gbvms.cases.models import Notification
from gbvms.core.pagination import paginate


def target(notification: Notification) -> str:
    if notification.link.startswith("/"):
        return notification.link
    if notification.kind == "transfer_requested":
        return reverse("cases:transfers")
    if notification.case_code:
        return reverse("cases:detail", args=[notification.case_code])
    return reverse("core:home")


@login_required
@require_GET
def notifications(request: HttpRequest) -> HttpResponse:
    page = paginate(request, Notification.objects.filter(user=request.user))
    for item in page:
        item.target = target(item)
    return render(request, "cases/notifications.html", {"page": page, "query": ""})


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
