"""Callback data: compact, checked, never trusted, and always within Telegram's 64 bytes."""

from __future__ import annotations

import pytest

from bot.catalogue.index import CatalogueIndex
from bot.chat import callbacks
from bot.chat.callbacks import (
    MAX_CALLBACK_BYTES,
    BadCallback,
    UnitRef,
    pack,
    position_of,
    unpack,
    year_of,
)
from bot.domain.answers import CHOICES, Status

# unit references -----------------------------------------------------------------------

def test_every_unit_survives_a_round_trip(index) -> None:
    for unit_id in index.units:
        token = UnitRef(unit_id).encode(index)
        assert UnitRef.decode(token, index) == UnitRef(unit_id)


def test_tokens_are_unique_per_unit(index) -> None:
    tokens = [UnitRef(unit_id).encode(index) for unit_id in index.units]
    assert len(tokens) == len(set(tokens))


def test_a_tampered_checksum_is_refused(index) -> None:
    position, _, check = UnitRef("hr-unit").encode(index).partition("-")
    forged = f"{int(check, 16) ^ 1:04x}"
    with pytest.raises(BadCallback):
        UnitRef.decode(f"{position}-{forged}", index)


def test_another_units_checksum_is_refused(index) -> None:
    position, _, _ = UnitRef("hr-unit").encode(index).partition("-")
    _, _, other = UnitRef("welcome-office").encode(index).partition("-")
    with pytest.raises(BadCallback):
        UnitRef.decode(f"{position}-{other}", index)


def test_a_position_past_the_last_unit_is_refused(index) -> None:
    last_id = list(index.units)[-1]
    _, _, check = UnitRef(last_id).encode(index).partition("-")
    with pytest.raises(BadCallback):
        UnitRef.decode(f"{len(index.units)}-{check}", index)


@pytest.mark.parametrize("token", ["", "-", "abc", "1", "1-", "x-0000", "-1-0000", " 1-0000",
                                   "1.0-0000", "99999999999999999999-0000"])
def test_garbage_unit_tokens_are_refused(index, token) -> None:
    with pytest.raises(BadCallback):
        UnitRef.decode(token, index)


def test_a_superscript_digit_unit_position_is_a_bad_callback(index) -> None:
    with pytest.raises(BadCallback):
        UnitRef.decode("²-0000", index)


# packing and unpacking -----------------------------------------------------------------

def test_pack_joins_with_colons() -> None:
    assert pack("a", 2026, "3-abcd", 7, "ffff", "done") == "a:2026:3-abcd:7:ffff:done"


def test_pack_accepts_exactly_64_bytes() -> None:
    data = pack("l", "x" * (MAX_CALLBACK_BYTES - 2))
    assert len(data.encode()) == MAX_CALLBACK_BYTES


def test_pack_refuses_more_than_64_bytes() -> None:
    with pytest.raises(ValueError):
        pack("l", "x" * (MAX_CALLBACK_BYTES - 1))


def test_pack_counts_utf8_bytes_not_characters() -> None:
    text = "ä" * 32  # 32 characters, 64 bytes
    assert len(f"l:{text}") < MAX_CALLBACK_BYTES
    with pytest.raises(ValueError):
        pack("l", text)
    assert pack("l", "ä" * 31) == "l:" + "ä" * 31  # 2 + 62 = 64 bytes


def test_unpack_returns_the_fields_after_the_prefix() -> None:
    assert unpack("u:2026:3-abcd", callbacks.START_REPORT, 2) == ["2026", "3-abcd"]


@pytest.mark.parametrize("data", ["r:2026:3-abcd", "u:2026", "u:2026:3-abcd:extra", "", "u"])
def test_unpack_refuses_a_wrong_prefix_or_count(data) -> None:
    with pytest.raises(BadCallback):
        unpack(data, callbacks.START_REPORT, 2)


def test_bad_callback_is_a_value_error() -> None:
    assert issubclass(BadCallback, ValueError)


# numbers ---------------------------------------------------------------------------------

@pytest.mark.parametrize("token, year", [("2000", 2000), ("2026", 2026), ("2100", 2100)])
def test_year_of_accepts_sensible_years(token, year) -> None:
    assert year_of(token) == year


@pytest.mark.parametrize("token", ["1999", "2101", "", "-2026", "20x6", "2026.0", " 2026"])
def test_year_of_refuses_the_rest(token) -> None:
    with pytest.raises(BadCallback):
        year_of(token)


@pytest.mark.parametrize("token, position", [("0", 0), ("9999", 9999), ("10000", 10_000)])
def test_position_of_accepts_zero_to_ten_thousand(token, position) -> None:
    assert position_of(token) == position


@pytest.mark.parametrize("token", ["10001", "-1", "", "x", "1.5"])
def test_position_of_refuses_the_rest(token) -> None:
    with pytest.raises(BadCallback):
        position_of(token)


@pytest.mark.parametrize("parse", [year_of, position_of])
def test_superscript_digits_are_a_bad_callback(parse) -> None:
    with pytest.raises(BadCallback):
        parse("²")


# the 64-byte budget ------------------------------------------------------------------------

YEAR, POSITION, CHECK, PERSON_ID = 2100, 9999, "ffff", 999_999_999
ANSWER_VALUES = ({s.value for s in Status} | {v for kind in CHOICES.values() for v in kind}
                 | {"same", "none"})


def every_callback(index: CatalogueIndex, unit_id: str) -> list[tuple[object, ...]]:
    unit = UnitRef(unit_id).encode(index)
    return [
        *[(callbacks.ANSWER, YEAR, unit, POSITION, CHECK, value) for value in ANSWER_VALUES],
        *[(callbacks.NAVIGATE, YEAR, unit, POSITION, CHECK, move) for move in ("back", "skip")],
        (callbacks.START_REPORT, YEAR, unit),
        *[(callbacks.REVIEW, YEAR, unit, action) for action in ("submit", "missing", "restart")],
        (callbacks.INVITE, unit),
        (callbacks.INVITE, "council"),
        (callbacks.REMOVE_CONTACT, PERSON_ID, unit),
        (callbacks.NUDGE_ALL, YEAR),
        *[(callbacks.LANGUAGE, lang) for lang in ("fi", "sv", "en")],
    ]


def test_an_answer_button_with_the_longest_status_fits(index) -> None:
    for unit_id in index.units:
        data = pack(callbacks.ANSWER, 2026, UnitRef(unit_id).encode(index), 9999, "ffff",
                    "not_started")
        assert len(data.encode()) <= MAX_CALLBACK_BYTES


def test_every_callback_kind_fits_in_64_bytes_for_every_unit(index) -> None:
    for unit_id in index.units:
        for parts in every_callback(index, unit_id):
            assert len(pack(*parts).encode()) <= MAX_CALLBACK_BYTES, parts


def test_every_packed_callback_unpacks_to_its_parts(index) -> None:
    for unit_id in index.units:
        for prefix, *rest in every_callback(index, unit_id):
            assert unpack(pack(prefix, *rest), str(prefix), len(rest)) == [str(p) for p in rest]
