"""The command line: validate, new, run; bad input exits 2 with one or two plain lines naming the
file and field, no traceback, nothing archived and the index untouched."""

import shutil

import pytest

from methods import casefile

from .conftest import EXAMPLES, run_cli

GOOD = EXAMPLES / "wujin_rural_sewage_2023.yaml"


def with_library(folder):
    """A (still empty) case library beside the case files: GOOD takes its 历史标准 from one, and a
    case whose targets come from the library is refused when no library is found."""
    (folder / "case_library").mkdir(parents=True, exist_ok=True)
    return folder


def bad_case(tmp_path, old, new, name="bad.yaml"):
    text = GOOD.read_text(encoding="utf-8")
    assert old in text
    path = with_library(tmp_path) / name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    if not (tmp_path / "evidence").exists():
        shutil.copytree(EXAMPLES / "evidence", tmp_path / "evidence")
    return path


BAD = [
    (
        "    weight: 8\n",
        "    weight: 9\n",
        "bad.yaml:37: levels.产出: 一级指标“产出”下各指标分值合计 36 分，应为 35 分",
    ),
    (
        "    rule: reverse\n",
        "    rule: inverse\n",
        "indicators[16]（C41）.rule: 取值 'inverse' 无效",
    ),
    ("evaluator:", "evaluater:", "evaluater: 未知字段"),
    ("    target: 120\n", "", "indicators[11]（C11）.target: 规则 positive 需要目标值 target"),
    (
        "    score: 2.6\n",
        "    score: 2.2\n",
        "indicators[4]（A31）.score: 评分 2.2 不在档次“达成年度指标”",
    ),
    (
        "case_id: wujin_rural_sewage_2023",
        "case_id: 武进/污水",
        "case_id: '武进/污水' 格式不符合要求",
    ),
    (
        "case_id: wujin_rural_sewage_2023",
        "case_id: ../../etc",
        "case_id: '../../etc' 格式不符合要求",
    ),
    ("year: 2023", "year: 二〇二三", "year: 应为整数"),
    ("  spent: 3420", "  spent: 3900", "budget.spent: 执行数 3900 大于全年预算数 3600"),
]


@pytest.mark.parametrize(("old", "new", "expected"), BAD)
def test_validate_and_run_refuse_bad_input(tmp_path, library, old, new, expected):
    path = bad_case(tmp_path, old, new)
    for cmd in (["validate", path], ["run", path, "--library", library]):
        proc = run_cli(*cmd)
        assert proc.returncode == 2, proc.stdout + proc.stderr
        err = proc.stderr.strip()
        assert str(path) in err
        assert expected in err, err
        assert "Traceback" not in err
        assert len(err.splitlines()) <= 2
    assert not library.exists()  # validation failed before anything was created


def test_non_utf8_and_empty_and_missing_files(tmp_path, library):
    gbk = tmp_path / "gbk.yaml"
    gbk.write_bytes(GOOD.read_text(encoding="utf-8").encode("gb18030"))
    empty = tmp_path / "empty.yaml"
    empty.write_text("")
    tabs = tmp_path / "tabs.yaml"
    tabs.write_text("case_id: a\n\ttitle: x\n", encoding="utf-8")
    listing = tmp_path / "list.yaml"
    listing.write_text("- a\n- b\n", encoding="utf-8")
    cases = [
        (gbk, "文件不是 UTF-8 编码"),
        (empty, "文件为空"),
        (tabs, "制表符"),
        (listing, "顶层应为"),
        (tmp_path / "missing.yaml", "文件不存在"),
    ]
    for path, expected in cases:
        proc = run_cli("run", path, "--library", library)
        assert proc.returncode == 2
        assert str(path) in proc.stderr and expected in proc.stderr
        assert "Traceback" not in proc.stderr
    assert not library.exists()


def test_bad_case_leaves_existing_library_untouched(tmp_path, library):
    from methods.library import Library

    Library(library)  # an existing, empty library
    before = (library / "index.sqlite").read_bytes()
    path = bad_case(tmp_path, "    weight: 8\n", "    weight: 9\n")
    assert run_cli("run", path, "--library", library).returncode == 2
    assert (library / "index.sqlite").read_bytes() == before
    assert [p.name for p in library.iterdir() if not p.name.startswith(".")] == ["index.sqlite"]


def test_validate_directory_and_quiet(tmp_path):
    proc = run_cli("validate", EXAMPLES)
    assert proc.returncode == 0
    n = len(list(EXAMPLES.glob("*.yaml")))
    assert f"全部 {n} 个案例文件校验通过" in proc.stdout
    shutil.copy(GOOD, with_library(tmp_path) / "a.yaml")
    shutil.copytree(EXAMPLES / "evidence", tmp_path / "evidence")
    proc = run_cli("validate", "-q", tmp_path)
    assert proc.returncode == 0 and proc.stdout == ""


@pytest.mark.parametrize("evaluation", sorted(casefile.EVALUATIONS))
def test_new_writes_a_valid_commented_template(tmp_path, evaluation):
    out = tmp_path / "case.yaml"
    proc = run_cli("new", evaluation, "-o", out)
    assert proc.returncode == 0
    text = out.read_text(encoding="utf-8")
    assert text.count("#") >= 5  # commented
    assert run_cli("validate", out).returncode == 0
    again = run_cli("new", evaluation, "-o", out)
    assert again.returncode == 2 and "已存在" in again.stderr


def test_new_unknown_evaluation():
    proc = run_cli("new", "nonsense")
    assert proc.returncode == 2 and "未知的评价类型" in proc.stderr


def test_usage_errors_exit_2():
    proc = run_cli("run")
    assert proc.returncode == 2
    assert "参数错误" in proc.stderr


def test_version():
    proc = run_cli("--version")
    assert proc.returncode == 0 and proc.stdout.startswith("jixiao ")


def evidence_case(tmp_path, evidence):
    folder = with_library(tmp_path / "case")
    text = GOOD.read_text(encoding="utf-8").replace(
        "  - evidence/wujin_rural_sewage_2023_facilities.csv", f"  - {evidence}"
    )
    path = folder / "case.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("evidence", "expected"),
    [
        ("evidence/missing.csv", "数据文件不存在：evidence/missing.csv"),
        ("../outside.csv", "不能指向案例文件所在目录之外"),
        ("/etc/passwd", "不能是绝对路径"),
        ("link.csv", "不能指向案例文件所在目录之外"),
    ],
)
def test_data_paths_must_exist_and_stay_in_the_case_folder(tmp_path, library, evidence, expected):
    (tmp_path / "outside.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    path = evidence_case(tmp_path, evidence)
    (path.parent / "link.csv").symlink_to(tmp_path / "outside.csv")
    for cmd in (["validate", path], ["run", path, "--library", library]):
        proc = run_cli(*cmd)
        assert proc.returncode == 2
        assert f"{path}:" in proc.stderr and "evidence[0]" in proc.stderr
        assert expected in proc.stderr
    assert not library.exists()


def test_external_data_allowed_explicitly(tmp_path):
    (tmp_path / "outside.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    path = evidence_case(tmp_path, "../outside.csv")
    proc = run_cli("validate", path, env={"JIXIAO_ALLOW_EXTERNAL_DATA": "1"})
    assert proc.returncode == 0, proc.stderr


def test_case_indicators_by_reference_to_the_library(tmp_path):
    """A case may write {ref: CODE, ...}: name, levels, rule and unit come from the 指标库."""
    from methods import scoring

    text = GOOD.read_text(encoding="utf-8")
    old = """  - code: C12
    name: 接管农户数
    level1: 产出
    level2: 产出数量
    weight: 7
    rule: positive
    target: 9000
    actual: 9350
    unit: 户
"""
    assert old in text
    path = with_library(tmp_path) / "ref.yaml"
    shutil.copytree(EXAMPLES / "evidence", tmp_path / "evidence")
    path.write_text(
        text.replace(
            old, "  - {ref: ST-C-003, code: C12, weight: 7, target: 9000, actual: 9350}\n"
        ),
        encoding="utf-8",
    )
    assert run_cli("validate", path).returncode == 0
    ev = scoring.evaluate(path)
    row = ev.table.set_index("code").loc["C12"]
    from methods import indicators

    lib = indicators.get("ST-C-003")
    assert row["name"] == lib["name"] and row["rule"] == lib["rule"]
    bad = tmp_path / "badref.yaml"
    bad.write_text(
        path.read_text(encoding="utf-8").replace("ST-C-003", "ST-C-9O3"), encoding="utf-8"
    )
    proc = run_cli("validate", bad)
    assert proc.returncode == 2
    assert "indicators[12]（C12）.ref" in proc.stderr and "指标库中没有代码" in proc.stderr


def test_indicator_library_commands():
    found = run_cli("indicators", "search", "满意度", "--format", "json")
    assert found.returncode == 0
    import json

    rows = json.loads(found.stdout)
    assert len({r["sector"] for r in rows}) >= 3
    shown = run_cli("indicators", "show", "JY-C-001")
    assert shown.returncode == 0 and "计分规则" in shown.stdout and "非官方" in shown.stdout
    missing = run_cli("indicators", "show", "JY-C-0O1")
    assert missing.returncode == 2 and "相近的指标：JY-C-001" in missing.stderr
    assert run_cli("indicators", "search", "污水", "--sector", "生态环境").returncode == 0
