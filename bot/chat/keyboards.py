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
                  step: Step, answered: bool, has_previous: bool,
                  comment: tuple[int, Step] | None = None) -> InlineKeyboardMarkup:
    """A step's buttons; `comment` is a comment step (position, step) to offer with it."""
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
    if comment is not None:
        where, comment_step = comment
        rows.append([InlineKeyboardButton(
            _("💬 Add a comment to measure {number}").format(number=comment_step.measure_no),
            callback_data=pack(callbacks.NAVIGATE, year, unit, where, comment_step.check, "here"))])
    navigation = []
    if position > 0:
        navigation.append(InlineKeyboardButton(
            _("⬅ Back"), callback_data=pack(callbacks.NAVIGATE, year, unit, position, step.check, "back")))
    navigation.append(InlineKeyboardButton(
        _("Next ➡") if answered else _("Skip ➡"),
        callback_data=pack(callbacks.NAVIGATE, year, unit, position, step.check, "skip")))
    rows.append(navigation)
    return InlineKeyboardMarkup(rows)


def choose_number_keyboard(index: CatalogueIndex, tr: Translator, year: int, unit_id: str,
                           position: int, step: Step,
                           readings: tuple[float, float]) -> InlineKeyboardMarkup:
    """Two readings of ambiguous digits ("1,000"): the button carries the number itself."""
    unit = UnitRef(unit_id).encode(index)
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(tr.number(value), callback_data=pack(
            callbacks.ANSWER, year, unit, position, step.check, f"#{value!r}"))
        for value in readings]])


def offer_keyboard(index: CatalogueIndex, tr: Translator, year: int, unit_id: str,
                   position: int, step: Step, here: tuple[int, Step] | None,
                   draft: str) -> InlineKeyboardMarkup:
    """Under a typed text offered back: save it as the answer to `step`, or show `here`
    (the question on screen) again. The button names the kept text by a checksum, so an
    older offer cannot save a newer text."""
    _ = tr.gettext
    unit = UnitRef(unit_id).encode(index)
    rows = [[InlineKeyboardButton(_("✅ Save it"), callback_data=pack(
        callbacks.ANSWER, year, unit, position, step.check, callbacks.draft_token(draft)))]]
    if here is not None:
        rows.append([continue_button(index, tr, year, unit_id, here)])
    return InlineKeyboardMarkup(rows)


def continue_button(index: CatalogueIndex, tr: Translator, year: int, unit_id: str,
                    here: tuple[int, Step], label: str = "") -> InlineKeyboardButton:
    """Back to the question a person was at."""
    position, step = here
    return InlineKeyboardButton(label or tr.gettext("Show the question again"), callback_data=pack(
        callbacks.NAVIGATE, year, UnitRef(unit_id).encode(index), position, step.check, "here"))


def review_keyboard(index: CatalogueIndex, tr: Translator, year: int, unit_id: str,
                    missing: int, submitted: bool,
                    fixable: list[tuple[int, Step]] = ()) -> InlineKeyboardMarkup:  # type: ignore[assignment]
    """Submit, then one button per answer (`fixable`: position, step) that opens that one
    question and comes back here, then the whole walk again."""
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
    fixes = [InlineKeyboardButton(fix_label(tr, step), callback_data=pack(
        callbacks.FIX, year, unit, position, step.check)) for position, step in fixable]
    rows += _rows(fixes, 3)
    rows.append([InlineKeyboardButton(
        _("Go through again"), callback_data=pack(callbacks.REVIEW, year, unit, "restart"))])
    return InlineKeyboardMarkup(rows)


def fix_label(tr: Translator, step: Step) -> str:
    """A short label for the review's button that fixes one answer: "✏ 6 Status",
    "✏ 6.2" (the second indicator question of measure 6), "✏ 6 💬"."""
    _ = tr.gettext
    if step.kind is StepKind.STATUS:
        return _("✏ {number} Status").format(number=step.measure_no)
    if step.kind is StepKind.COMMENT:
        return f"✏ {step.measure_no} 💬"
    return f"✏ {step.measure_no}.{step.field_no}"


def unit_choice_keyboard(index: CatalogueIndex, tr: Translator, year: int,
                         units: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    """`units` is (unit id, label) in the order to show."""
    return InlineKeyboardMarkup([
        [InlineKeyboardButton(label, callback_data=pack(
            callbacks.START_REPORT, year, UnitRef(unit_id).encode(index)))]
        for unit_id, label in units
    ])


def start_report_keyboard(index: CatalogueIndex, tr: Translator, year: int,
                          unit_id: str, progress: tuple[int, int] = (0, 0)) -> InlineKeyboardMarkup:
    """The button a reminder carries: straight into the guided report, where the person was
    (`progress`: questions answered, asked)."""
    _ = tr.gettext
    answered, total = progress
    label = (_("Continue ({answered}/{total} answered)").format(answered=answered, total=total)
             if answered else _("Start the report"))
    return InlineKeyboardMarkup([[InlineKeyboardButton(
        label,
        callback_data=pack(callbacks.START_REPORT, year, UnitRef(unit_id).encode(index)))]])


def status_keyboard(index: CatalogueIndex, tr: Translator,
                    units: list[tuple[str, int, int, bool]],
                    year: int) -> InlineKeyboardMarkup | None:
    """Under /status: per unit (id, answered, asked, submitted), continue the report where
    it was, or see the review with its ✏ buttons (only that, once it is submitted: nothing
    is left to continue)."""
    _ = tr.gettext
    rows = []
    for unit_id, answered, total, submitted in units:
        unit = UnitRef(unit_id).encode(index)
        review = InlineKeyboardButton(_("Review and fix"), callback_data=pack(
            callbacks.REVIEW, year, unit, "show"))
        if submitted:
            rows.append([review])
            continue
        label = (_("Continue ({answered}/{total} answered)").format(answered=answered, total=total)
                 if answered else _("Start the report"))
        if len(units) > 1:
            label = f"{label} · {unit_name(index, unit_id, tr)}"
        rows.append([InlineKeyboardButton(label[:60], callback_data=pack(
            callbacks.START_REPORT, year, unit)), review])
    return InlineKeyboardMarkup(rows) if rows else None


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
