"""Finnish working days and local send times.

Reminders to city staff should land on a day they are at work, so every send date is
checked against weekends and Finland's public holidays. The holiday list comes from the
maintained `holidays` library rather than a hand-written table: Easter-based and
"Saturday between" holidays (Midsummer, All Saints') move every year, and the library
tracks legislative changes for us.

What the library lists for FI (PUBLIC category, which is the default and all we use):
New Year's Day, Epiphany, Good Friday, Easter Sunday and Monday, May Day, Ascension Day,
Pentecost, Midsummer Eve, Midsummer Day, All Saints' Day, Independence Day, Christmas
Eve, Christmas Day and the Second Day of Christmas. Midsummer Eve and Christmas Eve are
not statutory holidays but are bank holidays and de facto days off; the library lists
them and we treat them as non-working. Flag days (the library's UNOFFICIAL and WORKDAY
categories, e.g. Runeberg Day) are ordinary working days and are deliberately not used.
Vaasa (region Pohjanmaa) has no regional holidays, so no subdivision is passed.

The library costs the running bot about 17 MiB and 390 modules for a few dates a year, so
its answer for 2020-2045 is kept in `data/finnish-holidays.txt` (written by
`python -m scheduler.calendar`; `tests/test_scheduler_calendar.py` fails as soon as the file
and the library disagree, say after a change in the law). Years outside the file ask the
library itself.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

HOLIDAY_TABLE = Path(__file__).resolve().parents[1] / "data" / "finnish-holidays.txt"
TABLE_YEARS = range(2020, 2046)

_SATURDAY = 5
_MAX_SEARCH_DAYS = 31
"""Finnish non-working runs are at most four days; a month-long search means a bug."""


def library_holidays(year: int) -> frozenset[date]:
    """Finland's public holidays of one year, as the `holidays` library lists them."""
    import holidays  # here, not at the top: only a year the table does not hold needs it

    return frozenset(holidays.country_holidays("FI", years=year).keys())


@lru_cache(maxsize=1)
def _table() -> dict[int, frozenset[date]]:
    dates = [date.fromisoformat(line.strip())
             for line in HOLIDAY_TABLE.read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    return {year: frozenset(d for d in dates if d.year == year)
            for year in {d.year for d in dates}}


@lru_cache(maxsize=64)
def _finnish_holidays(year: int) -> frozenset[date]:
    """Holiday dates of one year: from the table when it holds the year, else the library."""
    table = _table()
    return table[year] if year in table else library_holidays(year)


def write_holiday_table(path: Path = HOLIDAY_TABLE, years: range = TABLE_YEARS) -> None:
    """Write the library's holidays of `years` to `path`, one ISO date a line."""
    lines = ["# Finland's public holidays (the `holidays` library, category PUBLIC), written by",
             "# `python -m scheduler.calendar`; see scheduler/calendar.py."]
    for year in years:
        lines += [d.isoformat() for d in sorted(library_holidays(year))]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def working_day(d: date) -> bool:
    """Whether staff are normally at work on `d`: a weekday that is not a public holiday."""
    return d.weekday() < _SATURDAY and d not in _finnish_holidays(d.year)


def _step_until_working(start: date, direction: int) -> date:
    d = start
    for _ in range(_MAX_SEARCH_DAYS):
        if working_day(d):
            return d
        d += timedelta(days=direction)
    raise RuntimeError(f"no working day within {_MAX_SEARCH_DAYS} days of {start}")


def previous_working_day(d: date) -> date:
    """`d` if it is a working day, else the closest earlier one.

    Used for reminders before a deadline: moving them earlier keeps the promised lead time.
    """
    return _step_until_working(d, -1)


def next_working_day(d: date) -> date:
    """`d` if it is a working day, else the closest later one.

    Used for overdue chasers and digests: they must never go out before their nominal date.
    """
    return _step_until_working(d, +1)


def local_send_time(d: date, at: time, tz: ZoneInfo) -> datetime:
    """Aware datetime for wall-clock time `at` on day `d` in `tz`.

    Attaching the zone (rather than adding a fixed offset) keeps 09:00 at 09:00 on both
    sides of a DST switch. `fold=0` picks the first of a repeated autumn hour, and the
    UTC round trip turns a wall time inside a spring-forward gap into the real instant
    just after it, so the result always exists and is the same on every run.
    """
    if at.tzinfo is not None:
        raise ValueError("give a naive wall-clock time; the zone comes from `tz`")
    wall = datetime.combine(d, at).replace(tzinfo=tz, fold=0)
    return wall.astimezone(UTC).astimezone(tz)


def working_days_before(d: date, count: int) -> date:
    """The working day `count` working days before `d` (3 before a Monday is the Wednesday
    before it, holidays skipped): notice ahead of something, in days people are at work."""
    day = d
    for _ in range(count):
        day = previous_working_day(day - timedelta(days=1))
    return day


if __name__ == "__main__":
    write_holiday_table()
    print(f"wrote {HOLIDAY_TABLE} ({TABLE_YEARS.start}-{TABLE_YEARS.stop - 1})")
