"""The guided report as a fixed sequence of steps.

For a unit's due measures the walk is: for each measure, its status, then each indicator
field not asked yet in this walk (a shared cell is asked once, at the first measure that
uses it), then an optional comment. The comment step is not walked into: it is reached by
its own "Add a comment" button, so a busy person is not asked seven times. The walk is recomputed from the catalogue whenever it
is needed, so nothing about it has to survive a restart except the answers themselves and
the key of the step a person is at.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.catalogue.index import CatalogueIndex
from bot.catalogue.models import IndicatorField, IndicatorKind
from bot.domain.answers import (
    CHOICES,
    InvalidAnswer,
    Status,
    comment_key,
    field_key,
    parse_number,
    parse_text,
    parse_yes_no,
    status_key,
)
from bot.domain.due import DueMeasure

STATUS_ORDER = (Status.NOT_STARTED, Status.IN_PROGRESS, Status.DONE, Status.ONGOING)


class StepKind(StrEnum):
    STATUS = "status"
    FIELD = "field"
    COMMENT = "comment"


@dataclass(frozen=True)
class Step:
    kind: StepKind
    key: str  # the answer key this step writes
    measure_no: int  # 1-based position among the due measures (the "3/12" header)
    due: DueMeasure
    field: IndicatorField | None = None
    field_no: int = 0  # for a field: its place among the measure's questions (1, 2, …)
    users: tuple[int, ...] = ()
    """For a field: the numbers of every due measure whose indicator has it (a shared cell is
    asked once, under the first, and shown under the others)."""

    @property
    def check(self) -> str:
        """A short checksum of the key: a button for another step (stale, forged) fails it."""
        return f"{zlib.crc32(self.key.encode()) & 0xFFFF:04x}"

    @property
    def by_button(self) -> bool:
        """Answered only with buttons: typed text is not an answer to this step."""
        if self.kind is StepKind.STATUS:
            return True
        return self.kind is StepKind.FIELD and self.field is not None and self.field.kind in CHOICES

    @property
    def numeric(self) -> bool:
        return self.kind is StepKind.FIELD and self.field is not None and self.field.kind.numeric

    @property
    def textual(self) -> bool:
        """Free text: a comment, or a text indicator (where personal data could slip in)."""
        return self.kind is StepKind.COMMENT or (
            self.kind is StepKind.FIELD and self.field is not None
            and self.field.kind is IndicatorKind.TEXT)

    @property
    def choices(self) -> tuple[str, ...]:
        """The stored values a button may give this step, in the order they are offered.
        "Ongoing" is for continuous measures only: one place for that rule."""
        if self.kind is StepKind.STATUS:
            continuous = self.due.entry.measure.schedule.continuous
            return tuple(s.value for s in STATUS_ORDER if s is not Status.ONGOING or continuous)
        if self.kind is StepKind.FIELD and self.field is not None:
            return CHOICES.get(self.field.kind, ())
        return ()


def build_walk(index: CatalogueIndex, due: Sequence[DueMeasure]) -> list[Step]:
    steps: list[Step] = []
    asked: set[str] = set()
    users: dict[str, list[int]] = {}
    for number, item in enumerate(due, start=1):
        for ref in item.entry.measure.indicators:
            for field in index.indicators[ref].fields:
                if number not in users.setdefault(field.id, []):
                    users[field.id].append(number)
    for number, item in enumerate(due, start=1):
        measure = item.entry.measure
        steps.append(Step(StepKind.STATUS, status_key(measure.id), number, item))
        field_no = 0
        for ref in measure.indicators:
            for field in index.indicators[ref].fields:
                if field.id in asked:
                    continue
                asked.add(field.id)
                field_no += 1
                steps.append(Step(StepKind.FIELD, field_key(field.id), number, item, field,
                                  field_no, tuple(users[field.id])))
        steps.append(Step(StepKind.COMMENT, comment_key(measure.id), number, item))
    return steps


def read_typed(step: Step, text: str) -> object:
    """Typed text as an answer to `step`, or InvalidAnswer (`buttons` for a step answered
    with buttons; a yes/no one also takes ja/nej/kyllä/ei/yes/no) or AmbiguousNumber."""
    if step.numeric:
        assert step.field is not None
        return parse_number(text, step.field.kind)
    if step.by_button:
        if step.field is not None and step.field.kind is IndicatorKind.YESNO:
            value = parse_yes_no(text)
            if value is not None:
                return value
        raise InvalidAnswer("buttons")
    return parse_text(text)


def position_of(steps: Sequence[Step], key: str) -> int | None:
    for position, step in enumerate(steps):
        if step.key == key:
            return position
    return None
