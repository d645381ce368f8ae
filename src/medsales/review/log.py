"""The review log (SPEC §17): events chained by SHA-256, their verification, and the fold.

An event is ``{review_id, seq, action, actor, at, payload, prev, hash}``. ``hash`` is the
SHA-256 of the canonical JSON of every other field, ``prev`` (the previous event's hash,
``null`` for the first) included, so changing, removing or reordering any event breaks
the chain at that event. The state of a review is the fold of its events: nothing is
kept anywhere else.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any, cast

import attrs

from medsales.errors import ReviewError, TamperedLogError
from medsales.review.machine import Action, State, next_state

__all__ = [
    "Event",
    "Review",
    "canonical",
    "fold",
    "plain",
    "review_id_of",
    "verify_chain",
]


def review_id_of(employee_id: str, period: str) -> str:
    """The id of one employee's review for one period: ``2026Q1:e1`` (a period label has
    no colon, so the first colon splits it)."""
    return f"{period}:{employee_id}"


def plain(value: Any) -> Any:
    """``value`` as JSON data: exact numbers as decimal strings (``"n/d"`` for a fraction
    with no finite decimal form), dates as ISO text, tuples as lists."""
    if isinstance(value, bool) or value is None or isinstance(value, str | int):
        return value
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, Fraction):
        if value.denominator == 1:
            return str(value.numerator)
        d = value.denominator
        while d % 2 == 0:
            d //= 2
        while d % 5 == 0:
            d //= 5
        if d == 1:  # a finite decimal: write it exactly as one
            return format(Decimal(value.numerator) / Decimal(value.denominator), "f")
        return f"{value.numerator}/{value.denominator}"
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    raise ReviewError(f"cannot record {value!r} in the log", value=value, expected="JSON data")


def canonical(data: Any) -> str:
    """Canonical JSON: keys sorted, no whitespace, text as written (UTF-8)."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


@attrs.frozen
class Event:
    """One appended action. ``at`` is ISO 8601 with its UTC offset; ``payload`` JSON data."""

    review_id: str
    seq: int
    action: str
    actor: str
    at: str
    payload: Mapping[str, Any]
    prev: str | None
    hash: str

    @staticmethod
    def digest(
        review_id: str,
        seq: int,
        action: str,
        actor: str,
        at: str,
        payload: Mapping[str, Any],
        prev: str | None,
    ) -> str:
        """SHA-256 (hex) of the canonical JSON of an event's fields other than ``hash``."""
        body = {
            "review_id": review_id,
            "seq": seq,
            "action": action,
            "actor": actor,
            "at": at,
            "payload": payload,
            "prev": prev,
        }
        return hashlib.sha256(canonical(body).encode("utf-8")).hexdigest()

    @classmethod
    def make(
        cls,
        review_id: str,
        seq: int,
        action: str,
        actor: str,
        at: dt.datetime,
        payload: Mapping[str, Any],
        prev: str | None,
    ) -> Event:
        """A new event, chained to ``prev`` and hashed."""
        if at.tzinfo is None or at.utcoffset() is None:
            raise ReviewError(
                f"the clock gave {at.isoformat()}, a time without a UTC offset",
                value=at.isoformat(),
                expected="an aware datetime (with tzinfo)",
            )
        when = at.isoformat()
        # as a store gives it back: JSON types, keys sorted
        data = cast(dict[str, Any], json.loads(canonical(plain(payload))))
        return cls(
            review_id,
            seq,
            action,
            actor,
            when,
            data,
            prev,
            cls.digest(review_id, seq, action, actor, when, data, prev),
        )

    @property
    def payload_json(self) -> str:
        """The payload as canonical JSON, as the SQL stores keep it."""
        return canonical(self.payload)

    @property
    def time(self) -> dt.datetime:
        """``at`` as an aware datetime."""
        return dt.datetime.fromisoformat(self.at)

    def to_dict(self) -> dict[str, Any]:
        """The event as JSON-ready data."""
        return {
            "review_id": self.review_id,
            "seq": self.seq,
            "action": self.action,
            "actor": self.actor,
            "at": self.at,
            "payload": dict(self.payload),
            "prev": self.prev,
            "hash": self.hash,
        }


def verify_chain(review_id: str, events: Sequence[Event]) -> None:
    """Re-walk one review's events; :class:`TamperedLogError` names the first bad one."""
    prev: str | None = None
    for position, event in enumerate(events, start=1):
        where = f"review {review_id}: event {position}"
        if event.review_id != review_id:
            raise TamperedLogError(
                f"{where} belongs to review {event.review_id}",
                review_id=review_id,
                seq=position,
                rule="every event of a review names it",
            )
        if event.seq != position:
            raise TamperedLogError(
                f"{where} is missing or out of order: event {event.seq} stands in its place",
                review_id=review_id,
                seq=position,
                rule="a review's events are numbered 1, 2, 3, … without a gap",
            )
        recomputed = Event.digest(
            event.review_id,
            event.seq,
            event.action,
            event.actor,
            event.at,
            event.payload,
            event.prev,
        )
        if recomputed != event.hash:
            raise TamperedLogError(
                f"{where} ({event.action} by {event.actor}) was changed: its hash does not "
                "match its content",
                review_id=review_id,
                seq=position,
                rule="hash = SHA-256 of the event's canonical JSON",
            )
        if event.prev != prev:
            raise TamperedLogError(
                f"{where} ({event.action} by {event.actor}) does not follow event "
                f"{position - 1}: an event before it was changed, removed or reordered",
                review_id=review_id,
                seq=position,
                rule="prev = the hash of the event before",
            )
        prev = event.hash


# --------------------------------------------------------------------------- the fold


@attrs.frozen
class Review:
    """One review as its events leave it: the fold of the log, never stored elsewhere.

    ``entries`` are the measurements typed in during the review, in order (each with the
    action and the actor); ``corrections`` those of an upheld appeal (version 2).
    """

    review_id: str
    employee_id: str
    period: str
    role: str
    policy_sha256: str
    state: State
    seq: int
    head: str | None
    opened: Mapping[str, Any]
    incidents: tuple[Mapping[str, Any], ...]
    entries: tuple[Mapping[str, Any], ...] = ()
    override: Mapping[str, Any] | None = None
    overrides: tuple[Mapping[str, Any], ...] = ()
    comments: tuple[Mapping[str, Any], ...] = ()
    returns: tuple[Mapping[str, Any], ...] = ()
    sign_offs: tuple[Mapping[str, Any], ...] = ()
    managers: frozenset[str] = frozenset()
    appeal: Mapping[str, Any] | None = None
    decision: Mapping[str, Any] | None = None
    acknowledged: Mapping[str, Any] | None = None

    @property
    def version(self) -> int:
        """1, or 2 after an upheld appeal."""
        return 2 if self.decision is not None and self.decision["outcome"] == "upheld" else 1

    @property
    def signed_off_by(self) -> frozenset[str]:
        """The hr who signed the review off."""
        return frozenset(s["by"] for s in self.sign_offs)


def _stamp(event: Event, **more: Any) -> dict[str, Any]:
    return {"by": event.actor, "at": event.at, "seq": event.seq, **more}


def fold(events: Sequence[Event]) -> Review:
    """The review that ``events`` (one review's, in order, starting with ``open``) make."""
    if not events or events[0].action != "open":
        raise ReviewError("a review's log starts with its open event")
    first = events[0]
    p = first.payload
    review = Review(
        review_id=first.review_id,
        employee_id=p["employee_id"],
        period=p["period"],
        role=p["role"],
        policy_sha256=p["policy"],
        state=p["starts_in"],
        seq=1,
        head=first.hash,
        opened=p["measurements"],
        incidents=tuple(p["incidents"]),
    )
    for event in events[1:]:
        review = _apply(review, event)
    return review


def _apply(review: Review, event: Event) -> Review:
    action = cast(Action, event.action)
    target = next_state(review.state, action)
    if target is None:
        raise ReviewError(
            f"review {review.review_id}: event {event.seq} ({action}) is not allowed in "
            f"{review.state}"
        )
    p = event.payload
    changes: dict[str, Any] = {"state": target, "seq": event.seq, "head": event.hash}
    if p.get("comment"):
        changes["comments"] = (
            *review.comments,
            _stamp(event, action=action, line=p.get("line"), text=p["comment"]),
        )
    if action in ("submit_self", "rate"):
        entries = [
            _stamp(event, action=action, kpi=kpi, value=value)
            for kpi, value in sorted(p.get("measurements", {}).items())
        ]
        changes["entries"] = (*review.entries, *entries)
        if action == "rate" and review.override is not None:
            changes["override"] = None  # new measurements withdraw an earlier override
    if action in ("rate", "override", "submit"):
        changes["managers"] = review.managers | {event.actor}
    if action == "override":
        record = _stamp(event, **p)
        changes["override"] = record
        changes["overrides"] = (*review.overrides, record)
    elif action == "return":
        changes["returns"] = (*review.returns, _stamp(event, reason=p["reason"]))
    elif action == "sign_off":
        changes["sign_offs"] = (*review.sign_offs, _stamp(event, **p))
    elif action == "acknowledge":
        changes["acknowledged"] = _stamp(event)
    elif action == "appeal":
        changes["appeal"] = _stamp(event, reason=p["reason"])
    elif action == "decide":
        changes["decision"] = _stamp(event, **p)
    return attrs.evolve(review, **changes)
