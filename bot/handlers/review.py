"""The end of the guided report: the review's buttons (submit, answer the missing ones, go
through again) and /status, what is due, answered and missing per unit."""

from __future__ import annotations

from html import escape

from telegram import Message, Update

from bot.chat import callbacks
from bot.chat.callbacks import BadCallback, UnitRef
from bot.chat.keyboards import review_keyboard, status_keyboard
from bot.chat.views import status_blocks
from bot.handlers.common import button_guard, send_blocks
from bot.handlers.report import drop_keyboard, fixable, resume, show_review, show_step
from bot.i18n import Translator
from bot.services import KotobotContext
from bot.wording.labels import unit_name


@button_guard
async def review_button(update: Update, context: KotobotContext) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None and isinstance(query.message, Message)
    services, tr = context.services, context.tr
    _ = tr.gettext
    year_t, unit_t, action = callbacks.unpack(query.data, callbacks.REVIEW, 3)
    year = callbacks.year_of(year_t)
    unit_id = UnitRef.decode(unit_t, services.catalogue).unit_id
    if action not in ("submit", "missing", "restart", "show"):
        raise BadCallback(action)
    report = await services.reporting.open_report(context.me, unit_id, year)
    if not report.steps:
        raise BadCallback(query.data)  # nothing to review: not a button this bot sent
    await query.answer()
    if action == "show":
        await show_review(query.message, context, report, keep_place=True)
        return
    await drop_keyboard(query.message)
    if action == "missing":
        await resume(query.message, context, year, unit_id)
    elif action == "restart":
        await show_step(query.message, context, report, 0, linear=True)
    elif await services.reporting.submit(context.me, unit_id, year):
        name = unit_name(services.catalogue, unit_id, tr)
        submitted = await services.reporting.open_report(context.me, unit_id, year)
        await query.message.reply_text(_(
            "Thank you! The report of {unit} for {year} is submitted. You can still change "
            "answers with /report until the round closes.").format(unit=escape(name), year=year),
            reply_markup=review_keyboard(services.catalogue, tr, year, unit_id,
                                         len(submitted.missing), True, fixable(submitted)))
        gaps = len(report.missing)

        def note(t: Translator) -> str:
            text = t.gettext("{unit} submitted its report for {year}.").format(
                unit=escape(unit_name(services.catalogue, unit_id, t)), year=year)
            if gaps:
                text += " " + t.ngettext("({count} question unanswered)",
                                         "({count} questions unanswered)", gaps).format(count=gaps)
            return text
        await context.services.tell_coordinators(note, key=f"submitted:{year}:{unit_id}")
    else:
        await query.message.reply_text(_("This report was already submitted."))


async def status_command(update: Update, context: KotobotContext) -> None:
    """/status: for each of the person's units, what is due, done and missing."""
    services, me, tr = context.services, context.me, context.tr
    _ = tr.gettext
    message = update.effective_message
    assert message is not None
    round_ = await services.reporting.current_round()
    if round_ is None:
        await message.reply_text(_("No reporting round has been opened yet."))
        return
    if not me.units:
        await message.reply_text(_("You are not a contact person for any unit. "
                                   "Coordinators and the council see the overall picture with /summary."))
        return
    reports = [await services.reporting.report(unit_id, round_)
               for unit_id in sorted(me.units) if unit_id in services.catalogue.units]
    tz = services.settings.tz
    today = services.clock().astimezone(tz).date()
    markup = status_keyboard(services.catalogue, tr, [
        (r.unit_id, r.answered_count, len(r.required), r.submission is not None)
        for r in reports if r.due
    ], round_.year) if round_.is_open else None
    await send_blocks(message, status_blocks(services.catalogue, tr, reports, tz, today), markup)


@button_guard
async def fix_button(update: Update, context: KotobotContext) -> None:
    """A review's ✏ button: that one question, and back to the review once answered."""
    query = update.callback_query
    assert query is not None and query.data is not None and isinstance(query.message, Message)
    services = context.services
    year_t, unit_t, pos_t, check = callbacks.unpack(query.data, callbacks.FIX, 4)
    year, position = callbacks.year_of(year_t), callbacks.position_of(pos_t)
    unit_id = UnitRef.decode(unit_t, services.catalogue).unit_id
    report = await services.reporting.open_report(context.me, unit_id, year)
    if position >= len(report.steps) or report.steps[position].check != check:
        raise BadCallback(query.data)
    await query.answer()
    await show_step(query.message, context, report, position, returning=True)
