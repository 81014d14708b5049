"""The core's records: what storage returns and the use cases work with. They live in the
domain (not in storage) so that the core depends on nothing below it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any


class DeliveryState(StrEnum):
    """Where one message the bot sent on its own initiative stands (see `outreach`)."""

    CLAIMED = "claimed"  # recorded before the send; a claim of an earlier run is resent
    SENT = "sent"  # Telegram accepted it
    BLOCKED = "blocked"  # the person has blocked the bot: not retried until they write again
    UNKNOWN = "unknown"  # timed out: it may have arrived, so it is never sent again on its own


class Role(StrEnum):
    CONTACT = "contact"
    COUNCIL = "council"


@dataclass(frozen=True)
class Person:
    id: int
    telegram_id: int
    name: str
    language: str | None
    reachable: bool
    privacy_warned: bool


@dataclass(frozen=True)
class Grant:
    """A role held by a person; `unit_id` is set for unit contacts, empty for the council."""

    person_id: int
    role: Role
    unit_id: str


@dataclass(frozen=True)
class Invitation:
    code: str
    role: Role
    unit_id: str
    created_by: int  # the coordinator's Telegram id
    created_at: datetime
    expires_at: datetime
    used_by: int | None
    used_at: datetime | None


@dataclass(frozen=True)
class Round:
    year: int
    deadline: date
    ladder: tuple[int, ...]
    digest_on: date | None
    opened_at: datetime
    closed_at: datetime | None
    imported: bool = False  # a past year created closed to bring in answers from workbooks

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


@dataclass(frozen=True, slots=True)
class Answer:
    """One stored answer. Slotted: summaries, the digest and the workbook decode whole
    rounds (tens of thousands of answers at 5,000 units), and every instance is an object
    the cyclic garbage collector tracks while the round is alive; slots make that one object
    per answer instead of two (the instance and its `__dict__`)."""

    year: int
    unit_id: str
    key: str
    value: Any
    person_id: int
    answered_at: datetime
    late: bool
    source: str | None = None  # the workbook's file name when imported by the coordinator


@dataclass(frozen=True)
class HistoryEntry:
    year: int
    unit_id: str
    key: str
    old_value: Any
    new_value: Any
    person_id: int
    at: datetime
    source: str | None = None  # the workbook's file name when imported by the coordinator


@dataclass(frozen=True)
class Submission:
    year: int
    unit_id: str
    person_id: int
    submitted_at: datetime
    late: bool


@dataclass(frozen=True)
class Session:
    """Where a person is in the guided report: resumable after any restart."""

    person_id: int
    year: int
    unit_id: str
    step_key: str
    message_id: int | None = None  # the chat message showing the step
    linear: bool = False  # going through every step again, not only the unanswered ones
    pending_key: str | None = None
    """The step about to be shown: set with the answer before the next question is sent and
    cleared when Telegram accepts it. While set, nobody knows which question is on screen
    (a crash or a failed send fell in between), so typed text is not taken as an answer."""
    draft: str | None = None  # typed text offered back as an answer, kept until settled
    returning: bool = False  # the next answer goes back to the review (fixing one answer)
    paused: int = 0
    """0: typed text answers the step on screen; 1: another command came between, so typed
    text is offered back ("Save as the answer to …?"); 2: stopped with /cancel."""


@dataclass(frozen=True)
class ImportedAnswer:
    unit_id: str
    key: str
    value: Any
    answered_at: datetime
    late: bool


@dataclass(frozen=True)
class PendingImport:
    id: int
    person_id: int
    year: int
    file_name: str
    payload: dict[str, Any]
    created_at: datetime


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    actor_id: int | None  # None: the bot itself (retention, the digest job)
    actor: str  # the actor's display name now ("" once erased or for the bot)
    action: str
    detail: str


@dataclass(frozen=True)
class SummaryFacts:
    """What `summarise` reads of one round, and nothing else: values as JSON-decoded
    Python values keyed by (unit, answer key). Built from a whole `RoundData` (every answer)
    or read directly by storage (statuses and numbers only, for the /summary text)."""

    year: int
    values: Mapping[tuple[str, str], Any]  # this round's (at least its statuses and numbers)
    previous: Mapping[tuple[str, str], Any]  # the round before's (at least statuses done, numbers)
    answered_units: frozenset[str]  # units with any answer in this round
    has_previous: bool  # the round before has any answer at all
    earlier_statuses: Mapping[str, Mapping[str, str]]  # unit → measure → last status before
    # (at least every "done" of a measure whose schedule has ended: only those are carried over)
    submissions: Mapping[str, bool]  # unit → submitted late


@dataclass(frozen=True)
class RequestedReminder:
    """A reminder round someone asked for, written down while it runs: `step_key` is its
    delivery key (one a day), `also` the ladder keys it claims too, `token` tells it from a
    later request of the same day."""

    year: int
    step_key: str
    kind: str
    also: tuple[str, ...]
    token: str
    started_at: datetime
