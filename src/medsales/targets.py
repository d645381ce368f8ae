"""Targets: exact splits of an amount, and the decompositions built on them (SPEC §7).

:func:`split` divides a total into parts that are multiples of a unit and add up to the
total exactly, by Hamilton's largest-remainder method. :func:`seasonal_targets` spreads a
target over the quarters or months of a period by seasonality weights, and
:func:`team_targets` over the members of a team by weights such as territory potential.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Final, TypeVar, overload

from medsales.errors import InputError, TargetError, shown
from medsales.numbers import Number, to_decimal
from medsales.periods import Period, PeriodKind

__all__ = ["DEFAULT_UNIT", "seasonal_targets", "split", "team_targets"]

DEFAULT_UNIT: Final = Decimal("0.01")
"""The default unit of a split: one cent (分) of a currency."""

K = TypeVar("K", bound=Hashable)


def _number(value: object, path: str) -> Decimal:
    """``to_decimal``, raising :class:`TargetError` so that a split raises one error type."""
    try:
        return to_decimal(value, path=path)
    except InputError as exc:
        raise TargetError(exc.message, path=path, value=value, expected=exc.expected) from exc


def _with_exponent(units: int, unit: Decimal) -> Decimal:
    """``units × unit`` exactly, written with ``unit``'s exponent (0.01 → ``"12.50"``)."""
    _sign, digits, exponent = unit.as_tuple()
    assert isinstance(exponent, int)  # unit is finite
    coefficient = int("".join(map(str, digits)))
    return Decimal((0, tuple(int(d) for d in str(units * coefficient)), exponent))


def _split(
    total: object,
    weights: Sequence[tuple[str, object]],
    unit: object,
    name: str,
) -> list[Decimal]:
    """Split ``total`` by ``(path, weight)`` pairs; ``name`` is the weights' argument name."""
    unit_d = _number(unit, "unit")
    if unit_d <= 0:
        raise TargetError(
            f"unit {unit_d} is not positive",
            path="unit",
            value=unit,
            expected="a unit > 0, such as 0.01 or 1",
        )
    total_d = _number(total, "total")
    if total_d < 0:
        raise TargetError(
            f"total {total_d} is negative",
            path="total",
            value=total,
            expected="a total ≥ 0",
        )
    in_units = Fraction(total_d) / Fraction(unit_d)
    if in_units.denominator != 1:
        raise TargetError(
            f"total {total_d} is not a multiple of unit {unit_d}",
            path="total",
            value=total,
            expected=f"a multiple of {unit_d}",
        )
    if not weights:
        raise TargetError(
            f"{name} is empty",
            path=name,
            value=[],
            expected="at least one weight",
        )
    exact: list[Fraction] = []
    for path, weight in weights:
        weight_d = _number(weight, path)
        if weight_d < 0:
            raise TargetError(
                f"weight {weight_d} is negative",
                path=path,
                value=weight,
                expected="a weight ≥ 0",
            )
        exact.append(Fraction(weight_d))
    weight_total = sum(exact, Fraction(0))
    if weight_total == 0:
        raise TargetError(
            f"the {len(exact)} weights are all zero",
            path=name,
            value=[w for _, w in weights],
            expected="at least one weight > 0",
        )
    shares = [in_units.numerator * w / weight_total for w in exact]
    floors = [s.numerator // s.denominator for s in shares]
    leftover = in_units.numerator - sum(floors)
    # Largest remainder first; equal remainders go to the earlier part.
    order = sorted(range(len(shares)), key=lambda i: (floors[i] - shares[i], i))
    for i in order[:leftover]:
        floors[i] += 1
    return [_with_exponent(units, unit_d) for units in floors]


def _weight_list(weights: object, name: str) -> Sequence[tuple[str, object]]:
    if isinstance(weights, str | bytes) or not isinstance(weights, Sequence):
        raise TargetError(
            f"{shown(weights)} is not a list of weights",
            path=name,
            value=weights,
            expected="a sequence of numbers or a mapping of names to numbers",
        )
    return [(f"{name}[{i}]", w) for i, w in enumerate(weights)]


def _weight_items(weights: Mapping[K, object], name: str) -> list[tuple[str, object]]:
    return [(f"{name}[{key!r}]", w) for key, w in weights.items()]


@overload
def split(total: Number, weights: Mapping[K, Number], unit: Number = ...) -> dict[K, Decimal]: ...


@overload
def split(total: Number, weights: Sequence[Number], unit: Number = ...) -> tuple[Decimal, ...]: ...


def split(
    total: Number,
    weights: Mapping[K, Number] | Sequence[Number],
    unit: Number = DEFAULT_UNIT,
) -> dict[K, Decimal] | tuple[Decimal, ...]:
    """Divide ``total`` by ``weights`` into multiples of ``unit`` that sum to it exactly.

    Hamilton's method: each exact share total·wᵢ/Σw is floored to a multiple of ``unit``
    and the units left over go one each to the largest remainders, ties to the earlier
    part. Each part is within one unit of its exact share and is written with ``unit``'s
    exponent. ``weights`` is a sequence (→ a tuple) or a mapping (→ a dict, same keys in
    the same order). A negative total, one that is not a multiple of ``unit``, a unit
    ≤ 0, no weights, a negative weight or all-zero weights raise :class:`TargetError`.

    >>> split(100, [1, 1, 1])
    (Decimal('33.34'), Decimal('33.33'), Decimal('33.33'))
    >>> split(10, {"north": 2, "south": 1}, unit=1)
    {'north': Decimal('7'), 'south': Decimal('3')}
    """
    if isinstance(weights, Mapping):
        keys = list(weights)
        parts = _split(total, _weight_items(weights, "weights"), unit, "weights")
        return dict(zip(keys, parts, strict=True))
    return tuple(_split(total, _weight_list(weights, "weights"), unit, "weights"))


def seasonal_targets(
    total: Number,
    period: Period | str,
    weights: Sequence[Number] | Mapping[str, Number],
    *,
    kind: PeriodKind = "quarter",
    unit: Number = DEFAULT_UNIT,
) -> dict[str, Decimal]:
    """Spread a target for ``period`` over its sub-periods of ``kind`` by seasonality weights.

    ``weights`` has one number per sub-period, in order, or maps every sub-period's label
    to its weight. The result maps each label to its part, in order; the parts sum to
    ``total`` exactly (:func:`split`; ties go to the earlier sub-period). A label string
    is read in the calendar; pass a :class:`~medsales.periods.Period` for a fiscal year.

    >>> seasonal_targets(1000, "2026", [1, 1, 1, 1], unit=1)
    {'2026-Q1': Decimal('250'), '2026-Q2': Decimal('250'), '2026-Q3': Decimal('250'), '2026-Q4': Decimal('250')}
    """  # noqa: E501
    if isinstance(period, str):
        period = Period.parse(period)
    elif not isinstance(period, Period):
        raise TargetError(
            f"{shown(period)} is not a period",
            path="period",
            value=period,
            expected="a Period or a period label such as 2026",
        )
    labels = [p.label for p in period.subperiods(kind)]
    expected = f"{len(labels)} weights, one for each of {', '.join(labels)}"
    pairs: list[tuple[str, object]]
    if isinstance(weights, Mapping):
        unknown = [key for key in weights if key not in labels]
        if unknown:
            raise TargetError(
                f"{unknown[0]!r} is not a {kind} of {period.label}",
                path=f"weights[{unknown[0]!r}]",
                value=unknown[0],
                expected=f"one of {', '.join(labels)}",
            )
        missing = [label for label in labels if label not in weights]
        if missing:
            raise TargetError(
                f"there is no weight for {', '.join(missing)}",
                path="weights",
                value=dict(weights),
                expected=expected,
            )
        pairs = [(f"weights[{label!r}]", weights[label]) for label in labels]
    else:
        pairs = list(_weight_list(weights, "weights"))
        if len(pairs) != len(labels):
            raise TargetError(
                f"there are {len(pairs)} weights for the {len(labels)} {kind}s of {period.label}",
                path="weights",
                value=list(weights),
                expected=expected,
            )
    return dict(zip(labels, _split(total, pairs, unit, "weights"), strict=True))


def team_targets(
    total: Number,
    members: Mapping[str, Number],
    *,
    unit: Number = DEFAULT_UNIT,
) -> dict[str, Decimal]:
    """Divide a team target among its members by weights such as territory potential.

    The result maps each member to their part, in the mapping's order; the parts sum to
    ``total`` exactly (:func:`split`; ties go to the member listed first).

    >>> team_targets(1000, {"wang": 3, "li": 2, "zhang": 2}, unit=1)
    {'wang': Decimal('428'), 'li': Decimal('286'), 'zhang': Decimal('286')}
    """
    if not isinstance(members, Mapping):
        raise TargetError(
            f"{shown(members)} is not a mapping of members to weights",
            path="members",
            value=members,
            expected="a mapping such as {'wang': 3, 'li': 2}",
        )
    parts = _split(total, _weight_items(members, "members"), unit, "members")
    return dict(zip(members, parts, strict=True))
