"""End to end, issue 13: the coordinator confirms irreversible actions and the people they
affect are told; council members can be removed too."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import openpyxl
from fake_telegram import BotMessage, FakeTelegram, FakeUser
from harness import COORDINATOR_ID, Clock, confirm, press, say, services_of
from test_e2e_people import chat_menu, invite
from test_e2e_reminders import at, quiet, tick
from test_e2e_report import answer_in, join, open_round
from test_e2e_summary import council_member, replies_until_document

from bot.catalogue.loader import load_catalogue
from bot.chat.callbacks import REVIEW, UnitRef, pack
from bot.domain.records import Role
from bot.i18n import Translators

HEL = ZoneInfo("Europe/Helsinki")
SORRY = "something went wrong"


async def replies_for(tg: FakeTelegram, user: FakeUser) -> list[str]:
    """Everything the person got, once the bot is idle."""
    await tg.wait_idle()
    return [m.plain for m in tg.drain(user)]


async def test_closing_a_round_asks_first_and_tells_who_is_mid_report(tg: FakeTelegram, bot: object,
                                                                     clock: Clock) -> None:
    await open_round(tg, "2026", "31.1.2027")
    contact = await join(tg, 20, "welcome-office")
    step = await say(tg, contact, "/report")
    assert step.button_texts()  # mid-report
    coordinator = tg.user(COORDINATOR_ID)
    question = await say(tg, coordinator, "/round close 2026")
    assert "1 yhteyshenkilön raportti on kesken" in question.plain
    cancelled = await press(tg, coordinator, question, "Peruuta")
    assert "mitään ei muutettu" in cancelled.plain
    question = await say(tg, coordinator, "/round close 2026")
    done = await press(tg, coordinator, question, "✅ Kyllä, tee se")
    assert "suljettu" in done.plain.lower() and "Kerroin 1" in done.plain
    note = await tg.next_reply(contact)
    assert "closed reporting round 2026" in note.plain and "Welcome Office" in note.plain
    assert "no open reporting round" in (await say(tg, contact, "/report")).plain
    # reopening asks too, and tells the unit that has not submitted
    question = await say(tg, coordinator, "/round open 2026")
    assert "uudelleen" in question.plain
    assert "28" not in question.plain  # only units somebody will hear about: Welcome Office
    yes = next(data for text, data in question.buttons() if text == "✅ Kyllä, tee se")
    await press(tg, coordinator, question, "✅ Kyllä, tee se")
    assert "Reporting for 2026 is open" in (await tg.next_reply(contact)).plain
    # the same confirmation pressed again (a double tap, or its replay after a crash):
    # done already, and nobody is told twice
    await tg.press_data(coordinator, question, str(yes))
    await tg.wait_idle()
    assert tg.drain(contact) == []
    tg.drain(coordinator)
    clock.advance(hours=2)
    question = await say(tg, coordinator, "/round close 2026")  # closed again, then reopened:
    await press(tg, coordinator, question, "✅ Kyllä, tee se")  # that is news again
    await tg.wait_idle()
    tg.drain(contact)
    question = await say(tg, coordinator, "/round open 2026")
    await press(tg, coordinator, question, "✅ Kyllä, tee se")
    assert "Reporting for 2026 is open" in (await tg.next_reply(contact)).plain


async def test_a_council_member_can_be_removed_and_is_told(tg: FakeTelegram, bot: object) -> None:
    await open_round(tg)
    member = await council_member(tg, 50, "en")
    await tg.wait_idle()
    assert "summary" in chat_menu(tg, 50)
    coordinator = tg.user(COORDINATOR_ID)
    await say(tg, coordinator, "/people")
    buttons = await tg.next_reply(coordinator)
    assert "✍ Raportoi: Hr-yksikkö" in buttons.button_texts()  # units with nobody: on their behalf
    question = await press(tg, coordinator, buttons, "✖ 1 Member50")
    assert "Monikulttuurisuusneuvostosta" in question.plain
    done = await press(tg, coordinator, question, "✅ Kyllä, tee se")
    assert "Member50" in done.plain
    assert "removed you from the Multicultural Council" in (await tg.next_reply(member)).plain
    assert "not registered" in (await say(tg, member, "/summary")).plain
    assert chat_menu(tg, 50) == {}  # back to the default menu


async def until_buttons(tg: FakeTelegram, user: FakeUser, label: str) -> list[BotMessage]:
    """Messages up to (and including) the one that carries a button `label`."""
    received = [await tg.next_reply(user)]
    while label not in received[-1].button_texts():
        received.append(await tg.next_reply(user))
    return received


async def test_the_digest_is_the_coordinators(tg: FakeTelegram, bot: object, clock: Clock) -> None:
    """Preview 3 working days ahead (low response flagged), postpone, then the after-send note."""
    await open_round(tg, "2026", "31.1.2027")  # digest Monday 15.2.2027 at 10:00
    member = await council_member(tg, 50, "en")
    coordinator = tg.user(COORDINATOR_ID)
    clock.set(at(2027, 2, 10, 8, 59))
    await tick(bot)
    tg.drain(coordinator)  # the missing-units notice of 1.2.
    clock.set(at(2027, 2, 10, 9, 0))  # Wednesday: three working days before
    await tick(bot)
    preview = await until_buttons(tg, coordinator, "Siirrä viikolla")
    assert "lähtee 1 neuvoston jäsenelle 15.2.2027" in preview[0].plain
    assert "Raportit: 0/" in preview[0].plain and "⚠️" in preview[0].plain
    assert any(m.kind == "photo" for m in preview)
    await quiet(tg, member)  # the council has nothing yet
    await tick(bot)
    await quiet(tg, coordinator)  # once
    postponed = await press(tg, coordinator, preview[-1], "Siirrä viikolla")
    assert "22.2.2027" in postponed.plain
    clock.set(at(2027, 2, 15, 10, 0))
    await tick(bot)
    await quiet(tg, member)
    clock.set(at(2027, 2, 17, 9, 0))  # three working days before the new date
    await tick(bot)
    again = await until_buttons(tg, coordinator, "Lähetä nyt")
    assert "22.2.2027" in again[0].plain
    clock.set(at(2027, 2, 22, 10, 0))
    await tick(bot)
    received = await replies_until_document(tg, member)
    assert "2026" in received[0].plain
    note = await tg.next_reply(coordinator)
    assert "lähetettiin 1 neuvoston jäsenelle" in note.plain
    assert "kooste lähetetty 22.2.2027" in (await say(tg, coordinator, "/rounds")).plain
    await tg.send(coordinator, "/digest 2026")
    assert "lähetettiin neuvostolle 22.2.2027" in (await tg.next_reply(coordinator)).plain


async def test_send_now_from_the_preview(tg: FakeTelegram, bot: object, clock: Clock) -> None:
    await open_round(tg, "2026", "31.1.2027")
    member = await council_member(tg, 50, "en")
    coordinator = tg.user(COORDINATOR_ID)
    clock.set(at(2027, 2, 10, 9, 0))
    await tick(bot)
    preview = await until_buttons(tg, coordinator, "Lähetä nyt")
    await tg.press(coordinator, preview[-1], "Lähetä nyt")
    assert any("nyt" in m.plain for m in await until_text(tg, coordinator, "lähetettiin 1"))
    assert "2026" in (await replies_until_document(tg, member))[0].plain


async def until_text(tg: FakeTelegram, user: FakeUser, text: str) -> list[BotMessage]:
    received = [await tg.next_reply(user)]
    while text not in received[-1].plain:
        received.append(await tg.next_reply(user))
    return received


async def test_a_coordinator_reports_for_a_unit_without_a_contact(tg: FakeTelegram, bot: object) -> None:
    """Issue 13: the unit is not left out; the export says who reported on its behalf."""
    tr = Translators()["fi"]
    await open_round(tg)
    coordinator = tg.user(COORDINATOR_ID)
    tg.drain(coordinator)
    await tg.send(coordinator, "/report hr-yks")
    assert "yksikön Hr-yksikkö puolesta" in (await tg.next_reply(coordinator)).plain
    step = await tg.next_reply(coordinator)
    await say(tg, coordinator, "/rounds")  # an interruption
    again = await say(tg, coordinator, "/report")  # a bare /report goes on where they were
    assert again.plain.split("\n")[-1] == step.plain.split("\n")[-1], again.plain
    step = again
    submit = tr.gettext("✅ Submit")
    for _ in range(60):
        if submit in step.button_texts():
            break
        step = await answer_in(tg, coordinator, step, tr)
    await press(tg, coordinator, step, submit)
    tg.drain(coordinator)
    await tg.send(coordinator, "/export 2026")
    document = await tg.next_reply(coordinator)
    while document.kind != "document":
        document = await tg.next_reply(coordinator)
    workbook = openpyxl.load_workbook(io.BytesIO(document.document or b""))
    rows = {row[0]: row for row in workbook["Yksiköt"].iter_rows(min_row=2, values_only=True)}
    assert rows["Hr-yksikkö"][5] == "Hanna yksikön puolesta" and rows["Hr-yksikkö"][2] is not None
    answered_by = {row[8] for row in workbook["Vastaukset"].iter_rows(min_row=2, values_only=True)
                   if row[4] == "Hr-yksikkö" and row[8]}
    assert answered_by == {"Hanna yksikön Hr-yksikkö puolesta"}  # each answer says so too


async def test_an_impossible_date_is_named_not_just_refused(tg: FakeTelegram, bot: object) -> None:
    reply = await say(tg, tg.user(COORDINATOR_ID), "/round open 2026 31.2.2027")
    assert "31.2.2027 ei ole kalenterin päivä" in reply.plain


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
