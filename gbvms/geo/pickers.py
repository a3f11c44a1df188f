"""The commune picker's feed URL, for form widgets (``data-picker``, see static picker.js)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse_lazy
from django.utils.text import format_lazy


def picker_url(scope: str = "", level: str = "commune") -> Any:
    """The feed URL a widget names in ``data-picker`` (lazy: forms load before the URLconf)."""
    query = f"?level={level}" + (f"&scope={scope}" if scope else "")
    return format_lazy("{}{}", reverse_lazy("geo:unit_search"), query)


def names_url(level: str = "commune") -> Any:
    """The whole list of current units, filtered in the browser (``data-picker-local``)."""
    return format_lazy("{}?level={}", reverse_lazy("geo:unit_names"), level)


def local_picker_attrs(level: str = "commune") -> dict[str, Any]:
    """Widget attributes of a code-or-name field picked from the whole list, in the browser."""
    return {"data-picker": names_url(level), "data-picker-local": "", "data-picker-value": "code"}
