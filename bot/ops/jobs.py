"""The bot's own housekeeping jobs: heartbeat every minute, retention daily, backup nightly.

Registered on PTB's JobQueue beside the reminder jobs (`scheduler.jobs`). The heartbeat uses
wall-clock time because it tells the operator that this process is alive; retention and
backup names use the bot's clock, so tests can move time.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from telegram.ext import Application, CallbackContext

from bot.ops.backup import make_backup, prune
from bot.ops.health import BEAT_EVERY
from bot.ops.retention import RetentionResult, apply_retention
from bot.services import Services

log = logging.getLogger(__name__)

BACKUP_AT = time(2, 30)
RETENTION_AT = time(3, 15)
RETENTION_AFTER_START = timedelta(minutes=10)
"""A bot that was down at 03:15 still runs retention the same day."""
JOB_OPTIONS = {"misfire_grace_time": None, "coalesce": True}


class OpsJobs:
    """Owns the housekeeping jobs of one Application (kept in `bot_data["ops"]`)."""

    def __init__(self, application: Application, services: Services) -> None:
        self.application = application
        self.services = services

    async def start(self) -> None:
        queue = self.application.job_queue
        assert queue is not None, "install python-telegram-bot[job-queue]"
        tz = self.services.settings.tz
        await self.beat()  # healthy from the first second, not after a minute
        queue.run_repeating(self._beat_job, interval=BEAT_EVERY, first=BEAT_EVERY,
                            name="kotobot-heartbeat-ops", job_kwargs=JOB_OPTIONS)
        queue.run_daily(self._retention_job, time=RETENTION_AT.replace(tzinfo=tz),
                        name="kotobot-retention", job_kwargs=JOB_OPTIONS)
        queue.run_once(self._retention_job, when=RETENTION_AFTER_START, job_kwargs=JOB_OPTIONS)
        if self.services.settings.backup_dir is not None:
            queue.run_daily(self._backup_job, time=BACKUP_AT.replace(tzinfo=tz),
                            name="kotobot-backup", job_kwargs=JOB_OPTIONS)

    async def stop(self) -> None:
        """A clean stop says so at once: `kotobot health` reports "not running"."""
        await self.services.storage.stop_beating(os.getpid())

    async def beat(self) -> None:
        await self.services.storage.beat(datetime.now(UTC), os.getpid(), socket.gethostname())

    async def retention(self) -> RetentionResult:
        return await apply_retention(self.services.storage, self.services.settings,
                                     self.services.clock())

    async def nightly_backup(self) -> Path:
        """A checked copy into KOTOBOT_BACKUP_DIR, keeping the newest KOTOBOT_BACKUP_KEEP."""
        settings = self.services.settings
        assert settings.backup_dir is not None
        folder = settings.backup_dir
        path = await asyncio.to_thread(make_backup, settings.database, None, folder,
                                       self.services.clock())
        removed = await asyncio.to_thread(prune, folder, settings.backup_keep)
        log.info("backup written: %s (%d older removed)", path.name, len(removed))
        return path

    async def _beat_job(self, context: CallbackContext) -> None:  # type: ignore[type-arg]
        await self.beat()

    async def _retention_job(self, context: CallbackContext) -> None:  # type: ignore[type-arg]
        await self.retention()

    async def _backup_job(self, context: CallbackContext) -> None:  # type: ignore[type-arg]
        try:
            await self.nightly_backup()
        except Exception:  # a failed backup must not stop the bot; the operator sees the log
            log.exception("nightly backup failed")
