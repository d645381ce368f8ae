"""Real processes on one SQLite file (SPEC §17): two acting on one review at once — one
gets ConflictError, no event is lost; and a process killed with SIGKILL in the middle of
appends leaves a file that opens, verifies and holds every append that returned."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import medsales
from medsales.review import SQLiteStore
from reviewkit import HR, MEASUREMENTS, PERIOD, make_book

TESTS = Path(__file__).resolve().parent.parent
SRC = Path(medsales.__file__).resolve().parent.parent

PRELUDE = """
import sys, time
from pathlib import Path
from reviewkit import PERIOD, make_book
from medsales.errors import ConflictError
from medsales.review import Actor, SQLiteStore
db, who = sys.argv[1], sys.argv[2]
actor = Actor.of(who, "employee", "manager")
"""

# Both read the review, then wait at a gate before appending: both append after the same
# event, so exactly one of them must be refused.
RACE = (
    PRELUDE
    + """
ready, go = Path(sys.argv[3]), Path(sys.argv[4])
class Gate(SQLiteStore):
    def append(self, review_id, expected_seq, events):
        ready.touch()
        deadline = time.monotonic() + 30
        while not go.exists() and time.monotonic() < deadline:
            time.sleep(0.005)
        super().append(review_id, expected_seq, events)
book = make_book(Gate(db))
try:
    book.act("e1", PERIOD, "comment", actor, comment="from " + who)
    print("ok", flush=True)
except ConflictError as exc:
    print("conflict", exc.expected_seq, flush=True)
"""
)

# Many comments each; on a conflict the caller (not the book) reloads and tries again.
MANY = (
    PRELUDE
    + """
book = make_book(SQLiteStore(db))
done = 0
conflicts = 0
while done < int(sys.argv[3]):
    try:
        book.act("e1", PERIOD, "comment", actor, comment=f"{who} {done}")
        done += 1
    except ConflictError:
        conflicts += 1
print(done, conflicts, flush=True)
"""
)

# Appends until killed; prints each seq once its append has returned.
FOREVER = (
    PRELUDE
    + """
book = make_book(SQLiteStore(db))
while True:
    review = book.act("e1", PERIOD, "comment", actor, comment="x" * 2000)
    print(review.seq, flush=True)
"""
)


def child(script: str, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), str(TESTS)])}
    return subprocess.Popen(
        [sys.executable, "-c", script, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = str(tmp_path / "reviews.sqlite")
    make_book(SQLiteStore(path)).open(PERIOD, HR, measurements=MEASUREMENTS)
    return path


def test_two_processes_at_once_one_gets_a_conflict(db: str, tmp_path: Path) -> None:
    go = tmp_path / "go"
    ready = [tmp_path / "ready-e1", tmp_path / "ready-m1"]
    procs = [
        child(RACE, db, who, str(r), str(go)) for who, r in zip(("e1", "m1"), ready, strict=True)
    ]
    deadline = time.monotonic() + 60
    while not all(r.exists() for r in ready) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert all(r.exists() for r in ready), [p.communicate() for p in procs]
    go.touch()
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        results.append(out.strip())
    assert sorted(results) == ["conflict 1", "ok"]
    book = make_book(SQLiteStore(db))
    events = book.events("e1", PERIOD)
    assert [e.action for e in events] == ["open", "comment"]
    winner = "e1" if results[0] == "ok" else "m1"
    assert events[1].payload["comment"] == f"from {winner}"
    book.verify()


def test_no_event_is_lost_under_contention(db: str) -> None:
    n = 8
    procs = [child(MANY, db, who, str(n)) for who in ("e1", "m1")]
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert out.split()[0] == str(n)
    book = make_book(SQLiteStore(db))
    comments = [e.payload["comment"] for e in book.events("e1", PERIOD)[1:]]
    assert sorted(comments) == sorted(f"{who} {i}" for who in ("e1", "m1") for i in range(n))
    assert book.verify() == 6 + 2 * n


def test_sigkill_in_the_middle_of_appends_loses_nothing_that_returned(db: str) -> None:
    proc = child(FOREVER, db, "e1")
    assert proc.stdout is not None
    returned = []
    for line in proc.stdout:
        returned.append(int(line))
        if len(returned) >= 25:
            break
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    book = make_book(SQLiteStore(db))
    assert book.verify() >= 6 + len(returned)
    seqs = [e.seq for e in book.events("e1", PERIOD)]
    assert set(returned) <= set(seqs)
    assert seqs == list(range(1, len(seqs) + 1))
    assert book.state("e1", PERIOD).state == "self_review"
