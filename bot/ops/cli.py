"""The operator's subcommands of `kotobot`: health, backup, restore, audit.

    kotobot health [--max-age SECONDS]   exit 0 if the bot runs and its database opens
    kotobot backup [PATH]                a checked copy, safe while the bot runs
    kotobot restore PATH                 replace the database (the bot must be stopped)
    kotobot audit [--since YYYY-MM-DD]   who did what, when

Each failure is one line on stderr and exit status 1, so that Docker, systemd and cron
jobs can act on it.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.domain.privacy import Action
from bot.ops import backup as backups
from bot.ops.health import STALE_AFTER, check
from bot.storage import Storage
from bot.storage.offline import OfflineError, record_audit

COMMANDS = ("health", "backup", "restore", "audit")
EXIT_FAILED = 1


def add_commands(commands: Any) -> None:
    """Add the subcommands to `kotobot`'s argument parser."""
    health = commands.add_parser("health", help="exit 0 if the running bot is alive and its "
                                 "database opens; otherwise say what is wrong and exit 1")
    health.add_argument("--max-age", type=int, default=int(STALE_AFTER.total_seconds()),
                        help="seconds a heartbeat stays fresh (default: %(default)s)")
    backup = commands.add_parser("backup", help="write a consistent, checked copy of the "
                                 "database (safe while the bot runs)")
    backup.add_argument("path", nargs="?", type=Path, help="file or folder (default: "
                        "KOTOBOT_BACKUP_DIR or backups/ beside the database, timestamped name)")
    restore = commands.add_parser("restore", help="replace the database with a backup "
                                  "(refused while the bot runs)")
    restore.add_argument("path", type=Path)
    audit = commands.add_parser("audit", help="print the audit log of administrative actions")
    audit.add_argument("--since", type=date.fromisoformat, help="YYYY-MM-DD")


def run_command(args: argparse.Namespace, settings: Settings) -> int:
    database = settings.database
    try:
        if args.command == "health":
            problem = check(database, timedelta(seconds=args.max_age))
            if problem is not None:
                print(f"kotobot: unhealthy: {problem}", file=sys.stderr)
                return EXIT_FAILED
            print("kotobot: healthy")
        elif args.command == "backup":
            path = backups.make_backup(database, args.path, settings.backup_dir)
            print(path)
        elif args.command == "restore":
            saved = backups.restore(database, args.path)
            record_audit(database, datetime.now(UTC), Action.RESTORE, f"from {args.path.name}")
            print(f"kotobot: restored {database} from {args.path}"
                  + (f"; the previous database is saved as {saved}" if saved else ""))
        else:
            if not database.is_file():
                raise OfflineError(f"no database at {database}")
            since = (datetime.combine(args.since, time(0), settings.tz) if args.since else None)
            sys.stdout.write(asyncio.run(_audit_text(settings, since)))
    except OfflineError as error:
        print(f"kotobot: {error}", file=sys.stderr)
        return EXIT_FAILED
    return 0


async def _audit_text(settings: Settings, since: datetime | None) -> str:
    storage = await Storage.open(settings.database)
    try:
        entries = await storage.audit_entries(since)
    finally:
        await storage.close()
    lines = []
    for entry in entries:
        when = entry.at.astimezone(settings.tz).strftime("%Y-%m-%d %H:%M")
        who = ("kotobot" if entry.actor_id is None
               else f"{entry.actor or 'erased person'} (#{entry.actor_id})")
        lines.append(f"{when}\t{who}\t{entry.action}\t{entry.detail}\n")
    return "".join(lines) or "(the audit log is empty)\n"
