"""The thin jobs: ask `planning` what is due, send it, record it, sleep until the next time.

Nothing is kept in memory between runs: at start-up `start()` runs one tick (which is the
catch-up after downtime) and schedules the next wake-up from the rounds in the database.
PTB's JobQueue runs the jobs with `misfire_grace_time=None`, so a job that fires late (a
busy loop, a suspended machine) still runs instead of being silently skipped as with
APScheduler's one-second default. A slow heartbeat re-runs the tick as a safety net; the
database's claims make every extra tick harmless.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.ext import Application, CallbackContext, Job

from bot import callbacks
from bot.callbacks import pack
from bot.i18n import Translator
from bot.notices import ReminderKind, tell_coordinators
from bot.services import Services
from bot.storage import Round
from bot.views import unit_name
from scheduler.planning import current_step, missing_notice_time, next_wakeup
from scheduler.reminders import FanOut, ladder_key, plan_of, send_reminders

log = logging.getLogger(__name__)

HEARTBEAT = timedelta(minutes=30)
WAKE_JOB, HEARTBEAT_JOB = "kotobot-wakeup", "kotobot-heartbeat"
JOB_OPTIONS = {"misfire_grace_time": None, "coalesce": True}


class Scheduling:
    """Owns the reminder and digest jobs of one Application."""

    def __init__(self, application: Application, services: Services) -> None:
        self.application = application
        self.services = services
        self._lock = asyncio.Lock()
        self.ticks_done = 0  # how many ticks have finished: lets a caller wait for one
        self.extra_ticks: list[Callable[[], Awaitable[None]]] = []
        """Further once-only duties run on every tick (the council digest hooks in here)."""

    async def start(self) -> None:
        queue = self.application.job_queue
        assert queue is not None, "install python-telegram-bot[job-queue]"
        queue.run_repeating(self._job, interval=HEARTBEAT, first=HEARTBEAT, name=HEARTBEAT_JOB,
                            job_kwargs=JOB_OPTIONS)
        await self.tick()
        await self.reschedule()

    def stop(self) -> None:
        queue = self.application.job_queue
        if queue is not None:
            for job in queue.jobs():
                job.schedule_removal()

    async def reschedule(self) -> None:
        """Replace the wake-up job with one at the next planned time (after rounds change)."""
        queue = self.application.job_queue
        assert queue is not None
        for job in queue.get_jobs_by_name(WAKE_JOB):
            job.schedule_removal()
        services = self.services
        now = services.clock()
        plans = [plan_of(r) for r in await services.storage.rounds()]
        wakeup = next_wakeup(plans, now, services.settings.tz)
        if wakeup is not None:
            delay = max((wakeup - now).total_seconds(), 0.0)
            queue.run_once(self._job, when=delay, name=WAKE_JOB, job_kwargs=JOB_OPTIONS)

    def poke(self) -> Job:
        """Run a tick now through the job queue (used after the clock moves)."""
        queue = self.application.job_queue
        assert queue is not None
        return queue.run_once(self._job, when=0, job_kwargs=JOB_OPTIONS)

    async def _job(self, context: CallbackContext) -> None:  # type: ignore[type-arg]
        await self.tick()
        if context.job is not None and context.job.name == WAKE_JOB:
            await self.reschedule()

    async def tick(self) -> None:
        """Send whatever is due now and not yet sent. Safe to run any number of times."""
        async with self._lock:
            services = self.services
            for round_ in await services.storage.rounds():
                await self._round_tick(round_)
            for duty in self.extra_ticks:
                await duty()
            self.ticks_done += 1

    async def _round_tick(self, round_: Round) -> None:
        services, bot = self.services, self.application.bot
        now, tz = services.clock(), services.settings.tz
        step = current_step(plan_of(round_), now, tz)
        if step is not None:
            kind = ReminderKind.OVERDUE if step.overdue else ReminderKind.BEFORE
            result = await send_reminders(bot, services, round_, ladder_key(round_, step.step), kind)
            await self._report_units_without_contact(round_, ladder_key(round_, step.step), result)
            log.info("round %s step %s: %s", round_.year, step.step, result)
        if round_.is_open and now >= missing_notice_time(plan_of(round_), tz):
            await self._missing_units_notice(round_)

    async def _report_units_without_contact(self, round_: Round, step: str, result: FanOut) -> None:
        """Once per round (not at every step): how many units nobody could be reminded for."""
        units = result.units_without_contact or []
        if not units or not await self._claim_for_coordinators("no-contact", round_.year):
            return

        def text(tr: Translator) -> str:
            return tr.ngettext(
                "{count} unit has something to report for {year} but no contact person, so "
                "nobody there was reminded. /people lists them; /invite adds a contact.",
                "{count} units have something to report for {year} but no contact person, so "
                "nobody there was reminded. /people lists them; /invite adds a contact.",
                len(units)).format(count=len(units), year=round_.year)
        await tell_coordinators(self.application.bot, self.services, text)

    async def _missing_units_notice(self, round_: Round) -> None:
        """After the deadline: one message to the coordinator listing who is missing."""
        services = self.services
        pending = await services.reporting.pending_units(round_)
        if not pending or not await self._claim_for_coordinators("missing", round_.year):
            return

        def text(tr: Translator) -> str:
            names = "\n".join(f"• {escape(unit_name(services.catalogue, u, tr))}" for u in pending)
            return tr.ngettext(
                "The deadline of round {year} has passed. {count} unit has not submitted:",
                "The deadline of round {year} has passed. {count} units have not submitted:",
                len(pending)).format(year=round_.year, count=len(pending)) + "\n" + names

        def markup(tr: Translator) -> InlineKeyboardMarkup:
            return InlineKeyboardMarkup([[InlineKeyboardButton(
                tr.gettext("Nudge them all now"), callback_data=pack(callbacks.NUDGE_ALL, round_.year))]])
        await tell_coordinators(self.application.bot, services, text, markup, ParseMode.HTML)

    async def _claim_for_coordinators(self, kind: str, year: int) -> bool:
        """Claim a once-only coordinator notice (recorded under person id 0: 'the coordinators')."""
        return await self.services.storage.claim_notice(kind, year, 0, self.services.clock())
