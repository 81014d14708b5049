"""SQL for summaries: a round's facts as plain rows, decoded as little as possible.

A mixin of `Storage` (through `ReportingQueries`). Why plain tuples and not `aiosqlite.Row`:
a summary reads whole rounds, tens of thousands of rows at 5,000 units. Every `Row` is an
object the cyclic garbage collector tracks until it dies, and so is every `Answer` built
from it; while a round is being decoded they are alive, survive young collections and pile
up until a full collection walks the whole heap, the catalogue included (half a million
objects at 5,000 units). That, not the SQL, made the cost per unit grow with the number of
units (see bench/README.md). A tuple of strings and numbers is untracked at the first young
collection, so it never reaches a full one.

`summary_facts` is what the /summary text needs, with the values decoded by SQLite
(`json_extract`) and only the rows the summary reads: statuses, numbers, the units that
answered, and, of the history, only which measures were last reported done.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, Protocol, cast

import aiosqlite

from bot.domain.records import SummaryFacts

_NUMBER = "json_type(value) IN ('integer', 'real', 'true', 'false')"
"""A numeric answer, as `summarise` counts one: a JSON number or boolean (Python's bool is
an int; json_extract gives 1 or 0, which sums and compares the same)."""


_THIS, _BEFORE, _ANSWERING, _HAS_PREVIOUS, _DONE, _SUBMITTED = range(6)
_FACTS = (
    "SELECT 0, unit_id, key, json_extract(value, '$') FROM answers WHERE year = ?"
    f" AND (key LIKE 'status:%' OR {_NUMBER})"
    " UNION ALL SELECT 1, unit_id, key, json_extract(value, '$') FROM answers WHERE year = ?"
    f" AND ((key LIKE 'status:%' AND value = '\"done\"') OR {_NUMBER})"
    " UNION ALL SELECT DISTINCT 2, unit_id, NULL, NULL FROM answers WHERE year = ?"
    " UNION ALL SELECT 3, NULL, NULL, EXISTS (SELECT 1 FROM answers WHERE year = ?)"
    # the latest earlier status of each carried measure (SQLite takes the bare `value` from
    # the row holding the MAX), kept when it is "done"
    " UNION ALL SELECT 4, unit_id, key, NULL FROM (SELECT unit_id, key, value, MAX(year)"
    " FROM answers WHERE year < ? AND key IN (SELECT 'status:' || value FROM json_each(?))"
    " GROUP BY unit_id, key) WHERE value = '\"done\"'"
    " UNION ALL SELECT 5, unit_id, NULL, late FROM submissions WHERE year = ?")
"""Every part of a round's `SummaryFacts`, tagged by its first column."""


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

    async def summary_facts(self: _Reader, year: int, carried: Iterable[str]) -> SummaryFacts:
        """What `summarise` reads of round `year`, in one statement whatever the size (one
        snapshot, one trip to the database's thread): this round's statuses and numbers, the
        round before's statuses done and numbers, the units that answered anything, whether
        the round before has any answer, which of the `carried` measures (those due only
        while not done) were last reported done before `year`, and who submitted."""
        rows = await SummaryQueries._tuples(self, _FACTS, (
            year, year - 1, year, year - 1, year, json.dumps(list(carried)), year))
        values: dict[tuple[str, str], Any] = {}
        previous: dict[tuple[str, str], Any] = {}
        answering: set[str] = set()
        done_before: dict[str, dict[str, str]] = {}
        submissions: dict[str, bool] = {}
        has_previous = False
        for part, unit, key, value in rows:
            if part == _THIS:
                values[unit, key] = value
            elif part == _BEFORE:
                previous[unit, key] = value
            elif part == _ANSWERING:
                answering.add(unit)
            elif part == _HAS_PREVIOUS:
                has_previous = bool(value)
            elif part == _DONE:
                done_before.setdefault(unit, {})[key.removeprefix("status:")] = "done"
            else:
                submissions[unit] = bool(value)
        return SummaryFacts(year, values, previous, frozenset(answering), has_previous,
                            done_before, submissions)
