"""End to end: a fan-out runs in the background. While /remind goes out to many contacts,
another contact's /status is answered before the fan-out ends, and the coordinator's one
progress message is edited as it goes and ends with the final count."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from fake_telegram import FakeTelegram, FakeUser
from harness import COORDINATOR_ID, Clock, make_settings, running_bot, services_of
from test_e2e_report import join, open_round

from bot.domain.records import DeliveryState, Role, Round
from bot.domain.reminding import reminder_key
from bot.storage import Storage

MANY = 120
"""At Telegram's 30 messages a second this fan-out takes about four seconds."""


async def seed_contacts(tg: FakeTelegram, application: object, clock: Clock, count: int,
                        first_id: int = 5000) -> tuple[Round, list[str], list[FakeUser]]:
    """`count` contacts of the open round's pending units, a unit each in turn, registered
    as /start CODE would: the round, their units and the users."""
    services = services_of(application)  # type: ignore[arg-type]
    round_ = await services.storage.round(2026)
    assert round_ is not None
    pending = sorted(await services.reporting.pending_units(round_))
    units, users = [], []
    for n in range(count):
        unit, user = pending[n % len(pending)], tg.user(first_id + n, first_name=f"C{n}",
                                                         language_code="en")
        person = await services.storage.ensure_person(user.id, f"C{n}", "en", clock())
        await services.storage.grant(person.id, Role.CONTACT, unit, clock())
        units.append(unit)
        users.append(user)
    return round_, units, users


async def answered_during_fan_out(tg: FakeTelegram, asker: FakeUser, command: str, says: str,
                                  contacts: list[FakeUser]) -> None:
    """`command` from `asker` gets its reply (the one saying `says`) while some of
    `contacts` are still waiting for their reminder."""
    await tg.next_reply(contacts[0], timeout=30)  # the fan-out is under way
    await tg.send(asker, command)
    reply = await tg.next_reply(asker, timeout=30)
    while says not in reply.plain or reply.button_texts() == ["Start the report"]:
        reply = await tg.next_reply(asker, timeout=30)  # its own reminder may come first
    still_waiting = [user for user in contacts if not tg.messages(user)]
    assert still_waiting, f"the fan-out ended before {command} was answered"


async def test_status_is_answered_while_remind_fans_out_and_progress_ends_in_the_count(
        tg: FakeTelegram, bot: object, clock: Clock) -> None:
    await open_round(tg)
    office = await join(tg, 20, "welcome-office", name="Aino")
    storage = services_of(bot).storage  # type: ignore[arg-type]
    _, _, contacts = await seed_contacts(tg, bot, clock, MANY)
    coordinator = tg.user(COORDINATOR_ID)
    await tg.wait_idle()
    tg.drain(coordinator)

    await tg.send(coordinator, "/remind")
    started = await tg.next_reply(coordinator)
    assert not started.edited and "Muistutan" in started.plain  # told at once that it started
    await answered_during_fan_out(tg, office, "/status", "Welcome Office", contacts)
    progress = next(m for m in tg.messages(coordinator) if m.message_id == started.message_id)
    assert "Lähetetty" not in progress.plain

    await tg.wait_idle(timeout=30)
    assert all(tg.messages(user) for user in contacts)  # everyone got their reminder
    edits = [m for m in tg.drain(coordinator) if m.message_id == started.message_id]
    counts = [m.plain for m in edits if re.search(rf"\d+/{MANY + 1} ", m.plain)]
    assert counts, [m.plain for m in edits]  # "57/121 yhteyshenkilöä käsitelty…" on the way
    final = next(m for m in tg.messages(coordinator) if m.message_id == started.message_id)
    assert final.plain.startswith(f"Lähetetty {MANY + 1} muistutusta."), final.plain
    assert await storage.requested_reminders_left("") == []  # finished: nothing to resume


async def test_after_a_restart_on_a_reminder_day_people_are_answered_during_the_catch_up(
        tg: FakeTelegram, clock: Clock, database: Path) -> None:
    """The catch-up tick at start-up is a fan-out when the bot was down on a reminder day;
    it runs as a job, so a message that comes in meanwhile is answered before it ends."""
    settings = make_settings(tg, database)
    tg.user(COORDINATOR_ID, first_name="Hanna", language_code="fi")
    async with running_bot(settings, clock) as application:
        await open_round(tg)
        office = await join(tg, 20, "welcome-office", name="Aino")
        _, _, contacts = await seed_contacts(tg, application, clock, MANY)
        await tg.wait_idle()
    tg.drain(office)
    clock.set(datetime(2027, 1, 15, 10, tzinfo=ZoneInfo("Europe/Helsinki")))  # a ladder step
    async with running_bot(settings, clock):
        await answered_during_fan_out(tg, office, "/help", "/report", contacts)
        await tg.wait_idle(timeout=30)
        assert all(tg.messages(user) for user in contacts)  # nobody was skipped


async def test_a_remind_cut_short_by_a_crash_is_finished_at_the_next_start(
        tg: FakeTelegram, clock: Clock, database: Path) -> None:
    """/remind is written down while it runs. What a crashed run leaves (the request, four
    contacts reached, one send under way) is finished by the next run: the rest get their
    reminder, nobody gets two, and the coordinator is told."""
    settings = make_settings(tg, database)
    coordinator = tg.user(COORDINATOR_ID, first_name="Hanna", language_code="fi")
    async with running_bot(settings, clock) as application:
        await open_round(tg)
        round_, units, contacts = await seed_contacts(tg, application, clock, 12, 6000)
        await tg.wait_idle()
    clock.advance(days=1)
    step_key = f"manual:{clock().astimezone(ZoneInfo('Europe/Helsinki')).date().isoformat()}"
    crashed = await Storage.open(database)  # the state a kill -9 in the middle left behind
    await crashed.begin_requested_reminder(2026, step_key, "before", (), "crashed-run",
                                           "cut-short", clock())
    for unit, user in zip(units[:5], contacts[:5], strict=True):
        await crashed.claim_delivery(reminder_key(round_, unit, step_key), user.id, clock(),
                                     "crashed-run")
    for unit, user in zip(units[:4], contacts[:4], strict=True):  # the fifth was under way
        await crashed.settle_delivery(reminder_key(round_, unit, step_key), user.id,
                                      DeliveryState.SENT, clock())
    await crashed.close()
    tg.drain(coordinator)

    async with running_bot(settings, clock) as application:
        note = await tg.next_reply(coordinator, timeout=30)
        while "kesken" not in note.plain:
            note = await tg.next_reply(coordinator, timeout=30)
        assert "Lähetetty 8 muistutusta." in note.plain, note.plain
        assert "Muistutettu jo tänään: 4." in note.plain, note.plain
        await tg.wait_idle()
        assert not any(tg.messages(user) for user in contacts[:4])  # reached before the crash
        assert all(len(tg.messages(user)) == 1 for user in contacts[4:])
        assert await services_of(application).storage.requested_reminders_left("") == []


async def test_a_remind_cut_short_on_an_earlier_day_is_not_finished_but_told(
        tg: FakeTelegram, clock: Clock, database: Path) -> None:
    """A day later, "today is the deadline" or the day's once-only key would be wrong: the
    rest are not reminded by it, and the coordinator hears that it was cut short."""
    settings = make_settings(tg, database)
    coordinator = tg.user(COORDINATOR_ID, first_name="Hanna", language_code="fi")
    async with running_bot(settings, clock) as application:
        await open_round(tg)
        _, _, [contact] = await seed_contacts(tg, application, clock, 1, 6100)
        await tg.wait_idle()
    clock.advance(days=1)
    crashed = await Storage.open(database)
    await crashed.begin_requested_reminder(2026, "manual:2026-11-26", "before", (),
                                           "crashed-run", "cut-short", clock())
    await crashed.close()
    clock.advance(days=1)  # the bot comes back the day after
    tg.drain(coordinator)
    async with running_bot(settings, clock) as application:
        note = await tg.next_reply(coordinator, timeout=30)
        while "vaihtunut" not in note.plain:
            note = await tg.next_reply(coordinator, timeout=30)
        assert "26.11.2026" in note.plain and "/remind" in note.plain, note.plain
        await tg.wait_idle()
        assert tg.messages(contact) == []
        assert await services_of(application).storage.requested_reminders_left("") == []
