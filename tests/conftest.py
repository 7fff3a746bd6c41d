"""Shared test fixtures and paths."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "parameters" / "examples"
NOTEBOOKS = ROOT / "notebooks"
BIN = Path(sys.executable).parent


IN_PROCESS = {"validate", "new", "import", "indicators", "library", "documents"}


def run_cli(*args, cwd=None, env=None, timeout=300):
    """Run ``jixiao``; return a CompletedProcess-like result (text).

    Commands that execute no notebook (validate, new, import, indicators, library without
    ``--rerun``) run in this process through :func:`methods.cli.main` with stdout/stderr captured:
    the same code and exit codes, without a second's start-up per call. Everything else runs the
    installed console script in a subprocess.
    """
    args = [str(a) for a in args]
    if args and args[0] in IN_PROCESS and "--rerun" not in args and cwd is None:
        return _run_in_process(args, env)
    full_env = dict(os.environ, **(env or {}))
    return subprocess.run(
        [str(BIN / "jixiao"), *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _run_in_process(args, env):
    import contextlib
    import io

    from methods import cli

    out, err = io.StringIO(), io.StringIO()
    saved = {k: os.environ.get(k) for k in (env or {})}
    os.environ.update(env or {})
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = cli.main(args)
            except SystemExit as exc:  # argparse usage errors, --version
                code = exc.code if isinstance(exc.code, int) else 1
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return subprocess.CompletedProcess(["jixiao", *args], code, out.getvalue(), err.getvalue())


def plain_papermill(case_path, tmp_path, env=None):
    """Run a case's notebook with the plain papermill command line (contracts §3:
    ``papermill notebooks/<evaluation>.ipynb out.ipynb -f case.yaml --cwd <case folder>``) and
    return the results it published."""
    import nbformat
    import yaml

    from methods import runner

    evaluation = yaml.safe_load(Path(case_path).read_text(encoding="utf-8"))["evaluation"]
    out = Path(tmp_path) / "out.ipynb"
    proc = subprocess.run(
        [
            str(BIN / "papermill"),
            str(NOTEBOOKS / f"{evaluation}.ipynb"),
            str(out),
            "-f",
            str(case_path),
            "--cwd",
            str(Path(case_path).parent),
            "--no-progress-bar",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        env=dict(os.environ, **(env or {})),
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return runner.extract_results(nbformat.read(out, as_version=4))


@pytest.fixture(scope="session")
def demo_library(tmp_path_factory):
    """Every example case archived once by ``jixiao batch`` (shared by the report tests)."""
    lib = tmp_path_factory.mktemp("demo") / "case_library"
    proc = run_cli("batch", EXAMPLES, "--library", lib, "--workers", "2", timeout=1200)
    assert proc.returncode == 0, proc.stderr + proc.stdout
    return lib


@pytest.fixture
def library(tmp_path):
    """An empty case library folder."""
    return tmp_path / "library"


@pytest.fixture(autouse=True)
def _no_inherited_library(monkeypatch, tmp_path_factory):
    """Scores must not depend on a library the developer's shell points at, nor on what
    ``make demo`` archived into the project's own ``case_library/``: in-process discovery sees an
    empty library there instead (a fresh clone's tracked folder is empty too)."""
    monkeypatch.delenv("JIXIAO_LIBRARY", raising=False)
    from methods import library

    real = library.nearest
    own = ROOT / "case_library"

    def nearest(start=None):
        found = real(start)
        if found is not None and found.resolve() == own.resolve():
            empty = tmp_path_factory.getbasetemp() / "empty_case_library"
            empty.mkdir(exist_ok=True)
            return empty
        return found

    monkeypatch.setattr(library, "nearest", nearest)


def archived_case(lib, path):
    """(case, results.json, folder) of an example case file as archived in the library ``lib``."""
    from methods import casefile

    case = casefile.load_case(path)
    folder = lib / str(case.year) / case.case_id
    return case, json.loads((folder / "results.json").read_text(encoding="utf-8")), folder


def fake_archive(
    lib_root,
    case_id,
    title,
    *,
    year=2023,
    score=88.0,
    grade="良",
    evaluation="project_evaluation",
    actual=118.0,
    object_type="project",
    budget=None,
    indicators=None,
    department="测试局",
    responsible=None,
    budget_type="general_public",
    extra=None,
    parameters=None,
    project_id=None,
):
    """Archive a case without running a notebook (for library, catalogue and verify tests).
    ``responsible``: a case file's ``responsible`` block (a dict), written to parameters.yaml;
    ``extra``: more results.json keys (findings, grade_bands …); ``parameters``: more case-file
    keys for parameters.yaml."""
    import hashlib

    from methods import runner
    from methods.library import Library, Record

    lib = Library(lib_root)
    results = {
        "case_id": case_id,
        "title": title,
        "year": year,
        "department": department,
        "evaluation": evaluation,
        "budget_type": budget_type,
        "object_type": object_type,
        "total_score": score,
        "grade": grade,
        "level1": {} if score is None else {"产出": score / 2, "效益": score / 2},
        "level1_weights": {} if score is None else {"产出": 50, "效益": 50},
        "indicators": indicators
        if indicators is not None
        else [
            {
                "code": "C11",
                "name": "完成数量",
                "level1": "产出",
                "level2": "产出数量",
                "weight": 8.0,
                "target": 120.0,
                "actual": actual,
                "score": 7.5,
                "unit": "个",
                "rule": "positive",
            }
        ],
        "warnings": [],
    }
    if budget is not None:
        results["budget"] = budget
    results.update(extra or {})
    files = {
        "report.ipynb": b"{}",
        "report.html": f"<html><body>{title}</body></html>".encode(),
        "results.json": json.dumps(results, ensure_ascii=False).encode(),
        "parameters.yaml": f"case_id: {case_id}\n".encode(),
    }
    if responsible is not None or parameters is not None:
        import yaml

        raw = {"case_id": case_id, **(parameters or {})}
        if responsible is not None:
            raw["responsible"] = responsible
        files["parameters.yaml"] = yaml.safe_dump(raw, allow_unicode=True).encode()
    prov = {"files": {k: hashlib.sha256(v).hexdigest() for k, v in files.items()}}
    files["provenance.json"] = json.dumps(prov).encode()
    record = Record(
        year=year,
        case_id=case_id,
        project_id=project_id or case_id,
        title=title,
        department=department,
        evaluation=evaluation,
        budget_type=budget_type,
        object_type=object_type,
        total_score=score,
        grade=grade,
        path=f"{year}/{case_id}",
        input_hash="i",
        case_hash="c",
        notebook_hash="n",
        package_hash="p",
        source="x.yaml",
        manifest_hash=hashlib.sha256(files["provenance.json"]).hexdigest(),
        archived_at="2026-01-01T00:00:00+00:00",
        level1=results["level1"],
        indicators=tuple(results["indicators"]),
        responsible_unit=(responsible or {}).get("unit"),
        responsible_role=(responsible or {}).get("role"),
    )
    runner.archive(runner.Artifacts(case_id, year, files, record, results, {}), lib)
    return lib
