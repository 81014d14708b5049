"""Reporting rounds: which year, which deadline, and whether an answer is late."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.catalogue.models import Programme
from bot.domain.records import Round

DEFAULT_LADDER: tuple[int, ...] = (14, 7, 1, -3, -10)
"""Reminder days before the deadline (negative: after it), unless the coordinator sets others."""


def default_round_year(programme: Programme, today: date) -> int:
    """The programme year being followed up, kept inside the programme period: this year,
    except in January up to the default deadline, when last year is still being reported."""
    year = today.year - 1 if today <= default_deadline(today.year - 1) else today.year
    return min(max(year, programme.start), programme.end)


def parse_year(text: str) -> int:
    """A year typed by a coordinator; ValueError for anything that is not a sensible year."""
    if not (text.isascii() and text.isdigit() and len(text) == 4 and 2000 <= int(text) <= 2100):
        raise ValueError(f"not a year: {text!r}")
    return int(text)


def default_deadline(year: int) -> date:
    """31 January of the following year: the unit reports once the year is over."""
    return date(year + 1, 1, 31)


def is_late(round_: Round, now: datetime, tz: ZoneInfo) -> bool:
    return now.astimezone(tz).date() > round_.deadline


def current_round(rounds: list[Round]) -> Round | None:
    """The open round with the latest year, else the latest round of all."""
    open_rounds = [r for r in rounds if r.is_open]
    if open_rounds:
        return max(open_rounds, key=lambda r: r.year)
    return max(rounds, key=lambda r: r.year) if rounds else None
