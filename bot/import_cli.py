"""`kotobot template` and `kotobot import`: the workbook import without Telegram.

The same form, the same checks and the same one-transaction write as a workbook sent to
the bot; the answers are attributed to a coordinator (`--by`, default the first one in
KOTOBOT_COORDINATORS). Without `--apply` the import is only checked and previewed.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.catalogue.loader import load_catalogue
from bot.catalogue.models import LANGUAGES
from bot.config import Settings
from bot.domain.importing import Importer
from bot.domain.rounds import parse_year
from bot.handlers.import_text import applied_text, preview_text, refusal_text
from bot.i18n import Translators
from bot.services import system_clock
from bot.storage import Storage

EXIT_INVALID, EXIT_USAGE = 1, 2


def add_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    template = commands.add_parser("template", help="write an empty answer form (.xlsx) for a year")
    template.add_argument("--year", type=parse_year, required=True)
    template.add_argument("--unit", help="only this unit id (default: every reporting unit)")
    template.add_argument("--lang", choices=LANGUAGES, default="fi")
    template.add_argument("-o", "--output", type=Path, required=True, help="the .xlsx file to write")
    imported = commands.add_parser("import", help="check a filled form and, with --apply, import it")
    imported.add_argument("file", type=Path)
    imported.add_argument("--year", type=parse_year, required=True)
    imported.add_argument("--apply", action="store_true", help="write the answers (default: only check)")
    imported.add_argument("--closed", action="store_true",
                          help="create the year's round closed from the start if it is a past year")
    imported.add_argument("--by", type=int, help="the importing coordinator's Telegram id")
    imported.add_argument("--lang", choices=LANGUAGES, default="fi")


def run(args: argparse.Namespace, settings: Settings) -> int:
    return asyncio.run(_template(args, settings) if args.command == "template" else _import(args, settings))


async def _template(args: argparse.Namespace, settings: Settings) -> int:
    # openpyxl is imported on use, not at the top: `kotobot run` imports this module too
    from bot.reports.template import template_workbook

    index = load_catalogue(settings.catalogue)
    if args.unit and args.unit not in index.units:
        print(f"kotobot: unknown unit {args.unit!r}", file=sys.stderr)
        return EXIT_USAGE
    storage = await Storage.open(settings.database)
    try:
        rows = await Importer(index, storage, settings.tz, system_clock).form(args.year, args.unit)
    finally:
        await storage.close()
    if not rows or not index.programme.covers(args.year):
        print(f"kotobot: nothing is to be reported for {args.year} there", file=sys.stderr)
        return EXIT_USAGE
    args.output.write_bytes(template_workbook(index, rows, Translators()[args.lang]))
    print(f"{args.output}: {len(rows)} rows")
    return 0


async def _import(args: argparse.Namespace, settings: Settings) -> int:
    from bot.reports.template import vocabulary  # openpyxl, on use
    from bot.reports.workbook_reader import NotAWorkbook, read_forms

    index, translators = load_catalogue(settings.catalogue), Translators()
    tr = translators[args.lang]
    by = args.by if args.by is not None else min(settings.coordinators, default=None)
    if by is None:
        print("kotobot: say who imports: --by TELEGRAM_ID, or set KOTOBOT_COORDINATORS", file=sys.stderr)
        return EXIT_USAGE
    try:
        forms = read_forms(args.file.read_bytes())
    except NotAWorkbook as refusal:
        print(refusal_text(refusal.reason, tr), file=sys.stderr)
        return EXIT_INVALID
    except OSError as error:
        print(f"kotobot: {error}", file=sys.stderr)
        return EXIT_USAGE
    if not forms.sheets:
        print(refusal_text("no_form", tr), file=sys.stderr)
        return EXIT_INVALID
    storage = await Storage.open(settings.database)
    try:
        importer = Importer(index, storage, settings.tz, system_clock)
        preview = await importer.preview(forms.rows, args.year, vocabulary(translators), args.closed)
        print(preview_text(preview, args.file.name, index, tr, button_hint=False))
        if not preview.plan.ok or preview.round_problem is not None:
            return EXIT_INVALID
        if not preview.changes:
            return 0
        if not args.apply:
            print("(checked only: run again with --apply to write)")
            return 0
        person = await storage.person_by_telegram(by) or await storage.ensure_person(
            by, "", None, system_clock())
        counts = await importer.apply(args.year, preview.plan.answers, person.id, args.file.name,
                                      args.closed)
        print(applied_text(counts, args.file.name, args.year, index, tr))
        return 0
    finally:
        await storage.close()
