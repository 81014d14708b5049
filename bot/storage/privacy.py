"""SQL for personal data: one person's data as a document, erasure, and retention.

A mixin of `Storage` (see `bot.storage.db`). Erasure keeps the `people` row, because the
answers a person gave belong to their unit's report and must still count, but strips
everything that identifies them: the Telegram id becomes a pseudonym (minus the row id;
Telegram's user ids are positive), the name and language go, their roles and their place in
a report end. Nothing else stores a Telegram id except the invitations a coordinator made.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Any, Protocol

import aiosqlite

from bot.storage.reporting import _ts

PERSON_REFERENCES = (
    ("answers", "person_id"), ("answer_history", "person_id"), ("submissions", "person_id"),
    ("invitations", "used_by"), ("audit_log", "actor_id"))
"""Rows that point at a person: someone referenced here is pseudonymised, never deleted."""

_NOT_REFERENCED = " AND ".join(
    f"NOT EXISTS (SELECT 1 FROM {table} WHERE {table}.{column} = people.id)"
    for table, column in PERSON_REFERENCES)


class _Queries(Protocol):
    async def _all(self, sql: str, params: Iterable[Any] = ()) -> list[aiosqlite.Row]: ...
    async def _one(self, sql: str, params: Iterable[Any] = ()) -> aiosqlite.Row | None: ...
    async def _write(self, sql: str, params: Iterable[Any] = ()) -> int: ...
    def _transaction(self) -> AbstractAsyncContextManager[aiosqlite.Connection]: ...


def _decoded(value: str | None) -> Any:
    return json.loads(value) if value is not None else None


class PrivacyQueries:
    """Access, erasure and retention. Mixed into `Storage`."""

    async def personal_data(self: _Queries, person_id: int) -> dict[str, Any]:
        """Everything stored about one person (GDPR art. 15), as plain JSON-ready data."""
        person = await self._one("SELECT * FROM people WHERE id = ?", (person_id,))
        if person is None:
            return {}

        async def rows(sql: str) -> list[dict[str, Any]]:
            return [dict(row) for row in await self._all(sql, (person_id,))]

        data: dict[str, Any] = {
            "profile": {key: person[key] for key in (
                "telegram_id", "name", "language", "reachable", "created_at", "role_ended_at")},
            "roles": await rows("SELECT role, unit_id, granted_at FROM roles WHERE person_id = ?"
                                " ORDER BY granted_at"),
            "invitations_used": await rows(
                "SELECT role, unit_id, created_at, used_at FROM invitations WHERE used_by = ?"),
            "invitations_created": await rows(
                "SELECT role, unit_id, created_at, expires_at, used_at FROM invitations"
                " WHERE created_by = (SELECT telegram_id FROM people WHERE id = ?)"
                " ORDER BY created_at"),
            "answers": [
                {**row, "value": _decoded(row["value"])} for row in await rows(
                    "SELECT year, unit_id, key, value, answered_at, late FROM answers"
                    " WHERE person_id = ? ORDER BY year, unit_id, answered_at")],
            "answer_history": [
                {**row, "old_value": _decoded(row["old_value"]),
                 "new_value": _decoded(row["new_value"])} for row in await rows(
                    "SELECT year, unit_id, key, old_value, new_value, at FROM answer_history"
                    " WHERE person_id = ? ORDER BY id")],
            "submissions": await rows(
                "SELECT year, unit_id, submitted_at, late FROM submissions WHERE person_id = ?"),
            "report_in_progress": await rows(
                "SELECT year, unit_id, step_key, draft AS text_offered_back, updated_at FROM sessions"
                " WHERE person_id = ?"),
            "messages_sent_to_you": await rows(
                "SELECT d.key, d.state, d.claimed_at, d.settled_at FROM deliveries d"
                " JOIN people p ON p.telegram_id = d.chat_id WHERE p.id = ?"
                " ORDER BY d.claimed_at"),
            "administrative_actions": await rows(
                "SELECT at, action, detail FROM audit_log WHERE actor_id = ? ORDER BY at"),
        }
        return data

    async def erase(self: _Queries, person_id: int, now: datetime) -> list[str] | None:
        """Pseudonymise the person in one transaction (GDPR art. 17); returns the units they
        were a contact for, or None if there was no such person or they were already erased."""
        async with self._transaction() as db:
            async with db.execute("SELECT telegram_id FROM people WHERE id = ? AND erased_at IS NULL",
                                  (person_id,)) as cursor:
                person = await cursor.fetchone()
            if person is None:
                return None
            async with db.execute("SELECT unit_id FROM roles WHERE person_id = ? AND role = 'contact'"
                                  " ORDER BY unit_id", (person_id,)) as cursor:
                units = [row["unit_id"] for row in await cursor.fetchall()]
            await db.execute("DELETE FROM sessions WHERE person_id = ?", (person_id,))
            await db.execute("DELETE FROM deliveries WHERE chat_id = ?", (person["telegram_id"],))
            await db.execute("DELETE FROM roles WHERE person_id = ?", (person_id,))
            await db.execute("UPDATE invitations SET created_by = ? WHERE created_by = ?",
                             (-person_id, person["telegram_id"]))
            await db.execute(
                "UPDATE people SET telegram_id = ?, name = '', language = NULL, reachable = 0,"
                " erased_at = ?, role_ended_at = COALESCE(role_ended_at, ?) WHERE id = ?",
                (-person_id, _ts(now), _ts(now), person_id))
        return units

    async def former_units(self: _Queries, person_id: int) -> list[str]:
        """The units an (erased) person answered for: "a former contact of <unit>"."""
        rows = await self._all("SELECT DISTINCT unit_id FROM answer_history WHERE person_id = ?"
                               " ORDER BY unit_id", (person_id,))
        return [row["unit_id"] for row in rows]

    async def erased_people(self: _Queries) -> set[int]:
        rows = await self._all("SELECT id FROM people WHERE erased_at IS NOT NULL")
        return {row["id"] for row in rows}

    # retention -----------------------------------------------------------------------
    async def note_role_ends(self: _Queries, now: datetime) -> None:
        """Date when each invited person's last role ended (the retention clock starts there);
        someone given a role again is no longer counted as removed."""
        async with self._transaction() as db:
            await db.execute(
                "UPDATE people SET role_ended_at = NULL WHERE role_ended_at IS NOT NULL"
                " AND erased_at IS NULL AND EXISTS (SELECT 1 FROM roles WHERE person_id = people.id)")
            await db.execute(
                "UPDATE people SET role_ended_at = ? WHERE role_ended_at IS NULL"
                " AND erased_at IS NULL AND NOT EXISTS (SELECT 1 FROM roles WHERE person_id = people.id)"
                " AND EXISTS (SELECT 1 FROM invitations WHERE used_by = people.id)", (_ts(now),))

    async def purge_strangers(self: _Queries, created_before: datetime,
                              keep_telegram_ids: Collection[int]) -> int:
        """Delete people who wrote to the bot before `created_before` but never got a role and
        left nothing that refers to them; coordinators (by Telegram id) are kept."""
        keep = list(keep_telegram_ids)
        marks = ",".join("?" * len(keep)) or "NULL"
        async with self._transaction() as db:
            where = (f"created_at < ? AND erased_at IS NULL AND telegram_id NOT IN ({marks})"
                     " AND NOT EXISTS (SELECT 1 FROM roles WHERE person_id = people.id)"
                     f" AND {_NOT_REFERENCED}")
            params = (_ts(created_before), *keep)
            await db.execute(f"DELETE FROM sessions WHERE person_id IN (SELECT id FROM people WHERE {where})",
                             params)
            await db.execute(f"DELETE FROM deliveries WHERE chat_id IN"
                             f" (SELECT telegram_id FROM people WHERE {where})", params)
            cursor = await db.execute(f"DELETE FROM people WHERE {where}", params)
            return cursor.rowcount

    async def lapsed_contacts(self: _Queries, ended_before: datetime) -> list[int]:
        """People whose last role ended before `ended_before` and who are not yet erased."""
        rows = await self._all(
            "SELECT id FROM people WHERE erased_at IS NULL AND role_ended_at < ?"
            " AND NOT EXISTS (SELECT 1 FROM roles WHERE person_id = people.id) ORDER BY id",
            (_ts(ended_before),))
        return [row["id"] for row in rows]
