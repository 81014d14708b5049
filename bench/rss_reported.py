"""Memory of `kotobot run` after many contacts have reported, against its own idle memory
and a bare PTB echo bot's (issue 11).

Why: idle RSS says nothing about what the bot keeps per person (sessions, caches, PTB's
per-chat data, the pacer's chat table). `--contacts` contacts (spread over the catalogue's
units) are seeded into the database through `Storage` before the bot starts; then, against
the running `kotobot run` process, each one sends /report, answers the first question with a
button, types a comment or number where asked next, and asks /status. VmRSS of the child is
read from /proc before and after; a bare echo bot process answers the same number of texts
for comparison.

Usage: ``.venv/bin/python bench/rss_reported.py [--contacts N]`` (500). Bounded: fixed
counts, every wait has a timeout, children are stopped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import echo_latency  # noqa: F401  (puts tests/ on sys.path)
from fake_telegram import FakeTelegram
from harness import COORDINATOR_ID
from process_latency import ECHO, ROOT, spawn, stop
from report_latency import BUTTON_PREFERENCE, button_data

from bot.catalogue.loader import load_catalogue
from bot.chat import callbacks
from bot.domain.records import Role
from bot.storage import Storage


def rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        line = next(line for line in status if line.startswith("VmRSS"))
    return int(line.split()[1]) / 1024


async def seed(path: Path, contacts: int) -> None:
    index = load_catalogue()
    storage = await Storage.open(path)
    try:
        await storage._db.execute("PRAGMA synchronous=OFF")  # seeding only
        await storage.sync_units((u.id, u.name.fi, u.name.sv, u.name.en)
                                 for u in index.catalogue.units)
        units = sorted(u.id for u in index.lead_units())
        now = datetime.now(UTC)
        await storage.open_round(2026, datetime(2027, 1, 31).date(), (14, 7, 1), now)
        for n in range(contacts):
            person = await storage.ensure_person(100_000 + n, f"C{n}", "en", now)
            await storage.grant(person.id, Role.CONTACT, units[n % len(units)], now)
    finally:
        await storage.close()


async def main(contacts: int) -> None:
    with tempfile.TemporaryDirectory(prefix="kotobot-bench-") as tmp:
        database = Path(tmp) / "k.sqlite3"
        await seed(database, contacts)
        async with FakeTelegram() as echo_tg, FakeTelegram() as tg:
            echo = await spawn([sys.executable, "-c", ECHO, echo_tg.token, echo_tg.base_url],
                               {}, echo_tg, tmp)
            kotobot = await spawn([sys.executable, "-m", "bot", "run"], {
                "KOTOBOT_TOKEN": tg.token, "KOTOBOT_API_BASE_URL": tg.base_url,
                "KOTOBOT_COORDINATORS": str(COORDINATOR_ID), "KOTOBOT_DATABASE": str(database),
                "PYTHONPATH": str(ROOT)}, tg, tmp)
            try:
                await tg.wait_idle(quiet=0.3, timeout=60)
                await asyncio.sleep(1.0)
                idle = {"echo": rss_mib(echo.pid), "kotobot": rss_mib(kotobot.pid)}
                started = time.perf_counter()
                for n in range(contacts):
                    user = tg.user(100_000 + n, first_name=f"C{n}", language_code="en")
                    await tg.send(user, "/report")
                    step = await tg.next_reply(user, timeout=30)
                    data = next((d for v in BUTTON_PREFERENCE
                                 if (d := button_data(step, callbacks.ANSWER, v))), None)
                    if data is not None:
                        await tg.press(user, step, data)
                    else:
                        await tg.send(user, "12")
                    await tg.wait_idle(quiet=0.02, timeout=30)
                    await tg.send(user, "/status")
                    await tg.wait_idle(quiet=0.02, timeout=30)
                    tg.drain(user)
                    echo_user = echo_tg.user(200_000 + n, first_name=f"E{n}", language_code="en")
                    for text in ("/report", "12", "/status"):
                        await echo_tg.send(echo_user, text)
                        await echo_tg.next_reply(echo_user, timeout=30)
                    echo_tg.drain(echo_user)
                wall = time.perf_counter() - started
                await asyncio.sleep(1.0)
                after = {"echo": rss_mib(echo.pid), "kotobot": rss_mib(kotobot.pid)}
            finally:
                await stop(kotobot)
                await stop(echo)
    print(f"{contacts} contacts reported (/report, one answer, /status) in {wall:.0f} s")
    for kind in ("echo", "kotobot"):
        print(f"{kind:8} RSS idle {idle[kind]:.1f} MiB, after {after[kind]:.1f} MiB "
              f"(+{after[kind] - idle[kind]:.1f} MiB)")
    print(f"kotobot after / echo after ×{after['kotobot'] / after['echo']:.2f}; "
          f"kotobot growth per contact {(after['kotobot'] - idle['kotobot']) * 1024 / contacts:.1f} KiB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=500)
    asyncio.run(main(parser.parse_args().contacts))
