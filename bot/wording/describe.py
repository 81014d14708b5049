"""Short, translated descriptions of catalogue facts (schedules, indicator kinds, targets).

Shared by the command-line tree, the guided report and the summaries so that a schedule
or a target reads the same everywhere.
"""

from __future__ import annotations

from bot.catalogue.models import IndicatorKind, Schedule, Target
from bot.i18n import Translator


def schedule_label(schedule: Schedule, tr: Translator) -> str:
    _ = tr.gettext
    if schedule.continuous:
        return _("continuous")
    if schedule.start == schedule.end:
        return str(schedule.start)
    return f"{schedule.start}–{schedule.end}"


def kind_label(kind: IndicatorKind, tr: Translator) -> str:
    _ = tr.gettext
    labels = {
        IndicatorKind.COUNT: _("count"),
        IndicatorKind.NUMBER: _("number"),
        IndicatorKind.PERCENT: _("percentage"),
        IndicatorKind.MILESTONE: _("milestone"),
        IndicatorKind.YESNO: _("yes/no"),
        IndicatorKind.TEXT: _("text"),
    }
    return labels[kind]


def target_label(target: Target, tr: Translator) -> str:
    """E.g. "4–5 a year", "at least 10 a year", "1 a month"."""
    _ = tr.gettext
    low = tr.number(target.min) if target.min is not None else None
    high = tr.number(target.max) if target.max is not None else None
    if low is not None and high is not None and low != high:
        amount = f"{low}–{high}"
    elif low is not None and high is None:
        amount = _("at least {amount}").format(amount=low)
    else:
        amount = low or high or ""
    if target.per == "month":
        yearly = target.yearly_min if target.yearly_min is not None else target.yearly_max
        return _("{yearly} a year ({amount} a month)").format(
            yearly=tr.number(yearly or 0), amount=amount)
    return _("{amount} a year").format(amount=amount)
