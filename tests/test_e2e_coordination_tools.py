"""End to end, issue 13 (the rest): the highlights the coordinator chooses for the digest,
/summary and /export by buttons and by theme, the coordinator's /help, and answers given on
a unit's behalf shown as such."""

from __future__ import annotations

import io

import openpyxl
from fake_telegram import BotMessage, FakeTelegram, FakeUser
from harness import COORDINATOR_ID, Clock, press, say
from test_e2e_coordination import until_buttons
from test_e2e_reminders import at, tick
from test_e2e_report import is_review, join, open_round
from test_e2e_summary import council_member, replies_until_document

from bot.i18n import Translators


async def report_with_comments(tg: FakeTelegram, contact: FakeUser, comment: str) -> None:
    """A whole report in English, every measure commented with `comment`, submitted."""
    tr = Translators()["en"]
    step = await say(tg, contact, "/report")
    commented: set[str] = set()
    for _ in range(80):
        if is_review(step):
            break
        buttons = step.button_texts()
        add = next((b for b in buttons if b.startswith("💬") and b not in commented), None)
        if add is not None:  # the comment is a button on the measure's questions
            commented.add(add)
            await press(tg, contact, step, add)
            step = await say(tg, contact, comment)
            continue
        label = next((b for b in ("In progress", "Partly", "Yes") if b in buttons), None)
        if label is not None:
            step = await press(tg, contact, step, label)
        elif (tr.gettext("Type a number, for example 12 or 12.5.") in step.plain
              or tr.gettext("Type a whole number, for example 12.") in step.plain):
            step = await say(tg, contact, "12")
        else:
            step = await say(tg, contact, "OK")
    await press(tg, contact, step, "✅ Submit")
    await tg.next_reply(tg.user(COORDINATOR_ID))  # "submitted" note


def highlight_lines(messages: list[BotMessage]) -> list[str]:
    text = "\n".join(m.plain for m in messages)
    block = text.split("What the units said", 1)[1]
    return [line for line in block.splitlines() if line.startswith("• ")]


async def test_the_coordinator_chooses_the_digests_highlights(tg: FakeTelegram, bot: object,
                                                              clock: Clock) -> None:
    await open_round(tg, "2026", "31.1.2027")
    member = await council_member(tg, 50, "en")
    coordinator = tg.user(COORDINATOR_ID)
    clock.set(at(2026, 12, 1))
    first = await join(tg, 20, "welcome-office")
    await report_with_comments(tg, first, "Welcome went well")
    clock.set(at(2026, 12, 2))
    second = await join(tg, 21, "vamia", name="Bertil")
    await report_with_comments(tg, second, "Vamia went well")
    clock.set(at(2027, 2, 10, 8, 59))
    await tick(bot)
    tg.drain(coordinator)
    clock.set(at(2027, 2, 10, 9, 0))  # three working days before the digest of 15.2.
    await tick(bot)
    preview = await until_buttons(tg, coordinator, "Lähetä nyt")
    chooser = next(m for m in preview if any(t.startswith("☆") for t in m.button_texts()))
    assert "enintään 5" in chooser.plain
    welcome = next(t for t in chooser.button_texts() if "Welcome" in t)
    await tg.press(coordinator, chooser, welcome)
    answer = await tg.callback_answer(coordinator)
    assert answer.text and "nosto" in answer.text.lower()
    chosen = await tg.next_reply(coordinator)  # the chooser, edited in place
    assert chosen.edited and "1/5" in chosen.plain.replace(" ", "")
    assert "★1 " + welcome.removeprefix("☆ ") in chosen.button_texts()
    clock.set(at(2027, 2, 15, 10, 0))
    await tick(bot)
    digest = await replies_until_document(tg, member)
    lines = highlight_lines(digest)
    assert lines[0].startswith("• Welcome Office") and "Welcome went well" in lines[0]
    assert not any("Vamia went well" in line for line in lines)  # only the chosen ones


async def replies_until(tg: FakeTelegram, user: FakeUser, kind: str) -> list[BotMessage]:
    """New messages (edits skipped) up to the first of `kind` ("photo", "document")."""
    received: list[BotMessage] = []
    while not received or received[-1].kind != kind:
        reply = await tg.next_reply(user)
        if not reply.edited:
            received.append(reply)
    return received


async def test_summary_by_buttons_year_then_theme(tg: FakeTelegram, bot: object) -> None:
    await open_round(tg, "2026", "31.1.2027")
    contact = await join(tg, 20, "welcome-office")
    await report_with_comments(tg, contact, "Fine")
    coordinator = tg.user(COORDINATOR_ID)
    years = await say(tg, coordinator, "/summary")
    assert "Mikä vuosi?" in years.plain and years.button_texts() == ["2026"]
    await tg.press(coordinator, years, "2026")
    scopes = await tg.next_reply(coordinator)  # the same message, now asking what to show
    assert scopes.edited and "Työ" in scopes.button_texts() and "📋 Kaikki" in scopes.button_texts()
    assert "🏢 Welcome Office" in scopes.button_texts()
    await tg.press(coordinator, scopes, "Työ")
    received = await replies_until(tg, coordinator, "photo")
    assert "Yhteenveto 2026 · Työ" in received[0].plain
    assert "Asuminen" not in "\n".join(m.plain for m in received)  # one theme only
    # and the workbook the same way, for one unit
    years = await say(tg, coordinator, "/export")
    await tg.press(coordinator, years, "2026")
    scopes = await tg.next_reply(coordinator)
    await tg.press(coordinator, scopes, "🏢 Welcome Office")
    book = workbook_of((await replies_until(tg, coordinator, "document"))[-1])
    units = {row[4] for row in book["Vastaukset"].iter_rows(min_row=2, values_only=True)}
    assert units == {"Welcome Office"}


def workbook_of(document: BotMessage) -> openpyxl.Workbook:
    assert document.kind == "document"
    return openpyxl.load_workbook(io.BytesIO(document.document or b""))


async def test_export_by_theme_in_any_language(tg: FakeTelegram, bot: object) -> None:
    await open_round(tg, "2026", "31.1.2027")
    coordinator = tg.user(COORDINATOR_ID)
    await tg.send(coordinator, "/export 2026 arbete")
    document = (await replies_until(tg, coordinator, "document"))[-1]
    assert "Työ" in (document.caption or document.plain)
    themes = [row[0] for row in workbook_of(document)["Vastaukset"].iter_rows(min_row=2, values_only=True)]
    assert themes and set(themes) == {"Työ"}
    await tg.send(coordinator, "/export 2026")
    everything = workbook_of((await replies_until(tg, coordinator, "document"))[-1])
    assert len({row[0] for row in everything["Vastaukset"].iter_rows(min_row=2, values_only=True)}) == 8  # seven themes and the follow-up


async def test_a_coordinators_help_gives_every_command_an_example(tg: FakeTelegram, bot: object) -> None:
    coordinator = tg.user(COORDINATOR_ID, first_name="Hanna", language_code="fi")
    text = (await say(tg, coordinator, "/help")).plain
    assert "/invite council" in text and "/summary 2026 Työ" in text
    for example in ("/round open 2026 31.1.2027", "/export 2026 Työ", "/digest schedule 2026",
                    "/report Welcome", "/people", "/remind", "/language", "/privacy", "/cancel"):
        assert example in text, example
    await press(tg, coordinator, await say(tg, coordinator, "/language"), "Svenska")
    text = (await say(tg, coordinator, "/help")).plain
    assert "/summary 2026 arbete" in text and "t.ex. /invite council" in text


async def test_report_on_behalf_from_people_and_from_the_missing_notice(
        tg: FakeTelegram, bot: object, clock: Clock) -> None:
    await open_round(tg, "2026", "31.1.2027")
    coordinator = tg.user(COORDINATOR_ID)
    await say(tg, coordinator, "/people")
    offer = await until_buttons(tg, coordinator, "✍ Raportoi: Hr-yksikkö")
    assert "yhteyshenkilöä" in offer[-1].plain
    await tg.press(coordinator, offer[-1], "✍ Raportoi: Hr-yksikkö")
    assert "yksikön Hr-yksikkö puolesta" in (await tg.next_reply(coordinator)).plain
    step = await tg.next_reply(coordinator)
    assert "Hr-yksikkö" in step.plain and step.button_texts()
    await press(tg, coordinator, step, step.button_texts()[0])  # one answer, on the unit's behalf
    tg.drain(coordinator)
    await tg.send(coordinator, "/export 2026 Hr-yksikkö")
    book = workbook_of((await replies_until(tg, coordinator, "document"))[-1])
    answered_by = {row[8] for row in book["Vastaukset"].iter_rows(min_row=2, values_only=True) if row[8]}
    assert answered_by == {"Hanna yksikön Hr-yksikkö puolesta"}
    history = list(book["Historia"].iter_rows(min_row=2, values_only=True))
    assert len(history) == 1 and history[0][1] == "Hr-yksikkö" and history[0][4] is None
    assert history[0][6] == "Hanna yksikön Hr-yksikkö puolesta"  # the answer history says so too
    # after the deadline, the missing-units notice offers the same for units with nobody
    clock.set(at(2027, 2, 1, 9, 0))
    await tick(bot)
    notice = (await until_buttons(tg, coordinator, "✍ Raportoi: Hr-yksikkö"))[-1]
    assert "määräaika on mennyt umpeen" in notice.plain and "• Hr-yksikkö" in notice.plain
    assert notice.button_texts()[0] != "✍ Raportoi: Hr-yksikkö"  # "nudge them all" comes first
    await tg.press(coordinator, notice, "✍ Raportoi: Hr-yksikkö")
    assert "puolesta" in (await tg.next_reply(coordinator)).plain
    assert "Hr-yksikkö" in (await tg.next_reply(coordinator)).plain


async def test_highlights_can_be_chosen_from_the_digest_command_too(tg: FakeTelegram, bot: object) -> None:
    await open_round(tg, "2026", "31.1.2027")
    contact = await join(tg, 20, "welcome-office")
    await report_with_comments(tg, contact, "All good")
    coordinator = tg.user(COORDINATOR_ID)
    await tg.send(coordinator, "/digest 2026")
    chooser = (await until_buttons(tg, coordinator, "☆ Welcome Office"))[-1]
    await tg.press(coordinator, chooser, "☆ Welcome Office")
    assert (await tg.callback_answer(coordinator)).text == "Valittu nostoksi."
    assert "★1 Welcome Office" in (await tg.next_reply(coordinator)).button_texts()
    await tg.press(coordinator, chooser, "★1 Welcome Office")  # a second tap drops it
    assert (await tg.callback_answer(coordinator)).text == "Ei enää nosto."
    assert "☆ Welcome Office" in (await tg.next_reply(coordinator)).button_texts()
