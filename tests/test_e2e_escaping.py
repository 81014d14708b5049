"""End to end: text a person chose (a name, a file name, a typed word) is shown exactly as
typed, never read as HTML. Each of these once made Telegram refuse the bot's answer
("can't parse entities"), found by tests/test_fuzz_inputs.py."""

from __future__ import annotations

from fake_telegram import FakeTelegram
from harness import COORDINATOR_ID, press, say, services_of
from test_e2e_imports import coordinator_of, fill, form, send_file, xlsx
from test_e2e_report import join, open_round

SORRY = "something went wrong"


async def test_a_stranger_typing_only_separator_characters_is_refused_politely(
        tg: FakeTelegram, bot: object) -> None:
    stranger = tg.user(5, first_name="Eve", language_code="en")
    for text in ("\x1e", "\u2028", "\x1c\x1d\x85"):
        reply = await say(tg, stranger, text)
        assert "not registered" in reply.plain, reply.plain


async def test_erasing_a_removed_contact_named_in_html_shows_the_name(
        tg: FakeTelegram, bot: object) -> None:
    await join(tg, 22, "welcome-office", name="Eve & <Mallory>")
    coordinator = tg.user(COORDINATOR_ID)
    await say(tg, coordinator, "/people")
    await tg.wait_idle()
    removal = next(m for m in reversed(tg.messages(coordinator)) if m.buttons())
    button = next(text for text, _ in removal.buttons() if text.endswith(" Eve"))  # first names
    question = await press(tg, coordinator, removal, button)  # removing asks first
    assert "Eve & <Mallory>" in question.plain, (question.plain, question.button_texts())
    removed = await press(tg, coordinator, question,
                          next(t for t in question.button_texts() if t.startswith("✅")))
    assert "Eve & <Mallory>" in removed.plain
    confirm = await press(tg, coordinator, removed, removed.button_texts()[0])
    assert "Eve & <Mallory>" in confirm.plain and SORRY not in confirm.plain, confirm.plain
    done = await press(tg, coordinator, confirm, confirm.button_texts()[0])  # "Yes, erase"
    assert "Eve & <Mallory>" in done.plain
    assert await services_of(bot).storage.person_by_telegram(22) is None  # type: ignore[arg-type]


async def test_an_unknown_unit_in_export_template_is_echoed_as_typed(
        tg: FakeTelegram, bot: object) -> None:
    reply = await say(tg, coordinator_of(tg), "/export template 2024 <b>")
    assert "<b>" in reply.plain and SORRY not in reply.plain, reply.plain


async def test_a_workbook_with_html_in_its_name_and_cells_is_previewed_and_imported(
        tg: FakeTelegram, bot: object) -> None:
    await open_round(tg)
    name = "<b>vastaukset & co</b>.xlsx"
    book = await form(tg, "/export template 2026 welcome-office")
    fill(book, "health.popup-info", status="<i>Valmis", answer_1=4)
    problems = await send_file(tg, xlsx(book), name)
    assert name in problems.plain and "”<i>Valmis”" in problems.plain, problems.plain
    fill(book, "health.popup-info", status="Valmis", answer_1=4, comment="<b>paperilla</b> & co")
    preview = await send_file(tg, xlsx(book), name)
    assert name in preview.plain and SORRY not in preview.plain, preview.plain
    done = await press(tg, coordinator_of(tg), preview, "📥 Tuo")
    assert name in done.plain and "2026" in done.plain, done.plain
