"""The JSON API (django-ninja): one router per app, thin over selectors and services."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from gbvms.api import audit, care, cases, geo, me, referrals
from gbvms.api.auth import AUTH

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
api.add_router("", cases.router)
api.add_router("", care.router)
api.add_router("", audit.router)
api.add_router("", referrals.router)
api.add_router("", referrals.public_router)


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"code": "forbidden", "detail": "Forbidden"}, status=403)
