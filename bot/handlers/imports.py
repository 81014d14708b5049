"""Bringing answers in from a workbook: the coordinator sends a filled form as a document,
the bot checks every row and previews the changes, and "Import" writes them.

The checked answers wait in the database (not in memory) between the preview and the
press, so a restart in between loses nothing. Reading and writing workbooks runs in a
thread: a large file must not hold up anybody else's conversation.
"""

from __future__ import annotations

import asyncio
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, MessageHandler, filters

from bot.chat import callbacks
from bot.chat.callbacks import BadCallback, pack
from bot.domain.importing import answers_of, seen_of
from bot.domain.imports import MAX_FILE_BYTES
from bot.domain.records import Round
from bot.domain.reporting import Refusal
from bot.domain.rounds import parse_year
from bot.handlers.admin import coordinators_only
from bot.handlers.common import button_guard, refuse
from bot.handlers.import_text import applied_text, preview_text, refusal_text, round_problem_text
from bot.i18n import Translator
from bot.services import KotobotContext, Services

IMPORT_BUTTON = "w"  # w:<pending import id>:<i = import | c = cancel>
DEFAULT_FILE_NAME = "workbook.xlsx"




def register(application: Application, group: int) -> None:
    """Documents from coordinators and the Import button; added before the catch-alls, so
    that anyone else's file still gets the "I can only read typed text" answer."""
    services: Services = application.bot_data["services"]
    application.add_handler(MessageHandler(
        filters.UpdateType.MESSAGE & filters.Document.ALL
        & filters.User(user_id=services.settings.coordinators), document_message), group=group)
    application.add_handler(CallbackQueryHandler(import_button, pattern=f"^{IMPORT_BUTTON}:"),
                            group=group)


def _year_of_caption(caption: str | None) -> int | None:
    for word in (caption or "").split():
        try:
            return parse_year(word.strip(".,;:"))
        except ValueError:
            continue
    return None


@coordinators_only
async def document_message(update: Update, context: KotobotContext) -> None:
    """A filled form: check it and answer with one message, with "Import" if it can be."""
    services, tr, message = context.services, context.tr, update.effective_message
    _ = tr.gettext
    assert message is not None and message.document is not None
    document = message.document
    file_name = document.file_name or DEFAULT_FILE_NAME
    if document.file_size is not None and document.file_size > MAX_FILE_BYTES:
        await message.reply_text(refusal_text("too_large", tr))
        return
    data = bytes(await (await document.get_file()).download_as_bytearray())
    from bot.reports.template import vocabulary  # openpyxl: loaded on first use
    from bot.reports.workbook_reader import NotAWorkbook, read_forms

    try:
        forms = await asyncio.to_thread(read_forms, data)
    except NotAWorkbook as refusal:
        await message.reply_text(refusal_text(refusal.reason, tr))
        return
    if not forms.sheets:
        await message.reply_text(refusal_text("no_form", tr))
        return
    year = _year_of_caption(message.caption)
    if year is None and len(forms.years) == 1:
        (year,) = forms.years
    if year is None:
        await message.reply_text(refusal_text("no_year", tr))
        return
    preview = await services.imports.preview(forms.rows, year, vocabulary(services.translators))
    markup = None
    if preview.importable:
        assert context.me.person is not None
        pending = await services.imports.keep_pending(context.me.person.id, year, file_name,
                                                      preview)
        markup = InlineKeyboardMarkup([[
            InlineKeyboardButton("📥 " + _("Import"), callback_data=pack(IMPORT_BUTTON, pending, "i")),
            InlineKeyboardButton(_("Cancel"), callback_data=pack(IMPORT_BUTTON, pending, "c"))]])
    # the words are plain text, shared with `kotobot import`; here they are parsed as HTML
    await message.reply_text(escape(preview_text(preview, file_name, services.catalogue, tr)),
                             reply_markup=markup)


@coordinators_only
@button_guard
async def import_button(update: Update, context: KotobotContext) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None and isinstance(query.message, Message)
    services, tr = context.services, context.tr
    _ = tr.gettext
    pending_t, action = callbacks.unpack(query.data, IMPORT_BUTTON, 2)
    if not callbacks.is_number(pending_t) or action not in ("i", "c"):
        raise BadCallback(query.data)
    await query.answer()
    try:
        await query.message.edit_reply_markup(None)  # one press; the answer follows below
    except TelegramError:
        pass
    pending = await services.imports.pending(int(pending_t))
    person = context.me.person
    if pending is None or person is None or pending.person_id != person.id:
        await query.message.reply_text(_("This import has already been done or cancelled."))
        return
    if action == "c":
        await services.imports.drop_pending(pending.id)
        await query.message.reply_text(_("Cancelled; nothing was imported."))
        return
    try:
        counts = await services.imports.apply(pending.year, answers_of(pending.payload), person.id,
                                                pending.file_name,
                                                create_past=bool(pending.payload.get("creates_round")),
                                                seen=seen_of(pending.payload))
    except ValueError as problem:
        await query.message.reply_text(round_problem_text(str(problem), pending.year,
                                                          services.catalogue, tr))
        return
    await services.imports.drop_pending(pending.id)
    await query.message.reply_text(escape(applied_text(counts, pending.file_name, pending.year,
                                                       services.catalogue, tr)))
    if services.scheduling is not None and pending.payload.get("creates_round"):
        await services.scheduling.reschedule()


async def export_template(message: Message, context: KotobotContext, args: list[str]) -> None:
    """/export template YEAR [UNIT]: an empty form to fill in Excel and send back."""
    services, tr = context.services, context.tr
    _ = tr.gettext
    if not context.me.is_coordinator:
        await refuse(message, context, Refusal.COORDINATORS_ONLY)
        return
    index = services.catalogue
    try:
        year = parse_year(args[0])
    except (IndexError, ValueError):
        await message.reply_text(_("Use: /export template YEAR [UNIT], for example /export template 2024"))
        return
    unit_id = args[1].lower() if len(args) > 1 else None
    if unit_id is not None and unit_id not in index.units:
        await message.reply_text(_("Unknown unit “{unit}”.").format(unit=escape(unit_id)))
        return
    rows = await services.imports.form(year, unit_id)
    if not rows or not index.programme.covers(year):
        await message.reply_text(_("Nothing is to be reported for {year} there, so there is no form.")
                                 .format(year=year))
        return
    from bot.reports.template import template_workbook  # openpyxl: loaded on first use

    content = await asyncio.to_thread(template_workbook, index, rows, tr)
    await message.reply_document(content, filename=_("kotobot-form-{year}.xlsx").format(year=year),
                                 caption=_("The form for {year}: fill in the yellow cells and send "
                                           "the file back to me to import the answers.").format(year=year))


async def imported_blocks(context: KotobotContext, round_: Round, units: set[str]) -> list[str]:
    """For /summary: how many of the round's answers were imported from workbooks."""
    tr: Translator = context.tr
    imported = [a for a in await context.services.imports.imported_answers(round_.year)
                if a.unit_id in units]
    if not imported:
        return []
    index = context.services.catalogue
    names = sorted({tr.text(index.units[a.unit_id].name) if a.unit_id in index.units else a.unit_id
                    for a in imported})
    return [tr.ngettext("📥 {count} answer was imported from a workbook by the coordinator: {units}",
                        "📥 {count} answers were imported from workbooks by the coordinator: {units}",
                        len(imported)).format(count=len(imported), units=escape(", ".join(names)))]
