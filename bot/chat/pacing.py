"""A smooth pacer for the bot's own sends: at most `per_second` messages in any one-second
window bot-wide, spread evenly (no opening burst), and at most one message a
`per_chat_interval` to any one chat.

Why not only PTB's `AIORateLimiter`: its leaky bucket starts full, so a fan-out opens with a
burst of 30 and then 30 more in the same second, over Telegram's ≈30 messages/s and into
flood waits. Here every send reserves a slot before it goes out. Reserving is synchronous (no
`await` between reading and writing the state), so concurrent senders cannot both take a
slot, and the slots are handed out in order: the window rule holds by construction.

The clock and the sleep are injectable, so a test can drive the pacer without waiting.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable

TELEGRAM_PER_SECOND = 29
"""Telegram's bot-wide broadcast limit is ≈30 messages/s; one is left for jitter on the way
(sends leave evenly but arrive a little bunched) and for replies to people meanwhile."""
PER_CHAT_INTERVAL = 1.0
"""Telegram allows about one message a second to one private chat, with short bursts."""
PER_CHAT_BURST = 6
"""The most parts one message has (the digest: texts, two charts, two workbooks): they go
out together; after that, one a second."""
WINDOW = 1.0
SLACK = 0.001
"""Keeps the 31st send strictly after the first one's window, whatever the rounding."""


class Pacer:
    """Hands out send times; `await wait(chat_id)` returns when this send may go out."""

    def __init__(self, per_second: int = TELEGRAM_PER_SECOND,
                 per_chat_interval: float = PER_CHAT_INTERVAL,
                 per_chat_burst: int = PER_CHAT_BURST,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
                 room: Callable[[], bool] | None = None) -> None:
        self.per_second = per_second
        self.interval = WINDOW / per_second
        self.per_chat_interval = per_chat_interval
        self.per_chat_burst = per_chat_burst
        self.clock = clock
        self.sleep = sleep
        self.room = room  # whether the bot-wide limiter has room for this send and a reply
        self._recent: deque[float] = deque(maxlen=per_second)  # the last slots handed out
        self._last = float("-inf")
        self._departed: deque[float] = deque(maxlen=per_second)  # when the last sends really left
        self._chats: dict[int, float] = {}  # each chat's bucket, as its theoretical arrival time

    def reserve(self, chat_id: int) -> float:
        """The time the next send to `chat_id` may go out; the slot is taken."""
        now = self.clock()
        slot = max(now, self._last + self.interval)
        if len(self._recent) == self.per_second:  # the window rule, exactly
            slot = max(slot, self._recent[0] + WINDOW + SLACK)
        # a token bucket per chat (GCRA): `per_chat_burst` at once, then one an interval
        tat = self._chats.get(chat_id, float("-inf"))
        slot = max(slot, tat - (self.per_chat_burst - 1) * self.per_chat_interval)
        self._recent.append(slot)
        self._last = slot
        self._chats[chat_id] = max(tat, slot) + self.per_chat_interval
        if len(self._chats) > 10_000:  # forget chats whose bucket is full again
            self._chats = {c: t for c, t in self._chats.items() if t > now}
        return slot

    async def wait(self, chat_id: int) -> None:
        delay = self.reserve(chat_id) - self.clock()
        if delay > 0:
            await self.sleep(delay)
        # The slots keep the window rule on paper; a busy event loop wakes a sender late, and a
        # late send followed by punctual ones would put more than `per_second` into a second.
        # So the rule is checked again on when sends really leave, and no two leave closer
        # than half a slot (two in a pair at each end of a second would let the network's
        # jitter make 31). No await between the last check and the append: concurrent
        # senders cannot both pass.
        while (late := self._too_soon()) > 0:
            await self.sleep(late)
        # Replies to people go through the same bot-wide limit without this pacer: when they
        # have used the spare capacity, this send waits here rather than queueing inside the
        # limiter, where it would delay the replies and leave in a bunch with the sends
        # queued behind it.
        for _ in range(self.per_second):  # bounded: never more than a second's wait
            if (self.room is None or self.room()) and self._too_soon() <= 0:
                break
            await self.sleep(max(self._too_soon(), self.interval / 2))
        self._departed.append(self.clock())

    def _too_soon(self) -> float:
        """How long a send leaving now would have to wait for the rules on real departures."""
        if not self._departed:
            return 0.0
        now = self.clock()
        late = self._departed[-1] + self.interval / 2 - now
        if len(self._departed) == self.per_second:
            late = max(late, self._departed[0] + WINDOW + SLACK - now)
        return late
