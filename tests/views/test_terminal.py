"""SPEC §19 "text that is data stays data" on a terminal: widths as the terminal counts
them, control characters escaped, one helper for every text view."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from medsales.views.terminal import pad, printable, width
from medsales.views.text import table_text


def test_width_counts_wide_characters_as_the_terminal_does() -> None:
    assert width("王𬱖") == 4  # 𬱖 lies outside the BMP: a naive range check says 3
    assert width("Li Wei") == 6
    assert width("績效係數") == 8
    assert pad("王𬱖", 6) == "王𬱖  "
    assert pad("7", 3, right=True) == "  7"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("a\x1b[2Jb", "a\\x1b[2Jb"),
        ("\x1b]0;title\x07", "\\x1b]0;title\\x07"),
        (
            "\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\",
            "\\x1b]8;;http://x\\x1b\\link\\x1b]8;;\\x1b\\",
        ),
        ("one\ntwo\r\tthree", "one\\ntwo\\r\\tthree"),
        ("\x00\x7f\x85\x9b", "\\x00\\x7f\\x85\\x9b"),
        ("abc\u202edcba", "abc\\u202edcba"),
        ("王𬱖 [bold]x[/]", "王𬱖 [bold]x[/]"),
    ],
)
def test_printable_escapes_control_characters(text: str, shown: str) -> None:
    assert printable(text) == shown


@given(st.text())
def test_printable_leaves_no_control_character_and_is_idempotent(text: str) -> None:
    shown = printable(text)
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in shown)
    assert printable(shown) == shown


def test_the_plain_table_aligns_by_terminal_columns_and_keeps_rows_on_one_line() -> None:
    header = ["#", "id", "name", "role", "score"]  # columns 0 and 4 are right-aligned
    rows = [
        ["1", "E1", "王𬱖", "rep", "91.00"],
        ["2", "E2", "Li Wei", "rep", "8.50"],
        ["3", "E3", "Eve\nE999 fake", "rep", "1.00"],
    ]
    lines = table_text(header, rows).splitlines()
    assert len(lines) == 5
    ends = {cell_len(line) for line in lines}
    assert len(ends) == 1, lines  # right-aligned last column: every line as wide
    assert "Eve\\nE999 fake" in lines[4]
