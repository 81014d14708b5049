"""Where the programme stands: `summarise` over a real seeded SQLite database and the real
shipped catalogue, with answers written through `Storage.save_answer` as the bot does."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.catalogue.index import CatalogueIndex, MeasureEntry
from bot.catalogue.loader import DEFAULT_CATALOGUE, validate_data
from bot.catalogue.models import IndicatorField, IndicatorKind, Target
from bot.domain.answers import Status, field_key, status_key
from bot.domain.due import due_measures, reporting_units, status_keys
from bot.domain.summary import (
    NOT_REPORTED,
    FieldTotal,
    RoundData,
    Summary,
    ThemeSummary,
    done_trend,
    load_round_data,
    status_by_year,
    summarise,
)
from bot.storage import Storage

YEAR = 2026
PROGRAMME_YEARS = (2023, 2024, 2025, 2026)


# catalogue look-ups (ids are found, never guessed) ----------------------------------

def lead_ids(index: CatalogueIndex) -> list[str]:
    return [unit.id for unit in index.lead_units()]


def target_field(index: CatalogueIndex, *, minimum: float, per: str,
                 year: int = YEAR) -> tuple[IndicatorField, MeasureEntry] | None:
    """A count field with this target whose measure is due in `year`, and that measure."""
    for indicator, candidate in index.fields.values():
        target = candidate.target
        if (candidate.kind is IndicatorKind.COUNT and target is not None
                and target.min == minimum and target.per == per):
            for measure_id in index.measures_sharing(indicator.id):
                entry = index.measures[measure_id]
                if entry.measure.schedule.covers(year):
                    return candidate, entry
    return None


def ended_in(index: CatalogueIndex, end: int, *, start: int | None = None) -> MeasureEntry:
    """The first fixed-term measure whose schedule ends in `end` (and starts in `start`)."""
    for entry in index.entries:
        schedule = entry.measure.schedule
        if not schedule.continuous and schedule.end == end and start in (None, schedule.start):
            return entry
    raise AssertionError(f"no measure ends in {end}; the catalogue changed")


def running_through(index: CatalogueIndex, first: int, last: int) -> list[MeasureEntry]:
    """Measures scheduled to run in every year from `first` to `last`."""
    return [e for e in index.entries
            if all(e.measure.schedule.covers(y) for y in range(first, last + 1))]


def numeric_fields(index: CatalogueIndex, entry: MeasureEntry,
                   kind: IndicatorKind = IndicatorKind.COUNT) -> list[IndicatorField]:
    return [f for ref in entry.measure.indicators for f in index.indicators[ref].fields
            if f.kind is kind]


def untargeted_count_field(index: CatalogueIndex, year: int = YEAR) -> tuple[IndicatorField, str]:
    """A count field without a target, of a measure due in `year`, and its lead unit."""
    for entry in running_through(index, year, year):
        for candidate in numeric_fields(index, entry):
            if candidate.target is None:
                return candidate, entry.measure.lead
    raise AssertionError("no untargeted count field; the catalogue changed")


def unit_and_theme_with_due(index: CatalogueIndex, count: int) -> tuple[str, str, list[str]]:
    """A lead unit with at least `count` measures of one theme due in YEAR (no history)."""
    for unit in lead_ids(index):
        per_theme: dict[str, list[str]] = {}
        for item in due_measures(index, unit, YEAR, {}):
            per_theme.setdefault(item.entry.theme.id, []).append(item.id)
        for theme, measures in per_theme.items():
            if len(measures) >= count:
                return unit, theme, measures
    raise AssertionError(f"no unit has {count} measures of one theme due; the catalogue changed")


def theme(summary: Summary, theme_id: str) -> ThemeSummary:
    found = [t for t in summary.themes if t.theme_id == theme_id]
    assert len(found) == 1, f"theme {theme_id} not in {[t.theme_id for t in summary.themes]}"
    return found[0]


def total_of(summary: Summary, field_id: str) -> FieldTotal:
    found = [t for t in summary.totals if t.field.id == field_id]
    assert len(found) == 1, f"no total for {field_id}"
    return found[0]


# a real database, seeded the way the bot writes it -----------------------------------

@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[Storage]:
    storage = await Storage.open(tmp_path / "k.sqlite3")
    try:
        yield storage
    finally:
        await storage.close()


class Seed:
    """Writes rounds, answers and submissions through the public Storage API."""

    def __init__(self, storage: Storage, person_id: int) -> None:
        self.storage = storage
        self.person_id = person_id

    @staticmethod
    def at(year: int) -> datetime:
        return datetime(year, 12, 1, 10, 0, tzinfo=UTC)

    async def round(self, year: int) -> None:
        await self.storage.open_round(year, date(year + 1, 1, 31), (14, 3, -7),
                                      datetime(year, 11, 1, 8, 0, tzinfo=UTC))

    async def answer(self, year: int, unit: str, key: str, value: Any, late: bool = False) -> None:
        assert await self.storage.save_answer(year, unit, key, value, self.person_id,
                                              self.at(year), late)

    async def status(self, year: int, unit: str, measure_id: str, status: str) -> None:
        await self.answer(year, unit, status_key(measure_id), str(status))

    async def value(self, year: int, unit: str, field_id: str, value: Any) -> None:
        await self.answer(year, unit, field_key(field_id), value)

    async def submit(self, year: int, unit: str, late: bool = False) -> None:
        assert await self.storage.submit(year, unit, self.person_id, self.at(year), late)


@pytest.fixture
async def seed(storage: Storage) -> Seed:
    person = await storage.ensure_person(1001, "Alice", "fi", datetime(2023, 1, 1, tzinfo=UTC))
    return Seed(storage, person.id)


async def summary_of(storage: Storage, index: CatalogueIndex, year: int = YEAR,
                     **narrow: str) -> Summary:
    round_ = await storage.round(year)
    assert round_ is not None
    return summarise(index, await load_round_data(storage, round_), **narrow)


# submissions and response rate -------------------------------------------------------

async def test_expected_units_are_every_lead_unit_with_due_measures(index, storage, seed) -> None:
    await seed.round(YEAR)
    summary = await summary_of(storage, index)
    # continuous, 2023-2026 and carried-over measures make every lead unit due in 2026
    assert summary.expected_units == lead_ids(index)
    assert summary.expected_units == reporting_units(index, YEAR, {})
    assert set(summary.due) == set(summary.expected_units)


async def test_response_rate_on_time_late_missing_and_started(index, storage, seed) -> None:
    on_time, late, started, silent = lead_ids(index)[:4]
    await seed.round(YEAR)
    first = {u: due_measures(index, u, YEAR, {})[0].id for u in (on_time, late, started)}
    for unit, measure in first.items():
        await seed.status(YEAR, unit, measure, Status.IN_PROGRESS)
    await seed.submit(YEAR, on_time)
    await seed.submit(YEAR, late, late=True)

    summary = await summary_of(storage, index)

    expected = lead_ids(index)
    assert summary.on_time == [on_time]
    assert summary.late == [late]
    assert summary.started == [started]
    assert summary.missing == [u for u in expected if u not in (on_time, late)]
    assert started in summary.missing and silent in summary.missing
    assert silent not in summary.started
    assert summary.response_rate == pytest.approx(2 / len(expected))


async def test_a_submission_from_a_unit_that_reports_nothing_is_not_counted(index, storage,
                                                                            seed) -> None:
    outsider = next(u.id for u in index.catalogue.units if u.id not in lead_ids(index))
    reporter = lead_ids(index)[0]
    await seed.round(YEAR)
    await seed.submit(YEAR, outsider)
    await seed.submit(YEAR, reporter)

    summary = await summary_of(storage, index)

    assert outsider not in summary.expected_units
    assert summary.on_time == [reporter]
    assert summary.response_rate == pytest.approx(1 / len(lead_ids(index)))


async def test_every_unit_submitting_gives_a_full_response_rate(index, storage, seed) -> None:
    await seed.round(YEAR)
    for number, unit in enumerate(lead_ids(index)):
        await seed.submit(YEAR, unit, late=number % 3 == 0)

    summary = await summary_of(storage, index)

    assert summary.response_rate == 1.0
    assert summary.missing == [] and summary.started == []
    assert sorted(summary.on_time + summary.late) == sorted(summary.expected_units)
    assert len(summary.late) == len(range(0, len(lead_ids(index)), 3))


# status counts per theme -------------------------------------------------------------

async def test_status_counts_of_a_units_due_measures(index, storage, seed) -> None:
    unit, theme_id, measures = unit_and_theme_with_due(index, 3)
    done, in_progress = measures[0], measures[1]
    await seed.round(YEAR)
    await seed.status(YEAR, unit, done, Status.DONE)
    await seed.status(YEAR, unit, in_progress, Status.IN_PROGRESS)

    summary = await summary_of(storage, index, unit_id=unit)

    counts = theme(summary, theme_id).statuses
    assert counts[Status.DONE] == 1
    assert counts[Status.IN_PROGRESS] == 1
    assert counts[NOT_REPORTED] == len(measures) - 2
    assert theme(summary, theme_id).due == len(measures)
    assert summary.measures_due == len(due_measures(index, unit, YEAR, {}))
    assert summary.done == 1


async def test_theme_counts_add_up_to_the_due_measures_of_every_unit(index, storage, seed) -> None:
    await seed.round(YEAR)
    unit, _, measures = unit_and_theme_with_due(index, 3)
    await seed.status(YEAR, unit, measures[0], Status.DONE)
    summary = await summary_of(storage, index)

    expected = Counter(item.entry.theme.id for u in lead_ids(index)
                       for item in due_measures(index, u, YEAR, {}))
    assert {t.theme_id: t.due for t in summary.themes} == dict(expected)
    assert summary.measures_due == sum(expected.values())
    assert summary.measures_due == sum(len(items) for items in summary.due.values())
    assert summary.done == 1


# targets -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def min_two(index: CatalogueIndex) -> tuple[IndicatorField, MeasureEntry]:
    found = target_field(index, minimum=2, per="year")
    assert found is not None, "no count field with a target of at least 2 a year"
    return found


@pytest.mark.parametrize(("value", "met"), [(3, True), (2, True), (1, False), (0, False)])
async def test_a_yearly_target_is_met_or_missed(index, storage, seed, min_two, value, met) -> None:
    target_field_, entry = min_two
    unit = entry.measure.lead
    await seed.round(YEAR)
    await seed.value(YEAR, unit, target_field_.id, value)

    summary = await summary_of(storage, index)

    assert len(summary.targets) == 1
    result = summary.targets[0]
    assert (result.unit_id, result.measure_id, result.field.id) == (unit, entry.id, target_field_.id)
    assert result.target == target_field_.target
    assert result.value == float(value)
    assert result.met is met


async def test_targets_of_several_units_are_each_judged(index, storage, seed) -> None:
    targeted = [(f, entry) for indicator, f in index.fields.values()
                if f.kind is IndicatorKind.COUNT and f.target is not None and f.target.min
                for entry in [index.measures[index.measures_sharing(indicator.id)[0]]]
                if entry.measure.schedule.covers(YEAR)]
    assert len(targeted) >= 2
    await seed.round(YEAR)
    expected = {}
    for number, (f, entry) in enumerate(targeted):
        meets = number % 2 == 0
        value = int(f.target.yearly_min) + (1 if meets else -1)
        await seed.value(YEAR, entry.measure.lead, f.id, value)
        expected[(entry.measure.lead, f.id)] = meets

    summary = await summary_of(storage, index)

    assert {(r.unit_id, r.field.id): r.met for r in summary.targets} == expected


async def test_unanswered_or_non_numeric_target_fields_give_no_result(index, storage, seed,
                                                                      min_two) -> None:
    target_field_, entry = min_two
    await seed.round(YEAR)
    await seed.status(YEAR, entry.measure.lead, entry.id, Status.DONE)
    summary = await summary_of(storage, index)
    assert summary.targets == []

    await seed.value(YEAR, entry.measure.lead, target_field_.id, "three")
    summary = await summary_of(storage, index)
    assert summary.targets == []


async def test_a_per_month_target_in_the_shipped_catalogue(index, storage, seed) -> None:
    # the culture café ("1 krt/kk") was planned for 2023; never reported done, it is carried
    # over into later rounds, where its monthly target is judged as 12 a year
    found = target_field(index, minimum=1, per="month", year=2023)
    assert found is not None, "the shipped catalogue records the '1 krt/kk' target"
    target_field_, entry = found
    await seed.round(YEAR)
    await seed.value(YEAR, entry.measure.lead, target_field_.id, 10)
    assert [r.met for r in (await summary_of(storage, index)).targets] == [False]
    await seed.value(YEAR, entry.measure.lead, target_field_.id, 12)
    assert [r.met for r in (await summary_of(storage, index)).targets] == [True]


@pytest.fixture(scope="module")
def monthly(index: CatalogueIndex, min_two) -> tuple[CatalogueIndex, str, str]:
    """The shipped catalogue with one yearly target changed to "at least once a month"
    (the shipped file states none per month)."""
    target_field_, entry = min_two
    raw = yaml.safe_load(DEFAULT_CATALOGUE.read_text(encoding="utf-8"))

    def fields(node: Any) -> Iterator[dict[str, Any]]:
        for theme_ in node["themes"]:
            for goal in theme_["goals"]:
                for indicator in goal["indicators"]:
                    yield from indicator["fields"]

    changed = [f for f in fields(raw) if f["id"] == target_field_.id]
    assert len(changed) == 1
    changed[0]["target"] = {"min": 1, "per": "month"}
    return validate_data(raw, DEFAULT_CATALOGUE), entry.measure.lead, target_field_.id


@pytest.mark.parametrize(("value", "met"), [(10, False), (11, False), (12, True), (13, True)])
async def test_a_per_month_target_is_judged_over_the_year(storage, seed, monthly, value,
                                                          met) -> None:
    index, unit, field_id = monthly
    assert index.fields[field_id][1].target == Target(min=1, per="month")
    await seed.round(YEAR)
    await seed.value(YEAR, unit, field_id, value)

    summary = await summary_of(storage, index)

    assert [(r.field.id, r.value, r.met) for r in summary.targets] == [(field_id, value, met)]


# carry-over --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def ended_2023(index: CatalogueIndex) -> MeasureEntry:
    return ended_in(index, 2023, start=2023)


async def test_a_measure_finished_in_a_later_round_is_no_longer_due(index, storage, seed,
                                                                    ended_2023) -> None:
    unit = ended_2023.measure.lead
    for year in (2023, 2024, 2025):
        await seed.round(year)
    await seed.status(2023, unit, ended_2023.id, Status.IN_PROGRESS)
    await seed.status(2024, unit, ended_2023.id, Status.DONE)

    carried_in_2024 = await summary_of(storage, index, 2024, unit_id=unit)
    summary = await summary_of(storage, index, 2025, unit_id=unit)

    assert {d.id: d.carried_over for d in carried_in_2024.due[unit]}[ended_2023.id] is True
    assert ended_2023.id not in [item.id for item in summary.due.get(unit, [])]
    assert [d.id for d in summary.due.get(unit, [])] == [
        d.id for d in due_measures(index, unit, 2025, {ended_2023.id: Status.DONE})]


@pytest.mark.parametrize("last", [Status.IN_PROGRESS, Status.NOT_STARTED])
async def test_a_measure_left_unfinished_is_carried_over(index, storage, seed, ended_2023,
                                                         last) -> None:
    unit = ended_2023.measure.lead
    for year in (2023, 2024, 2025):
        await seed.round(year)
    await seed.status(2023, unit, ended_2023.id, Status.NOT_STARTED)
    await seed.status(2024, unit, ended_2023.id, last)

    summary = await summary_of(storage, index, 2025, unit_id=unit)

    carried = {item.id: item for item in summary.due[unit]}
    assert carried[ended_2023.id].carried_over is True
    assert unit in summary.expected_units
    counts = theme(summary, ended_2023.theme.id).statuses
    assert counts[NOT_REPORTED] >= 1


async def test_a_carried_over_measure_reported_done_counts_as_done(index, storage, seed,
                                                                   ended_2023) -> None:
    unit = ended_2023.measure.lead
    for year in (2023, 2024):
        await seed.round(year)
    await seed.status(2023, unit, ended_2023.id, Status.IN_PROGRESS)
    await seed.status(2024, unit, ended_2023.id, Status.DONE)

    summary = await summary_of(storage, index, 2024, unit_id=unit,
                               theme_id=ended_2023.theme.id)

    assert {item.id: item.carried_over for item in summary.due[unit]}[ended_2023.id] is True
    assert theme(summary, ended_2023.theme.id).statuses[Status.DONE] == 1


# year over year ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def continuing(index: CatalogueIndex) -> tuple[MeasureEntry, IndicatorField]:
    """A measure running in 2025 and 2026 with an untargeted count field."""
    for entry in running_through(index, 2025, 2026):
        for candidate in numeric_fields(index, entry):
            if candidate.target is None:
                return entry, candidate
    raise AssertionError("no continuing measure with a count field; the catalogue changed")


async def test_previous_done_counts_measures_done_the_round_before(index, storage, seed,
                                                                   continuing) -> None:
    entry, _ = continuing
    unit = entry.measure.lead
    await seed.round(2025)
    await seed.round(YEAR)
    await seed.status(2025, unit, entry.id, Status.DONE)
    await seed.status(YEAR, unit, entry.id, Status.IN_PROGRESS)

    summary = await summary_of(storage, index)

    assert theme(summary, entry.theme.id).previous_done == 1
    assert all(t.previous_done == 0 for t in summary.themes if t.theme_id != entry.theme.id)


async def test_previous_done_ignores_other_statuses_and_older_rounds(index, storage, seed,
                                                                     continuing) -> None:
    entry, _ = continuing
    unit = entry.measure.lead
    for year in (2024, 2025, YEAR):
        await seed.round(year)
    await seed.status(2024, unit, entry.id, Status.DONE)
    await seed.status(2025, unit, entry.id, Status.IN_PROGRESS)

    summary = await summary_of(storage, index)

    assert theme(summary, entry.theme.id).previous_done == 0


async def test_previous_done_equals_the_done_count_of_the_year_before(index, storage, seed) -> None:
    finishing = ended_in(index, 2025)  # its last year is 2025: done then, not due in 2026
    unit = finishing.measure.lead
    await seed.round(2025)
    await seed.round(YEAR)
    await seed.status(2025, unit, finishing.id, Status.DONE)

    before = await summary_of(storage, index, 2025)
    now = await summary_of(storage, index)

    assert finishing.id not in [item.id for item in now.due.get(unit, [])]
    done_before = theme(before, finishing.theme.id).statuses[Status.DONE]
    assert done_before == 1
    assert theme(now, finishing.theme.id).previous_done == done_before


async def test_field_totals_compare_with_the_previous_round(index, storage, seed,
                                                            continuing) -> None:
    entry, counted = continuing
    unit = entry.measure.lead
    await seed.round(2025)
    await seed.round(YEAR)
    await seed.value(2025, unit, counted.id, 3)
    await seed.value(YEAR, unit, counted.id, 5)

    summary = await summary_of(storage, index)

    total = total_of(summary, counted.id)
    assert (total.total, total.units, total.previous_total) == (5.0, 1, 3.0)


async def test_a_total_without_a_previous_answer_has_no_previous_total(index, storage, seed,
                                                                       continuing) -> None:
    entry, counted = continuing
    other, other_unit = next(
        (f, e.measure.lead) for e in running_through(index, YEAR, YEAR)
        for f in numeric_fields(index, e) if f.id != counted.id and e.measure.lead != entry.measure.lead)
    await seed.round(2025)
    await seed.round(YEAR)
    await seed.value(2025, entry.measure.lead, counted.id, 3)
    await seed.value(YEAR, entry.measure.lead, counted.id, 4)
    await seed.value(YEAR, other_unit, other.id, 7)

    summary = await summary_of(storage, index)

    assert total_of(summary, other.id).previous_total is None
    assert total_of(summary, counted.id).previous_total == 3.0


async def test_a_shared_field_is_summed_over_units(index, storage, seed) -> None:
    shared = next(
        (f, leads) for indicator, f in index.fields.values()
        if f.kind is IndicatorKind.COUNT
        for leads in [sorted({index.measures[m].measure.lead
                              for m in index.measures_sharing(indicator.id)
                              if index.measures[m].measure.schedule.covers(YEAR)})]
        if len(leads) >= 2)
    counted, (first, second) = shared[0], shared[1][:2]
    await seed.round(2025)
    await seed.round(YEAR)
    await seed.value(2025, first, counted.id, 1)
    await seed.value(YEAR, first, counted.id, 4)
    await seed.value(YEAR, second, counted.id, 6)

    summary = await summary_of(storage, index)

    total = total_of(summary, counted.id)
    assert (total.total, total.units, total.previous_total) == (10.0, 2, 1.0)


async def test_without_previous_answers_nothing_is_compared(index, storage, seed,
                                                            continuing) -> None:
    entry, counted = continuing
    await seed.round(2025)  # the round existed but nobody answered it
    await seed.round(YEAR)
    await seed.status(YEAR, entry.measure.lead, entry.id, Status.DONE)
    await seed.value(YEAR, entry.measure.lead, counted.id, 9)

    summary = await summary_of(storage, index)

    assert summary.themes and all(t.previous_done is None for t in summary.themes)
    assert summary.totals and all(t.previous_total is None for t in summary.totals)


async def test_load_round_data_reads_this_and_the_previous_round(index, storage, seed,
                                                                 continuing) -> None:
    entry, counted = continuing
    unit = entry.measure.lead
    for year in (2024, 2025, YEAR):
        await seed.round(year)
    await seed.status(2024, unit, entry.id, Status.NOT_STARTED)
    await seed.status(2025, unit, entry.id, Status.IN_PROGRESS)
    await seed.value(2025, unit, counted.id, 2)
    await seed.value(YEAR, unit, counted.id, 3)
    await seed.submit(YEAR, unit, late=True)

    round_ = await storage.round(YEAR)
    data = await load_round_data(storage, round_)

    assert isinstance(data, RoundData) and data.round == round_
    assert [(a.year, a.key, a.value) for a in data.answers] == [(YEAR, field_key(counted.id), 3)]
    assert sorted((a.year, a.key, a.value) for a in data.previous_answers) == sorted(
        [(2025, status_key(entry.id), Status.IN_PROGRESS), (2025, field_key(counted.id), 2)])
    assert data.earlier_statuses == {unit: {entry.id: Status.IN_PROGRESS}}
    assert list(data.submissions) == [unit] and data.submissions[unit].late is True


# an empty round ----------------------------------------------------------------------

async def test_an_empty_round(index, storage, seed) -> None:
    await seed.round(YEAR)

    summary = await summary_of(storage, index)

    assert summary.year == YEAR
    assert summary.response_rate == 0.0
    assert summary.on_time == [] and summary.late == [] and summary.started == []
    assert summary.missing == summary.expected_units == lead_ids(index)
    assert summary.themes
    for theme_summary in summary.themes:
        assert set(theme_summary.statuses) == {NOT_REPORTED}
        assert theme_summary.previous_done is None
    assert summary.measures_due == sum(len(due_measures(index, u, YEAR, {}))
                                       for u in lead_ids(index))
    assert summary.done == 0
    assert summary.targets == [] and summary.totals == [] and summary.values == {}


async def test_a_selection_with_nothing_due_has_a_zero_response_rate(index, storage, seed) -> None:
    outsider = next(u.id for u in index.catalogue.units if u.id not in lead_ids(index))
    await seed.round(YEAR)
    summary = await summary_of(storage, index, unit_id=outsider)
    assert summary.expected_units == [] and summary.themes == []
    assert summary.response_rate == 0.0 and summary.measures_due == 0


# narrowing by theme and unit ---------------------------------------------------------

async def test_the_theme_filter_narrows_units_and_themes(index, storage, seed) -> None:
    theme_id = "work"
    assert theme_id in index.themes
    work_units = [u for u in lead_ids(index)
                  if any(d.entry.theme.id == theme_id for d in due_measures(index, u, YEAR, {}))]
    other = next(u for u in lead_ids(index) if u not in work_units)
    await seed.round(YEAR)
    await seed.submit(YEAR, work_units[0])
    await seed.submit(YEAR, other)

    summary = await summary_of(storage, index, theme_id=theme_id)

    assert summary.expected_units == work_units
    assert [t.theme_id for t in summary.themes] == [theme_id]
    assert summary.on_time == [work_units[0]]
    assert other not in summary.missing
    assert summary.response_rate == pytest.approx(1 / len(work_units))
    assert all(d.entry.theme.id == theme_id for items in summary.due.values() for d in items)
    assert summary.measures_due == sum(
        1 for u in work_units for d in due_measures(index, u, YEAR, {}) if d.entry.theme.id == theme_id)


async def test_the_unit_filter_narrows_to_that_units_measures(index, storage, seed) -> None:
    unit, _, measures = unit_and_theme_with_due(index, 2)
    other = next(u for u in lead_ids(index) if u != unit)
    await seed.round(YEAR)
    await seed.status(YEAR, unit, measures[0], Status.DONE)
    await seed.status(YEAR, other, due_measures(index, other, YEAR, {})[0].id, Status.DONE)
    await seed.submit(YEAR, unit, late=True)

    summary = await summary_of(storage, index, unit_id=unit)

    own = due_measures(index, unit, YEAR, {})
    assert summary.expected_units == [unit]
    assert summary.late == [unit] and summary.missing == []
    assert summary.response_rate == 1.0
    assert {t.theme_id for t in summary.themes} == {d.entry.theme.id for d in own}
    assert summary.measures_due == len(own) and summary.done == 1
    assert {u for u, _ in summary.values} == {unit}


async def test_theme_and_unit_filters_combine(index, storage, seed) -> None:
    unit, theme_id, measures = unit_and_theme_with_due(index, 2)
    await seed.round(YEAR)
    summary = await summary_of(storage, index, theme_id=theme_id, unit_id=unit)
    assert summary.expected_units == [unit]
    assert [t.theme_id for t in summary.themes] == [theme_id]
    assert [d.id for d in summary.due[unit]] == measures

    elsewhere = next(t for t in index.themes if t != theme_id and not any(
        d.entry.theme.id == t for d in due_measures(index, unit, YEAR, {})))
    summary = await summary_of(storage, index, theme_id=elsewhere, unit_id=unit)
    assert summary.expected_units == [] and summary.themes == []


# the whole programme -----------------------------------------------------------------

async def test_status_by_year_and_done_trend(index, storage, seed) -> None:
    (first, second, third) = running_through(index, 2023, 2026)[:3]
    for year in PROGRAMME_YEARS:
        await seed.round(year)
    history = [
        (first, [Status.NOT_STARTED, Status.IN_PROGRESS, Status.DONE, Status.DONE]),
        (second, [Status.ONGOING, Status.ONGOING, Status.ONGOING, Status.DONE]),
        (third, [Status.IN_PROGRESS, Status.DONE, None, Status.DONE]),
    ]
    for entry, statuses in history:
        for year, status in zip(PROGRAMME_YEARS, statuses):
            if status is not None:
                await seed.status(year, entry.measure.lead, entry.id, status)
    # a number and a comment are not statuses
    await seed.answer(2024, first.measure.lead, f"comment:{first.id}", "going well")
    await seed.answer(2025, first.measure.lead, "status:no-such-measure", Status.DONE)

    answers = await storage.answers_of_years(PROGRAMME_YEARS)
    table = status_by_year(index, answers)

    assert table[(first.measure.lead, first.id)] == dict(zip(PROGRAMME_YEARS, history[0][1]))
    assert table[(third.measure.lead, third.id)] == {2023: Status.IN_PROGRESS, 2024: Status.DONE,
                                                     2026: Status.DONE}
    assert table[(first.measure.lead, "no-such-measure")] == {2025: Status.DONE}
    assert len(table) == 4

    expected: dict[str, Counter[int]] = {}
    for entry, statuses in history:
        for year, status in zip(PROGRAMME_YEARS, statuses):
            if status == Status.DONE:
                expected.setdefault(entry.theme.id, Counter())[year] += 1
    assert done_trend(index, answers) == {t: dict(c) for t, c in expected.items()}


async def test_done_trend_agrees_with_each_rounds_summary(index, storage, seed) -> None:
    entries = running_through(index, 2023, 2026)
    for year in PROGRAMME_YEARS:
        await seed.round(year)
    for offset, year in enumerate(PROGRAMME_YEARS):
        for entry in entries[offset::3]:
            await seed.status(year, entry.measure.lead, entry.id, Status.DONE)

    trend = done_trend(index, await storage.answers_of_years(PROGRAMME_YEARS))

    for year in PROGRAMME_YEARS:
        summary = await summary_of(storage, index, year)
        assert {t.theme_id: t.statuses[Status.DONE] for t in summary.themes
                if t.statuses[Status.DONE]} == {
            theme_id: years[year] for theme_id, years in trend.items() if years.get(year)}


# a whole programme's data ------------------------------------------------------------

STATUS_CYCLE = (Status.DONE, Status.IN_PROGRESS, Status.ONGOING, Status.NOT_STARTED)


async def seed_programme(index: CatalogueIndex, storage: Storage, seed: Seed) -> None:
    """Every lead unit answers every due measure and numeric field, four years running."""
    for year in PROGRAMME_YEARS:
        await seed.round(year)
        earlier = await storage.statuses_before(year)
        for number, unit in enumerate(lead_ids(index)):
            asked: set[str] = set()
            for position, item in enumerate(due_measures(index, unit, year, earlier.get(unit, {}))):
                status = STATUS_CYCLE[(number + position + year) % len(STATUS_CYCLE)]
                await seed.status(year, unit, item.id, status)
                for ref in item.entry.measure.indicators:
                    for f in index.indicators[ref].fields:
                        if f.kind.numeric and f.id not in asked:
                            asked.add(f.id)
                            await seed.value(year, unit, f.id, (number + year + len(asked)) % 17)
            await seed.submit(year, unit, late=(number + year) % 4 == 0)


async def test_a_whole_programme_summarises_consistently(index, storage, seed) -> None:
    await seed_programme(index, storage, seed)

    for year in PROGRAMME_YEARS:
        round_ = await storage.round(year)
        data = await load_round_data(storage, round_)
        summary = summarise(index, data)

        # the bulk loads agree with the per-unit queries the report flow uses
        per_unit = {u: await storage.answers(year, u) for u in lead_ids(index)}
        assert sorted((a.unit_id, a.key, a.value) for a in data.answers) == sorted(
            (u, k, a.value) for u, found in per_unit.items() for k, a in found.items())
        for unit in lead_ids(index):
            earlier = await storage.earlier_answers(unit, year, status_keys(index, unit))
            assert dict(data.earlier_statuses.get(unit, {})) == {
                k.removeprefix("status:"): a.value for k, a in earlier.items()}

        expected_units = reporting_units(index, year, data.earlier_statuses)
        assert summary.expected_units == expected_units
        assert summary.response_rate == 1.0
        assert summary.missing == [] and summary.started == []
        assert sorted(summary.on_time + summary.late) == sorted(expected_units)
        assert summary.late == [u for n, u in enumerate(lead_ids(index))
                                if (n + year) % 4 == 0 and u in expected_units]

        statuses: dict[str, Counter[str]] = {}
        for unit in expected_units:
            for item in due_measures(index, unit, year, data.earlier_statuses.get(unit, {})):
                answer = per_unit[unit][status_key(item.id)]
                statuses.setdefault(item.entry.theme.id, Counter())[answer.value] += 1
        assert {t.theme_id: dict(t.statuses) for t in summary.themes} == {
            t: dict(c) for t, c in statuses.items()}
        assert all(NOT_REPORTED not in t.statuses for t in summary.themes)
        assert summary.measures_due == sum(sum(c.values()) for c in statuses.values())

        previous = {(a.unit_id, a.key): a.value for a in data.previous_answers}
        for total in summary.totals:
            key = field_key(total.field.id)
            found = [per_unit[u][key].value for u in expected_units if key in per_unit[u]]
            assert (total.total, total.units) == (float(sum(found)), len(found))
            before = [previous[(u, key)] for u in expected_units if (u, key) in previous]
            assert total.previous_total == (float(sum(before)) if before else None)
            assert total.field.kind is IndicatorKind.COUNT
        assert [t.total for t in summary.totals] == sorted((t.total for t in summary.totals),
                                                           reverse=True)
        if year == PROGRAMME_YEARS[0]:
            assert all(t.previous_done is None for t in summary.themes)
            assert all(t.previous_total is None for t in summary.totals)
        else:
            assert all(t.previous_done is not None for t in summary.themes)

        for result in summary.targets:
            assert result.value == per_unit[result.unit_id][field_key(result.field.id)].value
            assert result.met is result.target.met_by(result.value)
        targeted = {(u, f.id) for u in expected_units
                    for item in due_measures(index, u, year, data.earlier_statuses.get(u, {}))
                    for ref in item.entry.measure.indicators
                    for f in index.indicators[ref].fields if f.target is not None}
        assert {(r.unit_id, r.field.id) for r in summary.targets} == targeted
        assert len(summary.targets) == len(targeted)

        # narrowing never invents anything: per-theme summaries add up to the whole
        parts = [summarise(index, data, theme_id=t) for t in index.themes]
        assert sum(p.measures_due for p in parts) == summary.measures_due
        assert sum(p.done for p in parts) == summary.done
        assert sum(len(p.targets) for p in parts) == len(summary.targets)
