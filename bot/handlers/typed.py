"""Typed text during the guided report: an answer to the question on screen, a hint when
it cannot be one, or (after another command came between, or when it corrects the answer
just given) offered back with one button, never dropped and never filed unasked.

The safety rule of bot/handlers/report.py holds: text answers only the step the person
last received (the session's confirmed step), and an offered text waits in the session
(`draft`) so a restart does not lose it.
"""

from __future__ import annotations

import re
from html import escape

from telegram import InlineKeyboardMarkup, Message, Update

from bot.catalogue.models import IndicatorKind
from bot.chat.keyboards import choose_number_keyboard, continue_button, offer_keyboard
from bot.chat.views import short_question, shortened
from bot.domain.answers import AmbiguousNumber, InvalidAnswer
from bot.domain.reporting import NotAllowed, UnitReport
from bot.domain.walk import Step, StepKind, position_of, read_typed
from bot.handlers.common import refuse
from bot.handlers.report import show_after, show_step
from bot.services import KotobotContext

PAUSED, STOPPED = 1, 2
_NUMBER_ONLY = re.compile(r"\s*[+-]?\d[\d\s.,\u00a0\u202f]*%?\s*")


async def typed_answer(update: Update, context: KotobotContext) -> bool:
    """A typed message during the report. Returns False when no step is waiting for text."""
    message = update.effective_message
    assert message is not None and message.text is not None
    services, me, tr = context.services, context.me, context.tr
    _ = tr.gettext
    session = await services.reporting.where(me)
    if session is None or session.paused == STOPPED:
        return False
    try:
        report = await services.reporting.open_report(me, session.unit_id, session.year)
    except NotAllowed as refusal:
        await services.reporting.leave(me)
        await refuse(message, context, refusal.reason)
        return True
    if session.pending_key is not None:
        # the last question may not have reached the person: do not guess which one this
        # text answers; send it (again) and ask for the answer once more
        position = position_of(report.steps, session.pending_key)
        if position is None:
            return False
        await message.reply_text(_("To be sure your answer lands on the right question, please "
                                   "answer this one again:"))
        await show_step(message, context, report, position, linear=session.linear,
                        returning=session.returning)
        return True
    position = position_of(report.steps, session.step_key)
    if position is None:
        return False
    step = report.steps[position]
    if session.paused == PAUSED:  # something came between: ask before filing it
        await _offer(message, context, report, position, message.text, position)
        return True
    if step.kind is StepKind.COMMENT and _NUMBER_ONLY.fullmatch(message.text):
        # a bare number is no comment: most likely it corrects the measure's last number
        earlier = _previous_typed(report, position)
        if earlier is not None and report.steps[earlier].numeric:
            await _offer(message, context, report, earlier, message.text, position)
            return True
    try:
        value = read_typed(step, message.text)
    except AmbiguousNumber as ambiguous:
        await _ask_which(message, context, report, position, ambiguous)
        return True
    except InvalidAnswer as problem:
        earlier = _previous_typed(report, position) if problem.reason == "buttons" else None
        if earlier is not None and _reads_as(report.steps[earlier], message.text):
            await _offer(message, context, report, earlier, message.text, position)
            return True
        await message.reply_text(invalid_text(problem, step, context))
        return True
    outcome = await services.reporting.answer(me, report, position, value, session.linear,
                                              session.returning)
    await show_after(message, context, outcome, session.linear)
    return True


def _previous_typed(report: UnitReport, position: int) -> int | None:
    """The question asked just before `position`, if it was answered by typing: text typed
    at a button question right after it is most likely a correction of it."""
    for earlier in range(position - 1, -1, -1):
        if report.applies(earlier):
            step = report.steps[earlier]
            return earlier if step.key in report.answers and not step.by_button else None
    return None


def _reads_as(step: Step, text: str) -> bool:
    try:
        read_typed(step, text)
    except (InvalidAnswer, AmbiguousNumber):
        return False
    return True


async def _offer(message: Message, context: KotobotContext, report: UnitReport, target: int,
                 text: str, here: int) -> None:
    """Offer typed text back as the answer to step `target`, kept in the session meanwhile.
    Text that cannot answer it gets the reason and the way back to the question."""
    services, tr = context.services, context.tr
    _ = tr.gettext
    step, on_screen = report.steps[target], (here, report.steps[here])
    index, year, unit = services.catalogue, report.round.year, report.unit_id
    try:
        read_typed(step, text)
    except AmbiguousNumber as ambiguous:
        await _ask_which(message, context, report, target, ambiguous)
        return
    except InvalidAnswer as problem:
        await message.reply_text(invalid_text(problem, step, context), reply_markup=(
            InlineKeyboardMarkup([[continue_button(index, tr, year, unit, on_screen)]])))
        return
    await services.reporting.keep_draft(context.me, text)
    if target == here:
        question = _("Save “{text}” as the answer to: {question}?")
    else:
        question = _("Save “{text}” as the answer to the previous question: {question}?")
    await message.reply_text(
        question.format(text=escape(shortened(text.strip())),
                        question=escape(short_question(index, tr, step))),
        reply_markup=offer_keyboard(index, tr, year, unit, target, step, on_screen, text))


async def _ask_which(message: Message, context: KotobotContext, report: UnitReport,
                     position: int, ambiguous: AmbiguousNumber) -> None:
    """Digits that read two ways for this field: ask, one button per reading."""
    tr = context.tr
    first, second = ambiguous.readings
    await message.reply_text(
        tr.gettext("Did you mean {first} or {second}?").format(
            first=tr.number(first), second=tr.number(second)),
        reply_markup=choose_number_keyboard(context.services.catalogue, tr, report.round.year,
                                            report.unit_id, position, report.steps[position],
                                            ambiguous.readings))


def invalid_text(problem: InvalidAnswer, step: Step, context: KotobotContext) -> str:
    """One short hint, fitting the field: a count never suggests 12.5."""
    tr = context.tr
    _ = tr.gettext
    limit = tr.number(problem.limit) if problem.limit is not None else ""
    whole = step.field is not None and step.field.kind is IndicatorKind.COUNT
    messages = {
        "not_a_number": (_("That is not a number. Please type a whole number, for example 12.")
                         if whole else
                         _("That is not a number. Please type a number, for example 12 or 12.5.")),
        "negative": _("The number cannot be negative. Please type 0 or more."),
        "not_whole": _("Please type a whole number, for example 12."),
        "too_large": _("That number is larger than {limit}. Please check it and type it again."),
        "over_100": _("A percentage is between 0 and 100. Please type it again."),
        "empty": _("The answer is empty. Please type your answer."),
        "too_long": _("The answer is too long: at most {limit} characters, please."),
        "buttons": (_("Please answer with the buttons: yes or no.")
                    if step.kind is StepKind.FIELD and step.choices == ("yes", "no")
                    else _("Please answer with the buttons below the question.")),
    }
    return messages[problem.reason].format(limit=limit)
