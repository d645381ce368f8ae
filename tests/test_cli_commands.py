"""The main job and the data commands, through the entry point, on the demo data and on
broken files: exit codes, messages, and no output file when the input is bad."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from medsales import appraisal_json_schema
from medsales.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def demo(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    code, out, _ = run(capsys, "demo", "--export", str(tmp_path / "demo"))
    assert code == 0
    assert "wrote employees.csv" in out
    return tmp_path / "demo"


def inputs(d: Path) -> list[str]:
    return [
        "--policy",
        str(d / "policy.toml"),
        "--employees",
        str(d / "employees.csv"),
        "--measurements",
        str(d / "measurements.csv"),
        "--incidents",
        str(d / "incidents.csv"),
        "--ratings",
        str(d / "ratings.csv"),
        "--surveys",
        str(d / "surveys.csv"),
        "--period",
        "2026-Q4",
    ]


def test_demo_shows_a_ranked_table_a_chart_and_an_explanation(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "demo")
    assert code == 0
    assert "synthetic medical sales department (42 people" in out
    assert "period 2026-Q4" in out  # the latest complete quarter of the data
    assert "Grade distribution (2026-Q4, n = 42)" in out
    assert "vetoed" in out
    assert "Raw score (sum of contributions)" in out
    ranks = [line.split()[0] for line in out.splitlines() if line[:2].strip().isdigit()]
    assert ranks[:3] == ["1", "2", "3"]


def test_demo_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "demo", "--lang", "zh-Hans", "--period", "2026-Q3", "--employee", "E005"
    )
    assert code == 0
    assert "合成的医疗销售部" in out
    assert "等级分布 (2026-Q3" in out
    assert "绩效考核: 岗位 销售代表 (sales_representative) · 员工 E005" in out


def test_demo_rejects_a_bad_period(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "demo", "--period", "2026-Q5")
    assert code == 1
    assert out == ""
    assert '"2026-Q5" is not a period label' in err


def test_appraise_the_exported_demo_as_a_table(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "appraise", *inputs(demo))
    assert code == 0
    assert "E005" in out
    assert "Grade distribution" in out


def test_appraise_json_is_one_sorted_array_of_valid_documents(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "appraise", *inputs(demo), "--format", "json")
    assert code == 0
    docs = json.loads(out)
    assert [d["employee_id"] for d in docs] == sorted(d["employee_id"] for d in docs)
    validator = Draft202012Validator(appraisal_json_schema())
    for doc in docs:
        validator.validate(doc)
    assert len(docs) == 42


def test_appraise_jsonl_and_csv(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "appraise", *inputs(demo), "--format", "jsonl")
    assert code == 0
    assert len(out.splitlines()) == 42
    assert json.loads(out.splitlines()[0])["employee_id"] == "E001"
    code, out, _ = run(capsys, "appraise", *inputs(demo), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 42
    assert rows[0]["name"] == "周建国"
    assert {r["grade"] for r in rows} <= {"S", "A", "B", "C", "D"}


def test_appraise_writes_out_atomically(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "result.json"
    code, out, err = run(
        capsys, "appraise", *inputs(demo), "--format", "json", "--out", str(target)
    )
    assert code == 0
    assert out == ""
    assert "wrote 42 appraisals" in err
    assert len(json.loads(target.read_text(encoding="utf-8"))) == 42
    table = tmp_path / "table.txt"
    assert main(["appraise", *inputs(demo), "--out", str(table)]) == 0
    assert "Grade distribution" in table.read_text(encoding="utf-8")


def test_explain_one_employee(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "explain", "E033", *inputs(demo), "--lang", "zh-Hans")
    assert code == 0
    assert "员工 E033" in out
    assert "一票否决" in out


def test_explain_an_unknown_employee(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "explain", "E999", *inputs(demo))
    assert code == 1
    assert "'E999' was not appraised in 2026-Q4" in err


def _break(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8-sig")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        ("measurements.csv", ",2026-10,", ",2026-13,", '"2026-13" is not a period label'),
        ("measurements.csv", ",sales_revenue,", ",sales_revenu,", "sales_revenu"),
        ("incidents.csv", ",integrity,", ",honesty,", "honesty"),
        ("employees.csv", "sales_representative", "sales_rep", "sales_rep"),
    ],
)
def test_bad_rows_exit_1_with_file_and_line_and_write_nothing(
    demo: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    file: str,
    old: str,
    new: str,
    message: str,
) -> None:
    _break(demo / file, old, new)
    target = tmp_path / "out.json"
    code, out, err = run(
        capsys, "appraise", *inputs(demo), "--format", "json", "--out", str(target)
    )
    assert code == 1
    assert out == ""
    assert message in err
    assert f"{file}:" in err  # file and line
    assert not target.exists()
    assert list(tmp_path.glob("*.tmp")) == []


def test_problems_of_several_files_are_reported_together(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _break(demo / "measurements.csv", ",2026-10,", ",2026-13,")
    _break(demo / "incidents.csv", ",integrity,", ",honesty,")
    code, _, err = run(capsys, "appraise", *inputs(demo))
    assert code == 1
    assert "measurements.csv" in err
    assert "incidents.csv" in err
    assert "nothing was written" in err


def test_an_empty_file_and_a_missing_column(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (demo / "incidents.csv").write_text("", encoding="utf-8")
    code, _, err = run(capsys, "appraise", *inputs(demo))
    assert code == 1
    assert "incidents.csv" in err
    text = (demo / "ratings.csv").read_text(encoding="utf-8").replace("rater_group", "group", 1)
    (demo / "ratings.csv").write_text(text, encoding="utf-8")
    code, _, err = run(capsys, "appraise", *inputs(demo))
    assert "rater_group" in err


def test_a_bom_is_accepted(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (demo / "employees.csv").read_text(encoding="utf-8")
    (demo / "employees.csv").write_text("\ufeff" + text, encoding="utf-8")
    code, out, _ = run(capsys, "appraise", *inputs(demo), "--format", "csv")
    assert code == 0
    assert "周建国" in out


def test_missing_required_options_are_bad_usage(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "appraise", "--period", "2026-Q4")
    assert code == 2
    assert "--employees" in err


def test_targets_split(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "targets",
        "split",
        "850000",
        "115",
        "92",
        "81",
        "112",
        "--unit",
        "1",
        "--names",
        "东",
        "南",
        "西",
        "北",
    )
    assert code == 0
    assert out == "东\t244375\n南\t195500\n西\t172125\n北\t238000\n"


def test_targets_split_seasonal(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "targets", "split", "1000", "1", "1", "1", "--period", "2026", "--by", "quarter"
    )
    assert code == 1  # four quarters need four weights
    code, out, _ = run(capsys, "targets", "split", "1000", "1", "1", "1", "1", "--period", "2026")
    assert code == 0
    assert out.splitlines() == [
        "2026-Q1\t250.00",
        "2026-Q2\t250.00",
        "2026-Q3\t250.00",
        "2026-Q4\t250.00",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["1000.005", "1", "1"], "1000.005"),
        (["1000", "1", "-1"], "WEIGHT 2"),
        (["1000", "1", "1", "--names", "a"], "1 names for 2 weights"),
        (["1000", "1", "1", "--unit", "x"], "x"),
    ],
)
def test_targets_split_bad_input(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, _, err = run(capsys, "targets", "split", *args)
    assert code == 1
    assert message in err


def test_policy_check_the_default_policy(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "policy", "check")
    assert code == 0
    assert "medsales-default 2026.2: 0 errors, 0 warnings, 1 note" in out
    code, out, _ = run(
        capsys, "policy", "check", "--format", "json", "--profile", "cn-medical-representative-2020"
    )
    assert code == 0
    assert {f["code"] for f in json.loads(out)} == {"conduct_rule_unmeasured", "cn_medrep_no_role"}


def test_policy_check_exits_1_on_a_wrong_golden_example(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["policy", "show"])
    text = capsys.readouterr().out.replace('score = "92.26"', 'score = "92.27"', 1)
    path = tmp_path / "p.toml"
    path.write_text(text, encoding="utf-8")
    code, out, _ = run(capsys, "policy", "check", str(path))
    assert code == 1
    assert "error [example_mismatch] examples[0]" in out
    assert "92.27" in out


def test_whatif_on_the_demo(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "whatif", "E021", "--kpi", "sales_revenue", "--grade", "B", "--demo")
    assert code == 0
    assert out.startswith("E021 (sales_representative), now 28.34 D: sales_revenue of at least")
    assert "reaches B" in out
    assert "points per unit (others fixed):" in out


@pytest.mark.parametrize(
    ("lang", "head", "title"),
    [
        ("zh-Hans", "E033（销售代表），当前 82.77 D：无法达到 A：", "每单位的得分变化"),
        ("zh-Hant", "E033（銷售代表），當前 82.77 D：無法達到 A：", "每單位的得分變化"),
    ],
)
def test_whatif_in_chinese(
    capsys: pytest.CaptureFixture[str], lang: str, head: str, title: str
) -> None:
    code, out, _ = run(
        capsys, "whatif", "E033", "--kpi", "sales_revenue", "--grade", "A", "--demo", "--lang", lang
    )
    assert code == 0
    assert out.startswith(head)
    assert ("诚信原则（严重）" if lang == "zh-Hans" else "誠信原則（嚴重）") in out
    assert title in out
    assert ("  销售额：" if lang == "zh-Hans" else "  銷售額：") in out


def test_whatif_and_explain_need_files_or_demo(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "whatif", "E021", "--kpi", "sales_revenue", "--grade", "B")
    assert code == 2
    assert "required (or --demo): --employees, --measurements, --period" in err


def test_explain_with_demo(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "explain", "E007", "--demo", "--period", "2026")
    assert code == 0
    assert "Role segment: Sales Representative (sales_representative), 2026-01-01" in out


def test_targets_split_by_half_and_names_with_a_period(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(
        capsys, "targets", "split", "1200", "1", "2", "--period", "2026", "--by", "half"
    )
    assert (code, out) == (0, "2026-H1\t400.00\n2026-H2\t800.00\n")
    code, _, err = run(
        capsys, "targets", "split", "1200", "1", "2", "--period", "2026", "--names", "a", "b"
    )
    assert code == 2
    assert "--names goes with plain splits" in err


def test_a_closed_pipe_ends_quietly() -> None:
    import subprocess
    import sys

    done = subprocess.run(
        f"{sys.executable} -c 'from medsales.cli import entry; entry()' demo | head -n 1",
        shell=True,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.stdout.startswith("medsales demo:")
    assert "Traceback" not in done.stderr


def test_report_writes_one_self_contained_html_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("matplotlib")
    target = tmp_path / "report.html"
    code, out, err = run(capsys, "report", "--demo", "-o", str(target))
    assert code == 0
    assert out == ""  # the report goes to the file, the message to stderr
    assert "wrote the report of 42 appraisals (2026-Q4)" in err
    html = target.read_text(encoding="utf-8")
    assert html.count("<svg") >= 2
    assert "E033" in html
    assert "http://" not in html.replace("http://www.w3.org", "")


def test_report_needs_inputs_or_demo(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "report", "-o", str(tmp_path / "r.html"))
    assert code == 2
    assert "(or --demo)" in err
    assert not (tmp_path / "r.html").exists()
