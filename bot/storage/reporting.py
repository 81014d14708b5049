"""SQL for rounds, answers, submissions, report sessions and sent reminders.

A mixin of `Storage` (see `bot.storage.db`), kept apart so each file has one subject.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, date, datetime
from typing import Any, Protocol

import aiosqlite

from bot.storage.records import Answer, HistoryEntry, Round, Session, Submission


def _ts(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="seconds")


def _round(row: aiosqlite.Row) -> Round:
    return Round(
        year=row["year"],
        deadline=date.fromisoformat(row["deadline"]),
        ladder=tuple(int(step) for step in row["ladder"].split(",") if step),
        digest_on=date.fromisoformat(row["digest_on"]) if row["digest_on"] else None,
        opened_at=datetime.fromisoformat(row["opened_at"]),
        closed_at=datetime.fromisoformat(row["closed_at"]) if row["closed_at"] else None,
        imported=bool(row["imported"]),
    )


def _answer(row: aiosqlite.Row) -> Answer:
    return Answer(row["year"], row["unit_id"], row["key"], json.loads(row["value"]),
                  row["person_id"], datetime.fromisoformat(row["answered_at"]), bool(row["late"]),
                  row["source"])


class _Queries(Protocol):
    async def _all(self, sql: str, params: Iterable[Any] = ()) -> list[aiosqlite.Row]: ...
    async def _one(self, sql: str, params: Iterable[Any] = ()) -> aiosqlite.Row | None: ...
    async def _write(self, sql: str, params: Iterable[Any] = ()) -> int: ...
    def _transaction(self) -> AbstractAsyncContextManager[aiosqlite.Connection]: ...


class ReportingQueries:
    """Rounds, answers and what was sent. Mixed into `Storage`."""

    # rounds --------------------------------------------------------------------------
    async def open_round(self: _Queries, year: int, deadline: date, ladder: tuple[int, ...],
                         now: datetime) -> bool:
        """Open (or re-open) the round for `year`; returns True if it was new."""
        existing = await self._one("SELECT year FROM rounds WHERE year = ?", (year,))
        await self._write(
            "INSERT INTO rounds (year, deadline, ladder, opened_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(year) DO UPDATE SET deadline = excluded.deadline, closed_at = NULL",
            (year, deadline.isoformat(), ",".join(map(str, ladder)), _ts(now)),
        )
        return existing is None

    async def close_round(self: _Queries, year: int, now: datetime) -> bool:
        changed = await self._write(
            "UPDATE rounds SET closed_at = ? WHERE year = ? AND closed_at IS NULL", (_ts(now), year))
        return changed > 0

    async def set_ladder(self: _Queries, year: int, ladder: tuple[int, ...]) -> bool:
        return await self._write("UPDATE rounds SET ladder = ? WHERE year = ?",
                                 (",".join(map(str, ladder)), year)) > 0

    async def set_digest_date(self: _Queries, year: int, day: date) -> bool:
        return await self._write("UPDATE rounds SET digest_on = ? WHERE year = ?",
                                 (day.isoformat(), year)) > 0

    async def round(self: _Queries, year: int) -> Round | None:
        row = await self._one("SELECT * FROM rounds WHERE year = ?", (year,))
        return _round(row) if row else None

    async def rounds(self: _Queries) -> list[Round]:
        return [_round(row) for row in await self._all("SELECT * FROM rounds ORDER BY year")]

    # answers -------------------------------------------------------------------------
    async def answers(self: _Queries, year: int, unit_id: str) -> dict[str, Answer]:
        rows = await self._all("SELECT * FROM answers WHERE year = ? AND unit_id = ?", (year, unit_id))
        return {row["key"]: _answer(row) for row in rows}

    async def answers_of_years(self: _Queries, years: Iterable[int]) -> list[Answer]:
        """Every answer of these rounds, in one query (summaries read whole rounds)."""
        wanted = list(years)
        if not wanted:
            return []
        marks = ",".join("?" * len(wanted))
        rows = await self._all(f"SELECT * FROM answers WHERE year IN ({marks})", wanted)
        return [_answer(row) for row in rows]

    async def statuses_before(self: _Queries, year: int) -> dict[str, dict[str, str]]:
        """unit → measure → the last status reported in a round before `year` (one query)."""
        rows = await self._all(
            "SELECT unit_id, key, value FROM answers WHERE year < ? AND key LIKE 'status:%'"
            " ORDER BY year", (year,))
        latest: dict[str, dict[str, str]] = {}
        for row in rows:
            latest.setdefault(row["unit_id"], {})[row["key"].removeprefix("status:")] = json.loads(row["value"])
        return latest

    async def earlier_answers(self: _Queries, unit_id: str, before_year: int,
                              keys: Iterable[str]) -> dict[str, Answer]:
        """The most recent answer to each key from rounds before `before_year`."""
        wanted = list(keys)
        if not wanted:
            return {}
        marks = ",".join("?" * len(wanted))
        rows = await self._all(
            f"SELECT * FROM answers WHERE unit_id = ? AND year < ? AND key IN ({marks})"
            " ORDER BY year", [unit_id, before_year, *wanted])
        return {row["key"]: _answer(row) for row in rows}

    async def save_answer(self: _Queries, year: int, unit_id: str, key: str, value: Any,
                          person_id: int, now: datetime, late: bool) -> bool:
        """Store an answer and its history in one transaction; False if nothing changed."""
        encoded = json.dumps(value, ensure_ascii=False)
        async with self._transaction() as db:
            async with db.execute(
                "SELECT value FROM answers WHERE year = ? AND unit_id = ? AND key = ?",
                (year, unit_id, key),
            ) as cursor:
                previous = await cursor.fetchone()
            if previous is not None and previous["value"] == encoded:
                return False
            await db.execute(
                "INSERT INTO answers (year, unit_id, key, value, person_id, answered_at, late)"
                " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(year, unit_id, key) DO UPDATE SET"
                " value = excluded.value, person_id = excluded.person_id,"
                " answered_at = excluded.answered_at, late = excluded.late, source = NULL",
                (year, unit_id, key, encoded, person_id, _ts(now), int(late)),
            )
            await db.execute(
                "INSERT INTO answer_history (year, unit_id, key, old_value, new_value, person_id, at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (year, unit_id, key, previous["value"] if previous else None, encoded,
                 person_id, _ts(now)),
            )
        return True

    async def history(self: _Queries, year: int, unit_id: str) -> list[HistoryEntry]:
        rows = await self._all(
            "SELECT * FROM answer_history WHERE year = ? AND unit_id = ? ORDER BY id", (year, unit_id))
        return [
            HistoryEntry(row["year"], row["unit_id"], row["key"],
                         json.loads(row["old_value"]) if row["old_value"] is not None else None,
                         json.loads(row["new_value"]), row["person_id"],
                         datetime.fromisoformat(row["at"]))
            for row in rows
        ]

    # submissions ---------------------------------------------------------------------
    async def submit(self: _Queries, year: int, unit_id: str, person_id: int, now: datetime,
                     late: bool) -> bool:
        """Mark the unit's report complete; False if it already was."""
        return await self._write(
            "INSERT OR IGNORE INTO submissions (year, unit_id, person_id, submitted_at, late)"
            " VALUES (?, ?, ?, ?, ?)", (year, unit_id, person_id, _ts(now), int(late))) > 0

    async def submissions(self: _Queries, year: int) -> dict[str, Submission]:
        rows = await self._all("SELECT * FROM submissions WHERE year = ?", (year,))
        return {
            row["unit_id"]: Submission(row["year"], row["unit_id"], row["person_id"],
                                       datetime.fromisoformat(row["submitted_at"]), bool(row["late"]))
            for row in rows
        }

    # report sessions -----------------------------------------------------------------
    async def session(self: _Queries, person_id: int) -> Session | None:
        row = await self._one("SELECT * FROM sessions WHERE person_id = ?", (person_id,))
        if row is None:
            return None
        return Session(row["person_id"], row["year"], row["unit_id"], row["step_key"],
                       row["message_id"], bool(row["linear"]))

    async def set_session(self: _Queries, person_id: int, year: int, unit_id: str, step_key: str,
                          now: datetime, linear: bool = False) -> None:
        """Where the person is; written *before* the step is shown, so a typed answer can never
        be read against an older step. The message id follows once the step is sent."""
        await self._write(
            "INSERT INTO sessions (person_id, year, unit_id, step_key, updated_at, message_id, linear)"
            " VALUES (?, ?, ?, ?, ?, NULL, ?) ON CONFLICT(person_id) DO UPDATE SET"
            " year = excluded.year, unit_id = excluded.unit_id, step_key = excluded.step_key,"
            " updated_at = excluded.updated_at, message_id = NULL, linear = excluded.linear",
            (person_id, year, unit_id, step_key, _ts(now), int(linear)))

    async def set_session_message(self: _Queries, person_id: int, message_id: int) -> None:
        await self._write("UPDATE sessions SET message_id = ? WHERE person_id = ?",
                          (message_id, person_id))

    async def clear_session(self: _Queries, person_id: int) -> None:
        await self._write("DELETE FROM sessions WHERE person_id = ?", (person_id,))

    # exactly-once sending ------------------------------------------------------------
    async def claim_reminder(self: _Queries, year: int, unit_id: str, person_id: int, step: str,
                             now: datetime) -> bool:
        """Record a reminder before sending it; False if it was already claimed."""
        return await self._write(
            "INSERT OR IGNORE INTO sent_reminders (year, unit_id, person_id, step, claimed_at)"
            " VALUES (?, ?, ?, ?, ?)", (year, unit_id, person_id, step, _ts(now))) > 0

    async def mark_reminder_delivered(self: _Queries, year: int, unit_id: str, person_id: int,
                                      step: str, now: datetime) -> None:
        await self._write(
            "UPDATE sent_reminders SET delivered_at = ? WHERE year = ? AND unit_id = ?"
            " AND person_id = ? AND step = ?", (_ts(now), year, unit_id, person_id, step))

    async def release_reminder(self: _Queries, year: int, unit_id: str, person_id: int,
                               step: str) -> None:
        """Undo a claim whose send failed for a passing reason, so it is tried again."""
        await self._write(
            "DELETE FROM sent_reminders WHERE year = ? AND unit_id = ? AND person_id = ?"
            " AND step = ? AND delivered_at IS NULL", (year, unit_id, person_id, step))

    async def reminded_since(self: _Queries, year: int, unit_id: str, person_id: int,
                             since: datetime, other_than: Iterable[str]) -> bool:
        """Whether this person got a reminder for the unit since `since`, other than these."""
        keys = list(other_than)
        marks = ",".join("?" * len(keys))
        row = await self._one(
            "SELECT 1 FROM sent_reminders WHERE year = ? AND unit_id = ? AND person_id = ?"
            f" AND step NOT IN ({marks}) AND claimed_at >= ? LIMIT 1",
            (year, unit_id, person_id, *keys, _ts(since)))
        return row is not None

    async def sent_reminders(self: _Queries, year: int) -> list[tuple[str, int, str]]:
        rows = await self._all(
            "SELECT unit_id, person_id, step FROM sent_reminders WHERE year = ? ORDER BY claimed_at",
            (year,))
        return [(row["unit_id"], row["person_id"], row["step"]) for row in rows]

    async def release_notice(self: _Queries, kind: str, year: int, person_id: int) -> None:
        """Undo a notice claim whose delivery failed for a passing reason."""
        await self._write("DELETE FROM sent_notices WHERE kind = ? AND year = ? AND person_id = ?",
                          (kind, year, person_id))

    async def notices_sent(self: _Queries, kind: str, year: int) -> list[int]:
        rows = await self._all("SELECT person_id FROM sent_notices WHERE kind = ? AND year = ?",
                               (kind, year))
        return [row["person_id"] for row in rows]

    async def claim_notice(self: _Queries, kind: str, year: int, person_id: int,
                           now: datetime) -> bool:
        """Once-only notices (digests, missing-unit lists); False if already claimed."""
        return await self._write(
            "INSERT OR IGNORE INTO sent_notices (kind, year, person_id, claimed_at)"
            " VALUES (?, ?, ?, ?)", (kind, year, person_id, _ts(now))) > 0

