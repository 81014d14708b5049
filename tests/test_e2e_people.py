"""End to end: invitations, registration, refusals, languages and menus, as users see them."""

from __future__ import annotations

import re

from fake_telegram import FakeTelegram
from harness import COORDINATOR_ID, Clock, press, say

LINK = re.compile(r"https://t\.me/kotobot_test_bot\?start=(\S+)")


async def invite(tg: FakeTelegram, target: str) -> str:
    coordinator = tg.user(COORDINATOR_ID, first_name="Hanna", language_code="fi")
    reply = await say(tg, coordinator, f"/invite {target}")
    match = LINK.search(reply.plain)
    assert match, reply.plain
    return match.group(1)


async def test_uninvited_person_is_refused_politely(tg: FakeTelegram, bot: object) -> None:
    stranger = tg.user(5, first_name="Eve", language_code="en")
    reply = await say(tg, stranger, "/report")
    assert "not registered" in reply.plain and "invitation link" in reply.plain
    reply = await say(tg, stranger, "/start")
    assert "integration programme" in reply.plain and "invitation link" in reply.plain
    reply = await say(tg, stranger, "/invite council")
    assert "not registered" in reply.plain


async def test_contact_joins_by_link_and_coordinator_is_told(tg: FakeTelegram, bot: object) -> None:
    code = await invite(tg, "welcome-office")
    coordinator = tg.user(COORDINATOR_ID)
    contact = tg.user(20, first_name="Aino", language_code="en")
    reply = await say(tg, contact, f"/start {code}")
    assert "contact person for Welcome Office" in reply.plain
    note = await tg.next_reply(coordinator)
    assert "Aino" in note.plain and "Welcome Office" in note.plain  # in the coordinator's Finnish
    other = tg.user(21, first_name="Mallory", language_code="en")
    reply = await say(tg, other, f"/start {code}")
    assert "already been used" in reply.plain
    reply = await say(tg, other, "/report")
    assert "not registered" in reply.plain


async def test_expired_and_forged_links(tg: FakeTelegram, bot: object, clock: Clock) -> None:
    code = await invite(tg, "council")
    clock.advance(days=15)
    late = tg.user(30, first_name="Late", language_code="en")
    assert "expired" in (await say(tg, late, f"/start {code}")).plain
    assert "not valid" in (await say(tg, late, "/start not-a-real-code")).plain


async def test_council_member_joins(tg: FakeTelegram, bot: object) -> None:
    code = await invite(tg, "council")
    member = tg.user(31, first_name="Lotta", language_code="sv")
    reply = await say(tg, member, f"/start {code}")
    assert "Rådet för kulturell mångfald" in reply.plain


async def test_only_coordinators_invite(tg: FakeTelegram, bot: object) -> None:
    code = await invite(tg, "welcome-office")
    contact = tg.user(20, first_name="Aino", language_code="en")
    await say(tg, contact, f"/start {code}")
    reply = await say(tg, contact, "/invite council")
    assert "Only the integration coordinator" in reply.plain


async def test_invite_by_buttons(tg: FakeTelegram, bot: object) -> None:
    coordinator = tg.user(COORDINATOR_ID, first_name="Hanna", language_code="fi")
    menu = await say(tg, coordinator, "/invite")
    assert "Welcome Office" in menu.button_texts()
    await tg.press(coordinator, menu, "Welcome Office")
    reply = await tg.next_reply(coordinator)
    assert LINK.search(reply.plain) and "Welcome Office" in reply.plain


async def test_language_follows_telegram_and_can_be_changed(tg: FakeTelegram, bot: object) -> None:
    code = await invite(tg, "welcome-office")
    contact = tg.user(40, first_name="Bo", language_code="sv")
    reply = await say(tg, contact, f"/start {code}")
    assert "kontaktperson" in reply.plain
    menu = await say(tg, contact, "/language")
    await tg.press(contact, menu, "English")
    changed = await tg.next_reply(contact)
    assert changed.plain == "The language is now English."
    assert "/report" in (await say(tg, contact, "/help")).plain
    assert "change the language" in (await say(tg, contact, "/help")).plain


async def test_unsupported_telegram_language_is_asked(tg: FakeTelegram, bot: object) -> None:
    code = await invite(tg, "welcome-office")
    contact = tg.user(41, first_name="Olek", language_code="pl")
    await tg.send(contact, f"/start {code}")
    replies = await tg.replies(contact, 2)
    assert replies[-1].button_texts() == ["Suomi", "Svenska", "English"]


async def test_command_menus_in_three_languages(tg: FakeTelegram, bot: object) -> None:
    descriptions = {lang: {c["command"]: c["description"] for c in tg.commands(lang)}
                    for lang in ("fi", "sv", "en")}
    assert set(descriptions["en"]) >= {"start", "language", "help", "cancel"}
    assert "report" not in descriptions["en"]  # nobody without a role may report
    assert descriptions["en"]["language"] == "Change the language"
    assert descriptions["fi"]["language"] != descriptions["en"]["language"]
    assert descriptions["sv"]["language"] != descriptions["fi"]["language"]


def chat_menu(tg: FakeTelegram, user_id: int) -> dict[str, str]:
    return {c["command"]: c["description"]
            for c in tg.commands(None, scope={"type": "chat", "chat_id": user_id})}


async def test_each_role_sees_its_own_commands(tg: FakeTelegram, bot: object) -> None:
    """Issue 13: the coordinator's menu holds /invite; a contact's holds no /export."""
    coordinator = chat_menu(tg, COORDINATOR_ID)
    assert {"invite", "people", "round", "rounds", "remind", "summary", "export", "digest"} <= set(coordinator)
    assert coordinator["invite"] == "Kutsu yhteyshenkilö tai neuvoston jäsen"  # Finnish coordinator
    code = await invite(tg, "welcome-office")
    contact = tg.user(20, first_name="Aino", language_code="en")
    await say(tg, contact, f"/start {code}")
    await tg.wait_idle()
    menu = chat_menu(tg, 20)
    assert "report" in menu and "status" in menu and "export" not in menu and "invite" not in menu
    assert menu["report"] == "Report your unit's measures"
    sv = await say(tg, contact, "/language")
    await tg.press(contact, sv, "Svenska")
    await tg.wait_idle()
    assert chat_menu(tg, 20)["language"] != "Change the language"  # now in Swedish
    tg.drain(tg.user(COORDINATOR_ID))  # "Aino joined"
    council = await invite(tg, "council")
    member = tg.user(31, first_name="Lotta", language_code="sv")
    await say(tg, member, f"/start {council}")
    await tg.wait_idle()
    assert {"summary", "export"} <= set(chat_menu(tg, 31)) and "report" not in chat_menu(tg, 31)


async def test_unknown_command_and_stray_text_get_a_hint(tg: FakeTelegram, bot: object) -> None:
    coordinator = tg.user(COORDINATOR_ID, first_name="Hanna", language_code="fi")
    await say(tg, coordinator, "/language")
    unknown = await say(tg, coordinator, "/frobnicate")
    assert "/help" in unknown.plain
    stray = await say(tg, coordinator, "hello?")  # a coordinator has nothing to /report
    assert "/help" in stray.plain and "/report" not in stray.plain


async def test_people_lists_units_with_and_without_contacts(tg: FakeTelegram, bot: object) -> None:
    code = await invite(tg, "welcome-office")
    contact = tg.user(20, first_name="Aino", language_code="en")
    await say(tg, contact, f"/start {code}")
    coordinator = tg.user(COORDINATOR_ID)
    assert "Aino" in (await tg.next_reply(coordinator)).plain  # the joined note
    listing = await say(tg, coordinator, "/people")
    assert "Welcome Office" in listing.plain and "Aino" in listing.plain
    assert "Hr-yksikkö" in listing.plain  # a unit with no contact yet, in Finnish
    buttons = await tg.next_reply(coordinator)
    remove = [text for text in buttons.button_texts() if "Aino" in text]
    assert all(len(text) <= 24 for text in buttons.button_texts())  # fits a phone
    await tg.press(coordinator, buttons, remove[0])
    question = await tg.next_reply(coordinator)
    assert "Aino" in question.plain and "Welcome Office" in question.plain
    done = await press(tg, coordinator, question, question.button_texts()[0])
    assert "Aino" in done.plain
    told = await tg.next_reply(contact)
    assert "removed you as contact person for Welcome Office" in told.plain
    assert "not registered" in (await say(tg, contact, "/report")).plain


async def test_first_start_welcomes_and_later_ones_welcome_back(tg: FakeTelegram, bot: object) -> None:
    coordinator = tg.user(COORDINATOR_ID, first_name="Hanna", language_code="en")
    assert (await say(tg, coordinator, "/start")).plain.startswith("Welcome!")
    assert (await say(tg, coordinator, "/start")).plain.startswith("Welcome back!")
