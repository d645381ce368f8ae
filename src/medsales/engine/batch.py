"""The batch path: many appraisals of one role, scores and grades only, at Decimal speed.

The exact engine (:func:`medsales.engine.appraise.appraise_exact`, which builds the
explanation of every :func:`medsales.appraise`) computes with rationals and explains every
number; at department scale most callers need the scores and grades, many thousand
times. :func:`score_many` compiles a scorecard once into Decimal arithmetic at 80 digits
and checks, for every row, the only places where a rounding error could change an
answer: the discontinuities of the curves (a linear ``floor``, a step's threshold, a
piecewise ``below`` that jumps) and the final rounding. When a value lies within 10⁻³⁰
(relative) of one of them, that row is appraised again by the exact engine.

That argument needs the rounding errors to stay far below 10⁻³⁰, which holds for *plain*
numbers, multiples of 10⁻⁸ below 10¹² (every value, target and policy constant): a ratio
of them lies at least 10⁻²⁸ from any edge it does not equal, and the errors of 80-digit
arithmetic stay below 10⁻³⁸. A row with a number that is not plain (``10**51 - 1``,
``1e-20``), and every row of a policy with such a constant, goes to the exact engine, so
every score equals the one :func:`medsales.appraise` gives. Bad input falls back too, so
errors are the exact engine's, located by row.

Speed: a line's breakpoints are decided exactly, not by near-tie checks. On a value line
x is the caller's own number, compared with the policy's constants as it is; on an
attainment line x = num / den with both exact, and x ≥ c is decided as num ≥ c × den, a
product of plain numbers that 80 digits hold exactly. Only the continuous arithmetic
rounds, so only the final rounding is checked for a near tie. A scorecard is also
compiled once into a single Python function that scores a row with every line measured
(``Decimal`` numbers read inline); any other row takes the general path. The compiled
function divides once per attainment line and compares the quotient: a ratio of plain
numbers equals a plain constant exactly (and the division is exact) or lies at least
10⁻²⁸ from it, while an 80-digit quotient below 10²¹ errs by less than 10⁻⁵⁸, so it
decides every breakpoint as the general path does.
"""

from __future__ import annotations

import datetime
import decimal
import functools
import itertools
import json
import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Final

import attrs

from medsales.engine.appraise import appraise_exact, grade_for, resolve_period
from medsales.errors import InputError, MedsalesError
from medsales.numbers import ROUNDING_MODES, to_decimal
from medsales.policy.document import require_policy
from medsales.policy.models import (
    Incident,
    LinearCurve,
    PiecewiseCurve,
    Policy,
    ScaleCurve,
    StepsCurve,
)

if TYPE_CHECKING:
    from medsales.periods import Period

__all__ = ["BatchScore", "CompiledScorecard", "compile_scorecard", "score_many", "score_one"]

_CONTEXT: Final = decimal.Context(
    prec=80,
    rounding=decimal.ROUND_HALF_EVEN,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
)
_TOLERANCE: Final = Decimal("1e-30")
_ZERO: Final = Decimal(0)
_ONE: Final = Decimal(1)
_TWO: Final = Decimal(2)
_HUNDRED: Final = Decimal(100)
_INFINITY: Final = Decimal("Infinity")


_PLAIN: Final = decimal.Context(prec=20, traps=[decimal.Inexact, decimal.InvalidOperation])
_PLAIN_UNIT: Final = Decimal("1e-8")
_PLAIN_INT: Final = 10**12
_PLAIN_DIGITS: Final = 12  # a plain number's adjusted exponent is below this


def _plain(value: Decimal) -> bool:
    """Whether ``value`` is plain: a multiple of 10⁻⁸ below 10¹² (see the module's doc)."""
    try:
        value.quantize(_PLAIN_UNIT, context=_PLAIN)  # Inexact or too many digits: not plain
    except decimal.DecimalException:
        return False
    return True


def _plain_in_context(value: Decimal) -> bool:
    """:func:`_plain`, faster, in the batch path's 80-digit context: below 10¹² in
    magnitude (its adjusted exponent, read without arithmetic) and a multiple of 10⁻⁸ (no
    remainder: one exact operation, about half the cost of a ``quantize`` and its
    comparison). A zero with a large exponent (``0E+20``) is refused too: the exact
    engine reads it (SPEC §21's limits may refuse it). NaN leaves a NaN remainder, never
    zero; an infinity's remainder raises ``InvalidOperation``."""
    return value.adjusted() < _PLAIN_DIGITS and not value % _PLAIN_UNIT


@functools.lru_cache(maxsize=64)
def _plain_policy(canonical: str) -> bool:
    """Whether every number of a policy (by its canonical JSON) is plain."""
    numbers: list[str] = []
    json.loads(canonical, parse_float=numbers.append, parse_int=numbers.append)
    return all(_plain(Decimal(n)) for n in numbers)


class _NearTie(Exception):
    """A value too close to a discontinuity to trust 80 digits: use the exact engine."""


_FALLBACK: Final = (
    _NearTie,
    MedsalesError,
    ArithmeticError,
    TypeError,
    ValueError,
    KeyError,
    AttributeError,
)
"""What sends a row to the exact engine, which reads it again and names any problem."""


def _near(value: Decimal, edge: Decimal) -> bool:
    gap = abs(value - edge)
    return gap != 0 and gap <= _TOLERANCE * max(_ONE, abs(edge))


@attrs.frozen
class BatchScore:
    """One row's result: the final score (rounded once), grade and coefficient.

    ``exact`` is true when the row was appraised by the exact engine (a near tie).
    """

    score: Decimal | None
    grade: str | None
    coefficient: Decimal | None
    complete: bool
    vetoed: bool
    exact: bool = False


def _ratio_points(curve: Any, *, lower_on_value: bool) -> Callable[[Decimal, Decimal], Decimal]:
    """The curve as a Decimal function of x = num / den (den > 0) that decides every
    discontinuity exactly: x is compared with a policy constant c as num with c × den, a
    product of plain numbers that 80 digits hold exactly. No near-tie check is needed
    there; only the continuous arithmetic rounds, and the final rounding is checked."""
    if isinstance(curve, LinearCurve):
        multiplier = curve.multiplier
        floor, cap = curve.floor, curve.cap

        def linear(num: Decimal, den: Decimal) -> Decimal:
            if floor is not None and num < floor * den:
                return _ZERO
            if cap is not None and num > cap * den:
                return multiplier * cap
            return multiplier * num / den

        return linear
    if isinstance(curve, StepsCurve):
        steps = tuple(curve.steps)
        below = curve.below

        if lower_on_value:

            def lower_steps(num: Decimal, den: Decimal) -> Decimal:
                for threshold, points in steps:
                    if threshold * den >= num:
                        return points
                return below

            return lower_steps

        def stepped(num: Decimal, den: Decimal) -> Decimal:
            chosen = below
            for threshold, points in steps:
                if threshold * den <= num:
                    chosen = points
            return chosen

        return stepped
    if isinstance(curve, PiecewiseCurve):
        knots = tuple(curve.points)
        first_x, first_p = knots[0]
        last_x, last_p = knots[-1]
        under = first_p if curve.below is None else curve.below
        segments = tuple(itertools.pairwise(knots))

        def piecewise(num: Decimal, den: Decimal) -> Decimal:
            if num < first_x * den:
                return under
            if num >= last_x * den:
                return last_p
            for (x0, p0), (x1, p1) in segments:
                if num < x1 * den:
                    return p0 + (p1 - p0) * (num / den - x0) / (x1 - x0)
            raise _NearTie  # pragma: no cover - x lies within the knots

        return piecewise
    assert isinstance(curve, ScaleCurve)
    low, high, span = curve.min, curve.max, curve.max - curve.min

    def scale(num: Decimal, den: Decimal) -> Decimal:
        if not low * den <= num <= high * den:
            raise _NearTie  # out of scale: the exact engine says where
        return (num / den - low) / span * _HUNDRED

    return scale


# how a line reads x from a measurement: x = num / den (see _ratio_points)
_VALUE, _HIGHER, _LOWER, _TARGET = 0, 1, 2, 3
_MEASUREMENT_KEYS: Final = frozenset({"actual", "target", "weight", "applicable"})
_SCALARS: Final = frozenset({int, float, str, Decimal})


class _Source:
    """Python source for one scorecard's fast row function, its constants bound by name."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.names: dict[str, Any] = {}
        self._named: dict[tuple[Any, ...], str] = {}

    def const(self, value: Any) -> str:
        """The name bound to ``value``: one name per distinct constant (a Decimal by how it
        is written, so ``1`` and ``1.0`` stay apart; anything else by identity)."""
        key = (Decimal, str(value)) if type(value) is Decimal else (id(value),)
        name = self._named.get(key)
        if name is None:
            name = self._named[key] = f"c{len(self.names)}"
            self.names[name] = value
        return name

    def function(self, name: str, parameters: str) -> Callable[..., Any]:
        """The source compiled as the function ``name``, its constants its globals (bound
        as defaults or in a closure instead, it measured no faster: a call then copies
        them all into its frame)."""
        source = [f"def {name}({parameters}):", *("    " + line for line in self.lines)]
        namespace = dict(self.names)
        exec(compile("\n".join(source), f"<score_many {id(self)}>", "exec"), namespace)
        return namespace[name]  # type: ignore[no-any-return]

    def emit(self, text: str) -> None:
        self.lines.append(text)


def _times(s: _Source, constant: Decimal, reads: int) -> str:
    """``constant × den`` as source; on a value line den is 1 and the constant stands alone."""
    return s.const(constant) if reads == _VALUE else f"{s.const(constant)} * den"


def _emit_curve(s: _Source, curve: Any, reads: int, *, lower_on_value: bool, out: str) -> None:
    """Source setting ``out`` to the curve's points at x = num / den, decided exactly as
    :func:`_ratio_points` decides it (and with the same arithmetic)."""
    i = "    "
    if isinstance(curve, LinearCurve):
        m = s.const(curve.multiplier)
        # on a value line den is 1: x is num itself (dividing by 1 changes no value)
        value = f"{m} * num / den" if reads != _VALUE else f"{m} * num"
        if curve.cap is not None:
            cap = curve.cap
            capped = s.const(curve.multiplier * cap)
            value = f"({capped} if num > {_times(s, cap, reads)} else {value})"
        if curve.floor is not None:
            value = f"({s.const(_ZERO)} if num < {_times(s, curve.floor, reads)} else {value})"
        s.emit(f"{i}{out} = {value}")
        return
    if isinstance(curve, StepsCurve):
        steps = list(curve.steps)
        if lower_on_value:
            for k, (threshold, points) in enumerate(steps):
                word = "if" if k == 0 else "elif"
                s.emit(f"{i}{word} {_times(s, threshold, reads)} >= num:")
                s.emit(f"{i}    {out} = {s.const(points)}")
            s.emit(f"{i}else:")
            s.emit(f"{i}    {out} = {s.const(curve.below)}")
            return
        s.emit(f"{i}{out} = {s.const(curve.below)}")
        for threshold, points in steps:
            s.emit(f"{i}if {_times(s, threshold, reads)} <= num:")
            s.emit(f"{i}    {out} = {s.const(points)}")
        return
    if isinstance(curve, PiecewiseCurve):
        knots = list(curve.points)
        first_x, first_p = knots[0]
        under = first_p if curve.below is None else curve.below
        s.emit(f"{i}if num < {_times(s, first_x, reads)}:")
        s.emit(f"{i}    {out} = {s.const(under)}")
        s.emit(f"{i}elif num >= {_times(s, knots[-1][0], reads)}:")
        s.emit(f"{i}    {out} = {s.const(knots[-1][1])}")
        for (x0, p0), (x1, p1) in itertools.pairwise(knots):
            s.emit(f"{i}elif num < {_times(s, x1, reads)}:")
            rise, run, start = s.const(p1 - p0), s.const(x1 - x0), s.const(x0)
            x = "num / den" if reads != _VALUE else "num"
            s.emit(f"{i}    {out} = {s.const(p0)} + {rise} * ({x} - {start}) / {run}")
        s.emit(f"{i}else:")
        s.emit(f"{i}    return None")
        return
    assert isinstance(curve, ScaleCurve)
    low, high = curve.min, curve.max
    s.emit(f"{i}if not {_times(s, low, reads)} <= num <= {_times(s, high, reads)}:")
    s.emit(f"{i}    return None")
    span, hundred = s.const(high - low), s.const(_HUNDRED)
    x = "num / den" if reads != _VALUE else "num"
    s.emit(f"{i}{out} = ({x} - {s.const(low)}) / {span} * {hundred}")


def _emit_number(s: _Source, name: str, indent: str) -> None:
    """Source reading the number in ``name`` as :func:`_number` reads it, inline: a
    ``Decimal`` as it is, a float through its shortest repr, an int or plain ASCII text
    as ``Decimal`` reads it; then plain, or the row leaves the compiled function (None:
    the general path, which reads the number again and sends the row where it belongs)."""
    dec, unit, digits = s.const(Decimal), s.const(_PLAIN_UNIT), s.const(_PLAIN_DIGITS)
    for line in (
        f"if type({name}) is not {dec}:",
        f"    kind = type({name})",
        "    if kind is float:",
        f"        {name} = {dec}(repr({name}))",
        f"    elif kind is str and {name}.isascii() and '_' not in {name}:",
        f"        {name} = {dec}({name})  # text that is no number raises: the exact engine",
        "    elif kind is int:",
        f"        {name} = {dec}({name})",
        "    else:",
        "        return None",
        f"if {name}.adjusted() >= {digits} or {name} % {unit}:",
        "    return None  # not plain (as _plain_in_context), or NaN; infinity raises",
    ):
        s.emit(indent + line)


def _fast_row(
    lines: Sequence[tuple[str, Any, int, bool]],
    factors: Sequence[Decimal],
    kpi_ids: frozenset[str],
) -> Callable[[Any], Decimal | None]:
    """One scorecard compiled into a single Python function: a row's raw score when every
    line is measured (a number, or a dict of ``actual`` and ``target``), every breakpoint
    decided exactly; None for any other row, which then takes the general path. Numbers
    are read as :func:`_number` reads them (see :func:`_emit_number`). Lines are ``(kpi,
    curve, reads, lower_on_value)``."""
    s = _Source()
    keys, ids, zero = s.const(_PAIR), s.const(kpi_ids), s.const(_ZERO)
    # A row naming each of the card's KPIs once and nothing else is the common row: its
    # length shows it, and a missing KPI raises KeyError below. Any other length needs
    # the subset check (a KPI the policy does not know goes to the general path).
    kpis = len({kpi for kpi, *_ in lines})
    s.emit(f"if type(row) is not dict or (len(row) != {kpis} and not row.keys() <= {ids}):")
    s.emit("    return None")
    s.emit("try:")
    for j, (kpi, curve, reads, lower_on_value) in enumerate(lines):
        s.emit(f"    m = row[{s.const(kpi)}]")
        if reads == _VALUE:
            s.emit(f"    if type(m) is dict and m.keys() <= {keys}:")
            s.emit("        num = m.get('actual')")
            s.emit("        t = m.get('target')")
            s.emit("        if t is not None:")
            _emit_number(s, "t", "            ")
            s.emit("    else:")
            s.emit("        num = m")
            _emit_number(s, "num", "    ")
        else:
            # two keys, both read: exactly actual and target (another key: KeyError)
            s.emit("    if type(m) is not dict or len(m) != 2:")
            s.emit("        return None")
            s.emit("    a = m['actual']")
            s.emit("    den = m['target']")
            _emit_number(s, "a", "    ")
            _emit_number(s, "den", "    ")
            s.emit(f"    if den <= {zero}:")
            s.emit("        return None")
            if reads == _HIGHER:
                s.emit("    num = a / den")
            else:
                expression = "den + den - a" if reads == _LOWER else "den - abs(a - den)"
                s.emit(f"    num = ({expression}) / den")
                s.emit(f"    if num < {zero}:")
                s.emit(f"        num = {zero}")
            # x = a ratio of plain numbers, to 80 digits: it equals a plain constant c
            # exactly (the division is then exact) or lies at least 10⁻²⁸ from it, far
            # beyond the division's error, so comparing it with c decides exactly; the
            # curve reads it as a value line reads its number
        _emit_curve(s, curve, _VALUE, lower_on_value=lower_on_value, out=f"p{j}")
    s.emit("except KeyError:  # a KPI of the card, or a measurement's actual or target, missing")
    s.emit("    return None")
    terms = " + ".join(f"{s.const(f)} * p{j}" for j, f in enumerate(factors))
    s.emit(f"return {zero} + {terms}" if factors else "return None")
    row_raw: Callable[[Any], Decimal | None] = s.function("row_raw", "row")
    return row_raw


_PAIR: Final = frozenset({"actual", "target"})


@attrs.frozen
class _Line:
    kpi: str
    section: int
    weight: Decimal
    basis: str
    direction: str
    missing: str
    exact_points: Callable[[Decimal, Decimal], Decimal]
    reads: int = _VALUE


@attrs.frozen
class CompiledScorecard:
    """A role's scorecard compiled once for :func:`score_many`."""

    policy: Policy = attrs.field(repr=False)
    role: str
    lines: tuple[_Line, ...]
    section_weights: tuple[Decimal, ...]
    plain: bool = True
    factors: dict[tuple[bool, ...], tuple[Decimal, ...]] = attrs.field(factory=dict, repr=False)
    fast: Callable[[Any], Decimal | None] | None = attrs.field(default=None, repr=False)
    plan: tuple[tuple[str, str, int, Callable[[Decimal, Decimal], Decimal]], ...] = attrs.field(
        init=False, repr=False
    )
    kpi_ids: frozenset[str] = attrs.field(init=False, repr=False)
    every_weight: tuple[Decimal, ...] = attrs.field(init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        # what each row reads, laid out once: per line its KPI, missing rule, how x is
        # read and its exact curve; the KPI ids a row may name; the weights when every
        # line is kept
        plan = tuple((x.kpi, x.missing, x.reads, x.exact_points) for x in self.lines)
        object.__setattr__(self, "plan", plan)
        object.__setattr__(self, "kpi_ids", frozenset(self.policy.kpis_by_id))
        with decimal.localcontext(_CONTEXT):
            every = self.weights_for((True,) * len(self.lines)) if self.lines else ()
        object.__setattr__(self, "every_weight", every)

    def weights_for(self, kept: tuple[bool, ...]) -> tuple[Decimal, ...]:
        """Each line's effective weight / 100 when the lines flagged in ``kept`` remain."""
        found = self.factors.get(kept)
        if found is None:
            line_totals = [_ZERO] * len(self.section_weights)
            for line, keep in zip(self.lines, kept, strict=True):
                if keep:
                    line_totals[line.section] += line.weight
            section_total = sum(
                (w for w, t in zip(self.section_weights, line_totals, strict=True) if t),
                _ZERO,
            )
            found = tuple(
                self.section_weights[line.section]
                / section_total
                * line.weight
                / line_totals[line.section]
                if keep
                else _ZERO
                for line, keep in zip(self.lines, kept, strict=True)
            )
            self.factors[kept] = found
        return found


def compile_scorecard(policy: Policy, role: str) -> CompiledScorecard:
    """Compile ``role``'s scorecard into Decimal closures, once."""
    card = policy.scorecard(role)
    lines: list[_Line] = []
    for s, section in enumerate(card.effective_sections):
        for line, share in zip(section.lines, section.line_shares, strict=True):
            kpi = policy.kpi(line.kpi)
            lines.append(
                _Line(
                    kpi=line.kpi,
                    section=s,
                    weight=_decimal(share),
                    basis=line.basis,
                    direction=kpi.direction,
                    missing=line.missing or policy.missing,
                    exact_points=_ratio_points(
                        line.curve,
                        lower_on_value=line.basis == "value" and kpi.direction == "lower",
                    ),
                    reads=_VALUE
                    if line.basis == "value"
                    else {"higher": _HIGHER, "lower": _LOWER}.get(kpi.direction, _TARGET),
                )
            )
    compiled = CompiledScorecard(
        policy=policy,
        role=role,
        lines=tuple(lines),
        section_weights=tuple(_decimal(share) for share in card.section_shares),
        plain=_plain_policy(policy.canonical_json),
    )
    if compiled.plain and lines:
        key = (policy.sha256, role)
        fast = _FAST.get(key)
        if fast is None:
            curves = [line.curve for section in card.effective_sections for line in section.lines]
            specs = [
                (x.kpi, curve, x.reads, x.reads == _VALUE and x.direction == "lower")
                for x, curve in zip(lines, curves, strict=True)
            ]
            with decimal.localcontext(_CONTEXT):
                fast = _fast_row(specs, compiled.every_weight, compiled.kpi_ids)
            if len(_FAST) >= _FAST_SIZE:
                _FAST.pop(next(iter(_FAST)))  # the oldest
            _FAST[key] = fast
        compiled = attrs.evolve(compiled, fast=fast)
    return compiled


# scorecards compiled into Python functions, by the policy's SHA-256 and the role
_FAST: dict[tuple[str, str], Callable[[Any], Decimal | None]] = {}
_FAST_SIZE: Final = 64
_SHARED: Final = 20_000  # results a finishing step shares, at most (one per score)


def _decimal(share: Fraction) -> Decimal:
    """A weight as a Decimal at the batch precision: exact for decimal weights; 100/3 to
    50 digits, which the near-tie checks make safe (a row near an edge goes exact)."""
    with decimal.localcontext(_CONTEXT):
        return Decimal(share.numerator) / Decimal(share.denominator)


def _number(value: Any) -> Decimal:
    """A measurement's number as ``to_decimal`` reads it, for plain numbers only: anything
    else raises (an error, or a number beyond what 80 digits answer for), and the row
    goes to the exact engine, which reads it and names any problem."""
    kind = type(value)
    number: Decimal
    if kind is Decimal:
        number = value
    elif kind is int:
        if -_PLAIN_INT < value < _PLAIN_INT:
            return Decimal(value)
        number = Decimal(value)
    elif kind is float:
        number = Decimal(repr(value))  # its shortest repr, as to_decimal reads it
    elif kind is str and value.isascii() and "_" not in value:
        number = Decimal(value)  # as to_decimal reads it; text that is no number raises
    else:
        number = to_decimal(value)
    # as _plain_in_context, inline: this runs for every number of every row
    if not number.is_finite() or number.adjusted() >= _PLAIN_DIGITS or number % _PLAIN_UNIT:
        raise _NearTie
    return number


def score_many(
    policy: Policy,
    *,
    role: str,
    measurements: Iterable[Mapping[str, Any]],
    incidents: Iterable[Sequence[Incident | Mapping[str, Any]]] | None = None,
    period: Period | str | None = None,
) -> list[BatchScore]:
    """Score many appraisals of one role: each row maps KPI ids to measurements as in
    :func:`medsales.appraise` (a number, or a mapping with ``actual``, ``target``,
    ``applicable``); ``incidents``, if given, holds one sequence of incidents per row
    (as many as there are rows: anything else is an :class:`~medsales.errors.InputError`).
    With ``period`` (a :class:`~medsales.periods.Period` or a label), a dated incident
    counts only when it falls in the period, as in :func:`medsales.appraise`.

    Scores, grades and coefficients equal the exact engine's; no breakdown is kept (use
    :func:`medsales.appraise` for one person's explanation).
    """
    require_policy(policy)
    compiled = compile_scorecard(policy, role)
    within = resolve_period(policy, period)
    rows = _rows(measurements, "measurements")
    per_row = None if incidents is None else _per_row(incidents, len(rows))
    rank = policy.grade_rank
    lowest = policy.grades[-1].id
    places = Decimal(1).scaleb(-policy.score_places)
    mode = ROUNDING_MODES[policy.rounding]
    half = places / 2
    directed = policy.rounding in ("up", "down", "ceiling", "floor")
    max_deduction = policy.max_deduction
    max_score = policy.max_score
    lines = compiled.lines
    out: list[BatchScore] = []
    fast = compiled.fast
    finish = _finisher(policy, places, mode, half, directed, max_score)

    def general(i: int, row: Any, row_incidents: Any) -> BatchScore:
        """A row the compiled function left: the general path, else the exact engine."""
        try:
            if not compiled.plain:
                raise _NearTie
            return _score_row(
                compiled,
                lines,
                row,
                row_incidents,
                rank,
                lowest,
                places,
                mode,
                half,
                directed,
                max_deduction,
                max_score,
                within,
            )
        except _FALLBACK:
            return _exact(policy, role, row, row_incidents, i, within)

    with decimal.localcontext(_CONTEXT):
        if fast is not None and per_row is None:  # the common batch: no incidents
            exact = functools.partial(_exact, policy, role, incidents=(), period=within)
            return _compiled_rows(rows, fast, finish, general, exact)
        for i, row in enumerate(rows):
            row_incidents = per_row[i] if per_row is not None else ()
            if fast is not None and not row_incidents:
                try:
                    raw = fast(row)  # the common row: every line measured, no incidents
                    if raw is not None:
                        out.append(finish(raw))
                        continue
                except _FALLBACK:
                    out.append(_exact(policy, role, row, row_incidents, i, within))
                    continue
            out.append(general(i, row, row_incidents))
    return out


def _compiled_rows(
    rows: Sequence[Any],
    fast: Callable[[Any], Decimal | None],
    finish: Callable[[Decimal], BatchScore],
    general: Callable[[int, Any, Any], BatchScore],
    exact: Callable[..., BatchScore],
) -> list[BatchScore]:
    """A batch without incidents: each row tried by the compiled function first, then by
    the general path; anything in :data:`_FALLBACK` sends it to the exact engine."""
    out: list[BatchScore] = []
    append = out.append
    for i, row in enumerate(rows):
        try:
            raw = fast(row)
            if raw is not None:
                append(finish(raw))
                continue
        except _FALLBACK:
            append(exact(row, index=i))
            continue
        append(general(i, row, ()))
    return out


def _finisher(
    policy: Policy,
    places: Decimal,
    mode: str,
    half: Decimal,
    directed: bool,
    max_score: Decimal | None,
) -> Callable[[Decimal], BatchScore]:
    """The end of :func:`_score_row` for a row without incidents, its settings bound once:
    the raw score clamped, checked for a near tie at its rounding, rounded, graded."""
    grades = [(g.min, g.id, g.coefficient) for g in policy.grades]
    last = grades[-1]
    floor, tolerance = decimal.ROUND_FLOOR, _TOLERANCE
    done: dict[str, BatchScore] = {}  # by score: the results are immutable and shared
    zero = _ZERO
    # no tolerance below is larger than this (final ≤ max_score), so most gaps are
    # decided by one comparison; without a maximum score, every gap is measured
    ceiling = tolerance * (max(max_score, _ONE) + half) if max_score is not None else _INFINITY

    def finish(final: Decimal) -> BatchScore:
        if final < zero:  # a Decimal zero: comparing with the int 0 converts it each time
            final = zero
        if max_score is not None and final > max_score:
            final = max_score
        score = final.quantize(places, mode)
        if directed:
            edge = (final / places).to_integral_value(floor) * places
            # as _score_row's checks: final ≥ 0, so every boundary is ≥ 0
            for boundary in (edge, edge + places):
                gap = abs(final - boundary)
                if gap and gap <= tolerance * (boundary if boundary > _ONE else _ONE):
                    raise _NearTie
        else:
            # half-way rounding: the one boundary that can be near is half a unit from
            # the rounded score, so final's distance from it is half - |final - score|
            # (exact in 80 digits); final + half ≥ that boundary, so the tolerance is
            # never smaller than _score_row's
            gap = half - abs(final - score)
            if (
                gap <= ceiling
                and gap
                and gap <= tolerance * (final + half if final > _ONE else _ONE)
            ):
                raise _NearTie
        # by the score as written: hashing a new Decimal costs several times as much as
        # its text, and "-0.00" and "0.00" stay apart
        written = str(score)
        result = done.get(written)
        if result is None:
            grade, coefficient = last[1], last[2]
            for least, g, c in grades:
                if score >= least:
                    grade, coefficient = g, c
                    break
            result = BatchScore(score, grade, coefficient, complete=True, vetoed=False)
            if len(done) < _SHARED:  # kept across calls by score_one: bounded
                done[written] = result
        return result

    return finish


@attrs.frozen
class _Single:
    """What :func:`score_one` needs of a role's scorecard, built once per policy and role."""

    compiled: CompiledScorecard
    finish: Callable[[Decimal], BatchScore]
    settings: dict[str, Any]  # _score_row's other arguments, by name


# by the policy's SHA-256 and the role; None for a policy the batch path does not take
_SINGLE: dict[tuple[str, str], _Single | None] = {}


def _single(policy: Policy, role: str) -> _Single | None:
    key = (policy.sha256, role)
    try:
        return _SINGLE[key]
    except KeyError:
        pass
    compiled = compile_scorecard(policy, role)
    single = None
    if compiled.plain and compiled.lines:
        places = Decimal(1).scaleb(-policy.score_places)
        mode = ROUNDING_MODES[policy.rounding]
        half = places / 2
        directed = policy.rounding in ("up", "down", "ceiling", "floor")
        single = _Single(
            compiled,
            _finisher(policy, places, mode, half, directed, policy.max_score),
            {
                "rank": policy.grade_rank,
                "lowest": policy.grades[-1].id,
                "places": places,
                "mode": mode,
                "half": half,
                "directed": directed,
                "max_deduction": policy.max_deduction,
                "max_score": policy.max_score,
            },
        )
    if len(_SINGLE) >= _FAST_SIZE:
        _SINGLE.pop(next(iter(_SINGLE)))  # the oldest
    _SINGLE[key] = single
    return single


def score_one(
    policy: Policy,
    role: str,
    row: Mapping[str, Any],
    incidents: Sequence[Incident],
    period: Period | None,
) -> BatchScore | None:
    """One appraisal's score, grade and coefficient by the batch path, for measurements
    and incidents the exact engine has already read without complaint; None wherever
    only the exact engine can answer (a near tie, a number that is not plain, a line the
    batch path does not read). What it returns equals the exact engine's answer."""
    single = _single(policy, role)
    if single is None:
        return None
    compiled = single.compiled
    try:
        with decimal.localcontext(_CONTEXT):
            fast = compiled.fast
            if fast is not None and not incidents:
                raw = fast(row)
                if raw is not None:
                    return single.finish(raw)
            return _score_row(
                compiled, compiled.lines, row, incidents, period=period, **single.settings
            )
    except _FALLBACK:
        return None


def _per_row(incidents: object, rows: int) -> list[Any]:
    """The incidents argument as one sequence per row: as many as there are rows."""
    per_row = _rows(incidents, "incidents")
    if len(per_row) != rows:
        lists = f"{len(per_row)} sequence{'' if len(per_row) == 1 else 's'} of incidents"
        raise InputError(
            f"there {'is' if len(per_row) == 1 else 'are'} {lists} for {rows} "
            f"row{'' if rows == 1 else 's'} of measurements",
            path="incidents",
            value=len(per_row),
            expected=f"one sequence of incidents per row ({rows}), empty for none",
        )
    return per_row


def _rows(values: object, name: str) -> list[Any]:
    """The rows of an iterable argument; a str, a mapping or a non-iterable is refused."""
    if isinstance(values, str | bytes | Mapping) or not isinstance(values, Iterable):
        raise InputError(
            f"{name} must be a sequence of rows, not {type(values).__name__}",
            path=name,
            value=type(values).__name__,
            expected="a list with one entry per appraisal",
        )
    return list(values)


def _exact(
    policy: Policy,
    role: str,
    row: Mapping[str, Any],
    incidents: Any,
    index: int,
    period: Period | None,
) -> BatchScore:
    try:
        a = appraise_exact(policy, role=role, measurements=row, incidents=incidents, period=period)
    except MedsalesError as exc:
        raise type(exc)(
            exc.message,
            path=f"rows[{index}].{exc.path}" if exc.path else f"rows[{index}]",
            value=exc.value,
            expected=exc.expected,
            problems=exc.problems,
        ) from None
    return BatchScore(a.score, a.grade, a.coefficient, a.complete, a.vetoed, exact=True)


def _score_row(
    compiled: CompiledScorecard,
    lines: tuple[_Line, ...],
    row: Mapping[str, Any],
    incidents: Any,
    rank: Mapping[str, int],
    lowest: str,
    places: Decimal,
    mode: str,
    half: Decimal,
    directed: bool,
    max_deduction: Decimal | None,
    max_score: Decimal | None,
    period: Period | None,
) -> BatchScore:
    policy = compiled.policy
    fast = compiled.fast
    raw = fast(row) if fast is not None else None
    if raw is None:
        raw = _raw(compiled, row)
        if raw is None:  # no line left to score
            vetoed = _conduct(policy, incidents, period)[2]
            return BatchScore(None, None, None, complete=False, vetoed=vetoed)
    if incidents:
        deductions, caps, vetoed = _conduct(policy, incidents, period)
    else:  # no incidents: nothing to deduct
        deductions, caps, vetoed = _ZERO, [], False
    if max_deduction is not None and deductions > max_deduction:
        deductions = max_deduction
    final = raw - deductions
    if final < 0:
        final = _ZERO
    if max_score is not None and final > max_score:
        final = max_score
    edge = (final / places).to_integral_value(decimal.ROUND_FLOOR) * places
    if not directed:
        edge += half
        if _near(final, edge) or _near(final, edge - places):
            raise _NearTie
    elif _near(final, edge) or _near(final, edge + places):
        raise _NearTie
    score = final.quantize(places, rounding=mode)
    grade = grade_for(policy, score).id
    if caps:
        worst = max(caps, key=lambda g: rank[g])
        if rank[worst] > rank[grade]:
            grade = worst
    if vetoed:
        grade = lowest
    return BatchScore(
        score, grade, policy.grades_by_id[grade].coefficient, complete=True, vetoed=vetoed
    )


def _raw(compiled: CompiledScorecard, row: Mapping[str, Any]) -> Decimal | None:
    """The general path: a row's raw score line by line (any measurement the exact engine
    takes, lines missing or not applicable), None when no line is left to score."""
    kept: list[bool] = []
    points: list[Decimal] = []
    every = True  # every line kept: the common case, its weights looked up once
    for kpi, missing, reads, exact_points in compiled.plan:
        m: Any = row.get(kpi)
        kind = type(m)
        if kind is Decimal:  # the caller's number, as it is
            actual, target = _number(m), None
        elif m is None:
            if missing == "error":
                raise _NearTie
            keep = missing == "zero"
            every = every and keep
            kept.append(keep)
            points.append(_ZERO)
            continue
        elif kind is dict or (kind not in _SCALARS and isinstance(m, Mapping)):
            if m.get("applicable", True) is False:
                every = False
                kept.append(False)
                points.append(_ZERO)
                continue
            if not m.keys() <= _MEASUREMENT_KEYS:
                raise _NearTie
            actual = _number(m["actual"])
            target = m.get("target")
            if target is not None:
                target = _number(target)
        else:
            actual, target = _number(m), None
        kept.append(True)
        if reads == _VALUE:  # the caller's exact number: compared as it is
            num, den = actual, _ONE
        else:
            if target is None or target <= 0:
                raise _NearTie  # the exact engine raises the located error
            den = target
            if reads == _HIGHER:
                num = actual
            else:
                num = den + den - actual if reads == _LOWER else den - abs(actual - den)
                if num < 0:
                    num = _ZERO
        points.append(exact_points(num, den))
    if not row.keys() <= compiled.kpi_ids:
        raise _NearTie  # an unknown KPI: the exact engine names it
    if not every and not any(kept):
        return None
    factors = compiled.every_weight if every else compiled.weights_for(tuple(kept))
    return sum(map(operator.mul, factors, points), _ZERO)


def _conduct(
    policy: Policy, incidents: Any, period: Period | None
) -> tuple[Decimal, list[str], bool]:
    deductions = _ZERO
    caps: list[str] = []
    vetoed = False
    for incident in incidents:
        if isinstance(incident, Incident):
            rule_id, severity, dated = incident.rule, incident.severity, incident.date
        else:
            rule_id, severity, dated = incident["rule"], incident["severity"], incident.get("date")
        if dated is not None:
            if type(dated) is not datetime.date:
                raise _NearTie  # a date as text: the exact engine reads and checks it
            if period is not None and dated not in period:
                continue
        rule = policy.rules_by_id[rule_id]
        consequence = rule.consequences.for_severity(severity)
        if consequence is None:
            continue
        deductions += consequence.deduct
        if consequence.grade_cap is not None:
            caps.append(consequence.grade_cap)
        vetoed = vetoed or consequence.veto
    return deductions, caps, vetoed
