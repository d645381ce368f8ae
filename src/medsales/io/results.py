"""A cohort's results as a spreadsheet: one row per person, CSV or Excel (SPEC §19).

Each row has the person, their team (manager id), role and period, the final score,
grade and coefficient, the flags, and for every KPI scored in the cohort its actual value
and its points (``<kpi>.actual``, ``<kpi>.points``). With ``lang="en"`` the headers are
the column ids and the role is its id, for other systems; in Chinese the headers, the role
and the KPIs are shown with their names and, in CSV, ``true``/``false`` as 是/否. An
employee who changed role has the KPI columns of the last role segment.

Numbers are written as numbers (an ``.xlsx`` cell holds the exact decimal), text that
starts like a formula is neutralised (:func:`medsales.io.write.neutralise`).
``.xlsx`` needs the optional extra ``medsales[excel]`` (openpyxl).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Final

from medsales.errors import InputError
from medsales.io.write import csv_text, neutralise, write_bytes_atomic, write_csv_atomic
from medsales.labels import pick
from medsales.numbers import display
from medsales.views.terminal import printable

if TYPE_CHECKING:
    import os

    from medsales.cohort.appraise import CohortResult
    from medsales.engine.results import Appraisal, LineResult

__all__ = [
    "RESULT_COLUMNS",
    "result_table",
    "results_csv_text",
    "results_xlsx_bytes",
    "write_results_csv",
    "write_results_xlsx",
]

RESULT_COLUMNS: Final = (
    "employee_id",
    "name",
    "team",
    "role",
    "period",
    "score",
    "grade",
    "coefficient",
    "complete",
    "vetoed",
    "grade_from_score",
    "grade_before_distribution",
)
"""The columns before the per-KPI ones, by id (the English headers)."""

_WORDS: Final[Mapping[str, Mapping[str, str]]] = {
    "zh-Hans": {
        "employee_id": "员工编号",
        "name": "姓名",
        "team": "团队",
        "role": "岗位",
        "period": "考核期",
        "score": "得分",
        "grade": "等级",
        "coefficient": "绩效系数",
        "complete": "完整",
        "vetoed": "一票否决",
        "grade_from_score": "按得分等级",
        "grade_before_distribution": "强制分布前等级",
        "actual": "{kpi} 实际值",
        "points": "{kpi} 得分",
        "true": "是",
        "false": "否",
        "sheet": "考核结果",
    },
    "zh-Hant": {
        "employee_id": "員工編號",
        "name": "姓名",
        "team": "團隊",
        "role": "崗位",
        "period": "考核期",
        "score": "得分",
        "grade": "等級",
        "coefficient": "績效係數",
        "complete": "完整",
        "vetoed": "一票否決",
        "grade_from_score": "按得分等級",
        "grade_before_distribution": "強制分布前等級",
        "actual": "{kpi} 實際值",
        "points": "{kpi} 得分",
        "true": "是",
        "false": "否",
        "sheet": "考核結果",
    },
    "en": {
        **{c: c for c in RESULT_COLUMNS},
        "actual": "{kpi}.actual",
        "points": "{kpi}.points",
        "true": "true",
        "false": "false",
        "sheet": "results",
    },
}


def _number(value: Decimal | Fraction | None) -> Decimal | None:
    return None if value is None else display(value)


def _lines(a: Appraisal) -> Sequence[LineResult]:
    if a.segments:
        return a.segments[-1].appraisal.lines
    return a.lines


def result_table(cohort: CohortResult, lang: str = "en") -> tuple[list[str], list[list[object]]]:
    """The header and rows of the results sheet; numbers are :class:`~decimal.Decimal`,
    booleans are ``bool`` (each format writes them its way), missing values ``None``."""
    words = pick(_WORDS, lang)
    policy = cohort.policy
    lines = {a.employee_id: {ln.kpi: ln for ln in _lines(a)} for a in cohort.appraisals}
    scored = {k for by_kpi in lines.values() for k in by_kpi}
    kpis = [k for k in policy.kpis_by_id if k in scored]
    header = [words[c] for c in RESULT_COLUMNS]
    for kpi_id in kpis:
        shown = kpi_id if lang == "en" else policy.kpis_by_id[kpi_id].name.text(lang)
        header += [words["actual"].format(kpi=shown), words["points"].format(kpi=shown)]
    rows: list[list[object]] = []
    for a in cohort.appraisals:
        eid = a.employee_id or ""
        role = policy.roles_by_id.get(a.role)
        row: list[object] = [
            a.employee_id,
            cohort.names.get(eid, ""),
            cohort.team_of(eid),
            a.role if lang == "en" or role is None else role.name.text(lang),
            cohort.period.label,
            a.score,
            a.grade,
            _number(a.coefficient),
            a.complete,
            a.vetoed,
            a.grade_from_score,
            a.grade_before_distribution,
        ]
        by_kpi = lines[a.employee_id]
        for kpi_id in kpis:
            line = by_kpi.get(kpi_id)
            row += [None, None] if line is None else [_number(line.actual), _number(line.points)]
        rows.append(row)
    return header, rows


def _words_for_booleans(rows: list[list[object]], lang: str) -> list[list[object]]:
    words = pick(_WORDS, lang)
    return [
        [words["true" if c else "false"] if isinstance(c, bool) else c for c in row] for row in rows
    ]


def results_csv_text(cohort: CohortResult, lang: str = "en", *, excel: bool = False) -> str:
    """The results sheet as CSV text (with a byte order mark for Excel if ``excel``)."""
    header, rows = result_table(cohort, lang)
    return ("\ufeff" if excel else "") + csv_text(header, _words_for_booleans(rows, lang))


def write_results_csv(
    path: str | os.PathLike[str], cohort: CohortResult, lang: str = "en", *, excel: bool = False
) -> None:
    """Write the results sheet as a CSV file, atomically (BOM for Excel if ``excel``)."""
    header, rows = result_table(cohort, lang)
    write_csv_atomic(path, header, _words_for_booleans(rows, lang), bom=excel)


def results_xlsx_bytes(cohort: CohortResult, lang: str = "en") -> bytes:
    """The results sheet as an ``.xlsx`` workbook: numbers as numbers, headers frozen."""
    try:
        from openpyxl import Workbook
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
        from openpyxl.styles import Font
    except ImportError:
        raise InputError(
            "writing .xlsx needs openpyxl, an optional extra",
            expected="pip install 'medsales[excel]'",
        ) from None

    def text(value: str) -> str:
        # openpyxl refuses control characters in cells: show them escaped instead.
        return neutralise(ILLEGAL_CHARACTERS_RE.sub(lambda m: printable(m.group()), value))

    header, rows = result_table(cohort, lang)
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has one sheet
    sheet.title = pick(_WORDS, lang)["sheet"]
    sheet.append([text(h) for h in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:  # booleans stay Excel's TRUE and FALSE
        sheet.append([text(c) if isinstance(c, str) else c for c in row])
    for row_cells in sheet.iter_rows(min_row=2):
        for cell in row_cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text stays text, whatever it looks like
    sheet.freeze_panes = "C2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_results_xlsx(
    path: str | os.PathLike[str], cohort: CohortResult, lang: str = "en"
) -> None:
    """Write the results sheet as an ``.xlsx`` file, atomically."""
    write_bytes_atomic(path, results_xlsx_bytes(cohort, lang))
