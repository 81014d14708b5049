"""When to remind unit contacts and when to send the council digest.

Everything here is a pure function of a round's settings, the time zone and a `now`
passed in by the caller: the bot asks "what is due now?" and "when should I wake up
next?", sends, records what it sent, and asks again. Keeping the clock and the database
out makes every date rule testable without waiting or mocking.

Step ordering: a ladder value is "days before the deadline", so a ladder is sorted
descending (14, 7, 1, -3, -10) and a *later* step means a smaller value. Working-day
adjustment never reorders steps (moving to the previous/next working day is monotonic,
and before-deadline steps stay on or before the deadline while overdue ones stay after
it), but two steps may land on the same day. Both are then kept in `ladder_steps`, and
`current_step` returns the later one in ladder order, so progress never goes backwards.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.records import Round
from bot.domain.rounds import DEFAULT_LADDER
from scheduler.calendar import (
    local_send_time,
    next_working_day,
    previous_working_day,
    working_days_before,
)

"""Days before the deadline; negative values are overdue chasers after it."""

REMINDER_TIME = time(9, 0)
"""Start of the office day: the reminder is near the top of the inbox, not buried."""

DIGEST_TIME = time(10, 0)
DIGEST_DELAY_DAYS = 14
DIGEST_AHEAD_WORKING_DAYS = 3
"""The coordinator previews the digest this many working days before it goes out, so there
is time to chase late units, postpone it, or choose its highlights."""
"""Late reports trickle in after the deadline; two weeks lets the digest include them."""

LAST_STEP_GRACE = timedelta(days=7)
"""How long the final chaser stays due, so a bot back after a long outage stays quiet."""

LADDER_MIN, LADDER_MAX = -60, 90
"""Reminders more than three months ahead or two months late are almost surely typos."""

_INTEGER = re.compile(r"-?[0-9]+")


def _require_aware(now: datetime) -> None:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("`now` must be timezone-aware")


@dataclass(frozen=True)
class RoundPlan:
    """What planning needs to know about one yearly reporting round."""

    year: int
    deadline: date
    ladder: tuple[int, ...] = DEFAULT_LADDER
    closed: bool = False
    digest_on: date | None = None
    """Coordinator-chosen digest date; None means deadline + DIGEST_DELAY_DAYS."""
    released_at: datetime | None = None
    """The coordinator pressed "Send now": the digest is due from then on."""

    def __post_init__(self) -> None:
        # A step value is the uniqueness key of a sent reminder, so it must be unique.
        if len(set(self.ladder)) != len(self.ladder):
            raise ValueError(f"ladder has duplicate steps: {self.ladder}")


@dataclass(frozen=True)
class LadderStep:
    """One reminder occasion of a round, already moved onto a working day."""

    year: int
    step: int
    """The ladder value (days before the deadline, negative after); identifies the step."""
    send_at: datetime
    """Aware, at REMINDER_TIME local time."""
    overdue: bool
    """True for steps after the deadline, which get the chaser wording."""


def ladder_steps(round: RoundPlan, tz: ZoneInfo) -> list[LadderStep]:
    """All steps of the round's ladder, sorted by send time, later ladder steps last on ties.

    Steps on or before the deadline move to the previous working day so the contact still
    gets the promised lead time; overdue steps move to the next working day so a chaser is
    never sent before the contact is actually that late.
    """
    steps: list[LadderStep] = []
    for step in round.ladder:
        nominal = round.deadline - timedelta(days=step)
        overdue = step < 0
        day = next_working_day(nominal) if overdue else previous_working_day(nominal)
        send_at = local_send_time(day, REMINDER_TIME, tz)
        steps.append(LadderStep(round.year, step, send_at, overdue))
    steps.sort(key=lambda s: (s.send_at, -s.step))
    return steps


def deadline_end(round: RoundPlan, tz: ZoneInfo) -> datetime:
    """The instant the deadline day ends locally: reports are on time until then."""
    return local_send_time(round.deadline + timedelta(days=1), time(0, 0), tz)


def current_step(round: RoundPlan, now: datetime, tz: ZoneInfo) -> LadderStep | None:
    """The one step that is due at `now`, or None if nothing should be sent.

    Only the latest step that has come is returned, so after downtime the bot catches up
    with a single message instead of replaying every missed one. A before-deadline step
    expires when the deadline day ends ("due in 1 day" would be wrong afterwards), and
    the final overdue step expires LAST_STEP_GRACE after its send time, so a long-past
    round is never chased out of the blue. Closed rounds have no due step.
    """
    _require_aware(now)
    if round.closed:
        return None
    steps = ladder_steps(round, tz)
    come = [s for s in steps if s.send_at <= now]
    if now >= deadline_end(round, tz):
        come = [s for s in come if s.overdue]
    if not come:
        return None
    latest = come[-1]
    if latest.overdue and latest is steps[-1] and now >= latest.send_at + LAST_STEP_GRACE:
        return None
    return latest


def missing_notice_time(round: RoundPlan, tz: ZoneInfo) -> datetime:
    """When the coordinator hears which units missed the deadline: the first working day
    after it, at office time (not at midnight when the deadline day ends)."""
    return local_send_time(next_working_day(round.deadline + timedelta(days=1)), REMINDER_TIME, tz)


def digest_time(round: RoundPlan, tz: ZoneInfo) -> datetime:
    """When the council digest for the round goes out, moved onto a working day.

    Closed rounds still get one: a round is usually closed soon after its deadline.
    """
    nominal = round.digest_on or round.deadline + timedelta(days=DIGEST_DELAY_DAYS)
    return local_send_time(next_working_day(nominal), DIGEST_TIME, tz)


def digest_due(round: RoundPlan, now: datetime, tz: ZoneInfo) -> bool:
    """Whether the digest time has come; the caller keeps the sent-once record.

    There is no upper bound, so a digest missed during downtime goes out on restart.
    """
    _require_aware(now)
    if round.released_at is not None and now >= round.released_at:
        return True
    return now >= digest_time(round, tz)


def digest_ahead_time(round: RoundPlan, tz: ZoneInfo) -> datetime:
    """When the coordinator gets the digest's preview with its controls: at office time,
    DIGEST_AHEAD_WORKING_DAYS working days before the digest goes out."""
    day = working_days_before(digest_time(round, tz).date(), DIGEST_AHEAD_WORKING_DAYS)
    return local_send_time(day, REMINDER_TIME, tz)


def postponed_digest_day(round: RoundPlan, tz: ZoneInfo, weeks: int = 1) -> date:
    """The digest's new nominal day after "Postpone a week": a week after its current day."""
    return digest_time(round, tz).date() + timedelta(weeks=weeks)


def next_wakeup(rounds: Iterable[RoundPlan], now: datetime, tz: ZoneInfo) -> datetime | None:
    """The earliest reminder or digest time strictly after `now`, or None if none is ahead.

    The bot schedules a single job at this instant and recomputes after it runs, so a
    changed ladder or deadline takes effect without cancelling a queue of jobs. Closed
    rounds contribute only their digest. Past times are the caller's startup catch-up
    (`current_step`, `digest_due`), not a wakeup.
    """
    _require_aware(now)
    ahead: list[datetime] = []
    for round in rounds:
        if not round.closed:
            ahead.extend(s.send_at for s in ladder_steps(round, tz) if s.send_at > now)
            if missing_notice_time(round, tz) > now:
                ahead.append(missing_notice_time(round, tz))
        digest = digest_time(round, tz)
        if digest > now:
            ahead.append(digest)
        if digest_ahead_time(round, tz) > now:
            ahead.append(digest_ahead_time(round, tz))
    return min(ahead, default=None)


def parse_ladder(text: str) -> tuple[int, ...]:
    """Parse a coordinator's ladder such as "14, 7, 1, -3, -10" into steps, earliest first.

    Values are whole days before the deadline; days after it are written as negative
    numbers. Errors are raised as ValueError with a message fit to show the coordinator.
    """
    example = "e.g. 14, 7, 1, -3, -10"
    if not text.strip():
        raise ValueError(f"The ladder is empty: give days before the deadline, {example}.")
    steps: list[int] = []
    for raw in text.split(","):
        item = raw.strip()
        if not item:
            raise ValueError(f"The ladder has an empty entry between commas ({example}).")
        if item.startswith("+"):
            # "+3" is ambiguous (3 days before, or after?), so ask for the explicit form.
            raise ValueError(
                f"'{item}': write plain numbers for days before the deadline and negative "
                f"numbers for days after it ({example})."
            )
        if not _INTEGER.fullmatch(item):
            raise ValueError(
                f"'{item}' is not a whole number of days. Use days before the deadline, "
                f"with negative numbers for days after it ({example})."
            )
        value = int(item)
        if not LADDER_MIN <= value <= LADDER_MAX:
            raise ValueError(
                f"{value} is out of range: steps must be between {LADDER_MIN} "
                f"(days after the deadline) and {LADDER_MAX} (days before it)."
            )
        if value in steps:
            raise ValueError(f"{value} appears more than once in the ladder.")
        steps.append(value)
    return tuple(sorted(steps, reverse=True))


def plan_of(round_: Round) -> RoundPlan:
    """What planning needs to know of a stored round."""
    return RoundPlan(year=round_.year, deadline=round_.deadline, ladder=round_.ladder,
                     closed=not round_.is_open, digest_on=round_.digest_on)


def ladder_key(round_: Round, step: int) -> str:
    """The key of a ladder step's reminders. The deadline is part of it: when a coordinator
    moves the deadline, the new ladder's steps are new reminders, not ones already sent."""
    return f"{step}@{round_.deadline.isoformat()}"


def current_ladder_key(round_: Round, now: datetime, tz: ZoneInfo) -> tuple[str, ...]:
    """The key of the step due now, if any: a manual send counts for it too, so the
    scheduled one does not follow it within the hour."""
    step = current_step(plan_of(round_), now, tz)
    return (ladder_key(round_, step.step),) if step else ()
