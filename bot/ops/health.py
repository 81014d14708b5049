"""Is the bot alive? The running bot writes a heartbeat row every minute; `kotobot health`
(Docker's HEALTHCHECK, a monitoring probe) reads it.

The heartbeat lives in the database rather than in a file so that one check covers both
"the process is alive" and "the database opens", and so that a backup or restore sees the
same truth the bot does. The bot removes the row when it stops cleanly; a crashed bot's
row goes stale, and on the same host a dead process id gives it away at once.
"""

from __future__ import annotations

import os
import socket
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.storage.offline import Heartbeat, OfflineError, read_heartbeat

BEAT_EVERY = timedelta(minutes=1)
STALE_AFTER = timedelta(minutes=3)
"""Three missed beats: a busy minute is not an outage."""


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, but another user's (systemd's DynamicUser)
        return True
    return True


def judge(beat: Heartbeat | None, now: datetime, host: str,
          stale_after: timedelta = STALE_AFTER) -> str | None:
    """None if the bot looks alive, otherwise one line saying what is wrong."""
    if beat is None:
        return "the bot is not running (no heartbeat)"
    age = now - beat.beat_at
    if beat.host == host and not _process_alive(beat.pid):
        return f"the bot is not running (process {beat.pid} is gone)"
    if age > stale_after:
        return (f"the heartbeat is stale: last beat {int(age.total_seconds())} s ago "
                f"(limit {int(stale_after.total_seconds())} s)")
    return None


def check(database: Path, stale_after: timedelta = STALE_AFTER,
          now: datetime | None = None) -> str | None:
    """The whole health check: the database opens and the heartbeat is fresh."""
    try:
        beat = read_heartbeat(database)
    except OfflineError as error:
        return str(error)
    return judge(beat, now or datetime.now(UTC), socket.gethostname(), stale_after)


def running(database: Path) -> Heartbeat | None:
    """The live bot's heartbeat if one is running against `database` (restore refuses then)."""
    try:
        beat = read_heartbeat(database)
    except OfflineError:
        return None
    if beat is None or judge(beat, datetime.now(UTC), socket.gethostname()) is not None:
        return None
    return beat
