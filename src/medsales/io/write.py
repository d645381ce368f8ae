"""Files out: every result is written whole or not at all, and only where it may go.

A write goes to a temporary file in the target's folder, is flushed to disk and renamed
over the target in one step, so readers see the old file or the new one, never half of
one. What the writers refuse or do instead (SPEC §19, "an output path that cannot be
written is bad input"):

- Only a regular file (or a new name) is ever replaced. A symbolic link, a folder, a
  named pipe (FIFO), a socket or a block device raises :class:`~medsales.errors.OutputError`
  and is left as it is.
- A character device such as ``/dev/null`` or a terminal, and the streams
  ``/dev/stdout``, ``/dev/stderr`` and ``/dev/fd/N``, are written through: opened (or, for
  the streams, written to the descriptor the process already has), never renamed over.
- The temporary file is created with the mode of the file it replaces, or ``0600`` for a
  new file (which gets the usual ``0666`` less the umask when it is renamed into place),
  so its content is never readable by more people than the target's. Run as root, the
  replaced file's owner and group are kept.
- Temporary files are named ``.<name>.<pid>.<8 hex digits>.medsales-tmp``
  (:data:`TEMP_SUFFIX`). One left behind by a killed process is removed at the start of
  the next write to the same folder: when its process is gone, or when it is older than
  :data:`STALE_AFTER` seconds.
- Every :class:`OSError` (a missing or read-only folder, a file where a folder is
  expected, permissions, a full disk, a name too long) becomes one
  :class:`~medsales.errors.OutputError` naming the target and the reason; it is also an
  :class:`OSError`, with the original ``errno``; its ``filename`` and ``value`` are the
  target as given.

Cells written to CSV (and Excel, see :mod:`medsales.io.results`) that start with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return are *neutralised* as OWASP recommends for
formula injection: a single quote is put in front, so a spreadsheet shows the text instead
of running it. Numbers are written as numbers: a negative score stays ``-3.5``.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import errno
import io
import os
import re
import secrets
import stat
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Final

from medsales.errors import OutputError
from medsales.numbers import to_decimal
from medsales.views.terminal import printable

__all__ = [
    "FORMULA_PREFIXES",
    "STALE_AFTER",
    "TEMP_SUFFIX",
    "csv_text",
    "format_cell",
    "make_folder",
    "neutralise",
    "remove_stale_temporaries",
    "write_bytes_atomic",
    "write_chunks_atomic",
    "write_csv_atomic",
    "write_text_atomic",
]

_BLOCK: Final = 1 << 20
"""Characters gathered before a block of streamed text is written."""
TEMP_SUFFIX: Final = ".medsales-tmp"
"""The end of every temporary file's name: ``.<name>.<pid>.<8 hex digits>.medsales-tmp``."""
STALE_AFTER: Final = 24 * 60 * 60
"""Seconds after which a temporary file counts as left behind even if its process id is
alive again (process ids are reused)."""
FORMULA_PREFIXES: Final = ("=", "+", "-", "@", "\t", "\r")
"""A text cell starting with one of these is neutralised (OWASP: CSV injection)."""

_TEMP: Final = re.compile(r"\A\..*\.(\d+)\.[0-9a-f]{8}" + re.escape(TEMP_SUFFIX) + r"\Z", re.S)
_NAME_IN_TEMP: Final = 40  # characters of the target's name kept in the temporary name
_STREAMS: Final = {"/dev/stdout": 1, "/dev/stderr": 2}
_FD_PATH: Final = re.compile(r"\A/(?:dev|proc/self)/fd/(\d+)\Z")
_REFUSED: Final = {
    stat.S_IFLNK: "a symbolic link",
    stat.S_IFDIR: "a folder",
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFSOCK: "a socket",
    stat.S_IFBLK: "a block device",
}
_EXPECTED: Final = "a regular file, or a new one, in a folder that can be written"
_REASONS: Final = {
    errno.ENOENT: "the folder {folder} does not exist",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "the file system is read-only",
    errno.ENOSPC: "no space left on the device",
    errno.EDQUOT: "the disk quota is exceeded",
    errno.ENAMETOOLONG: "the name is too long",
    errno.EISDIR: "it is a folder",
    errno.ELOOP: "too many symbolic links",
    errno.EFBIG: "the file is too large",
}


# --------------------------------------------------------------------------- cells


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


def neutralise(text: str) -> str:
    """``text`` made safe for a spreadsheet cell: a formula-like start gets a ``'`` before it.

    >>> neutralise("=HYPERLINK(\\"http://x\\")"), neutralise("-3.5"), neutralise("Li Wei")
    ('\\'=HYPERLINK("http://x")', "'-3.5", 'Li Wei')

    Only text is neutralised; write numbers as numbers (:func:`format_cell` of a
    :class:`~decimal.Decimal`), and they stay numbers.
    """
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _cell(value: object, neutralised: bool) -> str:
    if isinstance(value, str):
        return neutralise(value) if neutralised else value
    return format_cell(value)


# --------------------------------------------------------------------------- writers


def write_csv_atomic(
    path: str | os.PathLike[str],
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    bom: bool = False,
    neutralised: bool = True,
) -> None:
    """Write a CSV file atomically: UTF-8 (with a byte order mark if ``bom``, which Excel
    needs to show Chinese), ``\\n`` line ends, cells through :func:`format_cell`.

    Text cells are :func:`neutralise`\\ d unless ``neutralised=False`` (for files that
    medsales itself reads back, where a leading ``-`` is data). The whole text is built
    before anything is written, so a failing row leaves the target untouched.
    """
    text = csv_text(header, rows, neutralised=neutralised)
    write_text_atomic(path, text, encoding="utf-8-sig" if bom else "utf-8")


def csv_text(
    header: Sequence[str], rows: Iterable[Sequence[object]], *, neutralised: bool = True
) -> str:
    """The CSV text that :func:`write_csv_atomic` writes (without a byte order mark)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([_cell(h, neutralised) for h in header])
    for row in rows:
        writer.writerow([_cell(cell, neutralised) for cell in row])
    return buffer.getvalue()


def write_text_atomic(path: str | os.PathLike[str], text: str, *, encoding: str = "utf-8") -> None:
    """Replace ``path`` with ``text`` atomically: readers see the old file or the new one.

    See the module's documentation for what is refused and how temporary files are kept
    private and cleaned up; failures raise :class:`~medsales.errors.OutputError`.
    """
    write_bytes_atomic(path, text.encode(encoding))


def write_chunks_atomic(
    path: str | os.PathLike[str], chunks: Iterable[str], *, encoding: str = "utf-8"
) -> None:
    """Replace ``path`` with the text of ``chunks``, written as they come, atomically.

    The same guarantees as :func:`write_text_atomic` (temporary file in the same folder,
    fsync, rename, only regular files replaced) without holding the whole text in memory;
    should a chunk fail, the temporary file is removed and ``path`` is left as it was.
    """
    write_bytes_atomic(path, _encoded(chunks, encoding))


def _encoded(chunks: Iterable[str], encoding: str) -> Iterator[bytes]:
    """The chunks encoded, gathered into blocks of about a megabyte for fewer writes."""
    block: list[str] = []
    size = 0
    for chunk in chunks:
        block.append(chunk)
        size += len(chunk)
        if size >= _BLOCK:
            yield "".join(block).encode(encoding)
            block, size = [], 0
    if block:
        yield "".join(block).encode(encoding)


def write_bytes_atomic(path: str | os.PathLike[str], data: bytes | Iterable[bytes]) -> None:
    """Replace ``path`` with ``data`` (bytes, or blocks of bytes written as they come)
    atomically (a character device is written through)."""
    target = os.fspath(path)
    if not target or target.endswith(("/", os.sep)) or os.path.basename(target) in (".", ".."):
        raise _refused(target, "names a folder, not a file")
    fd_number = _stream(target)
    if fd_number is not None:
        _write_to_stream(target, fd_number, data)
        return
    kind, status = _inspect(target)
    if kind == "device":
        _write_through(target, data)
        return
    directory = os.path.dirname(os.path.abspath(target))
    remove_stale_temporaries(directory)
    _replace(target, directory, data, status)


def make_folder(path: str | os.PathLike[str]) -> Path:
    """Create the folder ``path`` (and its parents) if needed; an error names what is in
    the way (a file where a folder is expected, permissions, a read-only disk)."""
    folder = Path(path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise _refused(os.fspath(path), "is a file, not a folder") from None
    except OSError as exc:
        raise _failed(os.fspath(path), exc) from None
    return folder


def remove_stale_temporaries(directory: str | os.PathLike[str]) -> int:
    """Remove the temporary files that killed writers left in ``directory``; returns how
    many were removed. Best effort: a folder that cannot be listed is left alone."""
    now = time.time()
    removed = 0
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return 0
    for entry in entries:
        match = _TEMP.match(entry.name)
        if match is None:
            continue
        pid = int(match.group(1))
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if stat.S_ISDIR(info.st_mode):
            continue
        if pid != os.getpid() and _alive(pid) and now - info.st_mtime < STALE_AFTER:
            continue  # another writer's file, still being written
        if pid == os.getpid() and now - info.st_mtime < STALE_AFTER:
            continue  # this process's own write, in another thread
        with contextlib.suppress(OSError):
            os.unlink(entry.path)
            removed += 1
    return removed


# --------------------------------------------------------------------------- internals


def _alive(pid: int) -> bool:
    if os.name != "posix":  # pragma: no cover - only the age tells there
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # pragma: no cover - alive, owned by someone else
        return True
    return True


def _stream(target: str) -> int | None:
    """The descriptor that ``/dev/stdout``, ``/dev/stderr`` or ``/dev/fd/N`` name."""
    if target in _STREAMS:
        return _STREAMS[target]
    match = _FD_PATH.match(target)
    return int(match.group(1)) if match else None


def _write_to_stream(target: str, fd: int, data: bytes | Iterable[bytes]) -> None:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            if stream is not None and stream.fileno() == fd:
                stream.flush()
    try:
        _write_all(fd, data)
    except OSError as exc:
        raise _failed(target, exc) from None


def _inspect(target: str) -> tuple[str, os.stat_result | None]:
    """``("new", None)``, ``("file", status)`` or ``("device", status)``; refuses the rest."""
    try:
        status = os.lstat(target)
    except FileNotFoundError:
        return "new", None
    except OSError as exc:
        raise _failed(target, exc) from None
    kind = stat.S_IFMT(status.st_mode)
    if kind == stat.S_IFREG:
        return "file", status
    if kind == stat.S_IFCHR:
        return "device", status
    what = _REFUSED.get(kind, "not a regular file")
    raise _refused(
        target, f"is {what}; medsales replaces only regular files and writes through devices"
    )


def _write_through(target: str, data: bytes | Iterable[bytes]) -> None:
    try:
        fd = os.open(target, os.O_WRONLY | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise _failed(target, exc) from None
    try:
        _write_all(fd, data)
    except OSError as exc:
        raise _failed(target, exc) from None
    finally:
        os.close(fd)


def _replace(
    target: str, directory: str, data: bytes | Iterable[bytes], status: os.stat_result | None
) -> None:
    base = os.path.basename(target)
    mode = 0o600 if status is None else stat.S_IMODE(status.st_mode)
    flags = (
        os.O_WRONLY
        | os.O_CREAT
        | os.O_EXCL
        | getattr(os, "O_NOFOLLOW", 0)
        | getattr(os, "O_BINARY", 0)
    )
    while True:
        temp = os.path.join(
            directory,
            f".{base[:_NAME_IN_TEMP]}.{os.getpid()}.{secrets.token_hex(4)}{TEMP_SUFFIX}",
        )
        try:
            fd = os.open(temp, flags, mode)
            break
        except FileExistsError:  # pragma: no cover - 32 random bits collided
            continue
        except OSError as exc:
            raise _failed(target, exc) from None
    try:
        try:
            if status is not None:
                _keep_owner_and_mode(fd, status)
            _write_all(fd, data)
            os.fsync(fd)
            if status is None and hasattr(os, "fchmod"):
                os.fchmod(fd, 0o666 & ~_umask())
        finally:
            os.close(fd)
        _inspect(target)  # refuse if something other than a file took its place meanwhile
        os.replace(temp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        if isinstance(exc, OSError) and not isinstance(exc, OutputError):
            raise _failed(target, exc) from None
        raise
    _fsync_directory(directory)


def _keep_owner_and_mode(fd: int, status: os.stat_result) -> None:
    if not hasattr(os, "fchmod"):  # pragma: no cover - Windows
        return
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        with contextlib.suppress(OSError):
            os.fchown(fd, status.st_uid, status.st_gid)
    os.fchmod(fd, stat.S_IMODE(status.st_mode))


def _umask() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):  # pragma: no cover - not Linux
        pass
    mask = os.umask(0o022)  # pragma: no cover - not Linux
    os.umask(mask)  # pragma: no cover
    return mask  # pragma: no cover


def _write_all(fd: int, data: bytes | Iterable[bytes]) -> None:
    for block in (data,) if isinstance(data, bytes | bytearray) else data:
        view = memoryview(block)
        while view:
            view = view[os.write(fd, view) :]


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


def _refused(target: str, why: str) -> OutputError:
    shown = printable(target) or "''"
    error = OutputError(f"cannot write {shown}: it {why}", value=target, expected=_EXPECTED)
    error.filename = target
    return error


def _failed(target: str, exc: OSError) -> OutputError:
    folder = os.path.dirname(os.path.abspath(target)) if target else ""
    reason = _REASONS.get(exc.errno or 0, exc.strerror or type(exc).__name__)
    reason = reason.format(folder=printable(folder))
    error = OutputError(
        f"cannot write {printable(target) or repr(target)}: {printable(reason)}",
        value=target,
        expected=_EXPECTED,
    )
    error.errno = exc.errno
    error.strerror = exc.strerror
    error.filename = target
    return error
