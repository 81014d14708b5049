"""The two-step keyboard of /summary and /export given no argument: a year, then the whole
round, a theme or a unit. Payloads are `y:<s|e>:<year>` and `y:<s|e>:<year>:<a|t|u>:<ref>`
(a theme by its position in the catalogue, a unit as a checked `UnitRef`)."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.catalogue.index import CatalogueIndex
from bot.chat import callbacks
from bot.chat.callbacks import BadCallback, UnitRef, pack
from bot.i18n import Translator
from bot.wording.labels import unit_name

SUMMARY, EXPORT = "s", "e"
ALL, THEME, UNIT = "a", "t", "u"


@dataclass(frozen=True)
class Scope:
    """What a scope button asks for: which command, which year, and (once chosen) which
    theme or unit (both None for the whole round; `chosen` False while the year only)."""

    command: str
    year: int
    chosen: bool = False
    theme_id: str | None = None
    unit_id: str | None = None


def years_keyboard(command: str, years: list[int]) -> InlineKeyboardMarkup:
    """Step one: the rounds' years, newest first."""
    buttons = [InlineKeyboardButton(str(year), callback_data=pack(callbacks.SCOPE, command, year))
               for year in sorted(years, reverse=True)]
    return InlineKeyboardMarkup([buttons[i:i + 4] for i in range(0, len(buttons), 4)])


def scope_keyboard(index: CatalogueIndex, tr: Translator, command: str,
                   year: int) -> InlineKeyboardMarkup:
    """Step two: everything, one of the themes, or one of the units that lead measures."""
    def button(label: str, kind: str, ref: object) -> InlineKeyboardButton:
        return InlineKeyboardButton(label, callback_data=pack(callbacks.SCOPE, command, year, kind, ref))

    rows = [[button("📋 " + tr.gettext("Everything"), ALL, "-")]]
    themes = [button(tr.text(theme.title), THEME, position)
              for position, theme in enumerate(index.themes.values())]
    units = sorted(index.lead_units(), key=lambda u: unit_name(index, u.id, tr).casefold())
    unit_buttons = [button("🏢 " + unit_name(index, u.id, tr), UNIT, UnitRef(u.id).encode(index))
                    for u in units]
    for group in (themes, unit_buttons):
        rows += [group[i:i + 2] for i in range(0, len(group), 2)]
    return InlineKeyboardMarkup(rows[:100])


def decode_scope(data: str, index: CatalogueIndex) -> Scope:
    """A scope button's payload, re-resolved against the catalogue; BadCallback if stale."""
    parts = data.split(":")
    if parts[0] != callbacks.SCOPE or len(parts) not in (3, 5) or parts[1] not in (SUMMARY, EXPORT):
        raise BadCallback(data)
    year = callbacks.year_of(parts[2])
    if len(parts) == 3:
        return Scope(parts[1], year)
    kind, ref = parts[3], parts[4]
    if kind == ALL:
        return Scope(parts[1], year, True)
    if kind == THEME:
        themes = list(index.themes)
        if not callbacks.is_number(ref) or int(ref) >= len(themes):
            raise BadCallback(data)
        return Scope(parts[1], year, True, theme_id=themes[int(ref)])
    if kind == UNIT:
        return Scope(parts[1], year, True, unit_id=UnitRef.decode(ref, index).unit_id)
    raise BadCallback(data)
