"""What-if analysis: the actual of one KPI that reaches a grade, and what a unit is worth.

Both questions are answered exactly. A line's points, as a function of its KPI's actual
with everything else fixed, are piecewise affine: the basis (SPEC §3) is affine in the
actual on at most four pieces, and every curve is affine (or constant) between its
floor, cap, thresholds, knots or scale ends. :class:`LineResponse` finds every point where
the pieces meet, so that between two of them the points are ``alpha + beta × actual``
exactly; the grade condition is then solved on each piece with :class:`fractions.Fraction`,
and the answer is checked by appraising at it with :func:`medsales.engine.appraise.appraise`.

See ``docs/testing-policies.md`` for worked examples.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any, Final, Literal

import attrs

from medsales.engine.appraise import Resolved, appraise, normalize_measurements
from medsales.engine.curves import curve_points, read_x
from medsales.engine.notes import Note
from medsales.engine.results import Appraisal
from medsales.errors import InputError
from medsales.errors import shown as shown_value
from medsales.numbers import display, number_text, quantize
from medsales.policy.document import require_policy
from medsales.policy.models import (
    KPI,
    Incident,
    Line,
    LinearCurve,
    PiecewiseCurve,
    Policy,
    ScaleCurve,
    StepsCurve,
)

__all__ = [
    "NONNEGATIVE_UNITS",
    "LineResponse",
    "Piece",
    "Sensitivity",
    "WhatIf",
    "min_actual_for_grade",
    "points_per_unit",
    "rounding_threshold",
]

NONNEGATIVE_UNITS: Final = frozenset({"currency", "count", "days", "hours"})
"""Units whose actual is never negative (an amount, a count, a duration). Actuals in the
other units (``percent``, ``ratio``, ``rating``, ``score``) may be negative: market-share
growth, NPS. A ``scale`` line's actual is always within the scale."""

_ZERO: Final = Fraction(0)
_HUNDRED: Final = Fraction(100)

Exact = Decimal | Fraction


def _exact_decimal(value: Fraction) -> Decimal | Fraction:
    """``value`` as a Decimal when its decimal expansion ends, else the Fraction itself."""
    den = value.denominator
    twos = fives = 0
    while den % 2 == 0:
        den //= 2
        twos += 1
    while den % 5 == 0:
        den //= 5
        fives += 1
    if den != 1:
        return value
    places = max(twos, fives)
    units = value.numerator * (10**places // value.denominator)
    return Decimal(f"{units}E-{places}")


_WHOLE_UNITS: Final = frozenset({"currency", "count"})
"""Units whose what-if answers are whole numbers: yuan, visits, customers."""


def _show(value: Exact) -> str:
    shown = display(value)
    prefix = "" if Fraction(shown) == Fraction(value) else "≈"
    return prefix + number_text(shown)


def _num(value: Exact | None) -> str | None:
    return None if value is None else number_text(value)


# --------------------------------------------------------------------------- rounding


def rounding_threshold(policy: Policy, minimum: Decimal | Fraction) -> tuple[Fraction, bool]:
    """The exact final scores whose rounded value reaches ``minimum``: ``(t, strict)``.

    A final score s (≥ 0) rounds, under the policy's ``rounding`` and ``score_places``, to
    at least ``minimum`` exactly when ``s > t`` (``strict``) or ``s ≥ t`` (not strict).
    With ``half_up`` and 2 places, a band minimum of 85 gives ``(84.995, False)``; with
    ``up`` it gives ``(84.99, True)``. A minimum of 0 or less gives ``(0, False)``: every
    score reaches it.
    """
    unit = Fraction(1, 10**policy.score_places)
    steps = -((-Fraction(minimum)) // unit)  # ceil(minimum / unit): the first score shown
    if steps <= 0:
        return _ZERO, False
    shown = steps * unit
    half = shown - unit / 2
    mode = policy.rounding
    threshold: tuple[Fraction, bool]
    if mode in ("down", "floor"):
        threshold = shown, False
    elif mode in ("up", "ceiling"):
        threshold = shown - unit, True
    elif mode == "half_up":
        threshold = half, False
    elif mode == "half_down":
        threshold = half, True
    else:  # half_even: the tie goes to the even neighbour
        threshold = half, steps % 2 == 1
    # the definition above, checked against the engine's rounding
    t, strict = threshold
    reached = quantize(t, policy.score_places, mode) >= minimum
    if reached == strict:  # pragma: no cover - guards the table above
        raise AssertionError(f"rounding threshold {t} for {minimum} under {mode} is wrong")
    return threshold


# --------------------------------------------------------------------------- a line's response


@attrs.frozen
class Piece:
    """One piece of a line's response: a single actual ``lo`` (``point``), or the open
    interval (``lo``, ``hi``) (``None``: unbounded) on which points = alpha + beta × actual."""

    lo: Fraction | None
    hi: Fraction | None
    alpha: Fraction
    beta: Fraction
    point: bool

    def at(self, actual: Fraction) -> Fraction:
        """The points at an actual inside the piece."""
        return self.alpha + self.beta * actual


def _x_breaks(line: Line) -> list[Fraction]:
    """Where the curve's formula changes, in x."""
    curve = line.curve
    if isinstance(curve, LinearCurve):
        _, floor, cap = curve.exact
        return [v for v in (floor, cap) if v is not None]
    if isinstance(curve, StepsCurve):
        return [t for t, _ in curve.exact[0]]
    if isinstance(curve, PiecewiseCurve):
        return [k for k, _ in curve.exact[0]]
    assert isinstance(curve, ScaleCurve)
    return list(curve.exact)


@attrs.frozen
class LineResponse:
    """The points of one scorecard line as a function of its KPI's actual, the target fixed.

    ``low`` and ``high`` bound the actuals that can occur (``None``: unbounded): 0 for the
    units in :data:`NONNEGATIVE_UNITS`, the scale's ends for a ``scale`` line. ``breaks``
    lists, in increasing order, every actual where the formula may change (and the finite
    ends of the domain); between two of them the points are affine in the actual.
    """

    line: Line
    kpi: KPI
    target: Fraction | None
    low: Fraction | None
    high: Fraction | None
    breaks: tuple[Fraction, ...]

    @classmethod
    def of(cls, line: Line, kpi: KPI, target: Exact | None = None) -> LineResponse:
        """The response of ``line`` (reading ``kpi``) at ``target``; an attainment line
        needs a target > 0 (:class:`~medsales.errors.InputError` otherwise)."""
        t = None if target is None else Fraction(target)
        if line.basis == "attainment" and (t is None or t <= 0):
            raise InputError(
                f'basis "attainment" needs a target > 0, got {target!r}',
                path=f"measurements.{kpi.id}.target",
                value=target,
                expected="a target greater than 0",
            )
        low: Fraction | None
        high: Fraction | None = None
        if isinstance(line.curve, ScaleCurve):
            low, high = line.curve.exact
        else:
            low = _ZERO if kpi.unit in NONNEGATIVE_UNITS else None
        xs = _x_breaks(line)
        candidates = {_ZERO}
        if line.basis == "value":
            candidates.update(xs)
        else:
            assert t is not None
            candidates.add(t)
            if kpi.direction == "higher":
                candidates.update(b * t for b in xs)
            else:  # lower: x = 2 - a/t; target: x = a/t below t, 2 - a/t above
                candidates.add(2 * t)
                candidates.update((2 - b) * t for b in xs)
                if kpi.direction == "target":
                    candidates.update(b * t for b in xs)
        for end in (low, high):
            if end is not None:
                candidates.add(end)
        breaks = tuple(
            sorted(
                a for a in candidates if (low is None or a >= low) and (high is None or a <= high)
            )
        )
        return cls(line=line, kpi=kpi, target=t, low=low, high=high, breaks=breaks)

    def points(self, actual: Fraction) -> Fraction:
        """The line's points at ``actual``, as the engine computes them."""
        path = f"measurements.{self.kpi.id}"
        x, _ = read_x(self.line.basis, self.kpi.direction, actual, self.target, path=path)
        points, _ = curve_points(
            self.line.curve,
            x,
            lower_on_value=self.line.basis == "value" and self.kpi.direction == "lower",
            path=path,
        )
        return points

    def _open(self, lo: Fraction | None, hi: Fraction | None) -> Piece:
        if lo is None and hi is None:  # pragma: no cover - breaks always holds 0 or an end
            lo = _ZERO
        if lo is None:
            assert hi is not None
            a1, a2 = hi - 2, hi - 1
        elif hi is None:
            a1, a2 = lo + 1, lo + 2
        else:
            a1, a2 = lo + (hi - lo) / 3, lo + 2 * (hi - lo) / 3
        p1, p2 = self.points(a1), self.points(a2)
        beta = (p2 - p1) / (a2 - a1)
        return Piece(lo=lo, hi=hi, alpha=p1 - beta * a1, beta=beta, point=False)

    def pieces(self) -> tuple[Piece, ...]:
        """The domain cut into points and open intervals, left to right."""
        out: list[Piece] = []
        if self.low is None:
            out.append(self._open(None, self.breaks[0]))
        for i, b in enumerate(self.breaks):
            out.append(Piece(lo=b, hi=b, alpha=self.points(b), beta=_ZERO, point=True))
            if i + 1 < len(self.breaks):
                out.append(self._open(b, self.breaks[i + 1]))
            elif self.high is None:
                out.append(self._open(b, None))
        return tuple(out)

    def bounds(self) -> tuple[Fraction | None, Fraction | None]:
        """The least and the greatest points over the domain (``None``: unbounded, which
        only a ``linear`` curve without ``floor`` or ``cap`` can be)."""
        low_unbounded = high_unbounded = False
        values: list[Fraction] = []
        for piece in self.pieces():
            if piece.point or piece.beta == 0:
                values.append(piece.alpha)
                continue
            for end in (piece.lo, piece.hi):
                if end is not None:
                    values.append(piece.at(end))
            rising = piece.beta > 0
            if piece.hi is None:
                high_unbounded |= rising
                low_unbounded |= not rising
            if piece.lo is None:
                low_unbounded |= rising
                high_unbounded |= not rising
        return (
            None if low_unbounded else min(values),
            None if high_unbounded else max(values),
        )

    def slope_after(self, actual: Fraction) -> Fraction:
        """The right derivative of the points at ``actual``: the slope of the piece just
        above it (0 on flat parts and steps, and at the top of the domain)."""
        if self.high is not None and actual >= self.high:
            return _ZERO
        above = [b for b in self.breaks if b > actual]
        return self._open(actual, above[0] if above else None).beta


def _search(
    pieces: tuple[Piece, ...], threshold: Fraction, strict: bool, *, smallest: bool
) -> tuple[bool, Fraction | None, bool]:
    """The least (``smallest``) or greatest actual whose points reach ``threshold``.

    Returns ``(found, bound, attained)``: ``bound`` is ``None`` when the actuals that reach
    it are unbounded on that side; ``attained`` says whether ``bound`` itself reaches it.
    """

    def ok(value: Fraction) -> bool:
        return value > threshold if strict else value >= threshold

    def before(a: Fraction, b: Fraction) -> bool:
        return a < b if smallest else a > b

    for piece in pieces if smallest else reversed(pieces):
        if piece.point:
            if ok(piece.alpha):
                return True, piece.lo, True
            continue
        near, far = (piece.lo, piece.hi) if smallest else (piece.hi, piece.lo)
        if piece.beta == 0:
            if ok(piece.alpha):
                return True, near, False
            continue
        root = (threshold - piece.alpha) / piece.beta
        if (piece.beta > 0) == smallest:  # points rise as we move on: beyond root
            if far is not None and not before(root, far):
                continue
            if near is not None and not before(near, root):
                return True, near, False
            return True, root, not strict
        if near is not None and not before(near, root):  # points fall: up to root
            continue
        return True, near, False
    return False, None, False


def _everywhere(pieces: tuple[Piece, ...], threshold: Fraction, strict: bool) -> bool:
    """Whether every actual of the domain reaches ``threshold``."""
    for piece in pieces:
        if piece.point or piece.beta == 0:
            if not (piece.alpha > threshold if strict else piece.alpha >= threshold):
                return False
        elif (piece.lo is None and piece.beta > 0) or (piece.hi is None and piece.beta < 0):
            return False  # it falls without bound towards its open end
        elif min(piece.at(end) for end in (piece.lo, piece.hi) if end is not None) < threshold:
            return False  # inside, the values lie strictly beyond the one at the lower end
    return True


# --------------------------------------------------------------------------- results


@attrs.frozen
class WhatIf:
    """The answer of :func:`min_actual_for_grade`.

    ``actual`` is the smallest actual that reaches ``grade`` — the largest for a
    lower-is-better KPI (``bound`` says which) — a Decimal when it has a finite decimal
    expansion, else the exact Fraction; ``None`` when the grade cannot be reached
    (``reachable`` false) or is reached whatever the actual. ``exact`` is true when
    ``actual`` itself reaches the grade (any actual a little worse does not); false when
    the rounding mode needs an actual strictly beyond it. ``score_at`` is the rounded
    score when appraised at ``actual``. ``notes`` say it in words: the pieces of one
    sentence (stable codes with their parameters), which :meth:`text` renders in a language
    and ``message`` in English.

    ``whole`` is, for a KPI counted in whole units (``currency``: yuan; ``count``), the
    answer a person can act on: the smallest whole number that reaches the grade (the
    largest for a lower-is-better KPI), and then the words and ``score_at`` speak of it
    instead of the exact ``actual`` (``≈1833918.37`` becomes ``1833919``). ``None`` for
    other units, and when no whole number between the bounds reaches the grade.
    """

    kpi: str
    grade: str
    reachable: bool
    actual: Decimal | Fraction | None
    target: Decimal | Fraction | None
    exact: bool
    score_at: Decimal | None
    notes: tuple[Note, ...]
    bound: Literal["min", "max"] = "min"
    whole: int | None = None

    @property
    def message(self) -> str:
        """The answer in English words."""
        return self.text("en")

    def text(self, lang: str = "en", policy: Policy | None = None) -> str:
        """The answer in words, in ``en``, ``zh-Hans`` or ``zh-Hant`` (others fall back as
        labels do); given the ``policy``, KPIs and rules are named by their labels."""
        return "".join(note.text(lang, policy) for note in self.notes)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data; numbers as decimal strings (non-terminating ones rounded to 10
        decimals, and given exactly as ``actual_fraction``)."""
        out: dict[str, Any] = {
            "kpi": self.kpi,
            "grade": self.grade,
            "reachable": self.reachable,
            "bound": self.bound,
            "actual": _num(self.actual),
            "whole": self.whole,
            "target": _num(self.target),
            "exact": self.exact,
            "score_at": None if self.score_at is None else format(self.score_at, "f"),
            "message": self.message,
            "notes": [note.to_dict() for note in self.notes],
        }
        if isinstance(self.actual, Fraction):
            out["actual_fraction"] = str(self.actual)
        return out


@attrs.frozen
class Sensitivity:
    """What one unit more of a KPI's actual is worth at the current point.

    ``per_unit`` is the change of the final exact (unrounded) score per unit increase of the
    actual (the right derivative: 0 on flat parts and steps, and where the score is held at
    0 or at ``max_score``). ``per_percent_of_target`` is, for an attainment line, the raw
    score points that 1 % of the target adds (before deductions and limits); ``None`` on a
    value line.
    """

    kpi: str
    actual: Decimal | Fraction
    target: Decimal | Fraction | None
    per_unit: Fraction
    per_percent_of_target: Fraction | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data: numbers as decimal strings, plus exact fractions."""
        return {
            "kpi": self.kpi,
            "actual": _num(self.actual),
            "target": _num(self.target),
            "per_unit": _num(self.per_unit),
            "per_unit_fraction": str(self.per_unit),
            "per_percent_of_target": _num(self.per_percent_of_target),
        }


# --------------------------------------------------------------------------- min_actual_for_grade


def _line_of(policy: Policy, role: str, kpi: str) -> Line:
    policy.kpi(kpi)  # UnknownKPIError for an id the policy does not define
    for section in policy.scorecard(role).effective_sections:
        for line in section.lines:
            if line.kpi == kpi:
                return line
    raise InputError(
        f"KPI {kpi!r} is not on the scorecard of role {role!r}",
        path="kpi",
        value=kpi,
        expected="one of "
        + ", ".join(ln.kpi for s in policy.scorecard(role).effective_sections for ln in s.lines),
    )


def _reaches(policy: Policy, appraisal: Appraisal, grade: str) -> bool:
    reached = appraisal.grade
    return reached is not None and policy.grade_rank[reached] <= policy.grade_rank[grade]


def min_actual_for_grade(
    policy: Policy,
    *,
    role: str,
    measurements: Mapping[str, Any],
    kpi: str,
    grade: str,
    incidents: Iterable[Incident | Mapping[str, Any]] = (),
) -> WhatIf:
    """The smallest actual of ``kpi`` with which ``role`` reaches ``grade`` or better.

    The other measurements and the incidents stay as given; the target of ``kpi`` is the
    one in ``measurements`` (an attainment line needs it). "Reaches" means the final grade
    — from the score rounded once, after deductions and ``max_score``, then grade caps and
    veto — is ``grade`` or better. For a lower-is-better KPI the question turns round: the
    answer is the *largest* actual that still reaches the grade (``bound = "max"``). For a
    closer-is-better KPI it is the smallest, and the message gives the largest too.

    The answer is exact (the curves are piecewise affine, solved with fractions) and is
    checked by appraising at it.
    """
    require_policy(policy)
    line = _line_of(policy, role, kpi)
    if grade not in policy.grades_by_id:
        raise InputError(
            f"unknown grade {shown_value(grade)}",
            path="grade",
            value=grade,
            expected="one of " + ", ".join(g.id for g in policy.grades),
        )
    given = normalize_measurements(policy, measurements)
    current = given.get(kpi)
    question = _Question(
        policy=policy,
        role=role,
        given=given,
        incidents=tuple(incidents),
        kpi=kpi,
        grade=grade,
        line=line,
        target=current.target if current is not None else None,
    )
    return question.answer()


@attrs.frozen
class _Question:
    """One what-if question, answered in the steps the docstring of
    :func:`min_actual_for_grade` lists: grades anyone reaches, conduct that blocks, a
    ``max_score`` below the band, then the curve solved exactly."""

    policy: Policy
    role: str
    given: Mapping[str, Resolved]
    incidents: tuple[Incident | Mapping[str, Any], ...]
    kpi: str
    grade: str
    line: Line
    target: Decimal | Fraction | None

    @property
    def kdef(self) -> KPI:
        return self.policy.kpi(self.kpi)

    @property
    def lower(self) -> bool:
        return self.kdef.direction == "lower"

    @property
    def response(self) -> LineResponse:
        return LineResponse.of(self.line, self.kdef, self.target)

    def at(self, actual: Fraction) -> Appraisal:
        """The appraisal with ``kpi`` at ``actual``, the rest as given."""
        value = _exact_decimal(actual)
        return appraise(
            self.policy,
            role=self.role,
            measurements={**self.given, self.kpi: Resolved(actual=value, target=self.target)},
            incidents=self.incidents,
        )

    def result(
        self,
        reachable: bool,
        actual: Fraction | None,
        exact: bool,
        notes: list[Note],
        score_at: Decimal | None = None,
        whole: int | None = None,
    ) -> WhatIf:
        return WhatIf(
            kpi=self.kpi,
            grade=self.grade,
            reachable=reachable,
            actual=None if actual is None else _exact_decimal(actual),
            target=self.target,
            exact=exact,
            score_at=score_at,
            notes=tuple(notes),
            bound="max" if self.lower else "min",
            whole=whole,
        )

    def anything(self, why: Note, worst_end: Fraction | None) -> WhatIf:
        """Any actual reaches the grade: say so, and why."""
        grade, kpi = self.grade, self.kpi
        if worst_end is None:
            side = "whatif_always_high" if self.lower else "whatif_always_low"
            return self.result(True, None, False, [Note.of(side, grade=grade, kpi=kpi), why])
        reached = self.at(worst_end)
        always = Note.of("whatif_always_at", grade=grade, kpi=kpi, actual=_show(worst_end))
        return self.result(True, worst_end, True, [always, why], reached.score)

    def answer(self) -> WhatIf:
        response = self.response
        worst_end = response.high if self.lower else response.low
        base = self.at(response.low if response.low is not None else _ZERO)
        if self.grade == self.policy.grades[-1].id:
            return self.anything(Note.of("whatif_why_lowest", grade=self.grade), worst_end)
        blocked = self.blocked_by_conduct(base)
        if blocked is not None:
            return blocked
        band = self.policy.grades_by_id[self.grade]
        threshold, strict = rounding_threshold(self.policy, band.min)
        if threshold == 0 and not strict:
            return self.anything(Note.of("whatif_why_band", minimum=band.min), worst_end)
        limit = self.policy.max_score
        if limit is not None and (limit < threshold or (strict and limit == threshold)):
            why = Note.of("whatif_max_score", grade=self.grade, limit=limit, minimum=band.min)
            return self.result(False, None, False, [why])
        return self.solve(base, threshold, strict, worst_end)

    def blocked_by_conduct(self, base: Appraisal) -> WhatIf | None:
        """A veto, or a grade cap below the grade, that no actual can lift (SPEC §5)."""
        rank = self.policy.grade_rank
        if base.vetoed:
            veto = next(c for c in base.conduct if c.counted and c.veto)
            lowest = self.policy.grades[-1].id
            why = Note.of(
                "whatif_veto",
                grade=self.grade,
                rule=veto.rule,
                severity=veto.severity,
                lowest=lowest,
            )
            return self.result(False, None, False, [why])
        caps = [c for c in base.conduct if c.counted and c.grade_cap is not None]
        if not caps:
            return None
        worst = max(caps, key=lambda c: rank[c.grade_cap or ""])
        assert worst.grade_cap is not None
        if rank[worst.grade_cap] <= rank[self.grade]:
            return None
        why = Note.of(
            "whatif_capped",
            grade=self.grade,
            rule=worst.rule,
            severity=worst.severity,
            cap=worst.grade_cap,
        )
        return self.result(False, None, False, [why])

    def solve(
        self, base: Appraisal, threshold: Fraction, strict: bool, worst_end: Fraction | None
    ) -> WhatIf:
        """The points the line needs, and the actual that gives them, from the curve's
        affine pieces."""
        scored = next(r for r in base.lines if r.kpi == self.kpi)
        assert base.raw_score is not None
        assert scored.status == "scored"
        weight = scored.effective_weight
        others = base.raw_score - scored.contribution
        deducted = base.deduction_applied
        # final = raw - deducted (floored at 0, limited by max_score) reaches the threshold
        # exactly when others + weight × points / 100 - deducted does (threshold > 0 here)
        needed = (threshold + deducted - others) * _HUNDRED / weight
        response = self.response
        pieces = response.pieces()
        found, actual, attained = _search(pieces, needed, strict, smallest=not self.lower)
        if not found:
            best = response.bounds()[1]
            assert best is not None  # an unbounded line reaches any grade
            return self.out_of_reach(max(others + weight * best / _HUNDRED - deducted, _ZERO), best)
        if (actual is None or (attained and actual == worst_end)) and _everywhere(
            pieces, needed, strict
        ):
            return self.anything(Note.of("whatif_why_others", grade=self.grade), worst_end)
        monotone_note = [Note.of("whatif_non_monotonic")] if self.line.allow_non_monotonic else []
        if actual is None:  # only a non-monotonic curve gets here
            side = "whatif_any_high" if self.lower else "whatif_any_low"
            notes = [Note.of(side, grade=self.grade, kpi=self.kpi), *monotone_note]
            return self.result(True, None, False, notes)
        checked = self.at(actual)
        if _reaches(self.policy, checked, self.grade) != attained:  # pragma: no cover - a bug
            raise AssertionError(
                f"what-if for {self.kpi} = {actual} disagrees with the appraisal: grade "
                f"{checked.grade}, score {checked.score}"
            )
        whole = self.whole(actual, attained)
        if whole is None:
            notes = self.found_notes(actual, attained, checked, threshold, strict)
        else:  # speak of the whole number, reached at it by construction
            checked = self.at(Fraction(whole))
            notes = self.found_notes(Fraction(whole), True, checked, threshold, strict)
        if self.kdef.direction == "target":
            _, high, high_attained = _search(pieces, needed, strict, smallest=False)
            if high is not None:
                notes.append(Note.of("whatif_target_high", actual=_show(high)))
                if not high_attained:
                    notes.append(Note.of("whatif_exclusive"))
        return self.result(True, actual, attained, notes + monotone_note, checked.score, whole)

    def whole(self, actual: Fraction, attained: bool) -> int | None:
        """For a KPI counted in whole units, the nearest whole number on the reaching side
        of ``actual`` (rounded up for a minimum, down for a maximum), if it reaches."""
        if self.kdef.unit not in _WHOLE_UNITS:
            return None
        if self.lower:
            whole = math.floor(actual) if attained else math.ceil(actual) - 1
        else:
            whole = math.ceil(actual) if attained else math.floor(actual) + 1
        low, high = self.response.low, self.response.high
        if (low is not None and whole < low) or (high is not None and whole > high):
            return None  # no whole number within the line's range (a rating scale's ends)
        if not _reaches(self.policy, self.at(Fraction(whole)), self.grade):
            return None  # a narrow band of a closer-is-better curve holds no whole number
        return whole

    def out_of_reach(self, final: Fraction, best: Fraction) -> WhatIf:
        """Even the line's best points leave the score below the band."""
        policy = self.policy
        if policy.max_score is not None:
            final = min(final, Fraction(policy.max_score))
        shown = quantize(final, policy.score_places, policy.rounding)
        why = Note.of(
            "whatif_out_of_reach",
            grade=self.grade,
            kpi=self.kpi,
            points=_show(best),
            score=shown,
            minimum=policy.grades_by_id[self.grade].min,
        )
        return self.result(False, None, False, [why])

    def found_notes(
        self,
        actual: Fraction,
        attained: bool,
        checked: Appraisal,
        threshold: Fraction,
        strict: bool,
    ) -> list[Note]:
        """What the answer says: the actual, reached at it or only just beyond it."""
        kpi, grade, shown = self.kpi, self.grade, _show(actual)
        if attained:
            code = "whatif_reached_max" if self.lower else "whatif_reached_min"
            minimum = self.policy.grades_by_id[grade].min
            notes = [
                Note.of(
                    code, kpi=kpi, actual=shown, grade=grade, minimum=minimum, score=checked.score
                )
            ]
        else:
            code = "whatif_beyond_below" if self.lower else "whatif_beyond_above"
            notes = [Note.of(code, kpi=kpi, actual=shown, grade=grade, score=checked.score)]
            if strict:
                notes.append(
                    Note.of(
                        "whatif_strict",
                        mode=self.policy.rounding,
                        places=self.policy.score_places,
                        threshold=_show(threshold),
                    )
                )
        if self.lower:
            notes.append(Note.of("whatif_lower"))
        return notes


# --------------------------------------------------------------------------- points_per_unit


def points_per_unit(
    policy: Policy,
    *,
    role: str,
    measurements: Mapping[str, Any],
    incidents: Iterable[Incident | Mapping[str, Any]] = (),
) -> tuple[Sensitivity, ...]:
    """For each scorecard line with a measurement, what one unit more of its actual is
    worth at the current point (see :class:`Sensitivity`), in scorecard order.

    An incomplete appraisal has no score to change: the result is empty.
    """
    require_policy(policy)
    given = normalize_measurements(policy, measurements)
    base = appraise(policy, role=role, measurements=given, incidents=tuple(incidents))
    if base.raw_score is None:
        return ()
    net = base.raw_score - base.deduction_applied
    ceiling = None if policy.max_score is None else Fraction(policy.max_score)
    lines = {ln.kpi: ln for s in policy.scorecard(role).effective_sections for ln in s.lines}
    out: list[Sensitivity] = []
    for result in base.lines:
        if result.status != "scored":
            continue
        assert result.actual is not None
        line = lines[result.kpi]
        response = LineResponse.of(line, policy.kpi(result.kpi), result.target)
        raw_slope = result.effective_weight * response.slope_after(Fraction(result.actual))
        raw_slope /= _HUNDRED
        slope = raw_slope
        # the final score is held at 0 below and at max_score above
        if net < 0 or (net == 0 and slope < 0):
            slope = _ZERO
        if ceiling is not None and (net > ceiling or (net == ceiling and slope > 0)):
            slope = _ZERO
        per_percent = None
        if line.basis == "attainment":
            assert response.target is not None
            per_percent = raw_slope * response.target / _HUNDRED
        out.append(
            Sensitivity(
                kpi=result.kpi,
                actual=result.actual,
                target=result.target,
                per_unit=slope,
                per_percent_of_target=per_percent,
            )
        )
    return tuple(out)
