"""A broken catalogue is refused with every problem named: file, item and field."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.catalogue.loader import DEFAULT_CATALOGUE, CatalogueError, load_catalogue
from bot.cli import main


@pytest.fixture(scope="module")
def shipped() -> dict[str, Any]:
    return yaml.safe_load(DEFAULT_CATALOGUE.read_text(encoding="utf-8"))


def problems_of(data: dict[str, Any], tmp_path: Path) -> list[str]:
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(path)
    assert all(str(path) in problem for problem in caught.value.problems)
    return caught.value.problems


def first_measure(data: dict[str, Any]) -> dict[str, Any]:
    return data["themes"][0]["goals"][0]["measures"][0]


def test_the_shipped_catalogue_is_valid() -> None:
    index = load_catalogue()
    assert len(index.entries) == 77 and len(index.catalogue.themes) == 8


def test_duplicate_ids(shipped: dict[str, Any], tmp_path: Path) -> None:
    data = copy.deepcopy(shipped)
    goal = data["themes"][0]["goals"][0]
    goal["measures"][1]["id"] = goal["measures"][0]["id"]
    data["units"].append(dict(data["units"][0]))
    problems = problems_of(data, tmp_path)
    assert any(f"measure {goal['measures'][0]['id']}: id: duplicate id" in p for p in problems)
    assert any(f"unit {data['units'][0]['id']}: id: duplicate id" in p for p in problems)


def test_unknown_unit(shipped: dict[str, Any], tmp_path: Path) -> None:
    data = copy.deepcopy(shipped)
    measure = first_measure(data)
    measure["lead"] = "no-such-unit"
    measure["partners"] = ["nobody-either"]
    problems = problems_of(data, tmp_path)
    assert any(f"measure {measure['id']}: lead: unknown unit 'no-such-unit'" in p for p in problems)
    assert any(f"measure {measure['id']}: partners: unknown unit 'nobody-either'" in p for p in problems)


def test_missing_language_and_empty_text_are_all_reported(shipped: dict[str, Any], tmp_path: Path) -> None:
    data = copy.deepcopy(shipped)
    measure = first_measure(data)
    del measure["text"]["sv"]
    data["themes"][1]["title"]["en"] = "   "
    problems = problems_of(data, tmp_path)
    assert any(f"measure {measure['id']}: text.sv: missing" in p for p in problems)
    assert any(f"theme {data['themes'][1]['id']}: title.en: empty text" in p for p in problems)


@pytest.mark.parametrize(("schedule", "message"), [
    ({"start": 1899, "end": 2023}, "start year 1899 is outside"),
    ({"start": 2025, "end": 2023}, "end year 2023 is before start year 2025"),
    ({"start": 2023}, "give start and end years, or continuous: true"),
    ({"continuous": True, "end": 2026}, "a continuous schedule has no end year"),
])
def test_bad_schedules(shipped: dict[str, Any], tmp_path: Path, schedule: dict[str, Any],
                       message: str) -> None:
    data = copy.deepcopy(shipped)
    measure = first_measure(data)
    measure["schedule"] = schedule
    problems = problems_of(data, tmp_path)
    assert any(f"measure {measure['id']}: schedule: {message}" in p for p in problems), problems


def _first_field(data: dict[str, Any], kind: str) -> dict[str, Any]:
    for theme in data["themes"]:
        for goal in theme["goals"]:
            for indicator in goal["indicators"]:
                for field in indicator["fields"]:
                    if field["kind"] == kind:
                        return field
    raise AssertionError(kind)


def test_unknown_indicator_kind(shipped: dict[str, Any], tmp_path: Path) -> None:
    data = copy.deepcopy(shipped)
    field = _first_field(data, "count")
    field["kind"] = "guess"
    problems = problems_of(data, tmp_path)
    assert any(f"indicator field {field['id']}: kind: Input should be" in p for p in problems)


def test_target_on_a_text_indicator(shipped: dict[str, Any], tmp_path: Path) -> None:
    data = copy.deepcopy(shipped)
    field = _first_field(data, "text")
    field["target"] = {"min": 2, "per": "year"}
    problems = problems_of(data, tmp_path)
    assert any(f"indicator field {field['id']}: (item): a text indicator cannot have a target" in p
               for p in problems), problems


def test_unknown_indicator_reference(shipped: dict[str, Any], tmp_path: Path) -> None:
    data = copy.deepcopy(shipped)
    measure = first_measure(data)
    measure["indicators"] = ["nowhere.ind"]
    problems = problems_of(data, tmp_path)
    assert any(f"measure {measure['id']}: indicators: unknown indicator 'nowhere.ind'" in p
               for p in problems)


def test_unknown_field_is_an_error_not_ignored(shipped: dict[str, Any], tmp_path: Path) -> None:
    data = copy.deepcopy(shipped)
    measure = first_measure(data)
    measure["responsable"] = "typo"
    problems = problems_of(data, tmp_path)
    assert any(f"measure {measure['id']}: responsable: unknown field" in p for p in problems)


def test_validate_command_lists_every_problem_and_fails(shipped: dict[str, Any], tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    data = copy.deepcopy(shipped)
    first_measure(data)["lead"] = "ghost"
    data["themes"][2]["goals"][0]["measures"][0]["schedule"] = {"start": 2026, "end": 2024}
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert main(["catalogue", "validate", str(path)]) == 1
    err = capsys.readouterr().err
    assert "2 problem(s)" in err and "unknown unit 'ghost'" in err and "end year 2024" in err


def test_validate_command_accepts_the_shipped_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalogue", "validate"]) == 0
    assert "OK: 8 themes, 77 measures" in capsys.readouterr().out


def test_not_yaml(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("themes: [unclosed", encoding="utf-8")
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(path)
    assert "not valid YAML" in caught.value.problems[0]


@pytest.mark.parametrize(("content", "where"), [
    ("programme:\n  name: Caf\xe9\n".encode("latin-1"), "byte 0xe9 on line 2"),
    ("themes: []\n".encode("utf-16"), "byte 0xff on line 1"),
])
def test_not_utf8_is_a_clear_problem_not_a_traceback(
        content: bytes, where: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "saved-by-excel.yaml"
    path.write_bytes(content)
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(path)
    assert "not UTF-8" in caught.value.problems[0] and where in caught.value.problems[0]
    assert main(["catalogue", "validate", str(path)]) == 1
    assert "save the file with the UTF-8 encoding" in capsys.readouterr().err


def test_unreadable_catalogue_is_a_clear_problem(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(tmp_path)  # a folder, not a file
    assert "cannot read" in caught.value.problems[0]
