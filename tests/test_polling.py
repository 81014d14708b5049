"""The durable inbox (bot/polling.py): every update is on disk before Telegram is told it
arrived, a crash leaves it to be handled at start-up, and a replay never applies an answer
twice."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fake_telegram import FakeTelegram
from harness import COORDINATOR_ID, Clock, make_settings, press, running_bot, say
from telegram import Update
from test_e2e_people import invite
from test_e2e_report import TYPE_NUMBER, join, open_round

from bot.polling import InboxQueue
from bot.storage import Storage


def inbox(database: Path) -> list[sqlite3.Row]:
    with sqlite3.connect(database) as db:
        db.row_factory = sqlite3.Row
        return list(db.execute("SELECT * FROM inbox ORDER BY update_id"))


def history_of(database: Path, unit_id: str) -> list[tuple[str, str]]:
    with sqlite3.connect(database) as db:
        return list(db.execute("SELECT key, new_value FROM answer_history WHERE unit_id = ?"
                               " ORDER BY id", (unit_id,)))


def unfinish(database: Path, update: dict[str, Any]) -> None:
    """What a kill -9 after the update was written down (it was slow, or applied an answer),
    before it was done, leaves behind."""
    with sqlite3.connect(database) as db:
        db.execute("INSERT INTO inbox (update_id, payload, received_at) VALUES (?, ?, ?)"
                   " ON CONFLICT(update_id) DO UPDATE SET done_at = NULL,"
                   " payload = excluded.payload",
                   (update["update_id"], json.dumps(update), "2026-11-25T10:00:00+00:00"))


async def test_an_update_handled_at_once_is_confirmed_without_being_written_down(
        tg: FakeTelegram, bot: object, database: Path) -> None:
    coordinator = tg.user(COORDINATOR_ID)
    sent = await tg.send(coordinator, "/help")
    await tg.next_reply(coordinator)
    await tg.wait_idle()
    assert sent["update_id"] in tg.confirmed
    assert sent["update_id"] not in {r["update_id"] for r in inbox(database)}


async def confirmed(tg: FakeTelegram, update_id: int) -> None:
    async with asyncio.timeout(10):
        while update_id not in tg.confirmed:
            await asyncio.sleep(0.01)


async def test_an_update_still_being_handled_is_on_disk_before_it_is_confirmed(
        tg: FakeTelegram, bot: object, database: Path) -> None:
    """The reply is slow (Telegram takes 2 s to accept it): the update is written down, with
    its text, before the bot tells Telegram it arrived; once answered its text is cleared."""
    coordinator = tg.user(COORDINATOR_ID)
    tg.fault("sendMessage", delay=2)
    sent = await tg.send(coordinator, "/help")
    await confirmed(tg, sent["update_id"])
    row = {r["update_id"]: r for r in inbox(database)}[sent["update_id"]]
    assert row["done_at"] is None and "/help" in row["payload"]
    await tg.next_reply(coordinator)
    await tg.wait_idle()
    row = {r["update_id"]: r for r in inbox(database)}[sent["update_id"]]
    assert row["done_at"] is not None and row["payload"] == ""  # no personal data kept


async def test_an_answer_is_written_down_with_the_update_that_gave_it(
        tg: FakeTelegram, clock: Clock, database: Path) -> None:
    tg.user(COORDINATOR_ID, first_name="Hanna", language_code="fi")
    async with running_bot(make_settings(tg, database), clock):
        await open_round(tg)
        contact = await join(tg, 20, "employment-services")
        step = await press(tg, contact, await say(tg, contact, "/report"), "Done")
        assert TYPE_NUMBER in step.plain
        typed = await tg.send(contact, "7")
        await tg.wait_idle()
    row = {r["update_id"]: r for r in inbox(database)}[typed["update_id"]]
    assert row["applied_at"] is not None and row["done_at"] is not None
    assert row["payload"] == ""


async def test_an_update_a_crash_left_unfinished_is_answered_at_start_up(
        tg: FakeTelegram, clock: Clock, database: Path) -> None:
    coordinator = tg.user(COORDINATOR_ID, first_name="Hanna", language_code="en")
    storage = await Storage.open(database)
    update = {"update_id": 10**6, "message": {
        "message_id": 1, "from": coordinator.to_api(), "chat": coordinator.chat(), "date": 0,
        "text": "/start", "entities": [{"type": "bot_command", "offset": 0, "length": 6}]}}
    await storage.receive_updates([(10**6, json.dumps(update))], clock())
    await storage.close()
    async with running_bot(make_settings(tg, database), clock):
        assert "Welcome" in (await tg.next_reply(coordinator)).plain
        await tg.wait_idle()
    assert inbox(database)[0]["done_at"] is not None


async def test_a_replayed_answer_is_answered_again_but_not_applied_twice(
        tg: FakeTelegram, clock: Clock, database: Path) -> None:
    settings = make_settings(tg, database)
    tg.user(COORDINATOR_ID, first_name="Hanna", language_code="fi")
    async with running_bot(settings, clock):
        await open_round(tg)
        contact = await join(tg, 20, "employment-services")
        step = await press(tg, contact, await say(tg, contact, "/report"), "Done")
        assert TYPE_NUMBER in step.plain
        typed = await tg.send(contact, "7")
        while (reply := await tg.next_reply(contact)).edited:
            pass
        assert "✓ Saved: 7" in reply.plain and TYPE_NUMBER in reply.plain  # the next number
        await tg.wait_idle()
    before = history_of(database, "employment-services")
    unfinish(database, typed)  # killed after the answer and the next question, before done
    tg.drain(contact)
    async with running_bot(settings, clock):
        again = await tg.next_reply(contact)
        await tg.wait_idle()
    # answered again: the question now on screen; applied once: "7" is not taken as the
    # answer to the question that came after it
    assert TYPE_NUMBER in again.plain and "measure 1/1" in again.plain
    assert history_of(database, "employment-services") == before
    assert [value for _, value in before].count("7") == 1


async def test_an_update_delivered_again_is_handled_once(
        tg: FakeTelegram, clock: Clock, database: Path) -> None:
    """Telegram re-sends what was never confirmed; what is already in the inbox is skipped."""
    coordinator = tg.user(COORDINATOR_ID, first_name="Hanna", language_code="en")
    storage = await Storage.open(database)
    update = {"update_id": 10**6, "message": {
        "message_id": 1, "from": coordinator.to_api(), "chat": coordinator.chat(), "date": 0,
        "text": "/help", "entities": [{"type": "bot_command", "offset": 0, "length": 5}]}}
    await storage.receive_updates([(10**6, json.dumps(update))], clock())
    await storage.finish_update(10**6, clock())
    await storage.close()
    await tg.redeliver(update)
    async with running_bot(make_settings(tg, database), clock):
        await tg.wait_idle()
    assert tg.drain(coordinator) == []
    assert 10**6 in tg.confirmed


async def test_done_updates_are_forgotten_after_three_days(tmp_path: Path, clock: Clock) -> None:
    storage = await Storage.open(tmp_path / "k.sqlite3")
    for update_id in (1, 2, 3):
        await storage.receive_updates([(update_id, '{"update_id": 0}')], clock())
    await storage.finish_update(1, clock())
    clock.advance(days=2)
    await storage.finish_update(2, clock())
    clock.advance(days=1, minutes=1)
    assert await storage.forget_done_updates(clock()) == 1  # only the one done 3 days ago
    assert [u for u, _, _ in await storage.unfinished_updates()] == [3]
    assert await storage.knows_update(2)  # still known: a redelivery is not handled again
    await storage.close()


async def test_a_replayed_invitation_welcomes_instead_of_saying_it_was_used(
        tg: FakeTelegram, clock: Clock, database: Path) -> None:
    """Killed after the invitation was redeemed, before the welcome went out: the replay
    welcomes the person (it is their invitation), and the coordinator hears of it once."""
    settings = make_settings(tg, database)
    coordinator = tg.user(COORDINATOR_ID, first_name="Hanna", language_code="en")
    async with running_bot(settings, clock):
        code = await invite(tg, "welcome-office")
        contact = tg.user(21, first_name="Aino", language_code="en")
        joined = await tg.send(contact, f"/start {code}")
        assert "Welcome" in (await tg.next_reply(contact)).plain
        assert "Aino" in (await tg.next_reply(coordinator)).plain
        await tg.wait_idle()
    unfinish(database, joined)
    tg.drain(contact)
    async with running_bot(settings, clock):
        again = await tg.next_reply(contact)
        await tg.wait_idle()
    assert "Welcome" in again.plain and "already been used" not in again.plain
    assert tg.drain(coordinator) == []


async def test_an_update_whose_writing_down_failed_is_not_confirmed(tmp_path: Path) -> None:
    """The disk refuses the inbox write (here: another process holds the write lock past the
    busy timeout): the getUpdates that would confirm the update fails and, tried again once
    the disk accepts writes, writes it down first."""
    storage = await Storage.open(tmp_path / "k.sqlite3")
    queue = InboxQueue(storage, lambda: datetime(2026, 11, 25, tzinfo=UTC))
    queue.GRACE = 0.01
    update = Update.de_json({"update_id": 5, "message": {
        "message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"}, "text": "hi"}}, None)
    await queue.put(update)  # queued, not yet handled
    other = sqlite3.connect(tmp_path / "k.sqlite3", isolation_level=None)
    other.execute("PRAGMA busy_timeout = 0")
    other.execute("BEGIN IMMEDIATE")
    await storage._db.execute("PRAGMA busy_timeout = 50")  # fail fast in the test
    with pytest.raises(sqlite3.OperationalError):
        await queue.before_confirming(6)
    other.execute("ROLLBACK")
    other.close()
    assert not await storage.knows_update(5)
    await queue.before_confirming(6)  # PTB polls again with the same offset
    assert await storage.knows_update(5)
    await storage.close()


async def test_a_command_whose_reply_failed_still_pauses_the_report(
        tg: FakeTelegram, bot: object) -> None:
    """/help fails (Telegram answers 500): the next typed number is offered back, not filed
    under the question on screen unasked."""
    await open_round(tg)
    contact = await join(tg, 20, "employment-services")
    question = await press(tg, contact, await say(tg, contact, "/report"), "Done")
    assert TYPE_NUMBER in question.plain
    tg.fault("sendMessage", status=500)
    await tg.send(contact, "/help")
    await tg.next_reply(contact)  # the apology
    await tg.wait_idle()
    assert "Save “12” as the answer to" in (await say(tg, contact, "12")).plain
