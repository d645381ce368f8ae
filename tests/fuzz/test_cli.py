"""The command line, fed hostile arguments and files: every run ends with an exit status
(0, 1 or 2) and, on bad input, one ``medsales: error: …`` report, never a traceback; and
the hostile numbers are refused within 1 GB and 10 s of CPU, located."""

from __future__ import annotations

import contextlib
import io
import json
import re
import subprocess
import sys
import textwrap
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builders import SHEET, build
from fuzz.hostile import HOSTILE_NUMBERS, HOSTILE_TEXTS
from medsales import default_policy, dump_policy
from medsales.cli import main

EMPLOYEES = "employee_id,name,role,manager_id,active_from,active_to\nE1,{name},rep,,,\n"
MEASUREMENTS = "employee_id,period,kpi,actual,target\nE1,{period},sales,{actual},{target}\n"

_ARGS = st.one_of(
    st.sampled_from([v for v in HOSTILE_NUMBERS if isinstance(v, str)]),
    st.sampled_from([v for v in HOSTILE_TEXTS if isinstance(v, str) and "\x00" not in v]),
    st.text(alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00")),
)


def _run(argv: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, err.getvalue()


def _ends_well(code: int, err: str, *, findings: bool = False) -> None:
    """Exit 0, 1 or 2 without a traceback; 1 with one error report (or, for ``policy
    check``, with its error findings printed as the result)."""
    assert code in (0, 1, 2), code
    assert "Traceback" not in err
    if code == 1 and not (findings and not err):
        report = "".join(
            line
            for line in err.splitlines(keepends=True)
            if not line.startswith("medsales: warning:")
        )  # warnings about the inputs (SPEC §19) may come before the error
        assert report.startswith("medsales: error:"), err


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cli-fuzz")


FUZZ = settings(
    max_examples=25,
    deadline=timedelta(seconds=10),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@FUZZ
@given(total=_ARGS, weight=_ARGS, unit=_ARGS)
def test_targets_split(total: str, weight: str, unit: str) -> None:
    for argv in (
        ["targets", "split", total, "1", weight],
        ["targets", "split", "100", "1", "2", "--unit", unit],
        ["targets", "split", "100", "1", "--period", total, "--by", "quarter"],
    ):
        _ends_well(*_run(argv))


@FUZZ
@given(
    name=_ARGS,
    period=_ARGS,
    actual=_ARGS,
    target=_ARGS,
    appraised=st.one_of(st.just("2026-Q1"), _ARGS),
)
def test_appraise_files(
    files: Path, name: str, period: str, actual: str, target: str, appraised: str
) -> None:
    def cell(text: str) -> str:
        text = text.encode("utf-8", "replace").decode("utf-8")  # a file holds no lone surrogate
        return '"' + text.replace('"', '""') + '"'

    employees = files / "employees.csv"
    measurements = files / "measurements.csv"
    employees.write_text(EMPLOYEES.format(name=cell(name)), encoding="utf-8")
    measurements.write_text(
        MEASUREMENTS.format(period=cell(period), actual=cell(actual), target=cell(target)),
        encoding="utf-8",
    )
    argv = ["appraise", "--employees", str(employees), "--measurements", str(measurements)]
    _ends_well(*_run([*argv, "--period", appraised, "--format", "json"]))


@FUZZ
@given(key=st.sampled_from(["max_score", "max_deduction"]), value=_ARGS)
def test_policy_validate_and_check(files: Path, key: str, value: str) -> None:
    policy = files / "policy.toml"
    text = dump_policy(default_policy())
    text = re.sub(rf"(?m)^{key} = .*$", "", text)
    value = value.encode("utf-8", "replace").decode("utf-8")
    policy.write_text(f"{key} = {json.dumps(value)}\n{text}", encoding="utf-8")
    for action in ("validate", "check"):
        argv = ["policy", action, str(policy)] if action == "validate" else None
        if argv is None:
            argv = ["policy", "check", "--policy", str(policy)]
        _ends_well(*_run(argv), findings=action == "check")


@FUZZ
@given(employee=_ARGS, kpi=_ARGS, grade=_ARGS, period=_ARGS)
def test_explain_and_whatif(files: Path, employee: str, kpi: str, grade: str, period: str) -> None:
    employees = files / "e.csv"
    measurements = files / "m.csv"
    policy = files / "p.json"
    policy.write_text(dump_policy(build(), "json"), encoding="utf-8")
    employees.write_text(EMPLOYEES.format(name="A"), encoding="utf-8")
    rows = "".join(
        f"E1,2026-Q1,{kpi_id},{m['actual']},{m['target']}\n" for kpi_id, m in SHEET.items()
    )
    measurements.write_text(MEASUREMENTS.split("\n")[0] + "\n" + rows, encoding="utf-8")
    common = ["--policy", str(policy), "--employees", str(employees)]
    common += ["--measurements", str(measurements)]
    for argv in (
        ["explain", *common, employee, "--period", "2026-Q1"],
        ["explain", *common, "E1", "--period", period],
        ["whatif", *common, "E1", "--kpi", kpi, "--grade", grade, "--period", "2026-Q1"],
    ):
        _ends_well(*_run(argv))


# --------------------------------------------------------------------------- resources

_LIMITED = textwrap.dedent(
    """
    import resource, sys
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
    resource.setrlimit(resource.RLIMIT_CPU, (10, 10))
    from medsales.cli import main
    sys.exit(main(sys.argv[1:]))
    """
)


def _limited(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _LIMITED, *argv],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.skipif(sys.platform != "linux", reason="resource limits as on Linux")
@pytest.mark.parametrize("number", ["1e999999999", "1e-999999999", "9" * 5000])
def test_hostile_numbers_in_a_file_are_refused_within_1_gb_and_10_s(
    tmp_path: Path, number: str
) -> None:
    employees = tmp_path / "e.csv"
    measurements = tmp_path / "m.csv"
    employees.write_text(EMPLOYEES.format(name="A"), encoding="utf-8")
    measurements.write_text(
        MEASUREMENTS.format(period="2026-Q1", actual=number, target=1000), encoding="utf-8"
    )
    policy = tmp_path / "p.toml"
    text = re.sub(r"(?m)^max_score = .*$", "", dump_policy(default_policy()))
    policy.write_text(f'max_score = "{number}"\n{text}', encoding="utf-8")
    runs = {
        "m.csv:2 column actual": _limited(
            "appraise",
            "--employees",
            str(employees),
            "--measurements",
            str(measurements),
            "--period",
            "2026-Q1",
        ),
        "p.toml:1 column 1, max_score": _limited("policy", "validate", str(policy)),
        "unit": _limited("targets", "split", "100", "1", "1", "--unit", number),
        "TOTAL": _limited("targets", "split", number, "1", "1"),
    }
    for where, done in runs.items():
        assert done.returncode == 1, (where, done.stderr[-2000:])
        assert done.stderr.startswith("medsales: error:"), done.stderr[-2000:]
        assert where in done.stderr, done.stderr[-2000:]
        assert "too large or too precise" in done.stderr
