"""The "Units" sheet of the round's workbook: each expected unit with its contact persons,
when it submitted, whether late, and how many of its due measures are answered; who
reported for a unit on its behalf is said there too.

Added to a finished workbook (like the audit sheet) so `summary_workbook` stays one job.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from bot.catalogue.index import CatalogueIndex
from bot.domain.answers import status_key
from bot.domain.records import Submission
from bot.domain.summary import Summary
from bot.i18n import Translator
from bot.reports.workbook import (
    _bytes,
    _fit_columns,
    _local,
    _SheetNames,
    _table,
    _unit_name,
    _yes_no,
)


@dataclass(frozen=True)
class UnitRow:
    unit_id: str
    contacts: tuple[str, ...]
    submitted_at: datetime | None
    late: bool | None
    answered: int
    due: int
    on_behalf_by: tuple[str, ...] = ()


def unit_rows(summary: Summary, submissions: Mapping[str, Submission],
              contacts: Mapping[str, list[str]],
              on_behalf: Mapping[str, list[str]] | None = None) -> list[UnitRow]:
    """One row per unit expected to report, in the summary's order."""
    rows = []
    for unit_id in summary.expected_units:
        due = summary.due.get(unit_id, [])
        answered = sum((unit_id, status_key(item.id)) in summary.values for item in due)
        submission = submissions.get(unit_id)
        rows.append(UnitRow(unit_id, tuple(contacts.get(unit_id, [])),
                            submission.submitted_at if submission else None,
                            submission.late if submission else None, answered, len(due),
                            tuple((on_behalf or {}).get(unit_id, []))))
    return rows


def with_units_sheet(workbook: bytes, index: CatalogueIndex, rows: list[UnitRow],
                     tr: Translator, tz: ZoneInfo) -> bytes:
    """`workbook` with the Units sheet appended; runs in a thread (it re-reads the file)."""
    _ = tr.gettext
    book = load_workbook(BytesIO(workbook))
    names = _SheetNames()
    for title in book.sheetnames:
        names(title)
    sheet = book.create_sheet(names(_("Units")), index=1)
    table = [[_unit_name(index, row.unit_id, tr), ", ".join(row.contacts) or _("no contact person"),
              _local(row.submitted_at, tz) if row.submitted_at else None,
              _yes_no(row.late, tr),
              f"{row.answered}/{row.due}",
              ", ".join(_("{name} on behalf of the unit").format(name=name) for name in row.on_behalf_by)
              or None] for row in rows]
    _table(sheet, 1, [_("Unit"), _("Contact persons"), _("Submitted at"), _("Late"),
                      _("Measures answered"), _("Reported on behalf")], table)
    _fit_columns(sheet)
    return _bytes(book)
