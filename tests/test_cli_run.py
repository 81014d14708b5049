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
