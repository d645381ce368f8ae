"""The layers of docs/architecture.md, kept: imports point down, and nothing circles.

Each module's imports are read from its source (module level and inside functions;
``if TYPE_CHECKING:`` blocks are for type checkers only and are left out). An import of
a higher layer fails the test, unless it is one of the few lazy reaches listed below with
its reason.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

import medsales
from medsales._moved import MOVED

SRC = Path(medsales.__file__).parent

LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "ground",
        (
            "medsales.__about__",
            "medsales._moved",
            "medsales.errors",
            "medsales.numbers",
            "medsales.labels",
            "medsales.periods",
            "medsales.targets",
        ),
    ),
    ("policy", ("medsales.policy",)),
    ("catalog", ("medsales.catalog",)),
    ("engine", ("medsales.engine",)),
    ("cohort", ("medsales.cohort",)),
    ("review", ("medsales.review",)),
    ("analysis", ("medsales.analysis",)),
    ("views", ("medsales.views",)),
    ("io", ("medsales.io",)),
    ("testing", ("medsales.testing",)),
    ("cli", ("medsales.cli", "medsales.__main__")),
)
"""The layers, lowest first; a module may import its own layer and those below."""

LAZY_REACHES: dict[tuple[str, str], str] = {
    ("medsales.engine.notes", "medsales.views.messages"): "a note's words, read when shown",
    ("medsales.engine.results", "medsales.views.explain"): "Appraisal.explain()",
    ("medsales.engine.results", "medsales.views.html"): "Appraisal._repr_html_",
    ("medsales.cohort.appraise", "medsales.views.html"): "CohortResult._repr_html_",
    ("medsales.cohort", "medsales.analysis.calibration"): "old names, warned, one release",
    ("medsales.cohort.history", "medsales.views.history"): "RollupResult.explain(), "
    "History._repr_html_",
    ("medsales.cohort.history", "medsales.io.pandas"): "History.to_frame()",
    ("medsales.engine.periodic", "medsales.cohort.goals"): "appraise_employee(goals=...)",
}
"""Upward imports allowed inside a function only: results reaching views (STYLE.md)."""


def layer_of(module: str) -> int | None:
    """The rank of ``module``'s layer; None for the package itself and old paths."""
    if module == "medsales" or module in MOVED:
        return None
    best: tuple[int, int] | None = None
    for rank, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and (
                best is None or len(prefix) > best[1]
            ):
                best = (rank, len(prefix))
    if best is None:
        raise AssertionError(f"{module} is in no layer: add it to LAYERS and the docs")
    return best[0]


def modules() -> Iterator[tuple[str, Path]]:
    for path in sorted(SRC.rglob("*.py")):
        parts = path.relative_to(SRC.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        yield name, path


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports(name: str, path: Path) -> Iterator[tuple[str, bool]]:
    """(imported medsales module, lazy?) for every import in the module."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]

    def visit(node: ast.AST, lazy: bool) -> Iterator[tuple[str, bool]]:
        if isinstance(node, ast.If) and _is_type_checking(node):
            yield from (i for child in node.orelse for i in visit(child, lazy))
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "medsales":
                    yield alias.name, lazy
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            if base.split(".")[0] == "medsales":
                for alias in node.names:
                    candidate = f"{base}.{alias.name}"
                    submodule = (SRC.parent / candidate.replace(".", "/")).with_suffix(".py")
                    package_dir = SRC.parent / candidate.replace(".", "/") / "__init__.py"
                    yield (candidate if submodule.exists() or package_dir.exists() else base), lazy
        inner = lazy or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
        for child in ast.iter_child_nodes(node):
            yield from visit(child, inner)

    tree = ast.parse(path.read_text(encoding="utf-8"))
    for statement in tree.body:
        yield from visit(statement, False)


ALL = list(modules())


@pytest.mark.parametrize(("name", "path"), ALL, ids=[n for n, _ in ALL])
def test_imports_point_down(name: str, path: Path) -> None:
    own = layer_of(name)
    if own is None:
        return
    upward = []
    for target, lazy in imports(name, path):
        rank = layer_of(target)
        if rank is None or rank <= own:
            continue
        if lazy and (name, target) in LAZY_REACHES:
            continue
        upward.append(f"{target} ({LAYERS[rank][0]}{', lazy' if lazy else ''})")
    assert not upward, f"{name} ({LAYERS[own][0]}) imports a higher layer: {', '.join(upward)}"


def test_no_module_level_import_circle() -> None:
    graph = {
        name: {t for t, lazy in imports(name, path) if not lazy and t != name} for name, path in ALL
    }
    state: dict[str, int] = {}
    stack: list[str] = []

    def walk(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in graph:
                continue
            if state.get(nxt) == 1:
                circle = [*stack[stack.index(nxt) :], nxt]
                raise AssertionError("import circle: " + " → ".join(circle))
            if nxt not in state:
                walk(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            walk(node)


def test_the_checker_sees_an_upward_import(tmp_path: Path) -> None:
    """The test above can fail: a module of the engine importing the CLI is caught."""
    bad = tmp_path / "bad.py"
    bad.write_text(
        "from medsales.cli import main\ndef f():\n    from medsales.views import explain\n",
        encoding="utf-8",
    )
    found = list(imports("medsales.engine.bad", bad))
    assert ("medsales.cli", False) in found
    assert ("medsales.views.explain", True) in found
    assert layer_of("medsales.cli") > layer_of("medsales.engine.appraise")  # type: ignore[operator]


MAX_LINES = 80


def test_functions_are_short_or_say_why() -> None:
    """No function longer than 80 lines without a ``# long: <reason>`` on its def line."""
    long = []
    for name, path in ALL:
        lines = path.read_text(encoding="utf-8").splitlines()
        for node in ast.walk(ast.parse("\n".join(lines))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                header = " ".join(lines[node.lineno - 1 : node.body[0].lineno - 1])
                if length > MAX_LINES and "# long:" not in header:
                    long.append(f"{name}.{node.name} ({length} lines)")
    assert not long, "functions over 80 lines without a reason: " + ", ".join(long)
