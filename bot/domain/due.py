"""Which measures a unit must report in a round.

A unit reports the measures it leads. In round Y those are the measures whose schedule
covers Y or is continuous, plus those whose schedule ended before Y and whose last
reported status is not "done": they are carried over and shown as late, so that a measure
planned for 2023 and never finished is not silently forgotten.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.catalogue.index import CatalogueIndex, MeasureEntry
from bot.domain.answers import Status, status_key


@dataclass(frozen=True)
class DueMeasure:
    entry: MeasureEntry
    carried_over: bool

    @property
    def id(self) -> str:
        return self.entry.id


def due_measures(index: CatalogueIndex, unit_id: str, year: int,
                 last_status: Mapping[str, str]) -> list[DueMeasure]:
    """Due measures of `unit_id` in round `year`, in programme order.

    `last_status` maps measure id to the most recent status reported in an earlier round.
    """
    due: list[DueMeasure] = []
    for entry in index.led_by(unit_id):
        schedule = entry.measure.schedule
        if schedule.covers(year):
            due.append(DueMeasure(entry, carried_over=False))
        elif schedule.ended_before(year) and last_status.get(entry.id) != Status.DONE:
            due.append(DueMeasure(entry, carried_over=True))
    return due


def status_keys(index: CatalogueIndex, unit_id: str) -> list[str]:
    """The status answer keys of every measure the unit leads (to look up last statuses)."""
    return [status_key(entry.id) for entry in index.led_by(unit_id)]


def reporting_units(index: CatalogueIndex, year: int,
                    last_status: Mapping[str, Mapping[str, str]]) -> list[str]:
    """Units expected to report in `year`: those with at least one due measure."""
    return [
        unit.id for unit in index.lead_units()
        if due_measures(index, unit.id, year, last_status.get(unit.id, {}))
    ]
