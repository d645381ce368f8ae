"""Reviews (SPEC §17): one employee's appraisal for one period as it moves through the
people who take part, with permissions and a tamper-evident log.

Pure domain logic over an event store: :class:`ReviewBook` checks who acts and when, then
appends one event; the state of a review is the fold of its events.
"""

from __future__ import annotations

from medsales.review.book import PAYLOAD_KEYS, Clock, ReviewBook
from medsales.review.log import Event, Review
from medsales.review.machine import (
    ACTIONS,
    RULES,
    STATES,
    TRANSITIONS,
    WHO,
    Action,
    Actor,
    State,
)
from medsales.review.stores import MemoryStore, PostgresStore, SQLiteStore, Store

__all__ = [
    "ACTIONS",
    "PAYLOAD_KEYS",
    "RULES",
    "STATES",
    "TRANSITIONS",
    "WHO",
    "Action",
    "Actor",
    "Clock",
    "Event",
    "MemoryStore",
    "PostgresStore",
    "Review",
    "ReviewBook",
    "SQLiteStore",
    "State",
    "Store",
]
