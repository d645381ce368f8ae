"""From a measurement to points (SPEC §3): the value a line reads, and its curve."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from medsales.engine.notes import Note
from medsales.errors import InputError
from medsales.numbers import display
from medsales.policy.models import (
    Basis,
    Curve,
    Direction,
    LinearCurve,
    PiecewiseCurve,
    ScaleCurve,
    StepsCurve,
)

__all__ = ["curve_points", "exact", "read_x"]


def exact(value: Decimal | Fraction) -> Fraction:
    """A Decimal as an exact Fraction, without Fraction's slower generic constructor."""
    if type(value) is Decimal:
        numerator, denominator = value.as_integer_ratio()
        return Fraction(numerator, denominator)
    return Fraction(value)


_ZERO = Fraction(0)


def read_x(
    basis: Basis,
    direction: Direction,
    actual: Decimal | Fraction,
    target: Decimal | Fraction | None,
    *,
    path: str,
) -> tuple[Fraction, list[Note]]:
    """The value x a line reads: attainment (already "higher is better") or the actual."""
    a = exact(actual)
    if basis == "value":
        return a, []
    if target is None or target <= 0:
        raise InputError(
            f'basis "attainment" needs a target > 0, got {target!r}',
            path=f"{path}.target",
            value=target,
            expected="a target greater than 0",
        )
    ratio = a / exact(target)
    if direction == "higher":
        return ratio, []
    raw = 2 - ratio if direction == "lower" else 1 - abs(ratio - 1)
    if raw < 0:
        return _ZERO, [Note.of("attainment_floored", raw=raw)]
    return raw, []


def curve_points(
    curve: Curve,
    x: Fraction,
    *,
    lower_on_value: bool,
    path: str,
    x_decimal: Decimal | None = None,
) -> tuple[Fraction, list[Note]]:
    """The points a curve gives for x, with a note for every cap, floor and step taken.

    ``x_decimal``, when x is a Decimal as given (basis ``value``), lets the comparisons
    with the curve's thresholds run on Decimals, which is exact and faster; the points are
    the same exact rationals either way.
    """
    if isinstance(curve, LinearCurve):
        return _linear(curve, x, x_decimal)
    if isinstance(curve, StepsCurve):
        return _steps(curve, x, x_decimal, lower_on_value=lower_on_value)
    if isinstance(curve, PiecewiseCurve):
        return _piecewise(curve, x, x_decimal)
    return _scale(curve, x, x_decimal, path=path)


def _linear(curve: LinearCurve, x: Fraction, xd: Decimal | None) -> tuple[Fraction, list[Note]]:
    multiplier, floor, cap = curve.exact
    seen: Decimal | Fraction = x if xd is None else xd
    at_floor = floor if xd is None else curve.floor
    at_cap = cap if xd is None else curve.cap
    notes: list[Note] = []
    if at_floor is not None:
        if seen < at_floor:
            return _ZERO, [Note.of("floor", x=x, floor=curve.floor)]
        if seen == at_floor:
            notes.append(Note.of("at_floor", x=x, floor=curve.floor))
    if at_cap is not None and cap is not None and seen > at_cap:
        notes.append(Note.of("cap", x=x, cap=curve.cap))
        x = cap
    return multiplier * x, notes


def _steps(
    curve: StepsCurve, x: Fraction, xd: Decimal | None, *, lower_on_value: bool
) -> tuple[Fraction, list[Note]]:
    steps, below = curve.exact
    seen: Decimal | Fraction = x if xd is None else xd
    thresholds: list[Decimal | Fraction] = (
        [t for t, _ in steps] if xd is None else [t for t, _ in curve.steps]
    )
    chosen = -1
    if lower_on_value:
        for i, threshold in enumerate(thresholds):  # ascending: the first one >= x
            if threshold >= seen:
                chosen = i
                break
    else:
        for i, threshold in enumerate(thresholds):  # ascending: the last one <= x
            if threshold <= seen:
                chosen = i
    if chosen < 0:
        return below, [Note.of("steps_below", x=x, points=curve.below)]
    shown_threshold, shown_points = curve.steps[chosen]
    return steps[chosen][1], [Note.of("step", threshold=shown_threshold, points=shown_points)]


def _piecewise(
    curve: PiecewiseCurve, x: Fraction, xd: Decimal | None
) -> tuple[Fraction, list[Note]]:
    knots, below = curve.exact
    seen: Decimal | Fraction = x if xd is None else xd
    xs: list[Decimal | Fraction] = (
        [k for k, _ in knots] if xd is None else [k for k, _ in curve.points]
    )
    if seen < xs[0]:
        return below, [Note.of("piecewise_below", x=x, first=curve.points[0][0], points=below)]
    if seen >= xs[-1]:
        notes = (
            []
            if seen == xs[-1]
            else [
                Note.of(
                    "piecewise_above",
                    x=x,
                    last=curve.points[-1][0],
                    points=curve.points[-1][1],
                )
            ]
        )
        return knots[-1][1], notes
    for i in range(len(knots) - 1):
        if seen == xs[i]:
            return knots[i][1], [Note.of("knot", x=x, points=curve.points[i][1])]
        if xs[i] < seen < xs[i + 1]:
            x0, p0 = knots[i]
            points = p0 + curve.slopes[i] * (x - x0)
            return points, [
                Note.of("interpolated", left=_knot(curve, i), right=_knot(curve, i + 1))
            ]
    raise AssertionError("unreachable: x lies within the knots")  # pragma: no cover


def _knot(curve: PiecewiseCurve, i: int) -> str:
    kx, kp = curve.points[i]
    return f"({kx}, {kp})"


def _scale(
    curve: ScaleCurve, x: Fraction, xd: Decimal | None, *, path: str
) -> tuple[Fraction, list[Note]]:
    low, high = curve.exact
    inside = curve.min <= xd <= curve.max if xd is not None else low <= x <= high
    if not inside:
        raise InputError(
            f"rating {display(x)} is outside the scale {curve.min}–{curve.max}",
            path=f"{path}.actual",
            value=x,
            expected=f"a rating from {curve.min} to {curve.max}",
        )
    return (x - low) / (high - low) * 100, []
