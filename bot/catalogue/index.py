"""Fast look-ups over a validated catalogue.

The models mirror the printed tables (theme › goal › measure); the bot mostly needs the
other direction: a measure's theme and goal, a unit's measures, which measures share an
indicator cell. This index computes those once at load time.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.catalogue.models import (
    Catalogue,
    Goal,
    Indicator,
    IndicatorField,
    Measure,
    Programme,
    Theme,
    Unit,
)


@dataclass(frozen=True)
class MeasureEntry:
    """A measure with its place in the programme; `position` is its official order."""

    position: int
    theme: Theme
    goal: Goal
    measure: Measure

    @property
    def id(self) -> str:
        return self.measure.id


class CatalogueIndex:
    """A validated catalogue plus the look-ups the bot needs."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self.units: dict[str, Unit] = {unit.id: unit for unit in catalogue.units}
        self.themes: dict[str, Theme] = {theme.id: theme for theme in catalogue.themes}
        entries: list[MeasureEntry] = []
        self.indicators: dict[str, Indicator] = {}
        self.fields: dict[str, tuple[Indicator, IndicatorField]] = {}
        for theme in catalogue.themes:
            for goal in theme.goals:
                for indicator in goal.indicators:
                    self.indicators[indicator.id] = indicator
                    for field in indicator.fields:
                        self.fields[field.id] = (indicator, field)
                for measure in goal.measures:
                    entries.append(MeasureEntry(len(entries), theme, goal, measure))
        self.entries: list[MeasureEntry] = entries
        self.measures: dict[str, MeasureEntry] = {entry.id: entry for entry in entries}
        self._by_indicator: dict[str, list[str]] = {}
        self._by_lead: dict[str, list[MeasureEntry]] = {}
        for entry in entries:
            self._by_lead.setdefault(entry.measure.lead, []).append(entry)
            for ref in entry.measure.indicators:
                self._by_indicator.setdefault(ref, []).append(entry.id)
        self._lead_units = [unit for unit in catalogue.units if unit.id in self._by_lead]

    @property
    def programme(self) -> Programme:
        return self.catalogue.programme

    def measures_sharing(self, indicator_id: str) -> list[str]:
        """Ids of every measure that reports this indicator cell, in programme order."""
        return list(self._by_indicator.get(indicator_id, []))

    def shared_with(self, measure_id: str, indicator_id: str) -> list[str]:
        """The other measures that share this measure's indicator cell."""
        return [m for m in self.measures_sharing(indicator_id) if m != measure_id]

    def led_by(self, unit_id: str) -> list[MeasureEntry]:
        """Measures the unit leads (and therefore reports), in programme order."""
        return list(self._by_lead.get(unit_id, []))

    def lead_units(self) -> list[Unit]:
        """Units that lead at least one measure: the ones a round expects a report from."""
        return list(self._lead_units)
