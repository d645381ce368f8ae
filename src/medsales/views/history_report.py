"""Several periods as one self-contained HTML file (needs the extra ``medsales[plots]``):
grades by period, each team's trend, grade transitions, the roll-up and the alerts, and
each person's trend folded out of ``<details>``. Like :mod:`medsales.views.report`, no
script and no link outside the file; the same history gives the same bytes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from matplotlib.figure import Figure

from medsales.__about__ import __version__
from medsales.cohort.history import History, RollupResult
from medsales.errors import MedsalesError
from medsales.labels import pick
from medsales.views.history import WORDS, alerts_text
from medsales.views.html import _e
from medsales.views.plots import grade_transitions, score_trend, team_trend
from medsales.views.report import _svg, page_head

__all__ = ["render_history_report"]

_TEXT: Final = {
    "en": {
        "title": "Performance over time: {department}, {first} – {last}",
        "policy": "Policy",
        "periods": "Periods",
        "people": "People",
        "series": "Grades by period",
        "teams": "Teams over time",
        "transitions": "Grade transitions",
        "rollup": "Roll-up into {period}",
        "alerts": "Alerts",
        "case": "An alert asks for a conversation, not a decision. A low grade or a low rank "
        "alone does not prove that someone is unfit for the job (Supreme People's Court, "
        "Guiding Case No. 18).",
        "people_trends": "Each person over time",
        "footer": "Made by medsales {version}. Roll-ups are exact weighted means of the "
        "published period scores, rounded once.",
    },
    "zh-Hans": {
        "title": "绩效趋势：{department}，{first} – {last}",
        "policy": "考核方案",
        "periods": "考核期",
        "people": "人数",
        "series": "各期等级",
        "teams": "各团队趋势",
        "transitions": "等级变动",
        "rollup": "汇总至 {period}",
        "alerts": "提示",
        "case": "提示只用于安排沟通，而不是作出决定。仅凭较低的等级或排名不能证明员工不能胜任工作"
        "（最高人民法院指导案例18号）。",
        "people_trends": "每个人的趋势",
        "footer": "由 medsales {version} 生成。汇总得分是各期公布得分的精确加权平均，只舍入一次。",
    },
    "zh-Hant": {
        "title": "績效趨勢：{department}，{first} – {last}",
        "policy": "考核方案",
        "periods": "考核期",
        "people": "人數",
        "series": "各期等級",
        "teams": "各團隊趨勢",
        "transitions": "等級變動",
        "rollup": "匯總至 {period}",
        "alerts": "提示",
        "case": "提示只用於安排溝通，而不是作出決定。僅憑較低的等級或排名不能證明員工不能勝任工作"
        "（最高人民法院指導案例18號）。",
        "people_trends": "每個人的趨勢",
        "footer": "由 medsales {version} 生成。匯總得分是各期公佈得分的精確加權平均，只捨入一次。",
    },
}


def _table(header: list[str], rows: list[list[str]], numeric_from: int = 2) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="num">{_e(c)}</td>' if i >= numeric_from else f"<td>{_e(c)}</td>"
            for i, c in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _series(history: History, lang: str) -> str:
    """Everyone's score and grade by period, as a table."""
    w = pick(WORDS, lang)
    names = history.names
    rows = []
    for eid in history.employee_ids:
        by = {a.period.label: a for a in history.series(eid) if a.period is not None}
        cells = []
        for p in history.periods:
            a = by.get(p.label)
            ok = a is not None and a.score is not None and a.grade is not None
            cells.append(f"{a.score} {a.grade}" if ok and a is not None else w["none"])
        rows.append([eid, names.get(eid, ""), *cells])
    return _table([w["employee"], w["name"], *(p.label for p in history.periods)], rows)


def _transition_maps(history: History, lang: str) -> list[str]:
    """Heat maps from the second-to-last period to the last, and from the same period a
    year before when the history has it."""
    periods = history.periods
    pairs = []
    if len(periods) >= 2:
        pairs.append((periods[-2], periods[-1]))
        before = next(
            (
                p
                for p in periods[:-2]
                if p.kind == periods[-1].kind
                and p.start.replace(year=p.start.year + 1) == periods[-1].start
            ),
            None,
        )
        if before is not None:
            pairs.append((before, periods[-1]))
    maps = []
    for i, (earlier, later) in enumerate(pairs):
        figure = Figure(figsize=(5.2, 4.4))
        grade_transitions(history, earlier.label, later.label, figure.subplots(), lang=lang)
        maps.append(f"<figure>{_svg(figure, f'transitions{i}')}</figure>")
    return maps


def _rollup_section(history: History, rollups: Sequence[RollupResult], lang: str) -> str:
    """Everyone's roll-up: the period scores, the rolled-up score and grade."""
    if not rollups:
        return ""
    t = pick(_TEXT, lang)
    w = pick(WORDS, lang)
    names = history.names
    parts = [p.period for p in rollups[0].parts]
    rows = [
        [
            r.employee_id,
            names.get(r.employee_id, ""),
            *(w["none"] if p.score is None else format(p.score, "f") for p in r.parts),
            w["none"] if r.score is None else format(r.score, "f"),
            r.grade or w["none"],
        ]
        for r in rollups
    ]
    return (
        f'<section id="rollup"><h2>{_e(t["rollup"].format(period=rollups[0].period.label))}'
        f"</h2><p>{_e(w['formula'])}</p>"
        + _table([w["employee"], w["name"], *parts, w["final"], w["grade"]], rows)
        + "</section>"
    )


def render_history_report(  # long: the page, section after section, in reading order
    history: History, *, lang: str = "en", title: str | None = None, rollup: str | None = None
) -> str:
    """The history as one self-contained HTML document: grades by period, the teams'
    trends, the transition heat maps (the last two periods, and the same period a year
    before when there is one), everyone's roll-up into ``rollup`` (default: the year of the
    last period), the alerts with what they are not, and each person's trend chart."""
    t = pick(_TEXT, lang)
    policy = history.policy
    periods = history.periods
    names = history.names
    if title is None:
        title = t["title"].format(
            department=policy.department.name.text(lang),
            first=periods[0].label,
            last=periods[-1].label,
        )
    if rollup is None:
        into = policy.rollup.into if policy.rollup is not None else "year"
        from medsales.periods import Period

        rollup = Period.containing(
            periods[-1].start,
            into,
            policy.fiscal_year_start,
            policy.fiscal_year_named_by,
            fiscal=periods[-1].fiscal,
        ).label

    series = _series(history, lang)
    figure = Figure(figsize=(8.0, 4.2))
    team_trend(history, figure.subplots(), lang=lang)
    teams_svg = _svg(figure, "teams")
    maps = _transition_maps(history, lang)
    try:
        rollups = history.rollups(rollup)
    except MedsalesError:
        rollups = ()
    rollup_html = _rollup_section(history, rollups, lang)

    details = []
    for i, eid in enumerate(history.employee_ids):
        figure = Figure(figsize=(6.5, 3.4))
        # a person with no period in the roll-up's year gets no roll-up line
        inside = any(r.employee_id == eid for r in rollups)
        score_trend(history, eid, figure.subplots(), lang=lang, rollup=rollup if inside else None)
        name = names.get(eid, "")
        details.append(
            f'<details id="{_e(eid)}"><summary><code>{_e(eid)}</code> {_e(name)}</summary>'
            f"<figure>{_svg(figure, f'trend{i}')}</figure></details>"
        )

    page = [
        *page_head(lang, title),
        f"<dt>{_e(t['policy'])}</dt><dd><code>{_e(policy.id)}</code> {_e(policy.version)} · "
        f"<code>{_e(policy.sha256)}</code></dd>",
        f"<dt>{_e(t['periods'])}</dt><dd>{_e(', '.join(p.label for p in periods))}</dd>",
        f"<dt>{_e(t['people'])}</dt><dd>{len(history.employee_ids)}</dd>",
        "</dl></header>",
        "<main>",
        f'<section id="series"><h2>{_e(t["series"])}</h2>{series}</section>',
        f'<section id="teams"><h2>{_e(t["teams"])}</h2><figure>{teams_svg}</figure></section>',
        f'<section id="transitions"><h2>{_e(t["transitions"])}</h2>'
        f'<div class="columns">{"".join(maps)}</div></section>',
        rollup_html,
        f'<section id="alerts"><h2>{_e(t["alerts"])}</h2><p>{_e(t["case"])}</p>'
        f"<pre>{_e(alerts_text(history, lang))}</pre></section>",
        f'<section id="people"><h2>{_e(t["people_trends"])}</h2>{"".join(details)}</section>',
        "</main>",
        f"<footer>{_e(t['footer'].format(version=__version__))}</footer>",
        "</body>",
        "</html>",
    ]
    return "\n".join(page) + "\n"
