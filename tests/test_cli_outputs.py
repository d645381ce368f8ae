"""SPEC §19 through the command line: where results may be written, in which format, and
that every output path a user can get wrong ends in one line and exit 1."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from medsales.cli import main

posix = pytest.mark.skipif(os.name != "posix", reason="POSIX special files")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    assert main(["demo", "--export", str(folder)]) == 0
    return folder


def inputs(d: Path, period: str = "2026-Q4") -> list[str]:
    files = ("employees", "measurements", "incidents", "ratings", "surveys")
    args = ["--policy", str(d / "policy.toml")]
    for kind in files:
        args += [f"--{kind}", str(d / f"{kind}.csv")]
    return [*args, "--period", period]


def one_line_error(code: int, err: str) -> str:
    assert code == 1, err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("medsales: error: cannot write "), err
    return lines[0]


# --------------------------------------------------------------------------- path errors


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("nodir/x.json", "does not exist"),
        ("afile/x.json", "a part of the path is a file, not a folder"),
        ("folder", "is a folder"),
        ("folder/", "names a folder, not a file"),
        ("y" * 300 + ".json", "the name is too long"),
    ],
)
def test_appraise_out_path_errors_are_one_line(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, reason: str
) -> None:
    (tmp_path / "afile").write_text("", encoding="utf-8")
    (tmp_path / "folder").mkdir()
    target = f"{tmp_path}{os.sep}{name}"
    code, _, err = run(capsys, "appraise", *inputs(demo), "--format", "json", "--out", target)
    assert reason in one_line_error(code, err)
    assert sorted(os.listdir(tmp_path)) == ["afile", "folder"]
    assert os.listdir(tmp_path / "folder") == []


def test_appraise_out_to_the_root_folder(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "appraise", *inputs(demo), "--format", "json", "--out", "/")
    assert "names a folder" in one_line_error(code, err)


def test_a_full_disk_is_one_line(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(fd: int, data: Any) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    target = tmp_path / "r.json"
    target.write_text("previous\n", encoding="utf-8")
    args = ["appraise", *inputs(demo), "--format", "json", "--out", str(target)]
    main(args[:-2])  # read the inputs once before os.write breaks
    capsys.readouterr()
    monkeypatch.setattr(os, "write", full)
    code, _, err = run(capsys, *args)
    assert "no space left on the device" in one_line_error(code, err)
    assert target.read_text(encoding="utf-8") == "previous\n"
    assert sorted(os.listdir(tmp_path)) == ["r.json"]


def test_a_permission_error_is_one_line(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    real_open = os.open

    def locked(path: Any, flags: int, mode: int = 0o777, **kw: Any) -> int:
        if flags & os.O_CREAT:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), path)
        return real_open(path, flags, mode, **kw)

    monkeypatch.setattr(os, "open", locked)
    code, _, err = run(
        capsys, "appraise", *inputs(demo), "--format", "csv", "--out", str(tmp_path / "r.csv")
    )
    assert "permission denied" in one_line_error(code, err)


@posix
def test_a_symlink_and_a_fifo_as_out_are_refused(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    real = tmp_path / "real.json"
    real.write_text("keep\n", encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    for target, what in ((link, "symbolic link"), (fifo, "named pipe")):
        code, _, err = run(capsys, "appraise", *inputs(demo), "--out", str(target))
        assert what in one_line_error(code, err)
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8") == "keep\n"
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


@posix
@pytest.mark.skipif(not os.path.exists("/dev/null"), reason="needs /dev/null")
def test_out_dev_null_is_written_through(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = os.lstat("/dev/null")
    code, _, err = run(capsys, "appraise", *inputs(demo), "--format", "json", "--out", "/dev/null")
    assert code == 0, err
    after = os.lstat("/dev/null")
    assert stat.S_ISCHR(after.st_mode)
    assert after.st_ino == before.st_ino


def test_report_to_a_missing_folder_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from medsales.views import report

    monkeypatch.setattr(report, "render_report", lambda *a, **k: "<html></html>")
    code, _, err = run(capsys, "report", "--demo", "-o", str(tmp_path / "nodir" / "r.html"))
    assert "does not exist" in one_line_error(code, err)


def test_demo_export_to_a_file_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    afile = tmp_path / "afile"
    afile.write_text("mine\n", encoding="utf-8")
    code, _, err = run(capsys, "demo", "--export", str(afile))
    assert "is a file, not a folder" in one_line_error(code, err)
    assert afile.read_text(encoding="utf-8") == "mine\n"
    code, _, err = run(capsys, "demo", "--export", str(afile / "sub"))
    assert "a part of the path is a file" in one_line_error(code, err)


def test_any_other_os_error_in_a_command_is_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import medsales.catalog

    def broken(args: Any, out: Any, err: Any) -> None:
        raise OSError(errno.EIO, "Input/output error", "some\nfile")

    monkeypatch.setattr(medsales.catalog, "default_policy_text", lambda: broken(None, None, None))
    code, _, err = run(capsys, "policy", "show")
    assert code == 1
    assert err == "medsales: error: some\\nfile: Input/output error\n"


# --------------------------------------------------------------------------- formats

HOSTILE = {
    "E005": '=HYPERLINK("http://evil.example","click")',
    "E006": "Li [/] Wei",
    "E007": "[bold red]Boss[/] [link=http://evil.example]x[/link]",
    "E008": "Li\x1b]0;pwned\x07Wei\x1b[2J\nE999  fake row",
    "E009": "@SUM(A1:A9)",
    "E010": "-2+3",
    "E011": "王𬱖",
}


@pytest.fixture(scope="module")
def hostile(demo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo with names that try markup, escapes, newlines and formulas, and one
    negative actual."""
    import csv
    import shutil

    folder = tmp_path_factory.mktemp("hostile")
    for item in demo.iterdir():
        shutil.copy(item, folder / item.name)
    with open(demo / "employees.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    for row in rows[1:]:
        row[1] = HOSTILE.get(row[0], row[1])
    with open(folder / "employees.csv", "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    text = (demo / "measurements.csv").read_text(encoding="utf-8")
    for month in ("2026-10", "2026-11", "2026-12"):  # a quarter with negative revenue
        text = text.replace(f"E005,{month},sales_revenue,", f"E005,{month},sales_revenue,-")
    (folder / "measurements.csv").write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("name", "check"),
    [
        ("r.csv", lambda b: b.startswith(b"employee_id,name,team,role,period,score")),
        ("r.json", lambda b: b.startswith(b"[\n")),
        ("r.jsonl", lambda b: b.startswith(b'{"')),
        ("r.xlsx", lambda b: b.startswith(b"PK")),
        ("r.txt", lambda b: b"Grade distribution" in b),
        ("results", lambda b: b"Grade distribution" in b),
        ("R.CSV", lambda b: b.startswith(b"employee_id,")),
    ],
)
def test_the_format_follows_the_out_extension(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, check: Any
) -> None:
    target = tmp_path / name
    code, out, err = run(capsys, "appraise", *inputs(demo), "--out", str(target))
    assert code == 0, err
    assert out == ""
    assert check(target.read_bytes())


def test_an_explicit_format_wins_over_the_extension(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "r.txt"
    code, _, err = run(capsys, "appraise", *inputs(demo), "--format", "json", "--out", str(target))
    assert code == 0, err
    assert target.read_bytes().startswith(b"[\n")


def test_an_unknown_extension_or_xlsx_to_the_terminal_is_bad_usage(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "appraise", *inputs(demo), "--out", str(tmp_path / "r.xls"))
    assert code == 2
    assert "cannot tell the format from '.xls'" in err
    code, _, err = run(capsys, "appraise", *inputs(demo), "--format", "xlsx")
    assert code == 2
    assert "--out FILE.xlsx" in err
    code, _, err = run(capsys, "appraise", *inputs(demo), "--excel", "--format", "json")
    assert code == 2
    assert os.listdir(tmp_path) == []


def test_csv_for_excel_has_a_byte_order_mark(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "appraise", *inputs(demo), "--excel", "--lang", "zh-Hans")
    assert code == 0
    assert out.startswith("\ufeff员工编号,姓名,团队,岗位,考核期,得分,等级")
    target = tmp_path / "r.csv"
    code, _, _ = run(capsys, "appraise", *inputs(demo), "--excel", "--out", str(target))
    assert target.read_bytes().startswith(b"\xef\xbb\xbfemployee_id,")
    code, _, _ = run(capsys, "appraise", *inputs(demo), "--out", str(target))
    assert target.read_bytes().startswith(b"employee_id,")


def test_csv_has_per_kpi_actual_and_points_the_grade_and_the_team(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import csv
    import io
    import json

    _, out, _ = run(capsys, "appraise", *inputs(demo), "--format", "csv")
    rows = {r["employee_id"]: r for r in csv.DictReader(io.StringIO(out))}
    _, out, _ = run(capsys, "appraise", *inputs(demo), "--format", "json")
    documents = {d["employee_id"]: d for d in json.loads(out)}
    assert rows.keys() == documents.keys()
    for eid, row in rows.items():
        doc = documents[eid]
        assert row["score"] == (doc["score"] or "")
        assert row["grade"] == (doc["grade"] or "")
        assert row["role"] == doc["role"]
        for line in doc["lines"]:
            assert row[f"{line['kpi']}.actual"] == (line["actual"] or "")
            assert row[f"{line['kpi']}.points"] == (line["points"] or "")
    assert rows["E005"]["team"] == "E002"
    assert rows["E001"]["team"] == ""


def test_headers_and_role_names_follow_lang(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import csv
    import io

    for lang, role, actual in (
        ("zh-Hans", "销售代表", "销售额 实际值"),
        ("zh-Hant", "銷售代表", "銷售額 實際值"),
    ):
        code, out, _ = run(capsys, "appraise", *inputs(demo), "--format", "csv", "--lang", lang)
        assert code == 0
        rows = list(csv.reader(io.StringIO(out)))
        assert actual in rows[0]
        assert role in {r[3] for r in rows[1:]}
        assert {r[8] for r in rows[1:]} <= {"是", "否"}


def test_xlsx_has_one_row_per_person_with_numbers_as_numbers(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json
    from decimal import Decimal

    openpyxl = pytest.importorskip("openpyxl")
    target = tmp_path / "r.xlsx"
    code, _, err = run(capsys, "appraise", *inputs(demo), "--out", str(target))
    assert code == 0, err
    sheet = openpyxl.load_workbook(target).active
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    assert header[:8] == [
        "employee_id", "name", "team", "role", "period", "score", "grade", "coefficient"
    ]  # fmt: skip
    code, out, _ = run(capsys, "appraise", *inputs(demo), "--format", "json")
    documents = {d["employee_id"]: d for d in json.loads(out)}
    assert len(rows) == 1 + len(documents)
    for row in rows[1:]:
        doc = documents[row[0]]
        assert Decimal(str(row[5])) == Decimal(doc["score"])
        assert row[6] == doc["grade"]
        assert isinstance(row[8], bool)
        for line in doc["lines"]:
            if line["points"] is not None:
                cell = row[header.index(f"{line['kpi']}.points")]
                assert isinstance(cell, float | int)
    # the exact decimal is in the file, not a float's digits
    import zipfile

    with zipfile.ZipFile(target) as book:
        xml = book.read("xl/worksheets/sheet1.xml").decode()
    e005 = documents["E005"]
    assert f"<v>{e005['score']}</v>" in xml


def test_formulas_are_neutralised_in_csv_and_excel_but_numbers_stay_numbers(
    hostile: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import csv

    openpyxl = pytest.importorskip("openpyxl")
    code, _, err = run(capsys, "appraise", *inputs(hostile), "--out", str(tmp_path / "r.csv"))
    assert code == 0, err
    with open(tmp_path / "r.csv", encoding="utf-8", newline="") as handle:
        rows = {r["employee_id"]: r for r in csv.DictReader(handle)}
    for eid in ("E005", "E009", "E010"):
        assert rows[eid]["name"] == "'" + HOSTILE[eid]
    assert rows["E006"]["name"] == HOSTILE["E006"]
    assert rows["E005"]["sales_revenue.actual"].startswith("-")  # a number, not neutralised
    code, _, err = run(capsys, "appraise", *inputs(hostile), "--out", str(tmp_path / "r.xlsx"))
    assert code == 0, err
    sheet = openpyxl.load_workbook(tmp_path / "r.xlsx").active
    header = [c.value for c in sheet[1]]
    by_id = {r[0].value: r for r in sheet.iter_rows(min_row=2)}
    for eid in ("E005", "E009", "E010"):
        cell = by_id[eid][1]
        assert cell.data_type == "s"
        assert cell.value == "'" + HOSTILE[eid]
    assert by_id["E008"][1].value == "Li\\x1b]0;pwned\\x07Wei\\x1b[2J\nE999  fake row"
    actual = by_id["E005"][header.index("sales_revenue.actual")]
    assert actual.data_type == "n"
    assert actual.value < 0


# --------------------------------------------------------------------------- terminal


def assert_no_raw_controls(text: str) -> None:
    assert "\x1b" not in text
    assert "\x07" not in text
    assert "E999  fake row" not in [line.strip() for line in text.splitlines()]


def test_names_print_literally_in_the_plain_table(
    hostile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "appraise", *inputs(hostile))
    assert code == 0, err
    assert_no_raw_controls(out)
    assert "Li\\x1b]0;pwned\\x07Wei\\x1b[2J\\nE999  fake row" in out
    assert "Li [/] Wei" in out
    assert HOSTILE["E007"] in out
    lines = out.splitlines()
    rule = next(line for line in lines if line.startswith("-"))
    body = lines[lines.index(rule) + 1 : lines.index(rule) + 43]
    assert all(line[: len(rule.split()[0])].strip() for line in body)  # no row broken in two


def test_names_print_literally_in_the_rich_table(
    hostile: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    from medsales.cli import build_parser
    from medsales.cli._inputs import load, read_files, run_cohort
    from medsales.cli.appraise import table

    monkeypatch.setenv("COLUMNS", "300")
    args = build_parser().parse_args(["appraise", *inputs(hostile)])
    policy = load(args.policy)
    cohort = run_cohort(
        policy, read_files(args, policy), "2026-Q4", distribution=True, stderr=io.StringIO()
    )
    buffer = io.StringIO()
    table(cohort, "en", buffer, rich=True)
    out = buffer.getvalue()
    assert_no_raw_controls(out)
    assert "Li [/] Wei" in out
    assert "[bold red]Boss[/] [link=http://evil.example]x[/link]" in out
    assert "Li\\x1b]0;pwned\\x07Wei\\x1b[2J\\nE999  fake row" in out
    assert "王𬱖" in out


def test_explain_and_whatif_show_control_characters_escaped(
    hostile: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    folder = tmp_path / "h"
    shutil.copytree(hostile, folder)
    with open(folder / "incidents.csv", "a", encoding="utf-8") as handle:
        handle.write('E008,teamwork,minor,2026-11-02,"late\x1b[2J\nE008 fake, [bold]x[/]"\n')
    policy = (folder / "policy.toml").read_text(encoding="utf-8")
    (folder / "policy.toml").write_text(
        policy.replace(
            'name = { en = "Sales revenue"', 'name = { en = "Sales\\u001b[31m revenue"', 1
        ),
        encoding="utf-8",
    )
    code, out, err = run(capsys, "explain", "E008", *inputs(folder))
    assert code == 0, err
    assert_no_raw_controls(out)
    assert "late\\x1b[2J\\nE008 fake, [bold]x[/]" in out
    assert "Sales\\x1b[31m revenue" in out
    code, out, err = run(
        capsys, "whatif", "E008", *inputs(folder), "--kpi", "sales_revenue", "--grade", "S"
    )
    assert code == 0, err
    assert_no_raw_controls(out)


# --------------------------------------------------------------------------- messages


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ["1,000,000", "1", "1"],
            "medsales: error: TOTAL: '1,000,000' is not a number (expected a decimal number "
            "such as 1000000 or 1234.5, without thousands separators)",
        ),
        (["100", "1", "x"], "medsales: error: WEIGHT 2: 'x' is not a number (expected"),
        (["100", "1", "1", "--unit", "abc"], "medsales: error: --unit: 'abc' is not a number"),
        (["100", "1", "-1"], "medsales: error: WEIGHT 2: -1 is negative"),
        (
            ["100.005", "1", "1"],
            "medsales: error: TOTAL: 100.005 is not a multiple of --unit 0.01 (expected",
        ),
        (["100", "0", "0"], "medsales: error: WEIGHT: the 2 weights are all zero"),
    ],
)
def test_targets_split_answers_in_the_words_of_the_command_line(
    capsys: pytest.CaptureFixture[str], args: list[str], line: str
) -> None:
    code, out, err = run(capsys, "targets", "split", *args)
    assert code == 1
    assert out == ""
    assert len(err.splitlines()) == 1
    assert err.startswith(line)
    for api_word in ("an int, a decimal string", "weights[", "error: total:", "error: unit:"):
        assert api_word not in err


def test_whatif_answers_money_in_whole_yuan(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "whatif", "E021", "--demo", "--kpi", "sales_revenue", "--grade", "B")
    assert code == 0
    first = out.splitlines()[0]
    assert "sales_revenue of at least 1263826 reaches B" in first
    assert "≈" not in first


def test_a_chinese_report_without_a_chinese_font_says_which_package_to_install(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("matplotlib")
    from medsales.views import plots

    monkeypatch.setattr(plots, "cjk_font", lambda: None)
    monkeypatch.setattr(plots, "_warned", set())
    target = tmp_path / "r.html"
    code, _, err = run(capsys, "report", "--demo", "--lang", "zh-Hans", "-o", str(target))
    assert code == 0, err
    warnings = [line for line in err.splitlines() if line.startswith("medsales: warning:")]
    assert len(warnings) == 1
    assert "fonts-noto-cjk" in warnings[0]
    assert "逐人考核明细" in target.read_text(encoding="utf-8")
