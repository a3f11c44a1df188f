"""Phone numbers: validated and normalised with Google's libphonenumber (``phonenumbers``).

Accepted: Vietnamese mobile and landline numbers in any usual form (``0912 345 678``,
``+84 912 345 678``, ``0084…``, ``(028) 3829 1234``), foreign numbers written with ``+``, the
1800/1900 numbers, and the short emergency and hotline numbers (113, 114, 115 from
libphonenumber's data; 111 — the national child-protection hotline — and 112, which its data
lacks). Stored form: E.164 (``+84912345678``) for ordinary numbers; the digits for
1800/1900 and short numbers, which are only dialled inside Viet Nam.

Everything that stores a phone calls :func:`normalise` (services, imports) or uses
:class:`PhoneField` (forms), so the blind index is always computed on the same form of a number.
"""

from __future__ import annotations

from typing import Any

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from phonenumbers import PhoneNumberFormat, PhoneNumberType, shortnumberinfo

REGION = "VN"
# National hotlines that libphonenumber's short-number data does not list.
EXTRA_SHORT_NUMBERS = frozenset({"111", "112"})
DOMESTIC_TYPES = {PhoneNumberType.TOLL_FREE, PhoneNumberType.PREMIUM_RATE,
                  PhoneNumberType.SHARED_COST}  # fmt: skip
MAX_LENGTH = 30


def _invalid() -> ValidationError:
    return ValidationError(
        _("Số điện thoại không hợp lệ. Ví dụ: 0912 345 678, +84 912 345 678, 024 3823 4567, "
          "1900 1234 hoặc 111."),
        code="invalid_phone",
    )  # fmt: skip


def normalise(value: str | None) -> str:
    """The stored form of ``value`` ('' for an empty value); ValidationError when it is not a
    phone number."""
    text = (value or "").strip()
    if not text:
        return ""
    if len(text) > MAX_LENGTH:
        raise _invalid()
    digits = "".join(ch for ch in text if ch.isdigit())
    if digits in EXTRA_SHORT_NUMBERS and not text.startswith("+"):
        return digits
    try:
        number = phonenumbers.parse(text, REGION)
    except phonenumbers.NumberParseException:
        raise _invalid() from None
    if not text.startswith("+") and shortnumberinfo.is_valid_short_number_for_region(
        number, REGION
    ):
        return phonenumbers.national_significant_number(number)
    if not phonenumbers.is_valid_number(number):
        raise _invalid()
    if number.country_code == 84 and phonenumbers.number_type(number) in DOMESTIC_TYPES:
        return phonenumbers.national_significant_number(number)
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def normalise_field(value: str | None, field: str) -> str:
    """:func:`normalise`, with the error attached to ``field``."""
    try:
        return normalise(value)
    except ValidationError as exc:
        raise ValidationError({field: exc}) from None


class PhoneField(forms.CharField):
    """A form field that cleans to the stored form of a phone number."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", MAX_LENGTH)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        return normalise(super().clean(value))
