"""/privacy, /mydata and /forget: the notice, access to one's data, and erasure (GDPR 13, 15, 17).

Everyone who has written to the bot has these rights, invited or not, so the authorization
group lets these commands and the erasure buttons through for strangers too. A coordinator
can erase someone else from the message that confirms a contact's removal (/people).
"""

from __future__ import annotations

import json
from datetime import UTC
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot.config import Settings
from bot.domain.privacy import STRANGER_RETENTION, Action, person_ref
from bot.domain.records import Person
from bot.domain.reporting import Refusal
from bot.handlers.audit import audit
from bot.handlers.common import refuse
from bot.i18n import Translator
from bot.services import KotobotContext

FORGET = "f"  # f:<person id>:<ask|yes|no>; the presser is re-authorised on every press
_CHOICES = ("ask", "yes", "no")


def privacy_notice(tr: Translator, settings: Settings) -> str:
    """The privacy notice (HTML): controller, purpose, what is stored, retention, rights."""
    _ = tr.gettext
    days = settings.retention_days
    return "\n\n".join([
        _("<b>How Kotobot handles your personal data</b>"),
        _("Controller: {controller} (contact: {contact}).").format(
            controller=escape(settings.privacy_controller), contact=escape(settings.privacy_contact)),
        _("Purpose: the yearly follow-up of the city's integration programme. The units' contact "
          "persons report on the programme's measures; the coordinator and the Multicultural "
          "Council read the results."),
        _("What is stored: your Telegram id, name and language; your roles and the invitation "
          "you used; the answers you gave, with their history (who, when, old and new value); "
          "which reminders you were sent."),
        tr.ngettext(
            "How long: if you never get a role, your data is deleted after {stranger_days} days. "
            "When your role ends, your name and Telegram id are removed after {days} day; your "
            "answers stay with your unit, as given by “a former contact”.",
            "How long: if you never get a role, your data is deleted after {stranger_days} days. "
            "When your role ends, your name and Telegram id are removed after {days} days; your "
            "answers stay with your unit, as given by “a former contact”.",
            days).format(days=days, stranger_days=STRANGER_RETENTION.days),
        _("Your rights: /mydata sends you everything stored about you; /forget erases you (your "
          "answers stay with your unit, without your name). You can also ask the controller to "
          "correct your data or restrict its use, and complain to the Data Protection Ombudsman "
          "(tietosuoja.fi)."),
    ])


def privacy_hint(tr: Translator) -> str:
    """One line for the first welcome."""
    return tr.gettext("Kotobot stores your Telegram name and id to run the follow-up; /privacy "
                      "tells you more, and how to see or erase your data.")


def erase_offer(tr: Translator, person: Person) -> InlineKeyboardMarkup:
    """For the coordinator, under "X is no longer a contact person": erase X as well."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(
        tr.gettext("Erase the personal data of {name}").format(name=person.name or person.telegram_id),
        callback_data=f"{FORGET}:{person.id}:ask")]])


def _confirmation(tr: Translator, person: Person, own: bool) -> tuple[str, InlineKeyboardMarkup]:
    _ = tr.gettext
    if own:
        text = _("This erases your personal data from Kotobot: your Telegram id, name and language "
                 "are removed, and any role you have ends. The answers you gave stay with your "
                 "unit, without your name. This cannot be undone. Erase?")
        yes, no = _("Yes, erase my data"), _("No, keep it")
    else:
        text = _("This erases the personal data of {name}: their Telegram id, name and language "
                 "are removed, and their roles end. Their answers stay with the unit, without a "
                 "name. This cannot be undone. Erase?").format(
            name=escape(person.name or str(person.telegram_id)))
        yes, no = _("Yes, erase"), _("No")
    return text, InlineKeyboardMarkup([[
        InlineKeyboardButton(yes, callback_data=f"{FORGET}:{person.id}:yes"),
        InlineKeyboardButton(no, callback_data=f"{FORGET}:{person.id}:no")]])


async def privacy_command(update: Update, context: KotobotContext) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(
        privacy_notice(context.tr, context.services.settings), parse_mode=ParseMode.HTML)


async def mydata_command(update: Update, context: KotobotContext) -> None:
    """Everything stored about the asker, as one JSON file: no questions, one tap."""
    message, services, tr = update.effective_message, context.services, context.tr
    _ = tr.gettext
    assert message is not None and context.me.person is not None
    data = await services.people.personal_data(context.me)
    document = {"controller": services.settings.privacy_controller,
                "contact": services.settings.privacy_contact,
                "exported_at": services.clock().astimezone(UTC).isoformat(timespec="seconds"),
                **data}
    payload = json.dumps(document, ensure_ascii=False, indent=2).encode()
    await message.reply_document(payload, filename=_("kotobot-my-data.json"),
                                 caption=_("Everything Kotobot stores about you, as a JSON file."))


async def forget_command(update: Update, context: KotobotContext) -> None:
    assert update.effective_message is not None and context.me.person is not None
    text, markup = _confirmation(context.tr, context.me.person, own=True)
    await update.effective_message.reply_text(text, reply_markup=markup)


async def forget_button(update: Update, context: KotobotContext) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    message = query.message if isinstance(query.message, Message) else None
    services, me, tr = context.services, context.me, context.tr
    _ = tr.gettext
    parts = query.data.split(":")
    if (len(parts) != 3 or parts[0] != FORGET or not parts[1].isascii() or not parts[1].isdigit()
            or len(parts[1]) > 12 or parts[2] not in _CHOICES or message is None):
        await refuse(message, context, Refusal.STALE_BUTTON, query)
        return
    person_id, choice = int(parts[1]), parts[2]
    own = me.person is not None and me.person.id == person_id
    if not own and not me.is_coordinator:
        await refuse(message, context, Refusal.COORDINATORS_ONLY, query)
        return
    await query.answer()
    person = await services.people.person(person_id)
    if choice == "ask":
        if person is None or person.telegram_id < 0:
            await message.reply_text(_("There is nothing left to erase."))
            return
        text, markup = _confirmation(tr, person, own)
        await message.reply_text(text, reply_markup=markup)
        return
    try:  # the question is answered: its buttons go
        await message.edit_reply_markup(None)
    except TelegramError:
        pass
    if choice == "no":
        await message.reply_text(_("Nothing was erased."))
        return
    await _erase(message, context, person, own)


async def _erase(message: Message, context: KotobotContext, person: Person | None, own: bool) -> None:
    services, me, tr = context.services, context.me, context.tr
    _ = tr.gettext
    units = await services.people.erase(person.id) if person is not None else None
    if person is None or units is None:
        await message.reply_text(_("There is nothing left to erase."))
        return
    await audit(context, Action.ERASURE,
                f"{person_ref(person.id)} ({'own request' if own else 'by a coordinator'})")
    if not own:
        await message.reply_text(_("The personal data of {name} is erased; their answers stay with "
                                   "the unit.").format(name=escape(person.name or str(person.telegram_id))))
        return
    await message.reply_text(_("Your personal data is erased. Goodbye! If you write to Kotobot "
                               "again, it starts from nothing."))
    for unit_id in units:
        def note(t: Translator, unit_id: str = unit_id) -> str:
            return t.gettext(
                "A contact person for {unit} erased their personal data. Their answers stay with "
                "the unit; /people shows who is left.").format(unit=escape(_unit(context, unit_id, t)))
        await context.services.tell_coordinators(note, key=f"erased:{person.id}:{unit_id}")
    if me.is_council:
        await context.services.tell_coordinators(lambda t: t.gettext(
            "A member of the Multicultural Council erased their personal data."),
            key=f"erased:{person.id}:council")


def _unit(context: KotobotContext, unit_id: str, tr: Translator) -> str:
    unit = context.services.catalogue.units.get(unit_id)
    return tr.text(unit.name) if unit else unit_id
