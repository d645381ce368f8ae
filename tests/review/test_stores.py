"""The store contract (SPEC §17), run against every store: MemoryStore, SQLiteStore and,
where a server is given, PostgresStore; and tampering with a store's rows is detected."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from medsales.errors import ConflictError, ReviewError, TamperedLogError
from medsales.review import Event, MemoryStore, PostgresStore, SQLiteStore, Store
from reviewkit import E1, HR, M1, MEASUREMENTS, PERIOD, Clock, make_book

POSTGRES_DSN = os.environ.get("MEDSALES_TEST_POSTGRES_DSN", "")
NO_POSTGRES = (
    "no PostgreSQL server to test against: set MEDSALES_TEST_POSTGRES_DSN "
    "(.ci/run starts one and sets it)"
)
T0 = dt.datetime(2026, 4, 1, 9, tzinfo=dt.UTC)


def events_for(review_id: str, start: int, n: int, prev: str | None) -> list[Event]:
    out = []
    for seq in range(start + 1, start + n + 1):
        event = Event.make(
            review_id, seq, "comment", "h1", T0, {"comment": f"note {seq}", "n": seq}, prev
        )
        out.append(event)
        prev = event.hash
    return out


class Tamper:
    """Change a store's rows behind its back, as someone with database access could."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def _sql(self, statement: str, *params: Any) -> None:
        if isinstance(self.store, SQLiteStore):
            with sqlite3.connect(self.store.path, isolation_level=None) as db:
                db.execute(statement.replace("%s", "?"), params)
            return
        import psycopg

        assert isinstance(self.store, PostgresStore)
        with psycopg.connect(self.store.dsn) as db:
            db.execute(statement.replace("review_events", self.store.table), params)  # type: ignore[call-overload]

    def _memory(self, review_id: str, change: Callable[[list[Event]], list[Event]]) -> None:
        assert isinstance(self.store, MemoryStore)
        self.store._events[review_id] = change(self.store._events[review_id])

    def payload(self, review_id: str, seq: int, payload: dict[str, Any]) -> None:
        if isinstance(self.store, MemoryStore):
            self._memory(
                review_id,
                lambda es: [
                    Event(e.review_id, e.seq, e.action, e.actor, e.at, payload, e.prev, e.hash)
                    if e.seq == seq
                    else e
                    for e in es
                ],
            )
            return
        self._sql(
            "UPDATE review_events SET payload = %s WHERE review_id = %s AND seq = %s",
            json.dumps(payload),
            review_id,
            seq,
        )

    def delete(self, review_id: str, seq: int) -> None:
        if isinstance(self.store, MemoryStore):
            self._memory(review_id, lambda es: [e for e in es if e.seq != seq])
            return
        self._sql("DELETE FROM review_events WHERE review_id = %s AND seq = %s", review_id, seq)

    def swap(self, review_id: str, a: int, b: int) -> None:
        """Swap two events' places (their seq numbers)."""
        if isinstance(self.store, MemoryStore):
            self._memory(
                review_id,
                lambda es: [
                    es[b - 1] if e.seq == a else es[a - 1] if e.seq == b else e for e in es
                ],
            )
            return
        for old, new in ((a, 1_000_000), (b, a), (1_000_000, b)):
            self._sql(
                "UPDATE review_events SET seq = %s WHERE review_id = %s AND seq = %s",
                new,
                review_id,
                old,
            )


def _postgres_store() -> Iterator[Store]:
    if not POSTGRES_DSN:
        pytest.skip(NO_POSTGRES)
    import psycopg

    table = f"review_events_{uuid.uuid4().hex[:12]}"
    store = PostgresStore(POSTGRES_DSN, table=table)
    try:
        yield store
    finally:
        with psycopg.connect(POSTGRES_DSN) as db:
            db.execute(f"DROP TABLE IF EXISTS {table}")  # type: ignore[call-overload]


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "memory":
        yield MemoryStore()
    elif request.param == "sqlite":
        yield SQLiteStore(tmp_path / "reviews.sqlite")
    else:
        yield from _postgres_store()


def test_a_store_is_a_store(store: Store) -> None:
    assert isinstance(store, Store)


def test_append_and_read_back(store: Store) -> None:
    assert store.events("r1") == []
    assert store.review_ids() == []
    first = events_for("r1", 0, 2, None)
    store.append("r1", 0, first)
    store.append("r1", 2, events_for("r1", 2, 1, first[-1].hash))
    store.append("r0", 0, events_for("r0", 0, 1, None))
    events = store.events("r1")
    assert [e.seq for e in events] == [1, 2, 3]
    assert events[:2] == first
    assert events[0].payload == {"comment": "note 1", "n": 1}
    assert store.review_ids() == ["r0", "r1"]


@pytest.mark.parametrize("stale", [0, 1, 3])
def test_a_stale_expected_seq_is_a_conflict_and_writes_nothing(store: Store, stale: int) -> None:
    store.append("r1", 0, events_for("r1", 0, 2, None))
    with pytest.raises(ConflictError) as info:
        store.append("r1", stale, events_for("r1", stale, 1, None))
    assert (info.value.review_id, info.value.expected_seq) == ("r1", stale)
    assert info.value.actual_seq in (2, None)
    assert [e.seq for e in store.events("r1")] == [1, 2]


def test_threads_appending_at_once_lose_nothing(store: Store) -> None:
    """Each writer reads the last seq, appends after it, and on a conflict reads again:
    every append lands exactly once, in one unbroken chain."""
    import threading

    writers, each = 4, 6
    store.append("r", 0, events_for("r", 0, 1, None))
    conflicts = []
    start = threading.Barrier(writers)

    def write(who: int) -> None:
        start.wait()
        done = 0
        while done < each:
            current = store.events("r")
            last = current[-1]
            event = Event.make(
                "r", last.seq + 1, "comment", f"w{who}", T0, {"n": f"{who}.{done}"}, last.hash
            )
            try:
                store.append("r", last.seq, [event])
                done += 1
            except ConflictError:
                conflicts.append(who)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    events = store.events("r")
    assert len(events) == 1 + writers * each
    assert sorted(e.payload["n"] for e in events[1:]) == sorted(
        f"{w}.{i}" for w in range(writers) for i in range(each)
    )
    from medsales.review.log import verify_chain

    verify_chain("r", events)


def test_events_must_number_on_from_expected_seq(store: Store) -> None:
    batch = events_for("r1", 0, 3, None)
    with pytest.raises(ReviewError, match="cannot follow"):
        store.append("r1", 0, [batch[0], batch[2]])
    with pytest.raises(ReviewError, match="cannot follow"):
        store.append("r2", 0, batch[:1])
    assert store.events("r1") == []


def test_a_whole_cycle_over_the_store(store: Store) -> None:
    book = make_book(store, clock=Clock())
    book.open(PERIOD, HR, measurements=MEASUREMENTS, employee_ids=["e1", "e2"])
    book.act("e1", PERIOD, "submit_self", E1, measurements={"new_accounts": 4}, comment="中文")
    book.act("e1", PERIOD, "rate", M1, measurements={"teamwork": "3.5"})
    book.act("e1", PERIOD, "submit", M1)
    book.act("e1", PERIOD, "sign_off", HR)
    book.act("e1", PERIOD, "acknowledge", E1)
    assert book.state("e1", PERIOD).state == "closed"
    assert book.verify() == 7
    assert book.events("e1", PERIOD)[1].payload["comment"] == "中文"


@pytest.mark.parametrize(
    ("tamper", "seq", "words"),
    [
        (lambda t: t.payload("2026-Q1:e1", 3, {"measurements": {}}), 3, "was changed"),
        (lambda t: t.delete("2026-Q1:e1", 2), 2, "missing or out of order"),
        # a store that keeps seq in a column sees a changed event; one that keeps the
        # events in a list, an event out of its place
        (lambda t: t.swap("2026-Q1:e1", 2, 3), 2, "was changed|out of order"),
    ],
    ids=["payload", "delete", "swap"],
)
def test_tampering_is_detected_and_named(
    store: Store, tamper: Callable[[Tamper], None], seq: int, words: str
) -> None:
    book = make_book(store, clock=Clock())
    book.open(PERIOD, HR, measurements=MEASUREMENTS, employee_ids=["e1", "e2"])
    book.act("e1", PERIOD, "submit_self", E1, measurements={"new_accounts": 4})
    book.act("e1", PERIOD, "rate", M1, measurements={"teamwork": 3})
    book.act("e1", PERIOD, "submit", M1)
    book.verify()
    tamper(Tamper(store))
    with pytest.raises(TamperedLogError) as info:
        book.verify()
    assert (info.value.review_id, info.value.seq) == ("2026-Q1:e1", seq)
    assert re.search(words, str(info.value))
    with pytest.raises(TamperedLogError):  # and nobody acts on a tampered review
        book.act("e1", PERIOD, "comment", HR, comment="?")
    book.act("e2", PERIOD, "comment", HR, comment="the other review is fine")


# --------------------------------------------------------------------------- SQL as auditors see it


def test_sqlite_rows_are_plain_sql(tmp_path: Path) -> None:
    path = tmp_path / "reviews.sqlite"
    store = SQLiteStore(path)
    book = make_book(store, clock=Clock())
    book.open(PERIOD, HR, measurements=MEASUREMENTS, employee_ids=["e1"])
    book.act("e1", PERIOD, "comment", E1, comment="hello")
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        rows = db.execute(
            "SELECT review_id, seq, action, actor, at, payload, prev, hash FROM review_events "
            "ORDER BY seq"
        ).fetchall()
    events = book.events("e1", PERIOD)
    assert rows == [
        (e.review_id, e.seq, e.action, e.actor, e.at, e.payload_json, e.prev, e.hash)
        for e in events
    ]
    assert rows[0][6] is None
    assert rows[1][5] == '{"comment":"hello"}'
    assert rows[1][4] == "2026-04-01T09:00:00+00:00"
    with sqlite3.connect(path) as db, pytest.raises(sqlite3.IntegrityError):
        db.execute("INSERT INTO review_events SELECT * FROM review_events WHERE seq = 1")


def test_a_file_that_is_not_a_store_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("not a database, just some text that is long enough " * 20)
    with pytest.raises(ReviewError, match="cannot open the review store"):
        SQLiteStore(path)


def test_postgres_refuses_a_bad_table_name() -> None:
    with pytest.raises(ReviewError, match="invalid table name"):
        PostgresStore("host=127.0.0.1", table="x; DROP TABLE y")


def test_postgres_names_a_server_it_cannot_reach() -> None:
    with pytest.raises(ReviewError, match="cannot open the review store in PostgreSQL"):
        PostgresStore("host=127.0.0.1 port=1 connect_timeout=2 user=nobody dbname=none")
