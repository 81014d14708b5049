"""Backups that restore: `kotobot backup`, `kotobot restore`, and the nightly copy.

Copying a WAL database file with `cp` can miss committed transactions still in the `-wal`
file or catch a page mid-write; SQLite's online backup API copies a consistent snapshot while
the bot keeps writing. Each copy is checked with `PRAGMA integrity_check` before it gets its
final name, so a file named `kotobot-*.sqlite3` is always a good one.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from bot.ops.health import running
from bot.storage.offline import OfflineError, check_file, online_backup, restore_into

PREFIX = "kotobot-"
SUFFIX = ".sqlite3"


def default_name(now: datetime, label: str = "") -> str:
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"{PREFIX}{label}{stamp}{SUFFIX}"


def default_dir(database: Path, backup_dir: Path | None) -> Path:
    """KOTOBOT_BACKUP_DIR, else a `backups` folder beside the database."""
    return backup_dir if backup_dir is not None else database.parent / "backups"


def make_backup(database: Path, target: Path | None = None, backup_dir: Path | None = None,
                now: datetime | None = None) -> Path:
    """Write a checked copy of `database`; `target` may be a file or a folder. Returns the file."""
    now = now or datetime.now(UTC)
    if target is None:
        target = default_dir(database, backup_dir) / default_name(now)
    elif target.is_dir():
        target = target / default_name(now)
    if target.exists():
        raise OfflineError(f"{target} already exists; give another name")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        online_backup(database, partial)
        check_file(partial)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, target)
    return target


def prune(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` timestamped backups in `folder`; returns the deleted.
    Safety copies made before a restore are not counted or touched."""
    backups = sorted(path for path in folder.glob(f"{PREFIX}2*{SUFFIX}") if path.is_file())
    doomed = backups[:-keep] if len(backups) > keep else []
    for path in doomed:
        path.unlink()
    return doomed


def restore(database: Path, backup: Path, now: datetime | None = None) -> Path | None:
    """Replace the database with a checked backup; refuses while the bot runs. The current
    database is first saved beside it (returned), so a wrong restore can be undone."""
    beat = running(database)
    if beat is not None:
        raise OfflineError(f"the bot is running (process {beat.pid} on {beat.host}); stop it "
                           "before restoring")
    if not backup.is_file():
        raise OfflineError(f"no backup file at {backup}")
    check_file(backup)
    saved = None
    if database.is_file():
        saved = make_backup(database, database.parent / default_name(
            now or datetime.now(UTC), "before-restore-"))
    database.parent.mkdir(parents=True, exist_ok=True)
    restore_into(backup, database)
    check_file(database)
    return saved
