"""Message texts for the guided report, the review and /status (Telegram HTML).

Catalogue texts are escaped; every literal is translated first and formatted after.
Long texts are built as blocks so they can be split between messages at block borders.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from html import escape
from zoneinfo import ZoneInfo

from bot.catalogue.index import CatalogueIndex
from bot.catalogue.models import IndicatorKind
from bot.domain.reporting import UnitReport, not_applicable
from bot.domain.walk import Step, StepKind
from bot.i18n import Translator
from bot.wording.describe import schedule_label, target_label
from bot.wording.labels import unit_name, value_label

TELEGRAM_LIMIT = 4096


def step_text(index: CatalogueIndex, tr: Translator, report: UnitReport, position: int,
              privacy_warning: bool, saved_note: str = "") -> str:
    _ = tr.gettext
    step = report.steps[position]
    entry = step.due.entry
    lines = []
    if saved_note:
        lines += [saved_note, ""]
    lines.append(_("<b>{unit}</b> · report {year} · measure {number}/{total}").format(
        unit=escape(unit_name(index, report.unit_id, tr)), year=report.round.year,
        number=step.measure_no, total=len(report.due)))
    first_of_measure = step.kind is StepKind.STATUS
    if first_of_measure:  # where the measure sits, once; its later questions stay short on a phone
        lines.append(f"<i>{escape(tr.text(entry.theme.title))} › "
                     f"{escape(tr.text(entry.goal.text))}</i>")
    lines.append(f"<b>{escape(tr.text(entry.measure.text))}</b>")
    if first_of_measure:
        schedule = _("Schedule: {schedule}").format(
            schedule=schedule_label(entry.measure.schedule, tr))
        if step.due.carried_over:
            schedule += " · " + _("ended earlier: please report how it went")
        lines.append(schedule)
    if first_of_measure:
        lines += _shared_lines(index, tr, report, step.measure_no)
    lines.append("")
    if step.kind is StepKind.STATUS:
        lines.append(_("What is the status of this measure?"))
    elif step.kind is StepKind.COMMENT:
        lines.append(_("Anything to add about this measure? Type a comment, or press “No comment”."))
    else:
        assert step.field is not None
        indicator = index.fields[step.field.id][0]
        if indicator.fields[0].id == step.field.id:  # the cell once, before its first question
            lines.append(_("Indicator: {indicator}").format(indicator=escape(tr.text(indicator.text))))
        lines.append(f"<b>{escape(tr.text(step.field.question))}</b>")
        if step.field.target:
            lines.append(_("Target: {target}").format(target=target_label(step.field.target, tr)))
        if step.numeric and step.field.kind is IndicatorKind.COUNT:
            lines.append(_("Type a whole number, for example 12."))
        elif step.numeric:
            lines.append(_("Type a number, for example 12 or 12.5."))
    if step.textual:
        if step.kind is StepKind.FIELD:
            lines.append(_("Type your answer."))
        if privacy_warning:
            lines.append(_("⚠ Please do not write personal data about individual residents "
                           "(names, health, situations that identify a person)."))
    previous = report.previous.get(step.key)
    if previous is not None and step.kind is not StepKind.COMMENT:
        lines.append(_("Last year ({year}): {value}").format(
            year=previous.year, value=escape(shortened(value_label(step, previous.value, tr)))))
    current = report.answers.get(step.key)
    if current is not None:
        lines.append(_("Current answer: {value}").format(
            value=escape(shortened(value_label(step, current.value, tr)))))
    return "\n".join(lines)


def _shared_lines(index: CatalogueIndex, tr: Translator, report: UnitReport,
                  measure_no: int) -> list[str]:
    """Indicator questions this measure shares with an earlier one, where they were
    answered: "Answered under measure 6: 14" (they are not asked twice)."""
    _ = tr.gettext
    lines = []
    for step in report.steps:
        if step.kind is StepKind.FIELD and step.measure_no != measure_no and measure_no in step.users:
            assert step.field is not None
            answer = report.answers.get(step.key)
            shown = (escape(shortened(value_label(step, answer.value, tr))) if answer
                     else _("— not answered"))
            lines.append(_("{question} (answered under measure {number}): {value}").format(
                question=escape(tr.text(step.field.question)), number=step.measure_no,
                value=shown))
    return lines


SHORT = 300
"""How much of a long typed text an echo or the review shows; the whole text is stored."""


def shortened(text: str, limit: int = SHORT) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def short_question(index: CatalogueIndex, tr: Translator, step: Step) -> str:
    """What a step asks, in a few words, for "Save … as the answer to: …?"."""
    _ = tr.gettext
    if step.kind is StepKind.STATUS:
        return _("the status of measure {number}").format(number=step.measure_no)
    if step.kind is StepKind.COMMENT:
        return _("the comment on measure {number}").format(number=step.measure_no)
    assert step.field is not None
    # the template adds its own question mark ("Save … as the answer to: …?")
    return shortened(tr.text(step.field.question).rstrip("?？ "), 120)


def answered_line(tr: Translator, step: Step, value: object) -> str:
    _ = tr.gettext
    return _("✓ Saved: {value}").format(value=escape(shortened(value_label(step, value, tr))))


def review_blocks(index: CatalogueIndex, tr: Translator, report: UnitReport,
                  tz: ZoneInfo) -> list[str]:
    """The review as blocks: a header, then one block per measure."""
    _ = tr.gettext
    missing = len(report.missing)
    header = [_("<b>{unit}</b> · report {year}").format(
        unit=escape(unit_name(index, report.unit_id, tr)), year=report.round.year)]
    if report.submission:
        header.append(_("✅ Submitted on {date}.").format(
            date=tr.date(report.submission.submitted_at.astimezone(tz).date())))
    if missing:
        header.append(tr.ngettext("{count} question is still unanswered.",
                                  "{count} questions are still unanswered.", missing
                                  ).format(count=missing))
    else:
        header.append(_("Every question is answered. Please check your answers."))
    blocks = ["\n".join(header)]
    by_measure: dict[int, list[Step]] = {}
    for step in report.steps:
        by_measure.setdefault(step.measure_no, []).append(step)
    skipped = not_applicable(report.steps, report.answers)
    for number, steps in by_measure.items():
        measure = steps[0].due.entry.measure
        lines = [f"<b>{number}. {escape(tr.text(measure.text))}</b>"]
        for step in steps:
            answer = report.answers.get(step.key)
            if step.kind is StepKind.COMMENT:
                if answer is not None and answer.value:  # optional: no line for none given
                    lines.append(_("Comment: {comment}").format(
                        comment=f"<i>{escape(shortened(str(answer.value)))}</i>"))
                continue
            if answer is not None:
                shown = f"<b>{escape(shortened(value_label(step, answer.value, tr)))}</b>"
            elif step.key in skipped:
                shown = _("— not applicable (not started)")
            else:
                shown = _("— not answered")
            title = escape(_step_title(step, tr))
            if step.kind is StepKind.FIELD:  # the number its ✏ button carries
                title = f"{step.measure_no}.{step.field_no} {title}"
            lines.append(f"{title} {shown}" if title.endswith("?") else f"{title}: {shown}")
        lines += _shared_lines(index, tr, report, number)
        blocks.append("\n".join(lines))
    return blocks


def _step_title(step: Step, tr: Translator) -> str:
    _ = tr.gettext
    if step.kind is StepKind.STATUS:
        return _("Status")
    if step.kind is StepKind.COMMENT:
        return _("Comment")
    assert step.field is not None
    return tr.text(step.field.question)


def status_blocks(index: CatalogueIndex, tr: Translator, reports: Iterable[UnitReport],
                  tz: ZoneInfo, today: date | None = None) -> list[str]:
    """/status: per unit, what is due, answered and missing, with the deadline (and, after
    it, that the report is overdue)."""
    _ = tr.gettext
    blocks = []
    for report in reports:
        answered = report.answered_count
        lines = [_("<b>{unit}</b> · report {year}").format(
            unit=escape(unit_name(index, report.unit_id, tr)), year=report.round.year)]
        if today is not None and today > report.round.deadline and not report.submission:
            lines.append(_("⏰ Deadline: {date} — the report is overdue.").format(
                date=tr.date(report.round.deadline)))
        else:
            lines.append(_("Deadline: {date}").format(date=tr.date(report.round.deadline)))
        lines.append(tr.ngettext("{count} measure due", "{count} measures due",
                                 len(report.due)).format(count=len(report.due)))
        lines.append(_("Answered: {answered}/{total}").format(answered=answered,
                                                              total=len(report.required)))
        if report.submission:
            lines.append(_("✅ Submitted on {date}.").format(
                date=tr.date(report.submission.submitted_at.astimezone(tz).date())))
        else:
            lines.append(_("Not submitted yet."))
            missing = [d for d in report.due if any(s.due is d for s in report.missing)]
            for item in missing[:10]:
                lines.append("• " + escape(tr.text(item.entry.measure.text)))
            if len(missing) > 10:
                lines.append(_("… and {count} more").format(count=len(missing) - 10))
        blocks.append("\n".join(lines))
    return blocks


def split_blocks(blocks: list[str], limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Join blocks into as few messages as fit `limit`, splitting only between blocks (or,
    for one oversized block, between its lines)."""
    pieces: list[str] = []
    for block in blocks:
        pieces.extend(_pack(block.split("\n"), "\n", limit) if len(block) > limit else [block])
    return _pack(pieces, "\n\n", limit)


def _pack(parts: list[str], separator: str, limit: int) -> list[str]:
    packed: list[str] = []
    current = ""
    for part in parts:
        part = part[:limit]  # a single line longer than a message: cannot happen with our texts
        candidate = f"{current}{separator}{part}" if current else part
        if len(candidate) > limit:
            packed.append(current)
            current = part
        else:
            current = candidate
    if current:
        packed.append(current)
    return packed
