"""End to end: when handling an update fails, even because the database itself fails, the
person still gets an answer in their language and a pressed button stops spinning."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from fake_telegram import BotMessage, FakeTelegram
from harness import COORDINATOR_ID, say

SORRY = "Sorry, something went wrong"


def rename_table(database: Path, old: str, new: str) -> None:
    """Break (or mend) the running bot's database from the outside, as a disk fault would."""
    with sqlite3.connect(database) as db:
        db.execute(f"ALTER TABLE {old} RENAME TO {new}")


async def test_a_failing_database_still_gets_the_person_an_answer(
        tg: FakeTelegram, bot: object, database: Path) -> None:
    person = tg.user(7, first_name="Eve", language_code="en")
    assert "integration programme" in (await say(tg, person, "/start")).plain
    rename_table(database, "people", "people_away")  # every lookup of a person now fails
    reply = await say(tg, person, "/help")
    assert SORRY in reply.plain  # in English, from Telegram's language_code
    await tg.press_data(person, BotMessage(reply.message_id, person.id), "l:en")
    answer = await tg.callback_answer(person)
    assert answer.text is None  # the spinner stops; the message says what happened
    assert SORRY in (await tg.next_reply(person)).plain
    rename_table(database, "people_away", "people")
    await tg.wait_idle()
    assert not tg.drain(person)  # one "Sorry" per failure, not one per handler group
    assert "integration programme" in (await say(tg, person, "/help")).plain  # and it recovers
    await tg.wait_idle()
    assert not [m for m in tg.drain(person) if SORRY in m.plain]  # one answer per failure
    # the coordinators could not be told while the database was away; the log has it
    assert not [m for m in tg.drain(tg.user(COORDINATOR_ID)) if "AssertionError" in m.plain]
