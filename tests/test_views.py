"""Long texts are split for Telegram at block (or line) borders, never mid-word."""

from __future__ import annotations

from bot.chat.views import TELEGRAM_LIMIT, split_blocks


def test_blocks_fill_messages_without_crossing_the_limit() -> None:
    blocks = [f"<b>Unit {n}</b>\n" + "word " * 30 for n in range(300)]
    messages = split_blocks(blocks)
    assert len(messages) > 1
    assert all(len(message) <= TELEGRAM_LIMIT for message in messages)
    assert "\n\n".join(messages) == "\n\n".join(blocks)  # nothing lost, nothing cut


def test_an_oversized_block_is_split_between_lines() -> None:
    lines = [f"• measure {n}: " + "x" * 60 for n in range(200)]
    messages = split_blocks(["\n".join(lines)])
    assert all(len(message) <= TELEGRAM_LIMIT for message in messages)
    assert sum(message.count("• measure") for message in messages) == 200
    assert all("\n\n" not in message for message in messages)  # the block's lines stay together


def test_short_texts_stay_in_one_message() -> None:
    assert split_blocks(["a", "b"]) == ["a\n\nb"]
    assert split_blocks([]) == []
