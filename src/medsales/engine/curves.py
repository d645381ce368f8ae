"""From a measurement to points (SPEC §3): the value a line reads, and its curve.

The engine works here on integer ratios (:data:`~medsales.numbers.Ratio`): the same exact
rationals as :class:`~fractions.Fraction`, without building one per step. Comparisons are
cross-multiplications (denominators are positive), so nothing is ever approximated;
:func:`read_x` and :func:`curve_points` are the same rules with Fractions in and out.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from medsales.engine.compiled import CurveNotes, curve_notes
from medsales.engine.notes import Note
from medsales.errors import InputError
from medsales.numbers import Ratio, display, fraction
from medsales.policy.models import (
    Basis,
    Curve,
    Direction,
    LinearCurve,
    PiecewiseCurve,
    ScaleCurve,
    StepsCurve,
)

__all__ = ["curve_points", "exact", "points_at", "read_ratio", "read_x"]


def exact(value: Decimal | Fraction) -> Fraction:
    """A Decimal as an exact Fraction, without Fraction's slower generic constructor."""
    if type(value) is Decimal:
        numerator, denominator = value.as_integer_ratio()
        return fraction(numerator, denominator)
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
    (n, d), notes = read_ratio(basis, direction, actual, target, path=path)
    return fraction(n, d), notes


def curve_points(
    curve: Curve, x: Fraction, *, lower_on_value: bool, path: str
) -> tuple[Fraction, list[Note]]:
    """The points a curve gives for x, with a note for every cap, floor and step taken."""
    return points_at(curve, x.as_integer_ratio(), x, lower_on_value=lower_on_value, path=path)


def read_ratio(
    basis: Basis,
    direction: Direction,
    actual: Decimal | Fraction,
    target: Decimal | Fraction | None,
    *,
    path: str,
) -> tuple[Ratio, list[Note]]:
    """:func:`read_x` as an integer ratio."""
    an, ad = actual.as_integer_ratio()
    if basis == "value":
        return (an, ad), []
    if target is None or target <= 0:
        raise InputError(
            f'basis "attainment" needs a target > 0, got {target!r}',
            path=f"{path}.target",
            value=target,
            expected="a target greater than 0",
        )
    tn, td = target.as_integer_ratio()
    n, d = an * td, ad * tn  # actual / target
    if direction == "higher":
        return (n, d), []
    # 2 - ratio for "lower", 1 - |ratio - 1| for "closest"
    n = 2 * d - n if direction == "lower" else d - abs(n - d)
    if n < 0:
        return (0, 1), [Note.of("attainment_floored", raw=Fraction(n, d))]
    return (n, d), []


def points_at(
    curve: Curve,
    xr: Ratio,
    x: Fraction,
    *,
    lower_on_value: bool,
    path: str,
    notes: CurveNotes = None,
) -> tuple[Fraction, list[Note]]:
    """:func:`curve_points` for x given both as a ratio (for the arithmetic) and as a
    Fraction (for the notes, which keep the exact value they speak of); ``notes`` are the
    curve's prebuilt notes (:func:`~medsales.engine.compiled.curve_notes`), built here
    when not given."""
    # dispatched on the curve's type tag: isinstance on a model class, or typing.cast,
    # costs more than the arithmetic
    kind = curve.type
    if kind == "linear":
        return _linear(curve, xr, x)  # type: ignore[arg-type]
    if kind == "steps":
        return _steps(
            curve,  # type: ignore[arg-type]
            xr,
            x,
            lower_on_value=lower_on_value,
            notes=curve_notes(curve) if notes is None else notes,  # type: ignore[arg-type]
        )
    if kind == "piecewise":
        return _piecewise(
            curve,  # type: ignore[arg-type]
            xr,
            x,
            curve_notes(curve) if notes is None else notes,  # type: ignore[arg-type]
        )
    return _scale(curve, xr, x, path=path)  # type: ignore[arg-type]


def _linear(curve: LinearCurve, xr: Ratio, x: Fraction) -> tuple[Fraction, list[Note]]:
    (mn, md), floor, cap = curve.ratios
    xn, xd = xr
    notes: list[Note] = []
    if floor is not None:
        side = xn * floor[1] - floor[0] * xd  # sign of x - floor
        if side < 0:
            return _ZERO, [Note.of("floor", x=x, floor=curve.floor)]
        if side == 0:
            notes.append(Note.of("at_floor", x=x, floor=curve.floor))
    if cap is not None and xn * cap[1] > cap[0] * xd:
        notes.append(Note.of("cap", x=x, cap=curve.cap))
        xn, xd = cap
    return fraction(mn * xn, md * xd), notes


def _steps(
    curve: StepsCurve, xr: Ratio, x: Fraction, *, lower_on_value: bool, notes: tuple[Note, ...]
) -> tuple[Fraction, list[Note]]:
    xn, xd = xr
    chosen = -1
    if lower_on_value:
        for i, (tn, td) in enumerate(curve.ratios):  # ascending: the first one >= x
            if tn * xd >= xn * td:
                chosen = i
                break
    else:
        for i, (tn, td) in enumerate(curve.ratios):  # ascending: the last one <= x
            if tn * xd > xn * td:
                break
            chosen = i
    steps, below = curve.exact
    if chosen < 0:
        return below, [Note.of("steps_below", x=x, points=curve.below)]
    return steps[chosen][1], [notes[chosen]]


def _piecewise(
    curve: PiecewiseCurve,
    xr: Ratio,
    x: Fraction,
    notes: tuple[tuple[Note, ...], tuple[Note, ...]],
) -> tuple[Fraction, list[Note]]:
    knots, below = curve.exact
    xs, ps, slopes = curve.ratios
    xn, xd = xr
    fn, fd = xs[0]
    if xn * fd < fn * xd:
        return below, [Note.of("piecewise_below", x=x, first=curve.points[0][0], points=below)]
    ln, ld = xs[-1]
    if xn * ld >= ln * xd:
        if xn * ld == ln * xd:
            return knots[-1][1], []
        last_x, last_points = curve.points[-1]
        return knots[-1][1], [Note.of("piecewise_above", x=x, last=last_x, points=last_points)]
    for i in range(len(xs) - 1):
        kn, kd = xs[i]
        if xn * kd == kn * xd:
            return knots[i][1], [notes[0][i]]
        nn, nd = xs[i + 1]
        if xn * nd < nn * xd:  # between knot i and knot i + 1
            (pn, pd), (sn, sd) = ps[i], slopes[i]
            # p0 + slope × (x - x0), over one common denominator
            run, run_d = xn * kd - kn * xd, xd * kd
            points = fraction(pn * sd * run_d + sn * run * pd, pd * sd * run_d)
            return points, [notes[1][i]]
    raise AssertionError("unreachable: x lies within the knots")  # pragma: no cover


def _scale(curve: ScaleCurve, xr: Ratio, x: Fraction, *, path: str) -> tuple[Fraction, list[Note]]:
    (ln, ld), (hn, hd), (wn, wd) = curve.ratios
    xn, xd = xr
    if xn * ld < ln * xd or xn * hd > hn * xd:
        raise InputError(
            f"rating {display(x)} is outside the scale {curve.min}–{curve.max}",
            path=f"{path}.actual",
            value=x,
            expected=f"a rating from {curve.min} to {curve.max}",
        )
    # (x - min) / (max - min) × 100
    return fraction((xn * ld - ln * xd) * wd * 100, xd * ld * wn), []
