"""Administration pages for agencies, users and memberships (the product UI, not Django admin)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gbvms.core import scoping
from gbvms.core.forms_util import submit
from gbvms.core.pagination import paginate, query_without_page
from gbvms.orgs import selectors, services
from gbvms.orgs.forms import AgencyForm, MembershipForm, PasswordForm, UserCreateForm, UserEditForm
from gbvms.orgs.models import AgencyKind


def _require(request: HttpRequest, permission: str) -> None:
    if not scoping.has_permission(request.user, permission):
        raise PermissionDenied


@login_required
@require_GET
def agency_list(request: HttpRequest) -> HttpResponse:
    _require(request, "orgs.view")
    q = request.GET.get("q", "").strip()[:100]
    kind = request.GET.get("kind", "")
    page = paginate(request, selectors.agency_list(user=request.user, q=q, kind=kind))
    context = {
        "page": page,
        "q": q,
        "kind": kind,
        "kinds": AgencyKind.choices,
        "query": query_without_page(request),
    }
    template = "orgs/agency_list.html#rows" if request.htmx else "orgs/agency_list.html"
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def agency_create(request: HttpRequest) -> HttpResponse:
    _require(request, "orgs.manage")
    form = AgencyForm(request.POST or None, actor=request.user)
    if request.method == "POST":
        agency = submit(form, services.agency_create, actor=request.user, request=request)
        if agency is not None:
            messages.success(request, _("Đã tạo cơ quan %(name)s.") % {"name": agency.name})
            return redirect("orgs:agency_detail", pk=agency.pk)
    return render(request, "orgs/agency_form.html", {"form": form, "agency": None})


@login_required
@require_GET
def agency_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agency = selectors.agency_get(user=request.user, pk=pk)
    history = agency.history.select_related("history_user").order_by("-history_date")[:20]
    members = scoping.scoped(
        request.user, "orgs.view", agency.memberships.select_related("user", "scope_unit")
    )
    context = {"agency": agency, "history": history, "members": members}
    return render(request, "orgs/agency_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def agency_edit(request: HttpRequest, pk: int) -> HttpResponse:
    agency = selectors.agency_get(user=request.user, pk=pk, for_write=True)
    initial = {f: getattr(agency, f) for f in services.AGENCY_FIELDS}
    form = AgencyForm(request.POST or None, actor=request.user, initial=initial)
    if request.method == "POST" and submit(
        form, services.agency_update, actor=request.user, agency=agency, request=request
    ):
        messages.success(request, _("Đã lưu thay đổi."))
        return redirect("orgs:agency_detail", pk=agency.pk)
    return render(request, "orgs/agency_form.html", {"form": form, "agency": agency})


@login_required
@require_GET
def user_list(request: HttpRequest) -> HttpResponse:
    _require(request, "orgs.view")
    q = request.GET.get("q", "").strip()[:100]
    page = paginate(request, selectors.user_list(user=request.user, q=q))
    context = {"page": page, "q": q, "query": query_without_page(request)}
    template = "orgs/user_list.html#rows" if request.htmx else "orgs/user_list.html"
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def user_create(request: HttpRequest) -> HttpResponse:
    _require(request, "orgs.manage")
    form = UserCreateForm(request.POST or None, actor=request.user)
    if request.method == "POST":
        member = submit(form, services.user_create, actor=request.user, request=request)
        if member is not None:
            messages.success(request, _("Đã tạo tài khoản %(u)s.") % {"u": member.username})
            return redirect("orgs:user_detail", pk=member.pk)
    return render(request, "orgs/user_create.html", {"form": form})


def _user_page(
    request: HttpRequest, member_pk: int, status: int = 200, **forms: object
) -> HttpResponse:
    member = selectors.user_get(user=request.user, pk=member_pk)
    context = {
        "member": member,
        "memberships": selectors.membership_list_for(user=request.user, member=member),
        "history": member.history.select_related("history_user").order_by("-history_date")[:20],
        "membership_form": MembershipForm(actor=request.user),
        "edit_form": UserEditForm(initial={f: getattr(member, f) for f in services.USER_FIELDS}),
        "password_form": PasswordForm(),
        **forms,
    }
    return render(request, "orgs/user_detail.html", context, status=status)


@login_required
@require_GET
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _user_page(request, pk)


def _user_action(
    request: HttpRequest, pk: int, form_name: str, form: Any, service: Any, done: str
) -> HttpResponse:
    """POST handler shared by the user page's forms: one service, errors shown in place."""
    member = selectors.user_get(user=request.user, pk=pk, for_write=True)
    if submit(form, service, actor=request.user, user=member, request=request):
        messages.success(request, done)
        return redirect("orgs:user_detail", pk=member.pk)
    return _user_page(request, member.pk, 400, **{form_name: form})


@login_required
@require_POST
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    form = UserEditForm(request.POST)
    return _user_action(request, pk, "edit_form", form, services.user_update, _("Đã lưu thay đổi."))


@login_required
@require_POST
def user_password(request: HttpRequest, pk: int) -> HttpResponse:
    form = PasswordForm(request.POST)
    done = _("Đã đặt mật khẩu mới.")
    return _user_action(request, pk, "password_form", form, services.user_set_password, done)


@login_required
@require_POST
def membership_add(request: HttpRequest, pk: int) -> HttpResponse:
    form = MembershipForm(request.POST, actor=request.user)
    done = _("Đã thêm phân quyền.")
    return _user_action(request, pk, "membership_form", form, services.membership_create, done)


@login_required
@require_POST
def membership_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    membership = selectors.membership_get(user=request.user, pk=pk)
    services.membership_set_active(
        actor=request.user, membership=membership, active=not membership.is_active, request=request
    )
    messages.success(request, _("Đã cập nhật phân quyền."))
    return redirect("orgs:user_detail", pk=membership.user_id)


AGENCY_PICKER_PAGE = 20


@login_required
@require_GET
def agency_search_json(request: HttpRequest) -> JsonResponse:
    """The agency picker's feed: agencies of the caller's scope matching ``q``, 20 a page."""
    q = request.GET.get("q", "").strip()[:100]
    try:
        page = max(1, min(int(request.GET.get("page", "1")), 1000))
    except ValueError:
        page = 1
    found = selectors.agency_search(user=request.user, q=q)
    start = (page - 1) * AGENCY_PICKER_PAGE
    items = [
        {"id": a.pk, "label": f"{a.name} — {a.unit.name}", "short_name": a.short_name}
        for a in found[start : start + AGENCY_PICKER_PAGE]
    ]
    more = len(found) > start + AGENCY_PICKER_PAGE
    return JsonResponse({"items": items, "page": page, "more": more})
