"""Kill -9 during outreach: the real `kotobot run` starts with a 200-contact reminder step and
a council digest due (its start-up catch-up sends them), is killed at random moments while
sending, restarted, and left to finish. Shared by tests/test_crash_outreach.py and
bench/crash_cycles.py.

The promise (bot/domain/outreach.py): nobody is missed, and a message goes out twice only
when a kill fell inside its send. A kill is inside a send exactly when the ledger holds a
claim the dead run never settled, which is read from the database after each kill; sends
are sequential, so there is at most one such claim per kill.
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from crashing import Supervisor
from fake_telegram import FakeTelegram

from bot.catalogue.loader import load_catalogue
from bot.config import Settings
from bot.domain.records import Role
from bot.domain.reporting import Reporting
from bot.storage import Storage

YEAR = 2026
CONTACTS = 200
COUNCIL = 40
FIRST_CONTACT, FIRST_MEMBER = 5000, 9000
SEND_METHODS = ("sendmessage", "sendphoto", "senddocument")


@dataclass
class OutreachReport:
    kills: int = 0
    kills_inside_a_send: int = 0
    kills_inside_a_digest_send: int = 0
    missed: int = 0  # recipients who did not get everything
    duplicates: int = 0  # messages a recipient got more than once
    digest_parts: int = 0  # distinct digest messages (text blocks, charts, workbooks)

    def summary(self) -> str:
        return (f"kills={self.kills} inside_a_send={self.kills_inside_a_send} "
                f"(digest {self.kills_inside_a_digest_send}) "
                f"missed={self.missed} duplicates={self.duplicates} digest_parts={self.digest_parts}")


async def seed(database: Path) -> None:
    """An open round whose only reminder step came ten days ago and whose digest day was
    yesterday: start-up owes every contact a reminder and every council member the digest."""
    now = datetime.now(UTC)
    today = now.date()
    settings = Settings(token=None)
    catalogue = load_catalogue(settings.catalogue)
    storage = await Storage.open(database)
    await storage.open_round(YEAR, today + timedelta(days=30), (40,), now)
    await storage.set_digest_date(YEAR, today - timedelta(days=1))
    round_ = await storage.round(YEAR)
    assert round_ is not None
    # units with measures due this year: only they are reminded
    units = sorted(await Reporting(catalogue, storage, settings.tz, lambda: now).owed(round_))
    for n in range(CONTACTS):
        person = await storage.ensure_person(FIRST_CONTACT + n, f"Contact {n}", "fi", now)
        await storage.grant(person.id, Role.CONTACT, units[n % len(units)], now)
    for n in range(COUNCIL):
        person = await storage.ensure_person(FIRST_MEMBER + n, f"Member {n}", "sv", now)
        await storage.grant(person.id, Role.COUNCIL, "", now)
    await storage.close()


def _claims_left(database: Path) -> list[str]:
    """The keys claimed but never settled: the send a kill interrupted."""
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
        return [row[0] for row in db.execute(
            "SELECT key FROM deliveries WHERE state = 'claimed'")]


def _finished(database: Path) -> bool:
    """Whether the bot's ledger says every digest went out and no send is in flight (only
    to know when to stop watching; the verdict is what the chats received)."""
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
        digests = db.execute("SELECT count(*) FROM deliveries WHERE key = ? AND state = 'sent'",
                             (f"digest:{YEAR}",)).fetchone()[0]
        claims = db.execute("SELECT count(*) FROM deliveries WHERE state = 'claimed'").fetchone()[0]
    return digests == COUNCIL and claims == 0


def _received(tg: FakeTelegram, into: dict[int, list[tuple[str, str]]]) -> None:
    """Add the messages each chat received since the last call (what Telegram accepted),
    as (kind, content) so that the same message sent twice is recognised."""
    for chat_id in [FIRST_CONTACT + n for n in range(CONTACTS)] + \
                   [FIRST_MEMBER + n for n in range(COUNCIL)]:
        into.setdefault(chat_id, []).extend(
            (m.kind, f"{m.content}|{m.filename}") for m in tg.drain(chat_id) if not m.edited)


async def outreach_crashes(workdir: Path, kills: int, seed_value: int = 7,
                           timeout: float = 240) -> OutreachReport:
    report = OutreachReport()
    rng = random.Random(seed_value)
    async with FakeTelegram() as tg:
        for n in range(CONTACTS):
            tg.user(FIRST_CONTACT + n, f"Contact {n}", "fi")
        for n in range(COUNCIL):
            tg.user(FIRST_MEMBER + n, f"Member {n}", "sv")
        tg.user(1000, "Hanna", "fi")
        bot = Supervisor(tg, workdir)
        await seed(bot.database)
        try:
            received = await _run(tg, bot, report, kills, rng, timeout)
        finally:
            await bot.kill()
    digest = {part for n in range(COUNCIL) for part in received.get(FIRST_MEMBER + n, [])}
    report.digest_parts = len(digest)
    for chat_id, messages in received.items():
        if chat_id >= FIRST_MEMBER:
            report.missed += not digest <= set(messages)
        else:
            report.missed += not messages
        report.duplicates += len(messages) - len(set(messages))
    return report


async def _run(tg: FakeTelegram, bot: Supervisor, report: OutreachReport, kills: int,
               rng: random.Random, timeout: float) -> dict[int, list[tuple[str, str]]]:
    """Kill each run at a random moment after it began sending; then let one run finish."""
    loop = asyncio.get_running_loop()

    def sends(to_council: bool) -> int:
        return sum(1 for name, p in tg.calls if name in SEND_METHODS
                   and (not to_council or int(p.get("chat_id", 0)) >= FIRST_MEMBER))

    for number in range(kills):
        digest = number % 2 == 1  # every other kill waits for the digest to be under way
        before = sends(digest)
        await bot.ensure_running()
        quiet_until = loop.time() + 20  # a run with nothing left to send is not killed
        while sends(digest) == before and loop.time() < quiet_until:
            await asyncio.sleep(0.01)
        if sends(digest) == before:
            break
        await asyncio.sleep(rng.uniform(0, 1.0))
        if await bot.kill():
            report.kills += 1
            inside = _claims_left(bot.database)
            report.kills_inside_a_send += len(inside)
            report.kills_inside_a_digest_send += sum(k.startswith("digest:") for k in inside)
    mark = len(tg.calls)
    await bot.ensure_running()
    deadline = loop.time() + timeout
    received: dict[int, list[tuple[str, str]]] = {}
    while loop.time() < deadline:
        _received(tg, received)
        polling = any(name == "getupdates" for name, _ in tg.calls[mark:])  # start-up is over
        if polling and _finished(bot.database):  # the bot thinks so: now see what people got
            await tg.wait_idle(quiet=1.0, timeout=timeout)
            _received(tg, received)
            break
        await asyncio.sleep(0.2)
    await bot.stop()
    return received
