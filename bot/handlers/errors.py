"""The error handler: an unexpected error is logged without personal data, the person is
told that what they saved is safe, and a human (the coordinators) hears about it, at most
once an hour per kind of error so that a broken dependency does not flood them."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from telegram import Update
from telegram.error import TelegramError

from bot.services import KotobotContext, Services

log = logging.getLogger(__name__)

TELL_AT_MOST_EVERY = timedelta(hours=1)


async def on_error(update: object, context: KotobotContext) -> None:
    error = context.error
    kind = type(error).__name__
    update_id = update.update_id if isinstance(update, Update) else None
    chat_id = update.effective_chat.id if isinstance(update, Update) and update.effective_chat else None
    # never the Update itself: it holds names and typed answers
    log.error("update failed: %s", kind, exc_info=error,
              extra={"update_id": update_id, "chat_id": chat_id})
    services: Services = context.application.bot_data["services"]
    if chat_id is not None:
        _ = services.translators[await services.people.language_of(chat_id)].gettext
        try:
            await context.bot.send_message(chat_id, _(
                "Sorry, something went wrong. Everything you had answered is saved; "
                "please try again."))
        except TelegramError:
            pass
    await _tell_a_human(services, kind)


async def _tell_a_human(services: Services, kind: str) -> None:
    now: datetime = services.clock()
    hour = now.replace(minute=0, second=0, microsecond=0)
    await services.tell_coordinators(lambda t: t.gettext(
        "Kotobot hit an unexpected error ({kind}). The person was told to try again; the "
        "details are in the bot's log.").format(kind=kind),
        key=f"error:{kind}:{hour.isoformat()}")
