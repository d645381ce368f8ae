"""The files of SPEC §10: the readers (from :mod:`medsales.io.records`) and atomic writers.

Reading goes through three layers: :mod:`medsales.io.sources` (files, streams, sheets and
their encodings), :mod:`medsales.io.cells` (headers, cells checked in place, one problem
collector) and :mod:`medsales.io.records` (the records of each table). This module keeps
the names users import from it.

Writers never leave a half-written file: the text goes to a temporary file in the target's
directory, is flushed to disk, and replaces the target in one rename.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import os
import secrets
import stat
from collections.abc import Iterable, Sequence
from decimal import Decimal

from medsales.io.cells import (
    EMPLOYEES_COLUMNS,
    FALSE_WORDS,
    INCIDENTS_COLUMNS,
    MEASUREMENTS_COLUMNS,
    OPTIONAL_COLUMNS,
    RATINGS_COLUMNS,
    SURVEYS_COLUMNS,
    TRUE_WORDS,
)
from medsales.io.records import (
    read_employees,
    read_incidents,
    read_measurements,
    read_ratings,
    read_surveys,
)
from medsales.io.sources import Source
from medsales.numbers import to_decimal

__all__ = [
    "EMPLOYEES_COLUMNS",
    "FALSE_WORDS",
    "INCIDENTS_COLUMNS",
    "MEASUREMENTS_COLUMNS",
    "OPTIONAL_COLUMNS",
    "RATINGS_COLUMNS",
    "SURVEYS_COLUMNS",
    "TRUE_WORDS",
    "Source",
    "format_cell",
    "read_employees",
    "read_incidents",
    "read_measurements",
    "read_ratings",
    "read_surveys",
    "write_csv_atomic",
    "write_text_atomic",
]

# --------------------------------------------------------------------------- writing


def format_cell(value: object) -> str:
    """A value as a CSV cell: empty for None, ``true``/``false``, ISO dates, plain decimals.

    >>> format_cell(Decimal("1E+3")), format_cell(None), format_cell(False)
    ('1000', '', 'false')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal | float):
        return format(to_decimal(value), "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def write_csv_atomic(
    path: str | os.PathLike[str],
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    bom: bool = False,
) -> None:
    """Write a CSV file atomically: UTF-8 (with a byte order mark if ``bom``, which Excel
    needs to show Chinese), ``\\n`` line ends, cells through :func:`format_cell`.

    The whole text is built before anything is written, so a failing row leaves the
    target untouched.
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(list(header))
    for row in rows:
        writer.writerow([format_cell(cell) for cell in row])
    write_text_atomic(path, buffer.getvalue(), encoding="utf-8-sig" if bom else "utf-8")


def write_text_atomic(path: str | os.PathLike[str], text: str, *, encoding: str = "utf-8") -> None:
    """Replace ``path`` with ``text`` atomically: readers see the old file or the new one.

    The text goes to a temporary file in the same directory, is fsynced and renamed over
    the target (``os.replace``). On any error the temporary file is removed and the target
    is untouched; the error (an :class:`OSError` for a full disk, say) propagates. A new
    file gets the permissions of the umask, a replaced one keeps its own.
    """
    target = os.fspath(path)
    data = text.encode(encoding)
    directory = os.path.dirname(os.path.abspath(target))
    base = os.path.basename(target)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        temp = os.path.join(directory, f".{base}.{secrets.token_hex(4)}.tmp")
        try:
            fd = os.open(temp, flags, 0o666)
            break
        except FileExistsError:  # pragma: no cover - 32 random bits collided
            continue
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        with contextlib.suppress(FileNotFoundError):
            os.chmod(temp, stat.S_IMODE(os.stat(target).st_mode))
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    _fsync_directory(directory)


def _fsync_directory(directory: str) -> None:
    """Make the rename durable where the platform allows (POSIX); best effort."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # pragma: no cover - e.g. Windows cannot open a directory
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some file systems refuse
        pass
    finally:
        os.close(fd)
