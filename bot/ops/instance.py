"""One bot per database: `kotobot run` holds an exclusive lock on `<database>.lock`.

Why: two bots on one file would both poll Telegram (each getting 409 Conflict half the
time), answer some messages twice and race over the same report positions. The lock is an
`fcntl.flock` on a file next to the database, so the kernel drops it when the process dies,
even by kill -9: a restarted bot never finds a stale lock.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO


class AlreadyRunning(Exception):
    """Another process holds the lock."""


def lock_path(database: Path) -> Path:
    return database.with_name(database.name + ".lock")


def hold_instance_lock(database: Path) -> IO[bytes]:
    """Take the lock for `database` and return the open file that holds it (keep it open for
    as long as the bot runs). Raises AlreadyRunning if another process has it."""
    path = lock_path(database)
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)
        os.chmod(path.parent, 0o700)  # mkdir's mode is filtered by the umask
    handle = os.fdopen(os.open(path, os.O_RDWR | os.O_CREAT, 0o600), "r+b")
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise AlreadyRunning(str(path)) from None
    handle.truncate(0)
    handle.write(f"{os.getpid()}\n".encode())
    handle.flush()
    return handle
