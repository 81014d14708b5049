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

MAX_TEXT_LENGTH = 1000
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


_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")


def parse_number(text: str, kind: IndicatorKind) -> int | float:
    """Accept "12", "12,5", "12.5" and "1 200"; reject words, negatives and absurd values.

    Reasons: `not_a_number`, `negative`, `not_whole`, `too_large`, `over_100`.
    """
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "")
    if kind is IndicatorKind.PERCENT:
        cleaned = cleaned.removesuffix("%")
    if not _NUMBER.match(cleaned):
        raise InvalidAnswer("not_a_number")
    value = float(cleaned.replace(",", "."))
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
