"""Sign in (password, then TOTP when the user has one), sign out, second-factor enrolment."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate, get_user_model, login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from gbvms.core import scoping, twofactor
from gbvms.core.audit import log_action
from gbvms.core.forms import LoginForm, TokenForm
from gbvms.orgs.selectors import memberships_of

PENDING_KEY = "gbvms_pending_2fa"
MAX_TOKEN_TRIES = 5


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return settings.LOGIN_REDIRECT_URL


# The indicator dashboard is the landing page of the statistician and the programme officer
# (issue 10) unless they also do case work; everyone else lands on the home page.
DASHBOARD_ROLES = frozenset({"statistician", "programme_officer"})


def _landing_url(request: HttpRequest, user: Any) -> str:
    target = _next_url(request)
    if resolve_url(target) != resolve_url(settings.LOGIN_REDIRECT_URL):
        return target  # the page the user asked for
    roles = set(memberships_of(user).values_list("role", flat=True))
    if roles & DASHBOARD_ROLES and not scoping.has_permission(user, "cases.view"):
        return reverse("indicators:dashboard")
    return target


def _complete_login(request: HttpRequest, user: Any, device: Any = None) -> HttpResponse:
    target = _landing_url(request, user)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    if device is not None:
        otp_login(request, device)
    log_action(action="core.login", actor=user, request=request)
    return redirect(target)


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("core:home")
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        user = authenticate(request, username=username, password=form.cleaned_data["password"])
        if user is None:
            locked = getattr(request, "axes_locked_out", False)
            action = "core.login_locked" if locked else "core.login_failed"
            log_action(action=action, request=request, username=username)
            form.add_error(None, _("Tên đăng nhập hoặc mật khẩu không đúng."))
        elif twofactor.confirmed_device(user) is not None:
            request.session[PENDING_KEY] = {"user": user.pk, "tries": 0, "next": _next_url(request)}
            return redirect("core:twofactor_verify")
        else:
            return _complete_login(request, user)
    return render(request, "core/login.html", {"form": form, "next": _next_url(request)})


@require_http_methods(["GET", "POST"])
def twofactor_verify(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(PENDING_KEY)
    if not pending:
        return redirect("core:login")
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    form = TokenForm(request.POST or None)
    if user is not None and request.method == "POST" and form.is_valid():
        device = twofactor.twofactor_check(user=user, token=form.cleaned_data["token"])
        if device is not None:
            del request.session[PENDING_KEY]
            request.POST = request.POST.copy()
            request.POST["next"] = pending.get("next", "")
            return _complete_login(request, user, device)
        pending["tries"] += 1
        request.session[PENDING_KEY] = pending
        log_action(action="core.login_failed", request=request, username=user.get_username())
        if pending["tries"] >= MAX_TOKEN_TRIES:
            del request.session[PENDING_KEY]
            return redirect("core:login")
        form.add_error("token", _("Mã xác thực không đúng hoặc đã hết hạn."))
    return render(request, "core/twofactor_verify.html", {"form": form})


@require_http_methods(["GET", "POST"])
def twofactor_setup(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("core:login")
    device = twofactor.pending_device(request)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if twofactor.twofactor_confirm(
            user=request.user, token=form.cleaned_data["token"], request=request
        ):
            return redirect("core:home")
        form.add_error("token", _("Mã xác thực không đúng hoặc đã hết hạn."))
    context = {
        "form": form,
        "qr": twofactor.qr_svg_data_uri(device),
        "secret": twofactor.secret_base32(device),
        "required": twofactor.second_factor_required(request.user),
        "has_device": twofactor.confirmed_device(request.user) is not None,
    }
    return render(request, "core/twofactor_setup.html", context)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        log_action(action="core.logout", actor=request.user, request=request)
    logout(request)
    return redirect("core:login")


def lockout_response(request: HttpRequest, response: Any = None, credentials: Any = None) -> Any:
    context = {"minutes": int(settings.AXES_COOLOFF_TIME * 60), "form": LoginForm()}
    return render(request, "core/locked.html", context, status=429)
