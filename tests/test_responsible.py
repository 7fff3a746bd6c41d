"""责任人: the optional ``responsible`` block of every case (项目责任人对项目预算绩效负责，重大项目
绩效终身责任追究 — 中发〔2018〕34号 and 武发〔2020〕48号 §18), its privacy rules, the case-library
index columns, ``jixiao library list --responsible`` and ``jixiao library responsible``."""

from __future__ import annotations

import shutil
import sqlite3

import pytest
import yaml

from methods import casefile
from methods.library import Library, list_cases, reindex, responsible_history
from methods.report import blocks

from .conftest import EXAMPLES, fake_archive, run_cli

SEWAGE = EXAMPLES / "wujin_rural_sewage_2023.yaml"
VILLAGE = {"unit": "区住建局村镇建设科", "role": "项目负责人", "major": True}


def _case_with(tmp_path, responsible):
    raw = yaml.safe_load(SEWAGE.read_text(encoding="utf-8"))
    raw["responsible"] = responsible
    raw["library"] = "empty_library"  # its 历史标准 falls back to the case's own target
    (tmp_path / "empty_library").mkdir()
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    shutil.copytree(EXAMPLES / "evidence", tmp_path / "evidence")  # its relative evidence file
    return path


def test_example_names_its_responsible_unit_without_a_name():
    case = casefile.load_case(SEWAGE)
    assert case.responsible.unit == "区住建局村镇建设科"
    assert case.responsible.role == "项目负责人"
    assert case.responsible.major is True
    assert case.responsible.name is None


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("unit", "区住建局 13912345678"),  # mobile number
        ("role", "联系电话 0519-86312345"),  # landline with area code
        ("name", "320412198001011234"),  # 18-character 居民身份证号码
        ("unit", "xmfzr@wj.gov.cn"),  # e-mail address
    ],
)
def test_contacts_and_id_numbers_are_refused_naming_the_field(tmp_path, field, value):
    block = {"unit": "区住建局村镇建设科", field: value}
    proc = run_cli("validate", _case_with(tmp_path, block))
    assert proc.returncode == 2
    assert f"responsible.{field}" in proc.stderr or "responsible" in proc.stderr
    assert "电话号码、身份证号或电子邮箱" in proc.stderr
    assert value not in proc.stderr  # the refused value is not echoed back


def test_unit_is_required_in_the_block(tmp_path):
    proc = run_cli("validate", _case_with(tmp_path, {"role": "项目负责人"}))
    assert proc.returncode == 2
    assert "unit" in proc.stderr


def test_report_rows_show_unit_role_and_lifetime_accountability():
    case = casefile.load_case(SEWAGE)
    rows = dict(blocks.case_identity(case))
    assert rows["责任单位"] == "区住建局村镇建设科（项目负责人）"
    assert rows["绩效责任"] == "重大项目，责任人实行绩效终身责任追究"
    assert "责任人" not in rows  # no name given, none shown


def test_report_rows_show_a_name_only_when_given(tmp_path):
    case = casefile.load_case(_case_with(tmp_path, {"unit": "区水利局", "name": "张某"}))
    rows = dict(blocks.case_identity(case))
    assert rows["责任单位"] == "区水利局"
    assert rows["责任人"] == "张某"
    assert "绩效责任" not in rows
    without = casefile.load_case(EXAMPLES / "wujin_bus_subsidy_2023.yaml")
    assert not {"责任单位", "责任人", "绩效责任"} & set(dict(blocks.case_identity(without)))


def _three_units(root):
    # 村镇建设科: 2022 良 → 2023 优 (↑); 城市更新科: 2023 中; one case without the block.
    fake_archive(root, "sewage_2022", "污水治理", year=2022, score=86.0, grade="良",
                 responsible={**VILLAGE, "name": "张某"})  # fmt: skip
    fake_archive(root, "sewage_2023", "污水治理", year=2023, score=91.0, grade="优",
                 responsible=VILLAGE)  # fmt: skip
    fake_archive(root, "renewal_2023", "老旧小区改造", year=2023, score=72.0, grade="中",
                 responsible={"unit": "区住建局城市更新科"})  # fmt: skip
    fake_archive(root, "bus_2023", "公交补贴", year=2023, score=88.0, grade="良")
    return Library.open(root)


def test_list_adds_and_filters_by_responsible_unit(library):
    lib = _three_units(library)
    assert "responsible_unit" not in list_cases(lib).columns
    every = list_cases(lib, responsible=True)
    assert every["responsible_unit"].notna().sum() == 3
    only = list_cases(lib, responsible="村镇建设")
    assert list(only["case_id"]) == ["sewage_2022", "sewage_2023"]
    assert set(only["responsible_role"]) == {"项目负责人"}
    assert list_cases(lib, responsible="100%_").empty  # LIKE wildcards taken literally


def test_history_of_a_unit_shows_grades_and_their_change(library):
    lib = _three_units(library)
    h = responsible_history(lib, "村镇建设科")
    assert list(h["year"]) == [2022, 2023]
    assert list(h["grade"]) == ["良", "优"]
    assert list(h["change"]) == ["", "↑"]
    summary = responsible_history(lib).set_index("responsible_unit")
    assert summary.loc["区住建局村镇建设科", "cases"] == 2
    assert summary.loc["区住建局村镇建设科", "latest_grade"] == "优"
    assert summary.loc["区住建局村镇建设科", "grades"] == "优 1、良 1"
    assert summary.loc["区住建局城市更新科", "grades"] == "中 1"
    assert len(summary) == 2  # the case without a responsible block is not a unit


def test_the_name_is_never_indexed(library):
    _three_units(library)
    con = sqlite3.connect(library / "index.sqlite")
    try:
        dump = "\n".join(con.iterdump())
    finally:
        con.close()
    assert "区住建局村镇建设科" in dump
    assert "张某" not in dump


def test_cli_list_and_responsible(library):
    _three_units(library)
    proc = run_cli("library", "list", "--library", library, "--responsible")
    assert proc.returncode == 0, proc.stderr
    assert "责任单位" in proc.stdout and "区住建局城市更新科" in proc.stdout
    proc = run_cli("library", "list", "--library", library, "--responsible", "城市更新")
    assert "老旧小区改造" in proc.stdout and "污水治理" not in proc.stdout
    proc = run_cli("library", "responsible", "--library", library)
    assert proc.returncode == 0, proc.stderr
    assert "等级分布" in proc.stdout and "优 1、良 1" in proc.stdout
    proc = run_cli("library", "responsible", "村镇建设科", "--library", library)
    assert "↑" in proc.stdout and "项目支出绩效评价" in proc.stdout
    proc = run_cli("library", "responsible", "不存在的科室", "--library", library)
    assert proc.returncode == 0 and "没有责任单位包含“不存在的科室”的案例" in proc.stdout


def test_reindex_and_an_older_index_recover_the_responsible_units(library):
    _three_units(library)
    reindex(library)
    assert (
        list_cases(Library.open(library), responsible=True)["responsible_unit"].notna().sum() == 3
    )
    # an index written before schema 4: the columns are empty until it is opened again
    con = sqlite3.connect(library / "index.sqlite")
    con.execute("UPDATE cases SET responsible_unit = NULL, responsible_role = NULL")
    con.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    again = list_cases(Library(library), responsible="村镇建设科")
    assert list(again["case_id"]) == ["sewage_2022", "sewage_2023"]
