"""The files a summary feeds, for `summary_scaling.py`: the council's digest and the
coordinator's `/export` workbook, on the database `summary_scaling` has seeded.

Why here: issue 11 asks for summary, digest and workbook at 56 / 504 / 5,012 units against
one SQL aggregate. The seeding takes minutes at 5,012 units, so these run on the same
database, after the summary has been measured.

* **digest facts**: `Services.digest_facts` itself (the real method, over the real storage
  and use cases; only `self` is a stand-in holding them);
* **digest parts**: `render_digest` in Finnish, which is what `Services.digest_parts` runs in
  a worker thread: the texts, the status chart, the round's workbook and (2026 is the
  programme's last year) the whole period's trend chart and workbook;
* **/export**: the steps of `handlers.summary.send_export` for a coordinator: the round's
  data and summary, the workbook, its Units, History and Audit sheets.

Each is timed `runs` times (the median is kept): they take seconds at 5,012 units.
"""

from __future__ import annotations

import itertools
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

from bot.catalogue.index import CatalogueIndex
from bot.chat.digest import render_digest
from bot.domain.coordination import Coordination
from bot.domain.people import People
from bot.domain.records import Round
from bot.domain.summary import load_round_data, summarise
from bot.i18n import Translators
from bot.services import Services
from bot.storage import Storage

TZ = ZoneInfo("Europe/Helsinki")


@dataclass
class Files:
    digest_facts: float  # median seconds
    digest_parts: float
    export: float
    runs: int
    digest_bytes: int
    export_bytes: int


async def _median(runs: int, work: Callable[[], Awaitable[Any]]) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = await work()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


async def export_workbook(storage: Storage, index: CatalogueIndex, round_: Round,
                          coordination: Coordination, people: People) -> bytes:
    """What `/export YEAR` renders for a coordinator (handlers.summary.send_export), on the
    event loop here: the bot does the file steps in worker threads, which costs the same."""
    from bot.reports.audit_sheet import with_audit_sheet
    from bot.reports.history_sheet import with_history_sheet
    from bot.reports.units_sheet import unit_rows, with_units_sheet
    from bot.reports.workbook import summary_workbook

    tr = Translators()["fi"]
    data = await load_round_data(storage, round_)
    summary = summarise(index, data)
    names = await people.names()
    for_units = await coordination.on_behalf(round_.year)
    workbook = summary_workbook(index, summary, data.answers, names, tr, TZ, for_units)
    rows = unit_rows(summary, data.submissions, await coordination.contacts_by_unit(), {})
    workbook = with_units_sheet(workbook, index, rows, tr, TZ)
    workbook = with_history_sheet(workbook, index, summary, await coordination.history(round_.year),
                                  names, for_units, tr, TZ)
    return with_audit_sheet(workbook, await people.audit_log(), tr, TZ)


async def measure_files(storage: Storage, index: CatalogueIndex, round_: Round, runs: int,
                        clock: Callable[[], Any]) -> Files:
    coordination = Coordination(storage, clock)
    people = People(storage, frozenset(), clock)
    services = SimpleNamespace(catalogue=index, storage=storage, coordination=coordination)
    tr = Translators()["fi"]

    async def facts() -> Any:
        return await Services.digest_facts(services, round_)  # type: ignore[arg-type]

    facts_time, digest_facts = await _median(runs, facts)

    async def parts() -> Any:
        return render_digest(index, digest_facts, tr, TZ)

    parts_time, rendered = await _median(runs, parts)
    export_time, workbook = await _median(runs, lambda: export_workbook(
        storage, index, round_, coordination, people))
    size = sum(len(p.content) for p in rendered if p.content)
    return Files(facts_time, parts_time, export_time, runs, size, len(workbook))


def report_files(cases: list[Any]) -> None:
    """Per size: each file's time, per unit and against the SQL aggregate; then the per-unit
    cost from one size to the next (≈1: linear)."""
    for m in cases:
        f: Files = m.files
        units = m.seeded.units
        for name, seconds in (("digest facts", f.digest_facts), ("digest parts (fi)", f.digest_parts),
                              ("/export workbook", f.export)):
            print(f"{m.name:<6} {name:<18} {seconds * 1000:9.1f} ms   per unit "
                  f"{seconds / units * 1e6:8.1f} µs   ×{seconds / m.aggregate:,.0f} the aggregate"
                  f"   (median of {f.runs})")
        print(f"       files: digest {f.digest_bytes / 1024:,.0f} KiB, export "
              f"{f.export_bytes / 1024:,.0f} KiB")
    for small, large in itertools.pairwise(cases):
        ratios = [(getattr(large.files, k) / large.seeded.units)
                  / (getattr(small.files, k) / small.seeded.units)
                  for k in ("digest_facts", "digest_parts", "export")]
        print(f"per-unit cost {large.seeded.units}/{small.seeded.units} units: digest facts "
              f"×{ratios[0]:.2f}   digest parts ×{ratios[1]:.2f}   /export ×{ratios[2]:.2f}")
