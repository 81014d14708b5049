"""Dates and names as coordinators type them."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.dates import NoSuchDay, looks_like_day, parse_day
from bot.domain.names import fold, match_names

TODAY = date(2026, 12, 1)


@pytest.mark.parametrize(("text", "expected"), [
    ("31.1.2027", date(2027, 1, 31)),
    ("2027-01-31", date(2027, 1, 31)),
    ("31.1.", date(2027, 1, 31)),      # the coming 31 January
    ("15.12.", date(2026, 12, 15)),    # still this year
    ("1.12.", date(2026, 12, 1)),      # today counts as coming
    ("30.11.", date(2027, 11, 30)),    # yesterday: next year's
    ("29.2.", date(2028, 2, 29)),      # the next one that exists
])
def test_dates_people_write(text: str, expected: date) -> None:
    assert parse_day(text, TODAY) == expected
    assert looks_like_day(text)


@pytest.mark.parametrize("text", ["31.2.2027", "tomorrow", "31/1/2027", "1.13.", "", "2027"])
def test_dates_that_are_not(text: str) -> None:
    with pytest.raises(ValueError):
        parse_day(text, TODAY)


NAMES = {"work": ["Työ", "Arbete", "Work"],
         "employment": ["Työllisyyspalvelut", "Sysselsättningstjänster", "Employment Services"],
         "health": ["Terveys ja hyvinvointi", "Hälsa och välmående", "Health and wellbeing"]}


def test_fold_drops_case_and_accents() -> None:
    assert fold("  Hälsa och VÄLMÅENDE ") == "halsa och valmaende"


def test_exact_name_beats_a_prefix() -> None:
    assert match_names("Työ", NAMES) == ["work"]
    assert match_names("tyo", NAMES) == ["work"]
    assert match_names("arbete", NAMES) == ["work"]


def test_prefix_and_word_prefix() -> None:
    assert match_names("työll", NAMES) == ["employment"]
    assert match_names("valma", NAMES) == ["health"]     # a word inside the name
    assert match_names("employment", NAMES) == ["employment"]  # the id itself


def test_no_match_and_ambiguity() -> None:
    assert match_names("mars", NAMES) == []
    assert match_names("", NAMES) == []
    assert sorted(match_names("h", NAMES)) == ["health"]
    assert sorted(match_names("e", NAMES)) == ["employment"]
    assert match_names("w", NAMES) == ["work"]  # a name's start beats a word inside one
    assert sorted(match_names("ty", NAMES)) == ["employment", "work"]  # ambiguous: both listed


def test_highlights_the_coordinators_choice_else_the_most_recent() -> None:
    from datetime import datetime

    from bot.domain.coordination import is_low_response, pick_highlights, response_rate

    at = {f"u{n}": datetime(2027, 1, n + 1) for n in range(7)}
    assert pick_highlights([], at) == ["u6", "u5", "u4", "u3", "u2"]
    assert pick_highlights(["u1", "gone", "u3"], at) == ["u1", "u3"]  # only units with comments
    assert is_low_response(1, 28) and not is_low_response(14, 28) and response_rate(0, 0) == 1.0


@pytest.mark.parametrize("text", ["31.2.2027", "31.2.", "2027-02-30", "1.13."])
def test_a_day_that_does_not_exist_is_named_as_such(text: str) -> None:
    with pytest.raises(NoSuchDay):
        parse_day(text, date(2026, 12, 1))
