"""Where a key path lies in the text of a policy document: its line and column.

The standard library's TOML and JSON readers give values, not positions, so a policy's
validation errors would name a key path only. The scanners here read the same text again,
only when there are errors to place, and note where each key, table and array item
starts; a problem is then placed at its key path, or at the nearest enclosing one that
the text spells out (a key inside an inline table is placed at the table's key).

Both expect text that their parser has already accepted.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Sequence
from typing import Final

__all__ = ["Key", "Positions", "json_positions", "locate", "parse_path", "toml_positions"]

Key = tuple[str | int, ...]
"""A key path as parts: ``("scorecards", 0, "sections", 1, "weight")``."""

Positions = dict[Key, tuple[int, int]]
"""Key paths mapped to the (line, column) where they start, both 1-based."""

_PART: Final = re.compile(r"\[(\d+)\]|\.?([^.\[\]]+)")


def parse_path(path: str) -> Key:
    """A key path as :func:`medsales.errors.format_path` writes it, back into parts.

    >>> parse_path("scorecards[2].sections[0].weight")
    ('scorecards', 2, 'sections', 0, 'weight')
    """
    parts: list[str | int] = []
    for index, name in _PART.findall(path):
        parts.append(int(index) if index else name)
    return tuple(parts)


def locate(positions: Positions, path: Sequence[str | int]) -> tuple[int, int] | None:
    """The position of ``path``, or of the nearest enclosing path the text spells out;
    None when only the whole document encloses it (a top-level key that is missing)."""
    key = tuple(path)
    for end in range(len(key), 0, -1):
        found = positions.get(key[:end])
        if found is not None:
            return found
    return None


class _Lines:
    """1-based (line, column) of an offset in a text."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]

    def at(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1


# --------------------------------------------------------------------------- JSON


def json_positions(text: str) -> Positions:
    """Where each member and item of a JSON document starts (a member at its key)."""
    scanner = _JsonScanner(text)
    scanner.value(())
    return scanner.positions


class _JsonScanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0
        self.lines = _Lines(text)
        self.positions: Positions = {}

    def _space(self) -> None:
        while self.i < len(self.text) and self.text[self.i] in " \t\r\n\ufeff":
            self.i += 1

    def value(self, path: Key) -> None:
        self._space()
        first = self.text[self.i]
        if first == "{":
            self.i += 1
            self._space()
            while self.text[self.i] != "}":
                self._space()
                start = self.i
                key = self._string()
                self.positions[(*path, key)] = self.lines.at(start)
                self._space()
                self.i += 1  # the colon
                self.value((*path, key))
                self._space()
                if self.text[self.i] == ",":
                    self.i += 1
                    self._space()
            self.i += 1
        elif first == "[":
            self.i += 1
            self._space()
            index = 0
            while self.text[self.i] != "]":
                self._space()
                self.positions[(*path, index)] = self.lines.at(self.i)
                self.value((*path, index))
                index += 1
                self._space()
                if self.text[self.i] == ",":
                    self.i += 1
                    self._space()
            self.i += 1
        elif first == '"':
            self._string()
        else:  # a number, true, false or null
            while self.i < len(self.text) and self.text[self.i] not in ",]} \t\r\n":
                self.i += 1

    def _string(self) -> str:
        start = self.i
        self.i += 1
        while self.text[self.i] != '"':
            self.i += 2 if self.text[self.i] == "\\" else 1
        self.i += 1
        decoded: str = json.loads(self.text[start : self.i])
        return decoded


# --------------------------------------------------------------------------- TOML

_BARE: Final = re.compile(r"[A-Za-z0-9_-]+")


def toml_positions(text: str) -> Positions:
    """Where each table header and each key of a TOML document starts.

    Arrays of tables count their elements, so ``[[scorecards.sections]]`` under the
    second ``[[scorecards]]`` starts ``scorecards[1].sections[0]``; a table header
    through an array of tables (``[scorecards.sections.lines.curve]``) belongs to its
    last element, as TOML says. Values spanning lines (arrays, inline tables, multi-line
    strings) are skipped over: their items are placed at their key.
    """
    positions: Positions = {}
    counts: dict[Key, int] = {}
    table: Key = ()
    depth, open_string = 0, ""
    for number, line in enumerate(text.split("\n"), start=1):
        if depth or open_string:
            depth, open_string = _scan_value(line, 0, depth, open_string)
            continue
        stripped = line.lstrip()
        column = len(line) - len(stripped) + 1
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("["):
            array = stripped.startswith("[[")
            parts, _ = _key(stripped, 2 if array else 1)
            table = _resolve(parts, array, counts)
            positions.setdefault(table, (number, column))
            if array:  # the array itself: at its first element
                positions.setdefault(table[:-1], (number, column))
            continue
        parts, end = _key(stripped, 0)
        path = (*table, *_concrete(table, parts, counts))
        for k in range(len(table) + 1, len(path) + 1):  # dotted keys define tables too
            positions.setdefault(path[:k], (number, column))
        equals = stripped.index("=", end)
        depth, open_string = _scan_value(stripped, equals + 1, 0, "")
    return positions


def _concrete(table: Key, parts: list[str], counts: dict[Key, int]) -> Key:
    """Dotted key parts under ``table``, through arrays of tables to their last element."""
    out: list[str | int] = []
    for part in parts:
        out.append(part)
        node = (*table, *out)
        if node in counts:
            out.append(counts[node] - 1)
    return tuple(out)


def _resolve(parts: list[str], array: bool, counts: dict[Key, int]) -> Key:
    """The concrete path of a table header; ``[[…]]`` adds an element to its array."""
    concrete: Key = ()
    for j, part in enumerate(parts):
        node = (*concrete, part)
        if array and j == len(parts) - 1:
            n = counts.get(node, 0)
            counts[node] = n + 1
            concrete = (*node, n)
        elif node in counts:  # through an array of tables: its last element
            concrete = (*node, counts[node] - 1)
        else:
            concrete = node
    return concrete


def _key(text: str, i: int) -> tuple[list[str], int]:
    """A (dotted, maybe quoted) key starting at ``text[i]``: its parts and where it ends."""
    parts: list[str] = []
    while True:
        while text[i] in " \t":
            i += 1
        if text[i] == '"':
            end = i + 1
            while text[end] != '"':
                end += 2 if text[end] == "\\" else 1
            parts.append(json.loads(text[i : end + 1]))
            i = end + 1
        elif text[i] == "'":
            end = text.index("'", i + 1)
            parts.append(text[i + 1 : end])
            i = end + 1
        else:
            bare = _BARE.match(text, i)
            assert bare is not None, text
            parts.append(bare.group())
            i = bare.end()
        while i < len(text) and text[i] in " \t":
            i += 1
        if i < len(text) and text[i] == ".":
            i += 1
            continue
        return parts, i


def _scan_value(text: str, i: int, depth: int, open_string: str) -> tuple[int, str]:
    """Follow a value through one line: bracket depth and an open multi-line string."""
    while i < len(text):
        if open_string:
            end = text.find(open_string, i)
            if end < 0:
                return depth, open_string
            i, open_string = end + 3, ""
            continue
        ch = text[i]
        if text.startswith(('"""', "'''"), i):
            open_string = text[i : i + 3]
            i += 3
        elif ch == '"':
            i += 1
            while i < len(text) and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
            i += 1
        elif ch == "'":
            i = text.find("'", i + 1) + 1 or len(text)
        elif ch == "#":
            break
        else:
            if ch in "[{":
                depth += 1
            elif ch in "]}":
                depth -= 1
            i += 1
    return depth, open_string
