"""SQL for the durable inbox: every update Telegram gave the bot that was not handled by the
time the bot asks for the next offset (which tells Telegram the update arrived) is written
down before it asks, and so is every update that applied a report answer.

A mixin of `Storage`. Why it exists: Telegram forgets an update as soon as the bot confirms
it. An update that is in this table survives a crash and is handled at start-up; `done_at`
says it needs no more handling, `applied_at` that its answer is already written (set in the same
transaction as the answer, see `ReportingQueries.record_answer`), so a replay never applies
it twice. Payloads hold names and typed answers: they are cleared once an update is done,
and done rows are deleted after `KEEP_DONE`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import aiosqlite

from bot.storage.reporting import _Queries, _ts

KEEP_DONE = timedelta(days=3)
"""Done rows are kept this long (only ids and times: their payload is already cleared), so a
late re-delivery by Telegram is still recognised as a duplicate."""

class InboxQueries:
    """Received updates, by `update_id`."""

    async def receive_updates(self: _Queries, updates: Sequence[tuple[int, str]],
                              now: datetime) -> None:
        """Write several updates down in one durable commit (those already there stay)."""
        async def insert(db: aiosqlite.Connection) -> None:
            await db.executemany(
                "INSERT OR IGNORE INTO inbox (update_id, payload, received_at) VALUES (?, ?, ?)",
                [(update_id, payload, _ts(now)) for update_id, payload in updates])

        await self._grouped(insert)

    async def knows_update(self: _Queries, update_id: int) -> bool:
        """Whether the inbox has this update (handled, applied or waiting to be)."""
        return await self._one("SELECT 1 FROM inbox WHERE update_id = ?", (update_id,)) is not None

    async def last_update_id(self: _Queries) -> int | None:
        """The newest update the inbox knows of: only updates up to it can be redeliveries."""
        row = await self._one("SELECT MAX(update_id) AS last FROM inbox")
        return row["last"] if row else None

    async def unfinished_updates(self: _Queries) -> list[tuple[int, str, bool]]:
        """(update_id, payload, applied) of every update not yet done, oldest first."""
        rows = await self._all(
            "SELECT update_id, payload, applied_at FROM inbox WHERE done_at IS NULL"
            " ORDER BY update_id")
        return [(row["update_id"], row["payload"], row["applied_at"] is not None) for row in rows]

    async def finish_update(self: _Queries, update_id: int, now: datetime,
                            durable: bool = True) -> None:
        """Handled: nothing more to do for it; its personal data goes. Not `durable` for an
        update that applied an answer: lost in a power cut, its replay only shows the report
        where it stands. Any other (say, an /invite that was slow) would run again."""
        sql = "UPDATE inbox SET done_at = ?, payload = '' WHERE update_id = ?"
        if durable:
            await self._write(sql, (_ts(now), update_id))
        else:
            await self._write_lazily(sql, (_ts(now), update_id))

    async def forget_done_updates(self: _Queries, now: datetime) -> int:
        """Delete done rows older than `KEEP_DONE`; returns how many."""
        return await self._write("DELETE FROM inbox WHERE done_at IS NOT NULL AND done_at < ?",
                                 (_ts(now - KEEP_DONE),))
