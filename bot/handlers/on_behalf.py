"""A coordinator reports for a unit whose contact cannot use Telegram: `/report UNIT`.

The guided report itself is the contact's (bot/handlers/report.py); this only picks the
unit by name (buttons under /people and the missing-units notice: report_for.py), checks
there is an open round, and records that the coordinator is answering
on the unit's behalf, so that exports say so. The answers carry the coordinator as the
person who gave them, as any answer does."""

from __future__ import annotations

from html import escape

from telegram import Message

from bot.domain.names import match_names
from bot.services import KotobotContext
from bot.wording.labels import unit_name


async def unit_to_report_for(message: Message, context: KotobotContext,
                             query: str) -> tuple[int, str] | None:
    """(year, unit) the coordinator will report for, or None after explaining why not."""
    services, tr = context.services, context.tr
    _ = tr.gettext
    index = services.catalogue
    lead = {u.id: [u.name.fi, u.name.sv, u.name.en] for u in index.lead_units()}
    found = match_names(query, lead)
    if len(found) != 1:
        names = "; ".join(unit_name(index, u, tr) for u in found[:12])
        await message.reply_text(
            _("“{key}” matches several units: {names}. Type more of the name.").format(
                key=escape(query), names=escape(names)) if found else
            _("No unit is called “{key}”. /people lists the units.").format(key=escape(query)))
        return None
    return await begin(message, context, found[0])


async def begin(message: Message, context: KotobotContext, unit_id: str,
                 year: int | None = None) -> tuple[int, str] | None:
    """Record that the coordinator reports for `unit_id` in the open round (`year`, if a
    button named one, must still be it) and say so; None after explaining why not."""
    services, tr = context.services, context.tr
    _ = tr.gettext
    round_ = await services.reporting.current_round()
    if round_ is None or not round_.is_open or year not in (None, round_.year):
        await message.reply_text(_("There is no open reporting round at the moment."))
        return None
    assert context.me.person is not None
    await services.coordination.report_on_behalf(round_.year, unit_id, context.me.person.id)
    await message.reply_text(_("You are reporting on behalf of {unit}. Your answers are recorded as "
                               "given by you for the unit.").format(
        unit=escape(unit_name(services.catalogue, unit_id, tr))))
    return round_.year, unit_id
