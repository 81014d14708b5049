"""The "History" sheet a coordinator's workbook gets: every change to an answer in the
round, with the old and the new value and who made it — "Hanna on behalf of Hr-yksikkö"
when a coordinator reported for a unit, "imported by … from …" for a workbook's rows.

Added to a finished workbook like the audit sheet: only coordinators see it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from io import BytesIO
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from bot.catalogue.index import CatalogueIndex
from bot.catalogue.models import IndicatorField
from bot.domain.answers import comment_key, field_key, status_key
from bot.domain.records import Answer, HistoryEntry
from bot.domain.summary import Summary
from bot.i18n import Translator
from bot.reports.template import answered_by
from bot.reports.workbook import (
    _bytes,
    _field_value,
    _fit_columns,
    _local,
    _SheetNames,
    _status_name,
    _table,
    _unit_name,
)


def with_history_sheet(workbook: bytes, index: CatalogueIndex, summary: Summary,
                       history: Sequence[HistoryEntry], people: Mapping[int, str],
                       on_behalf: Collection[tuple[str, int]], tr: Translator,
                       tz: ZoneInfo) -> bytes:
    """`workbook` with the history of the summary's answers (its theme or unit only, when
    narrowed) appended; runs in a thread (it re-reads the file)."""
    _ = tr.gettext
    asked: dict[tuple[str, str], tuple[str, IndicatorField | None]] = {}  # (unit, key) → measure, field
    for unit, items in summary.due.items():
        for item in items:
            asked[(unit, status_key(item.id))] = (item.id, None)
            asked[(unit, comment_key(item.id))] = (item.id, None)
            for ref in item.entry.measure.indicators:
                for field in index.indicators[ref].fields:
                    asked.setdefault((unit, field_key(field.id)), (item.id, field))

    def what(key: str, field: IndicatorField | None) -> str:
        if field is not None:
            return tr.text(field.question)
        return _("Status") if key.startswith("status:") else _("Comment")

    def shown(key: str, field: IndicatorField | None, value: Any) -> Any:
        if value is None:
            return None
        if field is not None:
            return _field_value(field.kind, value, tr)
        return _status_name(value, tr) if key.startswith("status:") else str(value)

    rows = []
    for entry in history:
        if (entry.unit_id, entry.key) not in asked:
            continue
        measure_id, asked_field = asked[(entry.unit_id, entry.key)]
        unit = _unit_name(index, entry.unit_id, tr)
        given = Answer(entry.year, entry.unit_id, entry.key, entry.new_value, entry.person_id,
                       entry.at, False, entry.source)
        rows.append([_local(entry.at, tz), unit, measure_id, what(entry.key, asked_field),
                     shown(entry.key, asked_field, entry.old_value),
                     shown(entry.key, asked_field, entry.new_value),
                     answered_by(given, people, tr, on_behalf, unit)
                     or _("a former contact of {unit}").format(unit=unit)])
    book = load_workbook(BytesIO(workbook))
    names = _SheetNames()
    for title in book.sheetnames:
        names(title)
    sheet = book.create_sheet(names(_("History")))
    _table(sheet, 1, [_("Time"), _("Unit"), _("Measure id"), _("Question"), _("Before"),
                      _("After"), _("Answered by")], rows)
    _fit_columns(sheet)
    return _bytes(book)
