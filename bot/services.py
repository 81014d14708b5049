"""What every handler and job needs, owned by the Application (PTB's `bot_data`).

Built once in `build_application` (following PTB's examples: resources created at build,
opened in `post_init`, closed in `post_shutdown`). The clock is injectable so that tests can
move time without sleeping. Outreach the handlers and jobs share (telling coordinators, a
reminder fan-out, the digest's parts) lives here, so that neither reaches into the other.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from html import escape
from typing import Protocol

from telegram.ext import CallbackContext, ExtBot

from bot.catalogue.index import CatalogueIndex
from bot.chat.digest import DigestFacts, render_digest
from bot.chat.notices import cut_short_text, finished_after_restart_text, reminder_composer
from bot.config import Settings
from bot.domain.access import Viewer
from bot.domain.coordination import Coordination
from bot.domain.importing import Importer
from bot.domain.outreach import Delivery, Outreach, Part, Recipient
from bot.domain.people import People
from bot.domain.records import DeliveryState, Person, Round
from bot.domain.reminding import FanOut, Progress, ReminderKind, remind
from bot.domain.reporting import Reporting
from bot.domain.rounds_admin import Rounds
from bot.domain.summary import Summary, load_round_data, round_summary
from bot.i18n import Translator, Translators
from bot.storage import Storage

log = logging.getLogger(__name__)


def system_clock() -> datetime:
    return datetime.now(UTC)


class Rescheduler(Protocol):
    async def reschedule(self) -> None: ...
    def poke(self) -> object: ...


TextFor = Callable[[Translator], str]
MarkupFor = Callable[[Translator], object]


@dataclass
class Services:
    """The handlers' and jobs' single way to reach resources."""

    settings: Settings
    catalogue: CatalogueIndex
    translators: Translators
    storage: Storage
    reporting: Reporting
    people: People
    rounds: Rounds
    imports: Importer
    outreach: Outreach
    clock: Callable[[], datetime] = system_clock
    scheduling: Rescheduler | None = None
    bot_username: str = ""
    boot: str = field(default_factory=lambda: uuid.uuid4().hex)

    @property
    def coordination(self) -> Coordination:
        """The coordinator's use cases (confirmations, the digest's controls)."""
        return Coordination(self.storage, self.clock)

    async def viewer_of(self, telegram_id: int) -> Viewer:
        """Who someone is and what roles they hold, outside an update of theirs."""
        person = await self.storage.person_by_telegram(telegram_id)
        grants = await self.storage.grants_of(person.id) if person else []
        return Viewer.of(telegram_id, person, grants, self.settings.coordinators)

    async def people_with_roles(self) -> set[int]:
        """Telegram ids of every coordinator, contact and council member."""
        ids = set(self.settings.coordinators)
        ids |= {p.telegram_id for _, p in await self.storage.contacts() if p.telegram_id > 0}
        ids |= {p.telegram_id for p in await self.storage.council_members() if p.telegram_id > 0}
        return ids

    async def tell_coordinators(self, text: TextFor, markup: MarkupFor | None = None,
                                key: str | None = None) -> int:
        """A note to each coordinator in their own language, through the one delivery
        function. `key` makes it a once-only notice; returns how many got it."""
        key = key or f"note:{uuid.uuid4().hex}"
        if key and (await self.storage.delivery_states(key)).get(0) is DeliveryState.SENT:
            return 0  # recorded for "the coordinators" as a whole by an earlier version
        known = {p.telegram_id: p for p in
                 await self.storage.people_by_telegram_ids(self.settings.coordinators)}
        delivered = 0
        for telegram_id in sorted(self.settings.coordinators):
            person = known.get(telegram_id)
            tr = self.translators[person.language if person else None]
            outcome = await self.outreach.deliver(
                key, Recipient(telegram_id, person.id if person else None),
                Part(text(tr), markup=markup(tr) if markup else None))
            delivered += outcome is Delivery.SENT
        return delivered

    async def tell_coordinators_parts(
            self, key: str, parts: Callable[[Translator], Awaitable[list[Part]]]) -> int:
        """A message in several parts (the digest's preview) to each coordinator once under
        `key`; parts are rendered only for coordinators who have not had them yet."""
        known = {p.telegram_id: p for p in
                 await self.storage.people_by_telegram_ids(self.settings.coordinators)}
        settled = await self.storage.delivery_states(key)
        delivered = 0
        for telegram_id in sorted(self.settings.coordinators):
            if settled.get(telegram_id) not in (None, DeliveryState.CLAIMED):
                continue
            person = known.get(telegram_id)
            tr = self.translators[person.language if person else None]
            outcome = await self.outreach.deliver_all(
                key, Recipient(telegram_id, person.id if person else None), await parts(tr))
            delivered += outcome is Delivery.SENT
        return delivered

    async def remind(self, round_: Round, step_key: str, kind: ReminderKind,
                     also_claims: tuple[str, ...] = (),
                     progress: Progress | None = None) -> FanOut:
        """Remind every pending unit's contacts; the coordinator hears once of anyone who
        has blocked the bot."""
        result = await remind(self.reporting, self.storage, self.outreach, round_, step_key, kind,
                              reminder_composer(self.catalogue, self.translators, round_, kind,
                                                self.clock().astimezone(self.settings.tz).date()),
                              self.settings.tz, also_claims, progress)
        for person in result.newly_blocked:
            await self.tell_blocked(person)
        return result

    async def remind_on_request(self, round_: Round, step_key: str, kind: ReminderKind,
                                also_claims: tuple[str, ...] = (),
                                progress: Progress | None = None) -> FanOut:
        """A reminder round someone asked for (/remind): written down while it runs, so
        that one a crash or a stop cuts short is finished at the next start
        (`finish_requested_reminders`)."""
        token = uuid.uuid4().hex
        await self.storage.begin_requested_reminder(round_.year, step_key, kind.value,
                                                    also_claims, self.boot, token, self.clock())
        result = await self.remind(round_, step_key, kind, also_claims, progress)
        await self.storage.end_requested_reminder(token)
        return result

    async def finish_requested_reminders(self) -> int:
        """Finish the reminder rounds an earlier run left under way on this same day (the
        ledger skips everyone they reached), and tell the coordinators; returns how many
        were finished. One from an earlier day is not finished (its wording and its
        once-a-day key belong to that day): the coordinators hear that it was cut short.
        One whose round has closed is only crossed out. A failure leaves the request for
        the next tick (the error is logged), and tomorrow it is an earlier day's."""
        tz = self.settings.tz
        today = self.clock().astimezone(tz).date()
        finished = 0
        for request in await self.storage.requested_reminders_left(self.boot):
            round_ = await self.storage.round(request.year)
            day = request.started_at.astimezone(tz).date()
            note = f"reminders-cut:{request.token}"
            try:
                if round_ is not None and round_.is_open and day == today:
                    result = await self.remind(round_, request.step_key,
                                               ReminderKind(request.kind), request.also)
                    await self.tell_coordinators(
                        partial(finished_after_restart_text, result=result), key=note)
                    finished += 1
                elif round_ is not None and round_.is_open:
                    await self.tell_coordinators(partial(cut_short_text, day=day), key=note)
                await self.storage.end_requested_reminder(request.token)
            except Exception:  # the next tick tries again; the others go on
                log.exception("could not finish the reminder round of %s", day.isoformat())
        return finished

    async def tell_blocked(self, person: Person) -> None:
        """Once per person and day (a stable key: retried after a passing fault)."""
        name = person.name or str(person.telegram_id)
        day = self.clock().astimezone(self.settings.tz).date().isoformat()
        await self.tell_coordinators(lambda t: t.gettext(
            "{name} has blocked Kotobot and can no longer be reminded. Please find another "
            "contact person for their unit, or ask them to unblock the bot.").format(name=escape(name)),
            key=f"blocked:{person.id}:{day}")

    async def summary(self, round_: Round, theme_id: str | None = None,
                      unit_id: str | None = None) -> Summary:
        """The round's summary for /summary (its text and chart), read cheaply: see
        `round_summary`. The workbook and the digest need every answer (`round_data`)."""
        return await round_summary(self.storage, self.catalogue, round_, theme_id, unit_id)

    async def digest_facts(self, round_: Round) -> DigestFacts:
        programme = self.catalogue.programme
        answers = None
        if round_.year >= programme.end:
            answers = await self.storage.answers_of_years(range(programme.start, programme.end + 1))
        return DigestFacts(await load_round_data(self.storage, round_),
                           await self.storage.people_names(), answers,
                           {r.year for r in await self.storage.rounds()},
                           tuple(await self.coordination.highlights(round_.year)),
                           frozenset(await self.coordination.on_behalf(round_.year)))

    async def digest_parts(self, facts: DigestFacts, language: str | None) -> list[Part]:
        """The digest in one language; drawn in a worker thread so nobody waits for it."""
        return await asyncio.to_thread(render_digest, self.catalogue, facts,
                                       self.translators[language], self.settings.tz)


class KotobotContext(CallbackContext[ExtBot[None], dict, dict, dict]):  # type: ignore[type-arg]
    """PTB's context plus typed access to our services and the viewer of this update.

    PTB builds one context per update and hands it to every handler group in turn, so the
    viewer resolved by the authorization group is there for the handlers after it.
    """

    viewer: Viewer | None = None
    first_contact: bool = False  # the person wrote to the bot for the first time

    @property
    def services(self) -> Services:
        services: Services = self.application.bot_data["services"]
        return services

    @property
    def me(self) -> Viewer:
        assert self.viewer is not None, "authorization group did not run"
        return self.viewer

    @property
    def tr(self) -> Translator:
        return self.services.translators[self.viewer.language if self.viewer else None]
