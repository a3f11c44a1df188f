"""Report periods: the indicator period keys (``gbvms.indicators.periods``) plus the Action
Month, ``2026AM`` (15/11–15/12, REPORTING §B.1), which no indicator is computed for."""

from __future__ import annotations

import datetime
import re

from gbvms.indicators import periods
from gbvms.indicators.periods import Period, PeriodError

_ACTION_MONTH = re.compile(r"^(?P<year>\d{4})AM$")


def parse(key: str) -> Period:
    """A period of a report; the Action Month is typed ``AM``."""
    match = _ACTION_MONTH.match(key or "")
    if match is None:
        return periods.parse(key)
    year = int(match["year"])
    if not periods.MIN_YEAR <= year <= periods.MAX_YEAR:
        raise PeriodError(key)
    return Period(key, "AM", False, year, datetime.date(year, 11, 15),
                  datetime.date(year, 12, 15))  # fmt: skip


def is_valid(key: str) -> bool:
    try:
        parse(key)
    except PeriodError:
        return False
    return True


def action_month(year: int) -> str:
    return f"{year}AM"
