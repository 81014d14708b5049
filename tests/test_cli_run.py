"""`kotobot run` explains a missing token instead of failing obscurely."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main


def test_run_without_a_token_says_where_one_comes_from(monkeypatch: pytest.MonkeyPatch,
                                                       tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("KOTOBOT_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)  # no .env here
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert "@BotFather" in err and "KOTOBOT_TOKEN" in err


def test_run_refuses_an_invalid_catalogue(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("programme: {}\nunits: []\nthemes: []\n", encoding="utf-8")
    monkeypatch.setenv("KOTOBOT_TOKEN", "123456:TEST")
    monkeypatch.setenv("KOTOBOT_CATALOGUE", str(broken))
    monkeypatch.chdir(tmp_path)
    assert main(["run"]) == 1
    assert "catalogue is not valid" in capsys.readouterr().err


def test_a_malformed_setting_is_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("KOTOBOT_COORDINATORS", "hanna")
    monkeypatch.chdir(tmp_path)
    assert main(["run"]) == 2
    assert "KOTOBOT_COORDINATORS" in capsys.readouterr().err


async def test_kotobot_run_serves_users_and_stops_cleanly(tmp_path: Path) -> None:
    """The real entry point (`python -m bot run`, as README starts it) against the fake API."""
    import asyncio
    import os
    import signal
    import sys

    from fake_telegram import FakeTelegram

    async with FakeTelegram() as tg:
        env = {**os.environ, "KOTOBOT_TOKEN": tg.token, "KOTOBOT_API_BASE_URL": tg.base_url,
               "KOTOBOT_DATABASE": str(tmp_path / "kotobot.sqlite3"), "KOTOBOT_COORDINATORS": "1000"}
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", env=env, cwd=tmp_path,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        try:
            coordinator = tg.user(1000, first_name="Hanna", language_code="en")
            await tg.send(coordinator, "/start")
            reply = await tg.next_reply(coordinator, timeout=30)
            assert "Welcome!" in reply.plain  # the first time; "Welcome back!" later
            assert tg.commands("sv"), "the command menu is registered at start-up"
        finally:
            process.send_signal(signal.SIGINT)
            _, err = await asyncio.wait_for(process.communicate(), timeout=30)
        assert process.returncode == 0, err.decode()[-2000:]
    assert (tmp_path / "kotobot.sqlite3").exists()
