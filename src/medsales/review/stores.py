"""Where the review log lives (SPEC §17): a protocol and three stores.

A store keeps events and nothing else; it never decides anything. ``append`` is atomic
and optimistic: it writes every event it is given or none, and only if the review's last
event is still ``expected_seq`` (0 for a review with no events), else
:class:`~medsales.errors.ConflictError`. The SQL stores keep one row per event with a
column per field, so auditors can read the log with plain SQL::

    review_id TEXT, seq INTEGER, action TEXT, actor TEXT, at TEXT,
    payload TEXT (canonical JSON), prev TEXT (NULL for the first), hash TEXT,
    PRIMARY KEY (review_id, seq)
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

from medsales.errors import ConflictError, ReviewError
from medsales.review.log import Event

__all__ = ["MemoryStore", "PostgresStore", "SQLiteStore", "Store"]

_COLUMNS = "review_id, seq, action, actor, at, payload, prev, hash"


@runtime_checkable
class Store(Protocol):
    """What the review book needs of a store; implement it to keep the log in your own
    database.

    - ``append(review_id, expected_seq, events)``: atomically add ``events`` (numbered
      ``expected_seq + 1``, ``+ 2``, …) after the review's last event, if that is still
      ``expected_seq``; otherwise raise :class:`~medsales.errors.ConflictError` and write
      nothing. After it returns, the events are durable; a crash during it leaves the
      review as it was.
    - ``events(review_id)``: the review's events in ``seq`` order (empty if none).
    - ``review_ids()``: every review with at least one event, sorted.
    """

    def append(self, review_id: str, expected_seq: int, events: Sequence[Event]) -> None:
        """Append ``events`` after event ``expected_seq``, all or nothing."""

    def events(self, review_id: str) -> list[Event]:
        """The review's events in order."""

    def review_ids(self) -> list[str]:
        """Every review in the store."""


def _check_numbering(review_id: str, expected_seq: int, events: Sequence[Event]) -> None:
    for offset, event in enumerate(events, start=1):
        if event.review_id != review_id or event.seq != expected_seq + offset:
            raise ReviewError(
                f"event {event.review_id} #{event.seq} cannot follow {review_id} "
                f"#{expected_seq + offset - 1}",
                expected="events of the review numbered on from expected_seq",
            )


def _conflict(review_id: str, expected_seq: int, actual: int | None) -> ConflictError:
    return ConflictError(
        f"review {review_id} changed meanwhile: expected its last event to be "
        f"{expected_seq}, it is {actual}; reload it and decide again",
        review_id=review_id,
        expected_seq=expected_seq,
        actual_seq=actual,
        rule="append(review_id, expected_seq, events) refuses a stale expected_seq",
    )


def _row(event: Event) -> tuple[Any, ...]:
    return (
        event.review_id,
        event.seq,
        event.action,
        event.actor,
        event.at,
        event.payload_json,
        event.prev,
        event.hash,
    )


def _event(row: Sequence[Any]) -> Event:
    review_id, seq, action, actor, at, payload, prev, hash_ = row
    return Event(review_id, int(seq), action, actor, at, json.loads(payload), prev, hash_)


class MemoryStore:
    """Events in memory, for tests and one-off runs; safe across threads."""

    def __init__(self) -> None:
        self._events: dict[str, list[Event]] = {}
        self._lock = threading.Lock()

    def append(self, review_id: str, expected_seq: int, events: Sequence[Event]) -> None:
        """Append ``events`` after event ``expected_seq``, all or nothing."""
        _check_numbering(review_id, expected_seq, events)
        with self._lock:
            current = self._events.get(review_id, [])
            if len(current) != expected_seq:
                raise _conflict(review_id, expected_seq, len(current))
            self._events[review_id] = [*current, *events]

    def events(self, review_id: str) -> list[Event]:
        """The review's events in order."""
        with self._lock:
            return list(self._events.get(review_id, ()))

    def review_ids(self) -> list[str]:
        """Every review in the store."""
        with self._lock:
            return sorted(r for r, e in self._events.items() if e)


_SQLITE_SCHEMA = """
CREATE TABLE IF NOT EXISTS review_events (
    review_id TEXT NOT NULL,
    seq INTEGER NOT NULL CHECK (seq >= 1),
    action TEXT NOT NULL,
    actor TEXT NOT NULL,
    at TEXT NOT NULL,
    payload TEXT NOT NULL,
    prev TEXT,
    hash TEXT NOT NULL,
    PRIMARY KEY (review_id, seq)
)
"""


class SQLiteStore:
    """The embedded default: one SQLite file (standard-library ``sqlite3``) in WAL mode,
    one ``BEGIN IMMEDIATE`` transaction per append, synchronous ``FULL`` so that an append
    that returned survives a crash of the process or the machine."""

    def __init__(self, path: str | os.PathLike[str], *, timeout: float = 30.0) -> None:
        self.path = os.fspath(path)
        self._timeout = timeout
        try:
            with self._connect() as db:
                db.execute("PRAGMA journal_mode=WAL")
                db.execute(_SQLITE_SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise ReviewError(
                f"{self.path}: cannot open the review store: {exc}",
                value=self.path,
                expected="a SQLite file that medsales can read and write",
            ) from None

    def _connect(self) -> _Closing:
        db = sqlite3.connect(self.path, timeout=self._timeout, isolation_level=None)
        db.execute("PRAGMA synchronous=FULL")
        return _Closing(db)

    def append(self, review_id: str, expected_seq: int, events: Sequence[Event]) -> None:
        """Append ``events`` after event ``expected_seq``, in one transaction."""
        _check_numbering(review_id, expected_seq, events)
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")  # the write lock first: no one appends between
            try:
                (last,) = db.execute(
                    "SELECT COALESCE(MAX(seq), 0) FROM review_events WHERE review_id = ?",
                    (review_id,),
                ).fetchone()
                if last != expected_seq:
                    raise _conflict(review_id, expected_seq, last)
                db.executemany(
                    f"INSERT INTO review_events ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [_row(e) for e in events],
                )
            except sqlite3.IntegrityError:  # pragma: no cover - the lock makes it unreachable
                db.execute("ROLLBACK")
                raise _conflict(review_id, expected_seq, None) from None
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def events(self, review_id: str) -> list[Event]:
        """The review's events in order."""
        with self._connect() as db:
            rows = db.execute(
                f"SELECT {_COLUMNS} FROM review_events WHERE review_id = ? ORDER BY seq",
                (review_id,),
            ).fetchall()
        return [_event(r) for r in rows]

    def review_ids(self) -> list[str]:
        """Every review in the store."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT DISTINCT review_id FROM review_events ORDER BY review_id"
            ).fetchall()
        return [r[0] for r in rows]


class _Closing:
    """A connection that is closed (not just committed) at the end of a ``with``."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        return self.db

    def __exit__(self, *exc: object) -> None:
        self.db.close()


_POSTGRES_SCHEMA = """
CREATE TABLE IF NOT EXISTS review_events (
    review_id TEXT NOT NULL,
    seq INTEGER NOT NULL CHECK (seq >= 1),
    action TEXT NOT NULL,
    actor TEXT NOT NULL,
    at TEXT NOT NULL,
    payload TEXT NOT NULL,
    prev TEXT,
    hash TEXT NOT NULL,
    PRIMARY KEY (review_id, seq)
)
"""


class PostgresStore:
    """The log in PostgreSQL, for many users across a company (``pip install
    'medsales[postgres]'``, psycopg 3). Each append is one transaction; the primary key
    ``(review_id, seq)`` refuses a second writer of the same event; appends to one review
    take a transaction-level advisory lock on it, so they never interleave."""

    def __init__(self, dsn: str, *, table: str = "review_events") -> None:
        try:
            import psycopg
        except ImportError:  # pragma: no cover - the extra is installed where it is tested
            raise ReviewError(
                "PostgresStore needs psycopg 3",
                expected="pip install 'medsales[postgres]'",
            ) from None
        if not table.replace("_", "").isalnum():
            raise ReviewError(f"invalid table name {table!r}", expected="letters, digits, _")
        self._psycopg = psycopg
        self.dsn = dsn
        self.table = table
        try:
            with psycopg.connect(dsn) as db:
                db.execute(_POSTGRES_SCHEMA.replace("review_events", table))
        except psycopg.Error as exc:
            raise ReviewError(
                f"cannot open the review store in PostgreSQL: {exc}".strip(),
                expected="a DSN of a PostgreSQL server that medsales can write to",
            ) from None

    def append(self, review_id: str, expected_seq: int, events: Sequence[Event]) -> None:
        """Append ``events`` after event ``expected_seq``, in one transaction."""
        _check_numbering(review_id, expected_seq, events)
        psycopg = self._psycopg
        try:
            with psycopg.connect(self.dsn) as db, db.transaction():
                # appends to one review wait for each other (until commit), as SQLite's
                # BEGIN IMMEDIATE makes them: the read below then sees the last append
                db.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (review_id,))
                row = db.execute(
                    f"SELECT COALESCE(MAX(seq), 0) FROM {self.table} WHERE review_id = %s",
                    (review_id,),
                ).fetchone()
                last = int(row[0]) if row else 0
                if last != expected_seq:
                    raise _conflict(review_id, expected_seq, last)
                with db.cursor() as cur:
                    cur.executemany(
                        f"INSERT INTO {self.table} ({_COLUMNS}) "
                        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                        [_row(e) for e in events],
                    )
        except psycopg.errors.UniqueViolation:  # pragma: no cover - the lock prevents it
            # a writer that does not take the lock appended the same seq meanwhile
            raise _conflict(review_id, expected_seq, None) from None

    def events(self, review_id: str) -> list[Event]:
        """The review's events in order."""
        with self._psycopg.connect(self.dsn) as db:
            rows = db.execute(
                f"SELECT {_COLUMNS} FROM {self.table} WHERE review_id = %s ORDER BY seq",
                (review_id,),
            ).fetchall()
        return [_event(r) for r in rows]

    def review_ids(self) -> list[str]:
        """Every review in the store."""
        with self._psycopg.connect(self.dsn) as db:
            rows = db.execute(
                f"SELECT DISTINCT review_id FROM {self.table} ORDER BY review_id"
            ).fetchall()
        return [str(r[0]) for r in rows]
