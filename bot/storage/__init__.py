"""Durable state: one SQLite file, reached only through `Storage`."""

from bot.storage.db import Storage
from bot.storage.records import Answer, Grant, Invitation, Person, Role, Round, Session, Submission

__all__ = ["Answer", "Grant", "Invitation", "Person", "Role", "Round", "Session", "Storage", "Submission"]
