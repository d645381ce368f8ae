"""The log's events (SPEC §17): JSON payloads, hashes over canonical JSON including prev,
the chain's verification, and the fold."""

from __future__ import annotations

import datetime as dt
import inspect
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs
import pytest

from medsales.cohort import appraise_cohort
from medsales.errors import ReviewError, TamperedLogError
from medsales.review import Event, MemoryStore, ReviewBook
from medsales.review.log import canonical, fold, plain, verify_chain
from reviewkit import EMPLOYEES, HR, M1, MEASUREMENTS, PERIOD, Clock, make_book, review_policy

T0 = dt.datetime(2026, 4, 1, 9, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.mark.parametrize(
    ("value", "data"),
    [
        (Decimal("1.50"), "1.50"),
        (Fraction(1, 3), "1/3"),
        (Fraction(1, 40), "0.025"),
        (Fraction(6, 2), "3"),
        (dt.date(2026, 3, 31), "2026-03-31"),
        ((1, "a", None, True), [1, "a", None, True]),
        ({"k": (Decimal(2),)}, {"k": ["2"]}),
    ],
)
def test_payloads_are_json_data(value: Any, data: Any) -> None:
    assert plain(value) == data


def test_what_is_not_json_data_is_refused() -> None:
    with pytest.raises(ReviewError, match="cannot record"):
        plain(object())


def test_the_hash_covers_every_field_and_prev() -> None:
    event = Event.make("r", 1, "comment", "h1", T0, {"comment": "x"}, None)
    assert event.at == "2026-04-01T09:00:00+08:00"
    body = canonical(
        {
            "review_id": "r",
            "seq": 1,
            "action": "comment",
            "actor": "h1",
            "at": event.at,
            "payload": {"comment": "x"},
            "prev": None,
        }
    )
    import hashlib

    assert event.hash == hashlib.sha256(body.encode()).hexdigest()
    other = Event.make("r", 1, "comment", "h1", T0, {"comment": "x"}, "0" * 64)
    assert other.hash != event.hash
    assert event.to_dict()["prev"] is None
    assert event.time == T0


def test_a_naive_time_is_refused() -> None:
    with pytest.raises(ReviewError, match="without a UTC offset"):
        Event.make("r", 1, "comment", "h1", dt.datetime(2026, 4, 1), {}, None)


def _chain(n: int, review_id: str = "r") -> list[Event]:
    out: list[Event] = []
    for seq in range(1, n + 1):
        out.append(
            Event.make(
                review_id, seq, "comment", "h1", T0, {"n": seq}, out[-1].hash if out else None
            )
        )
    return out


def test_an_event_of_another_review_is_named() -> None:
    events = _chain(3)
    events[1] = _chain(2, "other")[1]
    with pytest.raises(TamperedLogError, match="belongs to review other") as info:
        verify_chain("r", events)
    assert info.value.seq == 2


def test_a_rehashed_event_that_skips_one_is_named() -> None:
    """Someone removes event 2 and renumbers and rehashes event 3 in its place: the hash
    holds, but its prev is not event 1's hash."""
    events = _chain(3)
    third = events[2]
    forged = Event(
        "r",
        2,
        third.action,
        third.actor,
        third.at,
        third.payload,
        third.prev,
        Event.digest("r", 2, third.action, third.actor, third.at, third.payload, third.prev),
    )
    with pytest.raises(TamperedLogError, match="does not follow event 1") as info:
        verify_chain("r", [events[0], forged])
    assert info.value.seq == 2
    verify_chain("r", events)


def test_the_fold_starts_with_open_and_follows_the_table() -> None:
    with pytest.raises(ReviewError, match="starts with its open event"):
        fold(_chain(1))
    book = make_book()
    book.open(PERIOD, HR, measurements=MEASUREMENTS, employee_ids=["e1"])
    opened = book.events("e1", PERIOD)
    bad = Event.make(opened[0].review_id, 2, "submit", "m1", T0, {}, opened[0].hash)
    with pytest.raises(ReviewError, match=r"event 2 \(submit\) is not allowed in self_review"):
        fold([*opened, bad])


# --------------------------------------------------------------------------- the book's edges


def test_someone_not_in_the_roster_has_no_manager() -> None:
    assert make_book().managers_of("nobody", PERIOD) == ()


def test_a_review_covers_one_role() -> None:
    moved = [
        *[e for e in EMPLOYEES if e["employee_id"] != "e1"],
        {"employee_id": "e1", "role": "rep", "manager_id": "m1", "active_to": "2026-02-15"},
        {"employee_id": "e1", "role": "other", "manager_id": "m1", "active_from": "2026-02-16"},
    ]
    rows = [m for m in MEASUREMENTS if m["employee_id"] != "e1"] + [
        {"employee_id": "e1", "period": month, "kpi": "sales", "actual": 30, "target": 30}
        for month in ("2026-01", "2026-03")
    ]
    book = ReviewBook(review_policy(), MemoryStore(), moved, clock=Clock())
    with pytest.raises(ReviewError, match="changed role within 2026-Q1"):
        book.open(PERIOD, HR, measurements=rows)
    assert book.store.review_ids() == []


def test_no_override_without_a_score_or_of_nothing() -> None:
    rows = [m for m in MEASUREMENTS if m["employee_id"] != "e2"]
    book = make_book(self_review=False)
    book.open(PERIOD, HR, measurements=rows, employee_ids=["e1", "e2"])
    with pytest.raises(ReviewError, match="needs score"):
        book.act("e1", PERIOD, "override", M1, reason="r")
    assert book.appraisal("e2", PERIOD).score is None
    with pytest.raises(ReviewError, match="no computed score to override"):
        book.act("e2", PERIOD, "override", M1, score="50", reason="r")


def test_goals_go_to_the_cohort_where_it_appraises_them() -> None:
    book = make_book()
    if "goals" in inspect.signature(appraise_cohort).parameters:  # pragma: no cover
        assert book.open(PERIOD, HR, measurements=MEASUREMENTS, goals=[])
    else:
        with pytest.raises(ReviewError, match="goals"):
            book.open(PERIOD, HR, measurements=MEASUREMENTS, goals=[])


def test_a_review_is_a_frozen_value() -> None:
    book = make_book()
    (review,) = book.open(PERIOD, HR, measurements=MEASUREMENTS, employee_ids=["e1"])
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        review.state = "closed"  # type: ignore[misc]
    assert review.version == 1
    assert review.head == book.events("e1", PERIOD)[-1].hash
