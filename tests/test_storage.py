"""The storage layer on a real SQLite file: schema, people, invitations, rounds, answers,
sessions and the exactly-once bookkeeping of sent messages."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.domain.records import DeliveryState, Role
from bot.storage import Storage
from bot.storage.context import Receipt, current_update
from bot.storage.schema import MIGRATIONS

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
LATER = NOW + timedelta(hours=1)
UNIT, OTHER_UNIT = "hr-unit", "welcome-office"
COORDINATOR_TG = 1


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "k.sqlite3"


@pytest.fixture
async def storage(db_path: Path) -> AsyncIterator[Storage]:
    storage = await Storage.open(db_path)
    try:
        yield storage
    finally:
        await storage.close()


@pytest.fixture
async def alice_id(storage: Storage) -> int:
    return (await storage.ensure_person(1001, "Alice", "fi", NOW)).id


@pytest.fixture
async def bob_id(storage: Storage) -> int:
    return (await storage.ensure_person(1002, "Bob", "sv", NOW)).id


async def open_round(storage: Storage, year: int = 2026) -> None:
    await storage.open_round(year, date(year + 1, 1, 31), (14, 3, -7), NOW)


# schema ------------------------------------------------------------------------------

async def test_a_new_database_is_at_the_latest_schema_version(storage: Storage) -> None:
    assert await storage.schema_version() == len(MIGRATIONS)


async def test_reopening_does_not_migrate_again(db_path: Path) -> None:
    first = await Storage.open(db_path)
    try:
        await first.ensure_person(1001, "Alice", None, NOW)
    finally:
        await first.close()
    second = await Storage.open(db_path)  # re-running migration 1 would fail: tables exist
    try:
        assert await second.schema_version() == len(MIGRATIONS)
        assert (await second.person_by_telegram(1001)) is not None
    finally:
        await second.close()


async def test_the_file_is_in_wal_mode(storage: Storage, db_path: Path) -> None:
    with sqlite3.connect(db_path) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


# people and roles --------------------------------------------------------------------

async def test_ensure_person_creates_with_defaults(storage: Storage) -> None:
    person = await storage.ensure_person(1001, "Alice", "fi", NOW)
    assert (person.telegram_id, person.name, person.language) == (1001, "Alice", "fi")
    assert person.reachable and not person.privacy_warned
    assert await storage.person(person.id) == person


async def test_ensure_person_is_idempotent_and_refreshes_the_name(storage: Storage) -> None:
    first = await storage.ensure_person(1001, "Alice", "fi", NOW)
    again = await storage.ensure_person(1001, "Alice B.", "en", LATER)
    assert again.id == first.id
    assert again.name == "Alice B."
    assert again.language == "fi"  # a chosen language is not overwritten by a later contact


async def test_unknown_people_are_none(storage: Storage) -> None:
    assert await storage.person_by_telegram(404) is None
    assert await storage.person(404) is None


async def test_grants_and_revoke(storage: Storage, alice_id: int) -> None:
    await storage.grant(alice_id, Role.CONTACT, UNIT, NOW)
    await storage.grant(alice_id, Role.CONTACT, UNIT, NOW)  # a repeat is ignored
    await storage.grant(alice_id, Role.COUNCIL, "", NOW)
    grants = await storage.grants_of(alice_id)
    assert [(g.role, g.unit_id) for g in grants] == [(Role.CONTACT, UNIT), (Role.COUNCIL, "")]
    assert await storage.revoke(alice_id, Role.CONTACT, UNIT) is True
    assert await storage.revoke(alice_id, Role.CONTACT, UNIT) is False
    assert [(g.role, g.unit_id) for g in await storage.grants_of(alice_id)] == [(Role.COUNCIL, "")]


async def test_contacts_and_council_members(storage: Storage, alice_id: int, bob_id: int) -> None:
    await storage.grant(bob_id, Role.CONTACT, UNIT, NOW)
    await storage.grant(alice_id, Role.CONTACT, UNIT, NOW)
    await storage.grant(alice_id, Role.COUNCIL, "", NOW)
    assert [(u, p.name) for u, p in await storage.contacts()] == [(UNIT, "Alice"), (UNIT, "Bob")]
    assert [p.name for p in await storage.council_members()] == ["Alice"]


async def test_set_reachable_is_true_only_when_it_changes(storage: Storage, alice_id: int) -> None:
    assert await storage.set_reachable(alice_id, True) is False  # already reachable
    assert await storage.set_reachable(alice_id, False) is True
    assert await storage.set_reachable(alice_id, False) is False
    assert (await storage.person(alice_id)).reachable is False
    assert await storage.set_reachable(alice_id, True) is True


# invitations ---------------------------------------------------------------------------

async def test_an_invitation_is_stored_as_created(storage: Storage) -> None:
    await storage.create_invitation("code1", Role.CONTACT, UNIT, COORDINATOR_TG, NOW,
                                    NOW + timedelta(days=14))
    invitation = await storage.invitation("code1")
    assert invitation is not None
    assert (invitation.role, invitation.unit_id, invitation.created_by) == (Role.CONTACT, UNIT, 1)
    assert invitation.expires_at == NOW + timedelta(days=14)
    assert invitation.used_by is None and invitation.used_at is None
    assert await storage.invitation("nope") is None


async def test_an_invitation_redeems_once_and_grants_its_role(storage, alice_id, bob_id) -> None:
    await storage.create_invitation("code1", Role.CONTACT, UNIT, COORDINATOR_TG, NOW,
                                    NOW + timedelta(days=14))
    assert await storage.redeem_invitation("code1", alice_id, LATER) is True
    assert await storage.redeem_invitation("code1", bob_id, LATER) is False
    assert await storage.redeem_invitation("code1", alice_id, LATER) is False
    assert [(g.role, g.unit_id) for g in await storage.grants_of(alice_id)] == [(Role.CONTACT, UNIT)]
    assert await storage.grants_of(bob_id) == []
    used = await storage.invitation("code1")
    assert used.used_by == alice_id and used.used_at == LATER


async def test_a_council_invitation_grants_the_council_role(storage, alice_id) -> None:
    await storage.create_invitation("c", Role.COUNCIL, "", COORDINATOR_TG, NOW, NOW + timedelta(days=1))
    assert await storage.redeem_invitation("c", alice_id, NOW) is True
    assert [(g.role, g.unit_id) for g in await storage.grants_of(alice_id)] == [(Role.COUNCIL, "")]


@pytest.mark.parametrize("expires_in", [timedelta(0), -timedelta(seconds=1), -timedelta(days=3)])
async def test_an_expired_invitation_is_not_redeemed(storage, alice_id, expires_in) -> None:
    await storage.create_invitation("old", Role.CONTACT, UNIT, COORDINATOR_TG,
                                    NOW - timedelta(days=14), NOW + expires_in)
    assert await storage.redeem_invitation("old", alice_id, NOW) is False
    assert await storage.grants_of(alice_id) == []
    assert (await storage.invitation("old")).used_by is None


async def test_an_unknown_code_is_not_redeemed(storage, alice_id) -> None:
    assert await storage.redeem_invitation("missing", alice_id, NOW) is False


# rounds --------------------------------------------------------------------------------

async def test_open_close_and_reopen_a_round(storage: Storage) -> None:
    assert await storage.open_round(2026, date(2027, 1, 31), (14, 3), NOW) is True
    round_ = await storage.round(2026)
    assert round_.is_open and round_.deadline == date(2027, 1, 31) and round_.ladder == (14, 3)
    assert round_.opened_at == NOW and round_.digest_on is None

    assert await storage.close_round(2026, LATER) is True
    assert await storage.close_round(2026, LATER) is False  # already closed
    closed = await storage.round(2026)
    assert not closed.is_open and closed.closed_at == LATER

    assert await storage.open_round(2026, date(2027, 2, 15), (7,), LATER) is False  # not new
    reopened = await storage.round(2026)
    assert reopened.is_open
    assert reopened.deadline == date(2027, 2, 15)
    assert reopened.opened_at == NOW


async def test_reopening_keeps_a_customised_ladder(storage: Storage) -> None:
    await open_round(storage)
    assert await storage.set_ladder(2026, (30, 0, -5)) is True
    await storage.open_round(2026, date(2027, 1, 31), (14, 3), LATER)
    assert (await storage.round(2026)).ladder == (30, 0, -5)


async def test_set_ladder_and_digest_date(storage: Storage) -> None:
    await open_round(storage)
    assert await storage.set_ladder(2026, ()) is True
    assert await storage.set_digest_date(2026, date(2027, 2, 10)) is True
    round_ = await storage.round(2026)
    assert round_.ladder == () and round_.digest_on == date(2027, 2, 10)


async def test_changing_a_missing_round_reports_false(storage: Storage) -> None:
    assert await storage.round(2030) is None
    assert await storage.set_ladder(2030, (1,)) is False
    assert await storage.set_digest_date(2030, date(2031, 1, 1)) is False
    assert await storage.close_round(2030, NOW) is False


async def test_rounds_are_listed_by_year(storage: Storage) -> None:
    await open_round(storage, 2025)
    await open_round(storage, 2023)
    assert [r.year for r in await storage.rounds()] == [2023, 2025]


# answers -------------------------------------------------------------------------------

async def test_save_answer_stores_the_value_and_its_history(storage, alice_id, bob_id) -> None:
    await open_round(storage)
    key = "field:x"
    assert await storage.save_answer(2026, UNIT, key, 12, alice_id, NOW, False) is True
    assert await storage.save_answer(2026, UNIT, key, 12.5, bob_id, LATER, True) is True
    answer = (await storage.answers(2026, UNIT))[key]
    assert (answer.value, answer.person_id, answer.answered_at, answer.late) == (12.5, bob_id, LATER, True)
    history = await storage.history(2026, UNIT)
    assert [(h.key, h.old_value, h.new_value, h.person_id, h.at) for h in history] == [
        (key, None, 12, alice_id, NOW),
        (key, 12, 12.5, bob_id, LATER),
    ]


async def test_an_unchanged_answer_is_not_saved_again(storage, alice_id, bob_id) -> None:
    await open_round(storage)
    await storage.save_answer(2026, UNIT, "status:m", "done", alice_id, NOW, False)
    assert await storage.save_answer(2026, UNIT, "status:m", "done", bob_id, LATER, True) is False
    answer = (await storage.answers(2026, UNIT))["status:m"]
    assert (answer.person_id, answer.answered_at, answer.late) == (alice_id, NOW, False)
    assert len(await storage.history(2026, UNIT)) == 1


@pytest.mark.parametrize("value", ["Hyvä ja ällö – ok", "", 0, 3.25, True, None, ["a", 1]])
async def test_answer_values_round_trip_through_json(storage, alice_id, value) -> None:
    await open_round(storage)
    await storage.save_answer(2026, UNIT, "comment:m", value, alice_id, NOW, False)
    assert (await storage.answers(2026, UNIT))["comment:m"].value == value


async def test_answers_are_kept_per_unit_and_year(storage, alice_id) -> None:
    await open_round(storage, 2025)
    await open_round(storage, 2026)
    await storage.save_answer(2025, UNIT, "status:m", "in_progress", alice_id, NOW, False)
    await storage.save_answer(2026, UNIT, "status:m", "done", alice_id, NOW, False)
    await storage.save_answer(2026, OTHER_UNIT, "status:m", "not_started", alice_id, NOW, False)
    assert {k: a.value for k, a in (await storage.answers(2026, UNIT)).items()} == {"status:m": "done"}
    assert {(a.year, a.unit_id) for a in await storage.answers_of_years([2025, 2026])} == {
        (2025, UNIT), (2026, UNIT), (2026, OTHER_UNIT)}
    assert await storage.answers_of_years([]) == []


async def test_an_answer_needs_an_existing_round(storage, alice_id) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        await storage.save_answer(2031, UNIT, "status:m", "done", alice_id, NOW, False)
    assert await storage.history(2031, UNIT) == []  # the history row was rolled back too


async def test_answers_survive_closing_and_reopening_the_database(db_path: Path) -> None:
    storage = await Storage.open(db_path)
    try:
        person = await storage.ensure_person(1001, "Alice", "fi", NOW)
        await open_round(storage)
        await storage.save_answer(2026, UNIT, "field:x", 42, person.id, NOW, False)
    finally:
        await storage.close()
    reopened = await Storage.open(db_path)
    try:
        answer = (await reopened.answers(2026, UNIT))["field:x"]
        assert (answer.value, answer.person_id, answer.answered_at) == (42, person.id, NOW)
        assert len(await reopened.history(2026, UNIT)) == 1
    finally:
        await reopened.close()


async def test_earlier_answers_give_the_most_recent_earlier_year(storage, alice_id) -> None:
    for year in (2023, 2024, 2025, 2026):
        await open_round(storage, year)
    await storage.save_answer(2025, UNIT, "status:a", "in_progress", alice_id, NOW, False)
    await storage.save_answer(2023, UNIT, "status:a", "not_started", alice_id, NOW, False)
    await storage.save_answer(2024, UNIT, "status:b", "done", alice_id, NOW, False)
    await storage.save_answer(2026, UNIT, "status:b", "in_progress", alice_id, NOW, False)
    await storage.save_answer(2025, OTHER_UNIT, "status:c", "done", alice_id, NOW, False)
    earlier = await storage.earlier_answers(UNIT, 2026, ["status:a", "status:b", "status:c"])
    assert {k: (a.year, a.value) for k, a in earlier.items()} == {
        "status:a": (2025, "in_progress"),
        "status:b": (2024, "done"),  # the 2026 answer is not earlier than 2026
    }
    assert await storage.earlier_answers(UNIT, 2026, []) == {}
    assert await storage.earlier_answers(UNIT, 2023, ["status:a"]) == {}


# submissions ---------------------------------------------------------------------------

async def test_a_unit_submits_once(storage, alice_id, bob_id) -> None:
    await open_round(storage)
    assert await storage.submit(2026, UNIT, alice_id, NOW, False) is True
    assert await storage.submit(2026, UNIT, bob_id, LATER, True) is False
    submission = (await storage.submissions(2026))[UNIT]
    assert (submission.person_id, submission.submitted_at, submission.late) == (alice_id, NOW, False)
    assert await storage.submissions(2025) == {}


# sessions --------------------------------------------------------------------------------

async def test_a_position_moves_only_once_the_question_is_shown(storage, alice_id) -> None:
    assert await storage.session(alice_id) is None
    await storage.show_pending(alice_id, 2026, UNIT, "status:a", NOW, False)
    pending = await storage.session(alice_id)
    assert pending.pending_key == "status:a" and pending.message_id is None
    await storage.shown(alice_id, 2026, UNIT, "status:a", 41, NOW, False)
    await storage.show_pending(alice_id, 2026, OTHER_UNIT, "field:x", LATER, False)
    session = await storage.session(alice_id)
    assert (session.step_key, session.message_id, session.pending_key) == ("status:a", 41, "field:x")
    await storage.shown(alice_id, 2026, OTHER_UNIT, "field:x", 42, LATER, True)
    session = await storage.session(alice_id)
    assert (session.person_id, session.year, session.unit_id, session.step_key, session.message_id,
            session.linear, session.pending_key) == (
        alice_id, 2026, OTHER_UNIT, "field:x", 42, True, None)
    await storage.clear_session(alice_id)
    assert await storage.session(alice_id) is None
    await storage.clear_session(alice_id)  # clearing nothing is fine


async def test_an_answer_and_the_next_position_are_one_write(storage, alice_id) -> None:
    await open_round(storage)
    await storage.shown(alice_id, 2026, UNIT, "status:a", 41, NOW, False)
    await storage.record_answer(2026, UNIT, "status:a", "done", alice_id, NOW, False, "field:x")
    assert (await storage.session(alice_id)).pending_key == "field:x"
    assert (await storage.answers(2026, UNIT))["status:a"].value == "done"
    await storage.record_answer(2026, UNIT, "field:x", 3, alice_id, NOW, False, None)
    assert await storage.session(alice_id) is None  # the review comes next: no step on screen


async def test_a_step_that_cannot_be_stored_moves_nothing(storage, alice_id) -> None:
    await open_round(storage)
    await storage.shown(alice_id, 2026, UNIT, "status:a", 41, NOW, False)
    receipt = Receipt(7, lambda: '{"update_id": 7}')
    token = current_update.set(receipt)
    try:
        with pytest.raises(sqlite3.IntegrityError):  # no round 2031: the answer cannot be kept
            await storage.record_answer(2031, UNIT, "status:a", "done", alice_id, NOW, False,
                                        "field:x")
    finally:
        current_update.reset(token)
    session = await storage.session(alice_id)
    assert (session.step_key, session.pending_key) == ("status:a", None)
    assert await storage.history(2031, UNIT) == []
    assert (receipt.stored, receipt.applied) == (False, False)
    assert await storage.unfinished_updates() == []  # the update was not written down either


async def test_an_unchanged_answer_still_writes_its_update_down_as_applied(storage,
                                                                           alice_id) -> None:
    """Pressing the same answer again moves the report on: a replay must not apply the
    press to the next step, though no history row is added."""
    await open_round(storage)
    await storage.save_answer(2026, UNIT, "status:a", "done", alice_id, NOW, False)
    token = current_update.set(Receipt(9, lambda: '{"update_id": 9}'))
    try:
        await storage.record_answer(2026, UNIT, "status:a", "done", alice_id, LATER, True,
                                    "field:x")
    finally:
        current_update.reset(token)
    assert [(u, applied) for u, _, applied in await storage.unfinished_updates()] == [(9, True)]
    assert len(await storage.history(2026, UNIT)) == 1
    assert (await storage.answers(2026, UNIT))["status:a"].late is False


async def test_the_next_question_shown_finishes_the_update_that_answered(storage,
                                                                         alice_id) -> None:
    """A replay of an update whose answer is stored and whose next question is on screen
    would only show that question again: the shown mark marks it done."""
    await open_round(storage)
    answering, asking = Receipt(7, lambda: '{"update_id": 7}'), Receipt(8, lambda: "{}")
    token = current_update.set(answering)
    try:
        await storage.record_answer(2026, UNIT, "status:a", "done", alice_id, NOW, False,
                                    "field:x")
        assert [u for u, _, applied in await storage.unfinished_updates() if applied] == [7]
        await storage.shown(alice_id, 2026, UNIT, "field:x", 42, LATER, False)
    finally:
        current_update.reset(token)
    token = current_update.set(asking)  # an update that answered nothing: not marked
    try:
        await storage.shown(alice_id, 2026, UNIT, "field:x", 43, LATER, False)
    finally:
        current_update.reset(token)
    assert (answering.done, asking.done) == (True, False)
    assert await storage.unfinished_updates() == []
    assert (await storage.session(alice_id)).message_id == 43


async def test_answers_that_no_longer_apply_go_with_the_step(storage, alice_id) -> None:
    await open_round(storage)
    await storage.save_answer(2026, UNIT, "field:x", 3, alice_id, NOW, False)
    await storage.save_answer(2026, UNIT, "field:y", 4, alice_id, NOW, False)
    await storage.record_answer(2026, UNIT, "status:a", "not_started", alice_id, LATER, False,
                                None, clear=["field:y", "field:never-given", "field:x"])
    assert set(await storage.answers(2026, UNIT)) == {"status:a"}
    assert [(e.key, e.old_value, e.new_value) for e in await storage.history(2026, UNIT)] == [
        ("field:x", None, 3), ("field:y", None, 4), ("field:y", 4, None), ("field:x", 3, None),
        ("status:a", None, "not_started")]  # cleared in the order given (the steps' order)


# the delivery ledger -----------------------------------------------------------------------

async def test_a_delivery_is_claimed_exactly_once(storage) -> None:
    assert await storage.claim_delivery("reminder:2026:u:14", 1001, NOW, "boot-1") is True
    assert await storage.claim_delivery("reminder:2026:u:14", 1001, LATER, "boot-1") is False
    assert await storage.claim_delivery("reminder:2026:u:3", 1001, NOW, "boot-1") is True
    assert await storage.claim_delivery("reminder:2026:u:14", 1002, NOW, "boot-1") is True
    assert [(k, c) for k, c, _ in await storage.deliveries("reminder:")] == [
        ("reminder:2026:u:14", 1001), ("reminder:2026:u:14", 1002), ("reminder:2026:u:3", 1001)]


async def test_a_claim_left_by_a_crashed_run_is_taken_over_once(storage) -> None:
    await storage.claim_delivery("digest:2026", 1001, NOW, "crashed")
    assert await storage.claim_delivery("digest:2026", 1001, LATER, "restarted") is True
    assert await storage.claim_delivery("digest:2026", 1001, LATER, "restarted") is False


async def test_settled_deliveries_are_never_claimed_again(storage) -> None:
    for state in (DeliveryState.SENT, DeliveryState.BLOCKED, DeliveryState.UNKNOWN):
        key = f"note:{state}"
        await storage.claim_delivery(key, 1001, NOW, "a")
        await storage.settle_delivery(key, 1001, state, NOW)
        await storage.release_delivery(key, 1001)  # only an unsettled claim can be released
        assert await storage.claim_delivery(key, 1001, LATER, "b") is False
        assert (await storage.delivery_states(key)) == {1001: state}


async def test_a_released_claim_is_sent_again(storage) -> None:
    await storage.claim_delivery("reminder:2026:u:14", 1001, NOW, "a")
    await storage.release_delivery("reminder:2026:u:14", 1001)
    assert await storage.deliveries() == []
    assert await storage.claim_delivery("reminder:2026:u:14", 1001, LATER, "a") is True


async def test_delivered_since_counts_sent_and_unknown_but_not_blocked(storage) -> None:
    await storage.claim_delivery("reminder:2026:u:14", 1001, NOW, "a")
    await storage.settle_delivery("reminder:2026:u:14", 1001, DeliveryState.BLOCKED, NOW)
    assert not await storage.delivered_since("reminder:2026:u:", 1001, NOW, [])
    await storage.claim_delivery("reminder:2026:u:7", 1001, NOW, "a")
    await storage.settle_delivery("reminder:2026:u:7", 1001, DeliveryState.UNKNOWN, NOW)
    assert await storage.delivered_since("reminder:2026:u:", 1001, NOW, [])
    assert not await storage.delivered_since("reminder:2026:u:", 1001, NOW, ["reminder:2026:u:7"])
    assert not await storage.delivered_since("reminder:2026:u:", 1001, LATER, [])
    assert not await storage.delivered_since("reminder:2026:v:", 1001, NOW, [])


async def test_claims_survive_reopening(db_path: Path) -> None:
    storage = await Storage.open(db_path)
    try:
        await storage.claim_delivery("digest:2026", 1001, NOW, "a")
        await storage.settle_delivery("digest:2026", 1001, DeliveryState.SENT, NOW)
    finally:
        await storage.close()
    reopened = await Storage.open(db_path)
    try:
        assert await reopened.claim_delivery("digest:2026", 1001, LATER, "b") is False
    finally:
        await reopened.close()


async def test_writes_made_at_once_share_commits_yet_each_is_durable_and_answered_alone(
        storage: Storage, db_path: Path) -> None:
    """A fan-out's senders claim and settle at the same moment: the claims are grouped into
    shared commits, every caller still gets its own answer (one claim per key and chat wins,
    even among 20 racing), a failing write fails only for its caller, and each write is on
    disk (another connection sees it) once its call returns."""
    racing = await asyncio.gather(*(storage.claim_delivery("k:race", 7, NOW, "b") for _ in range(20)))
    assert sorted(racing) == [False] * 19 + [True]
    claims = await asyncio.gather(*(storage.claim_delivery(f"k:{n}", n, NOW, "b") for n in range(50)))
    assert all(claims)
    bad = storage._write("INSERT INTO no_such_table VALUES (1)")
    good = storage.settle_delivery("k:3", 3, DeliveryState.SENT, NOW)
    outcomes = await asyncio.gather(bad, good, return_exceptions=True)
    assert isinstance(outcomes[0], Exception) and outcomes[1] is None
    # read back through the read-only connection right after the commits returned
    assert (await storage.delivery_states("k:3")) == {3: DeliveryState.SENT}
    with sqlite3.connect(db_path) as other:
        assert other.execute("SELECT COUNT(*) FROM deliveries").fetchone()[0] == 51


async def test_a_requested_reminder_round_is_written_down_until_it_ends(storage) -> None:
    await open_round(storage)
    await storage.begin_requested_reminder(2026, "manual:2026-11-25", "before", ["ladder:14"],
                                           "this-run", "first", NOW)
    assert await storage.requested_reminders_left("this-run") == []  # under way here
    [left] = await storage.requested_reminders_left("a-later-run")
    assert (left.step_key, left.kind, left.also, left.token, left.started_at) == (
        "manual:2026-11-25", "before", ("ladder:14",), "first", NOW)
    # asked again the same second: the later request owns the row, the first one's end
    # leaves it alone
    await storage.begin_requested_reminder(2026, "manual:2026-11-25", "overdue", [], "this-run",
                                           "second", NOW)
    await storage.end_requested_reminder("first")
    assert [r.kind for r in await storage.requested_reminders_left("next")] == ["overdue"]
    await storage.end_requested_reminder("second")
    assert await storage.requested_reminders_left("next") == []
