"""Reading a documentation page as a reader follows it: the files it shows and the
commands it quotes, in the page's order.

A file is a fenced block whose info string names it: ```` ```toml title="clinic.toml" ````
(``toml``, ``json`` or ``csv``), or a ``toml`` or ``json`` block whose first line is a
comment ``# NAME``. A command is a ``$ medsales …`` line in a ``text``
block; the lines under it, up to the next ``$`` line or the block's end, are what it
prints (a ``…`` line stands for any number of lines).
"""

from __future__ import annotations

import contextlib
import io
import re
import shlex
from pathlib import Path

import attrs

FILE_FENCE = re.compile(r'```(\w+) title="([\w.-]+)"')
COMMENT_NAME = re.compile(r"# ([\w.-]+\.(toml|json))")


@attrs.frozen
class File:
    name: str
    text: str


@attrs.frozen
class Command:
    line: int
    command: str
    expected: tuple[str, ...]


def steps(page: Path) -> list[File | Command]:
    """The files and commands of ``page``, in order."""
    found: list[File | Command] = []
    lines = page.read_text(encoding="utf-8").splitlines()
    in_text = False
    i = 0
    while i < len(lines):
        line = lines[i]
        named = FILE_FENCE.fullmatch(line)
        commented = (
            COMMENT_NAME.fullmatch(lines[i + 1])
            if line in ("```toml", "```json") and i + 1 < len(lines)
            else None
        )
        if named or commented:
            end = lines.index("```", i + 1)
            name = named[2] if named else commented[1] if commented else ""
            found.append(File(name, "\n".join(lines[i + 1 : end]) + "\n"))
            i = end + 1
            continue
        if line.startswith("```"):
            in_text = line == "```text" and not in_text
            i += 1
            continue
        if in_text and line.startswith("$ medsales "):
            number, command = i + 1, line[2:]
            while command.endswith("\\"):
                i += 1
                command = command[:-1].rstrip() + " " + lines[i].strip()
            output: list[str] = []
            i += 1
            while i < len(lines) and not lines[i].startswith(("$ ", "```")):
                output.append(lines[i].rstrip())
                i += 1
            found.append(Command(number, command, tuple(output)))
            continue
        i += 1
    return found


def run(command: str) -> list[str]:
    """What ``command`` (``medsales …``) prints, stdout then stderr, lines right-stripped."""
    from medsales.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        main(shlex.split(command)[1:])
    return [line.rstrip() for line in (out.getvalue() + err.getvalue()).splitlines()]


def follow(page: Path, folder: Path) -> list[tuple[Command, list[str]]]:
    """Follow ``page`` in ``folder`` (the current directory must be ``folder``): write each
    file and run each command in order; each command with what it printed."""
    results = []
    for step in steps(page):
        if isinstance(step, File):
            (folder / step.name).write_text(step.text, encoding="utf-8")
        else:
            results.append((step, run(step.command)))
    return results
