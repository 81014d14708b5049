"""End to end: the coordinator brings answers in from a workbook. The form comes from the
bot (/export template), is filled with openpyxl as Excel would, is sent back as a document
that the real PTB downloads from the fake server, is previewed, and is imported with the
button; summaries and exports then show it. Past years get a closed round that never
reminds anybody."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import openpyxl
from fake_telegram import BotMessage, FakeTelegram, FakeUser
from harness import COORDINATOR_ID, Clock, make_settings, press, running_bot, say, services_of
from test_e2e_reminders import at, quiet, tick
from test_e2e_report import join, open_round
from test_e2e_summary import council_member, replies_until_document, summary_replies

from bot.handlers.imports import IMPORT_BUTTON


def coordinator_of(tg: FakeTelegram) -> FakeUser:
    return tg.user(COORDINATOR_ID, first_name="Hanna", language_code="fi")


async def form(tg: FakeTelegram, command: str) -> openpyxl.Workbook:
    coordinator = coordinator_of(tg)
    await tg.send(coordinator, command)
    document = await tg.next_reply(coordinator)
    assert document.kind == "document", document.content
    return openpyxl.load_workbook(io.BytesIO(document.document or b""))


def fill(book: openpyxl.Workbook, row_of: str, **cells: Any) -> None:
    """Fill the form row of measure `row_of` by column key (status, answer_1, unit, …)."""
    sheet = next(s for s in book.worksheets if "kotobot:measure" in [c.value for c in s[1]])
    keys = {cell.value: cell.column for cell in sheet[1] if cell.value}
    row = next(r for r in range(3, sheet.max_row + 1)
               if sheet.cell(r, keys["kotobot:measure"]).value == row_of)
    for key, value in cells.items():
        sheet.cell(row, keys["kotobot:" + key.replace("_", ":")], value)


def xlsx(book: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def send_file(tg: FakeTelegram, data: bytes, name: str = "vastaukset.xlsx",
                    caption: str | None = None, user: FakeUser | None = None) -> BotMessage:
    sender = user or coordinator_of(tg)
    await tg.send_document(sender, data, name, caption=caption)
    return await tg.next_reply(sender)


async def welcome_office_form(tg: FakeTelegram, year: int) -> openpyxl.Workbook:
    book = await form(tg, f"/export template {year} welcome-office")
    fill(book, "health.popup-info", status="Valmis", answer_1=4, answer_2="1 200",
         comment="Paperilla raportoitu")
    fill(book, "health.newsletter", status="Käynnissä", answer_1="350", answer_2="Jaetaan kumppaneille",
         date="31.1.2027")
    fill(book, "health.websites", status="Jatkuu suunnitellusti", answer_1=12000)
    return book


async def test_a_filled_form_is_previewed_imported_and_shown_as_imported(
        tg: FakeTelegram, bot: object) -> None:
    await open_round(tg)
    coordinator = coordinator_of(tg)
    preview = await send_file(tg, xlsx(await welcome_office_form(tg, 2026)))
    assert "vastaukset.xlsx" in preview.plain and "2026" in preview.plain
    assert "Welcome Office: 9 uutta, 0 muuttunutta" in preview.plain, preview.plain
    assert "Mitään ei tallenneta ennen kuin painat" in preview.plain
    storage = services_of(bot).storage  # type: ignore[arg-type]
    assert await storage.answers_of_years([2026]) == []  # nothing before the press
    done = await press(tg, coordinator, preview, "📥 Tuo")
    assert "✅ Tiedosto vastaukset.xlsx tuotu vuodelle 2026" in done.plain
    answers = {a.key: a for a in await storage.answers_of_years([2026])}
    assert answers["field:health.popup-info.participants"].value == 1200
    assert answers["status:health.websites"].value == "ongoing"
    assert all(a.source == "vastaukset.xlsx" for a in answers.values())
    newsletter = answers["status:health.newsletter"]
    assert newsletter.answered_at.date().isoformat() == "2027-01-31"
    history = await storage.history_sources(2026, "welcome-office")
    assert len(history) == 9 and {source for _key, source in history} == {"vastaukset.xlsx"}
    assert "welcome-office" in await storage.submissions(2026)  # every question answered
    text = "\n".join(m.plain for m in (await summary_replies(tg, coordinator, "/summary 2026"))[:-1])
    assert "Koordinaattori on tuonut 9 vastausta työkirjoista: Welcome Office" in text
    book = await form(tg, "/export 2026")
    sheet = book["Vastaukset"]
    headers = [c.value for c in sheet[1]]
    by = headers.index("Vastaaja")
    who = {row[by].value for row in sheet.iter_rows(min_row=2) if row[3].value == "health.websites"}
    assert who == {"tuonut Hanna tiedostosta vastaukset.xlsx"}, who


async def test_five_kinds_of_errors_are_refused_precisely_and_nothing_is_written(
        tg: FakeTelegram, bot: object) -> None:
    await open_round(tg)
    book = await form(tg, "/export template 2026 family-centre")
    fill(book, "health.family-info", status="Ehkä", answer_1=140, answer_2="12 kpl")
    fill(book, "children.guardian-cooperation", status="Valmis", unit="welcome-office")
    fill(book, "children.family-school-intro", status="Valmis", measure="children.no-such-measure")
    reply = await send_file(tg, xlsx(book), "perhekeskus.xlsx")
    lines = [line for line in reply.plain.splitlines() if line.startswith("• ")]
    assert "perhekeskus.xlsx" in reply.plain and "5 ongelmaa" in reply.plain, reply.plain
    assert len(lines) == 5
    text = "\n".join(lines)
    assert "rivi 3, sarake F (Tila): ”Ehkä” ei ole mikään näistä: Ei aloitettu, Käynnissä" in text
    assert "prosenttiluku 140 ei ole mahdollinen" in text
    assert "”12 kpl” ei ole luku" in text
    assert "rivi 4" in text and "Welcome Office ei vastaa tästä toimenpiteestä; sen raportoi" in text
    assert "rivi 5" in text and "tuntematon toimenpide ”children.no-such-measure”" in text
    assert all("Välilehti ”Lomake 2026”" in line for line in lines)
    assert reply.buttons() == []
    assert await services_of(bot).storage.answers_of_years([2026]) == []  # type: ignore[arg-type]


async def test_importing_the_same_file_twice_changes_nothing_the_second_time(
        tg: FakeTelegram, bot: object) -> None:
    await open_round(tg)
    coordinator = coordinator_of(tg)
    data = xlsx(await welcome_office_form(tg, 2026))
    await press(tg, coordinator, await send_file(tg, data), "📥 Tuo")
    storage = services_of(bot).storage  # type: ignore[arg-type]
    before = await storage.history_sources(2026, "welcome-office")
    again = await send_file(tg, data)
    assert "on jo tallennettu vuodelle 2026; tuotavaa ei ole" in again.plain
    assert again.buttons() == []
    assert await storage.history_sources(2026, "welcome-office") == before


async def test_an_answer_given_after_the_preview_is_not_overwritten_unseen(
        tg: FakeTelegram, bot: object) -> None:
    """The contact answers while the coordinator looks at the preview: pressing Import then
    imports nothing and says why, and the contact's answer stays."""
    await open_round(tg)
    coordinator = coordinator_of(tg)
    contact = await join(tg, 20, "welcome-office")
    preview = await send_file(tg, xlsx(await welcome_office_form(tg, 2026)))
    assert "Welcome Office: 9 uutta" in preview.plain
    step = await say(tg, contact, "/report")
    await press(tg, contact, step, "In progress")
    storage = services_of(bot).storage  # type: ignore[arg-type]
    before = {(a.key, a.value) for a in await storage.answers_of_years([2026])}
    assert before and any(key.startswith("status:health.") for key, _value in before)
    refused = await press(tg, coordinator, preview, "📥 Tuo")
    assert "on muutettu esikatselun jälkeen" in refused.plain
    assert "Lähetä tiedosto uudelleen" in refused.plain
    assert {(a.key, a.value) for a in await storage.answers_of_years([2026])} == before
    history = await storage.history_sources(2026, "welcome-office")
    assert history and all(source is None for _key, source in history)  # only the contact's
    again = await send_file(tg, xlsx(await welcome_office_form(tg, 2026)))
    assert "muuttunutta" in again.plain  # a fresh preview shows what it would change now


async def test_a_previewed_import_survives_a_restart(tg: FakeTelegram, clock: Clock,
                                                     tmp_path: Path) -> None:
    settings = make_settings(tg, tmp_path / "kotobot.sqlite3")
    coordinator = coordinator_of(tg)
    async with running_bot(settings, clock):
        await open_round(tg)
        preview = await send_file(tg, xlsx(await welcome_office_form(tg, 2026)))
    async with running_bot(settings, clock) as application:
        done = await press(tg, coordinator, preview, "📥 Tuo")
        assert "tuotu vuodelle 2026" in done.plain
        assert len(await services_of(application).storage.answers_of_years([2026])) == 9
        # a second press of the same button (the data it carried) writes nothing more
        await tg.press_data(coordinator, preview, f"{IMPORT_BUTTON}:1:i")
        assert "jo tehty tai peruttu" in (await tg.next_reply(coordinator)).plain
        assert len(await services_of(application).storage.history_sources(2026, "welcome-office")) == 9


async def test_the_export_workbook_can_be_corrected_and_imported_back(
        tg: FakeTelegram, bot: object) -> None:
    await open_round(tg)
    coordinator = coordinator_of(tg)
    await press(tg, coordinator, await send_file(tg, xlsx(await welcome_office_form(tg, 2026))), "📥 Tuo")
    exported = await form(tg, "/export 2026")
    assert "Lomake 2026" in exported.sheetnames
    fill(exported, "health.websites", answer_1="13 500")
    preview = await send_file(tg, xlsx(exported), "kotobot-2026.xlsx")
    assert "Welcome Office: 0 uutta, 1 muuttunutta" in preview.plain, preview.plain
    await press(tg, coordinator, preview, "📥 Tuo")
    answers = {a.key: a.value for a in await services_of(bot).storage.answers_of_years([2026])}  # type: ignore[arg-type]
    assert answers["field:health.websites.visitors"] == 13500


async def test_a_past_year_gets_a_closed_round_that_counts_in_the_trend_and_reminds_nobody(
        tg: FakeTelegram, bot: object, clock: Clock) -> None:
    coordinator = coordinator_of(tg)
    await open_round(tg)
    contact = await join(tg, 20, "welcome-office")
    member = await council_member(tg, 50, "en")
    reply = await say(tg, coordinator, "/round open 2024 --closed")
    assert "Kierros 2024 on luotu valmiiksi suljettuna" in reply.plain
    assert "vuotta 2026 raportoidaan nyt" in (await say(tg, coordinator, "/round open 2026 --closed")).plain
    preview = await send_file(tg, xlsx(await welcome_office_form(tg, 2024)))
    assert "Welcome Office: 9 uutta" in preview.plain
    await press(tg, coordinator, preview, "📥 Tuo")
    tg.drain(contact)
    tg.drain(member)
    storage = services_of(bot).storage  # type: ignore[arg-type]
    round_2024 = await storage.round(2024)
    assert round_2024 is not None and round_2024.imported and not round_2024.is_open
    await tick(bot)  # the 2024 digest date is long past: still nothing to the council
    clock.set(at(2025, 1, 17, 9, 5))  # a 2024 ladder step, were the round open
    await tick(bot)
    await quiet(tg, contact, member)
    assert await storage.deliveries("reminder:2024:") == []
    assert await storage.delivery_states("digest:2024") == {}
    clock.set(at(2026, 11, 25, 12))
    await tg.send(coordinator, "/digest 2026")
    received = await replies_until_document(tg, coordinator)
    lines = "\n".join(m.plain for m in received).splitlines()
    years = lines.index("2023 · 2024 · 2025 · 2026")  # the whole programme's trend follows
    health = next(line for line in lines[years:] if line.startswith("Terveys"))
    assert health.endswith("– → 1 → – → 0"), health  # 2024 has data; 2023 and 2025 have no round
    book = openpyxl.load_workbook(io.BytesIO(next(
        m.document for m in received if m.kind == "document" and "2023" in (m.filename or "")) or b""))
    sheet = book.active
    header = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[3] == "health.popup-info")
    assert row[header.index("2024")] == "Valmis"


async def test_files_that_are_not_workbooks_are_refused(tg: FakeTelegram, bot: object) -> None:
    coordinator = coordinator_of(tg)
    reply = await send_file(tg, b"Hello, these are our answers", "answers.txt")
    assert "ei ole Excel-työkirja (.xlsx)" in reply.plain
    calls = len(tg.calls)
    await tg.send_document(coordinator, b"PK", "huge.xlsx", file_size=6 * 1024 * 1024)
    assert "yli 5 Mt" in (await tg.next_reply(coordinator)).plain
    assert not any(name == "getfile" for name, _ in tg.calls[calls:])
    other = openpyxl.Workbook()
    other.active.append(["Yksikkö", "Tila"])
    assert "ei löytynyt vastauslomaketta" in (await send_file(tg, xlsx(other), "oma.xlsx")).plain
    await open_round(tg)
    contact = await join(tg, 20, "welcome-office")
    reply = await send_file(tg, xlsx(other), "oma.xlsx", user=contact)
    assert "I can only read typed text" in reply.plain  # only coordinators import
