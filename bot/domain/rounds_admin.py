"""The coordinator's round use cases: open (or re-open), close, reminder days, the digest
date, past rounds for importing, and the list of rounds with how many units submitted."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from bot.domain.ports import RoundStore
from bot.domain.records import DeliveryState, Round
from bot.domain.rounds import DEFAULT_LADDER, current_round

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class RoundOverview:
    round: Round
    submitted: int
    digest_sent: bool


class Rounds:
    def __init__(self, store: RoundStore, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    async def get(self, year: int) -> Round | None:
        return await self.store.round(year)

    async def all(self) -> list[Round]:
        return await self.store.rounds()

    async def current(self) -> Round | None:
        """The open round with the latest year, else the latest round of all."""
        return current_round(await self.store.rounds())

    async def open(self, year: int, deadline: date) -> tuple[Round, bool]:
        """Open (or re-open) a round; returns it and whether it is new."""
        new = await self.store.open_round(year, deadline, DEFAULT_LADDER, self.clock())
        round_ = await self.store.round(year)
        assert round_ is not None
        return round_, new

    async def create_past(self, year: int, deadline: date) -> bool:
        """A round closed from the start, to bring in answers from workbooks."""
        return await self.store.create_past_round(year, deadline, DEFAULT_LADDER, self.clock())

    async def close(self, year: int) -> bool:
        return await self.store.close_round(year, self.clock())

    async def set_ladder(self, year: int, ladder: tuple[int, ...]) -> bool:
        return await self.store.set_ladder(year, ladder)

    async def set_digest_date(self, year: int, day: date) -> bool:
        return await self.store.set_digest_date(year, day)

    async def digest_sent(self, year: int) -> bool:
        """Whether the council's digest of `year` has gone to anyone."""
        states = await self.store.delivery_states(f"digest:{year}")
        return any(state is DeliveryState.SENT for state in states.values())

    async def overview(self) -> list[RoundOverview]:
        return [RoundOverview(r, len(await self.store.submissions(r.year)),
                              await self.digest_sent(r.year))
                for r in await self.store.rounds()]
