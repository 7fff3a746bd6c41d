"""The case library: atomic commits, replacement, crash recovery and the index."""

import os
import sqlite3

import pytest

from methods.library import Library, Record


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
