"""Working days: Monday to Friday, less public holidays (Labour Code 2019, Art. 112).

The public holidays of every year — 1 January, Tết (lunar New Year, five days), the Hùng Kings'
commemoration (10/3 lunar), 30 April, 1 May, 2 September and the day next to it, with the
compensatory day of a holiday that falls on a weekend — come from the maintained ``holidays``
calendar (python-holidays, Viet Nam), which also carries the swaps it knows of. What the
government announces on top (an extra day off, or a weekend day worked in exchange) are rows of
``PublicHoliday``, entered by a national administrator; a row wins over the calendar.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import lru_cache

import holidays
from django.utils import timezone


@dataclass(frozen=True)
class Year:
    off: frozenset[datetime.date]  # weekdays without work
    worked: frozenset[datetime.date]  # weekend days with work (swaps)


@lru_cache(maxsize=64)
def _calendar(year: int) -> tuple[frozenset[datetime.date], frozenset[datetime.date]]:
    calendar = holidays.country_holidays("VN", years=year)
    worked = {d for d in getattr(calendar, "weekend_workdays", ()) if d.year == year}
    return frozenset(calendar.keys()), frozenset(worked)


def _announced(year: int) -> tuple[frozenset[datetime.date], frozenset[datetime.date]]:
    from gbvms.core.models import PublicHoliday

    rows = PublicHoliday.objects.filter(date__year=year).values_list("date", "kind")
    off = {day for day, kind in rows if kind == PublicHoliday.Kind.DAY_OFF}
    worked = {day for day, kind in rows if kind == PublicHoliday.Kind.WORKING_DAY}
    return frozenset(off), frozenset(worked)


def year_calendar(year: int) -> Year:
    """The days off and the weekend days worked of ``year`` (the calendar and the table)."""
    calendar_off, calendar_worked = _calendar(year)
    announced_off, announced_worked = _announced(year)
    off = (calendar_off - announced_worked) | announced_off
    worked = (calendar_worked - announced_off) | announced_worked
    return Year(off=frozenset(off), worked=frozenset(worked))


def days_off(year: int) -> frozenset[datetime.date]:
    """Public holidays, compensatory and announced days off of ``year`` (weekends not included
    unless a holiday falls on one)."""
    return year_calendar(year).off


def is_working_day(day: datetime.date, _years: dict[int, Year] | None = None) -> bool:
    year = _years[day.year] if _years is not None and day.year in _years else None
    year = year or year_calendar(day.year)
    if day in year.worked:
        return True
    return day.weekday() < 5 and day not in year.off


def add_working_days(start: datetime.datetime, days: int) -> datetime.datetime:
    """``start`` moved forward by ``days`` working days (the same time of day)."""
    cache: dict[int, Year] = {}
    current, added = start, 0
    while added < days:
        current += datetime.timedelta(days=1)
        # the calendar day where the work happens (Vietnam's), not UTC's
        day = timezone.localtime(current).date() if timezone.is_aware(current) else current.date()
        if day.year not in cache:
            cache[day.year] = year_calendar(day.year)
        if is_working_day(day, cache):
            added += 1
    return current
