"""Any sequence of actions, by anyone (SPEC §17): no sequence reaches a state the SPEC
forbids, a refusal writes nothing, the fold of the events equals the live state, and the
log always verifies. hypothesis.stateful drives the review."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from medsales.errors import PermissionDeniedError, ReviewError, ReviewStateError
from medsales.review import ACTIONS, STATES, MemoryStore, Review
from medsales.review.log import fold
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

ACTORS = [E1, E2, M1, M2, D1, HR, HR2]
DIRECT_MANAGER = "m1"
RID = "2026-Q1:e1"


def may(actor_id: str, action: str, review: Review) -> bool:
    """SPEC §17's who, for e1's review, with what the log says happened before."""
    hr = actor_id in ("h1", "h2")
    if action in ("submit_self", "acknowledge", "appeal"):
        return actor_id == "e1"
    if action in ("rate", "override", "submit"):
        return actor_id == "m1"
    if action == "return":
        return hr
    if action == "sign_off":
        return hr and actor_id not in review.managers | {DIRECT_MANAGER, "e1"}
    if action == "decide":
        return hr and actor_id not in review.signed_off_by
    if action == "comment":
        return actor_id in ("e1", "m1") or hr
    raise AssertionError(action)


class Reviews(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.clock = Clock()
        self.store = MemoryStore()
        self.book = make_book(self.store, clock=self.clock)
        self.book.open(PERIOD, HR, measurements=MEASUREMENTS, employee_ids=["e1", "e2"])
        self.live = self.book.state("e1", PERIOD)

    def payload(self, action: str, good: bool, value: int) -> dict[str, Any]:
        reason = {"reason": f"reason {value}"} if good else {}
        if action == "submit_self":
            return {"measurements": {"new_accounts": value % 11}}
        if action == "rate":
            return {"measurements": {"teamwork": 1 + value % 5}} if good else {}
        if action == "override":
            score = self.book.appraisal("e1", PERIOD).score
            assert score is not None
            computed = self.book.document("e1", PERIOD, HR)["review"]["computed_score"]
            return {"score": Decimal(computed) + Decimal(value % 11 - 5), **reason}
        if action in ("return", "appeal"):
            return reason
        if action == "decide":
            if value % 2:
                return {"outcome": "upheld", "measurements": {"teamwork": 5}, **reason}
            return {"outcome": "rejected", **reason}
        if action == "comment":
            return {"comment": f"comment {value}"} if good else {}
        return {}

    @rule(
        action=st.sampled_from([a for a in ACTIONS if a != "open"]),
        actor=st.sampled_from(ACTORS),
        good=st.booleans(),
        value=st.integers(0, 20),
    )
    def act(self, action: str, actor: Any, good: bool, value: int) -> None:
        before = self.book.state("e1", PERIOD)
        events_before = self.store.events(RID)
        payload = self.payload(action, good, value)
        allowed = (before.state, action) in SPEC_MOVES
        permitted = may(actor.id, action, before)
        refused: type[Exception] | None = None
        try:
            after = self.book.act("e1", PERIOD, action, actor, **payload)
        except (ReviewStateError, PermissionDeniedError, ReviewError) as error:
            refused = type(error)
        if refused is None:
            assert allowed
            assert permitted
            assert after.state == SPEC_MOVES[(before.state, action)]
            assert after.seq == before.seq + 1
            self.live = after
            return
        assert self.store.events(RID) == events_before  # a refusal writes nothing
        if refused is ReviewStateError:
            # the state is checked once the actor may see the review at all
            assert not allowed
        elif refused is PermissionDeniedError:
            assert not permitted
        else:
            # a rule of the request itself: only a request that breaks one
            assert allowed
            assert permitted
            assert not good or action in ("override", "appeal")

    @rule(choice=st.integers(0, 10), value=st.integers(0, 20))
    def forward(self, choice: int, value: int) -> None:
        """An action the state allows, by someone who may take it: so that runs go deep."""
        state = self.book.state("e1", PERIOD)
        moves = sorted(a for (s, a) in SPEC_MOVES if s == state.state)
        if not moves:
            return
        action = moves[choice % len(moves)]
        actors = [a for a in ACTORS if may(a.id, action, state)]
        self.act(action, actors[choice % len(actors)], True, value)

    @rule(days=st.integers(0, 20))
    def wait(self, days: int) -> None:
        self.clock.advance(days=days)

    @invariant()
    def the_fold_is_the_live_state(self) -> None:
        events = self.store.events(RID)
        assert fold(events) == self.live == self.book.state("e1", PERIOD)
        assert self.live.state in STATES

    @invariant()
    def the_log_verifies(self) -> None:
        assert self.book.verify() == len(self.store.events(RID)) + 1

    @invariant()
    def no_forbidden_history(self) -> None:
        events = self.store.events(RID)
        state = events[0].payload["starts_in"]
        managers: set[str] = {DIRECT_MANAGER}
        signers: set[str] = set()
        signed_at: dt.datetime | None = None
        for event in events[1:]:
            assert (state, event.action) in SPEC_MOVES
            if event.action in ("rate", "override", "submit"):
                assert event.actor == "m1"
                managers.add(event.actor)
            if event.action == "sign_off":
                assert event.actor not in managers | {"e1"}
                signers.add(event.actor)
                signed_at = event.time
            if event.action == "decide":
                assert event.actor not in signers | {"e1"}
            if event.action == "appeal":
                assert signed_at is not None
                assert event.time - signed_at <= dt.timedelta(days=15)
            if event.action == "override":
                delta = abs(Decimal(event.payload["delta"]))
                assert delta <= 5
            if event.action in ("submit_self", "acknowledge", "appeal"):
                assert event.actor == "e1"
            state = SPEC_MOVES[(state, event.action)]
        # the other review is never touched by acts on e1's
        assert [e.action for e in self.store.events("2026-Q1:e2")] == ["open"]


Reviews.TestCase.settings = settings(
    settings.default, max_examples=min(settings.default.max_examples, 60), stateful_step_count=25
)
test_reviews = Reviews.TestCase
