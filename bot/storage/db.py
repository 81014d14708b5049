"""The only module that speaks SQL: one SQLite file through aiosqlite.

The file runs in WAL mode with `synchronous=FULL` so that an answer acknowledged to a
person survives a crash or power cut. Writes that belong together run atomically: in one
explicit transaction under a lock (coroutines sharing one connection would otherwise
interleave inside each other's transactions), or as one statement whose trigger does them
all (a report step: `ReportingQueries.record_answer`, migration 13).

Reads (`_all`, `_one`) go to a second, read-only connection. In WAL mode a reader does not
wait for a writer, so a person's `/status` is not queued behind a fan-out's ledger commits
(each fsynced) on the writer's thread. Every read statement runs in its own read
transaction (autocommit), which starts after any COMMIT that has returned, so a read that
follows a write in the same coroutine sees it. Reads inside a write transaction use the
transaction's own connection (`async with self._transaction() as db`).

Short writes that arrive together share one commit (`_grouped`, a group commit): while one
COMMIT is being fsynced, the next writers queue, and the first of them to get the lock
writes them all in one transaction, each in its own savepoint. Every caller still returns
only after its own write is durable; a fan-out's ledger claims and settlements then cost a
fraction of an fsync each instead of one each.

Some writes only save a person a repeated question after a power cut, and are not worth an
fsync of their own (`_write_lazily`: that a question reached the screen, that an update was
handled, that a command paused the report). They commit through a second writing connection with
`synchronous=NORMAL`: in WAL mode such a commit survives a crash or kill -9 of the bot (it is
in the operating system's hands) and becomes durable with the next `FULL` commit, which syncs
the whole log; a power cut in between can only take it back, never corrupt the file. Such a
commit only appends to the log, tens of microseconds, so it is made in place on the event
loop's thread (a plain `sqlite3` connection that leaves checkpoints, which do sync, to the
`FULL` writer) rather than paying a trip to a thread that costs more than the write. Both
writing connections take the same lock, so commits keep their order and the lazy one never
waits for a lock held in this process; should another process hold the file (`kotobot
import` or another command run beside the bot), the write gives up after 50 ms and goes to
the `FULL` writer's thread rather than holding the loop longer. Every `_transaction` and
`_grouped` write commits on the `FULL` connection.

Every trip to a connection's thread costs tens of microseconds on a busy machine, and far
more on an idle one (both threads must be woken: measured here 0.05 ms a read with another
core busy, 0.3-0.4 ms idle). So the few small keyed reads every update makes (who is asking,
where they are in their report, the round, one unit's answers and submission: each a lookup
through an index, tens of microseconds of work) are done in place on the event loop's own
thread (`_peek`, a fourth, read-only connection): in WAL mode a reader never waits for a
writer. Anything that scans (a whole round, summaries, exports) stays on the reader's thread.

The other hot paths make few trips: a read is one trip (`execute_fetchall`), a lone
single-statement write is run in autocommit (one trip, no BEGIN, SAVEPOINT or COMMIT of its
own), and a report step is one such statement.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from bot.domain.records import Grant, Invitation, Person, Role
from bot.storage.coordination import CoordinationQueries
from bot.storage.deliveries import DeliveryQueries
from bot.storage.imports import ImportQueries
from bot.storage.inbox import InboxQueries
from bot.storage.operations import OperationsQueries
from bot.storage.privacy import PrivacyQueries
from bot.storage.reporting import ReportingQueries, _person, _ts
from bot.storage.schema import MIGRATIONS

T = TypeVar("T")
Work = Callable[[aiosqlite.Connection], Awaitable[Any]]
_Queued = tuple[Work, "asyncio.Future[Any]", bool]
"""A grouped write: the work, the future its caller awaits, and whether it is a single
statement (alone, it needs no transaction of its own)."""


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _private_file(path: Path) -> None:
    """The folder (when we create it) owner-only (0700), the file 0600 before SQLite opens it:
    SQLite gives its -wal and -shm files the database file's mode, so they are private too.
    An existing file is tightened as well; an existing folder is not ours to change."""
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)
        os.chmod(path.parent, 0o700)  # mkdir's mode is filtered by the umask
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    os.chmod(path, 0o600)
    for suffix in ("-wal", "-shm"):
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            os.chmod(companion, 0o600)


class Storage(ReportingQueries, DeliveryQueries, OperationsQueries, PrivacyQueries, ImportQueries,
              InboxQueries, CoordinationQueries):
    """Typed access to the database. Create with `await Storage.open(path)`."""

    def __init__(self, path: Path | str) -> None:
        """Created with the Application, opened in its `post_init` (`start`)."""
        self.path = Path(path)
        self._connection: aiosqlite.Connection | None = None
        self._reader: aiosqlite.Connection | None = None
        self._write_lock = asyncio.Lock()
        self._lazy: sqlite3.Connection | None = None
        self._peeker: sqlite3.Connection | None = None
        self._queued: list[_Queued] = []

    @classmethod
    async def open(cls, path: Path | str) -> Storage:
        """A started storage for `path` (scripts and tests)."""
        storage = cls(path)
        await storage.start()
        return storage

    async def start(self) -> None:
        """Open the file (WAL, `synchronous=FULL`) and bring its schema up to date."""
        _private_file(self.path)
        connection = await aiosqlite.connect(self.path, isolation_level=None)
        connection.row_factory = aiosqlite.Row
        for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON", "busy_timeout=5000"):
            await connection.execute(f"PRAGMA {pragma}")
        self._connection = connection
        await self._migrate()
        # written in place on the loop's thread: never waits long, never checkpoints
        lazy = sqlite3.connect(self.path, isolation_level=None, timeout=0.05)
        for pragma in ("synchronous=NORMAL", "foreign_keys=ON", "busy_timeout=50",
                       "wal_autocheckpoint=0"):
            lazy.execute(f"PRAGMA {pragma}")
        self._lazy = lazy
        reader = await aiosqlite.connect(self.path, isolation_level=None)
        reader.row_factory = aiosqlite.Row
        for pragma in ("query_only=ON", "foreign_keys=ON", "busy_timeout=5000"):
            await reader.execute(f"PRAGMA {pragma}")
        self._reader = reader
        # never waits long on the loop's thread: a rare SQLITE_BUSY falls back to the reader
        peeker = sqlite3.connect(self.path, isolation_level=None, timeout=0.05)
        peeker.row_factory = sqlite3.Row
        for pragma in ("query_only=ON", "busy_timeout=50"):
            peeker.execute(f"PRAGMA {pragma}")
        self._peeker = peeker

    @property
    def _db(self) -> aiosqlite.Connection:
        assert self._connection is not None, "Storage.start() was not awaited"
        return self._connection

    @property
    def _read_db(self) -> aiosqlite.Connection:
        assert self._reader is not None, "Storage.start() was not awaited"
        return self._reader

    async def close(self) -> None:
        if self._peeker is not None:
            self._peeker.close()
            self._peeker = None
        if self._reader is not None:
            await self._reader.close()
            self._reader = None
        if self._lazy is not None:
            self._lazy.close()
            self._lazy = None
        if self._connection is not None:
            await self._connection.close()
            self._connection = None

    async def _migrate(self) -> None:
        async with self._db.execute("PRAGMA user_version") as cursor:
            row = await cursor.fetchone()
        version = row[0] if row else 0
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            await self._db.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;")

    async def schema_version(self) -> int:
        async with self._db.execute("PRAGMA user_version") as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        async with self._write_lock:
            await self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                await self._db.execute("ROLLBACK")
                raise
            await self._db.execute("COMMIT")

    async def _grouped(self, work: Callable[[aiosqlite.Connection], Awaitable[T]],
                       single: bool = False) -> T:
        """Run `work` in a write transaction shared with whatever other `_grouped` writes
        are waiting (see the module's docstring); returns once it is committed and synced
        to disk."""
        item: _Queued = (work, asyncio.get_running_loop().create_future(), single)
        self._queued.append(item)
        try:
            async with self._write_lock:
                if not item[1].done():  # nobody took it along: lead the next group
                    batch, self._queued = self._queued, []
                    await self._commit_group(batch)
        except asyncio.CancelledError:
            if item in self._queued:  # not started: it never happens
                self._queued.remove(item)
            raise
        result: T = item[1].result()
        return result

    async def _commit_group(self, batch: list[_Queued]) -> None:
        db = self._db
        if len(batch) == 1 and batch[0][2]:  # one statement: autocommit is its transaction
            work, future = batch[0][0], batch[0][1]
            try:
                future.set_result(await work(db))
            except Exception as error:  # noqa: BLE001 - raised to its caller
                future.set_exception(error)
            return
        outcomes: list[tuple[bool, Any]] = []
        try:
            await db.execute("BEGIN IMMEDIATE")
            try:
                for work, *_ in batch:
                    await db.execute("SAVEPOINT one")
                    try:
                        outcomes.append((True, await work(db)))
                    except Exception as error:  # noqa: BLE001 - raised to its caller below
                        await db.execute("ROLLBACK TO one")
                        outcomes.append((False, error))
                    await db.execute("RELEASE one")
            except BaseException:
                await db.execute("ROLLBACK")
                raise
            await db.execute("COMMIT")
        except BaseException as error:
            for _, future, *_ in batch:
                if not future.done():
                    future.set_exception(error if isinstance(error, Exception)
                                         else RuntimeError("the write was interrupted"))
            raise
        for (_, future, *_), (ok, value) in zip(batch, outcomes, strict=True):
            if ok:
                future.set_result(value)
            else:
                future.set_exception(value)

    async def _all(self, sql: str, params: Iterable[Any] = ()) -> list[aiosqlite.Row]:
        # one trip to the reader's thread (execute, fetch and close there), not three
        return list(await self._read_db.execute_fetchall(sql, tuple(params)))

    async def _peek(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        """A small keyed read, done at once on this thread (see the module's docstring). The
        rows are fetched to the end, so the read transaction ends with it. Should the file
        be busy (WAL recovery, say), the read goes to the reader's thread instead of holding
        the event loop."""
        assert self._peeker is not None, "Storage.start() was not awaited"
        try:
            return self._peeker.execute(sql, tuple(params)).fetchall()
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) and "busy" not in str(error):
                raise
            return list(await self._all(sql, params))

    async def _one(self, sql: str, params: Iterable[Any] = ()) -> aiosqlite.Row | None:
        rows = await self._all(sql, params)
        return rows[0] if rows else None

    async def _write(self, sql: str, params: Iterable[Any] = ()) -> int:
        """One statement, committed (with any others waiting); returns the number of rows
        changed."""
        values = tuple(params)

        async def statement(db: aiosqlite.Connection) -> int:
            cursor = await db.execute(sql, values)
            return cursor.rowcount

        return await self._grouped(statement, single=True)

    async def _write_lazily(self, sql: str, params: Iterable[Any] = ()) -> None:
        """Like `_write`, for a write whose loss in a power cut only costs a person a
        repeated question: committed in place without an fsync (see the module's
        docstring)."""
        assert self._lazy is not None, "Storage.start() was not awaited"
        values = tuple(params)
        async with self._write_lock:  # after any commit of ours: order kept, no lock to wait for
            try:
                self._lazy.execute(sql, values)
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) and "busy" not in str(error):
                    raise
                # another process holds the file: the writer's thread waits for it, still
                # under the lock, so no later write of ours overtakes this one
                await self._db.execute(sql, values)

    # units ---------------------------------------------------------------------------
    async def sync_units(self, units: Iterable[tuple[str, str, str, str]]) -> None:
        """Mirror the catalogue's unit registry (id, fi, sv, en); units no longer in it stay,
        marked, so that old answers keep their names."""
        async with self._transaction() as db:
            await db.execute("UPDATE units SET in_catalogue = 0")
            await db.executemany(
                "INSERT INTO units (id, name_fi, name_sv, name_en, in_catalogue) VALUES (?, ?, ?, ?, 1)"
                " ON CONFLICT(id) DO UPDATE SET name_fi = excluded.name_fi,"
                " name_sv = excluded.name_sv, name_en = excluded.name_en, in_catalogue = 1",
                list(units),
            )

    # people and roles ----------------------------------------------------------------
    async def person_by_telegram(self, telegram_id: int) -> Person | None:
        row = await self._one("SELECT * FROM people WHERE telegram_id = ?", (telegram_id,))
        return _person(row) if row else None

    async def person(self, person_id: int) -> Person | None:
        row = await self._one("SELECT * FROM people WHERE id = ?", (person_id,))
        return _person(row) if row else None

    async def ensure_person(self, telegram_id: int, name: str, language: str | None,
                            now: datetime) -> Person:
        """The person for this Telegram id, created on first contact."""
        await self._write(
            "INSERT INTO people (telegram_id, name, language, created_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(telegram_id) DO UPDATE SET name = excluded.name",
            (telegram_id, name, language, _ts(now)),
        )
        person = await self.person_by_telegram(telegram_id)
        assert person is not None
        return person

    async def set_language(self, person_id: int, language: str) -> None:
        await self._write("UPDATE people SET language = ? WHERE id = ?", (language, person_id))

    async def set_reachable(self, person_id: int, reachable: bool) -> bool:
        """Returns True when this call changed the flag (so a notice is sent once)."""
        changed = await self._write(
            "UPDATE people SET reachable = ? WHERE id = ? AND reachable != ?",
            (int(reachable), person_id, int(reachable)),
        )
        return changed > 0

    async def mark_privacy_warned(self, person_id: int) -> None:
        await self._write("UPDATE people SET privacy_warned = 1 WHERE id = ?", (person_id,))

    async def person_and_grants(self, telegram_id: int) -> tuple[Person, list[Grant]] | None:
        """The person and every role they hold, in one read (every update asks who it is)."""
        rows = await self._peek(
            "SELECT people.*, roles.role AS grant_role, roles.unit_id AS grant_unit FROM people"
            " LEFT JOIN roles ON roles.person_id = people.id WHERE people.telegram_id = ?"
            " ORDER BY roles.role, roles.unit_id", (telegram_id,))
        if not rows:
            return None
        person = _person(rows[0])
        return person, [Grant(person.id, Role(row["grant_role"]), row["grant_unit"])
                        for row in rows if row["grant_role"] is not None]

    async def grants_of(self, person_id: int) -> list[Grant]:
        rows = await self._all(
            "SELECT * FROM roles WHERE person_id = ? ORDER BY role, unit_id", (person_id,))
        return [Grant(row["person_id"], Role(row["role"]), row["unit_id"]) for row in rows]

    async def grant(self, person_id: int, role: Role, unit_id: str, now: datetime) -> None:
        await self._write(
            "INSERT OR IGNORE INTO roles (person_id, role, unit_id, granted_at) VALUES (?, ?, ?, ?)",
            (person_id, role.value, unit_id, _ts(now)),
        )

    async def revoke(self, person_id: int, role: Role, unit_id: str) -> bool:
        changed = await self._write(
            "DELETE FROM roles WHERE person_id = ? AND role = ? AND unit_id = ?",
            (person_id, role.value, unit_id),
        )
        return changed > 0

    async def contacts(self) -> list[tuple[str, Person]]:
        """Every (unit id, contact person), ordered by unit then name."""
        rows = await self._all(
            "SELECT r.unit_id AS unit_id, p.* FROM roles r JOIN people p ON p.id = r.person_id"
            " WHERE r.role = 'contact' ORDER BY r.unit_id, p.name, p.id")
        return [(row["unit_id"], _person(row)) for row in rows]

    async def council_members(self) -> list[Person]:
        rows = await self._all(
            "SELECT p.* FROM roles r JOIN people p ON p.id = r.person_id"
            " WHERE r.role = 'council' ORDER BY p.name, p.id")
        return [_person(row) for row in rows]

    async def people_names(self) -> dict[int, str]:
        """person id → display name, for "answered by" columns."""
        rows = await self._all("SELECT id, name, telegram_id FROM people")
        # an erased person's pseudonym id (negative) is no name: "" lets the reader say
        # "a former contact of <unit>"
        return {row["id"]: row["name"] or (str(row["telegram_id"]) if row["telegram_id"] > 0 else "")
                for row in rows}

    async def people_by_telegram_ids(self, telegram_ids: Iterable[int]) -> list[Person]:
        ids = list(telegram_ids)
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        rows = await self._all(f"SELECT * FROM people WHERE telegram_id IN ({marks})", ids)
        return [_person(row) for row in rows]

    # invitations ---------------------------------------------------------------------
    async def create_invitation(self, code: str, role: Role, unit_id: str, created_by: int,
                                now: datetime, expires_at: datetime) -> None:
        await self._write(
            "INSERT INTO invitations (code, role, unit_id, created_by, created_at, expires_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (code, role.value, unit_id, created_by, _ts(now), _ts(expires_at)),
        )

    async def invitation(self, code: str) -> Invitation | None:
        row = await self._one("SELECT * FROM invitations WHERE code = ?", (code,))
        if row is None:
            return None
        return Invitation(row["code"], Role(row["role"]), row["unit_id"], row["created_by"],
                          datetime.fromisoformat(row["created_at"]),
                          datetime.fromisoformat(row["expires_at"]),
                          row["used_by"], _dt(row["used_at"]))

    async def redeem_invitation(self, code: str, person_id: int, now: datetime) -> bool:
        """Use the invitation and grant its role atomically; False if used or expired."""
        async with self._transaction() as db:
            cursor = await db.execute(
                "UPDATE invitations SET used_by = ?, used_at = ?"
                " WHERE code = ? AND used_by IS NULL AND expires_at > ?",
                (person_id, _ts(now), code, _ts(now)),
            )
            if cursor.rowcount != 1:
                return False
            await db.execute(
                "INSERT OR IGNORE INTO roles (person_id, role, unit_id, granted_at)"
                " SELECT ?, role, unit_id, ? FROM invitations WHERE code = ?",
                (person_id, _ts(now), code),
            )
            return True
