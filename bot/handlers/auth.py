"""The authorization group: runs first for every update and decides who is asking.

It loads (or creates) the person behind the update and their roles into
`context.viewer`. People who are not invited may only use /start, /help and /language;
anything else gets a polite refusal in their language and stops all further handlers.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.chat import callbacks
from bot.handlers.privacy import FORGET
from bot.i18n import language_from_telegram
from bot.services import KotobotContext

OPEN_COMMANDS = ("/start", "/help", "/language", "/cancel", "/privacy", "/mydata", "/forget")


async def authorize(update: Update, context: KotobotContext) -> None:
    user = update.effective_user
    if user is None or update.effective_chat is None or update.effective_chat.type != "private":
        raise ApplicationHandlerStop  # Kotobot only talks one to one
    context.viewer, context.first_contact = await context.services.people.identify(
        user.id, user.full_name, language_from_telegram(user.language_code))
    if context.viewer.registered or _is_open(update):
        return
    _ = context.tr.gettext
    text = _("You are not registered with Kotobot yet. Kotobot collects the yearly follow-up of "
             "the City of Vaasa integration programme from the units responsible for its "
             "measures. Please ask the city's integration coordinator for an invitation link.")
    if update.callback_query:
        await update.callback_query.answer(_("You are not registered with Kotobot."), show_alert=True)
    if update.effective_message:
        await update.effective_message.reply_text(text)
    raise ApplicationHandlerStop


def _is_open(update: Update) -> bool:
    message = update.message
    if message and message.text:
        # str.split() also splits on "\x1e" or "\u2028", so a text of only such characters
        # has no first word at all
        words = message.text.split(maxsplit=1)
        return bool(words) and words[0].split("@")[0].lower() in OPEN_COMMANDS
    query = update.callback_query
    return bool(query and query.data and query.data.startswith((callbacks.LANGUAGE + ":", FORGET + ":")))
