"""The command-line session quoted in docs/reviews.md is what the commands print, run in
order in one directory holding the demo's exported files. ``…`` in a line stands for any
text (a time, a hash)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from medsales.cli import main

PAGE = Path(__file__).parent.parent.parent / "docs" / "reviews.md"


def sessions() -> list[tuple[str, list[str]]]:
    """(command, quoted output) of each ``$ medsales`` line of the page's text blocks."""
    found: list[tuple[str, list[str]]] = []
    in_text = False
    for line in PAGE.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            in_text = line == "```text" and not in_text
        elif in_text and line.startswith("$ medsales "):
            found.append((line[2:], []))
        elif in_text and found:
            found[-1][1].append(line)
    return found


def pattern(line: str) -> re.Pattern[str]:
    return re.compile(".*".join(re.escape(part) for part in line.rstrip().split("…")))


def test_the_review_session_on_the_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    found = sessions()
    assert len(found) >= 8
    monkeypatch.chdir(tmp_path)
    assert main(["demo", "--export", "."]) == 0
    capsys.readouterr()
    for command, expected in found:
        main(shlex.split(command)[1:])
        out, err = capsys.readouterr()
        actual = [line.rstrip() for line in (out + err).splitlines()]
        assert len(actual) == len(expected), (command, actual)
        for want, got in zip(expected, actual, strict=True):
            assert pattern(want).fullmatch(got), (command, want, got)
