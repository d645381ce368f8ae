"""Sources and encodings: where rows come from, as text cells with their place.

The lowest layer of reading. A source (a CSV path or stream, an ``.xlsx`` workbook, or a
pandas frame, see :mod:`medsales.io.pandas`) becomes a :class:`RawTable`: the display name
of the file, the header cells as written and an iterator of ``(line, cells)`` with every
cell already text. Nothing here knows what the columns mean (:mod:`medsales.io.cells`
does) or which records they make (:mod:`medsales.io.records`).

Rows are read one at a time (a binary CSV stream from blocks of text), so memory stays
bounded by the rows the caller keeps. A line longer than :data:`MAX_LINE_BYTES` is refused
(a file of zeros such as ``/dev/zero`` is refused after reading a block more than that
many bytes), and so is text that the encoding cannot decode, naming the file, the line
and what to pass instead.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import os
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Final, TypeAlias

import attrs

from medsales.errors import DataFileError, Problem
from medsales.numbers import MAX_DIGITS, to_decimal

__all__ = [
    "ENCODINGS",
    "MAX_LINE_BYTES",
    "RawTable",
    "Source",
    "excel_path",
    "open_csv",
    "text_of",
]

Source: TypeAlias = str | os.PathLike[str] | IO[str] | IO[bytes]
"""Where a reader reads from: a path (``.csv``, or ``.xlsx`` with the ``excel`` extra),
or an open text or binary stream of CSV."""

ENCODINGS: Final = ("utf-8", "gb18030")
"""The encodings named in the docs; any codec Python knows is accepted."""

MAX_LINE_BYTES: Final = 1 << 20
"""The longest physical line read (1 MiB): no real row comes near it."""

_UTF8_BOM: Final = codecs.BOM_UTF8
_BLOCK_BYTES: Final = 1 << 18
"""How much of a binary CSV stream is read and decoded at once (at most MAX_LINE_BYTES)."""
_BLOCK_CODECS: Final = frozenset({"utf-8", "gb18030"})
"""The encodings whose bytes ``\\n`` are always line ends, read a block at a time."""
_EXCEL_SUFFIXES: Final = (".xlsx", ".xlsm")


class _Cell(Exception):
    """A cell that cannot be text; the message says why."""


@attrs.define
class RawTable:
    """A table as written: its display name, its header and its rows, every cell text.

    ``rows`` yields ``(line, cells)``; ``line`` is the 1-based physical line of the row's
    start (the spreadsheet's row number for a sheet, the row's position from 0 for a
    frame). ``problems`` gathers what the source itself found wrong while rows were read
    (a row with too many cells, a cell that is no text); it grows as ``rows`` is consumed.
    ``bad_cells`` holds the ``(line, position)`` of cells already reported there.
    ``header_line`` is where the header stands. ``spreadsheet`` says that rows may stop
    short of the header (empty cells at the end) and that whole numbers in a date column
    are serial dates; ``frame`` that ``file`` is a frame's name and ``line`` its row.

    ``let_go``, which a reader may set once it has read the header, says of a physical
    line of CSV (without its line end) and its number that it is a whole row the reader
    is done with (checked and let go, or kept) with nothing to report: such a line is
    passed over without being split. It must say True only where the row's full check
    would find nothing wrong.
    """

    file: str
    header: list[str] | None
    header_line: int
    rows: Iterator[tuple[int, list[str]]]
    problems: list[Problem] = attrs.Factory(list)
    bad_cells: set[tuple[int, int]] = attrs.Factory(set)
    spreadsheet: bool = False
    frame: bool = False
    let_go: Callable[[str, int], bool] | None = None


def _fail(file: str, message: str, *, line: int | None = None, value: object = None) -> None:
    raise DataFileError(
        f"{file}: {message}",
        value=value,
        problems=[Problem(message, file=file, line=line, value=value)],
    )


def excel_path(source: Source) -> str | None:
    """The path of an Excel workbook source, or None for CSV."""
    if isinstance(source, str | os.PathLike):
        path = os.fspath(source)
        if path.lower().endswith(_EXCEL_SUFFIXES):
            return path
    return None


def _codec(encoding: str) -> codecs.CodecInfo:
    try:
        return codecs.lookup(encoding)
    except LookupError:
        raise DataFileError(
            f"unknown encoding {encoding!r}",
            value=encoding,
            expected="utf-8 (the default) or gb18030 (which covers GBK and GB2312)",
        ) from None


# --------------------------------------------------------------------------- CSV


class _Lines:
    """Where the reading of a CSV stands: the number of the last physical line read, the
    first line of the row being read, and whether the next line starts a row."""

    __slots__ = ("boundary", "first", "number")

    def __init__(self) -> None:
        self.number = 0
        self.first = 1
        self.boundary = True


def _physical_lines(
    handle: IO[bytes] | IO[str], file: str, encoding: str, state: _Lines, table: RawTable
) -> Iterator[str]:
    """The decoded lines of a stream, ``state.number`` the number of the last one; the BOM
    removed. A line that starts a row and that ``table.let_go`` lets go is passed over.

    UTF-8 and GB18030 never use the byte ``\\n`` inside a character, so decoding line by
    line is exact and names the line of a bad byte; a binary stream in either is read in
    large blocks, each decoded at once (a block that does not decode is decoded again
    line by line, to name the line).
    """
    codec = _codec(encoding)
    utf8 = codec.name == "utf-8"
    raw = handle.readline(MAX_LINE_BYTES + 1)
    if not raw:
        return
    if len(raw) > MAX_LINE_BYTES:
        _too_long(file, 1)
    if isinstance(raw, bytes):
        if raw.startswith(_UTF8_BOM):
            raw = raw[len(_UTF8_BOM) :]
            if not utf8:  # a UTF-8 byte order mark says the file is UTF-8
                codec, utf8 = codecs.lookup("utf-8"), True
        text = _decoded(raw, codec, file, 1)
    else:
        text = raw
    state.number, state.first, state.boundary = 1, 1, False
    yield text.removeprefix("\ufeff")
    if isinstance(raw, bytes) and codec.name in _BLOCK_CODECS:
        yield from _binary_blocks(handle, file, codec, state, table)  # type: ignore[arg-type]
    else:
        yield from _one_by_one(handle, file, codec, state, table)


def _too_long(file: str, number: int) -> None:
    _fail(
        file,
        f"line {number} is longer than {MAX_LINE_BYTES:,} bytes: this is not a "
        "CSV file of appraisal data (a row is a few hundred bytes)",
        line=number,
    )


def _decoded(raw: bytes, codec: codecs.CodecInfo, file: str, number: int) -> str:
    try:
        return codec.decode(raw)[0]
    except UnicodeDecodeError as exc:
        _not_decodable(file, number, raw[exc.start : exc.end], codec.name)
        raise  # not reached: _not_decodable raises


def _one_by_one(
    handle: IO[bytes] | IO[str],
    file: str,
    codec: codecs.CodecInfo,
    state: _Lines,
    table: RawTable,
) -> Iterator[str]:
    """The lines after the first, read one at a time (text streams, other encodings)."""
    number = state.number
    while True:
        raw = handle.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        number += 1
        if len(raw) > MAX_LINE_BYTES:
            _too_long(file, number)
        text = raw if isinstance(raw, str) else _decoded(raw, codec, file, number)
        state.number = number
        if state.boundary:
            let_go = table.let_go
            if let_go is not None and let_go(text[:-1] if text.endswith("\n") else text, number):
                continue
            state.first, state.boundary = number, False
        yield text


def _binary_blocks(
    handle: IO[bytes], file: str, codec: codecs.CodecInfo, state: _Lines, table: RawTable
) -> Iterator[str]:
    """The lines after the first of a binary stream, read and decoded a block at a time.

    Only the first line of a block can be longer than a block (it may have begun in the
    one before), so only its length and that of the unfinished last line are checked.
    """
    pending = b""
    while True:
        block = handle.read(_BLOCK_BYTES)
        if not block:
            break
        pending += block
        end = pending.rfind(b"\n") + 1
        if end:
            body, pending = pending[:end], pending[end:]
            if body.find(b"\n") + 1 > MAX_LINE_BYTES:
                _too_long(file, state.number + 1)
            try:
                lines: Iterable[str] = codec.decode(body)[0].split("\n")[:-1]
            except UnicodeDecodeError:  # decoded again line by line, to name the line
                lines = (_decoded(b, codec, file, state.number + 1) for b in _split(body))
            yield from _rows_of(lines, state, table, "\n")
        if len(pending) > MAX_LINE_BYTES:
            _too_long(file, state.number + 1)
    if pending:
        yield from _rows_of([_decoded(pending, codec, file, state.number + 1)], state, table, "")


def _split(body: bytes) -> list[bytes]:
    """The lines of a block that ends with a line end, each without it."""
    return body[:-1].split(b"\n")


def _rows_of(lines: Iterable[str], state: _Lines, table: RawTable, end: str) -> Iterator[str]:
    """The lines for the CSV reader, each with ``end``; lines that start a row and that
    ``table.let_go`` lets go are passed over."""
    let_go = table.let_go
    number = state.number
    for text in lines:
        number += 1
        state.number = number
        if state.boundary:
            if let_go is not None and let_go(text, number):
                continue
            state.first, state.boundary = number, False
        yield text + end


def _not_decodable(file: str, line: int, bad: bytes, encoding: str) -> None:
    if encoding == "utf-8":
        hint = (
            "the file is not UTF-8 text; a CSV saved by Excel on Chinese Windows is GBK: "
            "pass --encoding gb18030 (encoding='gb18030' in Python), or save it as "
            "'CSV UTF-8'"
        )
    else:
        hint = (
            f"the file is not {encoding} text; pass the encoding it was saved in "
            "(--encoding utf-8 or gb18030; encoding= in Python)"
        )
    message = f"bytes {bad!r} cannot be decoded: {hint}"
    _fail(file, message, line=line, value=bad)


def open_csv(source: Source, name: str | None, encoding: str = "utf-8") -> RawTable:
    """A CSV source as a :class:`RawTable`; the file stays open until its rows are read."""
    if isinstance(source, str | os.PathLike):
        path = os.fspath(source)
        shown = name if name is not None else path
        try:
            handle: IO[bytes] | IO[str] = open(path, "rb")  # noqa: SIM115 - closed by _csv_rows
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise DataFileError(
                f"{shown}: cannot read the file: {reason}",
                value=path,
                problems=[Problem(f"cannot read the file: {reason}", file=shown)],
            ) from exc
        owned = True
    else:
        stream_name = getattr(source, "name", None)
        shown = name if name is not None else (stream_name if isinstance(stream_name, str) else "")
        shown = shown or "<stream>"
        if not callable(getattr(source, "readline", None)):
            message = (
                f"a {type(source).__name__} is not a source (expected a path or an open stream)"
            )
            raise DataFileError(
                f"{shown}: {message}",
                value=type(source).__name__,
                problems=[Problem(message, file=shown, value=type(source).__name__)],
            )
        handle, owned = source, False
    _codec(encoding)
    table = RawTable(shown, None, 1, iter(()))
    rows = _csv_rows(handle, owned, table, encoding)
    try:
        first = next(rows, None)
    except BaseException:
        if owned:
            handle.close()
        raise
    if first is not None:
        table.header_line, table.header = first[0], first[1]
    table.rows = rows
    return table


def _csv_rows(
    handle: IO[bytes] | IO[str], owned: bool, table: RawTable, encoding: str
) -> Iterator[tuple[int, list[str]]]:
    """Rows of non-blank cells, each with the number of its first physical line."""
    file = table.file
    state = _Lines()
    reader = csv.reader(_physical_lines(handle, file, encoding, state, table), strict=True)
    strip = str.strip
    try:
        for cells in reader:
            state.boundary = True  # the next line the reader asks for starts a row
            stripped = list(map(strip, cells))
            if any(stripped):
                yield state.first, stripped
    except csv.Error as exc:
        reason = str(exc)
        if "unexpected end of data" in reason:
            reason = "a quoted field opened in this row is never closed"
        elif "field larger than field limit" in reason:
            reason = f"a cell is longer than {csv.field_size_limit():,} characters"
        at = state.number + 1 if state.boundary else state.first
        table.problems.append(Problem(f"the file is not valid CSV: {reason}", file=file, line=at))
    except UnicodeDecodeError as exc:  # a text stream that decodes as it is read
        at = state.number + 1 if state.boundary else state.first
        _not_decodable(file, at, exc.object[exc.start : exc.end], "utf-8")
    except TypeError:
        _fail(
            file,
            "the stream gives bytes where text was expected (open the file in text mode, or "
            "pass its path)",
        )
    finally:
        if owned:
            handle.close()


# --------------------------------------------------------------------------- cells as text


_LONGEST: Final = 10**MAX_DIGITS


def text_of(value: object, *, dates: bool = False) -> str:
    """A spreadsheet or frame cell as the text a CSV cell would hold.

    Numbers are exact: integers in digits, floats through their shortest ``repr`` (as
    :func:`medsales.to_decimal` reads them), Decimals as written; dates and datetimes at
    midnight in ISO form; booleans ``true``/``false``. ``dates`` says the column holds
    dates, where a time of day or a time zone is refused. Raises ``_Cell`` for a value
    that has no text (a float NaN is an empty cell and gives ``""``).
    """

    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        if not -_LONGEST < value < _LONGEST:  # refused before it is written out (SPEC §21)
            raise _Cell(f"a number of more than {MAX_DIGITS} digits is too large")
        return str(value)
    if isinstance(value, float):
        if value != value:  # NaN: an empty cell
            return ""
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        try:
            return format(to_decimal(float(value)), "f")
        except Exception as exc:  # infinity
            raise _Cell(f"{value!r} is not a finite number") from exc
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            raise _Cell(f"{value} has a time zone (expected a date)")
        if value.time() != dt.time():
            if dates:
                raise _Cell(f"{value} has a time of day (expected a date)")
            return value.isoformat(sep=" ")
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        raise _Cell(f"{value} is a time of day, not a value")
    from decimal import Decimal

    if isinstance(value, Decimal):
        return "" if value.is_nan() else str(value)
    raise _Cell(f"{value!r} is a {type(value).__name__}, not a value a cell can hold")


CellError = _Cell
