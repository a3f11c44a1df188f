"""Transfer of ownership: request from the case page, accept or decline from the inbox."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gbvms.cases import services_transfer
from gbvms.cases.forms_actions import AcceptForm, DeclineForm


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    items = list(services_transfer.transfers_inbox(request.user)[:200])
    for item in items:
        item.commune_needed = services_transfer.commune_needed(item)
    context = {"items": items, "form": DeclineForm(), "accept_form": AcceptForm()}
    return render(request, "cases/transfers.html", context)


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = services_transfer.transfers_inbox(request.user).filter(pk=pk).first()
    if transfer is None:
        raise Http404
    accept = request.POST.get("decision") == "accept"
    try:
        services_transfer.transfer_decide(
            actor=request.user,
            transfer=transfer,
            accept=accept,
            request=request,
            decline_reason=request.POST.get("decline_reason", "")[:500],
            commune_code=request.POST.get("commune_code", "")[:5],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("cases:transfers")
    if accept:
        messages.success(request, _("Đã tiếp nhận vụ việc."))
        return redirect("cases:detail", code=transfer.case.code)
    messages.success(request, _("Đã từ chối chuyển giao."))
    return redirect("cases:transfers")
