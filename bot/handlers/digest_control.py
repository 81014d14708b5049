"""The coordinator's controls on the council digest, from the preview that arrives a few
working days ahead: send as scheduled, postpone a week, or send now; and which units'
comments lead it (the highlights)."""

from __future__ import annotations

from contextlib import suppress

from telegram import Message, Update
from telegram.error import TelegramError

from bot.chat import callbacks
from bot.chat.callbacks import BadCallback
from bot.chat.coordination import (
    POSTPONE,
    SCHEDULED,
    SEND_NOW,
    highlights_keyboard,
    highlights_text,
)
from bot.domain.coordination import MAX_HIGHLIGHTS, Highlight
from bot.domain.privacy import Action
from bot.handlers.admin import coordinators_only
from bot.handlers.audit import audit
from bot.handlers.common import button_guard
from bot.services import KotobotContext
from scheduler.planning import digest_time, plan_of, postponed_digest_day


@coordinators_only
@button_guard
async def digest_button(update: Update, context: KotobotContext) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None and isinstance(query.message, Message)
    services, tr = context.services, context.tr
    _ = tr.gettext
    year_t, choice = callbacks.unpack(query.data, callbacks.DIGEST, 2)
    year = callbacks.year_of(year_t)
    if choice not in (SCHEDULED, POSTPONE, SEND_NOW):
        raise BadCallback(query.data)
    await query.answer()
    round_ = await services.coordination.round(year)
    if round_ is None:
        raise BadCallback(query.data)
    sent_at = await services.coordination.digest_sent_at(year)
    if sent_at is not None:
        await query.message.reply_text(_("The digest of {year} was already sent on {date}.").format(
            year=year, date=tr.date(sent_at.astimezone(services.settings.tz).date())))
        return
    with suppress(TelegramError):
        await query.message.edit_reply_markup(None)
    tz = services.settings.tz
    if choice == SCHEDULED:
        when = digest_time(plan_of(round_), tz)
        await query.message.reply_text(_("Fine: the digest of {year} goes out on {date} at 10:00.")
                                       .format(year=year, date=tr.date(when.date())))
    elif choice == POSTPONE:
        day = postponed_digest_day(plan_of(round_), tz)
        await services.coordination.postpone_digest(year, day)
        await audit(context, Action.DIGEST_DATE, f"round {year}: {day.isoformat()} (postponed)")
        round_ = await services.coordination.round(year)
        assert round_ is not None
        when = digest_time(plan_of(round_), tz)
        await query.message.reply_text(_(
            "The digest of {year} is postponed to {date} at 10:00. You will get the preview again "
            "a few working days before.").format(year=year, date=tr.date(when.date())))
        if services.scheduling is not None:
            await services.scheduling.reschedule()
    else:
        await services.coordination.release_digest(year)
        await audit(context, Action.DIGEST_DATE, f"round {year}: now")
        await query.message.reply_text(_("Sending the digest of {year} to the council now; I will "
                                         "tell you when it is out.").format(year=year))
        if services.scheduling is not None:
            services.scheduling.poke()


@coordinators_only
@button_guard
async def highlight_button(update: Update, context: KotobotContext) -> None:
    """☆/★ under the preview: choose or drop a unit's comment as a highlight, in place."""
    query = update.callback_query
    assert query is not None and query.data is not None and isinstance(query.message, Message)
    services, tr = context.services, context.tr
    _ = tr.gettext
    year, unit_id = callbacks.year_and_unit(query.data, callbacks.HIGHLIGHT, services.catalogue)
    round_ = await services.coordination.round(year)
    if round_ is None:
        raise BadCallback(query.data)
    if await services.coordination.digest_sent_at(year) is not None:
        await query.answer(_("The digest of {year} has already been sent.").format(year=year),
                           show_alert=True)
        return
    outcome = await services.coordination.toggle_highlight(year, unit_id)
    if outcome is Highlight.FULL:
        await query.answer(_("At most {limit} highlights: drop one first (★).").format(
            limit=MAX_HIGHLIGHTS), show_alert=True)
        return
    await query.answer(_("Chosen as a highlight.") if outcome is Highlight.CHOSEN
                       else _("No longer a highlight."))
    chosen = await services.coordination.highlights(year)
    with suppress(TelegramError):  # a double tap may leave nothing to change
        await query.message.edit_text(
            highlights_text(tr, year, len(chosen)),
            reply_markup=highlights_keyboard(services.catalogue, tr, year,
                                             await services.coordination.highlight_candidates(year), chosen))
