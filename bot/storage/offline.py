"""SQL for the operator's commands (`kotobot health`, `backup`, `restore`), which run outside
the bot's event loop and beside a bot that may be running.

They use the standard library's blocking `sqlite3` on purpose: SQLite's online backup API is
exposed there (`Connection.backup`), and a short command has no event loop to share. Reads
never migrate or otherwise change the file they inspect.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bot.storage.schema import MIGRATIONS

BUSY_TIMEOUT_MS = 5000


class OfflineError(Exception):
    """The file cannot be used; the message says why, in one line."""


@dataclass(frozen=True)
class Heartbeat:
    """The running bot's last sign of life."""

    beat_at: datetime
    pid: int
    host: str


def _read_only(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise OfflineError(f"no database at {path}")
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True,
                                     timeout=BUSY_TIMEOUT_MS / 1000)
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as error:
        raise OfflineError(f"cannot open the database {path}: {error}") from error
    return connection


def read_heartbeat(path: Path) -> Heartbeat | None:
    """The heartbeat row, None if the bot is not running (it clears the row when it stops);
    OfflineError if the database does not open."""
    connection = _read_only(path)
    try:
        row = connection.execute("SELECT beat_at, pid, host FROM heartbeat WHERE id = 1").fetchone()
    except sqlite3.OperationalError as error:  # a database the bot never ran against
        if "no such table" in str(error):
            return None
        raise OfflineError(f"cannot read the database {path}: {error}") from error
    finally:
        connection.close()
    return Heartbeat(datetime.fromisoformat(row[0]), int(row[1]), row[2]) if row else None


def check_file(path: Path) -> int:
    """Raise OfflineError unless `path` is an intact Kotobot database; returns its schema
    version. `PRAGMA integrity_check` reads every page, so a torn copy is caught."""
    connection = _read_only(path)
    try:
        result = [row[0] for row in connection.execute("PRAGMA integrity_check").fetchall()]
        if result != ["ok"]:
            raise OfflineError(f"{path} is damaged: {'; '.join(result[:3])}")
        tables = {row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        version = int(connection.execute("PRAGMA user_version").fetchone()[0])
    except sqlite3.DatabaseError as error:
        raise OfflineError(f"{path} is not a usable database: {error}") from error
    finally:
        connection.close()
    if not {"people", "answers", "rounds"} <= tables:
        raise OfflineError(f"{path} is not a Kotobot database")
    if version > len(MIGRATIONS):
        raise OfflineError(f"{path} comes from a newer Kotobot (schema {version}, this one "
                           f"knows {len(MIGRATIONS)})")
    return version


def online_backup(source: Path, target: Path) -> None:
    """Copy `source` into the new file `target` with SQLite's online backup API: a consistent
    snapshot even while the bot writes (WAL readers see every committed transaction). The
    copy is switched to a rollback journal so that it is one self-contained file."""
    if not source.is_file():
        raise OfflineError(f"no database at {source}")
    src = sqlite3.connect(source, timeout=BUSY_TIMEOUT_MS / 1000)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)  # pages=-1: the whole database in one step, under one read snapshot
        dst.execute("PRAGMA journal_mode=DELETE")
        _forget_heartbeat(dst)  # a copy is not a running bot
    except sqlite3.DatabaseError as error:
        raise OfflineError(f"backup of {source} failed: {error}") from error
    finally:
        dst.close()
        src.close()


def restore_into(backup: Path, database: Path) -> None:
    """Replace the content of `database` with `backup`, through the backup API so that the
    live file's WAL and shared-memory files stay consistent (copying the file over them
    would not)."""
    src = sqlite3.connect(backup)
    dst = sqlite3.connect(database, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        src.backup(dst)
        _forget_heartbeat(dst)
        dst.execute("PRAGMA journal_mode=WAL")
        dst.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.DatabaseError as error:
        raise OfflineError(f"restore into {database} failed: {error}") from error
    finally:
        dst.close()
        src.close()


def _forget_heartbeat(connection: sqlite3.Connection) -> None:
    try:
        connection.execute("DELETE FROM heartbeat")
        connection.commit()
    except sqlite3.OperationalError as error:  # a database from before the heartbeat existed
        if "no such table" not in str(error):
            raise


def record_audit(database: Path, at: datetime, action: str, detail: str) -> None:
    """An operator's action (a restore) in the audit log, by "the system" (no actor)."""
    connection = sqlite3.connect(database, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        with connection:
            connection.execute("INSERT INTO audit_log (at, actor_id, action, detail) VALUES (?, NULL, ?, ?)",
                               (at.astimezone(UTC).isoformat(timespec="seconds"), action, detail))
    except sqlite3.OperationalError as error:  # restored from before the audit log existed:
        if "no such table" not in str(error):  # the bot's migration adds it at start
            raise
    finally:
        connection.close()
