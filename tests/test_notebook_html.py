"""HTML views for notebooks: an appraisal's breakdown and a cohort's ranking, escaped."""

from __future__ import annotations

import io
from html.parser import HTMLParser
from typing import Any

import pytest

import medsales
from builders import NOT_APPLICABLE, build
from medsales import CohortResult, appraise_cohort
from medsales.catalog import DEMO_FILES, demo_file_text
from medsales.io import csv as csvio
from medsales.views.html import CSS, appraisal_html, cohort_html

VOID = {"meta", "br", "hr", "img", "input", "link", "col", "wbr", "source"}


class Balanced(HTMLParser):
    """Checks that every element is closed in order and collects the text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack[-1:] == [tag], (tag, self.stack[-5:])
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(markup: str) -> Balanced:
    parser = Balanced()
    parser.feed(markup)
    parser.close()
    assert parser.stack == []
    return parser


def demo_cohort(period: str = "2026-Q4") -> CohortResult:
    inputs = {k: getattr(csvio, f"read_{k}")(io.StringIO(demo_file_text(k))) for k in DEMO_FILES}
    return appraise_cohort(medsales.default_policy(), period=period, **inputs)


@pytest.fixture(scope="module")
def demo() -> CohortResult:
    return demo_cohort()


def test_appraisal_html_lists_every_line_and_the_sum(demo: CohortResult) -> None:
    a = demo.appraisal("E005")
    markup = appraisal_html(a)
    assert markup.startswith('<div class="medsales medsales-appraisal"><style>')
    text = " ".join(parse(markup).text)
    policy = demo.policy
    for line in a.lines:
        assert policy.kpi(line.kpi).name.text("en") in text
        assert format(medsales.numbers.display(line.contribution), "f") in text
    assert "Raw score (sum of contributions)" in text
    assert format(a.score, "f") in text
    assert a.grade is not None
    assert a.grade in text
    assert "E005" in text
    assert "2026-Q4" in text
    assert policy.id in text


def test_appraisal_html_shows_conduct_veto_and_notes(demo: CohortResult) -> None:
    a = demo.appraisal("E033")
    text = " ".join(parse(appraisal_html(a)).text)
    assert "vetoed" in text
    assert demo.policy.rules_by_id["integrity"].name.text("en") in text
    assert "critical" in text
    assert any(n.text("en") in text for n in a.notes)


def test_appraisal_html_in_chinese(demo: CohortResult) -> None:
    text = " ".join(parse(appraisal_html(demo.appraisal("E005"), lang="zh-Hans")).text)
    assert "最终得分" in text
    assert demo.policy.kpi("sales_revenue").name.text("zh-Hans") in text
    assert "岗位 销售代表" in text


def test_appraisal_html_of_a_role_change_shows_each_segment() -> None:
    cohort = demo_cohort("2026")
    a = cohort.appraisal("E007")
    assert a.segments
    text = " ".join(parse(appraisal_html(a)).text)
    assert text.count("Role segment") == len(a.segments)
    assert "Sales Representative" in text
    assert "Marketing Specialist" in text


def test_an_incomplete_appraisal_says_why() -> None:
    cohort = appraise_cohort(
        build(),
        employees=[{"employee_id": "A", "role": "rep"}],
        period="2026-Q3",
        measurements=NOT_APPLICABLE,
    )
    a = cohort.appraisal("A")
    assert not a.complete
    text = " ".join(parse(appraisal_html(a)).text)
    assert "Incomplete" in text
    assert "—" in text


def hostile_cohort(**policy: Any) -> CohortResult:
    employees = [
        {"employee_id": "M", "name": "<b>boss</b> & co", "role": "other"},
        {
            "employee_id": "A",
            "name": "<script>alert(1)</script>",
            "role": "rep",
            "manager_id": "M",
        },
    ]
    rows = [
        {"employee_id": "A", "period": "2026-Q3", "kpi": "sales", "actual": 1, "target": 1},
        {"employee_id": "M", "period": "2026-Q3", "kpi": "sales", "actual": 1, "target": 1},
    ]
    return appraise_cohort(
        build(**policy), employees=employees, measurements=rows, period="2026-Q3"
    )


def test_html_escapes_everything_that_comes_from_data() -> None:
    roles = [
        {"id": "rep", "name": {"en": '<img src=x onerror="alert(2)">'}},
        {"id": "other", "name": {"en": "Other & more"}},
    ]
    cohort = hostile_cohort(roles=roles)
    for markup in (cohort_html(cohort), appraisal_html(cohort.appraisal("A"))):
        assert "<script" not in markup
        assert "<img" not in markup
        assert "<b>" not in markup
        tags = set(parse(markup).tags)
        assert tags <= {
            "div", "style", "p", "strong", "code", "table", "caption", "thead", "tbody",
            "tr", "th", "td", "ul", "li",
        }  # fmt: skip
    markup = cohort_html(cohort)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markup
    assert "&lt;img src=x onerror=&quot;alert(2)&quot;&gt;" in markup
    assert "Other &amp; more" in markup


def test_cohort_html_ranks_everyone_and_counts_grades(demo: CohortResult) -> None:
    markup = cohort_html(demo)
    parser = parse(markup)
    text = " ".join(parser.text)
    for a in demo.appraisals:
        assert a.employee_id is not None
        assert a.employee_id in text
        assert demo.names[a.employee_id] in text
    # the ranked table (a header row and a row per appraisal) and the grade table
    assert parser.tags.count("table") == 2
    assert parser.tags.count("tr") == 1 + len(demo.appraisals) + 1 + len(demo.policy.grades)
    assert "Grade distribution" in text
    assert "35.7 %" in text
    first = markup.index("E005")  # the best score comes first
    assert all(first <= markup.index(a.employee_id or "") for a in demo.appraisals)
    assert "Before distribution" not in text  # the default policy has no distribution


def test_cohort_html_shows_the_counts_before_a_distribution() -> None:
    cohort = hostile_cohort(distribution={"mode": "cap", "shares": {"S": 0.1, "A": 0.1}})
    text = " ".join(parse(cohort_html(cohort)).text)
    assert "Before distribution" in text


def test_cohort_html_in_chinese(demo: CohortResult) -> None:
    text = " ".join(parse(cohort_html(demo, lang="zh-Hans")).text)
    assert "等级分布" in text
    assert "绩效系数" in text
    assert "医疗行业销售部" in text


def test_the_style_sheet_is_scoped() -> None:
    rules = [line for line in CSS.splitlines() if "{" in line]
    assert rules
    assert all(rule.startswith(".medsales") for rule in rules)
