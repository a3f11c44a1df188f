"""Staff pages: refer a case, the receiving provider's inbox and decisions, the referral page
(the receiver's restricted view), the directory with import/export, timeliness figures, and
the triage inbox for public help requests."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gbvms.cases import selectors as case_selectors
from gbvms.cases.views_care import case_page_context
from gbvms.core import scoping, tabular
from gbvms.core.audit import log_action
from gbvms.core.forms_util import add_service_errors
from gbvms.core.pagination import paginate, query_without_page
from gbvms.orgs.models import Agency
from gbvms.referrals import selectors, services, services_directory, services_public
from gbvms.referrals.access import access_state
from gbvms.referrals.forms import (
    CloseHelpForm,
    CompleteForm,
    DeclineForm,
    DirectoryImportForm,
    ProviderForm,
    ReferralForm,
    ReplyForm,
)
from gbvms.referrals.models import (
    HelpStatus,
    ReferralStatus,
    Section,
    ServiceCode,
)


@login_required
@require_http_methods(["GET", "POST"])
def referral_new(request: HttpRequest, code: str) -> HttpResponse:
    case = case_selectors.case_get_for_user(
        user=request.user, code=code, request=request, for_write=True, action="cases.case.opened"
    )
    matches = services_directory.matches_serving(case.unit)
    form = ReferralForm(request.POST or None, providers=matches)
    consent_missing = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = services.referral_send(
                actor=request.user,
                case=case,
                provider=data["provider"],
                services=data["services"],
                urgency=data["urgency"],
                visible_sections=[data["visible_sections"]],
                note=data["note"],
                request=request,
            )
        except ValidationError as exc:
            consent_missing = getattr(exc, "code", "") == "consent_required"
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã gửi chuyển gửi."))
            return redirect("referrals:detail", pk=referral.pk)
    context = {"case": case, "form": form, "matches": matches, "consent_missing": consent_missing}
    return render(request, "referrals/new.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def referral_inbox(request: HttpRequest) -> HttpResponse:
    if not scoping.has_permission(request.user, "referrals.receive"):
        raise PermissionDenied
    status = request.GET.get("status", "")
    status = status if status in ReferralStatus.values else ""
    page = paginate(request, selectors.inbox(request.user, status))
    now = timezone.now()
    for referral in page:
        referral.overdue = referral.is_overdue(now)
    context = {
        "page": page,
        "status": status,
        "statuses": ReferralStatus.choices,
        "query": query_without_page(request),
    }
    return render(request, "referrals/inbox.html", context)


def _visible(referral: Any) -> dict[str, Any]:
    """What the receiver may see: the sections the sender chose, never notes."""
    sections = set(referral.visible_sections)
    full = Section.CASE_EXCEPT_NOTES in sections
    needs = full or Section.NEEDS in sections
    context = {"show_needs": needs, "show_full": full}
    if full:
        page = case_page_context(referral.case)
        context.update(
            {
                k: page[k]
                for k in ("incidents", "risk", "services", "measures", "follow_ups", "consents")
            }
        )
        context["safety_plan"] = getattr(referral.case, "safety_plan", None)
    if needs:
        context["needs"] = referral.case.needs.all()
    else:
        context["incidents"] = context.get("incidents") or referral.case.incidents.all()
    return context


@login_required
@require_GET
def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    referral, side = selectors.referral_for_user(user=request.user, pk=pk, request=request)
    context = {
        "referral": referral,
        "case": referral.case,
        "side": side,
        "decline_form": DeclineForm(),
        "complete_form": CompleteForm(),
        "overdue": referral.is_overdue(),
    }
    if side == "receiver":
        state = access_state(referral)
        context["access"] = state
        if state.visible:
            context.update(_visible(referral))
    return render(request, "referrals/detail.html", context)


ACTIONS = {
    "accept": (
        None,
        lambda actor, referral, data, request: services.referral_accept(
            actor=actor, referral=referral, request=request
        ),
    ),
    "decline": (
        DeclineForm,
        lambda actor, referral, data, request: services.referral_decline(
            actor=actor, referral=referral, reason=data["reason"], request=request
        ),
    ),
    "complete": (
        CompleteForm,
        lambda actor, referral, data, request: services.referral_complete(
            actor=actor, referral=referral, outcome=data["outcome"], request=request
        ),
    ),
}


@login_required
@require_POST
def referral_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action == "revoke":  # the sender's side: the case fetched for writing logs the read
        referral, _side = selectors.referral_for_user(
            user=request.user, pk=pk, side="sender", log=False
        )
        case_selectors.case_get_for_user(
            user=request.user, code=referral.case.code, for_write=True, action="cases.case.opened"
        )
        try:
            services.referral_revoke(actor=request.user, referral=referral, request=request)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("referrals:detail", pk=pk)
    if action not in ACTIONS:
        raise Http404
    # the receiver's side; each decision is logged by its service (nothing when refused)
    referral, _side = selectors.referral_for_user(
        user=request.user, pk=pk, side="receiver", log=False
    )
    form_class, act = ACTIONS[action]
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("referrals:detail", pk=pk)
    try:
        act(request.user, referral, form.cleaned_data if form else {}, request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Đã cập nhật chuyển gửi."))
    if action == "decline":
        return redirect("referrals:inbox")
    return redirect("referrals:detail", pk=pk)


# ------------------------------------------------------------------------------------ directory


def _directory_scope(user: Any) -> list[str]:
    return scoping.grants(user, "orgs.manage")


@login_required
@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    commune_code = request.GET.get("commune_code", "").strip()[:5]
    service = request.GET.get("service", "")
    matches = None
    if commune_code and service in ServiceCode.values:
        from gbvms.geo.selectors import unit_get

        unit = unit_get(code=commune_code, level="commune")
        matches = services_directory.providers_for(unit, service) if unit else []
    prefixes = _directory_scope(request.user)
    providers = services_directory.providers_in_scope(request.user) if prefixes else None
    context = {
        "matches": matches,
        "commune_code": commune_code,
        "service": service,
        "services": ServiceCode.choices,
        "providers": providers,
        "import_form": DirectoryImportForm() if prefixes else None,
    }
    return render(request, "referrals/directory.html", context)


def _manageable_agencies(user: Any) -> Any:
    return scoping.scoped(user, "orgs.manage", Agency.objects.filter(is_active=True))


@login_required
@require_http_methods(["GET", "POST"])
def provider_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    prefixes = _directory_scope(request.user)
    if not prefixes:
        raise PermissionDenied
    provider = None
    if pk:
        provider = services_directory.providers_in_scope(request.user).filter(pk=pk).first()
        if provider is None:
            raise Http404
    form = ProviderForm(
        request.POST or None, instance=provider, agencies=_manageable_agencies(request.user)
    )
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        log_action(
            action="referrals.provider.saved", actor=request.user, request=request, obj=saved
        )
        messages.success(request, _("Đã lưu cơ sở."))
        return redirect("referrals:directory")
    return render(request, "referrals/provider_form.html", {"form": form, "provider": provider})


@login_required
@require_GET
def directory_export(request: HttpRequest, fmt: str) -> HttpResponse:
    prefixes = _directory_scope(request.user)
    if not prefixes:
        raise PermissionDenied
    if fmt not in ("csv", "xlsx"):
        raise Http404
    rows = services_directory.export_rows(services_directory.providers_in_scope(request.user))
    if fmt == "xlsx":  # typed cells and neutralised text: core.tabular
        return tabular.xlsx_response(rows, filename="gbvms-providers.xlsx", sheet="providers")
    return tabular.csv_response(rows, filename="gbvms-providers.csv")


@login_required
@require_POST
def directory_import(request: HttpRequest) -> HttpResponse:
    prefixes = _directory_scope(request.user)
    if not prefixes:
        raise PermissionDenied
    form = DirectoryImportForm(request.POST, request.FILES)
    errors: list[Any] = []
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:  # size, zip, header and row limits first
            rows = services_directory.read_upload(upload)
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            agencies = {a.pk: a for a in _manageable_agencies(request.user)}
            count, errors = services_directory.import_table(
                rows, agencies, services_directory.providers_in_scope(request.user)
            )
            if not errors:
                log_action(
                    action="referrals.directory.imported",
                    actor=request.user,
                    request=request,
                    changes={"rows": count},
                )
                messages.success(request, _("Đã nhập %(n)s cơ sở.") % {"n": count})
                return redirect("referrals:directory")
    context = {
        "import_form": form,
        "import_errors": errors,
        "services": ServiceCode.choices,
        "providers": services_directory.providers_in_scope(request.user),
    }
    return render(request, "referrals/directory.html", context, status=400)


@login_required
@require_GET
def stats(request: HttpRequest) -> HttpResponse:
    referrals = selectors.supervised_referrals(request.user)
    if not scoping.has_permission(request.user, "cases.supervise") and not scoping.has_permission(
        request.user, "referrals.receive"
    ):
        raise PermissionDenied
    context = {
        "by_provider": services.timeliness(referrals, "provider"),
        "by_unit": services.timeliness(referrals, "unit"),
    }
    return render(request, "referrals/stats.html", context)


# ------------------------------------------------------------------------------------ triage


@login_required
@require_GET
def help_inbox(request: HttpRequest) -> HttpResponse:
    if not scoping.has_permission(request.user, "cases.intake"):
        raise PermissionDenied
    status = request.GET.get("status", "")
    status = status if status in HelpStatus.values else ""
    page = paginate(request, selectors.help_inbox(request.user, status))
    return render(
        request,
        "referrals/help_inbox.html",
        {
            "page": page,
            "status": status,
            "statuses": HelpStatus.choices,
            "query": query_without_page(request),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def help_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.help_for_user(user=request.user, pk=pk, request=request)
    reply_form = ReplyForm(request.POST if request.POST.get("action") == "reply" else None)
    close_form = CloseHelpForm(request.POST if request.POST.get("action") == "close" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "reply" and reply_form.is_valid():
                services_public.help_reply(
                    actor=request.user, item=item, text=reply_form.cleaned_data["text"]
                )
                messages.success(request, _("Đã gửi trả lời."))
                return redirect("referrals:help_detail", pk=pk)
            if action == "close" and close_form.is_valid():
                services_public.help_close(
                    actor=request.user, item=item, reason=close_form.cleaned_data["reason"]
                )
                messages.success(request, _("Đã đóng yêu cầu."))
                return redirect("referrals:help_inbox")
            if action == "convert":
                case = services_public.help_convert(actor=request.user, item=item, request=request)
                messages.success(request, _("Đã mở vụ việc %(code)s.") % {"code": case.code})
                return redirect("cases:detail", code=case.code)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    import json

    context = {
        "item": item,
        "reply_form": reply_form,
        "close_form": close_form,
        "contact": json.loads(item.contact) if item.contact else {},
        "replies": item.replies.all(),
    }
    return render(request, "referrals/help_detail.html", context)
