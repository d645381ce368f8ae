"""SPEC §21: numbers that cannot hurt — refused quickly, with a located error."""

from __future__ import annotations

import decimal
from decimal import Decimal

import pytest

from medsales import InputError, PeriodError, TargetError, split, to_decimal
from medsales.numbers import (
    MAX_DIGITS,
    MAX_EXPONENT,
    MAX_TEXT,
    check_text,
    decimal_string,
    exact_sum,
)
from medsales.periods import Period

HOSTILE = [
    "1e999999999",
    "-1e999999999",
    "1e-999999999",
    "0e999999999",
    "1e999999999999999999999",
    "1" * (MAX_DIGITS + 1),
    "0." + "1" * (MAX_DIGITS + 1),
    f"1e{MAX_EXPONENT + 1}",
    f"1e-{MAX_EXPONENT + 1}",
    "9" * 5000,
    10**MAX_DIGITS,
    -(10**MAX_DIGITS),
    10**5000,
    Decimal("1e999999999"),
    Decimal((0, (1,) * (MAX_DIGITS + 1), 0)),
    "1" * (MAX_TEXT + 1),
]


@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
def test_numbers_beyond_the_limits_are_refused_with_their_path(value: object) -> None:
    with pytest.raises(InputError) as caught:
        to_decimal(value, path="kpis[0].actual")
    assert caught.value.path == "kpis[0].actual"
    assert "at most 100 digits" in str(caught.value)
    assert len(str(caught.value)) < 300  # the value is shown abbreviated


@pytest.mark.parametrize(
    "value",
    [
        "1" * MAX_DIGITS,
        10**MAX_DIGITS - 1,
        f"1e{MAX_EXPONENT}",
        f"1e-{MAX_EXPONENT}",
        "-" + "9" * MAX_DIGITS,
        1e308,
        5e-324,
    ],
)
def test_numbers_at_the_limits_are_accepted_and_written_out(value: object) -> None:
    number = to_decimal(value)
    assert Decimal(decimal_string(number)) == number


def test_the_limits_hold_whatever_the_callers_context() -> None:
    with decimal.localcontext(decimal.Context(prec=3, Emax=10, Emin=-10, traps=[])):
        with pytest.raises(InputError):
            to_decimal("1e999999999")
        assert to_decimal("1e500") == Decimal("1e500")


def test_an_exact_sum_never_rounds() -> None:
    tiny = Decimal("1e-1000")
    assert exact_sum([Decimal(60), Decimal(20), Decimal(20), tiny]) != 100
    assert exact_sum([Decimal("1e1000"), tiny]) - Decimal("1e1000") == tiny


def test_a_text_longer_than_the_limit_is_refused() -> None:
    assert check_text("x" * MAX_TEXT) == "x" * MAX_TEXT
    with pytest.raises(InputError, match="10,000"):
        check_text("x" * (MAX_TEXT + 1), path="name")


def test_a_period_label_of_4301_digits_is_a_period_error() -> None:
    with pytest.raises(PeriodError, match="too long"):
        Period.parse("2026-Q" + "1" * 4301)


def test_a_split_unit_beyond_the_limits_is_a_target_error() -> None:
    with pytest.raises(TargetError) as caught:
        split(10, [1, 1], unit="1e-5000")
    assert caught.value.path == "unit"
    for where in ("total", "weights"):
        with pytest.raises(TargetError):
            split("1e999999999" if where == "total" else 10, [1, "1e999999999"])
