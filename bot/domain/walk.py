"""The guided report as a fixed sequence of steps.

For a unit's due measures the walk is: for each measure, its status, then each indicator
field not asked yet in this walk (a shared cell is asked once, at the first measure that
uses it), then an optional comment. The walk is recomputed from the catalogue whenever it
is needed, so nothing about it has to survive a restart except the answers themselves and
the key of the step a person is at.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.catalogue.index import CatalogueIndex
from bot.catalogue.models import IndicatorField
from bot.domain.answers import comment_key, field_key, status_key
from bot.domain.due import DueMeasure


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

    @property
    def check(self) -> str:
        """A short checksum of the key: a button for another step (stale, forged) fails it."""
        return f"{zlib.crc32(self.key.encode()) & 0xFFFF:04x}"


def build_walk(index: CatalogueIndex, due: Sequence[DueMeasure]) -> list[Step]:
    steps: list[Step] = []
    asked: set[str] = set()
    for number, item in enumerate(due, start=1):
        measure = item.entry.measure
        steps.append(Step(StepKind.STATUS, status_key(measure.id), number, item))
        for ref in measure.indicators:
            for field in index.indicators[ref].fields:
                if field.id in asked:
                    continue
                asked.add(field.id)
                steps.append(Step(StepKind.FIELD, field_key(field.id), number, item, field))
        steps.append(Step(StepKind.COMMENT, comment_key(measure.id), number, item))
    return steps


def position_of(steps: Sequence[Step], key: str) -> int | None:
    for position, step in enumerate(steps):
        if step.key == key:
            return position
    return None
