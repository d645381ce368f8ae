"""Excel workbooks in (the optional extra ``medsales[excel]``): a sheet as a raw table.

Read with openpyxl in read-only mode, which streams rows from the file instead of
loading the sheet (python-calamine is faster but builds the whole sheet in memory, and
openpyxl is the one library the extra needs for writing too; see ``docs/data-files.md``).
Problems are placed as ``book.xlsx!Sheet:row column``.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from typing import Any, Final

from medsales.errors import DataFileError, Problem
from medsales.io.sources import CellError, RawTable, text_of

__all__ = ["SHEET_NAMES", "open_sheet"]

SHEET_NAMES: Final = {
    "employees": ("employees", "员工", "員工", "人员", "人員", "花名册", "花名冊"),
    "measurements": ("measurements", "考核表", "考核数据", "考核數據", "指标", "指標"),
    "incidents": ("incidents", "违规", "違規", "事件"),
    "ratings": ("ratings", "评分", "評分", "360"),
    "surveys": ("surveys", "调查", "調查", "客户调查", "客戶調查"),
    "goals": ("goals", "目标", "目標"),
}
"""The sheet names that mark a workbook's sheet as a table's, in any case."""


def _fail(file: str, message: str) -> DataFileError:
    return DataFileError(f"{file}: {message}", problems=[Problem(message, file=file)])


def open_sheet(path: str, name: str | None, kind: str) -> RawTable:
    """The sheet of ``kind`` in the workbook: the one sheet, or the sheet named after
    the table (``measurements``, ``考核表``, …)."""
    shown = name if name is not None else path
    try:
        import openpyxl
    except ImportError:
        raise _fail(
            shown, "reading .xlsx files needs the excel extra: pip install 'medsales[excel]'"
        ) from None
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise DataFileError(
            f"{shown}: cannot read the file: {reason}",
            value=path,
            problems=[Problem(f"cannot read the file: {reason}", file=shown)],
        ) from exc
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise _fail(shown, f"not an Excel workbook (.xlsx): {exc}") from None
    try:
        sheet = _choose(book, shown, kind)
        file = f"{shown}!{sheet.title}"
        table = RawTable(file, None, 1, iter(()), spreadsheet=True)
        rows = _rows(sheet.iter_rows(min_row=1, values_only=True), table)
        first = next(rows, None)
    except BaseException:
        book.close()
        raise
    if first is not None:
        table.header_line, table.header = first
    table.rows = _closing(rows, book)
    return table


def _choose(book: Any, shown: str, kind: str) -> Any:
    names = book.sheetnames
    wanted = {n.casefold() for n in SHEET_NAMES.get(kind, (kind,))}
    for title in names:
        if title.strip().casefold() in wanted:
            return book[title]
    if len(names) == 1:
        return book[names[0]]
    raise _fail(
        shown,
        f"the workbook has {len(names)} sheets ({', '.join(names)}) and none is named "
        f"after the {kind} table (expected a sheet named "
        f"{' or '.join(SHEET_NAMES.get(kind, (kind,))[:2])}, or a workbook of one sheet)",
    )


def _rows(values: Iterator[tuple[Any, ...]], table: RawTable) -> Iterator[tuple[int, list[str]]]:
    for number, row in enumerate(values, start=1):
        cells: list[str] = []
        for index, value in enumerate(row, start=1):
            try:
                cells.append(text_of(value))
            except CellError as exc:
                table.problems.append(
                    Problem(str(exc), file=table.file, line=number, column=index, value=value)
                )
                table.bad_cells.add((number, index - 1))
                cells.append("")
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            yield number, cells


def _closing(rows: Iterator[tuple[int, list[str]]], book: Any) -> Iterator[tuple[int, list[str]]]:
    try:
        yield from rows
    finally:
        book.close()
