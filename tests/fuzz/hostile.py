"""Hostile values for the fuzz suite: what a file, a form or a careless caller may hand in."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

HOSTILE_NUMBERS: tuple[object, ...] = (
    "1e999999999",
    "-1e999999999",
    "1e-999999999",
    "0e999999999",
    "1e999999999999999999999",
    "9" * 4301,
    10**4301,
    -(10**120),
    10**51 - 1,
    "1" * 101,
    "0." + "0" * 200 + "1",
    Decimal("1e999999999"),
    Decimal("NaN"),
    Decimal("sNaN"),
    Decimal("-Infinity"),
    float("nan"),
    float("inf"),
    1e308,
    5e-324,
    -0.0,
    "NaN",
    "Infinity",
    " 12.5 ",
    "1_000",
    "١٢٣",
    True,
)
"""Numbers that once hung the library, ate its memory or escaped as the wrong error."""

HOSTILE_TEXTS: tuple[object, ...] = (
    "",
    " ",
    "\ud800",
    "x" * 10_001,
    "2026-Q" + "1" * 4301,
    "\x1b]0;owned\x07",
    "=HYPERLINK(1)",
    "[bold red]x[/]",
    "[/]",
    "a\nb",
    "\x00",
    "../../etc/passwd",
    "E1",
    "2026-Q1",
)

_NESTED = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=8,
)


def _deep(depth: int) -> Any:
    value: Any = []
    for _ in range(depth):
        value = [value]
    return value


HOSTILE_SHAPES: tuple[object, ...] = (
    None,
    b"E1",
    object(),
    [],
    {},
    [[]],
    [None],
    {"actual": None},
    _deep(600),
    datetime.date(2026, 1, 1),
    1j,
)


def hostile() -> st.SearchStrategy[Any]:
    """One hostile value of any kind."""
    return st.one_of(
        st.sampled_from(HOSTILE_NUMBERS),
        st.sampled_from(HOSTILE_TEXTS),
        st.sampled_from(HOSTILE_SHAPES),
        st.integers(min_value=-(10**130), max_value=10**130),
        st.decimals(allow_nan=True, allow_infinity=True),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(max_size=30),
        _NESTED,
    )


def hostile_number() -> st.SearchStrategy[Any]:
    """A value where a number belongs: mostly hostile numbers, sometimes anything."""
    return st.one_of(
        st.sampled_from(HOSTILE_NUMBERS),
        st.decimals(allow_nan=True, allow_infinity=True),
        st.integers(min_value=-(10**130), max_value=10**130),
        hostile(),
    )
