"""What the storage needs to know about the update being handled, without knowing Telegram."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass
class Receipt:
    """One update the bot is handling, as the storage sees it.

    `payload` gives the update's JSON (only asked for when the update is written down);
    `stored` says whether the inbox has a row for it (written before its offset was
    confirmed, or by the answer it applied), so that finishing it knows to mark it done."""

    update_id: int
    payload: Callable[[], str]
    stored: bool = False
    applied: bool = False
    """It wrote a report answer (and its row says so): handling it again only shows the
    report where it stands, so its done mark need not be synced on its own."""
    done: bool = False
    """Its row is marked done already (with the next question's shown mark), so finishing
    it writes nothing."""


current_update: ContextVar[Receipt | None] = ContextVar("current_update", default=None)
"""The update being handled in this task, set by the polling glue (`bot.polling`), so that
the report step an update writes records it as applied in the same transaction (a replay
after a crash then never applies it twice)."""
