"""Durable state: one SQLite file, reached only through `Storage` (the only SQL)."""

from bot.storage.db import Storage

__all__ = ["Storage"]
