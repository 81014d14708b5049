"""What the storage needs to know about the update being handled, without knowing Telegram."""

from __future__ import annotations

from contextvars import ContextVar

current_update: ContextVar[int | None] = ContextVar("current_update", default=None)
"""The `update_id` being handled in this task, set by the polling glue (`bot.polling`), so
that the report step an update writes marks it applied in the same transaction (a replay
after a crash then never applies it twice)."""
