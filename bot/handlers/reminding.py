"""/remind and the "nudge them all" button: a reminder now, to everyone still pending."""

from __future__ import annotations

from telegram import Message, Update

from bot.chat import callbacks
from bot.chat.notices import reminder_result_text
from bot.domain.records import Round
from bot.domain.reminding import Progress, ReminderKind
from bot.handlers.admin import coordinators_only
from bot.handlers.background import start_fan_out
from bot.handlers.common import button_guard
from bot.i18n import Translator
from bot.services import KotobotContext
from scheduler.planning import current_ladder_key, deadline_end, plan_of


async def remind_round(message: Message, context: KotobotContext, round_: Round) -> None:
    """Start the fan-out in the background: the coordinator sees a progress message at once,
    edited as reminders go out and finally replaced by the result."""
    services, tr = context.services, context.tr
    _ = tr.gettext
    now, tz = services.clock(), services.settings.tz
    manual_key = f"manual:{now.astimezone(tz).date().isoformat()}"
    kind = ReminderKind.OVERDUE if now >= deadline_end(plan_of(round_), tz) else ReminderKind.BEFORE
    also = current_ladder_key(round_, now, tz)

    async def work(progress: Progress) -> str:
        result = await services.remind_on_request(round_, manual_key, kind, also_claims=also,
                                                  progress=progress)
        return reminder_result_text(tr, result)

    started = await message.reply_text(_("Reminding everyone who still has something to report…"))
    start_fan_out(context, message, work, lambda done, total: progress_text(tr, done, total),
                  progress_message=started)


def progress_text(tr: Translator, done: int, total: int) -> str:
    return tr.gettext("{done}/{total} contact persons handled…").format(
        done=tr.number(done), total=tr.number(total))


@coordinators_only
async def remind_command(update: Update, context: KotobotContext) -> None:
    message = update.effective_message
    assert message is not None
    round_ = await context.services.rounds.current()
    if round_ is None or not round_.is_open:
        await message.reply_text(context.tr.gettext("There is no open reporting round at the moment."))
        return
    await remind_round(message, context, round_)


@coordinators_only
@button_guard
async def nudge_button(update: Update, context: KotobotContext) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None and isinstance(query.message, Message)
    (year_t,) = callbacks.unpack(query.data, callbacks.NUDGE_ALL, 1)
    round_ = await context.services.reporting.open_round_for(callbacks.year_of(year_t))
    await query.answer()
    await remind_round(query.message, context, round_)
