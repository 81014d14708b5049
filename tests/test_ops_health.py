"""`kotobot health`: exit 0 while the real bot process runs; exit 1, with one line saying
why, once it is stopped, when its heartbeat is stale, or when the database does not open."""

from __future__ import annotations

import os
import socket
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fake_telegram import FakeTelegram
from ops_helpers import bot_process, kotobot, kotobot_env

from bot.storage import Storage


async def test_health_follows_the_running_bot(tg: FakeTelegram, tmp_path: Path) -> None:
    database = tmp_path / "kotobot.sqlite3"
    env = kotobot_env(database)
    async with bot_process(tg, database, tmp_path):
        alive = await kotobot("health", env=env, cwd=tmp_path)
        assert alive.returncode == 0, alive.stderr
        assert "healthy" in alive.stdout
    stopped = await kotobot("health", env=env, cwd=tmp_path)
    assert stopped.returncode == 1
    assert stopped.stderr.strip() == "kotobot: unhealthy: the bot is not running (no heartbeat)"


async def beat(database: Path, at: datetime, pid: int) -> None:
    storage = await Storage.open(database)
    try:
        await storage.beat(at, pid, socket.gethostname())
    finally:
        await storage.close()


async def test_a_stale_heartbeat_or_a_dead_process_is_unhealthy(tmp_path: Path) -> None:
    database = tmp_path / "kotobot.sqlite3"
    env = kotobot_env(database)
    await beat(database, datetime.now(UTC), os.getpid())  # this test's process stands in
    assert (await kotobot("health", env=env, cwd=tmp_path)).returncode == 0
    await beat(database, datetime.now(UTC) - timedelta(minutes=5), os.getpid())
    stale = await kotobot("health", env=env, cwd=tmp_path)
    assert stale.returncode == 1 and "heartbeat is stale" in stale.stderr
    assert len(stale.stderr.strip().splitlines()) == 1
    lenient = await kotobot("health", "--max-age", "600", env=env, cwd=tmp_path)
    assert lenient.returncode == 0
    gone = 2**22 + 12345  # above any pid this machine hands out
    await beat(database, datetime.now(UTC), gone)
    dead = await kotobot("health", env=env, cwd=tmp_path)
    assert dead.returncode == 1 and f"process {gone} is gone" in dead.stderr


async def test_a_missing_or_broken_database_is_unhealthy(tmp_path: Path) -> None:
    database = tmp_path / "kotobot.sqlite3"
    env = kotobot_env(database)
    missing = await kotobot("health", env=env, cwd=tmp_path)
    assert missing.returncode == 1 and "no database" in missing.stderr
    database.write_bytes(b"\0garbage" * 1000)
    broken = await kotobot("health", env=env, cwd=tmp_path)
    assert broken.returncode == 1 and "cannot open the database" in broken.stderr
