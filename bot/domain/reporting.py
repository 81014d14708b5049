"""The reporting use cases: what a unit owes, recording an answer, submitting.

This is the seam between the chat handlers and storage. It re-checks permissions and the
round's state on every call, because a button may be pressed long after it was sent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.catalogue.index import CatalogueIndex
from bot.domain.access import Viewer
from bot.domain.answers import Status
from bot.domain.due import DueMeasure, due_measures, status_keys
from bot.domain.rounds import is_late
from bot.domain.walk import Step, StepKind, build_walk
from bot.storage import Answer, Round, Storage, Submission

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class Owed:
    """What a unit still owes in a round: its due measures, and its questions answered so far."""

    measures: int
    answered: int
    asked: int


class NotAllowed(Exception):
    """The viewer may not do this (another unit's report, a closed round…); `reason` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class UnitReport:
    """Everything needed to show one unit's report for one round."""

    round: Round
    unit_id: str
    due: list[DueMeasure]
    steps: list[Step]
    answers: dict[str, Answer]
    previous: dict[str, Answer]  # last earlier answer per key, for "no change since last year"
    submission: Submission | None

    @property
    def required(self) -> list[Step]:
        """Every step but the comments, which are optional."""
        return [step for step in self.steps if step.kind is not StepKind.COMMENT]

    @property
    def missing(self) -> list[Step]:
        return [step for step in self.required if step.key not in self.answers]

    @property
    def answered_count(self) -> int:
        return len(self.required) - len(self.missing)

    @property
    def complete(self) -> bool:
        return not self.missing


class Reporting:
    def __init__(self, index: CatalogueIndex, storage: Storage, tz: ZoneInfo, clock: Clock) -> None:
        self.index = index
        self.storage = storage
        self.tz = tz
        self.clock = clock

    async def last_statuses(self, unit_id: str, year: int) -> dict[str, str]:
        earlier = await self.storage.earlier_answers(unit_id, year, status_keys(self.index, unit_id))
        return {key.removeprefix("status:"): answer.value for key, answer in earlier.items()}

    async def due(self, unit_id: str, year: int) -> list[DueMeasure]:
        return due_measures(self.index, unit_id, year, await self.last_statuses(unit_id, year))

    async def report(self, unit_id: str, round_: Round) -> UnitReport:
        due = await self.due(unit_id, round_.year)
        steps = build_walk(self.index, due)
        previous = await self.storage.earlier_answers(unit_id, round_.year, [s.key for s in steps])
        submissions = await self.storage.submissions(round_.year)
        return UnitReport(round_, unit_id, due, steps,
                          await self.storage.answers(round_.year, unit_id),
                          previous, submissions.get(unit_id))

    async def open_round_for(self, year: int) -> Round:
        round_ = await self.storage.round(year)
        if round_ is None:
            raise NotAllowed("no_round")
        if not round_.is_open:
            raise NotAllowed("round_closed")
        return round_

    async def check(self, viewer: Viewer, unit_id: str, year: int) -> Round:
        """The open round, if `viewer` may report for `unit_id` in it; else NotAllowed."""
        if unit_id not in self.index.units or not viewer.may_report(unit_id):
            raise NotAllowed("not_your_unit")
        return await self.open_round_for(year)

    async def record(self, viewer: Viewer, unit_id: str, year: int, step: Step, value: Any) -> bool:
        """Write one answer the moment it is given (with history); False if unchanged."""
        round_ = await self.check(viewer, unit_id, year)
        assert viewer.person is not None
        now = self.clock()
        return await self.storage.save_answer(year, unit_id, step.key, value, viewer.person.id,
                                              now, is_late(round_, now, self.tz))

    async def submit(self, viewer: Viewer, unit_id: str, year: int) -> bool:
        round_ = await self.check(viewer, unit_id, year)
        assert viewer.person is not None
        now = self.clock()
        return await self.storage.submit(year, unit_id, viewer.person.id, now,
                                         is_late(round_, now, self.tz))

    async def owed(self, round_: Round) -> dict[str, Owed]:
        """What each unit that has not submitted still owes: its due measures, and its
        questions answered so far (comments are optional and not counted). Three queries for
        the whole round, whatever the number of units."""
        submitted = await self.storage.submissions(round_.year)
        statuses = await self.storage.statuses_before(round_.year)
        answered_keys: dict[str, set[str]] = {}
        for answer in await self.storage.answers_of_years([round_.year]):
            answered_keys.setdefault(answer.unit_id, set()).add(answer.key)
        result: dict[str, Owed] = {}
        for unit in self.index.lead_units():
            if unit.id in submitted:
                continue
            due = due_measures(self.index, unit.id, round_.year, statuses.get(unit.id, {}))
            if not due:
                continue
            required = [s for s in build_walk(self.index, due) if s.kind is not StepKind.COMMENT]
            done = answered_keys.get(unit.id, set())
            result[unit.id] = Owed(len(due), sum(1 for s in required if s.key in done), len(required))
        return result

    async def pending_units(self, round_: Round) -> dict[str, int]:
        """Units with due measures that have not submitted: unit id → number of due measures."""
        return {unit_id: owed.measures for unit_id, owed in (await self.owed(round_)).items()}


STATUS_ORDER = (Status.NOT_STARTED, Status.IN_PROGRESS, Status.DONE, Status.ONGOING)
