"""Every public entry point, fed hostile values: only a MedsalesError escapes, or the
documented TypeError for a programming mistake (an argument no data could have filled:
a policy that is not a Policy, policy text that is not a str), and each call returns
within the test's deadline (SPEC §11, §21)."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import medsales
from builders import SHEET, build
from fuzz.hostile import HOSTILE_NUMBERS, HOSTILE_TEXTS, hostile, hostile_number
from medsales import MedsalesError, Period
from medsales.io.csv import (
    read_employees,
    read_incidents,
    read_measurements,
    read_ratings,
    read_surveys,
)

POLICY = build()
APPRAISAL = medsales.appraise(POLICY, role="rep", measurements=SHEET)

FUZZ = settings(
    max_examples=40,
    deadline=timedelta(seconds=5),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
"""A modest number of examples per entry point, each call within five seconds: the hostile
numbers once took minutes."""


def _only_medsales_errors(call: Callable[[], object], *, type_error: bool = False) -> None:
    try:
        call()
    except MedsalesError:
        pass
    except TypeError:
        if not type_error:
            raise


def _row(kpi: str, value: Any, where: str) -> dict[str, Any]:
    row: dict[str, Any] = {k: dict(v) for k, v in SHEET.items()}
    if where == "whole":
        row[kpi] = value
    else:
        row[kpi][where] = value
    return row


_WHERE = st.sampled_from(["actual", "target", "whole"])
_KPI = st.sampled_from(sorted(SHEET))


@FUZZ
@given(kpi=_KPI, where=_WHERE, value=hostile_number())
def test_appraise_measurements(kpi: str, where: str, value: Any) -> None:
    row = _row(kpi, value, where)
    _only_medsales_errors(lambda: medsales.appraise(POLICY, role="rep", measurements=row))


@FUZZ
@given(
    role=hostile(),
    employee_id=hostile(),
    period=hostile(),
    incidents=hostile(),
    measurements=hostile(),
)
def test_appraise_arguments(
    role: Any, employee_id: Any, period: Any, incidents: Any, measurements: Any
) -> None:
    for kwargs in (
        {"role": role},
        {"employee_id": employee_id},
        {"period": period},
        {"incidents": incidents},
        {"measurements": measurements},
    ):
        args = {"role": "rep", "measurements": SHEET, **kwargs}
        _only_medsales_errors(lambda args=args: medsales.appraise(POLICY, **args))


@FUZZ
@given(policy=hostile())
def test_a_policy_that_is_not_a_policy_is_a_type_error(policy: Any) -> None:
    for call in (
        lambda: medsales.appraise(policy, role="rep", measurements=SHEET),
        lambda: medsales.score_many(policy, role="rep", measurements=[SHEET]),
        lambda: medsales.dump_policy(policy),
        lambda: medsales.check_policy(policy),
        lambda: medsales.score_frame(policy, _FRAME, role="rep"),
        lambda: medsales.simulate(policy, {}, period="2026-Q3", employees=[]),
    ):
        with pytest.raises(TypeError, match="policy must be a Policy"):
            call()


@FUZZ
@given(
    rows=st.lists(st.tuples(_KPI, _WHERE, hostile_number()), max_size=3),
    incidents=st.one_of(st.none(), hostile(), st.lists(st.lists(hostile(), max_size=2))),
)
def test_score_many(rows: list[tuple[str, str, Any]], incidents: Any) -> None:
    measurements = [_row(kpi, value, where) for kpi, where, value in rows]
    _only_medsales_errors(
        lambda: medsales.score_many(
            POLICY, role="rep", measurements=measurements, incidents=incidents
        )
    )


@FUZZ
@given(kpi=_KPI, where=_WHERE, value=hostile_number(), grade=hostile(), kpi_arg=hostile())
def test_what_if(kpi: str, where: str, value: Any, grade: Any, kpi_arg: Any) -> None:
    row = _row(kpi, value, where)
    _only_medsales_errors(
        lambda: medsales.min_actual_for_grade(
            POLICY, role="rep", measurements=row, kpi="sales", grade="A"
        )
    )
    _only_medsales_errors(
        lambda: medsales.min_actual_for_grade(
            POLICY, role="rep", measurements=SHEET, kpi=kpi_arg, grade=grade
        )
    )
    _only_medsales_errors(lambda: medsales.points_per_unit(POLICY, role="rep", measurements=row))


@FUZZ
@given(lang=hostile())
def test_explain(lang: Any) -> None:
    _only_medsales_errors(lambda: APPRAISAL.explain(lang))


@FUZZ
@given(total=hostile_number(), weights=hostile(), weight=hostile_number(), unit=hostile_number())
def test_split(total: Any, weights: Any, weight: Any, unit: Any) -> None:
    _only_medsales_errors(lambda: medsales.split(total, [1, 2], unit=unit))
    _only_medsales_errors(lambda: medsales.split(100, weights))
    _only_medsales_errors(lambda: medsales.split(100, {"a": weight, "b": 1}, unit=1))


@FUZZ
@given(value=hostile_number())
def test_to_decimal(value: Any) -> None:
    _only_medsales_errors(lambda: medsales.to_decimal(value))


@FUZZ
@given(label=st.one_of(hostile(), st.sampled_from(HOSTILE_TEXTS)))
def test_period_parse(label: Any) -> None:
    _only_medsales_errors(lambda: Period.parse(label))


_DEFAULT_TOML = medsales.dump_policy(POLICY)
_DEFAULT_JSON = medsales.dump_policy(POLICY, "json")


@FUZZ
@given(
    format=st.sampled_from(["toml", "json"]),
    at=st.integers(min_value=0),
    value=st.sampled_from([v for v in HOSTILE_NUMBERS if isinstance(v, str)]),
    junk=st.text(max_size=20),
)
def test_loads_policy_with_a_hostile_value(format: str, at: int, value: str, junk: str) -> None:
    text = _DEFAULT_TOML if format == "toml" else _DEFAULT_JSON
    numbers = [i for i, ch in enumerate(text) if ch.isdigit() and not text[i - 1].isalnum()]
    i = numbers[at % len(numbers)]
    end = i
    while end < len(text) and (text[end].isdigit() or text[end] == "."):
        end += 1
    for changed in (text[:i] + value + text[end:], text[:i] + junk + text[end:]):
        _only_medsales_errors(lambda changed=changed: medsales.loads_policy(changed, format))  # type: ignore[arg-type]


@FUZZ
@given(text=hostile(), format=hostile(), source=hostile())
def test_loads_and_load_policy_arguments(text: Any, format: Any, source: Any) -> None:
    _only_medsales_errors(lambda: medsales.loads_policy(text), type_error=True)
    _only_medsales_errors(lambda: medsales.loads_policy("format = 1", format), type_error=True)
    if not isinstance(source, str):  # a str is a path: the file system is not fuzzed
        _only_medsales_errors(lambda: medsales.load_policy(source), type_error=True)


_READERS = {
    read_employees: "employee_id,name,role,manager_id,active_from,active_to\nE1,{v},rep,,,\n",
    read_measurements: "employee_id,period,kpi,actual,target\nE1,2026-Q1,sales,{v},{v}\n",
    read_incidents: "employee_id,rule,severity,date\nE1,{v},major,2026-01-05\n",
    read_ratings: "employee_id,rater_id,rater_group,period,kpi,rating\nE1,R1,peer,{v},x,{v}\n",
    read_surveys: "employee_id,period,kpi,response\nE1,{v},csat,{v}\n",
}


@FUZZ
@given(
    reader=st.sampled_from(sorted(_READERS, key=lambda r: r.__name__)),
    value=st.one_of(st.sampled_from(HOSTILE_NUMBERS), st.sampled_from(HOSTILE_TEXTS)),
    with_policy=st.booleans(),
)
def test_readers(reader: Any, value: Any, with_policy: bool) -> None:
    cell = str(value) if not isinstance(value, int) or abs(value) < 10**4000 else "9" * 4301
    text = _READERS[reader].format(v=cell.replace("\n", " ").replace(",", ";"))
    policy = POLICY if with_policy else None
    _only_medsales_errors(lambda: reader(io.StringIO(text), policy=policy))


@FUZZ
@given(source=hostile())
def test_reader_sources(source: Any) -> None:
    if isinstance(source, str):
        return  # a path: the file system is not fuzzed here
    _only_medsales_errors(lambda: read_measurements(source), type_error=True)


@FUZZ
@given(
    employees=st.lists(
        st.dictionaries(st.sampled_from(["employee_id", "role", "name"]), hostile())
    ),
    measurements=st.lists(
        st.fixed_dictionaries(
            {
                "employee_id": st.sampled_from(["E1", "E2"]),
                "period": st.sampled_from(["2026-Q1", "2026-01"]),
                "kpi": _KPI,
                "actual": hostile_number(),
            }
        ),
        max_size=3,
    ),
    period=st.one_of(st.just("2026-Q1"), hostile()),
)
def test_appraise_cohort(employees: Any, measurements: Any, period: Any) -> None:
    roster = [{"employee_id": "E1", "role": "rep"}, *employees]
    _only_medsales_errors(
        lambda: medsales.appraise_cohort(
            POLICY, employees=roster, measurements=measurements, period=period
        )
    )
    _only_medsales_errors(
        lambda: medsales.appraise_employee(
            POLICY, employee_id="E1", employees=roster, measurements=measurements, period=period
        )
    )


@FUZZ
@given(
    employee_id=st.one_of(st.just("E1"), hostile()),
    name=st.one_of(st.just("A"), hostile()),
    actual=hostile_number(),
    target=hostile_number(),
)
def test_appraise_frames(employee_id: Any, name: Any, actual: Any, target: Any) -> None:
    pd = pytest.importorskip("pandas")
    from medsales.io.pandas import appraise_frames

    employees = pd.DataFrame(
        {"employee_id": [employee_id], "name": [name], "role": ["rep"]}, dtype=object
    )
    measurements = pd.DataFrame(
        {
            "employee_id": ["E1"],
            "period": ["2026-Q1"],
            "kpi": ["sales"],
            "actual": [actual],
            "target": [target],
        },
        dtype=object,
    )
    _only_medsales_errors(
        lambda: appraise_frames(
            POLICY, employees=employees, measurements=measurements, period="2026-Q1"
        )
    )


@FUZZ
@given(cohort=hostile())
def test_calibrate_and_the_schemas(cohort: Any) -> None:
    _only_medsales_errors(lambda: medsales.calibrate(cohort), type_error=True)
    assert medsales.policy_json_schema()["type"] == "object"
    assert medsales.appraisal_json_schema()["type"] == "object"


_FRAME = pd.DataFrame({kpi: [m["actual"]] for kpi, m in SHEET.items()})


@FUZZ
@given(kpi=_KPI, value=hostile_number(), target=hostile_number())
def test_score_frame(kpi: str, value: Any, target: Any) -> None:
    frame = pd.DataFrame(
        {
            kpi: pd.Series([value, 1], dtype=object),
            f"{kpi}.target": pd.Series([target, 2], dtype=object),
        }
    )
    _only_medsales_errors(lambda: medsales.score_frame(POLICY, frame, role="rep"))
