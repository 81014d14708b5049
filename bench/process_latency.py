"""Per-update latency of `kotobot run` as a separate process, against a bare PTB echo bot
process, interleaved sample by sample (issue 11).

Why: in-process benchmarks share one event loop between the bot, the fake server and the
driver, so they measure each other. Here each bot is its own process (`python -m bot run`,
exactly as deployed, and a bare `run_polling` echo bot), each talking to its own
FakeTelegram server in this process. Every Kotobot sample is preceded by an echo sample, so
machine noise (2 shared cores) hits both alike; p50 and p99 of each kind are printed with
their ratio to the echo samples taken in the same run.

Kinds (one contact per unit, ``--units`` units with number fields; the coordinator for
/summary):

* typed step: a number typed at a number step, to the next question (a durable write);
  the contact then presses "⬅ Back" (untimed) and types a different number next time;
* button step: an answer button at the measure's status step, to the next question (the
  edit of the pressed message is not the reply); then "⬅ Back", untimed;
* /status of a contact; /summary text of the coordinator (to its text; the chart follows
  from a worker thread and is not timed).

After each sample the script waits, untimed, until that bot has been quiet for
``--settle`` seconds, so neither bot's rate limiter is what is measured.

Usage: ``.venv/bin/python bench/process_latency.py [--samples N] [--units U]``. Bounded:
fixed counts, every wait has a timeout, children are stopped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from echo_latency import percentile  # also puts tests/ on sys.path
from fake_telegram import BotMessage, FakeTelegram, FakeUser
from harness import COORDINATOR_ID
from report_latency import (
    BUTTON_PREFERENCE,
    button_data,
    setup_contacts,
    step_position,
    timed_text,
)

from bot.catalogue.loader import load_catalogue
from bot.chat import callbacks
from bot.domain.walk import Step

ROOT = Path(__file__).resolve().parents[1]
ECHO = r"""
import sys
from telegram.ext import ApplicationBuilder, MessageHandler, filters
async def echo(update, context):
    await update.message.reply_text(update.message.text)
app = ApplicationBuilder().token(sys.argv[1]).base_url(sys.argv[2]).build()
app.add_handler(MessageHandler(filters.TEXT, echo))
app.run_polling()
"""


@dataclass
class Walker:
    """A contact parked at a number step of its walk, between samples."""

    user: FakeUser
    message: BotMessage
    walk: list[Step]
    count: int = 0

    def at_number(self, message: BotMessage) -> bool:
        position = step_position(message)
        return position is not None and self.walk[position].numeric


async def timed_press(tg: FakeTelegram, user: FakeUser, message: BotMessage, data: str,
                      timeout: float) -> tuple[float, BotMessage]:
    """Press to the bot's next new message: edits (of the pressed message, or of an earlier
    question losing its buttons) are skipped."""
    started = time.perf_counter()
    await tg.press(user, message, data)
    async with asyncio.timeout(timeout):
        while True:
            reply = await tg.next_reply(user, timeout=timeout)
            if reply.message_id != message.message_id and not reply.edited:
                return time.perf_counter() - started, reply


async def spawn(args: list[str], env: dict[str, str], tg: FakeTelegram,
                cwd: str) -> asyncio.subprocess.Process:
    proc = await asyncio.create_subprocess_exec(
        *args, env={**os.environ, **env}, cwd=cwd,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
    async with asyncio.timeout(60):  # ready: it long-polls
        while not any(name == "getupdates" for name, _ in tg.calls):
            if proc.returncode is not None:
                raise RuntimeError(f"{args} exited with {proc.returncode}")
            await asyncio.sleep(0.05)
    return proc


async def stop(proc: asyncio.subprocess.Process) -> None:
    if proc.returncode is None:
        proc.send_signal(signal.SIGINT)
        try:
            await asyncio.wait_for(proc.wait(), 30)
        except TimeoutError:
            proc.kill()
            await proc.wait()


async def settle(tg: FakeTelegram, user: FakeUser, quiet: float) -> None:
    await tg.wait_idle(quiet=quiet, timeout=30)
    tg.drain(user)


async def to_number(tg: FakeTelegram, walker: Walker, quiet: float) -> None:
    """Answer forward (untimed) until the message shown is one `want` accepts."""
    trail = []
    for _ in range(60):
        trail.append((step_position(walker.message), walker.message.plain[:50],
                      [t for t, _ in walker.message.buttons()][:4]))
        if walker.at_number(walker.message):
            return
        data = next((d for v in BUTTON_PREFERENCE
                     if (d := button_data(walker.message, callbacks.ANSWER, v))), None)
        again = next((d for text, d in walker.message.buttons() if "again" in text), None)
        if data is None and again is not None:  # the review: go through again, step by step
            _, walker.message = await timed_press(tg, walker.user, walker.message, again, 30)
        elif data is not None:
            _, walker.message = await timed_press(tg, walker.user, walker.message, data, 30)
        else:
            _, walker.message = await timed_text(tg, walker.user, "7", 30)
        await settle(tg, walker.user, quiet)
    raise RuntimeError(f"no number step ahead: at {step_position(walker.message)}: "
                       f"{walker.message.plain[:200]!r} after {trail[:5]}")


async def back(tg: FakeTelegram, walker: Walker, quiet: float) -> None:
    data = button_data(walker.message, callbacks.NAVIGATE, "back")
    if data is None:
        raise RuntimeError(f"no Back button: {walker.message.plain!r}")
    _, walker.message = await timed_press(tg, walker.user, walker.message, data, 30)
    await settle(tg, walker.user, quiet)


async def main(samples: int, units: int, quiet: float, profile: str | None = None) -> None:
    index = load_catalogue()
    results: dict[str, list[float]] = {k: [] for k in ("typed step", "button step", "/status",
                                                       "/summary text")}
    echo_of: dict[str, list[float]] = {k: [] for k in results}
    with tempfile.TemporaryDirectory(prefix="kotobot-bench-") as tmp:
        async with FakeTelegram() as echo_tg, FakeTelegram() as tg:
            echo = await spawn([sys.executable, "-c", ECHO, echo_tg.token, echo_tg.base_url],
                               {}, echo_tg, tmp)
            profiler = ["-m", "cProfile", "-o", profile] if profile else []
            kotobot = await spawn([sys.executable, *profiler, "-m", "bot", "run"], {
                "KOTOBOT_TOKEN": tg.token, "KOTOBOT_API_BASE_URL": tg.base_url,
                "KOTOBOT_COORDINATORS": str(COORDINATOR_ID),
                "KOTOBOT_DATABASE": str(Path(tmp) / "k.sqlite3"),
                "PYTHONPATH": os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])},
                tg, tmp)
            try:
                contacts = await setup_contacts(tg, index, units, 30)
                coordinator = tg.user(COORDINATOR_ID)
                number_walkers = []
                for contact in contacts:
                    await tg.send(contact.user, "/report")
                    message = await tg.next_reply(contact.user, timeout=30)
                    await settle(tg, contact.user, quiet)
                    walker = Walker(contact.user, message, contact.walk)
                    await to_number(tg, walker, quiet)
                    number_walkers.append(walker)
                echo_user = echo_tg.user(9000, "Echo", "en")

                async def echo_sample() -> float:
                    started = time.perf_counter()
                    await echo_tg.send(echo_user, f"hei {time.perf_counter()}")
                    await echo_tg.next_reply(echo_user, timeout=30)
                    elapsed = time.perf_counter() - started
                    await settle(echo_tg, echo_user, quiet)
                    return elapsed

                async def typed(n: int) -> float:
                    walker = number_walkers[n % len(number_walkers)]
                    walker.count += 1
                    elapsed, walker.message = await timed_text(
                        tg, walker.user, str(10 + walker.count % 89), 30)
                    if "✓" not in walker.message.plain:
                        raise RuntimeError(f"number not accepted: {walker.message.plain!r}")
                    await settle(tg, walker.user, quiet)
                    if button_data(walker.message, callbacks.NAVIGATE, "back") is None:
                        await to_number(tg, walker, quiet)  # the review: the last one answered
                    else:
                        await back(tg, walker, quiet)
                    return elapsed

                async def button(n: int) -> float:
                    # Back (untimed) from the number step to the nearest step answered by a
                    # button (the measure's status at the latest), press, walk on to it again
                    walker = number_walkers[n % len(number_walkers)]
                    values: list[str] = []
                    for _ in range(20):
                        await back(tg, walker, quiet)
                        values = [v for v in BUTTON_PREFERENCE
                                  if button_data(walker.message, callbacks.ANSWER, v)]
                        if values:
                            break
                    if not values:
                        raise RuntimeError(f"no answer button: {walker.message.plain!r}")
                    # the same answer each time: another one (say "not started") could
                    # change the walk ahead and take the number step away
                    data = button_data(walker.message, callbacks.ANSWER, values[0])
                    assert data is not None
                    elapsed, walker.message = await timed_press(tg, walker.user,
                                                                walker.message, data, 30)
                    await settle(tg, walker.user, quiet)
                    await to_number(tg, walker, quiet)
                    return elapsed

                async def status(n: int) -> float:
                    walker = number_walkers[n % len(number_walkers)]
                    elapsed, reply = await timed_text(tg, walker.user, "/status", 30)
                    if "Answered" not in reply.plain:
                        raise RuntimeError(f"unexpected /status reply: {reply.plain!r}")
                    await settle(tg, walker.user, quiet)
                    # a command leaves the report; /report (untimed) resumes it
                    await tg.send(walker.user, "/report")
                    walker.message = await tg.next_reply(walker.user, timeout=30)
                    await settle(tg, walker.user, quiet)
                    await to_number(tg, walker, quiet)
                    return elapsed

                async def summary(n: int) -> float:
                    tg.drain(coordinator)
                    started = time.perf_counter()
                    await tg.send(coordinator, "/summary")
                    reply = await tg.next_reply(coordinator, timeout=30)
                    while reply.kind != "text":
                        reply = await tg.next_reply(coordinator, timeout=30)
                    elapsed = time.perf_counter() - started
                    await settle(tg, coordinator, max(quiet, 0.3))  # the chart, untimed
                    return elapsed

                kinds: dict[str, Callable[[int], Awaitable[float]]] = {
                    "typed step": typed, "button step": button, "/status": status,
                    "/summary text": summary}
                for n in range(-2, samples):  # two warm-up rounds
                    for name, sample in kinds.items():
                        e = await echo_sample()
                        k = await sample(n % 10_000)
                        if n >= 0:
                            echo_of[name].append(e)
                            results[name].append(k)
            finally:
                await stop(kotobot)
                await stop(echo)
    print(f"kotobot run (a process) vs a bare PTB echo bot process, interleaved, n={samples} each")
    for name, values in results.items():
        e = echo_of[name]
        p50, p99 = statistics.median(values), percentile(values, 99)
        e50, e99 = statistics.median(e), percentile(e, 99)
        print(f"{name:<14} p50 {p50 * 1000:6.1f} ms (echo {e50 * 1000:5.1f}) ×{p50 / e50:4.2f}   "
              f"p99 {p99 * 1000:6.1f} ms (echo {e99 * 1000:5.1f}) ×{p99 / e99:4.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--units", type=int, default=5)
    parser.add_argument("--settle", type=float, default=0.05)
    parser.add_argument("--profile", help="run kotobot under cProfile, writing stats here")
    args = parser.parse_args()
    asyncio.run(main(args.samples, args.units, args.settle, args.profile))
