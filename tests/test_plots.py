"""Charts of a cohort and of an appraisal: bars that add up to the numbers they show."""

from __future__ import annotations

import importlib
import io
import sys
from typing import Any

import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

import medsales  # noqa: E402
from builders import NOT_APPLICABLE, build  # noqa: E402
from medsales import (  # noqa: E402
    CohortResult,
    InputError,
    appraise_cohort,
)
from medsales.catalog import DEMO_FILES, demo_file_text  # noqa: E402
from medsales.io import csv as csvio  # noqa: E402
from medsales.views import plots  # noqa: E402


def demo_cohort(period: str = "2026-Q4") -> CohortResult:
    inputs = {k: getattr(csvio, f"read_{k}")(io.StringIO(demo_file_text(k))) for k in DEMO_FILES}
    return appraise_cohort(medsales.default_policy(), period=period, **inputs)


@pytest.fixture(scope="module")
def demo() -> CohortResult:
    return demo_cohort()


def bars(ax: Any) -> list[Rectangle]:
    return [p for p in ax.patches if isinstance(p, Rectangle)]


def drawn(ax: Any) -> bytes:
    """Render the figure (any warning, e.g. a missing glyph, fails the test)."""
    buffer = io.BytesIO()
    ax.figure.savefig(buffer, format="png")
    return buffer.getvalue()


def test_grade_distribution_has_a_bar_per_grade(demo: CohortResult) -> None:
    ax = plots.grade_distribution(demo)
    assert isinstance(ax.figure, Figure)
    heights = [round(b.get_height()) for b in bars(ax)]
    assert heights == [demo.grades[g.id] for g in demo.policy.grades] == [2, 15, 21, 2, 2]
    assert ax.get_title() == "Grade distribution (2026-Q4, n = 42)"
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels[0] == "S\nOutstanding"
    assert drawn(ax).startswith(b"\x89PNG")


def test_plots_draw_on_the_axes_they_are_given(demo: CohortResult) -> None:
    figure = Figure()
    left, right = figure.subplots(1, 2)
    assert plots.grade_distribution(demo, ax=left) is left
    assert plots.score_histogram(demo, ax=right) is right
    assert len(bars(left)) == 5
    assert len(bars(right)) > 0


def test_score_histogram_stacks_a_bar_per_team_and_bin(demo: CohortResult) -> None:
    ax = plots.score_histogram(demo)
    teams = {demo.team_of(a.employee_id or "") for a in demo.appraisals}
    scores = [float(a.score) for a in demo.appraisals if a.score is not None]
    edges = list(range(25, 110, 5))  # the lowest score is 28.34, the highest 102.33
    assert min(scores) >= edges[0]
    assert max(scores) < edges[-1]
    assert len(bars(ax)) == len(teams) * (len(edges) - 1)
    # stacked: the top of the last team's bars counts everyone in each bin
    tops = [b.get_y() + b.get_height() for b in bars(ax)[-(len(edges) - 1) :]]
    assert sum(round(t) for t in tops) == len(scores)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["E001", "E002", "E003", "E004", "— (no manager)"]
    drawn(ax)


def test_score_histogram_by_role(demo: CohortResult) -> None:
    ax = plots.score_histogram(demo, by="role", width=10)
    roles = {a.role for a in demo.appraisals}
    assert len(bars(ax)) == len(roles) * len(range(20, 110, 10))
    legend = {t.get_text() for t in ax.get_legend().get_texts()}
    assert "Sales Representative" in legend


def test_score_histogram_groups_only_by_team_or_role(demo: CohortResult) -> None:
    with pytest.raises(InputError, match="cannot group scores by 'grade'"):
        plots.score_histogram(demo, by="grade")  # type: ignore[arg-type]


def test_score_histogram_of_a_cohort_without_scores() -> None:
    cohort = appraise_cohort(
        build(),
        employees=[{"employee_id": "A", "role": "rep"}],
        period="2026-Q3",
        measurements=NOT_APPLICABLE,
    )
    ax = plots.score_histogram(cohort)
    assert bars(ax) == []
    drawn(ax)


def test_waterfall_stacks_the_lines_up_to_the_raw_score(demo: CohortResult) -> None:
    a = demo.appraisal("E018")  # a deduction of 6 points
    ax = plots.contribution_waterfall(a)
    counted = [line for line in a.lines if line.counted]
    rects = bars(ax)
    assert len(rects) == len(counted) + 3
    steps, (raw, deductions, final) = rects[:-3], rects[-3:]
    for step, line in zip(steps, counted, strict=True):
        assert step.get_height() == pytest.approx(float(line.contribution))
    top = steps[-1].get_y() + steps[-1].get_height()
    assert top == pytest.approx(float(a.raw_score or 0))
    assert raw.get_height() == pytest.approx(top)
    assert deductions.get_height() == pytest.approx(float(a.deduction_applied)) == 6
    assert deductions.get_y() + deductions.get_height() == pytest.approx(top)
    assert final.get_height() == float(a.score or 0)
    assert ax.get_title() == f"E018 · 2026-Q4 · {a.score} {a.grade}"
    drawn(ax)


def test_waterfall_of_a_veto_says_so(demo: CohortResult) -> None:
    ax = plots.contribution_waterfall(demo.appraisal("E033"))
    assert ax.get_title().endswith("D (veto)")
    assert bars(ax)[-2].get_height() == 0  # no deduction


def test_waterfall_of_a_role_change_has_a_step_per_segment() -> None:
    a = demo_cohort("2026").appraisal("E007")
    ax = plots.contribution_waterfall(a)
    assert len(bars(ax)) == len(a.segments) + 3
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels[:2] == ["Sales Representative (273 d)", "Marketing Specialist (92 d)"]
    second = bars(ax)[1]
    assert second.get_y() + second.get_height() == pytest.approx(float(a.raw_score or 0))


def test_waterfall_needs_a_score() -> None:
    cohort = appraise_cohort(
        build(),
        employees=[{"employee_id": "A", "role": "rep"}],
        period="2026-Q3",
        measurements=NOT_APPLICABLE,
    )
    with pytest.raises(InputError, match="incomplete"):
        plots.contribution_waterfall(cohort.appraisal("A"))


def test_chinese_labels_need_a_chinese_font(
    demo: CohortResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(plots, "cjk_font", lambda: None)
    ax = plots.grade_distribution(demo, lang="zh-Hans")
    assert ax.get_title().startswith("Grade distribution")  # English, silently
    drawn(ax)
    monkeypatch.setattr(plots, "cjk_font", lambda: "Some CJK Font")
    ax = plots.grade_distribution(demo, lang="zh-Hans")
    assert ax.get_title().startswith("等级分布")
    assert ax.title.get_fontfamily()[0] == "Some CJK Font"
    assert ax.get_xticklabels()[0].get_text() == "S\n卓越"
    ax = plots.score_histogram(demo, lang="zh-Hans")
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[1] == "E002 陈志强"
    ax = plots.contribution_waterfall(demo.appraisal("E033"), lang="zh-Hans")
    assert ax.get_title().endswith("（一票否决）")


def test_the_chinese_font_is_looked_up_among_the_installed_ones() -> None:
    found = plots.cjk_font()
    assert found is None or found in plots.CJK_FONTS


def test_without_matplotlib_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.delitem(sys.modules, "medsales.views.plots")
    with pytest.raises(ImportError, match=r"pip install 'medsales\[plots\]'"):
        importlib.import_module("medsales.views.plots")
