"""Answers brought in from a workbook: which rows a form has, and checking filled rows.

Units that report on paper, by e-mail or in the city's own spreadsheets (and every year
before Kotobot) are brought in by the coordinator as a workbook. This module is the pure
part: the rows a form offers (one per due measure and unit, carrying the indicator fields
the guided report would ask there), and the validation of rows read back from a file
against the catalogue, with the same rules as a typed answer. It returns the answers to
write and every problem with its sheet, row and column, as reason codes; the words are
chosen by whoever shows them, in the reader's language.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from bot.catalogue.index import CatalogueIndex
from bot.catalogue.models import IndicatorField, IndicatorKind
from bot.domain.answers import (
    MAX_TEXT_LENGTH,
    InvalidAnswer,
    Status,
    comment_key,
    field_key,
    parse_number,
    status_key,
)
from bot.domain.due import DueMeasure, due_measures
from bot.domain.walk import build_walk

MAX_FILE_BYTES = 5 * 1024 * 1024
"""Larger files are refused before they are opened: a form for every unit is far smaller."""

STATUS, MILESTONE, YESNO = "status", "milestone", "yesno"
Vocabulary = Mapping[str, Mapping[str, str]]
"""Choice kind (status, milestone, yesno) → casefolded label in any language → stored value."""


@dataclass(frozen=True)
class FormRow:
    """One row of a form: a unit's due measure and the fields asked at it."""

    year: int
    unit_id: str
    due: DueMeasure
    fields: tuple[IndicatorField, ...]


def form_rows(index: CatalogueIndex, year: int, unit_ids: Sequence[str],
              earlier_statuses: Mapping[str, Mapping[str, str]]) -> list[FormRow]:
    """The rows of a form for `year`, unit by unit, each unit's measures in programme order.

    A shared indicator field sits only at the first measure that asks it, as in the guided
    report, so that a unit gives it once and a sum over the column counts it once.
    """
    return due_form_rows(index, year, {
        unit_id: due_measures(index, unit_id, year, earlier_statuses.get(unit_id, {}))
        for unit_id in unit_ids})


def due_form_rows(index: CatalogueIndex, year: int,
                  due_by_unit: Mapping[str, Sequence[DueMeasure]]) -> list[FormRow]:
    """The form rows of these units' due measures (a summary already knows them)."""
    rows: list[FormRow] = []
    for unit_id, due in due_by_unit.items():
        fields: dict[str, list[IndicatorField]] = {item.id: [] for item in due}
        for step in build_walk(index, due):
            if step.field is not None:
                fields[step.due.id].append(step.field)
        rows += [FormRow(year, unit_id, item, tuple(fields[item.id])) for item in due]
    return rows


@dataclass(frozen=True)
class Cell:
    """A cell read back from a workbook: where it is, its column's header, its value."""

    column: str  # Excel column letter
    header: str
    value: Any


@dataclass(frozen=True)
class FilledRow:
    """A data row of a form as read from a file (any cell may be missing or empty)."""

    sheet: str
    row: int
    year: Cell | None
    unit: Cell | None
    measure: Cell | None
    status: Cell | None
    answers: tuple[tuple[Cell | None, Cell], ...]  # (field id cell, value cell) per slot
    comment: Cell | None = None
    date: Cell | None = None

    def is_empty(self) -> bool:
        """Nothing to import: no status, no value, no comment (ids alone do not count)."""
        cells = [self.status, self.comment, *(value for _, value in self.answers)]
        return all(_blank(cell) for cell in cells)


@dataclass(frozen=True)
class Problem:
    """Why one cell cannot be imported; `reason` selects the message, `detail` fills it."""

    sheet: str
    row: int
    column: str
    header: str
    reason: str
    value: Any = None
    detail: Any = None
    kind: str | None = None  # the choice or indicator kind, for "use one of …" lists


@dataclass(frozen=True)
class PlannedAnswer:
    unit_id: str
    key: str
    value: Any
    answered_on: date | None  # the date given in the row, else None (= the import's time)


@dataclass
class ImportPlan:
    """What a file would write, or why it cannot be imported."""

    year: int
    answers: list[PlannedAnswer] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rows: int = 0  # non-empty data rows read

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class UnitChanges:
    added: int = 0
    changed: int = 0


def _blank(cell: Cell | None) -> bool:
    return cell is None or cell.value is None or (isinstance(cell.value, str) and not cell.value.strip())


def _id(cell: Cell | None) -> str:
    if _blank(cell):
        return ""
    assert cell is not None
    return _text(cell.value)


def _number_text(value: float) -> str:
    """A numeric cell as the text `parse_number` reads, so both paths share one rule."""
    if isinstance(value, int):
        return str(value)
    return f"{value:.10f}".rstrip("0").rstrip(".") if math.isfinite(value) else "x"


def parse_cell_number(value: Any, kind: IndicatorKind) -> int | float:
    """A number cell: a real number, or text in Finnish/Swedish style ("1 200", "12,5")."""
    if isinstance(value, (bool, date, datetime)):
        raise InvalidAnswer("not_a_number")
    if isinstance(value, (int, float)):
        return parse_number(_number_text(value), kind)
    return parse_number(str(value), kind)


_DOTTED = re.compile(r"^\s*(\d{1,2})\.(\d{1,2})\.(\d{4})\s*$")


def parse_cell_date(value: Any) -> date:
    """An Excel date, or text as `31.1.2027` or `2027-01-31`; ValueError otherwise."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        match = _DOTTED.match(value)
        if match:
            day, month, year = (int(part) for part in match.groups())
            return date(year, month, day)
        return date.fromisoformat(value.strip())
    raise ValueError(f"not a date: {value!r}")


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _choice(value: Any, vocabulary: Mapping[str, str]) -> str | None:
    if isinstance(value, bool):
        value = "yes" if value else "no"
    return vocabulary.get(_text(value).casefold())


class _Checker:
    """Validates rows one after the other, remembering values already given per unit."""

    def __init__(self, index: CatalogueIndex, year: int, vocabulary: Vocabulary) -> None:
        self.index, self.year, self.vocabulary = index, year, vocabulary
        self.plan = ImportPlan(year)
        self._given: dict[tuple[str, str], tuple[Any, FilledRow]] = {}

    def problem(self, row: FilledRow, cell: Cell, reason: str, detail: Any = None,
                kind: str | None = None) -> None:
        self.plan.problems.append(Problem(row.sheet, row.row, cell.column, cell.header, reason,
                                          cell.value, detail, kind))

    def check(self, row: FilledRow) -> None:
        if row.is_empty():
            return
        self.plan.rows += 1
        year_id = _id(row.year)
        if row.year is not None and year_id and year_id != str(self.year):
            self.problem(row, row.year, "wrong_year", self.year)
            return
        measure_cell = row.measure or row.status or row.comment or row.answers[0][1]
        entry = self.index.measures.get(_id(row.measure))
        if entry is None:
            self.problem(row, measure_cell, "unknown_measure")
            return
        unit_id = _id(row.unit)
        unit_cell = row.unit or measure_cell
        if unit_id not in self.index.units:
            self.problem(row, unit_cell, "unknown_unit")
            return
        if entry.measure.lead != unit_id:
            self.problem(row, unit_cell, "not_lead", entry.measure.lead)
            return
        schedule = entry.measure.schedule
        if not schedule.covers(self.year) and not schedule.ended_before(self.year):
            self.problem(row, measure_cell, "not_scheduled", self.year)
            return
        answered_on = None
        if not _blank(row.date):
            assert row.date is not None
            try:
                answered_on = parse_cell_date(row.date.value)
            except ValueError:
                self.problem(row, row.date, "bad_date")
        if not _blank(row.status):
            assert row.status is not None
            status = _choice(row.status.value, self.vocabulary[STATUS])
            if status is None or status not in tuple(Status):
                self.problem(row, row.status, "bad_choice", kind=STATUS)
            else:
                self.give(row, row.status, unit_id, status_key(entry.id), status, answered_on)
        fields = {f.id: f for ref in entry.measure.indicators for f in self.index.indicators[ref].fields}
        for id_cell, value_cell in row.answers:
            if _blank(value_cell):
                continue
            indicator_field = fields.get(_id(id_cell))
            if indicator_field is None:
                self.problem(row, value_cell, "unknown_field")
                continue
            value = self.field_value(row, value_cell, indicator_field.kind)
            if value is not None:
                self.give(row, value_cell, unit_id, field_key(indicator_field.id), value, answered_on)
        if not _blank(row.comment):
            assert row.comment is not None
            comment = _text(row.comment.value)
            if len(comment) > MAX_TEXT_LENGTH:
                self.problem(row, row.comment, "too_long", MAX_TEXT_LENGTH)
            else:
                self.give(row, row.comment, unit_id, comment_key(entry.id), comment, answered_on)

    def field_value(self, row: FilledRow, cell: Cell, kind: IndicatorKind) -> Any:
        if kind.numeric:
            try:
                return parse_cell_number(cell.value, kind)
            except InvalidAnswer as invalid:
                self.problem(row, cell, invalid.reason, invalid.limit, kind=kind.value)
                return None
        if kind in (IndicatorKind.MILESTONE, IndicatorKind.YESNO):
            choice = _choice(cell.value, self.vocabulary[kind.value])
            if choice is None:
                self.problem(row, cell, "bad_choice", kind=kind.value)
            return choice
        text = _text(cell.value)
        if len(text) > MAX_TEXT_LENGTH:
            self.problem(row, cell, "too_long", MAX_TEXT_LENGTH)
            return None
        return text

    def give(self, row: FilledRow, cell: Cell, unit_id: str, key: str, value: Any,
             answered_on: date | None) -> None:
        earlier = self._given.get((unit_id, key))
        if earlier is not None:
            if earlier[0] != value:
                self.problem(row, cell, "conflict", f"{earlier[1].sheet}!{earlier[1].row}")
            return
        self._given[(unit_id, key)] = (value, row)
        self.plan.answers.append(PlannedAnswer(unit_id, key, value, answered_on))


def check_rows(index: CatalogueIndex, year: int, rows: Sequence[FilledRow],
               vocabulary: Vocabulary) -> ImportPlan:
    """Every problem in the rows, and the answers they give if there are none.

    An empty cell gives no answer (it never deletes one); an empty row is skipped. A value
    given twice for the same unit and question (a shared indicator, or a repeated row) must
    agree.
    """
    checker = _Checker(index, year, vocabulary)
    for row in rows:
        checker.check(row)
    return checker.plan


def changes(plan: ImportPlan, stored: Mapping[tuple[str, str], Any]) -> dict[str, UnitChanges]:
    """Per unit, how many planned answers are new and how many change a stored one;
    answers equal to what is stored are left out (importing a file twice changes nothing)."""
    result: dict[str, UnitChanges] = {}
    for answer in plan.answers:
        before = stored.get((answer.unit_id, answer.key), _MISSING)
        if before == answer.value:
            continue
        counts = result.get(answer.unit_id, UnitChanges())
        result[answer.unit_id] = (UnitChanges(counts.added + 1, counts.changed) if before is _MISSING
                                  else UnitChanges(counts.added, counts.changed + 1))
    return result


_MISSING = object()
