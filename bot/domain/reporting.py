"""The reporting use cases: open a unit's report, answer one step, move, submit, and what
each unit still owes.

This is the seam between the chat handlers and storage. Every call checks the viewer's
right and the round's state once (a button may be pressed long after it was sent), builds
the unit's report once, and writes what belongs together in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from bot.catalogue.index import CatalogueIndex
from bot.domain.access import Viewer
from bot.domain.answers import Status, comment_key, field_key, status_key
from bot.domain.due import DueMeasure
from bot.domain.ports import ReportStore
from bot.domain.records import Answer, Round, Session, Submission
from bot.domain.rounds import current_round, is_late
from bot.domain.summary import RoundData, load_round_data
from bot.domain.walk import Step, StepKind
from bot.domain.walks import Walks

Clock = Callable[[], datetime]


class Refusal(StrEnum):
    """Why something was refused; each has its own message (no fallback between them)."""

    NOT_YOUR_UNIT = "not_your_unit"
    NO_ROUND = "no_round"
    ROUND_CLOSED = "round_closed"
    STALE_BUTTON = "stale_button"
    COORDINATORS_ONLY = "coordinators_only"
    SUMMARIES_ONLY = "summaries_only"


class NotAllowed(Exception):
    """The viewer may not do this (another unit's report, a closed round…)."""

    def __init__(self, reason: Refusal) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Owed:
    """What a unit still owes in a round: its due measures, and its questions answered so far."""

    measures: int
    answered: int
    asked: int


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
        """Every step but the comments, which are optional, and the indicators of measures
        not started, which do not apply."""
        skipped = not_applicable(self.steps, self.answers)
        return [step for step in self.steps
                if step.kind is not StepKind.COMMENT and step.key not in skipped]

    @property
    def missing(self) -> list[Step]:
        return [step for step in self.required if step.key not in self.answers]

    @property
    def answered_count(self) -> int:
        return len(self.required) - len(self.missing)

    @property
    def complete(self) -> bool:
        return not self.missing

    def applies(self, position: int) -> bool:
        """Whether the walk asks this step: not a comment (it has its own button), not an
        indicator of a measure that has not started."""
        step = self.steps[position]
        return step.kind is not StepKind.COMMENT and step.key not in not_applicable(
            self.steps, self.answers)

    def next_after(self, after: int | None, linear: bool = False) -> int | None:
        """The next step to ask, or None for the review. Going through again (`linear`) it
        is the next one that applies, answered or not. Otherwise forward only to the next
        unanswered one (skipped ones wait for the review)."""
        start = 0 if after is None else after + 1
        for position in range(start, len(self.steps)):
            if not self.applies(position):
                continue
            if linear and after is not None or self.steps[position].key not in self.answers:
                return position
        return None

    def measure_start(self, measure_no: int) -> int:
        """The position of a measure's first step (its status)."""
        return next(p for p, step in enumerate(self.steps) if step.measure_no == measure_no)

    def neighbour(self, position: int, direction: int) -> int | None:
        """⬅ Back / Skip ➡: the nearest step that applies before (-1) or after (+1), answered
        or not; None past either end."""
        position += direction
        while 0 <= position < len(self.steps):
            if self.applies(position):
                return position
            position += direction
        return None

    def after_comment(self, position: int) -> int | None:
        """Where a comment leads: the first unanswered step from its measure's start (the
        comment may have been opened from a question not answered yet)."""
        start = self.measure_start(self.steps[position].measure_no)
        return self.next_after(start - 1 if start else None)


def not_applicable(steps: list[Step], answers: Mapping[str, Any]) -> set[str]:
    """Keys of indicator fields that do not apply: every measure asking them is marked "not
    started". They are not asked and not counted as missing (nor stored as zero)."""
    not_started = {step.measure_no for step in steps if step.kind is StepKind.STATUS
                   and _value(answers.get(step.key)) == Status.NOT_STARTED}
    if not not_started:
        return set()
    return {step.key for step in steps if step.kind is StepKind.FIELD
            and step.users and all(n in not_started for n in step.users)}


def _value(answer: Any) -> Any:
    return answer.value if isinstance(answer, Answer) else answer


@dataclass(frozen=True)
class Outcome:
    """One answered step: what was saved, the report as it now stands, and where next."""

    report: UnitReport
    position: int
    value: Any
    next: int | None  # the step to show next; None: the review

    @property
    def step(self) -> Step:
        return self.report.steps[self.position]


class Reporting:
    def __init__(self, index: CatalogueIndex, store: ReportStore, tz: ZoneInfo,
                 clock: Clock) -> None:
        self.index = index
        self.store = store
        self.tz = tz
        self.clock = clock
        self.walks = Walks(index)
        self._keys: dict[str, tuple[str, ...]] = {}

    def _unit_keys(self, unit_id: str) -> tuple[str, ...]:
        """Every answer key the unit could be asked: earlier answers to them are read in one
        query, for both the carried-over rule and "last year". The catalogue alone decides
        them, so they are worked out once a unit (every update reads a report)."""
        known = self._keys.get(unit_id)
        if known is not None:
            return known
        keys: list[str] = []
        for entry in self.index.led_by(unit_id):
            keys += [status_key(entry.id), comment_key(entry.id)]
            for ref in entry.measure.indicators:
                keys += [field_key(f.id) for f in self.index.indicators[ref].fields]
        self._keys[unit_id] = tuple(keys)
        return self._keys[unit_id]

    async def due(self, unit_id: str, year: int) -> list[DueMeasure]:
        earlier = await self.store.earlier_answers(unit_id, year, self._unit_keys(unit_id))
        return self.walks.of(unit_id, year, _statuses(earlier))[0]

    async def report(self, unit_id: str, round_: Round) -> UnitReport:
        """The unit's report: three reads (earlier answers, this round's, its submission)."""
        earlier = await self.store.earlier_answers(unit_id, round_.year, self._unit_keys(unit_id))
        due, steps = self.walks.of(unit_id, round_.year, _statuses(earlier))
        keys = {step.key for step in steps}
        return UnitReport(round_, unit_id, due, steps,
                          await self.store.answers(round_.year, unit_id),
                          {key: answer for key, answer in earlier.items() if key in keys},
                          await self.store.submission(round_.year, unit_id))

    async def round_data(self, round_: Round) -> RoundData:
        """The stored facts a summary of `round_` needs, in a few queries."""
        return await load_round_data(self.store, round_)

    async def current_round(self) -> Round | None:
        """The round being worked on (the open one, else the latest)."""
        return current_round(await self.store.rounds())

    async def open_round_for(self, year: int) -> Round:
        round_ = await self.store.round(year)
        if round_ is None:
            raise NotAllowed(Refusal.NO_ROUND)
        if not round_.is_open:
            raise NotAllowed(Refusal.ROUND_CLOSED)
        return round_

    async def check(self, viewer: Viewer, unit_id: str, year: int) -> Round:
        """The open round, if `viewer` may report for `unit_id` in it; else NotAllowed."""
        if unit_id not in self.index.units or not viewer.may_report(unit_id):
            raise NotAllowed(Refusal.NOT_YOUR_UNIT)
        return await self.open_round_for(year)

    async def open_report(self, viewer: Viewer, unit_id: str, year: int) -> UnitReport:
        """The report `viewer` may work on: checked once, built once."""
        return await self.report(unit_id, await self.check(viewer, unit_id, year))

    async def answer(self, viewer: Viewer, report: UnitReport, position: int, value: Any,
                     linear: bool = False, returning: bool = False) -> Outcome:
        """Save the answer to step `position` of an opened report and decide the next step.

        Answer, history and the person's position (the next step, pending until Telegram
        has accepted its question) are one transaction."""
        assert viewer.person is not None
        step = report.steps[position]
        now = self.clock()
        answer = Answer(report.round.year, report.unit_id, step.key, value, viewer.person.id,
                        now, is_late(report.round, now, self.tz))
        after = replace(report, answers={**report.answers, step.key: answer})
        if returning:
            following = None
        elif step.kind is StepKind.COMMENT and not linear:
            following = after.after_comment(position)
        else:
            following = after.next_after(position, linear)
        # a measure now "not started" has no indicator values: numbers given before go, with
        # the answer that makes them inapplicable (otherwise they would still be counted)
        inapplicable = not_applicable(after.steps, after.answers)
        gone = [s.key for s in report.steps if s.key in inapplicable and s.key in report.answers]
        if gone:
            after = replace(after, answers={k: a for k, a in after.answers.items() if k not in gone})
        await self.store.record_answer(
            report.round.year, report.unit_id, step.key, value, viewer.person.id, now,
            answer.late, after.steps[following].key if following is not None else None,
            clear=gone)
        return Outcome(after, position, value, following)

    async def where(self, viewer: Viewer) -> Session | None:
        """Where the viewer is in a report, if one is under way."""
        return await self.store.session(viewer.person.id) if viewer.person else None

    async def about_to_show(self, viewer: Viewer, report: UnitReport, position: int,
                            linear: bool = False, returning: bool = False,
                            session: Session | None = None) -> bool:
        """Before a step is sent: mark it pending, unless `session` (the person's, as read
        just before) already has it pending exactly so, as an answer's own transaction
        leaves it. Returns whether this step is the first free-text one the person meets
        (they get the personal-data warning once)."""
        assert viewer.person is not None
        step = report.steps[position]
        already = session is not None and session == replace(
            session, year=report.round.year, unit_id=report.unit_id, pending_key=step.key,
            linear=linear, returning=returning, draft=None, paused=0)
        if not already:
            await self.store.show_pending(viewer.person.id, report.round.year, report.unit_id,
                                          step.key, self.clock(), linear, returning)
        if step.textual and not viewer.person.privacy_warned:
            await self.store.mark_privacy_warned(viewer.person.id)
            return True
        return False

    async def shown(self, viewer: Viewer, report: UnitReport, position: int, message_id: int,
                    linear: bool = False) -> None:
        """Telegram accepted the step's question: typed text now answers it."""
        assert viewer.person is not None
        await self.store.shown(viewer.person.id, report.round.year, report.unit_id,
                               report.steps[position].key, message_id, self.clock(), linear)

    async def pause(self, viewer: Viewer, stopped: bool = False) -> None:
        """Another command (or /cancel, `stopped`) came between: the place is kept."""
        level = 2 if stopped else 1
        session = await self.where(viewer)  # a read in place: most commands change nothing
        if viewer.person is not None and session is not None and session.paused != level:
            await self.store.pause_session(viewer.person.id, level, self.clock())

    async def keep_draft(self, viewer: Viewer, text: str | None) -> None:
        """Keep typed text being offered back as an answer (None when settled)."""
        assert viewer.person is not None
        await self.store.set_draft(viewer.person.id, text, self.clock())

    async def leave(self, viewer: Viewer) -> None:
        """No report under way any more (the review, /cancel): the answers stay."""
        if viewer.person is not None:
            await self.store.clear_session(viewer.person.id)

    async def submit(self, viewer: Viewer, unit_id: str, year: int) -> bool:
        round_ = await self.check(viewer, unit_id, year)
        assert viewer.person is not None
        now = self.clock()
        return await self.store.submit(year, unit_id, viewer.person.id, now,
                                       is_late(round_, now, self.tz))

    async def owed(self, round_: Round) -> dict[str, Owed]:
        """What each unit that has not submitted still owes: its due measures, and its
        questions answered so far (comments are optional and not counted). Three queries for
        the whole round, whatever the number of units."""
        submitted = await self.store.submissions(round_.year)
        statuses = await self.store.statuses_before(round_.year)
        answered: dict[str, dict[str, Any]] = {}
        for answer in await self.store.answers_of_years([round_.year]):
            answered.setdefault(answer.unit_id, {})[answer.key] = answer.value
        result: dict[str, Owed] = {}
        for unit in self.index.lead_units():
            if unit.id in submitted:
                continue
            due, steps = self.walks.of(unit.id, round_.year, statuses.get(unit.id, {}))
            if not due:
                continue
            done = answered.get(unit.id, {})
            skipped = not_applicable(steps, done)
            required = [s for s in steps if s.kind is not StepKind.COMMENT and s.key not in skipped]
            result[unit.id] = Owed(len(due), sum(1 for s in required if s.key in done), len(required))
        return result

    async def pending_units(self, round_: Round) -> dict[str, int]:
        """Units with due measures that have not submitted: unit id → number of due measures."""
        return {unit_id: owed.measures for unit_id, owed in (await self.owed(round_)).items()}


def _statuses(earlier: dict[str, Answer]) -> dict[str, str]:
    return {key.removeprefix("status:"): answer.value for key, answer in earlier.items()
            if key.startswith("status:")}

