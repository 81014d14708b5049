"""The summary and programme workbooks (XLSX), built in memory with openpyxl.

The council and the coordinator take the numbers on in Excel: filter by unit, sum an
indicator, paste into the yearly report. So numbers are real numeric cells, times are
Excel datetimes in the city's time zone, every table has a bold frozen header row and an
autofilter, and all texts (sheet names, headers, labels) are in the asker's language.
Catalogue texts come from the catalogue in that language too.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from io import BytesIO
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from bot.catalogue.index import CatalogueIndex, MeasureEntry
from bot.catalogue.models import IndicatorField, IndicatorKind
from bot.domain.answers import comment_key, field_key, status_key
from bot.domain.due import DueMeasure
from bot.domain.imports import due_form_rows
from bot.domain.records import Answer
from bot.domain.summary import NOT_REPORTED, STATUS_COLUMNS, Summary
from bot.domain.walk import Step, StepKind, build_walk
from bot.i18n import Translator
from bot.reports.template import answered_by, fill_form_sheet
from bot.wording.describe import target_label
from bot.wording.labels import choice_label, status_label, value_label

MAX_SHEET_NAME = 31
MAX_WIDTH = 60
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")
BOLD = Font(bold=True)
WRAPPED = Alignment(wrap_text=True, vertical="top")


class _SheetNames:
    """Excel's rules for sheet names: ≤31 characters, none of []:*?/\\, unique ignoring case."""

    def __init__(self) -> None:
        self._used: set[str] = set()

    def __call__(self, title: str) -> str:
        base = _NOT_IN_SHEET_NAMES.sub(" ", title).strip().strip("'").strip() or "-"
        base = base[:MAX_SHEET_NAME].rstrip()
        name, number = base, 2
        while name.casefold() in self._used:
            suffix = f" ({number})"
            name, number = base[:MAX_SHEET_NAME - len(suffix)].rstrip() + suffix, number + 1
        self._used.add(name.casefold())
        return name


def _unit_name(index: CatalogueIndex, unit_id: str, tr: Translator) -> str:
    unit = index.units.get(unit_id)
    return tr.text(unit.name) if unit else unit_id


def _status_name(status: str | None, tr: Translator) -> str:
    _ = tr.gettext
    return _("Not reported") if status in (None, NOT_REPORTED) else status_label(status, tr)


def _yes_no(flag: bool | None, tr: Translator) -> str | None:
    _ = tr.gettext
    return None if flag is None else _("Yes") if flag else _("No")


def _put(sheet: Worksheet, row: int, column: int, value: Any) -> None:
    """Write a cell; text is kept as text (a comment "=1+1" must not become a formula)."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    if isinstance(value, datetime):
        cell.number_format = DATETIME_FORMAT


def _table(sheet: Worksheet, top: int, headers: Sequence[str],
           rows: Iterable[Sequence[Any]]) -> None:
    """A bold header at row `top`, the rows below it, frozen under the header, filterable."""
    for column, header in enumerate(headers, start=1):
        _put(sheet, top, column, header)
        sheet.cell(row=top, column=column).font = BOLD
    last = top
    for last, row in enumerate(rows, start=top + 1):
        for column, value in enumerate(row, start=1):
            _put(sheet, last, column, value)
    sheet.freeze_panes = sheet.cell(row=top + 1, column=1)
    sheet.auto_filter.ref = f"A{top}:{get_column_letter(len(headers))}{last}"


def _fit_columns(sheet: Worksheet, from_row: int = 1) -> None:
    """Widths from the longest text, capped; capped columns wrap instead."""
    for cells in sheet.iter_cols(min_row=from_row):
        longest = max((_length(cell.value) for cell in cells), default=0)
        sheet.column_dimensions[cells[0].column_letter].width = max(8, min(MAX_WIDTH, longest + 2))
        if longest > MAX_WIDTH:
            for cell in cells:
                cell.alignment = WRAPPED


def _length(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime):
        return len(DATETIME_FORMAT)
    return max(len(line) for line in str(value).splitlines() or [""])


def _local(moment: datetime, tz: ZoneInfo) -> datetime:
    """Excel has no time zones: local wall-clock time, naive (naive input is UTC)."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(tz).replace(tzinfo=None)


def _bytes(workbook: Workbook) -> bytes:
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _rows_in_order(summary: Summary) -> list[tuple[str, DueMeasure]]:
    """(unit, due measure) in programme order; units in the summary's order within one."""
    units = {unit: number for number, unit in enumerate(summary.due)}
    pairs = [(unit, item) for unit, items in summary.due.items() for item in items]
    return sorted(pairs, key=lambda pair: (pair[1].entry.position, units[pair[0]]))


def _field_value(kind: IndicatorKind, value: Any, tr: Translator) -> Any:
    """A number stays a number (for sums and filters); choices become their labels."""
    if value is None or (kind.numeric and isinstance(value, (int, float))):
        return value
    if kind in (IndicatorKind.MILESTONE, IndicatorKind.YESNO):
        return choice_label(kind, value, tr)
    return str(value)


def summary_workbook(index: CatalogueIndex, summary: Summary, answers: list[Answer],
                     people: Mapping[int, str], tr: Translator, tz: ZoneInfo,
                     on_behalf: Collection[tuple[str, int]] = ()) -> bytes:
    """The round in full: every due measure's answers, the indicator values, one sheet per
    theme. `on_behalf`: (unit, person) pairs where a coordinator reported for the unit."""
    _ = tr.gettext
    names = _SheetNames()
    workbook = Workbook()
    by_key = {(a.unit_id, a.key): a for a in answers}
    values = summary.values
    pairs = _rows_in_order(summary)

    def fields_of(entry: MeasureEntry) -> list[IndicatorField]:
        return [f for ref in entry.measure.indicators for f in index.indicators[ref].fields]

    def answers_row(unit: str, item: DueMeasure) -> list[Any]:
        measure = item.entry.measure
        fields = {field_key(f.id): f for f in fields_of(item.entry)}
        shown = [f"{tr.text(f.question)}: "
                 f"{value_label(Step(StepKind.FIELD, key, 0, item, f), values[(unit, key)], tr)}"
                 for key, f in fields.items() if (unit, key) in values]
        keys = [status_key(measure.id), comment_key(measure.id), *fields]
        given = [by_key[(unit, key)] for key in keys if (unit, key) in by_key]
        # Who answered: the status answer's person, or else whoever answered last.
        source = by_key.get((unit, status_key(measure.id))) or max(
            given, key=lambda a: a.answered_at, default=None)
        return [tr.text(item.entry.theme.title), tr.text(item.entry.goal.text),
                tr.text(measure.text), measure.id, _unit_name(index, unit, tr),
                _status_name(values.get((unit, status_key(measure.id))), tr),
                "; ".join(shown) or None, values.get((unit, comment_key(measure.id))) or None,
                (answered_by(source, people, tr, on_behalf, _unit_name(index, unit, tr)) or _("a former contact of {unit}").format(
                    unit=_unit_name(index, unit, tr))) if source else None,
                _local(source.answered_at, tz) if source else None,
                _yes_no(source.late, tr) if source else None]

    sheet = workbook.active
    assert sheet is not None
    sheet.title = names(_("Answers"))
    _table(sheet, 1, [_("Theme"), _("Goal"), _("Measure"), _("Measure id"), _("Unit"), _("Status"),
                      _("Indicator values"), _("Comment"), _("Answered by"), _("Answered at"),
                      _("Late")], (answers_row(unit, item) for unit, item in pairs))
    _fit_columns(sheet)

    # A shared indicator cell is listed once per unit, at its first measure (as it was
    # asked), so that summing the value column does not count it twice.
    first_asked = {(unit, step.due.id, step.field.id)
                   for unit, items in summary.due.items()
                   for step in build_walk(index, items) if step.field is not None}
    value_rows = []
    for unit, item in pairs:
        for field in fields_of(item.entry):
            if (unit, item.id, field.id) not in first_asked:
                continue
            value = values.get((unit, field_key(field.id)))
            met = (field.target.met_by(float(value)) if field.target is not None
                   and field.kind.numeric and isinstance(value, (int, float)) else None)
            value_rows.append([tr.text(item.entry.theme.title), tr.text(item.entry.measure.text),
                               item.id, _unit_name(index, unit, tr), tr.text(field.question),
                               _field_value(field.kind, value, tr),
                               target_label(field.target, tr) if field.target else None,
                               _yes_no(met, tr)])
    sheet = workbook.create_sheet(names(_("Indicator values")))
    _table(sheet, 1, [_("Theme"), _("Measure"), _("Measure id"), _("Unit"), _("Question"),
                      _("Value"), _("Target"), _("Target met")], value_rows)
    _fit_columns(sheet)

    for theme in summary.themes:
        catalogue_theme = index.themes.get(theme.theme_id)
        title = tr.text(catalogue_theme.title) if catalogue_theme else theme.theme_id
        sheet = workbook.create_sheet(names(title))
        _put(sheet, 1, 1, title)
        sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
        counts = [(_status_name(s, tr), theme.statuses[s]) for s in STATUS_COLUMNS]
        counts.append((_("Measures due"), theme.due))
        if theme.previous_done is not None:
            counts.append((_("Done in {year}").format(year=summary.year - 1), theme.previous_done))
        for column, (label, count) in enumerate(counts, start=1):
            _put(sheet, 2, column, label)
            sheet.cell(row=2, column=column).font = BOLD
            _put(sheet, 3, column, count)
        rows = [[tr.text(item.entry.goal.text), tr.text(item.entry.measure.text), item.id,
                 _unit_name(index, unit, tr),
                 _status_name(values.get((unit, status_key(item.id))), tr)]
                for unit, item in pairs if item.entry.theme.id == theme.theme_id]
        _table(sheet, 5, [_("Goal"), _("Measure"), _("Measure id"), _("Unit"), _("Status")], rows)
        _fit_columns(sheet, from_row=2)
    # the answers as a form: corrected or completed in Excel, the file can be imported back
    fill_form_sheet(workbook.create_sheet(names(_("Form {year}").format(year=summary.year))), index,
                    due_form_rows(index, summary.year, summary.due), tr, values)
    return _bytes(workbook)


def programme_workbook(index: CatalogueIndex, table: dict[tuple[str, str], dict[int, str]],
                       years: list[int], tr: Translator) -> bytes:
    """Every measure's status in each year of the programme, one column a year; blank
    where it was not reported (all of the catalogue's measures, reported or not)."""
    _ = tr.gettext
    years = sorted(years)
    unknown = len(index.entries)  # measures no longer in the catalogue sort last

    def order(key: tuple[str, str]) -> tuple[int, str, str]:
        entry = index.measures.get(key[1])
        return (entry.position if entry else unknown, key[1], key[0])

    # every measure of the programme, with its lead unit, even where nobody ever reported:
    # a blank cell says "not reported", and the council sees the whole programme
    keys = set(table) | {(entry.measure.lead, entry.id) for entry in index.entries}
    rows = []
    for unit_id, measure_id in sorted(keys, key=order):
        entry = index.measures.get(measure_id)
        statuses = table.get((unit_id, measure_id), {})
        rows.append([tr.text(entry.theme.title) if entry else None,
                     tr.text(entry.goal.text) if entry else None,
                     tr.text(entry.measure.text) if entry else measure_id, measure_id,
                     _unit_name(index, unit_id, tr),
                     *(status_label(statuses[y], tr) if y in statuses else None for y in years)])
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _SheetNames()(_("Statuses by year"))
    _table(sheet, 1, [_("Theme"), _("Goal"), _("Measure"), _("Measure id"), _("Unit"),
                      *(str(year) for year in years)], rows)
    _fit_columns(sheet)
    return _bytes(workbook)
