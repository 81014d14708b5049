"""Reading filled forms back from a workbook (the form is written by `bot.reports.template`).

Any sheet whose hidden first rows name the columns (`kotobot:measure`, …) is a form; other
sheets (the export's summaries, a coordinator's notes) are ignored. Formulas are read as
the values Excel last computed. The result is plain data for `bot.domain.imports`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from io import BytesIO
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from bot.domain.imports import MAX_FILE_BYTES, Cell, FilledRow
from bot.reports.template import KEY_PREFIX

KEY_SEARCH_ROWS = 5
"""The key row is the first row of a form; a few more rows allow for a title inserted above."""


class NotAWorkbook(ValueError):
    """The file is not an .xlsx workbook (or is too large to be one of ours)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "too_large" or "not_xlsx"


@dataclass
class ReadForms:
    rows: list[FilledRow] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)  # the sheets that were forms
    years: set[int] = field(default_factory=set)  # the years named in the rows


def _year(value: Any) -> int | None:
    try:
        year = int(str(value).strip().removesuffix(".0"))
    except ValueError:
        return None
    return year if 2000 <= year <= 2100 else None


def read_forms(data: bytes) -> ReadForms:
    """Every form row of every form sheet in the workbook; NotAWorkbook if it is not one."""
    if len(data) > MAX_FILE_BYTES:
        raise NotAWorkbook("too_large")
    try:
        workbook = load_workbook(BytesIO(data), data_only=True)
    except Exception as error:  # openpyxl raises many kinds for files that are not xlsx
        raise NotAWorkbook("not_xlsx") from error
    found = ReadForms()
    for sheet in workbook.worksheets:
        rows = [list(values) for values in sheet.iter_rows(values_only=True)]
        key_row = next((number for number, values in enumerate(rows[:KEY_SEARCH_ROWS])
                        if f"{KEY_PREFIX}measure" in values), None)
        if key_row is None:
            continue
        found.sheets.append(sheet.title)
        columns = {str(key).removeprefix(KEY_PREFIX): number
                   for number, key in enumerate(rows[key_row])
                   if isinstance(key, str) and key.startswith(KEY_PREFIX)}
        headers = rows[key_row + 1] if key_row + 1 < len(rows) else []
        slots = sorted(int(key.split(":")[1]) for key in columns if key.startswith("answer:"))

        def cell(values: list[Any], key: str, columns: dict[str, int] = columns,
                 headers: list[Any] = headers) -> Cell | None:
            number = columns.get(key)
            if number is None:
                return None
            header = headers[number] if number < len(headers) else None
            return Cell(get_column_letter(number + 1), str(header or key),
                        values[number] if number < len(values) else None)

        for offset, values in enumerate(rows[key_row + 2:], start=key_row + 3):
            answers = []
            for slot in slots:
                value = cell(values, f"answer:{slot}")
                assert value is not None
                answers.append((cell(values, f"field:{slot}"), value))
            row = FilledRow(sheet.title, offset, cell(values, "year"), cell(values, "unit"),
                            cell(values, "measure"), cell(values, "status"), tuple(answers),
                            cell(values, "comment"), cell(values, "date"))
            if row.is_empty():
                continue
            found.rows.append(row)
            year = _year(row.year.value) if row.year is not None and row.year.value is not None else None
            if year is not None:
                found.years.add(year)
    return found
