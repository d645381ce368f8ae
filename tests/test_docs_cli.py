"""The command-line sessions quoted in docs/cli.md are what the commands really print.

Each ``$ medsales …`` line in a ``text`` block is run (in a directory holding the demo's
exported files, as the page says, and every file the page shows before it: a ``toml`` or
``json`` block whose first line is ``# NAME``), and its output must match the lines quoted
below it; a line ``…`` stands for any number of lines. Sessions that need files the page
does not show (a broken CSV, a file after an edit) or that use shell redirection are
skipped by name below, so a new example is tested unless it is listed there.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from docs_pages import File, steps
from medsales.cli import main

DOCS = Path(__file__).parent.parent / "docs"
ELLIPSIS = "…"

# quoted with files the page does not show, or with shell syntax: shown, not run
NOT_RUN = ("bad.csv", "after fixing the typo", "> my-policy.toml", f"appraise {ELLIPSIS}")

Session = tuple[int, str, list[str], dict[str, str]]


def sessions(page: Path) -> list[Session]:
    """(line number, command, quoted output, files shown so far) of every ``$ medsales``
    line in the page's text blocks."""
    found: list[Session] = []
    files: dict[str, str] = {}
    for step in steps(page):
        if isinstance(step, File):
            files[step.name] = step.text
        else:
            found.append((step.line, step.command, list(step.expected), dict(files)))
    return found


def matches(expected: list[str], actual: list[str]) -> bool:
    """Whether ``actual`` is ``expected`` line for line: a line ``…`` stands for any number
    of lines, a line ending in `` …`` for a line that starts so and any lines after it."""
    position, skipping = 0, False
    for want in expected:
        if want == ELLIPSIS:
            skipping = True
            continue
        cut = want.endswith(" " + ELLIPSIS)
        prefix = want.removesuffix(ELLIPSIS)

        def fits(line: str, want: str = want, cut: bool = cut, prefix: str = prefix) -> bool:
            return line.startswith(prefix) if cut else line == want

        if skipping:
            while position < len(actual) and not fits(actual[position]):
                position += 1
        if position >= len(actual) or not fits(actual[position]):
            return False
        position, skipping = position + 1, cut
    return skipping or position == len(actual)


CLI_SESSIONS = sessions(DOCS / "cli.md")


def test_the_page_has_sessions_to_check() -> None:
    run = [s for s in CLI_SESSIONS if not any(skip in s[1] for skip in NOT_RUN)]
    assert len(run) >= 15
    assert "clinic.toml" in CLI_SESSIONS[-1][3]


@pytest.mark.parametrize(
    ("number", "command", "expected", "files"),
    CLI_SESSIONS,
    ids=[f"cli.md:{n}" for n, _, _, _ in CLI_SESSIONS],
)
def test_a_quoted_session_is_what_the_command_prints(
    number: int,
    command: str,
    expected: list[str],
    files: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    if any(skip in command for skip in NOT_RUN):
        pytest.skip("needs files or shell syntax the page does not provide")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "200")  # argparse's usage on one line, as quoted
    assert main(["demo", "--export", "demo"]) == 0
    capsys.readouterr()
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    head = re.fullmatch(r"(.*) \| head -(\d+)", command)
    args = shlex.split(head[1] if head else command)[1:]
    main(args)
    out, err = capsys.readouterr()
    actual = [line.rstrip() for line in (out + err).splitlines()]
    if head:
        actual = actual[: int(head[2])]
    assert matches([line.rstrip() for line in expected], actual), "\n".join(actual)


@pytest.mark.parametrize(
    ("expected", "actual", "result"),
    [
        (["a", "b"], ["a", "b"], True),
        (["a", "b"], ["a", "b", "c"], False),
        (["a", ELLIPSIS], ["a", "b", "c"], True),
        (["a", ELLIPSIS, "c"], ["a", "b", "c"], True),
        (["a", ELLIPSIS, "d"], ["a", "b", "c"], False),
        (["a", "c"], ["a", "b", "c"], False),
        ([ELLIPSIS, "c", "d"], ["a", "c", "x", "d"], False),
        (["usage: x …", "error"], ["usage: x y", "  z", "error"], True),
        (["usage: x …", "error"], ["usage: w y", "error"], False),
        (["a …"], ["a b", "c"], True),
    ],
)
def test_matching_with_ellipsis(expected: list[str], actual: list[str], result: bool) -> None:
    assert matches(expected, actual) is result
