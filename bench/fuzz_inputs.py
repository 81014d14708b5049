"""The long fuzz run: tests/test_fuzz_inputs.py with 10,000 generated inputs (or --examples N).

Why a script: the suite runs a few hundred inputs to stay fast; the reliability bar is "no
unhandled exception over 10,000", which takes minutes. This runs the same property tests,
against the same real bot and fake Bot API server, with hypothesis' statistics, and prints
one line to paste into bench/README.md.

Usage: ``python bench/fuzz_inputs.py [--examples 10000] [--seed N]``. Stops by itself:
every wait in the tests has a timeout.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KINDS = 4  # text, commands, buttons, other; newcomers get half a kind's share on top


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=10_000,
                        help="inputs in total over the four kinds (newcomers: +1/8)")
    parser.add_argument("--seed", type=int, help="hypothesis seed, to repeat a run")
    args = parser.parse_args(argv)
    env = {**os.environ, "KOTOBOT_FUZZ_EXAMPLES": str(args.examples)}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
               str(ROOT / "tests" / "test_fuzz_inputs.py"), "--hypothesis-show-statistics"]
    if args.seed is not None:
        command.append(f"--hypothesis-seed={args.seed}")
    started = time.monotonic()
    result = subprocess.run(command, cwd=ROOT, env=env, check=False)
    minutes = (time.monotonic() - started) / 60
    per_kind = max(1, args.examples // KINDS)
    total = per_kind * KINDS + max(1, per_kind // 2)
    verdict = "no failure" if result.returncode == 0 else f"FAILED (pytest exit {result.returncode})"
    print(f"\nfuzz_inputs: {total} generated inputs (+ the explicit examples), {minutes:.1f} min, "
          f"{verdict}")
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
