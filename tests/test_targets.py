"""Exact target splits and the decompositions built on them (SPEC §7)."""

from __future__ import annotations

import decimal
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medsales.errors import PeriodError, TargetError
from medsales.periods import Period
from medsales.targets import DEFAULT_UNIT, seasonal_targets, split, team_targets

# --- split -------------------------------------------------------------------------------


def test_split_example_850000_by_115_92_81_112() -> None:
    assert split(850000, [115, 92, 81, 112], unit=1) == (
        Decimal("244375"),
        Decimal("195500"),
        Decimal("172125"),
        Decimal("238000"),
    )


def test_split_default_unit_is_one_cent() -> None:
    parts = split(850000, [115, 92, 81, 112])
    assert str(DEFAULT_UNIT) == "0.01"
    assert [str(p) for p in parts] == ["244375.00", "195500.00", "172125.00", "238000.00"]


def test_split_parts_are_written_with_the_units_exponent() -> None:
    assert [str(p) for p in split(1, [1, 1, 1], unit="0.010")] == ["0.340", "0.330", "0.330"]
    assert [str(p) for p in split(30, [1, 2], unit=Decimal("1E+1"))] == ["1E+1", "2E+1"]
    assert [str(p) for p in split("0.10", [1, 1], unit="0.05")] == ["0.05", "0.05"]
    assert split(0, [1, 2]) == (Decimal("0.00"), Decimal("0.00"))


def test_split_floors_then_gives_leftover_units_to_the_largest_remainders() -> None:
    # Exact shares 42.857…, 28.571…, 28.571…: floors 42, 28, 28 leave 2 units; the first
    # goes to the largest remainder (0.857), the second to the earlier of two equal ones.
    assert split(100, [3, 2, 2], unit=1) == (Decimal(43), Decimal(29), Decimal(28))
    # Shares 1.6, 1.4: the larger remainder (0.6) gets the one leftover unit.
    assert split(3, [8, 7], unit=1) == (Decimal(2), Decimal(1))
    assert split(3, [7, 8], unit=1) == (Decimal(1), Decimal(2))


def test_split_ties_go_to_the_earlier_part() -> None:
    assert split(1, [1, 1, 1], unit=1) == (Decimal(1), Decimal(0), Decimal(0))
    assert split(2, [1, 1, 1], unit=1) == (Decimal(1), Decimal(1), Decimal(0))
    assert split(100, [1, 1, 1]) == (Decimal("33.34"), Decimal("33.33"), Decimal("33.33"))


def test_split_a_zero_weight_gets_nothing() -> None:
    assert split(5, [0, 1, 0, 1], unit=1) == (Decimal(0), Decimal(3), Decimal(0), Decimal(2))


def test_split_accepts_any_numbers() -> None:
    assert split("10.00", [0.1, "0.2", Decimal("0.7")]) == (
        Decimal("1.00"),
        Decimal("2.00"),
        Decimal("7.00"),
    )
    assert split(10, (1, 1), unit=1) == (Decimal(5), Decimal(5))


def test_split_by_a_mapping_returns_a_dict_in_the_same_order() -> None:
    parts = split(10, {"south": 1, "north": 2}, unit=1)
    assert parts == {"south": Decimal(3), "north": Decimal(7)}
    assert list(parts) == ["south", "north"]
    assert split(1, {"b": 1, "a": 1}, unit=1) == {"b": Decimal(1), "a": Decimal(0)}


def test_split_total_must_not_be_negative() -> None:
    with pytest.raises(
        TargetError, match=r"^total: total -1 is negative \(expected a total ≥ 0\)$"
    ):
        split(-1, [1])


def test_split_total_must_be_a_multiple_of_the_unit() -> None:
    with pytest.raises(
        TargetError,
        match=r"^total: total 100.005 is not a multiple of unit 0.01 "
        r"\(expected a multiple of 0.01\)$",
    ):
        split("100.005", [1, 1])
    with pytest.raises(TargetError, match=r"^total: total 7 is not a multiple of unit 5"):
        split(7, [1, 1], unit=5)


@pytest.mark.parametrize("unit", [0, -1, "-0.01"])
def test_split_unit_must_be_positive(unit: object) -> None:
    with pytest.raises(TargetError, match=r"^unit: unit .* is not positive \(expected a unit > 0"):
        split(10, [1], unit=unit)  # type: ignore[call-overload]


def test_split_weights_must_not_be_empty() -> None:
    with pytest.raises(TargetError, match=r"^weights: weights is empty"):
        split(10, [])
    with pytest.raises(TargetError, match=r"^weights: weights is empty"):
        split(10, {})


def test_split_weights_must_not_be_negative() -> None:
    with pytest.raises(
        TargetError, match=r"^weights\[2\]: weight -1 is negative \(expected a weight ≥ 0\)$"
    ):
        split(10, [1, 2, -1])
    with pytest.raises(TargetError, match=r"^weights\['west'\]: weight -0.5 is negative"):
        split(10, {"east": 1, "west": "-0.5"})


def test_split_weights_must_not_all_be_zero() -> None:
    with pytest.raises(
        TargetError,
        match=r"^weights: the 3 weights are all zero \(expected at least one weight > 0\)$",
    ):
        split(10, [0, 0, "0.00"])
    with pytest.raises(TargetError, match=r"all zero"):
        split(0, [0])


def test_split_non_numbers_are_target_errors_naming_the_argument() -> None:
    with pytest.raises(TargetError, match=r"^weights\[1\]: 'x' is not a number"):
        split(10, [1, "x"])
    with pytest.raises(TargetError, match=r"^weights\[1\]: nan is not a finite number"):
        split(10, [1, float("nan")])
    with pytest.raises(TargetError, match=r"^total: None is not a number"):
        split(None, [1])  # type: ignore[call-overload]
    with pytest.raises(TargetError, match=r"^unit: 'cent' is not a number"):
        split(10, [1], unit="cent")
    with pytest.raises(TargetError, match=r"^weights\[0\]: True is not a number"):
        split(10, [True])


@pytest.mark.parametrize("weights", ["112", b"12", 5, None])
def test_split_weights_must_be_a_sequence_or_a_mapping(weights: object) -> None:
    with pytest.raises(TargetError, match=r"^weights: .* is not a list of weights \(expected a"):
        split(10, weights)  # type: ignore[call-overload]


# --- seasonal targets ------------------------------------------------------------------


def test_seasonal_targets_split_a_year_into_quarters_by_weights() -> None:
    assert seasonal_targets(1_000_000, "2026", [20, 25, 25, 30]) == {
        "2026-Q1": Decimal("200000.00"),
        "2026-Q2": Decimal("250000.00"),
        "2026-Q3": Decimal("250000.00"),
        "2026-Q4": Decimal("300000.00"),
    }


def test_seasonal_targets_into_months() -> None:
    parts = seasonal_targets(1200, "2026-Q3", [1, 1, 2], kind="month", unit=1)
    assert parts == {"2026-07": Decimal(300), "2026-08": Decimal(300), "2026-09": Decimal(600)}
    year = seasonal_targets(100, "2026", [1] * 12, kind="month", unit=1)
    assert list(year.values()) == [Decimal(9)] * 4 + [Decimal(8)] * 8


def test_seasonal_targets_of_a_fiscal_year_use_fiscal_quarters() -> None:
    parts = seasonal_targets(850000, Period.parse("FY2026", 4), [115, 92, 81, 112], unit=1)
    assert parts == {
        "FY2026-Q1": Decimal(244375),
        "FY2026-Q2": Decimal(195500),
        "FY2026-Q3": Decimal(172125),
        "FY2026-Q4": Decimal(238000),
    }


def test_seasonal_targets_by_label_mapping_follow_the_period_order() -> None:
    parts = seasonal_targets(3, "2026", {"2026-H2": 1, "2026-H1": 1}, kind="half", unit=1)
    assert list(parts.items()) == [("2026-H1", Decimal(2)), ("2026-H2", Decimal(1))]


def test_seasonal_targets_need_one_weight_per_sub_period() -> None:
    with pytest.raises(
        TargetError,
        match=r"^weights: there are 3 weights for the 4 quarters of 2026 "
        r"\(expected 4 weights, one for each of 2026-Q1, 2026-Q2, 2026-Q3, 2026-Q4\)$",
    ):
        seasonal_targets(100, "2026", [1, 2, 3])
    with pytest.raises(
        TargetError, match=r"^weights: there is no weight for 2026-Q3, 2026-Q4 \(expected 4"
    ):
        seasonal_targets(100, "2026", {"2026-Q1": 1, "2026-Q2": 1})
    with pytest.raises(
        TargetError,
        match=r"^weights\['2027-Q1'\]: '2027-Q1' is not a quarter of 2026 "
        r"\(expected one of 2026-Q1, 2026-Q2, 2026-Q3, 2026-Q4\)$",
    ):
        seasonal_targets(100, "2026", {"2026-Q1": 1, "2027-Q1": 1})


def test_seasonal_targets_check_weights_like_split() -> None:
    with pytest.raises(TargetError, match=r"^weights\['2026-H2'\]: weight -1 is negative"):
        seasonal_targets(100, "2026", {"2026-H1": 1, "2026-H2": -1}, kind="half")
    with pytest.raises(TargetError, match=r"^weights\[0\]: weight -1 is negative"):
        seasonal_targets(100, "2026", [-1, 1], kind="half")
    with pytest.raises(TargetError, match=r"^weights: .* is not a list of weights"):
        seasonal_targets(100, "2026", "1111")


def test_seasonal_targets_check_the_period() -> None:
    with pytest.raises(TargetError, match=r"^period: 2026 is not a period \(expected a Period"):
        seasonal_targets(100, 2026, [1])  # type: ignore[arg-type]
    with pytest.raises(PeriodError, match=r'^"2026-Q5" is not a period label'):
        seasonal_targets(100, "2026-Q5", [1])
    with pytest.raises(PeriodError, match=r"^kind: a quarter \(2026-Q3\) has no year sub-periods"):
        seasonal_targets(100, "2026-Q3", [1], kind="year")


# --- team targets ----------------------------------------------------------------------


def test_team_targets_divide_by_member_weights() -> None:
    assert team_targets(1000, {"wang": 3, "li": 2, "zhang": 2}, unit=1) == {
        "wang": Decimal(428),
        "li": Decimal(286),
        "zhang": Decimal(286),
    }
    assert team_targets("0.03", {"a": 1, "b": 1}) == {"a": Decimal("0.02"), "b": Decimal("0.01")}


def test_team_targets_name_the_member_in_errors() -> None:
    with pytest.raises(TargetError, match=r"^members\['li'\]: weight -2 is negative"):
        team_targets(1000, {"wang": 3, "li": -2})
    with pytest.raises(TargetError, match=r"^members: members is empty"):
        team_targets(1000, {})
    with pytest.raises(TargetError, match=r"^members: the 2 weights are all zero"):
        team_targets(1000, {"wang": 0, "li": 0})
    with pytest.raises(
        TargetError, match=r"^members: \[3, 2\] is not a mapping of members to weights"
    ):
        team_targets(1000, [3, 2])  # type: ignore[arg-type]


# --- properties --------------------------------------------------------------------------

units = st.sampled_from(["0.01", "1", "0.05", "10", "0.001", "1E+2"]).map(Decimal)
weight_lists = st.lists(
    st.decimals(min_value=0, max_value=10**6, places=2), min_size=1, max_size=12
).filter(lambda ws: any(w > 0 for w in ws))


@given(st.integers(min_value=0, max_value=10**15), weight_lists, units)
def test_property_split_is_exact(count: int, weights: list[Decimal], unit: Decimal) -> None:
    total = Decimal(count) * unit
    parts = split(total, weights, unit=unit)
    assert len(parts) == len(weights)
    assert sum(Fraction(p) for p in parts) == Fraction(total)
    exponent = unit.as_tuple().exponent
    weight_total = sum(Fraction(w) for w in weights)
    for part, weight in zip(parts, weights, strict=True):
        assert (Fraction(part) / Fraction(unit)).denominator == 1
        assert part.as_tuple().exponent == exponent
        share = Fraction(total) * Fraction(weight) / weight_total
        assert abs(Fraction(part) - share) < Fraction(unit)
        assert part >= 0


@given(st.integers(min_value=0, max_value=10**6), weight_lists)
def test_property_equal_weights_favour_the_earlier_part(count: int, weights: list[Decimal]) -> None:
    parts = split(count, weights, unit=1)
    for i in range(len(weights)):
        for j in range(i + 1, len(weights)):
            if weights[i] == weights[j]:
                assert parts[i] - parts[j] in (0, 1)
            elif weights[i] > weights[j]:
                assert parts[i] >= parts[j]


@given(st.integers(min_value=0, max_value=10**6), weight_lists)
def test_property_mapping_and_sequence_agree(count: int, weights: list[Decimal]) -> None:
    by_name = split(count, {f"m{i}": w for i, w in enumerate(weights)})
    assert tuple(by_name.values()) == split(count, weights)


@given(st.integers(min_value=1, max_value=10**6), weight_lists)
def test_property_scaling_the_weights_changes_nothing(count: int, weights: list[Decimal]) -> None:
    assert split(count, [w * 3 for w in weights]) == split(count, weights)


def test_split_ignores_the_callers_decimal_context() -> None:
    expected = split("123456789012345678901234567890.12", [1, 1, 1])
    with decimal.localcontext(decimal.Context(prec=3, rounding=decimal.ROUND_DOWN)):
        assert split("123456789012345678901234567890.12", [1, 1, 1]) == expected
    assert sum(Fraction(p) for p in expected) == Fraction("123456789012345678901234567890.12")
