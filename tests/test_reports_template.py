"""The answer form workbook: its rows, hidden ids and Excel validations in each language,
and reading it back (cached formula values, text numbers, files that are not workbooks)."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from bot.catalogue.index import CatalogueIndex
from bot.domain.imports import MAX_FILE_BYTES, check_rows, form_rows
from bot.i18n import Translators
from bot.reports.template import template_workbook, vocabulary
from bot.reports.workbook_reader import NotAWorkbook, read_forms

STATUS_LISTS = {"fi": '"Ei aloitettu,Käynnissä,Valmis,Jatkuu suunnitellusti"',
                "sv": '"Inte påbörjad,Pågår,Klar,Fortlöpande enligt plan"',
                "en": '"Not started,In progress,Done,Continuing as planned"'}
HEADERS = {"fi": ("Tila", "Kommentti"), "sv": ("Status", "Kommentar"), "en": ("Status", "Comment")}


@pytest.fixture(scope="module")
def translators() -> Translators:
    return Translators()


def keys(sheet: Worksheet) -> dict[str, int]:
    return {str(c.value).removeprefix("kotobot:"): c.column for c in sheet[1] if c.value}


def validations(sheet: Worksheet) -> dict[str, tuple[str, str | None, str | None, str | None]]:
    """cell → (type, operator, formula1, formula2) of the validation covering it."""
    covered = {}
    for check in sheet.data_validations.dataValidation:
        for cell_range in check.sqref.ranges:
            covered[cell_range.coord] = (check.type, check.operator, check.formula1, check.formula2)
    return covered


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_a_template_for_one_unit_has_its_rows_and_validations(
        index: CatalogueIndex, translators: Translators, lang: str) -> None:
    tr = translators[lang]
    rows = form_rows(index, 2026, ["family-centre"], {})
    book = load_workbook(io.BytesIO(template_workbook(index, rows, tr)))
    sheet = book.active
    assert sheet is not None
    column = keys(sheet)
    assert sheet.row_dimensions[1].hidden and sheet.protection.sheet
    for key in ("year", "unit", "measure", "field:1"):
        letter = sheet.cell(1, column[key]).column_letter
        assert sheet.column_dimensions[letter].hidden, key
    assert [sheet.cell(2, column[k]).value for k in ("status", "comment")] == list(HEADERS[lang])
    data = list(range(3, sheet.max_row + 1))
    assert [sheet.cell(r, column["measure"]).value for r in data] == [r.due.id for r in rows]
    assert {sheet.cell(r, column["unit"]).value for r in data} == {"family-centre"}
    assert {sheet.cell(r, column["year"]).value for r in data} == {2026}
    first = rows[0]
    assert sheet.cell(3, column["measure_text"]).value == tr.text(first.due.entry.measure.text)
    assert sheet.cell(3, column["question:1"]).value.startswith(tr.text(first.fields[0].question))
    checks = validations(sheet)
    status = sheet.cell(3, column["status"]).coordinate
    assert checks[status] == ("list", None, STATUS_LISTS[lang], None)
    kinds = {f.id: f.kind.value for f in first.fields}
    assert kinds == {"health.family-info.share": "percent", "health.family-info.sessions": "count",
                     "health.family-info.participants": "count"}
    for slot, indicator_field in enumerate(first.fields, start=1):
        assert sheet.cell(3, column[f"field:{slot}"]).value == indicator_field.id
        answer = sheet.cell(3, column[f"answer:{slot}"])
        assert not answer.protection.locked
        expected = {"percent": ("decimal", "between", "0", "100"),
                    "count": ("whole", "between", "0", "1000000")}[indicator_field.kind.value]
        assert checks[answer.coordinate] == expected
    assert sheet.cell(3, column["measure"]).protection.locked


def test_milestone_and_yes_no_cells_are_drop_downs_in_the_language(
        index: CatalogueIndex, translators: Translators) -> None:
    rows = form_rows(index, 2026, ["reception-centre"], {})
    sheet = load_workbook(io.BytesIO(template_workbook(index, rows, translators["sv"]))).active
    assert sheet is not None
    lists = {formula for kind, _op, formula, _f2 in validations(sheet).values() if kind == "list"}
    assert '"Ja,Delvis,Inte ännu"' in lists and '"Ja,Nej"' in lists


def fill_and_read(index: CatalogueIndex, translators: Translators, data: bytes) -> bytes:
    sheet_book = load_workbook(io.BytesIO(data))
    sheet = sheet_book.active
    assert sheet is not None
    column = keys(sheet)
    sheet.cell(3, column["status"], "Valmis")
    sheet.cell(3, column["answer:1"], "=2+3")
    sheet.cell(3, column["answer:2"], "1 200")
    buffer = io.BytesIO()
    sheet_book.save(buffer)
    return buffer.getvalue()


def with_cached_value(data: bytes, formula: str, value: str) -> bytes:
    """What Excel saves: the formula and the value it last computed."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename.startswith("xl/worksheets/"):
                content = re.sub(rf"<f>{re.escape(formula)}</f><v\s*/>".encode(),
                                  f"<f>{formula}</f><v>{value}</v>".encode(), content)
            target.writestr(item, content)
    return out.getvalue()


def test_a_filled_template_reads_back_with_cached_formula_values(
        index: CatalogueIndex, translators: Translators) -> None:
    rows = form_rows(index, 2026, ["welcome-office"], {})
    filled = fill_and_read(index, translators, template_workbook(index, rows, translators["fi"]))
    forms = read_forms(with_cached_value(filled, "2+3", "5"))
    assert forms.years == {2026} and len(forms.rows) == 1  # the empty rows are skipped
    plan = check_rows(index, 2026, forms.rows, vocabulary(translators))
    assert plan.ok, plan.problems
    assert {a.key: a.value for a in plan.answers} == {
        "status:health.popup-info": "done", "field:health.popup-info.sessions": 5,
        "field:health.popup-info.participants": 1200}


def test_files_that_are_not_workbooks_are_refused() -> None:
    with pytest.raises(NotAWorkbook) as refused:
        read_forms(b"%PDF-1.7 not a workbook")
    assert refused.value.reason == "not_xlsx"
    with pytest.raises(NotAWorkbook) as refused:
        read_forms(b"PK" + b"\0" * MAX_FILE_BYTES)
    assert refused.value.reason == "too_large"
    plain = Workbook()
    buffer = io.BytesIO()
    plain.save(buffer)
    assert read_forms(buffer.getvalue()).sheets == []
