"""The durable inbox, wired into PTB: no update is confirmed to Telegram before it has been
handled or is on disk, and none is forgotten before it has been handled.

PTB's `Updater` asks `getUpdates` for the next offset (which tells Telegram to forget what came
before) as soon as it has *queued* the previous batch, long before the handlers ran; a crash
in between lost the person's message. Writing every update down before that (one fsync per
update, on the path of every reply) was the first fix. Now the confirming request waits:
`ConfirmingRequest` (the Updater's own `get_updates_request`; `do_request` is PTB's
documented hook) holds a `getUpdates` whose offset would confirm updates still being handled
for up to `InboxQueue.GRACE`, and then writes the unfinished ones down in one durable commit before letting it go. An update
handled within the grace costs no write of its own, a slow one one shared commit; either
way Telegram forgets nothing the bot could still lose. PTB keeps everything else it does
well (bootstrap, the network retry loop with backoff, clean shutdown, whose last
`getUpdates` passes the same gate).

The other end is `Application.process_update` (`DurableApplication`), which tells the queue
when an update is through, marking its row done if it has one. An update that applied a
report answer gets a row in the answer's own transaction (`applied`), so that neither a
redelivery nor a replay applies it to the step the bot had moved on to.

At start-up (`replay_unfinished`, from `post_init`) the updates a crash left unfinished are
queued before anything new. An applied one is not handled again: the person gets their
report where it now stands instead, as /report shows it, so they still get a reply and
nothing is applied twice. An update Telegram delivers again is skipped when the inbox knows
it. One handled completely, without a row, in the instant before its offset went out, would
be handled again: a second reply, never a second answer.
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
from telegram.request import HTTPXRequest, RequestData

from bot.storage import Storage
from bot.storage.context import Receipt, current_update

log = logging.getLogger(__name__)


class _InFlight(Receipt):
    """A received update until it has been handled."""

    def __init__(self, update: Update, stored: bool = False) -> None:
        super().__init__(update.update_id, update.to_json, stored)
        self.handled = asyncio.Event()


class InboxQueue(asyncio.Queue[object]):
    """The Application's update queue, which knows what it holds until it is handled."""

    GRACE = 0.1
    """How long a confirming `getUpdates` waits for updates being handled before it writes
    them down instead (seconds). Most updates are handled in a few milliseconds."""

    def __init__(self, storage: Storage, clock: Callable[[], datetime]) -> None:
        super().__init__()
        self.storage, self.clock = storage, clock
        self.in_flight: dict[int, _InFlight] = {}
        self.horizon: int | None = None
        """The newest update id the inbox knew at start-up: only ids up to it can be
        redeliveries of updates already handled or waiting (set by `replay_unfinished`)."""

    async def put(self, item: object) -> None:
        if isinstance(item, Update):
            if item.update_id in self.in_flight:  # a batch fetched again after a failed put
                return
            if (self.horizon is not None and item.update_id <= self.horizon
                    and await self.storage.knows_update(item.update_id)):
                log.info("update delivered again; already in the inbox",
                         extra={"update_id": item.update_id})
                return
            self.in_flight[item.update_id] = _InFlight(item)
        await super().put(item)

    async def put_stored(self, item: Update) -> None:
        """Queue an update that is already in the inbox (a replay)."""
        self.in_flight[item.update_id] = _InFlight(item, stored=True)
        await super().put(item)

    def receipt(self, update: Update) -> _InFlight:
        return self.in_flight.get(update.update_id) or _InFlight(update)

    def handled(self, receipt: _InFlight) -> None:
        receipt.handled.set()
        self.in_flight.pop(receipt.update_id, None)

    async def before_confirming(self, offset: int) -> None:
        """Before a `getUpdates` with `offset` goes out: every update below it is handled or
        written down."""
        waiting = [r for update_id, r in self.in_flight.items()
                   if update_id < offset and not r.stored]
        if not waiting:
            return
        try:
            async with asyncio.timeout(self.GRACE):
                for receipt in waiting:
                    await receipt.handled.wait()
        except TimeoutError:
            pass
        unfinished = [r for r in waiting if not r.handled.is_set() and not r.stored]
        if unfinished:
            for receipt in unfinished:
                receipt.stored = True  # before the write: finishing it now marks the row done
            try:
                await self.storage.receive_updates(
                    [(r.update_id, r.payload()) for r in unfinished], self.clock())
            except BaseException:  # not on disk (a failed write, a stop): the offset must wait
                for receipt in unfinished:
                    receipt.stored = False
                raise


class ConfirmingRequest(HTTPXRequest):
    """The request object of `getUpdates` only: a call whose offset confirms updates waits
    until they are handled or on disk (`InboxQueue.before_confirming`)."""

    def __init__(self, queue: InboxQueue) -> None:
        super().__init__(connection_pool_size=1)  # what PTB builds for getUpdates
        self.queue = queue

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        offset = request_data.parameters.get("offset") if request_data is not None else None
        if isinstance(offset, int) and offset > 0:
            await self.queue.before_confirming(offset)
        return await super().do_request(url, method, request_data, *args, **kwargs)


class DurableApplication(Application):  # type: ignore[type-arg]
    """Handles each update with its receipt in `current_update` (so the answer it writes
    marks it applied in the same transaction) and tells the queue when it is through.

    An update whose handler failed is through too: the error handler has told the person and
    a coordinator, and what it wrote is committed; handling it again would only fail again."""

    PRUNE_EVERY = 500
    """Every so many updates, done rows past `KEEP_DONE` are deleted (and at start-up)."""

    _handled = 0

    async def process_update(self, update: object) -> None:
        queue = self.update_queue
        if not isinstance(update, Update) or not isinstance(queue, InboxQueue):
            await super().process_update(update)
            return
        services = self.bot_data["services"]
        receipt = queue.receipt(update)
        token = current_update.set(receipt)
        try:
            await super().process_update(update)
        finally:  # cut short (shutdown): still in flight, so the gate writes it down
            current_update.reset(token)
        storage: Storage = services.storage
        try:
            # before the offset may go (a crash now replays nothing), unless already marked
            if receipt.stored and not receipt.done:
                await storage.finish_update(update.update_id, services.clock(),
                                            durable=not receipt.applied)
            self._handled += 1
            if self._handled % self.PRUNE_EVERY == 0:
                await storage.forget_done_updates(services.clock())
        except Exception:  # bookkeeping only: the next start-up replays it at worst
            log.exception("could not mark update %d done", update.update_id)
        queue.handled(receipt)


async def replay_unfinished(application: Application) -> int:  # type: ignore[type-arg]
    """Queue the updates a crash left unfinished, oldest first, before polling starts.
    Returns how many."""
    queue = application.update_queue
    assert isinstance(queue, InboxQueue), "build the Application with an InboxQueue"
    storage = queue.storage
    await storage.forget_done_updates(queue.clock())
    queue.horizon = await storage.last_update_id()
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
