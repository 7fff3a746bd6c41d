"""Rewrite a report notebook's cells around its parameters cell: an intro (hidden from the report),
the set-up cell, one cell per outline section, and the publishing cell (hidden).

A report notebook is thin: narrative for the reader of the notebook plus calls into its evaluation
type's module (``methods.evaltypes.<type>``): ``analyse(case)``, then ``section_*`` one by one
(each shown in JupyterLab as it is built and added to the document), then ``results`` and
``report.publish``. This tool writes that shape from a short spec, so every notebook has it.

A type built from archived cases (``reads_library``: 结果应用, 考核) also calls
:func:`methods.training.example_library` before reading its case: "运行全部" in JupyterLab from a
fresh clone archives the example cases into the project's ``case_library/`` first (a no-op when
papermill injects a case's parameters).

Usage (from the project root)::

    .venv/bin/python tools/outline_notebook.py project_evaluation [...]
"""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HIDE = {"tags": ["report-hide"]}
LIBRARY_LINE = (
    "example_library(globals())  # 直接运行示例时，先把示例读取的以前年度案例存入案例库\n"
)


def build(evaluation: str) -> Path:
    path = ROOT / "notebooks" / f"{evaluation}.ipynb"
    nb = nbformat.read(path, as_version=4)
    intro = nb.cells[0]
    params = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    module = importlib.import_module(f"methods.evaltypes.{evaluation}")
    from methods import casefile

    # a type built from archived cases reads earlier years' cases: run as it stands, the notebook
    # archives the example cases first when its library lacks them (methods.training)
    reads_library = casefile.EVALUATIONS[evaluation].reads_library
    setup = (
        "from methods import casefile, report\n"
        f"from methods.evaltypes import {evaluation} as evaluation_type\n"
        + ("from methods.training import example_library\n" if reads_library else "")
        + "\nreport.setup_notebook()\n"
        + (LIBRARY_LINE if reads_library else "")
        + f'case = casefile.from_parameters(globals(), "{evaluation}")\n'
        "result = evaluation_type.analyse(case)\n"
        "doc = report.start(case)"
    )
    cells = [intro, params, nbformat.v4.new_code_cell(setup)]
    for build_section in module.OUTLINE:
        doc = (build_section.__doc__ or "").strip().splitlines()
        comment = f"# {doc[0]}\n" if doc else ""
        cells.append(
            nbformat.v4.new_code_cell(
                f"{comment}report.show(doc, evaluation_type.{build_section.__name__}(result))"
            )
        )
    cells.append(
        nbformat.v4.new_code_cell(
            "report.publish(evaluation_type.results(result), results_path, document=doc)",
            metadata=HIDE,
        )
    )
    for k, c in enumerate(cells):  # stable ids: rewriting an unchanged notebook changes nothing
        c["id"] = f"{evaluation.replace('_', '-')}-{k}"
    nb.cells = cells
    nbformat.write(nb, path)
    subprocess.run([sys.executable, "-m", "ruff", "format", "--quiet", str(path)], check=False)
    return path


if __name__ == "__main__":
    for name in sys.argv[1:]:
        print(build(name).relative_to(ROOT))
