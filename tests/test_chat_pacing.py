"""The pacer keeps the bot's own sends under Telegram's limits: never more than 30 in any
one-second window, evenly spread from the first send on, one a second to any one chat.
Driven by a controllable clock, so nothing sleeps."""

from __future__ import annotations

import asyncio

from bot.chat.pacing import Pacer


class VirtualTime:
    """A monotonic clock that only moves when a pacer sleeps on it."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


def busiest_second(times: list[float]) -> int:
    """The most sends in any half-open window [t, t + 1 s)."""
    times = sorted(times)
    best, start = 0, 0
    for end, t in enumerate(times):
        while times[start] <= t - 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best


def test_a_thousand_reservations_at_once_never_put_31_into_one_second() -> None:
    clock = VirtualTime()
    pacer = Pacer(clock=clock, sleep=clock.sleep)
    slots = [pacer.reserve(chat) for chat in range(1000)]
    assert busiest_second(slots) == pacer.per_second <= 30
    assert slots == sorted(slots)
    # smooth, not a burst: the first 30 are spread over (almost) the whole first second
    assert slots[28] - slots[0] >= 28 / 29 - 1e-9
    # and no slower than needed: 1 000 sends take about 1 000/30 s
    assert 999 / 29 <= slots[-1] - slots[0] <= 1.01 * 1000 / 29


def test_sends_in_turn_keep_to_the_limit_on_the_clock() -> None:
    clock = VirtualTime()
    pacer = Pacer(clock=clock, sleep=clock.sleep)
    sent: list[float] = []

    async def fan_out() -> None:
        for chat in range(200):
            await pacer.wait(chat)
            sent.append(clock())
            clock.now += 0.004  # the send itself takes a little time

    asyncio.run(fan_out())
    assert busiest_second(sent) <= 30
    assert sent[-1] - sent[0] < 200 / 29


def test_one_chat_gets_one_message_a_second_after_a_short_burst() -> None:
    clock = VirtualTime()
    pacer = Pacer(clock=clock, sleep=clock.sleep)
    to_one = [pacer.reserve(7) for _ in range(20)]
    burst = pacer.per_chat_burst
    assert to_one[burst - 1] - to_one[0] < 1.0  # one digest's parts go out together
    # then one a second
    assert all(b - a >= 1.0 - 1e-9 for a, b in zip(to_one[burst:], to_one[burst + 1:], strict=False))
    assert to_one[-1] - to_one[0] >= 20 - burst
    # another chat is not held up by the per-chat interval beyond the global spacing
    other = pacer.reserve(8)
    assert other - to_one[-1] <= 1 / 29 + 1e-9


def test_concurrent_senders_share_one_budget() -> None:
    clock = VirtualTime()
    pacer = Pacer(clock=clock, sleep=clock.sleep)
    slots: list[float] = []

    async def sender(first: int) -> None:
        for chat in range(first, first + 50):
            slots.append(pacer.reserve(chat))
            await asyncio.sleep(0)

    async def main() -> None:
        await asyncio.gather(*(sender(n * 100) for n in range(4)))

    asyncio.run(main())
    assert len(slots) == 200 and busiest_second(slots) <= 30



def test_a_late_wake_up_does_not_bunch_sends_over_the_limit() -> None:
    """A busy event loop wakes one sender 60 ms late; the punctual senders behind it must
    not then put more than the pacer's 29 sends into one second."""
    clock = VirtualTime()
    sleeps = 0

    async def sleep(seconds: float) -> None:
        nonlocal sleeps
        sleeps += 1
        clock.now += seconds + (0.060 if sleeps == 100 else 0.0)

    pacer = Pacer(clock=clock, sleep=sleep)
    sent: list[float] = []

    async def sender(chats: range) -> None:
        for chat in chats:
            await pacer.wait(chat)
            sent.append(clock())

    async def fan_out() -> None:
        await asyncio.gather(*(sender(range(n, 400, 8)) for n in range(8)))

    asyncio.run(fan_out())
    assert len(sent) == 400
    assert busiest_second(sent) <= pacer.per_second
