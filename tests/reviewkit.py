"""A small department for review tests (tests/review): a policy with lines typed in
during the review, a roster of two teams, and a clock that moves only when told to."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from builders import build
from medsales import Policy
from medsales.review import Actor, MemoryStore, ReviewBook, Store

PERIOD = "2026-Q1"

REP_LINES: list[dict[str, Any]] = [
    {
        "kpi": "sales",
        "weight": 70,
        "basis": "attainment",
        "curve": {"type": "linear", "multiplier": 100, "cap": 1.2},
    },
    {
        "kpi": "teamwork",
        "weight": 20,
        "basis": "value",
        "curve": {"type": "scale", "min": 1, "max": 5},
        "entered_by": "manager",
    },
    {
        "kpi": "new_accounts",
        "weight": 10,
        "basis": "value",
        "curve": {"type": "scale", "min": 0, "max": 10},
        "entered_by": "self",
    },
]
OTHER_LINES: list[dict[str, Any]] = [
    {"kpi": "sales", "weight": 100, "basis": "attainment", "curve": {"type": "linear"}},
]


def review_policy(**review: Any) -> Policy:
    """The test policy with a ``[review]`` table (max_override 5 unless given)."""
    settings = {"max_override": 5, "appeal_days": 15, **review}
    return build(
        scorecards=[
            {"role": "rep", "lines": REP_LINES},
            {"role": "other", "lines": OTHER_LINES},
        ],
        review=settings,
    )


EMPLOYEES: list[dict[str, Any]] = [
    {"employee_id": "d1", "role": "other"},
    {"employee_id": "m1", "role": "other", "manager_id": "d1"},
    {"employee_id": "m2", "role": "other", "manager_id": "d1"},
    {"employee_id": "e1", "role": "rep", "manager_id": "m1"},
    {"employee_id": "e2", "role": "rep", "manager_id": "m1"},
    {"employee_id": "e3", "role": "rep", "manager_id": "m2"},
]
MEASUREMENTS: list[dict[str, Any]] = [
    {"employee_id": eid, "period": PERIOD, "kpi": "sales", "actual": actual, "target": 100}
    for eid, actual in [("d1", 100), ("m1", 95), ("m2", 105), ("e1", 100), ("e2", 80), ("e3", 90)]
]

HR = Actor.of("h1", "hr")
HR2 = Actor.of("h2", "hr")
M1 = Actor.of("m1", "manager", "employee")
M2 = Actor.of("m2", "manager", "employee")
D1 = Actor.of("d1", "manager", "employee")
E1 = Actor.of("e1", "employee")
E2 = Actor.of("e2", "employee")


class Clock:
    """A clock that stands still until moved: ``clock.advance(days=3)``."""

    def __init__(self) -> None:
        self.now = dt.datetime(2026, 4, 1, 9, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


def make_book(
    store: Store | None = None, clock: Callable[[], dt.datetime] | None = None, **review: Any
) -> ReviewBook:
    """A book over ``store`` (a new MemoryStore by default) for the test department."""
    return ReviewBook(
        review_policy(**review),
        store if store is not None else MemoryStore(),
        EMPLOYEES,
        clock=clock or Clock(),
    )


# SPEC §17, read independently of the library's tables: (state, action) → next state
SPEC_MOVES: dict[tuple[str, str], str] = {
    ("self_review", "submit_self"): "manager_review",
    ("manager_review", "rate"): "manager_review",
    ("manager_review", "override"): "manager_review",
    ("manager_review", "submit"): "hr_review",
    ("hr_review", "return"): "manager_review",
    ("hr_review", "sign_off"): "signed_off",
    ("signed_off", "acknowledge"): "closed",
    ("signed_off", "appeal"): "appealed",
    ("appealed", "decide"): "closed",
}
for _state in ("self_review", "manager_review", "hr_review", "signed_off", "appealed"):
    SPEC_MOVES[(_state, "comment")] = _state
