"""Rules for personal data, with no Telegram and no SQL: how long data is kept, and the names
of the administrative actions the audit log records.

Why these periods: someone who writes to the bot without an invitation never becomes part of
the follow-up, so a month is enough to answer their questions; a removed contact's name may
still be needed for a year of questions about "who reported this", after which their answers
stay with the unit under a pseudonym.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

STRANGER_RETENTION = timedelta(days=30)
"""People who never got a role are deleted this long after they first wrote."""


class Action(StrEnum):
    """What the audit log records (the digest's deliveries come from their own records)."""

    INVITE = "invite"
    REMOVE_CONTACT = "remove_contact"
    REMOVE_COUNCIL = "remove_council"
    ROUND_OPEN = "round_open"
    ROUND_CLOSE = "round_close"
    DEADLINE_CHANGE = "deadline_change"
    REMINDER_LADDER = "reminder_ladder"
    DIGEST_DATE = "digest_date"
    ERASURE = "erasure"
    RESTORE = "restore"


@dataclass(frozen=True)
class RetentionCutoffs:
    strangers_created_before: datetime
    contacts_ended_before: datetime


def cutoffs(now: datetime, retention_days: int) -> RetentionCutoffs:
    """Who is due for deletion or pseudonymisation at `now`."""
    return RetentionCutoffs(now - STRANGER_RETENTION, now - timedelta(days=retention_days))


def person_ref(person_id: int) -> str:
    """How the audit log names a person: by row id, which outlives their erasure."""
    return f"person #{person_id}"


def round_opened(year: int, before: date | None, after: date) -> tuple[Action, str]:
    """Re-opening a round with another deadline is how a deadline changes: log it as such."""
    if before is not None and before != after:
        return Action.DEADLINE_CHANGE, f"round {year}: {before.isoformat()} -> {after.isoformat()}"
    return Action.ROUND_OPEN, f"round {year}, deadline {after.isoformat()}"
