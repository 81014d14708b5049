"""The `kotobot` command: `run` the bot, or inspect the measure catalogue.

    kotobot run
    kotobot catalogue validate [PATH]
    kotobot catalogue show [--lang fi|sv|en] [--theme KEY]
    kotobot catalogue export --format json|csv [--lang fi|sv|en]
    kotobot health | backup [PATH] | restore PATH | audit [--since DATE]   (see bot/ops/cli.py)
    kotobot template --year YEAR [--unit UNIT] [--lang fi|sv|en] -o FILE.xlsx
    kotobot import FILE.xlsx --year YEAR [--apply] [--closed] [--by TELEGRAM_ID]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from bot import import_cli
from bot.catalogue.export import export_csv, export_json
from bot.catalogue.loader import CatalogueError, load_catalogue
from bot.catalogue.models import LANGUAGES
from bot.config import Settings
from bot.i18n import I18nError, Translators
from bot.ops import cli as ops_cli
from bot.wording.tree import render_tree

EXIT_INVALID = 1
EXIT_USAGE = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kotobot", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="start the Telegram bot (long polling)")
    ops_cli.add_commands(commands)
    catalogue = commands.add_parser("catalogue", help="inspect the measure catalogue")
    actions = catalogue.add_subparsers(dest="action", required=True)
    validate = actions.add_parser("validate", help="check a catalogue file and list every problem")
    validate.add_argument("path", nargs="?", type=Path, help="default: KOTOBOT_CATALOGUE or the shipped one")
    show = actions.add_parser("show", help="print the catalogue as a tree")
    show.add_argument("--lang", choices=LANGUAGES, default="fi")
    show.add_argument("--theme", help="only this theme id (work, housing, …)")
    export = actions.add_parser("export", help="print the catalogue as JSON or CSV")
    export.add_argument("--format", choices=("json", "csv"), default="json")
    export.add_argument("--lang", choices=LANGUAGES, help="only this language (default: all)")
    for sub in (show, export):
        sub.add_argument("--catalogue", type=Path, help="default: KOTOBOT_CATALOGUE or the shipped one")
    import_cli.add_commands(commands)
    return parser


def _catalogue_command(args: argparse.Namespace, settings: Settings) -> int:
    path = getattr(args, "path", None) or getattr(args, "catalogue", None) or settings.catalogue
    try:
        index = load_catalogue(path)
    except CatalogueError as error:
        print(f"{error.path}: {len(error.problems)} problem(s) found:", file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_INVALID
    if args.action == "validate":
        print(f"{path}: OK: {len(index.catalogue.themes)} themes, {len(index.entries)} measures, "
              f"{len(index.indicators)} indicators, {len(index.units)} units")
    elif args.action == "show":
        if args.theme and args.theme not in index.themes:
            print(f"unknown theme {args.theme!r}; themes: {', '.join(index.themes)}", file=sys.stderr)
            return EXIT_USAGE
        sys.stdout.write(render_tree(index, Translators()[args.lang], args.theme))
    else:
        text = export_json(index, args.lang) if args.format == "json" else export_csv(index, args.lang)
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as error:
        for problem in error.errors():
            name = "KOTOBOT_" + "_".join(str(part) for part in problem["loc"]).upper()
            print(f"kotobot: setting {name}: {problem['msg']}", file=sys.stderr)
        return EXIT_USAGE
    try:
        if args.command == "catalogue":
            return _catalogue_command(args, settings)
        if args.command in ops_cli.COMMANDS:
            return ops_cli.run_command(args, settings)
        if args.command in ("template", "import"):
            return import_cli.run(args, settings)
        from bot.main import run  # imported late: the catalogue commands need no Telegram

        return run(settings)
    except I18nError as error:
        print(f"kotobot: translations are not usable: {error}", file=sys.stderr)
        return EXIT_INVALID


if __name__ == "__main__":
    sys.exit(main())
