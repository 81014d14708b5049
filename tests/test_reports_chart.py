"""The status and trend charts: real summaries from the real catalogue, rendered to PNG."""

from __future__ import annotations

from datetime import UTC, date, datetime
from io import BytesIO

import pytest
from PIL import Image

from bot.catalogue.index import CatalogueIndex
from bot.domain.answers import Status, field_key, status_key
from bot.domain.records import Answer, Round, Submission
from bot.domain.summary import RoundData, done_trend, summarise
from bot.i18n import Translators
from bot.reports.chart import status_chart, status_name, trend_chart, trend_series

PNG = b"\x89PNG\r\n\x1a\n"
YEAR = 2026
WHEN = datetime(2026, 12, 3, 8, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def translators() -> Translators:
    return Translators()


def answer(unit: str, key: str, value: object, year: int = YEAR) -> Answer:
    return Answer(year, unit, key, value, 1, WHEN, False)


@pytest.fixture(scope="module")
def data() -> RoundData:
    answers = [
        answer("welcome-office", status_key("health.popup-info"), Status.DONE),
        answer("welcome-office", field_key("health.popup-info.sessions"), 12),
        answer("welcome-office", status_key("health.newsletter"), Status.IN_PROGRESS),
        answer("employment-ecosystem", status_key("work.mini-recruitment-fairs"), Status.ONGOING),
        answer("employment-ecosystem", status_key("education.job-visits"), Status.DONE),
        answer("employment-ecosystem", status_key("work.good-practices"), Status.NOT_STARTED),
    ]
    return RoundData(
        round=Round(YEAR, date(2027, 1, 31), (14, 7, 1, -3, -10), None, WHEN, None),
        answers=answers,
        previous_answers=[
            answer("welcome-office", status_key("health.popup-info"), Status.DONE, 2025)],
        earlier_statuses={},
        submissions={"welcome-office": Submission(YEAR, "welcome-office", 1, WHEN, False)},
    )


def image(png: bytes) -> Image.Image:
    assert png.startswith(PNG)
    picture = Image.open(BytesIO(png))
    picture.load()
    return picture


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_status_chart_is_a_phone_sized_png(index: CatalogueIndex, data: RoundData,
                                           translators: Translators, lang: str) -> None:
    summary = summarise(index, data)
    assert summary.themes  # the chart has bars to draw
    picture = image(status_chart(index, summary, translators[lang]))
    assert picture.format == "PNG"
    assert picture.width > 600 and picture.height > 400


def test_an_empty_summary_still_gives_a_png(index: CatalogueIndex, data: RoundData,
                                            translators: Translators) -> None:
    summary = summarise(index, data, unit_id="no-such-unit")
    assert not summary.themes
    picture = image(status_chart(index, summary, translators["fi"]))
    assert picture.width > 600 and picture.height > 400


def test_trend_chart_is_a_png(index: CatalogueIndex, data: RoundData,
                              translators: Translators) -> None:
    trend = done_trend(index, data.answers + data.previous_answers)
    assert trend == {"health": {2025: 1, 2026: 1}, "education": {2026: 1}}
    picture = image(trend_chart(index, trend, [2023, 2024, 2025, 2026], translators["sv"]))
    assert picture.width > 600 and picture.height > 400


def test_trend_chart_without_data_is_a_png(index: CatalogueIndex, translators: Translators) -> None:
    image(trend_chart(index, {}, [], translators["en"]))


def test_not_reported_is_translated(translators: Translators) -> None:
    assert status_name("not_reported", translators["en"]) == "Not reported"
    assert status_name("not_reported", translators["fi"]) == "Ei raportoitu"
    assert status_name(Status.DONE, translators["fi"]) == "Valmis"


def test_a_year_without_a_round_is_a_gap_not_a_zero(index: CatalogueIndex, translators: Translators) -> None:
    """Issue 13: 2023 had no round; its point is missing (NaN), 2024's real 0 stays 0."""
    import math

    trend = {"work": {2025: 3, 2026: 4}, "housing": {2025: 3, 2026: 4}}
    series = trend_series(trend, [2023, 2024, 2025, 2026], {2024, 2025, 2026})
    assert math.isnan(series["work"][0]) and series["work"][1:] == [0.0, 3.0, 4.0]
    assert series["housing"][1:] == series["work"][1:]  # identical: the chart offsets them
    image(trend_chart(index, trend, [2023, 2024, 2025, 2026], translators["en"], {2024, 2025, 2026}))
