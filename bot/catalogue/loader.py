"""Reading and validating a catalogue file.

The coordinator edits the YAML by hand, so a validation run must list *every* problem,
each with the file, the item (by its id where it has one) and the field, rather than stop
at the first. Structural errors come from pydantic; cross-reference errors (duplicate
ids, unknown units or indicators) are checked here once the structure is sound.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from bot.catalogue.index import CatalogueIndex
from bot.catalogue.models import Catalogue

DEFAULT_CATALOGUE = Path(__file__).resolve().parents[2] / "data" / "programme-2023-2026.yaml"


class CatalogueError(Exception):
    """A catalogue that cannot be used; `problems` lists every one found."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        super().__init__(f"{path}: {len(problems)} problem(s)\n" + "\n".join(problems))


SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's loader parses the catalogue ≈10× faster than the pure-Python one (startup)."""

_loaded: dict[tuple[Path, int, int], CatalogueIndex] = {}
"""Catalogues already validated in this process, by (path, mtime, size): a changed file is
read again, an unchanged one (tests, the CLI, a second Application) is not."""


def load_catalogue(path: Path | str = DEFAULT_CATALOGUE) -> CatalogueIndex:
    """Load, validate and index a catalogue file, or raise CatalogueError listing all problems."""
    path = Path(path)
    try:
        stat = path.stat()
        key = (path.resolve(), stat.st_mtime_ns, stat.st_size)
        if key in _loaded:
            return _loaded[key]
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=SafeLoader)
    except OSError as exc:
        raise CatalogueError(path, [f"{path}: cannot read: {exc.strerror or exc}"]) from exc
    except UnicodeDecodeError as exc:  # e.g. saved from Excel or Notepad as Latin-1 / UTF-16
        line = exc.object[:exc.start].count(b"\n") + 1
        raise CatalogueError(path, [(
            f"{path}: not UTF-8 text: byte 0x{exc.object[exc.start]:02x} on line {line} cannot be "
            "read; save the file with the UTF-8 encoding")]) from exc
    except yaml.YAMLError as exc:
        raise CatalogueError(path, [f"{path}: not valid YAML: {exc}"]) from exc
    index = validate_data(raw, path)
    _loaded.clear()  # one catalogue is in use at a time; keep memory flat
    _loaded[key] = index
    return index


def validate_data(raw: Any, path: Path) -> CatalogueIndex:
    """Validate already-parsed data; `path` only names the source in messages.

    Structure (pydantic) and cross-references are both checked, on the raw data, so that
    one run reports every problem of both kinds.
    """
    if not isinstance(raw, dict):
        raise CatalogueError(path, [f"{path}: the file must be a mapping with programme, units and themes"])
    problems: list[str] = []
    catalogue: Catalogue | None = None
    try:
        catalogue = Catalogue.model_validate(raw)
    except ValidationError as exc:
        problems += [_describe(path, raw, err) for err in exc.errors()]
    problems += [f"{path}: {problem}" for problem in _reference_problems(raw)]
    if problems or catalogue is None:
        raise CatalogueError(path, problems)
    return CatalogueIndex(catalogue)


def _describe(path: Path, raw: Any, err: Any) -> str:
    """Turn a pydantic error location into "item <kind> <id>: field: message"."""
    loc = [part for part in err["loc"] if not isinstance(part, str) or not part.startswith("function-")]
    item, field = _item_and_field(raw, loc)
    message = err["msg"]
    if err["type"] == "missing":
        message = "missing"
    elif message.startswith("Value error, "):
        message = message.removeprefix("Value error, ")
    elif err["type"] == "extra_forbidden":
        message = "unknown field"
    return f"{path}: {item}: {field or '(item)'}: {message}"


_KIND_BY_KEY = {"themes": "theme", "goals": "goal", "measures": "measure", "indicators": "indicator",
                "fields": "indicator field", "units": "unit"}


def _item_and_field(raw: Any, loc: list[Any]) -> tuple[str, str]:
    """Walk the raw data along `loc`; the deepest list element with an id names the item."""
    item, item_depth = "catalogue", 0
    node = raw
    for depth, part in enumerate(loc):
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(part, int) and depth > 0:
            kind = _KIND_BY_KEY.get(str(loc[depth - 1]), str(loc[depth - 1]))
            ident = node.get("id") if isinstance(node, dict) else None
            item = f"{kind} {ident}" if ident else f"{kind} #{part + 1}"
            item_depth = depth + 1
        elif part == "programme":
            item, item_depth = "programme", depth + 1
    field = ".".join(str(part) for part in loc[item_depth:])
    return item, field


def _items(node: Any, key: str) -> list[dict[str, Any]]:
    """The mappings listed under `key`, tolerating any malformed shape (reported elsewhere)."""
    value = node.get(key) if isinstance(node, dict) else None
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _reference_problems(raw: dict[str, Any]) -> Iterator[str]:
    """Cross-reference checks that pydantic cannot see from one model at a time."""
    units = _items(raw, "units")
    themes = _items(raw, "themes")
    goals = [goal for theme in themes for goal in _items(theme, "goals")]
    measures = [m for goal in goals for m in _items(goal, "measures")]
    indicators = [i for goal in goals for i in _items(goal, "indicators")]
    fields = [f for i in indicators for f in _items(i, "fields")]
    for kind, items in (("unit", units), ("theme", themes), ("goal", goals), ("measure", measures),
                        ("indicator", indicators), ("indicator field", fields)):
        yield from _duplicates(kind, [str(item["id"]) for item in items if "id" in item])
    known_units = {item.get("id") for item in units}
    for goal in goals:
        own_indicators = {i.get("id") for i in _items(goal, "indicators")}
        used: set[Any] = set()
        for measure in _items(goal, "measures"):
            ident = measure.get("id", "?")
            if "lead" in measure and measure["lead"] not in known_units:
                yield f"measure {ident}: lead: unknown unit {measure['lead']!r}"
            for partner in measure.get("partners") or []:
                if partner not in known_units:
                    yield f"measure {ident}: partners: unknown unit {partner!r}"
            for ref in measure.get("indicators") or []:
                if ref not in own_indicators:
                    yield f"measure {ident}: indicators: unknown indicator {ref!r} in goal {goal.get('id')}"
                used.add(ref)
        for unused in sorted(str(i) for i in own_indicators - used):
            yield f"indicator {unused}: no measure of goal {goal.get('id')} refers to it"


def _duplicates(kind: str, ids: list[str]) -> Iterator[str]:
    for ident, count in Counter(ids).items():
        if count > 1:
            yield f"{kind} {ident}: id: duplicate id (used {count} times)"
