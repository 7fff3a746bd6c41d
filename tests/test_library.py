"""The case library: atomic commits, replacement, crash recovery and the index."""

import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import textwrap

import pytest
import yaml

from methods import library as library_mod
from methods.errors import CaseError
from methods.library import Library, LibraryError, Record

from .conftest import EXAMPLES, ROOT, fake_archive, run_cli


def record(case_id="c1", year=2023, score=88.0, indicators=()):
    return Record(
        year=year,
        case_id=case_id,
        project_id=case_id,
        title="测试项目",
        department="测试局",
        evaluation="project_evaluation",
        budget_type="general_public",
        object_type="project",
        total_score=score,
        grade="良",
        path=f"{year}/{case_id}",
        input_hash="h",
        case_hash="c",
        notebook_hash="n",
        package_hash="p",
        source="x.yaml",
        manifest_hash="",
        archived_at="2026-01-01T00:00:00+00:00",
        level1={"产出": 40.0},
        indicators=tuple(indicators),
    )


def staged(lib, case_id="c1", text="v1"):
    s = lib.staging_dir(2023, case_id)
    (s / "results.json").write_text(text, encoding="utf-8")
    return s


def test_commit_makes_case_visible_and_indexed(tmp_path):
    lib = Library(tmp_path / "lib")
    final = lib.commit(
        staged(lib),
        record(
            indicators=[
                {"code": "A1", "name": "x", "weight": 5, "target": 1, "actual": 1, "score": 5}
            ]
        ),
    )
    assert final == tmp_path / "lib" / "2023" / "c1"
    assert (final / "results.json").read_text() == "v1"
    row = lib.get(2023, "c1")
    assert row["total_score"] == 88.0 and row["path"] == "2023/c1"
    con = sqlite3.connect(lib.index_path)
    assert con.execute("SELECT code, score FROM indicators").fetchall() == [("A1", 5.0)]


def test_replacing_keeps_one_row_and_the_new_files(tmp_path):
    lib = Library(tmp_path / "lib")
    lib.commit(staged(lib, text="v1"), record(score=80))
    lib.commit(staged(lib, text="v2"), record(score=91))
    assert (tmp_path / "lib" / "2023" / "c1" / "results.json").read_text() == "v2"
    assert [r["total_score"] for r in lib.cases()] == [91]
    assert not any(lib.trash_root.iterdir())


def test_failed_rename_keeps_the_old_case_and_index(tmp_path, monkeypatch):
    lib = Library(tmp_path / "lib")
    lib.commit(staged(lib, text="v1"), record(score=80))
    real_rename = os.rename
    calls = []

    def flaky(src, dst):
        calls.append((src, dst))
        if len(calls) == 2:  # the staging → final rename
            raise OSError(28, "No space left on device")
        return real_rename(src, dst)

    monkeypatch.setattr(os, "rename", flaky)
    with pytest.raises(OSError):
        lib.commit(staged(lib, text="v2"), record(score=91))
    monkeypatch.setattr(os, "rename", real_rename)
    assert (tmp_path / "lib" / "2023" / "c1" / "results.json").read_text() == "v1"
    assert [r["total_score"] for r in lib.cases()] == [80]


def test_recover_restores_a_replaced_case_and_drops_stale_staging(tmp_path):
    lib = Library(tmp_path / "lib")
    lib.commit(staged(lib, text="v1"), record())
    # simulate a crash between moving the old case away and moving the new one in
    lib.trash_root.mkdir(exist_ok=True)
    os.rename(lib.case_dir(2023, "c1"), lib.trash_root / "2023__c1__deadbeef")
    stale = lib.staging_root / "2023__c2__999999999__abcd1234"
    stale.mkdir(parents=True)
    Library(tmp_path / "lib")  # opening recovers
    assert (lib.case_dir(2023, "c1") / "results.json").read_text() == "v1"
    assert not stale.exists()


def test_staging_of_a_live_process_is_kept(tmp_path):
    lib = Library(tmp_path / "lib")
    mine = lib.staging_dir(2023, "c3")
    Library(tmp_path / "lib")
    assert mine.exists()


# ---------------------------------------------------------------------------------------------
# Finding the library (the same way everywhere)

SEWAGE = EXAMPLES / "wujin_rural_sewage_2023.yaml"


def project(tmp_path, name="proj"):
    """A project folder (pyproject.toml) with a cases/sub folder."""
    root = tmp_path / name
    (root / "cases" / "sub").mkdir(parents=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    return root


def test_discovery_order_explicit_env_nearest(tmp_path, monkeypatch):
    root = project(tmp_path)
    case = root / "cases" / "sub" / "a.yaml"
    case.write_text("x: 1\n", encoding="utf-8")
    # nothing found: the project stops the walk (a case_library above it is not the project's)
    (tmp_path / "case_library").mkdir()
    assert library_mod.discover(case) == (None, "")
    assert library_mod.locate(case) == root / "case_library"  # where run/batch would create it
    (root / "case_library").mkdir()
    path, origin = library_mod.discover(case)
    assert path == root / "case_library" and "case_library" in origin
    (root / "cases" / "case_library").mkdir()  # nearer wins
    assert library_mod.discover(case)[0] == root / "cases" / "case_library"
    monkeypatch.setenv("JIXIAO_LIBRARY", str(tmp_path / "env_lib"))
    assert library_mod.discover(case) == (tmp_path / "env_lib", "环境变量 JIXIAO_LIBRARY")
    assert library_mod.discover(case, "rel")[0] == library_mod._absolute("rel")
    assert library_mod.discover(case, tmp_path / "x")[0] == tmp_path / "x"


def test_discovery_outside_a_project_walks_up_from_the_case_folder(tmp_path):
    folder = tmp_path / "a" / "b"
    folder.mkdir(parents=True)
    assert library_mod.discover(folder / "c.yaml")[0] is None
    assert library_mod.locate(folder / "c.yaml") == folder / "case_library"
    (tmp_path / "a" / "case_library").mkdir()
    assert library_mod.discover(folder / "c.yaml")[0] == tmp_path / "a" / "case_library"


def sewage_case(folder):
    """The rural-sewage example (C41 takes its target from the library: 历史标准) in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copytree(EXAMPLES / "evidence", folder / "evidence", dirs_exist_ok=True)
    path = folder / "sewage.yaml"
    shutil.copy(SEWAGE, path)
    return path


def test_targets_from_a_library_that_is_not_found_are_refused(tmp_path, monkeypatch):
    from methods import scoring

    path = sewage_case(tmp_path / "alone")
    with pytest.raises(CaseError) as info:
        scoring.evaluate(path)
    text = str(info.value)
    assert "indicators[16]（C41）.target_from" in text and "未找到案例库" in text
    assert "sewage.yaml:199" in text and len(text.splitlines()) <= 2
    proc = run_cli("validate", path)
    assert proc.returncode == 2 and "C41" in proc.stderr and "Traceback" not in proc.stderr
    # a named library that does not exist is not found either
    monkeypatch.setenv("JIXIAO_LIBRARY", str(tmp_path / "typo"))
    with pytest.raises(CaseError, match="typo 不存在（来自环境变量 JIXIAO_LIBRARY）"):
        scoring.evaluate(path)
    monkeypatch.delenv("JIXIAO_LIBRARY")
    # an (empty) library beside the case: found; no comparable value, so the fallback target
    # is used with its basis stated
    (tmp_path / "alone" / "case_library").mkdir()
    ev = scoring.evaluate(path)
    row = ev.table.set_index("code").loc["C41"]
    assert row["target"] == 0.38 and "案例库中暂无可用数据" in row["reason"]
    assert ev.total == 94.01


def test_library_readers_name_the_missing_library(tmp_path):
    from methods import casefile
    from methods.evaltypes import results_application

    raw = yaml.safe_load(
        (EXAMPLES / "wujin_results_application_2024.yaml").read_text(encoding="utf-8")
    )
    folder = tmp_path / "ra"
    folder.mkdir()
    case = casefile.validate_mapping(raw, base_dir=folder)
    with pytest.raises(CaseError, match="结果应用需要案例库：未找到案例库"):
        results_application.analyse(case)
    (folder / "case_library").mkdir()
    with pytest.raises(CaseError, match="中还没有存档案例"):
        results_application.analyse(case)


def test_extract_results_takes_a_path_or_a_notebook(tmp_path):
    import nbformat

    from methods import runner
    from methods._protocol import RESULTS_MIME

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("publish()")
    cell.outputs = [
        nbformat.v4.new_output("display_data", data={RESULTS_MIME: {"total_score": 90.5}})
    ]
    nb.cells.append(cell)
    out = tmp_path / "out.ipynb"
    nbformat.write(nb, out)
    expected = {"total_score": 90.5}
    assert runner.extract_results(nb) == expected
    assert runner.extract_results(out) == expected
    assert runner.extract_results(str(out)) == expected


def test_scrub_paths_in_outputs():
    from methods import runner

    roots = [("/home/u/proj/cases", ""), ("/home/u/proj", ""), ("/home/u", "~/")]
    text = (
        "/home/u/proj/methods/a.py:3: UserWarning: x\n"
        '  File "/usr/lib/python3.11/warnings.py", line 5\n'
        "data: /home/u/proj/cases/data.csv 万元/户 /home/u/other"
    )
    kept = runner.scrub_paths(text, roots)
    assert "methods/a.py:3" in kept and "data.csv" in kept and "/usr/lib" in kept
    assert "/home/u" not in kept and "万元/户" in kept and "~/other" in kept
    cut = runner.scrub_paths(text, roots, aggressive=True)
    assert '"warnings.py"' in cut and "/usr/lib" not in cut


# ---------------------------------------------------------------------------------------------
# Index paths, integrity, reindex, read-only libraries


def test_index_stores_relative_case_file_paths(tmp_path):
    root = project(tmp_path)
    lib = Library(root / "case_library")
    rec = record()
    source = root / "cases" / "sub" / "a.yaml"
    lib.commit(staged(lib), Record(**{**rec.__dict__, "source": str(source)}))
    row = lib.get(2023, "c1")
    assert row["source"] == "cases/sub/a.yaml" and row["path"] == "2023/c1"
    assert lib.source_path(row["source"]) == source
    outside = Library(tmp_path / "lib2")  # a library outside any project: relative to itself
    outside.commit(staged(outside), Record(**{**rec.__dict__, "source": str(source)}))
    stored = outside.get(2023, "c1")["source"]
    assert not stored.startswith("/") and outside.source_path(stored) == source


def _set(lib_root, sql, *params):
    con = sqlite3.connect(lib_root / "index.sqlite")
    con.execute(sql, params)
    con.commit()
    con.close()


def test_verify_checks_index_rows_against_results(tmp_path):
    lib = tmp_path / "lib"
    fake_archive(lib, "i_a", "索引项目甲", score=88.0, grade="良")
    fake_archive(lib, "i_b", "索引项目乙", score=91.0, grade="优")
    assert run_cli("library", "verify", "--library", lib).returncode == 0
    _set(lib, "UPDATE cases SET total_score = 95, grade = '优' WHERE case_id = 'i_a'")
    _set(lib, "UPDATE indicators SET score = 8 WHERE case_id = 'i_b' AND code = 'C11'")
    proc = run_cli("library", "verify", "--library", lib)
    assert proc.returncode == 1
    assert "索引不一致  2023/i_a: 总分：索引为 95.0，results.json 为 88.0" in proc.stderr
    assert "等级：索引为 '优'，results.json 为 '良'" in proc.stderr
    assert "索引不一致  2023/i_b: 指标 C11：score 索引为 8.0、results.json 为 7.5" in proc.stderr
    _set(lib, "DELETE FROM indicators WHERE case_id = 'i_b'")
    assert "指标 C11 不在索引中" in run_cli("library", "verify", "--library", lib).stderr
    fixed = run_cli("library", "reindex", "--library", lib)
    assert fixed.returncode == 0 and "2 个案例" in fixed.stdout
    assert run_cli("library", "verify", "--library", lib).returncode == 0


def test_deleted_index_is_detected_and_rebuilt(tmp_path):
    lib = tmp_path / "lib"
    fake_archive(lib, "d_a", "重建项目甲", score=72.5, grade="中")
    fake_archive(lib, "d_b", "重建项目乙", year=2022, score=90.0, grade="优")
    before = {r["case_id"]: dict(r) for r in Library(lib).cases()}
    for f in lib.glob("index.sqlite*"):
        f.unlink()
    with pytest.raises(LibraryError, match="缺少索引 index.sqlite（但有 2 个存档案例）"):
        Library(lib)
    for args in (["library", "list"], ["library", "verify"]):
        proc = run_cli(*args, "--library", lib)
        assert proc.returncode == 2, proc.stderr
        assert "缺少索引" in proc.stderr and "jixiao library reindex" in proc.stderr
        assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 2
    assert not (lib / "index.sqlite").exists()  # never silently replaced by an empty index
    proc = run_cli("library", "reindex", "--library", lib)
    assert proc.returncode == 0, proc.stderr
    assert "已从存档重建索引" in proc.stdout and "2 个案例" in proc.stdout
    after = {r["case_id"]: dict(r) for r in Library(lib).cases()}
    for key in ("year", "title", "department", "evaluation", "total_score", "grade", "path"):
        assert {k: v[key] for k, v in after.items()} == {k: v[key] for k, v in before.items()}
    assert after["d_a"]["manifest_hash"] == before["d_a"]["manifest_hash"]
    assert run_cli("library", "verify", "--library", lib).returncode == 0
    rows = json.loads(run_cli("library", "list", "--library", lib, "--format", "json").stdout)
    assert {r["case_id"] for r in rows} == {"d_a", "d_b"}


def test_corrupt_index_is_detected_and_rebuilt(tmp_path):
    lib = tmp_path / "lib"
    fake_archive(lib, "k_a", "损坏项目", score=81.0, grade="良")
    for f in lib.glob("index.sqlite-*"):
        f.unlink()
    (lib / "index.sqlite").write_bytes(b"this is not an SQLite file, just garbage" * 100)
    for args in (["library", "list"], ["library", "verify"], ["library", "show", "k_a"]):
        proc = run_cli(*args, "--library", lib)
        assert proc.returncode == 2
        assert "已损坏" in proc.stderr and "jixiao library reindex" in proc.stderr
        assert "Traceback" not in proc.stderr and "内部错误" not in proc.stderr
    with pytest.raises(LibraryError, match="已损坏"):
        Library(lib)
    proc = run_cli("library", "reindex", "--library", lib)
    assert proc.returncode == 0 and "原索引已损坏，已另存为" in proc.stdout
    assert list(lib.glob("index.sqlite.corrupt-*"))
    assert [r["case_id"] for r in Library(lib).cases()] == ["k_a"]
    assert run_cli("library", "verify", "--library", lib).returncode == 0


def test_read_only_library_can_be_listed_and_verified(tmp_path, monkeypatch):
    lib = tmp_path / "lib"
    fake_archive(lib, "r_a", "只读项目", score=90.0, grade="优")

    def no_lock(path):  # what a read-only folder does to a non-root user
        raise PermissionError(13, "Permission denied", str(path))

    if os.geteuid() == 0:  # root ignores file permissions: simulate the refusal
        monkeypatch.setattr(library_mod, "_open_lock", no_lock)
    (lib / ".lock").unlink()
    before = sorted(p.relative_to(lib) for p in lib.rglob("*"))
    modes = {p: p.stat().st_mode for p in [lib, *lib.rglob("*")] if p.is_dir()}
    for p in modes:
        p.chmod(p.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    try:
        listed = run_cli("library", "list", "--library", lib, "--format", "json")
        assert listed.returncode == 0, listed.stderr
        assert [r["case_id"] for r in json.loads(listed.stdout)] == ["r_a"]
        verified = run_cli("library", "verify", "--library", lib)
        assert verified.returncode == 0, verified.stderr
        assert "全部一致" in verified.stdout
        assert run_cli("library", "show", "r_a", "--library", lib).returncode == 0
        assert Library.open(lib).readonly
    finally:
        for p, mode in modes.items():
            p.chmod(mode)
    assert sorted(p.relative_to(lib) for p in lib.rglob("*")) == before  # nothing written


def test_library_commands_find_the_project_library(tmp_path, monkeypatch):
    root = project(tmp_path)
    fake_archive(root / "case_library", "p_a", "项目库案例")
    monkeypatch.chdir(root / "cases" / "sub")
    rows = json.loads(run_cli("library", "list", "--format", "json").stdout)
    assert [r["case_id"] for r in rows] == ["p_a"]
    monkeypatch.chdir(tmp_path)
    proc = run_cli("library", "list")
    assert proc.returncode == 2 and "未找到案例库" in proc.stderr
    proc = run_cli("library", "list", "--library", tmp_path / "nope")
    assert proc.returncode == 2 and "不存在" in proc.stderr
    assert not (tmp_path / "nope").exists()


CRASH = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    from methods import library
    sys.path.insert(0, {tests!r})
    from tests.test_library import record, staged

    calls = []
    real = library._fsync_dir

    def dying(path):
        calls.append(path)
        if len(calls) == 2:  # after the rename into place, before the index commit
            os._exit(9)
        real(path)

    lib = library.Library({root!r})
    s = staged(lib, text="v2")
    (s / "provenance.json").write_text("new", encoding="utf-8")
    import hashlib
    rec = record(score=91)
    rec = library.Record(**{{**rec.__dict__, "manifest_hash": hashlib.sha256(b"new").hexdigest()}})
    library._fsync_dir = dying
    lib.commit(s, rec)
    """
)


def test_commit_killed_after_the_rename_is_indexed_on_the_next_open(tmp_path):
    lib = Library(tmp_path / "lib")
    lib.commit(staged(lib, text="v1"), record(score=80))
    script = CRASH.format(tests=str(ROOT), root=str(tmp_path / "lib"))
    proc = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True)
    assert proc.returncode == 9, proc.stderr
    assert (tmp_path / "lib" / "2023" / "c1" / "results.json").read_text() == "v2"
    assert list((tmp_path / "lib" / ".pending").iterdir())  # the commit never finished
    reopened = Library(tmp_path / "lib")  # recovery rolls the commit forward
    assert [r["total_score"] for r in reopened.cases()] == [91]
    assert not list((tmp_path / "lib" / ".pending").iterdir())
    assert not any(reopened.trash_root.iterdir())


def test_a_different_case_file_does_not_replace_an_archive(tmp_path):
    from methods import casefile, runner

    lib_root = tmp_path / "lib"
    fake_archive(lib_root, "wujin_rural_sewage_2023", "另一个文件的案例")
    lib = Library(lib_root)
    path = sewage_case(tmp_path / "cases")
    (tmp_path / "cases" / "case_library").mkdir()
    case = casefile.validate(path)
    with pytest.raises(CaseError) as info:
        runner.check_replacement(lib, case, path)
    text = str(info.value)
    assert "case_id" in text and "已有 2023 年的案例 wujin_rural_sewage_2023" in text
    assert "--force" in text
    # the same case file (recorded source) may replace its archive, even edited
    _set(lib_root, "UPDATE cases SET source = ?", lib.source_key(path))
    runner.check_replacement(lib, case, path)
    # … and so may identical content from elsewhere
    _set(
        lib_root,
        "UPDATE cases SET source = 'elsewhere.yaml', case_hash = ?",
        runner.sha256_file(path),
    )
    runner.check_replacement(lib, case, path)


def test_library_on_a_read_only_file_system(tmp_path):
    """On a read-only mount (no lock file, no WAL index file can be created) a library is listed,
    shown and verified; writing commands say it is read-only (exit 2)."""
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("needs root to make a read-only bind mount")
    src, mnt = tmp_path / "src", tmp_path / "mnt"
    fake_archive(src / "lib", "m_a", "只读挂载", score=90.0, grade="优")
    mnt.mkdir()
    if subprocess.run(["mount", "--bind", str(src), str(mnt)], capture_output=True).returncode:
        pytest.skip("bind mounts are not permitted here")
    try:
        ro = subprocess.run(["mount", "-o", "remount,bind,ro", str(mnt)], capture_output=True)
        if ro.returncode:
            pytest.skip("read-only remounts are not permitted here")
        lib = mnt / "lib"
        listed = run_cli("library", "list", "--library", lib, "--format", "json")
        assert listed.returncode == 0, listed.stderr
        assert [r["case_id"] for r in json.loads(listed.stdout)] == ["m_a"]
        verified = run_cli("library", "verify", "--library", lib)
        assert verified.returncode == 0 and "全部一致" in verified.stdout, verified.stderr
        for args in (["library", "reindex"], ["library", "catalogue"]):
            proc = run_cli(*args, "--library", lib)
            assert proc.returncode == 2, proc.stderr
            assert "不可写" in proc.stderr or "只读" in proc.stderr
            assert "内部错误" not in proc.stderr
    finally:
        subprocess.run(["umount", str(mnt)], capture_output=True)
