"""Running the real `kotobot` command from async tests without blocking the bot's event loop."""

from __future__ import annotations

import asyncio
import os
import sys
from dataclasses import dataclass
from pathlib import Path


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
