"""One-time invitation codes: what makes a Telegram user a unit contact or council member."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from enum import StrEnum

from bot.domain.records import Invitation

VALID_FOR = timedelta(days=14)


class InvitationProblem(StrEnum):
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"


def new_code() -> str:
    """16 URL-safe random characters: unguessable, and short enough for a /start payload."""
    return secrets.token_urlsafe(12)


def check_invitation(invitation: Invitation | None, now: datetime) -> InvitationProblem | None:
    if invitation is None:
        return InvitationProblem.UNKNOWN
    if invitation.used_by is not None:
        return InvitationProblem.USED
    if invitation.expires_at <= now:
        return InvitationProblem.EXPIRED
    return None


def deep_link(bot_username: str, code: str) -> str:
    return f"https://t.me/{bot_username}?start={code}"
