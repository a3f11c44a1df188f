"""The commune picker's feed URL, for form widgets (``data-picker``, see static picker.js)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse_lazy
from django.utils.text import format_lazy


def picker_url(scope: str = "", level: str = "commune") -> Any:
    """The feed URL a widget names in ``data-picker`` (lazy: forms load before the URLconf)."""
    query = f"?level={level}" + (f"&scope={scope}" if scope else "")
    return format_lazy("{}{}", reverse_lazy("geo:unit_search"), query)
