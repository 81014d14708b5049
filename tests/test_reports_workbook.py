"""The summary and programme workbooks: real summaries, read back with openpyxl."""

from __future__ import annotations

from datetime import UTC, date, datetime
from io import BytesIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from bot.catalogue.index import CatalogueIndex
from bot.domain.answers import Milestone, Status, comment_key, field_key, status_key
from bot.domain.records import Answer, Round, Submission
from bot.domain.summary import RoundData, Summary, status_by_year, summarise
from bot.i18n import Translator, Translators
from bot.reports.workbook import _SheetNames, programme_workbook, summary_workbook

HELSINKI = ZoneInfo("Europe/Helsinki")
YEAR = 2026
ON_TIME = datetime(2026, 12, 3, 8, 30, tzinfo=UTC)
LATE = datetime(2027, 2, 5, 12, 0, tzinfo=UTC)
WELCOME, EMPLOYMENT = "welcome-office", "employment-ecosystem"
PEOPLE = {1: "Aino Virtanen", 2: "Bertil Ek"}


@pytest.fixture(scope="module")
def translators() -> Translators:
    return Translators()


def on_time(key: str, value: object, year: int = YEAR) -> Answer:
    return Answer(year, WELCOME, key, value, 1, ON_TIME, False)


def late(key: str, value: object) -> Answer:
    return Answer(YEAR, EMPLOYMENT, key, value, 2, LATE, True)


ANSWERS = [
    on_time(status_key("health.popup-info"), Status.DONE),
    on_time(field_key("health.popup-info.sessions"), 12),
    on_time(field_key("health.popup-info.participants"), 140),
    on_time(comment_key("health.popup-info"), "Well attended"),
    on_time(status_key("health.newsletter"), Status.IN_PROGRESS),
    on_time(comment_key("health.newsletter"), "=1+1"),
    late(status_key("work.mini-recruitment-fairs"), Status.ONGOING),
    late(field_key("work.mini-recruitment-fairs.count"), 3),
    late(status_key("education.job-visits"), Status.DONE),
    late(field_key("education.job-visits.visits"), 12),
    late(status_key("work.good-practices"), Status.NOT_STARTED),
    late(field_key("work.good-practices.adopted"), Milestone.PARTLY),
]
PREVIOUS = [on_time(status_key("health.popup-info"), Status.DONE, 2025)]


@pytest.fixture(scope="module")
def summary(index: CatalogueIndex) -> Summary:
    data = RoundData(
        round=Round(YEAR, date(2027, 1, 31), (14, 7, 1, -3, -10), None, ON_TIME, None),
        answers=ANSWERS,
        previous_answers=PREVIOUS,
        earlier_statuses={},
        submissions={WELCOME: Submission(YEAR, WELCOME, 1, ON_TIME, False),
                     EMPLOYMENT: Submission(YEAR, EMPLOYMENT, 2, LATE, True)},
    )
    return summarise(index, data)


def workbook(index: CatalogueIndex, summary: Summary, tr: Translator) -> Workbook:
    content = summary_workbook(index, summary, ANSWERS, PEOPLE, tr, HELSINKI)
    assert content.startswith(b"PK")  # an XLSX is a zip file
    return load_workbook(BytesIO(content))


def records(sheet: Worksheet, header_row: int = 1) -> list[dict[str, Any]]:
    """Rows as header → cell, so tests read like the sheet."""
    rows = list(sheet.iter_rows(min_row=header_row))
    headers = [cell.value for cell in rows[0]]
    return [{h: cell for h, cell in zip(headers, row, strict=True)} for row in rows[1:]]


def test_sheet_names_are_translated_and_short(index: CatalogueIndex, summary: Summary,
                                              translators: Translators) -> None:
    fi = workbook(index, summary, translators["fi"]).sheetnames
    en = workbook(index, summary, translators["en"]).sheetnames
    assert en[:2] == ["Answers", "Indicator values"]
    assert fi[:2] == ["Vastaukset", "Mittarien arvot"]
    assert all(len(name) <= 31 for name in fi + en)


def test_answers_sheet_has_a_row_per_due_measure_in_finnish(index: CatalogueIndex, summary: Summary,
                                                           translators: Translators) -> None:
    sheet = workbook(index, summary, translators["fi"])["Vastaukset"]
    headers = [cell.value for cell in sheet[1]]
    assert headers[:6] == ["Teema", "Tavoite", "Toimenpide", "Toimenpiteen tunnus", "Yksikkö",
                           "Tila"]
    rows = records(sheet)
    assert len(rows) == sum(len(items) for items in summary.due.values())
    pairs = {(row["Yksikkö"].value, row["Toimenpiteen tunnus"].value) for row in rows}
    assert len(pairs) == len(rows)
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:K{len(rows) + 1}"
    by_measure = {row["Toimenpiteen tunnus"].value: row for row in rows}
    assert by_measure["health.popup-info"]["Yksikkö"].value == "Welcome Office"
    popup = by_measure["health.popup-info"]
    assert popup["Tila"].value == "Valmis"
    assert popup["Kommentti"].value == "Well attended"
    assert popup["Vastaaja"].value == "Aino Virtanen"
    assert popup["Vastattu"].value == datetime(2026, 12, 3, 10, 30)  # Helsinki time
    assert popup["Vastattu"].number_format == "yyyy-mm-dd hh:mm"
    assert popup["Myöhässä"].value == "Ei"
    assert "12" in popup["Mittarien arvot"].value and "140" in popup["Mittarien arvot"].value
    assert by_measure["health.newsletter"]["Kommentti"].value == "=1+1"  # text, not a formula
    assert by_measure["health.newsletter"]["Kommentti"].data_type == "s"
    assert by_measure["health.websites"]["Tila"].value == "Ei raportoitu"
    assert by_measure["health.websites"]["Myöhässä"].value is None
    for measure in ("work.mini-recruitment-fairs", "education.job-visits", "work.good-practices"):
        assert by_measure[measure]["Myöhässä"].value == "Kyllä"
        assert by_measure[measure]["Vastaaja"].value == "Bertil Ek"


def test_indicator_values_are_numbers_with_targets(index: CatalogueIndex, summary: Summary,
                                                   translators: Translators) -> None:
    rows = records(workbook(index, summary, translators["en"])["Indicator values"])
    by_question = {(row["Measure id"].value, row["Value"].value): row for row in rows}
    sessions = by_question[("health.popup-info", 12)]
    assert sessions["Value"].data_type == "n"
    fairs = by_question[("work.mini-recruitment-fairs", 3)]
    assert fairs["Target met"].value == "No" and fairs["Target"].value
    assert by_question[("education.job-visits", 12)]["Target met"].value == "Yes"
    assert by_question[("work.good-practices", "Partly")]["Unit"].value
    assert sessions["Target met"].value is None


def test_a_sheet_per_theme_with_counts(index: CatalogueIndex, summary: Summary,
                                       translators: Translators) -> None:
    tr = translators["fi"]
    book = workbook(index, summary, tr)
    assert len(book.sheetnames) == 2 + len(summary.themes) + 1  # and the form to import back
    for theme in summary.themes:  # "Sosiaaliset suhteet ja kontaktit" is cut to 31
        assert tr.text(index.themes[theme.theme_id].title)[:31] in book.sheetnames
    health = book["Terveys ja hyvinvointi"]
    counts = {health.cell(2, column).value: health.cell(3, column).value for column in range(1, 8)}
    theme = next(t for t in summary.themes if t.theme_id == "health")
    assert counts["Valmis"] == theme.statuses[Status.DONE] == 1
    assert counts["Käynnissä"] == theme.statuses[Status.IN_PROGRESS] == 1
    assert counts["Ei raportoitu"] == theme.statuses["not_reported"]
    assert counts["Raportoitavat toimenpiteet"] == theme.due
    assert counts["Valmiit vuonna 2025"] == 1
    rows = records(health, header_row=5)
    assert len(rows) == theme.due
    ids = [row["Toimenpiteen tunnus"].value for row in rows]
    assert (ids.index("health.popup-info") < ids.index("health.newsletter")
            < ids.index("health.websites"))  # programme order
    statuses = {row["Toimenpiteen tunnus"].value: row["Tila"].value for row in rows}
    assert statuses["health.popup-info"] == "Valmis"
    assert statuses["health.websites"] == "Ei raportoitu"
    assert health.freeze_panes == "A6"


def test_programme_workbook_has_a_column_per_year(index: CatalogueIndex,
                                                  translators: Translators) -> None:
    table = status_by_year(index, ANSWERS + PREVIOUS)
    content = programme_workbook(index, table, [2023, 2024, 2025, 2026], translators["en"])
    sheet = load_workbook(BytesIO(content)).active
    assert sheet is not None
    headers = [cell.value for cell in sheet[1]]
    assert headers[-4:] == ["2023", "2024", "2025", "2026"]
    rows = records(sheet)
    assert len({row["Measure id"].value for row in rows}) == len(index.entries) == 77  # all measures
    assert len(rows) >= 77 and {k[1] for k in table} <= {row["Measure id"].value for row in rows}
    popup = next(row for row in rows if row["Measure id"].value == "health.popup-info")
    assert [popup[str(y)].value for y in (2023, 2024, 2025, 2026)] == [None, None, "Done", "Done"]


def test_sheet_names_follow_excel_rules() -> None:
    names = _SheetNames()
    assert names("Työ/asuminen: [a]?*") == "Työ asuminen   a"
    long = "Sosiaaliset suhteet ja kontaktit ja muuta"
    assert names(long) == long[:31]
    assert names(long) == long[:27] + " (2)"
    assert names("answers") == "answers" and names("ANSWERS") == "ANSWERS (2)"
