"""Shared fixtures: the fake Telegram server, a controllable clock, and the running bot."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from fake_telegram import FakeTelegram
from harness import COORDINATOR_ID, Clock, make_settings, running_bot


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return tmp_path / "kotobot.sqlite3"


@pytest.fixture
async def bot(tg: FakeTelegram, clock: Clock, database: Path) -> AsyncIterator[object]:
    tg.user(COORDINATOR_ID, first_name="Hanna", language_code="fi")
    async with running_bot(make_settings(tg, database), clock) as application:
        yield application
