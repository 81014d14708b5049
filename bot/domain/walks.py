"""Each unit's due measures and walk, worked out once and kept.

A report step (a typed answer, a button), a reminder's "n/m answered", `owed` over every unit
and an import all need a unit's walk for a year. It depends only on the catalogue (fixed for
the life of the process: a new catalogue is a new `Walks`) and on which of the unit's
measures were last reported "done" in an earlier round (a measure whose schedule ended is
carried over until it is done). That is the key, so an import that changes an earlier
status is never served a stale walk.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.catalogue.index import CatalogueIndex
from bot.domain.answers import Status
from bot.domain.due import DueMeasure, due_measures
from bot.domain.walk import Step, build_walk

_Key = tuple[str, int, frozenset[str]]


class Walks:
    """Due measures and walk by (unit, year, measures done earlier), at most `KEPT` kept."""

    KEPT = 20_000
    """About four rounds of 5,000 units; past it the cache starts afresh (cheap to refill)."""

    def __init__(self, index: CatalogueIndex) -> None:
        self.index = index
        self._kept: dict[_Key, tuple[tuple[DueMeasure, ...], tuple[Step, ...]]] = {}

    def of(self, unit_id: str, year: int,
           last_status: Mapping[str, str]) -> tuple[list[DueMeasure], list[Step]]:
        """`unit_id`'s due measures in `year` and their walk (fresh lists, shared steps).
        `last_status`: measure id → its last status reported before `year`."""
        key = (unit_id, year, frozenset(m for m, s in last_status.items() if s == Status.DONE))
        kept = self._kept.get(key)
        if kept is None:
            due = due_measures(self.index, unit_id, year, last_status)
            kept = (tuple(due), tuple(build_walk(self.index, due)))
            if len(self._kept) >= self.KEPT:
                self._kept.clear()
            self._kept[key] = kept
        return list(kept[0]), list(kept[1])
