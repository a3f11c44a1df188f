"""Text normalisation shared by search and blind indexes (Vietnamese diacritics folded)."""

from __future__ import annotations

import contextlib
import re
import unicodedata

_SPACES = re.compile(r"\s+")
_NOT_WORD = re.compile(r"[^\w\s]", re.UNICODE)


def fold(text: str) -> str:
    """Lower-case, strip Vietnamese diacritics (đ → d), drop punctuation, collapse spaces.

    >>> fold("  Thành phố Hà Nội ")
    'thanh pho ha noi'
    """
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("đ", "d").replace("Đ", "D").lower()
    text = _NOT_WORD.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def normalise_phone(text: str) -> str:
    """Digits only, with the Vietnamese country code folded to a leading 0 (a valid number is
    first put in its stored form, so '0084 912…', '84912…' and '0912…' are one number)."""
    from django.core.exceptions import ValidationError

    from gbvms.core.phones import normalise

    with contextlib.suppress(ValidationError):  # not a phone number: its digits, as before
        text = normalise(text)
    digits = re.sub(r"\D", "", text or "")
    if digits.startswith("84") and len(digits) >= 11:
        digits = "0" + digits[2:]
    return digits
