"""Parsing of typed answers: numbers the way people type them on a phone, and free text."""

from __future__ import annotations

import pytest

from bot.catalogue.models import IndicatorKind
from bot.domain.answers import (
    MAX_COUNT,
    MAX_NUMBER,
    MAX_TEXT_LENGTH,
    AmbiguousNumber,
    InvalidAnswer,
    parse_number,
    parse_text,
    parse_yes_no,
)

COUNT, NUMBER, PERCENT = IndicatorKind.COUNT, IndicatorKind.NUMBER, IndicatorKind.PERCENT


def reason(text: str, kind: IndicatorKind) -> str:
    with pytest.raises(InvalidAnswer) as caught:
        parse_number(text, kind)
    return caught.value.reason


# numbers -----------------------------------------------------------------------------

@pytest.mark.parametrize("kind", [COUNT, NUMBER, PERCENT])
def test_a_plain_whole_number_is_an_int(kind: IndicatorKind) -> None:
    value = parse_number("12", kind)
    assert value == 12 and isinstance(value, int)


@pytest.mark.parametrize("text", ["12,5", "12.5"])
def test_decimal_comma_and_point_both_work_for_number(text: str) -> None:
    assert parse_number(text, NUMBER) == 12.5


def test_a_whole_decimal_is_returned_as_int() -> None:
    value = parse_number("12,0", NUMBER)
    assert value == 12 and isinstance(value, int)


@pytest.mark.parametrize("text", ["1 200", "1\u00a0200"])
def test_space_and_no_break_space_group_thousands(text: str) -> None:
    assert parse_number(text, COUNT) == 1200


def test_surrounding_whitespace_is_ignored() -> None:
    assert parse_number(" 7 ", COUNT) == 7


@pytest.mark.parametrize("text", ["twelve", "12a", "", "   ", "12,", ".5", "1e5", "12,5,1"])
@pytest.mark.parametrize("kind", [COUNT, NUMBER, PERCENT])
def test_anything_not_numeric_is_not_a_number(text: str, kind: IndicatorKind) -> None:
    assert reason(text, kind) == "not_a_number"


@pytest.mark.parametrize("kind", [COUNT, NUMBER, PERCENT])
def test_negative_values_are_refused(kind: IndicatorKind) -> None:
    assert reason("-3", kind) == "negative"


def test_a_count_must_be_whole() -> None:
    assert reason("12,5", COUNT) == "not_whole"


def test_a_count_above_the_maximum_is_too_large_and_carries_the_limit() -> None:
    with pytest.raises(InvalidAnswer) as caught:
        parse_number(str(2_000_000), COUNT)
    assert caught.value.reason == "too_large"
    assert caught.value.limit == MAX_COUNT


def test_a_count_at_the_maximum_is_accepted() -> None:
    assert parse_number(str(MAX_COUNT), COUNT) == MAX_COUNT


def test_a_number_above_the_maximum_is_too_large() -> None:
    with pytest.raises(InvalidAnswer) as caught:
        parse_number(str(MAX_NUMBER + 1), NUMBER)
    assert caught.value.reason == "too_large"
    assert caught.value.limit == MAX_NUMBER


def test_a_percentage_over_100_is_refused_with_the_limit() -> None:
    with pytest.raises(InvalidAnswer) as caught:
        parse_number("101", PERCENT)
    assert caught.value.reason == "over_100"
    assert caught.value.limit == 100


@pytest.mark.parametrize("text, expected", [("45 %", 45), ("45%", 45), ("100", 100), ("0", 0),
                                            ("12,5 %", 12.5)])
def test_percent_accepts_a_trailing_percent_sign(text: str, expected: float) -> None:
    assert parse_number(text, PERCENT) == expected


def test_a_number_may_exceed_100() -> None:
    assert parse_number("101", NUMBER) == 101


def test_a_percent_sign_inside_the_digits_is_not_a_number() -> None:
    assert reason("1%2", PERCENT) == "not_a_number"


def test_a_percent_sign_is_not_accepted_for_a_count() -> None:
    assert reason("12 %", COUNT) == "not_a_number"


def test_an_absurdly_long_count_is_too_large_not_fractional() -> None:
    assert reason("9" * 400, COUNT) == "too_large"


@pytest.mark.parametrize("text", ["1,000", "1.000", "1 000", "1\u00a0000", "1\u202f000",
                                  "1\u2009000"])
def test_a_thousand_in_a_count_is_a_thousand_however_grouped(text: str) -> None:
    assert parse_number(text, COUNT) == 1000


@pytest.mark.parametrize("text, expected", [("1.000.000", 1_000_000), ("1,000.5", 1000.5),
                                            ("1.000,5", 1000.5), ("0,500", 0.5)])
def test_unambiguous_grouping_and_decimals(text: str, expected: float) -> None:
    assert parse_number(text, NUMBER) == expected


@pytest.mark.parametrize("text, readings", [("1,000", (1000, 1)), ("12.500", (12500, 12.5))])
def test_a_decimal_field_asks_when_the_digits_read_two_ways(text: str, readings: tuple) -> None:
    with pytest.raises(AmbiguousNumber) as caught:
        parse_number(text, NUMBER)
    assert caught.value.readings == readings


def test_a_percentage_over_100_is_not_a_reading() -> None:
    assert parse_number("1,000", PERCENT) == 1


def test_a_space_that_does_not_group_thousands_is_not_a_number() -> None:
    assert reason("12 5", COUNT) == "not_a_number"


@pytest.mark.parametrize("text, value", [("ja", "yes"), ("Kyllä", "yes"), ("yes.", "yes"),
                                         ("nej", "no"), ("EI", "no"), ("no", "no"),
                                         ("kanske", None)])
def test_yes_and_no_typed_in_any_language(text: str, value: str | None) -> None:
    assert parse_yes_no(text) == value


# text ----------------------------------------------------------------------------------

def test_text_is_trimmed() -> None:
    assert parse_text("  Went well.\n") == "Went well."


@pytest.mark.parametrize("text", ["", "   ", "\n\t "])
def test_empty_text_is_refused(text: str) -> None:
    with pytest.raises(InvalidAnswer) as caught:
        parse_text(text)
    assert caught.value.reason == "empty"


def test_text_at_the_limit_is_accepted() -> None:
    assert parse_text("x" * MAX_TEXT_LENGTH) == "x" * MAX_TEXT_LENGTH


def test_text_over_the_limit_is_too_long() -> None:
    with pytest.raises(InvalidAnswer) as caught:
        parse_text("x" * (MAX_TEXT_LENGTH + 1))
    assert caught.value.reason == "too_long"
    assert caught.value.limit == MAX_TEXT_LENGTH


def test_the_limit_applies_after_trimming() -> None:
    assert parse_text("  " + "x" * MAX_TEXT_LENGTH + "  ") == "x" * MAX_TEXT_LENGTH


def test_invalid_answer_is_a_value_error() -> None:
    assert issubclass(InvalidAnswer, ValueError)
