"""JSON and CSV exports carry the catalogue's facts and read back to the same facts."""

from __future__ import annotations

import csv
import io
import json

import pytest

from bot.catalogue.index import CatalogueIndex
from bot.cli import main


def test_json_export_round_trips(index: CatalogueIndex, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalogue", "export", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["programme"]["id"] == index.programme.id
    assert [u["id"] for u in document["units"]] == list(index.units)
    assert [m["id"] for m in document["measures"]] == [e.id for e in index.entries]
    for record, entry in zip(document["measures"], index.entries, strict=True):
        measure = entry.measure
        assert record["theme"] == {"id": entry.theme.id, **entry.theme.title.model_dump()}
        assert record["goal"]["id"] == entry.goal.id and record["goal"]["sv"] == entry.goal.text.sv
        assert record["text"] == measure.text.model_dump()
        assert record["schedule"] == measure.schedule.model_dump()
        assert record["lead"]["id"] == measure.lead
        assert record["lead"]["fi"] == index.units[measure.lead].name.fi
        assert [p["id"] for p in record["partners"]] == measure.partners
        fields = [f for ref in measure.indicators for f in index.indicators[ref].fields]
        assert [i["id"] for i in record["indicators"]] == [f.id for f in fields]
        for item, field in zip(record["indicators"], fields, strict=True):
            assert item["kind"] == field.kind.value
            assert item["text"] == field.text.model_dump()
            assert item["target"] == (field.target.model_dump() if field.target else None)
            assert item["shared_with"] == index.shared_with(measure.id, item["indicator"])


def test_json_export_in_one_language(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalogue", "export", "--format", "json", "--lang", "sv"]) == 0
    measure = json.loads(capsys.readouterr().out)["measures"][0]
    assert set(measure["text"]) == {"sv"} and measure["theme"]["sv"] == "Arbete"


def test_csv_export_is_excel_friendly_and_round_trips(index: CatalogueIndex,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalogue", "export", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("\ufeff"), "a BOM makes Excel read UTF-8"
    rows = list(csv.DictReader(io.StringIO(out.removeprefix("\ufeff"))))
    assert len(rows) == len(index.entries)
    for row, entry in zip(rows, index.entries, strict=True):
        measure = entry.measure
        assert row["id"] == measure.id and row["theme"] == entry.theme.id
        assert row["measure_fi"] == measure.text.fi and row["measure_sv"] == measure.text.sv
        assert row["lead"] == measure.lead and row["lead_sv"] == index.units[measure.lead].name.sv
        assert row["partners"].split("; ") == (measure.partners or [""])
        assert row["continuous"] == ("yes" if measure.schedule.continuous else "no")
        assert row["schedule_start"] == ("" if measure.schedule.start is None else str(measure.schedule.start))


def test_show_prints_a_readable_tree(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalogue", "show", "--lang", "sv", "--theme", "housing"]) == 0
    out = capsys.readouterr().out
    assert "BOENDE" in out and "ARBETE" not in out
    assert "Tidtabell: fortlöpande" in out


def test_show_unknown_theme(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalogue", "show", "--theme", "space"]) == 2
    assert "unknown theme" in capsys.readouterr().err
