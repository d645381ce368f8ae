"""SPEC §17's states, actions and who may take them: every transition and every refusal,
as a matrix of actor × action × state, against a table written here from the SPEC."""

from __future__ import annotations

from typing import Any

import pytest

from medsales.errors import InputError, PermissionDeniedError, ReviewError, ReviewStateError
from medsales.review import ACTIONS, STATES, TRANSITIONS, WHO, Actor, ReviewBook
from medsales.review.machine import allowed_in
from reviewkit import (
    D1,
    E1,
    E2,
    HR,
    HR2,
    M1,
    M2,
    MEASUREMENTS,
    PERIOD,
    SPEC_MOVES,
    Clock,
    make_book,
)

# who may take each action on e1's review, h1 being the hr who signs it off
SPEC_WHO: dict[str, set[str]] = {
    "submit_self": {"e1"},
    "rate": {"m1"},
    "override": {"m1"},
    "submit": {"m1"},
    "return": {"h1", "h2"},
    "sign_off": {"h1", "h2"},
    "acknowledge": {"e1"},
    "appeal": {"e1"},
    "decide": {"h2"},  # h1 signed it off
    "comment": {"e1", "m1", "h1", "h2"},
}
SEES = {"e1", "m1", "h1", "h2"}  # d1 is m1's manager: not e1's without skip_level

ACTORS = [E1, E2, M1, M2, D1, HR, HR2]

PATH_TO: dict[str, list[tuple[str, Actor, dict[str, Any]]]] = {
    "self_review": [],
    "manager_review": [("submit_self", E1, {"measurements": {"new_accounts": 5}})],
}
PATH_TO["hr_review"] = [*PATH_TO["manager_review"], ("submit", M1, {})]
PATH_TO["signed_off"] = [*PATH_TO["hr_review"], ("sign_off", HR, {})]
PATH_TO["appealed"] = [*PATH_TO["signed_off"], ("appeal", E1, {"reason": "the rating is low"})]
PATH_TO["closed"] = [*PATH_TO["signed_off"], ("acknowledge", E1, {})]


def payload_for(book: ReviewBook, action: str) -> dict[str, Any]:
    """A request that breaks no rule of its own."""
    if action == "override":
        score = book.appraisal("e1", PERIOD).score
        assert score is not None
        return {"score": score - 1, "reason": "known context"}
    return {
        "submit_self": {"measurements": {"new_accounts": 5}, "comment": "mine"},
        "rate": {"measurements": {"teamwork": 4}},
        "submit": {},
        "return": {"reason": "teamwork rating missing evidence"},
        "sign_off": {},
        "acknowledge": {},
        "appeal": {"reason": "the teamwork rating"},
        "decide": {"outcome": "rejected", "reason": "the rating stands"},
        "comment": {"comment": "noted", "line": "sales"},
    }[action]


def book_in(state: str) -> ReviewBook:
    book = make_book(clock=Clock())
    book.open(PERIOD, HR, measurements=MEASUREMENTS, employee_ids=["e1"])
    for action, actor, payload in PATH_TO[state]:
        book.act("e1", PERIOD, action, actor, **payload)
    assert book.state("e1", PERIOD).state == state
    return book


def expected(state: str, action: str, actor: Actor) -> type[Exception] | str:
    if actor.id not in SEES:
        return PermissionDeniedError
    if (state, action) not in SPEC_MOVES:
        return ReviewStateError
    if actor.id not in SPEC_WHO[action]:
        return PermissionDeniedError
    return SPEC_MOVES[(state, action)]


CASES = [
    (state, action, actor)
    for state in STATES
    for action in ACTIONS
    if action != "open"
    for actor in ACTORS
]


@pytest.mark.parametrize(
    ("state", "action", "actor"), CASES, ids=[f"{s}-{a}-{p.id}" for s, a, p in CASES]
)
def test_matrix(state: str, action: str, actor: Actor) -> None:
    book = book_in(state)
    before = book.events("e1", PERIOD)
    payload = payload_for(book, action)
    outcome = expected(state, action, actor)
    if isinstance(outcome, str):
        after = book.act("e1", PERIOD, action, actor, **payload)
        assert after.state == outcome
        assert book.state("e1", PERIOD) == after
        assert len(book.events("e1", PERIOD)) == len(before) + 1
        return
    with pytest.raises(outcome) as info:
        book.act("e1", PERIOD, action, actor, **payload)
    error = info.value
    assert type(error) is outcome  # not a subclass standing in for another refusal
    if isinstance(error, ReviewStateError):
        assert error.state == state
        assert error.action == action
        assert error.allowed == allowed_in(state)  # type: ignore[arg-type]
        assert state in str(error)
    else:
        assert isinstance(error, PermissionDeniedError)
        assert (error.actor, error.action) == (actor.id, action)
        assert error.rule
    assert book.events("e1", PERIOD) == before  # a refusal writes nothing


def test_the_library_tables_are_the_spec_tables() -> None:
    assert dict(TRANSITIONS) == SPEC_MOVES
    assert set(WHO) == set(ACTIONS)
    assert WHO["open"] == {"hr"}


def test_every_state_but_closed_allows_something() -> None:
    for state in STATES:
        assert bool(allowed_in(state)) == (state != "closed")


# --------------------------------------------------------------------------- open


def test_open_starts_in_self_review_or_manager_review() -> None:
    book = make_book()
    reviews = book.open(PERIOD, HR, measurements=MEASUREMENTS)
    assert {r.state for r in reviews} == {"self_review"}
    assert len(reviews) == 6
    book = make_book(self_review=False)
    (review,) = book.open(PERIOD, HR, measurements=MEASUREMENTS, employee_ids=["e1"])
    assert review.state == "manager_review"
    with pytest.raises(ReviewStateError) as info:
        book.act("e1", PERIOD, "submit_self", E1, measurements={"new_accounts": 1})
    assert info.value.state == "manager_review"


@pytest.mark.parametrize("actor", [E1, M1, D1], ids=lambda a: a.id)
def test_only_hr_opens(actor: Actor) -> None:
    with pytest.raises(PermissionDeniedError) as info:
        make_book().open(PERIOD, actor, measurements=MEASUREMENTS)
    assert info.value.action == "open"


def test_hr_does_not_open_their_own_review_and_nothing_is_written() -> None:
    book = make_book()
    hr_employee = Actor.of("e2", "hr", "employee")
    with pytest.raises(PermissionDeniedError):
        book.open(PERIOD, hr_employee, measurements=MEASUREMENTS)
    assert book.store.review_ids() == []


def test_a_review_is_opened_once() -> None:
    book = make_book()
    measurements = MEASUREMENTS
    book.open(PERIOD, HR, measurements=measurements, employee_ids=["e2"])
    with pytest.raises(ReviewStateError) as info:
        book.open(PERIOD, HR, measurements=measurements)
    assert info.value.action == "open"
    assert book.store.review_ids() == ["2026-Q1:e2"]  # nothing half-written


def test_open_names_an_employee_who_is_not_appraised() -> None:
    with pytest.raises(InputError, match="nobody"):
        make_book().open(PERIOD, HR, measurements=MEASUREMENTS, employee_ids=["nobody"])


# --------------------------------------------------------------------------- who, exactly


def test_sign_off_is_not_by_the_reviewing_manager_even_with_the_hr_role() -> None:
    book = book_in("hr_review")
    manager_and_hr = Actor.of("m1", "manager", "hr")
    with pytest.raises(PermissionDeniedError, match="reviewed it as manager"):
        book.act("e1", PERIOD, "sign_off", manager_and_hr)


def test_sign_off_is_not_by_a_manager_who_took_part() -> None:
    book = make_book(skip_level=True)
    book.open(PERIOD, HR, measurements=MEASUREMENTS)
    book.act("e1", PERIOD, "submit_self", E1)
    book.act("e1", PERIOD, "rate", D1, measurements={"teamwork": 3})  # skip level
    book.act("e1", PERIOD, "submit", M1)
    with pytest.raises(PermissionDeniedError, match="reviewed it as manager"):
        book.act("e1", PERIOD, "sign_off", Actor.of("d1", "manager", "hr"))
    book.act("e1", PERIOD, "sign_off", HR)


def test_nobody_acts_as_hr_on_their_own_review() -> None:
    book = book_in("hr_review")
    with pytest.raises(PermissionDeniedError):
        book.act("e1", PERIOD, "sign_off", Actor.of("e1", "employee", "hr"))


def test_nobody_but_the_employee_acts_as_the_employee() -> None:
    book = book_in("self_review")
    impostor = Actor.of("m1", "employee", "manager")
    with pytest.raises(PermissionDeniedError) as info:
        book.act("e1", PERIOD, "submit_self", impostor)
    assert "employee reviewed" in info.value.rule  # type: ignore[operator]


def test_skip_level_makes_every_manager_above_a_manager() -> None:
    book = book_in("manager_review")
    with pytest.raises(PermissionDeniedError):
        book.act("e1", PERIOD, "rate", D1, measurements={"teamwork": 3})
    book = make_book(skip_level=True)
    book.open(PERIOD, HR, measurements=MEASUREMENTS)
    book.act("e1", PERIOD, "submit_self", E1)
    assert book.act("e1", PERIOD, "rate", D1, measurements={"teamwork": 3}).state == (
        "manager_review"
    )
    assert book.managers_of("e1", PERIOD) == ("m1", "d1")
    assert [r.review_id for r in book.reviews(D1)] == [
        "2026-Q1:d1",
        "2026-Q1:e1",
        "2026-Q1:e2",
        "2026-Q1:e3",
        "2026-Q1:m1",
        "2026-Q1:m2",
    ]


def test_the_manager_is_the_one_at_the_periods_last_day() -> None:
    from medsales.review import MemoryStore
    from reviewkit import EMPLOYEES, review_policy

    moved = [
        *EMPLOYEES,
        {
            "employee_id": "e4",
            "role": "rep",
            "manager_id": "m1",
            "active_from": "2025-01-01",
            "active_to": "2026-02-15",
        },
        {"employee_id": "e4", "role": "rep", "manager_id": "m2", "active_from": "2026-02-16"},
    ]
    rows = [*MEASUREMENTS, {**MEASUREMENTS[0], "employee_id": "e4"}]
    book = ReviewBook(review_policy(), MemoryStore(), moved, clock=Clock())
    book.open(PERIOD, HR, measurements=rows, employee_ids=["e4"])
    assert book.managers_of("e4", PERIOD) == ("m2",)
    book.act("e4", PERIOD, "submit_self", Actor.of("e4", "employee"))
    with pytest.raises(PermissionDeniedError):
        book.act("e4", PERIOD, "submit", M1)
    assert book.act("e4", PERIOD, "submit", M2).state == "hr_review"


# --------------------------------------------------------------------------- seeing


def test_each_actor_sees_what_spec_says() -> None:
    book = make_book()
    book.open(PERIOD, HR, measurements=MEASUREMENTS)
    ids = {a.id: [r.employee_id for r in book.reviews(a)] for a in ACTORS}
    assert ids["e1"] == ["e1"]
    assert ids["e2"] == ["e2"]
    assert ids["m1"] == ["e1", "e2", "m1"]
    assert ids["m2"] == ["e3", "m2"]
    assert ids["d1"] == ["d1", "m1", "m2"]
    assert ids["h1"] == ["d1", "e1", "e2", "e3", "m1", "m2"]
    assert [r.employee_id for r in book.reviews(HR, period="2026-Q2")] == []


@pytest.mark.parametrize("actor", [E2, M2, D1], ids=lambda a: a.id)
def test_documents_and_logs_are_filtered_too(actor: Actor) -> None:
    book = book_in("manager_review")
    with pytest.raises(PermissionDeniedError) as info:
        book.document("e1", PERIOD, actor)
    assert info.value.action == "see"
    with pytest.raises(PermissionDeniedError):
        book.events("e1", PERIOD, by=actor)
    assert book.document("e1", PERIOD, E1)["review"]["state"] == "manager_review"
    assert book.document("e1", PERIOD, M1)["employee_id"] == "e1"
    assert len(book.events("e1", PERIOD, by=HR)) == 2


def test_an_actor_has_known_roles() -> None:
    with pytest.raises(ReviewError, match="unknown actor role"):
        Actor.of("x", "boss")
    with pytest.raises(ReviewError, match="needs an id"):
        Actor.of("", "hr")
    assert Actor("x", "hr").roles == {"hr"}  # type: ignore[arg-type]
