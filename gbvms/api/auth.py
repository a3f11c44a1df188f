from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, django_auth

from gbvms.orgs.services import token_authenticate


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = token_authenticate(token)
        if user is not None:
            request.user = user
        return user


# Machines use a bearer token; the browser uses its session (CSRF checked by django-ninja).
AUTH = [BearerToken(), django_auth]
