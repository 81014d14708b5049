"""Texts and keyboards of the coordinator's confirmations and of the notes that tell the
people affected. Payloads are built with `callbacks`; every dynamic text is escaped."""

from __future__ import annotations

from datetime import date
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.catalogue.index import CatalogueIndex
from bot.chat import callbacks
from bot.chat.callbacks import UnitRef, pack
from bot.domain.coordination import MAX_HIGHLIGHTS
from bot.i18n import Translator
from bot.wording.labels import unit_name

CANCEL = "-"


def confirm_keyboard(tr: Translator, *payload: object) -> InlineKeyboardMarkup:
    _ = tr.gettext
    return InlineKeyboardMarkup([[
        InlineKeyboardButton("✅ " + _("Yes, do it"), callback_data=pack(callbacks.CONFIRM, *payload)),
        InlineKeyboardButton(_("Cancel"), callback_data=pack(callbacks.CONFIRM, CANCEL)),
    ]])


def day_token(day: date) -> str:
    return day.strftime("%Y%m%d")


def day_of(token: str) -> date:
    if not (len(token) == 8 and callbacks.is_number(token[:6]) and callbacks.is_number(token[6:])):
        raise callbacks.BadCallback(token)
    try:
        return date(int(token[:4]), int(token[4:6]), int(token[6:]))
    except ValueError:
        raise callbacks.BadCallback(token) from None


def close_question(tr: Translator, year: int, mid_report: int, pending: int) -> str:
    _ = tr.gettext
    lines = [_("Close round {year}? After that, answers can no longer be given or changed.")
             .format(year=year)]
    if pending:
        lines.append(tr.ngettext("{count} unit has not submitted.", "{count} units have not submitted.",
                                 pending).format(count=pending))
    if mid_report:
        lines.append(tr.ngettext("{count} contact person is mid-report; they will be told.",
                                 "{count} contact persons are mid-report; they will be told.",
                                 mid_report).format(count=mid_report))
    return "\n".join(lines)


def closed_note(tr: Translator, year: int, unit: str) -> str:
    """To a contact who was mid-report when the coordinator closed the round."""
    return tr.gettext("The integration coordinator has closed reporting round {year}. The answers "
                      "you gave for {unit} are kept; no more can be given or changed. If something "
                      "is missing, please tell the coordinator.").format(year=year, unit=escape(unit))


def reopen_question(tr: Translator, year: int, old: date | None, new: date, closed: bool,
                    pending: int) -> str:
    _ = tr.gettext
    if closed:
        text = _("Reopen round {year} with the deadline {date}?").format(year=year, date=tr.date(new))
    else:
        text = _("Move the deadline of round {year} from {old} to {new}? Reminders will follow the "
                 "new deadline.").format(year=year, old=tr.date(old) if old else "–", new=tr.date(new))
    return text + "\n" + tr.ngettext(
        "The contact persons of {count} unit that has not submitted will be told.",
        "The contact persons of {count} units that have not submitted will be told.",
        pending).format(count=pending)


def removal_question(tr: Translator, name: str, unit: str | None, last_one: bool) -> str:
    _ = tr.gettext
    if unit is None:
        return _("Remove {name} from the Multicultural Council? They will be told, and will no "
                 "longer get the digest.").format(name=escape(name))
    text = _("Remove {name} as contact person for {unit}? They will be told, and can no longer "
             "report for the unit.").format(name=escape(name), unit=escape(unit))
    if last_one:
        text += "\n" + _("{unit} will then have no contact person.").format(unit=escape(unit))
    return text


def removed_note(tr: Translator, unit: str | None) -> str:
    """To the person whose role the coordinator ended, in their language."""
    _ = tr.gettext
    if unit is None:
        return _("The integration coordinator has removed you from the Multicultural Council in "
                 "Kotobot; you will no longer get the digest. If this is a mistake, please contact "
                 "the coordinator.")
    return _("The integration coordinator has removed you as contact person for {unit} in Kotobot; "
             "you will no longer get its reminders. If this is a mistake, please contact the "
             "coordinator.").format(unit=escape(unit))


def short_name(name: str, limit: int = 14) -> str:
    """A name short enough for a button on a phone: the first name, cut if need be."""
    first = (name.split() or [name])[0]
    return first if len(first) <= limit else first[:limit - 1] + "…"


SCHEDULED, POSTPONE, SEND_NOW = "s", "p", "n"


def digest_ahead_text(tr: Translator, year: int, when: str, members: int, reported: int,
                      expected: int, low: bool) -> str:
    """Heads the coordinator's preview: when it goes, to whom, and how complete it is."""
    _ = tr.gettext
    lines = [tr.ngettext(
        "📬 The digest of {year} goes to {count} council member on {date} at 10:00. This is "
        "what they will get (in their own language).",
        "📬 The digest of {year} goes to {count} council members on {date} at 10:00. This is "
        "what they will get (in their own language).", members).format(
        year=year, count=members, date=when)]
    rate = round(100 * reported / expected) if expected else 100
    lines.append(_("Reports: {reported} of {expected} units ({rate} %).").format(
        reported=reported, expected=expected, rate=rate))
    if low:
        lines.append("⚠️ " + _("Fewer than half of the units have reported. You may want to "
                               "remind them and postpone the digest."))
    return "\n".join(lines)


def digest_controls_text(tr: Translator, year: int) -> str:
    return tr.gettext("The digest of {year}: send it as scheduled, postpone it by a week, or send "
                      "it now?").format(year=year)


def digest_controls_keyboard(tr: Translator, year: int) -> InlineKeyboardMarkup:
    _ = tr.gettext
    return InlineKeyboardMarkup([
        [InlineKeyboardButton(_("Send as scheduled"), callback_data=pack(callbacks.DIGEST, year, SCHEDULED))],
        [InlineKeyboardButton(_("Postpone a week"), callback_data=pack(callbacks.DIGEST, year, POSTPONE)),
         InlineKeyboardButton(_("Send now"), callback_data=pack(callbacks.DIGEST, year, SEND_NOW))],
    ])


def digest_sent_text(tr: Translator, year: int, sent: int, unreachable: int) -> str:
    text = tr.ngettext("The digest of {year} was sent to {count} council member.",
                       "The digest of {year} was sent to {count} council members.",
                       sent).format(year=year, count=sent)
    if unreachable:
        text += " " + tr.ngettext("{count} could not be reached (has blocked the bot).",
                                  "{count} could not be reached (have blocked the bot).",
                                  unreachable).format(count=unreachable)
    return text


def highlights_text(tr: Translator, year: int, chosen: int) -> str:
    """Above the buttons that choose which units' comments lead the digest."""
    _ = tr.gettext
    return _("Highlights: choose up to {limit} units whose comments lead the digest of {year} "
             "(★ = chosen, in the order chosen). If you choose none, the most recent comments "
             "lead.").format(limit=MAX_HIGHLIGHTS, year=year) + "\n" + _(
        "Chosen: {chosen} of {limit}.").format(chosen=chosen, limit=MAX_HIGHLIGHTS)


def highlights_keyboard(index: CatalogueIndex, tr: Translator, year: int, candidates: list[str],
                        chosen: list[str]) -> InlineKeyboardMarkup:
    """One button per unit that commented: ☆ to choose it, ★n (its place) to drop it."""
    def label(unit_id: str) -> str:
        mark = f"★{chosen.index(unit_id) + 1}" if unit_id in chosen else "☆"
        return f"{mark} {unit_name(index, unit_id, tr)}"

    ordered = sorted(candidates, key=lambda u: unit_name(index, u, tr).casefold())
    return InlineKeyboardMarkup([
        [InlineKeyboardButton(label(unit_id), callback_data=pack(
            callbacks.HIGHLIGHT, year, UnitRef(unit_id).encode(index)))]
        for unit_id in ordered[:100]])
