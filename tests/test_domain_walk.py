"""The guided report as a fixed sequence of steps, built from the real catalogue."""

from __future__ import annotations

import re
from itertools import groupby

import pytest

from bot.catalogue.index import CatalogueIndex
from bot.domain.due import DueMeasure, due_measures
from bot.domain.walk import (
    Step,
    StepKind,
    build_walk,
)


@pytest.fixture(scope="module")
def shared(index: CatalogueIndex) -> tuple[str, str, list[str]]:
    """(indicator id, lead unit, measures) for an indicator cell that ≥2 measures of one unit share."""
    for indicator_id in index.indicators:
        measures = index.measures_sharing(indicator_id)
        for lead in dict.fromkeys(index.measures[m].measure.lead for m in measures):
            own = [m for m in measures if index.measures[m].measure.lead == lead]
            if len(own) >= 2:
                return indicator_id, lead, own
    raise AssertionError("no indicator in the catalogue is shared by two measures of one unit")


def all_due(index: CatalogueIndex, unit_id: str) -> list[DueMeasure]:
    return [DueMeasure(entry, carried_over=False) for entry in index.led_by(unit_id)]


@pytest.fixture(scope="module")
def walk(index: CatalogueIndex, shared) -> list[Step]:
    _, unit, _ = shared
    return build_walk(index, all_due(index, unit))


def test_each_measure_is_status_then_fields_then_comment(index, walk) -> None:
    for number, group in groupby(walk, key=lambda step: step.measure_no):
        steps = list(group)
        measure = steps[0].due.entry.measure
        assert all(step.due.entry.measure == measure for step in steps)
        assert steps[0].kind is StepKind.STATUS and steps[0].key == f"status:{measure.id}"
        assert steps[-1].kind is StepKind.COMMENT and steps[-1].key == f"comment:{measure.id}"
        middle = steps[1:-1]
        assert all(step.kind is StepKind.FIELD for step in middle)
        assert all(step.key == f"field:{step.field.id}" for step in middle)


def test_measures_are_numbered_from_one_in_due_order(index, shared, walk) -> None:
    _, unit, _ = shared
    due = all_due(index, unit)
    numbers = [number for number, _ in groupby(step.measure_no for step in walk)]
    assert numbers == list(range(1, len(due) + 1))
    statuses = [step.due.id for step in walk if step.kind is StepKind.STATUS]
    assert statuses == [item.id for item in due]


def test_a_measure_asks_every_field_of_its_indicators_in_catalogue_order(index) -> None:
    entry = index.led_by("employment-ecosystem")[0]
    steps = build_walk(index, [DueMeasure(entry, carried_over=False)])
    expected = [f"field:{field.id}" for ref in entry.measure.indicators
                for field in index.indicators[ref].fields]
    assert [s.key for s in steps] == [f"status:{entry.id}", *expected, f"comment:{entry.id}"]


def test_a_shared_indicator_is_asked_once_at_the_first_measure(index, shared, walk) -> None:
    indicator_id, _, measures = shared
    field_keys = {f"field:{field.id}" for field in index.indicators[indicator_id].fields}
    asked = [step for step in walk if step.key in field_keys]
    assert sorted(step.key for step in asked) == sorted(field_keys)  # each exactly once
    first = next(step.measure_no for step in walk if step.due.id == measures[0])
    assert {step.measure_no for step in asked} == {first}
    for later in measures[1:]:
        assert not [s for s in walk if s.due.id == later and s.key in field_keys]


def test_a_shared_indicator_moves_to_the_first_due_measure(index, shared) -> None:
    """If the first sharer is not due, the next one that is asks the shared cell."""
    indicator_id, unit, measures = shared
    due = [item for item in all_due(index, unit) if item.id != measures[0]]
    steps = build_walk(index, due)
    field_keys = {f"field:{field.id}" for field in index.indicators[indicator_id].fields}
    askers = {step.due.id for step in steps if step.key in field_keys}
    assert askers == {measures[1]}


def test_every_key_of_a_walk_is_unique(walk) -> None:
    keys = [step.key for step in walk]
    assert len(keys) == len(set(keys))


def test_a_walk_on_the_real_due_list_has_unique_keys_for_every_unit(index) -> None:
    for unit in index.lead_units():
        keys = [step.key for step in build_walk(index, due_measures(index, unit.id, 2026, {}))]
        assert len(keys) == len(set(keys)), unit.id


def test_nothing_due_is_an_empty_walk(index) -> None:
    assert build_walk(index, []) == []


# checksums -------------------------------------------------------------------------

def test_check_is_four_hex_digits(walk) -> None:
    assert all(re.fullmatch(r"[0-9a-f]{4}", step.check) for step in walk)


def test_check_is_stable_across_builds(index, shared, walk) -> None:
    _, unit, _ = shared
    again = build_walk(index, all_due(index, unit))
    assert [s.check for s in again] == [s.check for s in walk]


def test_check_does_not_depend_on_the_process(index) -> None:
    """Buttons outlive restarts: the checksum is a CRC of the key, not Python's salted hash(),
    so a known key always has the same check (changing it would invalidate sent buttons)."""
    entry = index.measures["work.cv-clinic"]
    (status,) = [s for s in build_walk(index, [DueMeasure(entry, False)]) if s.kind is StepKind.STATUS]
    assert status.key == "status:work.cv-clinic"
    assert status.check == "2292"


def test_checks_differ_between_the_keys_of_a_walk(walk) -> None:
    checks = [step.check for step in walk]
    assert len(checks) == len(set(checks))


# where a person is -----------------------------------------------------------------



def test_position_of_finds_a_step_by_its_key(walk) -> None:
    from bot.domain.walk import position_of

    assert position_of(walk, walk[0].key) == 0
    assert position_of(walk, walk[-1].key) == len(walk) - 1
    assert position_of(walk, "status:no-such-measure") is None


def test_typed_text_is_read_by_the_kind_of_step() -> None:
    from bot.catalogue.loader import load_catalogue
    from bot.domain.answers import InvalidAnswer
    from bot.domain.due import due_measures
    from bot.domain.walk import build_walk, read_typed

    index = load_catalogue()
    steps = build_walk(index, due_measures(index, "reception-centre", 2026, {}))
    status, yes_no, count = steps[0], steps[1], steps[4]
    assert yes_no.field is not None and yes_no.field.kind.value == "yesno"
    assert read_typed(yes_no, "Kyllä") == "yes" and read_typed(yes_no, "nej") == "no"
    assert read_typed(count, "1,000") == 1000
    for step, text in ((status, "done"), (yes_no, "maybe")):
        try:
            read_typed(step, text)
        except InvalidAnswer as problem:
            assert problem.reason == "buttons"
        else:
            raise AssertionError(text)
