"""Reminder texts escalate: days left, tomorrow, today, overdue; what is answered; and a
"Continue" button once answers exist. Rendered with the real catalogue and catalogues."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.catalogue.loader import load_catalogue
from bot.chat.notices import reminder_composer, reminder_text, told_text
from bot.domain.records import Person, Round
from bot.domain.reminding import ReminderKind
from bot.domain.reporting import Owed
from bot.i18n import Translators

DEADLINE = date(2027, 1, 31)
ROUND = Round(2026, DEADLINE, (14, 7, 1), None, datetime(2026, 11, 1, tzinfo=UTC), None)


@pytest.fixture(scope="module")
def index():  # type: ignore[no-untyped-def]
    return load_catalogue()


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_14_days_1_day_and_overdue_say_different_things(index, lang: str) -> None:  # type: ignore[no-untyped-def]
    tr = Translators()[lang]

    def text(kind: ReminderKind, days_before: int) -> str:
        return reminder_text(index, tr, ROUND, "welcome-office", 3, kind, (0, 9),
                             DEADLINE - timedelta(days=days_before))

    fortnight, tomorrow, today = (text(ReminderKind.BEFORE, d) for d in (14, 1, 0))
    overdue = text(ReminderKind.OVERDUE, -3)
    assert len({fortnight, tomorrow, today, overdue}) == 4
    assert "14" in fortnight and tr.date(DEADLINE) in fortnight


def test_english_reminders_name_the_days_left(index) -> None:  # type: ignore[no-untyped-def]
    tr = Translators()["en"]
    week = reminder_text(index, tr, ROUND, "welcome-office", 3, ReminderKind.BEFORE, (5, 12),
                         DEADLINE - timedelta(days=7))
    assert "in 7 days" in week and "5 of 12 questions are already answered" in week
    tomorrow = reminder_text(index, tr, ROUND, "welcome-office", 1, ReminderKind.BEFORE,
                             today=DEADLINE - timedelta(days=1))
    assert "tomorrow" in tomorrow and "1 measure" in tomorrow


def test_the_button_says_continue_once_answers_exist(index) -> None:  # type: ignore[no-untyped-def]
    compose = reminder_composer(index, Translators(), ROUND, ReminderKind.BEFORE,
                                DEADLINE - timedelta(days=7))
    person = Person(1, 20, "Aino", "sv", True, True)
    fresh = compose(person, "welcome-office", Owed(3, 0, 12)).markup
    started = compose(person, "welcome-office", Owed(3, 5, 12)).markup
    assert fresh is not None and started is not None
    assert fresh.inline_keyboard[0][0].text == "Börja rapportera"
    assert started.inline_keyboard[0][0].text == "Fortsätt (5/12 besvarade)"


def test_telling_nobody_is_said_in_words_and_counts_take_plurals() -> None:
    fi, sv = Translators()["fi"], Translators()["sv"]
    assert "Kenellekään" in told_text(fi, 0) and "0" not in told_text(fi, 0)
    assert "Kerroin 1 yhteyshenkilölle" in told_text(fi, 1)
    assert sv.ngettext("{count} met", "{count} met", 1).format(count=1) == "1 nådd"
    assert sv.ngettext("{count} met", "{count} met", 2).format(count=2) == "2 nådda"
