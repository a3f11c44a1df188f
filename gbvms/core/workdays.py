"""Working days: Monday to Friday, less public holidays (Labour Code 2019, Art. 112).

The fixed-date holidays are computed for every year: 1 January, 30 April, 1 May and 2 September.
Holidays that follow the lunar calendar or are announced each year (Tết, the Hùng Kings'
commemoration, the second National Day holiday, swapped days) are rows of ``PublicHoliday``,
entered by a national administrator. A holiday falling on a weekend gives a compensatory day off
on the next working day (Art. 112(3)).
"""

from __future__ import annotations

import datetime
from functools import lru_cache

from django.utils import timezone

FIXED = [(1, 1), (4, 30), (5, 1), (9, 2)]


def _announced(year: int) -> frozenset[datetime.date]:
    from gbvms.core.models import PublicHoliday

    return frozenset(PublicHoliday.objects.filter(date__year=year).values_list("date", flat=True))


@lru_cache(maxsize=64)
def _days_off_cached(year: int, announced: frozenset[datetime.date]) -> frozenset[datetime.date]:
    holidays = {datetime.date(year, m, d) for m, d in FIXED} | set(announced)
    off = set(holidays)
    for day in sorted(holidays):
        if day.weekday() >= 5:  # compensatory day: the next weekday that is not already off
            substitute = day + datetime.timedelta(days=1)
            while substitute.weekday() >= 5 or substitute in off:
                substitute += datetime.timedelta(days=1)
            off.add(substitute)
    return frozenset(off)


def days_off(year: int) -> frozenset[datetime.date]:
    """Public holidays and compensatory days of ``year`` (weekends not included)."""
    return _days_off_cached(year, _announced(year))


def is_working_day(
    day: datetime.date, _off: dict[int, frozenset[datetime.date]] | None = None
) -> bool:
    if day.weekday() >= 5:
        return False
    off = _off[day.year] if _off is not None and day.year in _off else days_off(day.year)
    return day not in off


def add_working_days(start: datetime.datetime, days: int) -> datetime.datetime:
    """``start`` moved forward by ``days`` working days (the same time of day)."""
    cache: dict[int, frozenset[datetime.date]] = {}
    current, added = start, 0
    while added < days:
        current += datetime.timedelta(days=1)
        # the calendar day where the work happens (Vietnam's), not UTC's
        day = timezone.localtime(current).date() if timezone.is_aware(current) else current.date()
        if day.year not in cache:
            cache[day.year] = days_off(day.year)
        if is_working_day(day, cache):
            added += 1
    return current
