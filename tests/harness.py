"""Running the real bot against the fake Telegram server, with a clock the test controls."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fake_telegram import BotMessage, FakeTelegram, FakeUser
from telegram.ext import Application

from bot.config import Settings
from bot.main import build_application
from bot.services import Services

COORDINATOR_ID = 1000


@dataclass
class Clock:
    """The bot's notion of now; tests move it instead of sleeping."""

    now: datetime = field(default_factory=lambda: datetime(2026, 11, 25, 10, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)

    def set(self, when: datetime) -> None:
        self.now = when


def make_settings(tg: FakeTelegram, database: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "token": tg.token, "api_base_url": tg.base_url, "database": database,
        "coordinators": frozenset({COORDINATOR_ID}),
    }
    values.update(overrides)
    return Settings.model_validate(values)


@asynccontextmanager
async def running_bot(settings: Settings, clock: Clock) -> AsyncIterator[Application]:
    """Start the Application as `run_polling` would (post_init included) and stop it after."""
    application = build_application(settings, clock)
    await application.initialize()
    assert application.post_init is not None
    await application.post_init(application)
    await application.start()
    assert application.updater is not None
    await application.updater.start_polling(poll_interval=0, timeout=1)
    try:
        yield application
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()
        assert application.post_shutdown is not None
        await application.post_shutdown(application)


def services_of(application: Application) -> Services:
    services: Services = application.bot_data["services"]
    return services


async def say(tg: FakeTelegram, user: FakeUser, text: str) -> BotMessage:
    """Send text and return the bot's next new message (skipping edits of earlier ones, such
    as a question losing its buttons once it is answered)."""
    await tg.send(user, text)
    while True:
        reply = await tg.next_reply(user)
        if not reply.edited:
            return reply


async def press(tg: FakeTelegram, user: FakeUser, message: BotMessage, button: str) -> BotMessage:
    """Press a button and return the bot's next *new* message (skipping edits, such as the
    pressed message's own, which the bot makes after sending the next question)."""
    await tg.press(user, message, button)
    while True:
        reply = await tg.next_reply(user)
        if reply.message_id != message.message_id and not reply.edited:
            break
    await tg.wait_idle()
    tg.skip_edits(user)
    return reply


async def confirm(tg: FakeTelegram, user: FakeUser, command: str) -> BotMessage:
    """Send a command that asks for confirmation first, press its ✅ button, and return the
    bot's answer (as a coordinator closing a round or moving a deadline does)."""
    tg.drain(user)  # notes that came before are not the question
    question = await say(tg, user, command)
    yes = [text for text in question.button_texts() if text.startswith("✅")]
    assert yes, question.plain
    return await press(tg, user, question, yes[0])
