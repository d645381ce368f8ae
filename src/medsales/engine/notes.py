"""Notes: why a rule changed a number, as structured data rendered in en, zh-Hans or zh-Hant."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Final

import attrs

from medsales.labels import pick
from medsales.numbers import display

__all__ = ["MESSAGES", "Note"]

MESSAGES: Final[Mapping[str, Mapping[str, str]]] = {
    "en": {
        "cap": "x {x} limited to the cap {cap}",
        "floor": "x {x} is below the floor {floor}: 0 points",
        "at_floor": "x {x} is exactly at the floor {floor}: points kept",
        "attainment_floored": "attainment {raw} floored at 0",
        "steps_below": "no step reached by x {x}: 'below' gives {points} points",
        "step": "step {threshold} reached: {points} points",
        "piecewise_below": "x {x} is below the first knot {first}: 'below' gives {points} points",
        "piecewise_above": "x {x} is past the last knot {last}: {points} points",
        "interpolated": "interpolated between knots {left} and {right}",
        "knot": "x {x} is at a knot: {points} points",
        "not_applicable": "not applicable: dropped, its weight shared by the other lines",
        "missing_redistributed": "no measurement: dropped, its weight shared by the other lines",
        "missing_zero": 'no measurement: kept with 0 points (missing = "zero")',
        "section_dropped": "section {section} has no line left: dropped, its weight {weight} "
        "shared by the other sections",
        "redistributed": "line weights renormalised: {line_total} of 100 in section {section} "
        "remain",
        "sections_redistributed": "section weights renormalised: {total} of 100 remain",
        "unused_measurement": "measurement of {kpi} is not on the scorecard of {role}: not used",
        "deduction": "{rule} ({severity}): −{points} points",
        "max_deduction": "deductions {total} limited to max_deduction {limit}",
        "score_floor": "score {score} floored at 0",
        "max_score": "score {score} limited to max_score {limit}",
        "rounded": "exact score {exact} rounded {mode} to {places} decimals: {score}",
        "grade_cap": "grade {before} capped at {cap} by {rule} ({severity})",
        "veto": "veto by {rule} ({severity}): lowest grade {grade}",
        "incident_outside_period": "incident of {rule} on {date} is outside {period}: not counted",
        "incomplete": "incomplete: {reason}",
        "aggregated": "{how} of {count} rows ({periods})",
        "prorated": "target {target} × active share {share} ({method}) = {prorated}",
        "active_part": "active {start} – {end}: {days} of {period_days} days of {period}",
        "segment": "as {role} {start} – {end} ({days} days): raw score {raw}",
        "segment_incomplete": "as {role} {start} – {end}: incomplete, not combined",
        "segments_combined": "raw scores of {count} role segments combined by days: {raw}",
        "too_few_responses": "too few responses: {count} of at least {minimum}",
        "survey": "{method} from {count} responses: {value}",
        "group_dropped": "rater group {group} dropped: {count} ratings, fewer than {minimum}",
        "rater_group": "{group}: {how} of {count} ratings = {value}, weight {weight}",
        "no_ratings": "no rater group with enough ratings for {kpi}",
        "ratings_combined": "weighted by the groups present (total weight {weight}): {value}",
        "no_team_values": "no team member ({scope}) has a value of {kpi}",
        "team_rollup": "team roll-up ({how}) of {kpi} over {count} members: {members}",
        "distribution": "grade {before} limited by the distribution ({mode}): moved to {after}",
    },
    "zh-Hans": {
        "cap": "x {x} 受上限 {cap} 限制",
        "floor": "x {x} 低于下限 {floor}：记 0 分",
        "at_floor": "x {x} 恰好等于下限 {floor}：保留得分",
        "attainment_floored": "达成率 {raw} 按 0 计",
        "steps_below": "x {x} 未达到任何档位：按 below 记 {points} 分",
        "step": "达到档位 {threshold}：{points} 分",
        "piecewise_below": "x {x} 低于第一个节点 {first}：按 below 记 {points} 分",
        "piecewise_above": "x {x} 超过最后一个节点 {last}：{points} 分",
        "interpolated": "在节点 {left} 与 {right} 之间线性插值",
        "knot": "x {x} 恰在节点上：{points} 分",
        "not_applicable": "不适用：剔除，其权重由其他指标按比例分摊",
        "missing_redistributed": "无数据：剔除，其权重由其他指标按比例分摊",
        "missing_zero": '无数据：保留并记 0 分（missing = "zero"）',
        "section_dropped": "维度 {section} 无剩余指标：剔除，其权重 {weight} 由其他维度分摊",
        "redistributed": "指标权重重新归一：维度 {section} 剩余 {line_total}/100",
        "sections_redistributed": "维度权重重新归一：剩余 {total}/100",
        "unused_measurement": "{kpi} 不在岗位 {role} 的考核表中：未使用",
        "deduction": "{rule}（{severity}）：扣 {points} 分",
        "max_deduction": "扣分合计 {total} 受扣分上限 {limit} 限制",
        "score_floor": "得分 {score} 按 0 计",
        "max_score": "得分 {score} 受最高分 {limit} 限制",
        "rounded": "精确得分 {exact} 按 {mode} 保留 {places} 位小数：{score}",
        "grade_cap": "等级 {before} 因 {rule}（{severity}）封顶为 {cap}",
        "veto": "{rule}（{severity}）一票否决：最低等级 {grade}",
        "incident_outside_period": "{rule} 事件（{date}）不在 {period} 内：不计",
        "incomplete": "考核不完整：{reason}",
        "aggregated": "{count} 条记录按 {how} 汇总（{periods}）",
        "prorated": "目标 {target} × 在岗比例 {share}（按{method}）= {prorated}",
        "active_part": "在岗 {start} – {end}：{period} 共 {period_days} 天中的 {days} 天",
        "segment": "任 {role}（{start} – {end}，{days} 天）：加权得分 {raw}",
        "segment_incomplete": "任 {role}（{start} – {end}）：考核不完整，不参与合并",
        "segments_combined": "{count} 个岗位分段的加权得分按天数合并：{raw}",
        "too_few_responses": "有效问卷不足：{count} 份，至少需要 {minimum} 份",
        "survey": "{count} 份问卷按 {method} 计算：{value}",
        "group_dropped": "评价组 {group} 剔除：{count} 份评价，少于 {minimum} 份",
        "rater_group": "{group}：{count} 份评价的{how} = {value}，权重 {weight}",
        "no_ratings": "{kpi} 没有评价人数足够的评价组",
        "ratings_combined": "按已有评价组加权（权重合计 {weight}）：{value}",
        "no_team_values": "团队成员（{scope}）均无 {kpi} 数据",
        "team_rollup": "团队汇总（{how}）{kpi}，共 {count} 人：{members}",
        "distribution": "等级 {before} 受强制分布（{mode}）限制：调整为 {after}",
    },
    "zh-Hant": {
        "cap": "x {x} 受上限 {cap} 限制",
        "floor": "x {x} 低於下限 {floor}：記 0 分",
        "at_floor": "x {x} 恰好等於下限 {floor}：保留得分",
        "attainment_floored": "達成率 {raw} 按 0 計",
        "steps_below": "x {x} 未達到任何檔位：按 below 記 {points} 分",
        "step": "達到檔位 {threshold}：{points} 分",
        "piecewise_below": "x {x} 低於第一個節點 {first}：按 below 記 {points} 分",
        "piecewise_above": "x {x} 超過最後一個節點 {last}：{points} 分",
        "interpolated": "在節點 {left} 與 {right} 之間線性插值",
        "knot": "x {x} 恰在節點上：{points} 分",
        "not_applicable": "不適用：剔除，其權重由其他指標按比例分攤",
        "missing_redistributed": "無數據：剔除，其權重由其他指標按比例分攤",
        "missing_zero": '無數據：保留並記 0 分（missing = "zero"）',
        "section_dropped": "維度 {section} 無剩餘指標：剔除，其權重 {weight} 由其他維度分攤",
        "redistributed": "指標權重重新歸一：維度 {section} 剩餘 {line_total}/100",
        "sections_redistributed": "維度權重重新歸一：剩餘 {total}/100",
        "unused_measurement": "{kpi} 不在崗位 {role} 的考核表中：未使用",
        "deduction": "{rule}（{severity}）：扣 {points} 分",
        "max_deduction": "扣分合計 {total} 受扣分上限 {limit} 限制",
        "score_floor": "得分 {score} 按 0 計",
        "max_score": "得分 {score} 受最高分 {limit} 限制",
        "rounded": "精確得分 {exact} 按 {mode} 保留 {places} 位小數：{score}",
        "grade_cap": "等級 {before} 因 {rule}（{severity}）封頂為 {cap}",
        "veto": "{rule}（{severity}）一票否決：最低等級 {grade}",
        "incident_outside_period": "{rule} 事件（{date}）不在 {period} 內：不計",
        "incomplete": "考核不完整：{reason}",
        "aggregated": "{count} 條記錄按 {how} 彙總（{periods}）",
        "prorated": "目標 {target} × 在崗比例 {share}（按{method}）= {prorated}",
        "active_part": "在崗 {start} – {end}：{period} 共 {period_days} 天中的 {days} 天",
        "segment": "任 {role}（{start} – {end}，{days} 天）：加權得分 {raw}",
        "segment_incomplete": "任 {role}（{start} – {end}）：考核不完整，不參與合併",
        "segments_combined": "{count} 個崗位分段的加權得分按天數合併：{raw}",
        "too_few_responses": "有效問卷不足：{count} 份，至少需要 {minimum} 份",
        "survey": "{count} 份問卷按 {method} 計算：{value}",
        "group_dropped": "評價組 {group} 剔除：{count} 份評價，少於 {minimum} 份",
        "rater_group": "{group}：{count} 份評價的{how} = {value}，權重 {weight}",
        "no_ratings": "{kpi} 沒有評價人數足夠的評價組",
        "ratings_combined": "按已有評價組加權（權重合計 {weight}）：{value}",
        "no_team_values": "團隊成員（{scope}）均無 {kpi} 數據",
        "team_rollup": "團隊彙總（{how}）{kpi}，共 {count} 人：{members}",
        "distribution": "等級 {before} 受強制分布（{mode}）限制：調整為 {after}",
    },
}


def _show(value: object) -> str:
    """A parameter as text: exact rationals rounded for reading (SPEC §9), others as str."""
    if isinstance(value, Fraction):
        return str(display(value))
    return str(value)


@attrs.frozen
class Note:
    """One rule that changed a number: a stable ``code`` and its parameters.

    Parameters keep their values (exact numbers, dates) and are rendered as text only
    when a note is read, so that a note costs nothing until someone looks at it.
    """

    code: str
    params: tuple[tuple[str, object], ...] = ()

    @classmethod
    def of(cls, code: str, **params: object) -> Note:
        """A note with its parameters."""
        return cls(code, tuple(params.items()))

    def rendered(self) -> dict[str, str]:
        """The parameters as text."""
        return {k: _show(v) for k, v in self.params}

    def text(self, lang: str = "en") -> str:
        """The note in ``lang`` (``en``, ``zh-Hans`` or ``zh-Hant``; others fall back as
        labels do)."""
        return pick(MESSAGES, lang)[self.code].format(**self.rendered())

    def to_dict(self) -> dict[str, object]:
        """The note as JSON-ready data: code, parameters and the English text."""
        return {"code": self.code, "params": self.rendered(), "text": self.text("en")}
