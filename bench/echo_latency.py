"""Per-update round-trip latency of a PTB bot against the in-process FakeTelegram server.

Why: a bare echo bot measured through the same fake server gives the floor cost of PTB + HTTP +
long polling on this machine, so the real bot's latency can be reported as a ratio to it (stable
across machines) instead of as absolute milliseconds. ``measure_latency`` is reusable for that:

    echo = await measure_latency(make_echo_app, tg, users, texts)
    real = await measure_latency(make_real_app, tg, users, texts)
    ratio = statistics.median(real) / statistics.median(echo)

Usage: ``python bench/echo_latency.py [--updates N] [--users U]``. Every reply wait is bounded
(``--reply-timeout``), so the script always stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from fake_telegram import FakeTelegram, FakeUser

AnyApp = Application[Any, Any, Any, Any, Any, Any]
AppFactory = Callable[[FakeTelegram], AnyApp]


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.message is not None and update.message.text is not None:
        await update.message.reply_text(update.message.text)


def make_echo_app(tg: FakeTelegram) -> AnyApp:
    """The baseline: a bare PTB echo bot (no rate limiter, no persistence) wired to ``tg``."""
    app = (ApplicationBuilder().token(tg.token).base_url(tg.base_url)
           .base_file_url(tg.base_file_url).build())
    app.add_handler(MessageHandler(filters.TEXT, _echo))
    return app


async def measure_latency(app_factory: AppFactory, tg: FakeTelegram, users: Sequence[FakeUser],
                          texts: Sequence[str], *, warmup: int = 3, reply_timeout: float = 10,
                          settle: float = 0.0) -> list[float]:
    """Run ``app_factory(tg)`` with long polling (post_init/post_stop/post_shutdown hooks run as
    in ``run_polling``), send ``texts`` one at a time round-robin over ``users`` and return the
    seconds from enqueuing each update to the bot's *first* output in that chat.

    The first ``warmup`` sends (reusing ``texts``) are not measured. Bots that answer with more
    than one message should pass ``settle`` > 0: after each measurement the helper then waits
    until the bot has been quiet that long (not timed) and discards the extra output, so it is
    not mistaken for the next reply.
    """
    if not users or not texts:
        raise ValueError("need at least one user and one text")
    app = app_factory(tg)
    latencies: list[float] = []
    async with app:
        if app.post_init:
            await app.post_init(app)
        await app.start()
        assert app.updater is not None, "measure_latency needs an Application with an Updater"
        await app.updater.start_polling(poll_interval=0, timeout=1)
        try:
            for user in users:
                tg.drain(user)
            for i in range(warmup + len(texts)):
                user, text = users[i % len(users)], texts[(i - warmup) % len(texts)]
                started = time.perf_counter()
                await tg.send(user, text)
                await tg.next_reply(user, timeout=reply_timeout)
                if i >= warmup:
                    latencies.append(time.perf_counter() - started)
                if settle > 0:
                    await tg.wait_idle(quiet=settle, timeout=reply_timeout)
                tg.drain(user)
        finally:
            await app.updater.stop()
            await app.stop()
            if app.post_stop:
                await app.post_stop(app)
    if app.post_shutdown:
        await app.post_shutdown(app)
    return latencies


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (no interpolation: honest for a few hundred samples)."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered)) - 1))]


def summary(latencies: Sequence[float]) -> str:
    ms = [x * 1000 for x in latencies]
    return (f"n={len(ms)} median={statistics.median(ms):.2f} ms p95={percentile(ms, 95):.2f} ms "
            f"min={min(ms):.2f} ms max={max(ms):.2f} ms")


async def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=200, help="measured messages (200)")
    parser.add_argument("--users", type=int, default=5, help="distinct users, round-robin (5)")
    parser.add_argument("--reply-timeout", type=float, default=10.0, help="seconds per reply")
    args = parser.parse_args(argv)
    async with FakeTelegram() as tg:
        users = [tg.user(1000 + n, f"User{n}") for n in range(args.users)]
        texts = [f"viesti {n} – hei maailma" for n in range(args.updates)]
        latencies = await measure_latency(make_echo_app, tg, users, texts,
                                          reply_timeout=args.reply_timeout)
    print(f"bare PTB echo bot via FakeTelegram: {summary(latencies)}")


if __name__ == "__main__":
    asyncio.run(main())
