"""End to end: /summary, /export and the council's digest, as the coordinator and the
council see them."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
from fake_telegram import ApiError, BotMessage, FakeTelegram, FakeUser
from harness import COORDINATOR_ID, Clock, make_settings, press, running_bot, say, services_of
from test_e2e_people import invite
from test_e2e_reminders import at, quiet, tick
from test_e2e_report import answer_in_english, is_review, join, open_round

from bot.domain.records import Role

HEL = ZoneInfo("Europe/Helsinki")

PNG = b"\x89PNG\r\n\x1a\n"


async def report_and_submit(tg: FakeTelegram, contact: FakeUser) -> None:
    step = await say(tg, contact, "/report")
    while not is_review(step):
        step = await answer_in_english(tg, contact, step)
    await press(tg, contact, step, "✅ Submit")


async def summary_replies(tg: FakeTelegram, user: FakeUser, command: str) -> list[BotMessage]:
    """The summary's text messages and, last, its chart."""
    await tg.send(user, command)
    received = [await tg.next_reply(user)]
    while received[-1].kind != "photo":
        received.append(await tg.next_reply(user))
    return received


async def council_member(tg: FakeTelegram, user_id: int, language: str) -> FakeUser:
    code = await invite(tg, "council")
    member = tg.user(user_id, first_name=f"Member{user_id}", language_code=language)
    await say(tg, member, f"/start {code}")
    await tg.next_reply(tg.user(COORDINATOR_ID))  # the joined note
    return member


async def replies_until_document(tg: FakeTelegram, user: FakeUser) -> list[BotMessage]:
    """Everything up to the first attached workbook, plus whatever follows until the bot is
    idle (parts to one chat are paced: one a second after a short burst)."""
    received = []
    while not received or received[-1].kind != "document":
        received.append(await tg.next_reply(user))
    await tg.wait_idle(quiet=1.2, timeout=30)
    return received + tg.drain(user)


async def test_summary_for_the_coordinator(tg: FakeTelegram, bot: object) -> None:
    coordinator = tg.user(COORDINATOR_ID, first_name="Hanna", language_code="en")
    assert "No reporting round" in (await say(tg, coordinator, "/summary")).plain
    await open_round(tg)
    contact = await join(tg, 20, "welcome-office")
    await report_and_submit(tg, contact)
    await tg.next_reply(coordinator)  # "submitted" note
    received = await summary_replies(tg, coordinator, "/summary 2026")
    text = "\n".join(m.plain for m in received[:-1])
    assert "Summary 2026" in text and "Reports: 1/" in text and "on time 1" in text
    assert "Not submitted" in text and "Työllisyyspalvelut" not in text  # English names for en
    assert "Employment Services" in text
    assert "Measures by theme" in text and "Work" in text
    assert "Totals reported" in text and "Producing and marketing the Newsletter:" in text
    assert all(len(m.plain) <= 4096 for m in received)
    assert received[-1].document is not None and received[-1].document.startswith(PNG)
    narrowed = (await summary_replies(tg, coordinator, "/summary 2026 welcome-office"))[0]
    assert "Welcome Office" in narrowed.plain and "Reports: 1/1" in narrowed.plain
    theme = (await summary_replies(tg, coordinator, "/summary 2026 housing"))[0]
    assert "Housing" in theme.plain
    assert "neither a theme nor a unit" in (await say(tg, coordinator, "/summary 2026 mars")).plain


async def test_export_workbook_in_the_askers_language(tg: FakeTelegram, bot: object) -> None:
    coordinator = tg.user(COORDINATOR_ID, first_name="Hanna", language_code="fi")
    await open_round(tg)
    contact = await join(tg, 20, "welcome-office")
    await report_and_submit(tg, contact)
    await tg.next_reply(coordinator)
    await tg.send(coordinator, "/export 2026")
    document = await tg.next_reply(coordinator)
    assert document.kind == "document" and document.filename and document.filename.endswith(".xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(document.document or b""))
    first = workbook.worksheets[0]
    headers = [cell.value for cell in first[1]]
    assert any(h and "Toimenpide" in str(h) for h in headers), headers
    values = [str(cell.value) for row in first.iter_rows(min_row=2) for cell in row if cell.value]
    assert "Welcome Office" in values and any("Käynnissä" in v for v in values)
    units = workbook["Yksiköt"]  # issue 13: contacts, submitted when, late, measures answered
    rows = {row[0]: row for row in units.iter_rows(min_row=2, values_only=True)}
    assert rows["Welcome Office"][1] == "Aino" and rows["Welcome Office"][3] == "Ei"
    assert rows["Welcome Office"][2] is not None and rows["Hr-yksikkö"][1] == "ei yhteyshenkilöä"


async def test_summaries_are_refused_to_unit_contacts(tg: FakeTelegram, bot: object) -> None:
    await open_round(tg)
    contact = await join(tg, 20, "welcome-office")
    assert "Only the coordinator and the council" in (await say(tg, contact, "/summary")).plain
    assert "Only the coordinator and the council" in (await say(tg, contact, "/export")).plain


async def test_digest_goes_to_each_council_member_once_in_their_language(
        tg: FakeTelegram, bot: object, clock: Clock) -> None:
    await open_round(tg)
    finnish = await council_member(tg, 50, "fi")
    swedish = await council_member(tg, 51, "sv")
    contact = await join(tg, 20, "welcome-office")
    await report_and_submit(tg, contact)
    clock.set(at(2027, 2, 15, 9, 59))  # default: 14 days after the deadline, moved off Sunday
    await tick(bot)
    await quiet(tg, finnish, swedish)
    clock.set(at(2027, 2, 15, 10, 0))
    await tick(bot)
    fi = await replies_until_document(tg, finnish)
    sv = await replies_until_document(tg, swedish)
    assert "2026" in fi[0].plain and fi[0].plain != sv[0].plain
    assert any(m.kind == "photo" and (m.document or b"").startswith(PNG) for m in fi)
    swedish_text = "\n".join(m.plain for m in sv)
    assert "Rapporter: 1/" in swedish_text and "Har inte skickat in" in swedish_text
    missing = next(line for line in swedish_text.splitlines() if "Har inte skickat in" in line)
    assert missing.count(",") >= 20  # one line, with the count, after what the units did
    assert swedish_text.index("Har inte skickat in") > swedish_text.index("Åtgärder per tema")
    assert [m.kind for m in sv].count("document") == 2  # the year, and the whole programme
    programme = openpyxl.load_workbook(io.BytesIO([m for m in sv if m.kind == "document"][-1].document or b""))
    ids = {row[3] for row in programme.worksheets[0].iter_rows(min_row=2, values_only=True)}
    assert len(ids) == 77  # every measure of the programme, blank where never reported
    await tick(bot)
    await quiet(tg, finnish, swedish)


async def test_digest_is_caught_up_after_downtime(tg: FakeTelegram, clock: Clock, tmp_path: Path) -> None:
    settings = make_settings(tg, tmp_path / "kotobot.sqlite3")
    tg.user(COORDINATOR_ID, first_name="Hanna", language_code="fi")
    async with running_bot(settings, clock):
        await open_round(tg)
        member = await council_member(tg, 50, "en")
        coordinator = tg.user(COORDINATOR_ID)
        reply = await say(tg, coordinator, "/digest schedule 2026 2027-02-20")  # a Saturday
        assert "22.2.2027" not in reply.plain and "20.2.2027" in reply.plain
    clock.set(at(2027, 3, 1, 8))  # the bot was down on the day
    async with running_bot(settings, clock):
        received = await replies_until_document(tg, member)
        assert any(m.kind == "photo" for m in received)
    async with running_bot(settings, clock):
        await quiet(tg, member)


async def test_digest_preview_for_the_coordinator(tg: FakeTelegram, bot: object) -> None:
    await open_round(tg)
    coordinator = tg.user(COORDINATOR_ID)
    menu = await say(tg, coordinator, "/language")
    await tg.press(coordinator, menu, "English")
    await tg.next_reply(coordinator)  # the language changed
    assert "/digest" in (await tg.next_reply(coordinator)).plain  # and the help, in English
    await tg.send(coordinator, "/digest 2026")
    received = await replies_until_document(tg, coordinator)
    assert "Preview" in received[0].plain
    assert any("Multicultural Council" in m.plain for m in received)
    # the last programme year also carries the whole period
    assert any("whole programme" in m.plain for m in received)
    assert len([m for m in received if m.kind == "document"]) >= 1


async def test_council_members_read_the_summary_but_cannot_run_rounds(tg: FakeTelegram, bot: object) -> None:
    await open_round(tg)
    member = await council_member(tg, 50, "sv")
    received = await summary_replies(tg, member, "/summary 2026")
    assert "Lägesöversikt 2026" in received[0].plain
    refusal = await say(tg, member, "/digest 2026")
    assert "integrationskoordinator" in refusal.plain.lower() or "koordinator" in refusal.plain.lower()


async def test_dates_and_names_as_people_write_them(tg: FakeTelegram, bot: object) -> None:
    """Issue 13: Finnish dates and theme/unit names in the person's language."""
    opened = await open_round(tg, "2026", "31.1.2027")
    assert "31.1.2027" in opened and "2026" in opened
    coordinator = tg.user(COORDINATOR_ID)
    finnish = (await summary_replies(tg, coordinator, "/summary 2026 Työ"))[0].plain
    assert "Työ" in finnish.splitlines()[0] and "ei ole teema" not in finnish
    swedish = (await summary_replies(tg, coordinator, "/summary 2026 arbete"))[0].plain
    assert swedish.splitlines()[0] == finnish.splitlines()[0]
    unit = (await summary_replies(tg, coordinator, "/summary 2026 welcome off"))[0].plain
    assert "Welcome Office" in unit.splitlines()[0]
    scheduled = await say(tg, coordinator, "/digest schedule 2026 15.2.")
    assert "15.2.2027" in scheduled.plain


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
