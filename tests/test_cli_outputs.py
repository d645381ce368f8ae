"""SPEC §19 through the command line: where results may be written, in which format, and
that every output path a user can get wrong ends in one line and exit 1."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from medsales.cli import main

posix = pytest.mark.skipif(os.name != "posix", reason="POSIX special files")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    assert main(["demo", "--export", str(folder)]) == 0
    return folder


def inputs(d: Path, period: str = "2026-Q4") -> list[str]:
    files = ("employees", "measurements", "incidents", "ratings", "surveys")
    args = ["--policy", str(d / "policy.toml")]
    for kind in files:
        args += [f"--{kind}", str(d / f"{kind}.csv")]
    return [*args, "--period", period]


def one_line_error(code: int, err: str) -> str:
    assert code == 1, err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("medsales: error: cannot write "), err
    return lines[0]


# --------------------------------------------------------------------------- path errors


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("nodir/x.json", "does not exist"),
        ("afile/x.json", "a part of the path is a file, not a folder"),
        ("folder", "is a folder"),
        ("folder/", "names a folder, not a file"),
        ("y" * 300 + ".json", "the name is too long"),
    ],
)
def test_appraise_out_path_errors_are_one_line(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, reason: str
) -> None:
    (tmp_path / "afile").write_text("", encoding="utf-8")
    (tmp_path / "folder").mkdir()
    target = f"{tmp_path}{os.sep}{name}"
    code, _, err = run(capsys, "appraise", *inputs(demo), "--format", "json", "--out", target)
    assert reason in one_line_error(code, err)
    assert sorted(os.listdir(tmp_path)) == ["afile", "folder"]
    assert os.listdir(tmp_path / "folder") == []


def test_appraise_out_to_the_root_folder(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "appraise", *inputs(demo), "--format", "json", "--out", "/")
    assert "names a folder" in one_line_error(code, err)


def test_a_full_disk_is_one_line(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(fd: int, data: Any) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    target = tmp_path / "r.json"
    target.write_text("previous\n", encoding="utf-8")
    args = ["appraise", *inputs(demo), "--format", "json", "--out", str(target)]
    main(args[:-2])  # read the inputs once before os.write breaks
    capsys.readouterr()
    monkeypatch.setattr(os, "write", full)
    code, _, err = run(capsys, *args)
    assert "no space left on the device" in one_line_error(code, err)
    assert target.read_text(encoding="utf-8") == "previous\n"
    assert sorted(os.listdir(tmp_path)) == ["r.json"]


def test_a_permission_error_is_one_line(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    real_open = os.open

    def locked(path: Any, flags: int, mode: int = 0o777, **kw: Any) -> int:
        if flags & os.O_CREAT:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), path)
        return real_open(path, flags, mode, **kw)

    monkeypatch.setattr(os, "open", locked)
    code, _, err = run(
        capsys, "appraise", *inputs(demo), "--format", "csv", "--out", str(tmp_path / "r.csv")
    )
    assert "permission denied" in one_line_error(code, err)


@posix
def test_a_symlink_and_a_fifo_as_out_are_refused(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    real = tmp_path / "real.json"
    real.write_text("keep\n", encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    for target, what in ((link, "symbolic link"), (fifo, "named pipe")):
        code, _, err = run(capsys, "appraise", *inputs(demo), "--out", str(target))
        assert what in one_line_error(code, err)
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8") == "keep\n"
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


@posix
@pytest.mark.skipif(not os.path.exists("/dev/null"), reason="needs /dev/null")
def test_out_dev_null_is_written_through(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = os.lstat("/dev/null")
    code, _, err = run(capsys, "appraise", *inputs(demo), "--format", "json", "--out", "/dev/null")
    assert code == 0, err
    after = os.lstat("/dev/null")
    assert stat.S_ISCHR(after.st_mode)
    assert after.st_ino == before.st_ino


def test_report_to_a_missing_folder_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from medsales.views import report

    monkeypatch.setattr(report, "render_report", lambda *a, **k: "<html></html>")
    code, _, err = run(capsys, "report", "--demo", "-o", str(tmp_path / "nodir" / "r.html"))
    assert "does not exist" in one_line_error(code, err)


def test_demo_export_to_a_file_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    afile = tmp_path / "afile"
    afile.write_text("mine\n", encoding="utf-8")
    code, _, err = run(capsys, "demo", "--export", str(afile))
    assert "is a file, not a folder" in one_line_error(code, err)
    assert afile.read_text(encoding="utf-8") == "mine\n"
    code, _, err = run(capsys, "demo", "--export", str(afile / "sub"))
    assert "a part of the path is a file" in one_line_error(code, err)


def test_any_other_os_error_in_a_command_is_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import medsales.catalog

    def broken(args: Any, out: Any, err: Any) -> None:
        raise OSError(errno.EIO, "Input/output error", "some\nfile")

    monkeypatch.setattr(medsales.catalog, "default_policy_text", lambda: broken(None, None, None))
    code, _, err = run(capsys, "policy", "show")
    assert code == 1
    assert err == "medsales: error: some\\nfile: Input/output error\n"
