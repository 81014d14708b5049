"""Checking filled form rows against the catalogue: real catalogue, real vocabulary."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from bot.catalogue.index import CatalogueIndex
from bot.catalogue.models import IndicatorKind
from bot.domain.answers import InvalidAnswer
from bot.domain.imports import (
    Cell,
    FilledRow,
    Vocabulary,
    changes,
    check_rows,
    form_rows,
    parse_cell_date,
    parse_cell_number,
)
from bot.i18n import Translators
from bot.reports.template import vocabulary


@pytest.fixture(scope="module")
def words() -> Vocabulary:
    return vocabulary(Translators())


def row(measure: str, unit: str = "welcome-office", status: Any = None,
        answers: tuple[tuple[str, Any], ...] = (), comment: Any = None, year: Any = 2026,
        number: int = 3, day: Any = None) -> FilledRow:
    return FilledRow(
        "Form", number, Cell("O", "Year", year), Cell("P", "Unit id", unit),
        Cell("Q", "Measure id", measure), Cell("F", "Status", status),
        tuple((Cell(f"R{slot}", "Question id", field), Cell(f"H{slot}", f"Answer {slot}", value))
              for slot, (field, value) in enumerate(answers, start=1)),
        Cell("K", "Comment", comment), Cell("L", "Answered on", day))


def test_form_rows_ask_a_shared_field_once_per_unit(index: CatalogueIndex) -> None:
    rows = form_rows(index, 2026, ["welcome-office", "family-centre"], {})
    assert [(r.unit_id, r.due.id) for r in rows][:3] == [
        ("welcome-office", "health.popup-info"), ("welcome-office", "health.newsletter"),
        ("welcome-office", "health.websites")]
    fields = [f.id for r in rows for f in r.fields]
    assert len(fields) == len(set(fields))
    intro = next(r for r in rows if r.due.id == "children.family-school-intro")
    assert intro.fields == ()  # its indicator was asked at the measure before


@pytest.mark.parametrize(("value", "kind", "expected"), [
    (12, IndicatorKind.COUNT, 12), (12.0, IndicatorKind.COUNT, 12), ("1 200", IndicatorKind.COUNT, 1200),
    ("1\u00a0200", IndicatorKind.COUNT, 1200), ("12,5", IndicatorKind.NUMBER, 12.5),
    (0.1 + 0.2, IndicatorKind.NUMBER, 0.3), ("45 %", IndicatorKind.PERCENT, 45)])
def test_numbers_arrive_as_numbers_or_finnish_and_swedish_text(value: Any, kind: IndicatorKind,
                                                             expected: float) -> None:
    assert parse_cell_number(value, kind) == expected


@pytest.mark.parametrize(("value", "kind", "reason"), [
    ("12 kpl", IndicatorKind.COUNT, "not_a_number"), (140, IndicatorKind.PERCENT, "over_100"),
    (-1, IndicatorKind.COUNT, "negative"), (2.5, IndicatorKind.COUNT, "not_whole"),
    (True, IndicatorKind.COUNT, "not_a_number"), (float("inf"), IndicatorKind.NUMBER, "not_a_number"),
    (datetime(2026, 1, 1), IndicatorKind.COUNT, "not_a_number")])
def test_bad_numbers_are_refused_with_the_typed_answer_reasons(value: Any, kind: IndicatorKind,
                                                              reason: str) -> None:
    with pytest.raises(InvalidAnswer) as refused:
        parse_cell_number(value, kind)
    assert refused.value.reason == reason


def test_dates_arrive_as_excel_dates_or_finnish_text() -> None:
    assert parse_cell_date(datetime(2027, 1, 31, 0, 0)) == date(2027, 1, 31)
    assert parse_cell_date("31.1.2027") == parse_cell_date("2027-01-31") == date(2027, 1, 31)
    with pytest.raises(ValueError):
        parse_cell_date("tammikuussa")


def test_a_filled_row_gives_answers_in_any_language(index: CatalogueIndex, words: Vocabulary) -> None:
    plan = check_rows(index, 2026, [
        row("health.popup-info", status="Valmis",
            answers=(("health.popup-info.sessions", "4"), ("health.popup-info.participants", 30)),
            comment=" Hyvin meni ", day="31.1.2027"),
        row("health.newsletter", status="Pågår", number=4,
            answers=(("health.newsletter.recipients", None), ("health.newsletter.stakeholders", 7))),
        row("health.websites", number=5),  # empty: skipped
    ], words)
    assert plan.ok and plan.rows == 2
    got = {(a.unit_id, a.key): a.value for a in plan.answers}
    assert got == {
        ("welcome-office", "status:health.popup-info"): "done",
        ("welcome-office", "field:health.popup-info.sessions"): 4,
        ("welcome-office", "field:health.popup-info.participants"): 30,
        ("welcome-office", "comment:health.popup-info"): "Hyvin meni",
        ("welcome-office", "status:health.newsletter"): "in_progress",
        ("welcome-office", "field:health.newsletter.stakeholders"): "7"}
    assert {a.answered_on for a in plan.answers if "popup" in a.key} == {date(2027, 1, 31)}


def test_every_problem_is_reported_with_its_place(index: CatalogueIndex, words: Vocabulary) -> None:
    plan = check_rows(index, 2026, [
        row("health.family-info", unit="family-centre", status="maybe",
            answers=(("health.family-info.share", 140), ("health.family-info.sessions", "12 kpl"),
                     ("health.popup-info.sessions", 3))),
        row("children.guardian-cooperation", status="done", number=4),  # welcome-office does not lead
        row("children.nothing", unit="family-centre", status="done", number=5),
        row("health.popup-info", status="done", year=2025, number=6),
        row("health.popup-info", unit="mars", status="done", number=7),
        row("health.popup-info", status="done", number=8, day="someday"),
    ], words)
    found = [(p.row, p.column, p.reason) for p in plan.problems]
    assert found == [(3, "F", "bad_choice"), (3, "H1", "over_100"), (3, "H2", "not_a_number"),
                     (3, "H3", "unknown_field"), (4, "P", "not_lead"), (5, "Q", "unknown_measure"),
                     (6, "O", "wrong_year"), (7, "P", "unknown_unit"), (8, "L", "bad_date")]
    assert plan.problems[4].detail == "family-centre"


def test_a_shared_value_given_twice_must_agree(index: CatalogueIndex, words: Vocabulary) -> None:
    first = row("health.popup-info", status="done", answers=(("health.popup-info.sessions", 4),))
    same = row("health.popup-info", status="done", answers=(("health.popup-info.sessions", "4"),),
               number=9)
    other = row("health.popup-info", status="in progress", number=10)
    assert check_rows(index, 2026, [first, same], words).ok
    plan = check_rows(index, 2026, [first, other], words)
    assert [(p.row, p.reason, p.detail) for p in plan.problems] == [(10, "conflict", "Form!3")]


def test_changes_count_new_and_changed_and_leave_out_equal(index: CatalogueIndex,
                                                          words: Vocabulary) -> None:
    plan = check_rows(index, 2026, [row("health.popup-info", status="done", comment="x",
                                        answers=(("health.popup-info.sessions", 4),))], words)
    stored = {("welcome-office", "status:health.popup-info"): "in_progress",
              ("welcome-office", "field:health.popup-info.sessions"): 4}
    counts = changes(plan, stored)
    assert (counts["welcome-office"].added, counts["welcome-office"].changed) == (1, 1)
    everything = {(a.unit_id, a.key): a.value for a in plan.answers}
    assert changes(plan, everything) == {}


def test_a_measure_that_starts_later_is_not_scheduled(index: CatalogueIndex, words: Vocabulary) -> None:
    later = next(e for e in index.entries
                 if e.measure.schedule.start and e.measure.schedule.start > 2023)
    plan = check_rows(index, 2023, [row(later.id, unit=later.measure.lead, status="done", year=2023)],
                      words)
    assert [p.reason for p in plan.problems] == ["not_scheduled"]
