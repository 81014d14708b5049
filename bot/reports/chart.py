"""The /summary chart and the programme digest's trend chart, rendered to PNG bytes.

Figures are built with `matplotlib.figure.Figure` and the Agg canvas directly, never
through pyplot: pyplot keeps a global registry of open figures and picks a GUI backend,
neither of which belongs in a bot that renders charts from several tasks at once. Such a
figure is freed like any other object once its bytes are taken.

Sizes suit a phone: 8×5 inches at 150 dpi (1200×750 px), which Telegram shows uncropped.
Colours follow the Okabe–Ito palette, which stays distinguishable with colour-blindness,
and "not reported" is hatched as well, so it reads even in greyscale.
"""

from __future__ import annotations

import math
import textwrap
from io import BytesIO

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from bot.catalogue.index import CatalogueIndex
from bot.domain.answers import Status
from bot.domain.summary import NOT_REPORTED, STATUS_COLUMNS, Summary
from bot.i18n import Translator
from bot.wording.labels import status_label

SIZE_INCHES = (8.0, 5.0)
DPI = 150
WRAP = 28
"""Theme titles are wrapped at this many characters so the bar labels stay narrow."""

COLOURS: dict[str, str] = {
    Status.DONE: "#009E73",  # bluish green
    Status.ONGOING: "#56B4E9",  # sky blue
    Status.IN_PROGRESS: "#E69F00",  # orange / amber
    Status.NOT_STARTED: "#8C8C8C",  # grey
    NOT_REPORTED: "#E0E0E0",  # light grey, hatched
}
HATCHES: dict[str, str] = {NOT_REPORTED: "///"}
LINE_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00",
                "#000000", "#F0E442")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
"""Trend lines differ by marker too, not by colour alone."""


def status_name(status: str, tr: Translator) -> str:
    """A status column's label, including the summary's own "not reported"."""
    _ = tr.gettext
    return _("Not reported") if status == NOT_REPORTED else status_label(status, tr)


def _figure() -> tuple[Figure, Axes]:
    figure = Figure(figsize=SIZE_INCHES, dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    return figure, figure.add_subplot()


def _png(figure: Figure) -> bytes:
    buffer = BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    figure.clear()
    return buffer.getvalue()


def _no_data(axes: Axes, tr: Translator) -> None:
    _ = tr.gettext
    axes.set_axis_off()
    axes.text(0.5, 0.5, _("No data yet"), ha="center", va="center", fontsize=16,
              color="#555555", transform=axes.transAxes)


def status_chart(index: CatalogueIndex, summary: Summary, tr: Translator) -> bytes:
    """One horizontal stacked bar per theme: how many due measures are in each status."""
    _ = tr.gettext
    figure, axes = _figure()
    axes.set_title(_("Measures by status, {year}").format(year=summary.year),
                   fontsize=14, fontweight="bold")
    if not summary.themes:
        _no_data(axes, tr)
        return _png(figure)
    labels = [textwrap.fill(tr.text(index.themes[theme.theme_id].title), WRAP)
              if theme.theme_id in index.themes else theme.theme_id
              for theme in summary.themes]
    positions = list(range(len(labels)))
    left = [0] * len(labels)
    widest = max(theme.due for theme in summary.themes)
    for status in STATUS_COLUMNS:
        counts = [theme.statuses[status] for theme in summary.themes]
        bars = axes.barh(positions, counts, left=left, color=COLOURS[status],
                         hatch=HATCHES.get(status), edgecolor="#606060", linewidth=0.5,
                         label=status_name(status, tr))
        # A count is written inside its segment only where it fits.
        axes.bar_label(bars, labels=[str(c) if c and c >= widest * 0.04 else "" for c in counts],
                       label_type="center", fontsize=8,
                       color="white" if status in (Status.DONE, Status.NOT_STARTED) else "black")
        left = [a + b for a, b in zip(left, counts, strict=True)]
    axes.set_yticks(positions, labels, fontsize=9)
    axes.invert_yaxis()  # the programme's first theme on top
    axes.set_xlabel(_("Number of measures"))
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.spines[["top", "right"]].set_visible(False)
    figure.legend(loc="outside lower center", ncols=len(STATUS_COLUMNS), fontsize=8,
                  frameon=False)
    return _png(figure)


def trend_series(trend: dict[str, dict[int, int]], years: list[int],
                 reported_years: set[int] | None) -> dict[str, list[float]]:
    """Each theme's points, year by year: NaN (a gap in the line) for a year without a
    round, so that "nobody reported" is never drawn as "nothing was done"."""
    return {theme: [float(per_year.get(year, 0)) if reported_years is None or year in reported_years
                    else math.nan for year in years]
            for theme, per_year in trend.items()}


OFFSET = 0.04
"""Lines with the same values are drawn this far apart (in years) so none hides another."""


def trend_chart(index: CatalogueIndex, trend: dict[str, dict[int, int]], years: list[int],
                tr: Translator, reported_years: set[int] | None = None) -> bytes:
    """Measures reported done per theme and year: one line per theme, programme order; a
    gap where there was no round, a marker on every point, lines slightly apart."""
    _ = tr.gettext
    figure, axes = _figure()
    axes.set_title(_("Measures done by year and theme"), fontsize=14, fontweight="bold")
    ordered = [t.id for t in index.catalogue.themes if t.id in trend]
    ordered += sorted(t for t in trend if t not in index.themes)
    if not years or not ordered:
        _no_data(axes, tr)
        return _png(figure)
    years = sorted(years)
    series = trend_series(trend, years, reported_years)
    middle = (len(ordered) - 1) / 2
    for number, theme_id in enumerate(ordered):
        theme = index.themes.get(theme_id)
        label = textwrap.fill(tr.text(theme.title), WRAP) if theme else theme_id
        shift = (number - middle) * OFFSET
        axes.plot([year + shift for year in years], series[theme_id],
                  color=LINE_COLOURS[number % len(LINE_COLOURS)],
                  marker=MARKERS[number % len(MARKERS)], markersize=7, linewidth=2, alpha=0.85,
                  label=label)
    axes.set_xticks(years, [str(year) for year in years])
    axes.set_ylabel(_("Number of measures"))
    axes.set_ylim(bottom=0)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.grid(axis="y", color="#DDDDDD")
    axes.spines[["top", "right"]].set_visible(False)
    figure.legend(loc="outside right center", fontsize=8, frameon=False)
    return _png(figure)
