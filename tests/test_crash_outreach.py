"""Kill -9 during a 200-contact reminder fan-out and a council digest (see
tests/outreach_crashing.py): nobody is missed; duplicates only where a kill fell inside a
send."""

from __future__ import annotations

from pathlib import Path

from outreach_crashing import outreach_crashes

KILLS = 6


async def test_kill_9_during_reminders_and_the_digest_misses_nobody(tmp_path: Path) -> None:
    report = await outreach_crashes(tmp_path, KILLS)
    print(report.summary())
    assert report.kills == KILLS  # every other one after the digest had begun
    assert report.missed == 0, report.summary()
    assert report.duplicates <= report.kills_inside_a_send, report.summary()
