"""Telegram failing on purpose (FakeTelegram.fault): flood control, server errors, dropped
connections, a blocked person and a second poller. Each time the person's message is
handled, what they answered is stored once, and they are told if a reply could not go out."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from fake_telegram import FakeTelegram
from harness import COORDINATOR_ID, press, say
from test_e2e_report import TYPE_NUMBER, join, open_round

pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")


def unfinished(database: Path) -> int:
    with sqlite3.connect(database) as db:
        return int(db.execute("SELECT count(*) FROM inbox WHERE done_at IS NULL").fetchone()[0])


def stored(database: Path, value: str) -> int:
    with sqlite3.connect(database) as db:
        return int(db.execute("SELECT count(*) FROM answer_history WHERE new_value = ?",
                              (value,)).fetchone()[0])


async def at_a_number(tg: FakeTelegram) -> object:
    await open_round(tg)
    contact = await join(tg, 20, "employment-services")
    step = await press(tg, contact, await say(tg, contact, "/report"), "Done")
    assert TYPE_NUMBER in step.plain
    return contact


async def test_flood_control_is_waited_out_however_many_times(
        tg: FakeTelegram, bot: object, database: Path) -> None:
    contact = await at_a_number(tg)
    tg.fault("sendMessage", status=429, retry_after=0.01, times=25)  # PTB gave up after 20
    reply = await say(tg, contact, "7")
    assert "✓ Saved: 7" in reply.plain and TYPE_NUMBER in reply.plain
    assert tg.faults_left("sendMessage") == 0
    assert stored(database, "7") == 1


async def test_server_errors_are_retried_then_the_person_is_told_once(
        tg: FakeTelegram, bot: object, database: Path) -> None:
    contact = await at_a_number(tg)
    tg.fault("sendMessage", status=502, times=2)  # passing: the question still goes out
    reply = await say(tg, contact, "7")
    assert "✓ Saved: 7" in reply.plain
    await tg.wait_idle()
    tg.drain(contact)
    tg.fault("sendMessage", status=500, times=3)  # past the retries
    await tg.send(contact, "8")
    told = await tg.next_reply(contact, timeout=20)
    assert "Everything you had answered is saved" in told.plain
    await tg.wait_idle()
    assert [m for m in tg.drain(contact) if not m.edited] == []  # told once
    assert stored(database, "8") == 1  # nothing lost
    again = await say(tg, contact, "/report")  # and the report goes on from there
    assert "Every question is answered" in again.plain and "✅ Submit" in again.button_texts()
    await tg.wait_idle()
    assert unfinished(database) == 0


async def test_a_dropped_connection_loses_nothing(tg: FakeTelegram, bot: object,
                                                  database: Path) -> None:
    contact = await at_a_number(tg)
    tg.fault("getUpdates", drop=True, times=2)
    tg.fault("sendMessage", drop=True)
    reply = await say(tg, contact, "7")
    assert "✓ Saved: 7" in reply.plain and TYPE_NUMBER in reply.plain
    assert stored(database, "7") == 1


async def test_a_second_poller_409_does_not_stop_the_bot(tg: FakeTelegram, bot: object) -> None:
    coordinator = tg.user(COORDINATOR_ID)
    tg.fault("getUpdates", status=409, times=3)
    reply = await say(tg, coordinator, "/help")
    assert reply.plain
    assert tg.faults_left("getUpdates") == 0


async def test_a_person_who_blocked_the_bot_is_not_retried_forever(
        tg: FakeTelegram, bot: object, database: Path) -> None:
    contact = await at_a_number(tg)
    tg.block(contact)
    sent = await tg.send(contact, "7")
    await tg.wait_idle()
    assert stored(database, "7") == 1  # the answer is kept even if no reply can reach them
    assert unfinished(database) == 0
    assert sent["update_id"] in tg.confirmed


async def test_a_reply_slower_than_the_client_timeout_is_sent_again(
        tg: FakeTelegram, bot: object, database: Path) -> None:
    """Telegram took the question but answered after PTB's 5 s timeout: the question is sent
    again (so it may be on screen twice), and the next answer still lands once, on it."""
    contact = await at_a_number(tg)
    tg.fault("sendMessage", delay=6)
    await tg.send(contact, "7")
    first = await tg.next_reply(contact, timeout=20)
    await tg.wait_idle(quiet=1.5, timeout=20)  # the late one lands 6 s after it was sent
    questions = [m for m in [first, *tg.drain(contact)] if not m.edited and TYPE_NUMBER in m.plain]
    assert 1 <= len(questions) <= 2 and all("✓ Saved: 7" in q.plain for q in questions)
    reply = await say(tg, contact, "3")
    assert "✓ Saved: 3" in reply.plain and "✅ Submit" in reply.button_texts()  # the review
    assert (stored(database, "7"), stored(database, "3")) == (1, 1)
