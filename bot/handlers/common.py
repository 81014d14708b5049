"""Small helpers every handler module uses: refusals, long replies, telling coordinators."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from functools import wraps
from typing import Any

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, Forbidden, NetworkError, TelegramError

from bot.chat.callbacks import BadCallback
from bot.chat.views import split_blocks
from bot.domain.reporting import NotAllowed, Refusal
from bot.i18n import Translator
from bot.services import KotobotContext

ALERT_LIMIT = 200
"""Telegram's limit for a callback query's pop-up text."""


def refusal_text(reason: Refusal, tr: Translator) -> str:
    """Every refusal has its own message: a new reason without one fails here, loudly."""
    _ = tr.gettext
    texts = {
        Refusal.NOT_YOUR_UNIT: _("You can only see and answer your own units' measures."),
        Refusal.NO_ROUND: _("That reporting round does not exist."),
        Refusal.ROUND_CLOSED: _("That reporting round is closed; answers can no longer be changed."),
        Refusal.STALE_BUTTON: _("This button is no longer valid. Use /report to continue where you were."),
        Refusal.COORDINATORS_ONLY: _("Only the integration coordinator can do that."),
        Refusal.SUMMARIES_ONLY: _("Only the coordinator and the council members can see summaries."),
    }
    return texts[reason]


async def refuse(message: Message | None, context: KotobotContext, reason: Refusal,
                 query: CallbackQuery | None = None) -> None:
    """Explain a refusal in the person's language; nothing was written."""
    text = refusal_text(reason, context.tr)
    if query is not None:
        try:
            await query.answer(text[:ALERT_LIMIT], show_alert=True)
        except TelegramError:
            pass  # already answered before the refusal arose; the message below still explains
    if message is not None:
        await message.reply_text(text)


Handler = Callable[[Update, KotobotContext], Coroutine[Any, Any, None]]


def button_guard(handler: Handler) -> Handler:
    """For button handlers: a payload that does not decode (forged, stale) or an action the
    person may not take is refused with a clear message instead of reaching the error log."""
    @wraps(handler)
    async def guarded(update: Update, context: KotobotContext) -> None:
        query = update.callback_query
        message = query.message if query and isinstance(query.message, Message) else None
        try:
            await handler(update, context)
        except BadCallback:
            await refuse(message, context, Refusal.STALE_BUTTON, query)
        except NotAllowed as refusal:
            await refuse(message, context, refusal.reason, query)
    return guarded


SEND_ATTEMPTS = 3
"""A reply that does not go out is tried again (after 1 s, then 2 s) before giving up."""


async def reply_steadily(message: Message, text: str, markup: Any = None) -> Message:
    """Reply, trying again after a passing fault (a 5xx, a dropped connection) instead of
    leaving the person without their question or review. Flood control is the rate
    limiter's; a refused message (400, 403) is not retried."""
    for attempt in range(SEND_ATTEMPTS):
        try:
            return await message.reply_text(text, reply_markup=markup)
        except (BadRequest, Forbidden):
            raise
        except NetworkError:
            if attempt == SEND_ATTEMPTS - 1:
                raise
            await asyncio.sleep(2 ** attempt)
    raise AssertionError("unreachable")


async def send_blocks(message: Message, blocks: list[str],
                      markup: InlineKeyboardMarkup | None = None) -> Message:
    """Send HTML blocks in as few messages as fit; the keyboard goes on the last one."""
    parts = split_blocks(blocks)
    sent = message
    for number, part in enumerate(parts, start=1):
        sent = await reply_steadily(message, part, markup if number == len(parts) else None)
    return sent
