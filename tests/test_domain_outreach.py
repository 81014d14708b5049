"""The delivery policy (`bot.domain.outreach`) over a real database and a scripted messenger:
what is recorded before, during and after a send, without any HTTP server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.domain.outreach import Delivery, Outreach, Part, Recipient, Sent
from bot.domain.records import DeliveryState
from bot.storage import Storage

NOW = datetime(2027, 1, 15, 8, tzinfo=UTC)


class ScriptedMessenger:
    """Answers each send with the next scripted outcome (DELIVERED when the script is empty)
    and remembers what was sent."""

    def __init__(self, *script: Sent) -> None:
        self.script = list(script)
        self.sent: list[tuple[int, str]] = []

    async def send(self, chat_id: int, part: Part) -> Sent:
        outcome = self.script.pop(0) if self.script else Sent.DELIVERED
        if outcome in (Sent.DELIVERED, Sent.UNKNOWN):
            self.sent.append((chat_id, part.text))
        return outcome


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[Storage]:
    storage = await Storage.open(tmp_path / "k.sqlite3")
    yield storage
    await storage.close()


def outreach(storage: Storage, messenger: ScriptedMessenger, boot: str = "run-1") -> Outreach:
    return Outreach(storage, messenger, lambda: NOW, boot)


async def test_a_message_goes_out_once_however_often_it_is_asked_for(storage) -> None:
    messenger = ScriptedMessenger()
    to = Recipient(20)
    assert await outreach(storage, messenger).deliver("k", to, Part("hello")) is Delivery.SENT
    assert await outreach(storage, messenger).deliver("k", to, Part("hello")) is Delivery.ALREADY
    assert await outreach(storage, messenger, "run-2").deliver("k", to, Part("hello")) is Delivery.ALREADY
    assert messenger.sent == [(20, "hello")]


async def test_a_claim_left_by_a_crash_is_sent_at_the_next_run(storage) -> None:
    await storage.claim_delivery("k", 20, NOW, "crashed-run")  # the crash fell before the send
    messenger = ScriptedMessenger()
    assert await outreach(storage, messenger).deliver("k", Recipient(20), Part("hi")) is Delivery.SENT
    assert messenger.sent == [(20, "hi")]


async def test_a_claim_of_this_run_is_in_flight_not_resent(storage) -> None:
    await storage.claim_delivery("k", 20, NOW, "run-1")
    messenger = ScriptedMessenger()
    assert await outreach(storage, messenger).deliver("k", Recipient(20), Part("hi")) is Delivery.IN_FLIGHT
    assert messenger.sent == []


async def test_a_passing_fault_is_retried_and_a_timeout_never_is(storage) -> None:
    messenger = ScriptedMessenger(Sent.RETRY_LATER, Sent.UNKNOWN)
    send = outreach(storage, messenger)
    assert await send.deliver("k", Recipient(20), Part("a")) is Delivery.RETRY_LATER
    assert await storage.delivery_states("k") == {}
    assert await send.deliver("k", Recipient(20), Part("a")) is Delivery.UNKNOWN
    assert await send.deliver("k", Recipient(20), Part("a")) is Delivery.ALREADY
    assert messenger.sent == [(20, "a")] and await storage.delivery_states("k") == {
        20: DeliveryState.UNKNOWN}


async def test_a_blocked_person_is_marked_unreachable_and_reported_once(storage) -> None:
    person = await storage.ensure_person(20, "Aino", "fi", NOW)
    messenger = ScriptedMessenger(Sent.BLOCKED, Sent.BLOCKED)
    send = outreach(storage, messenger)
    to = Recipient(20, person.id)
    assert await send.deliver("a", to, Part("a")) is Delivery.NEWLY_BLOCKED
    assert await send.deliver("b", to, Part("b")) is Delivery.BLOCKED
    assert not (await storage.person_by_telegram(20)).reachable


async def test_a_message_in_parts_continues_where_it_stopped(storage) -> None:
    messenger = ScriptedMessenger(Sent.DELIVERED, Sent.RETRY_LATER)
    send = outreach(storage, messenger)
    parts = [Part("one"), Part("two"), Part("three")]
    assert await send.deliver_all("digest:2026", Recipient(20), parts) is Delivery.RETRY_LATER
    assert await storage.delivery_states("digest:2026") == {}
    assert await send.deliver_all("digest:2026", Recipient(20), parts) is Delivery.SENT
    assert messenger.sent == [(20, "one"), (20, "two"), (20, "three")]
    assert await storage.delivery_states("digest:2026") == {20: DeliveryState.SENT}
