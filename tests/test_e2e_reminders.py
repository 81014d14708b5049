"""End to end: reminders go out on the ladder, once, in each person's language; the
coordinator hears about the missing; /remind and its button land in the guided report.

The bot's clock is moved by the test and the real JobQueue (APScheduler) job is poked to
run now, so nothing sleeps.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from fake_telegram import BotMessage, FakeTelegram, FakeUser
from harness import (
    COORDINATOR_ID,
    Clock,
    confirm,
    make_settings,
    press,
    running_bot,
    say,
    services_of,
)
from test_e2e_report import answer_in_english, is_review, join, open_round

from bot.i18n import Translators

HEL = ZoneInfo("Europe/Helsinki")

HELSINKI = ZoneInfo("Europe/Helsinki")


def at(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=HELSINKI)


async def tick(application: object) -> None:
    """Run the scheduler's job now through the real job queue and let it finish."""
    services = services_of(application)  # type: ignore[arg-type]
    scheduling = services.scheduling
    assert scheduling is not None
    before = scheduling.ticks_done
    scheduling.poke()
    for _ in range(500):
        await asyncio.sleep(0.02)
        if scheduling.ticks_done > before:
            return
    raise AssertionError("the scheduled tick did not run")


async def quiet(tg: FakeTelegram, *users: FakeUser) -> None:
    """Assert that nobody got anything new, once the bot has gone idle (every update handled,
    polling again, no API call for a while): a late wrong message fails it too."""
    await tg.wait_idle()
    for user in users:
        assert tg.drain(user) == [], f"unexpected messages to {user.id}"


async def fan_out_result(tg: FakeTelegram, user: FakeUser) -> BotMessage:
    """What a fan-out the coordinator started ended with: its progress message (the next new
    message) as it reads once the bot is idle; its edits are consumed."""
    started = await tg.next_reply(user)
    assert not started.edited
    await tg.wait_idle()
    tg.skip_edits(user)
    return next(m for m in tg.messages(user) if m.message_id == started.message_id)


async def setup_people(tg: FakeTelegram) -> tuple[FakeUser, FakeUser, FakeUser]:
    await open_round(tg)  # round 2026, deadline 31 Jan 2027
    office = await join(tg, 20, "welcome-office", language="en", name="Aino")
    services_sv = await join(tg, 21, "employment-services", language="sv", name="Bo")
    coordinator = tg.user(COORDINATOR_ID)
    tg.drain(coordinator)
    return office, services_sv, coordinator


async def test_ladder_step_reminds_each_contact_once_in_their_language(
        tg: FakeTelegram, bot: object, clock: Clock) -> None:
    office, services_sv, coordinator = await setup_people(tg)
    clock.set(at(2027, 1, 14, 12))  # the 14-day step falls on Sunday 17th: moved to Friday 15th
    await tick(bot)
    await quiet(tg, office, services_sv)
    clock.set(at(2027, 1, 15, 9, 1))
    await tick(bot)
    english = await tg.next_reply(office)
    assert "Welcome Office" in english.plain and "31 Jan 2027" in english.plain
    assert english.button_texts() == ["Start the report"]
    swedish = await tg.next_reply(services_sv)
    assert "Sysselsättningsservicen" in swedish.plain and "31.1.2027" in swedish.plain
    no_contact = await tg.next_reply(coordinator)  # how many units nobody could be reminded for
    assert "26 yksiköllä" in no_contact.plain and "/people" in no_contact.plain
    await tick(bot)
    await quiet(tg, office, services_sv, coordinator)


async def test_submitted_unit_gets_nothing(tg: FakeTelegram, bot: object, clock: Clock) -> None:
    office, services_sv, _ = await setup_people(tg)
    step = await say(tg, office, "/report")
    while not is_review(step):
        step = await answer_in_english(tg, office, step)
    await press(tg, office, step, "✅ Submit")
    clock.set(at(2027, 1, 15, 10))
    await tick(bot)
    assert "Sysselsättningsservicen" in (await tg.next_reply(services_sv)).plain
    await quiet(tg, office)


async def test_exactly_once_across_flood_control_and_a_restart(
        tg: FakeTelegram, clock: Clock, tmp_path: Path) -> None:
    settings = make_settings(tg, tmp_path / "kotobot.sqlite3")
    tg.user(COORDINATOR_ID, first_name="Hanna", language_code="fi")
    async with running_bot(settings, clock) as application:
        office, services_sv, _coordinator = await setup_people(tg)
        tg.rate_limit(services_sv, retry_after=1, times=4)  # outlasts PTB's default 3 retries
        clock.set(at(2027, 1, 15, 10))
        await tick(application)  # returns once the fan-out, flood waits included, is over
        assert "Welcome Office" in (await tg.next_reply(office)).plain
        assert "Sysselsättningsservicen" in (await tg.next_reply(services_sv)).plain  # waited out
    clock.set(at(2027, 1, 16, 11))
    async with running_bot(settings, clock):  # start-up runs the catch-up tick: nothing twice
        await quiet(tg, office, services_sv)


async def test_catch_up_after_downtime_sends_only_the_current_step(
        tg: FakeTelegram, clock: Clock, tmp_path: Path) -> None:
    settings = make_settings(tg, tmp_path / "kotobot.sqlite3")
    tg.user(COORDINATOR_ID, first_name="Hanna", language_code="fi")
    async with running_bot(settings, clock):
        office, _services_sv, _coordinator = await setup_people(tg)
    clock.set(at(2027, 1, 28, 15))  # down through the 14- and 7-day steps, back on the 28th
    async with running_bot(settings, clock):
        reminder = await tg.next_reply(office)
        assert "31 Jan 2027" in reminder.plain
        await quiet(tg, office)
    async with running_bot(settings, clock):
        await quiet(tg, office)


async def test_after_the_deadline_overdue_reminders_and_the_missing_list(
        tg: FakeTelegram, bot: object, clock: Clock) -> None:
    office, services_sv, coordinator = await setup_people(tg)
    clock.set(at(2027, 2, 3, 9, 30))  # the -3 step (Wednesday 3 February)
    await tick(bot)
    overdue = await tg.next_reply(office)
    assert "has passed" in overdue.plain
    missing = None
    for message in [await tg.next_reply(coordinator), await tg.next_reply(coordinator)]:
        if message.button_texts():
            missing = message
    assert missing is not None and "Welcome Office" in missing.plain
    tg.drain(office)
    tg.drain(services_sv)
    await tg.press(coordinator, missing, missing.button_texts()[0])
    same_day = await fan_out_result(tg, coordinator)  # in the coordinator's Finnish
    fi = Translators()["fi"]
    assert fi.gettext("{count} had already been reminded today.").format(count=2) in same_day.plain
    await quiet(tg, office, services_sv)  # one reminder a day is enough
    clock.advance(days=1)
    await tg.press(coordinator, missing, missing.button_texts()[0])
    next_day = await fan_out_result(tg, coordinator)
    assert fi.ngettext("Sent {count} reminder.", "Sent {count} reminders.", 2).format(count=2) \
        in next_day.plain
    assert "has passed" in (await tg.next_reply(office)).plain
    await tick(bot)
    await quiet(tg, coordinator)


async def test_blocked_contact_is_marked_and_coordinator_told_once(
        tg: FakeTelegram, bot: object, clock: Clock) -> None:
    office, services_sv, coordinator = await setup_people(tg)
    tg.block(office)
    clock.set(at(2027, 1, 15, 10))
    await tick(bot)
    assert "Sysselsättningsservicen" in (await tg.next_reply(services_sv)).plain
    notes = [await tg.next_reply(coordinator), await tg.next_reply(coordinator)]
    assert any("Aino" in note.plain for note in notes)
    clock.set(at(2027, 1, 22, 10))
    await tick(bot)
    await tg.next_reply(services_sv)
    await tg.wait_idle()
    assert not any("Aino" in m.plain for m in tg.drain(coordinator))
    listing = await say(tg, coordinator, "/people")
    assert "Aino" in listing.plain


async def test_remind_now_and_the_button_opens_the_report(
        tg: FakeTelegram, bot: object, clock: Clock) -> None:
    office, services_sv, coordinator = await setup_people(tg)
    await tg.send(coordinator, "/remind")
    answer = await fan_out_result(tg, coordinator)  # the progress message, edited to the end
    reminder = await tg.next_reply(office)
    await tg.next_reply(services_sv)
    assert "Lähetetty 2 muistutusta." in answer.plain  # the coordinator's Finnish
    await tg.press(office, reminder, "Start the report")
    step = await tg.next_reply(office)
    assert "measure 1/3" in step.plain and "What is the status" in step.plain
    await tg.send(coordinator, "/remind")  # the same day: nobody twice
    again = await fan_out_result(tg, coordinator)
    assert "0" in again.plain and "2" in again.plain
    await quiet(tg, office, services_sv)


async def test_remind_is_for_coordinators(tg: FakeTelegram, bot: object) -> None:
    office, _, _ = await setup_people(tg)
    assert "Only the integration coordinator" in (await say(tg, office, "/remind")).plain


async def test_round_reminder_ladder_can_be_changed(tg: FakeTelegram, bot: object, clock: Clock) -> None:
    office, _services_sv, coordinator = await setup_people(tg)
    reply = await say(tg, coordinator, "/round reminders 2026 21,2")
    assert "2026" in reply.plain
    clock.set(at(2027, 1, 11, 10))  # 21 days before is Monday 11 January
    await tick(bot)
    assert "Welcome Office" in (await tg.next_reply(office)).plain
    assert "/people" in (await tg.next_reply(coordinator)).plain  # units with no contact
    bad = await say(tg, coordinator, "/round reminders 2026 soon")
    assert "/round" in bad.plain


async def test_a_flood_wait_is_waited_out_and_the_reminder_still_arrives(
        tg: FakeTelegram, bot: object, clock: Clock) -> None:
    office, _services_sv, _coordinator = await setup_people(tg)
    tg.rate_limit(office, retry_after=1, times=1)  # Telegram answers 429 once
    clock.set(at(2027, 1, 15, 10))
    await tick(bot)
    assert "Welcome Office" in (await tg.next_reply(office)).plain
    await quiet(tg, office)


async def test_remind_and_a_ladder_step_on_the_same_day_are_one_reminder(
        tg: FakeTelegram, bot: object, clock: Clock) -> None:
    office, services_sv, coordinator = await setup_people(tg)
    clock.set(at(2027, 1, 15, 8, 30))  # half an hour before the 14-day step
    await say(tg, coordinator, "/remind")
    assert "Welcome Office" in (await tg.next_reply(office)).plain
    await tg.next_reply(services_sv)
    clock.set(at(2027, 1, 15, 9, 5))
    await tick(bot)
    await quiet(tg, office, services_sv)
    clock.set(at(2027, 1, 22, 9, 5))  # the next step, another day, goes out as usual
    await tick(bot)
    assert "Welcome Office" in (await tg.next_reply(office)).plain


async def test_a_contact_who_unblocks_the_bot_is_reminded_again(
        tg: FakeTelegram, bot: object, clock: Clock) -> None:
    office, services_sv, _coordinator = await setup_people(tg)
    tg.block(office)
    clock.set(at(2027, 1, 15, 10))
    await tick(bot)
    await tg.next_reply(services_sv)
    tg.unblock(office)
    assert "Welcome back" in (await say(tg, office, "/start")).plain
    clock.set(at(2027, 1, 22, 10))
    await tick(bot)
    assert "Welcome Office" in (await tg.next_reply(office)).plain


async def test_the_wake_up_job_is_scheduled_for_the_next_planned_time(
        tg: FakeTelegram, bot: object, clock: Clock) -> None:
    from datetime import UTC
    from datetime import datetime as real_datetime

    from scheduler.jobs import WAKE_JOB

    await setup_people(tg)  # the round opens 25 Nov 2026; the first step is 15 Jan 2027 09:00
    application = bot
    queue = application.job_queue  # type: ignore[attr-defined]
    jobs = queue.get_jobs_by_name(WAKE_JOB)
    assert len(jobs) == 1
    planned = at(2027, 1, 15, 9) - clock.now
    scheduled = jobs[0].next_t - real_datetime.now(UTC)
    assert abs((scheduled - planned).total_seconds()) < 30


async def test_a_reminder_says_how_much_is_already_answered(
        tg: FakeTelegram, bot: object, clock: Clock) -> None:
    office, services_sv, _coordinator = await setup_people(tg)
    step = await say(tg, office, "/report")
    await press(tg, office, step, "In progress")  # one question of Welcome Office's answered
    clock.set(at(2027, 1, 15, 10))
    await tick(bot)
    reminder = await tg.next_reply(office)
    assert "1 of " in reminder.plain and "continues where you left off" in reminder.plain
    fresh = await tg.next_reply(services_sv)  # nothing answered yet: no progress line
    assert "redan besvarade" not in fresh.plain


async def test_an_extended_deadline_gets_its_own_reminders(tg: FakeTelegram, bot: object,
                                                           clock: Clock) -> None:
    await open_round(tg)  # 2026, deadline 31 Jan 2027
    contact = await join(tg, 20, "welcome-office")
    tg.drain(contact)
    clock.set(datetime(2027, 1, 29, 9, 5, tzinfo=HEL))  # the 1-day step
    await tick(bot)
    assert "Reminder" in (await tg.next_reply(contact)).plain
    clock.set(datetime(2027, 1, 29, 12, tzinfo=HEL))
    assert "28.2.2027" in (await confirm(tg, tg.user(COORDINATOR_ID), "/round open 2026 2027-02-28")).plain
    assert "28 Feb 2027" in (await tg.next_reply(contact)).plain  # told of the new deadline
    clock.set(datetime(2027, 2, 12, 9, 5, tzinfo=HEL))  # 14 days before the new deadline
    await tick(bot)
    reminder = await tg.next_reply(contact)
    assert "Reminder" in reminder.plain and "28 Feb 2027" in reminder.plain


async def test_opening_inside_the_ladder_sends_one_message_not_two(tg: FakeTelegram, bot: object,
                                                                   clock: Clock) -> None:
    contact = await join(tg, 20, "welcome-office")
    clock.set(datetime(2027, 1, 20, 10, tzinfo=HEL))  # inside the 14-day step's window
    await open_round(tg, "2026")
    assert "is open" in (await tg.next_reply(contact)).plain
    await tick(bot)
    await quiet(tg, contact)
