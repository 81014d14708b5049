"""SQL for running the bot: its heartbeat and the audit log of administrative actions.

A mixin of `Storage` (see `bot.storage.db`). The audit log names actors by their `people`
row, never by Telegram id or name, so erasing a person needs no rewrite of the log: the row
they point at is pseudonymised instead. Digest deliveries are already recorded, exactly once,
in the delivery ledger; the log reads them from there rather than keeping a second copy.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Any, Protocol

import aiosqlite

from bot.domain.records import AuditEntry
from bot.storage.reporting import _ts

DIGEST_KIND = "digest"  # scheduler.digest.DIGEST: a council member's digest is complete




class _Queries(Protocol):
    async def _all(self, sql: str, params: Iterable[Any] = ()) -> list[aiosqlite.Row]: ...
    async def _write(self, sql: str, params: Iterable[Any] = ()) -> int: ...
    def _transaction(self) -> AbstractAsyncContextManager[aiosqlite.Connection]: ...


class OperationsQueries:
    """Heartbeat and audit log. Mixed into `Storage`."""

    async def beat(self: _Queries, now: datetime, pid: int, host: str) -> None:
        """The bot is alive at `now` (wall-clock time: health is about this process)."""
        await self._write(
            "INSERT INTO heartbeat (id, beat_at, pid, host) VALUES (1, ?, ?, ?) ON CONFLICT(id)"
            " DO UPDATE SET beat_at = excluded.beat_at, pid = excluded.pid, host = excluded.host",
            (_ts(now), pid, host))

    async def stop_beating(self: _Queries, pid: int) -> None:
        """A clean stop: `kotobot health` then says at once that the bot is not running."""
        await self._write("DELETE FROM heartbeat WHERE pid = ?", (pid,))

    async def audit(self: _Queries, now: datetime, actor_id: int | None, action: str,
                    detail: str = "") -> None:
        """Record an administrative action. `detail` names units, years and person ids only."""
        await self._write("INSERT INTO audit_log (at, actor_id, action, detail) VALUES (?, ?, ?, ?)",
                          (_ts(now), actor_id, action, detail))

    async def audit_entries(self: _Queries, since: datetime | None = None) -> list[AuditEntry]:
        """The log, oldest first, digest deliveries included."""
        start = _ts(since) if since else ""
        rows = await self._all(
            "SELECT a.at AS at, a.id AS seq, a.actor_id AS actor_id, p.name AS name,"
            " p.erased_at AS erased, a.action AS action, a.detail AS detail FROM audit_log a"
            " LEFT JOIN people p ON p.id = a.actor_id WHERE a.at >= ?"
            " UNION ALL"
            " SELECT d.settled_at, NULL, NULL, NULL, NULL, 'digest_sent',"
            " 'round ' || substr(d.key, length(?) + 2) || ' to person #' || COALESCE(p.id, '?')"
            " FROM deliveries d LEFT JOIN people p ON p.telegram_id = d.chat_id"
            " WHERE d.key GLOB ? AND d.key NOT GLOB '*#*' AND d.state = 'sent'"
            " AND d.settled_at >= ?"
            " ORDER BY at, seq", (start, DIGEST_KIND, DIGEST_KIND + ":[0-9]*", start))
        return [AuditEntry(datetime.fromisoformat(row["at"]), row["actor_id"],
                           "" if row["erased"] else (row["name"] or ""), row["action"],
                           row["detail"]) for row in rows]
