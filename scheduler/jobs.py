"""The thin JobQueue adapter: ask `planning` what is due, hand it to the outreach, sleep
until the next time.

Nothing is kept in memory between runs: at start-up `start()` schedules one tick at once
(the catch-up after downtime, which also re-sends what a crash left claimed but unsent; a
job, so that polling does not wait for it), after which the next wake-up is scheduled from
the rounds in the database. PTB's JobQueue runs the jobs with
`misfire_grace_time=None`, so a job that fires late (a busy loop, a suspended machine)
still runs instead of being silently skipped as with APScheduler's one-second default. A
slow heartbeat re-runs the tick as a safety net; the delivery ledger makes every extra tick
harmless.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from datetime import datetime, timedelta
from html import escape

from telegram.ext import Application, CallbackContext, Job

from bot.chat.coordination import (
    digest_ahead_text,
    digest_controls_keyboard,
    digest_controls_text,
    digest_sent_text,
    highlights_keyboard,
    highlights_text,
)
from bot.chat.keyboards import nudge_keyboard
from bot.domain.coordination import commented_units, is_low_response
from bot.domain.outreach import Delivery, Part, Recipient
from bot.domain.records import DeliveryState, Round
from bot.domain.reminding import FanOut, ReminderKind
from bot.i18n import Translator
from bot.services import Services
from bot.wording.labels import unit_name
from scheduler.planning import (
    RoundPlan,
    current_step,
    digest_ahead_time,
    digest_due,
    digest_time,
    ladder_key,
    missing_notice_time,
    next_wakeup,
    plan_of,
)

log = logging.getLogger(__name__)

HEARTBEAT = timedelta(minutes=30)
WAKE_JOB, HEARTBEAT_JOB, CATCH_UP_JOB = "kotobot-wakeup", "kotobot-heartbeat", "kotobot-catch-up"
JOB_OPTIONS = {"misfire_grace_time": None, "coalesce": True}


class Scheduling:
    """Owns the reminder and digest jobs of one Application."""

    def __init__(self, application: Application, services: Services) -> None:
        self.application = application
        self.services = services
        self._lock = asyncio.Lock()
        self.ticks_done = 0  # how many ticks have finished: lets a caller wait for one

    async def start(self) -> None:
        """Schedule the heartbeat and the catch-up tick, which runs as a job once the
        Application has started: after downtime on a reminder day it is a fan-out (≈33 s for
        1,000 contacts at Telegram's pace), and people's messages must not wait for it
        before polling starts. The job queue runs it off the update path and lets it finish
        when the bot stops."""
        queue = self.application.job_queue
        assert queue is not None, "install python-telegram-bot[job-queue]"
        queue.run_repeating(self._job, interval=HEARTBEAT, first=HEARTBEAT, name=HEARTBEAT_JOB,
                            job_kwargs=JOB_OPTIONS)
        queue.run_once(self._job, when=0, name=CATCH_UP_JOB, job_kwargs=JOB_OPTIONS)

    def stop(self) -> None:
        queue = self.application.job_queue
        if queue is not None:
            for job in queue.jobs():
                job.schedule_removal()

    async def reschedule(self, since: datetime | None = None) -> None:
        """Replace the wake-up job with one at the next planned time after `since` (the
        start of the tick just run, so that a time passed during a long tick is not
        skipped; by default now). The old job goes and the new one comes with no await in
        between, so two reschedules at once leave one wake-up."""
        queue = self.application.job_queue
        assert queue is not None
        services = self.services
        plans = [plan_of(r) for r in await services.storage.rounds()]
        now = services.clock()
        wakeup = next_wakeup(plans, since or now, services.settings.tz)
        for job in queue.get_jobs_by_name(WAKE_JOB):
            job.schedule_removal()
        if wakeup is not None:
            delay = max((wakeup - now).total_seconds(), 0.0)
            queue.run_once(self._job, when=delay, name=WAKE_JOB, job_kwargs=JOB_OPTIONS)

    def poke(self) -> Job:
        """Run a tick now through the job queue (used after the clock moves)."""
        queue = self.application.job_queue
        assert queue is not None
        return queue.run_once(self._job, when=0, job_kwargs=JOB_OPTIONS)

    async def _job(self, context: CallbackContext) -> None:  # type: ignore[type-arg]
        started = self.services.clock()
        try:
            await self.tick()
        finally:  # a failed tick (the error handler reports it) still leaves a wake-up
            if context.job is not None and context.job.name in (WAKE_JOB, CATCH_UP_JOB):
                await self.reschedule(since=started)

    async def tick(self) -> None:
        """Send whatever is due now and not yet sent. Safe to run any number of times."""
        async with self._lock:
            for round_ in await self.services.storage.rounds():
                await self._round_tick(round_)
                await self._digest_tick(round_)
            await self.services.finish_requested_reminders()
            self.ticks_done += 1

    async def _round_tick(self, round_: Round) -> None:
        services = self.services
        now, tz = services.clock(), services.settings.tz
        step = current_step(plan_of(round_), now, tz)
        if step is not None:
            kind = ReminderKind.OVERDUE if step.overdue else ReminderKind.BEFORE
            result = await services.remind(round_, ladder_key(round_, step.step), kind)
            await self._report_units_without_contact(round_, result)
            log.info("round %s step %s: sent %s, already %s, unreachable %s, failed %s",
                     round_.year, step.step, result.sent, result.already_sent,
                     result.unreachable, result.failed)
        if round_.is_open and now >= missing_notice_time(plan_of(round_), tz):
            await self._missing_units_notice(round_)

    async def _report_units_without_contact(self, round_: Round, result: FanOut) -> None:
        """Once per round (not at every step): how many units nobody could be reminded for."""
        units = result.units_without_contact
        if not units:
            return

        def text(tr: Translator) -> str:
            return tr.ngettext(
                "{count} unit has something to report for {year} but no contact person, so "
                "nobody there was reminded. /people lists them; /invite adds a contact.",
                "{count} units have something to report for {year} but no contact person, so "
                "nobody there was reminded. /people lists them; /invite adds a contact.",
                len(units)).format(count=len(units), year=round_.year)
        await self.services.tell_coordinators(text, key=f"no-contact:{round_.year}")

    async def _missing_units_notice(self, round_: Round) -> None:
        """After the deadline: one message to the coordinator listing who is missing."""
        services = self.services
        key = f"missing:{round_.year}"
        pending = await services.reporting.pending_units(round_)
        if not pending:
            return

        def text(tr: Translator) -> str:
            names = "\n".join(f"• {escape(unit_name(services.catalogue, u, tr))}" for u in pending)
            return tr.ngettext(
                "The deadline of round {year} has passed. {count} unit has not submitted:",
                "The deadline of round {year} has passed. {count} units have not submitted:",
                len(pending)).format(year=round_.year, count=len(pending)) + "\n" + names

        staffed = await services.coordination.contacts_by_unit()
        nobody = [u for u in pending if u not in staffed]  # the coordinator can report for them
        await services.tell_coordinators(
            text, lambda tr: nudge_keyboard(tr, round_.year, services.catalogue, nobody), key=key)

    async def _plan(self, round_: Round) -> RoundPlan:
        released = await self.services.coordination.digest_released_at(round_.year)
        return replace(plan_of(round_), released_at=released)

    async def _digest_tick(self, round_: Round) -> None:
        """Preview the digest to the coordinator ahead of time; then send it, once, to every
        council member who has not had it, and tell the coordinator how that went."""
        services = self.services
        if round_.imported:
            return  # a past year created to import into gets no digest of its own
        plan, now, tz = await self._plan(round_), services.clock(), services.settings.tz
        if not digest_due(plan, now, tz):
            if now >= digest_ahead_time(plan, tz):
                await self._digest_ahead(round_, plan)
            return
        key = f"digest:{round_.year}"
        complete = {chat for chat, state in (await services.storage.delivery_states(key)).items()
                    if state is DeliveryState.SENT}
        council = await services.storage.council_members()
        members = [m for m in council if m.reachable and m.telegram_id not in complete]
        if members:
            facts = await services.digest_facts(round_)
            parts_by_language: dict[str | None, list[Part]] = {}
            for member in members:
                if member.language not in parts_by_language:
                    parts_by_language[member.language] = await services.digest_parts(facts, member.language)
                outcome = await services.outreach.deliver_all(
                    key, Recipient(member.telegram_id, member.id), parts_by_language[member.language])
                if outcome is Delivery.NEWLY_BLOCKED:
                    await services.tell_blocked(member)
        elif complete or council:
            return  # went out on an earlier tick (the note below was told then)
        await self._digest_sent_note(round_.year)

    async def _digest_ahead(self, round_: Round, plan: RoundPlan) -> None:
        """The preview, with the response rate (flagged when low) and the controls."""
        services, tz = self.services, self.services.settings.tz
        when = digest_time(plan, tz)
        key = f"digest-ahead:{round_.year}:{when.date().isoformat()}"
        facts = await services.digest_facts(round_)
        reported = len(facts.round.submissions)
        expected = reported + len(await services.reporting.pending_units(round_))
        members = len(await services.storage.council_members())
        candidates = list(commented_units(facts.round.answers))

        async def parts(tr: Translator) -> list[Part]:
            intro = digest_ahead_text(tr, round_.year, tr.date(when.date()), members, reported,
                                      expected, is_low_response(reported, expected))
            choose = [Part(highlights_text(tr, round_.year, len(facts.chosen)),
                           markup=highlights_keyboard(services.catalogue, tr, round_.year,
                                                      candidates, list(facts.chosen)))
                      ] if candidates else []
            return [Part(intro), *await services.digest_parts(facts, tr.lang), *choose,
                    Part(digest_controls_text(tr, round_.year),
                         markup=digest_controls_keyboard(tr, round_.year))]
        await services.tell_coordinators_parts(key, parts)

    async def _digest_sent_note(self, year: int) -> None:
        """Once every reachable member has it: how many got it, and who could not."""
        services = self.services
        states = await services.storage.delivery_states(f"digest:{year}")
        council = await services.storage.council_members()
        if any(m.reachable and states.get(m.telegram_id) is not DeliveryState.SENT for m in council):
            return  # still going out (a retry is due)
        sent = sum(states.get(m.telegram_id) is DeliveryState.SENT for m in council)
        await services.tell_coordinators(
            lambda tr: digest_sent_text(tr, year, sent, len(council) - sent), key=f"digest-sent:{year}")
