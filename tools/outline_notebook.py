"""Rewrite a report notebook's cells around its parameters cell: an intro (hidden from the report),
the set-up cell, one cell per outline section, and the publishing cell (hidden).

A report notebook is thin: narrative for the reader of the notebook plus calls into its evaluation
type's module (``methods.evaltypes.<type>``): ``analyse(case)``, then ``section_*`` one by one
(each shown in JupyterLab as it is built and added to the document), then ``results`` and
``report.publish``. This tool writes that shape from a short spec, so every notebook has it.

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


def build(evaluation: str) -> Path:
    path = ROOT / "notebooks" / f"{evaluation}.ipynb"
    nb = nbformat.read(path, as_version=4)
    intro = nb.cells[0]
    params = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    module = importlib.import_module(f"methods.evaltypes.{evaluation}")
    setup = (
        "from methods import casefile, report\n"
        f"from methods.evaltypes import {evaluation} as evaluation_type\n\n"
        "report.setup_notebook()\n"
        f'case = casefile.from_parameters(globals(), "{evaluation}")\n'
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
