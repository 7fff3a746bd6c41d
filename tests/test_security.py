"""Injection, escaping, privacy of archives and reproducibility (issue: reliability and security).

A case whose text fields carry quotes, newlines, ``__import__(...)`` and ``"; os.system(...)``
goes through papermill's parameter injection as inert strings; its title shows as text in the
report; archives hold no absolute paths, user names or environment; the same case run twice gives
byte-identical results.json."""

import json
import os
import shutil

import pytest
import yaml

from .conftest import EXAMPLES, ROOT, run_cli

pytestmark = pytest.mark.notebook

TITLE = "<script>alert(1)</script>\"; import os; os.system('touch {marker}') #"
DEPT = "测试局'\n__import__('os').system('touch {marker}')"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    marker = tmp / "pwned"
    raw = yaml.safe_load((EXAMPLES / "wujin_bus_subsidy_2023.yaml").read_text(encoding="utf-8"))
    raw.update(
        case_id="hostile_case",
        title=TITLE.format(marker=marker),
        department=DEPT.format(marker=marker),
    )
    raw["indicators"][0]["note"] = "'''\"\"\"\\n${HOME} `id` $(whoami)"
    case = tmp / "case" / "hostile.yaml"
    case.parent.mkdir()
    case.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    lib = tmp / "lib"
    first = run_cli("run", case, "--library", lib)
    assert first.returncode == 0, first.stderr
    results_1 = (lib / "2023" / "hostile_case" / "results.json").read_bytes()
    second = run_cli("run", case, "--library", lib)
    assert second.returncode == 0, second.stderr
    return {"lib": lib, "case": case, "marker": marker, "raw": raw, "first": results_1}


def test_parameters_arrive_as_inert_strings(hostile):
    assert not hostile["marker"].exists()
    res = json.loads(
        (hostile["lib"] / "2023" / "hostile_case" / "results.json").read_text(encoding="utf-8")
    )
    assert res["title"] == hostile["raw"]["title"]
    assert res["department"] == hostile["raw"]["department"]


def test_user_text_is_escaped_in_the_report(hostile):
    html = (hostile["lib"] / "2023" / "hostile_case" / "report.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    catalogue = (hostile["lib"] / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in catalogue.split('<script id="data"')[1].split("</script>")[0]


def test_same_case_twice_gives_identical_results(hostile):
    again = (hostile["lib"] / "2023" / "hostile_case" / "results.json").read_bytes()
    assert again == hostile["first"]


def test_archive_holds_no_paths_users_or_environment(hostile):
    folder = hostile["lib"] / "2023" / "hostile_case"
    forbidden = {str(ROOT), str(hostile["case"].parent), str(hostile["lib"].resolve())}
    home = os.environ.get("HOME")
    if home and len(home) > 5:
        forbidden.add(home + "/")
    for key in ("PATH", "VIRTUAL_ENV", "PYTHONPATH"):
        value = os.environ.get(key)
        if value and len(value) > 8:
            forbidden.add(value)
    for path in folder.rglob("*"):
        if path.is_file() and path.suffix in {".json", ".html", ".ipynb", ".yaml"}:
            text = path.read_text(encoding="utf-8", errors="replace")
            for f in forbidden:
                assert f not in text, f"{path.name} contains {f!r}"


def test_case_ids_and_data_paths_cannot_escape(tmp_path):
    raw = yaml.safe_load((EXAMPLES / "wujin_bus_subsidy_2023.yaml").read_text(encoding="utf-8"))
    for bad_id in ("../escape", "a/b", "..", "x" * 65, "空格 id"):
        path = tmp_path / "c.yaml"
        path.write_text(
            yaml.safe_dump(dict(raw, case_id=bad_id), allow_unicode=True), encoding="utf-8"
        )
        proc = run_cli("validate", path)
        assert proc.returncode == 2 and "case_id" in proc.stderr


def test_yaml_is_loaded_safely(tmp_path):
    path = tmp_path / "evil.yaml"
    path.write_text("case_id: !!python/object/apply:os.system ['echo pwned']\n", encoding="utf-8")
    proc = run_cli("validate", path)
    assert proc.returncode == 2 and "YAML" in proc.stderr and "Traceback" not in proc.stderr


def test_full_disk_while_archiving_leaves_the_library_intact(tmp_path, monkeypatch):
    """A write error (ENOSPC) while staging a case: nothing half-written, earlier cases intact."""
    from methods import runner
    from methods.library import Library

    from .conftest import fake_archive

    lib_root = tmp_path / "lib"
    fake_archive(lib_root, "keep", "已有案例")
    real_write = runner._write

    def full(path, data):
        if path.name == "report.html":
            raise OSError(28, "No space left on device")
        return real_write(path, data)

    monkeypatch.setattr(runner, "_write", full)
    with pytest.raises(OSError):
        fake_archive(lib_root, "new", "新案例")
    monkeypatch.setattr(runner, "_write", real_write)
    lib = Library(lib_root)
    assert [r["case_id"] for r in lib.cases()] == ["keep"]
    assert not (lib_root / "2023" / "new").exists()
    assert not any((lib_root / ".staging").iterdir())
    assert run_cli("library", "verify", "--library", lib_root).returncode == 0
    shutil.rmtree(lib_root)
