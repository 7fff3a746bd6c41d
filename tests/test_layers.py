"""The package's layers (README, 代码结构): no module imports from a layer above its own, and no
import cycle.

Every import is read from the source (top-level and deferred imports inside functions alike, and
``importlib.import_module("methods.…")`` with a literal name); imports under ``if TYPE_CHECKING:``
are annotations only and are ignored. Floors, lowest first:

0 foundation   formatting, JSON, YAML, data files, errors, fonts, plotting, hashing
1 methods      pure methods a specialist imports: scoring (the engine), cba, survey, reliability,
               weighting, ranking, robustness
2 case model   case files and their data: casefile, frameworks, indicators, standards,
               weight_specs, the case library's data access, evaluation (scoring a case file)
3 report       the document model, shared blocks and the HTML/DOCX renderers (no type is known
               here)
4 evaltypes    one home per evaluation type: model, checks, analysis, outline built from report
               blocks
5 machinery    runner, kernels, batch, verify, catalogue, templates, training, Excel and exports
6 cli

Two deliberate exceptions, each a lookup by name rather than a dependency:
``methods.scoring`` lends :func:`evaluate` and :class:`Evaluation` of :mod:`methods.evaluation`
to users (``scoring.evaluate(case)``), and the evaluation-type registry of
:mod:`methods.casefile` discovers the types (``methods.evaltypes``) on first use, as plug-ins.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "methods"

FLOORS: dict[str, int] = {
    "methods": 0,
    "methods._format": 0,
    "methods._json": 0,
    "methods._protocol": 0,
    "methods._resources": 0,
    "methods._yaml": 0,
    "methods.documents": 0,
    "methods.errors": 0,
    "methods.fonts": 0,
    "methods.plotting": 0,
    "methods.hashing": 0,
    "methods.scoring": 1,
    "methods.ppp": 1,
    "methods.cba": 1,
    "methods.survey": 1,
    "methods.reliability": 1,
    "methods.weighting": 1,
    "methods.ranking": 1,
    "methods.robustness": 1,
    "methods.casefile": 2,
    "methods.frameworks": 2,
    "methods.indicators": 2,
    "methods.standards": 2,
    "methods.weight_specs": 2,
    "methods.library": 2,
    "methods.evaluation": 2,
    "methods.report": 3,
    "methods.registry": 3,
    "methods.evaltypes": 4,
    "methods.runner": 5,
    "methods.kernels": 5,
    "methods.batch": 5,
    "methods.verify": 5,
    "methods.catalogue": 5,
    "methods.templates": 5,
    "methods.training": 5,
    "methods.excel": 5,
    "methods.exporting": 5,
    "methods.annual_report": 5,
    "methods.publication": 5,
    "methods.cli": 6,
}
NAMES = ["foundation", "methods", "case model", "report", "evaltypes", "machinery", "cli"]

# (importer, imported): lookups by name that are part of the design (see the module docstring)
ALLOWED_UPWARD = {
    ("methods.scoring", "methods.evaluation"),
    ("methods.casefile", "methods.evaltypes"),
}


def _modules() -> dict[str, Path]:
    mods = {}
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        mods[name] = path
    return mods


MODULES = _modules()


def floor(module: str) -> int:
    """The floor of a module: its own entry or its package's (longest prefix)."""
    parts = module.split(".")
    for i in range(len(parts), 0, -1):
        prefix = ".".join(parts[:i])
        if prefix in FLOORS and (i > 1 or module == "methods"):
            return FLOORS[prefix]
    raise KeyError(module)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _target(name: str) -> str | None:
    """The module an imported name lives in (``methods.report.blocks`` for ``from methods.report
    import blocks``; ``methods.report`` for ``from methods.report import esc``)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def imports(module: str) -> set[str]:
    """Modules of the package that ``module`` imports (TYPE_CHECKING blocks left out)."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("methods"):
                    found.add(_target(alias.name))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                origin = ".".join([*base, *([node.module] if node.module else [])])
            else:
                origin = node.module or ""
            if origin.startswith("methods"):
                for alias in node.names:
                    found.add(_target(f"{origin}.{alias.name}"))
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", None)) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and str(node.args[0].value).startswith("methods")
        ):
            found.add(_target(node.args[0].value))
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    found.discard(None)
    found.discard(module)
    return found  # type: ignore[return-value]


GRAPH = {m: imports(m) for m in MODULES}


def test_every_module_has_a_floor():
    missing = []
    for m in MODULES:
        try:
            floor(m)
        except KeyError:
            missing.append(m)
    assert not missing, f"assign a floor in tests/test_layers.py FLOORS to: {missing}"


def test_no_module_imports_from_a_layer_above():
    upward = [
        f"{m} ({NAMES[floor(m)]}) imports {d} ({NAMES[floor(d)]})"
        for m, deps in sorted(GRAPH.items())
        for d in sorted(deps)
        if floor(d) > floor(m) and (m, d) not in ALLOWED_UPWARD
    ]
    assert not upward, "\n".join(upward)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = 0
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    break
                if child in on:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        item = stack.pop()
                        on.discard(item)
                        component.append(item)
                        if item == node:
                            break
                    if len(component) > 1:
                        out.append(sorted(component))
    return out


def test_no_import_cycle():
    graph = {m: {d for d in deps if (m, d) not in ALLOWED_UPWARD} for m, deps in GRAPH.items()}
    cycles = _cycles(graph)
    assert not cycles, "import cycles: " + "; ".join(" ↔ ".join(c) for c in cycles)


def test_the_cycle_detector_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_the_scanner_sees_deferred_and_dynamic_imports():
    # casefile discovers the types by name, scoring lends evaluate(): both seen by the scan
    assert "methods.evaltypes" in GRAPH["methods.casefile"]
    assert "methods.evaluation" in GRAPH["methods.scoring"]
    # a deferred import inside a function (the satisfaction type reads its privacy rules late)
    assert (
        "methods.evaltypes.satisfaction.privacy" in GRAPH["methods.evaltypes.satisfaction.reading"]
    )


@pytest.mark.parametrize("module", ["methods.scoring", "methods.cba", "methods.survey"])
def test_public_methods_import_alone(module):
    """Each public method package imports in a fresh interpreter without the case layers."""
    import subprocess
    import sys

    code = (
        f"import sys, {module}; "
        "bad = [m for m in ('methods.casefile', 'methods.evaltypes', 'methods.report') "
        "if m in sys.modules]; print(bad); sys.exit(1 if bad else 0)"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
