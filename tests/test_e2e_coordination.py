"""End to end, issue 13: the coordinator confirms irreversible actions and the people they
affect are told; council members can be removed too."""

from __future__ import annotations

from fake_telegram import FakeTelegram
from harness import COORDINATOR_ID, press, say
from test_e2e_report import join, open_round
from test_e2e_summary import council_member


async def test_closing_a_round_asks_first_and_tells_who_is_mid_report(tg: FakeTelegram, bot: object) -> None:
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
    await press(tg, coordinator, question, "✅ Kyllä, tee se")
    assert "Reporting for 2026 is open" in (await tg.next_reply(contact)).plain


async def test_a_council_member_can_be_removed_and_is_told(tg: FakeTelegram, bot: object) -> None:
    await open_round(tg)
    member = await council_member(tg, 50, "en")
    coordinator = tg.user(COORDINATOR_ID)
    await say(tg, coordinator, "/people")
    buttons = await tg.next_reply(coordinator)
    question = await press(tg, coordinator, buttons, "✖ 1 Member50")
    assert "Monikulttuurisuusneuvostosta" in question.plain
    done = await press(tg, coordinator, question, "✅ Kyllä, tee se")
    assert "Member50" in done.plain
    assert "removed you from the Multicultural Council" in (await tg.next_reply(member)).plain
    assert "not registered" in (await say(tg, member, "/summary")).plain
