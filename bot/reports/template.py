"""The answer form as a workbook: one row per due measure and unit, filled in Excel and
imported back (`bot.reports.workbook_reader` reads it).

The visible columns are in the reader's language: theme, goal, measure, indicator, unit,
then the cells to fill (status, each indicator field's answer next to its question, a
comment, the date it was answered). Hidden, locked columns carry the ids that make a row
readable back whatever language it was written in, and a hidden first row names every
column for the reader. Excel data validation offers drop-down lists for statuses and
choices, whole numbers ≥ 0 for counts, 0–100 for percentages. The same sheet, filled with
the stored answers, is part of the /export workbook, so an exported file can be corrected
and imported again.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import MultiCellRange
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from bot.catalogue.index import CatalogueIndex
from bot.catalogue.models import LANGUAGES, IndicatorKind
from bot.domain.answers import (
    CHOICES,
    MAX_COUNT,
    MAX_TEXT_LENGTH,
    Status,
    comment_key,
    field_key,
    status_key,
)
from bot.domain.imports import MILESTONE, STATUS, YESNO, FormRow, Vocabulary
from bot.domain.records import Answer
from bot.i18n import Translator, Translators
from bot.wording.describe import kind_label
from bot.wording.labels import choice_label, status_label

KEY_ROW, HEADER_ROW, FIRST_ROW = 1, 2, 3
KEY_PREFIX = "kotobot:"
"""The hidden first row names each column `kotobot:<key>`; the reader looks for it."""
DATE_FORMAT = "d.m.yyyy"
INPUT_FILL = PatternFill("solid", fgColor="FFF8DC")
BOLD = Font(bold=True)
WRAPPED = Alignment(wrap_text=True, vertical="top")
WIDTHS = {"theme": 18, "goal": 30, "measure_text": 45, "indicator": 35, "unit_name": 22,
          "status": 20, "question": 30, "answer": 14, "comment": 40, "date": 12}


def vocabulary(translators: Translators) -> Vocabulary:
    """Every label a cell may hold for a choice, in all three languages, plus the stored
    codes, casefolded: a Swedish coordinator may fill a Finnish form."""
    words: dict[str, dict[str, str]] = {STATUS: {}, MILESTONE: {}, YESNO: {}}
    for lang in LANGUAGES:
        tr = translators[lang]
        for status in Status:
            words[STATUS][status_label(status, tr).casefold()] = status.value
        for kind, values in CHOICES.items():
            for value in values:
                words[kind.value][choice_label(kind, value, tr).casefold()] = value
    for kind_words in words.values():
        for value in set(kind_words.values()):
            kind_words[value.casefold()] = value
            kind_words[value.replace("_", " ").casefold()] = value
    return words


def answered_by(answer: Answer, people: Mapping[int, str], tr: Translator,
                on_behalf: Collection[tuple[str, int]] = (), unit: str = "") -> str | None:
    """Who gave an answer; an imported one says so, with the file it came from, and one a
    coordinator gave reporting for the unit (`on_behalf`: (unit id, person id)) says that."""
    name = people.get(answer.person_id)
    if answer.source is None and (answer.unit_id, answer.person_id) in on_behalf:
        return tr.gettext("{name} on behalf of {unit}").format(name=name or "?",
                                                               unit=unit or answer.unit_id)
    if answer.source is None:
        return name
    return tr.gettext("imported by {name} from {file}").format(name=name or "?", file=answer.source)


def _columns(slots: int) -> list[str]:
    keys = ["theme", "goal", "measure_text", "indicator", "unit_name", "status"]
    for slot in range(1, slots + 1):
        keys += [f"question:{slot}", f"answer:{slot}"]
    keys += ["comment", "date", "year", "unit", "measure"]
    keys += [f"field:{slot}" for slot in range(1, slots + 1)]
    return keys


def _headers(tr: Translator) -> dict[str, str]:
    _ = tr.gettext
    return {"theme": _("Theme"), "goal": _("Goal"), "measure_text": _("Measure"),
            "indicator": _("Indicator"), "unit_name": _("Unit"), "status": _("Status"),
            "question": _("Question {number}"), "answer": _("Answer {number}"),
            "comment": _("Comment"), "date": _("Answered on"), "year": _("Year"),
            "unit": _("Unit id"), "measure": _("Measure id"), "field": _("Question id {number}")}


def _list(values: Sequence[str], tr: Translator) -> DataValidation:
    # Excel's inline lists are comma-separated and limited to 255 characters
    formula = '"' + ",".join(value.replace(",", " ") for value in values) + '"'
    check = DataValidation(type="list", formula1=formula[:255], allow_blank=True)
    check.error = tr.gettext("Choose one of the values in the list.")
    return check


def _validations(tr: Translator) -> dict[str, DataValidation]:
    _ = tr.gettext
    checks = {
        STATUS: _list([status_label(s, tr) for s in Status], tr),
        IndicatorKind.MILESTONE.value: _list(
            [choice_label(IndicatorKind.MILESTONE, v, tr) for v in CHOICES[IndicatorKind.MILESTONE]], tr),
        IndicatorKind.YESNO.value: _list(
            [choice_label(IndicatorKind.YESNO, v, tr) for v in CHOICES[IndicatorKind.YESNO]], tr),
        IndicatorKind.COUNT.value: DataValidation(type="whole", operator="between", formula1="0",
                                                  formula2=str(MAX_COUNT), allow_blank=True),
        IndicatorKind.NUMBER.value: DataValidation(type="decimal", operator="greaterThanOrEqual",
                                                   formula1="0", allow_blank=True),
        IndicatorKind.PERCENT.value: DataValidation(type="decimal", operator="between",
                                                    formula1="0", formula2="100", allow_blank=True),
        IndicatorKind.TEXT.value: DataValidation(type="textLength", operator="lessThanOrEqual",
                                                 formula1=str(MAX_TEXT_LENGTH), allow_blank=True),
    }
    checks[IndicatorKind.COUNT.value].error = _("Type a whole number, 0 or more.")
    checks[IndicatorKind.NUMBER.value].error = _("Type a number, 0 or more.")
    checks[IndicatorKind.PERCENT.value].error = _("Type a percentage from 0 to 100.")
    checks[IndicatorKind.TEXT.value].error = _("The text is too long.")
    for check in checks.values():
        check.showErrorMessage = True
    return checks


def _shown(kind: IndicatorKind, value: Any, tr: Translator) -> Any:
    if value is None or kind.numeric or kind is IndicatorKind.TEXT:
        return value
    return choice_label(kind, value, tr)


def fill_form_sheet(sheet: Worksheet, index: CatalogueIndex, rows: Sequence[FormRow],
                    tr: Translator, values: Mapping[tuple[str, str], Any] | None = None) -> None:
    """Write the form into `sheet`; `values` (unit, answer key) → stored value pre-fills it."""
    values = values or {}
    slots = max((len(row.fields) for row in rows), default=1) or 1
    keys = _columns(slots)
    column_of = {key: number for number, key in enumerate(keys, start=1)}
    names = _headers(tr)
    for number, key in enumerate(keys, start=1):
        base, _sep, slot_number = key.partition(":")
        sheet.cell(KEY_ROW, number, KEY_PREFIX + key)
        header = sheet.cell(HEADER_ROW, number, names[base].format(number=slot_number))
        header.font = BOLD
        header.alignment = WRAPPED
        letter = get_column_letter(number)
        sheet.column_dimensions[letter].width = WIDTHS.get(base, 10)
        if base in ("year", "unit", "measure", "field"):
            sheet.column_dimensions[letter].hidden = True
    sheet.row_dimensions[KEY_ROW].hidden = True
    checks = _validations(tr)
    for check in checks.values():
        sheet.add_data_validation(check)
    # the cells each check covers, given to it once at the end: DataValidation.add scans
    # every range it already has, which made a 5,000-unit form take minutes (quadratic)
    covered: dict[str, list[str]] = {kind: [] for kind in checks}

    def put(row: int, key: str, value: Any, check: str | None = None, entry: bool = False) -> None:
        cell = sheet.cell(row, column_of[key])
        if isinstance(value, str) and value.startswith("="):
            cell.value = value
            cell.data_type = "s"  # text, never a formula
        else:
            cell.value = value
        cell.alignment = WRAPPED
        if entry:
            cell.protection = Protection(locked=False)
            cell.fill = INPUT_FILL
        if check is not None:
            covered[check].append(cell.coordinate)

    for number, form in enumerate(rows, start=FIRST_ROW):
        entry, unit = form.due.entry, form.unit_id
        unit_name = tr.text(index.units[unit].name) if unit in index.units else unit
        put(number, "theme", tr.text(entry.theme.title))
        put(number, "goal", tr.text(entry.goal.text))
        put(number, "measure_text", tr.text(entry.measure.text))
        put(number, "indicator", "\n".join(tr.text(index.indicators[ref].text)
                                          for ref in entry.measure.indicators))
        put(number, "unit_name", unit_name)
        status = values.get((unit, status_key(entry.id)))
        put(number, "status", status_label(status, tr) if status else None, STATUS, entry=True)
        for slot, indicator_field in enumerate(form.fields, start=1):
            question = f"{tr.text(indicator_field.question)} ({kind_label(indicator_field.kind, tr)})"
            put(number, f"question:{slot}", question)
            put(number, f"answer:{slot}",
                _shown(indicator_field.kind, values.get((unit, field_key(indicator_field.id))), tr),
                indicator_field.kind.value, entry=True)
            put(number, f"field:{slot}", indicator_field.id)
        put(number, "comment", values.get((unit, comment_key(entry.id))), IndicatorKind.TEXT.value,
            entry=True)
        put(number, "date", None, entry=True)
        sheet.cell(number, column_of["date"]).number_format = DATE_FORMAT
        put(number, "year", form.year)
        put(number, "unit", unit)
        put(number, "measure", entry.id)
    for kind, coordinates in covered.items():
        checks[kind].sqref = MultiCellRange(" ".join(coordinates))
    sheet.freeze_panes = sheet.cell(FIRST_ROW, column_of["status"])
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(keys))}{max(HEADER_ROW, FIRST_ROW + len(rows) - 1)}"
    protection = sheet.protection
    protection.sheet = True  # ids and catalogue texts locked; the yellow cells are for input
    protection.formatColumns = protection.formatRows = False
    protection.autoFilter = protection.sort = False


def template_workbook(index: CatalogueIndex, rows: Sequence[FormRow], tr: Translator,
                      values: Mapping[tuple[str, str], Any] | None = None) -> bytes:
    """The form for `rows` as a workbook of its own (`/export template`, `kotobot template`)."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    year = rows[0].year if rows else ""
    sheet.title = tr.gettext("Form {year}").format(year=year)[:31]
    fill_form_sheet(sheet, index, rows, tr, values)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
