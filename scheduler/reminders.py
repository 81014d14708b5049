"""Sending reminders: each pending unit's contacts, once per ladder step, in their language.

Every reminder is claimed in the database (round, unit, person, step) *before* it is sent,
under a uniqueness rule, so overlapping jobs, a restart mid fan-out, or /remind meeting a
scheduled step can never send it twice. A send that fails for a passing reason (network,
rate limit beyond the limiter's retries) releases its claim so the next tick retries it;
a person who has blocked the bot keeps the claim, is marked unreachable, and the
coordinator is told once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import Forbidden, TelegramError

from bot.domain.reporting import Owed
from bot.keyboards import start_report_keyboard
from bot.notices import ReminderKind, reminder_text, tell_coordinators
from bot.services import Services
from bot.storage import Person, Round
from scheduler.planning import RoundPlan, current_step

log = logging.getLogger(__name__)


def plan_of(round_: Round) -> RoundPlan:
    """What planning needs to know of a stored round."""
    return RoundPlan(year=round_.year, deadline=round_.deadline, ladder=round_.ladder,
                     closed=not round_.is_open, digest_on=round_.digest_on)


def ladder_key(round_: Round, step: int) -> str:
    """The claim key of a ladder step. The deadline is part of it: when a coordinator moves
    the deadline, the new ladder's steps are new reminders, not ones already sent."""
    return f"{step}@{round_.deadline.isoformat()}"


def current_ladder_key(round_: Round, now: datetime, tz: ZoneInfo) -> tuple[str, ...]:
    """The key of the step due now, if any: a manual send claims it too, so the scheduled
    one does not follow it within the hour."""
    step = current_step(plan_of(round_), now, tz)
    return (ladder_key(round_, step.step),) if step else ()


@dataclass
class FanOut:
    """What one fan-out did, for the coordinator's answer and for logs."""

    sent: int = 0
    already_sent: int = 0
    unreachable: int = 0
    failed: int = 0
    units_without_contact: list[str] | None = None


async def send_reminders(bot: Bot, services: Services, round_: Round, step_key: str,
                         kind: ReminderKind, also_claims: tuple[str, ...] = ()) -> FanOut:
    """Remind every contact of every unit with pending work in `round_`, once per step_key.

    `also_claims` are further step keys claimed at the same time (a manual /remind claims
    the current scheduled step too, so the two never both go out).
    """
    result = FanOut(units_without_contact=[])
    owed_by_unit = await services.reporting.owed(round_)
    contacts: dict[str, list[Person]] = {}
    for unit_id, person in await services.storage.contacts():
        contacts.setdefault(unit_id, []).append(person)
    for unit_id, owed in owed_by_unit.items():
        people = contacts.get(unit_id, [])
        if not people:
            assert result.units_without_contact is not None
            result.units_without_contact.append(unit_id)
            continue
        for person in people:
            await _remind(bot, services, round_, unit_id, owed, person, step_key, kind,
                          also_claims, result)
    return result


async def _remind(bot: Bot, services: Services, round_: Round, unit_id: str,
                  owed: Owed,
                  person: Person, step_key: str, kind: ReminderKind, also_claims: tuple[str, ...],
                  result: FanOut) -> None:
    storage = services.storage
    now: datetime = services.clock()
    if not person.reachable:
        result.unreachable += 1
        return
    if not await storage.claim_reminder(round_.year, unit_id, person.id, step_key, now):
        result.already_sent += 1
        return
    fresh = [step_key] + [extra for extra in also_claims
                          if await storage.claim_reminder(round_.year, unit_id, person.id, extra, now)]
    tz = services.settings.tz
    start_of_day = datetime.combine(now.astimezone(tz).date(), time(0), tzinfo=tz)
    if kind is not ReminderKind.OPENED and await storage.reminded_since(
            round_.year, unit_id, person.id, start_of_day, other_than=fresh):
        # one reminder a day is enough: /remind and a ladder step meeting count as one
        await storage.mark_reminder_delivered(round_.year, unit_id, person.id, step_key, now)
        result.already_sent += 1
        return
    tr = services.translators[person.language]
    try:
        await bot.send_message(
            person.telegram_id, reminder_text(services, tr, round_, unit_id, owed.measures, kind,
                                               (owed.answered, owed.asked)),
            parse_mode=ParseMode.HTML,
            reply_markup=start_report_keyboard(services.catalogue, tr, round_.year, unit_id))
    except Forbidden:
        result.unreachable += 1
        if await storage.set_reachable(person.id, False):
            name = person.name or str(person.telegram_id)
            await tell_coordinators(bot, services, lambda t: t.gettext(
                "{name} has blocked Kotobot and can no longer be reminded. Please find another "
                "contact person for their unit, or ask them to unblock the bot.").format(name=name))
        return
    except TelegramError as error:
        log.warning("reminder to %s failed, will retry: %s", person.telegram_id, error)
        result.failed += 1
        for key in fresh:
            await storage.release_reminder(round_.year, unit_id, person.id, key)
        return
    await storage.mark_reminder_delivered(round_.year, unit_id, person.id, step_key, services.clock())
    result.sent += 1
