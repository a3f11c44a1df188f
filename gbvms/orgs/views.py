"""Administration pages for agencies, users and memberships (the product UI, not Django admin)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gbvms.core import scoping
from gbvms.core.forms_util import add_service_errors
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
    if request.method == "POST" and form.is_valid():
        try:
            agency = services.agency_create(
                actor=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
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
    if request.method == "POST" and form.is_valid():
        try:
            services.agency_update(
                actor=request.user, agency=agency, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
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
    if request.method == "POST" and form.is_valid():
        try:
            member = services.user_create(actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
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


@login_required
@require_POST
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = selectors.user_get(user=request.user, pk=pk, for_write=True)
    form = UserEditForm(request.POST)
    if form.is_valid():
        try:
            services.user_update(
                actor=request.user, user=member, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu thay đổi."))
            return redirect("orgs:user_detail", pk=member.pk)
    return _user_page(request, member.pk, 400, edit_form=form)


@login_required
@require_POST
def user_password(request: HttpRequest, pk: int) -> HttpResponse:
    member = selectors.user_get(user=request.user, pk=pk, for_write=True)
    form = PasswordForm(request.POST)
    if form.is_valid():
        try:
            services.user_set_password(
                actor=request.user, user=member, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã đặt mật khẩu mới."))
            return redirect("orgs:user_detail", pk=member.pk)
    return _user_page(request, member.pk, 400, password_form=form)


@login_required
@require_POST
def membership_add(request: HttpRequest, pk: int) -> HttpResponse:
    member = selectors.user_get(user=request.user, pk=pk, for_write=True)
    form = MembershipForm(request.POST, actor=request.user)
    if form.is_valid():
        try:
            services.membership_create(
                actor=request.user, user=member, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã thêm phân quyền."))
            return redirect("orgs:user_detail", pk=member.pk)
    return _user_page(request, member.pk, 400, membership_form=form)


@login_required
@require_POST
def membership_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    membership = selectors.membership_get(user=request.user, pk=pk)
    services.membership_set_active(
        actor=request.user, membership=membership, active=not membership.is_active, request=request
    )
    messages.success(request, _("Đã cập nhật phân quyền."))
    return redirect("orgs:user_detail", pk=membership.user_id)
