"""Translated labels for stored values (statuses, milestones, yes/no, numbers, comments)."""

from __future__ import annotations

from typing import Any

from bot.catalogue.index import CatalogueIndex
from bot.catalogue.models import IndicatorKind
from bot.domain.answers import Milestone, Status, YesNo
from bot.domain.walk import Step, StepKind
from bot.i18n import Translator


def status_label(status: str, tr: Translator) -> str:
    _ = tr.gettext
    labels: dict[str, str] = {
        Status.NOT_STARTED: _("Not started"),
        Status.IN_PROGRESS: _("In progress"),
        Status.DONE: _("Done"),
        Status.ONGOING: _("Continuing as planned"),
    }
    return labels.get(status, status)


def choice_label(kind: IndicatorKind, value: str, tr: Translator) -> str:
    _ = tr.gettext
    if kind is IndicatorKind.MILESTONE:
        # milestone questions read "Has X been done?": yes / partly / not yet
        milestones: dict[str, str] = {Milestone.DONE: _("Yes"), Milestone.PARTLY: _("Partly"),
                                      Milestone.NOT_YET: _("Not yet")}
        return milestones.get(value, value)
    answers: dict[str, str] = {YesNo.YES: _("Yes"), YesNo.NO: _("No")}
    return answers.get(value, value)


def value_label(step: Step, value: Any, tr: Translator) -> str:
    """An answer as a person reads it, in their language."""
    _ = tr.gettext
    if step.kind is StepKind.STATUS:
        return status_label(value, tr)
    if step.kind is StepKind.COMMENT:
        return str(value) if value else _("no comment")
    assert step.field is not None
    kind = step.field.kind
    if kind in (IndicatorKind.MILESTONE, IndicatorKind.YESNO):
        return choice_label(kind, value, tr)
    if kind.numeric and isinstance(value, (int, float)):
        text = tr.number(value)
        if kind is IndicatorKind.PERCENT:
            return f"{text} %"
        unit = step.field.unit_one if value == 1 and step.field.unit_one else step.field.unit
        return f"{text} {tr.text(unit)}" if unit else text
    return str(value)


def unit_name(index: CatalogueIndex, unit_id: str, tr: Translator) -> str:
    """A unit's name in the reader's language; a unit no longer in the catalogue by its id."""
    unit = index.units.get(unit_id)
    return tr.text(unit.name) if unit else unit_id
