"""The highlights rule: at most five, a second tap drops one, the order is the order chosen."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.domain.coordination import MAX_HIGHLIGHTS, Coordination, Highlight


class Highlights:
    """Just the highlight part of `CoordinationStore`, in memory."""

    def __init__(self) -> None:
        self.chosen: dict[int, list[str]] = {}

    async def highlights(self, year: int) -> list[str]:
        return list(self.chosen.get(year, []))

    async def add_highlight(self, year: int, unit_id: str, now: datetime) -> None:
        self.chosen.setdefault(year, []).append(unit_id)

    async def remove_highlight(self, year: int, unit_id: str) -> None:
        self.chosen[year].remove(unit_id)


async def test_at_most_five_highlights_in_the_order_chosen() -> None:
    coordination = Coordination(Highlights(), lambda: datetime(2027, 2, 10, tzinfo=UTC))  # type: ignore[arg-type]
    for unit in ("u3", "u1", "u2", "u5", "u4"):
        assert await coordination.toggle_highlight(2026, unit) is Highlight.CHOSEN
    assert await coordination.toggle_highlight(2026, "u6") is Highlight.FULL
    assert len(await coordination.highlights(2026)) == MAX_HIGHLIGHTS
    assert await coordination.toggle_highlight(2026, "u1") is Highlight.DROPPED
    assert await coordination.toggle_highlight(2026, "u6") is Highlight.CHOSEN
    assert await coordination.highlights(2026) == ["u3", "u2", "u5", "u4", "u6"]
    assert await coordination.highlights(2027) == []
