"""The guided report: /report, its buttons and typed answers.

There is no in-memory conversation state. Where a person is lives in the `sessions`
table, and an answer belongs to the question the person last received: the position moves
only once Telegram has accepted the next question (`Reporting.about_to_show` marks it
pending, `Reporting.shown` confirms it). While a question is pending (its send failed, or
the bot died in between), typed text is not taken as an answer to anything: the question is
sent again instead.
"""

from __future__ import annotations

from html import escape
from typing import Any

from telegram import Message, Update
from telegram.error import TelegramError

from bot.chat import callbacks
from bot.chat.callbacks import BadCallback, UnitRef
from bot.chat.keyboards import review_keyboard, step_keyboard, unit_choice_keyboard
from bot.chat.views import answered_line, review_blocks, step_text
from bot.domain.answers import AmbiguousNumber, InvalidAnswer, check_number
from bot.domain.reporting import NotAllowed, Outcome, UnitReport
from bot.domain.walk import Step, StepKind, position_of, read_typed
from bot.handlers import on_behalf
from bot.handlers.common import button_guard, refuse, reply_steadily, send_blocks
from bot.services import KotobotContext
from bot.wording.labels import unit_name


async def report_command(update: Update, context: KotobotContext) -> None:
    """/report: pick a unit if there are several, then resume where the person was."""
    me, tr, services = context.me, context.tr, context.services
    _ = tr.gettext
    message = update.effective_message
    assert message is not None
    if me.is_coordinator and context.args:  # on a unit's behalf (bot/handlers/on_behalf.py)
        chosen = await on_behalf.unit_to_report_for(message, context, " ".join(context.args))
        if chosen is not None:
            await resume(message, context, *chosen)
        return
    session = await services.reporting.where(me)
    current = await services.reporting.current_round()
    if (session is not None and current is not None and current.is_open
            and session.year == current.year and me.may_report(session.unit_id)):
        # a report under way (for a unit of theirs, or a coordinator's on a unit's behalf):
        # go on exactly there, also when this /report is a replay after a restart
        await resume(message, context, session.year, session.unit_id)
        return
    units = sorted((u for u in me.units if u in services.catalogue.units),
                   key=lambda u: unit_name(services.catalogue, u, tr).casefold())
    if not units:
        await message.reply_text(_("You are not a contact person for any unit, so there is "
                                   "nothing for you to report."))
        return
    round_ = await services.reporting.current_round()
    if round_ is None or not round_.is_open:
        await message.reply_text(_("There is no open reporting round at the moment. "
                                   "You will get a message when one opens."))
        return
    if len(units) == 1:
        await resume(message, context, round_.year, units[0])
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


async def resume(message: Message, context: KotobotContext, year: int, unit_id: str) -> None:
    """Start or continue a unit's report at the exact step the person was at (a comment
    included), else at the first unanswered step, or the review."""
    try:
        report = await context.services.reporting.open_report(context.me, unit_id, year)
    except NotAllowed as refusal:
        await refuse(message, context, refusal.reason)
        return
    session = await context.services.reporting.where(context.me)
    if session is not None and session.year == year and session.unit_id == unit_id and report.due:
        position = position_of(report.steps, session.pending_key or session.step_key)
        if position is not None:
            await show_step(message, context, report, position, linear=session.linear,
                            returning=session.returning)
            return
    await show_next(message, context, report)


async def show_next(message: Message, context: KotobotContext, report: UnitReport,
                    after: int | None = None, saved_note: str = "", linear: bool = False) -> None:
    """Show the step after `after` (see `UnitReport.next_after`), or the review."""
    if not report.due:
        _ = context.tr.gettext
        await message.reply_text(_("{unit} has no measures due in {year}.").format(
            unit=escape(unit_name(context.services.catalogue, report.unit_id, context.tr)),
            year=report.round.year))
        return
    position = report.next_after(after, linear)
    if position is None:
        await show_review(message, context, report, saved_note)
    else:
        await show_step(message, context, report, position, saved_note, linear)


async def show_after(message: Message, context: KotobotContext, outcome: Outcome,
                     linear: bool) -> None:
    """After an answer: the next step (or the review), headed by what was saved. When the
    answer finished a measure, the next message offers that measure's comment."""
    note = answered_line(context.tr, outcome.step, outcome.value)
    if outcome.next is None:
        await show_review(message, context, outcome.report, note)
        return
    done = outcome.step.measure_no
    comment = None
    if outcome.report.steps[outcome.next].measure_no != done and outcome.step.kind is not StepKind.COMMENT:
        comment = _comment_of(outcome.report, done)
    await show_step(message, context, outcome.report, outcome.next, note, linear, comment=comment)


def _comment_of(report: UnitReport, measure_no: int) -> tuple[int, Step] | None:
    for position, step in enumerate(report.steps):
        if step.measure_no == measure_no and step.kind is StepKind.COMMENT:
            return position, step
    return None


async def show_step(message: Message, context: KotobotContext, report: UnitReport, position: int,
                    saved_note: str = "", linear: bool = False, returning: bool = False,
                    comment: tuple[int, Step] | None = None) -> None:
    """Send one step's question; only once Telegram has accepted it does typed text answer it.
    The question shown before loses its buttons: only the newest one is live."""
    services, me, tr = context.services, context.me, context.tr
    step = report.steps[position]
    if comment is None and step.kind is StepKind.STATUS:
        comment = _comment_of(report, step.measure_no)
    before = await services.reporting.where(me)
    warn = await services.reporting.about_to_show(me, report, position, linear, returning,
                                                  before)
    shown = await reply_steadily(
        message, step_text(services.catalogue, tr, report, position, warn, saved_note),
        step_keyboard(services.catalogue, tr, report.round.year, report.unit_id, position, step,
                      step.key in report.answers, step.key in report.previous, comment))
    await services.reporting.shown(me, report, position, shown.message_id, linear)
    if before is not None and before.message_id not in (None, shown.message_id, message.message_id):
        await _take_buttons_away(context, shown.chat_id, before.message_id)


async def show_review(message: Message, context: KotobotContext, report: UnitReport,
                      saved_note: str = "", keep_place: bool = False) -> None:
    """The review: every answer, with a button per answer that fixes just that one.
    Looked at from /status (`keep_place`), the report stays where it was."""
    services, tr = context.services, context.tr
    before = None if keep_place else await services.reporting.where(context.me)
    if not keep_place:
        await services.reporting.leave(context.me)
    blocks = review_blocks(services.catalogue, tr, report, services.settings.tz)
    if saved_note:
        blocks.insert(0, saved_note)
    await send_blocks(message, blocks, review_keyboard(
        services.catalogue, tr, report.round.year, report.unit_id, len(report.missing),
        report.submission is not None, fixable(report)))
    if before is not None and before.message_id not in (None, message.message_id):
        await _take_buttons_away(context, message.chat_id, before.message_id)


def fixable(report: UnitReport) -> list[tuple[int, Step]]:
    """The steps the review offers to fix one by one: every one that applies, and the
    comments already given."""
    return [(position, step) for position, step in enumerate(report.steps)
            if report.applies(position) or (step.kind is StepKind.COMMENT
                                            and step.key in report.answers)]


@button_guard
async def answer_button(update: Update, context: KotobotContext) -> None:
    """An answer or navigation button of a step: decode, re-check, save, move on. The next
    question goes out before the pressed one is edited, so the person sees it sooner."""
    query = update.callback_query
    assert query is not None and query.data is not None and isinstance(query.message, Message)
    services = context.services
    prefix = query.data.split(":", 1)[0]
    year_t, unit_t, pos_t, check, value = callbacks.unpack(query.data, prefix, 5)
    year, position = callbacks.year_of(year_t), callbacks.position_of(pos_t)
    unit_id = UnitRef.decode(unit_t, services.catalogue).unit_id
    report = await services.reporting.open_report(context.me, unit_id, year)
    if position >= len(report.steps) or report.steps[position].check != check:
        raise BadCallback(query.data)
    step = report.steps[position]
    session = await services.reporting.where(context.me)
    mine = bool(session and session.year == year and session.unit_id == unit_id)
    linear = bool(mine and session and session.linear)
    returning = bool(mine and session and session.returning)
    if prefix == callbacks.NAVIGATE:
        if value not in ("back", "skip", "here"):
            raise BadCallback(value)
        target = position if value == "here" else report.neighbour(
            position, -1 if value == "back" else 1)
        if value == "back" and target is None:
            raise BadCallback(value)
        if target is None or (value == "skip" and returning):
            await show_review(query.message, context, report)
        else:
            await show_step(query.message, context, report, target, linear=linear,
                            returning=returning)
        await query.answer()
        await drop_keyboard(query.message)
        return
    if value.startswith("~"):
        draft = session.draft if mine and session else None
        if draft is None or callbacks.draft_token(draft) != value:
            raise BadCallback(value)  # the offer was settled, or replaced by a newer one
        stored = _draft_value(step, draft)
    else:
        stored = _button_value(step, value, report)
    if stored is None:
        raise BadCallback(value)
    outcome = await services.reporting.answer(context.me, report, position, stored, linear,
                                              returning)
    await show_after(query.message, context, outcome, linear)
    await query.answer()
    await drop_keyboard(query.message, answered_line(context.tr, step, stored))


def _button_value(step: Step, value: str, report: UnitReport) -> Any:
    """The value a button stands for at this step, or None if it does not belong here."""
    if value == "same":
        previous = report.previous.get(step.key)
        return previous.value if previous is not None and step.by_button else None
    if value.startswith("#") and step.numeric and step.field is not None:
        try:  # one reading of ambiguous digits, carried by the button itself
            return check_number(float(value[1:]), step.field.kind)
        except (ValueError, InvalidAnswer):
            return None
    if step.kind is StepKind.COMMENT:
        return "" if value == "none" else None
    return value if value in step.choices else None


def _draft_value(step: Step, draft: str | None) -> Any:
    """The offered-back text as an answer to `step`, or None if it no longer is one."""
    if draft is None:
        return None
    try:
        return read_typed(step, draft)
    except (InvalidAnswer, AmbiguousNumber):
        return None


async def drop_keyboard(message: Message, note: str = "") -> None:
    """Freeze an answered step: remove its buttons and add what was saved."""
    try:
        if note and message.text_html and len(message.text_html) + len(note) < 4000:
            await message.edit_text(f"{message.text_html}\n\n{note}")
        else:
            await message.edit_reply_markup(None)
    except TelegramError:
        pass  # an old message may no longer be editable; the answer is saved regardless


async def _take_buttons_away(context: KotobotContext, chat_id: int, message_id: int) -> None:
    """An older question: its buttons would only invite a double answer."""
    try:
        await context.bot.edit_message_reply_markup(chat_id, message_id, reply_markup=None)
    except TelegramError:
        pass  # too old to edit, or already without buttons: harmless


async def pause_report(update: Update, context: KotobotContext) -> None:
    """Another command than /report: the place stays; typed text after it is offered back
    ("Save as the answer to …?") instead of being taken as an answer unasked."""
    await context.services.reporting.pause(context.me)


@button_guard
async def start_report_button(update: Update, context: KotobotContext) -> None:
    """The unit-choice button, also carried by reminders: start or resume that unit."""
    query = update.callback_query
    assert query is not None and query.data is not None and isinstance(query.message, Message)
    year, unit_id = callbacks.year_and_unit(query.data, callbacks.START_REPORT,
                                            context.services.catalogue)
    await query.answer()
    await resume(query.message, context, year, unit_id)
