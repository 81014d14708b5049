"""Messages the bot sends on its own (reminders, notes to coordinators), with no update to
read a language from: each is written in the recipient's stored language."""

from __future__ import annotations

from datetime import date
from html import escape

from bot.catalogue.index import CatalogueIndex
from bot.chat.keyboards import start_report_keyboard
from bot.domain.outreach import Part
from bot.domain.records import Person, Round
from bot.domain.reminding import Compose, FanOut, ReminderKind
from bot.domain.reporting import Owed
from bot.i18n import Translator, Translators
from bot.wording.labels import unit_name


def reminder_text(index: CatalogueIndex, tr: Translator, round_: Round, unit_id: str,
                  due_count: int, kind: ReminderKind, progress: tuple[int, int] = (0, 0),
                  today: date | None = None) -> str:
    """A reminder that escalates: when the round opens, how many days are left (tomorrow,
    in 7 days) before the deadline, and a distinct message once it has passed."""
    unit = escape(unit_name(index, unit_id, tr))
    deadline = tr.date(round_.deadline)
    days = (round_.deadline - today).days if today is not None else None
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
    elif days is not None and days <= 0:
        text = tr.ngettext(
            "⚠️ Today is the deadline: <b>{unit}</b> has {count} measure to report for {year}.",
            "⚠️ Today is the deadline: <b>{unit}</b> has {count} measures to report for {year}.",
            due_count)
    elif days == 1:
        text = tr.ngettext(
            "⚠️ The deadline is tomorrow, {date}: <b>{unit}</b> has {count} measure to report "
            "for {year}.",
            "⚠️ The deadline is tomorrow, {date}: <b>{unit}</b> has {count} measures to report "
            "for {year}.",
            due_count)
    elif days is not None:
        text = tr.ngettext(
            "🔔 Reminder: <b>{unit}</b> has {count} measure to report for {year}. "
            "The deadline is {date}, in {days} days.",
            "🔔 Reminder: <b>{unit}</b> has {count} measures to report for {year}. "
            "The deadline is {date}, in {days} days.",
            due_count)
    else:
        text = tr.ngettext(
            "🔔 Reminder: <b>{unit}</b> has {count} measure to report for {year}. "
            "The deadline is {date}.",
            "🔔 Reminder: <b>{unit}</b> has {count} measures to report for {year}. "
            "The deadline is {date}.",
            due_count)
    text = text.format(unit=unit, count=due_count, year=round_.year, date=deadline, days=days)
    answered, total = progress
    if answered and kind is not ReminderKind.OPENED:  # a busy person sees how little is left
        text += "\n" + tr.gettext("{answered} of {total} questions are already answered; the "
                                   "report continues where you left off.").format(
            answered=answered, total=total)
    return text


def reminder_composer(index: CatalogueIndex, translators: Translators, round_: Round,
                      kind: ReminderKind, today: date | None = None) -> Compose:
    """The reminders of one fan-out, each in its recipient's language, with the button that
    opens the report ("Continue (5/12 answered)" once answers exist). `today` gives the
    days left."""
    def compose(person: Person, unit_id: str, owed: Owed) -> Part:
        tr = translators[person.language]
        progress = (owed.answered, owed.asked)
        return Part(reminder_text(index, tr, round_, unit_id, owed.measures, kind, progress,
                                  today),
                    markup=start_report_keyboard(index, tr, round_.year, unit_id, progress))
    return compose


def told_text(tr: Translator, sent: int) -> str:
    """After a round opens: how many contact persons heard of it (none is said in words)."""
    if not sent:
        return tr.gettext("No contact person was told yet: the units expected to report have "
                          "no contact person, or they were told already. /people lists them.")
    return tr.ngettext("I told {count} contact person that the round is open.",
                       "I told {count} contact persons that the round is open.",
                       sent).format(count=sent)


def reminder_result_text(tr: Translator, result: FanOut) -> str:
    """What a reminder round the coordinator asked for did, for its progress message."""
    _ = tr.gettext
    lines = [tr.ngettext("Sent {count} reminder.", "Sent {count} reminders.", result.sent)
             .format(count=tr.number(result.sent))]
    if result.already_sent:
        lines.append(_("{count} had already been reminded today.")
                     .format(count=tr.number(result.already_sent)))
    if result.unreachable:
        lines.append(_("{count} could not be reached (they have blocked the bot).")
                     .format(count=tr.number(result.unreachable)))
    if result.failed:
        # a passing fault released their claim: another /remind today reaches them (the
        # scheduled steps do too, on their days); nothing retries a manual send by itself
        lines.append(_("{count} could not be reached just now; try /remind again later.")
                     .format(count=tr.number(result.failed)))
    if result.units_without_contact:
        lines.append(_("Units with no contact person: {count} (see /people).")
                     .format(count=tr.number(len(result.units_without_contact))))
    return "\n".join(lines)


def finished_after_restart_text(tr: Translator, result: FanOut) -> str:
    """A reminder round a crash or a stop cut short, finished at the next start."""
    return (tr.gettext("A reminder round that was under way when Kotobot stopped has now been "
                       "finished.") + "\n" + reminder_result_text(tr, result))


def cut_short_text(tr: Translator, day: date) -> str:
    """A reminder round a crash or a stop cut short on an earlier day: not finished now."""
    return tr.gettext("A reminder round started on {date} was cut short when Kotobot stopped. "
                      "As that day is over, it was not resumed; send today's reminders with "
                      "/remind.").format(date=tr.date(day))
