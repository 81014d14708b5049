"""Wiring: builds the PTB Application, owns resources in post_init/post_shutdown, and
registers every handler in explicit groups (authorization first).

Group -2  log context: later log lines carry the update's id and chat id (no names).
Group -1  authorization: who is asking; stops unregistered people.
Group  0  report housekeeping: any other command pauses the guided report (its place is
          kept), so a message typed after /status or /help is offered back, not filed unasked.
Group  1  commands, buttons and typed answers; unknown commands and buttons last.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from datetime import datetime

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import InvalidToken, NetworkError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.catalogue.loader import CatalogueError, load_catalogue
from bot.chat import callbacks
from bot.chat.messenger import TelegramMessenger
from bot.config import Settings
from bot.domain.importing import Importer
from bot.domain.outreach import Outreach
from bot.domain.people import People
from bot.domain.reporting import Reporting
from bot.domain.rounds_admin import Rounds
from bot.handlers import (
    admin,
    confirmations,
    digest_control,
    general,
    imports,
    menus,
    privacy,
    reminding,
    report,
    report_for,
    review,
    summary,
)
from bot.handlers.auth import authorize
from bot.handlers.errors import on_error
from bot.i18n import I18nError, Translators
from bot.ops.instance import AlreadyRunning, hold_instance_lock
from bot.ops.jobs import OpsJobs
from bot.ops.logging_setup import configure_logging, remember_update
from bot.ops.memory import freeze_startup_heap
from bot.polling import ConfirmingRequest, DurableApplication, InboxQueue, replay_unfinished
from bot.services import KotobotContext, Services, system_clock
from bot.storage import Storage
from scheduler.jobs import Scheduling

log = logging.getLogger(__name__)


EXIT_CONFIG = 2
FLOOD_RETRIES = 1_000_000
"""Flood control is waited out however many times Telegram asks (each wait is its
`retry_after`), not given up on: giving up would drop a reply the person is waiting for."""


def build_application(settings: Settings, clock: Callable[[], datetime] = system_clock) -> Application:
    """The bot, ready to `initialize()`; raises CatalogueError or I18nError if unusable.

    Every resource is created here and opened in `post_init` (PTB's pattern), so handlers
    never meet a half-built `Services`."""
    assert settings.token is not None
    storage = Storage(settings.database)
    inbox = InboxQueue(storage, clock)  # handled or on disk before confirmed: bot/polling.py
    application = (
        ApplicationBuilder()
        .application_class(DurableApplication)
        .update_queue(inbox)
        .get_updates_request(ConfirmingRequest(inbox))
        .token(settings.token.get_secret_value())
        .base_url(settings.api_base_url)
        .base_file_url(settings.base_file_url)
        .defaults(Defaults(parse_mode=ParseMode.HTML, tzinfo=settings.tz))
        .context_types(ContextTypes(context=KotobotContext))
        .rate_limiter(AIORateLimiter(max_retries=FLOOD_RETRIES))
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .build()
    )
    catalogue = load_catalogue(settings.catalogue)
    services = Services(settings=settings, catalogue=catalogue, translators=Translators(),
                        storage=storage,
                        reporting=Reporting(catalogue, storage, settings.tz, clock),
                        people=People(storage, settings.coordinators, clock),
                        rounds=Rounds(storage, clock),
                        imports=Importer(catalogue, storage, settings.tz, clock),
                        outreach=Outreach(storage, TelegramMessenger(application.bot), clock, ""),
                        clock=clock)
    services.outreach.boot = services.boot
    services.scheduling = Scheduling(application, services)
    application.bot_data["services"] = services
    _add_handlers(application)
    return application


async def _post_init(application: Application) -> None:
    services: Services = application.bot_data["services"]
    await services.storage.start()
    await services.storage.sync_units(
        (u.id, u.name.fi, u.name.sv, u.name.en) for u in services.catalogue.catalogue.units)
    services.bot_username = application.bot.username
    await replay_unfinished(application)  # before anything new: polling starts after post_init
    await _set_menus(application, services)
    assert isinstance(services.scheduling, Scheduling)
    await services.scheduling.start()
    application.bot_data["ops"] = OpsJobs(application, services)
    await application.bot_data["ops"].start()


async def _set_menus(application: Application, services: Services) -> None:
    """The default menu in each language, and each role holder's own (see `menus`)."""
    await menus.set_default_menus(application.bot, services)
    await menus.refresh_all_menus(application.bot, services)


async def _post_shutdown(application: Application) -> None:
    services: Services = application.bot_data["services"]
    if isinstance(services.scheduling, Scheduling):
        services.scheduling.stop()
    if "ops" in application.bot_data:
        await application.bot_data["ops"].stop()
    await services.storage.close()


AUTHORIZATION, HOUSEKEEPING, MAIN = -1, 0, 1


def _add_handlers(application: Application) -> None:
    application.add_handler(TypeHandler(Update, remember_update), group=AUTHORIZATION - 1)
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
        "privacy": privacy.privacy_command,
        "mydata": privacy.mydata_command,
        "forget": privacy.forget_command,
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
        callbacks.FIX: review.fix_button,
        callbacks.INVITE: admin.invite_button,
        callbacks.REMOVE_CONTACT: admin.remove_contact_button,
        callbacks.NUDGE_ALL: reminding.nudge_button,
        callbacks.CONFIRM: confirmations.confirm_button,
        callbacks.DIGEST: digest_control.digest_button,
        callbacks.HIGHLIGHT: digest_control.highlight_button,
        callbacks.SCOPE: summary.scope_button,
        callbacks.ON_BEHALF: report_for.on_behalf_button,
        privacy.FORGET: privacy.forget_button,
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
    application.add_error_handler(on_error)  # type: ignore[arg-type]


def run(settings: Settings) -> int:
    """`kotobot run`: long polling until interrupted."""
    configure_logging(settings.log_format)
    if settings.token is None:
        print(
            "kotobot: no bot token. Create a bot with @BotFather in Telegram (/newbot), then set "
            "KOTOBOT_TOKEN=<token> in the environment or in a .env file in this folder.",
            file=sys.stderr,
        )
        return EXIT_CONFIG
    try:
        lock = hold_instance_lock(settings.database)
    except AlreadyRunning as busy:
        print(f"kotobot: another kotobot is already running on {settings.database} (it holds "
              f"{busy}). Stop it first: two bots on one database would answer messages twice.",
              file=sys.stderr)
        return EXIT_CONFIG
    try:
        return _run_locked(settings)
    finally:
        lock.close()


def _run_locked(settings: Settings) -> int:
    try:
        application = build_application(settings)
    except CatalogueError as error:
        print(f"kotobot: the catalogue is not valid:\n{error}", file=sys.stderr)
        return 1
    except I18nError as error:
        print(f"kotobot: {error}", file=sys.stderr)
        return 1
    freeze_startup_heap()  # the catalogue, built once, kept out of every full collection
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
