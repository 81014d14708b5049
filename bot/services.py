"""What every handler and job needs, owned by the Application (PTB's `bot_data`).

`post_init` fills it and `post_shutdown` closes it, following PTB's examples. The clock is
injectable so that tests can move time without sleeping.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from telegram.ext import Application, CallbackContext, ExtBot

from bot.catalogue.index import CatalogueIndex
from bot.config import Settings
from bot.domain.access import Viewer
from bot.domain.reporting import Reporting
from bot.i18n import Translator, Translators
from bot.storage import Storage

if TYPE_CHECKING:
    from scheduler.jobs import Scheduling


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass
class Services:
    """Set up once in `post_init`; the handlers' single way to reach resources."""

    settings: Settings
    catalogue: CatalogueIndex
    translators: Translators
    clock: Callable[[], datetime] = system_clock
    storage: Storage = field(init=False)
    reporting: Reporting = field(init=False)
    scheduling: Scheduling | None = field(default=None, init=False)
    bot_username: str = field(default="", init=False)


class KotobotContext(CallbackContext[ExtBot[None], dict, dict, dict]):  # type: ignore[type-arg]
    """PTB's context plus typed access to our services and the viewer of this update.

    PTB builds one context per update and hands it to every handler group in turn, so the
    viewer resolved by the authorization group is there for the handlers after it.
    """

    viewer: Viewer | None = None
    first_contact: bool = False  # the person wrote to the bot for the first time

    @property
    def services(self) -> Services:
        services: Services = self.application.bot_data["services"]
        return services

    @property
    def me(self) -> Viewer:
        assert self.viewer is not None, "authorization group did not run"
        return self.viewer

    @property
    def tr(self) -> Translator:
        return self.services.translators[self.viewer.language if self.viewer else None]


KotobotApp = Application  # alias for type hints in wiring
