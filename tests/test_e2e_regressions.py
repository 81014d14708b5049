"""Regressions found by review: each test is a way the bot once misbehaved for a real user."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from fake_telegram import ApiError, FakeTelegram
from harness import COORDINATOR_ID, Clock, confirm, press, say, services_of
from test_e2e_people import invite
from test_e2e_reminders import quiet, tick
from test_e2e_report import answer_in_english, is_review, join, open_round

from bot.catalogue.loader import load_catalogue
from bot.chat.callbacks import REVIEW, UnitRef, pack
from bot.domain.records import Role
from bot.domain.rounds import default_round_year

HEL = ZoneInfo("Europe/Helsinki")
SORRY = "something went wrong"


async def replies_for(tg: FakeTelegram, user: object) -> list[str]:
    await tg.wait_idle()
    return [m.plain for m in tg.drain(user)]  # type: ignore[arg-type]


def test_in_january_the_default_round_is_last_years() -> None:
    programme = load_catalogue().programme
    assert default_round_year(programme, date(2026, 1, 10)) == 2025
    assert default_round_year(programme, date(2026, 2, 1)) == 2026
    assert default_round_year(programme, date(2027, 1, 10)) == 2026  # the last programme year


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


async def test_reopening_a_round_keeps_its_deadline(tg: FakeTelegram, bot: object) -> None:
    await open_round(tg, "2026", "2027-02-15")
    await confirm(tg, tg.user(COORDINATOR_ID), "/round close 2026")
    assert "15.2.2027" in (await confirm(tg, tg.user(COORDINATOR_ID), "/round open 2026")).plain


async def test_a_new_round_with_a_past_deadline_is_refused(tg: FakeTelegram, bot: object) -> None:
    code = await invite(tg, "council")
    member = tg.user(31, first_name="Lotta", language_code="en")
    await say(tg, member, f"/start {code}")
    await tg.next_reply(tg.user(COORDINATOR_ID))  # "Lotta joined"
    reply = await open_round(tg, "2025")  # the default deadline, 31 Jan 2026, has passed
    assert "31.1.2026" in reply and "/round open 2025" in reply
    assert await services_of(bot).storage.round(2025) is None
    await tick(bot)
    await quiet(tg, member)  # no empty digest goes to the council


async def test_opening_inside_the_ladder_sends_one_message_not_two(tg: FakeTelegram, bot: object,
                                                                   clock: Clock) -> None:
    contact = await join(tg, 20, "welcome-office")
    clock.set(datetime(2027, 1, 20, 10, tzinfo=HEL))  # inside the 14-day step's window
    await open_round(tg, "2026")
    assert "is open" in (await tg.next_reply(contact)).plain
    await tick(bot)
    await quiet(tg, contact)


async def test_a_digest_interrupted_by_an_error_resends_only_the_rest(
        tg: FakeTelegram, bot: object, clock: Clock) -> None:
    await open_round(tg)
    code = await invite(tg, "council")
    member = tg.user(31, first_name="Lotta", language_code="en")
    await say(tg, member, f"/start {code}")
    tg.drain(member)
    original = tg._m_sendphoto
    failures = iter([True])

    def flaky(params: dict) -> object:  # Telegram answers 502 once, for the chart
        if next(failures, False):
            raise ApiError(502, "Bad Gateway")
        return original(params)

    tg._m_sendphoto = flaky  # type: ignore[method-assign]
    clock.set(datetime(2027, 2, 15, 10, 5, tzinfo=HEL))
    await tick(bot)
    await tg.wait_idle()
    first = tg.drain(member)
    assert first and all(m.kind == "text" for m in first)
    await tick(bot)
    await tg.wait_idle()
    second = tg.drain(member)
    assert second[0].kind == "photo" and not any(m.kind == "text" for m in second)
    assert any(m.kind == "document" for m in second)
    await tick(bot)
    await quiet(tg, member)


async def test_a_unit_removed_from_the_catalogue_is_left_out(tg: FakeTelegram, bot: object) -> None:
    await open_round(tg)
    contact = await join(tg, 20, "welcome-office", language="sv")
    services = services_of(bot)
    person = await services.storage.person_by_telegram(20)
    assert person is not None
    # a grant for a unit the catalogue no longer has, and a button built for it by hand
    await services.storage.grant(person.id, Role.CONTACT, "old-unit", datetime.now(UTC))
    step = await say(tg, contact, "/report")  # the stale unit is left out, not a crash
    assert "Welcome Office" in step.plain


async def test_odd_input_never_reaches_the_error_handler(tg: FakeTelegram, bot: object) -> None:
    coordinator = tg.user(COORDINATOR_ID, first_name="Hanna", language_code="en")
    await open_round(tg)
    menu = await say(tg, coordinator, "/language")
    await tg.press(coordinator, menu, "English")
    await tg.press(coordinator, menu, "English")  # a double tap
    for command in ("/round close 99999999999999999999", "/round reminders 123456789012 7",
                    "/digest schedule 99999999999999999999 2027-02-15", "/summary 99999999999999",
                    "/round open 2026 31.1.2027", "/export 1"):
        await tg.send(coordinator, command)
    assert not any(SORRY in text.lower() or "jokin meni vikaan" in text.lower()
                   for text in await replies_for(tg, coordinator))


async def test_a_forged_review_button_for_a_unit_with_nothing_due(tg: FakeTelegram, bot: object) -> None:
    await open_round(tg)
    index = load_catalogue()
    lead = {u.id for u in index.lead_units()}
    partner_only = next(u for u in index.units if u not in lead)
    contact = await join(tg, 20, partner_only)
    message = await say(tg, contact, "/report")
    assert "no measures due" in message.plain
    await tg.press_data(contact, message, pack(REVIEW, 2026, UnitRef(partner_only).encode(index), "restart"))
    replies = await replies_for(tg, contact)
    assert any("no longer valid" in text for text in replies)
    assert not any(SORRY in text.lower() for text in replies)


async def test_submitted_on_shows_the_local_date(tg: FakeTelegram, bot: object, clock: Clock) -> None:
    await open_round(tg)
    contact = await join(tg, 20, "welcome-office")
    step = await say(tg, contact, "/report")
    while not is_review(step):
        step = await answer_in_english(tg, contact, step)
    clock.set(datetime(2027, 2, 1, 0, 30, tzinfo=HEL))  # still 31 January in UTC
    await press(tg, contact, step, "✅ Submit")
    status = await say(tg, contact, "/status")
    assert "Submitted on 1 Feb 2027" in status.plain


async def test_going_through_again_visits_every_step(tg: FakeTelegram, bot: object) -> None:
    await open_round(tg)
    contact = await join(tg, 20, "welcome-office")
    step = await say(tg, contact, "/report")
    while not is_review(step):
        step = await answer_in_english(tg, contact, step)
    first = await press(tg, contact, step, "Go through again")
    assert "measure 1/3" in first.plain and "What is the status" in first.plain
    changed = await press(tg, contact, first, "Done")  # change measure 1's status
    assert not is_review(changed) and "measure 1/3" in changed.plain and "Current answer" in changed.plain


async def test_people_splits_long_keyboards(tg: FakeTelegram, bot: object) -> None:
    services = services_of(bot)
    units = [u.id for u in services.catalogue.lead_units()]
    now = datetime.now(UTC)
    for n in range(101):
        person = await services.storage.ensure_person(50_000 + n, f"Contact {n}", "en", now)
        await services.storage.grant(person.id, Role.CONTACT, units[n % len(units)], now)
    coordinator = tg.user(COORDINATOR_ID)
    await tg.send(coordinator, "/people")
    await tg.wait_idle()
    keyboards = [len(m.buttons()) for m in tg.drain(coordinator) if m.buttons()]
    assert sum(keyboards) == 101 and max(keyboards) <= 100


async def test_a_digest_already_sent_is_not_promised_again(tg: FakeTelegram, bot: object,
                                                           clock: Clock) -> None:
    await open_round(tg)
    code = await invite(tg, "council")
    member = tg.user(31, first_name="Lotta", language_code="en")
    await say(tg, member, f"/start {code}")
    clock.set(datetime(2027, 2, 15, 10, 5, tzinfo=HEL))
    await tick(bot)
    await tg.wait_idle()
    assert tg.drain(member)
    coordinator = tg.user(COORDINATOR_ID)
    tg.drain(coordinator)
    reply = await say(tg, coordinator, "/digest schedule 2026 2027-03-01")
    assert "1.3.2027" not in reply.plain and "/digest 2026" in reply.plain
