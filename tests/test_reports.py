"""The report notebooks end to end: through the runner (batch of all examples), through plain
papermill with ``-f``, and the archived files (HTML, results.json, provenance, index)."""

import json
import re
import sqlite3
import subprocess

import nbformat
import pytest
import yaml

from methods import casefile, report, runner, scoring

from .conftest import BIN, EXAMPLES, NOTEBOOKS, ROOT, plain_papermill, run_cli

pytestmark = pytest.mark.notebook


@pytest.fixture(scope="module")
def archived(demo_library):
    """All example cases archived once by ``jixiao batch`` (the session's demo library)."""
    return demo_library


SCORED = {k for k, e in casefile.EVALUATIONS.items() if e.scored}


def example_cases():
    return sorted(EXAMPLES.glob("*.yaml"))


def test_every_example_archived_with_all_files(archived):
    for path in example_cases():
        case = casefile.load_case(path)
        folder = archived / str(case.year) / case.case_id
        for name in (
            "report.ipynb",
            "report.html",
            "results.json",
            "parameters.yaml",
            "provenance.json",
        ):
            assert (folder / name).is_file(), f"{folder}/{name} missing"
        assert (folder / "parameters.yaml").read_bytes() == path.read_bytes()
    assert not any((archived / ".staging").iterdir())


def test_results_json_contract_and_scores(archived, monkeypatch):
    monkeypatch.setenv("JIXIAO_LIBRARY", str(archived))
    required = {
        "case_id",
        "title",
        "year",
        "department",
        "evaluation",
        "budget_type",
        "total_score",
        "grade",
        "level1",
        "indicators",
        "warnings",
    }
    for path in example_cases():
        case = casefile.load_case(path)
        res = json.loads(
            (archived / str(case.year) / case.case_id / "results.json").read_text(encoding="utf-8")
        )
        assert required <= set(res)
        assert res["case_id"] == case.case_id and res["evaluation"] == case.evaluation
        for ind in res["indicators"]:
            assert set(ind) >= {"code", "name", "weight", "score"}
        if case.evaluation not in SCORED:
            assert res["grade"] is None
            assert res["total_score"] is None or 0 <= res["total_score"] <= 100
            continue
        if not isinstance(case, casefile.ScoredCase):
            # scored on its own tree (联动评价: per-level sub-scores weighted by shares): the
            # level-1 parts add up to the total, the grade follows the bands
            assert res["total_score"] == pytest.approx(sum(res["level1"].values()), abs=0.05)
            assert res["grade_by_score"] == scoring.grade(
                res["total_score"], res["grade_bands"]["bands"]
            )
            continue
        ev = scoring.evaluate(path)
        assert res["total_score"] == ev.total
        assert res["grade"] == ev.grade
        assert res["level1"] == {k: float(v) for k, v in ev.level1.items()}
        assert {i["code"] for i in res["indicators"]} == set(ev.table["code"])


def report_headings(evaluation):
    """The static section headings (## …) of an evaluation's report notebook."""
    nb = nbformat.read(runner.notebook_path(evaluation), as_version=4)
    out = []
    for cell in nb.cells:
        if cell.cell_type == "markdown" and "report-hide" not in cell.metadata.get("tags", []):
            out += [line[3:].strip() for line in cell.source.splitlines() if line.startswith("## ")]
    return out


def archived_headings(folder, evaluation):
    """The level-1 headings of an archived report: from the document its notebook published
    (report.html and report.docx are rendered from it), else the notebook's ## headings."""
    doc = runner.extract_document(folder / "report.ipynb")
    if doc is None:
        return report_headings(evaluation)
    return [s.title for s in doc.sections if s.heading]


def docx_headings(path):
    """(level, text) of every Word heading paragraph in a .docx."""
    import docx

    out = []
    for p in docx.Document(str(path)).paragraphs:
        name = p.style.name if p.style is not None else ""
        if name.startswith("Heading "):
            out.append((int(name.split()[1]), p.text))
    return out


def test_html_report_is_self_contained_chinese_and_clean(archived):
    for path in example_cases():
        case = casefile.load_case(path)
        folder = archived / str(case.year) / case.case_id
        html = (folder / "report.html").read_text(encoding="utf-8")
        assert f"<title>{report.report_title(case)}</title>" in html
        assert '<html lang="zh-CN">' in html
        headings = archived_headings(folder, case.evaluation)
        assert len(headings) >= 3
        if (folder / "report.docx").exists():  # the same outline in Word, as real headings
            in_word = docx_headings(folder / "report.docx")
            assert [t for level, t in in_word if level == 1] == headings, case.case_id
        for heading in headings:
            assert heading in html, (case.case_id, heading)
        # no network fetches: no external scripts, stylesheets or images
        assert not re.search(r"""<(script|link|img)[^>]+(src|href)=["']?https?://""", html)
        assert "cdnjs" not in html and "mathjax" not in html.lower()
        # images embedded, code and stderr hidden, results payload not shown
        assert "data:image/png;base64," in html
        assert "import matplotlib" not in html and "from methods import" not in html
        assert "Traceback" not in html and "Warning" not in html and "Glyph" not in html
        assert "vnd.jixiao.results" not in html
        assert "@page" in html and "A4" in html


def test_archived_notebook_readable_and_clean(archived):
    case = casefile.load_case(EXAMPLES / "wujin_rural_sewage_2023.yaml")
    nb = nbformat.read(archived / "2023" / case.case_id / "report.ipynb", as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1
    src = injected[0].source
    assert "title = '武进区农村生活污水治理项目'" in src
    assert "\\u" not in src
    # the readable cell is the same Python data as the case file
    ns = {}
    exec(src, ns)
    raw = yaml.safe_load((EXAMPLES / "wujin_rural_sewage_2023.yaml").read_text(encoding="utf-8"))
    assert {k: ns[k] for k in raw} == raw
    pm = nb.metadata["papermill"]
    assert "input_path" not in pm and "output_path" not in pm
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            assert out.get("output_type") != "error"
            assert not (out.get("output_type") == "stream" and out.get("name") == "stderr"), (
                out.get("text")
            )


def test_provenance_and_index(archived):
    con = sqlite3.connect(archived / "index.sqlite")
    rows = {
        r[0]: r
        for r in con.execute("SELECT case_id, total_score, grade, path, input_hash FROM cases")
    }
    assert len(rows) == len(example_cases())
    for path in example_cases():
        case = casefile.load_case(path)
        prov = json.loads(
            (archived / str(case.year) / case.case_id / "provenance.json").read_text(
                encoding="utf-8"
            )
        )
        assert prov["case_file"]["sha256"] == runner.sha256_file(path)
        assert prov["notebook"]["sha256"] == runner.sha256_file(
            NOTEBOOKS / casefile.EVALUATIONS[case.evaluation].notebook
        )
        assert prov["input_hash"] == rows[case.case_id][4]
        assert set(prov["timings"]) >= {"execute_s", "render_s"}
        assert "papermill" in prov["versions"] and "python" in prov["versions"]
        assert str(ROOT) not in json.dumps(prov)
        assert rows[case.case_id][3] == f"{case.year}/{case.case_id}"
    n_ind = con.execute("SELECT COUNT(*) FROM indicators").fetchone()[0]
    assert n_ind >= 60


def test_second_batch_skips_unchanged(archived):
    proc = run_cli("batch", EXAMPLES, "--library", archived)
    assert proc.returncode == 0
    assert f"跳过（未变化）{len(example_cases())}" in proc.stdout


@pytest.mark.parametrize(
    ("notebook", "case_name"),
    [
        ("project_evaluation", "wujin_rural_sewage_2023"),
        ("project_evaluation", "wujin_farmland_2023"),
        ("portfolio", "wujin_project_portfolio_2023"),
        ("self_evaluation", "wujin_bus_subsidy_2023"),
    ],
)
def test_plain_papermill_gives_the_same_scores(archived, tmp_path, notebook, case_name):
    """contracts §3: papermill notebooks/X.ipynb out.ipynb -f case.yaml --cwd <case folder>."""
    path = EXAMPLES / f"{case_name}.yaml"
    assert casefile.load_case(path, deep=False).evaluation == notebook
    plain = plain_papermill(path, tmp_path, env={"JIXIAO_LIBRARY": str(archived)})
    case = casefile.load_case(EXAMPLES / f"{case_name}.yaml")
    archived_results = json.loads(
        (archived / str(case.year) / case.case_id / "results.json").read_text(encoding="utf-8")
    )
    assert plain["total_score"] == archived_results["total_score"]
    assert plain["grade"] == archived_results["grade"]
    assert plain["level1"] == archived_results["level1"]
    assert [(i["code"], i["score"]) for i in plain["indicators"]] == [
        (i["code"], i["score"]) for i in archived_results["indicators"]
    ]


def test_run_single_case_replaces_atomically(archived):
    path = EXAMPLES / "wujin_rural_sewage_2023.yaml"
    proc = run_cli("run", path, "--library", archived)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().endswith("2023/wujin_rural_sewage_2023")
    assert "94.12" in proc.stdout  # 历史标准 from the archived 2022 case
    assert not any((archived / ".trash").iterdir()) if (archived / ".trash").exists() else True


@pytest.mark.parametrize("notebook", ["project_evaluation", "self_evaluation", "portfolio"])
def test_notebook_runs_as_it_stands(tmp_path, notebook):
    """JupyterLab "Run All" with the defaults: no parameters injected, working directory notebooks/."""
    out = tmp_path / "out.ipynb"
    proc = subprocess.run(
        [str(BIN / "papermill"), f"{notebook}.ipynb", str(out), "--no-progress-bar"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=NOTEBOOKS,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    nb = nbformat.read(out, as_version=4)
    example = ROOT / nb.metadata["jixiao"]["example"]
    results = runner.extract_results(nb)
    if notebook == "portfolio":
        from methods.evaltypes import portfolio

        expected = portfolio.analyse(casefile.load_case(example)).to_dict()
        assert results["portfolio"]["ranking"] == expected["ranking"]
    else:
        assert results["total_score"] == scoring.evaluate(example).total


def test_history_standard_from_the_previous_year(archived):
    """历史标准: the 2023 case takes C41's target from the archived 2022 actual value (0.39)."""
    res = json.loads(
        (archived / "2023" / "wujin_rural_sewage_2023" / "results.json").read_text(encoding="utf-8")
    )
    c41 = next(i for i in res["indicators"] if i["code"] == "C41")
    assert c41["target"] == 0.39
    assert "历史标准：2022 年实际值 0.39（案例 wujin_rural_sewage_2022）" in c41["target_basis"]
    assert c41["score"] == 3.9  # (1 − 0.01 / 0.39) × 4 = 3.897
    assert res["total_score"] == 94.12  # 94.01 with the fallback target 0.38, + 0.11
    html = (archived / "2023" / "wujin_rural_sewage_2023" / "report.html").read_text(
        encoding="utf-8"
    )
    # the 2022 case is the project's own history, not a peer; no other project has these
    # indicators five times over, so the report names the counts instead of percentiles
    assert "与案例库同类案例对标" in html and "不高于本案例的比例" not in html


def test_industry_standard_and_missing_data(archived, monkeypatch):
    monkeypatch.setenv("JIXIAO_LIBRARY", str(archived))
    raw = yaml.safe_load(
        (EXAMPLES / "wujin_old_community_renovation_2023.yaml").read_text(encoding="utf-8")
    )
    raw["year"] = 2024
    c1 = next(i for i in raw["indicators"] if i["code"] == "C1")
    c1["target_from"] = {"standard": "industry", "percentile": 50}
    del c1["target"]
    # other projects' archived C1 before 2024 are 受助学生人数 (人) and 建成高标准农田面积 (万亩):
    # codes are case-local, so there is no 行业标准 for 完成改造小区数 (个), and no fallback target
    with pytest.raises(casefile.CaseError, match="完成改造小区数.*没有已存档的数据，少于最少 5 个"):
        scoring.evaluate(raw, base_dir=EXAMPLES)
    c1["target"] = 18  # with a fallback target the case is scored against it and says why
    row = scoring.evaluate(raw, base_dir=EXAMPLES).table.set_index("code").loc["C1"]
    assert row["target"] == 18 and "不取行业标准，使用案例文件中的目标值 18" in row["reason"]
    del c1["target"]
    raw["year"] = 2023  # no earlier year of this project in the library … and no fallback target
    c1["target_from"] = {"standard": "history"}
    with pytest.raises(casefile.CaseError, match="没有可用的历史数据"):
        scoring.evaluate(raw, base_dir=EXAMPLES)


def test_verify_rerun_reproduces_the_archive(archived):
    """library verify --rerun: fresh kernels reproduce what the batch's warm kernels archived."""
    proc = run_cli(
        "library",
        "verify",
        "--rerun",
        "--case",
        "wujin_rural_sewage_2023",
        "--case",
        "wujin_bus_subsidy_2023",
        "--library",
        archived,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stderr
    assert "2 个案例：全部一致" in proc.stdout
