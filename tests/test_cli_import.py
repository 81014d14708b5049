"""`kotobot template` and `kotobot import`: the same form, checks and one-transaction write
as the chat, for a coordinator at a terminal."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.cli import main


@pytest.fixture
def workdir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KOTOBOT_DATABASE", str(tmp_path / "kotobot.sqlite3"))
    monkeypatch.setenv("KOTOBOT_COORDINATORS", "1000")
    return tmp_path


def filled_form(workdir: Path) -> Path:
    assert main(["template", "--year", "2024", "--unit", "welcome-office", "--lang", "en",
                 "-o", str(workdir / "form.xlsx")]) == 0
    book = load_workbook(workdir / "form.xlsx")
    sheet = book.active
    assert sheet is not None and sheet.title == "Form 2024"
    column = {str(c.value): c.column for c in sheet[1]}
    sheet.cell(3, column["kotobot:status"], "Done")
    sheet.cell(3, column["kotobot:answer:1"], "3")
    sheet.cell(4, column["kotobot:status"], "In progress")
    book.save(workdir / "paper-2024.xlsx")
    return workdir / "paper-2024.xlsx"


def stored(workdir: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(workdir / "kotobot.sqlite3") as db:
        return list(db.execute(sql))


def test_import_checks_first_then_applies_once_into_a_past_round(
        workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = filled_form(workdir)
    assert main(["import", str(path), "--year", "2024", "--lang", "en"]) == 1
    assert "no reporting round for 2024" in capsys.readouterr().out
    assert main(["import", str(path), "--year", "2024", "--closed", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "Welcome Office: 3 new, 0 changed" in out and "--apply" in out
    assert stored(workdir, "SELECT * FROM answers") == []
    assert main(["import", str(path), "--year", "2024", "--closed", "--apply", "--lang", "en"]) == 0
    assert "✅ Imported paper-2024.xlsx into 2024." in capsys.readouterr().out
    assert stored(workdir, "SELECT closed_at IS NOT NULL, imported FROM rounds") == [(1, 1)]
    assert stored(workdir, "SELECT count(*), min(source) FROM answer_history") == [(3, "paper-2024.xlsx")]
    assert main(["import", str(path), "--year", "2024", "--closed", "--apply", "--lang", "en"]) == 0
    assert "there is nothing to import" in capsys.readouterr().out
    assert stored(workdir, "SELECT count(*) FROM answer_history") == [(3,)]


def test_import_refuses_a_file_that_is_not_a_workbook(workdir: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    (workdir / "notes.xlsx").write_text("not really", encoding="utf-8")
    assert main(["import", "notes.xlsx", "--year", "2024", "--lang", "en"]) == 1
    assert "not an Excel workbook" in capsys.readouterr().err
