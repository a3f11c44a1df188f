"""Period keys (DHIS2 style) and their date windows.

Calendar keys follow DHIS2: ``2026`` (year), ``2026S1`` / ``2026S2`` (six-month), ``202611``
(month). A reporting requirement may instead use the cut-off window of Nghị định 09/2019
(15/12 of the prior year to 14/06, and to 14/12): those keys carry a ``C`` suffix —
``2026S1C`` (15/12/2025–14/06/2026), ``2026S2C`` (15/06–14/12/2026), ``2026C``
(15/12/2025–14/12/2026). DHIS2 never receives a cut-off key (REPORTING §D.2).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

_KEY = re.compile(r"^(?P<year>\d{4})(?:(?P<month>0[1-9]|1[0-2])|S(?P<half>[12]))?(?P<cut>C)?$")
MIN_YEAR, MAX_YEAR = 2000, 2100


class PeriodError(ValueError):
    """Not a period key GBVMS knows."""


@dataclass(frozen=True)
class Period:
    key: str
    type: str  # "Y", "S" or "M"
    cutoff: bool
    year: int
    start: datetime.date  # inclusive
    end: datetime.date  # inclusive

    @property
    def group(self) -> int:
        """The year whose suppression pattern and recomputation this period belongs to."""
        return self.year

    def contains(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end

    def label(self) -> str:
        if self.type == "M":
            return _("Tháng %(month)s/%(year)s") % {"month": self.start.month, "year": self.year}
        if self.type == "S":
            text = (
                _("6 tháng đầu năm %(year)s")
                if self.key[5] == "1"
                else _("6 tháng cuối năm %(year)s")
            )
            text = text % {"year": self.year}
        else:
            text = _("Năm %(year)s") % {"year": self.year}
        if self.cutoff:
            text += f" ({self.start:%d/%m/%Y}–{self.end:%d/%m/%Y})"
        return text

    def adx(self) -> str:
        """ISO 8601 start/duration as ADX wants it (calendar keys only)."""
        if self.cutoff:
            raise PeriodError("a cut-off window has no DHIS2 period")
        duration = {"Y": "P1Y", "S": "P6M", "M": "P1M"}[self.type]
        return f"{self.start.isoformat()}/{duration}"


def _last_day(year: int, month: int) -> datetime.date:
    nxt = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return nxt - datetime.timedelta(days=1)


def parse(key: str) -> Period:
    match = _KEY.match(key or "")
    if not match:
        raise PeriodError(key)
    year = int(match["year"])
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise PeriodError(key)
    cut = bool(match["cut"])
    if match["month"]:
        if cut:
            raise PeriodError(key)
        month = int(match["month"])
        return Period(key, "M", False, year, datetime.date(year, month, 1), _last_day(year, month))
    if match["half"]:
        first = match["half"] == "1"
        if cut:
            start = datetime.date(year - 1, 12, 15) if first else datetime.date(year, 6, 15)
            end = datetime.date(year, 6, 14) if first else datetime.date(year, 12, 14)
        else:
            start = datetime.date(year, 1 if first else 7, 1)
            end = datetime.date(year, 6, 30) if first else datetime.date(year, 12, 31)
        return Period(key, "S", cut, year, start, end)
    if cut:
        return Period(key, "Y", True, year, datetime.date(year - 1, 12, 15),
                      datetime.date(year, 12, 14))  # fmt: skip
    return Period(key, "Y", False, year, datetime.date(year, 1, 1), datetime.date(year, 12, 31))


def is_valid(key: str) -> bool:
    try:
        parse(key)
    except PeriodError:
        return False
    return True


def cutoff_year(day: datetime.date) -> int:
    """The cut-off year a day belongs to (15/12 starts the next one)."""
    return day.year + 1 if (day.month, day.day) >= (12, 15) else day.year


def keys_for(day: datetime.date) -> dict[str, str]:
    """The period keys containing ``day``: month, six-month, year, and the cut-off ones."""
    half = 1 if day.month <= 6 else 2
    cy = cutoff_year(day)
    chalf = 1 if (day.month, day.day) >= (12, 15) or (day.month, day.day) < (6, 15) else 2
    return {
        "m": f"{day.year}{day.month:02d}",
        "s": f"{day.year}S{half}",
        "y": f"{day.year}",
        "sc": f"{cy}S{chalf}C",
        "yc": f"{cy}C",
    }


def year_keys(year: int) -> list[str]:
    """Every key whose group is ``year`` (what one recomputation of a unit-year writes)."""
    months = [f"{year}{m:02d}" for m in range(1, 13)]
    return [*months, f"{year}S1", f"{year}S2", f"{year}", f"{year}S1C", f"{year}S2C", f"{year}C"]


def groups_for(day: datetime.date) -> set[int]:
    """The year groups a dated record touches (its calendar year and its cut-off year)."""
    return {day.year, cutoff_year(day)}


def suppression_keys(year: int) -> list[str]:
    """The periods served to suppressed audiences (months are not: REPORTING §F.4)."""
    return [f"{year}S1", f"{year}S2", f"{year}", f"{year}S1C", f"{year}S2C", f"{year}C"]
