"""The permission matrix: every command and every kind of button, pressed or typed by each
of six people, against the real bot. Who is refused gets the refusal in their language and
nothing is written to the database; who is allowed is not refused.

The six: a stranger (never invited), a contact of unit A, a contact of unit B, a council
member, the coordinator, and a removed contact (was unit A's, removed in /people). The
buttons are the bot's own (taken from its messages) or built exactly as it builds them, for
unit A and for contact B: so "allowed" means the right person pressing a genuine button, and
a refusal is never just a checksum failing.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest
from fake_telegram import FakeTelegram, FakeUser
from harness import COORDINATOR_ID, press, say, services_of

from bot.chat import callbacks
from bot.chat.callbacks import UnitRef, pack
from bot.handlers.imports import IMPORT_BUTTON
from bot.handlers.privacy import FORGET

UNIT_A, UNIT_B = "welcome-office", "employment-services"
YEAR = 2026
LINK = re.compile(r"https://t\.me/kotobot_test_bot\?start=(\S+)")

NOT_REGISTERED = "You are not registered with Kotobot"
COORDINATORS_ONLY = "Only the integration coordinator can do that."
SUMMARIES_ONLY = "Only the coordinator and the council members can see summaries."
NOT_A_CONTACT = "You are not a contact person for any unit"
NOT_YOUR_UNIT = "You can only see and answer your own units' measures."
REFUSALS = (NOT_REGISTERED, COORDINATORS_ONLY, SUMMARIES_ONLY, NOT_A_CONTACT, NOT_YOUR_UNIT,
            "This button is no longer valid", "something went wrong")

ROLES = ("stranger", "contact_a", "contact_b", "council", "coordinator", "removed")
EVERYONE = frozenset(ROLES)
OUTSIDERS = frozenset({"stranger", "removed"})  # no role (any more): only the open commands


def expect(allowed: set[str] | frozenset[str], insider_refusal: str) -> dict[str, str | None]:
    """Per role: None if allowed, else the refusal they must see."""
    return {role: None if role in allowed else
            NOT_REGISTERED if role in OUTSIDERS else insider_refusal for role in ROLES}


OPEN = dict.fromkeys(ROLES)
CONTACTS = expect({"contact_a", "contact_b"}, NOT_A_CONTACT)
COORDINATOR = expect({"coordinator"}, COORDINATORS_ONLY)
SUMMARIES = expect({"coordinator", "council"}, SUMMARIES_ONLY)
UNIT_A_ONLY = expect({"contact_a", "coordinator"}, NOT_YOUR_UNIT)  # a coordinator may report on behalf

COMMANDS: dict[str, dict[str, str | None]] = {
    "/start": OPEN, "/help": OPEN, "/language": OPEN, "/cancel": OPEN, "/privacy": OPEN,
    "/mydata": OPEN, "/forget": OPEN,
    "/report": CONTACTS, "/status": CONTACTS,
    "/invite": COORDINATOR, "/invite council": COORDINATOR, f"/invite {UNIT_B}": COORDINATOR,
    "/people": COORDINATOR, "/round": COORDINATOR, f"/round reminders {YEAR} 21,7,2": COORDINATOR,
    "/rounds": COORDINATOR, "/remind": COORDINATOR, "/digest": COORDINATOR,
    f"/export template {YEAR}": {**COORDINATOR, "contact_a": SUMMARIES_ONLY,
                                 "contact_b": SUMMARIES_ONLY},  # /export's own check comes first
    "/summary": SUMMARIES, f"/summary {YEAR} {UNIT_A}": SUMMARIES, "/export": SUMMARIES,
}

# a person's own erasure is theirs (and the coordinator's); strangers reach it too (GDPR)
FORGET_B = {**expect({"coordinator", "contact_b"}, COORDINATORS_ONLY),
            "stranger": COORDINATORS_ONLY, "removed": COORDINATORS_ONLY}


@dataclass
class World:
    tg: FakeTelegram
    database: Path
    users: dict[str, FakeUser]
    buttons: dict[str, str]  # name -> callback data


async def _invite(tg: FakeTelegram, coordinator: FakeUser, target: str) -> str:
    match = LINK.search((await say(tg, coordinator, f"/invite {target}")).plain)
    assert match
    return match.group(1)


async def _world(tg: FakeTelegram, bot: object, database: Path) -> World:
    services = services_of(bot)  # type: ignore[arg-type]
    coordinator = tg.user(COORDINATOR_ID, "Hanna", "en")
    users = {"coordinator": coordinator}
    assert "is open" in (await say(tg, coordinator, "/round open")).plain
    for role, user_id, target in (("contact_a", 20, UNIT_A), ("contact_b", 21, UNIT_B),
                                  ("removed", 22, UNIT_A), ("council", 31, "council")):
        code = await _invite(tg, coordinator, target)
        users[role] = tg.user(user_id, role.title(), "en")
        await say(tg, users[role], f"/start {code}")
        await tg.wait_idle()
        tg.drain(coordinator)  # "… joined"
    await say(tg, coordinator, "/people")
    await tg.wait_idle()
    removal = next(m for m in reversed(tg.messages(coordinator)) if m.buttons())
    question = await press(tg, coordinator, removal,
                           next(t for t, _ in removal.buttons() if "Removed" in t))
    await press(tg, coordinator, question,  # removing asks first; the person is then told
                next(t for t in question.button_texts() if t.startswith("✅")))
    users["stranger"] = tg.user(5, "Stranger", "en")
    await say(tg, users["stranger"], "/start")
    step = await say(tg, users["contact_a"], "/report")  # a genuine question of unit A
    answer = next(d for _, d in step.buttons() if d and d.startswith(callbacks.ANSWER + ":"))
    navigate = next(d for _, d in step.buttons() if d and d.startswith(callbacks.NAVIGATE + ":"))
    await say(tg, users["contact_a"], "/cancel")
    index = services.catalogue
    ref_a, ref_b = UnitRef(UNIT_A).encode(index), UnitRef(UNIT_B).encode(index)
    person_b = await services.storage.person_by_telegram(21)
    assert person_b is not None
    buttons = {
        "language": pack(callbacks.LANGUAGE, "en"),
        "answer A": answer, "navigate A": navigate,
        "start report A": pack(callbacks.START_REPORT, YEAR, ref_a),
        "review A": pack(callbacks.REVIEW, YEAR, ref_a, "missing"),
        "invite": pack(callbacks.INVITE, "council"),
        "invite unit": pack(callbacks.INVITE, ref_b),
        "nudge": pack(callbacks.NUDGE_ALL, YEAR),
        "import": pack(IMPORT_BUTTON, 1, "c"),
        "forget B ask": pack(FORGET, person_b.id, "ask"),
        "remove B": pack(callbacks.REMOVE_CONTACT, person_b.id, ref_b),  # after forget: B stays
        "forget B yes": pack(FORGET, person_b.id, "yes"),  # last: it erases B
    }
    await tg.wait_idle()
    for user in users.values():
        tg.drain(user)
    return World(tg, database, users, buttons)


BUTTONS: dict[str, dict[str, str | None]] = {
    "language": OPEN,
    "answer A": UNIT_A_ONLY, "navigate A": UNIT_A_ONLY, "start report A": UNIT_A_ONLY,
    "review A": UNIT_A_ONLY,
    "invite": COORDINATOR, "invite unit": COORDINATOR, "nudge": COORDINATOR,
    "import": COORDINATOR, "remove B": COORDINATOR,
    "forget B ask": FORGET_B, "forget B yes": FORGET_B,
}


def snapshot(database: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table but the heartbeat and the inbox (the bot's own bookkeeping of
    updates received, not anybody's data)."""
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
        tables = [name for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'"
            " AND name NOT IN ('heartbeat', 'inbox')")]
        return {t: sorted(db.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables}


async def _seen(world: World, user: FakeUser, answers_before: int, file: bool = False) -> str:
    """What the person saw: the bot's messages and the button's pop-up ("(answered)" for a
    press answered without one). With `file`, also wait for the chart or workbook, which is
    drawn in a worker thread (the bot looks idle meanwhile)."""
    tg = world.tg
    async with tg._cond, asyncio.timeout(10):  # the first answer: a workbook takes a while
        await tg._cond.wait_for(lambda: len(tg.callback_answers[user.id]) > answers_before
                                or len(tg._outbox[user.id]) > tg._read["out", user.id])
        if file:
            start = tg._read["out", user.id]
            await tg._cond.wait_for(lambda: any(
                m.kind != "text" for m in tg._outbox[user.id][start:]))
    await tg.wait_idle(quiet=0.05)
    texts = [m.plain for m in tg.drain(user)]
    texts += [a.text or "(answered)" for a in tg.callback_answers[user.id][answers_before:]]
    return "\n".join(texts)


async def settled(database: Path) -> dict[str, list[tuple[object, ...]]]:
    """The database once the previous action's last write (after its last message) landed:
    two equal snapshots in a row."""
    last = snapshot(database)
    for _ in range(100):
        await asyncio.sleep(0.02)
        now = snapshot(database)
        if now == last:
            return now
        last = now
    return last


def _judge(what: str, role: str, refusal: str | None, seen: str, before: object,
           after: object) -> list[str]:
    if refusal is None:
        return [f"{role} was refused {what}: {seen!r}"] if any(r in seen for r in REFUSALS) \
            or not seen else []
    problems = [] if refusal in seen else [f"{role} was not refused {what}: {seen!r}"]
    return problems + ([f"{role} refused {what}, but the database changed"]
                       if before != after else [])


@pytest.mark.parametrize("role", ROLES)
async def test_every_command_and_button_by_each_role(tg: FakeTelegram, bot: object,
                                                     database: Path, role: str) -> None:
    world = await _world(tg, bot, database)
    user = world.users[role]
    problems: list[str] = []
    for command, expected in COMMANDS.items():
        before = await settled(database)
        answered = len(tg.callback_answers[user.id])
        await tg.send(user, command)
        files = (expected[role] is None and command.startswith(("/summary", "/export"))
                 and str(YEAR) in command)  # with no year, a year is asked for with buttons
        seen = await _seen(world, user, answered, file=files and "template" not in command)
        problems += _judge(command, role, expected[role], seen, before, await settled(database))
    for name, expected in BUTTONS.items():
        before = await settled(database)
        answered = len(tg.callback_answers[user.id])
        await tg.press_data(user, tg.messages(user)[-1], world.buttons[name])
        seen = await _seen(world, user, answered)
        problems += _judge(f"the {name} button", role, expected[role], seen, before,
                           await settled(database))
    assert not problems, "\n".join(problems)
