"""Startup time and idle memory: Kotobot against a bare PTB echo bot, as separate processes.

Why: the bot restarts on every deploy and crash; a start that imports matplotlib and openpyxl
and parses the catalogue slowly costs seconds and tens of MiB for nothing. Each sample starts
a fresh Python process that builds the Application, runs post_init, starts long polling
against the FakeTelegram server of this (parent) process and prints its VmRSS; the parent
times spawn → "ready". Echo and Kotobot alternate sample by sample, so machine noise hits
both; the ratio of medians is printed.

Usage: ``python bench/startup.py [--samples N]`` (default 7).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from fake_telegram import FakeTelegram

CHILD = r"""
import asyncio, sys
sys.path[:0] = [{root!r}, {bench!r}]
async def main():
    kind, token, base, db = sys.argv[1:5]
    if kind == "echo":
        from telegram.ext import ApplicationBuilder, MessageHandler, filters
        app = ApplicationBuilder().token(token).base_url(base).build()
        app.add_handler(MessageHandler(filters.TEXT, lambda u, c: None))
    else:
        from bot.config import Settings
        from bot.main import build_application
        app = build_application(Settings.model_validate(
            {{"token": token, "api_base_url": base, "database": db, "coordinators": [1000]}}))
    await app.initialize()
    if app.post_init:
        await app.post_init(app)
    await app.start()
    await app.updater.start_polling(poll_interval=0, timeout=1)
    rss = next(l for l in open("/proc/self/status") if l.startswith("VmRSS")).split()[1]
    print("ready", rss, flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    await app.updater.stop(); await app.stop()
    if app.post_shutdown:
        await app.shutdown(); await app.post_shutdown(app)
asyncio.run(main())
"""


async def start_once(kind: str, tg: FakeTelegram, db: Path) -> tuple[float, float]:
    code = CHILD.format(root=str(ROOT), bench=str(ROOT / "bench"))
    begin = time.perf_counter()
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", code, kind, tg.token, tg.base_url, str(db),
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL)  # the children's shutdown chatter
    assert proc.stdout is not None and proc.stdin is not None
    line = await asyncio.wait_for(proc.stdout.readline(), 60)
    elapsed = time.perf_counter() - begin
    _, rss_kib = line.decode().split()
    proc.stdin.close()
    await asyncio.wait_for(proc.wait(), 30)
    return elapsed, int(rss_kib) / 1024


async def main(samples: int) -> None:
    times: dict[str, list[float]] = {"echo": [], "kotobot": []}
    rss: dict[str, list[float]] = {"echo": [], "kotobot": []}
    with tempfile.TemporaryDirectory() as tmp:
        async with FakeTelegram() as tg:
            for n in range(samples + 1):
                for kind in ("echo", "kotobot"):
                    elapsed, mib = await start_once(kind, tg, Path(tmp) / "k.sqlite3")
                    if n:  # the first round warms the disk cache
                        times[kind].append(elapsed)
                        rss[kind].append(mib)
    for kind, samples_of_kind in times.items():
        print(f"{kind:8} start p50 {statistics.median(samples_of_kind) * 1000:.0f} ms, "
              f"idle RSS p50 {statistics.median(rss[kind]):.1f} MiB (n={samples})")
    print(f"startup ×{statistics.median(times['kotobot']) / statistics.median(times['echo']):.2f} "
          f"echo; idle RSS ×{statistics.median(rss['kotobot']) / statistics.median(rss['echo']):.2f} "
          f"echo ({statistics.median(rss['kotobot']):.1f} MiB)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=7)
    asyncio.run(main(parser.parse_args().samples))
