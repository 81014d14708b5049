"""How a round's summary, its /summary text, the digest and the /export workbook scale with
the number of units (issue 11): 56 / 504 / 5,012 lead units, ten rounds 2017–2026.

Why: the summary module promises a round's summary from a fixed number of queries, "so it
stays fast with every year of a programme and hundreds of units". Measured as ratios in one
run: per-unit cost from one size to the next (≈1: linear), and each thing against one SQL
aggregate over the round's answers (the floor: SQLite reading the round once).

The catalogue is the shipped one replicated in memory (every lead unit, goal, indicator,
field and measure copied with an id suffix ``-u<n>``; partners keep pointing at the
originals), validated with ``validate_data``; the start-up heap is then frozen as
``kotobot run`` freezes it. Seeding goes through `Storage` as the bot writes (every lead unit
answers every due status and numeric field each year; ~90 % submit, a few late); only the
seeding runs with ``PRAGMA synchronous=OFF``.

Printed per size: ``load_round_data`` and ``summarise`` (the full path, still used by the
chart-less files), the /summary text as the bot makes it now (`round_summary` + rendering in
Finnish) and as it was made before (full path + rendering), the SQL aggregate, the number of
statements of ``load_round_data``; then `summary_files.py`'s digest and /export.

Usage: ``.venv/bin/python bench/summary_scaling.py [--units 56,504,5012] [--file-runs 3]``.
Bounded: fixed sizes, at most 500 timed runs per case, temporary directory, no network.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import itertools
import math
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import yaml
from summary_files import measure_files, report_files

from bot.catalogue.index import CatalogueIndex
from bot.catalogue.loader import DEFAULT_CATALOGUE, load_catalogue, validate_data
from bot.catalogue.models import IndicatorKind
from bot.chat.summary_view import summary_blocks
from bot.domain.answers import Status
from bot.domain.due import due_measures
from bot.domain.summary import Summary, load_round_data, round_summary, summarise
from bot.domain.walk import StepKind, build_walk
from bot.i18n import Translators
from bot.ops.memory import freeze_startup_heap
from bot.storage import Storage

YEARS = tuple(range(2017, 2027))
"""Ten years of history: the programme's 2023–2026 and six years before it (only measures
whose schedule covers a year are due in it)."""
MEASURED_YEAR = 2026
MAX_REPEATS = 500
AGGREGATE = ("SELECT unit_id, COUNT(*) AS answers, SUM(value = '\"done\"') AS done FROM answers"
             " WHERE year = ? GROUP BY unit_id")
"""The floor: one SQL aggregate over the round's answers, per unit."""


# the synthetic large catalogue ------------------------------------------------------

def replicated_catalogue(lead_units: int) -> CatalogueIndex:
    """The shipped catalogue with every lead unit and its goals copied until there are at
    least `lead_units` lead units; ids get a `-u<n>` suffix so that they stay unique."""
    raw = yaml.safe_load(DEFAULT_CATALOGUE.read_text(encoding="utf-8"))
    leads = {m["lead"] for t in raw["themes"] for g in t["goals"] for m in g["measures"]}
    copies = math.ceil(lead_units / len(leads))
    by_id = {u["id"]: u for u in raw["units"]}
    originals = {t["id"]: list(t["goals"]) for t in raw["themes"]}
    for n in range(1, copies):
        suffix = f"-u{n}"
        raw["units"] += [{**copy.deepcopy(by_id[u]), "id": u + suffix} for u in sorted(leads)]
        for theme in raw["themes"]:
            for goal in originals[theme["id"]]:  # the originals only, not earlier copies
                clone = copy.deepcopy(goal)
                clone["id"] += suffix
                for indicator in clone["indicators"]:
                    indicator["id"] += suffix
                    for fld in indicator["fields"]:
                        fld["id"] += suffix
                for measure in clone["measures"]:
                    measure["id"] += suffix
                    measure["lead"] += suffix
                    measure["indicators"] = [ref + suffix for ref in measure["indicators"]]
                theme["goals"].append(clone)
    return validate_data(raw, Path("synthetic"))


# seeding through Storage --------------------------------------------------------------

@dataclass
class Seeded:
    units: int
    answers: int
    seconds: float


def _status(rng: random.Random, continuous: bool, year: int) -> str:
    choices = [Status.DONE, Status.IN_PROGRESS, Status.NOT_STARTED]
    if continuous:
        choices.append(Status.ONGOING)
    weights = [1 + (year - YEARS[0]), 3, 1] + ([4] if continuous else [])
    return rng.choices(choices, weights)[0].value


def _number(rng: random.Random, kind: IndicatorKind) -> int | float:
    if kind is IndicatorKind.PERCENT:
        return rng.randint(0, 100)
    if kind is IndicatorKind.NUMBER:
        return round(rng.uniform(0, 5000), 1)
    return rng.randint(0, 250)


async def seed(storage: Storage, index: CatalogueIndex, seed_value: int = 2023) -> Seeded:
    """Every lead unit answers its walk's statuses and numeric fields, every year."""
    started = time.perf_counter()
    rng = random.Random(seed_value)
    await storage._db.execute("PRAGMA synchronous=OFF")  # seeding only; see the docstring
    await storage.sync_units((u.id, u.name.fi, u.name.sv, u.name.en) for u in index.catalogue.units)
    units = [u.id for u in index.lead_units()]
    people = {}
    for n, unit in enumerate(units):
        person = await storage.ensure_person(100_000 + n, f"Contact {n}", "fi",
                                             datetime(2023, 1, 2, tzinfo=UTC))
        people[unit] = person.id
    last_status: dict[str, dict[str, str]] = {u: {} for u in units}
    answers = 0
    for year in YEARS:
        await storage.open_round(year, date(year + 1, 1, 31), (14, 3, -7),
                                 datetime(year, 11, 1, 8, 0, tzinfo=UTC))
        for unit in units:
            due = due_measures(index, unit, year, last_status[unit])
            answered_at = datetime(year, 12, rng.randint(1, 28), 10, tzinfo=UTC)
            for step in build_walk(index, due):
                if step.kind is StepKind.STATUS:
                    value: Any = _status(rng, step.due.entry.measure.schedule.continuous, year)
                    last_status[unit][step.due.id] = value
                elif step.field is not None and step.field.kind.numeric:
                    value = _number(rng, step.field.kind)
                else:
                    continue
                await storage.save_answer(year, unit, step.key, value, people[unit],
                                          answered_at, late=False)
                answers += 1
            if due and rng.random() < 0.9:  # a tenth never submits; a few submit late
                late = rng.random() < 0.1
                await storage.submit(year, unit, people[unit],
                                     datetime(year + 1, 2 if late else 1, 10, tzinfo=UTC), late)
    await storage._db.execute("PRAGMA synchronous=FULL")
    return Seeded(len(units), answers, time.perf_counter() - started)


# measuring ----------------------------------------------------------------------------

@dataclass
class Measured:
    name: str
    seeded: Seeded
    load: float  # median seconds of load_round_data
    summarise: float  # median seconds of summarise
    queries: int | None
    summary: Summary
    repeats: int
    text: float = 0.0  # median seconds of /summary's text: round_summary, render (Finnish)
    aggregate: float = 0.0  # median seconds of one SQL aggregate over the round's answers
    text_full: float = 0.0  # the same text the way it was made before: load_round_data, summarise
    files: Any = None  # summary_files.Files

    @property
    def total(self) -> float:
        return self.load + self.summarise

    @property
    def per_unit(self) -> float:
        return self.total / self.seeded.units


async def count_queries(storage: Storage, round_: Any) -> int | None:
    """Statements `load_round_data` runs, via sqlite3's trace callback on the connection's
    own thread (aiosqlite's `set_trace_callback`); None if that is not reachable. Reads run
    on the storage's read-only connection."""
    db = storage._read_db
    setter = getattr(db, "set_trace_callback", None)
    if setter is None or getattr(db, "_conn", None) is None:
        return None
    statements: list[str] = []
    await setter(statements.append)
    try:
        await load_round_data(storage, round_)
    finally:
        await setter(None)
    return len(statements)


async def measure(name: str, index: CatalogueIndex, directory: Path, repeats: int,
                  min_time: float, file_runs: int) -> Measured:
    """Seed, then time at least `repeats` runs and keep going for `min_time` seconds (so the
    millisecond-sized small case gets enough samples for a stable median), at most
    MAX_REPEATS."""
    storage = await Storage.open(directory / f"{name}.sqlite3")
    try:
        seeded = await seed(storage, index)
        round_ = await storage.round(MEASURED_YEAR)
        assert round_ is not None
        await load_round_data(storage, round_)  # warm the page cache and code paths
        loads: list[float] = []
        sums: list[float] = []
        summary = None
        budget_end = time.perf_counter() + min_time
        while len(loads) < MAX_REPEATS and (len(loads) < repeats
                                            or time.perf_counter() < budget_end):
            started = time.perf_counter()
            data = await load_round_data(storage, round_)
            loaded = time.perf_counter()
            summary = summarise(index, data)
            loads.append(loaded - started)
            sums.append(time.perf_counter() - loaded)
        queries = await count_queries(storage, round_)
        texts, aggregates, fulls = [], [], []
        tr = Translators()["fi"]
        for _ in range(max(repeats, min(len(loads), 50))):
            started = time.perf_counter()
            await storage._all(AGGREGATE, (MEASURED_YEAR,))
            aggregates.append(time.perf_counter() - started)
            started = time.perf_counter()
            summary_text = summary_blocks(index, await round_summary(storage, index, round_), tr,
                                          "Yhteenveto")
            texts.append(time.perf_counter() - started)
            started = time.perf_counter()
            full_text = summary_blocks(index, summarise(index, await load_round_data(
                storage, round_)), tr, "Yhteenveto")
            fulls.append(time.perf_counter() - started)
            assert summary_text == full_text
        files = await measure_files(storage, index, round_, file_runs,
                                    lambda: datetime(2027, 2, 1, tzinfo=UTC)) if file_runs else None
    finally:
        await storage.close()
    assert summary is not None
    return Measured(name, seeded, statistics.median(loads), statistics.median(sums), queries,
                    summary, len(loads), statistics.median(texts), statistics.median(aggregates),
                    statistics.median(fulls), files)


def report(cases: list[Measured]) -> None:
    for m in cases:
        s = m.summary
        print(f"{m.name:<6} {m.seeded.units:>5} lead units, {m.seeded.answers:>7} answers "
              f"(seeded in {m.seeded.seconds:5.1f} s); round {s.year}: {s.measures_due} measures "
              f"due, {len(s.expected_units)} units expected")
        queries = m.queries if m.queries is not None else "n/a"
        print(f"       load_round_data {m.load * 1000:8.2f} ms   "
              f"summarise {m.summarise * 1000:8.2f} ms   total {m.total * 1000:8.2f} ms   "
              f"per unit {m.per_unit * 1e6:7.1f} µs   queries {queries}   (median of {m.repeats})")
        print(f"       /summary text {m.text * 1000:8.2f} ms   SQL aggregate "
              f"{m.aggregate * 1000:8.2f} ms   text/aggregate ×{m.text / m.aggregate:.1f}   "
              f"(before: full path {m.text_full * 1000:.2f} ms, ×{m.text_full / m.aggregate:.1f})")
    for small, large in itertools.pairwise(cases):
        load_ratio = (large.load / large.seeded.units) / (small.load / small.seeded.units)
        sum_ratio = (large.summarise / large.seeded.units) / (small.summarise / small.seeded.units)
        text_ratio = (large.text / large.seeded.units) / (small.text / small.seeded.units)
        print(f"per-unit cost {large.seeded.units}/{small.seeded.units} units: total "
              f"×{large.per_unit / small.per_unit:.2f}   load_round_data ×{load_ratio:.2f}   "
              f"summarise ×{sum_ratio:.2f}   /summary text ×{text_ratio:.2f}   (≈1: linear)")
    counts = {m.queries for m in cases}
    print(f"load_round_data statements: {[m.queries for m in cases]} "
          f"({'fixed' if len(counts) == 1 and None not in counts else 'NOT fixed'})")
    if all(m.files is not None for m in cases):
        report_files(cases)


async def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", default="56,504,5012",
                        help="lead units per case, each rounded up to whole copies of the 28 "
                             "(56,504,5012)")
    parser.add_argument("--repeats", type=int, default=5, help="minimum timed runs per case (5)")
    parser.add_argument("--min-time", type=float, default=1.0,
                        help="keep repeating each case for this many seconds (1.0), "
                             f"at most {MAX_REPEATS} runs")
    parser.add_argument("--file-runs", type=int, default=3,
                        help="timed runs of the digest and the workbook per case (3; 0: skip)")
    args = parser.parse_args(argv)
    sizes = [int(n) for n in args.units.split(",")]
    if not 1 <= args.repeats <= 50 or not all(1 <= n <= 6000 for n in sizes) \
            or not 0 <= args.min_time <= 10:
        parser.error("--repeats must be 1..50, --units 1..6000 each and --min-time 0..10")
    started = time.perf_counter()
    cases = []
    with tempfile.TemporaryDirectory(prefix="kotobot-bench-") as tmp:
        for n in sizes:
            index = load_catalogue() if n <= 28 else replicated_catalogue(n)
            freeze_startup_heap()  # as `kotobot run` does once its catalogue is loaded
            cases.append(await measure(f"u{n}", index, Path(tmp), args.repeats, args.min_time,
                                       args.file_runs))
    report(cases)
    print(f"(medians; {time.perf_counter() - started:.1f} s wall)")


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
