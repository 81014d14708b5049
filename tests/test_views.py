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


def test_swedish_hyphenation_of_the_printed_layout_is_joined() -> None:
    from bot.catalogue.models import Text
    from bot.i18n import Translators

    tr = Translators()["sv"]
    text = Text(fi="Toiminta-malli", sv="Verksamhets-modell med organisations-fältet, 4-5 ggr, "
                                        "Tiitus-applikationen", en="x")
    assert tr.text(text) == ("Verksamhetsmodell med organisationsfältet, 4-5 ggr, "
                             "Tiitus-applikationen")
    assert Translators()["fi"].text(text) == "Toiminta-malli"  # a real Finnish hyphen stays
