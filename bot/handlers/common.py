"""Small helpers every handler module uses: refusals, long replies, telling coordinators."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from functools import wraps
from typing import Any

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot import notices
from bot.callbacks import BadCallback
from bot.domain.reporting import NotAllowed
from bot.i18n import Translator
from bot.services import KotobotContext
from bot.views import split_blocks

ALERT_LIMIT = 200
"""Telegram's limit for a callback query's pop-up text."""


def refusal_text(reason: str, tr: Translator) -> str:
    _ = tr.gettext
    texts = {
        "not_your_unit": _("You can only see and answer your own units' measures."),
        "no_round": _("That reporting round does not exist."),
        "round_closed": _("That reporting round is closed; answers can no longer be changed."),
        "stale_button": _("This button is no longer valid. Use /report to continue where you were."),
        "coordinators_only": _("Only the integration coordinator can do that."),
        "summaries_only": _("Only the coordinator and the council members can see summaries."),
    }
    return texts.get(reason, texts["stale_button"])


async def refuse(message: Message | None, context: KotobotContext, reason: str,
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
            await refuse(message, context, "stale_button", query)
        except NotAllowed as refusal:
            await refuse(message, context, refusal.reason, query)
    return guarded


async def send_blocks(message: Message, blocks: list[str],
                      markup: InlineKeyboardMarkup | None = None) -> Message:
    """Send HTML blocks in as few messages as fit; the keyboard goes on the last one."""
    parts = split_blocks(blocks)
    sent = message
    for number, part in enumerate(parts, start=1):
        sent = await message.reply_text(
            part, parse_mode=ParseMode.HTML, reply_markup=markup if number == len(parts) else None)
    return sent


async def tell_coordinators(context: KotobotContext, text: Callable[[Translator], str]) -> None:
    """Send each coordinator a note in their own language; one unreachable does not stop it."""
    await notices.tell_coordinators(context.bot, context.services, text)
