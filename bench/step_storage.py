"""Storage of one report step against one raw durable commit, interleaved in one run.

Issue 11's target: the storage of one step costs at most 2x one raw WAL + `synchronous=FULL`
`INSERT` + `COMMIT`. A *step* here is what a typed answer writes, exactly as the bot does
it: `Storage.record_answer` (the answer, its history row, the next step pending and the
update written down as applied: one statement, one durable commit) under the update's
receipt, followed by the mark that does not wait for the disk (`shown`, which marks the
update done with it). The *raw commit*
is Python's `sqlite3` on another file in the same directory, WAL and FULL, one `INSERT` and
`COMMIT` of a row about the size of an answer. Samples alternate, so the disk's moods fall
on both. Prints medians, p90 and their ratios.

    .venv/bin/python bench/step_storage.py [--samples 400]
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.storage import Storage
from bot.storage.context import Receipt, current_update

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


def raw_commit(db: sqlite3.Connection, n: int) -> float:
    started = time.perf_counter()
    db.execute("INSERT INTO t (k, v, at) VALUES (?, ?, ?)", (f"field:x.{n}", str(n), NOW.isoformat()))
    db.commit()
    return time.perf_counter() - started


async def one_step(storage: Storage, person_id: int, n: int) -> float:
    receipt = Receipt(10_000 + n, lambda: '{"update_id": 1, "message": {}}')
    token = current_update.set(receipt)
    started = time.perf_counter()
    try:
        await storage.record_answer(2026, "employment-services", f"field:x.{n % 40}", n,
                                    person_id, NOW, False, f"field:x.{(n + 1) % 40}")
        await storage.shown(person_id, 2026, "employment-services", f"field:x.{(n + 1) % 40}",
                            n, NOW, False)  # marks the update done with it, as in the bot
        if not receipt.done:  # as `DurableApplication` finishes an update
            await storage.finish_update(10_000 + n, NOW, durable=not receipt.applied)
    finally:
        current_update.reset(token)
    return time.perf_counter() - started


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def main(samples: int) -> None:
    with tempfile.TemporaryDirectory(prefix="kotobot-bench-", dir=ROOT) as tmp:
        raw = sqlite3.connect(Path(tmp) / "raw.sqlite3", isolation_level=None)
        raw.execute("PRAGMA journal_mode=WAL")
        raw.execute("PRAGMA synchronous=FULL")
        raw.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, k TEXT, v TEXT, at TEXT)")
        raw.isolation_level = ""  # DEFERRED transactions: commit() ends each insert
        storage = await Storage.open(Path(tmp) / "k.sqlite3")
        person = await storage.ensure_person(1, "Contact", "fi", NOW)
        await storage.open_round(2026, date(2027, 1, 31), (14, 3, -7), NOW)
        steps, raws = [], []
        for n in range(-20, samples):  # 20 warm-up pairs
            r = raw_commit(raw, n)
            s = await one_step(storage, person.id, n)
            if n >= 0:
                raws.append(r)
                steps.append(s)
        await storage.close()
        raw.close()
    s50, r50 = statistics.median(steps), statistics.median(raws)
    s90, r90 = percentile(steps, 90), percentile(raws, 90)
    print(f"one report step (answer transaction + shown + done), n={samples}, interleaved")
    print(f"step  p50 {s50 * 1000:6.2f} ms  p90 {s90 * 1000:6.2f} ms")
    print(f"raw   p50 {r50 * 1000:6.2f} ms  p90 {r90 * 1000:6.2f} ms  (WAL, FULL, INSERT+COMMIT)")
    print(f"step / raw commit: p50 x{s50 / r50:.2f}  p90 x{s90 / r90:.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=400)
    asyncio.run(main(parser.parse_args().samples))
