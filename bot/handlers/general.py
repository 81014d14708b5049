"""/start (with invitation codes), /help, /language, /cancel, and the catch-alls."""

from __future__ import annotations

from html import escape

from telegram import Message, Update
from telegram.error import TelegramError

from bot.catalogue.models import Text
from bot.chat import callbacks
from bot.chat.callbacks import BadCallback
from bot.chat.keyboards import language_keyboard, start_report_keyboard
from bot.chat.views import short_question
from bot.domain.access import Viewer
from bot.domain.invitations import InvitationProblem
from bot.domain.records import Invitation, Role
from bot.domain.reporting import NotAllowed, Refusal
from bot.domain.walk import position_of
from bot.handlers.common import button_guard, refuse
from bot.handlers.menus import refresh_menu
from bot.handlers.privacy import privacy_hint
from bot.handlers.typed import typed_answer
from bot.i18n import Translator
from bot.services import KotobotContext
from bot.wording.labels import unit_name


def about_text(tr: Translator, programme: Text) -> str:
    """What Kotobot is; the programme's name comes from the catalogue, so the next programme
    needs no new translation."""
    _ = tr.gettext
    return _("Kotobot runs the yearly follow-up of the integration programme ({programme}): each "
             "responsible unit reports how its measures are progressing, and the Multicultural "
             "Council gets a yearly digest.").format(programme=escape(tr.text(programme)))


def help_text(viewer: Viewer, tr: Translator, programme: Text) -> str:
    _ = tr.gettext
    lines = [about_text(tr, programme), ""]
    if viewer.units:
        lines += [_("/report – report your unit's measures, step by step"),
                  _("/status – what is due, answered and missing")]
    if viewer.may_read_summaries and not viewer.is_coordinator:
        lines += [_("/summary – where the programme stands"),
                  _("/export – every answer as an Excel workbook")]
    if viewer.is_coordinator:  # every command, with an example to copy
        lines += [_("/invite – invite a unit's contact person or a council member; e.g. "
                    "/invite council, /invite Welcome, or /invite alone for buttons"),
                  _("/people – units, their contact persons and the council; remove someone "
                    "with a button, or report for a unit that has nobody"),
                  _("/round – e.g. /round open 2026 31.1.2027, /round close 2026, "
                    "/round reminders 2026 14,7,1,-3; /rounds lists the rounds"),
                  _("/remind – remind everyone who still has something to report, now"),
                  _("/summary – where the programme stands; e.g. /summary 2026 Work, or "
                    "/summary alone for buttons"),
                  _("/export – every answer as an Excel workbook; e.g. /export 2026, "
                    "/export 2026 Work, /export template 2026 for an empty form"),
                  _("/digest – e.g. /digest 2026 previews the council's digest, "
                    "/digest schedule 2026 15.2.2027 sets its date"),
                  _("/report – e.g. /report Welcome: report on behalf of a unit whose contact "
                    "cannot use Telegram")]
    lines += [_("/privacy – how your personal data is handled; /mydata, /forget")]
    lines += [_("/language – change the language"),
              _("/cancel – stop what you are doing (your answers are kept)"),
              _("/help – this help")]
    if not viewer.registered:
        lines += ["", _("To take part you need an invitation link from the integration coordinator.")]
    return "\n".join(lines)


async def start_command(update: Update, context: KotobotContext) -> None:
    message = update.effective_message
    assert message is not None
    if context.args:
        await _redeem(message, context, context.args[0])
        return
    me, tr = context.me, context.tr
    _ = tr.gettext
    if me.registered:
        greeting = _("Welcome!") if context.first_contact else _("Welcome back!")
        await message.reply_text(greeting + "\n\n" + help_text(me, tr, context.services.catalogue.programme.name)
                                 + ("\n\n" + privacy_hint(tr) if context.first_contact else ""))
    else:
        await message.reply_text(
            about_text(tr, context.services.catalogue.programme.name) + "\n\n" + _("To take part you need an invitation link from the "
                                        "integration coordinator.")
            + ("\n\n" + privacy_hint(tr) if context.first_contact else ""))
    if me.person and me.person.language is None:
        await _ask_language(message, tr)


async def _redeem(message: Message, context: KotobotContext, code: str) -> None:
    services, me = context.services, context.me
    tr = context.tr
    _ = tr.gettext
    assert me.person is not None
    redemption = await services.people.redeem(me, code)
    invitation, problem = redemption.invitation, redemption.problem
    if invitation is not None and invitation.used_by == me.person.id:
        # their own link, tapped again or replayed after a crash: the coordinator's note goes
        # out once (keyed by the invitation), whatever happened to it the first time
        await _tell_joined(context, invitation)
        if invitation.role is Role.CONTACT and invitation.unit_id in me.units:
            await message.reply_text(_("You are already a contact person for {unit}. /report walks "
                                       "you through its measures.").format(
                unit=escape(unit_name(services.catalogue, invitation.unit_id, tr))))
            return
        problem = None if invitation.role is Role.COUNCIL and me.is_council else problem
    if problem is not None or invitation is None:
        texts = {
            InvitationProblem.UNKNOWN: _("This invitation link is not valid."),
            InvitationProblem.USED: _("This invitation link has already been used."),
            InvitationProblem.EXPIRED: _("This invitation link has expired."),
        }
        await message.reply_text(
            texts[problem or InvitationProblem.UNKNOWN] + " " + _(
                "Please ask the integration coordinator for a new one.") + "\n\n"
            + about_text(tr, context.services.catalogue.programme.name))
        return
    if invitation.role is Role.COUNCIL:
        await message.reply_text(_(
            "Welcome! You are now registered as a member of the Multicultural Council. "
            "You will receive the yearly digest here.")
            + ("\n\n" + privacy_hint(tr) if context.first_contact else ""))
    else:
        unit = unit_name(services.catalogue, invitation.unit_id, tr)
        text = _("Welcome! You are now a contact person for {unit}. When a reporting round is open, "
                 "/report walks you through your unit's measures.").format(unit=escape(unit))
        round_ = await services.reporting.current_round()
        markup = None
        if round_ is not None and round_.is_open and await services.reporting.due(
                invitation.unit_id, round_.year):
            markup = start_report_keyboard(services.catalogue, tr, round_.year, invitation.unit_id)
            text += "\n\n" + _("Reporting for {year} is open now, deadline {date}.").format(
                year=round_.year, date=tr.date(round_.deadline))
        if context.first_contact:
            text += "\n\n" + privacy_hint(tr)
        await message.reply_text(text, reply_markup=markup)
    await _tell_joined(context, invitation)
    await refresh_menu(message.get_bot(), services, me.telegram_id)  # the new role's commands
    if me.person.language is None:
        await _ask_language(message, tr)


async def _tell_joined(context: KotobotContext, invitation: Invitation) -> None:
    """The coordinators hear once (keyed by the invitation) that someone joined."""
    services, me = context.services, context.me
    who = escape((me.person.name if me.person else "") or str(me.telegram_id))
    if invitation.role is Role.COUNCIL:
        def text(t: Translator) -> str:
            return t.gettext("{name} joined as a member of the Multicultural Council.").format(
                name=who)
    else:
        def text(t: Translator) -> str:
            return t.gettext("{name} joined as a contact person for {unit}.").format(
                name=who, unit=escape(unit_name(services.catalogue, invitation.unit_id, t)))
    await services.tell_coordinators(text, key=f"joined:{invitation.code}")


async def _ask_language(message: Message, tr: Translator) -> None:
    _ = tr.gettext
    await message.reply_text(_("Which language do you want to use?"), reply_markup=language_keyboard())


async def language_command(update: Update, context: KotobotContext) -> None:
    assert update.effective_message is not None
    await _ask_language(update.effective_message, context.tr)


@button_guard
async def language_button(update: Update, context: KotobotContext) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    services, me = context.services, context.me
    (code,) = callbacks.unpack(query.data, callbacks.LANGUAGE, 1)
    if code not in ("fi", "sv", "en"):
        raise BadCallback(code)
    assert me.person is not None
    await services.people.set_language(me, code)
    if me.registered:
        await refresh_menu(query.get_bot(), services, me.telegram_id)  # the menu in the new language
    tr = services.translators[code]
    await query.answer()
    if isinstance(query.message, Message):
        try:
            await query.message.edit_text(tr.gettext("The language is now English."))
        except TelegramError:
            return  # a second tap on the same button: the message already says so
        if me.registered:  # what they can do, now in the language they can read
            await query.message.reply_text(help_text(me, tr, context.services.catalogue.programme.name))


async def cancel_command(update: Update, context: KotobotContext) -> None:
    """Stop: typed text is no longer an answer, the place is kept and said."""
    tr, services = context.tr, context.services
    _ = tr.gettext
    assert update.effective_message is not None
    session = await services.reporting.where(context.me)
    await services.reporting.pause(context.me, stopped=True)
    place = ""
    if session is not None:
        try:
            report = await services.reporting.open_report(context.me, session.unit_id, session.year)
        except NotAllowed:
            report = None
        position = position_of(report.steps, session.pending_key or session.step_key) if report else None
        if report is not None and position is not None:
            place = " " + _("/report continues at measure {number}/{total}: {question}.").format(
                number=report.steps[position].measure_no, total=len(report.due),
                question=escape(short_question(services.catalogue, tr, report.steps[position])))
    await update.effective_message.reply_text(_(
        "Stopped. Everything you answered is saved; /report continues where you left off.")
        + place)


async def help_command(update: Update, context: KotobotContext) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(help_text(context.me, context.tr, context.services.catalogue.programme.name))


async def unknown_command(update: Update, context: KotobotContext) -> None:
    _ = context.tr.gettext
    assert update.effective_message is not None
    await update.effective_message.reply_text(_("I don't know that command. /help lists what you can do."))


async def text_message(update: Update, context: KotobotContext) -> None:
    """Typed text: an answer if the report is waiting for one, otherwise a short hint."""
    if await typed_answer(update, context):
        return
    _ = context.tr.gettext
    assert update.effective_message is not None
    if context.me.units:
        hint = _("I'm not waiting for a message right now. /report continues your report; /help "
                 "lists what you can do.")
    else:
        hint = _("I'm not waiting for a message right now. /help lists what you can do.")
    await update.effective_message.reply_text(hint)


async def not_text_message(update: Update, context: KotobotContext) -> None:
    """Photos, voice messages, stickers, files: say so instead of staying silent."""
    _ = context.tr.gettext
    assert update.effective_message is not None
    await update.effective_message.reply_text(_(
        "I can only read typed text. Please type your answer; /help lists what you can do."))


async def edited_message(update: Update, context: KotobotContext) -> None:
    """An edit of an earlier message is not an answer to the current question."""
    _ = context.tr.gettext
    assert update.effective_message is not None
    await update.effective_message.reply_text(_(
        "Editing a message you already sent does not change an answer. To change one, use "
        "⬅ Back in the report, or /report and “Go through again”."))


async def unknown_button(update: Update, context: KotobotContext) -> None:
    query = update.callback_query
    assert query is not None
    await refuse(query.message if isinstance(query.message, Message) else None, context,
                 Refusal.STALE_BUTTON, query)
