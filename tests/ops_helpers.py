"""Running the real `kotobot` command from async tests without blocking the bot's event loop."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from fake_telegram import FakeTelegram
from harness import COORDINATOR_ID


@dataclass(frozen=True)
class Ran:
    returncode: int
    stdout: str
    stderr: str


def kotobot_env(database: Path, **extra: str) -> dict[str, str]:
    """The environment for `python -m bot` against `database`, without the caller's token."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("KOTOBOT_")}
    return {**env, "KOTOBOT_DATABASE": str(database), **extra}


async def kotobot(*args: str, env: dict[str, str], cwd: Path, timeout: float = 60) -> Ran:
    """`python -m bot ARGS` (the same as the installed `kotobot` command)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, env=env, cwd=cwd,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), timeout=timeout)
    assert process.returncode is not None
    return Ran(process.returncode, out.decode(), err.decode())


@asynccontextmanager
async def bot_process(tg: FakeTelegram, database: Path, cwd: Path,
                      **extra: str) -> AsyncIterator[asyncio.subprocess.Process]:
    """`python -m bot run` against the fake Telegram server, ready once it answers /start;
    stopped with SIGINT (as Ctrl-C or `docker stop` would) when the block ends."""
    env = kotobot_env(database, KOTOBOT_TOKEN=tg.token, KOTOBOT_API_BASE_URL=tg.base_url,
                      KOTOBOT_COORDINATORS=str(COORDINATOR_ID), **extra)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", env=env, cwd=cwd,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        coordinator = tg.user(COORDINATOR_ID, first_name="Hanna", language_code="en")
        await tg.send(coordinator, "/start")
        await tg.next_reply(coordinator, timeout=30)
        yield process
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGINT)
        await asyncio.wait_for(process.wait(), timeout=30)
