"""End to end, as a busy unit contact on a phone (issue 12): a number means what was typed,
one answer is fixed in two taps, and no interruption loses what was typed."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fake_telegram import BotMessage, FakeTelegram, FakeUser
from harness import COORDINATOR_ID, Clock, press, say
from test_e2e_people import invite
from test_e2e_report import TYPE_NUMBER, answer_in_english, is_review, join, open_round

from bot.i18n import Translators


def stored(database: Path, key_prefix: str) -> list[object]:
    """What the database holds for answers under a key prefix (read, not through the bot)."""
    with sqlite3.connect(database) as db:
        rows = db.execute("SELECT value FROM answers WHERE key LIKE ? ORDER BY key",
                          (key_prefix + "%",)).fetchall()
    return [json.loads(value) for (value,) in rows]


async def until_review(tg: FakeTelegram, user: FakeUser, step: BotMessage) -> BotMessage:
    while not is_review(step):
        step = await answer_in_english(tg, user, step)
    return step


async def test_a_thousand_typed_with_a_separator_is_a_thousand(tg: FakeTelegram, bot: object,
                                                               database: Path) -> None:
    await open_round(tg)
    contact = await join(tg, 20, "employment-services")
    step = await press(tg, contact, await say(tg, contact, "/report"), "Done")
    step = await say(tg, contact, "1,000")
    assert "✓ Saved: 1,000" in step.plain
    review = await say(tg, contact, "1 000")
    assert is_review(review)
    assert stored(database, "field:") == [1000, 1000]


async def test_finnish_1_000_with_a_point_is_a_thousand(tg: FakeTelegram, bot: object,
                                                        database: Path) -> None:
    await open_round(tg)
    contact = await join(tg, 20, "employment-services", language="fi")
    tr = Translators()["fi"]
    step = await press(tg, contact, await say(tg, contact, "/report"), tr.gettext("Done"))
    step = await say(tg, contact, "1.000")
    assert tr.number(1000) in step.plain
    wrong = await say(tg, contact, "tre")
    assert wrong.plain == tr.gettext("That is not a number. Please type a whole number, "
                                     "for example 12.")
    assert stored(database, "field:") == [1000]


async def test_a_correction_typed_after_an_answer_is_offered_back(tg: FakeTelegram, bot: object,
                                                                  database: Path) -> None:
    await open_round(tg)
    contact = await join(tg, 20, "welcome-office")
    await press(tg, contact, await say(tg, contact, "/report"), "In progress")
    await say(tg, contact, "4")
    status = await say(tg, contact, "1")  # the next measure's status is on screen now
    assert "What is the status" in status.plain
    offer = await say(tg, contact, "12")  # "oops, 12"
    assert "Save “12” as the answer to the previous question" in offer.plain
    again = await press(tg, contact, offer, "✅ Save it")
    assert "✓ Saved: 12" in again.plain and "What is the status" in again.plain
    assert 12 in stored(database, "field:") and 1 not in stored(database, "field:")


async def test_fixing_measure_6_of_7_from_the_review_takes_two_taps(tg: FakeTelegram,
                                                                     bot: object) -> None:
    await open_round(tg)
    contact = await join(tg, 20, "whole-city")
    review = await until_review(tg, contact, await say(tg, contact, "/report"))
    assert "6.1" in review.plain and "Went well." in review.plain
    question = await press(tg, contact, review, "✏ 6.1")  # tap 1
    assert "measure 6/7" in question.plain
    back = await say(tg, contact, "Better than planned.")  # tap 2 (the answer itself)
    assert is_review(back) and "Better than planned." in back.plain
    status = await press(tg, contact, back, "✏ 3 Status")  # a status, the same way
    back = await press(tg, contact, status, "Done")
    assert is_review(back) and "3." in back.plain and "Done" in back.plain
    thanks = await press(tg, contact, back, "✅ Submit")
    assert "submitted" in thanks.plain and "✏ 6.1" in thanks.button_texts()  # still fixable


async def test_status_then_a_typed_answer_lands_on_the_question_after_one_tap(
        tg: FakeTelegram, bot: object, database: Path) -> None:
    await open_round(tg)
    contact = await join(tg, 20, "employment-services")
    question = await press(tg, contact, await say(tg, contact, "/report"), "Done")
    status = await say(tg, contact, "/status")
    assert "Continue (1/3 answered)" in status.button_texts()
    offer = await say(tg, contact, "5")
    assert "Save “5” as the answer to:" in offer.plain
    saved = await press(tg, contact, offer, "✅ Save it")
    assert "✓ Saved: 5" in saved.plain
    assert stored(database, "field:") == [5]
    assert question.message_id != saved.message_id


async def test_an_older_offer_cannot_save_a_newer_text(tg: FakeTelegram, bot: object,
                                                       database: Path) -> None:
    await open_round(tg)
    contact = await join(tg, 20, "employment-services")
    await press(tg, contact, await say(tg, contact, "/report"), "Done")
    await say(tg, contact, "/help")
    first = await say(tg, contact, "5")
    second = await say(tg, contact, "6")
    await tg.press(contact, first, "✅ Save it")
    assert "no longer valid" in (await tg.next_reply(contact)).plain
    saved = await press(tg, contact, second, "✅ Save it")
    assert "✓ Saved: 6" in saved.plain and stored(database, "field:") == [6]


async def test_language_mid_report_keeps_the_place(tg: FakeTelegram, bot: object,
                                                   database: Path) -> None:
    await open_round(tg)
    contact = await join(tg, 20, "employment-services")
    await press(tg, contact, await say(tg, contact, "/report"), "Done")
    choice = await say(tg, contact, "/language")
    await tg.press(contact, choice, "Svenska")
    await tg.next_reply(contact)  # the language message, edited
    await tg.next_reply(contact)  # the help in Swedish
    tr = Translators()["sv"]
    offer = await say(tg, contact, "7")
    assert "Spara ”7” som svar på" in offer.plain and "??" not in offer.plain
    saved = await press(tg, contact, offer, tr.gettext("✅ Save it"))
    assert "7" in saved.plain and stored(database, "field:") == [7]


async def test_cancel_then_report_resumes_at_the_same_step_even_a_comment(
        tg: FakeTelegram, bot: object, database: Path) -> None:
    await open_round(tg)
    contact = await join(tg, 20, "welcome-office")
    step = await say(tg, contact, "/report")
    comment = await press(tg, contact, step, "💬 Add a comment to measure 1")
    assert "Anything to add" in comment.plain
    stopped = await say(tg, contact, "/cancel")
    assert "measure 1/3" in stopped.plain and "comment" in stopped.plain
    assert "not waiting" in (await say(tg, contact, "hello")).plain
    again = await say(tg, contact, "/report")
    assert "Anything to add" in again.plain
    after = await say(tg, contact, "Started in March.")
    assert "✓ Saved: Started in March." in after.plain
    assert stored(database, "comment:") == ["Started in March."]


async def test_a_measure_not_started_asks_no_indicator(tg: FakeTelegram, bot: object,
                                                       database: Path) -> None:
    await open_round(tg)
    contact = await join(tg, 20, "employment-services")
    review = await press(tg, contact, await say(tg, contact, "/report"), "Not started")
    assert is_review(review) and "Every question is answered" in review.plain
    assert "not applicable" in review.plain
    assert "Comment" not in review.plain and "no comment" not in review.plain  # none given
    assert stored(database, "field:") == []  # not stored as zero


async def test_numbers_go_when_a_measure_is_changed_to_not_started(
        tg: FakeTelegram, bot: object, database: Path) -> None:
    """A contact who gave numbers and then marks the measure "not started" from the review:
    the numbers no longer apply, so they are removed (with history), not submitted."""
    await open_round(tg)
    contact = await join(tg, 20, "employment-services")
    step = await press(tg, contact, await say(tg, contact, "/report"), "In progress")
    assert TYPE_NUMBER in step.plain
    await say(tg, contact, "7")
    review = await until_review(tg, contact, await say(tg, contact, "3"))
    assert sorted(stored(database, "field:")) == [3, 7]
    status = await press(tg, contact, review, "✏ 1 Status")
    review = await press(tg, contact, status, "Not started")
    assert is_review(review) and "not applicable" in review.plain
    assert "7 people" not in review.plain and "3 people" not in review.plain
    assert stored(database, "field:") == []
    with sqlite3.connect(database) as db:
        removed = db.execute("SELECT count(*) FROM answer_history WHERE key LIKE 'field:%'"
                             " AND new_value = 'null'").fetchone()[0]
    assert removed == 2  # who removed them, and when, stays in the history


async def test_yes_typed_in_swedish_answers_a_yes_no_question(tg: FakeTelegram, bot: object,
                                                              database: Path) -> None:
    await open_round(tg)
    contact = await join(tg, 20, "whole-city", language="sv")
    tr = Translators()["sv"]
    step = await press(tg, contact, await say(tg, contact, "/report"), tr.gettext("In progress"))
    step = await say(tg, contact, "3")
    step = await press(tg, contact, step, tr.gettext("In progress"))
    assert tr.gettext("Yes") in step.button_texts()
    saved = await say(tg, contact, "ja")
    assert tr.gettext("Yes") in saved.plain.split("\n")[0]
    assert "yes" in stored(database, "field:")


async def test_a_long_text_is_kept_whole(tg: FakeTelegram, bot: object, database: Path) -> None:
    await open_round(tg)
    contact = await join(tg, 20, "welcome-steps")
    await press(tg, contact, await say(tg, contact, "/report"), "In progress")
    await say(tg, contact, "3")
    text = ("We met every family twice. " * 120)[:3000]
    review = await say(tg, contact, text)
    assert is_review(review) and "…" in review.plain
    assert text.strip() in stored(database, "field:")


async def test_a_swedish_contact_reports_seven_measures_in_at_most_20_actions(
        tg: FakeTelegram, bot: object) -> None:
    await open_round(tg)
    contact = await join(tg, 20, "whole-city", language="sv")
    tr = Translators()["sv"]
    actions = 1
    step = await say(tg, contact, "/report")
    while tr.gettext("✅ Submit") not in step.button_texts():
        actions += 1
        if tr.gettext("In progress") in step.button_texts():
            step = await press(tg, contact, step, tr.gettext("In progress"))
        elif tr.gettext("Yes") in step.button_texts():
            step = await press(tg, contact, step, tr.gettext("Yes"))
        elif tr.gettext("Type a whole number, for example 12.") in step.plain:
            step = await say(tg, contact, "12")
        else:
            step = await say(tg, contact, "Bra.")
    thanks = await press(tg, contact, step, tr.gettext("✅ Submit"))
    actions += 1
    assert "2026" in thanks.plain
    assert actions <= 20, actions


async def test_status_after_the_deadline_says_overdue(tg: FakeTelegram, bot: object,
                                                      clock: Clock) -> None:
    await open_round(tg)
    contact = await join(tg, 20, "employment-services")
    clock.set(datetime(2027, 2, 3, 10, tzinfo=UTC))
    status = await say(tg, contact, "/status")
    assert "overdue" in status.plain and "31 Jan 2027" in status.plain


async def test_start_with_ones_own_used_link_says_already_a_contact(tg: FakeTelegram,
                                                                    bot: object) -> None:
    code = await invite(tg, "green-areas")
    contact = tg.user(20, first_name="Aino", language_code="en")
    await say(tg, contact, f"/start {code}")
    await tg.next_reply(tg.user(COORDINATOR_ID))
    tg.drain(contact)
    again = await say(tg, contact, f"/start {code}")
    assert "already a contact person for Green areas unit" in again.plain
    assert "new" not in again.plain


async def test_a_number_typed_as_a_comment_is_offered_as_the_measures_number(
        tg: FakeTelegram, bot: object, database: Path) -> None:
    await open_round(tg)
    contact = await join(tg, 20, "green-areas")
    await press(tg, contact, await say(tg, contact, "/report"), "In progress")
    await say(tg, contact, "4")
    review = await say(tg, contact, "1")
    assert is_review(review)
    status = await press(tg, contact, review, "✏ 1 Status")
    comment = await press(tg, contact, status, "💬 Add a comment to measure 1")
    offer = await say(tg, contact, "12")
    assert "Save “12” as the answer to the previous question" in offer.plain
    back = await press(tg, contact, offer, "✅ Save it")
    assert "✓ Saved: 12" in back.plain
    assert 12 in stored(database, "field:") and stored(database, "comment:") == []
    assert comment.message_id


async def test_a_shared_indicator_shows_where_it_was_answered(tg: FakeTelegram, bot: object) -> None:
    await open_round(tg)
    contact = await join(tg, 20, "family-centre")
    step = await say(tg, contact, "/report")
    while "measure 3/3" not in step.plain:
        step = await answer_in_english(tg, contact, step)
    assert "(answered under measure 2): 12" in step.plain  # measure 3's status question
    review = await until_review(tg, contact, step)
    third = review.plain.split("\n3. ")[1]
    assert "(answered under measure 2): 12" in third


async def test_skip_and_back_pass_over_comments_and_a_comment_leads_back_to_its_measure(
        tg: FakeTelegram, bot: object) -> None:
    await open_round(tg)
    contact = await join(tg, 20, "welcome-office")
    status = await say(tg, contact, "/report")
    comment = await press(tg, contact, status, "💬 Add a comment to measure 1")
    after = await say(tg, contact, "Waiting for funding.")
    assert "measure 1/3" in after.plain and "What is the status" in after.plain
    step = await press(tg, contact, after, "In progress")
    step = await press(tg, contact, step, "Skip ➡")  # the first count
    step = await press(tg, contact, step, "Skip ➡")  # the second: on to measure 2, no comment
    assert "measure 2/3" in step.plain and "What is the status" in step.plain
    back = await press(tg, contact, step, "⬅ Back")
    assert "measure 1/3" in back.plain and TYPE_NUMBER in back.plain
    assert comment.message_id


@pytest.mark.parametrize(("language", "one", "two"), [
    ("en", "✓ Saved: 1 person", "2 people"), ("fi", "1 henkilö", "2 henkilöä"),
    ("sv", "1 person", "2 personer")])
async def test_one_is_followed_by_the_singular(tg: FakeTelegram, bot: object, language: str,
                                               one: str, two: str) -> None:
    tr = Translators()[language]
    await open_round(tg)
    contact = await join(tg, 20, "employment-services", language=language)
    step = await press(tg, contact, await say(tg, contact, "/report"), tr.gettext("In progress"))
    saved = await say(tg, contact, "1")
    assert one in saved.plain.split("\n")[0], saved.plain
    review = await say(tg, contact, "2")  # the last question: the review follows
    assert tr.gettext("✅ Submit") in review.button_texts() and two in review.plain
    assert one.removeprefix("✓ Saved: ") in review.plain and step.message_id
