"""The review book (SPEC §17): commands that check, then append; reads that fold the log.

The book keeps no state of its own between calls. Every call reads the store, folds the
review's events, checks the actor and the state against the tables of
:mod:`medsales.review.machine` and the rules of the request, and appends one event with
the ``seq`` it read. When someone else appended meanwhile the store refuses with
:class:`~medsales.errors.ConflictError`, which the book raises as it is: the caller asks
again and decides, the book never retries on its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any, Final, cast

import attrs

from medsales.cohort import appraise_cohort
from medsales.engine.appraise import (
    Resolved,
    caps_and_veto,
    finish,
    grade_for,
    measurements_of,
    normalize_incidents,
    normalize_measurements,
    resolve_period,
    score_lines,
)
from medsales.engine.notes import Note
from medsales.engine.periodic import required_period, validate_records
from medsales.engine.results import Appraisal, LineResult
from medsales.errors import InputError, PermissionDeniedError, ReviewError, ReviewStateError
from medsales.numbers import engine_context, to_decimal
from medsales.periods import Period
from medsales.policy.models import Policy
from medsales.policy.records import Employee
from medsales.review.log import Event, Review, fold, plain, review_id_of, verify_chain
from medsales.review.machine import (
    RULES,
    SEE_RULE,
    Action,
    Actor,
    Relation,
    allowed_in,
    check,
)
from medsales.review.stores import Store

__all__ = ["PAYLOAD_KEYS", "Clock", "ReviewBook"]

Clock = Callable[[], dt.datetime]
"""A zero-argument callable returning an aware datetime: the time of each event."""

PAYLOAD_KEYS: Final[Mapping[str, frozenset[str]]] = {
    "submit_self": frozenset({"measurements", "comment"}),
    "rate": frozenset({"measurements", "comment"}),
    "override": frozenset({"score", "reason", "comment"}),
    "submit": frozenset({"comment"}),
    "return": frozenset({"reason", "comment"}),
    "sign_off": frozenset({"comment"}),
    "acknowledge": frozenset({"comment"}),
    "appeal": frozenset({"reason", "comment"}),
    "decide": frozenset({"outcome", "reason", "measurements", "score", "comment"}),
    "comment": frozenset({"comment", "line"}),
}
"""The payload keywords each action takes (SPEC §17)."""


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _number(text: Any) -> Decimal | Fraction | None:
    """A logged number back: ``"12.5"`` → Decimal, ``"1/3"`` → Fraction."""
    if text is None:
        return None
    if isinstance(text, str) and "/" in text:
        return Fraction(text)
    return to_decimal(text)


def _resolved(data: Mapping[str, Any]) -> Resolved:
    return Resolved(
        actual=_number(data.get("actual")),
        target=_number(data.get("target")),
        applicable=bool(data.get("applicable", True)),
    )


def _logged(value: Resolved) -> dict[str, Any]:
    return {
        "actual": plain(value.actual),
        "target": plain(value.target),
        "applicable": value.applicable,
    }


class ReviewBook:
    """The reviews of one policy over one store, for the people of one roster.

    ``employees`` is the roster (records or mappings, as :func:`medsales.appraise_cohort`
    takes): who manages whom at a period's last day. ``clock`` gives each event its time
    (default: now, in UTC).
    """

    def __init__(
        self,
        policy: Policy,
        store: Store,
        employees: Iterable[Employee | Mapping[str, Any]],
        *,
        clock: Clock | None = None,
    ) -> None:
        self.policy = policy
        self.store = store
        self.employees: tuple[Employee, ...] = tuple(
            e for _, e in validate_records(Employee, employees, "employees")
        )
        self.clock: Clock = clock if clock is not None else _utc_now
        self._rows: dict[str, list[Employee]] = {}
        for e in self.employees:
            self._rows.setdefault(e.employee_id, []).append(e)

    # -- the roster ------------------------------------------------------------------

    def _period(self, period: Period | str) -> Period:
        return required_period(self.policy, period)

    def _manager_on(self, employee_id: str, day: dt.date) -> str | None:
        """The manager of ``employee_id`` on ``day``: from their row active that day, else
        from their latest row that started by then (someone who left keeps their last)."""
        rows = self._rows.get(employee_id, [])
        active = [
            e for e in rows if (e.active_from or dt.date.min) <= day <= (e.active_to or dt.date.max)
        ]
        started = active or [e for e in rows if (e.active_from or dt.date.min) <= day] or rows
        if not started:
            return None
        latest: Employee = max(started, key=lambda e: e.active_from or dt.date.min)
        return latest.manager_id

    def managers_of(self, employee_id: str, period: Period | str) -> tuple[str, ...]:
        """Who counts as the employee's manager for ``period``: the manager at its last
        day, and with ``[review] skip_level = true`` every manager above, nearest first."""
        day = self._period(period).end
        out: list[str] = []
        manager = self._manager_on(employee_id, day)
        while manager is not None and manager not in out and manager != employee_id:
            out.append(manager)
            if not self.policy.review_settings.skip_level:
                break
            manager = self._manager_on(manager, day)
        return tuple(out)

    def relations(self, actor: Actor, review: Review) -> frozenset[Relation]:
        """How ``actor`` stands to ``review``: the employee reviewed (whatever roles they
        hold), one of their managers (role ``manager``), or hr (role ``hr``; never on
        one's own review)."""
        if actor.id == review.employee_id:
            return frozenset({"employee"})
        held: set[Relation] = set()
        if "manager" in actor.roles and actor.id in self.managers_of(
            review.employee_id, review.period
        ):
            held.add("manager")
        if "hr" in actor.roles:
            held.add("hr")
        return frozenset(held)

    # -- reading ---------------------------------------------------------------------

    def _load(self, employee_id: str, period: Period | str) -> tuple[list[Event], Review]:
        label = self._period(period).label
        review_id = review_id_of(employee_id, label)
        events = self.store.events(review_id)
        if not events:
            raise ReviewError(
                f"there is no review of {employee_id} for {label}",
                value=review_id,
                expected="a review opened with book.open(...)",
            )
        verify_chain(review_id, events)
        review = fold(events)
        if review.policy_sha256 != self.policy.sha256:
            raise ReviewError(
                f"review {review_id} was opened under policy {review.policy_sha256[:12]}…, "
                f"this book holds policy {self.policy.sha256[:12]}…",
                rule="a review is carried out under the policy it was opened with",
            )
        return events, review

    def _visible(self, actor: Actor, review: Review) -> None:
        if not self.relations(actor, review):
            raise PermissionDeniedError(
                f"{actor.id} may not see review {review.review_id}: {SEE_RULE}",
                actor=actor.id,
                action="see",
                rule=SEE_RULE,
            )

    def state(self, employee_id: str, period: Period | str) -> Review:
        """The review as its log leaves it now (``.state``, ``.seq``, ``.version``, …)."""
        return self._load(employee_id, period)[1]

    def events(
        self, employee_id: str, period: Period | str, *, by: Actor | None = None
    ) -> list[Event]:
        """The review's events in order; with ``by``, only if they may see the review."""
        events, review = self._load(employee_id, period)
        if by is not None:
            self._visible(by, review)
        return events

    def reviews(self, by: Actor, *, period: Period | str | None = None) -> list[Review]:
        """The reviews ``by`` may see (the employee their own, a manager those of the
        people they manage, hr all), optionally of one period, sorted by id."""
        label = None if period is None else self._period(period).label
        out = []
        for review_id in self.store.review_ids():
            review = fold(self.store.events(review_id))
            if label is not None and review.period != label:
                continue
            if self.relations(by, review):
                out.append(review)
        return out

    def verify(self) -> int:
        """Re-walk every review's chain; :class:`~medsales.errors.TamperedLogError` names
        the first event changed, removed or reordered. Returns the events checked."""
        count = 0
        for review_id in self.store.review_ids():
            events = self.store.events(review_id)
            verify_chain(review_id, events)
            count += len(events)
        return count

    def appraisal(
        self, employee_id: str, period: Period | str, *, version: int | None = None
    ) -> Appraisal:
        """The appraisal as it stands (or as signed off, once it is; version 2 after an
        upheld appeal). ``version=1`` gives the first version of an appealed review."""
        return self._appraisal(self.state(employee_id, period), version)

    def scores(self, review: Review) -> tuple[Decimal | None, Decimal | None]:
        """The review's final score as it stands and the computed one (they differ when
        overridden)."""
        return (
            self._appraisal(review, None).score,
            self._appraisal(review, None, overridden=False).score,
        )

    def document(self, employee_id: str, period: Period | str, by: Actor) -> dict[str, Any]:
        """The appraisal document plus its ``review`` block, if ``by`` may see it."""
        review = self.state(employee_id, period)
        self._visible(by, review)
        appraisal = self._appraisal(review, None)
        data = appraisal.to_dict()
        data["review"] = self._review_block(review, appraisal)
        return data

    # -- computing the appraisal -----------------------------------------------------

    def _appraisal(
        self, review: Review, version: int | None, *, overridden: bool = True
    ) -> Appraisal:
        """Score the review's measurements: those it opened with, then those typed in, then
        (version 2) the corrections of an upheld appeal; then the override of that version
        (version 1: the manager's; version 2: hr's, if the decision gave one)."""
        version = review.version if version is None else version
        if version not in (1, review.version):
            raise ReviewError(
                f"review {review.review_id} has no version {version}",
                expected=f"1 to {review.version}",
            )
        values: dict[str, Resolved] = {k: _resolved(v) for k, v in review.opened.items()}
        entered: dict[str, tuple[str, str]] = {}
        for entry in review.entries:
            values[entry["kpi"]] = _resolved(entry["value"])
            entered[entry["kpi"]] = (entry["by"], entry["action"])
        override = review.override
        decision = review.decision if version == 2 else None
        notes: tuple[Note, ...] = ()
        if decision is not None:
            for kpi, value in sorted(decision.get("measurements", {}).items()):
                values[kpi] = _resolved(value)
                entered[kpi] = (decision["by"], "decide")
            override = decision if decision.get("score") is not None else None
            notes = (
                Note.of("review_version", version=2, by=decision["by"], reason=decision["reason"]),
            )
        with engine_context():
            scored = score_lines(self.policy, review.role, values)
            lines = tuple(_entered_line(line, entered) for line in scored.lines)
            appraisal = finish(
                self.policy,
                attrs.evolve(scored, lines=lines),
                incidents=normalize_incidents(review.incidents, employee_id=review.employee_id),
                employee_id=review.employee_id,
                period=resolve_period(self.policy, review.period),
                notes=notes,
            )
            if override is not None and overridden:
                appraisal = _overridden(
                    self.policy,
                    appraisal,
                    to_decimal(override["score"]),
                    by=override["by"],
                    reason=override["reason"],
                )
        return appraisal

    def _review_block(self, review: Review, appraisal: Appraisal) -> dict[str, Any]:
        computed = self._appraisal(review, None, overridden=False)
        block: dict[str, Any] = {
            "review_id": review.review_id,
            "state": review.state,
            "seq": review.seq,
            "version": review.version,
            "computed_score": None if computed.score is None else format(computed.score, "f"),
            "score": None if appraisal.score is None else format(appraisal.score, "f"),
            "allowed": list(allowed_in(review.state)),
            "entries": [dict(e) for e in review.entries],
            "overrides": [{**dict(o), "current": o is review.override} for o in review.overrides],
            "comments": [dict(c) for c in review.comments],
            "returns": [dict(r) for r in review.returns],
            "sign_offs": [dict(s) for s in review.sign_offs],
            "acknowledged": dict(review.acknowledged) if review.acknowledged else None,
            "appeal": None,
        }
        if review.appeal is not None:
            appeal: dict[str, Any] = dict(review.appeal)
            appeal["decision"] = dict(review.decision) if review.decision else None
            if review.version == 2:
                first = self._appraisal(review, 1)
                appeal["changes"] = differences(first, appraisal)
            block["appeal"] = appeal
        return block

    # -- commands ----------------------------------------------------------------------

    def _now(self) -> dt.datetime:
        now = self.clock()
        if not isinstance(now, dt.datetime) or now.tzinfo is None or now.utcoffset() is None:
            raise ReviewError(
                f"the clock gave {now!r}, not an aware datetime",
                value=now,
                expected="a zero-argument callable returning a datetime with tzinfo",
            )
        return now

    def open(
        self,
        period: Period | str,
        by: Actor,
        *,
        measurements: Iterable[Any] = (),
        incidents: Iterable[Any] = (),
        ratings: Iterable[Any] = (),
        surveys: Iterable[Any] = (),
        goals: Iterable[Any] | None = None,
        employee_ids: Iterable[str] | None = None,
    ) -> list[Review]:
        """Open one review per appraised employee of the roster (or of ``employee_ids``),
        each from their appraisal of ``period`` computed from these inputs.

        Only hr may open, never their own review; a review already open is refused
        before anything is written.
        """
        within = self._period(period)
        if "hr" not in by.roles:
            raise PermissionDeniedError(
                f"{by.id} may not open reviews: {RULES['open']}",
                actor=by.id,
                action="open",
                rule=RULES["open"],
            )
        appraised = self._appraise_for_open(
            within,
            measurements=measurements,
            incidents=incidents,
            ratings=ratings,
            surveys=surveys,
            goals=goals,
        )
        chosen = sorted(appraised) if employee_ids is None else list(dict.fromkeys(employee_ids))
        for eid in chosen:
            self._check_openable(eid, appraised.get(eid), within, by)
        now = self._now()
        opened = []
        for eid in chosen:
            review_id = review_id_of(eid, within.label)
            payload = self._open_payload(appraised[eid], within)
            event = Event.make(review_id, 1, "open", by.id, now, payload, None)
            self.store.append(review_id, 0, [event])
            opened.append(fold([event]))
        return opened

    def _appraise_for_open(
        self,
        within: Period,
        *,
        measurements: Iterable[Any],
        incidents: Iterable[Any],
        ratings: Iterable[Any],
        surveys: Iterable[Any],
        goals: Iterable[Any] | None,
    ) -> dict[str, Appraisal]:
        """Everyone's appraisal of the period, each on their own (no distribution)."""
        cohort = appraise_cohort(
            self.policy,
            employees=self.employees,
            period=within,
            measurements=measurements,
            incidents=incidents,
            ratings=ratings,
            surveys=surveys,
            goals=() if goals is None else goals,
            distribution=False,
        )
        return {a.employee_id or "": a for a in cohort.appraisals}

    def _check_openable(
        self, eid: str, appraisal: Appraisal | None, within: Period, by: Actor
    ) -> None:
        """Refuse, before anything is written, a review that cannot be opened."""
        if appraisal is None:
            raise InputError(
                f"{eid!r} is not appraised for {within.label}",
                path="employee_ids",
                value=eid,
                expected="an employee of the roster active in the period",
            )
        if eid == by.id:
            raise PermissionDeniedError(
                f"{by.id} may not open their own review: {RULES['open']}",
                actor=by.id,
                action="open",
                rule=RULES["open"],
            )
        if appraisal.segments:
            raise ReviewError(
                f"{eid} changed role within {within.label}: a review covers one role",
                value=eid,
                expected="a period in which the employee holds one role",
            )
        existing = self.store.events(review_id_of(eid, within.label))
        if existing:
            state = fold(existing).state
            raise ReviewStateError(
                f"review {review_id_of(eid, within.label)} is already open ({state})",
                state=state,
                action="open",
                allowed=allowed_in(state),
                rule="one review per employee and period",
            )

    def _open_payload(self, appraisal: Appraisal, within: Period) -> dict[str, Any]:
        """What the open event records: all a review needs to be scored from its log."""
        eid = appraisal.employee_id
        settings = self.policy.review_settings
        return {
            "employee_id": eid,
            "period": within.label,
            "role": appraisal.role,
            "policy": self.policy.sha256,
            "starts_in": "self_review" if settings.self_review else "manager_review",
            "measurements": {k: _logged(v) for k, v in sorted(measurements_of(appraisal).items())},
            "incidents": [
                {
                    "rule": c.rule,
                    "severity": c.severity,
                    "date": c.date,
                    "note": c.note,
                    "employee_id": eid,
                }
                for c in appraisal.conduct
            ],
        }

    def act(
        self, employee_id: str, period: Period | str, action: str, by: Actor, **payload: Any
    ) -> Review:
        """Take ``action`` on a review as ``by``; returns the review after it.

        Refusals: :class:`~medsales.errors.PermissionDeniedError` (who),
        :class:`~medsales.errors.ReviewStateError` (when), a
        :class:`~medsales.errors.ReviewError` naming the rule of the request itself, and
        :class:`~medsales.errors.ConflictError` when someone acted first.
        """
        if action == "open":
            raise ReviewError("reviews are opened with book.open(period, by, ...)")
        if action not in PAYLOAD_KEYS:
            raise ReviewError(
                f"unknown review action {action!r}",
                value=action,
                expected="one of " + ", ".join(PAYLOAD_KEYS),
            )
        act = cast(Action, action)
        events, review = self._load(employee_id, period)
        check(
            by,
            act,
            review.state,
            self.relations(by, review),
            review_id=review.review_id,
            reviewing_managers={*review.managers, *self.managers_of(employee_id, period)[:1]},
            signed_off_by=review.signed_off_by,
        )
        unknown = sorted(set(payload) - PAYLOAD_KEYS[act])
        if unknown:
            raise ReviewError(
                f"{action} takes no {', '.join(unknown)}",
                value=unknown,
                expected="keywords from " + ", ".join(sorted(PAYLOAD_KEYS[act])),
            )
        now = self._now()
        data = self._request(review, act, by, now, dict(payload))
        event = Event.make(review.review_id, review.seq + 1, act, by.id, now, data, review.head)
        self.store.append(review.review_id, review.seq, [event])
        return fold([*events, event])

    # -- the rules of each request ---------------------------------------------------

    def _request(
        self, review: Review, action: Action, by: Actor, now: dt.datetime, p: dict[str, Any]
    ) -> dict[str, Any]:
        """The event's payload, once the request keeps the rules of its action."""
        out: dict[str, Any] = {}
        comment = p.get("comment")
        if comment is not None:
            if not isinstance(comment, str) or not comment.strip():
                raise ReviewError("a comment is non-empty text", path="comment", value=comment)
            out["comment"] = comment
        if action in ("return", "appeal", "override", "decide"):
            out["reason"] = _reason(p.get("reason"), action)
        if action == "comment":
            out.update(self._comment(review, p))
        elif action in ("submit_self", "rate"):
            given = p.get("measurements")
            if action == "rate" and not given:
                raise ReviewError("rate needs measurements=", rule="a rating gives measurements")
            who = "self" if action == "submit_self" else "manager"
            out["measurements"] = self._entries(review, given or {}, who)
        elif action == "override":
            computed = self._appraisal(review, None, overridden=False).score
            out["score"] = self._override_score(review.review_id, p.get("score"), computed)
            out["computed_score"] = computed
            out["delta"] = f"{out['score'] - computed:+f}"
        elif action == "sign_off":
            final = self._appraisal(review, None)
            out.update(
                version=1,
                score=final.score,
                grade=final.grade,
                computed_score=self._appraisal(review, None, overridden=False).score,
            )
        elif action == "appeal":
            self._in_appeal_window(review, now)
        elif action == "decide":
            out.update(self._decision(review, by, p, out["reason"]))
        return cast(dict[str, Any], plain(out))

    def _comment(self, review: Review, p: Mapping[str, Any]) -> dict[str, Any]:
        if p.get("comment") is None:
            raise ReviewError("comment needs comment=", rule="a comment has text", path="comment")
        line = p.get("line")
        if line is None:
            return {}
        kpis = self.policy.scorecard(review.role).kpi_ids
        if line not in kpis:
            raise ReviewError(
                f"{line!r} is not a line of the {review.role} scorecard",
                path="line",
                value=line,
                expected="one of " + ", ".join(sorted(kpis)),
            )
        return {"line": line}

    def _in_appeal_window(self, review: Review, now: dt.datetime) -> None:
        signed = dt.datetime.fromisoformat(review.sign_offs[-1]["at"])
        days = self.policy.review_settings.appeal_days
        if now - signed > dt.timedelta(days=days):
            raise ReviewError(
                f"review {review.review_id} was signed off on {signed.date()}: the appeal "
                f"window of {days} days has closed",
                rule=f"[review] appeal_days = {days}: appeal within {days} days of sign-off",
                value=now.isoformat(),
            )

    def _decision(
        self, review: Review, by: Actor, p: Mapping[str, Any], reason: str
    ) -> dict[str, Any]:
        """An appeal's outcome; upheld, the corrections and override of version 2 and
        what version 2 comes to."""
        outcome = p.get("outcome")
        if outcome not in ("upheld", "rejected"):
            raise ReviewError(
                f"decide needs outcome= 'upheld' or 'rejected', not {outcome!r}",
                path="outcome",
                value=outcome,
                expected="upheld or rejected",
            )
        corrections = p.get("measurements")
        score = p.get("score")
        if outcome == "rejected":
            if corrections or score is not None:
                raise ReviewError(
                    "a rejected appeal changes nothing: give no measurements or score",
                    rule="only an upheld appeal gives version 2",
                )
            return {"outcome": outcome}
        if not corrections and score is None:
            raise ReviewError(
                "an upheld appeal gives corrected measurements= or an override score=",
                rule="an upheld appeal changes the appraisal",
            )
        out: dict[str, Any] = {
            "outcome": outcome,
            "measurements": self._entries(review, corrections or {}, None),
        }
        trial = attrs.evolve(review, decision={**out, "by": by.id, "reason": reason})
        if score is not None:
            computed = self._appraisal(trial, 2, overridden=False).score
            out["score"] = self._override_score(review.review_id, score, computed)
            trial = attrs.evolve(review, decision={**out, "by": by.id, "reason": reason})
        final = self._appraisal(trial, 2)
        out.update(version=2, result_score=final.score, result_grade=final.grade)
        return out

    def _entries(self, review: Review, given: Mapping[str, Any], who: str | None) -> dict[str, Any]:
        """Measurements typed in during the review: KPIs of lines ``entered_by`` ``who``
        (any line of the scorecard for hr's corrections, ``who`` None)."""
        if not isinstance(given, Mapping):
            raise ReviewError(
                "measurements= maps a KPI id to a value",
                path="measurements",
                value=given,
                expected="a mapping, as appraise(measurements=...) takes",
            )
        card = self.policy.scorecard(review.role)
        lines = {line.kpi: line for _, _, _, line in card.plan}
        for kpi in given:
            line = lines.get(kpi)
            if line is None:
                self.policy.kpi(kpi)  # an unknown KPI is an UnknownKPIError
                raise ReviewError(
                    f"{kpi!r} is not a line of the {review.role} scorecard",
                    path=f"measurements.{kpi}",
                    value=kpi,
                    expected="one of " + ", ".join(sorted(lines)),
                )
            if who is not None and line.entered_by != who:
                mine = sorted(k for k, v in lines.items() if v.entered_by == who)
                raise ReviewError(
                    f"{kpi} is not entered by {who} (its line has entered_by = "
                    f"{line.entered_by!r})",
                    path=f"measurements.{kpi}",
                    rule=f'only lines with entered_by = "{who}" are typed in by the '
                    f"{'employee' if who == 'self' else 'manager'}",
                    expected="one of " + ", ".join(mine) if mine else "no measurements",
                )
        resolved = normalize_measurements(self.policy, given)
        return {k: _logged(v) for k, v in sorted(resolved.items())}

    def _override_score(self, rid: str, raw: Any, computed: Decimal | None) -> Decimal:
        """An override's score, checked: a number of the policy's places, not negative,
        within ± ``[review] max_override`` of the computed score."""
        if raw is None:
            raise ReviewError("an override needs score=", path="score", rule="score required")
        score = to_decimal(raw, path="score")
        if computed is None:
            raise ReviewError(
                f"review {rid} has no computed score to override",
                rule="an override moves a computed final score",
            )
        places = self.policy.score_places
        exact = score.quantize(Decimal(1).scaleb(-places))
        if exact != score:
            raise ReviewError(
                f"an override score has at most {places} decimals, not {score}",
                path="score",
                value=score,
                rule=f"score_places = {places}",
            )
        bound = self.policy.review_settings.max_override
        if abs(score - computed) > bound or score < 0:
            raise ReviewError(
                f"override {score} is {abs(score - computed)} points from the computed "
                f"{computed}: beyond [review] max_override = {bound}",
                path="score",
                value=score,
                rule=f"[review] max_override = {bound}: within ± {bound} points of the "
                "computed score",
                expected=f"{max(computed - bound, Decimal(0))} to {computed + bound}",
            )
        return exact


def _reason(value: Any, action: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ReviewError(
            f"{action} needs a reason",
            path="reason",
            value=value,
            rule=f"{action}: a reason is required",
            expected="reason= non-empty text",
        )
    return value


def _entered_line(line: LineResult, entered: Mapping[str, tuple[str, str]]) -> LineResult:
    if line.kpi not in entered:
        return line
    by, action = entered[line.kpi]
    return attrs.evolve(line, notes=(*line.notes, Note.of("review_entered", by=by, action=action)))


def _overridden(
    policy: Policy, appraisal: Appraisal, score: Decimal, *, by: str, reason: str
) -> Appraisal:
    """The appraisal with its final score overridden: the grade read from the new score,
    then grade caps and veto applied as SPEC §5 applies them (the computed score stays in
    the review block and in the note)."""
    assert appraisal.score is not None
    computed = appraisal.score
    notes = [n for n in appraisal.notes if n.code not in ("grade_cap", "veto")]
    notes.append(
        Note.of(
            "review_override",
            computed=computed,
            score=score,
            delta=f"{score - computed:+f}",
            by=by,
            reason=reason,
        )
    )
    from_score = grade_for(policy, score).id
    grade, changed = caps_and_veto(policy, from_score, appraisal.conduct)
    notes.extend(changed)
    return attrs.evolve(
        appraisal,
        exact_score=Fraction(score),
        score=score,
        grade_from_score=from_score,
        grade=grade,
        coefficient=policy.grades_by_id[grade].coefficient,
        notes=tuple(notes),
    )


def differences(first: Appraisal, second: Appraisal) -> list[dict[str, Any]]:
    """What changed from version 1 to version 2, line by line, then the result: each
    entry names the line (or ``score``/``grade``), the field, both values and a sentence."""
    out: list[dict[str, Any]] = []
    before = {line.kpi: line.to_dict() for line in first.lines}
    for line in second.lines:
        old = before.get(line.kpi)
        new = line.to_dict()
        if old is None:  # pragma: no cover - both versions score one scorecard
            continue
        for field in ("status", "actual", "target", "points", "contribution"):
            if old[field] != new[field]:
                out.append(
                    {
                        "line": line.kpi,
                        "field": field,
                        "version_1": old[field],
                        "version_2": new[field],
                        "text": f"{line.kpi}: {field} {old[field]} → {new[field]}",
                    }
                )
    for field, a, b in (
        ("score", first.score, second.score),
        ("grade", first.grade, second.grade),
    ):
        if a != b:
            out.append(
                {
                    "line": None,
                    "field": field,
                    "version_1": plain(a),
                    "version_2": plain(b),
                    "text": f"{field} {plain(a)} → {plain(b)}",
                }
            )
    return out
