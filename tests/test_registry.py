"""专家库 and 第三方机构库 (methods.registry, ``jixiao registry``).

Rules: 武发〔2020〕48号 (专家学者智库; 执业质量考评结果与以后年度招标评分挂钩; 行业失信黑名单) and
财预〔2021〕6号 (回避利益冲突); the numbers are methods/_data/registries.yaml (practice). Expected
values below are worked out by hand from the example registries in parameters/registries/."""

from __future__ import annotations

import datetime

import pytest
import yaml

from methods import registry
from methods.errors import CaseError
from methods.library import Library

from .conftest import EXAMPLES, ROOT, fake_archive, run_cli

REG = ROOT / "parameters" / "registries"
HOUSING = "常州市武进区住房和城乡建设局"
AGENCY = "常州市某工程咨询有限公司（示例）"


@pytest.fixture(scope="module")
def reg():
    return registry.load(REG)


def test_example_registries_are_valid(reg):
    assert len(reg.experts.experts) == 13 and len(reg.agencies.agencies) == 4
    assert reg.agency("A003").name == "常州某管理咨询有限公司（示例）"
    assert reg.agency(AGENCY).id == "A001"


def _write(tmp_path, name, data):
    (tmp_path / name).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return tmp_path


def _experts(**extra):
    base = {"id": "E1", "name": "王某", "fields": ["财政管理"], "affiliation": "某大学"}
    return {"registry": "experts", "experts": [{**base, **extra}]}


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (_experts(name="王某13912345678"), "experts[0].name", "电话号码、身份证号或电子邮箱"),
        (_experts(phone="13912345678"), "experts[0]", "phone"),
        (_experts(fields=[]), "experts[0].fields", ""),
        (
            {**_experts(), "panels": [{"year": 2024, "unit": "区水利局", "experts": ["E9"]}]},
            "",
            "专家 E9 不在专家名录中",
        ),
    ],
)
def test_bad_expert_files_are_refused_naming_file_and_field(tmp_path, data, field, message):
    folder = _write(tmp_path, "experts.yaml", data)
    with pytest.raises(CaseError) as exc:
        registry.load(folder)
    text = str(exc.value)
    assert "experts.yaml" in text and field in text and message in text
    assert "13912345678" not in text  # the refused contact is not echoed


def test_blacklist_dates_and_duplicate_ids_are_checked(tmp_path):
    agency = {"id": "A1", "name": "某机构"}
    bad = {
        "registry": "agencies",
        "agencies": [
            {**agency, "blacklist": [{"from": "2024-03-01", "to": "2024-01-01",
                                      "reason": "虚假报告", "decided_by": "区财政局"}]},
        ],
    }  # fmt: skip
    with pytest.raises(CaseError, match="早于"):
        registry.load(_write(tmp_path, "agencies.yaml", bad))
    twice = {"registry": "agencies", "agencies": [agency, {**agency, "name": "另一机构"}]}
    bad["agencies"][0]["blacklist"][0]["from"] = "2024年3月1日"
    with pytest.raises(CaseError, match="YYYY-MM-DD"):
        registry.load(_write(tmp_path, "agencies.yaml", bad))
    with pytest.raises(CaseError, match="A1 重复"):
        registry.load(_write(tmp_path, "agencies.yaml", twice))


def test_panel_avoids_conflicts_and_covers_fields(reg):
    panel = registry.draw_panel(
        reg, 5, seed=2025, fields=["水利工程", "工程造价", "绩效评价"], exclude=[AGENCY],
        unit=HOUSING, year=2025,
    )  # fmt: skip
    ids = list(panel.experts["id"])
    reasons = dict(zip(panel.excluded["id"], panel.excluded["reason"], strict=True))
    # E003 works with the agency, E005 with the 住建局, E013 is suspended; E004/E008/E011 share
    # no requested field: 13 − 6 = 7 eligible
    assert reasons["E003"].startswith("回避") and AGENCY in reasons["E003"]
    assert reasons["E005"].startswith("回避") and reasons["E013"] == "暂停入库"
    assert {k for k, v in reasons.items() if v == "专业领域不符"} == {"E004", "E008", "E011"}
    assert panel.eligible == 7 and len(ids) == 5 and len(set(ids)) == 5
    assert not {"E003", "E005", "E013"} & set(ids)
    drawn_fields = set("、".join(panel.experts["fields"]).split("、"))
    assert {"水利工程", "工程造价", "绩效评价"} <= drawn_fields
    again = registry.draw_panel(
        reg, 5, seed=2025, fields=["水利工程", "工程造价", "绩效评价"], exclude=[AGENCY],
        unit=HOUSING, year=2025,
    )  # fmt: skip
    assert list(again.experts["id"]) == ids  # reproducible from the seed
    others = {
        tuple(registry.draw_panel(reg, 3, seed=s).experts["id"]) for s in range(20)
    }  # different seeds give different panels
    assert len(others) > 1


def test_rotation_draws_recent_panelists_last(tmp_path):
    experts = [
        {"id": f"E{i}", "name": f"专家{i}", "fields": ["财政管理"], "affiliation": f"单位{i}"}
        for i in range(1, 5)
    ]
    data = {
        "registry": "experts",
        "experts": experts,
        "panels": [{"year": 2024, "unit": "区水利局", "experts": ["E1", "E2"]}],
    }
    reg = registry.load(_write(tmp_path, "experts.yaml", data))
    for seed in range(10):
        panel = registry.draw_panel(reg, 2, seed=seed, unit="区水利局", year=2025)
        assert set(panel.experts["id"]) == {"E3", "E4"}
    # outside the 2-year window the 2024 panel no longer counts
    late = {
        frozenset(registry.draw_panel(reg, 2, seed=s, unit="区水利局", year=2027).experts["id"])
        for s in range(20)
    }
    assert any({"E1", "E2"} & s for s in late)


def test_too_few_experts_is_a_plain_error(reg):
    with pytest.raises(CaseError, match="符合条件的专家只有 1 名，少于抽取人数 4"):
        registry.draw_panel(reg, 4, seed=1, fields=["环境工程"], unit=HOUSING)


def test_bid_factor_from_review_history(reg):
    # A002: 2022 93.0 and 2023 91.5 → mean 92.25 ≥ 90 → +3
    f = registry.bid_factor(reg, "A002", 2025)
    assert f.window == (2022, 2024) and f.reviews == 2
    assert f.mean_score == pytest.approx(92.25) and f.points == 3
    # A001: 88.5 → +1; in 2026 its 2022 review has left the window → no review → 0
    assert registry.bid_factor(reg, "A001", 2025).points == 1
    assert registry.bid_factor(reg, "A001", 2026).points == 0
    # A003 is blacklisted 2024-03-01 … 2026-02-28: barred on 2025-01-01, free on 2026-03-01
    barred = registry.bid_factor(reg, "A003", 2025)
    assert barred.points is None and "不得参与投标" in barred.summary()
    free = registry.bid_factor(reg, "A003", 2026, on=datetime.date(2026, 3, 1))
    assert free.barred is None and free.points == -5  # 2023 score 58 < 60
    assert "招标评分调整 -5 分" in free.summary()


def test_library_reviews_join_the_history(reg, library):
    fake_archive(library, "tp_2023", "第三方考评", year=2023, score=72.0, grade="中",
                 evaluation="third_party_quality")  # fmt: skip
    (library / "2023" / "tp_2023" / "parameters.yaml").write_text(
        yaml.safe_dump({"case_id": "tp_2023", "agency": AGENCY, "engagement": "污水评价"},
                       allow_unicode=True),
        encoding="utf-8",
    )  # fmt: skip
    lib = Library.open(library)
    history = registry.review_history(reg, "A001", lib)
    assert list(history["year"]) == [2022, 2023]
    assert list(history["source"]) == ["名录", "案例库 tp_2023"]
    # (88.5 + 72.0) / 2 = 80.25 → +1
    f = registry.bid_factor(reg, "A001", 2025, library=lib)
    assert f.mean_score == pytest.approx(80.25) and f.points == 1


def test_cli(library):
    proc = run_cli("registry", "check", "--registry", REG)
    assert proc.returncode == 0 and "专家库 13 名专家" in proc.stdout
    proc = run_cli("registry", "draw", "--registry", REG, "--size", "3", "--seed", "9",
                   "--field", "工程造价", "--exclude", AGENCY)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "随机种子 9" in proc.stdout and "回避" in proc.stdout
    proc = run_cli("registry", "experts", "--registry", REG, "--field", "教育")
    assert "周某" in proc.stdout and "王某" not in proc.stdout
    proc = run_cli("registry", "agency", "A002", "--registry", REG, "--year", "2025")
    assert "+3 分" in proc.stdout
    proc = run_cli("registry", "agency", "A999", "--registry", REG)
    assert proc.returncode == 2 and "第三方机构库中没有机构 A999" in proc.stderr
    proc = run_cli("registry", "check", "--registry", library)
    assert proc.returncode == 2 and "experts.yaml" in proc.stderr


def test_conflicts_match_unit_names_that_contain_each_other(reg):
    """E002's conflict key 武进区水利局 ties it to 常州市武进区水利局 (回避, 财预〔2021〕6号)."""
    e002 = next(e for e in reg.experts.experts if e.id == "E002")
    assert registry.conflict_of(e002, ["常州市武进区水利局"]) == "常州市武进区水利局"
    assert registry.conflict_of(e002, ["常州市武进区教育局"]) is None
    with pytest.raises(CaseError, match="E002（李某）与“常州市武进区水利局”存在利益关系，应回避"):
        registry.check_panel(reg, ["E012", "E002"], ["常州市武进区水利局"])
    with pytest.raises(CaseError, match="已暂停入库"):
        registry.check_panel(reg, ["E013"], [])
    with pytest.raises(CaseError, match="专家库中没有专家 E099"):
        registry.check_panel(reg, ["E099"], [])


def test_the_ex_ante_example_records_its_panel(tmp_path):
    """The flood-pumping 事前评估 names the panel drawn with seed 2025 (no conflict with 区水利局),
    shown in its 基本信息; a panel member tied to the applicant is refused naming the field."""
    from methods import casefile

    case = casefile.load_case(EXAMPLES / "wujin_flood_pumping_exante_2025.yaml")
    assert [e.id for e in registry.case_panel(case)] == ["E012", "E003", "E007"]
    drawn = registry.draw_panel(
        registry.load(REG), 3, seed=2025, fields=["水利工程", "工程造价"],
        unit="常州市武进区水利局", year=2025,
    )  # fmt: skip
    assert list(drawn.experts["id"]) == ["E012", "E003", "E007"]  # what the case records
    ((label, text),) = registry.panel_row(case)
    assert label == "评审专家" and text.startswith("孙某（扬州大学水利科学与工程学院）、张某")
    raw = yaml.safe_load((EXAMPLES / "wujin_flood_pumping_exante_2025.yaml").read_text("utf-8"))
    raw["panel"] = {"experts": ["E012", "E002"], "registry": str(REG)}
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    proc = run_cli("validate", path)
    assert proc.returncode == 2
    assert "panel.experts[1]" in proc.stderr and "应回避" in proc.stderr


def test_third_party_review_links_to_next_years_tender(tmp_path):
    """The 第三方机构执业质量考评 example names its agency in the 第三方机构库 (A001): its 2022
    review 88.5 and this one 86.05 average 87.275 ≥ 80 → +1 in the 2024 tenders (registries.yaml
    bid_factor, practice; 武发〔2020〕48号: 考评结果与以后年度招标评分挂钩)."""
    from methods import casefile
    from methods.evaltypes import third_party_quality as tp

    case = casefile.load_case(EXAMPLES / "wujin_third_party_quality_2023.yaml")
    r = tp.analyse(case)
    assert r.ev.total == 86.05
    assert r.bid.to_dict() == {
        "agency": AGENCY, "year": 2024, "window": [2021, 2023], "reviews": 2,
        "mean_score": 87.28, "points": 1.0, "barred": None,
    }  # fmt: skip
    (para,) = tp.bid_paragraph(r)
    assert "（含本次）2次，平均87.28分，2024年" in para.text and "+1分" in para.text
    raw = yaml.safe_load((EXAMPLES / "wujin_third_party_quality_2023.yaml").read_text("utf-8"))
    for agency_id, message in (
        ("A002", "与 agency 不一致"),
        ("A999", "第三方机构库中没有机构 A999"),
    ):
        path = tmp_path / "tp.yaml"
        path.write_text(
            yaml.safe_dump(
                {**raw, "agency_id": agency_id, "registry": str(REG)}, allow_unicode=True
            ),
            encoding="utf-8",
        )
        proc = run_cli("validate", path)
        assert proc.returncode == 2 and "agency_id" in proc.stderr and message in proc.stderr


@pytest.mark.parametrize(
    ("example", "bad"),
    [
        ("wujin_rural_sewage_2023.yaml", "E005"),  # 陈某: tied to the 住建局 (项目评价)
        ("wujin_rural_sewage_targets_2024.yaml", "E005"),  # the same department's 目标审核
        ("wujin_third_party_quality_2023.yaml", "E003"),  # 张某: works with the agency reviewed
    ],
)
def test_panels_of_evaluations_and_reviews_are_checked(tmp_path, example, bad):
    """目标审核 and scored evaluations record their panel too; a member tied to the evaluated
    unit (or to the agency under review) is refused naming the field, a clean panel is listed
    in the report's 基本信息."""
    import shutil

    from methods import casefile

    raw = yaml.safe_load((EXAMPLES / example).read_text("utf-8"))
    raw["library"] = "lib"
    shutil.copytree(EXAMPLES / "evidence", tmp_path / "evidence")  # the data files it names
    (tmp_path / "lib").mkdir()  # an empty library: 历史标准 falls back to the case's target
    raw["panel"] = {"experts": ["E012", bad], "registry": str(REG)}
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    proc = run_cli("validate", path)
    assert proc.returncode == 2, proc.stdout
    assert "panel.experts[1]" in proc.stderr and "应回避" in proc.stderr
    raw["panel"] = {"experts": ["E012", "E006"], "registry": str(REG)}
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    case = casefile.load_case(path)
    ((label, text),) = registry.panel_row(case)
    assert label == "评审专家" and text.startswith("孙某（扬州大学水利科学与工程学院）、杨某")
