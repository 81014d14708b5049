"""Rounds: which year is being reported, and its default deadline."""

from __future__ import annotations

from datetime import date

from bot.catalogue.loader import load_catalogue
from bot.domain.rounds import default_round_year


def test_in_january_the_default_round_is_last_years() -> None:
    programme = load_catalogue().programme
    assert default_round_year(programme, date(2026, 1, 10)) == 2025
    assert default_round_year(programme, date(2026, 2, 1)) == 2026
    assert default_round_year(programme, date(2027, 1, 10)) == 2026  # the last programme year
