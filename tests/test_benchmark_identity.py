"""Benchmarks compare like with like (issue 15 item 7, issue 16): archived indicators are matched by
identity (benchmark_key, indicator-library code, else name), unit and direction, never by a case's
own code; fewer than five comparable cases give no percentiles and no 行业标准; percentiles are
oriented by direction (优于 x% 的同类案例)."""

from __future__ import annotations

import hashlib
import json
import sqlite3

import pytest
import yaml

from methods import casefile, library, runner, scoring, standards
from methods.library import Library, Record
from methods.report import benchmarking
from methods.report.document import Paragraph, Table


def _row(code, name, actual, unit, rule="positive", **extra):
    return {
        "code": code,
        "name": name,
        "level1": "产出",
        "level2": "产出数量",
        "weight": 10.0,
        "rule": rule,
        "variant": {"reverse": "linear", "deduction": "over"}.get(rule),
        "target": extra.pop("target", actual),
        "actual": actual,
        "unit": unit,
        "score": 10.0,
        **extra,
    }


def archive(root, case_id, year, indicators, *, project_id=None, entries=None):
    """Archive a case holding ``indicators`` (results.json rows); ``entries`` are the case file's
    indicator entries (where ``ref`` / ``benchmark_key`` live)."""
    lib = Library(root)
    results = {
        "case_id": case_id,
        "year": year,
        "title": case_id,
        "evaluation": "project_evaluation",
        "total_score": 90.0,
        "grade": "优",
        "level1": {},
        "indicators": indicators,
        "warnings": [],
    }
    params = {"case_id": case_id, "year": year, "indicators": entries or []}
    files = {
        "report.html": b"<html></html>",
        "results.json": json.dumps(results, ensure_ascii=False).encode(),
        "parameters.yaml": yaml.safe_dump(params, allow_unicode=True).encode(),
    }
    files["provenance.json"] = json.dumps(
        {"files": {k: hashlib.sha256(v).hexdigest() for k, v in files.items()}}
    ).encode()
    record = Record(
        year=year,
        case_id=case_id,
        project_id=project_id or case_id,
        title=case_id,
        department="区交通运输局",
        evaluation="project_evaluation",
        budget_type="general_public",
        object_type="project",
        total_score=90.0,
        grade="优",
        path=f"{year}/{case_id}",
        input_hash="i",
        case_hash="c",
        notebook_hash="n",
        package_hash="p",
        source="x.yaml",
        manifest_hash=hashlib.sha256(files["provenance.json"]).hexdigest(),
        archived_at="2026-01-01T00:00:00+00:00",
        level1={},
        indicators=tuple(indicators),
    )
    runner.archive(runner.Artifacts(case_id, year, files, record, results, {}), lib)
    return lib


def _ind(code, name, level1, level2, weight, rule="positive", **kw):
    return {
        "code": code,
        "name": name,
        "level1": level1,
        "level2": level2,
        "weight": weight,
        "rule": rule,
        **kw,
    }


def _cells(table):
    return [[c.text for c in row] for row in table.rows]


def road_case(root, *, c12=None, year=2024, case_id="road_new_2024"):
    """A rural-road case (中修里程 41.5 公里 as its C12) reading the library ``root``."""
    c12 = {"target": 40, "actual": 41.5, "unit": "公里", **(c12 or {})}
    return {
        "case_id": case_id,
        "title": "农村公路养护项目",
        "year": year,
        "department": "区交通运输局",
        "evaluation": "project_evaluation",
        "budget_type": "general_public",
        "object_type": "project",
        "library": str(root),
        "budget": {"planned": 100, "allocated": 100, "spent": 95},
        "indicators": [
            _ind(
                "A11", "立项依据充分性", "决策", "项目立项", 15, "qualitative", tier="达成年度指标"
            ),
            _ind(
                "B11", "资金使用合规性", "过程", "资金管理", 20, "qualitative", tier="达成年度指标"
            ),
            _ind("C12", "中修里程", "产出", "产出数量", 35, **c12),
            _ind("D11", "群众满意度", "效益", "满意度", 30, target=90, actual=92, unit="%"),
        ],
    }


# ---------------------------------------------------------------------------------------------
# The rural-road mistake (issue 16)


@pytest.fixture
def two_c12(tmp_path):
    """Two earlier cases whose C12 are different indicators: 中修里程 (公里) and 接管农户数 (户)."""
    root = tmp_path / "lib"
    archive(root, "road_a_2023", 2023, [_row("C12", "中修里程", 38.0, "公里")])
    archive(root, "sewage_b_2023", 2023, [_row("C12", "接管农户数", 8000.0, "户")])
    return root


def test_a_case_local_code_never_matches_another_indicator(two_c12):
    """C12 中修里程 (公里) is never compared with another case's C12 接管农户数 (户): no 8,000
    公里 industry target, no pooled benchmark."""
    raw = road_case(two_c12)
    c12 = raw["indicators"][2]
    c12["target_from"] = {"standard": "industry"}
    ev = scoring.evaluate(raw)
    row = ev.table.set_index("code").loc["C12"]
    assert row["target"] == 40  # the case's own fallback target, not 8,000 nor 4,019
    assert row["score"] == 35
    assert "只有 1 个" in row["target_basis"] and "少于最少 5 个" in row["target_basis"]
    assert "使用案例文件中的目标值 40" in row["target_basis"]
    assert "8,000" not in row["reason"]
    # where C12 stands: among the one other 中修里程 only
    pos = standards.position(ev.case, ev.table, min_n=1).set_index("code")
    assert pos.loc["C12", "n"] == 1 and pos.loc["C12", "p50"] == 38.0
    # the report block names the count instead of printing P25 = median = P75
    blocks = benchmarking.benchmark(ev)
    assert not any(isinstance(b, Table) for b in blocks)
    text = "".join(b.text for b in blocks if isinstance(b, Paragraph))
    assert "中修里程（1 个）" in text and "少于 5 个" in text
    # `library benchmark C12` keeps the two indicators apart
    stats = library.benchmark(Library(two_c12, readonly=True), "C12")
    assert sorted(zip(stats["indicator"], stats["unit"], stats["n"], strict=True)) == [
        ("中修里程", "公里", 1),
        ("接管农户数", "户", 1),
    ]


def test_industry_target_without_comparables_or_fallback_is_refused(two_c12):
    raw = road_case(two_c12)
    c12 = raw["indicators"][2]
    c12["target_from"] = {"standard": "industry"}
    del c12["target"]
    with pytest.raises(casefile.CaseError) as err:
        casefile.validate_mapping(raw)  # validation says it as the run would
    text = str(err.value)
    assert "indicators[2]（C12）.target_from" in text
    assert "中修里程" in text and "只有 1 个" in text and "少于最少 5 个" in text


def test_industry_target_from_enough_comparable_projects(tmp_path):
    root = tmp_path / "lib"
    for k, value in enumerate([30.0, 35.0, 40.0, 45.0, 50.0]):
        archive(
            root,
            f"road_{k}_2023",
            2023,
            [_row(f"C{k}", "中修里程", value, "公里")],
            project_id=f"road_{k}",
        )
    # the same project twice counts once (its latest year)
    archive(root, "road_0_2022", 2022, [_row("C0", "中修里程", 99.0, "公里")], project_id="road_0")
    # not comparable: another unit, another direction, another indicator under the same name code
    archive(root, "road_x_2023", 2023, [_row("C12", "中修里程", 900.0, "千米")])
    archive(root, "road_y_2023", 2023, [_row("C12", "中修里程", 900.0, "公里", rule="reverse")])
    archive(root, "road_z_2023", 2023, [_row("C12", "接管农户数", 9000.0, "公里")])
    # a later year is never used for a target
    archive(root, "road_w_2025", 2025, [_row("C12", "中修里程", 900.0, "公里")])
    raw = road_case(root)
    raw["indicators"][2]["target_from"] = {"standard": "industry", "percentile": 50}
    ev = scoring.evaluate(raw)
    row = ev.table.set_index("code").loc["C12"]
    assert row["target"] == 40.0
    assert "行业标准：5 个同类案例" in row["target_basis"]
    assert "计量单位 公里" in row["target_basis"]


def test_min_cases_set_by_the_case_is_its_choice(two_c12):
    raw = road_case(two_c12)
    raw["indicators"][2]["target_from"] = {"standard": "industry", "min_cases": 1}
    row = scoring.evaluate(raw).table.set_index("code").loc["C12"]
    assert row["target"] == 38.0 and "1 个同类案例" in row["target_basis"]


# ---------------------------------------------------------------------------------------------
# Identity: benchmark_key > ref > name


def test_library_code_and_benchmark_key_make_different_names_comparable(tmp_path):
    root = tmp_path / "lib"
    # archived under their own codes and names, referring to the indicator library
    for k in range(5):
        archive(
            root,
            f"road_{k}_2023",
            2023,
            [_row(f"C1{k}", f"公路里程{k}", 10.0 * (k + 1), "公里")],
            entries=[{"code": f"C1{k}", "ref": "JT-C-007", "name": f"公路里程{k}"}],
        )
    # a ref entry without its own code carries the library code as its code
    archive(
        root,
        "road_r_2023",
        2023,
        [_row("JT-C-007", "农村公路新改建里程", 60.0, "公里")],
        entries=[{"ref": "jt-c-007", "weight": 10}],
    )
    rows = dict(
        sqlite3.connect(root / "index.sqlite").execute("SELECT case_id, identity FROM indicators")
    )
    assert set(rows.values()) == {"ref:JT-C-007"}
    raw = road_case(root)
    raw["indicators"][2] = {
        "ref": "JT-C-007",
        "code": "C12",
        "weight": 35,
        "target": 40,
        "actual": 41.5,
    }
    ev = scoring.evaluate(raw)
    pos = standards.position(ev.case, ev.table).set_index("code")
    assert pos.loc["C12", "n"] == 6 and pos.loc["C12", "shown"]
    # the same name without the library code is another identity
    raw = road_case(root)
    raw["indicators"][2]["name"] = "公路里程0"
    ev = scoring.evaluate(raw)
    assert "C12" not in set(standards.position(ev.case, ev.table)["code"])
    # an explicit benchmark_key links indicators whatever their names
    for k in range(5):
        archive(
            root,
            f"km_{k}_2023",
            2023,
            [_row("C3", f"养护里程{k}", 1.0 + k, "公里")],
            entries=[{"code": "C3", "benchmark_key": "养护 里程"}],
        )
    raw = road_case(root, c12={"benchmark_key": "养护里程"})
    ev = scoring.evaluate(raw)
    assert standards.position(ev.case, ev.table).set_index("code").loc["C12", "n"] == 5


def test_units_must_match_exactly():
    key = standards.comparable_key
    assert key("中修里程", "公里", "positive")[1:] == ("公里", "higher")
    assert key("中修里程", "公里", "positive") != key("中修里程", "千米", "positive")
    assert key("满意度", "％", "positive") == key("满意度", "%", "positive")  # full-width form
    assert key("事故", "起", "equal", target=0)[2] == "lower"
    assert key("扣分", "次", "deduction")[2] == "lower"
    assert key("评价", None, "qualitative")[2] is None


# ---------------------------------------------------------------------------------------------
# Minimum n and direction in the report


def test_report_block_suppresses_below_min_n_and_orients_by_direction(tmp_path):
    root = tmp_path / "lib"
    for k, (km, cost) in enumerate([(30, 5.0), (35, 4.0), (40, 3.0), (45, 2.0), (50, 1.0)]):
        rows = [
            _row("C12", "中修里程", float(km), "公里"),
            _row("C41", "每公里养护成本", cost, "万元/公里", rule="reverse"),
        ]
        if k < 3:
            rows.append(_row("D11", "群众满意度", 90.0, "%"))
        archive(root, f"road_{k}_2023", 2023, rows)
    # a case of the report's own year is not a peer (the report must not depend on run order)
    archive(root, "road_late_2024", 2024, [_row("C12", "中修里程", 10.0, "公里")])
    raw = road_case(root, c12={"actual": 47.0})
    raw["indicators"][2]["weight"] = 25
    raw["indicators"].insert(
        3,
        _ind(
            "C41",
            "每公里养护成本",
            "产出",
            "产出成本",
            10,
            "reverse",
            target=3,
            actual=2.5,
            unit="万元/公里",
        ),
    )
    ev = scoring.evaluate(raw)
    pos = standards.position(ev.case, ev.table).set_index("code")
    # 47 公里 is more than 4 of the 5 (higher is better)
    assert pos.loc["C12", "better_pct"] == 80.0
    # 2.5 万元/公里 costs less than 3 of the 5 (lower is better)
    assert pos.loc["C41", "better_pct"] == 60.0 and pos.loc["C41", "direction"] == "lower"
    assert pos.loc["D11", "n"] == 3 and not pos.loc["D11", "shown"]
    blocks = benchmarking.benchmark(ev)
    table = next(b for b in blocks if isinstance(b, Table))
    cells = {r[0]: r for r in _cells(table)}
    assert set(cells) == {"中修里程", "每公里养护成本"}
    assert cells["中修里程"][-1] == "优于 80% 的同类案例"
    assert cells["每公里养护成本"][-1] == "优于 60% 的同类案例"
    assert cells["中修里程"][2] == "5"
    text = "".join(b.text for b in blocks if isinstance(b, Paragraph))
    assert "群众满意度（3 个）" in text and "少于 5 个" in text


def test_a_range_indicator_is_not_ranked(tmp_path):
    root = tmp_path / "lib"
    for k in range(5):
        archive(
            root, f"p{k}_2023", 2023, [_row("D1", "设施正常运行率", 85.0 + k, "%", rule="range")]
        )
    raw = road_case(root)
    raw["indicators"][3] = _ind(
        "D11",
        "设施正常运行率",
        "效益",
        "可持续影响",
        30,
        "range",
        target=[90, 100],
        actual=88,
        unit="%",
    )
    ev = scoring.evaluate(raw)
    table = next(b for b in benchmarking.benchmark(ev) if isinstance(b, Table))
    assert _cells(table)[0][-1] == "区间指标，不比较优劣"


# ---------------------------------------------------------------------------------------------
# History: the same project, by identity or code, with the same unit and direction


def test_history_needs_the_same_project_unit_and_direction(tmp_path):
    root = tmp_path / "lib"
    archive(root, "road_2023", 2023, [_row("C12", "中修里程", 39.0, "公里")], project_id="road")
    archive(root, "other_2023", 2023, [_row("C12", "中修里程", 10.0, "公里")])
    raw = road_case(root, case_id="road_2024")
    raw["indicators"][2]["target_from"] = {"standard": "history"}
    row = scoring.evaluate(raw).table.set_index("code").loc["C12"]
    assert row["target"] == 39.0 and "2023 年实际值 39" in row["target_basis"]
    # renamed within the project, the same code, unit and direction: still its history
    archive(root, "road_2023", 2023, [_row("C12", "中修公路里程", 37.0, "公里")], project_id="road")
    row = scoring.evaluate(raw).table.set_index("code").loc["C12"]
    assert row["target"] == 37.0 and "该年同一代码的指标名称为“中修公路里程”" in row["target_basis"]
    # the project's C12 of 2023 counted households: not a target for kilometres
    archive(root, "road_2023", 2023, [_row("C12", "中修里程", 9000.0, "户")], project_id="road")
    row = scoring.evaluate(raw).table.set_index("code").loc["C12"]
    assert row["target"] == 40
    assert "计量单位或方向不同" in row["target_basis"]


# ---------------------------------------------------------------------------------------------
# The index: identity stored, rebuilt by reindex, old indexes brought up to date


def _identities(root):
    con = sqlite3.connect(root / "index.sqlite")
    try:
        return dict(con.execute("SELECT case_id, identity FROM indicators"))
    finally:
        con.close()


def test_reindex_and_old_indexes_get_identities(tmp_path):
    root = tmp_path / "lib"
    archive(
        root,
        "a_2023",
        2023,
        [_row("C1", "里程", 1.0, "公里")],
        entries=[{"code": "C1", "ref": "JT-C-007"}],
    )
    archive(root, "b_2023", 2023, [_row("C1", "里程", 2.0, "公里")])
    assert _identities(root) == {"a_2023": "ref:JT-C-007", "b_2023": "name:里程"}
    # an index of schema 2: no identity columns
    con = sqlite3.connect(root / "index.sqlite")
    con.execute("DROP INDEX indicators_identity")
    con.execute("ALTER TABLE indicators DROP COLUMN identity")
    con.execute("ALTER TABLE indicators DROP COLUMN direction")
    con.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    # read-only: still readable, identities from names
    old = Library(root, readonly=True)
    frame = library.indicator_frame(old, codes=["C1"])
    assert set(frame["identity"]) == {"name:里程"}
    # opened for writing: brought up to date from the archives
    Library(root)
    assert _identities(root) == {"a_2023": "ref:JT-C-007", "b_2023": "name:里程"}
    # reindex rebuilds them too
    sqlite3.connect(root / "index.sqlite").execute(
        "UPDATE indicators SET identity = NULL"
    ).connection.commit()
    library.reindex(root)
    assert _identities(root) == {"a_2023": "ref:JT-C-007", "b_2023": "name:里程"}


def test_library_benchmark_command_suppresses_small_groups(two_c12):
    from tests.conftest import run_cli

    proc = run_cli("library", "benchmark", "C12", "--library", two_c12, "--format", "json")
    rows = json.loads(proc.stdout)
    assert {(r["indicator"], r["unit"], r["n"]) for r in rows} == {
        ("中修里程", "公里", 1),
        ("接管农户数", "户", 1),
    }
    assert all(r["actual_p50"] is None for r in rows)
    assert "按指标分别统计，不合并比较" in proc.stderr and "少于 5 个" in proc.stderr
    table = run_cli("library", "benchmark", "C12", "--min-n", "1", "--library", two_c12)
    assert "名称 中修里程" in table.stdout and "38" in table.stdout and "少于" not in table.stdout
