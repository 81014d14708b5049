"""The daily retention run: delete strangers, pseudonymise long-removed contacts.

Runs inside the bot (see `bot.ops.jobs`) with the bot's clock, so tests move time instead of
waiting a month. Only counts are logged; each pseudonymisation is in the audit log by row id.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from bot.config import Settings
from bot.domain.privacy import Action, cutoffs, person_ref
from bot.storage import Storage

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetentionResult:
    strangers_deleted: int
    contacts_pseudonymised: int


async def apply_retention(storage: Storage, settings: Settings, now: datetime) -> RetentionResult:
    limits = cutoffs(now, settings.retention_days)
    await storage.note_role_ends(now)
    deleted = await storage.purge_strangers(limits.strangers_created_before, settings.coordinators)
    lapsed = await storage.lapsed_contacts(limits.contacts_ended_before)
    for person_id in lapsed:
        if await storage.erase(person_id, now) is not None:
            await storage.audit(now, None, Action.ERASURE, f"{person_ref(person_id)} (retention)")
    result = RetentionResult(deleted, len(lapsed))
    log.info("retention: %d stranger(s) deleted, %d removed contact(s) pseudonymised",
             result.strangers_deleted, result.contacts_pseudonymised)
    return result
