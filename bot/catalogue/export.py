"""Exporting the catalogue as JSON or CSV, for the city's other tools and for Excel.

Both formats carry the same facts per measure, in programme order. CSV is flattened to
one row per measure and written with a byte-order mark so Excel opens ä and ö correctly.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from bot.catalogue.index import CatalogueIndex, MeasureEntry
from bot.catalogue.models import LANGUAGES, Text, Unit

LIST_SEPARATOR = "; "


def _text(text: Text, langs: Sequence[str]) -> dict[str, str]:
    return {lang: text.get(lang) for lang in langs}


def _unit(unit: Unit, langs: Sequence[str]) -> dict[str, Any]:
    return {"id": unit.id, **_text(unit.name, langs)}


def measure_record(index: CatalogueIndex, entry: MeasureEntry, langs: Sequence[str]) -> dict[str, Any]:
    """One measure as the JSON export shape documents it."""
    measure = entry.measure
    indicators = []
    for ref in measure.indicators:
        for field in index.indicators[ref].fields:
            indicators.append({
                "id": field.id,
                "indicator": ref,
                "kind": field.kind.value,
                "text": _text(field.text, langs),
                "question": _text(field.question, langs),
                "unit": _text(field.unit, langs) if field.unit else None,
                "target": field.target.model_dump() if field.target else None,
                "shared_with": index.shared_with(measure.id, ref),
            })
    return {
        "id": measure.id,
        "position": entry.position + 1,
        "theme": {"id": entry.theme.id, **_text(entry.theme.title, langs)},
        "goal": {"id": entry.goal.id, **_text(entry.goal.text, langs)},
        "text": _text(measure.text, langs),
        "schedule": measure.schedule.model_dump(),
        "responsible": _text(measure.responsible, langs),
        "lead": _unit(index.units[measure.lead], langs),
        "partners": [_unit(index.units[p], langs) for p in measure.partners],
        "indicators": indicators,
    }


def export_json(index: CatalogueIndex, lang: str | None = None) -> str:
    langs = (lang,) if lang else LANGUAGES
    programme = index.programme
    document = {
        "programme": {
            "id": programme.id,
            **_text(programme.name, langs),
            "start": programme.start,
            "end": programme.end,
            "approved": programme.approved,
        },
        "units": [
            {**_unit(unit, langs), "external": unit.external} for unit in index.catalogue.units
        ],
        "measures": [measure_record(index, entry, langs) for entry in index.entries],
    }
    return json.dumps(document, ensure_ascii=False, indent=2)


def csv_rows(index: CatalogueIndex, lang: str | None = None) -> list[dict[str, str]]:
    """The CSV rows as dicts, one per measure; lists are joined with `LIST_SEPARATOR`."""
    langs = (lang,) if lang else LANGUAGES
    rows = []
    for entry in index.entries:
        record = measure_record(index, entry, langs)
        schedule = record["schedule"]
        row: dict[str, str] = {
            "position": str(record["position"]),
            "id": record["id"],
            "theme": entry.theme.id,
            "goal": entry.goal.id,
            "schedule_start": "" if schedule["start"] is None else str(schedule["start"]),
            "schedule_end": "" if schedule["end"] is None else str(schedule["end"]),
            "continuous": "yes" if schedule["continuous"] else "no",
            "lead": record["lead"]["id"],
            "partners": LIST_SEPARATOR.join(p["id"] for p in record["partners"]),
            "indicator_fields": LIST_SEPARATOR.join(i["id"] for i in record["indicators"]),
            "indicator_kinds": LIST_SEPARATOR.join(i["kind"] for i in record["indicators"]),
            "targets": LIST_SEPARATOR.join(_target_text(i["target"]) for i in record["indicators"]),
            "shared_with": LIST_SEPARATOR.join(
                sorted({m for i in record["indicators"] for m in i["shared_with"]})
            ),
        }
        for code in langs:
            row[f"theme_{code}"] = record["theme"][code]
            row[f"goal_{code}"] = record["goal"][code]
            row[f"measure_{code}"] = record["text"][code]
            row[f"responsible_{code}"] = record["responsible"][code]
            row[f"lead_{code}"] = record["lead"][code]
            row[f"indicator_{code}"] = LIST_SEPARATOR.join(
                dict.fromkeys(index.indicators[ref].text.get(code) for ref in entry.measure.indicators)
            )
        rows.append(row)
    return rows


def _target_text(target: dict[str, Any] | None) -> str:
    if not target:
        return ""
    low, high = target["min"], target["max"]
    span = f"{low:g}" if high is None or high == low else f"{low or 0:g}-{high:g}"
    return f"{span}/{target['per']}"


def export_csv(index: CatalogueIndex, lang: str | None = None) -> str:
    """CSV text starting with a BOM, so that Excel reads it as UTF-8."""
    rows = csv_rows(index, lang)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]) if rows else ["id"], lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return "\ufeff" + buffer.getvalue()
