"""Fixtures of the review tests; the department itself is in tests/reviewkit.py."""

from __future__ import annotations

import pytest

from medsales.review import ReviewBook
from reviewkit import HR, MEASUREMENTS, PERIOD, Clock, make_book


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def book(clock: Clock) -> ReviewBook:
    """A book with every review of the period open, in self_review."""
    b = make_book(clock=clock)
    b.open(PERIOD, HR, measurements=MEASUREMENTS)
    return b
