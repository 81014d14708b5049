"""The guided report: /report, its buttons, typed answers, the review and /status.

There is no in-memory conversation state. Where a person is lives in the `sessions`
table (one row per person: round, unit, step key) and every answer is written the moment
it arrives, so a restart loses nothing: the next message or button press is read against
the stored step, and /report resumes at the first unanswered step.
"""

from __future__ import annotations

from typing import Any

from telegram import Message, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot import callbacks
from bot.callbacks import BadCallback, UnitRef
from bot.domain.answers import CHOICES, InvalidAnswer, Status, parse_number, parse_text
from bot.domain.reporting import NotAllowed, UnitReport
from bot.domain.rounds import current_round
from bot.domain.walk import Step, StepKind, position_of
from bot.handlers.common import button_guard, refuse, send_blocks
from bot.keyboards import (
    expects_number,
    expects_text,
    is_button_kind,
    review_keyboard,
    step_keyboard,
    unit_choice_keyboard,
)
from bot.services import KotobotContext
from bot.views import answered_line, review_blocks, step_text, unit_name


async def report_command(update: Update, context: KotobotContext) -> None:
    """/report: pick a unit if there are several, then resume at the first unanswered step."""
    me, tr, services = context.me, context.tr, context.services
    _ = tr.gettext
    message = update.effective_message
    assert message is not None
    if not me.units:
        await message.reply_text(_("You are not a contact person for any unit, so there is "
                                   "nothing for you to report."))
        return
    round_ = current_round(await services.storage.rounds())
    if round_ is None or not round_.is_open:
        await message.reply_text(_("There is no open reporting round at the moment. "
                                   "You will get a message when one opens."))
        return
    units = sorted((u for u in me.units if u in services.catalogue.units),
                   key=lambda u: unit_name(services.catalogue, u, tr).casefold())
    if not units:
        await message.reply_text(_("You are not a contact person for any unit, so there is "
                                   "nothing for you to report."))
        return
    if len(units) == 1:
        await show_next(message, context, round_.year, units[0])
        return
    choices = []
    for unit_id in units:
        report = await services.reporting.report(unit_id, round_)
        done = "✅ " if report.submission else ""
        choices.append((unit_id, (f"{done}{unit_name(services.catalogue, unit_id, tr)} "
                                 f"({report.answered_count}/{len(report.required)})")))
    await message.reply_text(
        _("Which unit are you reporting for?"),
        reply_markup=unit_choice_keyboard(services.catalogue, tr, round_.year, choices))


async def show_next(message: Message, context: KotobotContext, year: int, unit_id: str,
                    after: int | None = None, saved_note: str = "", linear: bool = False) -> None:
    """Show the next unanswered step (after `after` if given), or the review. Going through
    again (`linear`), the next step is simply the one after, answered or not."""
    services = context.services
    try:
        round_ = await services.reporting.check(context.me, unit_id, year)
    except NotAllowed as refusal:
        await refuse(message, context, refusal.reason)
        return
    report = await services.reporting.report(unit_id, round_)
    if not report.due:
        _ = context.tr.gettext
        await message.reply_text(_("{unit} has no measures due in {year}.").format(
            unit=unit_name(services.catalogue, unit_id, context.tr), year=year))
        return
    if linear and after is not None:
        position: int | None = after + 1 if after + 1 < len(report.steps) else None
    else:
        position = _next_unanswered(report, after)
    if position is None:
        await show_review(message, context, report, saved_note)
    else:
        await show_step(message, context, report, position, saved_note, linear)


def _next_unanswered(report: UnitReport, after: int | None) -> int | None:
    """The next step to ask, going forward only: what was skipped is listed in the review,
    which offers to answer it. A measure's comment is offered right after its last
    question; otherwise unanswered comments are passed over, since a comment is optional."""
    start = 0 if after is None else after + 1
    for position in range(start, len(report.steps)):  # skipped ones wait for the review
        step = report.steps[position]
        if step.key in report.answers:
            continue
        if step.kind is not StepKind.COMMENT or (after is not None and position == after + 1):
            return position
    return None


async def show_step(message: Message, context: KotobotContext, report: UnitReport, position: int,
                    saved_note: str = "", linear: bool = False) -> None:
    services, me, tr = context.services, context.me, context.tr
    step = report.steps[position]
    assert me.person is not None
    warn = expects_text(step) and not me.person.privacy_warned
    if warn:
        await services.storage.mark_privacy_warned(me.person.id)
    await services.storage.set_session(me.person.id, report.round.year, report.unit_id, step.key,
                                       services.clock(), linear)
    shown = await message.reply_text(
        step_text(services.catalogue, tr, report, position, warn, saved_note),
        parse_mode=ParseMode.HTML,
        reply_markup=step_keyboard(services.catalogue, tr, report.round.year, report.unit_id,
                                   position, step, step.key in report.answers,
                                   step.key in report.previous))
    await services.storage.set_session_message(me.person.id, shown.message_id)


async def show_review(message: Message, context: KotobotContext, report: UnitReport,
                      saved_note: str = "") -> None:
    services, tr = context.services, context.tr
    assert context.me.person is not None
    await services.storage.clear_session(context.me.person.id)
    blocks = review_blocks(services.catalogue, tr, report, services.settings.tz)
    if saved_note:
        blocks.insert(0, saved_note)
    missing = len(report.missing)
    await send_blocks(message, blocks, review_keyboard(
        services.catalogue, tr, report.round.year, report.unit_id, missing,
        report.submission is not None))


@button_guard
async def answer_button(update: Update, context: KotobotContext) -> None:
    """An answer or navigation button of a step: decode, re-check, save, move on."""
    query = update.callback_query
    assert query is not None and query.data is not None and isinstance(query.message, Message)
    services = context.services
    prefix = query.data.split(":", 1)[0]
    year_t, unit_t, pos_t, check, value = callbacks.unpack(query.data, prefix, 5)
    year, position = callbacks.year_of(year_t), callbacks.position_of(pos_t)
    unit_id = UnitRef.decode(unit_t, services.catalogue).unit_id
    round_ = await services.reporting.check(context.me, unit_id, year)
    report = await services.reporting.report(unit_id, round_)
    if position >= len(report.steps) or report.steps[position].check != check:
        raise BadCallback(query.data)
    step = report.steps[position]
    linear = await _going_through_again(context, year, unit_id)
    if prefix == callbacks.NAVIGATE:
        if value not in ("back", "skip") or (value == "back" and position == 0):
            raise BadCallback(value)
        await query.answer()
        await drop_keyboard(query.message)
        target = position - 1 if value == "back" else position + 1
        if target >= len(report.steps):
            await show_review(query.message, context, report)
        else:
            await show_step(query.message, context, report, target, linear=linear)
        return
    stored = _button_value(step, value, report)
    if stored is None:
        raise BadCallback(value)
    await services.reporting.record(context.me, unit_id, year, step, stored)
    await query.answer()
    await drop_keyboard(query.message, answered_line(context.tr, step, stored))
    await show_next(query.message, context, year, unit_id, after=position, linear=linear)


async def _going_through_again(context: KotobotContext, year: int, unit_id: str) -> bool:
    assert context.me.person is not None
    session = await context.services.storage.session(context.me.person.id)
    return bool(session and session.linear and session.year == year and session.unit_id == unit_id)


def _button_value(step: Step, value: str, report: UnitReport) -> Any:
    """The value a button stands for at this step, or None if it does not belong here."""
    if value == "same":
        previous = report.previous.get(step.key)
        return previous.value if previous is not None else None
    if step.kind is StepKind.COMMENT:
        return "" if value == "none" else None
    if step.kind is StepKind.STATUS:
        allowed = {s.value for s in Status}
        if value == Status.ONGOING and not step.due.entry.measure.schedule.continuous:
            return None
        return value if value in allowed else None
    assert step.field is not None
    return value if value in CHOICES.get(step.field.kind, ()) else None


async def drop_keyboard(message: Message, note: str = "") -> None:
    """Freeze an answered step: remove its buttons and add what was saved."""
    try:
        if note and message.text_html:
            await message.edit_text(f"{message.text_html}\n\n{note}", parse_mode=ParseMode.HTML)
        else:
            await message.edit_reply_markup(None)
    except TelegramError:
        pass  # an old message may no longer be editable; the answer is saved regardless


async def _take_buttons_away(context: KotobotContext, chat_id: int, message_id: int) -> None:
    """The step above was answered by typing: its buttons would only invite a double answer."""
    try:
        await context.bot.edit_message_reply_markup(chat_id, message_id, reply_markup=None)
    except TelegramError:
        pass  # too old to edit, or already without buttons: harmless


async def pause_report(update: Update, context: KotobotContext) -> None:
    """Another command than /report: typed text is no longer an answer until /report again
    (which shows the question anew). The answers and the place stay saved."""
    if context.me.person is not None:
        await context.services.storage.clear_session(context.me.person.id)


async def typed_answer(update: Update, context: KotobotContext) -> bool:
    """A typed message during the report. Returns False when no step is waiting for text."""
    message = update.effective_message
    assert message is not None and message.text is not None
    services, me, tr = context.services, context.me, context.tr
    _ = tr.gettext
    if me.person is None:
        return False
    session = await services.storage.session(me.person.id)
    if session is None:
        return False
    try:
        round_ = await services.reporting.check(me, session.unit_id, session.year)
    except NotAllowed as refusal:
        await services.storage.clear_session(me.person.id)
        await refuse(message, context, refusal.reason)
        return True
    report = await services.reporting.report(session.unit_id, round_)
    position = position_of(report.steps, session.step_key)
    if position is None:
        return False
    step = report.steps[position]
    if is_button_kind(step):
        await message.reply_text(_("Please answer with the buttons below the question."))
        await show_step(message, context, report, position, linear=session.linear)
        return True
    try:
        if expects_number(step):
            assert step.field is not None
            value: Any = parse_number(message.text, step.field.kind)
        else:
            value = parse_text(message.text)
    except InvalidAnswer as problem:
        await message.reply_text(_invalid_text(problem, context))
        await show_step(message, context, report, position, linear=session.linear)
        return True
    await services.reporting.record(me, session.unit_id, session.year, step, value)
    await show_next(message, context, session.year, session.unit_id, after=position,
                    linear=session.linear,
                    saved_note=answered_line(tr, step, value))
    if session.message_id is not None:  # after the next question: the person sees it sooner
        await _take_buttons_away(context, message.chat_id, session.message_id)
    return True


def _invalid_text(problem: InvalidAnswer, context: KotobotContext) -> str:
    tr = context.tr
    _ = tr.gettext
    limit = tr.number(problem.limit) if problem.limit is not None else ""
    messages = {
        "not_a_number": _("That is not a number. Please type a number, for example 12 or 12.5."),
        "negative": _("The number cannot be negative. Please type 0 or more."),
        "not_whole": _("Please type a whole number, for example 12."),
        "too_large": _("That number is larger than {limit}. Please check it and type it again."),
        "over_100": _("A percentage is between 0 and 100. Please type it again."),
        "empty": _("The answer is empty. Please type your answer."),
        "too_long": _("The answer is too long: at most {limit} characters, please."),
    }
    return messages[problem.reason].format(limit=limit)


@button_guard
async def start_report_button(update: Update, context: KotobotContext) -> None:
    """The unit-choice button, also carried by reminders: start or resume that unit."""
    query = update.callback_query
    assert query is not None and query.data is not None and isinstance(query.message, Message)
    year_t, unit_t = callbacks.unpack(query.data, callbacks.START_REPORT, 2)
    year = callbacks.year_of(year_t)
    unit_id = UnitRef.decode(unit_t, context.services.catalogue).unit_id
    await query.answer()
    await show_next(query.message, context, year, unit_id)
