"""Working days and local send times, against the `holidays` library's Finnish calendar."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from scheduler.calendar import (
    HOLIDAY_TABLE,
    TABLE_YEARS,
    library_holidays,
    local_send_time,
    next_working_day,
    previous_working_day,
    working_day,
    write_holiday_table,
)

HELSINKI = ZoneInfo("Europe/Helsinki")


@pytest.mark.parametrize(
    "day",
    [date(2027, 1, 16), date(2027, 1, 17)],  # Saturday, Sunday
)
def test_weekend_is_not_working(day: date) -> None:
    assert not working_day(day)


@pytest.mark.parametrize(
    "day",
    [date(2027, 1, 15), date(2027, 2, 3), date(2026, 12, 31), date(2027, 2, 5)],
)
def test_ordinary_weekdays_are_working(day: date) -> None:
    # 2026-12-31 (New Year's Eve) and 2027-02-05 (Runeberg Day, a flag day) are working days.
    assert working_day(day)


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 12, 24),  # Christmas Eve (Thu)
        date(2026, 12, 25),  # Christmas Day (Fri)
        date(2027, 12, 24),  # Christmas Eve (Fri)
        date(2027, 12, 26),  # Second Day of Christmas (Sun)
        date(2027, 1, 1),  # New Year's Day (Fri)
        date(2027, 1, 6),  # Epiphany (Wed)
        date(2027, 3, 26),  # Good Friday
        date(2027, 3, 29),  # Easter Monday
        date(2027, 5, 6),  # Ascension Day (Thu)
        date(2027, 6, 25),  # Midsummer Eve (Fri)
        date(2026, 6, 19),  # Midsummer Eve (Fri)
        date(2027, 12, 6),  # Independence Day (Mon)
        date(2026, 5, 1),  # May Day (Fri)
    ],
)
def test_finnish_holidays_are_not_working(day: date) -> None:
    assert not working_day(day)


def test_boxing_day_on_a_weekday_is_not_working() -> None:
    assert date(2029, 12, 26).weekday() == 2  # Wednesday
    assert not working_day(date(2029, 12, 26))


def test_working_day_keeps_its_date() -> None:
    assert previous_working_day(date(2027, 2, 3)) == date(2027, 2, 3)
    assert next_working_day(date(2027, 2, 3)) == date(2027, 2, 3)


def test_weekend_moves_to_friday_or_monday() -> None:
    assert previous_working_day(date(2027, 1, 17)) == date(2027, 1, 15)
    assert next_working_day(date(2027, 1, 16)) == date(2027, 1, 18)


def test_easter_long_weekend() -> None:
    # Good Friday 26 March to Easter Monday 29 March 2027.
    for day in (date(2027, 3, 26), date(2027, 3, 28), date(2027, 3, 29)):
        assert previous_working_day(day) == date(2027, 3, 25)
        assert next_working_day(day) == date(2027, 3, 30)


def test_christmas_and_new_year_across_the_year_boundary() -> None:
    # 2026: Christmas Eve Thu, Christmas Fri, Boxing Day Sat.
    assert next_working_day(date(2026, 12, 24)) == date(2026, 12, 28)
    assert previous_working_day(date(2026, 12, 27)) == date(2026, 12, 23)
    # New Year's Day 2027 is a Friday: back to New Year's Eve, forward to Monday.
    assert previous_working_day(date(2027, 1, 1)) == date(2026, 12, 31)
    assert next_working_day(date(2027, 1, 1)) == date(2027, 1, 4)


def test_midsummer_2027() -> None:
    assert next_working_day(date(2027, 6, 25)) == date(2027, 6, 28)
    assert previous_working_day(date(2027, 6, 27)) == date(2027, 6, 24)


def test_local_send_time_keeps_wall_time_across_dst() -> None:
    before = local_send_time(date(2027, 3, 25), time(9, 0), HELSINKI)
    after = local_send_time(date(2027, 3, 30), time(9, 0), HELSINKI)
    assert (before.hour, after.hour) == (9, 9)
    assert before.utcoffset() == timedelta(hours=2)
    assert after.utcoffset() == timedelta(hours=3)
    assert before.isoformat() == "2027-03-25T09:00:00+02:00"


def test_local_send_time_in_spring_gap_moves_past_it() -> None:
    # 2027-03-28 03:30 does not exist in Helsinki (clocks jump 03:00 -> 04:00).
    sent = local_send_time(date(2027, 3, 28), time(3, 30), HELSINKI)
    assert sent.isoformat() == "2027-03-28T04:30:00+03:00"


def test_local_send_time_in_autumn_overlap_takes_first_occurrence() -> None:
    # 2027-10-31 03:30 happens twice; the first is still summer time.
    sent = local_send_time(date(2027, 10, 31), time(3, 30), HELSINKI)
    assert sent.isoformat() == "2027-10-31T03:30:00+03:00"
    assert sent.fold == 0


def test_local_send_time_rejects_aware_time() -> None:
    with pytest.raises(ValueError):
        local_send_time(date(2027, 1, 4), time(9, 0, tzinfo=HELSINKI), HELSINKI)


def test_result_compares_equal_to_utc_instant() -> None:
    sent = local_send_time(date(2027, 1, 4), time(9, 0), HELSINKI)
    assert sent == datetime(2027, 1, 4, 7, 0, tzinfo=ZoneInfo("UTC"))


def test_the_shipped_holiday_table_is_what_the_library_says(tmp_path) -> None:
    """The bot reads Finnish holidays from data/ to stay small; if the library (or the
    law) changes, this fails: run `python -m scheduler.calendar` and commit the file."""
    fresh = tmp_path / "holidays.txt"
    write_holiday_table(fresh)
    assert HOLIDAY_TABLE.read_text(encoding="utf-8") == fresh.read_text(encoding="utf-8")


def test_a_year_past_the_table_asks_the_library() -> None:
    later = TABLE_YEARS.stop + 3
    midsummer_eve = min(d for d in library_holidays(later) if d.month == 6 and d.day >= 19)
    assert not working_day(midsummer_eve)
    assert midsummer_eve.weekday() == 4  # a Friday, as every Midsummer Eve
