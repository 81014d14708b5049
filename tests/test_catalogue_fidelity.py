"""The shipped catalogue is the programme as the city printed it, measure by measure.

Every Finnish text must be found in the Finnish seed and every Swedish text in the Swedish
seed once both are normalised: the PDF extraction breaks words across lines with hyphens
and wraps cells at arbitrary spaces, so whitespace, ASCII hyphens and bullets are removed
from both sides before looking for the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.catalogue.index import CatalogueIndex
from bot.catalogue.models import Text

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
SEED_FILES = {"fi": "000_676e34c4f4e3365f.txt", "sv": "002_de87a48e595585e3.txt"}


def squeeze(text: str) -> str:
    return re.sub(r"[\s\-•]+", "", text)


@pytest.fixture(scope="module")
def seeds() -> dict[str, str]:
    missing = [name for name in SEED_FILES.values() if not (SEEDS / name).is_file()]
    if missing:  # a proof that checked nothing must not pass: fail, never skip
        pytest.fail(f"the city's texts are missing from {SEEDS}: {', '.join(missing)} "
                    "(clone the repository with shared/ beside it)")
    return {lang: squeeze((SEEDS / name).read_text(encoding="utf-8")) for lang, name in SEED_FILES.items()}


def official_texts(index: CatalogueIndex) -> Iterator[tuple[str, Text]]:
    """(label, text) for every text that must be as printed."""
    for theme in index.catalogue.themes:
        yield f"theme {theme.id}", theme.title
        for goal in theme.goals:
            yield f"goal {goal.id}", goal.text
            for indicator in goal.indicators:
                yield f"indicator {indicator.id}", indicator.text
                for field in indicator.fields:
                    yield f"indicator field {field.id}", field.text
            for measure in goal.measures:
                yield f"measure {measure.id} text", measure.text
                yield f"measure {measure.id} responsible", measure.responsible


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_every_official_text_is_printed_in_the_seed(index: CatalogueIndex, seeds: dict[str, str],
                                                    lang: str) -> None:
    texts = list(official_texts(index))
    assert len(texts) >= 2 * 77  # every measure's text and unit at least: the proof is not empty
    missing = [f"{label}: {text.get(lang)!r}" for label, text in texts
               if squeeze(text.get(lang)) not in seeds[lang]]
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_measures_follow_the_printed_order(index: CatalogueIndex, seeds: dict[str, str], lang: str) -> None:
    position = 0
    for entry in index.entries:
        found = seeds[lang].find(squeeze(entry.measure.text.get(lang)), position)
        assert found >= 0, f"{entry.id} is out of order in the {lang} text"
        position = found


def test_every_printed_bullet_is_a_measure(index: CatalogueIndex) -> None:
    for name in SEED_FILES.values():
        path = SEEDS / name
        if path.exists():
            assert path.read_text(encoding="utf-8").count("•") == len(index.entries)


def test_programme_has_seven_themes_and_follow_up(index: CatalogueIndex) -> None:
    themes = [theme.id for theme in index.catalogue.themes]
    assert len(themes) == 8 and themes[-1] == "follow-up"
    assert [t.title.fi for t in index.catalogue.themes] == [
        "Työ", "Asuminen", "Koulutus", "Terveys ja hyvinvointi", "Sosiaaliset suhteet ja kontaktit",
        "Lasten ja nuorten palvelut", "Turvallisuus", "Seuranta"]


def test_stated_targets_are_recorded(index: CatalogueIndex) -> None:
    targets = {field.id: field.target for _, field in index.fields.values() if field.target}
    yearly = sorted((t.yearly_min, t.yearly_max) for t in targets.values())
    assert (4, 5) in yearly and (10, None) in yearly and (1, 1) in yearly and (2, 4) in yearly


def test_shared_indicator_cells_are_recorded(index: CatalogueIndex) -> None:
    shared = [ref for ref in index.indicators if len(index.measures_sharing(ref)) > 1]
    assert shared, "bullets sharing one indicator cell must share one indicator"
    for ref in shared:
        goals = {index.measures[m].goal.id for m in index.measures_sharing(ref)}
        assert len(goals) == 1, ref


def test_schedules_allow_a_start_before_the_programme(index: CatalogueIndex) -> None:
    starts = {entry.measure.schedule.start for entry in index.entries}
    assert 2022 in starts
    assert any(entry.measure.schedule.continuous for entry in index.entries)
