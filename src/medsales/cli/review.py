"""``medsales review``: run a review cycle (SPEC §17) over a SQLite store, no code needed.

``open`` opens the reviews of a period from the input files; ``act`` takes one action;
``status`` lists the reviews the actor may see (or one review's document); ``log`` shows
a review's events; ``verify`` re-walks every chain. Who acts is ``--as ID`` with their
roles: ``--role hr`` for hr; without ``--role``, someone in the roster acts as an employee,
and as a manager when anyone reports to them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Final, TextIO

from medsales.cli._common import UsageError, add_lang, count

if TYPE_CHECKING:
    from medsales.cli._inputs import Inputs
    from medsales.policy.models import Policy
    from medsales.review import Actor, ReviewBook, Store
    from medsales.review.log import Event, Review

__all__ = ["ACTION_CHOICES", "register", "show_log", "show_reviews"]

ACTION_CHOICES: Final = (
    "submit_self",
    "rate",
    "override",
    "submit",
    "return",
    "sign_off",
    "acknowledge",
    "appeal",
    "decide",
    "comment",
)
"""The actions of ``review act`` (every action of SPEC §17 but ``open``), written out so
that building the parser loads none of the library."""


def _common(parser: argparse.ArgumentParser, *, who: bool = True, roster: bool = True) -> None:
    """The options every step takes: the store, who acts, the policy and roster."""
    parser.add_argument(
        "--store", metavar="FILE", required=True, help="the SQLite file the log is kept in"
    )
    if who:
        parser.add_argument(
            "--as", dest="actor", metavar="ACTOR_ID", required=True, help="who acts"
        )
        parser.add_argument(
            "--role",
            dest="roles",
            action="append",
            choices=("employee", "manager", "hr"),
            help="a role of the actor (repeat for several); default: from the roster",
        )
    if roster:
        parser.add_argument("--policy", metavar="FILE", help="policy file (default: built-in)")
        parser.add_argument("--employees", metavar="FILE", help="the roster: who manages whom")
        parser.add_argument(
            "--demo", action="store_true", help="the bundled demo department's roster"
        )


def register(commands: Any) -> None:
    """Add ``review open|act|status|log|verify`` to the command parsers."""
    review = commands.add_parser(
        "review", help="run appraisal reviews: self review, manager, hr sign-off, appeal"
    )
    steps = review.add_subparsers(
        dest="step", metavar="STEP", required=True, help="open, act, status, log or verify"
    )

    opening = steps.add_parser("open", help="open the reviews of a period (hr)")
    _common(opening)
    opening.add_argument("--period", metavar="LABEL", required=True, help="e.g. 2026-Q1")
    for kind in ("measurements", "incidents", "ratings", "surveys"):
        opening.add_argument(f"--{kind}", metavar="FILE", help=f"the {kind} file")
    opening.add_argument(
        "--employee",
        dest="employee_ids",
        action="append",
        metavar="ID",
        help="open only this employee's review (repeat); default: everyone appraised",
    )

    act = steps.add_parser("act", help="take one action on one review")
    act.add_argument("action", choices=ACTION_CHOICES, help="the action to take")
    _common(act)
    act.add_argument(
        "--employee", dest="employee_id", metavar="ID", required=True, help="whose review"
    )
    act.add_argument("--period", metavar="LABEL", required=True, help="the review's period")
    act.add_argument(
        "--measure", action="append", metavar="KPI=VALUE", help="a measurement (repeat)"
    )
    act.add_argument("--comment", metavar="TEXT", help="a comment, with any action")
    act.add_argument("--line", metavar="KPI", help="the line a comment is about")
    act.add_argument("--reason", metavar="TEXT", help="why: override, return, appeal, decide")
    act.add_argument("--score", metavar="NUMBER", help="an override's final score")
    act.add_argument(
        "--outcome", choices=("upheld", "rejected"), help="an appeal's decision (decide)"
    )

    status = steps.add_parser("status", help="the reviews you may see, or one review")
    _common(status)
    status.add_argument("--period", metavar="LABEL", help="only this period's reviews")
    status.add_argument(
        "--employee", dest="employee_id", metavar="ID", help="one review, explained"
    )
    status.add_argument("--json", action="store_true", help="one review's whole document")
    add_lang(status)

    log = steps.add_parser("log", help="one review's events, oldest first")
    _common(log)
    log.add_argument(
        "--employee", dest="employee_id", metavar="ID", required=True, help="whose review"
    )
    log.add_argument("--period", metavar="LABEL", required=True, help="the review's period")
    log.add_argument("--json", action="store_true", help="the events as JSON lines")

    verify = steps.add_parser("verify", help="re-walk every review's hash chain")
    _common(verify, who=False, roster=False)

    opening.set_defaults(run=run_open)
    act.set_defaults(run=run_act)
    status.set_defaults(run=run_status)
    log.set_defaults(run=run_log)
    verify.set_defaults(run=run_verify)


# --------------------------------------------------------------------------- shared


def _inputs(args: argparse.Namespace, policy: Policy) -> Inputs:
    from medsales.cli._inputs import demo_inputs, read_files

    if getattr(args, "demo", False):
        return demo_inputs(policy)
    if not args.employees:
        raise UsageError("the following arguments are required (or --demo): --employees")
    return read_files(args, policy)


def _actor(args: argparse.Namespace, inputs: Inputs) -> Actor:
    from medsales.errors import InputError
    from medsales.review import Actor

    if args.roles:
        return Actor(args.actor, frozenset(args.roles))
    ids = {e.employee_id for e in inputs.employees}
    if args.actor not in ids:
        raise InputError(
            f"{args.actor!r} is not in the roster: give their roles",
            path="--as",
            value=args.actor,
            expected="an employee_id of the roster, or --role hr (or another role)",
        )
    roles = {"employee"}
    if any(e.manager_id == args.actor for e in inputs.employees):
        roles.add("manager")
    return Actor(args.actor, frozenset(roles))


def _book(args: argparse.Namespace) -> tuple[ReviewBook, Inputs]:
    from medsales.cli._inputs import load
    from medsales.review import ReviewBook, SQLiteStore

    policy = load(args.policy)
    inputs = _inputs(args, policy)
    return ReviewBook(policy, SQLiteStore(args.store), inputs.employees), inputs


def show_reviews(reviews: Iterable[Review], book: ReviewBook, out: TextIO) -> None:
    """One line per review: id, state, version, score (computed when overridden)."""
    rows = [("review", "state", "version", "score", "computed")]
    for review in reviews:
        score, computed = book.scores(review)
        rows.append(
            (
                review.review_id,
                review.state,
                str(review.version),
                "—" if score is None else format(score, "f"),
                "—" if computed is None else format(computed, "f"),
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        print(
            "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip(), file=out
        )


def _summary(event: Event) -> str:
    p = event.payload
    if event.action == "open":
        return f"role {p['role']}, starts in {p['starts_in']}"
    parts = []
    for kpi, value in sorted(p.get("measurements", {}).items()):
        parts.append(f"{kpi} = {value['actual']}")
    if event.action == "override":
        parts.append(f"score {p['computed_score']} → {p['score']} ({p['delta']})")
    if event.action == "sign_off":
        parts.append(f"score {p['score']}, grade {p['grade']}")
    if event.action == "decide":
        parts.insert(0, p["outcome"])
        if p.get("score") is not None:
            parts.append(f"score {p['score']}")
        if p.get("version") == 2:
            parts.append(f"version 2: {p['result_score']}, grade {p['result_grade']}")
    for key in ("reason", "comment"):
        if p.get(key):
            line = f" on {p['line']}" if p.get("line") else ""
            parts.append(f"{key}{line}: {p[key]}")
    return "; ".join(parts)


def show_log(events: Iterable[Event], out: TextIO) -> None:
    """The events as lines: seq, time, actor, action, what it carried, hash prefix."""
    for e in events:
        line = f"{e.seq:>3}  {e.at}  {e.actor:<6} {e.action:<12} {e.hash[:12]}  {_summary(e)}"
        print(line.rstrip(), file=out)


# --------------------------------------------------------------------------- steps


def run_open(args: argparse.Namespace, out: TextIO, err: TextIO) -> None:
    book, inputs = _book(args)
    opened = book.open(
        args.period,
        _actor(args, inputs),
        measurements=inputs.measurements,
        incidents=inputs.incidents,
        ratings=inputs.ratings,
        surveys=inputs.surveys,
        employee_ids=args.employee_ids,
    )
    print(f"opened {count(len(opened), 'review')} in {args.store}", file=out)
    show_reviews(opened, book, out)


def _measures(items: list[str] | None) -> dict[str, str]:
    from medsales.errors import InputError

    out: dict[str, str] = {}
    for item in items or ():
        kpi, sep, value = item.partition("=")
        if not sep or not kpi.strip():
            raise InputError(f"--measure {item!r} is not KPI=VALUE", path="--measure", value=item)
        out[kpi.strip()] = value.strip()
    return out


def run_act(args: argparse.Namespace, out: TextIO, err: TextIO) -> None:
    book, inputs = _book(args)
    payload: dict[str, Any] = {}
    if args.measure:
        payload["measurements"] = _measures(args.measure)
    for key in ("comment", "line", "reason", "score", "outcome"):
        value = getattr(args, key)
        if value is not None:
            payload[key] = value
    review = book.act(args.employee_id, args.period, args.action, _actor(args, inputs), **payload)
    print(f"{review.review_id}: {args.action} → {review.state} (event {review.seq})", file=out)


def run_status(args: argparse.Namespace, out: TextIO, err: TextIO) -> None:
    book, inputs = _book(args)
    actor = _actor(args, inputs)
    if args.employee_id:
        if not args.period:
            raise UsageError("--employee needs --period")
        document = book.document(args.employee_id, args.period, actor)
        if args.json:
            from medsales.engine.results import document_json

            out.write(document_json(document, indent=2) + "\n")
            return
        show_reviews([book.state(args.employee_id, args.period)], book, out)
        print(file=out)
        out.write(book.appraisal(args.employee_id, args.period).explain(args.lang))
        return
    reviews = book.reviews(actor, period=args.period)
    if not reviews:
        print(f"no reviews that {actor.id} may see", file=out)
        return
    show_reviews(reviews, book, out)


def run_log(args: argparse.Namespace, out: TextIO, err: TextIO) -> None:
    book, inputs = _book(args)
    events = book.events(args.employee_id, args.period, by=_actor(args, inputs))
    if args.json:
        for event in events:
            out.write(json.dumps(event.to_dict(), ensure_ascii=False, sort_keys=True) + "\n")
        return
    show_log(events, out)


def verify_store(store: Store) -> tuple[int, int]:
    """Re-walk every chain of ``store``: (reviews, events) checked."""
    from medsales.review.log import verify_chain

    reviews = events = 0
    for review_id in store.review_ids():
        chain = store.events(review_id)
        verify_chain(review_id, chain)
        reviews += 1
        events += len(chain)
    return reviews, events


def run_verify(args: argparse.Namespace, out: TextIO, err: TextIO) -> None:
    from medsales.review import SQLiteStore

    reviews, events = verify_store(SQLiteStore(args.store))
    print(
        f"{args.store}: {count(events, 'event')} in {count(reviews, 'review')} verified", file=out
    )


# --------------------------------------------------------------------------- the demo cycle


def demo_clock(start: dt.datetime, step: dt.timedelta) -> Callable[[], dt.datetime]:
    """A clock that moves ``step`` on each reading, for a demo whose log reads the same
    every time it runs."""
    now = [start - step]

    def clock() -> dt.datetime:
        now[0] += step
        return now[0]

    return clock


DEMO_HR = ("HR01", "HR02")
DEMO_MANAGER = "E002"


def demo_review_policy(policy: Policy) -> Policy:
    """The built-in policy with a ``[review]`` table and two lines typed in during the
    review (a representative's event participation by themselves, their market feedback
    reports by the manager): what a company would add to run reviews."""
    from medsales.policy.io import load_policy

    data = json.loads(policy.canonical_json)
    data["review"] = {"max_override": 5, "appeal_days": 15}
    typed_in = {"event_participation": "self", "market_feedback_reports": "manager"}
    for card in data["scorecards"]:
        if card["role"] != "sales_representative":
            continue
        for section in card["sections"] or [{"lines": card["lines"]}]:
            for line in section["lines"]:
                if line["kpi"] in typed_in:
                    line["entered_by"] = typed_in[line["kpi"]]
    return load_policy(data)


def _open_demo_team(book: ReviewBook, inputs: Inputs, period: str, hr: Actor) -> list[Review]:
    """hr opens the reviews of the manager's team (those in one role all period)."""
    from medsales.cohort import appraise_cohort

    rows = {
        "measurements": inputs.measurements,
        "incidents": inputs.incidents,
        "ratings": inputs.ratings,
        "surveys": inputs.surveys,
    }
    cohort = appraise_cohort(
        book.policy, employees=inputs.employees, period=period, distribution=False, **rows
    )
    team = sorted({e.employee_id for e in inputs.employees if e.manager_id == DEMO_MANAGER})
    team = [eid for eid in team if not cohort.appraisal(eid).segments]
    return book.open(period, hr, employee_ids=team, **rows)


def _demo_steps(book: ReviewBook, reviews: list[Review]) -> None:
    """Self reviews, ratings, an override, a return, sign-offs, an upheld appeal."""
    from medsales.review import Actor

    hr, hr2 = (Actor.of(h, "hr") for h in DEMO_HR)
    manager = Actor.of(DEMO_MANAGER, "employee", "manager")
    label = reviews[0].period
    for review in reviews:
        me = Actor.of(review.employee_id, "employee")
        if review.role == "sales_representative":
            book.act(
                review.employee_id,
                label,
                "submit_self",
                me,
                measurements={"event_participation": 2},
                comment="self review done",
            )
            book.act(
                review.employee_id,
                label,
                "rate",
                manager,
                measurements={"market_feedback_reports": 4},
            )
        else:
            book.act(review.employee_id, label, "submit_self", me)
    first, second, third = (r.employee_id for r in reviews[:3])
    computed = book.appraisal(third, label).score
    assert computed is not None
    book.act(
        third,
        label,
        "override",
        manager,
        score=str(computed + 2),
        reason="led the hospital tender that the KPIs do not show",
    )
    for review in reviews:
        book.act(review.employee_id, label, "submit", manager)
    book.act(second, label, "return", hr, reason="please attach the visit reports")
    book.act(
        second, label, "comment", manager, comment="visit reports attached", line="customer_visits"
    )
    book.act(second, label, "submit", manager)
    for review in reviews:
        book.act(review.employee_id, label, "sign_off", hr)
    book.act(
        first,
        label,
        "appeal",
        Actor.of(first, "employee"),
        reason="I wrote 6 market feedback reports, not 4",
    )
    book.act(
        first,
        label,
        "decide",
        hr2,
        outcome="upheld",
        reason="the reports are on file",
        measurements={"market_feedback_reports": 6},
    )
    for review in reviews[1:]:
        book.act(review.employee_id, label, "acknowledge", Actor.of(review.employee_id, "employee"))


def run_demo_cycle(policy: Policy, store: Store, period: str, out: TextIO) -> ReviewBook:
    """A whole cycle for the demo's team of E002, then the reviews, one log, its version 2
    against version 1, and the verification: the same output every run (a demo clock)."""
    from medsales.cli._inputs import demo_inputs
    from medsales.review import Actor, ReviewBook

    inputs = demo_inputs(policy)
    start = dt.datetime(2027, 1, 4, 9, tzinfo=dt.UTC)
    book = ReviewBook(
        demo_review_policy(policy),
        store,
        inputs.employees,
        clock=demo_clock(start, dt.timedelta(minutes=7)),
    )
    hr = Actor.of(DEMO_HR[0], "hr")
    reviews = _open_demo_team(book, inputs, period, hr)
    _demo_steps(book, reviews)
    label, first = reviews[0].period, reviews[0].employee_id
    print(f"Reviews of {DEMO_MANAGER}'s team for {label} (as {hr.id} sees them):", file=out)
    show_reviews(book.reviews(hr, period=label), book, out)
    print(f"\nThe log of {first}'s review:", file=out)
    show_log(book.events(first, label, by=hr), out)
    print(f"\nVersion 2 of {first}'s appraisal, against version 1:", file=out)
    for change in book.document(first, label, hr)["review"]["appeal"]["changes"]:
        print(f"  {change['text']}", file=out)
    print(
        f"\nverified: {count(book.verify(), 'event')} in {count(len(reviews), 'review')}", file=out
    )
    return book
