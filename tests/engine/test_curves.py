"""SPEC §3: from a measurement to points — bases and the four curves, with their edges."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from builders import one_line
from medsales import InputError, appraise


def points(policy, actual, target=None):  # type: ignore[no-untyped-def]
    m = {"actual": actual} if target is None else {"actual": actual, "target": target}
    line = appraise(policy, role="rep", measurements={"sales": m}).lines[0]
    return line.x, line.points, [n.code for n in line.notes]


# --- bases -----------------------------------------------------------------------------

LINEAR = {"type": "linear"}


def test_attainment_higher_is_actual_over_target() -> None:
    x, p, _ = points(one_line(LINEAR, basis="attainment"), 1100, 1000)
    assert x == Fraction(11, 10)
    assert p == 110


def test_attainment_lower_is_two_minus_ratio() -> None:
    policy = one_line(LINEAR, basis="attainment", direction="lower")
    assert points(policy, 8, 10)[0] == Fraction(6, 5)
    assert points(policy, 12, 10)[0] == Fraction(4, 5)


def test_attainment_lower_is_floored_at_zero() -> None:
    x, p, notes = points(one_line(LINEAR, basis="attainment", direction="lower"), 25, 10)
    assert (x, p) == (0, 0)
    assert "attainment_floored" in notes


def test_attainment_target_is_one_minus_relative_distance() -> None:
    policy = one_line(LINEAR, basis="attainment", direction="target")
    assert points(policy, 90, 100)[0] == Fraction(9, 10)
    assert points(policy, 110, 100)[0] == Fraction(9, 10)
    assert points(policy, 100, 100)[0] == 1


def test_attainment_target_is_floored_at_zero() -> None:
    x, _, notes = points(one_line(LINEAR, basis="attainment", direction="target"), 350, 100)
    assert x == 0
    assert "attainment_floored" in notes


@pytest.mark.parametrize("target", [None, 0, -5])
def test_attainment_needs_a_positive_target(target: int | None) -> None:
    policy = one_line(LINEAR, basis="attainment")
    m = {"actual": 5} if target is None else {"actual": 5, "target": target}
    with pytest.raises(
        InputError,
        match=r"measurements\.sales\.target: basis \"attainment\" "
        r"needs a target > 0",
    ):
        appraise(policy, role="rep", measurements={"sales": m})


def test_value_basis_reads_the_actual_and_ignores_the_target() -> None:
    x, p, _ = points(one_line({"type": "linear", "multiplier": 1}), "72.5", 1000)
    assert x == Fraction(145, 2)
    assert p == Fraction(145, 2)


# --- linear ----------------------------------------------------------------------------


def test_linear_multiplier_defaults_to_100() -> None:
    assert points(one_line(LINEAR), "0.5")[1] == 50


def test_linear_custom_multiplier() -> None:
    assert points(one_line({"type": "linear", "multiplier": 80}), "0.5")[1] == 40


def test_linear_below_floor_is_zero() -> None:
    x, p, notes = points(one_line({"type": "linear", "floor": "0.6"}), "0.5999")
    assert x == Fraction(5999, 10000)
    assert p == 0
    assert notes == ["floor"]


def test_linear_exactly_at_floor_is_not_zeroed() -> None:
    _, p, notes = points(one_line({"type": "linear", "floor": "0.6"}), "0.6")
    assert p == 60
    assert notes == ["at_floor"]


def test_linear_is_limited_to_cap() -> None:
    _, p, notes = points(one_line({"type": "linear", "cap": "1.2"}), "1.5")
    assert p == 120
    assert notes == ["cap"]


def test_linear_exactly_at_cap_has_no_cap_note() -> None:
    _, p, notes = points(one_line({"type": "linear", "cap": "1.2"}), "1.2")
    assert p == 120
    assert notes == []


def test_linear_floor_equal_to_cap_is_allowed() -> None:
    policy = one_line({"type": "linear", "floor": 1, "cap": 1})
    assert points(policy, "0.99")[1] == 0
    assert points(policy, "1.5")[1] == 100


# --- steps -----------------------------------------------------------------------------

STEPS = {"type": "steps", "steps": [[0.8, 60], [1.0, 100], [1.2, 120]]}


@pytest.mark.parametrize(
    ("x", "expected"),
    [("0.79", 0), ("0.8", 60), ("0.99", 60), ("1.0", 100), ("1.19", 100), ("1.2", 120), ("3", 120)],
)
def test_steps_take_the_largest_threshold_at_or_below_x(x: str, expected: int) -> None:
    assert points(one_line(STEPS), x)[1] == expected


def test_steps_below_the_first_threshold_give_below() -> None:
    policy = one_line({**STEPS, "below": 10})
    _, p, notes = points(policy, "0.5")
    assert p == 10
    assert notes == ["steps_below"]


def test_steps_on_attainment_use_largest_threshold_for_lower_kpis_too() -> None:
    # on attainment x is already "higher is better", whatever the direction
    policy = one_line(STEPS, basis="attainment", direction="lower")
    assert points(policy, 9, 10)[1] == 100  # x = 1.1


LOWER_STEPS = {"type": "steps", "steps": [[2, 100], [5, 80], [10, 50]], "below": 0}


@pytest.mark.parametrize(
    ("days", "expected"),
    [("1", 100), ("2", 100), ("2.5", 80), ("5", 80), ("9.9", 50), ("10", 50), ("10.1", 0)],
)
def test_steps_for_lower_on_value_take_the_smallest_threshold_at_or_above_x(
    days: str, expected: int
) -> None:
    policy = one_line(LOWER_STEPS, kpi="days")
    line = appraise(policy, role="rep", measurements={"days": days}).lines[0]
    assert line.points == expected


# --- piecewise -------------------------------------------------------------------------

PIECEWISE = {"type": "piecewise", "points": [[60, 60], [90, 100], [100, 110]]}


def test_piecewise_interpolates_linearly_between_knots() -> None:
    _, p, notes = points(one_line(PIECEWISE), 85)
    assert p == Fraction(280, 3)  # 60 + 40 × 25/30
    assert notes == ["interpolated"]


@pytest.mark.parametrize(("x", "expected"), [(60, 60), (90, 100), (100, 110)])
def test_piecewise_at_a_knot_gives_its_points(x: int, expected: int) -> None:
    assert points(one_line(PIECEWISE), x)[1] == expected


def test_piecewise_above_the_last_knot_gives_its_points() -> None:
    _, p, notes = points(one_line(PIECEWISE), 130)
    assert p == 110
    assert notes == ["piecewise_above"]


def test_piecewise_below_the_first_knot_defaults_to_its_points() -> None:
    _, p, notes = points(one_line(PIECEWISE), 10)
    assert p == 60
    assert notes == ["piecewise_below"]


def test_piecewise_below_the_first_knot_gives_below() -> None:
    assert points(one_line({**PIECEWISE, "below": 0}), "59.99")[1] == 0


def test_piecewise_falling_points_for_lower_on_value() -> None:
    curve = {"type": "piecewise", "points": [[1, 100], [5, 60], [10, 0]]}
    policy = one_line(curve, kpi="days")
    line = appraise(policy, role="rep", measurements={"days": 3}).lines[0]
    assert line.points == 80


# --- scale -----------------------------------------------------------------------------

SCALE = {"type": "scale", "min": 1, "max": 5}


@pytest.mark.parametrize(("rating", "expected"), [(1, 0), (5, 100), ("4.2", 80), (3, 50)])
def test_scale_maps_the_rating_linearly_to_0_100(rating: object, expected: int) -> None:
    assert points(one_line(SCALE), rating)[1] == expected


@pytest.mark.parametrize("rating", ["0.99", "5.01", -1])
def test_scale_rating_outside_is_bad_input(rating: object) -> None:
    with pytest.raises(
        InputError,
        match=r"measurements\.sales\.actual: rating .* is outside "
        r"the scale 1–5",
    ):
        points(one_line(SCALE), rating)


def test_points_are_exact_rationals_not_rounded_decimals() -> None:
    _, p, _ = points(one_line({"type": "scale", "min": 0, "max": 3}), 1)
    assert p == Fraction(100, 3)
    assert p != Decimal("33.3333333333")
