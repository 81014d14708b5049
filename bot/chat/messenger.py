"""The Telegram side of the outreach port: sends one `Part` and sorts Telegram's answer
into the four outcomes the delivery policy knows (see `bot.domain.outreach`).

The only place outreach touches `telegram`. Flood control is waited out however many times
Telegram asks (the rate limiter first, then here); every attempt first takes a slot from the
smooth `Pacer`, so a fan-out never bursts over Telegram's bot-wide limit; other passing faults are left to the
next tick, since the ledger makes a retry safe.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from telegram import Bot, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut

from bot.chat.pacing import Pacer
from bot.domain.outreach import Part, Sent

log = logging.getLogger(__name__)

CAPTION_LIMIT = 1024
MAX_FLOOD_WAITS = 50
"""Telegram's flood control always ends; this only bounds a server that never says so."""


def _room_in(bot: Bot) -> Callable[[], bool] | None:
    """Whether PTB's bot-wide `AIORateLimiter` can take this send and still one reply now.

    The limiter keeps no public count, so its bucket is read where PTB keeps it; with another
    limiter (or none) the pacer alone decides."""
    bucket = getattr(getattr(bot, "rate_limiter", None), "_base_limiter", None)
    has_capacity = getattr(bucket, "has_capacity", None)
    if has_capacity is None:
        return None
    return lambda: bool(has_capacity(2))


class TelegramMessenger:
    def __init__(self, bot: Bot, pacer: Pacer | None = None) -> None:
        self.bot = bot
        self.pacer = pacer or Pacer(room=_room_in(bot))  # evenly, never in bursts


    async def send(self, chat_id: int, part: Part) -> Sent:
        for _ in range(MAX_FLOOD_WAITS):
            try:
                await self.pacer.wait(chat_id)
                await self._send(chat_id, part)
                return Sent.DELIVERED
            except RetryAfter as error:
                wait = error.retry_after
                await asyncio.sleep(wait.total_seconds() if hasattr(wait, "total_seconds")
                                    else float(wait))
            except Forbidden:
                return Sent.BLOCKED
            except TimedOut:
                log.warning("send to chat %s timed out; it may have arrived", chat_id)
                return Sent.UNKNOWN
            except BadRequest as error:
                # our message was refused as it is (a bug, not a passing fault): retrying
                # would fail again every tick, so it is recorded and logged for a human
                log.error("Telegram refused a message to chat %s: %s", chat_id, error.message)
                return Sent.UNKNOWN
            except (NetworkError, TelegramError) as error:
                log.warning("send to chat %s failed, will retry: %s", chat_id, type(error).__name__)
                return Sent.RETRY_LATER
        return Sent.RETRY_LATER

    async def _send(self, chat_id: int, part: Part) -> None:
        markup = part.markup if isinstance(part.markup, InlineKeyboardMarkup) else None
        if part.content is None:
            await self.bot.send_message(chat_id, part.text, parse_mode=ParseMode.HTML,
                                        reply_markup=markup)
        elif part.photo:
            await self.bot.send_photo(chat_id, part.content, caption=part.text[:CAPTION_LIMIT],
                                      filename=part.filename, reply_markup=markup)
        else:
            await self.bot.send_document(chat_id, part.content, filename=part.filename,
                                         caption=part.text[:CAPTION_LIMIT], reply_markup=markup)
