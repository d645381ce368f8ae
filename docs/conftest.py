"""The Python examples of docs/tutorial.md run as a reader following the page would: in an
empty folder, after writing every file the page shows and running every command it
quotes, in the page's order (``tests/docs_pages.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from docs_pages import follow


@pytest.fixture(autouse=True)
def _followed(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = Path(str(request.node.fspath))
    if path.name == "tutorial.md":
        monkeypatch.chdir(tmp_path)
        monkeypatch.setenv("COLUMNS", "200")
        follow(path, tmp_path)
