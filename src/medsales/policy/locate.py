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
from collections.abc import Iterator, Mapping, Sequence
from typing import Final

__all__ = [
    "Key",
    "Positions",
    "json_duplicate",
    "json_positions",
    "locate",
    "parse_path",
    "toml_positions",
    "toml_too_deep",
]

Key = tuple[str | int, ...]
"""A key path as parts: ``("scorecards", 0, "sections", 1, "weight")``."""

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


class _Node:
    """One key path in a tree of them: following a path costs its length, once."""

    __slots__ = ("at", "children", "count")

    def __init__(self) -> None:
        self.children: dict[str | int, _Node] = {}
        self.at: tuple[int, int] | None = None
        self.count = 0  # the elements of an array of tables seen so far

    def child(self, part: str | int) -> _Node:
        found = self.children.get(part)
        if found is None:
            found = self.children[part] = _Node()
        return found

    def mark(self, at: tuple[int, int]) -> None:
        if self.at is None:
            self.at = at


class Positions(Mapping[Key, tuple[int, int]]):
    """Key paths mapped to the (line, column) where they start, both 1-based.

    Kept as a tree of keys, so that scanning a text and looking a path up are linear in
    their lengths (a table header 100,000 keys deep costs no more than its text).
    """

    def __init__(self) -> None:
        self.root = _Node()

    def _find(self, key: Key) -> _Node | None:
        node: _Node | None = self.root
        for part in key:
            assert node is not None
            node = node.children.get(part)
            if node is None:
                return None
        return node

    def __getitem__(self, key: Key) -> tuple[int, int]:
        node = self._find(key) if isinstance(key, tuple) else None
        if node is None or node.at is None:
            raise KeyError(key)
        return node.at

    def __iter__(self) -> Iterator[Key]:
        stack: list[tuple[Key, _Node]] = [((), self.root)]
        while stack:
            key, node = stack.pop()
            if node.at is not None:
                yield key
            stack.extend(((*key, part), child) for part, child in node.children.items())

    def __len__(self) -> int:
        return sum(1 for _ in self)


def locate(
    positions: Mapping[Key, tuple[int, int]], path: Sequence[str | int]
) -> tuple[int, int] | None:
    """The position of ``path``, or of the nearest enclosing path the text spells out;
    None when only the whole document encloses it (a top-level key that is missing)."""
    if not isinstance(positions, Positions):  # a plain mapping of key paths
        key = tuple(path)
        for end in range(len(key), 0, -1):
            at = positions.get(key[:end])
            if at is not None:
                return at
        return None
    found = None
    node: _Node | None = positions.root
    for part in path:
        assert node is not None
        node = node.children.get(part)
        if node is None:
            break
        found = node.at or found
    return found


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
    scanner.value(scanner.positions.root)
    return scanner.positions


def json_duplicate(text: str) -> tuple[Key, tuple[int, int]] | None:
    """The first key written twice in one object of a JSON document, and where it is
    written the second time; None when every object's keys are distinct."""
    scanner = _JsonScanner(text)
    scanner.value(scanner.positions.root)
    return scanner.duplicate


class _JsonScanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0
        self.lines = _Lines(text)
        self.positions = Positions()
        self.path: list[str | int] = []
        self.duplicate: tuple[Key, tuple[int, int]] | None = None

    def _space(self) -> None:
        while self.i < len(self.text) and self.text[self.i] in " \t\r\n\ufeff":
            self.i += 1

    def value(self, node: _Node) -> None:
        self._space()
        first = self.text[self.i]
        if first == "{":
            self.i += 1
            self._space()
            seen: set[str] = set()
            while self.text[self.i] != "}":
                self._space()
                start = self.i
                key = self._string()
                at = self.lines.at(start)
                if key in seen and self.duplicate is None:
                    self.duplicate = ((*self.path, key), at)
                seen.add(key)
                child = node.child(key)
                child.mark(at)
                self._space()
                self.i += 1  # the colon
                self.path.append(key)
                self.value(child)
                self.path.pop()
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
                child = node.child(index)
                child.mark(self.lines.at(self.i))
                self.path.append(index)
                self.value(child)
                self.path.pop()
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
    strings) are skipped over: their items are placed at their key. Linear in the text.
    """
    positions = Positions()
    table = positions.root
    for at, header, array, parts in _toml_keys(text):
        if header:
            table = _resolve(positions.root, parts, array, at)
            table.mark(at)
            continue
        node = table
        for part in parts:  # dotted keys define tables too
            node = node.child(part)
            node.mark(at)
            if node.count:  # through an array of tables: its last element
                node = node.child(node.count - 1)
                node.mark(at)
    return positions


def toml_too_deep(text: str, limit: int) -> tuple[int, int] | None:
    """Where a table header, or a key with its table, first has more than ``limit`` parts;
    None when none has. Read before parsing: the standard library's TOML reader takes time
    quadratic in a key's parts. Text the scanner cannot follow is left to the parser."""
    if all(line.count(".") < limit for line in text.split("\n")):
        return None
    table = 0
    try:
        for at, header, _array, parts in _toml_keys(text):
            if len(parts) + (0 if header else table) > limit:
                return at
            if header:
                table = len(parts)
    except (AssertionError, ValueError, IndexError):
        return None
    return None


def _toml_keys(text: str) -> Iterator[tuple[tuple[int, int], bool, bool, list[str]]]:
    """Each table header and key of a TOML document: where, header or not, array or not,
    and its parts; values spanning lines are skipped over."""
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
            yield (number, column), True, array, parts
            continue
        parts, end = _key(stripped, 0)
        yield (number, column), False, False, parts
        equals = stripped.index("=", end)
        depth, open_string = _scan_value(stripped, equals + 1, 0, "")


def _resolve(root: _Node, parts: list[str], array: bool, at: tuple[int, int]) -> _Node:
    """The node of a table header; ``[[…]]`` adds an element to its array (the array
    itself placed at its first element)."""
    node = root
    for j, part in enumerate(parts):
        node = node.child(part)
        if array and j == len(parts) - 1:
            node.mark(at)
            node.count += 1
            node = node.child(node.count - 1)
        elif node.count:  # through an array of tables: its last element
            node = node.child(node.count - 1)
    return node


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
