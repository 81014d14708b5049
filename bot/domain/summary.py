"""Where the programme stands: one computation feeding /summary, the chart, the workbook
and the council's digest.

Everything is computed in memory from a `RoundData` snapshot loaded with a handful of
queries (a round's answers, the previous round's, earlier statuses, submissions), never
one query per measure, so it stays fast with every year of a programme and hundreds of
units. No Telegram and no language here: views translate the result.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from bot.catalogue.index import CatalogueIndex
from bot.catalogue.models import IndicatorField, IndicatorKind, Target
from bot.domain.answers import Status, field_key, status_key
from bot.domain.due import DueMeasure, due_measures
from bot.domain.ports import ReportStore, SummaryStore
from bot.domain.records import Answer, Round, Submission, SummaryFacts

NOT_REPORTED = "not_reported"
STATUS_COLUMNS: tuple[str, ...] = (Status.DONE, Status.ONGOING, Status.IN_PROGRESS,
                                   Status.NOT_STARTED, NOT_REPORTED)


@dataclass(frozen=True)
class RoundData:
    """The stored facts one summary needs, loaded in a few queries."""

    round: Round
    answers: list[Answer]  # this round's
    previous_answers: list[Answer]  # the round before's (year - 1), for year over year
    earlier_statuses: Mapping[str, Mapping[str, str]]  # unit → measure → last status before
    submissions: Mapping[str, Submission]


@dataclass(frozen=True)
class TargetResult:
    unit_id: str
    measure_id: str
    field: IndicatorField
    target: Target
    value: float
    met: bool


@dataclass(frozen=True)
class FieldTotal:
    field: IndicatorField
    total: float
    units: int
    previous_total: float | None


@dataclass
class ThemeSummary:
    theme_id: str
    statuses: Counter[str] = field(default_factory=Counter)
    previous_done: int | None = None

    @property
    def due(self) -> int:
        return sum(self.statuses.values())


@dataclass
class Summary:
    year: int
    expected_units: list[str]
    on_time: list[str]
    late: list[str]
    missing: list[str]  # expected, not submitted
    started: list[str]  # not submitted, but some answers given
    themes: list[ThemeSummary]
    targets: list[TargetResult]
    totals: list[FieldTotal]
    due: dict[str, list[DueMeasure]]  # unit → its due measures
    values: dict[tuple[str, str], Any]  # (unit, answer key) → value (of the facts: from
    # `summary_facts`, statuses and numbers only; the workbook summarises a whole RoundData)

    @property
    def response_rate(self) -> float:
        return (len(self.on_time) + len(self.late)) / len(self.expected_units) if self.expected_units else 0.0

    @property
    def done(self) -> int:
        return sum(t.statuses[Status.DONE] for t in self.themes)

    @property
    def measures_due(self) -> int:
        return sum(t.due for t in self.themes)


@dataclass(frozen=True)
class _Plan:
    """What the catalogue alone says about round `year`, worked out once per catalogue and
    year instead of once per unit and summary (`due_measures` per unit was a fifth of
    `summarise` at 5,000 units)."""

    due: Mapping[str, tuple[DueMeasure, ...]]  # lead unit → due measures if none was done before
    carried: tuple[str, ...]  # measures that are due only while not reported done
    numbers: Mapping[str, tuple[tuple[IndicatorField, str], ...]]  # measure → numeric fields


@lru_cache(maxsize=8)
def _plan(index: CatalogueIndex, year: int) -> _Plan:
    due = {u.id: tuple(due_measures(index, u.id, year, {})) for u in index.lead_units()}
    numbers = {entry.id: tuple((f, field_key(f.id)) for ref in entry.measure.indicators
                               for f in index.indicators[ref].fields if f.kind.numeric)
               for entry in index.entries}
    carried = tuple(d.id for items in due.values() for d in items if d.carried_over)
    return _Plan(due, carried, numbers)


def carried_over_candidates(index: CatalogueIndex, year: int) -> tuple[str, ...]:
    """Measures whose schedule ended before `year`: due in it only if their last earlier
    status is not "done", so the only earlier statuses a summary of `year` needs."""
    return _plan(index, year).carried


def facts_of(data: RoundData) -> SummaryFacts:
    """The facts `summarise` reads, taken from a whole snapshot (every answer kept)."""
    return SummaryFacts(
        year=data.round.year,
        values={(a.unit_id, a.key): a.value for a in data.answers},
        previous={(a.unit_id, a.key): a.value for a in data.previous_answers},
        answered_units=frozenset(a.unit_id for a in data.answers),
        has_previous=bool(data.previous_answers),
        earlier_statuses=data.earlier_statuses,
        submissions={unit: s.late for unit, s in data.submissions.items()})


def summarise(index: CatalogueIndex, data: RoundData | SummaryFacts, theme_id: str | None = None,
              unit_id: str | None = None) -> Summary:
    """The round's summary, optionally narrowed to one theme or one unit.

    From a `RoundData` (the chart, workbook and digest, which also need every answer) or
    from the `SummaryFacts` storage reads directly (the /summary text): one computation, so
    the two can never tell a different story."""
    facts = facts_of(data) if isinstance(data, RoundData) else data
    year, values, previous = facts.year, facts.values, facts.previous
    plan = _plan(index, year)
    units = [u.id for u in index.lead_units() if unit_id is None or u.id == unit_id]
    in_scope = set(units)  # looked up once per earlier answer: a set keeps that O(1)
    due: dict[str, list[DueMeasure]] = {}
    for unit in units:  # what `due_measures` gives with the unit's earlier statuses
        last = facts.earlier_statuses.get(unit, {})
        items = [d for d in plan.due[unit]
                 if not (d.carried_over and last.get(d.id) == Status.DONE)
                 and (theme_id is None or d.entry.theme.id == theme_id)]
        if items:
            due[unit] = items
    expected = list(due)
    late = {u: s for u, s in facts.submissions.items() if u in due}
    themes = {t.id: ThemeSummary(t.id) for t in index.catalogue.themes
              if theme_id is None or t.id == theme_id}
    previous_done: Counter[str] = Counter()
    targets: list[TargetResult] = []
    sums: dict[str, list[float]] = defaultdict(list)
    previous_sums: dict[str, list[float]] = defaultdict(list)
    for unit, items in due.items():
        asked: set[str] = set()
        for item in items:
            measure = item.entry.measure
            status = values.get((unit, status_key(measure.id)), NOT_REPORTED)
            themes[item.entry.theme.id].statuses[status] += 1
            for indicator_field, key in plan.numbers[measure.id]:
                if indicator_field.id in asked:
                    continue
                asked.add(indicator_field.id)
                value = values.get((unit, key))
                if isinstance(value, (int, float)):
                    sums[indicator_field.id].append(float(value))
                    if indicator_field.target is not None:
                        targets.append(TargetResult(unit, measure.id, indicator_field,
                                                    indicator_field.target, float(value),
                                                    indicator_field.target.met_by(float(value))))
                old = previous.get((unit, key))
                if isinstance(old, (int, float)):
                    previous_sums[indicator_field.id].append(float(old))
    for (unit, key), value in previous.items():
        if value == Status.DONE and key.startswith("status:") and unit in in_scope:
            entry = index.measures.get(key.removeprefix("status:"))
            if entry is not None and entry.theme.id in themes:
                previous_done[entry.theme.id] += 1
    for theme in themes.values():
        theme.previous_done = previous_done[theme.theme_id] if facts.has_previous else None
    totals = [
        FieldTotal(index.fields[fid][1], sum(found), len(found),
                   sum(previous_sums[fid]) if previous_sums.get(fid) else None)
        for fid, found in sums.items()
        if index.fields[fid][1].kind is IndicatorKind.COUNT
    ]
    return Summary(
        year=year,
        expected_units=expected,
        on_time=[u for u in expected if u in late and not late[u]],
        late=[u for u in expected if late.get(u)],
        missing=[u for u in expected if u not in late],
        started=[u for u in expected if u not in late and u in facts.answered_units],
        themes=[t for t in themes.values() if t.due or t.previous_done],
        targets=targets,
        totals=sorted(totals, key=lambda t: -t.total),
        due=due,
        values={k: v for k, v in values.items() if k[0] in due},
    )


async def round_summary(storage: SummaryStore, index: CatalogueIndex, round_: Round,
                        theme_id: str | None = None, unit_id: str | None = None) -> Summary:
    """The summary for the /summary text and chart: the same computation as over
    `load_round_data`, from only the facts it reads (no answer decoded into an object), so
    asking for it costs a fraction of what the workbook and the digest need."""
    facts = await storage.summary_facts(round_.year, carried_over_candidates(index, round_.year))
    return summarise(index, facts, theme_id, unit_id)


async def load_round_data(storage: ReportStore, round_: Round) -> RoundData:
    """Everything `summarise` needs, in four queries."""
    return RoundData(
        round=round_,
        answers=await storage.answers_of_years([round_.year]),
        previous_answers=await storage.answers_of_years([round_.year - 1]),
        earlier_statuses=await storage.statuses_before(round_.year),
        submissions=await storage.submissions(round_.year),
    )


def status_by_year(index: CatalogueIndex, answers: list[Answer]) -> dict[tuple[str, str], dict[int, str]]:
    """(unit, measure) → year → status, for the whole-programme view."""
    table: dict[tuple[str, str], dict[int, str]] = defaultdict(dict)
    for answer in answers:
        if answer.key.startswith("status:"):
            table[(answer.unit_id, answer.key.removeprefix("status:"))][answer.year] = answer.value
    return dict(table)


def done_trend(index: CatalogueIndex, answers: list[Answer]) -> dict[str, dict[int, int]]:
    """theme → year → measures reported done, for each theme's trend across the programme."""
    trend: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for answer in answers:
        if answer.key.startswith("status:") and answer.value == Status.DONE:
            entry = index.measures.get(answer.key.removeprefix("status:"))
            if entry is not None:
                trend[entry.theme.id][answer.year] += 1
    return {theme: dict(years) for theme, years in trend.items()}
