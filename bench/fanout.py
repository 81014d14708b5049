"""A /remind fan-out to many contacts, with the real Kotobot Application and FakeTelegram.

Why: a fan-out must neither burst over Telegram's ≈30 messages/s nor make anyone else wait.
Printed, all measured in this one run:

* total fan-out time (from /remind to the coordinator's progress message showing the
  result) against the floor N/30 s;
* the largest number of reminders in any one-second window (Telegram's limit: 30);
* another contact's /status latency during the fan-out against the same /status when idle
  (p50 and p99, interleaved with nothing else: idle samples first, then during).

Usage: ``python bench/fanout.py [--contacts N] [--samples S]``. Seeding runs with
``synchronous=OFF`` (one fsync per person would take minutes); it is set back to FULL before
anything is measured. Every wait is bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
from fake_telegram import FakeTelegram
from harness import COORDINATOR_ID, Clock, make_settings, running_bot, say, services_of

from bot.domain.records import Role


def busiest_second(times: list[float]) -> int:
    times, best, start = sorted(times), 0, 0
    for end, t in enumerate(times):
        while times[start] <= t - 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def main(contacts: int, samples: int) -> None:
    sent_at: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        async with FakeTelegram() as tg:
            original = tg._m_sendmessage

            def timed(p: dict) -> object:  # bench-only instrumentation of the fake server
                if int(p.get("chat_id") or 0) >= 100_000:
                    sent_at.append(time.monotonic())
                return original(p)

            tg._m_sendmessage = timed  # type: ignore[method-assign]
            coordinator = tg.user(COORDINATOR_ID, first_name="Hanna", language_code="en")
            clock = Clock()
            async with running_bot(make_settings(tg, Path(tmp) / "k.sqlite3"), clock) as app:
                services = services_of(app)
                await say(tg, coordinator, "/round open")
                await tg.wait_idle()
                storage = services.storage
                round_ = await storage.round(2026)
                assert round_ is not None
                units = sorted(await services.reporting.pending_units(round_))
                await storage._db.execute("PRAGMA synchronous=OFF")
                asker = tg.user(99, first_name="Asker", language_code="en")
                person = await storage.ensure_person(99, "Asker", "en", clock())
                await storage.grant(person.id, Role.CONTACT, units[0], clock())
                for n in range(contacts):
                    user = tg.user(100_000 + n, first_name=f"C{n}", language_code="en")
                    person = await storage.ensure_person(user.id, f"C{n}", "en", clock())
                    await storage.grant(person.id, Role.CONTACT, units[n % len(units)], clock())
                await storage._db.execute("PRAGMA synchronous=FULL")
                await tg.wait_idle()
                tg.drain(coordinator)

                async def status_once() -> float:
                    tg.drain(asker)
                    start = time.perf_counter()
                    await tg.send(asker, "/status")
                    while True:
                        reply = await tg.next_reply(asker, timeout=60)
                        if "Answered:" in reply.plain:  # the status, not a reminder
                            break
                    elapsed = time.perf_counter() - start
                    await asyncio.sleep(0.05)
                    return elapsed

                lags: list[tuple[float, float]] = []

                async def lag_monitor() -> None:  # how late the event loop wakes a 10 ms sleep
                    while True:
                        before = time.monotonic()
                        await asyncio.sleep(0.01)
                        lags.append((before, time.monotonic() - before - 0.01))

                monitor = asyncio.create_task(lag_monitor())
                idle = [await status_once() for _ in range(samples)]
                start = time.monotonic()
                await tg.send(coordinator, "/remind")
                progress = await tg.next_reply(coordinator, timeout=30)
                during: list[float] = []
                while len(sent_at) < contacts * 0.9 and len(during) < 10 * samples:
                    began = time.monotonic()
                    during.append(await status_once())
                    # one /status a second: the pacer leaves Telegram's 30th message a second
                    # for replies; asking faster would measure AIORateLimiter's queue (and
                    # slow the fan-out by as many sends), not the bot
                    await asyncio.sleep(max(0.0, 1.0 - (time.monotonic() - began)))
                for _ in range(3000):
                    current = next(m for m in tg.messages(coordinator)
                                   if m.message_id == progress.message_id)
                    if "Sent" in current.plain:
                        break
                    await asyncio.sleep(0.02)
                total = time.monotonic() - start
                monitor.cancel()
    floor = contacts / 30
    print(f"fan-out to {contacts} contacts (+1 asker): {total:.1f} s; floor {floor:.1f} s; "
          f"×{total / floor:.3f} the floor")
    if sent_at:
        print(f"  /remind → first reminder {sent_at[0] - start:.2f} s; first → last "
              f"{sent_at[-1] - sent_at[0]:.2f} s ({(len(sent_at) - 1) / (sent_at[-1] - sent_at[0]):.1f}/s);"
              f" last → result shown {start + total - sent_at[-1]:.2f} s")
    lag_idle = [lag for at, lag in lags if at < start]
    lag_during = [lag for at, lag in lags if at >= start]
    if lag_idle and lag_during:
        print(f"  event-loop lag (10 ms sleep) p50/p99: idle {statistics.median(lag_idle) * 1000:.1f}/"
              f"{pct(lag_idle, 0.99) * 1000:.1f} ms, during {statistics.median(lag_during) * 1000:.1f}/"
              f"{pct(lag_during, 0.99) * 1000:.1f} ms")
    print(f"largest 1-second window of reminders: {busiest_second(sent_at)} (limit 30); "
          f"reminders sent: {len(sent_at)}")
    print(f"/status idle n={len(idle)}: p50 {statistics.median(idle) * 1000:.1f} ms, "
          f"p99 {pct(idle, 0.99) * 1000:.1f} ms")
    print(f"/status during n={len(during)}: p50 {statistics.median(during) * 1000:.1f} ms, "
          f"p99 {pct(during, 0.99) * 1000:.1f} ms")
    print(f"ratio during/idle: p50 ×{statistics.median(during) / statistics.median(idle):.2f}, "
          f"p99 ×{pct(during, 0.99) / pct(idle, 0.99):.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=1000)
    parser.add_argument("--samples", type=int, default=100)
    args = parser.parse_args()
    asyncio.run(main(args.contacts, args.samples))
