"""SQL for the delivery ledger: one row per message the bot sends on its own initiative.

A mixin of `Storage`; the policy it serves is written in `bot.domain.outreach`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime

import aiosqlite

from bot.domain.records import DeliveryState, RequestedReminder
from bot.storage.reporting import _Queries, _ts


class DeliveryQueries:
    """Claims and their outcomes, keyed by (message key, chat)."""

    async def claim_delivery(self: _Queries, key: str, chat_id: int, now: datetime,
                             boot: str) -> bool:
        """Record a send before it happens. True when the caller should send: a new claim,
        or a claim an earlier run left unsettled (it crashed before Telegram answered).
        Committed before it returns; claims made at the same moment share the commit."""

        async def claim(db: aiosqlite.Connection) -> bool:
            cursor = await db.execute(
                "INSERT OR IGNORE INTO deliveries (key, chat_id, state, claimed_at, boot)"
                " VALUES (?, ?, 'claimed', ?, ?)", (key, chat_id, _ts(now), boot))
            if cursor.rowcount > 0:
                return True
            cursor = await db.execute(
                "UPDATE deliveries SET boot = ?, claimed_at = ? WHERE key = ? AND chat_id = ?"
                " AND state = 'claimed' AND boot != ?", (boot, _ts(now), key, chat_id, boot))
            return cursor.rowcount > 0

        return await self._grouped(claim)

    async def settle_delivery(self: _Queries, key: str, chat_id: int, state: DeliveryState,
                              now: datetime) -> None:
        """What became of a claimed send: sent, blocked or unknown."""
        await self._write(
            "UPDATE deliveries SET state = ?, settled_at = ? WHERE key = ? AND chat_id = ?",
            (state.value, _ts(now), key, chat_id))

    async def release_delivery(self: _Queries, key: str, chat_id: int) -> None:
        """Undo a claim whose send failed before anything could arrive: the next tick retries."""
        await self._write("DELETE FROM deliveries WHERE key = ? AND chat_id = ? AND state = 'claimed'",
                          (key, chat_id))

    async def delivered_since(self: _Queries, prefix: str, chat_id: int, since: datetime,
                              other_than: Iterable[str]) -> bool:
        """Whether a message whose key starts with `prefix` went (or may have gone) to this
        chat since `since`, other than the keys given (the one-reminder-a-day rule)."""
        keys = list(other_than)
        marks = ",".join("?" * len(keys))
        row = await self._one(
            "SELECT 1 FROM deliveries WHERE chat_id = ? AND key >= ? AND key < ?"
            f" AND key NOT IN ({marks}) AND state IN ('claimed', 'sent', 'unknown')"
            " AND claimed_at >= ? LIMIT 1",
            (chat_id, prefix, prefix + "\U0010ffff", *keys, _ts(since)))
        return row is not None

    async def delivery_states(self: _Queries, key: str) -> dict[int, DeliveryState]:
        """chat → state of the message `key`."""
        rows = await self._all("SELECT chat_id, state FROM deliveries WHERE key = ?", (key,))
        return {row["chat_id"]: DeliveryState(row["state"]) for row in rows}

    async def deliveries(self: _Queries, prefix: str = "") -> list[tuple[str, int, DeliveryState]]:
        """Every recorded send whose key starts with `prefix`, oldest first (the audit trail
        of what was sent; tests and `/rounds` read it)."""
        rows = await self._all(
            "SELECT key, chat_id, state FROM deliveries WHERE key >= ? AND key < ?"
            " ORDER BY claimed_at, key", (prefix, prefix + "\U0010ffff"))
        return [(row["key"], row["chat_id"], DeliveryState(row["state"])) for row in rows]

    # reminder rounds someone asked for -----------------------------------------------
    async def begin_requested_reminder(self: _Queries, year: int, step_key: str, kind: str,
                                       also: Iterable[str], boot: str, token: str,
                                       now: datetime) -> None:
        """Write down a reminder round this run (`boot`) is starting; a second request of
        the same day takes the row over (its own `token`)."""
        await self._write(
            "INSERT INTO requested_reminders (year, step_key, kind, also, boot, token,"
            " started_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (year, step_key) DO UPDATE"
            " SET kind = excluded.kind, also = excluded.also, boot = excluded.boot,"
            " token = excluded.token, started_at = excluded.started_at",
            (year, step_key, kind, json.dumps(list(also)), boot, token, _ts(now)))

    async def end_requested_reminder(self: _Queries, token: str) -> None:
        """Cross out the request `token` (a later one of the same day has its own)."""
        await self._write("DELETE FROM requested_reminders WHERE token = ?", (token,))

    async def requested_reminders_left(self: _Queries, boot: str) -> list[RequestedReminder]:
        """Reminder rounds an earlier run started and did not finish."""
        rows = await self._all(
            "SELECT * FROM requested_reminders WHERE boot != ? ORDER BY started_at", (boot,))
        return [RequestedReminder(row["year"], row["step_key"], row["kind"],
                                  tuple(json.loads(row["also"])), row["token"],
                                  datetime.fromisoformat(row["started_at"])) for row in rows]
