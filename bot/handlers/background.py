"""Fan-outs off the update path: the handler starts one, tells the coordinator, and returns.

PTB handles one update at a time, so a `/remind` to a thousand contacts run inside its
handler would keep everyone else waiting for the whole fan-out (≈33 s at Telegram's pace).
Here the fan-out runs as a task of the Application (`application.create_task`: tracked, and
awaited when the bot stops, so no delivery is cut off half-recorded; the ledger would make
even that safe). One progress message is edited as it goes ("340/1 000") and, at the end,
replaced by the result. Shared glue like `common.py`; it holds no use case of its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
from collections.abc import Awaitable, Callable

from telegram import Message
from telegram.error import TelegramError

from bot.domain.reminding import Progress
from bot.services import KotobotContext

log = logging.getLogger(__name__)

EDIT_EVERY = 2.0
"""Seconds between edits of the progress message: informative, and far below Telegram's
per-chat limit, so the edits never compete with the fan-out's own sends."""

Work = Callable[[Progress], Awaitable[str]]
"""The fan-out: reports progress through the callback and returns the final text."""


def start_fan_out(context: KotobotContext, origin: Message, work: Work,
                  progress_text: Callable[[int, int], str],
                  progress_message: Message | None = None) -> None:
    """Run `work` in the background and return at once. `progress_message` (already sent,
    saying the fan-out has started) is edited as it goes; without one, a progress message
    replying to `origin` appears only once there is somebody to tell, so an empty fan-out
    stays silent."""
    # in a fresh context: the task must not carry the update being handled (its receipt
    # would let a write in the fan-out pass for that update's answer)
    contextvars.Context().run(context.application.create_task,
                              _run(progress_message, origin, work, progress_text),
                              name="fan-out")


async def _run(progress_message: Message | None, origin: Message, work: Work,
               progress_text: Callable[[int, int], str]) -> None:
    state = {"done": 0, "total": 0}
    changed, finished = asyncio.Event(), asyncio.Event()
    holder: list[Message | None] = [progress_message]

    def progress(done: int, total: int) -> None:
        state["done"], state["total"] = done, total
        changed.set()

    async def show(text: str) -> None:
        try:
            if holder[0] is None:
                holder[0] = await origin.reply_text(text)
            else:
                await holder[0].edit_text(text)
        except TelegramError as error:  # a progress note is not worth failing the fan-out
            log.warning("progress message not updated: %s", type(error).__name__)

    async def ticker() -> None:
        # never cancelled mid-send (that could leave a second progress message): it is told
        # to finish and finishes the edit it is making
        while True:
            await changed.wait()
            changed.clear()
            if finished.is_set():
                return
            await show(progress_text(state["done"], state["total"]))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(finished.wait(), EDIT_EVERY)

    updates = asyncio.create_task(ticker())
    try:
        final = await work(progress)
    finally:
        finished.set()
        changed.set()
        await updates
    if holder[0] is not None or state["total"]:
        await show(final)
