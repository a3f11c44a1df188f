"""The JSON API (django-ninja): one router per app, thin over selectors and services."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import ValidationError

from gbvms.api import (
    audit,
    care,
    case_assign,
    case_notes,
    cases,
    geo,
    indicators,
    indicators_dhis2,
    me,
    notifications,
    programme,
    programme_delivery,
    referrals,
    reports,
    reports_files,
)
from gbvms.api.auth import AUTH, SecondFactorRequired

api = NinjaAPI(
    title="GBVMS API",
    version="1",
    description="API of GBVMS. Authenticate with `Authorization: Bearer <token>` "
    "(`manage.py create_token USERNAME`) or a browser session with CSRF.",
    auth=AUTH,
    urls_namespace="api",
)
api.add_router("/geo", geo.router)
api.add_router("", me.router)
api.add_router("", notifications.router)
api.add_router("", cases.router)
api.add_router("", care.router)
api.add_router("", case_notes.router)
api.add_router("", case_assign.router)
api.add_router("", audit.router)
api.add_router("", referrals.router)
api.add_router("", referrals.public_router)
api.add_router("", indicators.router)
api.add_router("", indicators_dhis2.router)
api.add_router("/programme", programme.router)
api.add_router("/programme", programme_delivery.router)
api.add_router("", reports.router)
api.add_router("", reports_files.router)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """django-ninja's 422 (each error names its field in ``loc``), with a stable ``code``."""
    body = {"code": "validation_error", "detail": exc.errors}
    return api.create_response(request, body, status=422)


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"code": "forbidden", "detail": "Forbidden"}, status=403)


@api.exception_handler(SecondFactorRequired)
def second_factor_required(request: HttpRequest, exc: SecondFactorRequired) -> HttpResponse:
    detail = _(
        "Vai trò của bạn bắt buộc xác thực hai lớp: hãy đăng nhập lại với mã xác thực "
        "(hoặc thiết lập tại /account/two-factor/) trước khi dùng API."
    )
    body = {"code": "second_factor_required", "detail": detail}
    return api.create_response(request, body, status=403)
