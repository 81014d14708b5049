"""The "Audit" sheet a coordinator's workbook gets: who did what, when.

Added to a finished workbook rather than built into `summary_workbook`, because only
coordinators see it: the council's copy of the same workbook has no such sheet.
"""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from bot.domain.records import AuditEntry
from bot.i18n import N_, Translator
from bot.reports.workbook import _bytes, _fit_columns, _local, _SheetNames, _table

ACTION_LABELS = {
    "invite": N_("Invitation created"),
    "remove_contact": N_("Contact person removed"),
    "remove_council": N_("Council member removed"),
    "round_open": N_("Round opened"),
    "round_close": N_("Round closed"),
    "deadline_change": N_("Deadline changed"),
    "reminder_ladder": N_("Reminder days changed"),
    "digest_date": N_("Digest date set"),
    "digest_sent": N_("Digest sent"),
    "erasure": N_("Personal data erased"),
    "restore": N_("Database restored from a backup"),
}


def with_audit_sheet(workbook: bytes, entries: Sequence[AuditEntry], tr: Translator,
                     tz: ZoneInfo) -> bytes:
    """`workbook` with an audit sheet appended; runs in a thread (it re-reads the file)."""
    _ = tr.gettext
    book = load_workbook(BytesIO(workbook))
    names = _SheetNames()
    for title in book.sheetnames:
        names(title)
    sheet = book.create_sheet(names(_("Audit")))

    def who(entry: AuditEntry) -> str:
        if entry.actor_id is None:
            return _("Kotobot itself")
        return entry.actor or _("an erased person (#{id})").format(id=entry.actor_id)

    rows = [[_local(entry.at, tz), who(entry),
             _(ACTION_LABELS[entry.action]) if entry.action in ACTION_LABELS else entry.action,
             entry.detail] for entry in entries]
    _table(sheet, 1, [_("Time"), _("Who"), _("Action"), _("Details")], rows)
    _fit_columns(sheet)
    return _bytes(book)
