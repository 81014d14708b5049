"""The coordinator's use cases beyond reporting itself: what an irreversible action will
affect (so it can be confirmed, then the people affected told), and the council digest the
coordinator controls (released early, response rate flagged, highlights picked).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from bot.domain.ports import CoordinationStore
from bot.domain.records import Answer, HistoryEntry, Person, Role, Round

LOW_RESPONSE = 0.5
"""Below this share of expected units reporting, the digest preview warns the coordinator."""

MAX_HIGHLIGHTS = 5
"""The digest quotes at most this many units' comments: politicians read a few, not 28."""


def response_rate(reported: int, expected: int) -> float:
    """Share of expected units that reported; 1.0 when nobody was expected."""
    return reported / expected if expected else 1.0


def is_low_response(reported: int, expected: int, threshold: float = LOW_RESPONSE) -> bool:
    return response_rate(reported, expected) < threshold


def pick_highlights(chosen: list[str], commented: dict[str, datetime],
                    limit: int = MAX_HIGHLIGHTS) -> list[str]:
    """The units whose comments lead the digest: the coordinator's choice (in the order
    chosen) among units that have comments, else the most recently commented."""
    picked = [unit for unit in chosen if unit in commented]
    if picked:
        return picked[:limit]
    return sorted(commented, key=lambda unit: (commented[unit], unit), reverse=True)[:limit]


class Highlight(StrEnum):
    """What a tap on a highlight button did."""

    CHOSEN = "chosen"
    DROPPED = "dropped"
    FULL = "full"  # already MAX_HIGHLIGHTS chosen: drop one first


def commented_units(answers: list[Answer]) -> dict[str, Answer]:
    """Each unit's latest non-empty comment: the candidates for the digest's highlights."""
    latest: dict[str, Answer] = {}
    for answer in answers:
        commented = answer.key.startswith("comment:") and isinstance(answer.value, str) \
            and answer.value.strip()
        if commented and (answer.unit_id not in latest
                          or answer.answered_at > latest[answer.unit_id].answered_at):
            latest[answer.unit_id] = answer
    return latest


@dataclass(frozen=True)
class Removal:
    """A role about to end: who, which role, for which unit ("" for the council)."""

    person: Person
    role: Role
    unit_id: str
    last_one: bool = False  # the unit's only contact: it will have nobody to report


class Coordination:
    """Use cases over `CoordinationStore`; handlers and jobs only translate."""

    def __init__(self, store: CoordinationStore, clock: Callable[[], datetime]) -> None:
        self.store = store
        self.clock = clock

    async def round(self, year: int) -> Round | None:
        return await self.store.round(year)

    async def close(self, year: int) -> list[tuple[str, Person]] | None:
        """Close the open round; the contacts who were mid-report (to be told), or None if
        there was no open round."""
        mid_report = await self.store.mid_report(year)
        if not await self.store.close_round(year, self.clock()):
            return None
        return mid_report

    async def reopen(self, year: int, deadline: date) -> tuple[Round, Round] | None:
        """Reopen the round, or move its deadline: (before, after), or None if no round."""
        before = await self.store.round(year)
        if before is None:
            return None
        await self.store.open_round(year, deadline, before.ladder, self.clock())
        after = await self.store.round(year)
        assert after is not None
        return before, after

    async def mid_report(self, year: int) -> list[tuple[str, Person]]:
        """Contacts with an unfinished report in the round: closing it cuts them off."""
        return await self.store.mid_report(year)

    async def removal(self, person_id: int, role: Role, unit_id: str) -> Removal | None:
        """The role as it stands now, or None if the person no longer holds it."""
        person = await self.store.person(person_id)
        if person is None:
            return None
        grants = await self.store.grants_of(person_id)
        if not any(g.role is role and g.unit_id == unit_id for g in grants):
            return None
        others = [p for u, p in await self.store.contacts() if u == unit_id and p.id != person_id]
        return Removal(person, role, unit_id, role is Role.CONTACT and not others)

    async def remove(self, removal: Removal) -> bool:
        return await self.store.revoke(removal.person.id, removal.role, removal.unit_id)

    async def digest_sent_at(self, year: int) -> datetime | None:
        return await self.store.sent_at(f"digest:{year}")

    async def postpone_digest(self, year: int, day: date) -> bool:
        return await self.store.set_digest_date(year, day)

    async def release_digest(self, year: int) -> None:
        await self.store.release_digest(year, self.clock())

    async def digest_released_at(self, year: int) -> datetime | None:
        return await self.store.digest_released_at(year)

    async def report_on_behalf(self, year: int, unit_id: str, person_id: int) -> None:
        await self.store.mark_on_behalf(year, unit_id, person_id, self.clock())

    async def on_behalf(self, year: int) -> set[tuple[str, int]]:
        return await self.store.on_behalf(year)

    async def history(self, year: int) -> list[HistoryEntry]:
        """Every change to the round's answers, for the coordinator's workbook."""
        return await self.store.answer_history(year)

    async def contacts_by_unit(self) -> dict[str, list[str]]:
        """unit → its contact persons' names, for the workbook's Units sheet."""
        names: dict[str, list[str]] = {}
        for unit_id, person in await self.store.contacts():
            names.setdefault(unit_id, []).append(person.name or str(person.telegram_id))
        return names

    async def highlights(self, year: int) -> list[str]:
        """The units the coordinator chose to lead the digest (empty: the most recent lead)."""
        return await self.store.highlights(year)

    async def highlight_candidates(self, year: int) -> list[str]:
        """Units with a comment in the round: what the coordinator can choose from."""
        return list(commented_units(await self.store.answers_of_years([year])))

    async def toggle_highlight(self, year: int, unit_id: str) -> Highlight:
        """Choose a unit's comment for the digest's highlights, or drop it if chosen; at most
        `MAX_HIGHLIGHTS`, kept in the database so a restart or the next tick keeps them."""
        chosen = await self.store.highlights(year)
        if unit_id in chosen:
            await self.store.remove_highlight(year, unit_id)
            return Highlight.DROPPED
        if len(chosen) >= MAX_HIGHLIGHTS:
            return Highlight.FULL
        await self.store.add_highlight(year, unit_id, self.clock())
        return Highlight.CHOSEN
