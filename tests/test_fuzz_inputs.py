"""Property tests: whatever a person types or presses, the bot answers and never breaks.

One real bot (the PTB Application against the fake Bot API server, a real SQLite file)
runs for the whole module in an event loop on its own thread; hypothesis drives it from the
test thread, one input per example, as one of six people: a stranger, a contact of unit A
(in the middle of a report), a contact of unit B, a council member, the coordinator, and a
removed contact. After each input the test waits for the bot's answer and checks:

- no ERROR log record (an unhandled exception reaches the error handler, which logs one),
- the person got an answer (a message, an edit or an answered button), and no button press
  was left unanswered (the spinner would turn forever),
- Telegram accepted everything the bot sent: no "can't parse entities" (unescaped text in
  HTML), no text over 4096 or caption over 1024 characters, no callback data over 64 bytes,
  even where the bot swallows a failed edit.

Suite runs use a few hundred examples; `KOTOBOT_FUZZ_EXAMPLES=10000` (or
`bench/fuzz_inputs.py`) runs ten thousand. People's names carry HTML on purpose.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from contextlib import AsyncExitStack
from typing import Any, TypeVar

import pytest
from fake_telegram import ApiError, BotMessage, FakeTelegram, FakeUser, Params
from harness import COORDINATOR_ID, Clock, make_settings, press, running_bot, say
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from test_e2e_people import invite

from bot.catalogue.loader import load_catalogue

T = TypeVar("T")

TOTAL_EXAMPLES = int(os.environ.get("KOTOBOT_FUZZ_EXAMPLES", "300"))
KINDS = 4  # typed text, commands, buttons, everything else
EXAMPLES = max(1, TOTAL_EXAMPLES // KINDS)
REPLY_TIMEOUT = 10.0

ROLES = ("stranger", "contact_a", "contact_b", "council", "coordinator", "removed")
COMMANDS = ("/start", "/help", "/language", "/cancel", "/report", "/status", "/invite", "/people",
            "/round", "/rounds", "/remind", "/summary", "/export", "/digest", "/privacy",
            "/mydata", "/forget", "/export template")
PREFIXES = ("l", "a", "n", "u", "r", "i", "x", "m", "f", "w")
REJECTIONS = ("can't parse entities", "too long", "BUTTON_DATA_INVALID", "text is empty")
"""Telegram refusals that mean the bot sent something broken (not a stale edit)."""

UNIT_A = "welcome-office"
UNIT_B = "employment-services"
NAMES = {  # HTML in names: every place that shows a name must escape it
    "stranger": "Zed <script>", "contact_a": "Aino <b>&amp; Co", "contact_b": "Bo </i>",
    "council": "Lotta <a href='x'>", "removed": "Eve & <Mallory>"}


class RecordingTelegram(FakeTelegram):
    """The fake server, also remembering every send or edit it refused, because the bot
    rightly swallows some failures (a stale edit) and would hide a broken one among them."""

    def __init__(self) -> None:
        super().__init__()
        self.refused: list[str] = []

    def _remember(self, method: Callable[[Params], Any], p: Params) -> Any:
        try:
            return method(p)
        except ApiError as error:
            if any(reason in error.description for reason in REJECTIONS):
                self.refused.append(error.description)
            raise

    def _m_sendmessage(self, p: Params) -> Any:
        return self._remember(super()._m_sendmessage, p)

    def _m_editmessagetext(self, p: Params) -> Any:
        return self._remember(super()._m_editmessagetext, p)

    def _m_editmessagereplymarkup(self, p: Params) -> Any:
        return self._remember(super()._m_editmessagereplymarkup, p)

    def _m_sendphoto(self, p: Params) -> Any:
        return self._remember(super()._m_sendphoto, p)

    def _m_senddocument(self, p: Params) -> Any:
        return self._remember(super()._m_senddocument, p)


class ErrorRecords(logging.Handler):
    """ERROR records from anywhere (PTB, our code), from any thread."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def describe(self) -> list[str]:
        return [f"{r.name}: {r.getMessage()} {r.exc_info[1]!r}" if r.exc_info else
                f"{r.name}: {r.getMessage()}" for r in self.records]


class World:
    """The running bot, its people, and the loop it lives in."""

    def __init__(self, loop: asyncio.AbstractEventLoop, tg: RecordingTelegram,
                 errors: ErrorRecords) -> None:
        self.loop, self.tg, self.errors = loop, tg, errors
        self.users: dict[str, FakeUser] = {}
        self.codes: list[str] = []
        self.sent: dict[int, list[Params]] = {}  # each user's own messages

    def __repr__(self) -> str:  # hypothesis prints its arguments: not the whole server
        return "World(the running bot)"

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 60) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def button_pool(self) -> list[tuple[int, BotMessage, str]]:
        """Every button the bot ever sent, to anyone: (chat, message, callback data)."""
        return [(chat, m, data) for chat, box in self.tg._outbox.items() for m in box
                for _, data in m.buttons() if data]

    async def act(self, role: str | FakeUser, send: Callable[[FakeUser], Awaitable[object]]
                  ) -> list[BotMessage]:
        """One input from `role`; wait for the bot's answer, then for it to go quiet. Returns
        what the person got."""
        tg = self.tg
        user = self.users[role] if isinstance(role, str) else role
        seen = len(tg._outbox[user.id]) + len(tg.callback_answers[user.id])
        await send(user)
        async with tg._cond:
            try:
                async with asyncio.timeout(REPLY_TIMEOUT):
                    await tg._cond.wait_for(lambda: len(tg._outbox[user.id])
                                            + len(tg.callback_answers[user.id]) > seen)
            except TimeoutError:
                raise AssertionError(f"no answer to {role} within {REPLY_TIMEOUT}s") from None
            try:  # a press may be answered after a database write that follows the reply
                async with asyncio.timeout(REPLY_TIMEOUT):
                    await tg._cond.wait_for(lambda: user.id not in tg._queries.values())
            except TimeoutError:
                raise AssertionError(f"a button press of {role} was left unanswered") from None
        await tg.wait_idle(quiet=0.02, timeout=REPLY_TIMEOUT)
        return tg.drain(user)

    def check(self) -> None:
        errors, refused = self.errors.describe(), list(self.tg.refused)
        self.errors.records.clear()
        self.tg.refused.clear()
        assert not errors, errors
        assert not refused, refused


async def _set_up(tg: RecordingTelegram, users: dict[str, FakeUser], codes: list[str]) -> None:
    coordinator = users["coordinator"] = tg.user(COORDINATOR_ID, "Hanna", "fi")
    await say(tg, coordinator, "/round open")
    for role, user_id, unit, language in (("contact_a", 20, UNIT_A, "en"),
                                          ("contact_b", 21, UNIT_B, "sv"),
                                          ("removed", 22, UNIT_A, "fi"),
                                          ("council", 31, "council", "sv")):
        code = await invite(tg, unit)
        users[role] = tg.user(user_id, NAMES[role], language)
        await say(tg, users[role], f"/start {code}")
        await tg.wait_idle()
        tg.drain(coordinator)
    await say(tg, coordinator, "/people")
    await tg.wait_idle()
    removal = next(m for m in reversed(tg.messages(coordinator)) if m.buttons())
    removed_button = next(text for text, _ in removal.buttons() if "Eve" in text)
    await press(tg, coordinator, removal, removed_button)
    users["stranger"] = tg.user(5, NAMES["stranger"], None)
    for role in ROLES:
        await say(tg, users[role], "/start")
        await tg.wait_idle()
    for role in ("contact_a", "contact_b"):
        await say(tg, users[role], "/report")  # typed text now answers a question
    codes.append(await invite(tg, "council"))  # unused links, for deep-link payloads
    codes.append(await invite(tg, UNIT_B))
    await tg.wait_idle()
    for user in users.values():
        tg.drain(user)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="fuzzed-bot", daemon=True)
    thread.start()
    errors = ErrorRecords()
    logging.getLogger().addHandler(errors)
    stack = AsyncExitStack()

    async def start() -> World:
        tg = await stack.enter_async_context(RecordingTelegram())
        database = tmp_path_factory.mktemp("fuzz") / "kotobot.sqlite3"
        w = World(loop, tg, errors)
        await stack.enter_async_context(running_bot(make_settings(tg, database), Clock()))
        await _set_up(tg, w.users, w.codes)
        return w

    try:
        w = asyncio.run_coroutine_threadsafe(start(), loop).result(120)
        w.check()  # the set-up itself went cleanly
        yield w
    finally:
        asyncio.run_coroutine_threadsafe(stack.aclose(), loop).result(60)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()
        logging.getLogger().removeHandler(errors)


# ---- strategies ---------------------------------------------------------------------------

TRICKY = ("<", ">", "&", "<b>", "</b>", "<i>x", "&amp;", "&lt;", "<a href='x'>", "\"", "'",
          "\x00", "\x1e", "\u2028", "\u200b", "\ufeff", "\U0001f600", "\u202e", "\n", "\t", " ",
          "²", "٣", "１２", "12,5", "-0", "1e9", "NaN", "∞", "-", "%", "@kotobot_test_bot")
WORDS = ("2026", "2025", "2023", "2027", "1999", "0", "99999999999999999999", "council",
         UNIT_A, UNIT_B, "open", "close", "reminders", "schedule", "template", "--closed",
         "2027-01-31", "2027-02-30", "2026-13-01", "14,7,1", "-3,-10", "+3", ",", "work",
         "housing", "en", "fi", "sv")

controls = st.text(st.characters(categories=("Cc", "Cf", "Zs", "Zl", "Zp")), min_size=1,
                   max_size=12)
tricky = st.lists(st.sampled_from(TRICKY), min_size=1, max_size=8).map("".join)
any_unicode = st.text(st.characters(exclude_categories=("Cs",)), max_size=200)
long_text = st.tuples(st.text(min_size=1, max_size=8), st.integers(4000, 5000)).map(
    lambda t: (t[0] * t[1])[:t[1]])
typed_text = st.one_of(any_unicode, controls, tricky, long_text, st.sampled_from(WORDS),
                       st.integers(-10**12, 10**12).map(str),
                       st.floats(allow_nan=True).map(str))
word = st.one_of(st.sampled_from(WORDS), tricky, st.text(max_size=20),
                 st.integers(-10**6, 10**6).map(str))
command_text = st.tuples(
    st.sampled_from(COMMANDS), st.sampled_from(("", "@kotobot_test_bot", "@other_bot", "@")),
    st.lists(word, max_size=4), st.sampled_from((" ", "  ", "\n", "\u2028", "\t"))
).map(lambda t: t[0] + t[1] + (t[3] + " ".join(t[2]) if t[2] else ""))
deep_link = st.one_of(
    st.text(st.characters(codec="ascii", categories=("L", "N")) | st.sampled_from("-_"),
            max_size=70),
    st.text(max_size=80), tricky, st.sampled_from(("code0", "code1"))
).map(lambda payload: f"/start {payload}")


@st.composite
def forged_data(draw: st.DrawFn) -> str:
    fields = draw(st.lists(st.one_of(word, st.sampled_from(("0-0000", "4-1a2b", "ask", "yes",
                                                            "no", "submit", "back", "skip",
                                                            "same", "none", "i", "c"))),
                           max_size=6))
    return ":".join([draw(st.sampled_from(PREFIXES + ("", "z", "ll")))] + fields)


MUTATIONS = ("replay", "truncate", "flip", "append", "swap_field", "drop_field")
real_data = st.tuples(st.integers(0, 10**9), st.sampled_from(MUTATIONS), st.integers(0, 10**9),
                      st.characters(exclude_categories=("Cs",)))


def mutate(data: str, how: str, n: int, char: str) -> str:
    if how == "truncate":
        return data[:n % max(1, len(data))]
    if how == "flip" and data:
        i = n % len(data)
        return data[:i] + char + data[i + 1:]
    if how == "append":
        return data + char
    fields = data.split(":")
    if how == "swap_field" and len(fields) > 1:
        i = 1 + n % (len(fields) - 1)
        fields[i] = str(n % 100) if fields[i].isdigit() else fields[i][::-1]
        return ":".join(fields)
    if how == "drop_field" and len(fields) > 1:
        del fields[1 + n % (len(fields) - 1)]
        return ":".join(fields)
    return data  # replay as it was


roles = st.sampled_from(ROLES)


# ---- the properties -------------------------------------------------------------------------

def _type(world: World, role: str, text: str) -> None:
    async def send(user: FakeUser) -> None:
        world.sent.setdefault(user.id, []).append(await world.tg.send(user, text))
    world.run(world.act(role, send))
    world.check()


@settings(max_examples=EXAMPLES, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
@given(role=roles, text=typed_text)
@example(role="stranger", text="\x1e")
@example(role="stranger", text="\u2028")
@example(role="contact_a", text="<b>" * 300)
@example(role="contact_a", text="&" * 1000)
@example(role="contact_a", text="x" * 5000)
def test_typed_text_of_any_kind_gets_an_answer(world: World, role: str, text: str) -> None:
    _type(world, role, text)


@settings(max_examples=EXAMPLES, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
@given(role=roles, text=st.one_of(command_text, deep_link))
@example(role="coordinator", text="/export template 2024 <b>")
@example(role="coordinator", text="/invite <b>")
@example(role="coordinator", text="/summary 2026 <i>")
@example(role="council", text="/summary 2026 &")
def test_commands_with_garbage_get_an_answer(world: World, role: str, text: str) -> None:
    text = text.replace("code0", world.codes[0]).replace("code1", world.codes[1])
    _type(world, role, text)


@settings(max_examples=EXAMPLES, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
@given(role=roles, forged=st.none() | forged_data(), real=real_data, on_own=st.booleans(),
       old=st.integers(0, 3).map(lambda n: n == 0))
def test_forged_altered_and_replayed_buttons_are_answered(
        world: World, role: str, forged: str | None, real: tuple[int, str, int, str],
        on_own: bool, old: bool) -> None:
    """`old`: the button is under a message too old for Telegram to include (it sends an
    InaccessibleMessage with date 0), as a reminder's button pressed weeks later."""
    index, how, n, char = real
    user = world.users[role]
    pool = world.button_pool()
    if forged is None and pool:
        chat, message, data = pool[index % len(pool)]
        data = mutate(data, how, n, char)
    else:
        chat, message, data = -1, None, forged or ""
    if chat != user.id or message is None:
        own = world.tg.messages(user)  # pressed under one of the presser's own messages
        message = own[n % len(own)] if own and on_own else BotMessage(10**6 + n % 1000, user.id)

    async def send(u: FakeUser) -> None:
        assert message is not None
        if old:
            await press_old(world.tg, u, message.message_id, data)
        else:
            await world.tg.press_data(u, message, data)
    world.run(world.act(role, send))
    world.check()


async def press_old(tg: FakeTelegram, user: FakeUser, message_id: int, data: str) -> None:
    query_id = f"old{time.monotonic_ns()}"
    tg._queries[query_id] = user.id
    await tg._enqueue({"callback_query": {
        "id": query_id, "from": user.to_api(), "chat_instance": f"8{user.id}", "data": data,
        "message": {"message_id": message_id, "chat": user.chat(), "date": 0}}})


@st.composite
def other_input(draw: st.DrawFn) -> tuple[str, Any]:
    kind = draw(st.sampled_from(("edit", "location", "document", "photo", "sticker")))
    if kind == "edit":
        return kind, draw(typed_text)
    if kind == "document":
        return kind, (draw(st.binary(max_size=300)),
                      draw(st.none() | st.text(max_size=40) | st.just("form.xlsx")),
                      draw(st.none() | st.sampled_from(("application/pdf", "text/plain"))),
                      draw(st.none() | typed_text | st.just("2026")))
    if kind == "photo":
        return kind, draw(st.none() | typed_text)
    return kind, None


def _user_message(user: FakeUser, extra: Params) -> Params:
    return {"message_id": 10**6 + int(time.monotonic_ns() % 10**6), "from": user.to_api(),
            "chat": user.chat(), "date": int(time.time()), **extra}


@settings(max_examples=EXAMPLES, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
@given(role=roles, what=other_input())
@example(role="coordinator", what=("document", (b"not a workbook", "x<b>.xlsx", None, "2026")))
def test_edits_files_photos_and_stickers_get_an_answer(world: World, role: str,
                                                      what: tuple[str, Any]) -> None:
    kind, value = what
    tg = world.tg

    async def send(user: FakeUser) -> None:
        if kind == "edit":
            earlier = world.sent.get(user.id) or [{"message": _user_message(user, {"text": "x"})}]
            await tg.edit(user, earlier[-1], value)
        elif kind == "location":
            await tg.send_location(user)
        elif kind == "document":
            data, name, mime, caption = value
            await tg.send_document(user, data, name, mime, caption)
        elif kind == "photo":
            photo = [{"file_id": "p1", "file_unique_id": "up1", "width": 1, "height": 1}]
            await tg._enqueue({"message": _user_message(user, {"photo": photo} | (
                {"caption": value} if value else {}))})
        else:
            sticker = {"file_id": "s1", "file_unique_id": "us1", "type": "regular", "width": 1,
                       "height": 1, "is_animated": False, "is_video": False}
            await tg._enqueue({"message": _user_message(user, {"sticker": sticker})})
    world.run(world.act(role, send))
    world.check()


newcomer_names = st.one_of(st.text(st.characters(exclude_categories=("Cs",)), min_size=1,
                                   max_size=64), tricky)
language_codes = st.none() | st.sampled_from(("fi", "sv", "en", "de", "en-GB", "sv-FI", "")) \
    | st.text(max_size=8)
newcomer_ids = iter(range(100_000, 10**9))


@settings(max_examples=max(1, EXAMPLES // 2), deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
@given(name=newcomer_names, language=language_codes, invited=st.sampled_from(("", "council", UNIT_B)),
       text=st.one_of(deep_link, st.just("/start"), typed_text))
@example(name="<b>Nina & co", language="en", invited="council", text="/start")
def test_newcomers_with_any_name_and_language_are_welcomed_or_refused(
        world: World, name: str, language: str | None, invited: str, text: str) -> None:
    """A first message from anyone; with an invitation, the coordinator's "… joined" note
    carries the name, whatever it is."""
    newcomer = world.tg.user(next(newcomer_ids), name, language)
    if invited:
        async def ask(user: FakeUser) -> None:
            await world.tg.send(user, f"/invite {invited}")
        links = world.run(world.act("coordinator", ask))
        while not any("start=" in m.plain for m in links):  # after a late note from before
            links = [world.run(world.tg.next_reply(world.users["coordinator"]))]
        code = next(m.plain.rsplit("start=", 1)[1].split()[0] for m in links if "start=" in m.plain)
        text = f"/start {code}"

    async def send(user: FakeUser) -> None:
        await world.tg.send(user, text)
    world.run(world.act(newcomer, send))
    if invited:  # the coordinator's "… joined" note, with the name in it
        coordinator = world.users["coordinator"]
        world.run(world.tg.next_reply(coordinator))
        world.run(world.tg.wait_idle(quiet=0.02))
        world.tg.drain(coordinator)
    world.check()


def test_the_catalogue_units_used_here_exist() -> None:
    units = {unit.id for unit in load_catalogue().lead_units()}
    assert {UNIT_A, UNIT_B} <= units
