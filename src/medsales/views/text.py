"""Text views of results for people: a ranked table, a grade bar chart, plain or rich.

Plain text goes to pipes and files; on a terminal the command line uses ``rich`` for the
same table (aligned for Chinese characters, coloured grades).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Final

from medsales.cohort.appraise import CohortResult
from medsales.engine.results import Appraisal
from medsales.labels import pick
from medsales.numbers import display, quantize
from medsales.views.terminal import printable
from medsales.views.terminal import width as columns

__all__ = [
    "DEMO_TITLE",
    "HEADERS",
    "WHATIF_WORDS",
    "flags",
    "grade_chart",
    "not_appraised_text",
    "ranked",
    "ranked_rows",
    "table_text",
]

HEADERS: Final[Mapping[str, tuple[str, ...]]] = {
    "en": ("#", "employee", "name", "role", "score", "grade", "coefficient", "flags"),
    "zh-Hans": ("#", "员工", "姓名", "岗位", "得分", "等级", "绩效系数", "标记"),
    "zh-Hant": ("#", "員工", "姓名", "崗位", "得分", "等級", "績效係數", "標記"),
}
_FLAGS: Final[Mapping[str, Mapping[str, str]]] = {
    "en": {
        "vetoed": "vetoed",
        "incomplete": "incomplete",
        "capped": "capped",
        "moved": "distribution {before}→{after}",
        "segments": "role change",
        "deductions": "−{points}",
        "partial": "part of period",
        "redistributed": "redistributed",
    },
    "zh-Hans": {
        "vetoed": "一票否决",
        "incomplete": "不完整",
        "capped": "等级封顶",
        "moved": "强制分布 {before}→{after}",
        "segments": "岗位变动",
        "deductions": "扣{points}分",
        "partial": "部分在岗",
        "redistributed": "权重重分配",
    },
    "zh-Hant": {
        "vetoed": "一票否決",
        "incomplete": "不完整",
        "capped": "等級封頂",
        "moved": "強制分布 {before}→{after}",
        "segments": "崗位變動",
        "deductions": "扣{points}分",
        "partial": "部分在崗",
        "redistributed": "權重重分配",
    },
}
_CHART: Final[Mapping[str, str]] = {
    "en": "Grade distribution",
    "zh-Hans": "等级分布",
    "zh-Hant": "等級分布",
}


def ranked(cohort: CohortResult) -> list[Appraisal]:
    """Appraisals best first: complete ones by score, then incomplete; ids break ties."""
    return sorted(
        cohort.appraisals,
        key=lambda a: (a.score is None, -(a.score or 0), a.employee_id or ""),
    )


def flags(appraisal: Appraisal, lang: str = "en") -> str:
    """Short marks for what changed an appraisal: veto, caps, distribution, role change,
    the weight of a line without data given to the others."""
    words = pick(_FLAGS, lang)
    codes = {note.code for note in appraisal.notes}
    parts = [s.appraisal for s in appraisal.segments] if appraisal.segments else [appraisal]
    redistributed = any(
        n.code == "missing_redistributed" for a in parts for line in a.lines for n in line.notes
    )
    out: list[str] = []
    if not appraisal.complete:
        out.append(words["incomplete"])
    if appraisal.vetoed:
        out.append(words["vetoed"])
    if "grade_cap" in codes:
        out.append(words["capped"])
    before = appraisal.grade_before_distribution
    if before is not None and before != appraisal.grade:
        out.append(words["moved"].format(before=before, after=appraisal.grade))
    if appraisal.deduction_applied:
        out.append(words["deductions"].format(points=display(appraisal.deduction_applied)))
    if appraisal.segments:
        out.append(words["segments"])
    elif "active_part" in codes:
        out.append(words["partial"])
    if redistributed and appraisal.complete:
        out.append(words["redistributed"])
    return ", ".join(out)


def ranked_rows(cohort: CohortResult, lang: str = "en") -> list[list[str]]:
    """The rows of the ranked table (without the header), control characters escaped."""
    policy = cohort.policy
    rows: list[list[str]] = []
    for i, a in enumerate(ranked(cohort), start=1):
        role = policy.roles_by_id.get(a.role)
        rows.append(
            [
                str(i) if a.complete else "—",
                a.employee_id or "",
                cohort.names.get(a.employee_id or "", ""),
                role.name.text(lang) if role else a.role,
                "—" if a.score is None else format(a.score, "f"),
                a.grade or "—",
                "—" if a.coefficient is None else format(a.coefficient, "f"),
                flags(a, lang),
            ]
        )
    return [[printable(cell) for cell in row] for row in rows]


def table_text(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain-text table with columns aligned for Chinese characters; control characters
    in cells are shown escaped, so every row stays one line."""
    header = [printable(str(h)) for h in header]
    rows = [[printable(str(c)) for c in r] for r in rows]
    widths = [max(columns(r[i]) for r in [header, *rows]) for i in range(len(header))]
    numeric = {i for i, h in enumerate(header) if i in (0, 4, 6)}

    def line(cells: Sequence[str]) -> str:
        out = []
        for i, cell in enumerate(cells):
            gap = " " * (widths[i] - columns(cell))
            out.append(gap + cell if i in numeric else cell + gap)
        return "  ".join(out).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *(line(r) for r in rows)]) + "\n"


def grade_chart(cohort: CohortResult, lang: str = "en", width: int = 40) -> str:
    """The grade distribution as a text bar chart, best grade first."""
    counts = cohort.grades
    total = sum(counts.values())
    most = max(counts.values(), default=0) or 1
    lines = [pick(_CHART, lang) + f" ({cohort.period.label}, n = {total})"]
    labels = [
        printable(f"{g.id} {g.name.text(lang)}" if g.name else g.id) for g in cohort.policy.grades
    ]
    pad = max(columns(label) for label in labels) + 2
    for grade, label in zip(cohort.policy.grades, labels, strict=True):
        n = counts.get(grade.id, 0)
        bar = "█" * round(n * width / most)
        share = f"{n * 100 / total:5.1f} %" if total else "    — "
        lines.append(f"  {label}{' ' * (pad - columns(label))}{n:>4}  {share}  {bar}")
    return "\n".join(lines) + "\n"


_LEFT_OUT: Final[Mapping[str, Mapping[str, str]]] = {
    "en": {
        "title": "Not appraised ({count}): ",
        "no_scorecard": "{employee} (role {role} has no scorecard)",
        "unknown_role": "{employee} (role {role} is not a role of the policy)",
        "join": "; ",
    },
    "zh-Hans": {
        "title": "未考核（{count} 人）：",
        "no_scorecard": "{employee}（岗位 {role} 没有考核表）",
        "unknown_role": "{employee}（岗位 {role} 不在考核方案中）",
        "join": "；",
    },
    "zh-Hant": {
        "title": "未考核（{count} 人）：",
        "no_scorecard": "{employee}（崗位 {role} 沒有考核表）",
        "unknown_role": "{employee}（崗位 {role} 不在考核方案中）",
        "join": "；",
    },
}


def not_appraised_text(cohort: CohortResult, lang: str = "en") -> str:
    """One line saying who was left out of the cohort and why; empty when nobody was."""
    if not cohort.not_appraised:
        return ""
    words = pick(_LEFT_OUT, lang)
    people = [
        words[n.code].format(employee=n.employee_id, role=n.role) for n in cohort.not_appraised
    ]
    return words["title"].format(count=len(people)) + words["join"].join(people) + "\n"


DEMO_TITLE: Final = {
    "en": "medsales demo: a synthetic medical sales department ({people} people, made-up "
    "data), policy {policy} {version}, period {period}",
    "zh-Hans": "medsales 演示：合成的医疗销售部（{people} 人，数据为虚构），考核方案 {policy} "
    "{version}，考核期 {period}",
    "zh-Hant": "medsales 演示：合成的醫療銷售部（{people} 人，數據為虛構），考核方案 {policy} "
    "{version}，考核期 {period}",
}


WHATIF_WORDS: Final = {
    "en": {
        "now": "{employee} ({role}), now {score} {grade}: ",
        "per_unit_title": "points per unit (others fixed):",
        "per_unit": "  {kpi}: {value} per unit",
        "per_percent": ", {value} per 1 % of target",
    },
    "zh-Hans": {
        "now": "{employee}（{role}），当前 {score} {grade}：",
        "per_unit_title": "每单位的得分变化（其他指标不变）：",
        "per_unit": "  {kpi}：每单位 {value} 分",
        "per_percent": "，每 1% 目标 {value} 分",
    },
    "zh-Hant": {
        "now": "{employee}（{role}），當前 {score} {grade}：",
        "per_unit_title": "每單位的得分變化（其他指標不變）：",
        "per_unit": "  {kpi}：每單位 {value} 分",
        "per_percent": "，每 1% 目標 {value} 分",
    },
}


_SECTION_WORDS: Final[Mapping[str, Mapping[str, str]]] = {
    "en": {"title": "Section scores: {role}", "employee": "employee", "score": "score"},
    "zh-Hans": {"title": "维度得分：{role}", "employee": "员工", "score": "得分"},
    "zh-Hant": {"title": "維度得分：{role}", "employee": "員工", "score": "得分"},
}


def section_tables(cohort: CohortResult, lang: str = "en") -> str:
    """Each role's section scores (SPEC §15), one table per role: a row per person with
    each section's points — the "goal score, feedback score, final" row HR reads — then
    the final score. People combined from role segments are listed under each segment's
    role."""
    words = pick(_SECTION_WORDS, lang)
    policy = cohort.policy
    by_role: dict[str, list[tuple[str, Appraisal]]] = {}
    for a in ranked(cohort):
        parts = [s.appraisal for s in a.segments] if a.segments else [a]
        for part in parts:
            by_role.setdefault(part.role, []).append((a.employee_id or "", part))
    out = []
    for role_id in sorted(by_role, key=lambda r: [c.role for c in policy.scorecards].index(r)):
        card = policy.scorecard(role_id)
        sections = card.effective_sections
        role = policy.roles_by_id.get(role_id)
        header = [
            words["employee"],
            *((s.name.text(lang) if s.name else s.id) for s in sections),
            words["score"],
        ]
        rows = []
        for eid, part in by_role[role_id]:
            points = {s.id: s.points for s in part.sections}
            rows.append(
                [
                    eid,
                    *(_places(points.get(s.id), cohort) for s in sections),
                    "—" if part.score is None else str(part.score),
                ]
            )
        title = words["title"].format(role=role.name.text(lang) if role else role_id)
        out.append(title + "\n" + _right_table(header, rows))
    return "\n".join(out)


def _places(value: object, cohort: CohortResult) -> str:
    """Section points shown as scores are: at the policy's places, by its rounding."""
    if value is None:
        return "—"
    policy = cohort.policy
    return format(
        quantize(
            Fraction(str(value)) if not isinstance(value, Fraction) else value,
            policy.score_places,
            policy.rounding,
        ),
        "f",
    )


def _right_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain-text table whose columns after the first are numbers, right-aligned."""
    header = [printable(str(h)) for h in header]
    rows = [[printable(str(c)) for c in r] for r in rows]
    widths = [max(columns(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        out = []
        for i, cell in enumerate(cells):
            gap = " " * (widths[i] - columns(cell))
            out.append(cell + gap if i == 0 else gap + cell)
        return "  ".join(out).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *(line(r) for r in rows)]) + "\n"
