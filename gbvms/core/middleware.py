"""Security headers and the second-factor gate."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation

from gbvms.core.twofactor import needs_second_factor

Handler = Callable[[HttpRequest], HttpResponse]


class SecurityHeadersMiddleware:
    """Content-Security-Policy (no inline scripts or styles) and Permissions-Policy."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        if request.user.is_authenticated if hasattr(request, "user") else False:
            response.headers.setdefault("Cache-Control", "no-store, private")
        return response


# Paths a signed-in but not yet verified user may still reach. The API is not redirected to an
# HTML page: its session authentication refuses such a session with JSON (gbvms/api/auth.py).
OPEN_PREFIXES = ("/static/", "/healthz", "/i18n/", "/api/")


class SecondFactorMiddleware:
    """Sends users whose role requires a second factor to set one up (or verify it) first."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            not request.path.startswith(OPEN_PREFIXES)
            and request.path not in {reverse("core:twofactor_setup"), reverse("core:logout")}
            and needs_second_factor(request.user)
        ):
            return redirect("core:twofactor_setup")
        return self.get_response(request)


class LanguageMiddleware:
    """Vietnamese first: the language comes from the user's explicit choice (cookie) only,
    never from the browser's Accept-Language header."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        try:
            response = self.get_response(request)
        finally:
            translation.deactivate()  # the thread's next work starts from the default again
        response.headers.setdefault("Content-Language", language)
        return response
