"""Reading CSV text in blocks (SPEC §21: large files in bounded memory) names every line as
reading it line by line did: bad bytes, over-long lines and bad CSV after many blocks."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from medsales import DataFileError
from medsales.io import read_measurements
from medsales.io.sources import _BLOCK_BYTES, MAX_LINE_BYTES

HEADER = b"employee_id,period,kpi,actual,target\n"
ROW = b"E0,2026-01,sales_revenue,1,1\n"
MANY = (3 * _BLOCK_BYTES) // len(ROW) + 7  # rows enough for a few blocks, ending mid-block
ROWS = b"".join(b"E%d,2026-02,sales_revenue,1,1\n" % i for i in range(MANY))


def _problems(tmp_path: Path, data: bytes, encoding: str = "utf-8") -> list[tuple[object, ...]]:
    path = tmp_path / "m.csv"
    path.write_bytes(data)
    with pytest.raises(DataFileError) as from_path:
        read_measurements(path, name="m.csv", encoding=encoding)
    with pytest.raises(DataFileError) as from_stream:  # line by line
        read_measurements(io.BufferedReader(io.BytesIO(data)), name="m.csv", encoding=encoding)
    found = [(p.line, p.column, p.message, p.value) for p in from_path.value.problems or ()]
    assert found == [
        (p.line, p.column, p.message, p.value) for p in from_stream.value.problems or ()
    ]
    return found


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_bad_bytes_many_blocks_in_are_found_at_their_line(tmp_path: Path, encoding: str) -> None:
    data = HEADER + ROWS + b"E1,2026-01,sales_revenue,\xff\xfe,1\n" + ROW
    ((line, _, message, _),) = _problems(tmp_path, data, encoding)
    assert line == MANY + 2
    assert "cannot be decoded" in message


@pytest.mark.parametrize("end", [b"\n", b""])
def test_a_line_longer_than_the_limit_in_a_later_block_is_refused(
    tmp_path: Path, end: bytes
) -> None:
    data = HEADER + ROWS + b"E1," + b"9" * MAX_LINE_BYTES + end + ROW
    ((line, _, message, _),) = _problems(tmp_path, data)
    assert line == MANY + 2
    assert f"longer than {MAX_LINE_BYTES:,} bytes" in message


def test_a_line_of_exactly_the_limit_is_read(tmp_path: Path) -> None:
    cell = b"x" * (MAX_LINE_BYTES - len(b"E1,2026-01,sales_revenue,,1\n"))
    data = HEADER + ROWS + b"E1,2026-01,sales_revenue," + cell + b",1\n"
    ((line, _, message, _),) = _problems(tmp_path, data)
    assert line == MANY + 2
    assert message.startswith("the file is not valid CSV: a cell is longer than")  # not the line


def test_rows_after_a_cell_of_several_lines_keep_their_line(tmp_path: Path) -> None:
    data = HEADER + ROWS + b'E1,2026-01,"sales\nrevenue",1,1\n' + ROW + b"E1,,x,1,1"
    found = _problems(tmp_path, data)
    assert [(line, column) for line, column, _, _ in found] == [
        (MANY + 2, "kpi"),
        (MANY + 5, "period"),
    ]


def test_an_unclosed_quote_is_named_at_its_row(tmp_path: Path) -> None:
    data = HEADER + ROWS + b'E1,2026-01,"sales_revenue,1,1\n' + ROW
    ((line, _, message, _),) = _problems(tmp_path, data)
    assert line == MANY + 2
    assert "never closed" in message
