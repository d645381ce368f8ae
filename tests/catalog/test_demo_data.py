"""The bundled demo department: synthetic, reproducible, clean against the built-in policy,
and shaped to show every rule the demo is meant to show."""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
from collections import Counter, defaultdict
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar

import pytest

import medsales
from medsales.cohort import CohortResult, appraise_cohort
from medsales.io import (
    read_employees,
    read_incidents,
    read_measurements,
    read_ratings,
    read_surveys,
)
from medsales.periods import Period
from medsales.policy.models import RatingsDerive, SurveyDerive

POLICY = medsales.default_policy()
DEMO = resources.files("medsales.catalog.demo")
FILES = ("employees.csv", "measurements.csv", "incidents.csv", "ratings.csv", "surveys.csv")
SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "make_demo_data.py"
_T = TypeVar("_T")
MONTHS = [f"2026-{m:02d}" for m in range(1, 13)]  # the latest year
QUARTERS = [f"2026-Q{q}" for q in range(1, 5)]
ALL_MONTHS = [f"{y}-{m:02d}" for y in (2025, 2026) for m in range(1, 13)]  # two years
ALL_QUARTERS = [f"{y}-Q{q}" for y in (2025, 2026) for q in range(1, 5)]


def text(name: str) -> str:
    return DEMO.joinpath(name).read_text(encoding="utf-8")


def read(reader: Callable[..., tuple[_T, ...]], name: str, **checks: Any) -> tuple[_T, ...]:
    """Read a bundled file as a package user would, through importlib.resources."""
    with DEMO.joinpath(name).open("r", encoding="utf-8") as handle:
        return reader(handle, policy=POLICY, name=name, **checks)


EMPLOYEES = read(read_employees, "employees.csv")
ROSTER = {e.employee_id for e in EMPLOYEES}
MEASUREMENTS = read(read_measurements, "measurements.csv", employee_ids=ROSTER)
INCIDENTS = read(read_incidents, "incidents.csv", employee_ids=ROSTER)
RATINGS = read(read_ratings, "ratings.csv", employee_ids=ROSTER)
SURVEYS = read(read_surveys, "surveys.csv", employee_ids=ROSTER)


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_demo_data", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


def role_on(employee_id: str, day: dt.date) -> str | None:
    for e in EMPLOYEES:
        if (
            e.employee_id == employee_id
            and (e.active_from is None or e.active_from <= day)
            and (e.active_to is None or day <= e.active_to)
        ):
            return e.role
    return None


def card_kpis(role: str) -> set[str]:
    return {line.kpi for s in POLICY.scorecard(role).effective_sections for line in s.lines}


# --------------------------------------------------------------------------- the files


def test_the_files_read_cleanly_against_the_default_policy_and_the_roster() -> None:
    # read at import with every check on: a problem would have raised DataFileError there
    assert len(EMPLOYEES) > len(ROSTER)  # the role change takes two rows
    assert all((MEASUREMENTS, INCIDENTS, RATINGS, SURVEYS))


def test_the_generator_reproduces_the_bundled_files_byte_for_byte(tmp_path: Path) -> None:
    load_script().main(tmp_path)
    for name in (*FILES, "goals.csv", "README.md"):
        assert (tmp_path / name).read_bytes() == DEMO.joinpath(name).read_bytes(), name


def test_the_data_say_they_are_synthetic_and_stay_small() -> None:
    readme = text("README.md")
    assert "synthetic" in readme
    assert "scripts/make_demo_data.py" in readme
    assert "No real person" in readme
    total = sum(len(DEMO.joinpath(name).read_bytes()) for name in FILES)
    assert total < 1_000_000


# --------------------------------------------------------------------------- organisation


def test_forty_or_more_people_in_all_four_roles_and_three_teams() -> None:
    people = {e.employee_id for e in EMPLOYEES}
    assert len(people) >= 40
    assert {e.role for e in EMPLOYEES} == set(POLICY.roles_by_id)
    (head,) = [e for e in EMPLOYEES if e.manager_id is None]
    assert head.role == "sales_manager"
    team_managers = {e.employee_id for e in EMPLOYEES if e.manager_id == head.employee_id}
    assert len(team_managers) == 3
    assert all(role_on(m, dt.date(2026, 1, 1)) == "sales_manager" for m in team_managers)
    for manager in team_managers:
        roles = {e.role for e in EMPLOYEES if e.manager_id == manager}
        assert roles >= {"sales_representative", "marketing_specialist", "after_sales_specialist"}
    assert all(e.employee_id[0] == "E" and len(e.employee_id) == 4 for e in EMPLOYEES)
    names = [e.name for e in EMPLOYEES]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in "".join(names))
    assert any(name.isascii() and " " in name for name in names)  # a few English names


def test_a_mid_year_joiner_has_rows_only_from_august() -> None:
    joiners = [e for e in EMPLOYEES if e.active_from == dt.date(2026, 8, 1)]
    assert len(joiners) == 1
    joiner = joiners[0].employee_id
    periods = {m.period for m in MEASUREMENTS if m.employee_id == joiner}
    assert periods == set(MONTHS[7:])
    assert {s.period for s in SURVEYS if s.employee_id == joiner} <= set(MONTHS[7:])


def test_a_role_change_on_october_first_splits_the_kpis_by_role() -> None:
    rows: defaultdict[str, list[medsales.Employee]] = defaultdict(list)
    for e in EMPLOYEES:
        rows[e.employee_id].append(e)
    changers = {k: v for k, v in rows.items() if len(v) > 1}
    assert len(changers) == 1
    ((changer, (before, after)),) = changers.items()
    assert before.role == "sales_representative"
    assert after.role == "marketing_specialist"
    assert before.active_to == dt.date(2026, 9, 30)
    assert after.active_from == dt.date(2026, 10, 1)
    assert after.active_to is None
    for month in MONTHS:
        role = "sales_representative" if month < "2026-10" else "marketing_specialist"
        kpis = {m.kpi for m in MEASUREMENTS if m.employee_id == changer and m.period == month}
        assert kpis == card_kpis(role) - derived_kpis(), month


def quarter_of(month: str) -> str:
    """The calendar quarter of a month label."""
    return next(q for q in ALL_QUARTERS if Period.parse(q).contains(Period.parse(month)))


def derived_kpis() -> set[str]:
    return {k.id for k in POLICY.kpis if k.derive is not None}


def test_every_non_derived_kpi_of_each_card_is_measured_every_active_month() -> None:
    by_person: defaultdict[tuple[str, str], set[str]] = defaultdict(set)
    for m in MEASUREMENTS:
        by_person[(m.employee_id, m.period)].add(m.kpi)
    assert {m.period for m in MEASUREMENTS} == set(ALL_MONTHS)
    for employee_id in ROSTER:
        for month in ALL_MONTHS:
            role = role_on(employee_id, dt.date.fromisoformat(f"{month}-01"))
            have = by_person.get((employee_id, month), set())
            if role is None:
                assert not have
                continue
            expected = card_kpis(role) - derived_kpis()
            # a month without complaints has no complaint_resolution_days row
            assert have <= expected
            assert expected - have <= {"complaint_resolution_days"}, (employee_id, month)
    assert not {m.kpi for m in MEASUREMENTS} & derived_kpis()


def test_targets_are_realistic_and_weighted_kpis_carry_weights() -> None:
    sales = [m for m in MEASUREMENTS if m.kpi == "sales_revenue"]
    assert all(m.target is not None and 200_000 <= m.target <= 1_200_000 for m in sales)
    attainment = [m.actual / m.target for m in sales if m.actual is not None and m.target]
    assert min(attainment) < 0.7
    assert max(attainment) > 1.2
    december = sum(m.target or 0 for m in sales if m.period == "2026-12")
    february = sum(m.target or 0 for m in sales if m.period == "2026-02")
    assert december > february  # seasonality
    weighted = [m for m in MEASUREMENTS if POLICY.kpi(m.kpi).aggregation == "weighted_mean"]
    assert weighted
    assert all(m.weight is not None and m.weight > 0 for m in weighted)


def test_quarterly_counts_land_in_the_range_of_the_policys_steps() -> None:
    totals: defaultdict[tuple[str, str, str], int] = defaultdict(int)
    for m in MEASUREMENTS:
        if POLICY.kpi(m.kpi).unit == "count" and m.target is None and m.actual is not None:
            quarter = quarter_of(m.period)
            totals[(m.employee_id, m.kpi, quarter)] += int(m.actual)
    by_kpi: defaultdict[str, list[int]] = defaultdict(list)
    for (_, kpi, _), total in totals.items():
        by_kpi[kpi].append(total)
    for kpi, values in by_kpi.items():
        steps = next(
            line.curve.steps
            for card in POLICY.scorecards
            for s in card.effective_sections
            for line in s.lines
            if line.kpi == kpi and line.curve.type == "steps"
        )
        top = steps[-1][0]
        # most quarters reach a step, some reach the top step, none are absurd
        assert sum(1 for v in values if v >= steps[0][0]) > len(values) * 0.8, kpi
        assert any(v >= top for v in values), kpi
        assert max(values) <= 4 * top, kpi


def test_one_measurement_is_marked_not_applicable() -> None:
    rows = [m for m in MEASUREMENTS if not m.applicable]
    assert len(rows) == 1
    assert rows[0].actual is None


# --------------------------------------------------------------------------- surveys, ratings


def test_survey_responses_suffice_for_most_and_not_for_one() -> None:
    counts: Counter[tuple[str, str, str]] = Counter()
    for s in SURVEYS:
        counts[(s.employee_id, s.kpi, quarter_of(s.period))] += 1
    minimum = {
        k.id: k.derive.min_responses for k in POLICY.kpis if isinstance(k.derive, SurveyDerive)
    }
    too_few = {(e, k) for (e, k, _), n in counts.items() if n < minimum[k]}
    assert {s.kpi for s in SURVEYS} == set(minimum)
    assert {s.response for s in SURVEYS if s.kpi == "nps"} <= set(range(11))
    assert {s.response for s in SURVEYS if s.kpi == "customer_satisfaction"} <= set(range(1, 6))
    short_people = {e for e, _ in too_few}
    full_quarters = [
        key for key, n in counts.items() if n >= minimum[key[1]] and key[0] not in short_people
    ]
    assert len(full_quarters) > 0.8 * len(counts)
    # the one person with too few responses in every quarter
    always_short = [
        e
        for e in short_people
        if all(counts.get((e, "customer_satisfaction", q), 0) < 10 for q in QUARTERS)
    ]
    assert len(always_short) == 1


def test_ratings_are_quarterly_with_self_manager_and_peers() -> None:
    assert {r.period for r in RATINGS} == set(ALL_QUARTERS)
    groups = {
        g for k in POLICY.kpis if isinstance(k.derive, RatingsDerive) for g in k.derive.groups
    }
    assert {r.rater_group for r in RATINGS} == groups
    assert all((r.rater_id == r.employee_id) == (r.rater_group == "self") for r in RATINGS)
    peers: Counter[tuple[str, str]] = Counter(
        (r.employee_id, r.period) for r in RATINGS if r.rater_group == "peer"
    )
    rated = {(r.employee_id, r.period) for r in RATINGS}
    enough = sum(1 for key in rated if peers[key] >= 3)
    assert enough > 0.8 * len(rated)
    assert any(peers[key] >= 5 for key in rated)  # the trimmed mean applies to some
    self_only = [
        key
        for key in rated
        if {r.rater_group for r in RATINGS if (r.employee_id, r.period) == key} == {"self"}
    ]
    assert {e for e, _ in self_only} == {e.employee_id for e in EMPLOYEES if e.manager_id is None}


# --------------------------------------------------------------------------- incidents


def test_a_critical_integrity_incident_in_q4_and_incidents_outside_it() -> None:
    q4 = Period.parse("2026-Q4")
    critical = [i for i in INCIDENTS if i.severity == "critical"]
    assert len(critical) == 1
    veto = critical[0]
    assert veto.rule == "integrity"
    assert veto.date is not None
    assert q4.contains(veto.date)
    assert veto.employee_id is not None
    assert role_on(veto.employee_id, veto.date) == "sales_representative"
    assert any(i.date is not None and not q4.contains(i.date) for i in INCIDENTS)
    assert {i.severity for i in INCIDENTS} == {"minor", "major", "critical"}
    assert len({i.rule for i in INCIDENTS}) >= 4


# --------------------------------------------------------------------------- appraised


@pytest.fixture(scope="module")
def q4() -> CohortResult:
    return appraise_cohort(
        POLICY,
        employees=EMPLOYEES,
        period="2026-Q4",
        measurements=MEASUREMENTS,
        incidents=INCIDENTS,
        surveys=SURVEYS,
        ratings=RATINGS,
    )


def test_the_latest_quarter_spreads_over_every_grade(q4: CohortResult) -> None:
    grades = q4.grades
    assert all(grades.get(g.id, 0) >= 1 for g in POLICY.grades), grades
    appraisals = q4.appraisals
    assert len(appraisals) == len(ROSTER)
    assert all(a.complete for a in appraisals)


def test_the_vetoed_representative_scores_well_and_gets_d(q4: CohortResult) -> None:
    (veto,) = [i for i in INCIDENTS if i.severity == "critical"]
    (appraisal,) = [a for a in q4.appraisals if a.employee_id == veto.employee_id]
    assert appraisal.vetoed
    assert appraisal.grade == "D"
    assert appraisal.score is not None
    assert appraisal.score >= 70
