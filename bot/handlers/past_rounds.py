"""/round open YEAR --closed: a past year's round, closed from the start, to import into.

The programme began before Kotobot: 2023–2025 were reported on paper, by e-mail or in the
city's spreadsheets. Their round exists only so that imported answers count in the trend
and in the whole-programme workbook; being closed, it never sends a reminder.
"""

from __future__ import annotations

from telegram import Message

from bot.domain.rounds import default_deadline, parse_year
from bot.services import KotobotContext

CLOSED_FLAG = "--closed"


async def open_past_round(message: Message, context: KotobotContext, args: list[str]) -> None:
    """`args` are the words after "open", the flag removed; ValueError for a bad year."""
    services, tr = context.services, context.tr
    _ = tr.gettext
    if not args:
        raise ValueError("a past round needs its year")
    year = parse_year(args[0])
    programme = services.catalogue.programme
    if not programme.covers(year):
        await message.reply_text(_(
            "{year} is outside the programme period {start}–{end}. A new programme is loaded as "
            "a new catalogue file (KOTOBOT_CATALOGUE).").format(
            year=year, start=programme.start, end=programme.end))
        return
    if not services.imports.is_past(year):
        await message.reply_text(_("Only a past year's round can be created closed; {year} is being "
                                   "reported now. Use /round open {year}.").format(year=year))
        return
    if not await services.rounds.create_past(year, default_deadline(year)):
        await message.reply_text(_("There is already a round for {year}. /rounds lists them.")
                                 .format(year=year))
        return
    await message.reply_text(_("Round {year} is created, closed from the start, for answers given "
                               "before Kotobot. Nobody is reminded. Send me the filled form "
                               "(/export template {year}) to import them.").format(year=year))
