"""Messages the bot sends on its own (reminders, notes to coordinators), with no update to
read a language from: each goes out in the recipient's stored language."""

from __future__ import annotations

import logging
from collections.abc import Callable
from enum import StrEnum
from html import escape

from telegram import Bot, InlineKeyboardMarkup
from telegram.error import TelegramError

from bot.i18n import Translator
from bot.services import Services
from bot.storage import Round
from bot.views import unit_name

log = logging.getLogger(__name__)


class ReminderKind(StrEnum):
    OPENED = "opened"  # the round has just opened
    BEFORE = "before"  # a ladder step before the deadline
    OVERDUE = "overdue"  # a chaser after it


def reminder_text(services: Services, tr: Translator, round_: Round, unit_id: str,
                  due_count: int, kind: ReminderKind, progress: tuple[int, int] = (0, 0)) -> str:
    unit = escape(unit_name(services.catalogue, unit_id, tr))
    deadline = tr.date(round_.deadline)
    if kind is ReminderKind.OPENED:
        text = tr.ngettext(
            "📋 Reporting for {year} is open. <b>{unit}</b> has {count} measure to report. "
            "The deadline is {date}; you can report on your phone.",
            "📋 Reporting for {year} is open. <b>{unit}</b> has {count} measures to report. "
            "The deadline is {date}; you can report on your phone.",
            due_count)
    elif kind is ReminderKind.OVERDUE:
        text = tr.ngettext(
            "⏰ The deadline {date} has passed and <b>{unit}</b> has not submitted its report for "
            "{year} yet: {count} measure is waiting. Please report as soon as you can.",
            "⏰ The deadline {date} has passed and <b>{unit}</b> has not submitted its report for "
            "{year} yet: {count} measures are waiting. Please report as soon as you can.",
            due_count)
    else:
        text = tr.ngettext(
            "🔔 Reminder: <b>{unit}</b> has {count} measure to report for {year}. "
            "The deadline is {date}.",
            "🔔 Reminder: <b>{unit}</b> has {count} measures to report for {year}. "
            "The deadline is {date}.",
            due_count)
    text = text.format(unit=unit, count=due_count, year=round_.year, date=deadline)
    answered, total = progress
    if answered and kind is not ReminderKind.OPENED:  # a busy person sees how little is left
        text += "\n" + tr.gettext("{answered} of {total} questions are already answered; the "
                                   "report continues where you left off.").format(
            answered=answered, total=total)
    return text


async def tell_coordinators(bot: Bot, services: Services, text: Callable[[Translator], str],
                            markup: Callable[[Translator], InlineKeyboardMarkup | None]
                            | None = None, parse_mode: str | None = None) -> int:
    """Send each coordinator a note in their own language; returns how many got it."""
    known = {p.telegram_id: p for p in
             await services.storage.people_by_telegram_ids(services.settings.coordinators)}
    delivered = 0
    for telegram_id in sorted(services.settings.coordinators):
        person = known.get(telegram_id)
        tr = services.translators[person.language if person else None]
        try:
            await bot.send_message(telegram_id, text(tr), parse_mode=parse_mode,
                                   reply_markup=markup(tr) if markup else None)
            delivered += 1
        except TelegramError as error:
            log.warning("could not tell coordinator %s: %s", telegram_id, error)
    return delivered
