"""The user's in-app notifications: what needs them, with a link; never a name."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from gbvms.cases.models import Notification
from gbvms.core.pagination import paginate

LABELS = {
    "transfer_requested": _("Có yêu cầu chuyển giao vụ việc"),
    "transfer_accepted": _("Chuyển giao đã được chấp nhận"),
    "transfer_declined": _("Chuyển giao bị từ chối"),
    "risk_high": _("Vụ việc có rủi ro cao"),
    "risk_extreme": _("Vụ việc có rủi ro nghiêm trọng"),
    "break_glass": _("Truy cập khẩn cấp vào vụ việc"),
    "referral_received": _("Có chuyển gửi mới"),
    "referral_accepted": _("Chuyển gửi đã được nhận"),
    "referral_declined": _("Chuyển gửi bị từ chối"),
    "referral_completed": _("Chuyển gửi đã hoàn thành"),
    "referral_revoked": _("Chuyển gửi đã được thu hồi"),
    "referral_overdue": _("Chuyển gửi quá hạn phản hồi"),
    "help_request": _("Có yêu cầu hỗ trợ mới từ trang công khai"),
}


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
        item.label = LABELS.get(item.kind, item.kind)
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
