"""Project hygiene: packaging agrees with the environment file, notebooks are committed stripped,
their parameter defaults are the example cases, and the README shows the two commands."""

import json
import re
import tomllib

import nbformat
import pytest
import yaml

from methods import casefile

from .conftest import NOTEBOOKS, ROOT


def test_environment_yml_installs_the_project_from_pyproject():
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    deps = env["dependencies"]
    python = next(d for d in deps if isinstance(d, str) and d.startswith("python"))
    required = pyproject["project"]["requires-python"].removeprefix(">=")
    assert python.replace(" ", "") == f"python>={required}"
    assert "pip" in deps
    pip_section = next(d["pip"] for d in deps if isinstance(d, dict))
    assert pip_section == ['-e ".[notebooks]"'] or pip_section == ["-e .[notebooks]"]
    assert "notebooks" in pyproject["project"]["optional-dependencies"]
    # nothing else is listed in environment.yml: the dependency list lives in pyproject.toml only
    assert {d if isinstance(d, str) else "pip:" for d in deps} == {python, "pip", "pip:"}


def test_console_script_declared():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["scripts"]["jixiao"] == "methods.cli:main"


def notebooks():
    return sorted(p for p in NOTEBOOKS.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


@pytest.mark.parametrize("path", notebooks(), ids=lambda p: p.name)
def test_notebooks_committed_without_outputs(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert "papermill" not in nb["metadata"]
    assert {"kernelspec", "language_info"} <= set(nb["metadata"])
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None
        assert "papermill" not in cell.get("metadata", {})


@pytest.mark.parametrize("evaluation", sorted(casefile.EVALUATIONS))
def test_report_notebook_parameters_are_the_example_case(evaluation):
    path = NOTEBOOKS / casefile.EVALUATIONS[evaluation].notebook
    nb = nbformat.read(path, as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, "exactly one cell tagged parameters"
    ns = {}
    exec(tagged[0].source, ns)
    example = ROOT / nb.metadata["jixiao"]["example"]
    raw = yaml.safe_load(example.read_text(encoding="utf-8"))
    assert raw["evaluation"] == evaluation
    assert {k: ns[k] for k in raw} == raw, "run python tools/sync_parameters.py"
    # every required key of the schema is a parameter of the notebook
    model = casefile.EVALUATIONS[evaluation].model
    assert {k for k, f in model.model_fields.items() if f.is_required()} <= set(ns)


def test_readme_quick_start_first():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    first_code = re.search(r"```[a-z]*\n(.*?)```", text, re.S).group(1)
    assert "make demo" in first_code and "make test" in first_code
    for word in ("JupyterLab", "papermill", "jixiao run", "jixiao batch", "How a case flows"):
        assert word in text


def test_ci_runs_make_test():
    assert "make test" in (ROOT / ".ci" / "run").read_text()
