"""One line per administrative action: who (by people row), what, and when."""

from __future__ import annotations

from bot.domain.privacy import Action
from bot.services import KotobotContext


async def audit(context: KotobotContext, action: Action, detail: str = "") -> None:
    """Record an action by the person behind this update. `detail` names units, years and
    person ids (`person_ref`), never names."""
    await context.services.people.audit(context.me, action, detail)
