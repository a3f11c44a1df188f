"""Time rules of case records, shared by every service (so the page and the API agree).

These times feed the indicators ("supported in time", reporting delay), so nonsense is refused
here: nothing done before the case was detected or later than now (plus a small clock skew), no
incident after its detection, nothing before ``GBVMS_EARLIEST_DATE`` or the survivor's birth year.
Every error is attached to the caller's field and carries a stable code.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _


def _fail(field: str, message: str, code: str) -> None:
    raise ValidationError({field: ValidationError(message, code=code)})


def _skew() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.CLOCK_SKEW_MINUTES)


def _day(value: datetime.date | datetime.datetime) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value


def check_not_future(when: datetime.datetime | datetime.date, field: str) -> None:
    """A time already done cannot be later than now plus the clock skew."""
    if isinstance(when, datetime.datetime):
        late = when > timezone.now() + _skew()
    else:
        late = when > timezone.localdate(timezone.now() + _skew())
    if late:
        _fail(field, _("Thời điểm này không thể ở tương lai."), "in_future")


def check_sane_date(
    when: datetime.datetime | datetime.date, field: str, *, birth_year: int | None = None
) -> None:
    """Not before GBVMS_EARLIEST_DATE, nor before the survivor's birth year."""
    day = _day(when)
    earliest = settings.EARLIEST_DATE
    if day < earliest:
        message = _("Ngày này quá xa trong quá khứ (sớm nhất là %(day)s).") % {
            "day": earliest.strftime("%d/%m/%Y")
        }
        _fail(field, message, "too_early")
    if birth_year and day.year < birth_year:
        message = _("Ngày này trước năm sinh của người bị hại (%(year)s).") % {"year": birth_year}
        _fail(field, message, "before_birth")


def check_detection(detected_at: datetime.datetime, *, birth_year: int | None) -> None:
    check_not_future(detected_at, "detected_at")
    check_sane_date(detected_at, "detected_at", birth_year=birth_year)


def check_incident_day(
    occurred_on: datetime.date, *, detected_at: datetime.datetime, birth_year: int | None
) -> None:
    """An incident happens on or before the day it was detected, after the earliest date."""
    check_sane_date(occurred_on, "occurred_on", birth_year=birth_year)
    if occurred_on > _day(detected_at):
        message = _("Ngày xảy ra không thể sau thời điểm phát hiện.")
        _fail("occurred_on", message, "after_detection")


def check_after_detection(
    case: Any, when: datetime.datetime | datetime.date, field: str, *, future: bool = False
) -> None:
    """A service, measure, intervention or follow-up belongs to the case: not before it was
    detected; unless ``future`` (a due date), not later than now."""
    detected = case.detected_at
    early = when < detected if isinstance(when, datetime.datetime) else when < _day(detected)
    if early:
        message = _("Không thể trước thời điểm phát hiện vụ việc (%(at)s).") % {
            "at": timezone.localtime(detected).strftime("%H:%M %d/%m/%Y")
        }
        _fail(field, message, "before_detection")
    if not future:
        check_not_future(when, field)
