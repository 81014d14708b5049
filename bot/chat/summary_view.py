"""A `Summary` as Telegram HTML blocks, in the reader's language (for /summary and the digest)."""

from __future__ import annotations

from html import escape
from textwrap import shorten

from bot.catalogue.index import CatalogueIndex
from bot.domain.answers import Status
from bot.domain.summary import NOT_REPORTED, STATUS_COLUMNS, Summary
from bot.i18n import Translator
from bot.wording.describe import target_label
from bot.wording.labels import status_label, unit_name

LIST_LIMIT = 15
STATUS_MARK = {Status.DONE: "✅", Status.ONGOING: "🔄", Status.IN_PROGRESS: "⏳",
               Status.NOT_STARTED: "⏸", NOT_REPORTED: "❔"}


def column_label(column: str, tr: Translator) -> str:
    return tr.gettext("Not reported") if column == NOT_REPORTED else status_label(column, tr)


def _names(index: CatalogueIndex, units: list[str], tr: Translator,
           limit: int | None = LIST_LIMIT) -> list[str]:
    names = sorted((unit_name(index, unit, tr) for unit in units), key=str.casefold)
    shown = [f"• {escape(name)}" for name in names[:limit]]
    if limit is not None and len(names) > limit:
        shown.append(tr.gettext("… and {count} more (/export lists all)").format(
            count=len(names) - limit))
    return shown


def headline_block(summary: Summary, tr: Translator, title: str) -> str:
    _ = tr.gettext
    reported = len(summary.on_time) + len(summary.late)
    lines = [f"<b>{escape(title)}</b>"]
    if not summary.expected_units:
        lines.append(_("Nothing is due in this selection."))
        return "\n".join(lines)
    lines.append(_("Reports: {reported}/{expected} units ({rate}) · on time {on_time}, late {late}")
                 .format(reported=reported, expected=len(summary.expected_units),
                         rate=tr.percent(summary.response_rate), on_time=len(summary.on_time),
                         late=len(summary.late)))
    lines.append(_("Measures done: {done}/{due}").format(done=summary.done, due=summary.measures_due))
    return "\n".join(lines)


def missing_block(index: CatalogueIndex, summary: Summary, tr: Translator,
                  limit: int | None = LIST_LIMIT) -> str | None:
    _ = tr.gettext
    if not summary.missing:
        return None
    lines = [_("<b>Not submitted</b> ({count})").format(count=len(summary.missing))]
    lines += _names(index, summary.missing, tr, limit)
    if summary.started:
        lines.append(tr.ngettext("{count} of them has started answering.",
                                 "{count} of them have started answering.",
                                 len(summary.started)).format(count=len(summary.started)))
    return "\n".join(lines)


def themes_block(index: CatalogueIndex, summary: Summary, tr: Translator) -> str | None:
    _ = tr.gettext
    if not summary.themes:
        return None
    legend = " · ".join(f"{STATUS_MARK[c]} {escape(column_label(c, tr))}" for c in STATUS_COLUMNS)
    lines = [_("<b>Measures by theme</b>"), legend]
    for theme in summary.themes:
        title = escape(tr.text(index.themes[theme.theme_id].title))
        counts = " ".join(f"{STATUS_MARK[c]}{theme.statuses[c]}" for c in STATUS_COLUMNS)
        line = f"{title}: {counts}"
        if theme.previous_done is not None:
            line += " " + _("(done the year before: {count})").format(count=theme.previous_done)
        lines.append(line)
    return "\n".join(lines)


def targets_block(index: CatalogueIndex, summary: Summary, tr: Translator) -> str | None:
    _ = tr.gettext
    if not summary.targets:
        return None
    met = sum(1 for t in summary.targets if t.met)
    missed = len(summary.targets) - met
    lines = [_("<b>Targets</b>: {met}, {missed}").format(
        met=tr.ngettext("{count} met", "{count} met", met).format(count=met),
        missed=tr.ngettext("{count} missed", "{count} missed", missed).format(count=missed))]
    for result in sorted(summary.targets, key=lambda r: (r.met, unit_name(index, r.unit_id, tr))):
        mark = "✅" if result.met else "❌"
        lines.append(_("{mark} {question} – {unit}: {value} (target {target})").format(
            mark=mark, question=escape(tr.text(result.field.question)),
            unit=escape(unit_name(index, result.unit_id, tr)), value=tr.number(result.value),
            target=escape(target_label(result.target, tr))))
    return "\n".join(lines)


def totals_block(index: CatalogueIndex, summary: Summary, tr: Translator,
                 limit: int = 12) -> str | None:
    """The largest totals, each named by its measure: two measures may ask the same question
    ("How many took part?"), and out of the report a question alone loses its subject."""
    _ = tr.gettext
    totals = [t for t in summary.totals if t.total > 0][:limit]
    if not totals:
        return None
    lines = [_("<b>Totals reported</b>")]
    for total in totals:
        indicator = index.fields[total.field.id][0]
        measure = index.measures[index.measures_sharing(indicator.id)[0]].measure
        subject = shorten(tr.text(measure.text), width=60, placeholder="…")
        line = (f"• <i>{escape(subject)}</i>: {escape(tr.text(total.field.question))} "
                f"<b>{tr.number(total.total)}</b>")
        if total.previous_total is not None:
            line += " " + _("(the year before: {total})").format(total=tr.number(total.previous_total))
        lines.append(line)
    return "\n".join(lines)


def summary_blocks(index: CatalogueIndex, summary: Summary, tr: Translator, title: str,
                   full_lists: bool = False) -> list[str]:
    """The whole summary as blocks (split between messages at block borders)."""
    if full_lists:
        return digest_blocks(index, summary, tr, title, [])
    blocks = [headline_block(summary, tr, title), missing_block(index, summary, tr, LIST_LIMIT),
              themes_block(index, summary, tr), targets_block(index, summary, tr),
              totals_block(index, summary, tr)]
    return [block for block in blocks if block]


def digest_blocks(index: CatalogueIndex, summary: Summary, tr: Translator, title: str,
                  highlights: list[tuple[str, str, str]]) -> list[str]:
    """The council's order: progress per theme and what the units said first; the units
    that did not report in one line with their count, last."""
    blocks = [headline_block(summary, tr, title), themes_block(index, summary, tr),
              highlights_block(index, highlights, tr), targets_block(index, summary, tr),
              totals_block(index, summary, tr), missing_line(index, summary, tr)]
    return [block for block in blocks if block]


def highlights_block(index: CatalogueIndex, highlights: list[tuple[str, str, str]],
                     tr: Translator) -> str | None:
    """(unit, measure id, comment) quoted for the council."""
    if not highlights:
        return None
    lines = [tr.gettext("<b>What the units said</b>")]
    for unit_id, measure_id, comment in highlights:
        entry = index.measures.get(measure_id)
        measure = f" ({escape(_short(tr.text(entry.measure.text)))})" if entry else ""
        lines.append(f"• <b>{escape(unit_name(index, unit_id, tr))}</b>{measure}: {escape(_short(comment, 300))}")
    return "\n".join(lines)


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def missing_line(index: CatalogueIndex, summary: Summary, tr: Translator) -> str | None:
    if not summary.missing:
        return None
    names = sorted((unit_name(index, unit, tr) for unit in summary.missing), key=str.casefold)
    return tr.gettext("<b>Not submitted</b> ({count})").format(count=len(summary.missing)) + ": " \
        + escape(", ".join(names))


def trend_block(index: CatalogueIndex, trend: dict[str, dict[int, int]], years: list[int],
                tr: Translator, reported_years: set[int]) -> str:
    """Each theme's measures done per programme year; "–" for a year with no round, so that
    a year nobody reported on does not read as "nothing was done"."""
    _ = tr.gettext
    lines = [_("<b>The whole programme: measures done per year</b>"), " · ".join(map(str, years))]
    for theme in index.catalogue.themes:
        per_year = trend.get(theme.id, {})
        counts = " → ".join(str(per_year.get(year, 0)) if year in reported_years else "–"
                            for year in years)
        lines.append(f"{escape(tr.text(theme.title))}: {counts}")
    return "\n".join(lines)
