"""Text that is data stays data on a terminal: one place for widths and control characters.

Names, ids and labels come from files people write. Shown raw, an escape sequence in a
name could clear the screen, retitle the window or forge a hyperlink, and a newline could
print a fake table row. :func:`printable` shows such characters escaped (``\\x1b``,
``\\n``), so every text view prints them visibly and on one line. :func:`width` is the
number of terminal columns a text takes, as ``rich`` counts them (``王𬱖`` is 4).
"""

from __future__ import annotations

import re
from typing import Final

from rich.cells import cell_len

__all__ = ["pad", "printable", "width"]

_NAMED: Final = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_UNSAFE: Final = re.compile(
    # C0 controls and DEL, C1 controls, and the bidirectional overrides and isolates that
    # reorder what follows them on screen ("Trojan source").
    "[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def _escape(match: re.Match[str]) -> str:
    ch = match.group()
    named = _NAMED.get(ch)
    if named is not None:
        return named
    code = ord(ch)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with control characters escaped, so it prints as itself on one line.

    >>> printable("Li\\x1b[2JWei\\nE999")
    'Li\\\\x1b[2JWei\\\\nE999'
    >>> printable("王𬱖")
    '王𬱖'
    """
    return _UNSAFE.sub(_escape, text)


def width(text: str) -> int:
    """The columns ``text`` takes in a terminal: CJK characters take two.

    >>> width("王𬱖"), width("Wei")
    (4, 3)
    """
    return cell_len(text)


def pad(text: str, columns: int, *, right: bool = False) -> str:
    """``text`` padded with spaces to ``columns`` terminal columns (left- or right-aligned)."""
    gap = " " * max(0, columns - width(text))
    return gap + text if right else text + gap
