"""Callback data for inline buttons: compact, checked, and never trusted.

Telegram limits `callback_data` to 64 bytes, too few for our readable ids, so a button
names a unit by its position in the catalogue's unit list plus a checksum of its id, and a
report step by its position in the walk plus a checksum of its answer key. Decoding
re-resolves both; anything that does not parse or no longer matches (a forged button, or a
stale one after the catalogue changed) raises `BadCallback`. Permissions are checked again
by the handler after decoding.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

from bot.catalogue.index import CatalogueIndex

MAX_CALLBACK_BYTES = 64


class BadCallback(ValueError):
    """Callback data that does not decode to a current, well-formed action."""


_DIGITS = re.compile(r"[0-9]{1,6}")


def is_number(token: str) -> bool:
    """ASCII digits only: `str.isdigit` would let "²" through to a failing int()."""
    return _DIGITS.fullmatch(token) is not None


def _check(text: str) -> str:
    return f"{zlib.crc32(text.encode()) & 0xFFFF:04x}"


@dataclass(frozen=True)
class UnitRef:
    unit_id: str

    def encode(self, index: CatalogueIndex) -> str:
        position = list(index.units).index(self.unit_id)
        return f"{position}-{_check(self.unit_id)}"

    @classmethod
    def decode(cls, token: str, index: CatalogueIndex) -> UnitRef:
        position, _, check = token.partition("-")
        units = list(index.units)
        if not is_number(position) or int(position) >= len(units):
            raise BadCallback(token)
        unit_id = units[int(position)]
        if _check(unit_id) != check:
            raise BadCallback(token)
        return cls(unit_id)


def draft_token(draft: str) -> str:
    """The answer-button value that saves a kept draft: "~" and a checksum of its text."""
    return f"~{_check(draft)}"


def pack(*parts: object) -> str:
    data = ":".join(str(part) for part in parts)
    if len(data.encode()) > MAX_CALLBACK_BYTES:
        raise ValueError(f"callback data over {MAX_CALLBACK_BYTES} bytes: {data!r}")
    return data


def unpack(data: str, prefix: str, count: int) -> list[str]:
    """The `count` fields after `prefix`, or BadCallback."""
    parts = data.split(":")
    if len(parts) != count + 1 or parts[0] != prefix:
        raise BadCallback(data)
    return parts[1:]


def year_of(token: str) -> int:
    if not is_number(token) or not 2000 <= int(token) <= 2100:
        raise BadCallback(token)
    return int(token)


def year_and_unit(data: str, prefix: str, index: CatalogueIndex) -> tuple[int, str]:
    """`<prefix>:<year>:<unit>`, the payload of every button that names a round and a unit."""
    year_t, unit_t = unpack(data, prefix, 2)
    return year_of(year_t), UnitRef.decode(unit_t, index).unit_id


def position_of(token: str) -> int:
    if not is_number(token) or int(token) > 10_000:
        raise BadCallback(token)
    return int(token)


# Prefixes, one per kind of button. Kept to one letter: every byte counts.
LANGUAGE = "l"  # l:<lang>
ANSWER = "a"  # a:<year>:<unit>:<step>:<check>:<value|#number|~draft check>
NAVIGATE = "n"  # n:<year>:<unit>:<step>:<check>:<back|skip|here>
FIX = "e"  # e:<year>:<unit>:<step>:<check>: that step, then back to the review
START_REPORT = "u"  # u:<year>:<unit>
REVIEW = "r"  # r:<year>:<unit>:<submit|missing|restart|show>
INVITE = "i"  # i:<unit> or i:council
REMOVE_CONTACT = "x"  # x:<person id>:<unit>
NUDGE_ALL = "m"  # m:<year>
CONFIRM = "k"  # k:<c|o|x|y|->:<year | person>[:<yyyymmdd | unit>]: an irreversible action, confirmed
DIGEST = "d"  # d:<year>:<s = as scheduled | p = postpone a week | n = send now>
HIGHLIGHT = "h"  # h:<year>:<unit>: choose or drop a unit's comment as a digest highlight
SCOPE = "y"  # y:<s = summary | e = export>:<year>[:<t = theme | u = unit | a = all>:<position | unit>]
ON_BEHALF = "o"  # o:<year>:<unit>: a coordinator reports for a unit without a contact
# also taken elsewhere: "f" (privacy: forget), "w" (imports: workbook)
