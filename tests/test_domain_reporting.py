"""The reporting use cases over a real database, the real catalogue and a controllable clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.catalogue.index import CatalogueIndex
from bot.domain.access import Viewer
from bot.domain.answers import Status, status_key
from bot.domain.records import Role
from bot.domain.reporting import NotAllowed, Reporting
from bot.domain.walk import Step, StepKind
from bot.storage import Storage

HELSINKI = ZoneInfo("Europe/Helsinki")
UNIT, OTHER_UNIT = "employment-ecosystem", "wellbeing-services"
YEAR = 2026
DEADLINE = date(2027, 1, 31)
START = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
COORDINATOR_TG, CONTACT_TG = 1, 2001


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[Storage]:
    storage = await Storage.open(tmp_path / "k.sqlite3")
    try:
        yield storage
    finally:
        await storage.close()


@pytest.fixture
def clock() -> Clock:
    return Clock(START)


@pytest.fixture
def reporting(index: CatalogueIndex, storage: Storage, clock: Clock) -> Reporting:
    return Reporting(index, storage, HELSINKI, clock)


async def viewer_for(storage: Storage, telegram_id: int, *units: str,
                     coordinator: bool = False) -> Viewer:
    """A real person with real contact grants, seen the way the handlers see them."""
    person = await storage.ensure_person(telegram_id, f"Person {telegram_id}", "fi", START)
    for unit in units:
        await storage.grant(person.id, Role.CONTACT, unit, START)
    coordinators = frozenset({telegram_id}) if coordinator else frozenset()
    return Viewer.of(telegram_id, person, await storage.grants_of(person.id), coordinators)


@pytest.fixture
async def contact(storage: Storage) -> Viewer:
    return await viewer_for(storage, CONTACT_TG, UNIT)


async def open_round(storage: Storage, year: int = YEAR, deadline: date | None = None) -> None:
    await storage.open_round(year, deadline or date(year + 1, 1, 31), (14, 3), START)


async def first_step(reporting: Reporting, unit_id: str = UNIT, year: int = YEAR) -> Step:
    round_ = await reporting.store.round(year)
    return (await reporting.report(unit_id, round_)).steps[0]


async def record(reporting: Reporting, viewer: Viewer, unit_id: str, year: int, step: Step,
                 value: object) -> None:
    """Answer one step the way the handlers do: open the report (checked), answer by position."""
    report = await reporting.open_report(viewer, unit_id, year)
    position = next(n for n, s in enumerate(report.steps) if s.key == step.key)
    await reporting.answer(viewer, report, position, value)


# permissions and round state -----------------------------------------------------------

async def test_check_returns_the_open_round_for_an_own_unit(reporting, storage, contact) -> None:
    await open_round(storage)
    assert (await reporting.check(contact, UNIT, YEAR)).year == YEAR


async def test_check_refuses_another_units_contact(reporting, storage, contact) -> None:
    await open_round(storage)
    with pytest.raises(NotAllowed) as refused:
        await reporting.check(contact, OTHER_UNIT, YEAR)
    assert refused.value.reason == "not_your_unit"


async def test_check_lets_a_coordinator_report_on_a_units_behalf(reporting, storage) -> None:
    await open_round(storage)
    coordinator = await viewer_for(storage, COORDINATOR_TG, coordinator=True)
    await reporting.check(coordinator, UNIT, YEAR)  # no refusal: on the unit's behalf


async def test_check_refuses_a_unit_not_in_the_catalogue(reporting, storage) -> None:
    await open_round(storage)
    viewer = await viewer_for(storage, CONTACT_TG, "retired-unit")
    with pytest.raises(NotAllowed) as refused:
        await reporting.check(viewer, "retired-unit", YEAR)
    assert refused.value.reason == "not_your_unit"


async def test_permission_is_checked_before_the_round(reporting, contact) -> None:
    with pytest.raises(NotAllowed) as refused:
        await reporting.check(contact, OTHER_UNIT, YEAR)  # no round either
    assert refused.value.reason == "not_your_unit"


async def test_check_refuses_a_missing_round(reporting, contact) -> None:
    with pytest.raises(NotAllowed) as refused:
        await reporting.check(contact, UNIT, YEAR)
    assert refused.value.reason == "no_round"


async def test_check_refuses_a_closed_round(reporting, storage, contact) -> None:
    await open_round(storage)
    await storage.close_round(YEAR, START)
    with pytest.raises(NotAllowed) as refused:
        await reporting.check(contact, UNIT, YEAR)
    assert refused.value.reason == "round_closed"


async def test_record_in_a_closed_round_is_refused_and_writes_nothing(reporting, storage,
                                                                      contact) -> None:
    await open_round(storage)
    step = await first_step(reporting)
    await storage.close_round(YEAR, START)
    with pytest.raises(NotAllowed):
        await record(reporting, contact, UNIT, YEAR, step, Status.DONE.value)
    assert await storage.answers(YEAR, UNIT) == {}


async def test_submit_for_another_unit_is_refused(reporting, storage, contact) -> None:
    await open_round(storage)
    with pytest.raises(NotAllowed):
        await reporting.submit(contact, OTHER_UNIT, YEAR)
    assert await storage.submissions(YEAR) == {}


# recording -------------------------------------------------------------------------------

async def test_record_saves_the_answer_by_the_viewer(reporting, storage, contact, clock) -> None:
    await open_round(storage)
    step = await first_step(reporting)
    await record(reporting, contact, UNIT, YEAR, step, Status.IN_PROGRESS.value)
    answer = (await storage.answers(YEAR, UNIT))[step.key]
    assert (answer.value, answer.person_id, answer.answered_at, answer.late) == (
        "in_progress", contact.person.id, clock.now, False)


async def test_an_unchanged_value_adds_no_history(reporting, storage, contact) -> None:
    await open_round(storage)
    step = await first_step(reporting)
    await record(reporting, contact, UNIT, YEAR, step, "done")
    await record(reporting, contact, UNIT, YEAR, step, "done")
    assert [(e.old_value, e.new_value) for e in await storage.history(YEAR, UNIT)] == [
        (None, "done")]


@pytest.mark.parametrize("utc_time, late", [
    (datetime(2027, 1, 31, 21, 59, 59, tzinfo=UTC), False),  # 23:59:59 in Helsinki
    (datetime(2027, 1, 31, 22, 0, tzinfo=UTC), True),  # 00:00 on 1 Feb in Helsinki
    (datetime(2027, 2, 1, 12, 0, tzinfo=UTC), True),
])
async def test_an_answer_is_late_after_the_deadline_day_in_helsinki(reporting, storage, contact,
                                                                    clock, utc_time, late) -> None:
    await open_round(storage, deadline=DEADLINE)
    step = await first_step(reporting)
    clock.now = utc_time
    await record(reporting, contact, UNIT, YEAR, step, "done")
    assert (await storage.answers(YEAR, UNIT))[step.key].late is late


async def test_an_answer_changed_after_the_deadline_becomes_late(reporting, storage, contact,
                                                                 clock) -> None:
    await open_round(storage, deadline=DEADLINE)
    step = await first_step(reporting)
    await record(reporting, contact, UNIT, YEAR, step, "in_progress")
    clock.now = datetime(2027, 2, 3, 8, 0, tzinfo=UTC)
    await record(reporting, contact, UNIT, YEAR, step, "done")
    assert (await storage.answers(YEAR, UNIT))[step.key].late is True


async def test_a_late_submission_is_marked_late(reporting, storage, contact, clock) -> None:
    await open_round(storage, deadline=DEADLINE)
    clock.now = datetime(2027, 2, 1, 6, 0, tzinfo=UTC)
    assert await reporting.submit(contact, UNIT, YEAR) is True
    assert await reporting.submit(contact, UNIT, YEAR) is False
    submission = (await storage.submissions(YEAR))[UNIT]
    assert submission.late is True and submission.person_id == contact.person.id


# the report --------------------------------------------------------------------------------

async def test_report_lists_previous_answers_for_no_change_since_last_year(
        reporting, storage, contact, index) -> None:
    for year in (2024, 2025, YEAR):
        await open_round(storage, year)
    round_ = await storage.round(YEAR)
    steps = (await reporting.report(UNIT, round_)).steps
    status, field = steps[0], next(s for s in steps if s.kind is StepKind.FIELD)
    person_id = contact.person.id
    await storage.save_answer(2024, UNIT, status.key, "not_started", person_id, START, False)
    await storage.save_answer(2025, UNIT, status.key, "in_progress", person_id, START, False)
    await storage.save_answer(2024, UNIT, field.key, 7, person_id, START, False)
    await storage.save_answer(2025, OTHER_UNIT, field.key, 99, person_id, START, False)

    report = await reporting.report(UNIT, round_)
    assert {key: (a.year, a.value) for key, a in report.previous.items()} == {
        status.key: (2025, "in_progress"),
        field.key: (2024, 7),
    }
    assert report.answers == {}
    assert report.submission is None


async def test_this_years_answers_are_not_previous(reporting, storage, contact) -> None:
    await open_round(storage)
    step = await first_step(reporting)
    await record(reporting, contact, UNIT, YEAR, step, "done")
    report = await reporting.report(UNIT, await storage.round(YEAR))
    assert step.key in report.answers
    assert report.previous == {}


async def test_report_tracks_progress(reporting, storage, contact) -> None:
    await open_round(storage)
    round_ = await storage.round(YEAR)
    report = await reporting.report(UNIT, round_)
    assert report.missing[0] == report.steps[0] and report.answered_count == 0
    assert not report.complete
    await record(reporting, contact, UNIT, YEAR, report.steps[0], "in_progress")
    report = await reporting.report(UNIT, round_)
    assert report.missing[0] == report.steps[1] and report.answered_count == 1
    for step in report.required[1:]:
        await record(reporting, contact, UNIT, YEAR, step, "x")
    report = await reporting.report(UNIT, round_)
    assert report.complete and report.missing == []  # comments are optional
    assert report.answered_count == len(report.required) < len(report.steps)


async def test_a_measure_reported_done_last_year_is_no_longer_due(reporting, storage,
                                                                  contact, index) -> None:
    ended = next(e.id for e in index.led_by(UNIT) if e.measure.schedule.ended_before(2024))
    await open_round(storage, 2023)
    await open_round(storage, 2024)
    assert ended in [d.id for d in await reporting.due(UNIT, 2024)]
    await storage.save_answer(2023, UNIT, status_key(ended), "done", contact.person.id, START, False)
    assert ended not in [d.id for d in await reporting.due(UNIT, 2024)]


# pending units -------------------------------------------------------------------------------

async def test_pending_units_exclude_submitted_units(reporting, storage, contact, index) -> None:
    await open_round(storage)
    round_ = await storage.round(YEAR)
    before = await reporting.pending_units(round_)
    assert UNIT in before
    await reporting.submit(contact, UNIT, YEAR)
    after = await reporting.pending_units(round_)
    assert UNIT not in after
    assert set(after) == set(before) - {UNIT}


async def test_pending_units_are_lead_units_with_something_due(reporting, storage, index) -> None:
    await open_round(storage)
    pending = await reporting.pending_units(await storage.round(YEAR))
    assert set(pending) <= {unit.id for unit in index.lead_units()}
    idle = {unit.id for unit in index.catalogue.units if not index.led_by(unit.id)}
    assert idle and not idle & set(pending)
    assert pending[UNIT] == len(await reporting.due(UNIT, YEAR))


async def test_a_unit_with_all_measures_done_earlier_is_not_pending(reporting, storage, contact,
                                                                    index) -> None:
    finished = next(unit.id for unit in index.lead_units()
                    if all(e.measure.schedule.ended_before(YEAR) for e in index.led_by(unit.id)))
    await open_round(storage, 2025)
    await open_round(storage)
    for entry in index.led_by(finished):
        await storage.save_answer(2025, finished, status_key(entry.id), "done",
                                  contact.person.id, START, False)
    assert finished not in await reporting.pending_units(await storage.round(YEAR))



# the walk: comments by button, measures not started, fixing one answer ---------------------

async def test_the_walk_never_steps_into_a_comment(reporting, storage, contact) -> None:
    await open_round(storage)
    report = await reporting.report(UNIT, await storage.round(YEAR))
    walked, position = [], report.next_after(None)
    while position is not None:
        walked.append(report.steps[position].kind)
        position = report.next_after(position, linear=True)
    assert StepKind.COMMENT not in walked
    assert len(walked) == len(report.required)


async def test_a_measure_not_started_asks_no_indicator_and_owes_none(reporting, storage,
                                                                      contact) -> None:
    await open_round(storage)
    round_ = await storage.round(YEAR)
    report = await reporting.report(UNIT, round_)
    status = report.steps[0]
    await record(reporting, contact, UNIT, YEAR, status, Status.NOT_STARTED.value)
    report = await reporting.report(UNIT, round_)
    skipped = [s for s in report.steps if s.kind is StepKind.FIELD and s.measure_no == 1]
    assert skipped and all(s not in report.required for s in skipped)
    following = report.next_after(0)
    assert following is not None and report.steps[following].measure_no == 2
    owed = (await reporting.owed(round_))[UNIT]
    assert owed.asked == len(report.required) and owed.answered == 1
    assert (await storage.answers(YEAR, UNIT)).keys() == {status.key}  # nothing stored as zero


async def test_an_answer_while_fixing_returns_to_the_review(reporting, storage, contact) -> None:
    await open_round(storage)
    report = await reporting.open_report(contact, UNIT, YEAR)
    outcome = await reporting.answer(contact, report, 0, "done", returning=True)
    assert outcome.next is None
    assert await reporting.where(contact) is None  # the review follows: no step is waiting


async def test_a_shared_field_knows_every_measure_that_uses_it(index) -> None:
    from bot.domain.due import due_measures
    from bot.domain.walk import build_walk

    steps = build_walk(index, due_measures(index, "wellbeing-services", YEAR, {}))
    shared = [s for s in steps if s.kind is StepKind.FIELD and len(s.users) > 1]
    assert shared and all(s.users[0] == s.measure_no for s in shared)
    numbers = [(s.measure_no, s.field_no) for s in steps if s.kind is StepKind.FIELD]
    assert numbers[:2] == [(1, 1), (1, 2)]


async def test_a_paused_report_keeps_its_place_and_its_draft(reporting, storage, contact) -> None:
    await open_round(storage)
    report = await reporting.open_report(contact, UNIT, YEAR)
    await reporting.about_to_show(contact, report, 1)
    await reporting.shown(contact, report, 1, 77)
    await reporting.pause(contact)
    await reporting.keep_draft(contact, "12")
    session = await reporting.where(contact)
    assert session is not None and session.paused == 1 and session.draft == "12"
    assert session.step_key == report.steps[1].key
    await reporting.about_to_show(contact, report, 2)  # a new question settles both
    session = await reporting.where(contact)
    assert session is not None and session.paused == 0 and session.draft is None
