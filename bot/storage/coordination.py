"""SQL for the coordinator's side: who is mid-report, when something was sent, and the
digest's release ("Send now"), its chosen highlights, and on-behalf attribution.

A mixin of `Storage`; the rules it serves live in `bot.domain.coordination`.
"""

from __future__ import annotations

import json
from datetime import datetime

from bot.domain.records import HistoryEntry, Person
from bot.storage.reporting import _person, _Queries, _ts


class CoordinationQueries:
    async def mid_report(self: _Queries, year: int) -> list[tuple[str, Person]]:
        """(unit id, person) for everyone with an unfinished guided report in `year`'s round
        who is still a contact of that unit and has not submitted it."""
        rows = await self._all(
            "SELECT s.unit_id AS unit_id, p.* FROM sessions s JOIN people p ON p.id = s.person_id"
            " JOIN roles r ON r.person_id = p.id AND r.role = 'contact' AND r.unit_id = s.unit_id"
            " WHERE s.year = ? AND NOT EXISTS (SELECT 1 FROM submissions b"
            "  WHERE b.year = s.year AND b.unit_id = s.unit_id) ORDER BY s.unit_id, p.id", (year,))
        return [(row["unit_id"], _person(row)) for row in rows]

    async def sent_at(self: _Queries, key: str) -> datetime | None:
        """When the first message recorded under `key` was accepted by Telegram."""
        row = await self._one("SELECT MIN(settled_at) AS at FROM deliveries WHERE key = ?"
                              " AND state = 'sent'", (key,))
        return datetime.fromisoformat(row["at"]) if row and row["at"] else None

    async def release_digest(self: _Queries, year: int, now: datetime) -> None:
        await self._write("INSERT INTO digest_controls (year, released_at) VALUES (?, ?)"
                          " ON CONFLICT(year) DO UPDATE SET released_at = excluded.released_at",
                          (year, _ts(now)))

    async def digest_released_at(self: _Queries, year: int) -> datetime | None:
        row = await self._one("SELECT released_at FROM digest_controls WHERE year = ?", (year,))
        return datetime.fromisoformat(row["released_at"]) if row and row["released_at"] else None

    async def mark_on_behalf(self: _Queries, year: int, unit_id: str, person_id: int,
                             now: datetime) -> None:
        await self._write("INSERT OR IGNORE INTO on_behalf (year, unit_id, person_id, started_at)"
                          " VALUES (?, ?, ?, ?)", (year, unit_id, person_id, _ts(now)))

    async def on_behalf(self: _Queries, year: int) -> set[tuple[str, int]]:
        """(unit id, person id) pairs where a coordinator reported for the unit."""
        rows = await self._all("SELECT unit_id, person_id FROM on_behalf WHERE year = ?", (year,))
        return {(row["unit_id"], row["person_id"]) for row in rows}

    async def highlights(self: _Queries, year: int) -> list[str]:
        """The units the coordinator chose for the digest's highlights, in the order chosen."""
        rows = await self._all("SELECT unit_id FROM digest_highlights WHERE year = ?"
                               " ORDER BY position, unit_id", (year,))
        return [row["unit_id"] for row in rows]

    async def add_highlight(self: _Queries, year: int, unit_id: str, now: datetime) -> None:
        await self._write(
            "INSERT OR IGNORE INTO digest_highlights (year, unit_id, position, chosen_at)"
            " SELECT ?, ?, COALESCE(MAX(position), 0) + 1, ? FROM digest_highlights WHERE year = ?",
            (year, unit_id, _ts(now), year))

    async def remove_highlight(self: _Queries, year: int, unit_id: str) -> None:
        await self._write("DELETE FROM digest_highlights WHERE year = ? AND unit_id = ?",
                          (year, unit_id))

    async def answer_history(self: _Queries, year: int) -> list[HistoryEntry]:
        """Every change to the round's answers, oldest first, with the file an imported one
        came from: the coordinator's record of who changed what."""
        rows = await self._all(
            "SELECT year, unit_id, key, old_value, new_value, person_id, at, source"
            " FROM answer_history WHERE year = ? ORDER BY id", (year,))
        return [HistoryEntry(row["year"], row["unit_id"], row["key"],
                             json.loads(row["old_value"]) if row["old_value"] is not None else None,
                             json.loads(row["new_value"]), row["person_id"],
                             datetime.fromisoformat(row["at"]), row["source"]) for row in rows]
