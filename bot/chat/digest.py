"""The council's yearly digest as the parts it is sent in: texts, the status chart, the
workbook, and after the programme's last year the whole period's trend and workbook.

Built from the same summary as /summary. Pure rendering from loaded facts (no I/O), so the
caller can run it in a worker thread: charts and workbooks take long enough to make every
other person wait if drawn on the event loop.
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.catalogue.index import CatalogueIndex
from bot.chat.summary_view import digest_blocks, trend_block
from bot.chat.views import split_blocks
from bot.domain.coordination import commented_units, pick_highlights
from bot.domain.outreach import Part
from bot.domain.records import Answer
from bot.domain.summary import RoundData, done_trend, status_by_year, summarise
from bot.i18n import Translator


@dataclass(frozen=True)
class DigestFacts:
    """What the digest shows, loaded once for every council member's language."""

    round: RoundData
    people: dict[int, str]
    programme_answers: list[Answer] | None  # after the last programme year: every year's
    reported_years: set[int]
    chosen: tuple[str, ...] = ()  # the coordinator's highlights, in the order chosen
    on_behalf: frozenset[tuple[str, int]] = frozenset()  # (unit, coordinator) reporting for it


def digest_highlights(answers: list[Answer],
                      chosen: tuple[str, ...] = ()) -> list[tuple[str, str, str]]:
    """(unit, measure, comment) of the units whose comments lead the digest: each unit's
    latest comment, the coordinator's choice or else the most recent units first (see
    `pick_highlights`)."""
    latest = commented_units(answers)
    units = pick_highlights(list(chosen), {unit: a.answered_at for unit, a in latest.items()})
    return [(unit, latest[unit].key.removeprefix("comment:"), latest[unit].value) for unit in units]


def render_digest(index: CatalogueIndex, facts: DigestFacts, tr: Translator,
                  tz: ZoneInfo) -> list[Part]:
    """The digest in one language, part by part, in the order they are sent."""
    from bot.reports.chart import status_chart, trend_chart  # heavy: loaded on first use
    from bot.reports.workbook import programme_workbook, summary_workbook

    _ = tr.gettext
    year = facts.round.round.year
    summary = summarise(index, facts.round)
    title = _("Integration programme follow-up {year}: digest for the Multicultural Council").format(
        year=year)
    blocks = digest_blocks(index, summary, tr, title, digest_highlights(facts.round.answers, facts.chosen))
    documents = [Part(
        _("All answers of {year}, and a summary per theme.").format(year=year),
        summary_workbook(index, summary, facts.round.answers, facts.people, tr, tz,
                         facts.on_behalf),
        _("kotobot-{year}.xlsx").format(year=year))]
    charts = [Part(_("Measures by status, {year}").format(year=year),
                   status_chart(index, summary, tr), "status.png", photo=True)]
    programme = index.programme
    if facts.programme_answers is not None:
        years = list(range(programme.start, programme.end + 1))
        trend = done_trend(index, facts.programme_answers)
        blocks.append(trend_block(index, trend, years, tr, facts.reported_years))
        charts.append(Part(_("Measures done per theme and year"),
                           trend_chart(index, trend, years, tr, facts.reported_years), "trend.png",
                           photo=True))
        documents.append(Part(
            _("Each measure's status per year, {start}–{end}.").format(
                start=programme.start, end=programme.end),
            programme_workbook(index, status_by_year(index, facts.programme_answers), years, tr),
            _("kotobot-programme-{start}-{end}.xlsx").format(start=programme.start,
                                                             end=programme.end)))
    return [*(Part(text) for text in split_blocks(blocks)), *charts, *documents]
