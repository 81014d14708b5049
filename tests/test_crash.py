"""Kill -9 at random moments while a contact answers (see tests/crashing.py): nothing the bot
acknowledged is lost, nothing lands under a step that was not on screen, nothing is stored
twice, and every message gets a reply, if need be after the restart."""

from __future__ import annotations

from pathlib import Path

from crashing import crash_cycles

CYCLES = 20


async def test_twenty_kill_9_cycles_lose_and_misplace_nothing(tmp_path: Path) -> None:
    report = await crash_cycles(tmp_path, CYCLES)
    print(report.summary())
    assert report.kills == CYCLES
    assert report.acknowledged >= CYCLES // 2, report.summary()  # the person really was answering
    assert (report.lost, report.misplaced, report.duplicated, report.unanswered) == (0, 0, 0, 0), \
        report.summary()
