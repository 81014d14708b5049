"""Kill -9 cycles: the real `kotobot run` process, killed at random moments while a contact
answers their report, restarted, and the contact carries on. Shared by tests/test_crash.py
(20 cycles) and bench/crash_cycles.py (200).

The person acts like a careful human: waits until the bot is quiet, reads the last message
on screen, answers that question (a fresh number or text each time, so every value is
traceable), and expects a reply. A supervisor restarts the bot whenever it is dead, as
systemd or Docker would. At the end the database is compared with what the person saw:
every answer the bot acknowledged ("✓ Saved") is stored, with the value typed, under the
step whose question was on screen; no typed value reached the history twice; no value
landed under another step; and every message the person sent got a reply.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import sqlite3
import sys
import zlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from fake_telegram import BotMessage, FakeTelegram, FakeUser

from bot.chat import callbacks
from bot.domain.records import Role
from bot.storage import Storage

UNIT = "alma"  # 13 steps, 6 of them typed numbers: most answers are typed
YEAR = 2026
CONTACT_ID = 20
REPLY_TIMEOUT = 30.0  # seconds a message may wait for its reply, restarts included
IN_FLIGHT = 0.04  # seconds after a message within which it is killed
ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Typed:
    """A value the person typed as the answer to the question on screen."""

    check: str  # the step's checksum, from the question's own buttons
    value: Any  # as the bot stores it (JSON-decoded)
    acknowledged: bool = False


@dataclass
class CrashReport:
    kills: int = 0
    sent: int = 0  # messages and button presses
    unanswered: int = 0  # got no reply at all, even after a restart
    typed: list[Typed] = field(default_factory=list)
    lost: int = 0  # acknowledged, but not in the history with that value and step
    misplaced: int = 0  # in the history under a step that was not on screen
    duplicated: int = 0  # in the history more than once
    replayed: int = 0  # updates handled at start-up (from the bot's log)

    @property
    def acknowledged(self) -> int:
        return sum(t.acknowledged for t in self.typed)

    def summary(self) -> str:
        return (f"kills={self.kills} sent={self.sent} typed={len(self.typed)} "
                f"acknowledged={self.acknowledged} lost={self.lost} misplaced={self.misplaced} "
                f"duplicated={self.duplicated} unanswered={self.unanswered}")


class Supervisor:
    """Starts `python -m bot run` and starts it again whenever it has died."""

    def __init__(self, tg: FakeTelegram, workdir: Path) -> None:
        self.workdir = workdir
        self.database = workdir / "kotobot.sqlite3"
        self.env = {**os.environ, "KOTOBOT_TOKEN": tg.token, "KOTOBOT_API_BASE_URL": tg.base_url,
                    "KOTOBOT_DATABASE": str(self.database), "KOTOBOT_COORDINATORS": "1000",
                    "PYTHONPATH": str(ROOT)}
        self.process: asyncio.subprocess.Process | None = None
        self.started = asyncio.Event()
        self.log = workdir / "bot.log"

    def alive(self) -> bool:
        return self.process is not None and self.process.returncode is None

    async def ensure_running(self) -> None:
        if self.alive():
            return
        if self.process is not None:
            await self.process.wait()
        with self.log.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run", env=self.env, cwd=self.workdir,
                stdout=asyncio.subprocess.DEVNULL, stderr=log)
        self.started.set()

    async def kill(self) -> bool:
        """SIGKILL, no goodbye. True if it was running."""
        if not self.alive():
            return False
        assert self.process is not None
        self.process.kill()
        await self.process.wait()
        return True

    async def stop(self) -> int:
        if not self.alive():
            return 0
        assert self.process is not None
        self.process.send_signal(signal.SIGINT)
        try:
            return await asyncio.wait_for(self.process.wait(), timeout=30)
        except TimeoutError:  # PTB ignores SIGINT while post_init runs: do not hang on it
            await self.kill()
            return -signal.SIGKILL


async def seed(database: Path) -> None:
    """An open round and one contact person, written with the bot's own storage."""
    now = datetime.now(UTC)
    storage = await Storage.open(database)
    await storage.open_round(YEAR, date(YEAR + 1, 1, 31), (14, 7, 1, -3, -10), now)
    person = await storage.ensure_person(CONTACT_ID, "Aino", "en", now)
    await storage.grant(person.id, Role.CONTACT, UNIT, now)
    await storage.close()


def _unfinished(database: Path) -> int:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
        return int(db.execute("SELECT count(*) FROM inbox WHERE done_at IS NULL").fetchone()[0])


def _latest(tg: FakeTelegram, user: FakeUser) -> BotMessage | None:
    messages = tg.messages(user)
    return max(messages, key=lambda m: m.message_id) if messages else None


def _step_buttons(message: BotMessage) -> tuple[str | None, list[str]]:
    """(the step's checksum, its answer buttons' data) if `message` is a step's question."""
    check, answers = None, []
    for _, data in message.buttons():
        if data is None:
            continue
        prefix = data.split(":", 1)[0]
        if prefix == callbacks.NAVIGATE:
            check = data.split(":")[4]
        elif prefix == callbacks.ANSWER:
            answers.append(data)
    return check, answers


class Person:
    """The contact, answering whatever is on screen."""

    def __init__(self, tg: FakeTelegram, bot: Supervisor, report: CrashReport) -> None:
        self.tg, self.bot, self.report = tg, bot, report
        self.user = tg.user(CONTACT_ID, first_name="Aino", language_code="en")
        self.counter = 0
        self.sent_event = asyncio.Event()  # set whenever a message or press goes out

    async def settle(self) -> None:
        """Until the bot runs, is quiet, and has nothing unfinished in its inbox."""
        while True:
            await self.bot.ensure_running()
            try:
                await self.tg.wait_idle(quiet=0.15, timeout=1.0)
            except TimeoutError:
                continue
            if self.bot.alive() and _unfinished(self.bot.database) == 0:
                return

    async def await_reply(self) -> BotMessage | None:
        """The bot's next new message in the chat, restarting the bot while it is dead."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + REPLY_TIMEOUT
        while loop.time() < deadline:
            await self.bot.ensure_running()
            try:
                reply = await self.tg.next_reply(self.user, timeout=0.5)
            except AssertionError:
                continue
            if not reply.edited:
                return reply
        self.report.unanswered += 1
        return None

    async def turn(self) -> None:
        await self.settle()
        screen = _latest(self.tg, self.user)
        check, answers = _step_buttons(screen) if screen else (None, [])
        self.tg.drain(self.user)
        self.report.sent += 1
        self.sent_event.set()
        if screen is None or (check is None and not screen.buttons()):
            await self.tg.send(self.user, "/report")
            await self.await_reply()
            return
        if check is None:  # the review (or a unit choice): go through the report again
            labels = dict(screen.buttons())
            data = labels.get("Go through again") or next(d for _, d in screen.buttons() if d)
            await self.tg.press_data(self.user, screen, str(data))
            await self.await_reply()
            return
        text = screen.plain
        if "Type a whole number" in text or "Type a number" in text or "Type your answer" in text \
                or "Type a comment" in text:
            self.counter += 1
            typed, value = self._value(text)
            entry = Typed(check, value)
            self.report.typed.append(entry)
            await self.tg.send(self.user, typed)
            reply = await self.await_reply()
            entry.acknowledged = reply is not None and "✓ Saved" in reply.plain
            return
        # a measure "in progress" asks its indicator values ("not started" would skip them)
        choice = next((d for d in answers if d.endswith((":in_progress", ":done", ":partly"))),
                      next((d for d in answers if not d.endswith(":same")), answers[0]))
        await self.tg.press_data(self.user, screen, choice)
        await self.await_reply()

    def _value(self, prompt: str) -> tuple[str, Any]:
        n = self.counter
        if "Type a whole number" in prompt:
            return str(n), n
        if "Type a number" in prompt:  # percentages too: stay under 100, stay unique
            value = round(10 + n / 1000, 3)
            return f"{value}", value
        return f"note {n}", f"note {n}"


async def kill_at_random(bot: Supervisor, person: Person, report: CrashReport, cycles: int,
                         rng: random.Random) -> None:
    """After each start, SIGKILL the bot at a random moment: one time in four during its
    start-up (replaying what the last kill left), otherwise while the person's latest
    message is in flight (0-40 ms after its 1st to 3rd message since the start; the bot
    handles a message in 10-30 ms here: fetched, being handled, replied to)."""
    while report.kills < cycles:
        await bot.started.wait()
        bot.started.clear()
        if rng.random() < 0.25:
            await asyncio.sleep(rng.uniform(0.2, 1.5))
        else:
            for _ in range(rng.randint(1, 3)):
                person.sent_event.clear()
                await person.sent_event.wait()
            await asyncio.sleep(rng.uniform(0, IN_FLIGHT))
        if await bot.kill():
            report.kills += 1


def audit(database: Path, report: CrashReport) -> None:
    """Compare the history with what the person typed and was told."""
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
        rows = list(db.execute(
            "SELECT key, new_value FROM answer_history WHERE unit_id = ? AND year = ?",
            (UNIT, YEAR)))
    stored: dict[str, list[str]] = {}  # the JSON value -> keys it was stored under
    for key, value in rows:
        stored.setdefault(value, []).append(key)
    for entry in report.typed:
        keys = stored.get(json.dumps(entry.value, ensure_ascii=False), [])
        if len(keys) > 1:
            report.duplicated += 1
        if any(_check(key) != entry.check for key in keys):
            report.misplaced += 1
        if entry.acknowledged and not any(_check(key) == entry.check for key in keys):
            report.lost += 1


def _check(key: str) -> str:
    return f"{zlib.crc32(key.encode()) & 0xFFFF:04x}"  # as bot.domain.walk.Step.check


async def crash_cycles(workdir: Path, cycles: int, seed_value: int = 10) -> CrashReport:
    """Run the person against the real bot until it has been killed `cycles` times."""
    report = CrashReport()
    rng = random.Random(seed_value)
    async with FakeTelegram() as tg:
        bot = Supervisor(tg, workdir)
        await seed(bot.database)
        person = Person(tg, bot, report)
        killer = asyncio.create_task(kill_at_random(bot, person, report, cycles, rng))
        try:
            while not killer.done():
                await person.turn()
            await killer
            await person.turn()  # one more after the last restart
            await person.settle()
        finally:
            killer.cancel()
            await bot.stop()
    audit(bot.database, report)
    report.replayed = bot.log.read_text(errors="replace").count("left unfinished by the last run")
    return report
