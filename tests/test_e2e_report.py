"""End to end: a contact reports every due measure of their unit, on a phone, in each
language; bad input, forged buttons, a restart halfway, submitting, and /status."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fake_telegram import BotMessage, FakeTelegram, FakeUser
from harness import COORDINATOR_ID, Clock, confirm, make_settings, press, running_bot, say
from test_e2e_people import invite

from bot.catalogue.loader import load_catalogue
from bot.chat.callbacks import ANSWER, UnitRef, pack
from bot.i18n import Translator, Translators

TYPE_NUMBER = "Type a whole number"  # the count questions
PROGRESS = re.compile(r"measure (\d+)/(\d+)")


async def open_round(tg: FakeTelegram, *args: str) -> str:
    coordinator = tg.user(COORDINATOR_ID, first_name="Hanna", language_code="fi")
    tg.drain(coordinator)
    reply = await say(tg, coordinator, "/round open " + " ".join(args))
    return reply.plain


async def join(tg: FakeTelegram, user_id: int, unit: str, language: str = "en",
               name: str = "Aino") -> FakeUser:
    code = await invite(tg, unit)
    contact = tg.user(user_id, first_name=name, language_code=language)
    await say(tg, contact, f"/start {code}")
    assert name in (await tg.next_reply(tg.user(COORDINATOR_ID))).plain  # the joined note
    return contact


def is_review(message: BotMessage) -> bool:
    return any("Submit" in text for text in message.button_texts())


async def answer_in_english(tg: FakeTelegram, user: FakeUser, step: BotMessage) -> BotMessage:
    """Answer one step the way a diligent contact would; returns the bot's next step."""
    buttons = step.button_texts()
    for choice in ("In progress", "Partly", "Yes", "No comment"):
        if choice in buttons:
            return await press(tg, user, step, choice)
    if "Type a number" in step.plain or "Type a whole number" in step.plain:
        return await say(tg, user, "12")
    if "Type your answer" in step.plain:
        return await say(tg, user, "Went well.")
    raise AssertionError(f"unexpected step: {step.plain} {buttons}")


async def test_contact_reports_every_due_measure_and_submits(tg: FakeTelegram, bot: object) -> None:
    assert "2026" in await open_round(tg)
    contact = await join(tg, 20, "welcome-office")
    step = await say(tg, contact, "/report")
    assert "Welcome Office" in step.plain and "measure 1/3" in step.plain
    assert "What is the status of this measure?" in step.plain
    seen = set()
    while not is_review(step):
        match = PROGRESS.search(step.plain)
        assert match, step.plain
        seen.add(int(match.group(1)))
        step = await answer_in_english(tg, contact, step)
    assert seen == {1, 2, 3}
    assert "Every question is answered" in step.plain
    assert step.plain.count("In progress") == 3
    await tg.press(contact, step, "✅ Submit")
    thanks = await press_result(tg, contact, step)
    assert "submitted" in thanks.plain
    coordinator = tg.user(COORDINATOR_ID)
    note = await tg.next_reply(coordinator)
    assert "Welcome Office" in note.plain
    status = await say(tg, contact, "/status")
    assert "Submitted on" in status.plain and "31 Jan 2027" in status.plain
    assert status.button_texts() == ["Review and fix"]  # nothing left to continue


async def press_result(tg: FakeTelegram, user: FakeUser, pressed: BotMessage) -> BotMessage:
    while True:
        reply = await tg.next_reply(user)
        if reply.message_id != pressed.message_id and not reply.edited:
            return reply


async def test_bad_numbers_get_a_clear_answer_and_the_question_again(tg: FakeTelegram, bot: object) -> None:
    await open_round(tg)
    contact = await join(tg, 20, "employment-services")
    step = await say(tg, contact, "/report")
    step = await press(tg, contact, step, "In progress")
    assert TYPE_NUMBER in step.plain
    for bad, explanation in (("twelve", "not a number"), ("-4", "cannot be negative"),
                             ("2,5", "whole number"), ("99999999", "larger than")):
        await tg.send(contact, bad)
        (error,) = await tg.replies(contact, 1)  # one message per mistake: the hint only
        assert explanation in error.plain, (bad, error.plain)
        assert "12.5" not in error.plain  # a count never suggests a decimal
        await tg.wait_idle()
        assert tg.drain(contact) == []
    accepted = await say(tg, contact, "1 200")
    assert "✓ Saved: 1,200" in accepted.plain


async def test_buttons_are_rechecked_forged_and_foreign_ones_refused(tg: FakeTelegram, bot: object) -> None:
    await open_round(tg)
    contact = await join(tg, 20, "employment-services")
    step = await say(tg, contact, "/report")
    await tg.press_data(contact, step, "a:2026:0-ffff:0:abcd:done")
    assert "no longer valid" in (await tg.next_reply(contact)).plain
    index = load_catalogue()
    foreign = pack(ANSWER, 2026, UnitRef("welcome-office").encode(index), 0, "0000", "done")
    await tg.press_data(contact, step, foreign)
    assert "only see and answer your own units" in (await tg.next_reply(contact)).plain
    await tg.press_data(contact, step, "garbage")
    assert "no longer valid" in (await tg.next_reply(contact)).plain
    status = await say(tg, contact, "/status")
    assert "Answered: 0/" in status.plain  # nothing was written


async def test_restart_halfway_loses_nothing(tg: FakeTelegram, clock: Clock, tmp_path: Path) -> None:
    settings = make_settings(tg, tmp_path / "kotobot.sqlite3")
    tg.user(COORDINATOR_ID, first_name="Hanna", language_code="fi")
    async with running_bot(settings, clock):
        await open_round(tg)
        contact = await join(tg, 20, "employment-services")
        step = await say(tg, contact, "/report")
        step = await press(tg, contact, step, "Done")
        assert TYPE_NUMBER in step.plain
    async with running_bot(settings, clock):
        resumed = await say(tg, contact, "7")  # the number the bot was waiting for
        assert "✓ Saved: 7" in resumed.plain and TYPE_NUMBER in resumed.plain
    async with running_bot(settings, clock):
        again = await say(tg, contact, "/report")
        assert TYPE_NUMBER in again.plain and "measure 1/1" in again.plain
        review = await say(tg, contact, "3")  # the comment is a button, not a step
        assert is_review(review) and "Done" in review.plain and "7" in review.plain
        thanks = await press(tg, contact, review, "✅ Submit")
        assert "submitted" in thanks.plain


async def test_report_in_finnish_and_swedish(tg: FakeTelegram, bot: object) -> None:
    await open_round(tg)
    finn = await join(tg, 20, "employment-services", language="fi", name="Aino")
    swede = await join(tg, 21, "green-areas", language="sv", name="Bo")
    step = await say(tg, finn, "/report")
    assert "Työllisyyspalvelut" in step.plain and "Työvalmennuksen tukimahdollisuudet" in step.plain
    assert "Työ ›" in step.plain and "jatkuva" in step.plain.lower()
    step = await say(tg, swede, "/report")
    assert "Grönområdesenheten" in step.plain and "Förankring av stadsodlingsverksamhet" in step.plain
    assert "2023–2026" in step.plain
    status = await say(tg, finn, "/status")
    assert "31.1.2027" in status.plain
    status = await say(tg, swede, "/status")
    assert "31.1.2027" in status.plain  # CLDR sv_FI, as Finland writes dates in Swedish


async def test_skip_back_and_no_change_since_last_year(tg: FakeTelegram, bot: object,
                                                       clock: Clock) -> None:
    today = clock.now
    clock.set(datetime(2025, 11, 25, 10, tzinfo=UTC))  # a year ago, during round 2025
    await open_round(tg, "2025", "2026-01-31")
    contact = await join(tg, 20, "employment-services")
    step = await say(tg, contact, "/report")
    step = await press(tg, contact, step, "Continuing as planned")
    step = await say(tg, contact, "5")
    back = await press(tg, contact, step, "⬅ Back")
    assert TYPE_NUMBER in back.plain and "Current answer: 5" in back.plain
    review = await press(tg, contact, await press(tg, contact, back, "Next ➡"), "Skip ➡")
    assert is_review(review)  # past the last question: the review, no comment step
    coordinator = tg.user(COORDINATOR_ID)
    await confirm(tg, coordinator, "/round close 2025")
    await tg.wait_idle()
    assert tg.drain(contact) == []  # at the review, not mid-question: nothing to tell them
    clock.set(today)
    assert "2026" in await open_round(tg, "2026")
    told = await tg.next_reply(coordinator)  # the announcement's progress message, in the background
    await tg.wait_idle()
    told = next(m for m in tg.messages(coordinator) if m.message_id == told.message_id)
    assert "Kerroin 1 yhteyshenkilölle" in told.plain  # the coordinator is fi
    announcement = await tg.next_reply(contact)  # a new round is announced to its contacts
    assert "Reporting for 2026 is open" in announcement.plain and "31 Jan 2027" in announcement.plain
    step = await press(tg, contact, announcement, "Start the report")
    assert "Last year (2025): Continuing as planned" in step.plain
    step = await press(tg, contact, step, "No change since last year")
    assert "Last year (2025): 5" in step.plain  # shown, but a yearly count is asked anew
    assert "No change since last year" not in step.button_texts()


async def test_closed_round_refuses_answers(tg: FakeTelegram, bot: object) -> None:
    await open_round(tg)
    contact = await join(tg, 20, "employment-services")
    step = await say(tg, contact, "/report")
    coordinator = tg.user(COORDINATOR_ID)
    await confirm(tg, coordinator, "/round close 2026")
    assert "closed" in (await tg.next_reply(contact)).plain  # told, being mid-report
    await tg.press(contact, step, "Done")
    refusal = await press_result(tg, contact, step)
    assert "closed" in refusal.plain
    assert "no open reporting round" in (await say(tg, contact, "/report")).plain


async def answer_in(tg: FakeTelegram, user: FakeUser, step: BotMessage, tr: Translator) -> BotMessage:
    """Answer one step in the person's own language, as they would read it."""
    buttons = step.button_texts()
    for label in ("In progress", "Partly", "Yes", "No comment"):
        if tr.gettext(label) in buttons:
            return await press(tg, user, step, tr.gettext(label))
    if (tr.gettext("Type a number, for example 12 or 12.5.") in step.plain
            or tr.gettext("Type a whole number, for example 12.") in step.plain):
        return await say(tg, user, "12")
    return await say(tg, user, "OK")


@pytest.mark.parametrize(("language", "unit"), [("fi", "alma"), ("sv", "vamia")])
async def test_a_whole_report_in_finnish_and_in_swedish(tg: FakeTelegram, bot: object,
                                                        language: str, unit: str) -> None:
    tr = Translators()[language]
    await open_round(tg)
    contact = await join(tg, 20, unit, language=language)
    step = await say(tg, contact, "/report")
    submit = tr.gettext("✅ Submit")
    for _ in range(60):
        if submit in step.button_texts():
            break
        assert "Kotobot" not in step.plain or "/report" not in step.plain, step.plain
        step = await answer_in(tg, contact, step, tr)
    assert tr.gettext("Every question is answered. Please check your answers.") in step.plain
    assert tr.gettext("In progress") in step.plain
    thanks = await press(tg, contact, step, submit)
    assert str(2026) in thanks.plain and "/report" in thanks.plain


async def test_a_contact_of_several_units_picks_one(tg: FakeTelegram, bot: object) -> None:
    await open_round(tg)
    contact = await join(tg, 20, "welcome-office")
    code = await invite(tg, "employment-services")
    await say(tg, contact, f"/start {code}")
    await tg.next_reply(tg.user(COORDINATOR_ID))
    choice = await say(tg, contact, "/report")
    assert "Which unit" in choice.plain
    assert [text.split(" (")[0] for text in choice.button_texts()] == ["Employment Services",
                                                                      "Welcome Office"]
    step = await press(tg, contact, choice, choice.button_texts()[0])
    assert "Employment Services" in step.plain and "measure 1/1" in step.plain


async def test_rounds_stay_inside_the_programme_period(tg: FakeTelegram, bot: object) -> None:
    reply = await open_round(tg, "2027")
    assert "2023–2026" in reply
    assert "2027" in reply
    listing = await say(tg, tg.user(COORDINATOR_ID), "/rounds")
    assert "2027" not in listing.plain
    assert "/round" in await open_round(tg, "2026", "not-a-date")


async def test_joining_during_an_open_round_offers_to_start_at_once(tg: FakeTelegram, bot: object) -> None:
    await open_round(tg)
    code = await invite(tg, "green-areas")
    contact = tg.user(20, first_name="Aino", language_code="en")
    welcome = await say(tg, contact, f"/start {code}")
    assert "Reporting for 2026 is open now" in welcome.plain
    step = await press(tg, contact, welcome, "Start the report")
    assert "Green areas unit" in step.plain or "measure 1/1" in step.plain


async def test_a_typed_answer_takes_the_buttons_off_its_question(tg: FakeTelegram, bot: object) -> None:
    await open_round(tg)
    contact = await join(tg, 20, "employment-services")
    step = await say(tg, contact, "/report")
    question = await press(tg, contact, step, "Done")
    assert question.button_texts()  # back / skip
    await tg.send(contact, "5")
    replies = [await tg.next_reply(contact), await tg.next_reply(contact)]
    edited = [r for r in replies if r.message_id == question.message_id]
    assert edited and edited[0].button_texts() == []


async def test_edits_and_non_text_messages_never_become_answers(tg: FakeTelegram, bot: object) -> None:
    await open_round(tg)
    contact = await join(tg, 20, "employment-services")
    step = await say(tg, contact, "/report")
    question = await press(tg, contact, step, "Done")
    sent = await tg.send(contact, "5")
    await tg.next_reply(contact)
    await tg.next_reply(contact)
    await tg.edit(contact, sent, "50")
    assert "does not change an answer" in (await tg.next_reply(contact)).plain
    await tg.send_location(contact)
    assert "only read typed text" in (await tg.next_reply(contact)).plain
    review = await say(tg, contact, "/status")
    assert "Answered: 2/" in review.plain  # the status and the 5; the edit wrote nothing
    assert question.message_id


async def test_help_and_cancel_work_in_the_middle_of_a_report(tg: FakeTelegram, bot: object) -> None:
    await open_round(tg)
    contact = await join(tg, 20, "welcome-office")
    step = await say(tg, contact, "/report")
    question = await press(tg, contact, step, "In progress")
    assert TYPE_NUMBER in question.plain
    assert "/report" in (await say(tg, contact, "/help")).plain
    stopped = await say(tg, contact, "/cancel")
    assert "saved" in stopped.plain and "/report" in stopped.plain
    hint = await say(tg, contact, "12")  # no longer waiting for a number
    assert "not waiting" in hint.plain
    again = await say(tg, contact, "/report")  # resumes at the same question
    assert again.plain.split("\n")[-1] == question.plain.split("\n")[-1]


async def test_the_personal_data_warning_is_shown_once(tg: FakeTelegram, bot: object) -> None:
    await open_round(tg)
    contact = await join(tg, 20, "vamia")  # several free-text questions and comments
    step = await say(tg, contact, "/report")
    warnings = 0
    while not is_review(step):
        warnings += "personal data" in step.plain
        step = await answer_in_english(tg, contact, step)
    assert warnings == 1


async def test_submitting_with_gaps_tells_the_coordinator_how_many(tg: FakeTelegram, bot: object) -> None:
    await open_round(tg)
    contact = await join(tg, 20, "employment-services")
    step = await say(tg, contact, "/report")
    step = await press(tg, contact, step, "Done")  # status; then two counts
    step = await press(tg, contact, step, "Skip ➡")
    review = await say(tg, contact, "4")
    assert "1 question is still unanswered" in review.plain
    await press(tg, contact, review, "✅ Submit with gaps")
    note = await tg.next_reply(tg.user(COORDINATOR_ID))  # in the coordinator's Finnish
    assert "(1 kysymys vastaamatta)" in note.plain
