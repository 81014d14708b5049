"""The measure catalogue as typed, immutable data.

The catalogue is the programme as the city printed it: themes hold goals, goals hold
measures and the indicator cells those measures are followed up with. Every model is
frozen and forbids unknown fields, so a typo in the YAML is an error, not a silent gap.

Cross-references (a measure's lead unit, the indicators it reports) are plain ids here;
`bot.catalogue.validate` checks that they resolve and reports every problem at once.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

LANGUAGES: tuple[str, ...] = ("fi", "sv", "en")
"""Finnish and Swedish are the city's official languages; English is for international staff."""

Lang = Literal["fi", "sv", "en"]
Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]*$", max_length=48)]

EARLIEST_YEAR, LATEST_YEAR = 2000, 2100
"""Sensible bounds for schedule years: anything outside is a typo."""


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("empty text")
    return value


NonBlank = Annotated[str, AfterValidator(_not_blank)]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Text(Frozen):
    """One text in the three languages. FI/SV are the official wording, EN our translation."""

    fi: NonBlank
    sv: NonBlank
    en: NonBlank

    def get(self, lang: str) -> str:
        """The text in `lang`, falling back to Finnish for an unknown code."""
        return str(getattr(self, lang, self.fi)) if lang in LANGUAGES else self.fi


class Schedule(Frozen):
    """When a measure runs: a span of years, or continuous (*Jatkuva* / *Fortlöpande*).

    `start` may precede the programme (some measures began in 2022). A continuous measure
    has no end; it may still carry a start year.
    """

    start: int | None = None
    end: int | None = None
    continuous: bool = False

    @model_validator(mode="after")
    def _sensible(self) -> Schedule:
        for name in ("start", "end"):
            year = getattr(self, name)
            if year is not None and not EARLIEST_YEAR <= year <= LATEST_YEAR:
                raise ValueError(f"{name} year {year} is outside {EARLIEST_YEAR}-{LATEST_YEAR}")
        if self.continuous:
            if self.end is not None:
                raise ValueError("a continuous schedule has no end year")
        elif self.start is None or self.end is None:
            raise ValueError("give start and end years, or continuous: true")
        elif self.end < self.start:
            raise ValueError(f"end year {self.end} is before start year {self.start}")
        return self

    def covers(self, year: int) -> bool:
        """Whether the measure is scheduled to run in `year`."""
        if self.continuous:
            return self.start is None or year >= self.start
        assert self.start is not None and self.end is not None
        return self.start <= year <= self.end

    def ended_before(self, year: int) -> bool:
        """Whether a fixed-term measure should already have been finished by `year`."""
        return not self.continuous and self.end is not None and self.end < year


class IndicatorKind(StrEnum):
    """How an indicator field is asked and validated."""

    COUNT = "count"  # a whole number >= 0 (courses held, participants)
    NUMBER = "number"  # a decimal >= 0 (euros, visitors per day)
    PERCENT = "percent"  # a share 0..100
    MILESTONE = "milestone"  # done / partly / not yet
    YESNO = "yesno"  # yes / no
    TEXT = "text"  # free text, for what the city describes in words

    @property
    def numeric(self) -> bool:
        return self in (IndicatorKind.COUNT, IndicatorKind.NUMBER, IndicatorKind.PERCENT)


class Target(Frozen):
    """A yearly target the programme states for a numeric field ("2-4 krt/vuodessa").

    `per` says how the text counts it; `yearly_min`/`yearly_max` convert to one year,
    which is what a reporting round compares against.
    """

    min: float | None = Field(default=None, ge=0)
    max: float | None = Field(default=None, ge=0)
    per: Literal["year", "month"] = "year"

    @model_validator(mode="after")
    def _ordered(self) -> Target:
        if self.min is None and self.max is None:
            raise ValueError("a target needs min or max")
        if self.min is not None and self.max is not None and self.max < self.min:
            raise ValueError(f"target max {self.max:g} is below min {self.min:g}")
        return self

    @property
    def yearly_min(self) -> float | None:
        return None if self.min is None else self.min * (12 if self.per == "month" else 1)

    @property
    def yearly_max(self) -> float | None:
        return None if self.max is None else self.max * (12 if self.per == "month" else 1)

    def met_by(self, value: float) -> bool:
        """A target is met when the yearly minimum is reached; doing more is never a miss."""
        low = self.yearly_min if self.yearly_min is not None else self.yearly_max
        return low is None or value >= low


class IndicatorField(Frozen):
    """One answerable value within an indicator cell.

    `text` is the part of the official cell that this field measures (FI/SV as printed),
    `question` the short question the bot asks on a phone.
    """

    id: Id
    kind: IndicatorKind
    text: Text
    question: Text
    unit: Text | None = None
    unit_one: Text | None = None
    """The unit after the number one ("1 visit", "1 käynti"); `unit` after any other."""
    target: Target | None = None

    @model_validator(mode="after")
    def _target_fits_kind(self) -> IndicatorField:
        if self.target is not None and not self.kind.numeric:
            raise ValueError(f"a {self.kind.value} indicator cannot have a target")
        return self


class Indicator(Frozen):
    """An indicator cell (*mittari* / *mätare*). Several measures may share one cell; the
    unit is then asked for it once per round, not once per measure."""

    id: Id
    text: Text
    fields: list[IndicatorField] = Field(min_length=1)


class Measure(Frozen):
    """A measure (*toimenpide* / *åtgärd*): one bullet of a goal's table."""

    id: Id
    text: Text
    schedule: Schedule
    responsible: Text  # the responsible cell as printed
    lead: Id  # the first named unit: it reports
    partners: list[Id] = []
    indicators: list[Id] = Field(min_length=1)


class Goal(Frozen):
    """A goal (*tavoite* / *mål*) with its measures and the indicator cells they use."""

    id: Id
    text: Text
    indicators: list[Indicator] = Field(min_length=1)
    measures: list[Measure] = Field(min_length=1)


class Theme(Frozen):
    """One of the programme's themes (Työ, Asuminen …, and the follow-up, Seuranta)."""

    id: Id
    title: Text
    goals: list[Goal] = Field(min_length=1)


class Unit(Frozen):
    """A responsible unit or partner: a city unit, an external organisation, or the whole
    city organisation. Reminders go to a unit's contact persons."""

    id: Id
    name: Text
    external: bool = False


class Programme(Frozen):
    """The programme's identity and period; the next programme loads as another file."""

    id: Id
    name: Text
    start: int
    end: int
    approved: str | None = None  # ISO date of the council decision

    @model_validator(mode="after")
    def _period(self) -> Programme:
        if not EARLIEST_YEAR <= self.start <= self.end <= LATEST_YEAR:
            raise ValueError(f"programme period {self.start}-{self.end} is not sensible")
        return self

    def covers(self, year: int) -> bool:
        return self.start <= year <= self.end


class Catalogue(Frozen):
    """The whole catalogue file."""

    programme: Programme
    units: list[Unit]
    themes: list[Theme]
