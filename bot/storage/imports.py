"""SQL for answers imported from workbooks: one transaction per file, past rounds, and the
previewed import waiting for the coordinator's "Import".

A mixin of `Storage` (see `bot.storage.db`). An import writes every answer of the file, its
history row and any round or submission it needs in ONE transaction: a file is either in
the database entirely or not at all, never half. Each imported answer and history row
carries the file name in `source`; `person_id` is the coordinator who imported it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from bot.domain.records import ImportedAnswer, PendingImport
from bot.storage.reporting import _Queries, _ts

PENDING_KEPT = timedelta(days=7)
"""A preview nobody confirmed is forgotten after a week (it holds a copy of the answers)."""






class ImportQueries:
    """Imports of whole workbooks. Mixed into `Storage`."""

    async def create_past_round(self: _Queries, year: int, deadline: date, ladder: tuple[int, ...],
                                now: datetime) -> bool:
        """A round that is closed from the start and marked imported; False if `year` exists."""
        return await self._write(
            "INSERT OR IGNORE INTO rounds (year, deadline, ladder, opened_at, closed_at, imported)"
            " VALUES (?, ?, ?, ?, ?, 1)",
            (year, deadline.isoformat(), ",".join(map(str, ladder)), _ts(now), _ts(now))) > 0

    async def apply_import(self: _Queries, year: int, answers: Sequence[ImportedAnswer],
                           person_id: int, source: str, now: datetime,
                           past_round: tuple[date, tuple[int, ...]] | None = None,
                           submit_units: Sequence[str] = ()) -> dict[str, tuple[int, int]]:
        """Write a whole file in one transaction: the past round if asked for (deadline,
        ladder), every answer that differs from the stored one with its history row, and a
        submission for each unit in `submit_units`. Returns unit → (added, changed)."""
        counts: dict[str, tuple[int, int]] = {}
        async with self._transaction() as db:
            if past_round is not None:
                deadline, ladder = past_round
                await db.execute(
                    "INSERT OR IGNORE INTO rounds (year, deadline, ladder, opened_at, closed_at,"
                    " imported) VALUES (?, ?, ?, ?, ?, 1)",
                    (year, deadline.isoformat(), ",".join(map(str, ladder)), _ts(now), _ts(now)))
            for answer in answers:
                encoded = json.dumps(answer.value, ensure_ascii=False)
                async with db.execute(
                    "SELECT value FROM answers WHERE year = ? AND unit_id = ? AND key = ?",
                    (year, answer.unit_id, answer.key),
                ) as cursor:
                    previous = await cursor.fetchone()
                if previous is not None and previous["value"] == encoded:
                    continue
                await db.execute(
                    "INSERT INTO answers (year, unit_id, key, value, person_id, answered_at, late,"
                    " source) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(year, unit_id, key) DO"
                    " UPDATE SET value = excluded.value, person_id = excluded.person_id,"
                    " answered_at = excluded.answered_at, late = excluded.late,"
                    " source = excluded.source",
                    (year, answer.unit_id, answer.key, encoded, person_id, _ts(answer.answered_at),
                     int(answer.late), source))
                await db.execute(
                    "INSERT INTO answer_history (year, unit_id, key, old_value, new_value,"
                    " person_id, at, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (year, answer.unit_id, answer.key, previous["value"] if previous else None,
                     encoded, person_id, _ts(now), source))
                added, changed = counts.get(answer.unit_id, (0, 0))
                counts[answer.unit_id] = (added + 1, changed) if previous is None else (added, changed + 1)
            for unit_id in submit_units:
                await db.execute(
                    "INSERT OR IGNORE INTO submissions (year, unit_id, person_id, submitted_at, late)"
                    " VALUES (?, ?, ?, ?, 0)", (year, unit_id, person_id, _ts(now)))
        return counts

    async def history_sources(self: _Queries, year: int, unit_id: str) -> list[tuple[str, str | None]]:
        """(key, source) of each history row of a unit, oldest first: who brought what in."""
        rows = await self._all("SELECT key, source FROM answer_history WHERE year = ? AND unit_id = ?"
                               " ORDER BY id", (year, unit_id))
        return [(row["key"], row["source"]) for row in rows]

    # previewed imports ---------------------------------------------------------------
    async def save_pending_import(self: _Queries, person_id: int, year: int, file_name: str,
                                  payload: dict[str, Any], now: datetime) -> int:
        """Keep a checked file's answers until the coordinator confirms; survives restarts."""
        async with self._transaction() as db:
            await db.execute("DELETE FROM pending_imports WHERE created_at < ?",
                             (_ts(now - PENDING_KEPT),))
            cursor = await db.execute(
                "INSERT INTO pending_imports (person_id, year, file_name, payload, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (person_id, year, file_name, json.dumps(payload, ensure_ascii=False), _ts(now)))
            assert cursor.lastrowid is not None
            return cursor.lastrowid

    async def pending_import(self: _Queries, pending_id: int) -> PendingImport | None:
        row = await self._one("SELECT * FROM pending_imports WHERE id = ?", (pending_id,))
        if row is None:
            return None
        return PendingImport(row["id"], row["person_id"], row["year"], row["file_name"],
                             json.loads(row["payload"]), datetime.fromisoformat(row["created_at"]))

    async def take_pending_import(self: _Queries, pending_id: int) -> bool:
        """Remove a previewed import; False if it was already taken (a second press)."""
        return await self._write("DELETE FROM pending_imports WHERE id = ?", (pending_id,)) > 0
