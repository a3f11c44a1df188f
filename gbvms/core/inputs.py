"""Input-layer bounds shared by the forms, the JSON API and the request guard.

These are the generic limits of what the software can store and compute with, not domain rules
(a service before detection is refused by the case services): text without control characters
(PostgreSQL cannot store NUL; the others are never typed by a person and break exports and logs),
dates a person could mean (year 1 or 9999 overflow when converted between time zones), and
integers that fit a 64-bit column.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext, gettext_lazy

DATE_MIN = datetime.date(1900, 1, 1)
DATE_MAX = datetime.date(2100, 12, 31)
INT_MIN = -(2**63)
INT_MAX = 2**63 - 1

# C0 controls but tab, line feed and carriage return; DEL; C1 controls; lone surrogates (JSON
# "\ud800" decodes to one, and no database encodes it).
_CONTROL = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff"
_MULTILINE_BAD = re.compile(f"[{_CONTROL}]")
_LINE_BAD = re.compile(f"[{_CONTROL}\t\n\r]")

CONTROL_MESSAGE = gettext_lazy("Văn bản chứa ký tự điều khiển không hợp lệ.")
INT_MESSAGE = gettext_lazy("Số nằm ngoài giới hạn cho phép.")
CONTROL_CODE = "control_characters"
DATE_CODE = "date_out_of_range"
INT_CODE = "number_out_of_range"


def has_control_characters(value: str, *, multiline: bool = True) -> bool:
    """True when ``value`` holds a character no input may carry (tab and new lines: only if
    ``multiline``)."""
    pattern = _MULTILINE_BAD if multiline else _LINE_BAD
    return pattern.search(value) is not None


def date_in_range(value: datetime.date) -> bool:
    """The calendar day (in the value's own time zone: no conversion, so no overflow)."""
    day = value.date() if isinstance(value, datetime.datetime) else value
    return DATE_MIN <= day <= DATE_MAX


def date_message() -> str:
    return gettext("Ngày phải trong khoảng từ %(min)s đến %(max)s.") % {
        "min": DATE_MIN.strftime("%d/%m/%Y"),
        "max": DATE_MAX.strftime("%d/%m/%Y"),
    }


@deconstructible
class TextValidator:
    """Refuses control characters; ``multiline`` allows tab, line feed and carriage return."""

    def __init__(self, *, multiline: bool = True) -> None:
        self.multiline = multiline

    def __call__(self, value: Any) -> None:
        if isinstance(value, str) and has_control_characters(value, multiline=self.multiline):
            raise ValidationError(CONTROL_MESSAGE, code=CONTROL_CODE)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TextValidator) and other.multiline == self.multiline


@deconstructible
class DateRangeValidator:
    """Refuses a date or date-time outside ``DATE_MIN`` … ``DATE_MAX``."""

    def __call__(self, value: Any) -> None:
        if isinstance(value, datetime.date) and not date_in_range(value):
            raise ValidationError(date_message(), code=DATE_CODE)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DateRangeValidator)


@deconstructible
class IntegerRangeValidator:
    """Refuses an integer that does not fit a signed 64-bit column."""

    def __call__(self, value: Any) -> None:
        if isinstance(value, int) and not INT_MIN <= value <= INT_MAX:
            raise ValidationError(INT_MESSAGE, code=INT_CODE)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, IntegerRangeValidator)


def find_control_characters(values: Any) -> list[str]:
    """Names of the entries of a ``QueryDict``/``MultiValueDict`` whose key or a value holds a
    control character (a query string or a form body is single-line text)."""
    bad = []
    for key, items in values.lists():
        if has_control_characters(key, multiline=False) or any(
            has_control_characters(v, multiline=False) for v in items
        ):
            bad.append(key)
    return bad


API_PREFIX = "/api/"
_FORM_BODIES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _bad_headers(request: HttpRequest) -> bool:
    headers = (v for k, v in request.META.items() if k.startswith("HTTP_") or k == "CONTENT_TYPE")
    if any(
        isinstance(v, str) and has_control_characters(v.replace("\t", " "), multiline=False)
        for v in headers
    ):
        return True
    # a cookie only matters when it holds NUL (the session key is looked up in the database);
    # another site's odd cookie on the same host must not lock the user out
    return any("\x00" in k + v for k, v in request.COOKIES.items())


def _bad_body(request: HttpRequest) -> list[str]:
    """Fields of a form body that hold NUL (the other control characters are the forms' to
    refuse, with a message beside the field). A body too big or malformed raises here as it
    would in the CSRF check (the 400/413 pages)."""
    if request.method != "POST" or request.content_type not in _FORM_BODIES:
        return []
    try:
        body, files = request.POST, request.FILES
    except OSError:
        return []  # the client went away: the view answers as it would have
    bad = [k for k, items in body.lists() if "\x00" in k or any("\x00" in v for v in items)]
    return bad + [k for k, items in files.lists() if any("\x00" in f.name for f in items)]


class InputGuardMiddleware:
    """Refuses, before anything reads them, a path, header, cookie or query parameter with a
    control character and a form field with NUL: 400 (422 with the parameters named for a query
    string on the API) instead of a database error."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if has_control_characters(request.path_info, multiline=False) or _bad_headers(request):
            return self._refuse(request, 400, [])
        bad_query = find_control_characters(request.GET)
        if bad_query:
            return self._refuse(request, 422, [("query", k) for k in bad_query])
        bad_body = _bad_body(request)
        if bad_body:
            return self._refuse(request, 422, [("form", k) for k in bad_body])
        return self.get_response(request)

    def _refuse(
        self, request: HttpRequest, status: int, where: list[tuple[str, str]]
    ) -> HttpResponse:
        if not request.path_info.startswith(API_PREFIX):
            return render(request, "errors/400.html", status=400)
        message = str(CONTROL_MESSAGE)
        detail = [
            {"type": CONTROL_CODE, "loc": [place, name], "msg": message} for place, name in where
        ]
        return JsonResponse(
            {
                "code": "invalid_characters",
                "detail": detail or [{"type": CONTROL_CODE, "loc": [], "msg": message}],
            },
            status=status,
        )
