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
from pathlib import Path

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
if case.title.startswith("路径"):  # machine paths in outputs: a warning, a stack, the folders
    import sys as _sys, traceback as _tb, warnings as _w
    print("工作目录", _os.getcwd(), _os.environ.get("JIXIAO_LIBRARY"))
    _w.warn_explicit("数据 " + _os.path.abspath("evidence"), UserWarning, _os.path.abspath("x.py"), 1)
    _tb.print_stack(file=_sys.stderr)
    print(_os.path.expanduser("~"), file=_sys.stderr)
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
        run_cli(
            "library", "benchmark", "C11", "--min-n", "1", "--library", lib, "--format", "json"
        ).stdout
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


def test_bad_files_fail_alone_in_a_batch(tmp_path):
    """A case file that cannot even be parsed, or fails validation, is that file's failure in the
    summary; every other case still runs and archives (exit 1)."""
    cases = make_cases(tmp_path / "cases", [("fine", "正常项目")])
    (cases / "garbage.yaml").write_bytes(bytes(range(256)) * 4)
    (cases / "bad_date.yaml").write_text("case_id: d\nyear: 2023\nstart: 2023-13-45\n", "utf-8")
    (cases / "nested.yaml").write_text("case_id: " + "[" * 3000 + "]" * 3000 + "\n", "utf-8")
    (cases / "listing.yaml").write_text("- a\n- b\n", encoding="utf-8")
    (cases / "invalid.yaml").write_text(
        (cases / "fine.yaml")
        .read_text(encoding="utf-8")
        .replace("case_id: fine", "case_id: invalid")
        .replace("weight: 8", "weight: 8x", 1),
        encoding="utf-8",
    )
    lib = tmp_path / "lib"
    proc = run_cli("batch", cases, "--library", lib, "--workers", "1", timeout=600)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert archived_ids(lib) == ["fine"]
    lines = [line for line in proc.stderr.splitlines() if line.startswith("失败")]
    for name in ("garbage", "bad_date", "nested", "listing", "invalid"):
        assert sum(f"{name}.yaml" in line for line in lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "共 6 个案例：完成 1，跳过（未变化）0，失败 5" in proc.stdout
    assert f"案例库：{lib}" in proc.stdout


def _proc_table() -> dict[int, list[tuple[int, str]]]:
    """ppid → [(pid, start time)] of every process (from /proc)."""
    children: dict[int, list[tuple[int, str]]] = {}
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat_file.read_text()
        except OSError:
            continue
        rest = text[text.rindex(")") + 2 :].split()
        children.setdefault(int(rest[1]), []).append((int(stat_file.parent.name), rest[19]))
    return children


def _descendants(pid: int) -> set[tuple[int, str]]:
    table, found, todo = _proc_table(), set(), [pid]
    while todo:
        for child in table.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child[0])
    return found


def _running(pid: int, start: str) -> bool:
    """Whether this very process (same start time) still runs (a zombie has ended)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    rest = text[text.rindex(")") + 2 :].split()
    return rest[19] == start and rest[0] not in ("Z", "X")


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc (Linux)")
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_killed_coordinator_leaves_no_orphans(tmp_path, fault_notebooks, sig):
    """Killing a batch's coordinator while kernels run leaves no worker or kernel process behind:
    workers die with their parent (PR_SET_PDEATHSIG / a watchdog), kernels with their worker."""
    from methods import batch

    pytest.importorskip("ctypes")
    assert batch.PR_SET_PDEATHSIG == 1
    cases = make_cases(tmp_path / "cases", [("hang_a", "超时项目甲"), ("hang_b", "超时项目乙")])
    lib = tmp_path / "lib"
    env = dict(os.environ, JIXIAO_NOTEBOOKS=str(fault_notebooks))
    proc = subprocess.Popen(
        [str(BIN / "jixiao"), "batch", str(cases), "--library", str(lib), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    seen: set[tuple[int, str]] = set()
    try:
        deadline = time.time() + 180
        kernels = []
        while time.time() < deadline and len(kernels) < 2:
            seen |= _descendants(proc.pid)
            kernels = [p for p in seen if "ipykernel" in _cmdline(p[0])]
            time.sleep(0.2)
        assert kernels, "no kernel started"
        time.sleep(1.0)  # the hanging cells are running now
        seen |= _descendants(proc.pid)
        os.kill(proc.pid, sig)  # the coordinator only, not its process group
        proc.wait(timeout=60)
        deadline = time.time() + 15
        while time.time() < deadline and any(_running(*p) for p in seen):
            time.sleep(0.2)
        survivors = [(p, _cmdline(p)) for p, start in seen if _running(p, start)]
        assert not survivors, survivors
    finally:
        if proc.poll() is None:
            proc.kill()
        for pid, start in seen:
            if _running(pid, start):
                os.kill(pid, signal.SIGKILL)


def test_no_absolute_path_reaches_the_archive(tmp_path, fault_notebooks):
    """Warnings, stacks and printed folders in a report keep no machine path; the index stores the
    archive relative to the library and the case file relative to the project."""
    import zipfile

    from .conftest import ROOT

    cases = make_cases(tmp_path / "cases", [("paths", "路径项目")])
    lib = tmp_path / "lib"
    proc = run_cli(
        "run",
        cases / "paths.yaml",
        "--library",
        lib,
        env={"JIXIAO_NOTEBOOKS": str(fault_notebooks)},
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"案例库：{lib}\n")
    folder = lib / "2023" / "paths"
    nb = nbformat.read(folder / "report.ipynb", as_version=4)
    stderr = "".join(
        o.get("text", "")
        for c in nb.cells
        for o in c.get("outputs", [])
        if o.get("name") == "stderr"
    )
    assert "UserWarning" in stderr and "x.py" in stderr  # the warning is kept, its path is not
    forbidden = {str(lib), str(ROOT), str(cases), str(tmp_path), str(fault_notebooks)}
    home = os.path.expanduser("~")
    if len(home) >= 8:
        forbidden.add(home)
    blobs = {}
    for f in folder.rglob("*"):
        if not f.is_file():
            continue
        if f.suffix in (".xlsx", ".docx"):
            with zipfile.ZipFile(f) as z:
                for name in z.namelist():
                    blobs[f"{f.name}!{name}"] = z.read(name)
        else:
            blobs[f.name] = f.read_bytes()
    assert "report.ipynb" in blobs and "results.json" in blobs
    for name, data in blobs.items():
        for path in forbidden:
            assert path.encode() not in data, f"{path} in {name}"
    con = sqlite3.connect(lib / "index.sqlite")
    source, path = con.execute("SELECT source, path FROM cases").fetchone()
    assert path == "2023/paths" and not source.startswith("/")
    assert (lib / source).resolve() == (cases / "paths.yaml").resolve()


def test_run_refuses_another_case_file_with_an_archived_id(tmp_path):
    cases = make_cases(tmp_path / "cases", [("same_id", "第一个文件")])
    other = make_cases(tmp_path / "other", [("same_id", "另一个文件")])
    lib = tmp_path / "lib"
    first = run_cli("run", cases / "same_id.yaml", "--library", lib)
    assert first.returncode == 0, first.stderr
    archived = (lib / "2023" / "same_id" / "results.json").read_bytes()
    refused = run_cli("run", other / "same_id.yaml", "--library", lib)
    assert refused.returncode == 2
    err = refused.stderr.strip()
    assert "已有 2023 年的案例 same_id" in err and "--force" in err
    assert "Traceback" not in err and len(err.splitlines()) <= 2
    assert (lib / "2023" / "same_id" / "results.json").read_bytes() == archived
    # the same file again (even edited) is fine; another file replaces only with --force
    again = run_cli("run", cases / "same_id.yaml", "--library", lib, "-q")
    assert again.returncode == 0, again.stderr
    forced = run_cli("run", other / "same_id.yaml", "--library", lib, "--force")
    assert forced.returncode == 0, forced.stderr
    res = json.loads((lib / "2023" / "same_id" / "results.json").read_text(encoding="utf-8"))
    assert res["title"] == "另一个文件"
    # a batch reports it as that file's failure too
    batch = run_cli("batch", cases, "--library", lib, "--workers", "1")
    assert batch.returncode == 1 and "已有 2023 年的案例 same_id" in batch.stderr


def test_library_found_the_same_way_by_batch_and_plain_papermill(tmp_path):
    """No --library: jixiao batch archives into the project's case_library/ (and says so); plain
    papermill in the case folder finds the same library, so 历史标准 give the same score. Away
    from any library the case is refused, naming the indicator."""
    from .conftest import plain_papermill

    project = tmp_path / "proj"
    cases = project / "cases"
    cases.mkdir(parents=True)
    (project / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    shutil.copytree(EXAMPLES / "evidence", cases / "evidence")
    for name in ("wujin_rural_sewage_2022", "wujin_rural_sewage_2023"):
        shutil.copy(EXAMPLES / f"{name}.yaml", cases)
    proc = run_cli("batch", cases, "--workers", "1", cwd=tmp_path, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert f"案例库：{project / 'case_library'}" in proc.stdout
    archived = json.loads(
        (project / "case_library" / "2023" / "wujin_rural_sewage_2023" / "results.json").read_text(
            encoding="utf-8"
        )
    )
    assert archived["total_score"] == 94.12  # 历史标准 from the 2022 case
    plain = plain_papermill(cases / "wujin_rural_sewage_2023.yaml", tmp_path)
    assert plain["total_score"] == archived["total_score"]
    assert plain["indicators"] == archived["indicators"]
    # away from any library: refused, naming the indicator (no silent fallback to target)
    alone = tmp_path / "alone"
    shutil.copytree(cases, alone, ignore=shutil.ignore_patterns("*2022*"))
    out = tmp_path / "out_alone.ipynb"
    failed = subprocess.run(
        [
            str(BIN / "papermill"),
            str(NOTEBOOKS / "project_evaluation.ipynb"),
            str(out),
            "-f",
            str(alone / "wujin_rural_sewage_2023.yaml"),
            "--cwd",
            str(alone),
            "--no-progress-bar",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert failed.returncode != 0
    assert "C41" in failed.stderr and "未找到案例库" in failed.stderr
