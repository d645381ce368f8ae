"""Columnar exact scoring (SPEC §20): a wide frame scored in one vectorised pass per line.

Every number is an int64 count of 10⁻ᴷ units (K = 9, or the policy's ``score_places`` if
larger), carried as an interval ``(lo, hi)``: ``lo == hi`` when the value is exact, else
the true value lies strictly between them. A division rounds outward, so the interval
always holds the value :func:`medsales.appraise` computes with rationals. A reading x is
at most one unit wide, which decides every comparison with a curve's threshold exactly
(thresholds are whole units). A row goes to :func:`medsales.engine.batch.score_many`
(and from there, if need be, to the exact engine) when its numbers would not fit in int64,
when its final interval holds a rounding boundary (a tie, or too close to call), or when
its input is bad, so that errors are the exact engine's. The rest never leave NumPy.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Final

try:
    import numpy as np
    import pandas as pd
except ImportError as exc:  # pragma: no cover - the optional extra is missing
    raise ImportError(
        "medsales.engine.columnar needs NumPy and pandas, an optional extra: "
        "pip install 'medsales[fast]'"
    ) from exc

from medsales.engine.batch import score_many
from medsales.engine.compiled import compile_policy
from medsales.errors import InputError, MedsalesError
from medsales.numbers import to_decimal
from medsales.policy.document import require_policy
from medsales.policy.models import LinearCurve, PiecewiseCurve, Policy, ScaleCurve, StepsCurve

if TYPE_CHECKING:
    from numpy.typing import NDArray

    Ints = NDArray[np.int64]
    Bools = NDArray[np.bool_]
    Interval = tuple[Ints, Ints]

__all__ = ["score_frame"]

_SAFE: Final = float(2**61)
"""Above this magnitude an int64 intermediate might overflow: the row goes to score_many."""
_DIGITS: Final = 9
_FLOAT_PLACES: Final = 9
"""The most decimals a float cell may carry (through its repr) on the vectorised path."""
_CHUNK: Final = 1000
_ROWS_PER_CHUNK: Final = 16_384


class _OffGrid(Exception):
    """A policy number with more decimals than the grid: the whole frame takes score_many."""


def _units(value: Decimal | Fraction | int, unit: int) -> int:
    """``value`` × ``unit`` as an integer, or _OffGrid."""
    scaled = Fraction(value) * unit
    if scaled.denominator != 1:
        raise _OffGrid
    return int(scaled)


class _Kernel:
    """The arithmetic of one frame: the grid, and the rows found unfit so far."""

    def __init__(self, rows: int, digits: int) -> None:
        self.digits = digits
        self.unit = 10**digits
        self.bad: Bools = np.zeros(rows, dtype=np.bool_)

    def _mark(self, over: Bools, *arrays: Ints) -> tuple[Ints, ...]:
        if over.any():
            self.bad |= over
            return tuple(np.where(over, 0, a) for a in arrays)
        return arrays

    def mul(self, iv: Interval, n: int | Ints, d: int = 1) -> Interval:
        """``iv`` × n/d, rounded outward (n ≥ 0, d > 0; ``n`` a scalar or one per row)."""
        lo, hi = iv
        exact = lo is hi  # one array for an exact interval: computed once
        big = np.abs(lo) if exact else np.maximum(-lo, hi)  # the larger magnitude (lo <= hi)
        if isinstance(n, int):
            if n == d:
                return lo, hi
            if n * d >= _SAFE:
                over = np.ones(len(lo), dtype=np.bool_)
            else:
                over = big >= int((_SAFE - n) * d / max(n, 1))
        else:
            over = big.astype(np.float64) * (n.astype(np.float64) / d) + n >= _SAFE
        lo, hi = self._mark(over, lo, hi)
        if d == 1:
            low = lo * n
            return (low, low) if exact else (low, hi * n)
        ql, rl = np.divmod(lo, d)
        qh, rh = np.divmod(hi, d)
        low = np.asarray(ql * n + (rl * n) // d, dtype=np.int64)
        high = np.asarray(qh * n - ((-rh * n) // d), dtype=np.int64)
        return low, high

    def ratio(self, a: Ints, t: Ints, care: Bools) -> Interval:
        """a / t in units (t > 0 where ``care``), by long division so no product outgrows
        int64."""
        if len(a) and int(np.abs(a).max()) < _SAFE / self.unit:  # a × unit fits: one division
            over = (t <= 0) & care
            self.bad |= over
            q, r = np.divmod(a * self.unit, np.where(over | ~care, 1, t))
            return q, q + (r != 0)
        over = ((t.astype(np.float64) * _CHUNK >= _SAFE) | (t <= 0)) & care
        t = np.where(over | ~care, 1, t)
        q, r = np.divmod(a, t)
        over |= np.abs(q).astype(np.float64) * self.unit >= _SAFE
        q, r = self._mark(over, q, r)
        acc = np.zeros_like(q)
        remaining = self.digits
        while remaining:
            step = min(3, remaining)
            scale = 10**step
            r = r * scale
            acc = acc * scale + r // t
            r = r % t
            remaining -= step
        lo = q * self.unit + acc
        return lo, lo + (r != 0)

    def fit(self, lo: Ints, hi: Ints, limit: float = _SAFE) -> Interval:
        over = (np.abs(lo) if lo is hi else np.maximum(-lo, hi)) >= int(limit)
        lo, hi = self._mark(over, lo, hi)
        return lo, hi


def _floored(iv: Interval) -> Interval:
    """max(0, x) for a reading at most one unit wide (it never straddles 0)."""
    lo, hi = iv
    below = hi <= 0
    return np.where(below, 0, lo), np.where(below, 0, hi)


def _reading(
    k: _Kernel, basis: str, direction: str, actual: _Column, target: _Column | None
) -> Interval:
    """The line's x in units, as :func:`medsales.engine.curves.read_ratio` reads it."""
    if basis == "value":
        if actual.places <= k.digits:
            return k.mul((actual.ints, actual.ints), 10 ** (k.digits - actual.places), 1)
        return k.mul((actual.ints, actual.ints), 1, 10 ** (actual.places - k.digits))
    assert target is not None
    places = max(actual.places, target.places)
    a, t = actual.ints, target.ints
    a = k.mul((a, a), 10 ** (places - actual.places), 1)[0]
    t = k.mul((t, t), 10 ** (places - target.places), 1)[0]
    present = ~actual.missing
    k.bad |= (t <= 0) & present
    lo, hi = k.ratio(np.where(present, a, 0), t, present)
    one = k.unit
    if direction == "higher":
        return lo, hi
    if direction == "lower":
        return _floored((2 * one - hi, 2 * one - lo))
    dlo, dhi = lo - one, hi - one  # x = 1 - |ratio - 1|
    neg = dhi <= 0
    alo, ahi = np.where(neg, -dhi, dlo), np.where(neg, -dlo, dhi)
    return _floored((one - ahi, one - alo))


def _times(k: _Kernel, iv: Interval, factor: int) -> Interval:
    """``iv`` × a whole number of either sign."""
    if factor < 0:
        lo, hi = k.mul(iv, -factor, 1)
        return -hi, -lo
    return k.mul(iv, factor, 1)


def _points(
    k: _Kernel, curve: Any, x: Interval, present: Bools, *, lower_on_value: bool
) -> tuple[Interval, int]:
    """The curve's points at x (:func:`medsales.engine.curves.points_at`) times a whole
    number ``c`` of the curve's, in units, with ``c``: a whole number of units whenever x
    is (a slope of 4/3 gives thirds)."""
    lo, hi = x
    u = k.unit
    rows = len(lo)
    if isinstance(curve, LinearCurve):
        if curve.cap is not None:
            cap = _units(curve.cap, u)
            over = hi > cap
            lo, hi = np.where(over, cap, lo), np.where(over, cap, hi)
        m = Fraction(curve.multiplier)
        plo, phi = _times(k, (lo, hi), m.numerator)
        if curve.floor is not None:
            under = x[0] < _units(curve.floor, u)
            plo, phi = np.where(under, 0, plo), np.where(under, 0, phi)
        return (plo, phi), m.denominator
    if isinstance(curve, StepsCurve):
        steps = [(_units(t, u), _units(p, u)) for t, p in curve.steps]
        plo = np.full(rows, _units(curve.below, u), dtype=np.int64)
        if lower_on_value:  # the smallest threshold >= x
            for t, p in reversed(steps):
                plo = np.where(hi <= t, p, plo)
        else:  # the largest threshold <= x
            for t, p in steps:
                plo = np.where(lo >= t, p, plo)
        return (plo, plo), 1
    if isinstance(curve, PiecewiseCurve):
        knots, below = curve.exact
        c = math.lcm(*(s.denominator for s in curve.slopes)) if curve.slopes else 1
        xs = [_units(kx, u) for kx, _ in knots]
        ps = [_units(kp, u) * c for _, kp in knots]
        out_lo = np.full(rows, _units(below, u) * c, dtype=np.int64)
        out_hi = out_lo.copy()
        for i, slope in enumerate(curve.slopes):
            inside = (lo >= xs[i]) & (lo < xs[i + 1])
            if not inside.any():
                continue
            run = (np.where(inside, lo - xs[i], 0), np.where(inside, hi - xs[i], 0))
            slo, shi = _times(k, run, int(slope * c))
            out_lo = np.where(inside, ps[i] + slo, out_lo)
            out_hi = np.where(inside, ps[i] + shi, out_hi)
        above = lo >= xs[-1]
        return (np.where(above, ps[-1], out_lo), np.where(above, ps[-1], out_hi)), c
    assert isinstance(curve, ScaleCurve)
    low, high = curve.exact
    # out of scale: the exact engine says where
    k.bad |= present & ((lo < _units(low, u)) | (hi > _units(high, u)))
    per = 100 / (high - low)
    return _times(k, (lo - _units(low, u), hi - _units(low, u)), per.numerator), per.denominator


# --------------------------------------------------------------------------- columns in


class _Column:
    """One frame column as scaled integers: value = ints / 10**places where not missing."""

    def __init__(self, ints: Ints, places: int, missing: Bools, bad: Bools) -> None:
        self.ints, self.places, self.missing, self.bad = ints, places, missing, bad

    @classmethod
    def absent(cls, rows: int) -> _Column:
        return cls(np.zeros(rows, np.int64), 0, np.ones(rows, np.bool_), np.zeros(rows, np.bool_))

    @classmethod
    def read(cls, series: pd.Series[Any]) -> _Column:
        dtype = series.dtype
        rows = len(series)
        if pd.api.types.is_bool_dtype(dtype):
            return cls(
                np.zeros(rows, np.int64), 0, series.isna().to_numpy(), ~series.isna().to_numpy()
            )
        if pd.api.types.is_integer_dtype(dtype):
            missing = series.isna().to_numpy(dtype=np.bool_)
            values = series.to_numpy(dtype=np.float64, na_value=0.0)
            bad = (np.abs(values) >= _SAFE) & ~missing
            ints = np.where(bad | missing, 0, series.fillna(0).to_numpy(dtype=np.int64))
            return cls(ints, 0, missing, bad)
        if pd.api.types.is_float_dtype(dtype):
            return cls._floats(series.to_numpy(dtype=np.float64, na_value=np.nan))
        return cls._objects(series.to_numpy(dtype=object))

    @classmethod
    def _floats(cls, values: NDArray[np.float64]) -> _Column:
        """Floats read as their shortest repr (as :func:`medsales.to_decimal` reads them).

        A decimal n / 10**d with at most 15 significant digits that converts to the float
        is its repr (two such decimals never share a float), so each cell's fewest places
        d are found in whole-column passes; then every cell is n × 10**(top − d), found
        again by rounding while it is below 2**51, where a float multiple is exact enough.
        """
        missing = np.isnan(values)
        rows = len(values)
        unset = ~missing
        places = np.zeros(rows, dtype=np.int64)
        with np.errstate(invalid="ignore", over="ignore"):
            for d in range(_FLOAT_PLACES + 1):
                scale = 10.0**d
                n = np.rint(values * scale)
                ok = unset & (np.abs(n) < 1e15) & (n / scale == values)
                if d:
                    places = np.where(ok, d, places)
                unset &= ~ok
                if not unset.any():
                    break
            bad = unset  # too many digits, or not finite: score_many reads (or refuses) it
            top = int(places.max()) if rows else 0
            scaled = np.rint(values * 10.0**top)
            bad = bad | (~missing & ~(np.abs(scaled) < 2.0**51))
            ints = np.where(bad | missing, 0, scaled).astype(np.int64)
        return cls(ints, top, missing, bad)

    @classmethod
    def _objects(cls, values: NDArray[Any]) -> _Column:
        rows = len(values)
        missing = np.zeros(rows, dtype=np.bool_)
        bad = np.zeros(rows, dtype=np.bool_)
        exact: list[tuple[int, int] | None] = []
        for i, value in enumerate(values):
            if _missing(value):
                missing[i] = True
                exact.append(None)
                continue
            try:
                number = to_decimal(value)
            except MedsalesError:
                bad[i] = True
                exact.append(None)
                continue
            sign, digits, exponent = number.as_tuple()
            assert isinstance(exponent, int)
            n = int("".join(map(str, digits))) if digits else 0
            if exponent > 0:
                n, exponent = n * 10**exponent, 0
            exact.append((-n if sign else n, -exponent))
        top = max((e[1] for e in exact if e is not None), default=0)
        if top > 18:
            top = 18
        ints = np.zeros(rows, dtype=np.int64)
        for i, e in enumerate(exact):
            if e is None:
                continue
            n, places = e
            if places > top or abs(n * 10 ** (top - places)) >= _SAFE:
                bad[i] = True
                continue
            ints[i] = n * 10 ** (top - places)
        return cls(ints, top, missing, bad)


def _missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float | np.floating):
        return bool(np.isnan(value))
    if isinstance(value, Decimal):
        return value.is_nan()
    return isinstance(value, str) and not value.strip()


# --------------------------------------------------------------------------- rounding


def _rounded(lo: Ints, hi: Ints, unit: Ints, rounding: str, bad: Bools) -> Ints:
    """The score in units of the last place, rounded once by the policy's mode; rows whose
    interval holds a boundary are marked bad."""
    exact = lo == hi
    q, r = np.divmod(lo, unit)
    if rounding in ("half_up", "half_even", "half_down"):
        twice = 2 * r
        up = twice > unit
        tie = twice == unit
        if rounding == "half_up":
            up |= tie
        elif rounding == "half_even":
            up |= tie & (q % 2 == 1)
        at_exact = q + up
        low = (2 * lo + unit) // (2 * unit)
        high = -((-(2 * hi + unit)) // (2 * unit)) - 1
    else:
        ceiling = rounding in ("up", "ceiling")  # scores are >= 0 here
        at_exact = q + (ceiling & (r > 0))
        low = q + 1 if ceiling else q
        high = -((-hi) // unit) if ceiling else -((-hi) // unit) - 1
    bad |= ~exact & (low != high)
    return np.where(exact, at_exact, low)


# --------------------------------------------------------------------------- scoring


def score_frame(policy: Policy, frame: pd.DataFrame, *, role: str) -> pd.DataFrame:
    """Score a wide frame exactly: one row per employee of ``role``, a ``<kpi>`` column of
    actuals and an optional ``<kpi>.target`` column for each KPI of the role's scorecard
    (other columns are ignored; a missing cell, NaN, None or empty, is a missing value).

    Returns ``score``, ``grade`` and ``coefficient`` columns (Decimals, ids, ``None`` for
    an incomplete row) on the frame's index, identical row for row to
    :func:`medsales.score_many`, of which this is the vectorised form (no incidents). Bad
    input raises as :func:`~medsales.score_many` does, its path naming the row
    (``rows[12].sales_revenue.target``, counting from 0 in the frame's order).
    """
    require_policy(policy)
    if not isinstance(frame, pd.DataFrame):
        raise InputError(
            f"frame must be a pandas DataFrame, not {type(frame).__name__}",
            path="frame",
            value=type(frame).__name__,
            expected="a DataFrame with <kpi> and <kpi>.target columns",
        )
    card = policy.scorecard(role)
    plan = [(line, policy.kpi(line.kpi)) for _, _, _, line in card.plan]
    rows = len(frame)
    scores: Ints | None = np.full(rows, -1, dtype=np.int64)
    bad = np.zeros(rows, dtype=np.bool_)
    # chunks small enough that every intermediate array stays in the CPU's cache
    for start in range(0, rows, _ROWS_PER_CHUNK):
        stop = min(start + _ROWS_PER_CHUNK, rows)
        column = _Columns(frame, start, stop)

        try:
            part, part_bad = _vectorised(policy, role, plan, column, stop - start)
        except (_OffGrid, OverflowError):  # a policy constant too large for int64 arrays
            scores, bad = None, np.ones(rows, dtype=np.bool_)
            break
        assert scores is not None
        scores[start:stop] = part
        bad[start:stop] = part_bad
    return _assemble(policy, role, frame, plan, scores, bad)


class _Columns:
    """The columns of rows [start, stop) of a frame, each read once when first asked for."""

    def __init__(self, frame: pd.DataFrame, start: int, stop: int) -> None:
        self.frame, self.start, self.stop = frame, start, stop
        self.read: dict[str, _Column] = {}

    def __call__(self, name: str) -> _Column:
        found = self.read.get(name)
        if found is None:
            if name in self.frame.columns:
                found = _Column.read(self.frame[name].iloc[self.start : self.stop])
            else:
                found = _Column.absent(self.stop - self.start)
            self.read[name] = found
        return found


def _vectorised(
    policy: Policy,
    role: str,
    plan: list[tuple[Any, Any]],
    column: Callable[[str], _Column],
    rows: int,
) -> tuple[Ints, Bools]:
    """Each row's score in units of the last place; ``bad`` marks rows for score_many."""
    k = _Kernel(rows, max(_DIGITS, policy.score_places))
    kept_bits = np.zeros(rows, dtype=np.int64)
    points: list[Interval] = []
    per_line: list[int] = []  # each line's points are scaled by its curve's c
    for i, (line, kpi) in enumerate(plan):
        actual = column(line.kpi)
        target = column(f"{line.kpi}.target") if line.basis == "attainment" else None
        k.bad |= actual.bad
        rule = line.missing or policy.missing
        present = ~actual.missing
        if rule == "error":
            k.bad |= actual.missing
        if target is not None:
            k.bad |= present & (target.bad | target.missing)
        x = _reading(k, line.basis, kpi.direction, actual, target)
        lower_on_value = line.basis == "value" and kpi.direction == "lower"
        (plo, phi), c = _points(k, line.curve, x, present, lower_on_value=lower_on_value)
        if not present.all():
            plo, phi = np.where(present, plo, 0), np.where(present, phi, 0)
        points.append((plo, phi))
        per_line.append(c)
        kept = present if rule == "redistribute" else np.ones(rows, dtype=np.bool_)
        kept_bits |= kept.astype(np.int64) << i
    patterns, inverse = np.unique(kept_bits, return_inverse=True)
    compiled = compile_policy(policy).scorecard(role)
    lo = np.zeros(rows, dtype=np.int64)
    hi = np.zeros(rows, dtype=np.int64)
    limit = _SAFE / (len(plan) + 1)
    incomplete = kept_bits == 0
    # each pattern's effective weights (over each curve's c) on one common denominator:
    # the raw score times it is a whole number of units whenever every x is
    factors = np.zeros((len(plan), len(patterns)), dtype=np.int64)
    common = np.ones(len(patterns), dtype=np.int64)
    for j, bits in enumerate(patterns.tolist()):
        if bits == 0:
            continue
        pattern = tuple(bool(bits >> i & 1) for i in range(len(plan)))
        ratios = [
            (n, d * c) for (n, d), c in zip(compiled.weights(pattern)[1], per_line, strict=True)
        ]
        denominator = math.lcm(*(d for _, d in ratios))
        if denominator * 10**k.digits >= _SAFE:  # pragma: no cover - weights of many digits
            k.bad |= inverse == j
            continue
        common[j] = denominator
        for i, (n, d) in enumerate(ratios):
            factors[i, j] = n * (denominator // d)
    single = len(patterns) == 1
    for i, iv in enumerate(points):
        clo, chi = k.mul(iv, int(factors[i][0]) if single else factors[i][inverse])
        clo, chi = k.fit(clo, chi, limit)
        lo += clo
        hi += chi
    scale = common[inverse]
    # final score = raw, floored at 0, limited to max_score (no conduct on this path)
    k.bad |= (lo < 0) & (hi > 0)
    below = hi <= 0
    lo, hi = np.where(below, 0, lo), np.where(below, 0, hi)
    if policy.max_score is not None:
        # max_score in each pattern's units, in Python integers: a pattern whose common
        # denominator would take it beyond int64 leaves its rows to score_many
        tops = [_units(policy.max_score, k.unit) * d for d in common.tolist()]
        fits = np.array([t < _SAFE for t in tops], dtype=np.bool_)
        k.bad |= ~fits[inverse]
        top = np.array([t if t < _SAFE else 0 for t in tops], dtype=np.int64)[inverse]
        k.bad |= (lo < top) & (hi > top)
        over = lo >= top
        lo, hi = np.where(over, top, lo), np.where(over, top, hi)
    unit = 10 ** (k.digits - policy.score_places) * scale
    scores = _rounded(lo, hi, unit, policy.rounding, k.bad)
    return np.where(incomplete, -1, scores), k.bad


def _assemble(
    policy: Policy,
    role: str,
    frame: pd.DataFrame,
    plan: list[tuple[Any, Any]],
    scores: Ints | None,
    bad: Bools,
) -> pd.DataFrame:
    """The result frame: vectorised rows as Decimals, the rest from score_many."""
    rows = len(frame)
    score: NDArray[Any] = np.full(rows, None, dtype=object)
    grade: NDArray[Any] = np.full(rows, None, dtype=object)
    coefficient: NDArray[Any] = np.full(rows, None, dtype=object)
    if scores is not None:
        places = policy.score_places
        mins = [_ceiling(Fraction(g.min) * 10**places) for g in policy.grades]
        index = np.full(rows, len(policy.grades) - 1, dtype=np.int64)
        for i in reversed(range(len(policy.grades))):
            index = np.where(scores >= mins[i], i, index)
        good = ~bad & (scores >= 0)
        values, where = _distinct(scores[good])
        shown = np.empty(len(values), dtype=object)
        shown[:] = [Decimal(int(v)).scaleb(-places) for v in values.tolist()]
        ids = np.empty(len(policy.grades), dtype=object)
        ids[:] = [g.id for g in policy.grades]
        coefficients = np.empty(len(policy.grades), dtype=object)
        coefficients[:] = [g.coefficient for g in policy.grades]
        score[good] = shown[where]
        grade[good] = ids[index[good]]
        coefficient[good] = coefficients[index[good]]
    hard = np.flatnonzero(bad).tolist()
    if hard:
        kpis = dict.fromkeys(line.kpi for line, _ in plan)
        cells = {
            name: frame[name].iloc[hard].to_numpy(dtype=object)
            for kpi in kpis
            for name in (kpi, f"{kpi}.target")
            if name in frame.columns
        }
        by_row = [_row(cells, j, kpis) for j in range(len(hard))]
        try:
            found = score_many(policy, role=role, measurements=by_row)
        except MedsalesError as exc:
            raise _renumbered(exc, hard) from None
        for r, s in zip(hard, found, strict=True):
            score[r], grade[r], coefficient[r] = s.score, s.grade, s.coefficient
    return pd.DataFrame(
        {
            "score": pd.Series(score, index=frame.index, dtype=object),
            "grade": pd.Series(grade, index=frame.index, dtype=object),
            "coefficient": pd.Series(coefficient, index=frame.index, dtype=object),
        }
    )


def _distinct(values: Ints) -> tuple[Ints, Ints]:
    """The distinct values, ascending, and where each value is among them: a lookup table
    over a narrow range (scores are), else a sort."""
    if not len(values):
        return values, values
    low, high = int(values.min()), int(values.max())
    if high - low > 4 * len(values) + 1_000_000:
        found, where = np.unique(values, return_inverse=True)
        return found, where
    seen = np.zeros(high - low + 1, dtype=np.bool_)
    seen[values - low] = True
    position = np.cumsum(seen) - 1
    return np.flatnonzero(seen) + low, position[values - low]


def _ceiling(value: Fraction) -> int:
    return -(-value.numerator // value.denominator)


def _row(cells: Mapping[str, NDArray[Any]], j: int, kpis: Mapping[str, None]) -> dict[str, Any]:
    """Row ``j`` of ``cells`` as :func:`medsales.score_many` reads it."""
    out: dict[str, Any] = {}
    for kpi in kpis:
        column = cells.get(kpi)
        if column is None or _missing(column[j]):
            continue
        m: dict[str, Any] = {"actual": _plain(column[j])}
        target = cells.get(f"{kpi}.target")
        if target is not None and not _missing(target[j]):
            m["target"] = _plain(target[j])
        out[kpi] = m
    return out


def _plain(value: Any) -> Any:
    """A NumPy scalar as the Python number it holds."""
    if isinstance(value, np.generic):
        return value.item()
    return value


def _renumbered(exc: MedsalesError, rows: list[int]) -> MedsalesError:
    """score_many's error with ``rows[j]`` naming the frame's row instead."""
    path = exc.path or ""
    if path.startswith("rows["):
        j, _, rest = path[5:].partition("]")
        if j.isdigit():
            path = f"rows[{rows[int(j)]}]{rest}"
    return type(exc)(
        exc.message,
        path=path,
        value=exc.value,
        expected=exc.expected,
        problems=exc.problems,
    )
