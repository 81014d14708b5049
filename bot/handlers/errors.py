"""The error handler: an unexpected error is logged without personal data, the person is
told once that what they saved is safe (and a pressed button stops spinning), and a human
(the coordinators) hears about it, at most once an hour per kind of error so that a broken
dependency does not flood them."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop

from bot.i18n import language_from_telegram
from bot.services import KotobotContext, Services

log = logging.getLogger(__name__)

TELL_AT_MOST_EVERY = timedelta(hours=1)


async def on_error(update: object, context: KotobotContext) -> None:
    """Never raises: it runs when something already failed (often the database), so each
    step that could fail again is guarded and the person still gets their answer."""
    error = context.error
    kind = type(error).__name__
    update_id = update.update_id if isinstance(update, Update) else None
    chat_id = update.effective_chat.id if isinstance(update, Update) and update.effective_chat else None
    # never the Update itself: it holds names and typed answers
    log.error("update failed: %s", kind, exc_info=error,
              extra={"update_id": update_id, "chat_id": chat_id})
    services: Services = context.application.bot_data["services"]
    if isinstance(update, Update) and update.callback_query is not None:
        try:  # stop the button's spinner; the message below says what happened
            await update.callback_query.answer()
        except TelegramError:
            pass  # already answered before the error
    if chat_id is not None:
        _ = services.translators[await _language(services, update)].gettext
        try:
            await context.bot.send_message(chat_id, _(
                "Sorry, something went wrong. Everything you had answered is saved; "
                "please try again."))
        except TelegramError:
            pass
    try:
        await _tell_a_human(services, kind)
    except Exception:  # the database may be what failed: the log line above is the record
        log.exception("could not tell the coordinators about the failed update")
    if isinstance(update, Update):
        # one failure, one answer: no later handler group runs on a half-handled update
        # (after a failed authorization they would only fail again, each with its "Sorry")
        raise ApplicationHandlerStop


async def _language(services: Services, update: object) -> str | None:
    """The person's language; their Telegram language if the database cannot say."""
    user = update.effective_user if isinstance(update, Update) else None
    if user is None:
        return None
    try:
        language = await services.people.language_of(user.id)
    except Exception:
        log.warning("could not look up the language of the person whose update failed",
                    exc_info=True)
        language = None
    return language or language_from_telegram(user.language_code)


async def _tell_a_human(services: Services, kind: str) -> None:
    now: datetime = services.clock()
    hour = now.replace(minute=0, second=0, microsecond=0)
    await services.tell_coordinators(lambda t: t.gettext(
        "Kotobot hit an unexpected error ({kind}). The person was told to try again; the "
        "details are in the bot's log.").format(kind=kind),
        key=f"error:{kind}:{hour.isoformat()}")
