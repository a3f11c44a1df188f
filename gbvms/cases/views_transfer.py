"""Transfer of ownership: request from the case page, accept or decline from the inbox."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from gbvms.cases import services_transfer
from gbvms.cases.views_care import case_action
from gbvms.orgs.models import Agency


class TransferForm(forms.Form):
    to_agency = forms.ModelChoiceField(
        label=gettext_lazy("Chuyển tới cơ quan"), queryset=Agency.objects.none()
    )
    reason = forms.CharField(label=gettext_lazy("Lý do chuyển"), max_length=500, min_length=5)

    def __init__(self, *args: Any, case: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        province = "/" + case.unit.path.split("/")[1] + "/"  # transfers within the province
        self.fields["to_agency"].queryset = (  # type: ignore[attr-defined]
            Agency.objects.filter(
                is_active=True,
                memberships__role="case_worker",
                memberships__is_active=True,
                unit__path__startswith=province,
            )
            .exclude(pk=case.owning_agency_id)
            .distinct()
            .order_by("name")
        )


class DeclineForm(forms.Form):
    decline_reason = forms.CharField(label=gettext_lazy("Lý do từ chối"), max_length=500)


@login_required
@require_POST
def transfer_request(request: HttpRequest, code: str) -> HttpResponse:
    return case_action(
        request,
        code,
        lambda d, c: TransferForm(d, case=c),
        services_transfer.transfer_request,
        "transfer",
        _("Đã gửi yêu cầu chuyển giao."),
    )


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    items = services_transfer.transfers_inbox(request.user)
    return render(request, "cases/transfers.html", {"items": items, "form": DeclineForm()})


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
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("cases:transfers")
    if accept:
        messages.success(request, _("Đã tiếp nhận vụ việc."))
        return redirect("cases:detail", code=transfer.case.code)
    messages.success(request, _("Đã từ chối chuyển giao."))
    return redirect("cases:transfers")
