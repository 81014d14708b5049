"""SQL for summaries: a round's facts as plain rows, decoded as little as possible.

A mixin of `Storage` (through `ReportingQueries`). Why plain tuples and not `aiosqlite.Row`:
a summary reads whole rounds, tens of thousands of rows at 5,000 units. Every `Row` is an
object the cyclic garbage collector tracks until it dies, and so is every `Answer` built
from it; while a round is being decoded they are alive, survive young collections and pile
up until a full collection walks the whole heap, the catalogue included (half a million
objects at 5,000 units). That, not the SQL, made the cost per unit grow with the number of
units (see bench/README.md). A tuple of strings and numbers is untracked at the first young
collection, so it never reaches a full one.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol, cast

import aiosqlite


class _Reader(Protocol):
    @property
    def _read_db(self) -> aiosqlite.Connection: ...


class SummaryQueries:
    """Whole-round reads for summaries. Mixed into `Storage`."""

    async def _tuples(self: _Reader, sql: str, params: Iterable[Any] = ()) -> list[tuple[Any, ...]]:
        """Rows as plain tuples (see the module's docstring for why not `Row`s)."""
        async with self._read_db.execute(sql, tuple(params)) as cursor:
            cursor.row_factory = None
            return cast(list[tuple[Any, ...]], list(await cursor.fetchall()))
