"""The breakdown of an appraisal as text a person can redo by hand (en, zh-Hans, zh-Hant).

Control characters in names, notes and labels are shown escaped (``\\x1b``, ``\\n``,
:func:`medsales.views.terminal.printable`), so the text prints as itself, entry by line.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Final

from medsales.labels import pick
from medsales.numbers import number_text
from medsales.views.messages import VALUE_WORDS
from medsales.views.terminal import pad, printable, width

if TYPE_CHECKING:
    from medsales.engine.results import Appraisal

__all__ = ["WORDS", "explain"]

WORDS: Final[Mapping[str, Mapping[str, str]]] = {
    "en": {
        "title": "Appraisal",
        "employee": "employee",
        "role": "role",
        "period": "period",
        "policy": "policy",
        "section": "Section",
        "section_scores": "Section scores (points = weighted mean of the section's lines)",
        "weight": "weight",
        "kpi": "KPI",
        "actual": "actual",
        "target": "target",
        "x": "x",
        "points": "points",
        "eff": "eff. weight",
        "contribution": "contribution",
        "raw": "Raw score (sum of contributions)",
        "deductions": "Conduct deductions",
        "final": "Final score",
        "grade": "Grade",
        "coefficient": "coefficient",
        "vetoed": "VETOED",
        "incomplete": "Incomplete",
        "notes": "Notes",
        "conduct": "Conduct",
        "not_counted": "not counted",
        "segment": "Role segment",
        "combined_raw": "Raw score (role segments combined by days)",
        "combined_formula": "raw score = Σ (segment raw score × segment days) / Σ segment "
        "days; conduct then applies once to the combined score",
        "days": "days",
        "none": "—",
        "formula": "effective weight = section weight / remaining section weights × line "
        "weight / remaining line weights × 100; contribution = effective weight × points / 100",
    },
    "zh-Hans": {
        "title": "绩效考核",
        "employee": "员工",
        "role": "岗位",
        "period": "考核期",
        "policy": "考核方案",
        "section": "维度",
        "section_scores": "维度得分（得分 = 该维度剩余指标得分的加权平均）",
        "weight": "权重",
        "kpi": "指标",
        "actual": "实际值",
        "target": "目标值",
        "x": "x",
        "points": "得分",
        "eff": "有效权重",
        "contribution": "贡献分",
        "raw": "加权得分（贡献分合计）",
        "deductions": "行为规范扣分",
        "final": "最终得分",
        "grade": "等级",
        "coefficient": "绩效系数",
        "vetoed": "一票否决",
        "incomplete": "考核不完整",
        "notes": "说明",
        "conduct": "行为规范",
        "not_counted": "不计",
        "segment": "岗位分段",
        "combined_raw": "加权得分（岗位分段按天数合并）",
        "combined_formula": "加权得分 = Σ（分段加权得分 × 分段天数）/ Σ 分段天数；"
        "行为规范扣分在合并后的得分上计一次",
        "days": "天",
        "none": "—",
        "formula": "有效权重 = 维度权重 / 剩余维度权重合计 × 指标权重 / 剩余指标权重合计 × 100；"
        "贡献分 = 有效权重 × 得分 / 100",
    },
    "zh-Hant": {
        "title": "績效考核",
        "employee": "員工",
        "role": "崗位",
        "period": "考核期",
        "policy": "考核方案",
        "section": "維度",
        "section_scores": "維度得分（得分 = 該維度剩餘指標得分的加權平均）",
        "weight": "權重",
        "kpi": "指標",
        "actual": "實際值",
        "target": "目標值",
        "x": "x",
        "points": "得分",
        "eff": "有效權重",
        "contribution": "貢獻分",
        "raw": "加權得分（貢獻分合計）",
        "deductions": "行為規範扣分",
        "final": "最終得分",
        "grade": "等級",
        "coefficient": "績效係數",
        "vetoed": "一票否決",
        "incomplete": "考核不完整",
        "notes": "說明",
        "conduct": "行為規範",
        "not_counted": "不計",
        "segment": "崗位分段",
        "combined_raw": "加權得分（崗位分段按天數合併）",
        "combined_formula": "加權得分 = Σ（分段加權得分 × 分段天數）/ Σ 分段天數；行為規範扣分在合"
        "併後的得分上計一次",
        "days": "天",
        "none": "—",
        "formula": "有效權重 = 維度權重 / 剩餘維度權重合計 × 指標權重 / 剩餘指標權重合計 × 100；貢"
        "獻分 = 有效權重 × 得分 / 100",
    },
}
"""The fixed words of an explanation, by language; the HTML views build on them."""


def _words(lang: str) -> Mapping[str, str]:
    return pick(WORDS, lang)


def _n(value: Fraction | Decimal | None, none: str) -> str:
    return none if value is None else number_text(value)


def _share(value: Fraction | Decimal | None, none: str) -> str:
    """A weight as written: exact decimals as they are, an equal share that does not
    terminate as its fraction beside a rounded reading (``100/3 ≈ 33.3333``)."""
    if isinstance(value, Fraction) and not _terminates(value):
        approx = Decimal(value.numerator) / Decimal(value.denominator)
        return f"{value.numerator}/{value.denominator} ≈ {approx.quantize(Decimal('0.0001'))}"
    return _n(value, none)


def _terminates(value: Fraction) -> bool:
    d = value.denominator
    for p in (2, 5):
        while d % p == 0:
            d //= p
    return d == 1


def _lines_block(appraisal: Appraisal, lang: str, w: Mapping[str, str]) -> list[str]:
    """The table of lines, section by section, each line's notes below it."""
    policy = appraisal.policy
    none = w["none"]
    header = [
        w["kpi"],
        w["actual"],
        w["target"],
        w["x"],
        w["points"],
        w["weight"],
        w["eff"],
        w["contribution"],
    ]
    rows: list[list[str]] = []
    for line in appraisal.lines:
        kpi = policy.kpis_by_id.get(line.kpi)
        rows.append(
            [
                printable(kpi.name.text(lang) if kpi else line.kpi),
                _n(line.actual, none),
                _n(line.target, none),
                _n(line.x, none),
                _n(line.points, none),
                _share(line.weight, none),
                _n(line.effective_weight, none),
                _n(line.contribution, none),
            ]
        )
    widths = [max(width(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def fmt(cells: list[str]) -> str:
        return (
            "  " + "  ".join(pad(c, widths[i], right=i > 0) for i, c in enumerate(cells)).rstrip()
        )

    card = policy.scorecards_by_role.get(appraisal.role)
    section_names: dict[str, str] = {}
    if card is not None:
        for sec in card.effective_sections:
            section_names[sec.id] = sec.name.text(lang) if sec.name else sec.id
    out: list[str] = []
    current = None
    for line, row in zip(appraisal.lines, rows, strict=True):
        if line.section != current:
            current = line.section
            out.append("")
            out.append(
                f"{w['section']} {section_names.get(current, current)} "
                f"({w['weight']} {_share(line.section_weight, none)})"
            )
            out.append(fmt(header))
        out.append(fmt(row))
        out.extend(
            f"      {'  ' * note.depth}· {note.text(lang, appraisal.policy)}" for note in line.notes
        )
    return out


def _sections_block(appraisal: Appraisal, lang: str, w: Mapping[str, str]) -> list[str]:
    """Each section's points, effective weight and contribution (SPEC §15), when the
    scorecard has more than one section (one section's score is the raw score)."""
    if len(appraisal.sections) < 2:
        return []
    none = w["none"]
    card = appraisal.policy.scorecards_by_role.get(appraisal.role)
    names = {
        sec.id: sec.name.text(lang) if sec.name else sec.id
        for sec in (card.effective_sections if card is not None else ())
    }
    header = [w["section"], w["weight"], w["points"], w["eff"], w["contribution"]]
    rows = [
        [
            names.get(sec.id, sec.id),
            _share(sec.weight, none),
            _n(sec.points, none),
            _n(sec.effective_weight, none),
            _n(sec.contribution, none),
        ]
        for sec in appraisal.sections
    ]
    widths = [max(width(r[i]) for r in [header, *rows]) for i in range(len(header))]
    out = ["", f"{w['section_scores']}:"]
    for cells in [header, *rows]:
        out.append(
            "  " + "  ".join(pad(c, widths[i], right=i > 0) for i, c in enumerate(cells)).rstrip()
        )
    return out


def explain(appraisal: Appraisal, lang: str = "en") -> str:
    """Render ``appraisal`` in ``lang``: every line, weight, note and the final sum."""
    w = _words(lang)
    policy = appraisal.policy
    none = w["none"]
    role = policy.roles_by_id.get(appraisal.role)
    role_name = role.name.text(lang) if role else appraisal.role
    out: list[str] = []
    head = [f"{w['title']}: {w['role']} {role_name} ({appraisal.role})"]
    if appraisal.employee_id is not None:
        head.append(f"{w['employee']} {appraisal.employee_id}")
    if appraisal.period is not None:
        head.append(f"{w['period']} {appraisal.period.label}")
    out.append(" · ".join(head))
    out.append(f"{w['policy']}: {policy.id} {policy.version} (sha256 {policy.sha256[:12]}…)")

    if appraisal.segments:
        for seg in appraisal.segments:
            seg_role = policy.roles_by_id.get(seg.role)
            seg_name = seg_role.name.text(lang) if seg_role else seg.role
            out.append("")
            out.append(
                f"{w['segment']}: {seg_name} ({seg.role}), {seg.start.isoformat()} – "
                f"{seg.end.isoformat()}, {seg.days} {w['days']}"
            )
            out.extend(
                "  " + text if text else text
                for text in [
                    *_lines_block(seg.appraisal, lang, w),
                    *_sections_block(seg.appraisal, lang, w),
                ]
            )
            out.append(f"  {w['raw']}: {_n(seg.appraisal.raw_score, none)}")
        out.append("")
        out.append(f"  {w['combined_formula']}")
    else:
        out.extend(_lines_block(appraisal, lang, w))
        out.append("")
        out.append(f"  {w['formula']}")
        out.extend(_sections_block(appraisal, lang, w))

    out.extend(_conduct_block(appraisal, lang, w))
    out.append("")
    if appraisal.complete:
        raw_label = w["combined_raw"] if appraisal.segments else w["raw"]
        out.append(f"{raw_label}: {_n(appraisal.raw_score, none)}")
        if appraisal.deductions:
            out.append(f"{w['deductions']}: −{_n(appraisal.deduction_applied, none)}")
    else:
        out.append(f"{w['incomplete']}: {appraisal.reason}")
    if appraisal.score is not None:
        out.append(f"{w['final']}: {appraisal.score}")
    if appraisal.grade is not None:
        grade = policy.grades_by_id[appraisal.grade]
        label = f" {grade.name.text(lang)}" if grade.name else ""
        coefficient = (
            f", {w['coefficient']} {_n(appraisal.coefficient, none)}"
            if appraisal.coefficient is not None
            else ""
        )
        vetoed = f" [{w['vetoed']}]" if appraisal.vetoed else ""
        out.append(f"{w['grade']}: {appraisal.grade}{label}{coefficient}{vetoed}")
    if appraisal.notes:
        out.append("")
        out.append(f"{w['notes']}:")
        out.extend(f"  · {n.text(lang, appraisal.policy)}" for n in appraisal.notes)
    return "\n".join(printable(line) for line in out) + "\n"


def _conduct_block(appraisal: Appraisal, lang: str, w: Mapping[str, str]) -> list[str]:
    """The incidents: rule, severity, date, and what each one cost."""
    if not appraisal.conduct:
        return []
    policy, none = appraisal.policy, w["none"]
    severities = pick(VALUE_WORDS, lang).get("severity", {})
    out = ["", f"{w['conduct']}:"]
    for c in appraisal.conduct:
        rule = policy.rules_by_id.get(c.rule)
        severity = severities.get(c.severity, c.severity)
        bits = [f"  {rule.name.text(lang) if rule else c.rule} ({c.rule}, {severity})"]
        if c.date:
            bits.append(c.date.isoformat())
        if not c.counted:
            bits.append(w["not_counted"])
        else:
            if c.deduct:
                bits.append(f"−{_n(c.deduct, none)}")
            if c.grade_cap:
                bits.append(f"{w['grade']} ≤ {c.grade_cap}")
            if c.veto:
                bits.append(w["vetoed"])
        if c.note:
            bits.append(c.note)
        out.append(" · ".join(bits))
    return out
