"""The "✍ Report for <unit>" buttons under /people and the missing-units notice: a
coordinator goes straight into the report of a unit that has no contact person, on its
behalf (recorded by `on_behalf`, walked by `report`, as `/report UNIT` is)."""

from __future__ import annotations

from telegram import Message, Update

from bot.chat import callbacks
from bot.handlers.admin import coordinators_only
from bot.handlers.common import button_guard
from bot.handlers.on_behalf import begin
from bot.handlers.report import resume
from bot.services import KotobotContext


@coordinators_only
@button_guard
async def on_behalf_button(update: Update, context: KotobotContext) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None and isinstance(query.message, Message)
    year, unit_id = callbacks.year_and_unit(query.data, callbacks.ON_BEHALF,
                                            context.services.catalogue)
    await query.answer()
    chosen = await begin(query.message, context, unit_id, year)
    if chosen is not None:
        await resume(query.message, context, *chosen)
