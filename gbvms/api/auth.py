from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from gbvms.core.twofactor import needs_second_factor
from gbvms.orgs.services import token_authenticate


class SecondFactorRequired(PermissionDenied):
    """A browser session whose role requires a second factor that it has not verified."""


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class SessionAuth(NinjaSessionAuth):
    """The browser's session, refused (403 ``second_factor_required``) like on the pages while
    the user's role requires a second factor that the session has not verified."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is not None and needs_second_factor(user):
            raise SecondFactorRequired
        return user


# Machines use a bearer token (no second factor: see `create_token`); the browser uses its
# session (CSRF checked by django-ninja).
AUTH = [BearerToken(), SessionAuth()]
