"""Who may do what: roles come from grants and the configured coordinator ids."""

from __future__ import annotations

import pytest

from bot.domain.access import Viewer
from bot.domain.records import Grant, Person, Role

COORDINATOR, CONTACT, MEMBER, STRANGER = 100, 200, 300, 400
COORDINATORS = frozenset({COORDINATOR})


def person(person_id: int, telegram_id: int, language: str | None = "fi") -> Person:
    return Person(person_id, telegram_id, f"Person {person_id}", language, True, False)


def contact(person_id: int, unit_id: str) -> Grant:
    return Grant(person_id, Role.CONTACT, unit_id)


def council(person_id: int) -> Grant:
    return Grant(person_id, Role.COUNCIL, "")


def test_a_coordinator_comes_from_the_configured_ids() -> None:
    viewer = Viewer.of(COORDINATOR, None, [], COORDINATORS)
    assert viewer.is_coordinator
    assert not viewer.units and not viewer.is_council


def test_a_grant_does_not_make_anyone_a_coordinator() -> None:
    viewer = Viewer.of(CONTACT, person(2, CONTACT), [contact(2, "hr-unit"), council(2)], COORDINATORS)
    assert not viewer.is_coordinator


def test_contact_grants_give_the_units() -> None:
    grants = [contact(2, "hr-unit"), contact(2, "welcome-office")]
    viewer = Viewer.of(CONTACT, person(2, CONTACT), grants, COORDINATORS)
    assert viewer.units == frozenset({"hr-unit", "welcome-office"})
    assert not viewer.is_council


def test_a_council_grant_makes_a_council_member_without_units() -> None:
    viewer = Viewer.of(MEMBER, person(3, MEMBER), [council(3)], COORDINATORS)
    assert viewer.is_council
    assert viewer.units == frozenset()


def test_roles_combine() -> None:
    viewer = Viewer.of(COORDINATOR, person(1, COORDINATOR), [contact(1, "hr-unit"), council(1)],
                       COORDINATORS)
    assert viewer.is_coordinator and viewer.is_council and viewer.units == {"hr-unit"}


# reporting -----------------------------------------------------------------------------

def test_a_contact_may_report_only_their_own_units() -> None:
    viewer = Viewer.of(CONTACT, person(2, CONTACT), [contact(2, "hr-unit")], COORDINATORS)
    assert viewer.may_report("hr-unit")
    assert not viewer.may_report("welcome-office")


def test_a_coordinator_may_report_on_a_units_behalf() -> None:
    """Issue 13: a unit whose contact cannot use Telegram still reports, via the coordinator."""
    viewer = Viewer.of(COORDINATOR, person(1, COORDINATOR), [], COORDINATORS)
    assert viewer.may_report("hr-unit")


def test_a_council_member_may_not_report() -> None:
    viewer = Viewer.of(MEMBER, person(3, MEMBER), [council(3)], COORDINATORS)
    assert not viewer.may_report("hr-unit")
    assert not viewer.may_report("")


# registration and reading --------------------------------------------------------------

@pytest.mark.parametrize("telegram_id, grants, registered", [
    (COORDINATOR, [], True),
    (CONTACT, [contact(2, "hr-unit")], True),
    (MEMBER, [council(3)], True),
    (STRANGER, [], False),
])
def test_registered_means_invited_or_coordinator(telegram_id, grants, registered) -> None:
    assert Viewer.of(telegram_id, None, grants, COORDINATORS).registered is registered


@pytest.mark.parametrize("telegram_id, grants, may_read", [
    (COORDINATOR, [], True),
    (MEMBER, [council(3)], True),
    (CONTACT, [contact(2, "hr-unit")], False),
    (STRANGER, [], False),
])
def test_summaries_are_for_coordinators_and_the_council(telegram_id, grants, may_read) -> None:
    assert Viewer.of(telegram_id, None, grants, COORDINATORS).may_read_summaries is may_read


def test_language_comes_from_the_person() -> None:
    assert Viewer.of(CONTACT, person(2, CONTACT, "sv"), [], COORDINATORS).language == "sv"
    assert Viewer.of(CONTACT, person(2, CONTACT, None), [], COORDINATORS).language is None
    assert Viewer.of(STRANGER, None, [], COORDINATORS).language is None
