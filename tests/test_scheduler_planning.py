"""Reminder ladders, the due step, wakeups and digests, all with an explicit `now`."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from scheduler.planning import (
    DEFAULT_LADDER,
    LadderStep,
    RoundPlan,
    current_step,
    digest_due,
    digest_time,
    ladder_steps,
    next_wakeup,
    parse_ladder,
)

HEL = ZoneInfo("Europe/Helsinki")
UTC = ZoneInfo("UTC")


def at(y: int, m: int, d: int, hh: int = 9, mm: int = 0) -> datetime:
    """Helsinki wall time, the way coordinators think about it."""
    return datetime(y, m, d, hh, mm, tzinfo=HEL)


def dates(steps: list[LadderStep]) -> dict[int, date]:
    return {s.step: s.send_at.date() for s in steps}


ROUND_2027 = RoundPlan(year=2026, deadline=date(2027, 1, 31))  # deadline is a Sunday


# --- ladder_steps -----------------------------------------------------------------------


def test_default_ladder_for_a_sunday_deadline() -> None:
    steps = ladder_steps(ROUND_2027, HEL)
    assert [s.step for s in steps] == list(DEFAULT_LADDER)
    assert dates(steps) == {
        14: date(2027, 1, 15),  # nominal Sun 17 Jan -> Fri 15 Jan
        7: date(2027, 1, 22),  # nominal Sun 24 Jan -> Fri 22 Jan
        1: date(2027, 1, 29),  # nominal Sat 30 Jan -> Fri 29 Jan
        -3: date(2027, 2, 3),  # Wednesday, stays
        -10: date(2027, 2, 10),  # Wednesday, stays
    }
    assert [s.overdue for s in steps] == [False, False, False, True, True]
    assert all(s.year == 2026 for s in steps)
    assert all((s.send_at.hour, s.send_at.minute) == (9, 0) for s in steps)
    assert all(s.send_at.tzinfo is HEL for s in steps)


def test_ladder_around_christmas_and_new_year() -> None:
    plan = RoundPlan(year=2026, deadline=date(2026, 12, 31))
    assert dates(ladder_steps(plan, HEL)) == {
        14: date(2026, 12, 17),
        7: date(2026, 12, 23),  # nominal Christmas Eve -> back to Wed 23 Dec
        1: date(2026, 12, 30),
        -3: date(2027, 1, 4),  # nominal Sun 3 Jan -> Mon 4 Jan
        -10: date(2027, 1, 11),  # nominal Sun 10 Jan -> Mon 11 Jan
    }


def test_overdue_steps_colliding_after_new_year() -> None:
    # -1 is New Year's Day (Fri) and -3 is Sunday: both move to Monday 4 Jan.
    plan = RoundPlan(year=2026, deadline=date(2026, 12, 31), ladder=(7, -1, -3))
    steps = ladder_steps(plan, HEL)
    assert [(s.step, s.send_at.date()) for s in steps] == [
        (7, date(2026, 12, 23)),
        (-1, date(2027, 1, 4)),
        (-3, date(2027, 1, 4)),
    ]
    # The later ladder step wins, so the chaser never goes backwards.
    chosen = current_step(plan, at(2027, 1, 4, 9), HEL)
    assert chosen is not None and chosen.step == -3


EASTER_ROUND = RoundPlan(year=2026, deadline=date(2027, 3, 29), ladder=(14, 7, 1, 0, -1, -3))
"""Deadline on Easter Monday 2027, with a step on the deadline day itself."""


def test_ladder_around_easter() -> None:
    assert dates(ladder_steps(EASTER_ROUND, HEL)) == {
        14: date(2027, 3, 15),
        7: date(2027, 3, 22),
        1: date(2027, 3, 25),  # Easter Sunday -> Maundy Thursday
        0: date(2027, 3, 25),  # Easter Monday deadline -> Maundy Thursday
        -1: date(2027, 3, 30),
        -3: date(2027, 4, 1),
    }


def test_same_day_steps_pick_the_one_closest_to_the_deadline() -> None:
    steps = ladder_steps(EASTER_ROUND, HEL)
    assert [s.step for s in steps][2:4] == [1, 0]
    chosen = current_step(EASTER_ROUND, at(2027, 3, 25, 9), HEL)
    assert chosen is not None and chosen.step == 0
    # The deadline day is a holiday, but the round is on time until its end.
    chosen = current_step(EASTER_ROUND, at(2027, 3, 29, 23, 59), HEL)
    assert chosen is not None and chosen.step == 0
    assert current_step(EASTER_ROUND, at(2027, 3, 30, 0, 0), HEL) is None


def test_ladder_across_spring_dst_switch() -> None:
    plan = RoundPlan(year=2026, deadline=date(2027, 4, 1))  # clocks go forward 28 Mar
    by_step = {s.step: s.send_at for s in ladder_steps(plan, HEL)}
    assert by_step[7].isoformat() == "2027-03-25T09:00:00+02:00"
    assert by_step[1].isoformat() == "2027-03-31T09:00:00+03:00"
    assert by_step[-3].isoformat() == "2027-04-05T09:00:00+03:00"  # Sun 4 Apr -> Mon
    assert by_step[7].astimezone(UTC).hour == 7
    assert by_step[-3].astimezone(UTC).hour == 6


@pytest.mark.parametrize(
    ("deadline", "before", "after"),
    [
        # Clocks go back on Sun 25 Oct 2026 and Sun 31 Oct 2027.
        (date(2026, 10, 27), "2026-10-20T09:00:00+03:00", "2026-10-30T09:00:00+02:00"),
        (date(2027, 11, 2), "2027-10-26T09:00:00+03:00", "2027-11-05T09:00:00+02:00"),
    ],
)
def test_ladder_across_autumn_dst_switch(deadline: date, before: str, after: str) -> None:
    by_step = {s.step: s.send_at for s in ladder_steps(RoundPlan(2026, deadline), HEL)}
    assert by_step[7].isoformat() == before
    assert by_step[-3].isoformat() == after


def test_ladder_steps_are_sorted_whatever_the_input_order() -> None:
    plan = RoundPlan(year=2026, deadline=date(2027, 1, 31), ladder=(-10, 1, 14, -3, 7))
    assert [s.step for s in ladder_steps(plan, HEL)] == [14, 7, 1, -3, -10]


def test_round_plan_rejects_duplicate_steps() -> None:
    with pytest.raises(ValueError):
        RoundPlan(year=2026, deadline=date(2027, 1, 31), ladder=(7, 7))


# --- current_step -----------------------------------------------------------------------


def step_at(now: datetime, plan: RoundPlan = ROUND_2027) -> int | None:
    found = current_step(plan, now, HEL)
    return None if found is None else found.step


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (at(2026, 12, 1), None),  # long before the first step
        (at(2027, 1, 15, 8, 59), None),  # a minute before the first step
        (at(2027, 1, 15, 9, 0), 14),
        (at(2027, 1, 20, 15, 0), 14),  # between steps
        (at(2027, 1, 22, 9, 0), 7),
        (at(2027, 1, 29, 9, 0), 1),
        (at(2027, 1, 31, 12, 0), 1),  # deadline day
        (at(2027, 1, 31, 23, 59), 1),
        (at(2027, 2, 1, 0, 0), None),  # deadline passed, no chaser yet
        (at(2027, 2, 3, 8, 59), None),
        (at(2027, 2, 3, 9, 0), -3),
        (at(2027, 2, 9, 18, 0), -3),
        (at(2027, 2, 10, 9, 0), -10),
        (at(2027, 2, 17, 8, 59), -10),  # last chaser stays current for 7 days
        (at(2027, 2, 17, 9, 0), None),
        (at(2027, 9, 1), None),  # months later: silence
    ],
)
def test_current_step_over_the_round(now: datetime, expected: int | None) -> None:
    assert step_at(now) == expected


def test_current_step_after_downtime_is_only_the_latest() -> None:
    # Bot was down from 10 Jan to 12 Feb: it sends -10 once, not all five steps.
    found = current_step(ROUND_2027, at(2027, 2, 12, 11), HEL)
    assert found == LadderStep(2026, -10, at(2027, 2, 10, 9), True)


def test_current_step_on_closed_round_is_none() -> None:
    closed = RoundPlan(year=2026, deadline=date(2027, 1, 31), closed=True)
    assert step_at(at(2027, 1, 22, 9), closed) is None
    assert step_at(at(2027, 2, 3, 9), closed) is None


def test_current_step_without_overdue_steps_ends_at_deadline() -> None:
    plan = RoundPlan(year=2026, deadline=date(2027, 1, 31), ladder=(30,))
    assert step_at(at(2027, 1, 31, 23, 0), plan) == 30  # no 7-day expiry before deadline
    assert step_at(at(2027, 2, 1, 0, 0), plan) is None


def test_current_step_accepts_now_in_any_zone() -> None:
    assert step_at(datetime(2027, 1, 15, 7, 0, tzinfo=UTC)) == 14
    assert step_at(datetime(2027, 1, 15, 6, 59, tzinfo=UTC)) is None


def test_naive_now_is_rejected() -> None:
    with pytest.raises(ValueError):
        current_step(ROUND_2027, datetime(2027, 1, 15, 9), HEL)
    with pytest.raises(ValueError):
        next_wakeup([ROUND_2027], datetime(2027, 1, 15, 9), HEL)


# --- digest -----------------------------------------------------------------------------


def test_default_digest_moves_off_the_weekend() -> None:
    # 31 Jan + 14 days = Sun 14 Feb -> Mon 15 Feb.
    assert digest_time(ROUND_2027, HEL).isoformat() == "2027-02-15T10:00:00+02:00"


def test_custom_digest_date() -> None:
    plan = RoundPlan(year=2026, deadline=date(2027, 1, 31), digest_on=date(2027, 3, 3))
    assert digest_time(plan, HEL) == at(2027, 3, 3, 10)


def test_custom_digest_date_on_a_holiday_weekend() -> None:
    plan = RoundPlan(year=2026, deadline=date(2027, 1, 31), digest_on=date(2027, 3, 26))
    assert digest_time(plan, HEL) == at(2027, 3, 30, 10)  # Good Friday -> Tue after Easter


def test_digest_due_even_for_closed_round_and_after_downtime() -> None:
    closed = RoundPlan(year=2026, deadline=date(2027, 1, 31), closed=True)
    assert not digest_due(closed, at(2027, 2, 15, 9, 59), HEL)
    assert digest_due(closed, at(2027, 2, 15, 10, 0), HEL)
    assert digest_due(closed, at(2027, 8, 1), HEL)


# --- next_wakeup ------------------------------------------------------------------------


OLD_CLOSED = RoundPlan(year=2025, deadline=date(2026, 1, 31), closed=True)
"""Digest nominally Sat 14 Feb 2026 -> Mon 16 Feb; its -3 step (3 Feb) must be ignored."""


def test_next_wakeup_prefers_the_earliest_of_steps_and_digests() -> None:
    rounds = [ROUND_2027, OLD_CLOSED]
    assert next_wakeup(rounds, at(2026, 2, 1), HEL) == at(2026, 2, 11, 9)  # the preview
    assert next_wakeup(rounds, at(2026, 2, 11, 9), HEL) == at(2026, 2, 16, 10)
    # Strictly after now: a job running exactly at the digest time moves on.
    assert next_wakeup(rounds, at(2026, 2, 16, 10), HEL) == at(2027, 1, 15, 9)
    # the coordinator's missing-units notice: Monday after the Sunday deadline
    assert next_wakeup(rounds, at(2027, 1, 29, 9), HEL) == at(2027, 2, 1, 9)
    assert next_wakeup(rounds, at(2027, 2, 1, 9), HEL) == at(2027, 2, 3, 9)
    assert next_wakeup(rounds, at(2027, 2, 10, 9), HEL) == at(2027, 2, 15, 10)  # digest
    assert next_wakeup(rounds, at(2027, 2, 15, 10), HEL) is None


def test_next_wakeup_with_a_custom_digest_before_a_chaser() -> None:
    plan = RoundPlan(year=2026, deadline=date(2027, 1, 31), digest_on=date(2027, 2, 8))
    assert next_wakeup([plan], at(2027, 2, 3, 9), HEL) == at(2027, 2, 8, 10)
    assert next_wakeup([plan], at(2027, 2, 8, 10), HEL) == at(2027, 2, 10, 9)


def test_next_wakeup_accepts_any_iterable_and_nothing() -> None:
    assert next_wakeup(iter([ROUND_2027]), at(2027, 1, 1), HEL) == at(2027, 1, 15, 9)
    assert next_wakeup([], at(2027, 1, 1), HEL) is None


# --- parse_ladder -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("21,7,2", (21, 7, 2)),
        ("14, 7, 1, -3, -10", (14, 7, 1, -3, -10)),
        ("  -10 ,1,  14 ", (14, 1, -10)),
        ("0", (0,)),
        ("90, -60", (90, -60)),
    ],
)
def test_parse_ladder_accepts(text: str, expected: tuple[int, ...]) -> None:
    assert parse_ladder(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("14,,7", "empty entry"),
        ("14, 7,", "empty entry"),
        ("seven", "'seven' is not a whole number"),
        ("7.5", "'7.5' is not a whole number"),
        ("+3", "'+3': write plain numbers for days before the deadline and negative"),
        ("1 4", "'1 4' is not a whole number"),
        ("7, 7", "7 appears more than once"),
        ("91", "91 is out of range"),
        ("-61", "-61 is out of range"),
    ],
)
def test_parse_ladder_rejects(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_ladder(text)


def test_missing_notice_waits_for_the_first_working_day_after_the_deadline() -> None:
    from scheduler.planning import missing_notice_time

    tz = ZoneInfo("Europe/Helsinki")
    friday_deadline = RoundPlan(year=2026, deadline=date(2027, 1, 29))
    notice = missing_notice_time(friday_deadline, tz)
    assert notice.date() == date(2027, 2, 1) and notice.hour == 9  # Monday, office time
    assert next_wakeup([friday_deadline], datetime(2027, 1, 30, 12, tzinfo=tz), tz) == notice


def test_digest_preview_three_working_days_ahead_and_postpone() -> None:
    """Issue 13: the coordinator sees the digest 3 working days before it goes out."""
    from scheduler.calendar import working_days_before
    from scheduler.planning import digest_ahead_time, postponed_digest_day

    tz = ZoneInfo("Europe/Helsinki")
    plan = RoundPlan(year=2026, deadline=date(2027, 1, 31))  # digest Mon 15.2.2027 10:00
    assert digest_time(plan, tz).date() == date(2027, 2, 15)
    assert digest_ahead_time(plan, tz) == datetime(2027, 2, 10, 9, 0, tzinfo=tz)  # Wednesday
    assert working_days_before(date(2027, 3, 31), 3) == date(2027, 3, 24)  # over Easter
    assert postponed_digest_day(plan, tz) == date(2027, 2, 22)
    released = RoundPlan(year=2026, deadline=date(2027, 1, 31),
                         released_at=datetime(2027, 2, 11, 14, tzinfo=tz))
    assert not digest_due(released, datetime(2027, 2, 11, 13, tzinfo=tz), tz)
    assert digest_due(released, datetime(2027, 2, 11, 14, tzinfo=tz), tz)
    assert next_wakeup([plan], datetime(2027, 2, 9, 12, tzinfo=tz), tz) == datetime(2027, 2, 10, 9, 0, tzinfo=tz)
