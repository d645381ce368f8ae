"""The command line, driven through its entry point: output, messages and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from medsales import default_policy, loads_policy
from medsales.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_policy_show_prints_the_default_policy(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "policy", "show")
    assert code == 0
    assert loads_policy(out) == default_policy()
    assert "医疗行业销售部" in out


def test_policy_show_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "policy", "show", "--format", "json")
    assert code == 0
    assert loads_policy(out, "json") == default_policy()


def test_policy_show_a_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    run(capsys, "policy", "show", "--format", "json")
    main(["policy", "show", "--format", "json"])
    path.write_text(capsys.readouterr().out, encoding="utf-8")
    code, out, _ = run(capsys, "policy", "show", "--policy", str(path))
    assert code == 0
    assert loads_policy(out) == default_policy()


def test_policy_validate_a_good_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "policy.toml"
    main(["policy", "show"])
    path.write_text(capsys.readouterr().out, encoding="utf-8")
    code, out, err = run(capsys, "policy", "validate", str(path))
    assert code == 0
    assert f"valid policy medsales-default 2026.2 (sha256 {default_policy().sha256})" in out
    assert err == ""


def test_policy_validate_lists_every_problem(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    main(["policy", "show"])
    text = capsys.readouterr().out
    text = text.replace("weight = 50", "weight = 55", 1).replace("wieght", "x")
    text = text.replace(
        'kpi = "sales_revenue"\nweight = 100', 'kpi = "sales_revenue"\nwieght = 100'
    )
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "policy", "validate", str(path))
    assert code == 1
    assert out == ""
    assert "medsales: error:" in err
    assert "unknown key 'wieght'" in err
    assert "missing required key 'weight'" in err
    assert str(path) in err


def test_policy_validate_reports_cross_reference_problems(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    main(["policy", "show"])
    text = capsys.readouterr().out.replace("weight = 50", "weight = 55", 1)
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    code, _, err = run(capsys, "policy", "validate", str(path))
    assert code == 1
    assert (
        "scorecards[0].sections: section weights of scorecard 'sales_representative' "
        "total 105, must total 100" in err
    )


def test_policy_validate_a_syntax_error_names_line_and_column(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "broken.toml"
    path.write_text('id = "x"\nversion = [1,\n', encoding="utf-8")
    code, _, err = run(capsys, "policy", "validate", str(path))
    assert code == 1
    assert f"{path}:3" in err
    assert "invalid TOML" in err


def test_policy_validate_a_missing_file(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "policy", "validate", "/no/such/policy.toml")
    assert code == 1
    assert "no such file: '/no/such/policy.toml'" in err


@pytest.mark.parametrize("document", ["policy", "appraisal"])
def test_policy_schema(capsys: pytest.CaptureFixture[str], document: str) -> None:
    code, out, _ = run(capsys, "policy", "schema", "--document", document)
    assert code == 0
    schema = json.loads(out)
    assert schema["$schema"].endswith("2020-12/schema")
    assert document in schema["title"]


@pytest.mark.parametrize(
    "args", [[], ["policy"], ["policy", "bogus"], ["nope"], ["policy", "show", "--format", "yaml"]]
)
def test_bad_usage_exits_2(capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    code, _, err = run(capsys, *args)
    assert code == 2
    assert "usage:" in err


def test_help_and_version_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "--help")[0] == 0
    code, out, _ = run(capsys, "--version")
    assert code == 0
    assert out.startswith("medsales ")


def test_the_console_script_runs() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "medsales.cli", "policy", "schema"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0
    assert json.loads(done.stdout)["title"].startswith("medsales policy")


def test_help_loads_no_engine_and_no_pydantic() -> None:
    """``medsales --help`` builds every parser without importing what the commands run."""
    code = (
        "import sys; from medsales.cli import build_parser; build_parser(); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'pydantic' or "
        "m.startswith(('medsales.engine', 'medsales.policy', 'medsales.cohort', "
        "'medsales.analysis', 'medsales.views', 'medsales.io'))))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert loaded.strip() == "[]"


def test_profile_names_are_the_checks_profiles() -> None:
    from medsales.analysis.check import PROFILES
    from medsales.cli.policy import PROFILE_NAMES

    assert sorted(PROFILE_NAMES) == sorted(PROFILES)


def test_the_console_command_collects_cycles_less_often(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The command's process (not a caller of ``main``) raises the collector's thresholds:
    a large input makes millions of objects, none of them in a cycle."""
    import gc

    import medsales.cli as cli

    set_to: list[tuple[int, ...]] = []
    monkeypatch.setattr(gc, "set_threshold", lambda *t: set_to.append(t))
    monkeypatch.setattr(sys, "argv", ["medsales", "--version"])
    with pytest.raises(SystemExit) as exited:
        cli.entry()
    assert exited.value.code == 0
    assert set_to == [(50_000, 20, 20)]
    assert capsys.readouterr().out.startswith("medsales ")
