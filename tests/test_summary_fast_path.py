"""The /summary text is computed from `Storage.summary_facts` (a few columns, values decoded
by SQLite) instead of from every answer of two rounds decoded into objects. The coordinator
must not be able to tell: on databases with any history hypothesis can think of, written
through `Storage` as the bot writes them, both paths give the same summary and exactly the
same /summary text in Finnish and English, for the whole round, a theme and a unit.

The histories deliberately include what the fast path could get wrong: measures whose
schedule ended and that are carried over until reported done (and a later "not done"
undoing an earlier "done"), answers from units that do not lead the measure or lead
nothing, numbers written as floats, booleans and text, comments, late submissions, rounds
without a round before.
"""

from __future__ import annotations

import asyncio
import tempfile
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.catalogue.index import CatalogueIndex
from bot.catalogue.loader import load_catalogue
from bot.catalogue.models import IndicatorKind
from bot.chat.summary_view import summary_blocks
from bot.domain.answers import Status, comment_key, field_key, status_key
from bot.domain.summary import Summary, carried_over_candidates, load_round_data, summarise
from bot.i18n import Translators
from bot.storage import Storage

INDEX: CatalogueIndex = load_catalogue()
TRANSLATORS = Translators()
YEARS = (2022, 2023, 2024, 2025, 2026)
LEADS = [u.id for u in INDEX.lead_units()][:4]
OUTSIDER = next(u.id for u in INDEX.catalogue.units if u.id not in {x.id for x in INDEX.lead_units()})
ENTRIES = [e for e in INDEX.entries if e.measure.lead in LEADS]


@dataclass(frozen=True)
class Written:
    """One answer, as a contact (or the coordinator) would give it."""

    year: int
    unit: str
    key: str
    value: Any


def _numbers(entry_no: int) -> list[str]:
    entry = ENTRIES[entry_no]
    return [f.id for ref in entry.measure.indicators for f in INDEX.indicators[ref].fields
            if f.kind.numeric]


@st.composite
def answers(draw: st.DrawFn) -> Written:
    entry_no = draw(st.integers(0, len(ENTRIES) - 1))
    entry = ENTRIES[entry_no]
    unit = draw(st.sampled_from([entry.measure.lead] * 8 + LEADS + [OUTSIDER]))
    year = draw(st.sampled_from(YEARS + YEARS[-3:]))  # denser where the summaries look
    fields = _numbers(entry_no)
    kind = draw(st.sampled_from(["status"] * 3 + ["number"] * 3 + ["comment"]))
    if kind == "number" and fields:
        value = draw(st.one_of(st.integers(0, 400), st.booleans(), st.just("about ten"),
                               st.floats(0, 1000, allow_nan=False).map(lambda x: round(x, 1))))
        return Written(year, unit, field_key(draw(st.sampled_from(fields))), value)
    if kind == "comment":
        return Written(year, unit, comment_key(entry.id), draw(st.sampled_from(["ok", "✓ «x»"])))
    return Written(year, unit, status_key(entry.id), str(draw(st.sampled_from(list(Status)))))


@dataclass(frozen=True)
class History:
    answers: list[Written]
    submissions: dict[tuple[int, str], bool]  # (year, unit) → late
    year: int
    scope: tuple[str | None, str | None]  # (theme, unit)


@st.composite
def histories(draw: st.DrawFn) -> History:
    written = draw(st.lists(answers(), max_size=60))
    submitted = draw(st.dictionaries(
        st.tuples(st.sampled_from(YEARS), st.sampled_from([*LEADS, OUTSIDER])), st.booleans(),
        max_size=12))
    themes = sorted({e.theme.id for e in ENTRIES})
    scope = draw(st.one_of(st.just((None, None)), st.sampled_from(themes).map(lambda t: (t, None)),
                           st.sampled_from(LEADS).map(lambda u: (None, u))))
    return History(written, submitted, draw(st.sampled_from(YEARS[1:] + YEARS[-2:])), scope)


async def _both(history: History, directory: Path) -> tuple[Summary, Summary]:
    """(the full computation over `load_round_data`, the /summary text's over
    `summary_facts`) on a database written through `Storage`."""
    storage = await Storage.open(directory / "k.sqlite3")
    try:
        person = await storage.ensure_person(1001, "Aino", "fi", datetime(2022, 1, 1, tzinfo=UTC))
        for year in YEARS:
            await storage.open_round(year, date(year + 1, 1, 31), (14, 3, -7),
                                     datetime(year, 11, 1, tzinfo=UTC))
        for n, answer in enumerate(history.answers):  # a later answer to a key replaces it
            await storage.save_answer(answer.year, answer.unit, answer.key, answer.value,
                                      person.id, datetime(answer.year, 12, 1, 10, n % 60,
                                                          tzinfo=UTC), late=False)
        for (year, unit), late in history.submissions.items():
            await storage.submit(year, unit, person.id, datetime(year + 1, 1, 5, tzinfo=UTC), late)
        round_ = await storage.round(history.year)
        assert round_ is not None
        theme, unit = history.scope
        full = summarise(INDEX, await load_round_data(storage, round_), theme, unit)
        fast = summarise(INDEX, await storage.summary_facts(
            history.year, carried_over_candidates(INDEX, history.year)), theme, unit)
        return full, fast
    finally:
        await storage.close()


def _count_field_due_in(year: int) -> tuple[str, str]:
    """(lead unit, field key) of a count field of a measure due in `year`."""
    for entry in ENTRIES:
        for ref in entry.measure.indicators:
            for candidate in INDEX.indicators[ref].fields:
                if entry.measure.schedule.covers(year) and candidate.kind is IndicatorKind.COUNT:
                    return entry.measure.lead, field_key(candidate.id)
    raise AssertionError("no count field due in the first units; the catalogue changed")


def _ended(before: int) -> list[tuple[str, str]]:
    """(lead unit, status key) of measures whose schedule ended before `before`."""
    return [(e.measure.lead, status_key(e.id)) for e in ENTRIES
            if e.measure.schedule.ended_before(before)]


COUNTED, COUNT_KEY = _count_field_due_in(2026)
(DONE_UNIT, DONE_KEY), (UNDONE_UNIT, UNDONE_KEY), *_ = _ended(2025)
EDGES = History([
    Written(2026, COUNTED, COUNT_KEY, True),  # a boolean counts as 1, as Python sees it
    Written(2025, COUNTED, COUNT_KEY, 7.5),
    Written(2023, DONE_UNIT, DONE_KEY, Status.DONE.value),  # ended, done: not carried over
    Written(2023, UNDONE_UNIT, UNDONE_KEY, Status.DONE.value),  # done, then not done again:
    Written(2024, UNDONE_UNIT, UNDONE_KEY, Status.IN_PROGRESS.value),  # carried over
    Written(2025, OUTSIDER, UNDONE_KEY, Status.DONE.value),  # not its lead: does not count
], {(2026, COUNTED): True, (2026, OUTSIDER): False}, 2026, (None, None))


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories())
@example(EDGES)
@example(replace(EDGES, year=2025))
def test_the_summary_text_is_the_same_from_the_facts_as_from_every_answer(history: History) -> None:
    with tempfile.TemporaryDirectory(prefix="kotobot-fast-") as tmp:
        full, fast = asyncio.run(_both(history, Path(tmp)))
    for lang in ("fi", "en"):
        tr = TRANSLATORS[lang]
        assert summary_blocks(INDEX, fast, tr, "Yhteenveto") == summary_blocks(INDEX, full, tr,
                                                                                "Yhteenveto")
    # and what the chart and the imported-answers line read of it
    assert (fast.expected_units, fast.on_time, fast.late, fast.missing, fast.started) == (
        full.expected_units, full.on_time, full.late, full.missing, full.started)
    assert fast.themes == full.themes and fast.due == full.due
    assert fast.targets == full.targets and fast.totals == full.totals
