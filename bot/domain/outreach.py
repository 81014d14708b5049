"""One way to send on the bot's own initiative: reminders, digest parts, notices.

The delivery policy, in one place (README's Reliability section says the same):

1. **Record before send.** Each message is claimed in the ledger under its key and the
   recipient's chat before it goes out; a key that is already sent, blocked or unknown is
   never sent again, so overlapping ticks, a restart or `/remind` cannot double it.
2. **A crash loses nothing.** A claim left by an earlier run of the bot (a `kill -9`
   between the claim and Telegram's answer) is sent again at start-up. A duplicate is
   therefore possible only when the crash falls between Telegram accepting the message and
   the ledger recording it.
3. **Faults are sorted, not guessed at.** Telegram accepted it → `sent`. The person blocked
   the bot → `blocked` and marked unreachable until they write again (the caller tells the
   coordinator once). A passing fault before anything could arrive (flood control beyond the
   limiter's patience, a 5xx, a refused connection) → the claim is released and the next
   tick retries it. A timeout (it may have arrived) → `unknown`, never sent again on its own.

The `Messenger` is the only thing that knows Telegram; tests use a fake one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from bot.domain.ports import DeliveryLedger
from bot.domain.records import DeliveryState


class Sent(StrEnum):
    """What one attempt to send gave."""

    DELIVERED = "delivered"
    BLOCKED = "blocked"
    RETRY_LATER = "retry_later"
    UNKNOWN = "unknown"


class Delivery(StrEnum):
    """What `deliver` did with one message."""

    SENT = "sent"
    ALREADY = "already"  # sent (or settled) before: nothing to do
    BLOCKED = "blocked"
    NEWLY_BLOCKED = "newly_blocked"  # blocked, and this call found out: tell the coordinator
    RETRY_LATER = "retry_later"
    UNKNOWN = "unknown"
    IN_FLIGHT = "in_flight"  # claimed by this very run and not settled yet


@dataclass(frozen=True)
class Part:
    """One message: text (HTML), or a file sent as a photo or a document with a caption.
    `markup` is opaque here (the chat package's keyboard)."""

    text: str = ""
    content: bytes | None = None
    filename: str = ""
    photo: bool = False
    markup: object | None = None


@dataclass(frozen=True)
class Recipient:
    chat_id: int
    person_id: int | None = None  # None for a coordinator known only from the settings


class Messenger(Protocol):
    async def send(self, chat_id: int, part: Part) -> Sent: ...


_SETTLED = {Sent.DELIVERED: DeliveryState.SENT, Sent.BLOCKED: DeliveryState.BLOCKED,
            Sent.UNKNOWN: DeliveryState.UNKNOWN}


class Outreach:
    """The single delivery function, bound to its ledger, messenger, clock and this run."""

    def __init__(self, ledger: DeliveryLedger, messenger: Messenger,
                 clock: Clock, boot: str) -> None:
        self.ledger = ledger
        self.messenger = messenger
        self.clock = clock
        self.boot = boot  # tells this run's claims (in flight) from a crashed run's (resend)

    async def deliver(self, key: str, to: Recipient, part: Part) -> Delivery:
        """Send `part` to `to` once under `key`, following the policy above."""
        if not await self.ledger.claim_delivery(key, to.chat_id, self.clock(), self.boot):
            state = (await self.ledger.delivery_states(key)).get(to.chat_id)
            return Delivery.IN_FLIGHT if state is DeliveryState.CLAIMED else Delivery.ALREADY
        outcome = await self.messenger.send(to.chat_id, part)
        if outcome is Sent.RETRY_LATER:
            await self.ledger.release_delivery(key, to.chat_id)
            return Delivery.RETRY_LATER
        await self.ledger.settle_delivery(key, to.chat_id, _SETTLED[outcome], self.clock())
        if outcome is Sent.BLOCKED:
            if to.person_id is not None and await self.ledger.set_reachable(to.person_id, False):
                return Delivery.NEWLY_BLOCKED
            return Delivery.BLOCKED
        return Delivery.SENT if outcome is Sent.DELIVERED else Delivery.UNKNOWN

    async def record_as_sent(self, key: str, to: Recipient) -> None:
        """Count `key` as delivered without sending (a step the day's reminder already
        covered, or a whole made of parts that are all out)."""
        if await self.ledger.claim_delivery(key, to.chat_id, self.clock(), self.boot):
            await self.ledger.settle_delivery(key, to.chat_id, DeliveryState.SENT, self.clock())

    async def deliver_all(self, key: str, to: Recipient, parts: Sequence[Part]) -> Delivery:
        """A message in several parts (the digest): each part once, in order; the whole is
        recorded as delivered under `key` when every part is out. Stops at the first part
        that could not go out, so the next tick continues from there."""
        for number, part in enumerate(parts):
            result = await self.deliver(f"{key}#{number}", to, part)
            if result not in (Delivery.SENT, Delivery.ALREADY):
                return result
        await self.record_as_sent(key, to)
        return Delivery.SENT


class Clock(Protocol):
    def __call__(self) -> datetime: ...
