"""SQL for rounds, answers, submissions, report sessions and sent reminders.

A mixin of `Storage` (see `bot.storage.db`), kept apart so each file has one subject.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Awaitable, Callable, Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import UTC, date, datetime
from typing import Any, Protocol, TypeVar

import aiosqlite

from bot.domain.records import Answer, HistoryEntry, Person, Round, Session, Submission
from bot.storage.context import current_update
from bot.storage.summaries import SummaryQueries


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


def _person(row: aiosqlite.Row) -> Person:
    return Person(row["id"], row["telegram_id"], row["name"], row["language"],
                  bool(row["reachable"]), bool(row["privacy_warned"]))


def _answer(row: aiosqlite.Row) -> Answer:
    return Answer(row["year"], row["unit_id"], row["key"], json.loads(row["value"]),
                  row["person_id"], datetime.fromisoformat(row["answered_at"]), bool(row["late"]),
                  row["source"])


def _submission(row: aiosqlite.Row) -> Submission:
    return Submission(row["year"], row["unit_id"], row["person_id"],
                      datetime.fromisoformat(row["submitted_at"]), bool(row["late"]))


T = TypeVar("T")


class _Queries(Protocol):
    async def _all(self, sql: str, params: Iterable[Any] = ()) -> list[aiosqlite.Row]: ...
    async def _one(self, sql: str, params: Iterable[Any] = ()) -> aiosqlite.Row | None: ...
    async def _peek(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]: ...
    async def _write(self, sql: str, params: Iterable[Any] = ()) -> int: ...
    async def _write_lazily(self, sql: str, params: Iterable[Any] = ()) -> None: ...
    def _transaction(self) -> AbstractAsyncContextManager[aiosqlite.Connection]: ...
    async def _grouped(self, work: Callable[[aiosqlite.Connection], Awaitable[T]]) -> T: ...
    async def _tuples(self, sql: str, params: Iterable[Any] = ()) -> list[tuple[Any, ...]]: ...


class ReportingQueries(SummaryQueries):
    """Rounds, answers and what was sent. Mixed into `Storage` (with the summaries' reads)."""

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
        row = next(iter(await self._peek("SELECT * FROM rounds WHERE year = ?", (year,))), None)
        return _round(row) if row else None

    async def rounds(self: _Queries) -> list[Round]:
        return [_round(row) for row in await self._peek("SELECT * FROM rounds ORDER BY year")]

    # answers -------------------------------------------------------------------------
    async def answers(self: _Queries, year: int, unit_id: str) -> dict[str, Answer]:
        rows = await self._peek("SELECT * FROM answers WHERE year = ? AND unit_id = ?", (year, unit_id))
        return {row["key"]: _answer(row) for row in rows}

    async def answers_of_years(self: _Queries, years: Iterable[int]) -> list[Answer]:
        """Every answer of these rounds, in one query (summaries read whole rounds)."""
        wanted = list(years)
        if not wanted:
            return []
        marks = ",".join("?" * len(wanted))
        rows = await self._tuples(  # plain tuples: see bot/storage/summaries.py
            "SELECT year, unit_id, key, value, person_id, answered_at, late, source FROM answers"
            f" WHERE year IN ({marks})", wanted)
        loads, moment = json.loads, datetime.fromisoformat
        return [Answer(year, unit, key, loads(value), person, moment(at), bool(late), source)
                for year, unit, key, value, person, at, late, source in rows]

    async def statuses_before(self: _Queries, year: int) -> dict[str, dict[str, str]]:
        """unit → measure → the last status reported in a round before `year`: one grouped
        query (SQLite takes a bare column from the row holding the MAX), so only the latest
        status per (unit, measure) is read and decoded, however many years lie before."""
        rows = await self._tuples(
            "SELECT unit_id, key, value, MAX(year) AS year FROM answers"
            " WHERE year < ? AND key LIKE 'status:%' GROUP BY unit_id, key", (year,))
        latest: dict[str, dict[str, str]] = {}
        for unit, key, value, _ in rows:
            latest.setdefault(unit, {})[key.removeprefix("status:")] = json.loads(value)
        return latest

    async def earlier_answers(self: _Queries, unit_id: str, before_year: int,
                              keys: Iterable[str]) -> dict[str, Answer]:
        """The most recent answer to each key from rounds before `before_year`."""
        wanted = list(keys)
        if not wanted:
            return {}
        marks = ",".join("?" * len(wanted))
        rows = await self._peek(  # through answers_by_key: a lookup, done in place
            f"SELECT * FROM answers WHERE unit_id = ? AND year < ? AND key IN ({marks})"
            " ORDER BY year", [unit_id, before_year, *wanted])
        return {row["key"]: _answer(row) for row in rows}

    async def save_answer(self: _Queries, year: int, unit_id: str, key: str, value: Any,
                          person_id: int, now: datetime, late: bool) -> bool:
        """Store an answer and its history (no report moves on); False if that value was
        stored already (no history row then), as read just before the write (tests and
        seeding: a write to the same answer in between is not looked for)."""
        before = await self._peek(
            "SELECT value FROM answers WHERE year = ? AND unit_id = ? AND key = ?",
            (year, unit_id, key))
        await ReportingQueries.record_answer(self, year, unit_id, key, value, person_id,
                                             now, late, next_key=None, move=False)
        return not before or before[0]["value"] != json.dumps(value, ensure_ascii=False)

    async def record_answer(self: _Queries, year: int, unit_id: str, key: str, value: Any,
                            person_id: int, now: datetime, late: bool, next_key: str | None,
                            move: bool = True, clear: Sequence[str] = ()) -> None:
        """One step of a report, atomically: the answer with its history row (none when the
        value was stored so already), and the person's position (the next step as pending,
        or no report under way when `next_key` is None). The update being handled (if any)
        is written down as applied with it, so a replay never applies it twice. `clear`:
        answers that no longer apply (a measure now "not started" has no indicator values),
        removed with it, each with a history row.

        One statement, an insert into the `answer_steps` view whose trigger does the writes
        (migration 13): the step costs one trip to the writer's thread and, when no other
        write is waiting, one commit of its own (see `bot.storage.db`)."""
        receipt = current_update.get() if move else None  # the update that carried it
        await self._write(
            "INSERT INTO answer_steps (update_id, payload, year, unit_id, key, value, person_id,"
            " at, late, move, next_key, clear) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (receipt.update_id if receipt else None, receipt.payload() if receipt else None,
             year, unit_id, key, json.dumps(value, ensure_ascii=False), person_id, _ts(now),
             int(late), int(move), next_key, json.dumps(list(clear)) if clear else None))
        if receipt is not None:  # committed: finishing the update marks it done
            receipt.stored = receipt.applied = True

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

    async def submission(self: _Queries, year: int, unit_id: str) -> Submission | None:
        """One unit's submission of one round (the report path reads only its own)."""
        row = next(iter(await self._peek("SELECT * FROM submissions WHERE year = ? AND unit_id = ?",
                                   (year, unit_id))), None)
        return _submission(row) if row else None

    async def submissions(self: _Queries, year: int) -> dict[str, Submission]:
        """Every unit's submission of one round, by unit."""
        rows = await self._tuples("SELECT year, unit_id, person_id, submitted_at, late"
                                  " FROM submissions WHERE year = ?", (year,))
        return {unit: Submission(year, unit, person, datetime.fromisoformat(at), bool(late))
                for year, unit, person, at, late in rows}

    # report sessions -----------------------------------------------------------------
    async def session(self: _Queries, person_id: int) -> Session | None:
        """Where the person is in their report, or None when no report is under way."""
        row = next(iter(await self._peek("SELECT * FROM sessions WHERE person_id = ?", (person_id,))),
                   None)
        if row is None:
            return None
        return Session(row["person_id"], row["year"], row["unit_id"], row["step_key"],
                       row["message_id"], bool(row["linear"]), row["pending_key"],
                       row["draft"], bool(row["back_to_review"]), row["paused"])

    async def show_pending(self: _Queries, person_id: int, year: int, unit_id: str,
                           step_key: str, now: datetime, linear: bool,
                           returning: bool = False) -> None:
        """Record that `step_key` is about to be shown (the position itself moves in `shown`).
        A person with no report under way gets a row whose step is not known to be on screen.
        A new question settles any draft and pause."""
        await self._write(
            "INSERT INTO sessions (person_id, year, unit_id, step_key, updated_at, message_id,"
            " linear, pending_key, back_to_review) VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?)"
            " ON CONFLICT(person_id)"
            " DO UPDATE SET pending_key = excluded.pending_key, updated_at = excluded.updated_at,"
            " linear = excluded.linear, year = excluded.year, unit_id = excluded.unit_id,"
            " back_to_review = excluded.back_to_review, draft = NULL, paused = 0",
            (person_id, year, unit_id, step_key, _ts(now), int(linear), step_key,
             int(returning)))

    async def pause_session(self: _Queries, person_id: int, paused: int, now: datetime) -> None:
        """Another command (1) or /cancel (2): the place stays, typed text is no longer
        taken as an answer without asking. Lost in a power cut, the next typed text is
        taken as the answer to the question on screen, as before the command."""
        await self._write_lazily("UPDATE sessions SET paused = ?, updated_at = ? WHERE person_id = ?",
                          (paused, _ts(now), person_id))

    async def set_draft(self: _Queries, person_id: int, draft: str | None, now: datetime) -> None:
        """Keep a typed text that is being offered back as an answer (None: settled)."""
        await self._write("UPDATE sessions SET draft = ?, updated_at = ? WHERE person_id = ?",
                          (draft, _ts(now), person_id))

    async def shown(self: _Queries, person_id: int, year: int, unit_id: str, step_key: str,
                    message_id: int, now: datetime, linear: bool) -> None:
        """Telegram accepted the question of `step_key` as `message_id`: from now on typed
        text answers it. Lost in a power cut, the step stays pending and the bot asks it
        again instead of taking typed text as its answer.

        When the update being handled applied an answer, it is through with this (a replay
        would only show this same question again), so its row is marked done in the same
        statement and finishing it writes nothing more."""
        receipt = current_update.get()
        through = receipt if receipt is not None and receipt.applied and receipt.stored else None
        await self._write_lazily(
            "INSERT INTO shown_steps (person_id, year, unit_id, step_key, at, message_id,"
            " linear, update_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (person_id, year, unit_id, step_key, _ts(now), message_id, int(linear),
             through.update_id if through else None))
        if through is not None:
            through.done = True

    async def clear_session(self: _Queries, person_id: int) -> None:
        await self._write("DELETE FROM sessions WHERE person_id = ?", (person_id,))
