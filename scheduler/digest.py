"""The council's yearly digest: built from the same summary as /summary, sent once to each
council member in their language at the planned time, and caught up after downtime.

The digest is the programme's own follow-up measure (*Seuranta*: collect data yearly and
judge progress) delivered. After the programme's last year it also carries the whole
period: each theme's trend and each measure's status per year.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import Forbidden, TelegramError

from bot.domain.summary import done_trend, load_round_data, status_by_year, summarise
from bot.i18n import Translator
from bot.reports.chart import status_chart, trend_chart
from bot.reports.workbook import programme_workbook, summary_workbook
from bot.services import Services
from bot.storage import Person, Round
from bot.summary_view import summary_blocks, trend_block
from bot.views import split_blocks
from scheduler.planning import digest_due
from scheduler.reminders import plan_of

log = logging.getLogger(__name__)
DIGEST = "digest"


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    caption: str


@dataclass(frozen=True)
class Digest:
    messages: list[str]
    chart: Attachment
    documents: list[Attachment]
    extra_charts: list[Attachment]


async def build_digest(services: Services, round_: Round, tr: Translator) -> Digest:
    _ = tr.gettext
    index, storage = services.catalogue, services.storage
    data = await load_round_data(storage, round_)
    summary = summarise(index, data)
    title = _("Integration programme follow-up {year}: digest for the Multicultural Council").format(
        year=round_.year)
    blocks = summary_blocks(index, summary, tr, title, full_lists=True)
    people = await storage.people_names()
    documents = [Attachment(
        _("kotobot-{year}.xlsx").format(year=round_.year),
        summary_workbook(index, summary, data.answers, people, tr, services.settings.tz),
        _("All answers of {year}, and a summary per theme.").format(year=round_.year))]
    extra: list[Attachment] = []
    programme = index.programme
    if round_.year >= programme.end:
        years = list(range(programme.start, programme.end + 1))
        answers = await storage.answers_of_years(years)
        trend = done_trend(index, answers)
        reported = {r.year for r in await storage.rounds()}
        blocks.append(trend_block(index, trend, years, tr, reported))
        extra.append(Attachment("trend.png", trend_chart(index, trend, years, tr),
                                _("Measures done per theme and year")))
        documents.append(Attachment(
            _("kotobot-programme-{start}-{end}.xlsx").format(start=programme.start, end=programme.end),
            programme_workbook(index, status_by_year(index, answers), years, tr),
            _("Each measure's status per year, {start}–{end}.").format(
                start=programme.start, end=programme.end)))
    chart = Attachment("status.png", status_chart(index, summary, tr),
                       _("Measures by status, {year}").format(year=round_.year))
    return Digest(split_blocks(blocks), chart, documents, extra)


def _parts(digest: Digest) -> list[str | Attachment]:
    """The digest as the separate sends it takes, in order."""
    return [*digest.messages, digest.chart, *digest.extra_charts, *digest.documents]


async def _send_part(bot: Bot, chat_id: int, part: str | Attachment, photo: bool) -> None:
    if isinstance(part, str):
        await bot.send_message(chat_id, part, parse_mode=ParseMode.HTML)
    elif photo:
        await bot.send_photo(chat_id, part.content, caption=part.caption[:1024], filename=part.filename)
    else:
        await bot.send_document(chat_id, part.content, filename=part.filename,
                                caption=part.caption[:1024])


def _is_photo(digest: Digest, part: str | Attachment) -> bool:
    return part is digest.chart or any(part is extra for extra in digest.extra_charts)


async def send_digest(bot: Bot, chat_id: int, digest: Digest) -> None:
    """Send the whole digest (the coordinator's preview)."""
    for part in _parts(digest):
        await _send_part(bot, chat_id, part, _is_photo(digest, part))


async def digest_tick(bot: Bot, services: Services) -> None:
    """Send every due digest to every council member who has not had it yet."""
    now, tz = services.clock(), services.settings.tz
    for round_ in await services.storage.rounds():
        if round_.imported or not digest_due(plan_of(round_), now, tz):
            continue  # a past year created to import into gets no digest of its own
        complete = set(await services.storage.notices_sent(DIGEST, round_.year))
        for member in await services.storage.council_members():
            if member.id not in complete and member.reachable:
                await _send_once(bot, services, round_, member)


async def _send_once(bot: Bot, services: Services, round_: Round, member: Person) -> None:
    """Each part is claimed before it is sent, so a failure part-way resends only the rest;
    the whole digest is marked complete once every part is out."""
    storage = services.storage
    tr = services.translators[member.language]
    digest = await build_digest(services, round_, tr)
    for number, part in enumerate(_parts(digest)):
        kind = f"{DIGEST}:{number}"
        if not await storage.claim_notice(kind, round_.year, member.id, services.clock()):
            continue
        try:
            await _send_part(bot, member.telegram_id, part, _is_photo(digest, part))
        except Forbidden:
            await storage.set_reachable(member.id, False)
            return
        except TelegramError as error:
            log.warning("digest to %s failed, will retry: %s", member.telegram_id, error)
            await storage.release_notice(kind, round_.year, member.id)
            return
    await storage.claim_notice(DIGEST, round_.year, member.id, services.clock())
