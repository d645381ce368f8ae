"""Charts of a cohort and of one appraisal with matplotlib (the optional extra
``medsales[plots]``).

Each function draws on the Axes it is given, or on a new :class:`~matplotlib.figure.Figure`
that is not registered with pyplot (nothing to close, any backend), and returns the Axes;
show ``ax.figure`` in a notebook, or pass ``ax`` from ``plt.subplots()``.

New figures use matplotlib's constrained layout, so a chart saved with ``savefig`` keeps
its rotated labels and titles whole.

Text is in English unless ``lang`` asks for Chinese *and* a font with Chinese glyphs is
installed (Noto Sans CJK, Source Han Sans, WenQuanYi, SimHei, Microsoft YaHei, PingFang
…, or any other installed font that has them); without one the charts fall back to
English labels rather than draw empty boxes, and say so once with a
:class:`MissingFontWarning` naming the font package to install.
"""

from __future__ import annotations

import functools
import math
import textwrap
import warnings
from collections.abc import Sequence
from fractions import Fraction
from typing import Any, Final, Literal

try:
    import matplotlib
except ImportError as exc:
    raise ImportError(
        "medsales.views.plots needs matplotlib, an optional extra: pip install 'medsales[plots]'"
    ) from exc

from matplotlib import font_manager, ft2font
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from medsales.cohort.appraise import CohortResult
from medsales.cohort.history import History
from medsales.engine.results import Appraisal
from medsales.errors import InputError
from medsales.labels import pick

__all__ = [
    "CJK_FONTS",
    "INSTALL_CJK_FONT",
    "MissingFontWarning",
    "cjk_font",
    "contribution_waterfall",
    "grade_distribution",
    "grade_transitions",
    "score_histogram",
    "score_trend",
    "team_trend",
]

CJK_FONTS: Final = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Droid Sans Fallback",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "Heiti SC",
    "Noto Sans CJK JP",
    "Noto Sans CJK TC",
    "Arial Unicode MS",
)
"""Font families with Chinese glyphs, in the order they are looked for."""
_CJK_HINTS: Final = ("CJK", "Han Sans", "Han Serif", "WenQuanYi", "YaHei", "PingFang", "Hei")
_PROBE: Final = "销售绩效"
"""Characters a font must have to label the charts in Chinese."""
INSTALL_CJK_FONT: Final = (
    "no font with Chinese glyphs is installed, so the charts are labelled in English; "
    "install one, e.g. the package fonts-noto-cjk (Debian, Ubuntu: apt install "
    "fonts-noto-cjk; Fedora: google-noto-sans-cjk-fonts), then remove matplotlib's font "
    "cache (matplotlib.get_cachedir()) so that it is found"
)
"""What :class:`MissingFontWarning` says."""


class MissingFontWarning(UserWarning):
    """Chinese labels were asked for, but no installed font has Chinese glyphs."""


_WORDS: Final = {
    "en": {
        "grades": "Grade distribution",
        "count": "appraisals",
        "scores": "Final scores",
        "score": "final score",
        "team": "team (manager)",
        "role": "role",
        "contributions": "Contributions to the score",
        "raw": "raw score",
        "deductions": "deductions",
        "final": "final score",
        "points": "points",
        "top": "— (no manager)",
        "veto": " (veto)",
        "days": "d",
    },
    "zh-Hans": {
        "grades": "等级分布",
        "count": "人数",
        "scores": "最终得分",
        "score": "最终得分",
        "team": "团队（经理）",
        "role": "岗位",
        "contributions": "各指标贡献分",
        "raw": "加权得分",
        "deductions": "扣分",
        "final": "最终得分",
        "points": "分",
        "top": "—（无上级）",
        "veto": "（一票否决）",
        "days": "天",
    },
    "zh-Hant": {
        "grades": "等級分布",
        "count": "人數",
        "scores": "最終得分",
        "score": "最終得分",
        "team": "團隊（經理）",
        "role": "崗位",
        "contributions": "各指標貢獻分",
        "raw": "加權得分",
        "deductions": "扣分",
        "final": "最終得分",
        "points": "分",
        "top": "—（無上級）",
        "veto": "（一票否決）",
        "days": "天",
    },
}
_COLOURS: Final = ("#2e7d32", "#66bb6a", "#42a5f5", "#ffa726", "#e53935")
"""Grade colours best first; further grades reuse the last."""


@functools.cache
def cjk_font() -> str | None:
    """The installed font family to draw Chinese with, or ``None``: the first of
    :data:`CJK_FONTS`, else any installed font whose name suggests Chinese glyphs and
    that has them."""
    fonts = font_manager.fontManager.ttflist
    installed = {f.name for f in fonts}
    known = next((name for name in CJK_FONTS if name in installed), None)
    if known is not None:
        return known
    for entry in sorted(fonts, key=lambda f: f.name):
        if any(hint in entry.name for hint in _CJK_HINTS) and _has_glyphs(entry.fname):
            return str(entry.name)
    return None


def _has_glyphs(path: str) -> bool:
    try:
        charmap = ft2font.FT2Font(path).get_charmap()
    except (OSError, RuntimeError, ValueError):  # pragma: no cover - an unreadable font
        return False
    return all(ord(ch) in charmap for ch in _PROBE)


def _fallbacks() -> list[str]:
    """The installed sans-serif families, for the Latin letters the CJK font lacks (only
    installed ones: matplotlib logs a warning for each family it cannot find)."""
    installed = {f.name for f in font_manager.fontManager.ttflist}
    return [f for f in matplotlib.rcParams["font.sans-serif"] if f in installed]


_warned: set[str] = set()
"""What has been warned about in this process: the font warning is given once."""


def _language(lang: str) -> tuple[str, dict[str, Any]]:
    """The language to label in and the text properties for it: Chinese only with a font
    that has its glyphs, else English (and a :class:`MissingFontWarning`, once)."""
    if lang.lower().startswith("zh"):
        font = cjk_font()
        if font is not None:
            return lang, {"fontfamily": [font, *_fallbacks()]}
        if "font" not in _warned:
            _warned.add("font")
            warnings.warn(INSTALL_CJK_FONT, MissingFontWarning, stacklevel=3)
    return "en", {}


def _words(lang: str) -> dict[str, str]:
    return pick(_WORDS, lang)


def _axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    if ax is not None:
        return ax
    return Figure(figsize=size, layout="constrained").subplots()


def _legend(ax: Axes, title: str, font: dict[str, Any]) -> None:
    prop = {"family": font["fontfamily"]} if font else None
    legend = ax.legend(title=title, prop=prop, fontsize="small", title_fontsize="small")
    if font:
        legend.get_title().set_fontfamily(font["fontfamily"])


def grade_distribution(cohort: CohortResult, ax: Axes | None = None, *, lang: str = "en") -> Axes:
    """A bar per grade of the policy, best first: how many appraisals got it.

    Each bar is labelled with its count; the title names the period and the cohort size.
    """
    lang, font = _language(lang)
    w = _words(lang)
    ax = _axes(ax, (7.0, 3.8))
    grades = cohort.policy.grades
    counts = [cohort.grades.get(g.id, 0) for g in grades]
    labels = [f"{g.id}\n{textwrap.fill(g.name.text(lang), 14)}" if g.name else g.id for g in grades]
    colours = [_COLOURS[min(i, len(_COLOURS) - 1)] for i in range(len(grades))]
    bars = ax.bar(range(len(grades)), counts, color=colours)
    ax.bar_label(bars, labels=[str(n) for n in counts], padding=2)
    ax.set_xticks(range(len(grades)), labels=labels, fontsize="small", **font)
    ax.set_ylabel(w["count"], **font)
    ax.set_ylim(0, max([*counts, 1]) * 1.15)
    total = sum(counts)
    ax.set_title(f"{w['grades']} ({cohort.period.label}, n = {total})", **font)
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def _group_label(cohort: CohortResult, key: str, by: str, lang: str) -> str:
    if by == "team":
        name = cohort.names.get(key, "") if lang != "en" else ""
        return f"{key} {name}".strip()
    role = cohort.policy.roles_by_id.get(key)
    return role.name.text(lang) if role is not None else key


def _bins(scores: Sequence[float], width: int = 5) -> list[float]:
    low = math.floor(min(scores) / width) * width
    high = math.floor(max(scores) / width) * width + width
    return [float(edge) for edge in range(low, high + 1, width)]


def score_histogram(
    cohort: CohortResult,
    by: Literal["team", "role"] = "team",
    ax: Axes | None = None,
    *,
    lang: str = "en",
    width: int = 5,
) -> Axes:
    """A histogram of the final scores, stacked per team (``by="team"``: the manager's id)
    or per role, in bins ``width`` points wide, with the grade bands' minimums marked.

    Incomplete appraisals (no score) are left out. One bar per group and bin: the Axes
    holds ``groups × bins`` rectangles.
    """
    if by not in ("team", "role"):
        raise InputError(
            f"cannot group scores by {by!r}", path="by", value=by, expected="team or role"
        )
    lang, font = _language(lang)
    w = _words(lang)
    ax = _axes(ax, (7.0, 3.8))
    groups: dict[str, list[float]] = {}
    for a in cohort.appraisals:
        if a.score is None:
            continue
        key = (cohort.team_of(a.employee_id or "") or w["top"]) if by == "team" else a.role
        groups.setdefault(key, []).append(float(a.score))
    ax.set_title(f"{w['scores']} ({cohort.period.label})", **font)
    ax.set_xlabel(w["score"], **font)
    ax.set_ylabel(w["count"], **font)
    ax.spines[["top", "right"]].set_visible(False)
    if not groups:
        return ax
    keys = sorted(groups)
    scores = [groups[k] for k in keys]
    edges = _bins([s for group in scores for s in group], width)
    ax.hist(
        scores,
        bins=edges,
        stacked=True,
        label=[_group_label(cohort, k, by, lang) for k in keys],
        edgecolor="white",
        linewidth=0.5,
    )
    for grade in cohort.policy.grades[:-1]:
        edge = float(grade.min)
        if edges[0] <= edge <= edges[-1]:
            ax.axvline(edge, color="#555555", linestyle="--", linewidth=0.8)
            ax.annotate(
                grade.id,
                (edge, 1.0),
                xycoords=("data", "axes fraction"),
                xytext=(2, -2),
                textcoords="offset points",
                va="top",
                fontsize="small",
                color="#555555",
            )
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    _legend(ax, w["team"] if by == "team" else w["role"], font)
    return ax


def _steps(appraisal: Appraisal, lang: str, days_word: str) -> list[tuple[str, Fraction]]:
    """What adds up to the raw score: each counted line, or each role segment's share."""
    policy = appraisal.policy
    if appraisal.segments:
        done = [s for s in appraisal.segments if s.appraisal.raw_score is not None]
        days = sum(s.days for s in done)
        out = []
        for s in done:
            role = policy.roles_by_id.get(s.role)
            name = role.name.text(lang) if role is not None else s.role
            assert s.appraisal.raw_score is not None
            out.append((f"{name} ({s.days} {days_word})", s.appraisal.raw_score * s.days / days))
        return out
    out = []
    for line in appraisal.lines:
        if line.counted:
            kpi = policy.kpis_by_id.get(line.kpi)
            out.append((kpi.name.text(lang) if kpi is not None else line.kpi, line.contribution))
    return out


def contribution_waterfall(
    appraisal: Appraisal, ax: Axes | None = None, *, lang: str = "en"
) -> Axes:
    """Each counted line's contribution stacked up to the raw score, then the conduct
    deductions, then the final score: the sum of the breakdown as a picture.

    An employee who changed role has a step per role segment (its raw score weighted by
    its days) instead of lines. The Axes holds one rectangle per step and three more:
    raw score, deductions (empty when there were none) and final score. An incomplete
    appraisal has no score to draw: :class:`~medsales.errors.InputError`.
    """
    if not appraisal.complete or appraisal.raw_score is None or appraisal.score is None:
        raise InputError(
            f"the appraisal of {appraisal.employee_id} is incomplete: no score to draw "
            f"({appraisal.reason})",
            path="appraisal",
            value=appraisal.employee_id,
            expected="a complete appraisal",
        )
    lang, font = _language(lang)
    w = _words(lang)
    steps = _steps(appraisal, lang, w["days"])
    ax = _axes(ax, (max(6.0, 0.55 * (len(steps) + 3) + 2), 4.2))
    labels, bottoms, heights, colours = [], [], [], []
    running = 0.0
    for label, value in steps:
        labels.append(label)
        bottoms.append(running)
        heights.append(float(value))
        colours.append("#5c8fd6" if value >= 0 else "#e57373")
        running += float(value)
    raw = float(appraisal.raw_score)
    deducted = float(appraisal.deduction_applied)
    labels += [w["raw"], w["deductions"], w["final"]]
    bottoms += [0.0, raw - deducted, 0.0]
    heights += [raw, deducted, float(appraisal.score)]
    colours += ["#8a949e", "#e53935", "#2e7d32"]
    positions = range(len(labels))
    bars = ax.bar(positions, heights, bottom=bottoms, color=colours, width=0.7)
    shown = [f"{h:.2f}" for h in heights]
    shown[-2] = f"−{deducted:.2f}" if deducted else ""
    ax.bar_label(bars, labels=shown, padding=2, fontsize="x-small")
    for i in range(len(steps)):  # connect each step to the next
        top = bottoms[i] + heights[i]
        ax.plot([i + 0.35, i + 0.65], [top, top], color="#8a949e", linewidth=0.6)
    ax.set_xticks(positions, labels=labels, rotation=40, ha="right", **font)
    ax.set_ylabel(w["points"], **font)
    ax.set_ylim(0, max([raw, *(b + h for b, h in zip(bottoms, heights, strict=True))]) * 1.1)
    grade = appraisal.grade or "—"
    ax.set_title(
        f"{appraisal.employee_id} · {appraisal.period.label if appraisal.period else ''} · "
        f"{appraisal.score} {grade}{w['veto'] if appraisal.vetoed else ''}",
        **font,
    )
    ax.spines[["top", "right"]].set_visible(False)
    return ax


# --------------------------------------------------------------------------- many periods

_TREND_WORDS: Final = {
    "en": {
        "trend": "Scores by period",
        "team_trend": "Mean score by team",
        "transitions": "Grade transitions {a} → {b}",
        "period": "period",
        "score": "final score",
        "mean": "mean final score",
        "from": "grade in {a}",
        "to": "grade in {b}",
        "rollup": "roll-up {period}: {score} {grade}",
        "team": "team (manager)",
    },
    "zh-Hans": {
        "trend": "各期得分",
        "team_trend": "各团队平均得分",
        "transitions": "等级变动 {a} → {b}",
        "period": "考核期",
        "score": "最终得分",
        "mean": "平均最终得分",
        "from": "{a} 等级",
        "to": "{b} 等级",
        "rollup": "{period} 汇总：{score} {grade}",
        "team": "团队（经理）",
    },
    "zh-Hant": {
        "trend": "各期得分",
        "team_trend": "各團隊平均得分",
        "transitions": "等級變動 {a} → {b}",
        "period": "考核期",
        "score": "最終得分",
        "mean": "平均最終得分",
        "from": "{a} 等級",
        "to": "{b} 等級",
        "rollup": "{period} 匯總：{score} {grade}",
        "team": "團隊（經理）",
    },
}


def _grade_lines(ax: Axes, history: History, low: float, high: float) -> None:
    """Dashed lines at the grade bands' minimums that fall in [low, high]."""
    for grade in history.policy.grades[:-1]:
        edge = float(grade.min)
        if low <= edge <= high:
            ax.axhline(edge, color="#8a949e", linestyle="--", linewidth=0.7)
            ax.annotate(
                grade.id,
                (1.0, edge),
                xycoords=("axes fraction", "data"),
                xytext=(3, 0),
                textcoords="offset points",
                va="center",
                fontsize="small",
                color="#555555",
            )


def score_trend(
    history: History,
    employee_id: str,
    ax: Axes | None = None,
    *,
    lang: str = "en",
    rollup: str | None = None,
) -> Axes:
    """One person's final score period by period, each point labelled with its grade, the
    grade bands' minimums dashed; with ``rollup`` (e.g. ``"2026"``) the roll-up score of
    that year or half drawn across its periods.

    Periods without a score (not appraised, incomplete) are gaps in the line.
    """
    lang, font = _language(lang)
    w = pick(_TREND_WORDS, lang)
    series = {a.period: a for a in history.series(employee_id) if a.period is not None}
    periods = history.periods
    ax = _axes(ax, (max(6.0, 0.8 * len(periods) + 2), 3.8))
    scores = []
    for p in periods:
        score = series[p].score if p in series else None
        scores.append(math.nan if score is None else float(score))
    ax.plot(range(len(periods)), scores, marker="o", color="#1f5fa8", linewidth=1.6)
    for i, p in enumerate(periods):
        a = series.get(p)
        if a is not None and a.score is not None and a.grade is not None:
            ax.annotate(
                a.grade,
                (i, float(a.score)),
                xytext=(0, 6),
                textcoords="offset points",
                ha="center",
                fontsize="small",
            )
    present = [s for s in scores if not math.isnan(s)]
    if rollup is not None:
        r = history.rollup(employee_id, rollup)
        inside = [i for i, p in enumerate(periods) if r.period.start <= p.start <= r.period.end]
        if r.score is not None and inside:
            ax.plot(
                [inside[0] - 0.3, inside[-1] + 0.3],
                [float(r.score)] * 2,
                color="#2e7d32",
                linewidth=2.2,
                alpha=0.7,
                label=w["rollup"].format(period=r.period.label, score=r.score, grade=r.grade),
            )
            present.append(float(r.score))
            _legend(ax, "", font)
    low, high = (min(present), max(present)) if present else (0.0, 100.0)
    _grade_lines(ax, history, low - 10, high + 10)
    ax.set_ylim(max(0.0, low - 10), high + 10)
    ax.set_xticks(range(len(periods)), labels=[p.label for p in periods], rotation=30)
    ax.set_ylabel(w["score"], **font)
    name = history.names.get(employee_id, "") if lang != "en" else ""
    ax.set_title(f"{w['trend']}: {employee_id} {name}".strip(), **font)
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def team_trend(history: History, ax: Axes | None = None, *, lang: str = "en") -> Axes:
    """The mean final score of each team (a manager's direct reports, as in each period)
    period by period: one line per team, the grade bands' minimums dashed."""
    lang, font = _language(lang)
    w = pick(_TREND_WORDS, lang)
    periods = history.periods
    ax = _axes(ax, (max(6.5, 0.8 * len(periods) + 3), 4.0))
    teams: dict[str, list[float]] = {}
    for i, cohort in enumerate(history.cohorts):
        sums: dict[str, list[Fraction]] = {}
        for a in cohort.appraisals:
            if a.score is not None:
                team = cohort.team_of(a.employee_id or "") or "—"
                sums.setdefault(team, []).append(Fraction(a.score))
        for team, scores in sums.items():
            line = teams.setdefault(team, [math.nan] * len(periods))
            line[i] = float(sum(scores, Fraction(0)) / len(scores))
    names = history.names
    every: list[float] = []
    for team in sorted(teams):
        label = f"{team} {names.get(team, '')}".strip() if lang != "en" else team
        ax.plot(range(len(periods)), teams[team], marker="o", linewidth=1.4, label=label)
        every.extend(v for v in teams[team] if not math.isnan(v))
    low, high = (min(every), max(every)) if every else (0.0, 100.0)
    _grade_lines(ax, history, low - 5, high + 5)
    ax.set_ylim(max(0.0, low - 5), high + 5)
    ax.set_xticks(range(len(periods)), labels=[p.label for p in periods], rotation=30)
    ax.set_ylabel(w["mean"], **font)
    ax.set_title(w["team_trend"], **font)
    ax.spines[["top", "right"]].set_visible(False)
    if teams:
        _legend(ax, w["team"], font)
    return ax


def grade_transitions(
    history: History, a: str, b: str, ax: Axes | None = None, *, lang: str = "en"
) -> Axes:
    """A heat map of how many people went from each grade in ``a`` (rows) to each grade
    in ``b`` (columns), counts written in the cells; ``—`` is no grade (not appraised, or
    incomplete). The Axes holds one image of ``grades + 1`` squared cells."""
    lang, font = _language(lang)
    w = pick(_TREND_WORDS, lang)
    first, second = history.cohort(a).period.label, history.cohort(b).period.label
    table = history.transitions(a, b)
    keys = list(table)
    matrix = [[table[r][c] for c in keys] for r in keys]
    ax = _axes(ax, (5.2, 4.4))
    most = max(max(row) for row in matrix) or 1
    ax.imshow(matrix, cmap="Blues", vmin=0, vmax=most)
    for i, row in enumerate(matrix):
        for j, n in enumerate(row):
            if n:
                ax.text(
                    j,
                    i,
                    str(n),
                    ha="center",
                    va="center",
                    fontsize="small",
                    color="white" if n > most / 2 else "#1f2328",
                )
    ax.set_xticks(range(len(keys)), labels=keys)
    ax.set_yticks(range(len(keys)), labels=keys)
    ax.set_xlabel(w["to"].format(b=second), **font)
    ax.set_ylabel(w["from"].format(a=first), **font)
    ax.set_title(w["transitions"].format(a=first, b=second), **font)
    return ax
