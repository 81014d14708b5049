"""Wiring: builds the PTB Application, owns resources in post_init/post_shutdown, and
registers every handler in explicit groups (authorization first).

Group -1  authorization: who is asking; stops unregistered people.
Group  0  report housekeeping: any other command pauses the guided report, so a chatty
          message typed after /status or /help is not saved as an answer.
Group  1  commands, buttons and typed answers; unknown commands and buttons last.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from datetime import datetime

from telegram import BotCommand, Update
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import callbacks
from bot.catalogue.loader import CatalogueError, load_catalogue
from bot.config import Settings
from bot.domain.reporting import Reporting
from bot.handlers import admin, general, imports, reminding, report, review, summary
from bot.handlers.auth import authorize
from bot.i18n import N_, I18nError, Translators
from bot.services import KotobotContext, Services, system_clock
from bot.storage import Storage

log = logging.getLogger(__name__)

MENU = [
    ("report", N_("Report your unit's measures")),
    ("status", N_("What is due and missing")),
    ("summary", N_("Where the programme stands")),
    ("language", N_("Change the language")),
    ("help", N_("Help")),
    ("cancel", N_("Stop what you are doing")),
]

EXIT_CONFIG = 2


def build_application(settings: Settings, clock: Callable[[], datetime] = system_clock) -> Application:
    """The bot, ready to `initialize()`; raises CatalogueError or I18nError if unusable."""
    assert settings.token is not None
    services = Services(settings=settings, catalogue=load_catalogue(settings.catalogue),
                        translators=Translators(), clock=clock)
    application = (
        ApplicationBuilder()
        .token(settings.token.get_secret_value())
        .base_url(settings.api_base_url)
        .base_file_url(settings.base_file_url)
        .context_types(ContextTypes(context=KotobotContext))
        .rate_limiter(AIORateLimiter(max_retries=3))
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .build()
    )
    application.bot_data["services"] = services
    _add_handlers(application)
    return application


async def _post_init(application: Application) -> None:
    services: Services = application.bot_data["services"]
    services.storage = await Storage.open(services.settings.database)
    await services.storage.sync_units(
        (u.id, u.name.fi, u.name.sv, u.name.en) for u in services.catalogue.catalogue.units)
    services.reporting = Reporting(services.catalogue, services.storage, services.settings.tz,
                                   services.clock)
    services.bot_username = application.bot.username
    await _set_menus(application, services)
    from scheduler.digest import digest_tick
    from scheduler.jobs import Scheduling

    services.scheduling = Scheduling(application, services)
    services.scheduling.extra_ticks.append(lambda: digest_tick(application.bot, services))
    await services.scheduling.start()


async def _set_menus(application: Application, services: Services) -> None:
    """The command menu in each language; Telegram shows each person theirs."""
    for code in ("fi", "sv", "en", None):
        tr = services.translators[code]
        commands = [BotCommand(name, tr.gettext(description)) for name, description in MENU]
        try:
            await application.bot.set_my_commands(commands, language_code=code)
        except TelegramError as error:
            log.warning("could not set the %s command menu: %s", code or "default", error)


async def _post_shutdown(application: Application) -> None:
    services: Services = application.bot_data["services"]
    if services.scheduling is not None:
        services.scheduling.stop()
    if hasattr(services, "storage"):
        await services.storage.close()


async def _on_error(update: object, context: KotobotContext) -> None:
    """Log the error; tell the person, in their language, that nothing they saved is lost."""
    log.error("update %s failed", update, exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat is not None:
        # PTB builds a fresh context for error handlers, without the viewer: look the language up
        services: Services = context.application.bot_data["services"]
        person = (await services.storage.person_by_telegram(update.effective_user.id)
                  if update.effective_user else None)
        _ = services.translators[person.language if person else None].gettext
        try:
            await context.bot.send_message(update.effective_chat.id, _(
                "Sorry, something went wrong. Everything you had answered is saved; "
                "please try again."))
        except TelegramError:
            pass


AUTHORIZATION, HOUSEKEEPING, MAIN = -1, 0, 1


def _add_handlers(application: Application) -> None:
    application.add_handler(TypeHandler(Update, authorize), group=AUTHORIZATION)
    application.add_handler(MessageHandler(
        filters.UpdateType.MESSAGE & filters.COMMAND & ~filters.Regex(r"^/report(@\w+)?(\s|$)"),
        report.pause_report), group=HOUSEKEEPING)
    commands = {
        "start": general.start_command,
        "help": general.help_command,
        "language": general.language_command,
        "cancel": general.cancel_command,
        "report": report.report_command,
        "status": review.status_command,
        "invite": admin.invite_command,
        "people": admin.people_command,
        "round": admin.round_command,
        "rounds": admin.rounds_command,
        "remind": reminding.remind_command,
        "summary": summary.summary_command,
        "export": summary.export_command,
        "digest": summary.digest_command,
    }
    for name, callback in commands.items():
        application.add_handler(CommandHandler(name, callback, filters=filters.UpdateType.MESSAGE),
                                group=MAIN)
    buttons = {
        callbacks.LANGUAGE: general.language_button,
        callbacks.ANSWER: report.answer_button,
        callbacks.NAVIGATE: report.answer_button,
        callbacks.START_REPORT: report.start_report_button,
        callbacks.REVIEW: review.review_button,
        callbacks.INVITE: admin.invite_button,
        callbacks.REMOVE_CONTACT: admin.remove_contact_button,
        callbacks.NUDGE_ALL: reminding.nudge_button,
    }
    for prefix, callback in buttons.items():
        application.add_handler(CallbackQueryHandler(callback, pattern=f"^{prefix}:"), group=MAIN)
    imports.register(application, MAIN)  # coordinators' workbooks, before the catch-alls
    new_message = filters.UpdateType.MESSAGE
    fallbacks = [
        MessageHandler(filters.UpdateType.EDITED, general.edited_message),
        MessageHandler(new_message & filters.TEXT & ~filters.COMMAND, general.text_message),
        MessageHandler(new_message & filters.COMMAND, general.unknown_command),
        MessageHandler(new_message, general.not_text_message),
        CallbackQueryHandler(general.unknown_button),
    ]
    for handler in fallbacks:
        application.add_handler(handler, group=MAIN)
    application.add_error_handler(_on_error)  # type: ignore[arg-type]


def run(settings: Settings) -> int:
    """`kotobot run`: long polling until interrupted."""
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=logging.INFO)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    if settings.token is None:
        print(
            "kotobot: no bot token. Create a bot with @BotFather in Telegram (/newbot), then set "
            "KOTOBOT_TOKEN=<token> in the environment or in a .env file in this folder.",
            file=sys.stderr,
        )
        return EXIT_CONFIG
    try:
        application = build_application(settings)
    except CatalogueError as error:
        print(f"kotobot: the catalogue is not valid:\n{error}", file=sys.stderr)
        return 1
    except I18nError as error:
        print(f"kotobot: {error}", file=sys.stderr)
        return 1
    try:
        application.run_polling(allowed_updates=Update.ALL_TYPES)
    except InvalidToken:
        print("kotobot: Telegram rejected KOTOBOT_TOKEN. Copy the token @BotFather gave you "
              "(it looks like 123456789:AA…).", file=sys.stderr)
        return EXIT_CONFIG
    except NetworkError as error:
        print(f"kotobot: cannot reach the Bot API at {settings.api_base_url}: {error}. "
              "Check the network, or KOTOBOT_API_BASE_URL.", file=sys.stderr)
        return 1
    return 0
