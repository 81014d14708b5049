"""The coordinator's chosen digest highlights (migration 9) in a real SQLite file: kept in
the order chosen, across a restart, per round."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from bot.storage import Storage

NOW = datetime(2027, 2, 10, 9, 0, tzinfo=UTC)


async def test_highlights_keep_their_order_across_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "kotobot.sqlite3"
    storage = await Storage.open(path)
    try:
        await storage.open_round(2026, date(2027, 1, 31), (14, 7, 1), NOW)
        for unit in ("vamia", "alma", "welcome-office"):
            await storage.add_highlight(2026, unit, NOW)
        await storage.add_highlight(2026, "alma", NOW)  # a repeat changes nothing
        await storage.remove_highlight(2026, "vamia")
        await storage.add_highlight(2026, "vamia", NOW)  # chosen again: now last
    finally:
        await storage.close()
    reopened = await Storage.open(path)
    try:
        assert await reopened.highlights(2026) == ["alma", "welcome-office", "vamia"]
        assert await reopened.highlights(2025) == []
    finally:
        await reopened.close()
