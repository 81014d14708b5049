"""The import use cases: a form for a year, a preview of a filled file, applying it.

The seam between the chat handler (or the command line) and storage, like
`bot.domain.reporting` is for the guided report. Which round may take an import is decided
here, on the preview and again when it is applied, because "Import" may be pressed long
after the preview was sent.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from bot.catalogue.index import CatalogueIndex
from bot.domain.due import due_measures
from bot.domain.imports import (
    FilledRow,
    FormRow,
    ImportPlan,
    PlannedAnswer,
    UnitChanges,
    Vocabulary,
    changes,
    check_rows,
    form_rows,
)
from bot.domain.ports import ImportStore
from bot.domain.records import Answer, ImportedAnswer, PendingImport
from bot.domain.rounds import DEFAULT_LADDER, default_deadline, default_round_year
from bot.domain.walk import StepKind, build_walk

Clock = Callable[[], datetime]
ANSWERED_AT = time(12, 0)
"""An answer dated by the file is taken as given at noon that day, local time."""


@dataclass
class Preview:
    """What importing a file would do; `round_problem` says why it cannot, if it cannot."""

    plan: ImportPlan
    changes: dict[str, UnitChanges] = field(default_factory=dict)
    round_problem: str | None = None  # outside_programme, no_round, round_closed
    creates_round: bool = False
    seen: dict[tuple[str, str], Any] = field(default_factory=dict)
    """What was stored for each (unit, key) the file answers when the preview was made: an
    answer given between the preview and the press stops the import (`apply`)."""

    @property
    def importable(self) -> bool:
        return self.plan.ok and self.round_problem is None and bool(self.changes)


def payload_of(preview: Preview) -> dict[str, Any]:
    """The checked answers as JSON-able data, kept while the coordinator decides."""
    return {"year": preview.plan.year, "creates_round": preview.creates_round,
            "answers": [[a.unit_id, a.key, a.value, a.answered_on.isoformat() if a.answered_on else None]
                        for a in preview.plan.answers],
            "seen": [[unit, key, value] for (unit, key), value in preview.seen.items()]}


def seen_of(payload: dict[str, Any]) -> dict[tuple[str, str], Any] | None:
    """The stored values the preview saw (None for an import kept before they were kept)."""
    if "seen" not in payload:
        return None
    return {(unit, key): value for unit, key, value in payload["seen"]}


def answers_of(payload: dict[str, Any]) -> list[PlannedAnswer]:
    return [PlannedAnswer(unit, key, value, date.fromisoformat(day) if day else None)
            for unit, key, value, day in payload["answers"]]


class Importer:
    def __init__(self, index: CatalogueIndex, storage: ImportStore, tz: ZoneInfo, clock: Clock) -> None:
        self.index, self.storage, self.tz, self.clock = index, storage, tz, clock

    async def keep_pending(self, person_id: int, year: int, file_name: str,
                           preview: Preview) -> int:
        """Keep a checked file's answers until the coordinator presses Import (durably: a
        restart between the preview and the press loses nothing)."""
        return await self.storage.save_pending_import(person_id, year, file_name,
                                                      payload_of(preview), self.clock())

    async def pending(self, pending_id: int) -> PendingImport | None:
        return await self.storage.pending_import(pending_id)

    async def drop_pending(self, pending_id: int) -> bool:
        """Forget a kept file (imported or cancelled); False if it was already gone."""
        return await self.storage.take_pending_import(pending_id)

    async def imported_answers(self, year: int) -> list[Answer]:
        """The round's answers that came from workbooks."""
        return [a for a in await self.storage.answers_of_years([year]) if a.source is not None]

    def is_past(self, year: int) -> bool:
        """A programme year before the one being reported now: its round may be created
        closed, to bring in what units reported before Kotobot."""
        today = self.clock().astimezone(self.tz).date()
        return year < default_round_year(self.index.programme, today)

    async def form(self, year: int, unit_id: str | None = None) -> list[FormRow]:
        """The rows of a form for `year`: every reporting unit, or only `unit_id`."""
        units = [unit_id] if unit_id else [u.id for u in self.index.lead_units()]
        return form_rows(self.index, year, units, await self.storage.statuses_before(year))

    async def round_problem(self, year: int, create_past: bool) -> tuple[str | None, bool]:
        """(why `year` cannot take an import or None, whether importing creates its round)."""
        if not self.index.programme.covers(year):
            return "outside_programme", False
        round_ = await self.storage.round(year)
        if round_ is None:
            return (None, True) if create_past and self.is_past(year) else ("no_round", False)
        if not round_.is_open and not round_.imported:
            return "round_closed", False
        return None, False

    async def stored(self, year: int) -> dict[tuple[str, str], Any]:
        return {(a.unit_id, a.key): a.value for a in await self.storage.answers_of_years([year])}

    async def preview(self, rows: Sequence[FilledRow], year: int, vocabulary: Vocabulary,
                      create_past: bool = True) -> Preview:
        plan = check_rows(self.index, year, rows, vocabulary)
        problem, creates = await self.round_problem(year, create_past)
        stored = await self.stored(year)
        seen = {(a.unit_id, a.key): stored.get((a.unit_id, a.key)) for a in plan.answers}
        return Preview(plan, changes(plan, stored), problem, creates, seen)

    async def apply(self, year: int, answers: Sequence[PlannedAnswer], person_id: int,
                    source: str, create_past: bool = True,
                    seen: dict[tuple[str, str], Any] | None = None) -> dict[str, tuple[int, int]]:
        """Write the answers in one transaction; ValueError(reason) if the round cannot take
        them any more, or ("changed_since_preview") if an answer the file would overwrite is
        no longer what the preview showed (`seen`): someone answered in the meantime, and
        their answer must not be overwritten unseen. Units whose report the file completes
        are marked submitted. (Updates are handled one at a time, so no answer can come
        between this check and the write.)"""
        problem, creates = await self.round_problem(year, create_past)
        if problem is not None:
            raise ValueError(problem)
        if seen is not None:
            stored = await self.stored(year)
            if any(stored.get(item) != value for item, value in seen.items()):
                raise ValueError("changed_since_preview")
        now = self.clock()
        round_ = await self.storage.round(year)
        deadline = round_.deadline if round_ else default_deadline(year)
        written = [ImportedAnswer(a.unit_id, a.key, a.value, self._at(a.answered_on, now),
                                  a.answered_on is not None and a.answered_on > deadline)
                   for a in answers]
        return await self.storage.apply_import(
            year, written, person_id, source, now,
            past_round=(deadline, DEFAULT_LADDER) if creates else None,
            submit_units=await self._completed(year, answers))

    def _at(self, day: date | None, now: datetime) -> datetime:
        return datetime.combine(day, ANSWERED_AT, tzinfo=self.tz) if day else now

    async def _completed(self, year: int, answers: Sequence[PlannedAnswer]) -> list[str]:
        """Units touched by the file whose every required question is answered afterwards."""
        keys: dict[str, set[str]] = {}
        for unit_id, key in await self.stored(year):
            keys.setdefault(unit_id, set()).add(key)
        for answer in answers:
            keys.setdefault(answer.unit_id, set()).add(answer.key)
        statuses = await self.storage.statuses_before(year)
        done = []
        for unit_id in sorted({a.unit_id for a in answers}):
            due = due_measures(self.index, unit_id, year, statuses.get(unit_id, {}))
            required = [s.key for s in build_walk(self.index, due) if s.kind is not StepKind.COMMENT]
            if due and all(key in keys[unit_id] for key in required):
                done.append(unit_id)
        return done
