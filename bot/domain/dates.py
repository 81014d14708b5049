"""Dates as Finnish city staff write them: "31.1.2027", "31.1." (the coming one), or ISO.

The bot shows dates the Finnish way ("Määräaika: 31.1.2027"), so every command that takes
a date must read them back that way too; ISO stays accepted for those who type it.
"""

from __future__ import annotations

import re
from datetime import date

_FINNISH = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})?")
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


class NoSuchDay(ValueError):
    """Written as a date, but no such day exists (31.2.2027): worth saying so in words."""

    def __init__(self, text: str) -> None:
        super().__init__(f"no such day: {text!r}")
        self.text = text


def parse_day(text: str, today: date) -> date:
    """The day meant by `text`. "31.1." without a year is the coming 31 January: today or
    later. ValueError for anything else (including impossible days like 31.2.)."""
    text = text.strip()
    if _ISO.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise NoSuchDay(text) from None
    match = _FINNISH.fullmatch(text)
    if match is None:
        raise ValueError(f"not a date: {text!r}")
    day, month = int(match.group(1)), int(match.group(2))
    if match.group(3):
        try:
            return date(int(match.group(3)), month, day)
        except ValueError:
            raise NoSuchDay(text) from None
    for year in range(today.year, today.year + 5):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue  # 29.2. in a year without it: the next one may have it, or none does
        if candidate >= today:
            return candidate
    raise NoSuchDay(text)


def looks_like_day(text: str) -> bool:
    """Whether `text` is meant as a date (so a command can tell a date from a name)."""
    return bool(_ISO.fullmatch(text.strip()) or _FINNISH.fullmatch(text.strip()))


def typed_day(day: date) -> str:
    """`day` as a person would type it back into a command: 1.3.2027."""
    return f"{day.day}.{day.month}.{day.year}"
