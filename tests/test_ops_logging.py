"""JSON logs (`KOTOBOT_LOG_FORMAT=json`): one object per line with the agreed fields, and no
person's name or typed answer anywhere, across a whole report by the real `kotobot run`,
including an update that fails (the error handler once logged the whole Update)."""

from __future__ import annotations

import io
import json
import logging
import re
from pathlib import Path

from fake_telegram import BotMessage, FakeTelegram, FakeUser
from harness import COORDINATOR_ID, press, say
from ops_helpers import bot_process
from test_e2e_report import is_review

from bot.ops.logging_setup import configure_logging

NAME = "Qwilhelmina"
TYPED = "Xyloprojekt went splendidly"
LINK = re.compile(r"start=(\S+)")
FIELDS = {"timestamp", "level", "logger", "event", "update_id", "chat_id"}


async def answer(tg: FakeTelegram, user: FakeUser, step: BotMessage) -> BotMessage:
    buttons = step.button_texts()
    for choice in ("In progress", "Partly", "Yes"):
        if choice in buttons:
            return await press(tg, user, step, choice)
    if "Type a number" in step.plain or "Type a whole number" in step.plain:
        return await say(tg, user, "12")
    return await say(tg, user, TYPED)  # free text, and the optional comments


async def test_json_logs_hold_no_names_or_answers(tg: FakeTelegram, tmp_path: Path) -> None:
    database = tmp_path / "kotobot.sqlite3"
    async with bot_process(tg, database, tmp_path, KOTOBOT_LOG_FORMAT="json") as process:
        coordinator = tg.user(COORDINATOR_ID)
        assert "open" in (await say(tg, coordinator, "/round open")).plain
        code = LINK.search((await say(tg, coordinator, "/invite welcome-office")).plain)
        assert code
        contact = tg.user(20, first_name=NAME, language_code="en")
        await say(tg, contact, f"/start {code.group(1)}")
        step = await say(tg, contact, "/report")
        typed = 0
        while not is_review(step):
            typed += "Type your answer" in step.plain or "comment" in step.plain.lower()
            step = await answer(tg, contact, step)
        assert typed, "the report asked for typed text"
        assert "submitted" in (await press(tg, contact, step, "✅ Submit")).plain
        tg.block(contact)  # the next reply fails: the error handler logs it
        await tg.send(contact, f"/status {TYPED}")
        await tg.wait_idle(quiet=0.5)
    _, err = await process.communicate()
    lines = err.decode().splitlines()
    assert lines, "the bot logged nothing"
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    for record in records:
        assert FIELDS <= set(record), record
    failed = [r for r in records if r["event"].startswith("update failed")]
    assert failed and failed[0]["chat_id"] == 20 and isinstance(failed[0]["update_id"], int)
    assert failed[0]["exc_type"] == "Forbidden"
    text = err.decode()
    assert NAME not in text and TYPED not in text and "Xyloprojekt" not in text


def test_exception_messages_are_withheld_in_both_formats() -> None:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    for log_format in ("json", "text"):
        stream = io.StringIO()
        configure_logging(log_format, stream)
        try:
            raise ValueError(f"could not read {TYPED!r} from {NAME}")
        except ValueError:
            logging.getLogger("kotobot.test").exception("answer failed")
        finally:  # give pytest its own handlers back
            root.handlers[:] = handlers
            root.setLevel(level)
        assert "ValueError" in stream.getvalue() and "answer failed" in stream.getvalue()
        assert NAME not in stream.getvalue() and TYPED not in stream.getvalue()
