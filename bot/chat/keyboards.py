"""Inline keyboards. Button labels are translated here, payloads built with `callbacks`."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.catalogue.index import CatalogueIndex
from bot.chat import callbacks
from bot.chat.callbacks import UnitRef, pack
from bot.domain.walk import Step, StepKind
from bot.i18n import Translator
from bot.wording.labels import choice_label, status_label, unit_name

LANGUAGE_NAMES = {"fi": "Suomi", "sv": "Svenska", "en": "English"}
"""Each language is offered in its own name, which is the same in every interface language."""


def language_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(name, callback_data=pack(callbacks.LANGUAGE, code))
        for code, name in LANGUAGE_NAMES.items()
    ]])


def _rows(buttons: list[InlineKeyboardButton], width: int = 2) -> list[list[InlineKeyboardButton]]:
    return [buttons[i:i + width] for i in range(0, len(buttons), width)]


def step_keyboard(index: CatalogueIndex, tr: Translator, year: int, unit_id: str, position: int,
                  step: Step, answered: bool, has_previous: bool) -> InlineKeyboardMarkup:
    _ = tr.gettext
    unit = UnitRef(unit_id).encode(index)

    def answer(label: str, value: str) -> InlineKeyboardButton:
        return InlineKeyboardButton(
            label, callback_data=pack(callbacks.ANSWER, year, unit, position, step.check, value))

    buttons: list[InlineKeyboardButton] = []
    if step.kind is StepKind.STATUS:
        buttons = [answer(status_label(status, tr), status) for status in step.choices]
    elif step.kind is StepKind.FIELD:
        assert step.field is not None
        buttons = [answer(choice_label(step.field.kind, value, tr), value) for value in step.choices]
    else:
        buttons = [answer(_("No comment"), "none")]
    rows = _rows(buttons)
    if has_previous and step.by_button:  # not for yearly counts or texts: ask anew
        rows.append([answer(_("No change since last year"), "same")])
    navigation = []
    if position > 0:
        navigation.append(InlineKeyboardButton(
            _("⬅ Back"), callback_data=pack(callbacks.NAVIGATE, year, unit, position, step.check, "back")))
    navigation.append(InlineKeyboardButton(
        _("Next ➡") if answered else _("Skip ➡"),
        callback_data=pack(callbacks.NAVIGATE, year, unit, position, step.check, "skip")))
    rows.append(navigation)
    return InlineKeyboardMarkup(rows)


def review_keyboard(index: CatalogueIndex, tr: Translator, year: int, unit_id: str,
                    missing: int, submitted: bool) -> InlineKeyboardMarkup:
    _ = tr.gettext
    unit = UnitRef(unit_id).encode(index)
    rows = []
    if not submitted:
        rows.append([InlineKeyboardButton(
            _("✅ Submit") if not missing else _("✅ Submit with gaps"),
            callback_data=pack(callbacks.REVIEW, year, unit, "submit"))])
    if missing:
        rows.append([InlineKeyboardButton(
            _("Answer the missing ones"), callback_data=pack(callbacks.REVIEW, year, unit, "missing"))])
    rows.append([InlineKeyboardButton(
        _("Go through again"), callback_data=pack(callbacks.REVIEW, year, unit, "restart"))])
    return InlineKeyboardMarkup(rows)


def unit_choice_keyboard(index: CatalogueIndex, tr: Translator, year: int,
                         units: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    """`units` is (unit id, label) in the order to show."""
    return InlineKeyboardMarkup([
        [InlineKeyboardButton(label, callback_data=pack(
            callbacks.START_REPORT, year, UnitRef(unit_id).encode(index)))]
        for unit_id, label in units
    ])


def start_report_keyboard(index: CatalogueIndex, tr: Translator, year: int,
                          unit_id: str) -> InlineKeyboardMarkup:
    """The button a reminder carries: straight into the guided report."""
    _ = tr.gettext
    return InlineKeyboardMarkup([[InlineKeyboardButton(
        _("Start the report"),
        callback_data=pack(callbacks.START_REPORT, year, UnitRef(unit_id).encode(index)))]])


def nudge_keyboard(tr: Translator, year: int, index: CatalogueIndex | None = None,
                   without_contact: list[str] | None = None) -> InlineKeyboardMarkup:
    """Under the missing-units notice: remind every late unit now; and for each late unit
    that has no contact person, report on its behalf."""
    rows = [[InlineKeyboardButton(
        tr.gettext("Nudge them all now"), callback_data=pack(callbacks.NUDGE_ALL, year))]]
    if index is not None and without_contact:
        rows += on_behalf_rows(index, tr, year, without_contact)
    return InlineKeyboardMarkup(rows)


def on_behalf_rows(index: CatalogueIndex, tr: Translator, year: int,
                   units: list[str]) -> list[list[InlineKeyboardButton]]:
    """"✍ Report for <unit>" per unit, for the coordinator to report on its behalf."""
    return [[InlineKeyboardButton(
        tr.gettext("✍ Report for {unit}").format(unit=unit_name(index, unit_id, tr)),
        callback_data=pack(callbacks.ON_BEHALF, year, UnitRef(unit_id).encode(index)))]
        for unit_id in units[:90]]

