"""Batches and the case library at scale: failures isolated, timeouts, killed kernels, interrupted
batches resumed, concurrent writers, verification, the catalogue and the Dask path."""

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

import nbformat
import pytest
import yaml

from methods import casefile
from methods.library import Library

from .conftest import BIN, EXAMPLES, NOTEBOOKS, fake_archive, run_cli

pytestmark = pytest.mark.notebook

FAULTS = """\
import os as _os, time as _time
if case.title.startswith("故障"):
    raise RuntimeError("模拟的单元错误")
if case.title.startswith("超时"):
    _time.sleep(120)
if case.title.startswith("崩溃"):
    _os.kill(_os.getpid(), 9)
if case.title.startswith("慢速"):
    _time.sleep(2)
"""


@pytest.fixture
def fault_notebooks(tmp_path):
    """Copies of the report notebooks with a cell that fails on purpose for some titles."""
    folder = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOKS, folder, ignore=shutil.ignore_patterns("training"))
    for path in folder.glob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        at = next(i for i, c in enumerate(nb.cells) if "from_parameters" in c.source) + 1
        nb.cells.insert(at, nbformat.v4.new_code_cell(FAULTS))
        nbformat.write(nb, path)
    return folder


def make_cases(folder, specs):
    """Write variants of the rural-sewage example: specs = [(case_id, title)]."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copytree(EXAMPLES / "evidence", folder / "evidence", dirs_exist_ok=True)
    base = yaml.safe_load((EXAMPLES / "wujin_rural_sewage_2023.yaml").read_text(encoding="utf-8"))
    for case_id, title in specs:
        raw = dict(base, case_id=case_id, title=title)
        (folder / f"{case_id}.yaml").write_text(
            yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
    return folder


def archived_ids(lib):
    con = sqlite3.connect(lib / "index.sqlite")
    try:
        return sorted(r[0] for r in con.execute("SELECT case_id FROM cases"))
    except sqlite3.OperationalError:  # the index is being created
        return []
    finally:
        con.close()


def test_failures_are_isolated_and_summarised(tmp_path, fault_notebooks):
    cases = make_cases(
        tmp_path / "cases",
        [
            ("good_a", "正常项目甲"),
            ("bad_cell", "故障项目"),
            ("bad_time", "超时项目"),
            ("bad_kill", "崩溃项目"),
            ("good_b", "正常项目乙"),
        ],
    )
    (cases / "bad_input.yaml").write_text("case_id: x\n", encoding="utf-8")
    lib = tmp_path / "lib"
    proc = run_cli(
        "batch",
        cases,
        "--library",
        lib,
        "--workers",
        "2",
        "--timeout",
        "8",
        env={"JIXIAO_NOTEBOOKS": str(fault_notebooks)},
        timeout=600,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert archived_ids(lib) == ["good_a", "good_b"]
    err = proc.stderr
    assert "Traceback" not in err
    assert "RuntimeError: 模拟的单元错误" in err and "代码单元" in err
    assert "超时" in err and "bad_time" in err
    assert "内核在运行中退出" in err
    assert "bad_input.yaml" in err and "缺少必填字段" in err
    assert "失败 4" in proc.stdout
    kept = sorted(p.name for p in (lib / ".failed").iterdir())
    assert "2023__bad_cell.ipynb" in kept
    assert nbformat.read(lib / ".failed" / "2023__bad_cell.ipynb", as_version=4)
    logs = sorted(p.name for p in (lib / ".logs").iterdir())
    assert "2023__bad_cell.log" in logs and "2023__good_a.log" in logs
    # every archived case is complete and verifies
    assert run_cli("library", "verify", "--library", lib).returncode == 0


def test_interrupted_batch_resumes(tmp_path, fault_notebooks):
    cases = make_cases(tmp_path / "cases", [(f"slow_{i}", f"慢速项目{i}") for i in range(4)])
    lib = tmp_path / "lib"
    env = dict(os.environ, JIXIAO_NOTEBOOKS=str(fault_notebooks))
    proc = subprocess.Popen(
        [str(BIN / "jixiao"), "batch", str(cases), "--library", str(lib), "--workers", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    deadline = time.time() + 240
    while time.time() < deadline:
        if (lib / "index.sqlite").exists() and archived_ids(lib):
            break
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C reaches the whole process group
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, out + err
    assert "已中断" in out
    done = archived_ids(lib)
    assert 1 <= len(done) < 4
    Library(lib)  # opening recovers: no staging left behind
    assert not any((lib / ".staging").iterdir())
    for case_id in done:
        folder = lib / "2023" / case_id
        assert {p.name for p in folder.iterdir()} >= {
            "report.html",
            "results.json",
            "provenance.json",
        }
    again = run_cli(
        "batch",
        cases,
        "--library",
        lib,
        "--workers",
        "2",
        env={"JIXIAO_NOTEBOOKS": str(fault_notebooks)},
        timeout=600,
    )
    assert again.returncode == 0, again.stderr
    assert f"跳过（未变化）{len(done)}" in again.stdout
    assert archived_ids(lib) == sorted(f"slow_{i}" for i in range(4))
    assert run_cli("library", "verify", "--library", lib).returncode == 0


def test_killed_batch_leaves_no_half_written_case(tmp_path, fault_notebooks):
    cases = make_cases(tmp_path / "cases", [(f"slow_{i}", f"慢速项目{i}") for i in range(3)])
    lib = tmp_path / "lib"
    env = dict(os.environ, JIXIAO_NOTEBOOKS=str(fault_notebooks))
    proc = subprocess.Popen(
        [str(BIN / "jixiao"), "batch", str(cases), "--library", str(lib), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.time() + 240
    while time.time() < deadline and not ((lib / "index.sqlite").exists() and archived_ids(lib)):
        time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    Library(lib)
    assert run_cli("library", "verify", "--library", lib).returncode == 0
    again = run_cli(
        "batch",
        cases,
        "--library",
        lib,
        env={"JIXIAO_NOTEBOOKS": str(fault_notebooks)},
        timeout=600,
    )
    assert again.returncode == 0, again.stderr
    assert archived_ids(lib) == sorted(f"slow_{i}" for i in range(3))


def test_concurrent_writers_share_one_library(tmp_path):
    cases = make_cases(tmp_path / "cases", [("par_a", "并发项目甲"), ("par_b", "并发项目乙")])
    lib = tmp_path / "lib"
    cmds = [
        ["run", cases / "par_a.yaml"],
        ["run", cases / "par_a.yaml"],
        ["batch", cases, "--workers", "1", "--force"],
    ]
    procs = [
        subprocess.Popen(
            [str(BIN / "jixiao"), *map(str, c), "--library", str(lib)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for c in cmds
    ]
    for p in procs:
        out, err = p.communicate(timeout=600)
        assert p.returncode == 0, err
    assert archived_ids(lib) == ["par_a", "par_b"]
    con = sqlite3.connect(lib / "index.sqlite")
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert con.execute("SELECT COUNT(*) FROM indicators").fetchone()[0] == 2 * 21
    assert run_cli("library", "verify", "--library", lib).returncode == 0


def test_verify_detects_edits_and_missing_files(tmp_path):
    lib = tmp_path / "lib"
    for cid in ("v_a", "v_b"):
        fake_archive(lib, cid, f"校验项目{cid}")
    assert run_cli("library", "verify", "--library", lib).returncode == 0
    report = lib / "2023" / "v_a" / "report.html"
    report.write_text(report.read_text(encoding="utf-8").replace("校验", "修改"), encoding="utf-8")
    (lib / "2023" / "v_b" / "results.json").unlink()
    shutil.copytree(lib / "2023" / "v_b", lib / "2023" / "stray")
    proc = run_cli("library", "verify", "--library", lib)
    assert proc.returncode == 1
    assert "被修改  2023/v_a: report.html" in proc.stderr
    assert "缺失  2023/v_b: 缺少 results.json" in proc.stderr
    assert "未登记  2023/stray" in proc.stderr
    prov = lib / "2023" / "v_a" / "provenance.json"
    prov.write_text(prov.read_text(encoding="utf-8") + " ", encoding="utf-8")
    assert (
        "provenance.json 与索引中记录的哈希不符"
        in run_cli("library", "verify", "--library", lib).stderr
    )


def test_library_commands(tmp_path):
    lib = tmp_path / "lib"
    fake_archive(lib, "l_a", '=HYPERLINK("http://x")', score=72.5, grade="中", actual=100)
    fake_archive(lib, "l_b", "列表项目乙", score=93.8, grade="优", actual=118)
    fake_archive(lib, "l_c", "列表项目丙", year=2022, score=81.0, grade="良", actual=110)
    rows = json.loads(run_cli("library", "list", "--library", lib, "--format", "json").stdout)
    assert {r["case_id"] for r in rows} == {"l_a", "l_b", "l_c"}
    only = run_cli("library", "list", "--library", lib, "--format", "csv", "--grade", "优")
    assert only.returncode == 0 and "l_b" in only.stdout and "l_a" not in only.stdout
    year = run_cli("library", "list", "--library", lib, "--year", "2022")
    assert "l_c" in year.stdout and "l_b" not in year.stdout
    csv_all = run_cli("library", "list", "--library", lib, "--format", "csv")
    assert "'=HYPERLINK" in csv_all.stdout  # formula neutralised in CSV
    show = run_cli("library", "show", "l_b", "--library", lib)
    assert show.returncode == 0 and "总分：93.80" in show.stdout
    stats = json.loads(
        run_cli("library", "benchmark", "C11", "--library", lib, "--format", "json").stdout
    )[0]
    assert (
        stats["n"] == 3
        and stats["actual_p50"] == 110
        and stats["actual_mean"] == pytest.approx(109.3333, abs=1e-3)
    )
    by_year = json.loads(
        run_cli(
            "library", "benchmark", "完成数量", "--by", "year", "--library", lib, "--format", "json"
        ).stdout
    )
    assert [r["year"] for r in by_year] == [2022, 2023]
    for fmt in ("xlsx", "csv", "parquet"):
        out = tmp_path / f"export.{fmt}"
        assert run_cli("library", "export", "-o", out, "--library", lib).returncode == 0
        assert out.is_file()
    import openpyxl

    wb = openpyxl.load_workbook(tmp_path / "export.xlsx")
    titles = [c.value for c in wb["cases"]["C"]]
    assert '\'=HYPERLINK("http://x")' in titles
    missing = run_cli("library", "show", "nope", "--library", lib)
    assert missing.returncode == 2 and "没有案例 nope" in missing.stderr


def test_catalogue_filters_and_links_in_a_browser(tmp_path):
    chromium = (
        shutil.which("chromium")
        or shutil.which("chromium-browser")
        or shutil.which("google-chrome")
    )
    if not chromium:
        pytest.skip("未安装 Chromium（Debian: apt-get install chromium），跳过浏览器测试")
    lib = tmp_path / "lib"
    fake_archive(lib, "c_a", "<script>alert(1)</script>", grade="良")
    fake_archive(lib, "c_b", "目录项目乙", score=95, grade="优")
    fake_archive(lib, "c_c", "自评项目丙", score=91, grade="优", evaluation="self_evaluation")
    fake_archive(lib, "c_d", "组合排序丁", score=None, grade=None, evaluation="portfolio")
    from methods import catalogue
    from methods.library import Library

    page = catalogue.build(Library(lib))

    def dom(fragment):
        out = subprocess.run(
            [
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={tmp_path / 'chrome'}",
                "--virtual-time-budget=5000",
                "--dump-dom",
                page.as_uri() + fragment,
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
        return out.stdout

    import re

    everything = dom("")
    assert sorted(re.findall(r'data-case="([^"]+)"', everything)) == ["c_a", "c_b", "c_c", "c_d"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in everything  # shown as text
    assert re.findall(r'data-case="([^"]+)"', dom("#evaluation=self_evaluation")) == ["c_c"]
    assert re.findall(r'data-case="([^"]+)"', dom("#grade=优&q=目录")) == ["c_b"]
    for href in set(re.findall(r'href="([^"]+/report\.html)"', everything)):
        assert (lib / href).is_file(), href


def test_dask_local_cluster(tmp_path):
    pytest.importorskip("dask.distributed")
    cases = make_cases(tmp_path / "cases", [("d_a", "分布式项目甲"), ("d_b", "分布式项目乙")])
    lib = tmp_path / "lib"
    proc = run_cli("batch", cases, "--library", lib, "--dask", "local", timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert archived_ids(lib) == ["d_a", "d_b"]
    prov = json.loads((lib / "2023" / "d_a" / "provenance.json").read_text(encoding="utf-8"))
    assert prov["runner"] == "jixiao batch"
    assert run_cli("library", "verify", "--library", lib).returncode == 0


def test_case_ids_unique_per_year(tmp_path):
    from methods import batch

    cases = make_cases(tmp_path / "cases", [("dup", "重复甲")])
    shutil.copy(cases / "dup.yaml", cases / "dup_copy.yaml")
    todo, skipped, invalid = batch.plan([cases], Library(tmp_path / "lib"))
    assert len(todo) == 1 and not skipped
    assert len(invalid) == 1 and "重复" in invalid[0].message


def test_validated_case_model_pickles():
    """Workers receive paths, but errors and artifacts cross process boundaries."""
    import pickle

    from methods.errors import CaseError, ExecutionError

    e = pickle.loads(pickle.dumps(CaseError("坏", file="a.yaml", field="x", line=3)))
    assert str(e) == "a.yaml:3: x: 坏"
    x = pickle.loads(pickle.dumps(ExecutionError("失败", kind="cell", notebook=b"{}")))
    assert x.kind == "cell" and x.notebook == b"{}"
    assert casefile.load_case(EXAMPLES / "wujin_bus_subsidy_2023.yaml").case_id
    assert sys.executable


def test_member_cases_library_standards_are_part_of_the_skip_key(monkeypatch):
    """A portfolio or a department scores member case files; when a member takes targets from the
    library (wujin_rural_sewage_2023: 历史标准 from its 2022 case), what the library supplies is
    an input of the portfolio or department too, so a changed library reruns it."""
    from methods import runner, standards

    supplied = {"value": 100.0}

    def fake_resolve(case):
        if case.case_id != "wujin_rural_sewage_2023":
            return {}
        return {"C11": standards.Resolved("C11", supplied["value"], 1, "历史标准")}

    monkeypatch.setattr(standards, "resolve", fake_resolve)
    path = EXAMPLES / "wujin_project_portfolio_2023.yaml"
    folio = casefile.load_case(path, deep=False)
    assert "wujin_rural_sewage_2023.yaml" in folio.member_case_files()
    first = runner.input_hashes(folio, path)
    supplied["value"] = 120.0
    second = runner.input_hashes(folio, path)
    assert "standards" in first and first["input"] != second["input"]

    dept_path = EXAMPLES / "wujin_housing_department_2023.yaml"
    raw = yaml.safe_load(dept_path.read_text(encoding="utf-8"))
    raw["key_projects"]["projects"][0]["case"] = "wujin_rural_sewage_2023.yaml"
    dept = casefile.validate_mapping(raw, base_dir=EXAMPLES, deep=False)
    a = runner.input_hashes(dept, dept_path)
    supplied["value"] = 100.0
    assert a["input"] != runner.input_hashes(dept, dept_path)["input"]
    # the example department's key project takes no library standard: no standards part
    plain = casefile.load_case(dept_path, deep=False)
    assert "standards" not in runner.input_hashes(plain, dept_path)


def test_kernel_start_failures_are_retried_once(monkeypatch):
    """A kernel that did not start (another process took its ZMQ port) is retried once by
    ``jixiao run`` and batches alike; a failing cell is not retried."""
    from methods import runner
    from methods.errors import ExecutionError

    calls = []

    def flaky(path, **kwargs):
        calls.append(path)
        if len(calls) == 1:
            raise ExecutionError(
                "内核启动失败：ZMQError: Address already in use", kind="kernel_start"
            )
        return "artifacts"

    monkeypatch.setattr(runner, "produce", flaky)
    assert runner.produce_retrying("a.yaml") == "artifacts" and len(calls) == 2

    calls.clear()

    def always(path, **kwargs):
        calls.append(path)
        raise ExecutionError("内核启动失败", kind="kernel_start")

    monkeypatch.setattr(runner, "produce", always)
    with pytest.raises(ExecutionError):
        runner.produce_retrying("a.yaml")
    assert len(calls) == 1 + runner.KERNEL_RETRIES

    calls.clear()

    def cell(path, **kwargs):
        calls.append(path)
        raise ExecutionError("单元出错", kind="cell")

    monkeypatch.setattr(runner, "produce", cell)
    with pytest.raises(ExecutionError):
        runner.produce_retrying("a.yaml")
    assert len(calls) == 1
