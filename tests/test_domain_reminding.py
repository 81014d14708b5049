"""The reminder fan-out (`bot.domain.reminding`) over a real database, the real catalogue and
a scripted messenger: who is reminded, under which key, once a day at most; no HTTP server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from test_domain_outreach import ScriptedMessenger

from bot.catalogue.index import CatalogueIndex
from bot.domain.outreach import Outreach, Part, Sent
from bot.domain.records import Person, Role
from bot.domain.reminding import ReminderKind, remind
from bot.domain.reporting import Owed, Reporting
from bot.storage import Storage

HELSINKI = ZoneInfo("Europe/Helsinki")
NOW = datetime(2027, 1, 17, 8, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[Storage]:
    storage = await Storage.open(tmp_path / "k.sqlite3")
    await storage.open_round(2026, date(2027, 1, 31), (14, 7, 1), NOW)
    yield storage
    await storage.close()


async def contact(storage: Storage, telegram_id: int, unit_id: str) -> Person:
    person = await storage.ensure_person(telegram_id, f"P{telegram_id}", "fi", NOW)
    await storage.grant(person.id, Role.CONTACT, unit_id, NOW)
    return person


def compose(person: Person, unit_id: str, owed: Owed) -> Part:
    return Part(f"{unit_id}: {owed.answered}/{owed.asked}")


async def fan_out(index: CatalogueIndex, storage: Storage, messenger: ScriptedMessenger,
                  clock: Clock, step: str, kind: ReminderKind = ReminderKind.BEFORE,
                  also: tuple[str, ...] = ()):
    reporting = Reporting(index, storage, HELSINKI, clock)
    round_ = await storage.round(2026)
    assert round_ is not None
    outreach = Outreach(storage, messenger, clock, "run")
    return await remind(reporting, storage, outreach, round_, step, kind, compose, HELSINKI, also)


async def test_every_contact_of_a_pending_unit_is_reminded_once_per_step(index, storage) -> None:
    await contact(storage, 20, "welcome-office")
    await contact(storage, 21, "welcome-office")
    messenger, clock = ScriptedMessenger(), Clock()
    first = await fan_out(index, storage, messenger, clock, "14@2027-01-31")
    again = await fan_out(index, storage, messenger, clock, "14@2027-01-31")
    assert (first.sent, again.sent, again.already_sent) == (2, 0, 2)
    assert sorted(chat for chat, _ in messenger.sent) == [20, 21]
    assert "employment-ecosystem" in first.units_without_contact  # nobody to remind there


async def test_one_reminder_a_day_even_when_a_manual_send_and_a_step_meet(index, storage) -> None:
    await contact(storage, 20, "welcome-office")
    messenger, clock = ScriptedMessenger(), Clock()
    manual = await fan_out(index, storage, messenger, clock, "manual:2027-01-17", also=("7@x",))
    step = await fan_out(index, storage, messenger, clock, "7@x")  # the step /remind covered
    other = await fan_out(index, storage, messenger, clock, "1@x")  # another step, same day
    assert (manual.sent, step.sent, other.sent, other.already_sent) == (1, 0, 0, 1)
    clock.now = datetime(2027, 1, 18, 8, tzinfo=UTC)
    assert (await fan_out(index, storage, messenger, clock, "1@x")).sent == 0  # already recorded
    assert (await fan_out(index, storage, messenger, clock, "-3@x")).sent == 1  # a new day


async def test_a_blocked_contact_is_counted_and_named_once(index, storage) -> None:
    aino = await contact(storage, 20, "welcome-office")
    messenger, clock = ScriptedMessenger(Sent.BLOCKED), Clock()
    first = await fan_out(index, storage, messenger, clock, "14@x")
    assert first.unreachable == 1 and [p.id for p in first.newly_blocked] == [aino.id]
    later = await fan_out(index, storage, messenger, ClockAt(2027, 1, 24), "7@x")
    assert later.unreachable == 1 and later.newly_blocked == []  # skipped: known unreachable


async def test_a_passing_fault_is_retried_at_the_next_tick(index, storage) -> None:
    await contact(storage, 20, "welcome-office")
    messenger, clock = ScriptedMessenger(Sent.RETRY_LATER), Clock()
    assert (await fan_out(index, storage, messenger, clock, "14@x")).failed == 1
    assert (await fan_out(index, storage, messenger, clock, "14@x")).sent == 1
    assert [chat for chat, _ in messenger.sent] == [20]


def ClockAt(year: int, month: int, day: int) -> Clock:
    clock = Clock()
    clock.now = datetime(year, month, day, 8, tzinfo=UTC)
    return clock
