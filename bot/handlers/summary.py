"""/summary, /export and /digest: where the programme stands, for the coordinator and council."""

from __future__ import annotations

import asyncio
from functools import wraps
from html import escape

from telegram import Message, Update

from bot.catalogue.index import CatalogueIndex
from bot.chat.summary_view import summary_blocks
from bot.domain.dates import parse_day
from bot.domain.names import match_names
from bot.domain.privacy import Action
from bot.domain.records import Round
from bot.domain.reporting import Refusal
from bot.domain.rounds import current_round, parse_year
from bot.domain.summary import load_round_data, summarise
from bot.handlers import imports
from bot.handlers.admin import coordinators_only
from bot.handlers.audit import audit
from bot.handlers.common import Handler, refuse, send_blocks
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
    rounds = await context.services.storage.rounds()
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


@summaries_only
async def summary_command(update: Update, context: KotobotContext) -> None:
    """/summary [YEAR] [THEME|UNIT]"""
    services, tr, message = context.services, context.tr, update.effective_message
    _ = tr.gettext
    assert message is not None
    args = list(context.args or [])
    round_ = await _pick_round(message, context, args)
    if round_ is None:
        return
    index = services.catalogue
    theme_id = unit_id = None
    title = _("Summary {year}").format(year=round_.year)
    if args:
        found = pick_theme_or_unit(index, " ".join(args))
        if len(found) != 1:
            await message.reply_text(_not_found_text(index, tr, " ".join(args), found))
            return
        kind, key = found[0]
        if kind == "theme":
            theme_id = key
            title += " · " + tr.text(index.themes[key].title)
        else:
            unit_id = key
            title += " · " + unit_name(index, key, tr)
    summary = summarise(index, await load_round_data(services.storage, round_), theme_id, unit_id)
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
    """/export [YEAR]: every answer of the round as an Excel workbook."""
    services, tr, message = context.services, context.tr, update.effective_message
    _ = tr.gettext
    assert message is not None
    if context.args and context.args[0].lower() == "template":
        await imports.export_template(message, context, list(context.args[1:]))
        return
    round_ = await _pick_round(message, context, list(context.args or []))
    if round_ is None:
        return
    data = await load_round_data(services.storage, round_)
    summary = summarise(services.catalogue, data)
    from bot.reports.audit_sheet import with_audit_sheet  # openpyxl: loaded on first use
    from bot.reports.units_sheet import unit_rows, with_units_sheet
    from bot.reports.workbook import summary_workbook

    people = await services.storage.people_names()
    workbook = await asyncio.to_thread(summary_workbook, services.catalogue, summary, data.answers,
                                       people, tr, services.settings.tz)  # off the event loop
    on_behalf: dict[str, list[str]] = {}
    for unit_id, person_id in await services.coordination.on_behalf(round_.year):
        on_behalf.setdefault(unit_id, []).append(people.get(person_id) or "?")
    rows = unit_rows(summary, data.submissions, await services.coordination.contacts_by_unit(), on_behalf)
    workbook = await asyncio.to_thread(with_units_sheet, workbook, services.catalogue, rows, tr,
                                       services.settings.tz)
    if context.me.is_coordinator:  # the audit log is for coordinators, not the council
        workbook = await asyncio.to_thread(with_audit_sheet, workbook,
                                           await services.storage.audit_entries(), tr, services.settings.tz)
    await message.reply_document(workbook, filename=_("kotobot-{year}.xlsx").format(year=round_.year),
                                 caption=_("All answers of {year}, and a summary per theme.")
                                 .format(year=round_.year))


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
        if await services.storage.delivery_states(f"digest:{year}"):
            await message.reply_text(_("The digest of {year} has already been sent to the council; "
                                       "a new date does not send it again. /digest {year} shows it.")
                                     .format(year=year))
            return
        if not await services.storage.set_digest_date(year, day):
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
