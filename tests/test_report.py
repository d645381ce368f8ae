"""The HTML report: one self-contained file that holds the whole cohort."""

from __future__ import annotations

import importlib
import io
import re
import shutil
import subprocess
import sys
import warnings
from html.parser import HTMLParser
from pathlib import Path

import pytest

pytest.importorskip("matplotlib")

import medsales
from medsales import CohortResult, appraise_cohort
from medsales.catalog import DEMO_FILES, demo_file_text
from medsales.io import csv as csvio
from medsales.views.report import render_report

VOID = {"meta", "br", "hr", "img", "input", "link", "col", "wbr", "source"}


class Document(HTMLParser):
    """Checks that elements nest and close in order; collects tags, attributes and text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str, str | None]] = []
        self.text: list[str] = []
        self.declarations: list[str] = []

    def handle_decl(self, decl: str) -> None:
        self.declarations.append(decl)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.extend((tag, k, v) for k, v in attrs)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.extend((tag, k, v) for k, v in attrs)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack[-1:] == [tag], (tag, self.stack[-5:])
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self.stack[-1:] != ["style"]:
            self.text.append(data)


def parse(markup: str) -> Document:
    document = Document()
    document.feed(markup)
    document.close()
    assert document.stack == []
    return document


@pytest.fixture(scope="module")
def demo() -> CohortResult:
    inputs = {k: getattr(csvio, f"read_{k}")(io.StringIO(demo_file_text(k))) for k in DEMO_FILES}
    return appraise_cohort(medsales.default_policy(), period="2026-Q4", **inputs)


@pytest.fixture(scope="module")
def report(demo: CohortResult) -> str:
    return render_report(demo)


def test_the_report_is_one_html_document(report: str) -> None:
    assert report.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert report.endswith("</html>\n")
    document = parse(report)
    assert document.declarations == ["DOCTYPE html"]
    assert document.tags.count("html") == 1
    assert document.tags.count("body") == 1
    assert document.tags.count("svg") == 2  # grade distribution, scores per team
    ids = [v for _, name, v in document.attributes if name == "id"]
    assert len(ids) == len(set(ids))  # the charts' ids are prefixed: no two alike
    defined = set(ids)
    for _, name, value in document.attributes:
        if name in ("href", "xlink:href") and value and value.startswith("#"):
            assert value[1:] in defined
    for reference in re.findall(r"url\(#([^)]+)\)", report):
        assert reference in defined


def test_the_report_needs_nothing_outside_itself(report: str) -> None:
    document = parse(report)
    assert "script" not in document.tags
    assert "link" not in document.tags
    assert "iframe" not in document.tags
    for tag, name, value in document.attributes:
        if name in ("src", "href", "xlink:href", "srcset", "action", "data"):
            assert value is not None
            assert value.startswith("#"), (tag, name, value)  # only links within the file
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", report)
    assert not re.search(r"""url\(\s*["']?\s*[^#"'\s]""", report)  # url(#clip) only
    assert "@import" not in report


def test_the_report_holds_the_whole_cohort(demo: CohortResult, report: str) -> None:
    text = " ".join(parse(report).text)
    policy = demo.policy
    assert "Performance appraisal: Medical Sales Department, 2026-Q4" in text
    assert policy.id in text
    assert policy.version in text
    assert policy.sha256 in text
    assert "2026-Q4 (2026-10-01 – 2026-12-31)" in text
    for a in demo.appraisals:
        assert a.employee_id is not None
        assert a.employee_id in text
        assert demo.names[a.employee_id] in text
    for heading in ("Ranking", "Grade distribution", "Scores by team", "Teams", "Roles"):
        assert heading in text
    for role in ("Sales Manager", "Sales Representative", "Marketing Specialist"):
        assert role in text


def test_each_appraisal_is_explained_in_a_details_element(demo: CohortResult, report: str) -> None:
    document = parse(report)
    assert document.tags.count("details") == len(demo.appraisals)
    assert document.tags.count("summary") == len(demo.appraisals)
    ids = [v for tag, name, v in document.attributes if tag == "details" and name == "id"]
    assert sorted(ids) == sorted(a.employee_id for a in demo.appraisals)
    assert ids[0] == "E005"  # best first
    e033 = report[report.index('<details id="E033">') :]
    e033 = e033[: e033.index("</details>")]
    assert "82.77 · D · vetoed" in e033
    assert "Integrity" in e033


def test_the_report_is_deterministic(demo: CohortResult, report: str) -> None:
    assert render_report(demo) == report


def test_the_report_in_chinese_with_a_title_of_ones_own(demo: CohortResult) -> None:
    from medsales.views.plots import MissingFontWarning

    with warnings.catch_warnings():  # without a Chinese font the charts say so, once
        warnings.simplefilter("ignore", MissingFontWarning)
        report = render_report(demo, lang="zh-Hans")
    text = " ".join(parse(report).text)
    assert "绩效考核：医疗行业销售部，2026-Q4" in text
    assert "逐人考核明细" in text
    assert '<html lang="zh-Hans">' in report
    titled = render_report(demo, title="Q4 <review> & calibration")
    assert "<title>Q4 &lt;review&gt; &amp; calibration</title>" in titled
    assert "<h1>Q4 &lt;review&gt; &amp; calibration</h1>" in titled


def test_without_matplotlib_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.delitem(sys.modules, "medsales.views.report")
    with pytest.raises(ImportError, match=r"pip install 'medsales\[plots\]'"):
        importlib.import_module("medsales.views.report")


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium installed")
def test_the_report_renders_in_a_headless_browser(report: str, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(report, encoding="utf-8")
    shot = tmp_path / "shot.png"
    assert CHROMIUM is not None
    subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--screenshot={shot}",
            "--window-size=1280,2000",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width = int.from_bytes(data[16:20], "big")
    height = int.from_bytes(data[20:24], "big")
    assert (width, height) == (1280, 2000)
    assert len(data) > 50_000  # a page of tables and charts, not a blank screen


def test_a_report_of_incomplete_and_of_no_appraisals() -> None:
    from builders import NOT_APPLICABLE, build

    incomplete = appraise_cohort(
        build(),
        employees=[{"employee_id": "A", "role": "rep"}],
        period="2026-Q3",
        measurements=NOT_APPLICABLE,
    )
    report = render_report(incomplete)
    assert "1 (0 complete)" in " ".join(parse(report).text)
    assert '<details id="A"><summary><code>A</code> · — · —</summary>' in report
    nobody = appraise_cohort(
        build(),
        employees=[{"employee_id": "A", "role": "rep", "active_to": "2020-12-31"}],
        period="2026-Q3",
        measurements=NOT_APPLICABLE,
    )
    document = parse(render_report(nobody))
    assert document.tags.count("details") == 0
    assert document.tags.count("svg") == 2
