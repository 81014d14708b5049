"""Tests for the fake Telegram server, driven only through real python-telegram-bot objects.

Why: every bot end-to-end test relies on FakeTelegram answering exactly what PTB can parse and
failing the way Telegram fails; these tests pin that contract down (and stay fast: ~2 s).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from fake_telegram import FakeTelegram
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden, InvalidToken, RetryAfter
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

# PTB 22 warns inside RetryAfter.__init__ itself whenever a 429 is parsed; not our concern here.
pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


@pytest.fixture
async def bot(tg: FakeTelegram) -> AsyncIterator[Bot]:
    async with Bot(tg.token, base_url=tg.base_url, base_file_url=tg.base_file_url) as b:
        yield b


async def test_get_me_and_send_message(tg: FakeTelegram, bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.is_bot) == (123456, "kotobot_test_bot", True)
    alice = tg.user(1001, "Alice")
    markup = '🙂 <b>Hei</b> &amp; <a href="https://vaasa.fi">moi</a> <i>x<u>y</u></i>'
    sent = await bot.send_message(alice.id, markup, parse_mode="HTML")
    assert sent.text == "🙂 Hei & moi xy" and sent.chat.id == alice.id
    assert sent.text_html == markup  # entities come back, with UTF-16 offsets
    reply = await tg.next_reply(alice)
    assert (reply.text, reply.plain, reply.message_id) == (markup, sent.text, sent.message_id)


async def test_limits_raise_telegram_errors(tg: FakeTelegram, bot: Bot) -> None:
    alice = tg.user(1001)
    with pytest.raises(BadRequest, match="(?i)message is too long"):
        await bot.send_message(alice.id, "x" * 4097)
    await bot.send_message(alice.id, "ä" * 4096)  # the limit is characters, not bytes
    with pytest.raises(BadRequest, match="(?i)Button_data_invalid"):
        markup = InlineKeyboardMarkup([[InlineKeyboardButton("b", callback_data="é" * 33)]])
        await bot.send_message(alice.id, "hi", reply_markup=markup)
    with pytest.raises(BadRequest, match="(?i)Can't parse entities"):
        await bot.send_message(alice.id, "<b>open", parse_mode="HTML")
    with pytest.raises(BadRequest, match="(?i)Can't parse entities"):
        await bot.send_message(alice.id, "a <3 b", parse_mode="HTML")
    with pytest.raises(BadRequest, match="(?i)Chat not found"):
        await bot.send_message(999, "who?")
    sent = await bot.send_message(alice.id, "same")
    with pytest.raises(BadRequest, match="(?i)Message is not modified"):
        await bot.edit_message_text("same", alice.id, sent.message_id)
    tg.block(alice)
    with pytest.raises(Forbidden, match="(?i)blocked by the user"):
        await bot.send_message(alice.id, "still there?")
    tg.rate_limit(1002, retry_after=3)
    tg.user(1002)
    with pytest.raises(RetryAfter, match="Retry in 3 seconds"):
        await bot.send_message(1002, "flood")
    await bot.send_message(1002, "ok now")


async def test_wrong_token_and_unknown_method(tg: FakeTelegram) -> None:
    with pytest.raises(InvalidToken, match="rejected"):
        async with Bot("654321:WRONG", base_url=tg.base_url):
            pass
    async with Bot(tg.token, base_url=tg.base_url) as b:
        with pytest.raises(InvalidToken, match="method not found"):  # PTB maps 404 like 401
            await b.set_webhook("https://example.com")


async def test_documents_and_commands(tg: FakeTelegram, bot: Bot) -> None:
    alice = tg.user(1001)
    payload = bytes(range(256)) * 10
    msg = await bot.send_document(alice.id, payload, filename="report.xlsx", caption="Raportti")
    assert msg.document is not None and msg.document.file_name == "report.xlsx"
    reply = await tg.next_reply(alice)
    assert (reply.kind, reply.document, reply.filename, reply.caption) == (
        "document", payload, "report.xlsx", "Raportti")
    again = await bot.send_document(alice.id, msg.document.file_id)  # re-send by file_id
    assert (await tg.next_reply(alice)).document == payload and again.document is not None
    with pytest.raises(BadRequest, match="caption is too long"):
        await bot.send_photo(alice.id, b"\x89PNG fake", caption="c" * 1025)
    assert await bot.set_my_commands([("start", "Aloita")], language_code="fi")
    assert tg.commands("fi") == [{"command": "start", "description": "Aloita"}]
    assert tg.commands("en") == []
    assert [c.command for c in await bot.get_my_commands(language_code="fi")] == ["start"]
    assert (await bot.get_chat(alice.id)).id == alice.id


async def _start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_chat is not None
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Kyllä", callback_data="yes"),
                                      InlineKeyboardButton("Ei", callback_data="no")]])
    await context.bot.send_message(update.effective_chat.id, "Jatketaanko?", reply_markup=keyboard)


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None and update.message.text is not None
    await update.message.reply_text(update.message.text)


async def _button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer(f"valittu {query.data}")
    await query.edit_message_text(f"Valitsit: {query.data}")


@pytest.fixture
async def echo_app(tg: FakeTelegram) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    app = (ApplicationBuilder().token(tg.token).base_url(tg.base_url)
           .base_file_url(tg.base_file_url).rate_limiter(AIORateLimiter(max_retries=2)).build())
    app.add_handler(CommandHandler("start", _start))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, _echo))
    app.add_handler(CallbackQueryHandler(_button))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()


async def test_echo_bot_end_to_end(tg: FakeTelegram, echo_app: Application) -> None:  # type: ignore[type-arg]
    alice = tg.user(1001, "Alice")
    await tg.send(alice, "Moi botti")
    assert (await tg.next_reply(alice)).text == "Moi botti"

    await tg.send(alice, "/start")
    question = await tg.next_reply(alice)
    assert question.button_texts() == ["Kyllä", "Ei"]
    assert question.buttons() == [("Kyllä", "yes"), ("Ei", "no")]

    await tg.press(alice, question, "Kyllä")
    answer = await tg.callback_answer(alice)
    assert answer.text == "valittu yes" and not answer.show_alert
    edited = await tg.next_reply(alice)
    assert (edited.message_id, edited.text, edited.edited) == (question.message_id,
                                                               "Valitsit: yes", 1)
    assert edited.buttons() == []  # editing without reply_markup drops the keyboard
    with pytest.raises(AssertionError, match="no callback button"):
        await tg.press(alice, edited, "Ei")

    await tg.wait_idle()
    assert tg.drain(alice) == []


async def test_rate_limiter_retries_429(tg: FakeTelegram, echo_app: Application) -> None:  # type: ignore[type-arg]
    bob = tg.user(1002, "Bob")
    tg.rate_limit(bob, retry_after=1, times=1)
    await tg.send(bob, "sinnikäs")
    assert (await tg.next_reply(bob, timeout=5)).text == "sinnikäs"
    sends = [p for name, p in tg.calls if name == "sendmessage"]
    assert len(sends) == 2  # first answered 429, the retry went through
