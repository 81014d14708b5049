"""Reminding: every contact of every unit with pending work, once per ladder step, through
the one delivery function (`outreach`), with at most one reminder a day per person.

What the reminder says is the caller's (`compose`, from the chat package): the core decides
who is reminded, under which key, and counts what happened.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.outreach import Delivery, Outreach, Part, Recipient
from bot.domain.ports import ReportStore
from bot.domain.records import Person, Round
from bot.domain.reporting import Owed, Reporting


class ReminderKind(StrEnum):
    OPENED = "opened"  # the round has just opened
    BEFORE = "before"  # a ladder step before the deadline
    OVERDUE = "overdue"  # a chaser after it


def reminder_key(round_: Round, unit_id: str, step_key: str) -> str:
    return f"reminder:{round_.year}:{unit_id}:{step_key}"


@dataclass
class FanOut:
    """What one fan-out did, for the coordinator's answer and for logs."""

    sent: int = 0
    already_sent: int = 0
    unreachable: int = 0
    failed: int = 0  # passing faults: retried at the next tick
    unknown: int = 0  # timed out: may have arrived, not sent again
    units_without_contact: list[str] = field(default_factory=list)
    newly_blocked: list[Person] = field(default_factory=list)


Compose = Callable[[Person, str, Owed], Part]
"""(person, unit id, what the unit owes) → the reminder in the person's language."""

Progress = Callable[[int, int], object]
"""(people handled, people in all): a fan-out reports how far it is."""

SENDERS = 8
"""Reminders in flight at once. One sender leaves the pacer's slots idle while it records
each reminder in the ledger and waits for Telegram's answer; a few keep every slot used
(the ledger's claims and settlements of senders in flight share commits, see
`bot.storage.db`). The pace itself stays the messenger's pacer's, shared by all."""


async def remind(reporting: Reporting, store: ReportStore, outreach: Outreach, round_: Round,
                 step_key: str, kind: ReminderKind, compose: Compose, tz: ZoneInfo,
                 also_claims: tuple[str, ...] = (), progress: Progress | None = None) -> FanOut:
    """Remind every contact of every unit that has not submitted `round_`, once per
    `step_key`. `also_claims` are further step keys counted as sent with it (a manual
    /remind covers the scheduled step of the same day)."""
    result = FanOut()
    contacts: dict[str, list[Person]] = {}
    for unit_id, person in await store.contacts():
        contacts.setdefault(unit_id, []).append(person)
    work: list[tuple[str, Owed, Person]] = []
    for unit_id, owed in (await reporting.owed(round_)).items():
        if not contacts.get(unit_id):
            result.units_without_contact.append(unit_id)
        work += [(unit_id, owed, person) for person in contacts.get(unit_id, [])]
    queue = iter(work)
    done = 0

    async def sender() -> None:
        nonlocal done
        for unit_id, owed, person in queue:  # shared: each item goes to one sender
            await _remind_one(reporting, outreach, round_, unit_id, owed, person, step_key,
                              kind, compose, tz, also_claims, result)
            done += 1
            if progress is not None:
                progress(done, len(work))

    async with asyncio.TaskGroup() as senders:
        for _ in range(min(SENDERS, len(work))):
            senders.create_task(sender())
    return result


async def _remind_one(reporting: Reporting, outreach: Outreach, round_: Round, unit_id: str,
                      owed: Owed, person: Person, step_key: str, kind: ReminderKind,
                      compose: Compose, tz: ZoneInfo, also_claims: tuple[str, ...],
                      result: FanOut) -> None:
    if not person.reachable:
        result.unreachable += 1
        return
    to = Recipient(person.telegram_id, person.id)
    key = reminder_key(round_, unit_id, step_key)
    extra = [reminder_key(round_, unit_id, other) for other in also_claims]
    now: datetime = reporting.clock()
    start_of_day = datetime.combine(now.astimezone(tz).date(), time(0), tzinfo=tz)
    if kind is not ReminderKind.OPENED and await outreach.ledger.delivered_since(
            reminder_key(round_, unit_id, ""), to.chat_id, start_of_day, [key]):
        # one reminder a day is enough: /remind and a ladder step meeting count as one
        await outreach.record_as_sent(key, to)
        result.already_sent += 1
        return
    outcome = await outreach.deliver(key, to, compose(person, unit_id, owed))
    if outcome is Delivery.SENT:
        result.sent += 1
        for other in extra:
            await outreach.record_as_sent(other, to)
    elif outcome in (Delivery.ALREADY, Delivery.IN_FLIGHT):
        result.already_sent += 1
    elif outcome in (Delivery.BLOCKED, Delivery.NEWLY_BLOCKED):
        result.unreachable += 1
        if outcome is Delivery.NEWLY_BLOCKED:
            result.newly_blocked.append(person)
    elif outcome is Delivery.UNKNOWN:
        result.unknown += 1
    else:
        result.failed += 1
