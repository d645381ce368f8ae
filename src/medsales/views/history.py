"""Many periods as text and HTML (SPEC §18): series, grade transitions, roll-ups, alerts."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Final

from medsales.labels import pick
from medsales.numbers import display

if TYPE_CHECKING:
    from medsales.cohort.history import History, RollupResult

__all__ = [
    "WORDS",
    "alerts_text",
    "explain_rollup",
    "history_html",
    "rollups_text",
    "series_text",
    "transitions_text",
]

WORDS: Final[Mapping[str, Mapping[str, str]]] = {
    "en": {
        "rollup": "Roll-up",
        "employee": "employee",
        "policy": "policy",
        "weights": "weights",
        "equal": "equal",
        "active_days": "days active",
        "listed": "listed in the policy",
        "period": "period",
        "score": "score",
        "weight": "weight",
        "counted": "counted",
        "left_out": "left out",
        "formula": "roll-up score = Σ (weight × period score) / Σ weights, over the periods "
        "with a complete appraisal; rounded once",
        "exact": "Exact roll-up score",
        "final": "Roll-up score",
        "grade": "Grade",
        "coefficient": "coefficient",
        "none": "—",
        "notes": "Notes",
        "series": "Grades by period",
        "name": "name",
        "transitions": "Grade transitions {a} → {b} (rows: {a}, columns: {b})",
        "alerts": "Alerts (for a conversation, not a verdict: a low grade alone does not prove "
        "anyone unfit for the job)",
        "rule": "grade at most {grade} in {count} or more consecutive periods",
        "alert": "{employee} {name}: {periods}",
        "no_alerts": "No alerts.",
        "rollups": "Roll-up into {period}",
    },
    "zh-Hans": {
        "rollup": "汇总考核",
        "employee": "员工",
        "policy": "考核方案",
        "weights": "权重",
        "equal": "等权",
        "active_days": "在岗天数",
        "listed": "方案中列明",
        "period": "考核期",
        "score": "得分",
        "weight": "权重",
        "counted": "计入",
        "left_out": "未计入",
        "formula": "汇总得分 = Σ（权重 × 各期得分）/ Σ 权重，仅计考核完整的各期；最后舍入一次",
        "exact": "精确汇总得分",
        "final": "汇总得分",
        "grade": "等级",
        "coefficient": "绩效系数",
        "none": "—",
        "notes": "说明",
        "series": "各期等级",
        "name": "姓名",
        "transitions": "等级变动 {a} → {b}（行：{a}，列：{b}）",
        "alerts": "提示（用于沟通，而非结论：仅凭较低的等级不能证明员工不能胜任工作）",
        "rule": "连续 {count} 期或以上等级不高于 {grade}",
        "alert": "{employee} {name}：{periods}",
        "no_alerts": "没有提示。",
        "rollups": "汇总至 {period}",
    },
    "zh-Hant": {
        "rollup": "匯總考核",
        "employee": "員工",
        "policy": "考核方案",
        "weights": "權重",
        "equal": "等權",
        "active_days": "在崗天數",
        "listed": "方案中列明",
        "period": "考核期",
        "score": "得分",
        "weight": "權重",
        "counted": "計入",
        "left_out": "未計入",
        "formula": "匯總得分 = Σ（權重 × 各期得分）/ Σ 權重，僅計考核完整的各期；最後捨入一次",
        "exact": "精確匯總得分",
        "final": "匯總得分",
        "grade": "等級",
        "coefficient": "績效係數",
        "none": "—",
        "notes": "說明",
        "series": "各期等級",
        "name": "姓名",
        "transitions": "等級變動 {a} → {b}（行：{a}，列：{b}）",
        "alerts": "提示（用於溝通，而非結論：僅憑較低的等級不能證明員工不能勝任工作）",
        "rule": "連續 {count} 期或以上等級不高於 {grade}",
        "alert": "{employee} {name}：{periods}",
        "no_alerts": "沒有提示。",
        "rollups": "匯總至 {period}",
    },
}
"""The fixed words of the history views, by language."""


def _width(text: str) -> int:
    return sum(2 if "\u2e80" <= ch <= "\uffef" else 1 for ch in text)


def _table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    right_from: int = 1,
    right_to: int | None = None,
) -> str:
    """A plain-text table, columns aligned for Chinese characters, numbers (the columns
    from ``right_from`` up to ``right_to``) on the right."""
    last = len(header) if right_to is None else right_to
    widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        out = []
        for i, cell in enumerate(cells):
            gap = " " * (widths[i] - _width(cell))
            out.append(gap + cell if right_from <= i < last else cell + gap)
        return "  ".join(out).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *(line(r) for r in rows)]) + "\n"


def explain_rollup(rollup: RollupResult, lang: str = "en") -> str:
    """A roll-up a person can redo by hand: each period's score and weight, the periods
    left out and why, the weighted mean, its rounding and the grade."""
    w = pick(WORDS, lang)
    none = w["none"]
    policy = rollup.policy
    out = [
        f"{w['rollup']}: {w['employee']} {rollup.employee_id} · {w['period']} "
        f"{rollup.period.label} · {w['weights']} {w[rollup.weights]}",
        f"{w['policy']}: {policy.id} {policy.version} (sha256 {policy.sha256[:12]}…)",
        "",
    ]
    rows = [
        [
            p.period,
            none if p.score is None else format(p.score, "f"),
            none if p.weight is None else format(display(p.weight), "f"),
            w["counted"] if p.counted else w["left_out"],
        ]
        for p in rollup.parts
    ]
    table = _table([w["period"], w["score"], w["weight"], ""], rows, right_to=3)
    out.extend("  " + line for line in table.splitlines())
    out.append("")
    out.append(f"  {w['formula']}")
    out.append("")
    if rollup.exact_score is not None:
        out.append(f"{w['exact']}: {format(display(rollup.exact_score), 'f')}")
    if rollup.score is not None:
        out.append(f"{w['final']}: {rollup.score}")
    if rollup.grade is not None:
        grade = policy.grades_by_id[rollup.grade]
        label = f" {grade.name.text(lang)}" if grade.name else ""
        coefficient = rollup.coefficient
        tail = "" if coefficient is None else f", {w['coefficient']} {format(coefficient, 'f')}"
        out.append(f"{w['grade']}: {rollup.grade}{label}{tail}")
    if rollup.notes:
        out.append("")
        out.append(f"{w['notes']}:")
        out.extend(f"  · {n.text(lang, policy)}" for n in rollup.notes)
    return "\n".join(out) + "\n"


def series_text(history: History, lang: str = "en") -> str:
    """One row per person, one column per period: the final score and grade."""
    w = pick(WORDS, lang)
    names = history.names
    header = [w["employee"], w["name"], *(p.label for p in history.periods)]
    rows = []
    for eid in history.employee_ids:
        cells = {}
        for a in history.series(eid):
            if a.period is not None:
                cells[a.period.label] = (
                    f"{a.score} {a.grade}" if a.score is not None and a.grade else w["none"]
                )
        rows.append(
            [eid, names.get(eid, ""), *(cells.get(p.label, w["none"]) for p in history.periods)]
        )
    return w["series"] + "\n" + _table(header, rows, right_from=2)


def transitions_text(history: History, a: str, b: str, lang: str = "en") -> str:
    """The grade transition counts between two periods as a text table."""
    w = pick(WORDS, lang)
    first, second = history.cohort(a).period.label, history.cohort(b).period.label
    table = history.transitions(a, b)
    keys = list(table)
    rows = [[k, *(str(table[k][c]) for c in keys)] for k in keys]
    return w["transitions"].format(a=first, b=second) + "\n" + _table(["", *keys], rows)


def alerts_text(history: History, lang: str = "en") -> str:
    """Every alert, one line each, under a heading that says what an alert is not."""
    w = pick(WORDS, lang)
    names = history.names
    lines = [w["alerts"]]
    current = None
    for alert in history.alerts:
        if alert.alert is not current:
            current = alert.alert
            rule = w["rule"].format(grade=current.grade_at_most, count=current.consecutive)
            lines.append(f"  {current.name.text(lang)} ({rule})" if current.name else f"  {rule}")
        lines.append(
            "    "
            + w["alert"].format(
                employee=alert.employee_id,
                name=names.get(alert.employee_id, ""),
                periods=", ".join(
                    f"{p} {g}" for p, g in zip(alert.periods, alert.grades, strict=True)
                ),
            )
        )
    if not history.alerts:
        lines.append("  " + w["no_alerts"])
    return "\n".join(lines) + "\n"


def rollups_text(history: History, label: str, lang: str = "en") -> str:
    """Everyone's roll-up into ``label``: the period scores, the roll-up score and grade."""
    w = pick(WORDS, lang)
    names = history.names
    rollups = history.rollups(label)
    if not rollups:
        return ""
    periods = [p.period for p in rollups[0].parts]
    header = [w["employee"], w["name"], *periods, w["final"], w["grade"]]
    rows = []
    for r in rollups:
        rows.append(
            [
                r.employee_id,
                names.get(r.employee_id, ""),
                *(w["none"] if p.score is None else format(p.score, "f") for p in r.parts),
                w["none"] if r.score is None else format(r.score, "f"),
                r.grade or w["none"],
            ]
        )
    title = w["rollups"].format(period=rollups[0].period.label)
    return title + "\n" + _table(header, rows, right_from=2)


def history_html(history: History, lang: str = "en") -> str:
    """Grades by period, the last transition table and the alerts, as an HTML fragment."""
    from medsales.views.html import CSS

    w = pick(WORDS, lang)
    e = html.escape
    parts = [f'<div class="medsales medsales-history"><style>{CSS}</style>']
    parts.append(f"<p><strong>{e(w['series'])}</strong></p><table><thead><tr>")
    parts.append(f"<th>{e(w['employee'])}</th><th>{e(w['name'])}</th>")
    parts.extend(f"<th>{e(p.label)}</th>" for p in history.periods)
    parts.append("</tr></thead><tbody>")
    names = history.names
    for eid in history.employee_ids:
        by = {a.period.label: a for a in history.series(eid) if a.period is not None}
        cells = []
        for p in history.periods:
            a = by.get(p.label)
            text = f"{a.score} {a.grade}" if a and a.score is not None and a.grade else w["none"]
            cells.append(f'<td class="num">{e(text)}</td>')
        parts.append(f"<tr><td>{e(eid)}</td><td>{e(names.get(eid, ''))}</td>{''.join(cells)}</tr>")
    parts.append("</tbody></table>")
    if len(history.periods) >= 2:
        first, last = history.periods[-2].label, history.periods[-1].label
        table = history.transitions(first, last)
        keys = list(table)
        caption = w["transitions"].format(a=first, b=last)
        parts.append(f"<p>{e(caption)}</p><table><thead><tr><th></th>")
        parts.extend(f"<th>{e(k)}</th>" for k in keys)
        parts.append("</tr></thead><tbody>")
        for k in keys:
            row = "".join(f'<td class="num">{table[k][c]}</td>' for c in keys)
            parts.append(f"<tr><th>{e(k)}</th>{row}</tr>")
        parts.append("</tbody></table>")
    parts.append(f"<pre>{e(alerts_text(history, lang))}</pre></div>")
    return "".join(parts)
