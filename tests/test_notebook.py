"""docs/hr-analysis.ipynb: committed without outputs, and it runs from top to bottom."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

NOTEBOOK = Path(__file__).resolve().parents[1] / "docs" / "hr-analysis.ipynb"


def test_the_notebook_is_committed_without_outputs() -> None:
    document = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    assert document["nbformat"] == 4
    assert document["metadata"]["kernelspec"]["name"] == "python3"
    code = [c for c in document["cells"] if c["cell_type"] == "code"]
    assert code
    for cell in code:
        assert cell["outputs"] == []
        assert cell["execution_count"] is None


def texts(outputs: list[Any]) -> str:
    """Everything a reader sees in the outputs, as text (HTML included)."""
    out = []
    for output in outputs:
        if output["output_type"] == "stream":
            out.append(output["text"])
        elif output["output_type"] in ("execute_result", "display_data"):
            data = output["data"]
            out.append(data.get("text/html", "") + data.get("text/plain", ""))
    return "\n".join(out)


def test_the_notebook_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    pytest.importorskip("pandas")
    pytest.importorskip("matplotlib")
    # the kernel inherits the environment: charts inline (as in Jupyter, whatever backend
    # the shell chose), warnings shown as Jupyter shows them
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    monkeypatch.delenv("PYTHONWARNINGS", raising=False)
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()

    code = [c for c in notebook.cells if c.cell_type == "code"]
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert errors == []
    assert all(c.execution_count for c in code)
    stderr = [
        o.text for c in code for o in c.outputs if o.output_type == "stream" and o.name == "stderr"
    ]
    assert stderr == []  # no warnings either
    seen = texts([o for c in code for o in c.outputs])
    assert "42 appraisals for 2026-Q4" in seen
    assert "{'S': 2, 'A': 15, 'B': 21, 'C': 2, 'D': 2}" in seen
    assert "medsales-cohort" in seen  # the ranked table as HTML
    assert "杨帆" in seen
    assert "E033" in seen
    assert "manager" in seen
    assert "陈志强" in seen
    assert "sales_revenue" in seen  # the pivot of points by KPI
    assert "42 appraisals explained" in seen
    assert "8 quarters, 42 people" in seen
    assert "Roll-up score: 65.89" in seen  # the mid-year joiner's 2026, explained
    assert "2026-Q1 left out of the roll-up" in seen
    assert "E021 罗文" in seen  # an alert
    images = [o for c in code for o in c.outputs if "image/png" in o.get("data", {})]
    # the grade distribution with the histogram, a waterfall, the teams' trends with the
    # transition heat map, and one person's trend
    assert len(images) == 4
    assert os.listdir(tmp_path) == []  # the notebook writes no files
