"""Answer keys, the values a step accepts, and parsing of typed numbers.

Answers are stored per round and unit under a key: `status:<measure>`,
`comment:<measure>` and `field:<indicator field>`. A shared indicator field is keyed by
the field, not the measure, which is why a unit answers it once.
"""

from __future__ import annotations

import math
import re
from enum import StrEnum

from bot.catalogue.models import IndicatorKind

MAX_TEXT_LENGTH = 4096
"""Telegram's own limit for one message: whatever one message carries is kept."""
MAX_COUNT = 1_000_000
MAX_NUMBER = 1_000_000_000


class Status(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    ONGOING = "ongoing"  # a continuous measure that is running as planned


class Milestone(StrEnum):
    DONE = "done"
    PARTLY = "partly"
    NOT_YET = "not_yet"


class YesNo(StrEnum):
    YES = "yes"
    NO = "no"


def status_key(measure_id: str) -> str:
    return f"status:{measure_id}"


def comment_key(measure_id: str) -> str:
    return f"comment:{measure_id}"


def field_key(field_id: str) -> str:
    return f"field:{field_id}"


class InvalidAnswer(ValueError):
    """A typed answer that cannot be accepted; `reason` selects the message shown."""

    def __init__(self, reason: str, limit: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.limit = limit


class AmbiguousNumber(ValueError):
    """Typed digits that read as two different valid numbers ("1,000": a thousand, or one
    with three decimals). The person is asked which, with one button per reading."""

    def __init__(self, readings: tuple[int | float, int | float]) -> None:
        super().__init__(readings)
        self.readings = readings


_SPACES = re.compile(r"(?<=\d)[ \u00a0\u202f\u2009](?=\d{3}(?:\D|$))")
_PLAIN = re.compile(r"^\d+$")
_DECIMAL = re.compile(r"^\d+[.,]\d+$")
_GROUPED = {
    ",": re.compile(r"^[1-9]\d{0,2}(?:,\d{3})+$"),
    ".": re.compile(r"^[1-9]\d{0,2}(?:\.\d{3})+$"),
}
_MIXED = {  # a grouping separator and the other as the decimal mark: 1,000.5 or 1.000,5
    ",": re.compile(r"^[1-9]\d{0,2}(?:,\d{3})+\.\d+$"),
    ".": re.compile(r"^[1-9]\d{0,2}(?:\.\d{3})+,\d+$"),
}


def _readings(cleaned: str) -> list[float]:
    """Every way the digits can be read: one, two (ambiguous), or none (not a number)."""
    if _PLAIN.match(cleaned):
        return [float(cleaned)]
    for mark, pattern in _MIXED.items():
        if pattern.match(cleaned):
            other = "." if mark == "," else ","
            return [float(cleaned.replace(mark, "").replace(other, "."))]
    readings = []
    for mark, pattern in _GROUPED.items():
        if pattern.match(cleaned):
            readings.append(float(cleaned.replace(mark, "")))
    if _DECIMAL.match(cleaned):
        readings.append(float(cleaned.replace(",", ".")))
    return readings


def parse_number(text: str, kind: IndicatorKind) -> int | float:
    """Numbers the way people type them on a phone: "12", "12,5", "12.5", "1 200",
    "1,000" and "1.000,5". Raises InvalidAnswer (`not_a_number`, `negative`, `not_whole`,
    `too_large`, `over_100`), or AmbiguousNumber when the digits read as two valid numbers
    for this field ("1,000" for a decimal field; a count is whole, so there it is 1000).
    """
    cleaned = text.strip()
    if kind is IndicatorKind.PERCENT:
        cleaned = cleaned.removesuffix("%").rstrip()
    cleaned = _SPACES.sub("", cleaned)
    negative = cleaned.startswith("-")
    if cleaned[:1] in ("+", "-"):
        cleaned = cleaned[1:]
    readings = _readings(cleaned) if cleaned else []
    if not readings:
        raise InvalidAnswer("not_a_number")
    if negative and any(value != 0 for value in readings):
        raise InvalidAnswer("negative")
    valid: list[int | float] = []
    problem: InvalidAnswer | None = None
    for value in readings:
        try:
            valid.append(check_number(value, kind))
        except InvalidAnswer as invalid:
            problem = problem or invalid
    if kind is IndicatorKind.COUNT and len(valid) == 2:
        valid = valid[:1]  # a count is whole: "1,000" groups thousands, it is not 1.000
    unique = list(dict.fromkeys(valid))
    if not unique:
        assert problem is not None
        raise problem
    if len(unique) == 1:
        return unique[0]
    raise AmbiguousNumber((unique[0], unique[1]))


def check_number(value: float, kind: IndicatorKind) -> int | float:
    """The limits of a field, for a number read from text or carried by a button."""
    if value < 0:
        raise InvalidAnswer("negative")
    if not math.isfinite(value):
        raise InvalidAnswer("too_large", MAX_NUMBER if kind is not IndicatorKind.COUNT else MAX_COUNT)
    if kind is IndicatorKind.COUNT:
        if not value.is_integer():
            raise InvalidAnswer("not_whole")
        if value > MAX_COUNT:
            raise InvalidAnswer("too_large", MAX_COUNT)
        return int(value)
    if kind is IndicatorKind.PERCENT and value > 100:
        raise InvalidAnswer("over_100", 100)
    if value > MAX_NUMBER:
        raise InvalidAnswer("too_large", MAX_NUMBER)
    return int(value) if value.is_integer() else value


_YES = {"yes", "y", "ja", "joo", "kyllä", "kylla", "k", "j"}
_NO = {"no", "n", "nej", "ei", "e"}


def parse_yes_no(text: str) -> str | None:
    """A typed yes or no in any of the three languages, or None if it is neither."""
    word = text.strip().strip(".!").casefold()
    if word in _YES:
        return YesNo.YES.value
    if word in _NO:
        return YesNo.NO.value
    return None


def parse_text(text: str) -> str:
    """Free text, trimmed; reasons: `empty`, `too_long`."""
    cleaned = text.strip()
    if not cleaned:
        raise InvalidAnswer("empty")
    if len(cleaned) > MAX_TEXT_LENGTH:
        raise InvalidAnswer("too_long", MAX_TEXT_LENGTH)
    return cleaned


CHOICES: dict[IndicatorKind, tuple[str, ...]] = {
    IndicatorKind.MILESTONE: tuple(Milestone),
    IndicatorKind.YESNO: tuple(YesNo),
}
"""Button-answered kinds and their stored values."""
