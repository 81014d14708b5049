"""Shared fixtures, documented here once.

- `index`: the shipped measure catalogue, parsed once per test session (it is immutable).
- `tg`: the fake Telegram Bot API server on 127.0.0.1 (`fake_telegram.FakeTelegram`), with the
  user-side helpers tests act through (send, press, replies, wait_idle …).
- `clock`: the bot's notion of now (`harness.Clock`); tests move it instead of sleeping.
- `database`: a fresh SQLite file for the test.
- `bot`: the real PTB Application built by `bot.main.build_application`, long-polling the
  fake server, with the coordinator (Telegram id `COORDINATOR_ID`, Finnish) known to it.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from fake_telegram import FakeTelegram
from harness import COORDINATOR_ID, Clock, make_settings, running_bot

from bot.catalogue.index import CatalogueIndex
from bot.catalogue.loader import load_catalogue


@pytest.fixture(scope="session")
def index() -> CatalogueIndex:
    return load_catalogue()


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
