"""Inline keyboards. Button labels are translated here, payloads built with `callbacks`."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import callbacks
from bot.callbacks import UnitRef, pack
from bot.catalogue.index import CatalogueIndex
from bot.catalogue.models import IndicatorKind
from bot.domain.answers import CHOICES
from bot.domain.reporting import STATUS_ORDER
from bot.domain.walk import Step, StepKind
from bot.i18n import Translator
from bot.labels import choice_label, status_label

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
        statuses = [s for s in STATUS_ORDER
                    if s != "ongoing" or step.due.entry.measure.schedule.continuous]
        buttons = [answer(status_label(status, tr), status.value) for status in statuses]
    elif step.kind is StepKind.FIELD:
        assert step.field is not None
        if step.field.kind in CHOICES:
            buttons = [answer(choice_label(step.field.kind, value, tr), value)
                       for value in CHOICES[step.field.kind]]
    else:
        buttons = [answer(_("No comment"), "none")]
    rows = _rows(buttons)
    if has_previous and is_button_kind(step):  # not for yearly counts or texts: ask anew
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


def is_button_kind(step: Step) -> bool:
    """Steps answered only with buttons (typed text is not an answer to them)."""
    if step.kind is StepKind.STATUS:
        return True
    return step.kind is StepKind.FIELD and step.field is not None and step.field.kind in CHOICES


def expects_number(step: Step) -> bool:
    return step.kind is StepKind.FIELD and step.field is not None and step.field.kind.numeric


def expects_text(step: Step) -> bool:
    return step.kind is StepKind.COMMENT or (
        step.kind is StepKind.FIELD and step.field is not None
        and step.field.kind is IndicatorKind.TEXT)
