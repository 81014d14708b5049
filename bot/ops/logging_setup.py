"""Logging for a terminal (text, the default) or for the city's log collector (JSON lines).

`KOTOBOT_LOG_FORMAT=json` writes one JSON object per line with a fixed set of fields:
timestamp, level, logger, event, and the update id and chat id when the line belongs to an
update. python-json-logger does the encoding (escaping, timestamps, extra fields), which is
easy to get subtly wrong by hand.

Personal data stays out in both formats: the code logs ids, never names or typed answers,
and an exception is logged by its type and stack frames only, because an exception's
message may quote whatever input caused it.
"""

from __future__ import annotations

import logging
import sys
import traceback
from contextvars import ContextVar
from types import TracebackType
from typing import Any

from pythonjsonlogger.json import JsonFormatter
from telegram import Update

UPDATE_ID: ContextVar[int | None] = ContextVar("kotobot_update_id", default=None)
CHAT_ID: ContextVar[int | None] = ContextVar("kotobot_chat_id", default=None)
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
QUIET_LOGGERS = ("httpx", "httpcore", "apscheduler")
"""httpx logs every request URL at INFO, and those URLs contain the bot token."""

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None] | tuple[None, None, None]


def _exception_without_message(exc_info: ExcInfo) -> str:
    kind, _, tb = exc_info
    name = kind.__name__ if kind else "Exception"
    return ("Traceback (most recent call last):\n" + "".join(traceback.format_tb(tb))
            + f"{name} (message withheld: it may quote personal data)")


async def remember_update(update: object, context: Any) -> None:
    """A first handler group: later log lines of this update carry its ids."""
    if isinstance(update, Update):
        UPDATE_ID.set(update.update_id)
        CHAT_ID.set(update.effective_chat.id if update.effective_chat else None)


class _UpdateIds(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "update_id", None) is None:
            record.update_id = UPDATE_ID.get()
        if getattr(record, "chat_id", None) is None:
            record.chat_id = CHAT_ID.get()
        return True


class PrivateTextFormatter(logging.Formatter):
    def formatException(self, ei: Any) -> str:
        return _exception_without_message(ei)


class PrivateJsonFormatter(JsonFormatter):
    """JSON lines with our field names; exceptions as type and stack, without the message."""

    def __init__(self) -> None:
        super().__init__(
            "{levelname}{name}{message}{update_id}{chat_id}", style="{",
            rename_fields={"levelname": "level", "name": "logger", "message": "event"},
            timestamp=True)

    def formatException(self, ei: Any) -> str:
        return _exception_without_message(ei)

    def add_fields(self, log_data: dict[str, Any], record: logging.LogRecord,
                   message_dict: dict[str, Any]) -> None:
        super().add_fields(log_data, record, message_dict)
        if record.exc_info and record.exc_info[0] is not None:
            log_data["exc_type"] = record.exc_info[0].__name__


def configure_logging(log_format: str = "text", stream: Any = None) -> None:
    """Replace the root logger's handlers with one in the chosen format (stderr by default)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(PrivateJsonFormatter() if log_format == "json"
                         else PrivateTextFormatter(TEXT_FORMAT))
    handler.addFilter(_UpdateIds())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
