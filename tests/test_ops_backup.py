"""Backups that restore: `kotobot backup` while a contact is reporting, `kotobot restore`
refusing a running bot and a damaged file, and the nightly backups the bot keeps."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path

from fake_telegram import FakeTelegram
from harness import COORDINATOR_ID, Clock, make_settings, running_bot, say, services_of
from ops_helpers import kotobot, kotobot_env
from test_e2e_report import answer_in_english, is_review, join, open_round

UNIT = "welcome-office"


def answers_in(path: Path) -> dict[str, str]:
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return dict(connection.execute(
            "SELECT key, value FROM answers WHERE year = 2026 AND unit_id = ?", (UNIT,)).fetchall())
    finally:
        connection.close()


async def test_backup_while_reporting_and_restore_round_trip(tg: FakeTelegram, clock: Clock,
                                                             tmp_path: Path) -> None:
    database = tmp_path / "var" / "kotobot.sqlite3"
    settings = make_settings(tg, database)
    env, backup = kotobot_env(database), tmp_path / "copy.sqlite3"
    tg.user(COORDINATOR_ID, first_name="Hanna", language_code="fi")
    async with running_bot(settings, clock) as application:
        storage = services_of(application).storage
        await open_round(tg)
        contact = await join(tg, 20, UNIT)
        step = await say(tg, contact, "/report")
        for _ in range(3):
            step = await answer_in_english(tg, contact, step)
        acknowledged = {key: answer.value for key, answer in (await storage.answers(2026, UNIT)).items()}
        assert len(acknowledged) == 3
        copying = asyncio.create_task(kotobot("backup", str(backup), env=env, cwd=tmp_path))
        while not is_review(step):  # the contact carries on while the copy is made
            step = await answer_in_english(tg, contact, step)
        made = await copying
        assert made.returncode == 0, made.stderr
        assert made.stdout.strip() == str(backup)
        refused = await kotobot("restore", str(backup), env=env, cwd=tmp_path)
        assert refused.returncode == 1 and "the bot is running" in refused.stderr
        final = await storage.answers(2026, UNIT)
    copied = {key: json.loads(value) for key, value in answers_in(backup).items()}
    for key, value in acknowledged.items():
        assert copied[key] == value, key  # every acknowledged answer is in the copy
    assert set(copied) <= set(final) and len(final) > len(acknowledged)

    stopped = await kotobot("health", env=env, cwd=tmp_path)
    assert stopped.returncode == 1 and "not running" in stopped.stderr
    restored = await kotobot("restore", str(backup), env=env, cwd=tmp_path)
    assert restored.returncode == 0, restored.stderr
    assert answers_in(database) == answers_in(backup)
    saved = list(database.parent.glob("kotobot-before-restore-*.sqlite3"))
    assert len(saved) == 1 and len(answers_in(saved[0])) == len(final)  # the undo
    assert (await kotobot("health", env=env, cwd=tmp_path)).returncode == 1  # a copy is not a bot
    async with running_bot(settings, clock) as application:  # the bot runs on the restored file
        restored_answers = await services_of(application).storage.answers(2026, UNIT)
        assert {key: a.value for key, a in restored_answers.items()} == copied
        audit = await kotobot("audit", env=env, cwd=tmp_path)
        assert "restore" in audit.stdout and "copy.sqlite3" in audit.stdout


async def test_restore_refuses_a_damaged_or_foreign_file(tmp_path: Path) -> None:
    database = tmp_path / "kotobot.sqlite3"
    env = kotobot_env(database)
    made = await kotobot("backup", env=env, cwd=tmp_path)
    assert made.returncode == 1 and "no database" in made.stderr
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"this is not a database at all" * 200)
    refused = await kotobot("restore", str(garbage), env=env, cwd=tmp_path)
    assert refused.returncode == 1 and "garbage.sqlite3" in refused.stderr
    foreign = tmp_path / "foreign.sqlite3"
    connection = sqlite3.connect(foreign)
    connection.execute("CREATE TABLE notes (text TEXT)")
    connection.commit()
    connection.close()
    refused = await kotobot("restore", str(foreign), env=env, cwd=tmp_path)
    assert refused.returncode == 1 and "not a Kotobot database" in refused.stderr
    assert not database.exists()  # nothing was touched


async def test_nightly_backups_keep_the_newest(tg: FakeTelegram, clock: Clock, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    settings = make_settings(tg, tmp_path / "kotobot.sqlite3", backup_dir=folder, backup_keep=2)
    tg.user(COORDINATOR_ID, first_name="Hanna", language_code="fi")
    async with running_bot(settings, clock) as application:
        ops = application.bot_data["ops"]
        assert any(job.name == "kotobot-backup" for job in application.job_queue.jobs())
        await open_round(tg)
        made = []
        for _ in range(3):
            made.append(await ops.nightly_backup())
            clock.advance(days=1)
    kept = sorted(folder.glob("kotobot-*.sqlite3"))
    assert kept == made[1:]
    for path in kept:
        connection = sqlite3.connect(path)
        assert connection.execute("SELECT count(*) FROM rounds").fetchone()[0] == 1
        connection.close()
