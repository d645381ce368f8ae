"""The words of every note (SPEC §9) in English, Simplified and Traditional Chinese.

A :class:`~medsales.engine.notes.Note` keeps a stable code and its parameters; this table
turns it into a sentence when someone reads it. Placeholders are the note's parameter
names; every language has the same codes and the same placeholders (tested).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from medsales.policy.document import Policy

__all__ = ["LABELLED", "MESSAGES", "VALUE_WORDS", "render"]

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
        "row_outside_active": "the row of {kpi} for {period} lies outside the employee's "
        "active dates ({start} – {end}): not counted",
        "unused_measurement": "measurement of {kpi} is not on the scorecard of {role}: not used",
        "deduction": "{rule} ({severity}): −{points} points",
        "max_deduction": "deductions {total} limited to max_deduction {limit}",
        "score_floor": "score {score} floored at 0",
        "max_score": "score {score} limited to max_score {limit}",
        "rounded": "exact score {exact} rounded {mode} to {places} decimals: {score}",
        "grade_cap": "grade {before} capped at {cap} by {rule} ({severity})",
        "veto": "veto by {rule} ({severity}): lowest grade {grade}",
        "review_override": "final score {computed} overridden to {score} ({delta} points) by "
        "{by}: {reason}",
        "review_entered": "entered by {by} in the review ({action})",
        "review_version": "version {version}: the appeal upheld by {by}: {reason}",
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
        "whatif_always_high": "{grade} is reached whatever {kpi} is (however high)",
        "whatif_always_low": "{grade} is reached whatever {kpi} is (however low)",
        "whatif_always_at": "{grade} is reached whatever {kpi} is, even at {actual}",
        "whatif_why_lowest": ": {grade} is the lowest grade",
        "whatif_why_band": ": its band minimum {minimum} is reached by every score",
        "whatif_why_others": ": the other lines already give {grade}",
        "whatif_veto": "{grade} cannot be reached: the veto by {rule} ({severity}) sets the "
        "lowest grade {lowest} whatever the score",
        "whatif_capped": "{grade} cannot be reached: {rule} ({severity}) caps the grade at {cap}",
        "whatif_max_score": "{grade} cannot be reached: max_score {limit} rounds below its band "
        "minimum {minimum}",
        "whatif_out_of_reach": "{grade} cannot be reached through {kpi} alone: at its best "
        "({points} points) the score is {score}, below the band minimum {minimum}",
        "whatif_any_high": "{grade} is reached with {kpi} as high as you like, but not with every "
        "value",
        "whatif_any_low": "{grade} is reached with {kpi} as low as you like, but not with every "
        "value",
        "whatif_reached_min": "{kpi} of at least {actual} reaches {grade} (band minimum "
        "{minimum}) with the other measurements as given: score {score}",
        "whatif_reached_max": "{kpi} of at most {actual} reaches {grade} (band minimum {minimum}) "
        "with the other measurements as given: score {score}",
        "whatif_beyond_above": "any {kpi} above {actual} reaches {grade}, but {actual} itself "
        "does not (score {score})",
        "whatif_beyond_below": "any {kpi} below {actual} reaches {grade}, but {actual} itself "
        "does not (score {score})",
        "whatif_strict": ": {mode} rounding to {places} places needs an exact score above "
        "{threshold}",
        "whatif_lower": " (lower is better: this is the largest actual that still reaches it)",
        "whatif_target_high": "; above the target, {actual} is the most that still reaches it",
        "whatif_exclusive": " (exclusive)",
        "whatif_non_monotonic": "; the line allows a non-monotonic curve, so some better actuals "
        "may not reach it",
        "rollup_incomplete": "{period} left out of the roll-up: the appraisal is incomplete "
        "({reason})",
        "rollup_not_appraised": "{period} left out of the roll-up: not appraised in it (not on "
        "the roster or not active)",
        "rollup_not_in_history": "{period} left out of the roll-up: not among the periods "
        "appraised",
        "rollup_empty": "no period of {period} has a complete appraisal: no roll-up score",
        "goal": "goal {goal}{title}: progress {progress}",
        "goal_no_progress": "goal {goal}{title}: no progress given: 0",
        "goal_completed": "goal {goal}{title}: completed, no progress given: 100",
        "goal_rolled_up": "goal {goal}{title}: progress {progress} = weighted mean of its "
        "children {formula}",
        "goal_archived": "goal {goal}{title}: archived, not counted",
        "goals_value": "{kpi} = {value}, the weighted mean of {count} top goal(s) {formula}",
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
        "row_outside_active": "{kpi} 在 {period} 的记录不在在岗日期（{start} – {end}）内：不计",
        "unused_measurement": "{kpi} 不在岗位 {role} 的考核表中：未使用",
        "deduction": "{rule}（{severity}）：扣 {points} 分",
        "max_deduction": "扣分合计 {total} 受扣分上限 {limit} 限制",
        "score_floor": "得分 {score} 按 0 计",
        "max_score": "得分 {score} 受最高分 {limit} 限制",
        "rounded": "精确得分 {exact} 按{mode}保留 {places} 位小数：{score}",
        "grade_cap": "等级 {before} 因 {rule}（{severity}）封顶为 {cap}",
        "veto": "{rule}（{severity}）一票否决：最低等级 {grade}",
        "review_override": "{by} 将最终得分 {computed} 调整为 {score}（{delta} 分）：{reason}",
        "review_entered": "由 {by} 在评审中录入（{action}）",
        "review_version": "第 {version} 版：{by} 支持申诉：{reason}",
        "incident_outside_period": "{rule} 事件（{date}）不在 {period} 内：不计",
        "incomplete": "考核不完整：{reason}",
        "aggregated": "{count} 条记录按{how}汇总（{periods}）",
        "prorated": "目标 {target} × 在岗比例 {share}（按{method}）= {prorated}",
        "active_part": "在岗 {start} – {end}：{period} 共 {period_days} 天中的 {days} 天",
        "segment": "任 {role}（{start} – {end}，{days} 天）：加权得分 {raw}",
        "segment_incomplete": "任 {role}（{start} – {end}）：考核不完整，不参与合并",
        "segments_combined": "{count} 个岗位分段的加权得分按天数合并：{raw}",
        "too_few_responses": "有效问卷不足：{count} 份，至少需要 {minimum} 份",
        "survey": "{count} 份问卷按{method}计算：{value}",
        "group_dropped": "评价组 {group} 剔除：{count} 份评价，少于 {minimum} 份",
        "rater_group": "{group}：{count} 份评价的{how} = {value}，权重 {weight}",
        "no_ratings": "{kpi} 没有评价人数足够的评价组",
        "ratings_combined": "按已有评价组加权（权重合计 {weight}）：{value}",
        "no_team_values": "团队成员（{scope}）均无 {kpi} 数据",
        "team_rollup": "团队汇总（{how}）{kpi}，共 {count} 人：{members}",
        "distribution": "等级 {before} 受强制分布（{mode}）限制：调整为 {after}",
        "whatif_always_high": "{kpi} 无论多高都能达到 {grade}",
        "whatif_always_low": "{kpi} 无论多低都能达到 {grade}",
        "whatif_always_at": "{kpi} 取任何值都能达到 {grade}，即使为 {actual}",
        "whatif_why_lowest": "：{grade} 是最低等级",
        "whatif_why_band": "：其等级下限 {minimum} 任何得分都能达到",
        "whatif_why_others": "：其他指标已足以达到 {grade}",
        "whatif_veto": "无法达到 {grade}：{rule}（{severity}）一票否决，无论得分均为最低等级 "
        "{lowest}",
        "whatif_capped": "无法达到 {grade}：{rule}（{severity}）将等级封顶为 {cap}",
        "whatif_max_score": "无法达到 {grade}：最高分 max_score {limit} 舍入后低于其等级下限 "
        "{minimum}",
        "whatif_out_of_reach": "仅靠 {kpi} 无法达到 {grade}：该指标取最高 {points} 分时得分为 "
        "{score}，低于等级下限 {minimum}",
        "whatif_any_high": "{kpi} 足够高即可达到 {grade}，但并非每个更高的值都能达到",
        "whatif_any_low": "{kpi} 足够低即可达到 {grade}，但并非每个更低的值都能达到",
        "whatif_reached_min": "其他数据不变时，{kpi} 至少为 {actual} 即可达到 {grade}（等级下限 "
        "{minimum}）：得分 {score}",
        "whatif_reached_max": "其他数据不变时，{kpi} 至多为 {actual} 即可达到 {grade}（等级下限 "
        "{minimum}）：得分 {score}",
        "whatif_beyond_above": "{kpi} 高于 {actual} 即可达到 {grade}，但恰为 {actual} 时不能（得分"
        " {score}）",
        "whatif_beyond_below": "{kpi} 低于 {actual} 即可达到 {grade}，但恰为 {actual} 时不能（得分"
        " {score}）",
        "whatif_strict": "：按{mode}舍入到 {places} 位小数，精确得分须高于 {threshold}",
        "whatif_lower": "（越低越好：这是仍能达到该等级的最大值）",
        "whatif_target_high": "；高于目标时，最多为 {actual} 仍能达到",
        "whatif_exclusive": "（不含该值）",
        "whatif_non_monotonic": "；该指标允许非单调曲线，某些更好的值可能反而达不到",
        "rollup_incomplete": "{period} 未计入汇总：该期考核不完整（{reason}）",
        "rollup_not_appraised": "{period} 未计入汇总：该期未参加考核（不在名册中或不在岗）",
        "rollup_not_in_history": "{period} 未计入汇总：不在已考核的考核期中",
        "rollup_empty": "{period} 没有任何一期完整的考核：无汇总得分",
        "goal": "目标 {goal}{title}：进度 {progress}",
        "goal_no_progress": "目标 {goal}{title}：未填进度，按 0 计",
        "goal_completed": "目标 {goal}{title}：已完成，未填进度，按 100 计",
        "goal_rolled_up": "目标 {goal}{title}：进度 {progress} = 子目标加权平均 {formula}",
        "goal_archived": "目标 {goal}{title}：已归档，不计",
        "goals_value": "{kpi} = {value}，即 {count} 个顶层目标的加权平均 {formula}",
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
        "row_outside_active": "{kpi} 在 {period} 的記錄不在在崗日期（{start} – {end}）內：不計",
        "unused_measurement": "{kpi} 不在崗位 {role} 的考核表中：未使用",
        "deduction": "{rule}（{severity}）：扣 {points} 分",
        "max_deduction": "扣分合計 {total} 受扣分上限 {limit} 限制",
        "score_floor": "得分 {score} 按 0 計",
        "max_score": "得分 {score} 受最高分 {limit} 限制",
        "rounded": "精確得分 {exact} 按{mode}保留 {places} 位小數：{score}",
        "grade_cap": "等級 {before} 因 {rule}（{severity}）封頂為 {cap}",
        "veto": "{rule}（{severity}）一票否決：最低等級 {grade}",
        "review_override": "{by} 將最終得分 {computed} 調整為 {score}（{delta} 分）：{reason}",
        "review_entered": "由 {by} 在評審中錄入（{action}）",
        "review_version": "第 {version} 版：{by} 支持申訴：{reason}",
        "incident_outside_period": "{rule} 事件（{date}）不在 {period} 內：不計",
        "incomplete": "考核不完整：{reason}",
        "aggregated": "{count} 條記錄按{how}彙總（{periods}）",
        "prorated": "目標 {target} × 在崗比例 {share}（按{method}）= {prorated}",
        "active_part": "在崗 {start} – {end}：{period} 共 {period_days} 天中的 {days} 天",
        "segment": "任 {role}（{start} – {end}，{days} 天）：加權得分 {raw}",
        "segment_incomplete": "任 {role}（{start} – {end}）：考核不完整，不參與合併",
        "segments_combined": "{count} 個崗位分段的加權得分按天數合併：{raw}",
        "too_few_responses": "有效問卷不足：{count} 份，至少需要 {minimum} 份",
        "survey": "{count} 份問卷按{method}計算：{value}",
        "group_dropped": "評價組 {group} 剔除：{count} 份評價，少於 {minimum} 份",
        "rater_group": "{group}：{count} 份評價的{how} = {value}，權重 {weight}",
        "no_ratings": "{kpi} 沒有評價人數足夠的評價組",
        "ratings_combined": "按已有評價組加權（權重合計 {weight}）：{value}",
        "no_team_values": "團隊成員（{scope}）均無 {kpi} 數據",
        "team_rollup": "團隊彙總（{how}）{kpi}，共 {count} 人：{members}",
        "distribution": "等級 {before} 受強制分布（{mode}）限制：調整為 {after}",
        "whatif_always_high": "{kpi} 無論多高都能達到 {grade}",
        "whatif_always_low": "{kpi} 無論多低都能達到 {grade}",
        "whatif_always_at": "{kpi} 取任何值都能達到 {grade}，即使為 {actual}",
        "whatif_why_lowest": "：{grade} 是最低等級",
        "whatif_why_band": "：其等級下限 {minimum} 任何得分都能達到",
        "whatif_why_others": "：其他指標已足以達到 {grade}",
        "whatif_veto": "無法達到 {grade}：{rule}（{severity}）一票否決，無論得分均為最低等級 "
        "{lowest}",
        "whatif_capped": "無法達到 {grade}：{rule}（{severity}）將等級封頂為 {cap}",
        "whatif_max_score": "無法達到 {grade}：最高分 max_score {limit} 舍入後低於其等級下限 "
        "{minimum}",
        "whatif_out_of_reach": "僅靠 {kpi} 無法達到 {grade}：該指標取最高 {points} 分時得分為 "
        "{score}，低於等級下限 {minimum}",
        "whatif_any_high": "{kpi} 足夠高即可達到 {grade}，但並非每個更高的值都能達到",
        "whatif_any_low": "{kpi} 足夠低即可達到 {grade}，但並非每個更低的值都能達到",
        "whatif_reached_min": "其他數據不變時，{kpi} 至少為 {actual} 即可達到 {grade}（等級下限 "
        "{minimum}）：得分 {score}",
        "whatif_reached_max": "其他數據不變時，{kpi} 至多為 {actual} 即可達到 {grade}（等級下限 "
        "{minimum}）：得分 {score}",
        "whatif_beyond_above": "{kpi} 高於 {actual} 即可達到 {grade}，但恰為 {actual} 時不能（得分"
        " {score}）",
        "whatif_beyond_below": "{kpi} 低於 {actual} 即可達到 {grade}，但恰為 {actual} 時不能（得分"
        " {score}）",
        "whatif_strict": "：按{mode}舍入到 {places} 位小數，精確得分須高於 {threshold}",
        "whatif_lower": "（越低越好：這是仍能達到該等級的最大值）",
        "whatif_target_high": "；高於目標時，最多為 {actual} 仍能達到",
        "whatif_exclusive": "（不含該值）",
        "whatif_non_monotonic": "；該指標允許非單調曲線，某些更好的值可能反而達不到",
        "rollup_incomplete": "{period} 未計入匯總：該期考核不完整（{reason}）",
        "rollup_not_appraised": "{period} 未計入匯總：該期未參加考核（不在名冊中或不在崗）",
        "rollup_not_in_history": "{period} 未計入匯總：不在已考核的考核期中",
        "rollup_empty": "{period} 沒有任何一期完整的考核：無匯總得分",
        "goal": "目標 {goal}{title}：進度 {progress}",
        "goal_no_progress": "目標 {goal}{title}：未填進度，按 0 計",
        "goal_completed": "目標 {goal}{title}：已完成，未填進度，按 100 計",
        "goal_rolled_up": "目標 {goal}{title}：進度 {progress} = 子目標加權平均 {formula}",
        "goal_archived": "目標 {goal}{title}：已歸檔，不計",
        "goals_value": "{kpi} = {value}，即 {count} 個頂層目標的加權平均 {formula}",
    },
}

_METHODS_HANS: Final = {
    "sum": "求和",
    "mean": "平均值",
    "trimmed mean": "截尾平均值",
    "weighted_mean": "加权平均值",
    "last": "最后一期",
    "min": "最小值",
    "max": "最大值",
    "csat": "满意度（CSAT）",
    "nps": "净推荐值（NPS）",
    "days": "天数",
    "months": "月数",
}
_METHODS_HANT: Final = {
    "sum": "求和",
    "mean": "平均值",
    "trimmed mean": "截尾平均值",
    "weighted_mean": "加權平均值",
    "last": "最後一期",
    "min": "最小值",
    "max": "最大值",
    "csat": "滿意度（CSAT）",
    "nps": "淨推薦值（NPS）",
    "days": "天數",
    "months": "月數",
}
_MODES_HANS: Final = {
    "half_up": "四舍五入",
    "half_even": "四舍六入五成双",
    "half_down": "五舍六入",
    "up": "远离零进位",
    "down": "向零截断",
    "ceiling": "向上取整",
    "floor": "向下取整",
    "cap": "上限",
    "exact": "精确比例",
}
_MODES_HANT: Final = {
    "half_up": "四捨五入",
    "half_even": "四捨六入五成雙",
    "half_down": "五捨六入",
    "up": "遠離零進位",
    "down": "向零截斷",
    "ceiling": "向上取整",
    "floor": "向下取整",
    "cap": "上限",
    "exact": "精確比例",
}

VALUE_WORDS: Final[Mapping[str, Mapping[str, Mapping[str, str]]]] = {
    "en": {},
    "zh-Hans": {
        "how": _METHODS_HANS,
        "method": _METHODS_HANS,
        "mode": _MODES_HANS,
        "severity": {"minor": "轻微", "major": "较重", "critical": "严重"},
        "scope": {"direct": "直属", "all": "全部下属"},
        "group": {"self": "自评", "manager": "上级", "peer": "同事", "subordinate": "下属"},
    },
    "zh-Hant": {
        "how": _METHODS_HANT,
        "method": _METHODS_HANT,
        "mode": _MODES_HANT,
        "severity": {"minor": "輕微", "major": "較重", "critical": "嚴重"},
        "scope": {"direct": "直屬", "all": "全部下屬"},
        "group": {"self": "自評", "manager": "上級", "peer": "同事", "subordinate": "下屬"},
    },
}
"""Words for parameters whose values are method names, modes and severities, by
language and parameter; English keeps the policy's own words."""

LABELLED: Final[Mapping[str, str]] = {
    "rule": "rules_by_id",
    "kpi": "kpis_by_id",
    "role": "roles_by_id",
}
"""Parameters that hold an id of the policy, and where its label is found."""


def render(code: str, params: Mapping[str, str], lang: str, policy: Policy | None = None) -> str:
    """A note's sentence in ``lang``: outside English, method names and severities in
    words, and (given the policy) rules, KPIs and roles by their labels."""
    if lang == "en":  # English keeps the policy's words and ids: nothing to look up
        return MESSAGES["en"][code].format(**params)
    from medsales.labels import pick

    words = pick(VALUE_WORDS, lang)
    if words or (policy is not None and lang != "en"):
        shown = dict(params)
        for key, value in params.items():
            table = words.get(key)
            if table is not None and value in table:
                shown[key] = table[value]
            elif policy is not None and key in LABELLED and lang != "en":
                found = getattr(policy, LABELLED[key]).get(value)
                if found is not None:
                    shown[key] = found.name.text(lang)
        params = shown
    return pick(MESSAGES, lang)[code].format(**params)
