"""The words of an import, in the coordinator's language: each problem with its place in
the file, the preview of what would change, and what was written. Shared by the chat
handler and `kotobot import`, so both say exactly the same."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from bot.catalogue.index import CatalogueIndex
from bot.catalogue.models import IndicatorKind
from bot.domain.answers import CHOICES, Status
from bot.domain.importing import Preview
from bot.domain.imports import STATUS, Problem
from bot.i18n import Translator
from bot.wording.labels import choice_label, status_label

MAX_PROBLEMS_SHOWN = 25
"""More would not fit one message; the count of the rest is given."""
MAX_VALUE_SHOWN = 40
MAX_PROBLEM_TEXT = 3600
"""Characters of problem lines in the answer, leaving room below Telegram's 4096."""


def _unit(index: CatalogueIndex, unit_id: str, tr: Translator) -> str:
    unit = index.units.get(unit_id)
    return tr.text(unit.name) if unit else unit_id


def _value(value: Any, tr: Translator) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        return tr.number(value)
    text = str(value).strip().replace("\n", " ")
    return text if len(text) <= MAX_VALUE_SHOWN else text[:MAX_VALUE_SHOWN - 1] + "…"


def _choices(kind: str | None, tr: Translator) -> str:
    if kind == STATUS:
        return ", ".join(status_label(status, tr) for status in Status)
    indicator_kind = IndicatorKind(kind) if kind else IndicatorKind.YESNO
    return ", ".join(choice_label(indicator_kind, v, tr) for v in CHOICES.get(indicator_kind, ()))


def reason_text(problem: Problem, index: CatalogueIndex, tr: Translator) -> str:
    _ = tr.gettext
    value = _value(problem.value, tr) if problem.value is not None else ""
    texts = {
        "wrong_year": lambda: _("the row is for {value}, but this import is for {year}").format(
            value=value, year=problem.detail),
        "unknown_measure": lambda: _("unknown measure “{value}”").format(value=value),
        "unknown_unit": lambda: _("unknown unit “{value}”").format(value=value),
        "not_lead": lambda: _("{unit} does not lead this measure; {lead} reports it").format(
            unit=_unit(index, str(problem.value), tr), lead=_unit(index, str(problem.detail), tr)),
        "not_scheduled": lambda: _("this measure is not scheduled for {year}").format(year=problem.detail),
        "bad_date": lambda: _("“{value}” is not a date; write it like {example}").format(
            value=value, example=tr.date(date(2027, 1, 31))),
        "bad_choice": lambda: _("“{value}” is not one of: {choices}").format(
            value=value, choices=_choices(problem.kind, tr)),
        "not_a_number": lambda: _("“{value}” is not a number").format(value=value),
        "negative": lambda: _("{value} is below zero").format(value=value),
        "not_whole": lambda: _("{value} is not a whole number").format(value=value),
        "too_large": lambda: _("{value} is larger than {limit}").format(
            value=value, limit=tr.number(problem.detail or 0)),
        "over_100": lambda: _("a percentage of {value} is not possible: it is between 0 and 100")
        .format(value=value),
        "too_long": lambda: _("the text is longer than {limit} characters").format(
            limit=tr.number(problem.detail or 0)),
        "unknown_field": lambda: _("this question does not belong to this measure"),
        "conflict": lambda: _("a different answer to the same question is given at {place}").format(
            place=problem.detail),
    }
    return texts.get(problem.reason, texts["unknown_measure"])()


def problem_text(problem: Problem, index: CatalogueIndex, tr: Translator) -> str:
    return tr.gettext("Sheet “{sheet}”, row {row}, column {column} ({header}): {reason}").format(
        sheet=problem.sheet, row=problem.row, column=problem.column, header=problem.header,
        reason=reason_text(problem, index, tr))


def round_problem_text(reason: str, year: int, index: CatalogueIndex, tr: Translator) -> str:
    _ = tr.gettext
    programme = index.programme
    if reason == "outside_programme":
        return _("{year} is outside the programme period {start}–{end}. A new programme is loaded as "
                 "a new catalogue file (KOTOBOT_CATALOGUE).").format(
            year=year, start=programme.start, end=programme.end)
    if reason == "changed_since_preview":
        return _("Some answers in this file's units have changed since the preview (a contact "
                 "answered in the meantime), so nothing was imported. Send the file again to "
                 "see what it would change now.")
    if reason == "round_closed":
        return _("Round {year} is closed, so its answers can no longer be changed. Reopen it with "
                 "/round open {year} to import into it.").format(year=year)
    return _("There is no reporting round for {year}. Open it with /round open {year} (for a "
             "past year: /round open {year} --closed) and send the file again.").format(year=year)


def preview_text(preview: Preview, file_name: str, index: CatalogueIndex, tr: Translator,
                 button_hint: bool = True) -> str:
    """The one answer to a file: every problem, or what "Import" would write."""
    _ = tr.gettext
    year = preview.plan.year
    if preview.plan.problems:
        problems = preview.plan.problems
        lines = [tr.ngettext("❌ {file} was not imported and nothing was written. {count} problem:",
                             "❌ {file} was not imported and nothing was written. {count} problems:",
                             len(problems)).format(file=file_name, count=len(problems))]
        shown = 0
        for problem in problems:
            line = "• " + problem_text(problem, index, tr)
            if shown == MAX_PROBLEMS_SHOWN or sum(map(len, lines)) + len(line) > MAX_PROBLEM_TEXT:
                break
            lines.append(line)
            shown += 1
        if len(problems) > shown:
            lines.append(_("…and {count} more.").format(count=len(problems) - shown))
        lines.append(_("Correct them and send the file again."))
        return "\n".join(lines)
    if preview.round_problem is not None:
        return round_problem_text(preview.round_problem, year, index, tr)
    if not preview.changes:
        return _("Every answer in {file} is already stored for {year}; there is nothing to import.").format(
            file=file_name, year=year)
    lines = [_("📥 {file}: answers for {year}, {rows} rows read.").format(
        file=file_name, year=year, rows=preview.plan.rows)]
    lines += change_lines(preview.changes, index, tr)
    if preview.creates_round:
        lines.append(_("Importing creates the round {year}, closed from the start: its answers "
                       "count in the summaries and the trend, and nobody is reminded.").format(year=year))
    if button_hint:
        lines.append(_("Nothing is written until you press “Import”."))
    return "\n".join(lines)


def change_lines(counts: Mapping[str, Any], index: CatalogueIndex, tr: Translator) -> list[str]:
    """One line per unit and a total; `counts` maps unit → UnitChanges or (added, changed)."""
    _ = tr.gettext
    pairs = {unit: (c if isinstance(c, tuple) else (c.added, c.changed)) for unit, c in counts.items()}
    lines = [_("• {unit}: {added} new, {changed} changed").format(
        unit=_unit(index, unit, tr), added=added, changed=changed)
        for unit, (added, changed) in sorted(pairs.items(), key=lambda p: _unit(index, p[0], tr))]
    lines.append(_("In total: {added} new answers, {changed} changed.").format(
        added=sum(a for a, _c in pairs.values()), changed=sum(c for _a, c in pairs.values())))
    return lines


def applied_text(counts: Mapping[str, tuple[int, int]], file_name: str, year: int,
                 index: CatalogueIndex, tr: Translator) -> str:
    _ = tr.gettext
    if not counts:
        return _("Every answer in {file} is already stored for {year}; there is nothing to import.").format(
            file=file_name, year=year)
    return "\n".join([_("✅ Imported {file} into {year}.").format(file=file_name, year=year),
                      *change_lines(counts, index, tr)])


def refusal_text(reason: str, tr: Translator) -> str:
    """Why a file could not be read at all."""
    _ = tr.gettext
    texts = {
        "too_large": _("That file is larger than 5 MB, so I did not open it. A filled form is "
                       "much smaller: please send the workbook (.xlsx) alone."),
        "not_xlsx": _("That file is not an Excel workbook (.xlsx), so I cannot import it. Save it "
                      "as an Excel workbook and send it again; /export template YEAR gives a form "
                      "to fill."),
        "no_form": _("I found no answer form in that workbook. Fill the form from /export template "
                     "YEAR, or the form sheet of a workbook from /export, and send it again."),
        "no_year": _("I could not tell which year the file is for. Send it again with the year as "
                     "its caption, for example 2024."),
    }
    return texts.get(reason, texts["not_xlsx"])
