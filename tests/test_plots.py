"""Charts of a cohort and of an appraisal: bars that add up to the numbers they show."""

from __future__ import annotations

import importlib
import io
import sys
import warnings
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
    monkeypatch.setattr(plots, "_warned", set())
    with pytest.warns(
        plots.MissingFontWarning, match="install one, e.g. the package fonts-noto-cjk"
    ):
        ax = plots.grade_distribution(demo, lang="zh-Hans")
    assert ax.get_title().startswith("Grade distribution")  # English, and said once
    drawn(ax)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        plots.score_histogram(demo, lang="zh-Hans")  # once: no second warning
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
    from matplotlib import font_manager

    found = plots.cjk_font()
    assert found is None or found in {f.name for f in font_manager.fontManager.ttflist}


def test_an_installed_font_with_chinese_glyphs_is_found_by_its_glyphs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from matplotlib import font_manager

    dejavu = font_manager.findfont("DejaVu Sans")
    entries = [
        font_manager.FontEntry(fname=dejavu, name="DejaVu Sans"),
        font_manager.FontEntry(fname=dejavu, name="Fake CJK Sans"),  # no Chinese glyphs
        font_manager.FontEntry(fname="/nowhere/cjk.ttf", name="Unreadable Hei"),
    ]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", entries)
    monkeypatch.setattr(plots, "_has_glyphs", lambda path: path == "/nowhere/cjk.ttf")
    plots.cjk_font.cache_clear()
    try:
        assert plots.cjk_font() == "Unreadable Hei"
        monkeypatch.setattr(plots, "_has_glyphs", lambda path: False)
        plots.cjk_font.cache_clear()
        assert plots.cjk_font() is None
    finally:
        plots.cjk_font.cache_clear()
    assert not plots._has_glyphs(dejavu)  # DejaVu Sans has no 销售绩效


def test_a_saved_waterfall_keeps_its_labels_inside_the_picture(demo: CohortResult) -> None:
    ax = plots.contribution_waterfall(demo.appraisal("E033"))
    figure = ax.figure
    assert figure.get_layout_engine() is not None  # constrained
    figure.savefig(io.BytesIO(), format="png")  # as a user would: no bbox_inches
    box = figure.bbox
    texts = [*ax.get_xticklabels(), ax.title, ax.yaxis.label]
    for text in texts:
        extent = text.get_window_extent()
        assert extent.x0 >= box.x0 - 1, text.get_text()
        assert extent.x1 <= box.x1 + 1, text.get_text()
        assert extent.y0 >= box.y0 - 1, text.get_text()
        assert extent.y1 <= box.y1 + 1, text.get_text()


def test_without_matplotlib_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.delitem(sys.modules, "medsales.views.plots")
    with pytest.raises(ImportError, match=r"pip install 'medsales\[plots\]'"):
        importlib.import_module("medsales.views.plots")


# --------------------------------------------------------------------------- many periods


@pytest.fixture(scope="module")
def history() -> medsales.History:
    inputs = {k: getattr(csvio, f"read_{k}")(io.StringIO(demo_file_text(k))) for k in DEMO_FILES}
    return medsales.appraise_history(
        medsales.default_policy(),
        [f"{y}-Q{q}" for y in (2025, 2026) for q in (1, 2, 3, 4)],
        **inputs,
    )


def test_a_person_s_trend_has_a_point_per_period_and_the_roll_up(history: Any) -> None:
    ax = plots.score_trend(history, "E026", rollup="2026")
    line, rolled = ax.get_lines()[:2]
    ys = list(line.get_ydata())
    assert len(ys) == 8
    assert sum(1 for y in ys if y == y) == 2  # joined in 2026-08: two quarters with a score
    assert list(rolled.get_ydata()) == [65.89, 65.89]
    assert [t.get_text() for t in ax.get_xticklabels()][-1] == "2026-Q4"


def test_team_trends_are_the_mean_scores_of_each_team(history: Any) -> None:
    ax = plots.team_trend(history)
    lines = {
        line.get_label(): list(line.get_ydata())
        for line in ax.get_lines()
        if line.get_label()[0] in "E—"
    }
    q4 = history.cohort("2026-Q4")
    team = next(s for s in q4.by_team if s.key == "E002")
    assert lines["E002"][-1] == pytest.approx(float(team.mean))


def test_the_transition_heat_map_counts_everyone(history: Any) -> None:
    ax = plots.grade_transitions(history, "2025-Q4", "2026-Q4", lang="zh-Hans")
    (image,) = ax.get_images()
    matrix = image.get_array()
    assert matrix.shape == (6, 6)
    table = history.transitions("2025-Q4", "2026-Q4")
    assert int(matrix.sum()) == sum(sum(r.values()) for r in table.values())
    assert int(matrix[0][0]) == table["S"]["S"]
