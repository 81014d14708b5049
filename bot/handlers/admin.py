"""Coordinator commands: invitations, people, and reporting rounds."""

from __future__ import annotations

from datetime import date, timedelta
from functools import wraps
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

from bot.chat import callbacks
from bot.chat.callbacks import BadCallback, UnitRef, pack
from bot.chat.coordination import (
    close_question,
    confirm_keyboard,
    day_token,
    removal_question,
    reopen_question,
    short_name,
)
from bot.chat.keyboards import on_behalf_rows
from bot.chat.notices import told_text
from bot.domain.dates import NoSuchDay, parse_day, typed_day
from bot.domain.invitations import deep_link
from bot.domain.privacy import Action, round_opened
from bot.domain.records import Role
from bot.domain.reminding import Progress, ReminderKind
from bot.domain.reporting import Refusal
from bot.domain.rounds import default_deadline, default_round_year, parse_year
from bot.handlers import past_rounds
from bot.handlers.audit import audit
from bot.handlers.background import start_fan_out
from bot.handlers.common import Handler, button_guard, refuse, send_blocks
from bot.i18n import Translator
from bot.services import KotobotContext
from bot.wording.labels import unit_name
from scheduler.planning import (
    current_ladder_key,
    digest_time,
    parse_ladder,
    plan_of,
)


def coordinators_only(handler: Handler) -> Handler:
    """Refuse, in the asker's language, anyone who is not a coordinator."""
    @wraps(handler)
    async def guarded(update: Update, context: KotobotContext) -> None:
        if not context.me.is_coordinator:
            message = update.effective_message if isinstance(update.effective_message, Message) else None
            await refuse(message, context, Refusal.COORDINATORS_ONLY, update.callback_query)
            return
        await handler(update, context)
    return guarded


BUTTONS_PER_MESSAGE = 90
MAX_BUTTONS = 100  # Telegram's limit for one keyboard
"""Below Telegram's limit of 100 buttons per keyboard."""


@coordinators_only
async def invite_command(update: Update, context: KotobotContext) -> None:
    services, tr = context.services, context.tr
    _ = tr.gettext
    message = update.effective_message
    assert message is not None
    if context.args:
        target = context.args[0].strip().lower()
        if target == "council":
            await _send_invitation(message, context, Role.COUNCIL, "")
        elif target in services.catalogue.units:
            await _send_invitation(message, context, Role.CONTACT, target)
        else:
            await message.reply_text(_("Unknown unit “{unit}”. Send /invite without anything after "
                                       "it to pick the unit from a list.").format(unit=escape(target)))
        return
    index = services.catalogue
    units = sorted(index.lead_units(), key=lambda unit: tr.text(unit.name).casefold())
    rows = [[InlineKeyboardButton("👤 " + _("Multicultural Council member"),
                                  callback_data=pack(callbacks.INVITE, "council"))]]
    rows += [[InlineKeyboardButton(tr.text(unit.name), callback_data=pack(
        callbacks.INVITE, UnitRef(unit.id).encode(index)))] for unit in units]
    await message.reply_text(_("Who do you want to invite?"), reply_markup=InlineKeyboardMarkup(rows))


@coordinators_only
@button_guard
async def invite_button(update: Update, context: KotobotContext) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None and isinstance(query.message, Message)
    (token,) = callbacks.unpack(query.data, callbacks.INVITE, 1)
    unit_id = "" if token == "council" else UnitRef.decode(token, context.services.catalogue).unit_id
    await query.answer()
    await _send_invitation(query.message, context, Role.COUNCIL if not unit_id else Role.CONTACT, unit_id)


async def _send_invitation(message: Message, context: KotobotContext, role: Role, unit_id: str) -> None:
    services, tr = context.services, context.tr
    _ = tr.gettext
    code, expires = await services.people.invite(context.me, role, unit_id)
    await audit(context, Action.INVITE, f"{role.value} {unit_id}".rstrip())
    until = tr.date(expires.astimezone(services.settings.tz).date())
    who = (_("a member of the Multicultural Council") if role is Role.COUNCIL
           else _("a contact person for {unit}").format(unit=unit_name(services.catalogue, unit_id, tr)))
    await message.reply_text(
        _("Invitation link for {who}. It works once and until {date}. Send it to the person:")
        .format(who=escape(who), date=until) + "\n" + deep_link(services.bot_username, code))


@coordinators_only
async def people_command(update: Update, context: KotobotContext) -> None:
    """Units with their contacts, units with none, the council: numbered, so that the remove
    buttons can be short enough for a phone ("✖ 3 Aino")."""
    services, tr = context.services, context.tr
    _ = tr.gettext
    message = update.effective_message
    assert message is not None
    index = services.catalogue
    contacts = [(u, p) for u, p in await services.people.contacts() if u in index.units]
    contacts.sort(key=lambda c: (unit_name(index, c[0], tr).casefold(), c[1].name.casefold()))
    council = await services.people.council()
    numbered: list[tuple[int, str, str]] = []  # number, callback data, name
    blocks: list[str] = []
    by_unit: dict[str, list[str]] = {}
    for unit_id, person in contacts:
        number = len(numbered) + 1
        name = person.name or str(person.telegram_id)
        label = f"{number}. {escape(name)}"
        if not person.reachable:
            label += " " + _("(unreachable: has blocked the bot)")
        by_unit.setdefault(unit_id, []).append(label)
        numbered.append((number, pack(callbacks.REMOVE_CONTACT, person.id, UnitRef(unit_id).encode(index)),
                         name))
    for unit_id, labels in by_unit.items():
        blocks.append(f"<b>{escape(unit_name(index, unit_id, tr))}</b>\n" + "\n".join(labels))
    nobody = sorted((u.id for u in index.lead_units() if u.id not in by_unit),
                    key=lambda u: unit_name(index, u, tr).casefold())
    without = [unit_name(index, u, tr) for u in nobody]
    if without:
        blocks.append(_("<b>Units with no contact person</b>") + "\n"
                      + "\n".join(f"• {escape(name)}" for name in without))
    members = []
    for person in council:
        number = len(numbered) + 1
        name = person.name or str(person.telegram_id)
        members.append(f"{number}. {escape(name)}")
        numbered.append((number, pack(callbacks.REMOVE_CONTACT, person.id, COUNCIL_TOKEN), name))
    blocks.append(_("<b>Multicultural Council</b>") + "\n" + ("\n".join(members) or _("nobody yet")))
    await send_blocks(message, blocks)
    buttons = [InlineKeyboardButton(f"✖ {number} {short_name(name)}", callback_data=data)
               for number, data, name in numbered]
    rows = [buttons[i:i + 3] for i in range(0, len(buttons), 3)]
    round_ = await services.reporting.current_round()
    offer = on_behalf_rows(index, tr, round_.year, nobody) \
        if nobody and round_ is not None and round_.is_open else []  # the coordinator reports for them
    # Telegram takes at most 100 buttons in one keyboard: long lists go in several messages;
    # the "✍ Report for" buttons ride on the last one when they fit
    chunks = [rows[start:start + BUTTONS_PER_MESSAGE // 3]
              for start in range(0, len(rows), BUTTONS_PER_MESSAGE // 3)]
    merged = bool(offer and chunks and sum(map(len, chunks[-1])) + len(offer) <= MAX_BUTTONS)
    if merged:
        chunks[-1], offer = chunks[-1] + offer, []
    for number, chunk in enumerate(chunks, start=1):
        text = _("Remove a contact person or council member (by number):")
        if merged and number == len(chunks):
            text = _("Remove a contact person or council member (by number), or report for a "
                     "unit with no contact person on its behalf (✍):")
        await message.reply_text(text, reply_markup=InlineKeyboardMarkup(chunk))
    if offer:
        await message.reply_text(_("Report for a unit with no contact person, on its behalf:"),
                                 reply_markup=InlineKeyboardMarkup(offer))


COUNCIL_TOKEN = "c"
"""In place of a unit in a remove button: the person's council membership."""


@coordinators_only
@button_guard
async def remove_contact_button(update: Update, context: KotobotContext) -> None:
    """First tap on a remove button: ask, saying what will happen."""
    query = update.callback_query
    assert query is not None and query.data is not None and isinstance(query.message, Message)
    services, tr = context.services, context.tr
    person_t, unit_t = callbacks.unpack(query.data, callbacks.REMOVE_CONTACT, 2)
    if not callbacks.is_number(person_t):
        raise BadCallback(person_t)
    unit_id = "" if unit_t == COUNCIL_TOKEN else UnitRef.decode(unit_t, services.catalogue).unit_id
    await query.answer()
    role = Role.COUNCIL if not unit_id else Role.CONTACT
    removal = await services.coordination.removal(int(person_t), role, unit_id)
    if removal is None:
        await query.message.reply_text(tr.gettext("Nothing to remove: that role had already ended."))
        return
    name = removal.person.name or str(removal.person.telegram_id)
    if role is Role.COUNCIL:
        await query.message.reply_text(removal_question(tr, name, None, False),
                                       reply_markup=confirm_keyboard(tr, "y", removal.person.id))
        return
    await query.message.reply_text(
        removal_question(tr, name, unit_name(services.catalogue, unit_id, tr), removal.last_one),
        reply_markup=confirm_keyboard(tr, "x", removal.person.id, unit_t))


@coordinators_only
async def round_command(update: Update, context: KotobotContext) -> None:
    """/round open [YEAR] [DEADLINE] · /round close [YEAR] · /round reminders YEAR LADDER"""
    services, tr = context.services, context.tr
    _ = tr.gettext
    message = update.effective_message
    assert message is not None
    args = list(context.args or [])
    action = args.pop(0).lower() if args else ""
    usage = _("Use: /round open [year] [deadline, e.g. 31.1.2027] · /round close [year] · "
              "/round reminders YEAR DAYS (e.g. 21,7,2; negative = after the deadline)")
    try:
        if action == "open" and past_rounds.CLOSED_FLAG in args:
            await past_rounds.open_past_round(message, context,
                                              [a for a in args if a != past_rounds.CLOSED_FLAG])
        elif action == "open":
            await _open_round(message, context, args)
        elif action == "close":
            latest = await services.rounds.current()
            year = parse_year(args[0]) if args else (latest.year if latest else 0)
            await _ask_close(message, context, year)
            return
        elif action == "reminders" and len(args) >= 2:
            year, ladder = parse_year(args[0]), parse_ladder(" ".join(args[1:]))
            if await services.rounds.set_ladder(year, ladder):
                await audit(context, Action.REMINDER_LADDER, f"round {year}: {','.join(map(str, ladder))}")
                await message.reply_text(_("Reminders for round {year}: {days}.").format(
                    year=year, days=_ladder_text(ladder, tr)))
            else:
                await message.reply_text(_("There is no round {year}.").format(year=year))
        else:
            await message.reply_text(usage)
            return
    except NoSuchDay as wrong:
        await message.reply_text(_("{text} is not a day of the calendar. Please check the date, "
                                   "for example 31.1.2027.").format(text=escape(wrong.text)))
        return
    except ValueError:
        await message.reply_text(_("I could not read that.") + " " + usage)
        return
    if services.scheduling is not None:
        await services.scheduling.reschedule()


async def _open_round(message: Message, context: KotobotContext, args: list[str]) -> None:
    services, tr = context.services, context.tr
    _ = tr.gettext
    today = services.clock().astimezone(services.settings.tz).date()
    year = parse_year(args[0]) if args else default_round_year(services.catalogue.programme, today)
    existing = await services.rounds.get(year)
    if len(args) > 1:
        deadline = parse_day(args[1], today)
    else:  # re-opening keeps the deadline it had; a new round gets the default
        deadline = existing.deadline if existing else default_deadline(year)
    if deadline < date(year, 1, 1) or deadline > date(year + 2, 12, 31):
        raise ValueError("deadline out of range")
    if deadline < today and (existing is None or len(args) > 1):
        await message.reply_text(_(
            "The deadline {date} has already passed. Give a later one, for example "
            "/round open {year} {example}.").format(
            date=tr.date(deadline), year=year, example=typed_day((today.replace(day=1)
                                                                 + timedelta(days=62)).replace(day=1))))
        return
    programme = services.catalogue.programme
    if existing is not None and (not existing.is_open or deadline != existing.deadline):
        pending = await services.reporting.pending_units(existing)
        reachable = {unit for unit, person in await services.people.contacts() if person.reachable}
        await message.reply_text(  # counts only units somebody there will actually hear about
            reopen_question(tr, year, existing.deadline, deadline, not existing.is_open,
                            len(set(pending) & reachable)),
            reply_markup=confirm_keyboard(tr, "o", year, day_token(deadline)))
        return
    if not programme.covers(year):
        await message.reply_text(_(
            "{year} is outside the programme period {start}–{end}. A new programme is loaded as "
            "a new catalogue file (KOTOBOT_CATALOGUE).").format(
            year=year, start=programme.start, end=programme.end))
        return
    round_, new = await services.rounds.open(year, deadline)
    await audit(context, *round_opened(year, existing.deadline if existing else None, deadline))
    pending = await services.reporting.pending_units(round_)
    lines = [_("Round {year} is open. Deadline: {date}.").format(year=year, date=tr.date(deadline))
             + " " + tr.ngettext("{count} unit is expected to report.",
                                 "{count} units are expected to report.",
                                 len(pending)).format(count=len(pending))]
    await message.reply_text("\n".join(lines))
    if new:  # the announcement goes out in the background; a progress message if anyone is told
        also = current_ladder_key(round_, services.clock(), services.settings.tz)

        async def announce(progress: Progress) -> str:
            told = await services.remind(round_, "opened", ReminderKind.OPENED,
                                         also_claims=also, progress=progress)
            return told_text(tr, told.sent)

        start_fan_out(context, message, announce, lambda done, total: _(
            "{done}/{total} contact persons handled…").format(
            done=tr.number(done), total=tr.number(total)))


async def _ask_close(message: Message, context: KotobotContext, year: int) -> None:
    """Closing cuts off anyone mid-report: say so, and close only on "Yes"."""
    services, tr = context.services, context.tr
    round_ = await services.coordination.round(year)
    if round_ is None or not round_.is_open:
        await message.reply_text(tr.gettext("There is no open round {year}.").format(year=year))
        return
    mid_report = await services.coordination.mid_report(year)
    pending = await services.reporting.pending_units(round_)
    await message.reply_text(close_question(tr, year, len(mid_report), len(pending)),
                             reply_markup=confirm_keyboard(tr, "c", year))


def _ladder_text(ladder: tuple[int, ...], tr: Translator) -> str:
    parts = []
    for step in ladder:
        if step >= 0:
            parts.append(tr.ngettext("{n} day before", "{n} days before", step).format(n=step))
        else:
            parts.append(tr.ngettext("{n} day after", "{n} days after", -step).format(n=-step))
    return ", ".join(parts)


@coordinators_only
async def rounds_command(update: Update, context: KotobotContext) -> None:
    services, tr = context.services, context.tr
    _ = tr.gettext
    message = update.effective_message
    assert message is not None
    rounds = await services.rounds.overview()
    if not rounds:
        await message.reply_text(_("No rounds yet. Open one with /round open."))
        return
    lines = []
    for overview in rounds:
        round_, submitted = overview.round, overview.submitted
        state = _("open") if round_.is_open else _("closed")
        line = _("<b>{year}</b> · {state} · deadline {date} · {count} submitted · reminders: {days}").format(
            year=round_.year, state=state, date=tr.date(round_.deadline), count=submitted,
            days=escape(_ladder_text(round_.ladder, tr)))
        if not round_.imported:
            sent_at = await services.coordination.digest_sent_at(round_.year)
            tz = services.settings.tz
            line += " · " + (
                _("digest sent {date}").format(date=tr.date(sent_at.astimezone(tz).date()))
                if sent_at is not None else
                _("digest {date}, not sent yet").format(
                    date=tr.date(digest_time(plan_of(round_), tz).date())))
        lines.append(line)
    await message.reply_text("\n".join(lines))

