"""The catalogue as a readable tree, for `kotobot catalogue show`."""

from __future__ import annotations

from bot.catalogue.index import CatalogueIndex
from bot.i18n import Translator
from bot.wording.describe import kind_label, schedule_label, target_label


def render_tree(index: CatalogueIndex, tr: Translator, theme_id: str | None = None) -> str:
    """Theme › goal › measure with schedule, responsible unit and indicators."""
    _ = tr.gettext
    lines = [tr.text(index.programme.name), ""]
    for theme in index.catalogue.themes:
        if theme_id and theme.id != theme_id:
            continue
        lines.append(f"{tr.text(theme.title).upper()}  [{theme.id}]")
        for goal in theme.goals:
            lines.append("  " + _("Goal: {goal}").format(goal=tr.text(goal.text)))
            for measure in goal.measures:
                lines.append(f"    • {tr.text(measure.text)}  [{measure.id}]")
                lines.append("        " + _("Schedule: {schedule}").format(
                    schedule=schedule_label(measure.schedule, tr)))
                lead = tr.text(index.units[measure.lead].name)
                partners = ", ".join(tr.text(index.units[p].name) for p in measure.partners)
                lines.append("        " + _("Responsible unit: {lead}").format(lead=lead)
                             + (f" (+ {partners})" if partners else ""))
                for ref in measure.indicators:
                    indicator = index.indicators[ref]
                    shared = index.shared_with(measure.id, ref)
                    note = ("  " + _("(shared with {measures})").format(measures=", ".join(shared))
                            if shared else "")
                    lines.append("        " + _("Indicator: {indicator}").format(
                        indicator=tr.text(indicator.text)) + note)
                    for field in indicator.fields:
                        detail = kind_label(field.kind, tr)
                        if field.target:
                            detail += ", " + _("target {target}").format(
                                target=target_label(field.target, tr))
                        lines.append(f"          - {tr.text(field.question)} ({detail})")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
