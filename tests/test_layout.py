"""The package's layout: old import paths still work for one release, with a warning."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

from medsales._moved import MOVED


@pytest.mark.parametrize(("old", "new"), sorted(MOVED.items()))
def test_an_old_module_path_warns_and_is_the_new_module(old: str, new: str) -> None:
    sys.modules.pop(old, None)
    with pytest.warns(DeprecationWarning, match=f"{old} moved to {new}"):
        module = importlib.import_module(old)
    assert module is importlib.import_module(new)


def test_calibration_names_in_cohort_warn_and_forward() -> None:
    import medsales.cohort
    from medsales.analysis import calibration

    with pytest.warns(DeprecationWarning, match="medsales.analysis.calibration.calibrate"):
        assert medsales.cohort.calibrate is calibration.calibrate  # type: ignore[attr-defined]
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        _ = medsales.cohort.nothing  # type: ignore[attr-defined]


def test_every_public_name_resolves_and_import_loads_neither_analysis_nor_views() -> None:
    import medsales

    for name in medsales.__all__:
        assert getattr(medsales, name) is not None
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        _ = medsales.nothing  # type: ignore[attr-defined]
    assert set(medsales.__all__) <= set(dir(medsales))
    code = (
        "import sys, medsales; "
        "print(sorted(m for m in sys.modules if m.startswith(('medsales.analysis', "
        "'medsales.views', 'medsales.cohort', 'pydantic'))))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert loaded.strip() == "[]"


def test_python_dash_m_medsales_runs_the_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "medsales", "--version"], capture_output=True, text=True
    )
    assert done.returncode == 0
    assert done.stdout.startswith("medsales ")
