"""The bad-input corpus (issue 9): every malformed case file, data file and Excel form in
tests/bad_inputs/ (built by tools/make_bad_inputs.py; expectations in expected.yaml) is refused by
``jixiao validate`` and ``jixiao run`` (or ``jixiao import``) with exit code 2 and one or two plain
lines naming the file and the field (and row or cell), no traceback, nothing archived and the
library index untouched. Files that must not be committed (a > 2 MB case, symlinks leaving the
case folder) are made here.

The CLI runs in this process (:func:`tests.conftest._run_in_process`): a case that fails
validation exits before any notebook starts, so ``jixiao run`` is safe in-process too; the test
checks ``validate`` first and never calls ``run`` on a case that validates.
"""

import hashlib
import shutil
import sqlite3

import pytest
import yaml

from .conftest import EXAMPLES, ROOT, _run_in_process, fake_archive

CORPUS = ROOT / "tests" / "bad_inputs"
ALL_ENTRIES = yaml.safe_load((CORPUS / "expected.yaml").read_text(encoding="utf-8"))
ENTRIES = [e for e in ALL_ENTRIES if e["command"] != "valid"]
VALID = [e for e in ALL_ENTRIES if e["command"] == "valid"]
LIBRARY_FILES = {"index.sqlite", ".lock", "index.sqlite-wal", "index.sqlite-shm"}


def cli(*args):
    return _run_in_process([str(a) for a in args], None)


def assert_refused(proc, path, expect):
    """Exit 2; one or two plain lines; the first names the file; every expected part present."""
    err = proc.stderr
    assert proc.returncode == 2, f"exit {proc.returncode}\n{err}{proc.stdout}"
    assert "Traceback" not in err and "内部错误" not in err, err
    lines = err.rstrip("\n").splitlines()
    assert 1 <= len(lines) <= 2, err
    assert lines[0].startswith(f"错误：{path}"), err
    for part in expect:
        assert part in err, f"{part!r} not in:\n{err}"
    assert not proc.stdout.strip(), proc.stdout


def assert_nothing_archived(lib):
    """The library holds at most an empty index (and its lock): no case folder, no case row."""
    if not lib.exists():
        return
    assert {p.name for p in lib.iterdir()} <= LIBRARY_FILES, sorted(lib.iterdir())
    if (lib / "index.sqlite").exists():
        con = sqlite3.connect(lib / "index.sqlite")
        try:
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
            for table in {"cases", "indicators"} & tables:
                assert con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0
        finally:
            con.close()


def check_case(path, expect, lib):
    """``jixiao validate FILE`` and ``jixiao run FILE --library LIB`` both refuse the case."""
    assert_refused(cli("validate", path), path, expect)
    assert_refused(cli("run", path, "--library", lib), path, expect)
    assert_nothing_archived(lib)


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["file"] for e in ENTRIES])
def test_bad_input_is_refused(entry, tmp_path):
    path = CORPUS / entry["file"]
    assert path.exists(), f"{path} missing: run tools/make_bad_inputs.py"
    if entry["command"] == "import":
        out = tmp_path / "out.yaml"
        assert_refused(cli("import", path, "-o", out), path, entry["expect"])
        assert list(tmp_path.iterdir()) == []  # no case file, no temporary file
        assert not path.with_suffix(".yaml").exists()
    else:
        check_case(path, entry["expect"], tmp_path / "library")


def test_corpus_covers_every_evaluation_type_and_kind():
    from methods.casefile import EVALUATIONS

    folders = {e["file"].split("/")[0] for e in ENTRIES}
    assert set(EVALUATIONS) <= folders
    kinds = {e["kind"] for e in ENTRIES}
    for kind in (
        "wrong_type",
        "missing_key",
        "unknown_key",
        "weights_sum",
        "negative_budget",
        "spent_over_allocated",
        "unknown_rule",
        "unknown_tier",
        "target_zero",
        "duplicate_code",
        "duplicate_yaml_key",
        "yaml_syntax",
        "encoding",
        "empty_file",
        "odd_date",
        "survey_data",
        "personal_data",
        "data_path",
        "excel",
    ):
        assert kind in kinds, kind
    assert len(ENTRIES) >= 70
    # every data file of the corpus is small; no case file near the size limit is committed
    assert all(p.stat().st_size < 50_000 for p in CORPUS.rglob("*") if p.is_file())


def test_bad_inputs_leave_an_existing_library_untouched(tmp_path):
    """A library with an archived case: refusing one bad file of every folder changes no byte of
    the index and adds no folder."""
    lib = tmp_path / "lib"
    fake_archive(lib, "keep_2023", "已有案例")
    before = {p.relative_to(lib): p.read_bytes() for p in lib.rglob("*") if p.is_file()}
    digest = hashlib.sha256((lib / "index.sqlite").read_bytes()).hexdigest()
    seen = set()
    for e in ENTRIES:
        folder = e["file"].split("/")[0]
        if e["command"] != "validate" or folder in seen:
            continue
        seen.add(folder)
        path = CORPUS / e["file"]
        assert_refused(cli("run", path, "--library", lib), path, e["expect"])
    after = {p.relative_to(lib): p.read_bytes() for p in lib.rglob("*") if p.is_file()}
    assert after == before
    assert hashlib.sha256((lib / "index.sqlite").read_bytes()).hexdigest() == digest


# ---------------------------------------------------------------------------------------------
# Generated here, never committed


def test_huge_case_file_is_refused(tmp_path):
    text = (EXAMPLES / "wujin_bus_subsidy_2023.yaml").read_text(encoding="utf-8")
    path = tmp_path / "huge.yaml"
    padding = "# " + "填充" * 40 + "\n"
    path.write_text(text + padding * (2_100_000 // len(padding.encode()) + 1), encoding="utf-8")
    assert path.stat().st_size > 2_000_000
    check_case(path, ["文件过大", "上限 2 MB"], tmp_path / "library")


SYMLINKED = [
    # corpus file whose one fault is a data path, the field, the data file to link to
    ("satisfaction/data_missing.yaml", ("survey", "data"), "satisfaction/survey.csv"),
    ("cost_benefit/csv_missing.yaml", ("cba", "lines", 0, "csv"), "cost_benefit/flows.csv"),
    ("fiscal_operation/towns_missing.yaml", ("towns",), "fiscal_operation/towns.csv"),
]


@pytest.mark.parametrize(("source", "field", "data"), SYMLINKED, ids=[s[0] for s in SYMLINKED])
def test_symlink_leaving_the_case_folder_is_refused(source, field, data, tmp_path):
    """A data file inside the case folder that is a symlink to a file outside it is refused;
    the same file copied into the folder is accepted (so the symlink is the only fault)."""
    raw = yaml.safe_load((CORPUS / source).read_text(encoding="utf-8"))
    node = raw
    for part in field[:-1]:
        node = node[part]
    node[field[-1]] = "linked.csv"
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.copy(CORPUS / data, outside / "data.csv")
    case_dir = tmp_path / "case"
    case_dir.mkdir()
    path = case_dir / "case.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    (case_dir / "linked.csv").symlink_to(outside / "data.csv")
    label = ".".join(str(p) for p in field).replace(".0.", "[0].")
    check_case(path, [label, "不能指向案例文件所在目录之外", "linked.csv"], tmp_path / "lib")
    (case_dir / "linked.csv").unlink()
    shutil.copy(outside / "data.csv", case_dir / "linked.csv")
    ok = cli("validate", path)
    assert ok.returncode == 0, ok.stderr


def test_case_file_reached_through_a_symlink_is_named_as_typed(tmp_path):
    """A case file reached through a symlink: the message names the path the user typed."""
    target = CORPUS / "project_evaluation" / "negative_budget.yaml"
    link = tmp_path / "link.yaml"
    link.symlink_to(target)
    check_case(link, ["budget.planned", "应不小于 0"], tmp_path / "library")


# ---------------------------------------------------------------------------------------------
# Unusual but valid: validate passing means run cannot fail on the data


@pytest.mark.parametrize("entry", VALID, ids=[e["file"] for e in VALID])
def test_unusual_valid_case_validates(entry):
    proc = cli("validate", CORPUS / entry["file"])
    assert proc.returncode == 0, proc.stderr


@pytest.mark.notebook
def test_every_corpus_case_that_validates_runs(tmp_path):
    """Every corpus case file that ``jixiao validate`` accepts (the unusual-but-valid class, and
    any refusal that slipped) runs to an archive: one batch over copies of them."""
    cases = tmp_path / "cases"
    passed = []
    for e in ALL_ENTRIES:
        path = CORPUS / e["file"]
        if e["command"] == "import" or cli("validate", path).returncode != 0:
            continue
        folder = cases / path.parent.name
        if not folder.exists():
            shutil.copytree(path.parent, folder, ignore=shutil.ignore_patterns("*.yaml", "*.xlsx"))
        shutil.copy(path, folder / path.name)
        passed.append(e["file"])
    assert sorted(passed) == sorted(e["file"] for e in VALID)
    lib = tmp_path / "lib"
    from .conftest import run_cli

    proc = run_cli("batch", cases, "--library", lib, "--workers", "2", timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:] + proc.stdout[-3000:]
    archived = list(lib.glob("*/*/results.json"))
    assert len(archived) == len(passed)
