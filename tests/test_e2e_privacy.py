"""End to end: the privacy notice, access (/mydata), erasure (/forget, and by the coordinator),
retention with a moved clock, and the audit log, as people and the operator see them."""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path
from typing import Any

import openpyxl
from fake_telegram import FakeTelegram, FakeUser
from harness import COORDINATOR_ID, Clock, confirm, press, say, services_of
from ops_helpers import kotobot, kotobot_env
from telegram.ext import Application
from test_e2e_report import answer_in_english, is_review, join, open_round
from test_e2e_summary import summary_replies

NAME = "Zyxwina"  # distinctive, so that a search of the whole database cannot match by chance
TELEGRAM_ID = 770_001_234


def every_value(database: Path) -> list[tuple[str, str, Any]]:
    """(table, column, value) for every cell of every table."""
    connection = sqlite3.connect(database)
    try:
        found = []
        tables = [row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            cursor = connection.execute(f"SELECT * FROM {table}")  # names from sqlite_master
            columns = [d[0] for d in cursor.description]
            for row in cursor.fetchall():
                found += [(table, column, value) for column, value in zip(columns, row)]
        return found
    finally:
        connection.close()


async def english_coordinator(tg: FakeTelegram) -> FakeUser:
    """The coordinator, registered in English (the fixture's default is Finnish)."""
    coordinator = tg.user(COORDINATOR_ID, first_name="Hanna", language_code="en")
    await say(tg, coordinator, "/start")
    return coordinator


async def report_everything(tg: FakeTelegram, contact: FakeUser) -> None:
    step = await say(tg, contact, "/report")
    while not is_review(step):
        step = await answer_in_english(tg, contact, step)
    await press(tg, contact, step, "✅ Submit")


async def test_privacy_notice_in_three_languages(tg: FakeTelegram, bot: object) -> None:
    expected = {"fi": ("Rekisterinpitäjä", "tietosuojavaltuutetulle", "365 päivän"),
                "sv": ("Personuppgiftsansvarig", "dataombudsmannen", "365 dagar"),
                "en": ("Controller", "Data Protection Ombudsman", "365 days")}
    for number, (lang, words) in enumerate(expected.items()):
        person = tg.user(60 + number, first_name="Reader", language_code=lang)  # not invited
        notice = await say(tg, person, "/privacy")
        assert "City of Vaasa" in notice.plain and "kirjaamo@vaasa.fi" in notice.plain
        for word in words:
            assert word in notice.plain, (lang, word, notice.plain)
        assert "/mydata" in notice.plain and "/forget" in notice.plain
    helped = await say(tg, tg.user(70, first_name="New", language_code="en"), "/start")
    assert "/privacy" in helped.plain  # the first welcome mentions it
    assert "/privacy" in (await say(tg, tg.user(70), "/help")).plain
    assert "privacy" in {c["command"] for c in tg.commands("en")}


async def test_mydata_sends_everything_about_the_person(tg: FakeTelegram, bot: object) -> None:
    await open_round(tg)
    contact = await join(tg, TELEGRAM_ID, "welcome-office", name=NAME)
    await report_everything(tg, contact)
    tg.drain(tg.user(COORDINATOR_ID))
    await tg.send(contact, "/mydata")
    document = await tg.next_reply(contact)
    assert document.kind == "document" and document.filename == "kotobot-my-data.json"
    data = json.loads(document.document or b"")
    assert data["profile"]["name"] == NAME and data["profile"]["telegram_id"] == TELEGRAM_ID
    assert data["roles"] == [{"role": "contact", "unit_id": "welcome-office",
                              "granted_at": data["roles"][0]["granted_at"]}]
    assert data["invitations_used"][0]["unit_id"] == "welcome-office"
    typed = [a["value"] for a in data["answers"]]
    assert "Went well." in typed and 12 in typed and "in_progress" in typed
    assert len(data["answer_history"]) >= len(data["answers"])
    assert data["submissions"][0]["unit_id"] == "welcome-office"


async def test_forget_erases_the_person_and_keeps_the_units_answers(
        tg: FakeTelegram, bot: Application, database: Path) -> None:
    coordinator = await english_coordinator(tg)
    await open_round(tg)
    contact = await join(tg, TELEGRAM_ID, "welcome-office", name=NAME)
    await report_everything(tg, contact)
    assert "submitted" in (await tg.next_reply(coordinator)).plain
    before = await summary_replies(tg, coordinator, "/summary 2026 welcome-office")
    assert "Reports: 1/1" in before[0].plain

    question = await say(tg, contact, "/forget")
    assert "cannot be undone" in question.plain
    kept = await press(tg, contact, question, "No, keep it")
    assert "Nothing was erased" in kept.plain
    question = await say(tg, contact, "/forget")
    done = await press(tg, contact, question, "Yes, erase my data")
    assert "erased" in done.plain
    note = await tg.next_reply(coordinator)
    assert "Welcome Office" in note.plain and NAME not in note.plain

    leftovers = [(table, column) for table, column, value in every_value(database)
                 if value == TELEGRAM_ID or (isinstance(value, str) and NAME in value)]
    assert not leftovers, leftovers
    after = await summary_replies(tg, coordinator, "/summary 2026 welcome-office")
    assert "Reports: 1/1" in after[0].plain  # the unit's answers still count
    await tg.send(coordinator, "/export 2026")
    document = await tg.next_reply(coordinator)
    workbook = openpyxl.load_workbook(io.BytesIO(document.document or b""))
    answered_by = {str(row[8].value) for row in workbook["Answers"].iter_rows(min_row=2)
                   if row[4].value == "Welcome Office" and row[8].value}
    assert answered_by == {"a former contact of Welcome Office"}
    audit = [[cell.value for cell in row] for row in workbook["Audit"].iter_rows(min_row=2)]
    assert any(row[2] == "Personal data erased" for row in audit), audit
    assert any(row[2] == "Invitation created" and row[1] == "Hanna" for row in audit), audit

    again = await say(tg, contact, "/report")  # a stranger now: the bot starts from nothing
    assert "not registered" in again.plain


async def test_coordinator_erases_a_removed_contact_from_people(
        tg: FakeTelegram, bot: Application, database: Path) -> None:
    coordinator = await english_coordinator(tg)
    await open_round(tg)
    await join(tg, TELEGRAM_ID, "welcome-office", name=NAME)
    await say(tg, coordinator, "/people")
    buttons = await tg.next_reply(coordinator)
    asked = await press(tg, coordinator, buttons, next(t for t in buttons.button_texts() if NAME in t))
    removed = await press(tg, coordinator, asked, "✅ Yes, do it")
    assert "no longer a contact person" in removed.plain
    question = await press(tg, coordinator, removed, f"Erase the personal data of {NAME}")
    done = await press(tg, coordinator, question, "Yes, erase")
    assert "is erased" in done.plain
    assert not [v for _, _, v in every_value(database)
                if v == TELEGRAM_ID or (isinstance(v, str) and NAME in v)]
    stranger = tg.user(71, first_name="Eve", language_code="en")
    welcome = await say(tg, stranger, "/start")
    someone = await services_of(bot).storage.person_by_telegram(COORDINATOR_ID)
    assert someone is not None
    await tg.press_data(stranger, welcome, f"f:{someone.id}:yes")  # not their own row
    assert "Only the integration coordinator" in (await tg.next_reply(stranger)).plain


async def test_retention_purges_strangers_and_pseudonymises_removed_contacts(
        tg: FakeTelegram, bot: Application, clock: Clock, database: Path) -> None:
    services, ops = services_of(bot), bot.bot_data["ops"]
    coordinator = await english_coordinator(tg)
    stranger = tg.user(72, first_name="Strangerly", language_code="en")
    await say(tg, stranger, "/start")
    await open_round(tg)
    await join(tg, TELEGRAM_ID, "welcome-office", name=NAME)
    contact = await services.storage.person_by_telegram(TELEGRAM_ID)
    assert contact is not None
    await say(tg, coordinator, "/people")
    buttons = await tg.next_reply(coordinator)
    asked = await press(tg, coordinator, buttons, next(t for t in buttons.button_texts() if NAME in t))
    await press(tg, coordinator, asked, "✅ Yes, do it")

    clock.advance(days=29)
    assert (await ops.retention()).strangers_deleted == 0
    clock.advance(days=2)
    result = await ops.retention()
    assert result.strangers_deleted == 1 and result.contacts_pseudonymised == 0
    assert await services.storage.person_by_telegram(72) is None
    assert await services.storage.person_by_telegram(COORDINATOR_ID) is not None  # kept
    assert await services.storage.person_by_telegram(TELEGRAM_ID) is not None  # not yet a year

    clock.advance(days=365)
    assert (await ops.retention()).contacts_pseudonymised == 1
    assert await services.storage.person_by_telegram(TELEGRAM_ID) is None
    erased = await services.storage.person(contact.id)
    assert erased is not None and erased.name == "" and erased.telegram_id < 0


async def test_kotobot_audit_prints_who_did_what(tg: FakeTelegram, bot: Application,
                                                 database: Path, tmp_path: Path) -> None:
    coordinator = await english_coordinator(tg)
    await open_round(tg)
    await confirm(tg, coordinator, "/round open 2026 2027-02-28")
    await say(tg, coordinator, "/round reminders 2026 21,7")
    await say(tg, coordinator, "/invite council")
    await confirm(tg, coordinator, "/round close 2026")
    env = kotobot_env(database)
    done = await kotobot("audit", "--since", "2026-01-01", env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    actions = [line.split("\t")[2] for line in lines]
    assert actions == ["round_open", "deadline_change", "reminder_ladder", "invite", "round_close"]
    assert all("Hanna" in line for line in lines)
    assert "2027-01-31 -> 2027-02-28" in lines[1]
    later = await kotobot("audit", "--since", "2030-01-01", env=env, cwd=tmp_path)
    assert "empty" in later.stdout
