"""Who may do what. Every handler asks this before it reads or writes anything."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.records import Grant, Person, Role


@dataclass(frozen=True)
class Viewer:
    """The person behind an update, with every role they hold."""

    telegram_id: int
    person: Person | None
    is_coordinator: bool
    units: frozenset[str]
    is_council: bool

    @classmethod
    def of(cls, telegram_id: int, person: Person | None, grants: list[Grant],
           coordinators: frozenset[int]) -> Viewer:
        return cls(
            telegram_id=telegram_id,
            person=person,
            is_coordinator=telegram_id in coordinators,
            units=frozenset(g.unit_id for g in grants if g.role is Role.CONTACT),
            is_council=any(g.role is Role.COUNCIL for g in grants),
        )

    @property
    def registered(self) -> bool:
        """Invited (a contact or council member) or a coordinator."""
        return self.is_coordinator or bool(self.units) or self.is_council

    def may_report(self, unit_id: str) -> bool:
        """A unit's own contacts answer for it; so may a coordinator, on behalf of a unit
        whose contact cannot use Telegram (recorded as such, see `Coordination`)."""
        return unit_id in self.units or self.is_coordinator

    @property
    def may_read_summaries(self) -> bool:
        return self.is_coordinator or self.is_council

    @property
    def language(self) -> str | None:
        return self.person.language if self.person else None
