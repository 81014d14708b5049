"""One `kotobot run` per database, and its files private to the bot's user."""

from __future__ import annotations

import asyncio
import os
import signal
import stat
import sys
from pathlib import Path

from fake_telegram import FakeTelegram


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_a_second_run_on_the_same_database_exits_2_and_files_are_owner_only(
        tmp_path: Path) -> None:
    async with FakeTelegram() as tg:
        # the default database (var/kotobot.sqlite3 in the working folder), with a umask that
        # would let everyone read it
        env = {**os.environ, "KOTOBOT_TOKEN": tg.token, "KOTOBOT_API_BASE_URL": tg.base_url,
               "KOTOBOT_COORDINATORS": "1000"}
        env.pop("KOTOBOT_DATABASE", None)

        async def kotobot_run() -> asyncio.subprocess.Process:
            return await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run", env=env, cwd=tmp_path,
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
                preexec_fn=lambda: os.umask(0))

        first = await kotobot_run()
        try:
            coordinator = tg.user(1000, first_name="Hanna", language_code="en")
            await tg.send(coordinator, "/start")
            assert "Welcome" in (await tg.next_reply(coordinator, timeout=30)).plain
            second = await kotobot_run()
            _, err = await asyncio.wait_for(second.communicate(), timeout=30)
            assert second.returncode == 2
            assert "already running" in err.decode() and "kotobot.sqlite3" in err.decode()
            await tg.send(coordinator, "/help")  # the first one is unharmed
            assert (await tg.next_reply(coordinator, timeout=30)).plain
            var = tmp_path / "var"
            assert _mode(var) == 0o700
            files = [var / name for name in ("kotobot.sqlite3", "kotobot.sqlite3-wal",
                                              "kotobot.sqlite3-shm", "kotobot.sqlite3.lock")]
            assert {f.name: _mode(f) for f in files} == {f.name: 0o600 for f in files}
        finally:
            first.send_signal(signal.SIGINT)
            _, err = await asyncio.wait_for(first.communicate(), timeout=30)
        assert first.returncode == 0, err.decode()[-2000:]
