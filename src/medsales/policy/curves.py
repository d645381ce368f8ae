"""Scoring curves: how a reading becomes points (SPEC §3), a tagged union on ``type``."""

from __future__ import annotations

import itertools
from decimal import Decimal
from fractions import Fraction
from functools import cached_property
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from medsales.numbers import Ratio
from medsales.policy.base import DocumentModel as _Model
from medsales.policy.base import NonNegative, Num, Point

__all__ = ["Curve", "LinearCurve", "PiecewiseCurve", "ScaleCurve", "StepsCurve"]


class LinearCurve(_Model):
    """points = multiplier × min(x, cap); 0 below ``floor`` (x = floor is not zeroed)."""

    type: Literal["linear"]
    multiplier: NonNegative = Decimal(100)
    floor: Num | None = None
    cap: Num | None = None

    @cached_property
    def exact(self) -> tuple[Fraction, Fraction | None, Fraction | None]:
        """(multiplier, floor, cap) as exact rationals, built once."""
        return (
            Fraction(self.multiplier),
            None if self.floor is None else Fraction(self.floor),
            None if self.cap is None else Fraction(self.cap),
        )

    @cached_property
    def ratios(self) -> tuple[Ratio, Ratio | None, Ratio | None]:
        """(multiplier, floor, cap) as integer ratios, built once."""
        return (
            self.multiplier.as_integer_ratio(),
            None if self.floor is None else self.floor.as_integer_ratio(),
            None if self.cap is None else self.cap.as_integer_ratio(),
        )

    @model_validator(mode="after")
    def _floor_below_cap(self) -> LinearCurve:
        if self.floor is not None and self.cap is not None and self.floor > self.cap:
            raise ValueError(f"floor {self.floor} is above cap {self.cap}; need floor <= cap")
        return self


def _exact_points(points: tuple[Point, ...]) -> tuple[tuple[Fraction, Fraction], ...]:
    return tuple((Fraction(x), Fraction(p)) for x, p in points)


def _strictly_increasing(points: tuple[Point, ...], what: str) -> tuple[Point, ...]:
    for i in range(1, len(points)):
        if points[i][0] <= points[i - 1][0]:
            raise ValueError(
                f"{what} must be strictly increasing: {points[i][0]} at [{i}] does not "
                f"follow {points[i - 1][0]} at [{i - 1}]"
            )
    return points


class StepsCurve(_Model):
    """Points of the step reached; thresholds listed in strictly increasing order."""

    type: Literal["steps"]
    steps: tuple[Point, ...] = Field(min_length=1)
    below: Num = Decimal(0)

    @cached_property
    def exact(self) -> tuple[tuple[tuple[Fraction, Fraction], ...], Fraction]:
        """(steps, below) as exact rationals, built once."""
        return _exact_points(self.steps), Fraction(self.below)

    @cached_property
    def ratios(self) -> tuple[Ratio, ...]:
        """The thresholds as integer ratios, built once."""
        return tuple(t.as_integer_ratio() for t, _ in self.steps)

    @field_validator("steps")
    @classmethod
    def _ordered(cls, steps: tuple[Point, ...]) -> tuple[Point, ...]:
        return _strictly_increasing(steps, "step thresholds")


class PiecewiseCurve(_Model):
    """Linear interpolation between knots; flat after the last; ``below`` before the first."""

    type: Literal["piecewise"]
    points: tuple[Point, ...] = Field(min_length=1)
    below: Num | None = None

    @cached_property
    def exact(self) -> tuple[tuple[tuple[Fraction, Fraction], ...], Fraction]:
        """(knots, below) as exact rationals, built once; ``below`` defaults to the first
        knot's points."""
        knots = _exact_points(self.points)
        return knots, knots[0][1] if self.below is None else Fraction(self.below)

    @cached_property
    def slopes(self) -> tuple[Fraction, ...]:
        """The slope of each segment between consecutive knots, exact, built once."""
        knots = self.exact[0]
        return tuple((p1 - p0) / (x1 - x0) for (x0, p0), (x1, p1) in itertools.pairwise(knots))

    @cached_property
    def ratios(self) -> tuple[tuple[Ratio, ...], tuple[Ratio, ...], tuple[Ratio, ...]]:
        """(knot x values, knot points, slopes) as integer ratios, built once."""
        knots = self.exact[0]
        return (
            tuple(x.as_integer_ratio() for x, _ in knots),
            tuple(p.as_integer_ratio() for _, p in knots),
            tuple(s.as_integer_ratio() for s in self.slopes),
        )

    @field_validator("points")
    @classmethod
    def _ordered(cls, points: tuple[Point, ...]) -> tuple[Point, ...]:
        return _strictly_increasing(points, "knot x values")


class ScaleCurve(_Model):
    """A rating on [min, max] mapped linearly to 0–100."""

    type: Literal["scale"]
    min: Num
    max: Num

    @cached_property
    def exact(self) -> tuple[Fraction, Fraction]:
        """(min, max) as exact rationals, built once."""
        return Fraction(self.min), Fraction(self.max)

    @cached_property
    def ratios(self) -> tuple[Ratio, Ratio, Ratio]:
        """(min, max, max − min) as integer ratios, built once."""
        low, high = self.exact
        return low.as_integer_ratio(), high.as_integer_ratio(), (high - low).as_integer_ratio()

    @model_validator(mode="after")
    def _range(self) -> ScaleCurve:
        if self.min >= self.max:
            raise ValueError(f"min {self.min} must be below max {self.max}")
        return self


Curve = Annotated[
    LinearCurve | StepsCurve | PiecewiseCurve | ScaleCurve, Field(discriminator="type")
]

# --------------------------------------------------------------------------- scorecards
