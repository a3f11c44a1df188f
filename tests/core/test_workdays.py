"""Working-day deadlines are right in every year: the public holidays come from the maintained
calendar (Tết included), the announced swaps from the PublicHoliday table."""

import datetime

import pytest

from gbvms.core.models import PublicHoliday
from gbvms.core.workdays import add_working_days, days_off, is_working_day


def at(year, month, day):
    return datetime.datetime(year, month, day, 2, 0, tzinfo=datetime.UTC)  # 09:00 in Viet Nam


@pytest.mark.django_db
class TestWorkingDays:
    def test_no_row_is_seeded_for_what_the_calendar_knows(self):
        assert not PublicHoliday.objects.exists()
        assert {datetime.date(2026, 2, d) for d in range(16, 21)} <= days_off(2026)
        assert datetime.date(2026, 4, 27) in days_off(2026)  # Hùng Kings on Sunday 26/04

    def test_tet_2027_is_skipped_without_any_row(self):
        # Tết Đinh Mùi: mùng 1 is Saturday 06/02/2027; the break is Thu 04/02 – Wed 10/02
        for day in (4, 5, 8, 9, 10):
            assert not is_working_day(datetime.date(2027, 2, day))
        assert is_working_day(datetime.date(2027, 2, 3))
        assert is_working_day(datetime.date(2027, 2, 11))
        # Wednesday 03/02 + 5 working days: Thu 11, Fri 12, Mon 15, Tue 16, Wed 17
        assert add_working_days(at(2027, 2, 3), 5) == at(2027, 2, 17)

    def test_tet_2028_is_skipped_without_any_row(self):
        # Tết Mậu Thân: mùng 1 is Wednesday 26/01/2028; the break is Mon 24 – Fri 28/01
        for day in range(24, 29):
            assert not is_working_day(datetime.date(2028, 1, day))
        # Friday 21/01 + 5 working days: Mon 31/01 … Fri 04/02
        assert add_working_days(at(2028, 1, 21), 5) == at(2028, 2, 4)
        assert add_working_days(at(2028, 1, 21), 1) == at(2028, 1, 31)

    def test_a_swap_stored_as_data_is_honoured(self):
        # announced: Monday 13/03/2028 off, worked on Saturday 18/03/2028 instead
        monday, saturday = datetime.date(2028, 3, 13), datetime.date(2028, 3, 18)
        assert is_working_day(monday)
        assert not is_working_day(saturday)
        assert add_working_days(at(2028, 3, 10), 5) == at(2028, 3, 17)
        PublicHoliday.objects.create(date=monday, name="Nghỉ hoán đổi")
        PublicHoliday.objects.create(
            date=saturday, name="Làm bù", kind=PublicHoliday.Kind.WORKING_DAY
        )
        assert not is_working_day(monday)
        assert is_working_day(saturday)
        # Fri 10/03 + 5: Tue 14, Wed 15, Thu 16, Fri 17, Sat 18 (worked)
        assert add_working_days(at(2028, 3, 10), 5) == at(2028, 3, 18)

    def test_an_announced_working_day_overrides_the_calendar(self):
        # 2026: the calendar moves Saturday 22/08 to Monday 31/08 (before National Day)
        assert is_working_day(datetime.date(2026, 8, 22))
        assert not is_working_day(datetime.date(2026, 8, 31))
        PublicHoliday.objects.create(
            date=datetime.date(2026, 8, 31), name="Đi làm", kind=PublicHoliday.Kind.WORKING_DAY
        )
        assert is_working_day(datetime.date(2026, 8, 31))
