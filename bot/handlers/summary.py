"""/summary, /export and /digest: where the programme stands, for the coordinator and council."""

from __future__ import annotations

import asyncio
from contextlib import suppress
from functools import wraps
from html import escape

from telegram import Message, Update
from telegram.error import TelegramError

from bot.catalogue.index import CatalogueIndex
from bot.chat import scope
from bot.chat.callbacks import BadCallback
from bot.chat.coordination import highlights_keyboard, highlights_text
from bot.chat.summary_view import summary_blocks
from bot.domain.dates import parse_day
from bot.domain.names import match_names
from bot.domain.privacy import Action
from bot.domain.records import Round
from bot.domain.reporting import Refusal
from bot.domain.rounds import current_round, parse_year
from bot.domain.summary import summarise
from bot.handlers import imports
from bot.handlers.admin import coordinators_only
from bot.handlers.audit import audit
from bot.handlers.common import Handler, button_guard, refuse, send_blocks
from bot.i18n import Translator
from bot.services import KotobotContext
from bot.wording.labels import unit_name


def summaries_only(handler: Handler) -> Handler:
    """The coordinator and council members read summaries; anyone else is refused."""
    @wraps(handler)
    async def guarded(update: Update, context: KotobotContext) -> None:
        if not context.me.may_read_summaries:
            await refuse(update.effective_message, context, Refusal.SUMMARIES_ONLY)
            return
        await handler(update, context)
    return guarded


async def _pick_round(message: Message, context: KotobotContext, args: list[str]) -> Round | None:
    """The round named by a year in `args` (removed from it), or the open/latest one."""
    _ = context.tr.gettext
    rounds = await context.services.rounds.all()
    if args and args[0].isascii() and args[0].isdigit():
        year = int(args.pop(0)[:6])
        found = next((r for r in rounds if r.year == year), None)
        if found is None:
            await message.reply_text(_("There is no reporting round for {year}. /rounds lists them.")
                                     .format(year=year))
        return found
    found = current_round(rounds)
    if found is None:
        await message.reply_text(_("No reporting round has been opened yet."))
    return found


async def _pick_scope(message: Message, context: KotobotContext,
                      args: list[str]) -> tuple[Round, str | None, str | None] | None:
    """(round, theme, unit) from `[YEAR] [THEME|UNIT]`, or None after saying what is wrong."""
    round_ = await _pick_round(message, context, args)
    if round_ is None or not args:
        return (round_, None, None) if round_ is not None else None
    index, query = context.services.catalogue, " ".join(args)
    found = pick_theme_or_unit(index, query)
    if len(found) != 1:
        await message.reply_text(_not_found_text(index, context.tr, query, found))
        return None
    kind, key = found[0]
    return (round_, key, None) if kind == "theme" else (round_, None, key)


async def _ask_year(message: Message, context: KotobotContext, command: str) -> None:
    """No argument: offer the rounds' years as buttons, then the theme or unit."""
    _ = context.tr.gettext
    rounds = await context.services.rounds.all()
    if not rounds:
        await message.reply_text(_("No reporting round has been opened yet."))
        return
    await message.reply_text(_("Which year?"), reply_markup=scope.years_keyboard(
        command, [r.year for r in rounds]))


def _title(index: CatalogueIndex, tr: Translator, year: int, theme_id: str | None,
           unit_id: str | None) -> str:
    title = tr.gettext("Summary {year}").format(year=year)
    if theme_id is not None:
        title += " · " + tr.text(index.themes[theme_id].title)
    elif unit_id is not None:
        title += " · " + unit_name(index, unit_id, tr)
    return title


@summaries_only
async def summary_command(update: Update, context: KotobotContext) -> None:
    """/summary [YEAR] [THEME|UNIT]; with nothing, buttons: a year, then a theme or unit."""
    message = update.effective_message
    assert message is not None
    if not context.args:
        await _ask_year(message, context, scope.SUMMARY)
        return
    chosen = await _pick_scope(message, context, list(context.args))
    if chosen is not None:
        await send_summary(message, context, *chosen)


async def send_summary(message: Message, context: KotobotContext, round_: Round,
                       theme_id: str | None, unit_id: str | None) -> None:
    services, tr = context.services, context.tr
    _ = tr.gettext
    index = services.catalogue
    title = _title(index, tr, round_.year, theme_id, unit_id)  # escaped by headline_block
    summary = await services.summary(round_, theme_id, unit_id)
    await send_blocks(message, summary_blocks(index, summary, tr, title)
                      + await imports.imported_blocks(context, round_, set(summary.due)))
    if summary.themes:
        from bot.reports.chart import status_chart  # matplotlib: loaded on first use

        chart = await asyncio.to_thread(status_chart, index, summary, tr)  # off the event loop
        await message.reply_photo(chart, filename="status.png",
                                  caption=_("Measures by status, {year}").format(year=round_.year))


def pick_theme_or_unit(index: CatalogueIndex, query: str) -> list[tuple[str, str]]:
    """Themes or units whose name (in any language) matches what was typed; themes first."""
    themes = match_names(query, {t.id: [t.title.fi, t.title.sv, t.title.en] for t in index.themes.values()})
    if themes:
        return [("theme", t) for t in themes]
    units = match_names(query, {u.id: [u.name.fi, u.name.sv, u.name.en] for u in index.units.values()})
    return [("unit", u) for u in units]


def _not_found_text(index: CatalogueIndex, tr: Translator, query: str,
                    found: list[tuple[str, str]]) -> str:
    _ = tr.gettext
    if found:  # ambiguous: name the candidates so the person can type more of one
        names = [tr.text(index.themes[key].title) if kind == "theme" else unit_name(index, key, tr)
                 for kind, key in found[:12]]
        return _("“{key}” matches several: {names}. Type more of the name.").format(
            key=escape(query), names=escape("; ".join(names)))
    themes = ", ".join(tr.text(t.title) for t in index.themes.values())
    return _("“{key}” is neither a theme nor a unit. Themes: {themes}. A unit can be given by "
             "the start of its name, e.g. /summary 2026 {example}.").format(
        key=escape(query), themes=escape(themes),
        example=escape(unit_name(index, index.lead_units()[0].id, tr).split()[0]))


@summaries_only
async def export_command(update: Update, context: KotobotContext) -> None:
    """/export [YEAR] [THEME|UNIT]: the round's answers as an Excel workbook; with nothing,
    buttons: a year, then a theme or unit."""
    message = update.effective_message
    assert message is not None
    if context.args and context.args[0].lower() == "template":
        await imports.export_template(message, context, list(context.args[1:]))
        return
    if not context.args:
        await _ask_year(message, context, scope.EXPORT)
        return
    chosen = await _pick_scope(message, context, list(context.args))
    if chosen is not None:
        await send_export(message, context, *chosen)


async def send_export(message: Message, context: KotobotContext, round_: Round,
                      theme_id: str | None, unit_id: str | None) -> None:
    """Every answer of the round (or of one theme or unit), rendered in a worker thread."""
    services, tr = context.services, context.tr
    _ = tr.gettext
    data = await services.reporting.round_data(round_)
    summary = summarise(services.catalogue, data, theme_id, unit_id)
    from bot.reports.audit_sheet import with_audit_sheet  # openpyxl: loaded on first use
    from bot.reports.units_sheet import unit_rows, with_units_sheet
    from bot.reports.workbook import summary_workbook

    people = await services.people.names()
    for_units = await services.coordination.on_behalf(round_.year)
    workbook = await asyncio.to_thread(summary_workbook, services.catalogue, summary, data.answers,
                                       people, tr, services.settings.tz, for_units)  # off the loop
    on_behalf: dict[str, list[str]] = {}
    for unit, person_id in for_units:
        on_behalf.setdefault(unit, []).append(people.get(person_id) or "?")
    rows = unit_rows(summary, data.submissions, await services.coordination.contacts_by_unit(), on_behalf)
    workbook = await asyncio.to_thread(with_units_sheet, workbook, services.catalogue, rows, tr,
                                       services.settings.tz)
    if context.me.is_coordinator:  # who changed what, and the audit log: not for the council
        from bot.reports.history_sheet import with_history_sheet

        workbook = await asyncio.to_thread(
            with_history_sheet, workbook, services.catalogue, summary,
            await services.coordination.history(round_.year), people, for_units, tr,
            services.settings.tz)
        workbook = await asyncio.to_thread(with_audit_sheet, workbook,
                                           await services.people.audit_log(), tr, services.settings.tz)
    if theme_id is None and unit_id is None:
        caption = _("All answers of {year}, and a summary per theme.").format(year=round_.year)
    else:
        caption = _("The answers of {scope}.").format(
            scope=escape(_title(services.catalogue, tr, round_.year, theme_id, unit_id)))
    await message.reply_document(workbook, filename=_("kotobot-{year}.xlsx").format(year=round_.year),
                                 caption=caption)


@summaries_only
@button_guard
async def scope_button(update: Update, context: KotobotContext) -> None:
    """The year, then the whole round, a theme or a unit: the summary or the workbook."""
    query = update.callback_query
    assert query is not None and query.data is not None and isinstance(query.message, Message)
    services, tr = context.services, context.tr
    _ = tr.gettext
    chosen = scope.decode_scope(query.data, services.catalogue)
    round_ = await services.rounds.get(chosen.year)
    if round_ is None:
        raise BadCallback(query.data)
    await query.answer()
    if not chosen.chosen:
        with suppress(TelegramError):
            await query.message.edit_text(
                _("{year}: everything, a theme or a unit?").format(year=chosen.year),
                reply_markup=scope.scope_keyboard(services.catalogue, tr, chosen.command, chosen.year))
        return
    with suppress(TelegramError):
        await query.message.edit_text(escape(_title(services.catalogue, tr, chosen.year,
                                                    chosen.theme_id, chosen.unit_id)))
    send = send_summary if chosen.command == scope.SUMMARY else send_export
    await send(query.message, context, round_, chosen.theme_id, chosen.unit_id)


@coordinators_only
async def digest_command(update: Update, context: KotobotContext) -> None:
    """/digest [YEAR] previews the council's digest; /digest schedule YEAR DATE sets its date."""
    services, tr, message = context.services, context.tr, update.effective_message
    _ = tr.gettext
    assert message is not None
    args = list(context.args or [])
    if args and args[0].lower() == "schedule":
        try:
            today = services.clock().astimezone(services.settings.tz).date()
            year, day = parse_year(args[1]), parse_day(args[2], today)
        except (IndexError, ValueError):
            await message.reply_text(_("Use: /digest schedule YEAR DATE, e.g. /digest schedule 2026 15.2.2027"))
            return
        if await services.rounds.digest_sent(year):
            await message.reply_text(_("The digest of {year} has already been sent to the council; "
                                       "a new date does not send it again. /digest {year} shows it.")
                                     .format(year=year))
            return
        if not await services.rounds.set_digest_date(year, day):
            await message.reply_text(_("There is no reporting round for {year}. /rounds lists them.")
                                     .format(year=year))
            return
        await audit(context, Action.DIGEST_DATE, f"round {year}: {day.isoformat()}")
        await message.reply_text(_("The digest of {year} will go to the council on {date} "
                                   "(or the next working day) at 10:00.")
                                 .format(year=year, date=tr.date(day)))
        if services.scheduling is not None:
            await services.scheduling.reschedule()
        return
    round_ = await _pick_round(message, context, args)
    if round_ is None:
        return
    sent_at = await services.coordination.digest_sent_at(round_.year)
    if sent_at is not None:
        local = sent_at.astimezone(services.settings.tz)
        await message.reply_text(_("The digest of {year} was sent to the council on {date} at {time}. "
                                   "This is what they got (in their own language):").format(
            year=round_.year, date=tr.date(local.date()), time=local.strftime("%H.%M")))
    else:
        await message.reply_text(_("Preview: this is exactly what each council member will receive "
                                   "(in their own language)."))
    for part in await services.digest_parts(await services.digest_facts(round_), tr.lang):
        await services.outreach.messenger.send(message.chat_id, part)
    candidates = await services.coordination.highlight_candidates(round_.year)
    if sent_at is None and candidates:  # the highlights can still be chosen
        chosen = await services.coordination.highlights(round_.year)
        await message.reply_text(highlights_text(tr, round_.year, len(chosen)),
                                 reply_markup=highlights_keyboard(services.catalogue, tr, round_.year,
                                                                  candidates, chosen))
