"""Exact numbers (SPEC §1): conversion, the one rounding at the end, values for reading."""

from __future__ import annotations

import decimal
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import medsales
from medsales.errors import InputError, MedsalesError
from medsales.numbers import (
    DISPLAY_PLACES,
    ROUNDING_MODES,
    decimal_string,
    display,
    engine_context,
    number_text,
    quantize,
    to_decimal,
    to_fraction,
)

MODES = tuple(ROUNDING_MODES)

# --- to_decimal -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, Decimal(0)),
        (7, Decimal(7)),
        (-12, Decimal(-12)),
        (10**30, Decimal(10**30)),
        ("12.50", Decimal("12.50")),
        (" 12.50 ", Decimal("12.50")),
        ("-0.001", Decimal("-0.001")),
        ("1e3", Decimal(1000)),
        (Decimal("3.14159"), Decimal("3.14159")),
    ],
)
def test_to_decimal_takes_ints_strings_and_decimals_as_written(
    value: object, expected: Decimal
) -> None:
    result = to_decimal(value)
    assert isinstance(result, Decimal)
    assert result == expected


def test_to_decimal_keeps_the_digits_of_a_string() -> None:
    assert str(to_decimal("12.50")) == "12.50"
    assert to_decimal("12.50").as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.1, "0.1"),
        (0.3, "0.3"),
        (1.1, "1.1"),
        (62.125, "62.125"),
        (1e-7, "1E-7"),
        (-2.5, "-2.5"),
        (1e16, "1E+16"),
        (7.43, "7.43"),
    ],
)
def test_a_float_goes_through_its_shortest_repr(value: float, expected: str) -> None:
    result = to_decimal(value)
    assert result == Decimal(expected)
    assert str(result) == expected


def test_a_float_is_not_converted_through_its_binary_expansion() -> None:
    assert Decimal(0.1) != Decimal("0.1")  # noqa: RUF032 - what Decimal(float) would give
    assert to_decimal(0.1) == Decimal("0.1")


def test_float_point_one_is_exactly_one_tenth() -> None:
    assert to_decimal(0.1) == Decimal("0.1")
    assert to_decimal(0.1) + to_decimal(0.2) == Decimal("0.3")


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_every_finite_float_converts_to_its_repr(value: float) -> None:
    result = to_decimal(value)
    assert result == Decimal(repr(value))
    assert float(result) == value


@pytest.mark.parametrize("value", [True, False])
def test_booleans_are_not_numbers(value: bool) -> None:
    with pytest.raises(InputError, match="is not a number") as info:
        to_decimal(value, path="kpis[0].weight")
    assert info.value.path == "kpis[0].weight"
    assert info.value.value is value


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (float("nan"), "a finite number"),
        (float("inf"), "a finite number"),
        (float("-inf"), "a finite number"),
        ("nan", "a finite number"),
        ("NaN", "a finite number"),
        ("sNaN", "a finite number"),
        ("Infinity", "a finite number"),
        ("-inf", "a finite number"),
        (Decimal("NaN"), "a finite number"),
        (Decimal("-Infinity"), "a finite number"),
        ("abc", "a number"),
        ("", "a number"),
        ("   ", "a number"),
        ("1,5", "a number"),
        ("0x10", "a number"),
        (None, "a number"),
        ([], "a number"),
        ([1], "a number"),
        ({}, "a number"),
        (Fraction(1, 3), "a number"),
        (1 + 2j, "a number"),
    ],
)
def test_what_is_not_a_finite_number_is_refused_naming_its_path(
    value: object, expected: str
) -> None:
    with pytest.raises(InputError) as info:
        to_decimal(value, path="measurements.sales_revenue.actual")
    error = info.value
    assert isinstance(error, MedsalesError)
    assert isinstance(error, ValueError)
    assert error.path == "measurements.sales_revenue.actual"
    assert error.expected == expected
    assert str(error).startswith("measurements.sales_revenue.actual: ")
    assert repr(value) in str(error)
    assert f"is not {expected}" in error.message


def test_the_default_path_is_value() -> None:
    with pytest.raises(InputError) as info:
        to_decimal("abc")
    assert info.value.path == "value"
    assert str(info.value).startswith("value: 'abc' is not a number")


def test_to_decimal_ignores_the_callers_decimal_context() -> None:
    with decimal.localcontext() as ctx:
        ctx.prec = 3
        ctx.traps[decimal.Inexact] = True
        assert to_decimal("123456.789") == Decimal("123456.789")
        assert to_decimal(0.123456789) == Decimal("0.123456789")


def test_to_fraction_is_exact() -> None:
    assert to_fraction(Decimal("0.1")) == Fraction(1, 10)
    assert to_fraction(Decimal("62.125")) == Fraction(497, 8)
    assert to_fraction(3) == Fraction(3)


# --- quantize ---------------------------------------------------------------------------

# (value, places) → expected in each mode: ties (.5) and non-ties, positive and negative
QUANTIZE_CASES = [
    # value,   places, half_up, half_even, half_down, up,     down,   ceiling, floor
    ("2.5", 0, "3", "2", "2", "3", "2", "3", "2"),
    ("3.5", 0, "4", "4", "3", "4", "3", "4", "3"),
    ("-2.5", 0, "-3", "-2", "-2", "-3", "-2", "-2", "-3"),
    ("-3.5", 0, "-4", "-4", "-3", "-4", "-3", "-3", "-4"),
    ("62.125", 2, "62.13", "62.12", "62.12", "62.13", "62.12", "62.13", "62.12"),
    ("62.135", 2, "62.14", "62.14", "62.13", "62.14", "62.13", "62.14", "62.13"),
    ("-62.125", 2, "-62.13", "-62.12", "-62.12", "-62.13", "-62.12", "-62.12", "-62.13"),
    ("84.995", 2, "85.00", "85.00", "84.99", "85.00", "84.99", "85.00", "84.99"),
    ("2.4", 0, "2", "2", "2", "3", "2", "3", "2"),
    ("2.6", 0, "3", "3", "3", "3", "2", "3", "2"),
    ("-2.4", 0, "-2", "-2", "-2", "-3", "-2", "-2", "-3"),
    ("-2.6", 0, "-3", "-3", "-3", "-3", "-2", "-2", "-3"),
    ("0.0001", 2, "0.00", "0.00", "0.00", "0.01", "0.00", "0.01", "0.00"),
    ("-0.0001", 2, "0.00", "0.00", "0.00", "-0.01", "0.00", "0.00", "-0.01"),
    ("100", 2, "100.00", "100.00", "100.00", "100.00", "100.00", "100.00", "100.00"),
    ("12.3456", 4, "12.3456", "12.3456", "12.3456", "12.3456", "12.3456", "12.3456", "12.3456"),
]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("case", QUANTIZE_CASES, ids=lambda c: f"{c[0]}@{c[1]}")
def test_quantize_in_every_mode(case: tuple[str, ...], mode: str) -> None:
    value, places, *expected = case
    result = quantize(Fraction(Decimal(value)), int(places), mode)
    want = Decimal(expected[MODES.index(mode)])
    assert result == want
    assert result.as_tuple().exponent == -int(places)
    assert str(abs(result)) == str(abs(want))  # exactly `places` decimals, e.g. "85.00"


def test_rounding_mode_order_matches_spec_names() -> None:
    assert MODES == ("half_up", "half_even", "half_down", "up", "down", "ceiling", "floor")


@given(
    st.decimals(
        min_value=-(10**6), max_value=10**6, places=6, allow_nan=False, allow_infinity=False
    ),
    st.integers(0, 5),
    st.sampled_from(MODES),
)
@example(Decimal("62.125"), 2, "half_up")
@example(Decimal("-0.5"), 0, "half_even")
@example(Decimal("-0.005"), 2, "half_up")
def test_quantize_agrees_with_decimal_on_exactly_representable_values(
    value: Decimal, places: int, mode: str
) -> None:
    with decimal.localcontext() as ctx:
        ctx.prec = 50
        expected = value.quantize(Decimal(1).scaleb(-places), rounding=ROUNDING_MODES[mode])
    result = quantize(Fraction(value), places, mode)
    assert result == expected
    assert result.as_tuple().exponent == -places


@given(
    st.fractions(min_value=-1000, max_value=1000, max_denominator=10**6),
    st.integers(0, 4),
    st.sampled_from(MODES),
)
def test_quantize_is_within_one_unit_and_on_the_right_side(
    value: Fraction, places: int, mode: str
) -> None:
    result = Fraction(quantize(value, places, mode))
    unit = Fraction(1, 10**places)
    assert abs(result - value) < unit
    if mode == "floor":
        assert result <= value
    elif mode == "ceiling":
        assert result >= value
    elif mode == "down":
        assert abs(result) <= abs(value)
    elif mode == "up":
        assert abs(result) >= abs(value)
    else:
        assert abs(result - value) <= unit / 2


def test_quantize_refuses_an_unknown_mode() -> None:
    with pytest.raises(InputError, match="unknown rounding mode 'bankers'") as info:
        quantize(Fraction(1, 2), 0, "bankers")
    assert info.value.path == "rounding"
    assert info.value.expected is not None
    assert "half_up" in info.value.expected


def test_quantize_is_exact_beyond_28_digits() -> None:
    # The default decimal context holds 28 digits; the result must not be rounded to it.
    big = Fraction(10**30 + 1)
    assert quantize(big, 0, "half_up") == Decimal(10**30 + 1)
    assert quantize(big + Fraction(1, 2), 0, "down") == Decimal(10**30 + 1)


def test_quantize_ignores_the_callers_decimal_context() -> None:
    expected = quantize(Fraction(1234567891, 1000), 2, "half_up")
    assert expected == Decimal("1234567.89")
    with decimal.localcontext() as ctx:
        ctx.prec = 4
        assert quantize(Fraction(1234567891, 1000), 2, "half_up") == expected


# --- SPEC §1's example: the exact value, rounded once -------------------------------------


def _spec_example_points() -> tuple[list[Fraction], list[Decimal]]:
    """Scale 1–10, weights 19/61/20, third missing, ratings 7.43 and 6.33 (SPEC §1)."""
    ratings = [Decimal("7.43"), Decimal("6.33")]
    weights = [Decimal(19), Decimal(61)]  # the third line (20) is missing: redistributed
    return [Fraction(r - 1) / 9 * 100 for r in ratings], weights


def test_spec_example_exact_value_is_62_125_and_rounds_half_up_to_62_13() -> None:
    points, weights = _spec_example_points()
    total = sum(Fraction(w) for w in weights)
    exact = sum(Fraction(w) / total * p for w, p in zip(weights, points, strict=True))
    assert exact == Fraction(62125, 1000)
    assert quantize(exact, 2, "half_up") == Decimal("62.13")


def test_spec_example_28_digit_decimal_would_round_to_62_12() -> None:
    with decimal.localcontext() as ctx:
        ctx.prec = 28
        ratings = [Decimal("7.43"), Decimal("6.33")]
        points = [(r - 1) / (Decimal(10) - 1) * 100 for r in ratings]
        w1 = Decimal(19) / Decimal(80) * 100
        w2 = Decimal(61) / Decimal(80) * 100
        approx = w1 * points[0] / 100 + w2 * points[1] / 100
        assert approx == Decimal("62.12499999999999999999999999")
        assert approx.quantize(Decimal("0.01"), rounding=decimal.ROUND_HALF_UP) == Decimal("62.12")
    # the exact route, from the same inputs, rounds the other way
    assert quantize(Fraction(62125, 1000), 2, "half_up") == Decimal("62.13")


def test_spec_example_through_appraise_scores_62_13() -> None:
    line = {"basis": "value", "curve": {"type": "scale", "min": 1, "max": 10}}
    policy = medsales.load_policy(
        {
            "id": "spec-1",
            "version": "1",
            "name": {"en": "SPEC §1"},
            "department": {"id": "d", "name": {"en": "D"}},
            "roles": [{"id": "rep", "name": {"en": "Rep"}}],
            "kpis": [{"id": k, "name": {"en": k}, "unit": "rating"} for k in ("a", "b", "c")],
            "grades": [{"id": "A", "min": 0}],
            "scorecards": [
                {
                    "role": "rep",
                    "lines": [
                        {"kpi": "a", "weight": 19, **line},
                        {"kpi": "b", "weight": 61, **line},
                        {"kpi": "c", "weight": 20, **line},
                    ],
                }
            ],
        }
    )
    result = medsales.appraise(policy, role="rep", measurements={"a": "7.43", "b": "6.33"})
    assert result.exact_score == Fraction(62125, 1000)
    assert result.score == Decimal("62.13")
    assert result.to_dict()["score"] == "62.13"


# --- display and decimal_string ----------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Fraction(1, 4), "0.25"),
        (Fraction(2, 3), "0.6666666667"),
        (Fraction(1, 3), "0.3333333333"),
        (Fraction(-2, 3), "-0.6666666667"),
        (Fraction(1, 8), "0.125"),
        (Fraction(1, 3 * 10**10), "0.0000000000"),
        (Fraction(5, 10**11), "0.0000000000"),  # a tie at the 10th decimal: half even
        (Fraction(15, 10**11), "0.0000000002"),
        (Decimal("12.500"), "12.5"),
        (Decimal("100"), "100"),
        (Decimal("1E+3"), "1000"),
        (0, "0"),
        (42, "42"),
        (Fraction(62125, 1000), "62.125"),
    ],
)
def test_display_is_exact_when_it_terminates_else_ten_decimals_half_even(
    value: Fraction | Decimal | int, expected: str
) -> None:
    shown = display(value)
    assert isinstance(shown, Decimal)
    assert format(shown, "f") == expected


def test_display_places_is_ten() -> None:
    assert DISPLAY_PLACES == 10
    assert display(Fraction(1, 7)).as_tuple().exponent == -10


@given(st.fractions(min_value=-(10**6), max_value=10**6, max_denominator=10**4))
def test_display_is_within_half_a_unit_of_the_tenth_decimal(value: Fraction) -> None:
    shown = Fraction(display(value))
    assert abs(shown - value) <= Fraction(1, 2 * 10**DISPLAY_PLACES)


def test_display_ignores_the_callers_decimal_context() -> None:
    value = Fraction(123456789, 1000)
    assert display(value) == Decimal("123456.789")
    with decimal.localcontext() as ctx:
        ctx.prec = 5
        assert format(display(value), "f") == "123456.789"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("1.500"), "1.5"),
        (Decimal("1.5"), "1.5"),
        (Decimal("1E+3"), "1000"),
        (Decimal("1000"), "1000"),
        (Decimal("0.000"), "0"),
        (Decimal("-0"), "0"),
        (Decimal("-0.50"), "-0.5"),
        (Decimal("1E-7"), "0.0000001"),
        (Decimal("120.00"), "120"),
        (0, "0"),
        (25, "25"),
        (Fraction(1, 4), "0.25"),
    ],
)
def test_decimal_string_has_no_exponent_and_no_trailing_zeros(
    value: Decimal | int | Fraction, expected: str
) -> None:
    assert decimal_string(value) == expected


@given(st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**9), max_value=10**9))
def test_decimal_string_is_the_same_number_normalized(value: Decimal) -> None:
    text = decimal_string(value)
    assert Decimal(text) == value
    assert "E" not in text
    assert "e" not in text
    if "." in text:
        assert not text.endswith("0")
        assert not text.endswith(".")


def test_decimal_string_refuses_a_fraction_that_does_not_terminate() -> None:
    with pytest.raises(ValueError, match="no finite decimal expansion"):
        decimal_string(Fraction(1, 3))


def test_decimal_string_ignores_the_callers_decimal_context() -> None:
    with decimal.localcontext() as ctx:
        ctx.prec = 4
        assert decimal_string(Decimal("123456.789")) == "123456.789"
        assert decimal_string(Decimal("1.50")) == "1.5"


def test_engine_context_is_exact_enough_and_traps_invalid_operations() -> None:
    with decimal.localcontext() as outer:
        outer.prec = 3
        with engine_context() as ctx:
            assert ctx.prec >= 28
            assert decimal.getcontext() is ctx
            assert Decimal(1) / Decimal(3) == Decimal("0." + "3" * ctx.prec)
            with pytest.raises(decimal.InvalidOperation):
                Decimal("Infinity") - Decimal("Infinity")
        assert decimal.getcontext().prec == 3


def test_engine_context_is_fresh_in_every_block() -> None:
    with engine_context() as first:
        first.prec = 5
        first.traps[decimal.Inexact] = True
        with pytest.raises(decimal.Inexact):
            Decimal(2).sqrt()
    with engine_context() as second:
        assert second is not first
        assert second.prec >= 28
        assert not second.flags[decimal.Inexact]
        assert Decimal(2).sqrt() > Decimal("1.41421356237309504880168872420969807")


@given(
    st.integers(-(10**15), 10**15),
    st.sampled_from([1, 2, 4, 5, 8, 16, 25, 1024, 5**10, 10**10, 2 * 10**9]),
)
def test_display_of_a_terminating_fraction_is_its_exact_decimal_stripped(n: int, d: int) -> None:
    # the quick path for fractions that terminate within the places gives what rounding would
    value = Fraction(n, d)
    rounded = quantize(value, DISPLAY_PLACES, "half_even")
    assert Fraction(rounded) == value  # it terminates: display shows it exactly, stripped
    shown = display(value)
    expected = Decimal(0) if rounded == 0 else rounded.normalize(decimal.Context(prec=100))
    if expected.as_tuple().exponent > 0:  # type: ignore[operator]
        expected = expected.quantize(Decimal(1))
    assert shown.as_tuple() == expected.as_tuple()


@given(st.integers(-(10**40), 10**40), st.integers(1, 10**40))
def test_fraction_is_fractions_own(n: int, d: int) -> None:
    from medsales.numbers import _fraction_generic, _fraction_of_slots, fraction

    expected = Fraction(n, d)
    for build in (fraction, _fraction_of_slots, _fraction_generic):
        made = build(n, d)
        assert type(made) is Fraction
        assert (made, made.numerator, made.denominator, hash(made), str(made)) == (
            expected,
            expected.numerator,
            expected.denominator,
            hash(expected),
            str(expected),
        )


@given(
    st.fractions(max_denominator=10**12)
    | st.decimals(allow_nan=False, allow_infinity=False, places=None).filter(
        lambda d: abs(d.adjusted()) < 200
    )
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.sampled_from([Decimal("-0"), Decimal("0E+5"), Decimal("1E+3"), Decimal("-2.500"), 0])
)
def test_number_text_is_display_written_out(value: Fraction | Decimal | int) -> None:
    """number_text's quick paths write exactly what display's digits say."""
    assert number_text(value) == format(display(value), "f")
