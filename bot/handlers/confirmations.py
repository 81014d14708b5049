"""The coordinator's irreversible actions, confirmed first and then told to the people they
affect: closing or reopening a round, moving its deadline, removing a contact or a council
member. The question (with what will happen) is asked in `admin`; the "Yes" lands here,
is re-authorised and re-checked against the current state, and only then acts.
"""

from __future__ import annotations

from contextlib import suppress
from datetime import date
from html import escape

from telegram import Message, Update
from telegram.error import TelegramError

from bot.chat import callbacks
from bot.chat.callbacks import BadCallback, UnitRef
from bot.chat.coordination import CANCEL, closed_note, day_of, removed_note
from bot.chat.notices import told_text
from bot.domain.outreach import Delivery, Part, Recipient
from bot.domain.privacy import Action, person_ref, round_opened
from bot.domain.records import Role
from bot.domain.reminding import ReminderKind
from bot.handlers.admin import coordinators_only
from bot.handlers.audit import audit
from bot.handlers.common import button_guard
from bot.handlers.menus import refresh_menu
from bot.handlers.privacy import erase_offer
from bot.services import KotobotContext
from bot.wording.labels import unit_name

CLOSE, OPEN, REMOVE_CONTACT, REMOVE_COUNCIL = "c", "o", "x", "y"


@coordinators_only
@button_guard
async def confirm_button(update: Update, context: KotobotContext) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None and isinstance(query.message, Message)
    _ = context.tr.gettext
    parts = query.data.split(":")
    if parts[0] != callbacks.CONFIRM or len(parts) < 2:
        raise BadCallback(query.data)
    action, args = parts[1], parts[2:]
    await query.answer()
    with suppress(TelegramError):  # the buttons go, so a second tap cannot act twice
        await query.message.edit_reply_markup(None)
    if action == CANCEL and not args:
        await query.message.reply_text(_("Cancelled; nothing was changed."))
    elif action == CLOSE and len(args) == 1:
        await _close(query.message, context, callbacks.year_of(args[0]))
    elif action == OPEN and len(args) == 2:
        await _reopen(query.message, context, callbacks.year_of(args[0]), day_of(args[1]))
    elif action == REMOVE_CONTACT and len(args) == 2:
        if not callbacks.is_number(args[0]):
            raise BadCallback(query.data)
        unit_id = UnitRef.decode(args[1], context.services.catalogue).unit_id
        await _remove(query.message, context, int(args[0]), Role.CONTACT, unit_id)
    elif action == REMOVE_COUNCIL and len(args) == 1:
        if not callbacks.is_number(args[0]):
            raise BadCallback(query.data)
        await _remove(query.message, context, int(args[0]), Role.COUNCIL, "")
    else:
        raise BadCallback(query.data)
    if context.services.scheduling is not None:
        await context.services.scheduling.reschedule()


async def _close(message: Message, context: KotobotContext, year: int) -> None:
    services, tr = context.services, context.tr
    _ = tr.gettext
    mid_report = await services.coordination.close(year)
    if mid_report is None:
        await message.reply_text(_("There is no open round {year}.").format(year=year))
        return
    await audit(context, Action.ROUND_CLOSE, f"round {year}")
    # one key per closing (the round's own closing time, stored): a second tap or a replay
    # after a crash never tells anybody twice, and a re-opened round closed again is news
    closed = await services.rounds.get(year)
    closed_at = closed.closed_at.isoformat() if closed and closed.closed_at else "unknown"
    told = 0
    for unit_id, person in mid_report:
        note = closed_note(services.translators[person.language], year,
                           unit_name(services.catalogue, unit_id, services.translators[person.language]))
        outcome = await services.outreach.deliver(
            f"round-closed:{year}:{closed_at}", Recipient(person.telegram_id, person.id),
            Part(note))
        told += outcome is Delivery.SENT
    text = _("Round {year} is closed. Answers can no longer be changed.").format(year=year)
    if mid_report:
        text += "\n" + tr.ngettext("I told {count} contact person who was mid-report.",
                                   "I told {count} contact persons who were mid-report.",
                                   told).format(count=told)
    await message.reply_text(text)


async def _reopen(message: Message, context: KotobotContext, year: int, deadline: date) -> None:
    services, tr = context.services, context.tr
    _ = tr.gettext
    changed = await services.coordination.reopen(year, deadline)
    if changed is None:
        await message.reply_text(_("There is no round {year}.").format(year=year))
        return
    existing, round_ = changed
    if existing.is_open and existing.deadline == deadline:
        # a second tap on the confirmation, or its replay after a crash: already done, and
        # the contacts were told the first time
        await message.reply_text(_("Round {year} is open. Deadline: {date}.").format(
            year=year, date=tr.date(deadline)))
        return
    await audit(context, *round_opened(year, existing.deadline, deadline))
    # keyed by what changed (the closing undone, or the deadline moved), not by the clock
    undone = existing.closed_at.isoformat() if existing.closed_at else "open"
    told = await services.remind(round_, f"reopened:{deadline.isoformat()}:{undone}",
                                 ReminderKind.OPENED)
    await message.reply_text(
        _("Round {year} is open. Deadline: {date}.").format(year=year, date=tr.date(deadline)) + "\n"
        + told_text(tr, told.sent))


async def _remove(message: Message, context: KotobotContext, person_id: int, role: Role,
                  unit_id: str) -> None:
    services, tr = context.services, context.tr
    _ = tr.gettext
    removal = await services.coordination.removal(person_id, role, unit_id)
    unit = unit_name(services.catalogue, unit_id, tr) if unit_id else None
    if removal is None or not await services.coordination.remove(removal):
        await message.reply_text(_("Nothing to remove: that role had already ended."))
        return
    person = removal.person
    if role is Role.CONTACT:
        await audit(context, Action.REMOVE_CONTACT, f"{person_ref(person.id)} from {unit_id}")
    else:
        await audit(context, Action.REMOVE_COUNCIL, person_ref(person.id))
    theirs = services.translators[person.language]
    await services.outreach.deliver(
        f"removed:{role.value}:{unit_id}:{services.clock().isoformat()}",
        Recipient(person.telegram_id, person.id),
        Part(removed_note(theirs, unit_name(services.catalogue, unit_id, theirs) if unit_id else None)))
    await refresh_menu(message.get_bot(), services, person.telegram_id)  # their commands go
    name = escape(person.name or str(person.telegram_id))
    text = (_("{name} is no longer a contact person for {unit}.").format(name=name, unit=escape(unit))
            if unit is not None else
            _("{name} is no longer a member of the Multicultural Council.").format(name=name))
    await message.reply_text(text + " " + _("I told them."), reply_markup=erase_offer(tr, person))
