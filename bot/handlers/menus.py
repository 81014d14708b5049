"""Command menus per role: each person's chat gets exactly the commands they may use, in
their language (Telegram's `setMyCommands` with a chat scope); everyone else sees the
default menu of commands open to all. Refreshed when a role or the language changes."""

from __future__ import annotations

import logging

from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.error import TelegramError

from bot.domain.access import Viewer
from bot.i18n import N_, Translator
from bot.services import Services

log = logging.getLogger(__name__)

REPORT = [("report", N_("Report your unit's measures")), ("status", N_("What is due and missing"))]
READ = [("summary", N_("Where the programme stands")),
        ("export", N_("Every answer as an Excel workbook"))]
COORDINATE = [("invite", N_("Invite a contact person or council member")),
              ("people", N_("Units, contact persons and the council")),
              ("round", N_("Open or close a reporting round")),
              ("rounds", N_("Rounds, deadlines and digests")),
              ("remind", N_("Remind everyone who is late")),
              ("digest", N_("Preview or schedule the council's digest"))]
COMMON = [("language", N_("Change the language")), ("privacy", N_("Your personal data")),
          ("help", N_("Help")), ("cancel", N_("Stop what you are doing"))]


def commands_for(viewer: Viewer | None) -> list[tuple[str, str]]:
    """The commands a person may use, in menu order; the default menu for None."""
    if viewer is None or not viewer.registered:
        return [("start", N_("Start")), *COMMON]
    commands: list[tuple[str, str]] = []
    if viewer.units:
        commands += REPORT
    if viewer.is_coordinator:
        commands += COORDINATE[:2] + READ + COORDINATE[2:]
    elif viewer.is_council:
        commands += READ
    return commands + COMMON


def _translated(commands: list[tuple[str, str]], tr: Translator) -> list[BotCommand]:
    return [BotCommand(name, tr.gettext(description)) for name, description in commands]


async def set_default_menus(bot: Bot, services: Services) -> None:
    """What people with no role see, in each language."""
    for code in ("fi", "sv", "en", None):
        try:
            await bot.set_my_commands(_translated(commands_for(None), services.translators[code]),
                                      language_code=code)
        except TelegramError as error:
            log.warning("could not set the %s command menu: %s", code or "default", error)


async def refresh_menu(bot: Bot, services: Services, telegram_id: int) -> None:
    """The person's own menu after a role or language change (the default if no role)."""
    viewer = await services.viewer_of(telegram_id)
    scope = BotCommandScopeChat(telegram_id)
    try:
        if viewer.registered:
            await bot.set_my_commands(
                _translated(commands_for(viewer), services.translators[viewer.language]), scope=scope)
        else:
            await bot.delete_my_commands(scope=scope)
    except TelegramError as error:  # a menu is a convenience: never fail the action for it
        log.warning("could not set the command menu of chat %s: %s", telegram_id, error)


async def refresh_all_menus(bot: Bot, services: Services) -> None:
    """At start-up: every coordinator, contact and council member."""
    for telegram_id in sorted(await services.people_with_roles()):
        await refresh_menu(bot, services, telegram_id)
