"""Which measures a unit reports in a round, on the real shipped catalogue."""

from __future__ import annotations

import pytest

from bot.catalogue.index import CatalogueIndex, MeasureEntry
from bot.domain.answers import Status
from bot.domain.due import DueMeasure, due_measures, reporting_units, status_keys
from bot.domain.walk import build_walk
from bot.domain.walks import Walks

UNIT = "employment-ecosystem"


def led(index: CatalogueIndex, unit_id: str, *, start: int | None = None, end: int | None = None,
        continuous: bool = False) -> MeasureEntry:
    """The first measure `unit_id` leads with this schedule (the test fails if there is none)."""
    for entry in index.led_by(unit_id):
        schedule = entry.measure.schedule
        if continuous and schedule.continuous:
            return entry
        if not continuous and (schedule.start, schedule.end) == (start, end):
            return entry
    raise AssertionError(f"{unit_id} leads no measure with start={start} end={end} "
                         f"continuous={continuous}; the catalogue changed")


def by_id(due: list[DueMeasure]) -> dict[str, DueMeasure]:
    return {item.id: item for item in due}


@pytest.fixture(scope="module")
def ended_2023(index: CatalogueIndex) -> str:
    return led(index, UNIT, start=2023, end=2023).id


@pytest.fixture(scope="module")
def whole_period(index: CatalogueIndex) -> str:
    return led(index, UNIT, start=2023, end=2026).id


@pytest.fixture(scope="module")
def continuous(index: CatalogueIndex) -> str:
    return led(index, UNIT, continuous=True).id


@pytest.fixture(scope="module")
def starts_2024(index: CatalogueIndex) -> str:
    entry = next(e for e in index.led_by(UNIT)
                 if not e.measure.schedule.continuous and e.measure.schedule.start == 2024)
    return entry.id


def test_running_measures_are_due_and_not_carried_over(index, whole_period, continuous) -> None:
    due = by_id(due_measures(index, UNIT, 2026, {}))
    assert due[whole_period].carried_over is False
    assert due[continuous].carried_over is False


def test_a_measure_that_ended_with_no_status_is_carried_over(index, ended_2023) -> None:
    due = by_id(due_measures(index, UNIT, 2026, {}))
    assert due[ended_2023].carried_over is True


def test_a_measure_whose_last_status_is_done_is_no_longer_due(index, ended_2023) -> None:
    due = by_id(due_measures(index, UNIT, 2026, {ended_2023: Status.DONE.value}))
    assert ended_2023 not in due


@pytest.mark.parametrize("status", [Status.IN_PROGRESS, Status.NOT_STARTED])
def test_a_measure_that_ended_unfinished_is_carried_over(index, ended_2023, status) -> None:
    due = by_id(due_measures(index, UNIT, 2024, {ended_2023: status.value}))
    assert due[ended_2023].carried_over is True


def test_done_only_matters_once_the_schedule_has_ended(index, whole_period) -> None:
    due = by_id(due_measures(index, UNIT, 2025, {whole_period: Status.DONE.value}))
    assert due[whole_period].carried_over is False


def test_a_measure_is_due_in_its_own_last_year(index, ended_2023) -> None:
    due = by_id(due_measures(index, UNIT, 2023, {}))
    assert due[ended_2023].carried_over is False


def test_a_measure_starting_2024_is_not_due_in_2023(index, starts_2024) -> None:
    assert starts_2024 not in by_id(due_measures(index, UNIT, 2023, {}))
    assert starts_2024 in by_id(due_measures(index, UNIT, 2024, {}))


def test_nothing_is_carried_over_in_the_first_year(index) -> None:
    assert not any(item.carried_over for item in due_measures(index, UNIT, 2023, {}))


def test_due_measures_keep_programme_order(index) -> None:
    due = due_measures(index, UNIT, 2026, {})
    positions = [item.entry.position for item in due]
    assert positions == sorted(positions)
    assert all(item.entry.measure.lead == UNIT for item in due)


def test_every_measure_of_a_unit_is_due_in_the_last_year_without_statuses(index) -> None:
    """In 2026 every fixed-term measure is either running or ended: nothing is dropped."""
    assert [item.id for item in due_measures(index, UNIT, 2026, {})] == [
        entry.id for entry in index.led_by(UNIT)]


def test_a_unit_that_leads_nothing_has_nothing_due(index) -> None:
    idle = next(unit.id for unit in index.catalogue.units if not index.led_by(unit.id))
    assert due_measures(index, idle, 2026, {}) == []


def test_an_unknown_unit_has_nothing_due(index) -> None:
    assert due_measures(index, "no-such-unit", 2026, {}) == []


def test_status_keys_cover_every_measure_led(index) -> None:
    assert status_keys(index, UNIT) == [f"status:{entry.id}" for entry in index.led_by(UNIT)]


# reporting units ---------------------------------------------------------------------

def test_reporting_units_are_lead_units_only(index) -> None:
    leads = [unit.id for unit in index.lead_units()]
    units = reporting_units(index, 2026, {})
    assert set(units) <= set(leads)
    assert units == [u for u in leads if u in units]  # catalogue order
    idle = [unit.id for unit in index.catalogue.units if not index.led_by(unit.id)]
    assert idle and not set(idle) & set(units)


def test_a_unit_whose_measures_all_start_later_does_not_report(index) -> None:
    late_starters = [unit.id for unit in index.lead_units()
                     if all(not e.measure.schedule.covers(2023) for e in index.led_by(unit.id))]
    assert late_starters, "the catalogue has no unit whose measures all start after 2023"
    units = reporting_units(index, 2023, {})
    assert not set(late_starters) & set(units)
    assert set(late_starters) <= set(reporting_units(index, 2024, {}))


def test_a_unit_with_every_ended_measure_done_does_not_report(index) -> None:
    finished = next(unit.id for unit in index.lead_units()
                    if all(e.measure.schedule.ended_before(2026) for e in index.led_by(unit.id)))
    done = {entry.id: Status.DONE.value for entry in index.led_by(finished)}
    assert finished in reporting_units(index, 2026, {})
    assert finished not in reporting_units(index, 2026, {finished: done})


def test_statuses_of_one_unit_do_not_affect_another(index) -> None:
    finished = next(unit.id for unit in index.lead_units()
                    if all(e.measure.schedule.ended_before(2026) for e in index.led_by(unit.id)))
    done = {entry.id: Status.DONE.value for entry in index.led_by(finished)}
    assert finished in reporting_units(index, 2026, {UNIT: done})


def test_a_kept_walk_follows_what_was_done_earlier(index: CatalogueIndex, ended_2023: str) -> None:
    """The walk is worked out once per unit, year and measures done earlier: an earlier
    "done" (from a report or an import) takes a carried-over measure out, never a stale one."""
    walks = Walks(index)
    carried = walks.of(UNIT, 2026, {ended_2023: Status.IN_PROGRESS})
    assert ended_2023 in by_id(carried[0]) and by_id(carried[0])[ended_2023].carried_over
    done = walks.of(UNIT, 2026, {ended_2023: Status.DONE})
    assert ended_2023 not in by_id(done[0])
    assert walks.of(UNIT, 2026, {}) == carried  # not done: carried over, as from scratch
    assert carried == (due_measures(index, UNIT, 2026, {}),
                       build_walk(index, due_measures(index, UNIT, 2026, {})))
    carried[1].clear()  # a caller changing its lists does not change what is kept
    assert walks.of(UNIT, 2026, {})[1] == build_walk(index, due_measures(index, UNIT, 2026, {}))
