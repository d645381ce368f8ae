"""docs/tutorial.md can be followed by copying: from an empty folder, every file it shows
written and every command it quotes run in order prints what the page says (its Python
examples run as doctests in the same folder: docs/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from docs_pages import Command, File, follow, steps
from test_docs_cli import matches

PAGE = Path(__file__).parent.parent / "docs" / "tutorial.md"


def test_the_tutorial_shows_its_files_and_commands() -> None:
    found = steps(PAGE)
    files = {s.name for s in found if isinstance(s, File)}
    assert {"clinic.toml", "clinic-v2.toml", "employees.csv", "measurements.csv"} <= files
    commands = [s.command for s in found if isinstance(s, Command)]
    assert any("--lang zh-Hans" in c and c.startswith("medsales explain") for c in commands)
    # every file a command names is shown before it
    shown: set[str] = set()
    for step in found:
        if isinstance(step, File):
            shown.add(step.name)
        else:
            for word in step.command.split():
                if word.endswith((".toml", ".csv")) and not word.startswith("demo/"):
                    assert word in shown, f"line {step.line}: {word} is not shown before"


def test_following_the_tutorial_prints_what_it_quotes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "200")
    results = follow(PAGE, tmp_path)
    assert len(results) >= 8
    for command, printed in results:
        assert matches(list(command.expected), printed), (
            f"tutorial.md:{command.line}: {command.command}\n" + "\n".join(printed)
        )
    assert (tmp_path / "q3.json").exists()
