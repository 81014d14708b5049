"""Kill -9 cycles against the real `kotobot run`: the crash test's procedure, for N cycles.

Why: tests/test_crash.py runs 20 cycles on every test run; this runs as many as wanted
(default 200) and prints the counts the reliability promise is about: answers acknowledged
and lost, answers under a step that was not on screen, answers stored twice, messages
without a reply. See tests/crashing.py for what the person and the killer do.

Usage: ``python bench/crash_cycles.py [--cycles N] [--seed S]``; exits 1 if anything was
lost, misplaced, duplicated or unanswered. ``--outreach FANOUTS`` runs the outreach variant
instead (tests/outreach_crashing.py, 6 kills per fan-out) and exits 1 if anyone was missed
or a message doubled without a kill inside its send.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from crashing import crash_cycles
from outreach_crashing import outreach_crashes

OUTREACH_KILLS = 6


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=200, help="kills (200)")
    parser.add_argument("--seed", type=int, default=10, help="random seed of the kill moments")
    parser.add_argument("--outreach", type=int, metavar="FANOUTS", default=0,
                        help=f"instead: FANOUTS times, kill -9 {OUTREACH_KILLS} times during a "
                             "200-contact reminder fan-out and a 40-member digest "
                             "(tests/outreach_crashing.py)")
    args = parser.parse_args()
    # a killed bot drops its connections mid-request; the fake server's complaint is expected
    logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)
    started = time.perf_counter()
    if args.outreach:
        bad = 0
        for number in range(args.outreach):  # one fan-out takes ~6 kills before it is done
            with tempfile.TemporaryDirectory(prefix="kotobot-crash-") as workdir:
                outreach = await outreach_crashes(Path(workdir), OUTREACH_KILLS,
                                                  args.seed + number)
            print(f"fan-out {number + 1}: {outreach.summary()}", flush=True)
            bad += outreach.missed + max(outreach.duplicates - outreach.kills_inside_a_send, 0)
        print(f"{args.outreach} fan-outs, seconds={time.perf_counter() - started:.0f}")
        return 1 if bad else 0
    with tempfile.TemporaryDirectory(prefix="kotobot-crash-") as workdir:
        report = await crash_cycles(Path(workdir), args.cycles, args.seed)
    print(f"{report.summary()} replayed_at_startup={report.replayed} "
          f"seconds={time.perf_counter() - started:.0f}")
    bad = report.lost + report.misplaced + report.duplicated + report.unanswered
    return 1 if bad or report.kills < args.cycles else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
