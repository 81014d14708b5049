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
from typing import Any

from bot.catalogue.index import CatalogueIndex
from bot.catalogue.models import IndicatorField, IndicatorKind, Target
from bot.domain.answers import Status, field_key, status_key
from bot.domain.due import DueMeasure, due_measures
from bot.domain.ports import ReportStore
from bot.domain.records import Answer, Round, Submission

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
    values: dict[tuple[str, str], Any]  # (unit, answer key) → value

    @property
    def response_rate(self) -> float:
        return (len(self.on_time) + len(self.late)) / len(self.expected_units) if self.expected_units else 0.0

    @property
    def done(self) -> int:
        return sum(t.statuses[Status.DONE] for t in self.themes)

    @property
    def measures_due(self) -> int:
        return sum(t.due for t in self.themes)


def summarise(index: CatalogueIndex, data: RoundData, theme_id: str | None = None,
              unit_id: str | None = None) -> Summary:
    """The round's summary, optionally narrowed to one theme or one unit."""
    year = data.round.year
    values = {(a.unit_id, a.key): a.value for a in data.answers}
    previous = {(a.unit_id, a.key): a.value for a in data.previous_answers}
    units = [u.id for u in index.lead_units() if unit_id is None or u.id == unit_id]
    in_scope = set(units)  # looked up once per earlier answer: a set keeps that O(1)
    due: dict[str, list[DueMeasure]] = {}
    for unit in units:
        items = [d for d in due_measures(index, unit, year, data.earlier_statuses.get(unit, {}))
                 if theme_id is None or d.entry.theme.id == theme_id]
        if items:
            due[unit] = items
    expected = list(due)
    submitted = {u: s for u, s in data.submissions.items() if u in due}
    answered_units = {a.unit_id for a in data.answers}
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
            for ref in measure.indicators:
                for indicator_field in index.indicators[ref].fields:
                    if indicator_field.id in asked or not indicator_field.kind.numeric:
                        continue
                    asked.add(indicator_field.id)
                    key = field_key(indicator_field.id)
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
        entry = index.measures.get(key.removeprefix("status:")) if key.startswith("status:") else None
        if value == Status.DONE and unit in in_scope and entry is not None and entry.theme.id in themes:
            previous_done[entry.theme.id] += 1
    has_previous = bool(data.previous_answers)
    for theme in themes.values():
        theme.previous_done = previous_done[theme.theme_id] if has_previous else None
    totals = [
        FieldTotal(index.fields[fid][1], sum(found), len(found),
                   sum(previous_sums[fid]) if previous_sums.get(fid) else None)
        for fid, found in sums.items()
        if index.fields[fid][1].kind is IndicatorKind.COUNT
    ]
    return Summary(
        year=year,
        expected_units=expected,
        on_time=[u for u in expected if u in submitted and not submitted[u].late],
        late=[u for u in expected if u in submitted and submitted[u].late],
        missing=[u for u in expected if u not in submitted],
        started=[u for u in expected if u not in submitted and u in answered_units],
        themes=[t for t in themes.values() if t.due or t.previous_done],
        targets=targets,
        totals=sorted(totals, key=lambda t: -t.total),
        due=due,
        values={k: v for k, v in values.items() if k[0] in due},
    )


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
