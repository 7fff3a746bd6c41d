"""Every notebook as shipped (issue 15 item 9): each one in notebooks/ and notebooks/training/ runs
top to bottom as it stands ("运行全部" in JupyterLab) in a fresh clone with no case library
configured. The report notebooks built from archived cases (结果应用, 考核) first archive the
example cases into the project's case_library/ (as ``make demo`` does) and then give the batch
route's results; training tables show Chinese column names and no NaN; exercise numbers run in
order in every lesson."""

from __future__ import annotations

import json
import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
import yaml

from methods import casefile, runner, training

from .conftest import EXAMPLES, NOTEBOOKS, ROOT

TRAINING = NOTEBOOKS / "training"
READS_LIBRARY = sorted(
    t.notebook for t in casefile.EVALUATIONS.values() if t.reads_library and t.notebook
)
CJK = re.compile(r"[\u4e00-\u9fff]")
MISSING = {"NaN", "nan", "None", "<NA>", "NaT"}


def shipped_notebooks() -> list[Path]:
    return sorted(p for p in NOTEBOOKS.glob("*.ipynb")) + sorted(TRAINING.glob("*.ipynb"))


def _others() -> list[Path]:
    return [p for p in shipped_notebooks() if p.name not in READS_LIBRARY]


# ---------------------------------------------------------------------------------------------
# Running notebooks as they stand in a fresh clone


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    """What a fresh clone holds for the notebooks: the project marker, the notebooks, the
    example cases, the registries they refer to and an empty case_library/ (only its README is
    tracked)."""
    root = tmp_path_factory.mktemp("fresh") / "jixiao"
    root.mkdir()
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    ignore = shutil.ignore_patterns(".ipynb_checkpoints", "*.pyc", "__pycache__")
    shutil.copytree(NOTEBOOKS, root / "notebooks", ignore=ignore)
    shutil.copytree(EXAMPLES, root / "parameters" / "examples", ignore=ignore)
    shutil.copytree(ROOT / "parameters" / "registries", root / "parameters" / "registries")
    (root / "case_library").mkdir()
    shutil.copy(ROOT / "case_library" / "README.md", root / "case_library" / "README.md")
    return root


def execute(path: Path) -> nbformat.NotebookNode:
    """Run a notebook top to bottom in a new kernel whose working directory is its folder, as
    JupyterLab does; an error in any cell fails the test with the cell and the traceback."""
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    client.execute()
    return nb


def stdout(cell) -> str:
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("name") == "stdout")


def setup_cell(nb):
    return next(c for c in nb.cells if c.cell_type == "code" and "example_library(" in c.source)


def archived_results(lib: Path, notebook: nbformat.NotebookNode) -> dict:
    """results.json that ``jixiao batch`` archived for the notebook's own example case."""
    raw = yaml.safe_load((ROOT / notebook.metadata["jixiao"]["example"]).read_text("utf-8"))
    path = lib / str(raw["year"]) / raw["case_id"] / "results.json"
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.notebook
def test_library_notebooks_run_all_in_a_fresh_clone(clone, monkeypatch, tmp_path, capsys):
    assert READS_LIBRARY == [
        "evaluation_selection.ipynb",
        "results_application.ipynb",
        "work_assessment.ipynb",
    ]
    lib = (clone / "case_library").resolve()
    assert not (lib / "index.sqlite").exists()
    n_examples = len(casefile.find_case_files([EXAMPLES]))

    first, *rest = [execute(clone / "notebooks" / name) for name in READS_LIBRARY]

    # the first one archived every example into the project's case_library/, saying so
    said = stdout(setup_cell(first))
    assert f"存入项目的案例库 {lib}" in said and "make demo" in said
    assert f"共 {n_examples} 个案例：完成 {n_examples}，" in said and "失败 0" in said
    assert len(list(lib.glob("*/*/results.json"))) == n_examples
    # the next one found them there and archived nothing
    for nb in rest:
        assert stdout(setup_cell(nb)) == ""
    # each gives what the batch route archived for the same example case
    for nb in (first, *rest):
        assert runner.extract_results(nb) == archived_results(lib, nb)

    # a library of one's own that lacks the examples is not written to: the notebook reads the
    # project's case_library/, which holds them
    own = tmp_path / "own_library"
    monkeypatch.setenv("JIXIAO_LIBRARY", str(own))
    monkeypatch.chdir(clone / "notebooks")
    namespace = _namespace(clone / "notebooks" / "results_application.ipynb")
    assert training.example_library(namespace) == lib
    assert "改用" in capsys.readouterr().out
    assert not own.exists()
    assert os.environ["JIXIAO_LIBRARY"] == str(lib)


@pytest.mark.notebook
@pytest.mark.parametrize("name", [str(p.relative_to(NOTEBOOKS)) for p in _others()])
def test_every_notebook_runs_all_as_shipped(clone, name):
    nb = execute(clone / "notebooks" / name)
    if name.startswith("training/"):
        problems = [
            f"单元 {i}：{p}" for i, cell in enumerate(nb.cells) for p in table_problems(cell)
        ]
        assert not problems, "\n".join(problems)
        # nothing answered: every exercise says so and none is marked wrong
        text = "".join(stdout(c) for c in nb.cells if c.cell_type == "code")
        assert "✘" not in text and "尚未作答" in text


# ---------------------------------------------------------------------------------------------
# Tables the training notebooks show


class _Table(HTMLParser):
    """Header cells (<thead> <th>) and body cells (<tbody> <td>) of the tables in some HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.headers: list[str] = []
        self.cells: list[str] = []
        self._part: str | None = None
        self._cell: list[str] | None = None
        self._kind: str | None = None

    def handle_starttag(self, tag, attrs):
        if tag in ("thead", "tbody"):
            self._part = tag
        elif tag in ("th", "td"):
            self._cell, self._kind = [], tag

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self._cell is not None:
            text = "".join(self._cell).strip()
            if self._part == "thead" and self._kind == "th":
                self.headers.append(text)
            elif self._part == "tbody" and self._kind == "td":
                self.cells.append(text)
            self._cell = None
        elif tag in ("thead", "tbody"):
            self._part = None


def table_problems(cell) -> list[str]:
    """English or numeric column headers, NaN/None shown, or a bare pandas Series, in the
    outputs of one cell."""
    problems = []
    for out in cell.get("outputs", []):
        data = out.get("data", {})
        html = data.get("text/html", "")
        if "<table" in html:
            parsed = _Table()
            parsed.feed(html)
            english = [h for h in parsed.headers if h and not CJK.search(h)]
            if english:
                problems.append(f"表头没有中文：{english}")
            missing = sorted({c for c in parsed.cells if c in MISSING})
            if missing:
                problems.append(f"表中显示缺失值 {missing}（用 training.table 显示为“—”）")
        elif "dtype:" in data.get("text/plain", ""):
            problems.append("直接显示了 pandas Series（英文 Name/dtype）；用 training.table 显示")
    return problems


def test_table_problems_sees_english_headers_nan_and_series():
    import pandas as pd

    def cell(obj):
        return {"outputs": [{"data": {"text/html": obj._repr_html_()}}]}

    assert table_problems(cell(pd.DataFrame({"score": [1.0, None]})))
    assert table_problems(cell(pd.DataFrame({"得分": [1.0, None]})))
    assert not table_problems(cell(training.table(pd.DataFrame({"score": [1.0, None]}))))
    series = {"outputs": [{"data": {"text/plain": repr(pd.Series([1], name="x"))}}]}
    assert table_problems(series)


def test_training_table_names_columns_and_hides_missing_values():
    import pandas as pd

    df = pd.DataFrame(
        {
            "code": ["A1", "A2"],
            "weight": [3.0, 2.0],
            "target": [100.0, float("nan")],
            "ok": [True, False],
            "actual_p50": [1.5, 2.5],
        }
    ).set_index("code")
    shown = training.table(df, {"ok": "达标"})
    assert list(shown.columns) == ["分值", "目标值", "达标", "实际值 P50（actual_p50）"]
    assert shown.index.name == "编号"
    assert list(shown["分值"]) == [3, 2] and list(shown["目标值"]) == [100, "—"]
    assert list(shown["达标"]) == ["是", "否"]
    flipped = training.table(df.iloc[:1], transpose=True)
    assert list(flipped.index)[:2] == ["分值", "目标值"] and flipped.iloc[0, 0] == 3
    assert training.table(pd.Series([1, None], name="score")).iloc[1, 0] == "—"


# ---------------------------------------------------------------------------------------------
# Exercise numbers


@pytest.mark.parametrize("path", sorted(TRAINING.glob("*.ipynb")), ids=lambda p: p.name[:2])
def test_exercise_numbers_run_in_order(path):
    lesson = int(path.name[:2])
    nb = nbformat.read(path, as_version=4)
    headings = [
        m
        for c in nb.cells
        if c.cell_type == "markdown"
        for m in re.findall(r"^#+ ✏️ 练习 (\d+\.\d+)", c.source, re.M)
    ]
    checked = [
        m
        for c in nb.cells
        if c.cell_type == "code"
        for m in re.findall(r'training\.check\("([^"]+)"', c.source)
    ]
    expected = [f"{lesson}.{i}" for i in range(1, len(checked) + 1)]
    assert checked == expected, f"{path.name}: 练习顺序 {checked}"
    assert headings == expected, f"{path.name}: 练习标题顺序 {headings}"
    # the exercise file lists them in the same order
    listed = list(training.exercises(path.name)["id"])
    assert listed == expected


# ---------------------------------------------------------------------------------------------
# example_library leaves every other run alone


def _namespace(path: Path) -> dict:
    nb = nbformat.read(path, as_version=4)
    params = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    ns: dict = {}
    exec(params.source, ns)
    ns["In"] = ["", params.source]
    return ns


def test_example_library_does_nothing_for_a_case_run_by_papermill(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(NOTEBOOKS)
    ns = _namespace(NOTEBOOKS / "results_application.ipynb")
    # jixiao run / batch / papermill -f case.yaml inject the case's parameters
    injected = dict(ns, In=["", "# Parameters\ncase_id = 'x'\n"])
    assert training.example_library(injected) is None
    # parameters naming a library of their own
    assert training.example_library(dict(ns, library=str(tmp_path))) is None
    # a type that reads no library
    assert training.example_library(_namespace(NOTEBOOKS / "project_evaluation.ipynb")) is None
    # no example folder
    assert training.example_library(dict(ns, example_dir=str(tmp_path / "none"))) is None
    assert capsys.readouterr().out == ""
    assert not list(tmp_path.iterdir())


def test_library_notebooks_call_example_library_before_reading_their_case():
    for name in READS_LIBRARY:
        nb = nbformat.read(NOTEBOOKS / name, as_version=4)
        source = setup_cell(nb).source
        assert source.index("example_library(globals())") < source.index("from_parameters")
    for path in NOTEBOOKS.glob("*.ipynb"):
        if path.name not in READS_LIBRARY:
            assert "example_library" not in path.read_text(encoding="utf-8"), path.name
