"""The quick checks of rows of other periods (SPEC §21: checked as read, then let go) say
"fine" only where the full check would."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medsales.errors import MedsalesError
from medsales.io.records import _PLAIN_NUMBER, _LeanMeasurement
from medsales.numbers import to_decimal

CELLS = st.text(alphabet="0123456789-+.eE ", max_size=120) | st.decimals(
    allow_nan=False, allow_infinity=False
).map(str)


@given(CELLS)
def test_a_plain_number_is_always_a_valid_number_of_its_sign(cell: str) -> None:
    plain = _PLAIN_NUMBER.fullmatch(cell)
    if plain is None:
        return
    value = to_decimal(cell)  # never raises for a plain number
    assert value == Decimal(cell)
    assert (value < 0) <= bool(plain.group(1))


@given(CELLS, CELLS, CELLS)
def test_the_quick_check_agrees_with_the_numbers_full_check(
    actual: str, target: str, weight: str
) -> None:
    row = {"employee_id": "E1", "kpi": "sales", "actual": actual, "target": target}
    row["weight"] = weight
    try:
        for cell in (actual, target):
            if cell:
                to_decimal(cell)
        expected = not weight or to_decimal(weight) >= 0
    except MedsalesError:
        expected = False
    expected = expected and bool(actual)
    assert _LeanMeasurement(None, None, None).fine(row) is expected


@pytest.mark.parametrize("weight", ["-1", "-0.5", " -2", "1e2000", "x"])
def test_a_bad_weight_is_never_fine(weight: str) -> None:
    row = {"employee_id": "E1", "kpi": "sales", "actual": "1", "weight": weight}
    assert _LeanMeasurement(None, None, None).fine(row) is False
