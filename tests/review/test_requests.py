"""SPEC §17's rules of a request itself: reasons, the override bound, the appeal window,
who types which line in; overrides and appeals in the appraisal document."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from medsales import appraise
from medsales.engine.appraise import grade_for
from medsales.errors import InputError, ReviewError, ReviewStateError, UnknownKPIError
from medsales.review import MemoryStore, ReviewBook
from reviewkit import E1, HR, HR2, M1, MEASUREMENTS, PERIOD, Clock, make_book, review_policy


def at_manager_review(book: ReviewBook) -> None:
    book.act("e1", PERIOD, "submit_self", E1, measurements={"new_accounts": 6})
    book.act("e1", PERIOD, "rate", M1, measurements={"teamwork": 4})


def signed_off(book: ReviewBook) -> None:
    at_manager_review(book)
    book.act("e1", PERIOD, "submit", M1)
    book.act("e1", PERIOD, "sign_off", HR)


# --------------------------------------------------------------------------- reasons


@pytest.mark.parametrize(
    ("action", "actor", "payload"),
    [
        ("override", M1, {"score": "90"}),
        ("return", HR, {}),
        ("appeal", E1, {}),
        ("decide", HR2, {"outcome": "rejected"}),
    ],
)
@pytest.mark.parametrize("reason", [None, "", "   "])
def test_a_reason_is_required(
    book: ReviewBook, action: str, actor: Any, payload: dict[str, Any], reason: str | None
) -> None:
    at_manager_review(book)
    if action in ("return", "appeal", "decide"):
        book.act("e1", PERIOD, "submit", M1)
    if action in ("appeal", "decide"):
        book.act("e1", PERIOD, "sign_off", HR)
    if action == "decide":
        book.act("e1", PERIOD, "appeal", E1, reason="low")
    before = len(book.events("e1", PERIOD))
    if reason is not None:
        payload = {**payload, "reason": reason}
    with pytest.raises(ReviewError) as info:
        book.act("e1", PERIOD, action, actor, **payload)
    assert type(info.value) is ReviewError
    assert info.value.rule == f"{action}: a reason is required"
    assert len(book.events("e1", PERIOD)) == before


# --------------------------------------------------------------------------- overrides


def test_an_override_within_the_bound_keeps_both_scores(book: ReviewBook) -> None:
    at_manager_review(book)
    computed = book.appraisal("e1", PERIOD).score
    assert computed == Decimal("91.00")
    book.act("e1", PERIOD, "override", M1, score="96", reason="led the regional tender")
    appraisal = book.appraisal("e1", PERIOD)
    assert appraisal.score == Decimal("96.00")
    assert appraisal.grade == "S"  # read from the overridden score
    note = appraisal.notes[-1]
    assert note.code == "review_override"
    assert note.text() == (
        "final score 91.00 overridden to 96.00 (+5.00 points) by m1: led the regional tender"
    )
    document = book.document("e1", PERIOD, M1)
    assert document["score"] == "96.00"
    assert document["review"]["computed_score"] == "91.00"
    [override] = document["review"]["overrides"]
    assert (override["by"], override["delta"], override["current"]) == ("m1", "+5.00", True)


@pytest.mark.parametrize("score", ["96.01", "85.99", "-1", "91.005"])
def test_an_override_beyond_the_bound_is_refused(book: ReviewBook, score: str) -> None:
    at_manager_review(book)
    with pytest.raises(ReviewError) as info:
        book.act("e1", PERIOD, "override", M1, score=score, reason="why not")
    assert info.value.path == "score"
    assert info.value.rule


def test_no_override_when_the_policy_allows_none() -> None:
    book = make_book(max_override=0)
    book.open(PERIOD, HR, measurements=MEASUREMENTS, employee_ids=["e1"])
    at_manager_review(book)
    with pytest.raises(ReviewError, match=r"max_override = 0"):
        book.act("e1", PERIOD, "override", M1, score="91.01", reason="a little more")
    book.act("e1", PERIOD, "override", M1, score="91", reason="the same, on record")


def test_new_measurements_withdraw_an_override(book: ReviewBook) -> None:
    at_manager_review(book)
    book.act("e1", PERIOD, "override", M1, score="95", reason="context")
    book.act("e1", PERIOD, "rate", M1, measurements={"teamwork": 5})
    assert book.appraisal("e1", PERIOD).score == Decimal("96.00")
    assert book.state("e1", PERIOD).override is None
    assert book.document("e1", PERIOD, HR)["review"]["overrides"][0]["current"] is False


@pytest.mark.parametrize(
    ("severity", "grade", "codes"),
    [
        ("major", "C", ["review_override", "grade_cap"]),
        ("critical", "D", ["review_override", "veto"]),
    ],
)
def test_caps_and_veto_still_apply_after_an_override(
    severity: str, grade: str, codes: list[str]
) -> None:
    book = make_book()
    incident = {"employee_id": "e1", "rule": "integrity", "severity": severity}
    book.open(PERIOD, HR, measurements=MEASUREMENTS, incidents=[incident], employee_ids=["e1"])
    at_manager_review(book)
    computed = book.appraisal("e1", PERIOD)
    book.act("e1", PERIOD, "override", M1, score=str(computed.score + 2), reason="context")
    appraisal = book.appraisal("e1", PERIOD)
    assert appraisal.grade == grade
    assert appraisal.score == computed.score + 2
    assert appraisal.grade_from_score == grade_for(book.policy, appraisal.score).id
    assert [
        n.code for n in appraisal.notes if n.code in ("review_override", "grade_cap", "veto")
    ] == codes


def test_the_override_grades_as_the_engine_grades() -> None:
    """Overriding to the computed score itself changes nothing but the note."""
    book = make_book()
    incident = {"employee_id": "e1", "rule": "integrity", "severity": "major"}
    book.open(PERIOD, HR, measurements=MEASUREMENTS, incidents=[incident], employee_ids=["e1"])
    at_manager_review(book)
    computed = book.appraisal("e1", PERIOD)
    book.act("e1", PERIOD, "override", M1, score=str(computed.score), reason="on record")
    same = book.appraisal("e1", PERIOD)
    assert (same.score, same.grade, same.grade_from_score, same.coefficient) == (
        computed.score,
        computed.grade,
        computed.grade_from_score,
        computed.coefficient,
    )


# --------------------------------------------------------------------------- entries


def test_the_opened_appraisal_is_the_engines(book: ReviewBook) -> None:
    policy = review_policy()
    expected = appraise(policy, role="rep", measurements={"sales": {"actual": 100, "target": 100}})
    assert book.appraisal("e1", PERIOD).score == expected.score


def test_each_side_types_in_only_its_own_lines(book: ReviewBook) -> None:
    with pytest.raises(ReviewError) as info:
        book.act("e1", PERIOD, "submit_self", E1, measurements={"teamwork": 5})
    assert 'entered_by = "self"' in (info.value.rule or "")
    with pytest.raises(ReviewError, match="not a line"):
        book.act("e1", PERIOD, "submit_self", E1, measurements={"forecast": 5})
    with pytest.raises(UnknownKPIError):
        book.act("e1", PERIOD, "submit_self", E1, measurements={"nope": 5})
    book.act("e1", PERIOD, "submit_self", E1, measurements={"new_accounts": 6})
    with pytest.raises(ReviewError, match="entered by manager"):
        book.act("e1", PERIOD, "rate", M1, measurements={"new_accounts": 9})
    with pytest.raises(ReviewError, match="rate needs measurements"):
        book.act("e1", PERIOD, "rate", M1)
    with pytest.raises(InputError):
        book.act("e1", PERIOD, "rate", M1, measurements={"teamwork": "lots"})
    book.act("e1", PERIOD, "rate", M1, measurements={"teamwork": 4})
    [line] = [x for x in book.appraisal("e1", PERIOD).lines if x.kpi == "teamwork"]
    assert line.notes[-1].text() == "entered by m1 in the review (rate)"


def test_unknown_payload_and_actions_are_refused(book: ReviewBook) -> None:
    with pytest.raises(ReviewError, match="takes no score"):
        book.act("e1", PERIOD, "submit_self", E1, score=90)
    with pytest.raises(ReviewError, match="unknown review action"):
        book.act("e1", PERIOD, "approve", HR)
    with pytest.raises(ReviewError, match=r"book\.open"):
        book.act("e1", PERIOD, "open", HR)
    with pytest.raises(ReviewError, match="non-empty"):
        book.act("e1", PERIOD, "comment", E1, comment=" ")
    with pytest.raises(ReviewError, match="needs comment"):
        book.act("e1", PERIOD, "comment", E1)
    with pytest.raises(ReviewError, match="not a line"):
        book.act("e1", PERIOD, "comment", E1, comment="x", line="forecast")
    with pytest.raises(ReviewError, match="maps a KPI"):
        book.act("e1", PERIOD, "submit_self", E1, measurements=[1])
    with pytest.raises(ReviewError, match="no review of nobody"):
        book.state("nobody", PERIOD)


def test_comments_on_the_review_and_on_a_line(book: ReviewBook) -> None:
    book.act("e1", PERIOD, "comment", E1, comment="overall fine")
    book.act("e1", PERIOD, "comment", HR, comment="check the sales figure", line="sales")
    comments = book.document("e1", PERIOD, E1)["review"]["comments"]
    assert [(c["by"], c["line"], c["text"]) for c in comments] == [
        ("e1", None, "overall fine"),
        ("h1", "sales", "check the sales figure"),
    ]


def test_return_sends_the_review_back_with_its_reason(book: ReviewBook) -> None:
    at_manager_review(book)
    book.act("e1", PERIOD, "submit", M1)
    book.act("e1", PERIOD, "return", HR, reason="evidence for teamwork 4?")
    review = book.state("e1", PERIOD)
    assert review.state == "manager_review"
    assert [r["reason"] for r in review.returns] == ["evidence for teamwork 4?"]


# --------------------------------------------------------------------------- sign-off, appeal


def test_sign_off_freezes_the_appraisal_in_the_log(book: ReviewBook) -> None:
    signed_off(book)
    [event] = [e for e in book.events("e1", PERIOD) if e.action == "sign_off"]
    assert event.payload == {
        "version": 1,
        "score": "91.00",
        "grade": "A",
        "computed_score": "91.00",
    }


def test_the_appeal_window(clock: Clock, book: ReviewBook) -> None:
    signed_off(book)
    clock.advance(days=15)
    book.act("e1", PERIOD, "comment", E1, comment="thinking about it")
    clock.advance(seconds=1)
    with pytest.raises(ReviewError) as info:
        book.act("e1", PERIOD, "appeal", E1, reason="too late?")
    assert info.value.rule == "[review] appeal_days = 15: appeal within 15 days of sign-off"
    book.act("e1", PERIOD, "acknowledge", E1)


def test_an_appeal_on_the_last_day_is_in_time(clock: Clock, book: ReviewBook) -> None:
    signed_off(book)
    clock.advance(days=15)
    assert book.act("e1", PERIOD, "appeal", E1, reason="in time").state == "appealed"


def test_an_upheld_appeal_gives_version_2_explained_line_by_line(
    clock: Clock, book: ReviewBook
) -> None:
    at_manager_review(book)
    book.act("e1", PERIOD, "override", M1, score="93", reason="context")
    book.act("e1", PERIOD, "submit", M1)
    book.act("e1", PERIOD, "sign_off", HR)
    clock.advance(days=2)
    book.act("e1", PERIOD, "appeal", E1, reason="my teamwork was 5")
    book.act(
        "e1",
        PERIOD,
        "decide",
        HR2,
        outcome="upheld",
        reason="peer feedback confirms 5",
        measurements={"teamwork": 5},
    )
    review = book.state("e1", PERIOD)
    assert (review.state, review.version) == ("closed", 2)
    first = book.appraisal("e1", PERIOD, version=1)
    second = book.appraisal("e1", PERIOD)
    assert (first.score, first.grade) == (Decimal("93.00"), "A")
    # version 2 starts from the corrected computed score: the manager's override is not kept
    assert (second.score, second.grade) == (Decimal("96.00"), "S")
    changes = book.document("e1", PERIOD, E1)["review"]["appeal"]["changes"]
    assert [c["text"] for c in changes] == [
        "teamwork: actual 4 → 5",
        "teamwork: points 75 → 100",
        "teamwork: contribution 15 → 20",
        "score 93.00 → 96.00",
        "grade A → S",
    ]
    assert second.notes[0].text() == "version 2: the appeal upheld by h2: peer feedback confirms 5"
    with pytest.raises(ReviewError, match="no version 3"):
        book.appraisal("e1", PERIOD, version=3)


def test_an_upheld_appeal_may_override_within_the_bound(book: ReviewBook) -> None:
    signed_off(book)
    book.act("e1", PERIOD, "appeal", E1, reason="context missed")
    with pytest.raises(ReviewError, match="max_override"):
        book.act("e1", PERIOD, "decide", HR2, outcome="upheld", reason="r", score="97")
    book.act("e1", PERIOD, "decide", HR2, outcome="upheld", reason="r", score="95")
    assert book.appraisal("e1", PERIOD).score == Decimal("95.00")
    document = book.document("e1", PERIOD, E1)
    assert document["review"]["computed_score"] == "91.00"
    assert document["review"]["appeal"]["decision"]["result_score"] == "95.00"


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"outcome": "maybe", "reason": "r"}, "upheld or rejected"),
        ({"outcome": "upheld", "reason": "r"}, "corrected measurements"),
        ({"outcome": "rejected", "reason": "r", "score": "91"}, "changes nothing"),
    ],
)
def test_a_decision_says_what_it_does(
    book: ReviewBook, payload: dict[str, Any], message: str
) -> None:
    signed_off(book)
    book.act("e1", PERIOD, "appeal", E1, reason="context missed")
    with pytest.raises(ReviewError, match=message):
        book.act("e1", PERIOD, "decide", HR2, **payload)


def test_a_rejected_appeal_keeps_version_1(book: ReviewBook) -> None:
    signed_off(book)
    book.act("e1", PERIOD, "appeal", E1, reason="context missed")
    book.act("e1", PERIOD, "decide", HR2, outcome="rejected", reason="the rating stands")
    assert book.state("e1", PERIOD).version == 1
    assert book.appraisal("e1", PERIOD).score == Decimal("91.00")
    appeal = book.document("e1", PERIOD, E1)["review"]["appeal"]
    assert appeal["decision"]["outcome"] == "rejected"
    assert "changes" not in appeal
    with pytest.raises(ReviewStateError):
        book.act("e1", PERIOD, "comment", E1, comment="closed now")


# --------------------------------------------------------------------------- the book's inputs


def test_the_clock_must_be_aware() -> None:
    book = make_book(clock=lambda: dt.datetime(2026, 4, 1, 9, 0))
    with pytest.raises(ReviewError, match="aware datetime"):
        book.open(PERIOD, HR, measurements=MEASUREMENTS)


def test_a_review_stays_under_the_policy_it_was_opened_with(book: ReviewBook) -> None:
    other = ReviewBook(review_policy(max_override=3), book.store, [], clock=Clock())
    with pytest.raises(ReviewError, match="opened under policy"):
        other.state("e1", PERIOD)


def test_the_book_keeps_no_state_between_calls(book: ReviewBook) -> None:
    twin = ReviewBook(book.policy, book.store, book.employees, clock=Clock())
    book.act("e1", PERIOD, "submit_self", E1)
    assert twin.state("e1", PERIOD).state == "manager_review"


def test_a_store_of_another_book_is_read_the_same(book: ReviewBook) -> None:
    store = MemoryStore()
    for review_id in book.store.review_ids():
        store.append(review_id, 0, book.store.events(review_id))
    twin = ReviewBook(book.policy, store, book.employees)
    assert twin.state("e1", PERIOD) == book.state("e1", PERIOD)
