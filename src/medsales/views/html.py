"""HTML views of results for notebooks: an appraisal's breakdown, a cohort's ranking.

:func:`appraisal_html` and :func:`cohort_html` return HTML fragments (a ``<div>`` with its
own scoped ``<style>``) that Jupyter shows in place of the text repr; the HTML report
(:mod:`medsales.views.report`) is built from the same pieces. Every piece of text that comes
from data (names, ids, labels, notes) is escaped. Labels are shown in ``en`` or
``zh-Hans``; other tags fall back as labels do.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Final

from medsales.cohort.appraise import CohortResult, GroupSummary
from medsales.engine.notes import Note
from medsales.engine.results import Appraisal, LineResult
from medsales.labels import pick
from medsales.numbers import number_text, quantize
from medsales.views.explain import WORDS
from medsales.views.text import HEADERS, ranked_rows

__all__ = ["CSS", "appraisal_html", "cohort_html"]

CSS: Final = """\
.medsales { font-family: system-ui, -apple-system, "Segoe UI", "Noto Sans", "PingFang SC",
  "Microsoft YaHei", sans-serif; line-height: 1.4; }
.medsales table { border-collapse: collapse; margin: 0.5em 0 1em; font-size: 0.92em;
  font-variant-numeric: tabular-nums; }
.medsales caption { text-align: left; font-weight: 600; padding: 0.3em 0; }
.medsales th, .medsales td { border-bottom: 1px solid #d8dde3; padding: 0.25em 0.6em;
  text-align: left; vertical-align: top; }
.medsales thead th { border-bottom: 2px solid #8a949e; background: #f3f5f7; }
.medsales .num { text-align: right; white-space: nowrap; }
.medsales tr.section th { background: #eef3f8; font-weight: 600; }
.medsales tr.dropped td { color: #7a828a; }
.medsales tr.total th, .medsales tr.total td { font-weight: 600; }
.medsales .notes { margin: 0; padding-left: 1.1em; color: #4a525a; font-size: 0.9em; }
.medsales .alert { color: #b3261e; font-weight: 600; }
.medsales .muted { color: #6a737b; }
.medsales code { font-size: 0.95em; }
"""
"""The style sheet of the fragments (every rule scoped to ``.medsales``)."""

_OWN_WORDS: Final[Mapping[str, Mapping[str, str]]] = {
    "en": {
        "appraisal": "Appraisal",
        "section": "section",
        "status": "status",
        "notes": "notes",
        "coefficient": "Coefficient",
        "vetoed": "vetoed (veto by a conduct rule)",
        "grades": "Grade distribution",
        "before": "Before distribution",
        "count": "Count",
        "share": "Share",
        "appraisals": "appraisals",
        "complete": "complete",
        "mean": "mean",
        "median": "median",
        "min": "min",
        "max": "max",
        "team": "team (manager)",
        "no_manager": "— (no manager)",
        "scored": "scored",
        "zero": "0 points",
        "not_applicable": "not applicable",
        "missing": "missing",
    },
    "zh-Hans": {
        "appraisal": "绩效考核",
        "status": "状态",
        "grades": "等级分布",
        "before": "强制分布前",
        "count": "人数",
        "share": "占比",
        "appraisals": "人",
        "complete": "完整",
        "mean": "平均",
        "median": "中位数",
        "min": "最低",
        "max": "最高",
        "team": "团队（经理）",
        "no_manager": "—（无上级）",
        "scored": "计分",
        "zero": "记 0 分",
        "not_applicable": "不适用",
        "missing": "无数据",
    },
    "zh-Hant": {
        "appraisal": "績效考核",
        "status": "狀態",
        "grades": "等級分布",
        "before": "強制分布前",
        "count": "人數",
        "share": "佔比",
        "appraisals": "人",
        "complete": "完整",
        "mean": "平均",
        "median": "中位數",
        "min": "最低",
        "max": "最高",
        "team": "團隊（經理）",
        "no_manager": "—（無上級）",
        "scored": "計分",
        "zero": "記 0 分",
        "not_applicable": "不適用",
        "missing": "無數據",
    },
}
"""The words of the HTML views that the text explanation does not have, or says
otherwise (a table heading is shorter than a sentence)."""

_WORDS: Final[Mapping[str, Mapping[str, str]]] = {
    lang: {**WORDS[lang], **own} for lang, own in _OWN_WORDS.items()
}
"""The fixed words of the HTML views: the text explanation's, then their own."""


_NUM: Final = ' class="num"'


def _words(lang: str) -> Mapping[str, str]:
    """The fixed words of the HTML views in ``lang`` (``en`` or ``zh-Hans``, by fallback)."""
    return pick(_WORDS, lang)


def _e(text: object) -> str:
    """Escape any value for HTML text and attribute values."""
    return html.escape(str(text), quote=True)


def _number(value: Fraction | Decimal | None) -> str:
    """A number as the JSON document shows it, or a dash."""
    return "—" if value is None else number_text(value)


def _two(value: Fraction | None) -> str:
    """A statistic to two decimals, rounded half up from its exact value."""
    return "—" if value is None else format(quantize(value, 2, "half_up"), "f")


def _table(
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    numeric: Iterable[int] = (),
    caption: str | None = None,
) -> str:
    """A plain table of text cells (escaped here); ``numeric`` columns align right."""
    right = set(numeric)

    def cls(i: int) -> str:
        return _NUM if i in right else ""

    out = ["<table>"]
    if caption is not None:
        out.append(f"<caption>{_e(caption)}</caption>")
    out.append("<thead><tr>" + "".join(f"<th{cls(i)}>{_e(h)}</th>" for i, h in enumerate(header)))
    out.append("</tr></thead><tbody>")
    for row in rows:
        out.append("<tr>" + "".join(f"<td{cls(i)}>{_e(c)}</td>" for i, c in enumerate(row)))
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


# --------------------------------------------------------------------------- an appraisal


def _notes(notes: Iterable[str]) -> str:
    items = "".join(f"<li>{_e(n)}</li>" for n in notes)
    return f'<ul class="notes">{items}</ul>' if items else ""


def _line_notes(notes: Iterable[Note], lang: str, appraisal: Appraisal) -> str:
    """A line's notes; a tree's notes (goals) indented by their depth."""
    items = "".join(
        (f'<li style="padding-left:{n.depth * 2}em">' if n.depth else "<li>")
        + f"{_e(n.text(lang, appraisal.policy))}</li>"
        for n in notes
    )
    return f'<ul class="notes">{items}</ul>' if items else ""


def _lines_table(appraisal: Appraisal, lang: str, w: Mapping[str, str]) -> str:
    policy = appraisal.policy
    sections = {}
    if appraisal.role in policy.scorecards_by_role:
        sections = {s.id: s for s in policy.scorecard(appraisal.role).effective_sections}
    header = [
        w["kpi"],
        w["status"],
        w["actual"],
        w["target"],
        w["x"],
        w["points"],
        w["weight"],
        w["eff"],
        w["contribution"],
        w["notes"],
    ]
    out = ["<table><thead><tr>"]
    out.extend(f"<th{_NUM if 2 <= i <= 8 else ''}>{_e(h)}</th>" for i, h in enumerate(header))
    out.append("</tr></thead><tbody>")
    scores = {sec.id: sec for sec in appraisal.sections}
    current: str | None = None
    for line in appraisal.lines:
        if line.section != current:
            current = line.section
            section = sections.get(line.section)
            name = section.name.text(lang) if section is not None and section.name else line.section
            score = scores.get(line.section)
            summary = (
                f" · {_e(w['points'])} {_e(_number(score.points))} · {_e(w['eff'])} "
                f"{_e(_number(score.effective_weight))} · {_e(w['contribution'])} "
                f"{_e(_number(score.contribution))}"
                if score is not None and len(scores) > 1
                else ""
            )
            out.append(
                f'<tr class="section"><th colspan="{len(header)}">{_e(name)} · {_e(w["weight"])} '
                f"{_e(_number(line.section_weight))}{summary}</th></tr>"
            )
        out.append(_line_row(appraisal, line, lang, w))
    out.append("</tbody></table>")
    return "".join(out)


def _line_row(appraisal: Appraisal, line: LineResult, lang: str, w: Mapping[str, str]) -> str:
    kpi = appraisal.policy.kpis_by_id.get(line.kpi)
    name = kpi.name.text(lang) if kpi is not None else line.kpi
    cells = [
        f'<td>{_e(name)} <code class="muted">{_e(line.kpi)}</code></td>',
        f"<td>{_e(w.get(line.status, line.status))}</td>",
        *(
            f'<td class="num">{_e(_number(v))}</td>'
            for v in (
                line.actual,
                line.target,
                line.x,
                line.points,
                line.weight,
                line.effective_weight,
                line.contribution,
            )
        ),
        f"<td>{_line_notes(line.notes, lang, appraisal)}</td>",
    ]
    dropped = "" if line.counted else ' class="dropped"'
    return f"<tr{dropped}>{''.join(cells)}</tr>"


def _totals(appraisal: Appraisal, lang: str, w: Mapping[str, str]) -> str:
    raw = w["combined_raw"] if appraisal.segments else w["raw"]
    rows: list[tuple[str, str, str]] = [("", raw, _number(appraisal.raw_score))]
    if appraisal.conduct:
        for c in appraisal.conduct:
            rule = appraisal.policy.rules_by_id.get(c.rule)
            name = rule.name.text(lang) if rule is not None else c.rule
            what = f"{name} ({c.severity}{', ' + c.date.isoformat() if c.date else ''})"
            if not c.counted:
                what += f" — {w['not_counted']}"
            rows.append(("", f"{w['conduct']}: {what}", f"−{_number(c.deduct)}"))
        rows.append(("", w["deductions"], f"−{_number(appraisal.deduction_applied)}"))
    rows.append(("total", w["final"], _number(appraisal.score)))
    grade = appraisal.grade or "—"
    if appraisal.grade_from_score and appraisal.grade_from_score != appraisal.grade:
        grade = f"{appraisal.grade_from_score} → {grade}"
    rows.append(("total", w["grade"], grade))
    coefficient = appraisal.coefficient
    rows.append(("", w["coefficient"], "—" if coefficient is None else format(coefficient, "f")))
    out = ["<table><tbody>"]
    for cls, label, value in rows:
        attr = f' class="{cls}"' if cls else ""
        out.append(f'<tr{attr}><th>{_e(label)}</th><td class="num">{_e(value)}</td></tr>')
    out.append("</tbody></table>")
    return "".join(out)


def _appraisal_body(appraisal: Appraisal, lang: str = "en", name: str = "") -> str:
    """The breakdown of an appraisal as HTML, without the wrapping ``<div>`` and style."""
    w = _words(lang)
    policy = appraisal.policy
    role = policy.roles_by_id.get(appraisal.role)
    head = [
        f"<strong>{_e(w['appraisal'])}</strong>",
        f"{_e(w['employee'])} <code>{_e(appraisal.employee_id or '—')}</code>"
        + (f" {_e(name)}" if name else ""),
        f"{_e(w['role'])} {_e(role.name.text(lang) if role else appraisal.role)}",
        f"{_e(w['period'])} {_e(appraisal.period.label if appraisal.period else '—')}",
        f"{_e(w['policy'])} <code>{_e(policy.id)}</code> {_e(policy.version)}",
    ]
    out = [f"<p>{' · '.join(head)}</p>"]
    if appraisal.vetoed:
        out.append(f'<p class="alert">{_e(w["vetoed"])}</p>')
    if not appraisal.complete:
        out.append(f'<p class="alert">{_e(w["incomplete"])}: {_e(appraisal.reason or "")}</p>')
    if appraisal.segments:
        for s in appraisal.segments:
            srole = policy.roles_by_id.get(s.role)
            out.append(
                f"<p><strong>{_e(w['segment'])}</strong>: "
                f"{_e(srole.name.text(lang) if srole else s.role)} {_e(s.start.isoformat())} – "
                f"{_e(s.end.isoformat())} ({s.days} {_e(w['days'])}) · {_e(w['raw'])} "
                f"{_e(_number(s.appraisal.raw_score))}</p>"
            )
            out.append(_lines_table(s.appraisal, lang, w))
    else:
        out.append(_lines_table(appraisal, lang, w))
    out.append(_totals(appraisal, lang, w))
    out.append(_notes(n.text(lang, appraisal.policy) for n in appraisal.notes))
    return "".join(out)


def appraisal_html(appraisal: Appraisal, lang: str = "en") -> str:
    """An appraisal's breakdown as an HTML fragment: each line's inputs, x, points,
    weights, contribution and notes, section by section, then the raw score, conduct,
    final score and grade: the sum a person can redo by hand, as :meth:`Appraisal.explain`
    gives it in text."""
    return _wrap("medsales-appraisal", _appraisal_body(appraisal, lang))


# --------------------------------------------------------------------------- a cohort


def _ranked_table(cohort: CohortResult, lang: str = "en") -> str:
    """The ranked table of a cohort (best first), as the command line prints it."""
    header = pick(HEADERS, lang)
    return _table(header, ranked_rows(cohort, lang), numeric=(0, 4, 6))


def _grades_table(cohort: CohortResult, lang: str = "en") -> str:
    """The grade counts of a cohort, best grade first, with shares and coefficients."""
    w = _words(lang)
    total = sum(cohort.grades.values())
    moved = dict(cohort.grades_before_distribution) != dict(cohort.grades)
    header = [w["grade"], "", w["coefficient"], w["count"], w["share"]]
    if moved:
        header.append(w["before"])
    rows = []
    for g in cohort.policy.grades:
        n = cohort.grades.get(g.id, 0)
        row = [
            g.id,
            g.name.text(lang) if g.name else "",
            "—" if g.coefficient is None else format(g.coefficient, "f"),
            str(n),
            f"{n * 100 / total:.1f} %" if total else "—",
        ]
        if moved:
            row.append(str(cohort.grades_before_distribution.get(g.id, 0)))
        rows.append(row)
    return _table(header, rows, numeric=(2, 3, 4, 5), caption=w["grades"])


def _group_table(
    cohort: CohortResult, groups: Sequence[GroupSummary], *, by: str, lang: str = "en"
) -> str:
    """Statistics per team (``by="team"``: the manager's id and name) or per role."""
    w = _words(lang)
    grade_ids = [g.id for g in cohort.policy.grades]
    header = [
        w["team"] if by == "team" else w["role"],
        w["appraisals"],
        w["complete"],
        w["mean"],
        w["median"],
        w["min"],
        w["max"],
        *grade_ids,
    ]
    rows = []
    for s in groups:
        if by == "team":
            label = f"{s.key} {cohort.names.get(s.key, '')}".strip()
            if s.key == "—" and s.key not in cohort.organisation.manager_of:
                label = w["no_manager"]  # the top of the organisation
        else:
            role = cohort.policy.roles_by_id.get(s.key)
            label = role.name.text(lang) if role else s.key
        rows.append(
            [
                label,
                str(s.count),
                str(s.complete),
                _two(s.mean),
                _two(s.median),
                "—" if s.minimum is None else format(s.minimum, "f"),
                "—" if s.maximum is None else format(s.maximum, "f"),
                *(str(s.grades.get(g, 0)) for g in grade_ids),
            ]
        )
    return _table(header, rows, numeric=range(1, len(header)))


def _cohort_body(cohort: CohortResult, lang: str = "en") -> str:
    """A cohort's ranked table and grade counts as HTML, without the ``<div>`` and style."""
    w = _words(lang)
    policy = cohort.policy
    complete = sum(1 for a in cohort.appraisals if a.complete)
    head = [
        f"<strong>{_e(policy.department.name.text(lang))}</strong>",
        f"{_e(w['period'])} {_e(cohort.period.label)}",
        f"{len(cohort.appraisals)} {_e(w['appraisals'])} ({complete} {_e(w['complete'])})",
        f"{_e(w['policy'])} <code>{_e(policy.id)}</code> {_e(policy.version)}",
    ]
    return f"<p>{' · '.join(head)}</p>" + _ranked_table(cohort, lang) + _grades_table(cohort, lang)


def cohort_html(cohort: CohortResult, lang: str = "en") -> str:
    """A cohort as an HTML fragment: the ranked table (score, grade, coefficient, flags)
    and the grade counts, best grade first."""
    return _wrap("medsales-cohort", _cohort_body(cohort, lang))


def _wrap(kind: str, body: str) -> str:
    return f'<div class="medsales {kind}"><style>{CSS}</style>{body}</div>'
