"""Scorecards: sections of weighted lines, grade bands and forced distribution (SPEC §4, §5, §8)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from functools import cached_property
from typing import Final, Literal

from pydantic import Field, model_validator

from medsales.labels import Label
from medsales.policy.base import Basis, Id, MissingRule, Num, Positive, Share
from medsales.policy.base import DocumentModel as _Model
from medsales.policy.curves import Curve

__all__ = ["FLAT_SECTION_ID", "Distribution", "Grade", "Line", "Scorecard", "Section"]


class Line(_Model):
    """One scorecard line: a KPI read on a basis through a curve, with a weight."""

    kpi: Id
    weight: Positive
    basis: Basis
    curve: Curve
    missing: MissingRule | None = None
    allow_non_monotonic: bool = False
    entered_by: Literal["self", "manager"] | None = None
    """Who types the line's measurement in during a review (SPEC §17): the employee in
    their self review, or their manager; absent, it comes only from the inputs."""

    @cached_property
    def exact_weight(self) -> Fraction:
        """The weight as an exact rational, built once."""
        return Fraction(self.weight)


class Section(_Model):
    """A weighted group of lines."""

    id: Id
    name: Label | None = None
    weight: Positive
    lines: tuple[Line, ...] = Field(min_length=1)

    @cached_property
    def exact_weight(self) -> Fraction:
        """The weight as an exact rational, built once."""
        return Fraction(self.weight)


FLAT_SECTION_ID: Final = "main"
"""The id of the one section of weight 100 that a flat scorecard (plain ``lines``) has."""


class Scorecard(_Model):
    """A role's scorecard: sections of lines, or plain ``lines`` (one section of 100)."""

    role: Id
    sections: tuple[Section, ...] | None = Field(default=None, min_length=1)
    lines: tuple[Line, ...] | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _sections_or_lines(self) -> Scorecard:
        if (self.sections is None) == (self.lines is None):
            raise ValueError("give either 'sections' or flat 'lines', exactly one of them")
        return self

    @cached_property
    def plan(self) -> tuple[tuple[int, int, Section, Line], ...]:
        """(section index, line index, section, line) for every line, in order."""
        return tuple(
            (s, i, section, line)
            for s, section in enumerate(self.effective_sections)
            for i, line in enumerate(section.lines)
        )

    @cached_property
    def kpi_ids(self) -> frozenset[str]:
        """The KPIs on the scorecard."""
        return frozenset(line.kpi for _, _, _, line in self.plan)

    @cached_property
    def effective_sections(self) -> tuple[Section, ...]:
        """The sections, with flat ``lines`` as one section ``main`` of weight 100."""
        if self.sections is not None:
            return self.sections
        assert self.lines is not None
        return (Section(id=FLAT_SECTION_ID, weight=Decimal(100), lines=self.lines),)


# --------------------------------------------------------------------------- grades


class Grade(_Model):
    """A grade band: scores at or above ``min`` (and below the better band) get it."""

    id: Id
    name: Label | None = None
    description: Label | None = None
    min: Num
    coefficient: Num | None = None


class Distribution(_Model):
    """Forced distribution across a cohort (SPEC §8)."""

    mode: Literal["cap", "exact"] = "cap"
    shares: dict[Id, Share] = Field(min_length=1)
    ties: Literal["favor_higher", "favor_lower"] = "favor_higher"
