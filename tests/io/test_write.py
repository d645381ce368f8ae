"""SPEC §19: results are written whole or not at all, only over regular files, through
private temporary files that a killed writer does not leave behind for good."""

from __future__ import annotations

import errno
import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from medsales.errors import MedsalesError, OutputError
from medsales.io import write as write_module
from medsales.io.write import (
    STALE_AFTER,
    TEMP_SUFFIX,
    make_folder,
    neutralise,
    remove_stale_temporaries,
    write_bytes_atomic,
    write_chunks_atomic,
    write_csv_atomic,
    write_text_atomic,
)

posix = pytest.mark.skipif(os.name != "posix", reason="POSIX special files and modes")


def temporaries(folder: Path) -> list[str]:
    return sorted(n for n in os.listdir(folder) if n.endswith(TEMP_SUFFIX))


def test_an_output_error_is_a_medsales_error_and_an_os_error(tmp_path: Path) -> None:
    with pytest.raises(OutputError) as excinfo:
        write_text_atomic(tmp_path / "missing" / "x.json", "{}")
    error = excinfo.value
    assert isinstance(error, MedsalesError)
    assert isinstance(error, OSError)
    assert error.errno == errno.ENOENT
    assert "does not exist" in str(error)
    assert "\n" not in str(error)


# --------------------------------------------------------------------------- special files


@posix
def test_a_symbolic_link_is_refused_and_left_alone(tmp_path: Path) -> None:
    real = tmp_path / "real.csv"
    real.write_text("keep\n", encoding="utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    with pytest.raises(OutputError, match="is a symbolic link"):
        write_text_atomic(link, "new\n")
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8") == "keep\n"
    assert temporaries(tmp_path) == []


@posix
def test_a_dangling_symbolic_link_is_refused(tmp_path: Path) -> None:
    link = tmp_path / "link.csv"
    link.symlink_to(tmp_path / "nowhere.csv")
    with pytest.raises(OutputError, match="symbolic link"):
        write_text_atomic(link, "new\n")
    assert link.is_symlink()
    assert not (tmp_path / "nowhere.csv").exists()


@posix
def test_a_fifo_is_refused_and_left_alone(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(OutputError, match=r"named pipe \(FIFO\)"):
        write_text_atomic(fifo, "new\n")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "results").mkdir()
    with pytest.raises(OutputError, match="is a folder"):
        write_text_atomic(tmp_path / "results", "x")
    assert (tmp_path / "results").is_dir()


@posix
@pytest.mark.skipif(not os.path.exists("/dev/null"), reason="needs /dev/null")
def test_a_character_device_is_written_through_never_renamed_over() -> None:
    before = os.lstat("/dev/null")
    write_text_atomic("/dev/null", "results\n")
    write_csv_atomic("/dev/null", ("a",), [("1",)])
    after = os.lstat("/dev/null")
    assert stat.S_ISCHR(after.st_mode)
    assert (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)
    assert temporaries(Path("/dev")) == []


@posix
def test_dev_stdout_writes_to_the_descriptor(tmp_path: Path) -> None:
    code = (
        "from medsales.io.write import write_text_atomic; write_text_atomic('/dev/stdout', 'x\\n')"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True)
    assert done.stdout == b"x\n"
    code = "from medsales.io.write import write_text_atomic; write_text_atomic('/dev/fd/2', 'e\\n')"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True)
    assert done.stderr == b"e\n"


# --------------------------------------------------------------------------- path errors


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("missing/x.json", "the folder .* does not exist"),
        ("afile/x.json", "a part of the path is a file, not a folder"),
        ("out/", "names a folder, not a file"),
        ("x" * 300, "the name is too long"),
        ("", "names a folder, not a file"),
    ],
)
def test_paths_that_cannot_be_written(tmp_path: Path, name: str, message: str) -> None:
    (tmp_path / "afile").write_text("", encoding="utf-8")
    (tmp_path / "out").mkdir()
    target = f"{tmp_path}{os.sep}{name}" if name else ""
    with pytest.raises(OutputError, match=message) as excinfo:
        write_text_atomic(target, "text")
    assert "\n" not in str(excinfo.value)
    assert sorted(os.listdir(tmp_path)) == ["afile", "out"]


def test_the_root_folder_is_refused() -> None:
    with pytest.raises(OutputError, match="names a folder"):
        write_text_atomic("/", "x")


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        (errno.EACCES, "permission denied"),
        (errno.EROFS, "the file system is read-only"),
        (errno.ENOSPC, "no space left on the device"),
    ],
)
def test_an_os_error_while_writing_is_one_output_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, reason: str
) -> None:
    target = tmp_path / "results.csv"
    target.write_text("previous\n", encoding="utf-8")

    def failing(fd: int, data: Any) -> int:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, "write", failing)
    with pytest.raises(OutputError, match=reason) as excinfo:
        write_text_atomic(target, "new\n")
    assert excinfo.value.errno == code
    assert target.read_text(encoding="utf-8") == "previous\n"
    assert temporaries(tmp_path) == []


@posix
@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root ignores modes")
def test_a_folder_without_write_permission(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(OutputError, match="permission denied"):
            write_text_atomic(folder / "x.csv", "x")
    finally:
        folder.chmod(0o700)


def test_make_folder_names_what_is_in_the_way(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("", encoding="utf-8")
    with pytest.raises(OutputError, match="is a file, not a folder"):
        make_folder(tmp_path / "afile")
    with pytest.raises(OutputError, match="a part of the path is a file"):
        make_folder(tmp_path / "afile" / "sub")
    assert make_folder(tmp_path / "a" / "b").is_dir()
    assert make_folder(tmp_path / "a" / "b").is_dir()


def test_a_control_character_in_a_path_is_shown_escaped(tmp_path: Path) -> None:
    with pytest.raises(OutputError) as excinfo:
        write_text_atomic(tmp_path / "no\x1b[2Jdir" / "x\ny.csv", "x")
    assert "\\x1b[2J" in str(excinfo.value)
    assert "\n" not in str(excinfo.value)
    assert "\x1b" not in str(excinfo.value)


# --------------------------------------------------------------------------- temporaries


@posix
@pytest.mark.parametrize("mode", [0o600, 0o640, 0o604])
def test_the_temporary_file_has_the_replaced_files_mode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: int
) -> None:
    target = tmp_path / "private.csv"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(mode)
    seen: list[int] = []
    real_fsync = os.fsync

    def spy(fd: int) -> None:
        if stat.S_ISREG(os.fstat(fd).st_mode):
            seen.append(stat.S_IMODE(os.fstat(fd).st_mode))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", spy)
    write_text_atomic(target, "new\n")
    assert seen == [mode]
    assert stat.S_IMODE(target.stat().st_mode) == mode


@posix
def test_a_new_files_temporary_is_private_and_the_file_gets_the_umask(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[int] = []
    real_fsync = os.fsync

    def spy(fd: int) -> None:
        if stat.S_ISREG(os.fstat(fd).st_mode):
            seen.append(stat.S_IMODE(os.fstat(fd).st_mode))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", spy)
    old = os.umask(0o022)
    try:
        write_text_atomic(tmp_path / "new.csv", "x\n")
    finally:
        os.umask(old)
    assert seen == [0o600]
    assert stat.S_IMODE((tmp_path / "new.csv").stat().st_mode) == 0o644


def test_a_stale_temporary_of_a_dead_process_is_removed_by_the_next_write(
    tmp_path: Path,
) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f".results.csv.{dead.pid}.0123abcd{TEMP_SUFFIX}"
    stale.write_bytes(b"half")
    live = tmp_path / f".other.csv.{os.getppid()}.0123abcd{TEMP_SUFFIX}"
    live.write_bytes(b"being written")
    unrelated = tmp_path / ".results.csv.tmp"
    unrelated.write_bytes(b"not ours")
    write_text_atomic(tmp_path / "another.csv", "x\n")
    assert not stale.exists()
    assert live.exists()  # its process is alive: another writer, still at work
    assert unrelated.exists()


def test_an_old_temporary_is_removed_even_if_its_process_id_is_alive(tmp_path: Path) -> None:
    old = tmp_path / f".results.csv.{os.getppid()}.0123abcd{TEMP_SUFFIX}"
    old.write_bytes(b"half")
    past = time.time() - STALE_AFTER - 60
    os.utime(old, (past, past))
    assert remove_stale_temporaries(tmp_path) == 1
    assert not old.exists()
    assert remove_stale_temporaries(tmp_path / "missing") == 0


@posix
def test_sigkill_during_a_write_leaves_no_temporary_after_the_next_write(tmp_path: Path) -> None:
    script = textwrap.dedent(
        """
        import os, sys, time
        from medsales.io.write import write_bytes_atomic

        def stuck(fd):
            print("writing", flush=True)
            time.sleep(60)

        os.fsync = stuck
        write_bytes_atomic(sys.argv[1], b"x" * 1_000_000)
        """
    )
    target = tmp_path / "results.csv"
    child = subprocess.Popen(
        [sys.executable, "-c", script, str(target)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline() == "writing\n"
        assert len(temporaries(tmp_path)) == 1
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
        if child.stdout is not None:
            child.stdout.close()
    assert not target.exists()
    write_text_atomic(target, "done\n")
    assert temporaries(tmp_path) == []
    assert target.read_text(encoding="utf-8") == "done\n"


def test_something_other_than_a_file_taking_the_place_meanwhile_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "results.csv"
    real_fsync = os.fsync

    def swap(fd: int) -> None:
        real_fsync(fd)
        if stat.S_ISREG(os.fstat(fd).st_mode) and not target.exists():
            target.mkdir()

    monkeypatch.setattr(os, "fsync", swap)
    with pytest.raises(OutputError, match="is a folder"):
        write_bytes_atomic(target, b"x")
    assert target.is_dir()
    assert temporaries(tmp_path) == []


# --------------------------------------------------------------------------- cells


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "=HYPERLINK()"])
def test_formula_like_text_is_neutralised(text: str) -> None:
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["", "Li Wei", "王伟", "1+1", "a=b", "'=x"])
def test_other_text_is_kept(text: str) -> None:
    assert neutralise(text) == text


def test_write_csv_atomic_neutralises_text_but_not_numbers(tmp_path: Path) -> None:
    from decimal import Decimal

    path = tmp_path / "r.csv"
    write_csv_atomic(path, ("name", "score"), [("=cmd|' /C calc'!A0", Decimal("-3.5")), ("-x", -2)])
    assert path.read_text(encoding="utf-8") == ("name,score\n'=cmd|' /C calc'!A0,-3.5\n'-x,-2\n")
    write_csv_atomic(path, ("note",), [("-5 points",)], neutralised=False)
    assert path.read_text(encoding="utf-8") == "note\n-5 points\n"


def test_the_writers_are_still_importable_from_the_csv_module() -> None:
    from medsales.io import csv as csv_module

    assert csv_module.write_text_atomic is write_module.write_text_atomic
    assert csv_module.format_cell is write_module.format_cell


def test_chunks_are_written_as_the_whole_text(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    target.write_text("old\n", encoding="utf-8")
    lines = [f'{{"n": {i}, "name": "李{i}"}}\n' for i in range(40_000)]
    write_chunks_atomic(target, iter(lines))  # more than one block of a megabyte
    assert target.read_text(encoding="utf-8") == "".join(lines)
    assert temporaries(tmp_path) == []


def test_a_chunk_that_fails_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    target.write_text("old\n", encoding="utf-8")

    def chunks() -> Any:
        yield "x" * 3_000_000  # written already when the next chunk fails
        raise MedsalesError("the third appraisal failed")

    with pytest.raises(MedsalesError, match="third appraisal"):
        write_chunks_atomic(target, chunks())
    assert target.read_text(encoding="utf-8") == "old\n"
    assert temporaries(tmp_path) == []


@posix
def test_chunks_go_through_to_a_character_device() -> None:
    write_chunks_atomic("/dev/null", ["a", "b"])
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
