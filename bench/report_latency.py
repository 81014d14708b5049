"""Kotobot's per-update latency in the guided report, as a ratio to a bare PTB echo bot.

Why: absolute milliseconds depend on the machine; the ratio to a bare echo bot measured in
the *same run* against the *same* in-process FakeTelegram server (PTB + HTTP + long polling,
nothing else) says how much our handlers add on top of the floor cost of any PTB bot.

One run does, in order:

1. echo: the bare echo bot from ``bench/echo_latency.py`` answers ``--updates`` texts;
2. the real Kotobot Application (``tests/harness.running_bot``: post_init, SQLite in WAL mode
   with ``synchronous=FULL`` in a temporary directory, the scheduler, the rate limiter) is
   started with the project's ``Clock``; the coordinator opens the round and invites one
   contact for each of ``--units`` units (the ones with the most number fields); then
3. write path: every contact goes through its guided report, round robin. A typed number
   (parse, permission and round re-check, answer + history row in one ``synchronous=FULL``
   transaction, next step rendered and sent) is one sample; to get ``--updates`` of them
   from a catalogue that has ~30 number fields in these units, each number step is also
   corrected a few times: "⬅ Back" from the following step, then a *different* number (so
   a real write happens every time). Button presses are updates too and are timed from the
   press to the bot's next *new* message (the edit of the pressed message comes first);
4. read path: ``--updates`` ``/status`` commands, round robin over the contacts (now with
   partly answered reports).

Every sample is the time from enqueuing the update at the fake server to the bot's output,
exactly as ``measure_latency`` times the echo bot. After each sample the script waits,
untimed, until the bot has been quiet for ``--settle`` seconds (``FakeTelegram.wait_idle``),
for the echo bot too, so both see the same pacing. The pause matters: Kotobot runs PTB's
``AIORateLimiter`` (30 chat-bound API calls per second overall, as Telegram allows), and
back-to-back updates would measure that limiter instead of the handlers (``--settle 0``
shows it).

Usage: ``.venv/bin/python bench/report_latency.py [--updates N] [--units U]``. Bounded: at
most ``--updates`` samples per kind, a fixed cap on updates, every wait has a timeout, and
the only network peer is FakeTelegram on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import re
import statistics
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from echo_latency import make_echo_app, measure_latency, percentile  # also puts tests/ on sys.path
from fake_telegram import BotMessage, FakeTelegram, FakeUser
from harness import COORDINATOR_ID, Clock, make_settings, running_bot

from bot.catalogue.index import CatalogueIndex
from bot.catalogue.loader import load_catalogue
from bot.chat import callbacks
from bot.domain.due import due_measures
from bot.domain.walk import Step, StepKind, build_walk

YEAR = 2026  # the round "/round open" opens on the harness Clock's default date
LINK = re.compile(r"https://t\.me/\S+\?start=(\S+)")
BUTTON_PREFERENCE = ("in_progress", "ongoing", "partly", "yes", "none", "done")
"""Which answer button a diligent contact presses, by callback value (language-independent)."""


@dataclass
class Contact:
    user: FakeUser
    unit_id: str
    walk: list[Step]
    message: BotMessage | None = None  # the step (or review) the contact is looking at
    corrections: dict[int, int] = field(default_factory=dict)  # walk position → done so far
    finished: bool = False


@dataclass
class Samples:
    echo: list[float] = field(default_factory=list)
    status: list[float] = field(default_factory=list)  # /status (read path)
    number: list[float] = field(default_factory=list)  # typed number answers (write path)
    button_answer: list[float] = field(default_factory=list)  # status/choice/"No comment"
    button_back: list[float] = field(default_factory=list)  # "⬅ Back" (navigation)
    text: list[float] = field(default_factory=list)  # typed free-text answers


def pick_units(index: CatalogueIndex, count: int) -> list[tuple[str, list[Step]]]:
    """The `count` lead units with the most number steps in their walk (ties: catalogue order)."""
    walks = [(u.id, build_walk(index, due_measures(index, u.id, YEAR, {})))
             for u in index.lead_units()]
    walks = [w for w in walks if any(s.numeric for s in w[1])]
    walks.sort(key=lambda w: -sum(s.numeric for s in w[1]))
    return walks[:count]


def step_position(message: BotMessage) -> int | None:
    """The walk position a step message is about, read from its buttons; None for others."""
    for _, data in message.buttons():
        for prefix in (callbacks.ANSWER, callbacks.NAVIGATE):
            if data and data.startswith(prefix + ":"):
                return callbacks.position_of(callbacks.unpack(data, prefix, 5)[2])
    return None


def button_data(message: BotMessage, prefix: str, value: str) -> str | None:
    for _, data in message.buttons():
        if data and data.startswith(prefix + ":") and data.rsplit(":", 1)[1] == value:
            return data
    return None


async def settle(tg: FakeTelegram, user: FakeUser, quiet: float, timeout: float) -> None:
    """Untimed: let the bot go quiet, then discard anything not yet read in the chat."""
    if quiet > 0:
        await tg.wait_idle(quiet=quiet, timeout=timeout)
    tg.drain(user)


async def timed_text(tg: FakeTelegram, user: FakeUser, text: str, timeout: float
                     ) -> tuple[float, BotMessage]:
    """Type to the bot's next new message (an edit taking an answered question's buttons
    away is skipped)."""
    started = time.perf_counter()
    await tg.send(user, text)
    reply = await tg.next_reply(user, timeout=timeout)
    while reply.edited:
        reply = await tg.next_reply(user, timeout=timeout)
    return time.perf_counter() - started, reply


async def timed_press(tg: FakeTelegram, user: FakeUser, message: BotMessage, data: str,
                      timeout: float) -> tuple[float, BotMessage]:
    """Press to the bot's next new message (the pressed message's edit is skipped)."""
    started = time.perf_counter()
    await tg.press(user, message, data)
    async with asyncio.timeout(timeout):
        while True:
            reply = await tg.next_reply(user, timeout=timeout)
            if reply.message_id != message.message_id:
                return time.perf_counter() - started, reply


async def setup_contacts(tg: FakeTelegram, index: CatalogueIndex, units: int,
                         timeout: float) -> list[Contact]:
    """Open the round and invite one English-speaking contact per chosen unit (untimed)."""
    coordinator = tg.user(COORDINATOR_ID, first_name="Hanna", language_code="fi")
    await tg.send(coordinator, "/round open")
    opened = await tg.next_reply(coordinator, timeout=timeout)
    if str(YEAR) not in opened.plain:
        raise RuntimeError(f"unexpected /round open reply: {opened.plain!r}")
    contacts = []
    for n, (unit_id, walk) in enumerate(pick_units(index, units)):
        await tg.wait_idle(quiet=0.05, timeout=timeout)
        tg.drain(coordinator)
        await tg.send(coordinator, f"/invite {unit_id}")
        link = LINK.search((await tg.next_reply(coordinator, timeout=timeout)).plain)
        if link is None:
            raise RuntimeError(f"no invitation link for {unit_id}")
        user = tg.user(20 + n, first_name=f"Contact{n}", language_code="en")
        await tg.send(user, f"/start {link.group(1)}")
        await tg.next_reply(user, timeout=timeout)
        contacts.append(Contact(user, unit_id, walk))
    await tg.wait_idle(quiet=0.1, timeout=timeout)
    for user in (coordinator, *(c.user for c in contacts)):
        tg.drain(user)
    return contacts


async def write_path(tg: FakeTelegram, contacts: list[Contact], samples: Samples, wanted: int,
                     quiet: float, timeout: float) -> None:
    """Walk every contact through the report, round robin, until `wanted` typed numbers."""
    for contact in contacts:  # /report: the first step (untimed; doubles as warm-up)
        await tg.send(contact.user, "/report")
        contact.message = await tg.next_reply(contact.user, timeout=timeout)
        await settle(tg, contact.user, quiet, timeout)
    number_steps = sum(s.numeric for c in contacts for s in c.walk)
    corrections = max(0, math.ceil(wanted / max(number_steps, 1)) - 1)
    counter = 0
    budget = 20 * wanted + sum(len(c.walk) for c in contacts)  # hard cap on updates sent
    while len(samples.number) < wanted and budget > 0 and not all(c.finished for c in contacts):
        for contact in contacts:
            if contact.finished or len(samples.number) >= wanted or budget <= 0:
                continue
            budget -= 1
            user, message = contact.user, contact.message
            assert message is not None
            position = step_position(message)
            if position is None:  # the review: this contact's walk is done
                contact.finished = True
                continue
            step = contact.walk[position]
            if step.numeric:
                counter += 1
                value = str(1 + counter % 97)  # differs from the last answer: a real write
                elapsed, reply = await timed_text(tg, user, value, timeout)
                if "✓" not in reply.plain:
                    raise RuntimeError(f"number {value} not accepted: {reply.plain!r}")
                samples.number.append(elapsed)
                await settle(tg, user, quiet, timeout)
                done = contact.corrections.get(position, 0)
                back = button_data(reply, callbacks.NAVIGATE, "back")
                if done < corrections and back and step_position(reply) == position + 1:
                    contact.corrections[position] = done + 1
                    budget -= 1
                    elapsed, reply = await timed_press(tg, user, reply, back, timeout)
                    if step_position(reply) != position:
                        raise RuntimeError(f"Back did not return to step {position}")
                    samples.button_back.append(elapsed)
                    await settle(tg, user, quiet, timeout)
                contact.message = reply
            elif step.textual and step.kind is StepKind.FIELD:
                elapsed, contact.message = await timed_text(tg, user, "Went well.", timeout)
                samples.text.append(elapsed)
                await settle(tg, user, quiet, timeout)
            else:
                data = next((d for v in BUTTON_PREFERENCE
                             if (d := button_data(message, callbacks.ANSWER, v))), None)
                if data is None:
                    raise RuntimeError(f"no answer button at step {position}: {message.buttons()}")
                elapsed, contact.message = await timed_press(tg, user, message, data, timeout)
                samples.button_answer.append(elapsed)
                await settle(tg, user, quiet, timeout)


async def read_path(tg: FakeTelegram, contacts: list[Contact], samples: Samples, wanted: int,
                    quiet: float, timeout: float, warmup: int = 3) -> None:
    for i in range(warmup + wanted):
        user = contacts[i % len(contacts)].user
        elapsed, reply = await timed_text(tg, user, "/status", timeout)
        if "Answered" not in reply.plain:
            raise RuntimeError(f"unexpected /status reply: {reply.plain!r}")
        if i >= warmup:
            samples.status.append(elapsed)
        await settle(tg, user, quiet, timeout)


def line(name: str, values: Sequence[float], echo: Sequence[float]) -> str:
    if not values:
        return f"{name:<34} n=0"
    ms = [v * 1000 for v in values]
    echo_ms = [v * 1000 for v in echo]
    median, p95 = statistics.median(ms), percentile(ms, 95)
    ratio = ""
    if echo_ms and values is not echo:
        ratio = (f"  ×{median / statistics.median(echo_ms):5.2f} median"
                 f"  ×{p95 / percentile(echo_ms, 95):5.2f} p95")
    return f"{name:<34} n={len(ms):<4} median {median:7.2f} ms  p95 {p95:7.2f} ms{ratio}"


async def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=100,
                        help="samples per kind: echo texts, /status, typed numbers (100)")
    parser.add_argument("--units", type=int, default=10, help="units, one contact each (10)")
    parser.add_argument("--settle", type=float, default=0.07,
                        help="untimed quiet time after each sample, seconds (0.07)")
    parser.add_argument("--reply-timeout", type=float, default=10.0, help="seconds per reply")
    args = parser.parse_args(argv)
    if args.updates < 1 or args.units < 1:
        parser.error("--updates and --units must be at least 1")
    index = load_catalogue()
    samples = Samples()
    started = time.perf_counter()
    async with FakeTelegram() as tg:
        echo_users = [tg.user(9000 + n, f"Echo{n}", "en") for n in range(args.units)]
        texts = [f"viesti {n} – hei maailma" for n in range(args.updates)]
        samples.echo = await measure_latency(make_echo_app, tg, echo_users, texts,
                                             reply_timeout=args.reply_timeout, settle=args.settle)
        with tempfile.TemporaryDirectory(prefix="kotobot-bench-") as tmp:
            settings = make_settings(tg, Path(tmp) / "kotobot.sqlite3")
            async with running_bot(settings, Clock()):
                contacts = await setup_contacts(tg, index, args.units, args.reply_timeout)
                await write_path(tg, contacts, samples, args.updates, args.settle,
                                 args.reply_timeout)
                await read_path(tg, contacts, samples, args.updates, args.settle,
                                args.reply_timeout)
    wall = time.perf_counter() - started
    print(f"Per-update round trip via FakeTelegram on 127.0.0.1 ({len(contacts)} units, "
          f"settle {args.settle * 1000:.0f} ms, {wall:.1f} s wall)")
    print(line("bare PTB echo bot", samples.echo, samples.echo))
    print(line("kotobot read: /status", samples.status, samples.echo))
    print(line("kotobot write: typed number", samples.number, samples.echo))
    print(line("kotobot write: answer button", samples.button_answer, samples.echo))
    print(line("kotobot nav: ⬅ Back button", samples.button_back, samples.echo))
    print(line("kotobot write: typed text", samples.text, samples.echo))
    print("(×: kotobot / echo, same run; buttons timed to the next new message)")


if __name__ == "__main__":
    asyncio.run(main())
