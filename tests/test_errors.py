"""The error family (SPEC §11): one base, each error also the builtin a caller expects."""

from __future__ import annotations

import copy
import pickle
from decimal import Decimal

import pytest

import medsales
from medsales import errors
from medsales.errors import (
    ConflictError,
    DataFileError,
    InputError,
    MedsalesError,
    MissingMeasurementError,
    OutputError,
    PeriodError,
    PermissionDeniedError,
    PolicyError,
    Problem,
    ReviewError,
    ReviewStateError,
    TamperedLogError,
    TargetError,
    UnknownKPIError,
    UnknownRoleError,
    UnknownRuleError,
    format_path,
)

FAMILY: list[tuple[type[MedsalesError], type[Exception]]] = [
    (PolicyError, ValueError),
    (InputError, ValueError),
    (MissingMeasurementError, ValueError),
    (PeriodError, ValueError),
    (TargetError, ValueError),
    (DataFileError, ValueError),
    (UnknownKPIError, LookupError),
    (UnknownRoleError, LookupError),
    (UnknownRuleError, LookupError),
    (ReviewError, Exception),
    (ReviewStateError, RuntimeError),
    (PermissionDeniedError, PermissionError),
    (ConflictError, ReviewError),
    (TamperedLogError, ReviewError),
    (OutputError, OSError),
]


@pytest.mark.parametrize(("cls", "builtin"), FAMILY, ids=lambda c: c.__name__)
def test_every_error_is_a_medsales_error_and_its_builtin(
    cls: type[MedsalesError], builtin: type[Exception]
) -> None:
    assert issubclass(cls, MedsalesError)
    assert issubclass(cls, builtin)
    with pytest.raises(builtin):
        raise cls("boom")
    with pytest.raises(MedsalesError):
        raise cls("boom")


def test_the_family_is_complete_and_exported() -> None:
    exported = {
        getattr(errors, name)
        for name in errors.__all__
        if isinstance(getattr(errors, name), type)
        and issubclass(getattr(errors, name), MedsalesError)
    }
    assert exported == {MedsalesError, *(cls for cls, _ in FAMILY)}
    for cls in exported:
        assert getattr(medsales, cls.__name__) is cls


def test_missing_measurement_is_an_input_error() -> None:
    assert issubclass(MissingMeasurementError, InputError)


def test_the_base_is_an_exception_but_not_a_value_error() -> None:
    assert issubclass(MedsalesError, Exception)
    assert not issubclass(MedsalesError, ValueError)
    assert not issubclass(MedsalesError, LookupError)


def test_lookup_errors_are_not_key_errors() -> None:
    # str() of a KeyError quotes its message; ours must read as written
    assert not issubclass(UnknownKPIError, KeyError)
    assert str(UnknownKPIError("unknown KPI 'x'")) == "unknown KPI 'x'"


# --- fields and message ------------------------------------------------------------------


def test_structured_fields() -> None:
    problem = Problem("bad", path="a")
    error = PolicyError(
        "weights total 90, must total 100",
        path="scorecards[0].sections",
        value=Decimal(90),
        expected="a total of 100",
        problems=[problem],
    )
    assert error.message == "weights total 90, must total 100"
    assert error.path == "scorecards[0].sections"
    assert error.value == Decimal(90)
    assert error.expected == "a total of 100"
    assert error.problems == (problem,)
    assert error.args == ("weights total 90, must total 100",)


def test_defaults() -> None:
    error = MedsalesError("boom")
    assert (error.path, error.value, error.expected, error.problems) == ("", None, None, ())
    assert str(error) == "boom"


@pytest.mark.parametrize(
    ("kwargs", "text"),
    [
        ({}, "bad weight"),
        ({"path": "scorecards[2].lines[1].weight"}, "scorecards[2].lines[1].weight: bad weight"),
        ({"expected": "a positive number"}, "bad weight (expected a positive number)"),
        (
            {"path": "w", "expected": "a positive number"},
            "w: bad weight (expected a positive number)",
        ),
        ({"expected": "weight"}, "bad weight"),  # already said in the message
    ],
)
def test_message_names_where_and_what_is_valid(kwargs: dict[str, str], text: str) -> None:
    assert str(InputError("bad weight", **kwargs)) == text


def test_message_lists_every_problem() -> None:
    error = PolicyError(
        "invalid policy, 2 problems",
        problems=[
            Problem("unknown KPI 'x'", path="scorecards[0].lines[0].kpi"),
            Problem("invalid TOML: Invalid value", file="p.toml", line=3, column=7),
        ],
    )
    assert str(error) == (
        "invalid policy, 2 problems\n"
        "  - scorecards[0].lines[0].kpi: unknown KPI 'x'\n"
        "  - p.toml:3 column 7: invalid TOML: Invalid value"
    )


def test_a_single_problem_that_is_the_message_is_not_repeated() -> None:
    problem = Problem("invalid JSON: Expecting value", file="p.json", line=1, column=1)
    error = PolicyError(str(problem), problems=[problem])
    assert str(error) == "p.json:1 column 1: invalid JSON: Expecting value"


# --- pickling ------------------------------------------------------------------------------


@pytest.mark.parametrize("cls", [MedsalesError] + [c for c, _ in FAMILY], ids=lambda c: c.__name__)
def test_pickling_keeps_every_field(cls: type[MedsalesError]) -> None:
    problems = (
        Problem("unknown key 'wieght'", path="scorecards[0].lines[0].wieght", value=70),
        Problem("bad row", file="m.csv", line=4, column="actual", value="abc"),
    )
    error = cls(
        "something is wrong",
        path="scorecards[0].lines[0]",
        value={"wieght": 70},
        expected="one of: kpi, weight",
        problems=problems,
    )
    for restored in (pickle.loads(pickle.dumps(error)), copy.deepcopy(error), copy.copy(error)):
        assert type(restored) is cls
        assert restored.message == "something is wrong"
        assert restored.path == "scorecards[0].lines[0]"
        assert restored.value == {"wieght": 70}
        assert restored.expected == "one of: kpi, weight"
        assert restored.problems == problems
        assert str(restored) == str(error)
        assert restored.args == error.args


def test_pickling_a_raised_error() -> None:
    with pytest.raises(UnknownKPIError) as info:
        medsales.default_policy().kpi("nope")
    restored = pickle.loads(pickle.dumps(info.value))
    assert isinstance(restored, UnknownKPIError)
    assert restored.value == "nope"
    assert restored.expected == info.value.expected
    assert str(restored) == str(info.value)


# --- format_path and Problem ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("parts", "path"),
    [
        ([], ""),
        (["id"], "id"),
        (
            ["scorecards", 2, "sections", 0, "lines", 1, "weight"],
            "scorecards[2].sections[0].lines[1].weight",
        ),
        (["kpis", 0], "kpis[0]"),
        ([0, "kpi"], "[0].kpi"),
        (["steps", 1, 0], "steps[1][0]"),
        (["distribution", "shares", "S"], "distribution.shares.S"),
        (("a", "b"), "a.b"),
    ],
)
def test_format_path(parts: list[str | int], path: str) -> None:
    assert format_path(parts) == path


def test_format_path_takes_any_iterable() -> None:
    assert format_path(iter(["roles", 1, "id"])) == "roles[1].id"


@pytest.mark.parametrize(
    ("problem", "text"),
    [
        (Problem("boom"), "boom"),
        (Problem("boom", path="kpis[0].unit"), "kpis[0].unit: boom"),
        (Problem("boom", file="p.toml"), "p.toml: boom"),
        (Problem("boom", file="p.toml", line=3), "p.toml:3: boom"),
        (Problem("boom", file="p.toml", line=3, column=7), "p.toml:3 column 7: boom"),
        (
            Problem("not a number", file="m.csv", line=4, column="actual", path="actual"),
            "m.csv:4 column actual, actual: not a number",
        ),
        (Problem("boom", path="id", line=3), "id: boom"),  # a line without a file is not shown
    ],
)
def test_problem_str(problem: Problem, text: str) -> None:
    assert str(problem) == text


def test_problem_is_frozen_and_comparable() -> None:
    problem = Problem("boom", path="a", file="f", line=1, column=2, value=3)
    assert problem == Problem("boom", path="a", file="f", line=1, column=2, value=3)
    assert problem != Problem("boom", path="b", file="f", line=1, column=2, value=3)
    with pytest.raises(AttributeError):
        problem.message = "other"  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(problem)) == problem


REVIEW_ERRORS: list[MedsalesError] = [
    ReviewError("an override needs a reason", rule="[review] override: reason required"),
    ReviewStateError("closed", state="closed", action="rate", allowed=()),
    ReviewStateError(
        "no", state="hr_review", action="rate", allowed=("return", "sign_off", "comment")
    ),
    PermissionDeniedError("no", actor="e1", action="sign_off", rule="hr only", path="x"),
    ConflictError("stale", review_id="2026Q1/e1", expected_seq=2, actual_seq=3),
    TamperedLogError("changed", review_id="2026Q1/e1", seq=4),
]


@pytest.mark.parametrize("error", REVIEW_ERRORS, ids=lambda e: type(e).__name__)
def test_review_errors_pickle_with_every_field(error: MedsalesError) -> None:
    for restored in (pickle.loads(pickle.dumps(error)), copy.deepcopy(error)):
        assert type(restored) is type(error)
        assert str(restored) == str(error)
        assert vars(restored) == vars(error)


def test_review_errors_are_review_errors_and_exported() -> None:
    for error in REVIEW_ERRORS:
        assert isinstance(error, ReviewError)
        assert getattr(medsales, type(error).__name__) is type(error)
