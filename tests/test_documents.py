"""The 文件库 (methods/_data/documents.yaml): every citation in the data files resolves to it.

The citations checked against the documents themselves: 财预〔2020〕10号《项目支出绩效评价管理办法》
(自评 weights, proportional scoring, the three qualitative tiers, over-achievement — the sentences
recorded as its quotes), 武发〔2020〕48号 (事前评估 result as 重要参考依据, not a precondition), and the US
OMB PART guide (a foreign reference, never reg).
"""

from __future__ import annotations

import pytest

from methods import documents
from methods._resources import load_yaml

from .conftest import run_cli


def test_every_source_in_the_data_files_cites_the_document_library():
    assert documents.problems() == []


def test_a_free_text_source_a_dangling_id_and_an_unrecorded_quote_are_refused():
    assert documents.check_ref("财预〔2020〕10号：按比例计分")  # free text
    (msg,) = documents.check_ref({"document": "caiyu_2020_11"})
    assert "caiyu_2020_11" in msg and "caiyu_2020_10" in msg  # names the nearest id
    assert documents.check_ref({"document": "caiyu_2020_10", "quote": "绩效评价结果作为前置条件"})
    assert documents.check_ref({"document": "caiyu_2020_10", "part": "附件9"})
    assert documents.check_ref({"document": None})  # no document and no basis
    assert documents.check_ref({"document": None, "basis": "本项目默认口径"}) == []


def test_every_document_has_its_fields_a_level_and_one_of_the_five_statuses():
    assert set(documents.STATUSES) == {"reg", "local", "practice", "unverified", "foreign"}
    for doc_id, d in documents.documents().items():
        assert d["level"] in documents.LEVELS, doc_id
        assert d["status"] in documents.STATUSES, doc_id
        assert all(k in d for k in documents.REQUIRED), doc_id


def test_the_documents_the_project_rests_on_are_in_the_library():
    numbers = {d["number"] for d in documents.documents().values()}
    for number in (
        "武发〔2020〕48号",
        "中发〔2018〕34号",
        "财预〔2020〕10号",
        "财预〔2021〕101号",
        "财预〔2019〕136号",
        "财预〔2021〕6号",
        "财监〔2021〕4号",
        "财预〔2013〕53号",
        "财预〔2015〕88号",
        "国务院令第711号",
        "国务院令第712号",
    ):
        assert number in numbers, number


def test_a_citation_prints_number_and_title_never_the_id():
    # 财预〔2020〕10号: the indicator framework is its 附件2, the 自评表 its 附件1
    text = documents.cite({"document": "caiyu_2020_10", "part": "附件2", "note": "一级指标"})
    assert (
        text
        == "财预〔2020〕10号《项目支出绩效评价管理办法》附件2《项目支出绩效评价指标体系框架（参考）》：一级指标"
    )
    assert "caiyu" not in load_yaml("frameworks", "mof_2020_project.yaml")["source"]
    quoted = documents.cite(
        {"document": "caiyu_2020_10", "quote": "未完成指标值的，按照完成值与指标值的比例记分"}
    )
    assert quoted.endswith("：“未完成指标值的，按照完成值与指标值的比例记分”")
    assert documents.cite(
        {"document": None, "basis": "本项目默认口径", "note": "可在案例中修改"}
    ) == ("本项目默认口径；可在案例中修改")


def test_no_printed_source_names_an_internal_file():
    for path in documents.data_files():
        for where, value, _ in documents.references(documents._load(path)):
            printed = str(documents.cite(value))
            assert "rules.md" not in printed and ".yaml" not in printed, (path.name, where)


def test_a_sources_list_is_checked_item_by_item_and_printed_as_citations():
    # a rule grounded by several documents lists them under sources:, each in the one form
    bad = {"sources": [{"document": "wufa_2020_48", "note": "…"}, "财预〔2021〕6号"]}
    (msg,) = documents.check_data(bad)
    assert msg.startswith("sources[1]: ") and "不能是文字" in msg
    assert documents.check_data({"rule": {"sources": "武发〔2020〕48号"}})  # not a list
    assert documents.check_data({"sources": [{"document": "caiyu_2021_6", "note": "…"}]}) == []
    # publication: 武发〔2020〕48号 (公开) and 政府信息公开条例 第十五条 (不予公开的内容)
    pub = load_yaml("publication.yaml")["sources"]
    assert pub[0].startswith("武发〔2020〕48号《中共常州市武进区委")
    assert pub[1].startswith("国务院令第711号《中华人民共和国政府信息公开条例》：")
    assert "第十五条" in pub[1]
    reg = load_yaml("registries.yaml")["sources"]
    assert reg[1].startswith("财预〔2021〕6号《关于委托第三方机构参与预算绩效管理的指导意见》")
    rows = documents.citing("gov_info_disclosure_2019")
    assert {"file": "publication.yaml", "path": "sources[1]", "name": "", "status": "reg"} in rows


def test_training_exercises_cite_the_document_library_and_never_an_internal_file():
    from methods import training

    sources = {e.id: e.source for e in training._load().values()}
    assert not [i for i, s in sources.items() if "rules.md" in s or ".yaml" in s]
    # 练习 2.1 (正向指标) quotes 10号's 自评 sentence; 3.5 names the paper, never a bare id
    assert sources["2.1"].startswith(
        "财预〔2020〕10号《项目支出绩效评价管理办法》：“未完成指标值的，按照完成值与指标值的比例记分”"
    )
    assert "European Journal of Operational Research" in sources["3.5"]
    assert "ma_fan_huang" not in sources["3.5"]


def test_statuses_re_judged_from_the_text_of_10hao_and_part_is_foreign():
    rules = load_yaml("rules.yaml")
    # 10号 (自评): 未完成指标值的，按照完成值与指标值的比例记分; the three tiers are its wording
    assert rules["rules"]["positive"]["status"] == "reg"
    assert rules["rules"]["qualitative"]["status"] == "reg"
    assert rules["qualitative_tiers_status"] == "reg"
    fw = load_yaml("frameworks", "self_evaluation_2022.yaml")
    # 10号: 产出 50 / 效益 30 / 满意度 10 / 预算执行率 10, missing 满意度 → 效益
    assert fw["status"] == "reg"
    assert fw["reassign_if_missing"]["满意度"]["status"] == "reg"
    assert load_yaml("frameworks", "part_2005.yaml")["status"] == "foreign"
    assert load_yaml("grade_bands.yaml")["part_2005"]["status"] == "foreign"


def test_the_department_framework_cites_53hao_and_quotes_nothing_48hao_does_not_say():
    src = load_yaml("frameworks", "department_overall_2020.yaml")["source"]
    assert "财预〔2013〕53号《预算绩效评价共性指标体系框架》" in src
    assert "“部门和单位整体绩效" not in src


def test_the_third_party_framework_cites_6hao_and_4hao():
    src = load_yaml("frameworks", "third_party_quality_2023.yaml")["source"]
    assert "财预〔2021〕6号" in src and "财监〔2021〕4号" in src


def test_citing_finds_the_rules_and_an_unknown_id_names_the_nearest():
    rows = documents.citing("caiyu_2021_6")
    assert {r["file"] for r in rows} >= {
        "third_party_fee.yaml",
        "frameworks/third_party_quality_2023.yaml",
    }
    with pytest.raises(KeyError, match="wufa_2020_48"):
        documents.get("wufa_2020_84")


def test_search_and_list_filter():
    assert {r["id"] for r in documents.search("第三方")} >= {"caiyu_2021_6", "caijian_2021_4"}
    assert [r["id"] for r in documents.search("禁止性规定")] == ["caijian_2021_4"]
    assert {r["id"] for r in documents.table(level="foreign")} >= {"omb_part_guide"}
    assert all(r["status"] == "境外参考" for r in documents.table(status="foreign"))


# --------------------------------------------------------------------------- jixiao documents


def test_cli_documents_list_filters_by_level_and_status():
    proc = run_cli("documents", "list", "--level", "foreign")
    assert proc.returncode == 0
    assert "Program Assessment Rating Tool" in proc.stdout and "境外参考" in proc.stdout
    assert "财预〔2020〕10号" not in proc.stdout
    proc = run_cli("documents", "list", "--status", "local")
    assert "武发〔2020〕48号" in proc.stdout and "财预〔2020〕10号" not in proc.stdout
    proc = run_cli("documents", "list", "--status", "official")
    assert proc.returncode == 2 and "official" in proc.stderr


def test_cli_documents_show_lists_the_rules_that_cite_it():
    proc = run_cli("documents", "show", "caijian_2021_4")
    assert proc.returncode == 0
    assert "文号：财监〔2021〕4号" in proc.stdout
    assert "third_party_fee.yaml  report.violations_basis.source" in proc.stdout


def test_cli_documents_show_unknown_id_names_it_and_the_nearest_exit_2():
    proc = run_cli("documents", "show", "caiyu_2020_01")
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "caiyu_2020_01" in lines[0] and "caiyu_2020_10" in lines[0]


def test_cli_documents_search_finds_by_number_and_title():
    proc = run_cli("documents", "search", "101号")
    assert (
        proc.returncode == 0 and "中央部门项目支出核心绩效目标和指标设置及取值指引" in proc.stdout
    )
    assert "没有匹配" in run_cli("documents", "search", "不存在的文件").stdout
