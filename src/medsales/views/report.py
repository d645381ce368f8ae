"""A cohort as one self-contained HTML file (needs the extra ``medsales[plots]``).

:func:`render_report` writes everything into one document: inline CSS, the charts as
inline SVG (text drawn as paths, so no font is needed to read them), no scripts and no
link to anything outside the file. It can be mailed, archived next to the JSON results,
or opened from disk in any browser; the appraisals' explanations fold out of
``<details>`` elements without JavaScript. The same cohort gives the same bytes.
"""

from __future__ import annotations

import io
import re
import warnings
from typing import Final

try:
    import matplotlib
    from matplotlib.figure import Figure
except ImportError as exc:
    raise ImportError(
        "medsales.views.report draws its charts with matplotlib, an optional extra: "
        "pip install 'medsales[plots]'"
    ) from exc

from medsales.__about__ import __version__
from medsales.cohort.appraise import CohortResult
from medsales.labels import pick
from medsales.views.html import (
    CSS,
    _appraisal_body,
    _e,
    _grades_table,
    _group_table,
    _ranked_table,
    _words,
)
from medsales.views.plots import grade_distribution, score_histogram
from medsales.views.text import ranked

__all__ = ["render_report"]

_PAGE_CSS: Final = """\
body { margin: 0 auto; max-width: 75rem; padding: 1.5rem; color: #1f2328; }
h1 { font-size: 1.6rem; margin: 0 0 0.5rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 0.5rem; border-bottom: 1px solid #d8dde3; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 0.15rem 1rem;
  margin: 0.5rem 0 1rem; }
dl.meta dt { font-weight: 600; }
dl.meta dd { margin: 0; overflow-wrap: anywhere; }
figure { margin: 0.5rem 0; }
figure svg { max-width: 100%; height: auto; }
details { border: 1px solid #d8dde3; border-radius: 4px; margin: 0.4rem 0;
  padding: 0.2rem 0.8rem; }
details[open] { padding-bottom: 0.6rem; }
summary { cursor: pointer; padding: 0.3rem 0; }
.columns { display: flex; flex-wrap: wrap; gap: 1rem 2rem; align-items: flex-start; }
footer { margin-top: 2rem; color: #6a737b; font-size: 0.85em; }
@media print { details { break-inside: avoid; } }
"""

_TEXT: Final = {
    "en": {
        "title": "Performance appraisal: {department}, {period}",
        "policy": "Policy",
        "sha256": "SHA-256",
        "period": "Period",
        "appraisals": "Appraisals",
        "complete": "{complete} complete",
        "ranking": "Ranking",
        "grades": "Grade distribution",
        "scores": "Scores by team",
        "teams": "Teams",
        "roles": "Roles",
        "explained": "Each appraisal explained",
        "footer": "Made by medsales {version}. Scores are rounded once, from exact values; "
        "each breakdown can be redone by hand.",
    },
    "zh-Hans": {
        "title": "绩效考核：{department}，{period}",
        "policy": "考核方案",
        "sha256": "SHA-256",
        "period": "考核期",
        "appraisals": "考核人数",
        "complete": "其中完整 {complete} 人",
        "ranking": "排名",
        "grades": "等级分布",
        "scores": "各团队得分分布",
        "teams": "团队",
        "roles": "岗位",
        "explained": "逐人考核明细",
        "footer": "由 medsales {version} 生成。得分由精确值只舍入一次；每份明细都可以手工复算。",
    },
    "zh-Hant": {
        "title": "績效考核：{department}，{period}",
        "policy": "考核方案",
        "sha256": "SHA-256",
        "period": "考核期",
        "appraisals": "考核人數",
        "complete": "其中完整 {complete} 人",
        "ranking": "排名",
        "grades": "等級分布",
        "scores": "各團隊得分分布",
        "teams": "團隊",
        "roles": "崗位",
        "explained": "逐人考核明細",
        "footer": "由 medsales {version} 生成。得分由精確值只舍入一次；每份明細都可以手工複算。",
    },
}
_PROLOG: Final = re.compile(r"\A.*?(?=<svg)", re.DOTALL)
_REFERENCE: Final = re.compile(r"""(\bid="|\bhref="#|url\(#)""")
"""Where an SVG names an id or refers to one."""


def _svg(figure: Figure, prefix: str) -> str:
    """The figure as an inline ``<svg>`` element: no XML prolog, no metadata, and its ids
    (clip paths, glyphs, groups) prefixed, so that two charts in one page never share one."""
    buffer = io.StringIO()
    with (
        matplotlib.rc_context({"svg.hashsalt": "medsales", "svg.fonttype": "path"}),
        warnings.catch_warnings(),
    ):
        # a name without a glyph in the font must not stop the report
        warnings.filterwarnings("ignore", message="Glyph .*missing from", category=UserWarning)
        figure.savefig(
            buffer,
            format="svg",
            bbox_inches="tight",
            metadata={"Creator": None, "Date": None, "Format": None, "Type": None},
        )
    svg = _PROLOG.sub("", buffer.getvalue()).strip()
    return _REFERENCE.sub(lambda m: f"{m[1]}{prefix}-", svg)


def page_head(lang: str, title: str) -> list[str]:
    """The start of a one-file report page, up to its list of facts (``<dl class="meta">``):
    the same for the cohort report and the history report."""
    return [
        "<!DOCTYPE html>",
        f'<html lang="{_e(lang)}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="medsales {_e(__version__)}">',
        f"<title>{_e(title)}</title>",
        f"<style>\n{_PAGE_CSS}{CSS}</style>",
        "</head>",
        '<body class="medsales">',
        f"<header><h1>{_e(title)}</h1>",
        '<dl class="meta">',
    ]


def render_report(cohort: CohortResult, *, lang: str = "en", title: str | None = None) -> str:
    """The cohort as one self-contained HTML document.

    It holds the title, the policy's id, version and SHA-256, the period, the ranked
    table, the grade distribution (chart and table), a histogram of the scores per team,
    statistics per team and per role, and each appraisal's breakdown in a ``<details>``
    element, best score first. ``lang`` is ``en``, ``zh-Hans`` or ``zh-Hant``; ``title``
    replaces the default one. Write it with :func:`medsales.io.write_text_atomic`.
    """
    t = pick(_TEXT, lang)
    w = _words(lang)
    policy = cohort.policy
    period = cohort.period
    if title is None:
        title = t["title"].format(department=policy.department.name.text(lang), period=period.label)
    complete = sum(1 for a in cohort.appraisals if a.complete)

    grades_figure = Figure(figsize=(7.0, 3.8))
    grade_distribution(cohort, grades_figure.subplots(), lang=lang)
    scores_figure = Figure(figsize=(7.5, 4.0))
    score_histogram(cohort, "team", scores_figure.subplots(), lang=lang)
    grades_svg, scores_svg = _svg(grades_figure, "grades"), _svg(scores_figure, "scores")

    details = []
    for a in ranked(cohort):
        eid = a.employee_id or ""
        name = cohort.names.get(eid, "")
        score = "—" if a.score is None else format(a.score, "f")
        flag = f" · {w['vetoed']}" if a.vetoed else ""
        shown = f" {name}" if name else ""
        details.append(
            f'<details id="{_e(eid)}"><summary><code>{_e(eid)}</code>{_e(shown)} · '
            f"{_e(score)} · {_e(a.grade or '—')}{_e(flag)}</summary>"
            f"{_appraisal_body(a, lang, name)}</details>"
        )

    page = [
        *page_head(lang, title),
        f"<dt>{_e(t['policy'])}</dt><dd><code>{_e(policy.id)}</code> {_e(policy.version)} · "
        f"{_e(policy.name.text(lang))}</dd>",
        f"<dt>{_e(t['sha256'])}</dt><dd><code>{_e(policy.sha256)}</code></dd>",
        f"<dt>{_e(t['period'])}</dt><dd>{_e(period.label)} ({period.start.isoformat()} – "
        f"{period.end.isoformat()})</dd>",
        f"<dt>{_e(t['appraisals'])}</dt><dd>{len(cohort.appraisals)} "
        f"({_e(t['complete'].format(complete=complete))})</dd>",
        "</dl></header>",
        "<main>",
        f'<section id="ranking"><h2>{_e(t["ranking"])}</h2>{_ranked_table(cohort, lang)}</section>',
        f'<section id="grades"><h2>{_e(t["grades"])}</h2><div class="columns">'
        f"<figure>{grades_svg}</figure>{_grades_table(cohort, lang)}</div></section>",
        f'<section id="scores"><h2>{_e(t["scores"])}</h2><figure>{scores_svg}</figure></section>',
        f'<section id="teams"><h2>{_e(t["teams"])}</h2>'
        f"{_group_table(cohort, cohort.by_team, by='team', lang=lang)}</section>",
        f'<section id="roles"><h2>{_e(t["roles"])}</h2>'
        f"{_group_table(cohort, cohort.by_role, by='role', lang=lang)}</section>",
        f'<section id="appraisals"><h2>{_e(t["explained"])}</h2>{"".join(details)}</section>',
        "</main>",
        f"<footer>{_e(t['footer'].format(version=__version__))}</footer>",
        "</body>",
        "</html>",
    ]
    return "\n".join(page) + "\n"
