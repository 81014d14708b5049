"""The people use cases: who is asking, invitations, roles, language, and what is stored
about a person (access and erasure). Handlers translate; the rules and the reads and writes
are here, over the `PeopleStore` port."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.domain.access import Viewer
from bot.domain.invitations import VALID_FOR, InvitationProblem, check_invitation, new_code
from bot.domain.ports import PeopleStore
from bot.domain.records import AuditEntry, Invitation, Person, Role

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class Redemption:
    """What opening an invitation link did: the invitation, or why it could not be used."""

    invitation: Invitation | None
    problem: InvitationProblem | None


class People:
    def __init__(self, store: PeopleStore, coordinators: frozenset[int], clock: Clock) -> None:
        self.store = store
        self.coordinators = coordinators
        self.clock = clock

    async def identify(self, telegram_id: int, name: str,
                       language: str | None) -> tuple[Viewer, bool]:
        """The person behind an update with every role they hold, and whether this is their
        first contact. Someone marked unreachable who writes again is reachable again."""
        known = await self.store.person_and_grants(telegram_id)  # one read for most updates
        first = known is None
        if known is None:
            person = await self.store.ensure_person(telegram_id, name, language, self.clock())
            grants = await self.store.grants_of(person.id)
        else:
            person, grants = known
            if not person.reachable:
                await self.store.set_reachable(person.id, True)
                person = await self.store.person_by_telegram(telegram_id) or person
        return Viewer.of(telegram_id, person, grants, self.coordinators), first

    async def language_of(self, telegram_id: int) -> str | None:
        person = await self.store.person_by_telegram(telegram_id)
        return person.language if person else None

    async def set_language(self, viewer: Viewer, language: str) -> None:
        assert viewer.person is not None
        await self.store.set_language(viewer.person.id, language)

    async def invite(self, by: Viewer, role: Role, unit_id: str) -> tuple[str, datetime]:
        """A new one-time invitation code and when it expires."""
        now = self.clock()
        code = new_code()
        await self.store.create_invitation(code, role, unit_id, by.telegram_id, now, now + VALID_FOR)
        return code, now + VALID_FOR

    async def redeem(self, viewer: Viewer, code: str) -> Redemption:
        """Use an invitation link: the role is granted atomically, or the problem is named."""
        assert viewer.person is not None
        invitation = await self.store.invitation(code[:64])
        problem = check_invitation(invitation, self.clock())
        if problem is None and invitation is not None and not await self.store.redeem_invitation(
                invitation.code, viewer.person.id, self.clock()):
            problem = InvitationProblem.USED
        return Redemption(invitation, problem)

    async def person(self, person_id: int) -> Person | None:
        return await self.store.person(person_id)

    async def contacts(self) -> list[tuple[str, Person]]:
        """Every (unit id, contact person), ordered by unit then name."""
        return await self.store.contacts()

    async def council(self) -> list[Person]:
        return await self.store.council_members()

    async def names(self) -> dict[int, str]:
        """person id → display name, for "answered by" columns."""
        return await self.store.people_names()

    async def remove_contact(self, person_id: int, unit_id: str) -> tuple[Person | None, bool]:
        """End a person's contact role for a unit: (the person, whether they had it)."""
        person = await self.store.person(person_id)
        removed = person is not None and await self.store.revoke(person.id, Role.CONTACT, unit_id)
        return person, removed

    async def personal_data(self, viewer: Viewer) -> dict[str, Any]:
        """Everything stored about the viewer (the right of access)."""
        assert viewer.person is not None
        return await self.store.personal_data(viewer.person.id)

    async def erase(self, person_id: int) -> list[str] | None:
        """Pseudonymise a person; their answers stay with the unit. Returns the units they
        were a contact for, or None if there was nobody left to erase."""
        return await self.store.erase(person_id, self.clock())

    async def audit(self, actor: Viewer | None, action: str, detail: str = "") -> None:
        """Record an administrative action (who, what, when)."""
        actor_id = actor.person.id if actor is not None and actor.person is not None else None
        await self.store.audit(self.clock(), actor_id, action, detail)

    async def audit_log(self, since: datetime | None = None) -> list[AuditEntry]:
        return await self.store.audit_entries(since)
