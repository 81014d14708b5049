"""The durable inbox, wired into PTB: no update is confirmed to Telegram before it is on disk,
and none is forgotten before it has been handled.

PTB's `Updater` asks `getUpdates` for the next offset (which tells Telegram to forget what came
before) as soon as it has *queued* the previous batch, long before the handlers ran; a crash
in between lost the person's message. Why this shape, and not a hand-written poller or an
`Updater` subclass: the `Updater` awaits `update_queue.put(update)` for each update *before*
it moves its offset, so a queue whose `put` first commits the update to SQLite (`InboxQueue`)
is exactly the hook we need, through public API (`ApplicationBuilder.update_queue`), while
PTB keeps everything else it does well (bootstrap, the network retry loop with backoff,
clean shutdown). The other end is `Application.process_update` (`DurableApplication`), which
marks the update done once its handlers are through.

At start-up (`replay_unfinished`, from `post_init`) the updates a crash left unfinished are
queued before anything new. An update whose report answer was already written (`applied`,
set in the answer's own transaction) is not handled again: that would apply it to the step
the bot had moved on to. The person gets their report where it now stands instead, as
/report shows it, so they still get a reply and nothing is applied twice.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from telegram import Update
from telegram.ext import Application

from bot.storage import Storage
from bot.storage.context import current_update

log = logging.getLogger(__name__)


class InboxQueue(asyncio.Queue[object]):
    """The Application's update queue: an update is committed to the inbox before it is
    queued (and so before the Updater asks for the offset that confirms it). An update
    already in the inbox (Telegram delivered it again after a crash) is not queued twice."""

    def __init__(self, storage: Storage, clock: Callable[[], datetime]) -> None:
        super().__init__()
        self.storage, self.clock = storage, clock

    async def put(self, item: object) -> None:
        if isinstance(item, Update) and not await self.storage.receive_update(
                item.update_id, item.to_json(), self.clock()):
            log.info("update delivered again; already in the inbox",
                     extra={"update_id": item.update_id})
            return
        await super().put(item)

    async def put_stored(self, item: Update) -> None:
        """Queue an update that is already in the inbox (a replay)."""
        await super().put(item)


class DurableApplication(Application):  # type: ignore[type-arg]
    """Handles each update with its id in `current_update` (so the answer it writes marks it
    applied in the same transaction) and marks it done afterwards.

    An update whose handler failed is done too: the error handler has told the person and a
    coordinator, and what it wrote is committed; handling it again would only fail again."""

    PRUNE_EVERY = 500
    """Every so many updates, done rows past `KEEP_DONE` are deleted (and at start-up)."""

    _handled = 0

    async def process_update(self, update: object) -> None:
        if not isinstance(update, Update):
            await super().process_update(update)
            return
        services = self.bot_data["services"]
        token = current_update.set(update.update_id)
        try:
            await super().process_update(update)
        finally:
            current_update.reset(token)
        storage: Storage = services.storage
        await storage.finish_update(update.update_id, services.clock())
        self._handled += 1
        if self._handled % self.PRUNE_EVERY == 0:
            await storage.forget_done_updates(services.clock())


async def replay_unfinished(application: Application) -> int:  # type: ignore[type-arg]
    """Queue the updates a crash left unfinished, oldest first, before polling starts.
    Returns how many."""
    queue = application.update_queue
    assert isinstance(queue, InboxQueue), "build the Application with an InboxQueue"
    storage = queue.storage
    await storage.forget_done_updates(queue.clock())
    pending = await storage.unfinished_updates()
    for update_id, payload, applied in pending:
        data = json.loads(payload)
        if applied:
            data = as_report_request(data)
        update = Update.de_json(data, application.bot)
        await queue.put_stored(update)
    if pending:
        log.info("replaying %d update(s) left unfinished by the last run", len(pending))
    return len(pending)


def as_report_request(data: dict[str, Any]) -> dict[str, Any]:
    """The same person asking /report, under the same update id: the reply to an update
    whose answer is already stored is the report where it now stands."""
    if "message" in data:
        source = data["message"]
        sender, chat, message_id = source.get("from"), source["chat"], source["message_id"]
    elif "callback_query" in data and data["callback_query"].get("message"):
        query = data["callback_query"]
        sender, chat = query["from"], query["message"]["chat"]
        message_id = query["message"]["message_id"]
    else:
        return data
    return {"update_id": data["update_id"], "message": {
        "message_id": message_id, "from": sender, "chat": chat,
        "date": int(datetime.now().timestamp()), "text": "/report",
        "entities": [{"type": "bot_command", "offset": 0, "length": len("/report")}]}}
