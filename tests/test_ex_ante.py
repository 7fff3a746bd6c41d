"""Ex-ante performance assessment (evaluation: ex_ante): scoring worked by hand, conclusion
cut-offs on their boundaries, risk-matrix levels, 投入经济性 ratings derived from the case's own
cba block, bad input naming the field (exit 2), and the report notebook through ``jixiao run`` and
plain papermill.

The rating scale (优 100%, 良 80%, 中 60%, 差 30%), the cut-offs (80 / 60) and the derivation
thresholds are this project's documented defaults (methods/_data/ex_ante.yaml, status unverified);
the hand-worked totals below follow from them."""

import copy
import re

import pytest
import yaml

from methods import casefile, report
from methods.errors import CaseError
from methods.evaltypes import cost_benefit, ex_ante
from methods.report.document import plain_text

from .conftest import EXAMPLES, archived_case, plain_papermill, run_cli

PROJECT = EXAMPLES / "wujin_flood_pumping_exante_2025.yaml"
POLICY = EXAMPLES / "wujin_elevator_subsidy_exante_2025.yaml"

BASE = {
    "case_id": "exante_test_2025",
    "title": "事前评估测试项目",
    "year": 2025,
    "department": "测试局",
    "evaluation": "ex_ante",
    "budget_type": "general_public",
    "object_type": "project",
}


def load(path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def validate(raw, base_dir=EXAMPLES):
    return casefile.validate_mapping(raw, source="t.yaml", base_dir=base_dir)


def one_period_cba(benefit: float, cost: float = 100.0, rate: float = 0.10, **extra):
    """Cost at t = 0, benefit at t = 1: B/C = benefit / (1 + r) / cost, IRR = benefit / cost − 1."""
    return {
        "start_year": 2025,
        "horizon": 2,
        "discounting": {"rate": rate, "t0": 0},
        "lines": [
            {"name": "投资", "kind": "cost", "values": [cost, 0]},
            {"name": "效益", "kind": "benefit", "values": [0, benefit]},
        ],
        **extra,
    }


def analyse_spec(spec):
    return cost_benefit.analyse_spec(spec)


# ---------------------------------------------------------------------------------------------
# Scoring and conclusions


def test_frameworks_add_up_and_are_cited():
    for fid in ("ex_ante_project", "ex_ante_policy"):
        fw = ex_ante.framework(fid)
        assert sum(d.points for d in fw.dimensions) == 100
        assert fw.source and fw.status in {"reg", "local", "practice", "unverified"}
        assert [d.name for d in fw.dimensions][-1] == "执行风险"
    assert [d.name for d in ex_ante.framework("ex_ante_project").dimensions] == [
        "立项必要性", "投入经济性", "绩效目标合理性", "实施方案可行性", "筹资合规性", "执行风险",
    ]  # fmt: skip
    assert [d.name for d in ex_ante.framework("ex_ante_policy").dimensions] == [
        "政策设立必要性", "保障充分性", "目标合理性", "实施可持续性", "资金合规性", "执行风险",
    ]  # fmt: skip
    # one published 事前绩效评估表 (practice): 立项必要性, 投入经济性, 绩效目标合理性 20 points each
    pts = {d.name: d.points for d in ex_ante.framework("ex_ante_project").dimensions}
    assert pts["立项必要性"] == pts["投入经济性"] == pts["绩效目标合理性"] == 20


def test_uniform_ratings_by_hand():
    fw = ex_ante.framework("ex_ante_project")
    for rating, total in (("优", 100.0), ("良", 80.0), ("中", 60.0), ("差", 30.0)):
        t = ex_ante.score_items(fw, {i.code: rating for i in fw.items})
        assert round(float(t["score"].sum()), 2) == total


def test_project_example_by_hand():
    """立项必要性 6 + 6 + 4 + 4×0.8 = 19.2; 投入经济性 6×0.8 + 4×0.8 + 4 + 6×0.8 = 16.8;
    绩效目标合理性 6×0.8 + 7×0.6 + 7×0.8 = 14.6; 实施方案可行性 7×0.8 + 7×0.8 + 6×0.6 = 14.8;
    筹资合规性 5 + 5×0.8 = 9; 执行风险 6×0.8 + 4 = 8.8; total 83.2 → 予以支持 by the total, and
    部分支持 because its 初步设计 and 投资概算 are not approved (前期工作 maturity rule)."""
    res = ex_ante.analyse(casefile.load_case(PROJECT))
    dims = dict(zip(res.dimensions["level1"], res.dimensions["score"], strict=True))
    assert dims == {
        "立项必要性": 19.2,
        "投入经济性": 16.8,
        "绩效目标合理性": 14.6,
        "实施方案可行性": 14.8,
        "筹资合规性": 9.0,
        "执行风险": 8.8,
    }
    assert res.total == 83.2 and res.by_score.label == "予以支持"
    assert res.conclusion.label == "部分支持（调整后支持）" and res.supported_funding == 480
    items = res.items.set_index("code")
    # EA24: the least-cost rule suggests 中 (7.0% above the cheapest); the evaluator gave 良
    assert items.loc["EA24", "suggested"] == "中" and items.loc["EA24", "rating"] == "良"
    assert items.loc["EA24", "source"] == "评估人调整"
    assert items.loc["EA21", "source"] == "依据推导"


def test_policy_example_by_hand():
    """政策设立必要性 6 + 4.8 + 2.4 + 3.2 = 16.4; 保障充分性 3.6 + 3.6 + 1.2 + 3.2 = 11.6;
    目标合理性 4.8 + 4.2 + 4.2 = 13.2; 实施可持续性 5.6 + 4.2 + 1.8 = 11.6; 资金合规性 5 + 4 = 9;
    执行风险 4.8 + 3.2 = 8; total 69.8 → 部分支持（调整后支持）."""
    res = ex_ante.analyse(casefile.load_case(POLICY))
    assert res.framework.id == "ex_ante_policy"  # object_type: policy
    assert list(res.dimensions["score"]) == [16.4, 11.6, 13.2, 11.6, 9.0, 8.0]
    assert res.total == 69.8 and res.conclusion.id == "partial"
    items = res.items.set_index("code")
    assert (items.loc["EP22", "suggested"], items.loc["EP23", "suggested"]) == ("中", "差")
    assert items.loc["EP62", "evidence"] == "中风险及以上 5 项，其中 4 项有应对措施"  # 80% → 良
    assert items.loc["EP62", "rating"] == "良"


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (100, "support"),
        (80, "support"),
        (79.99, "partial"),
        (60, "partial"),
        (59.99, "reject"),
        (0, "reject"),
    ],
)
def test_default_cut_offs_on_the_boundaries(score, expected):
    assert ex_ante.conclusion_bands().conclude(score).id == expected


def test_cut_offs_and_scale_overridden_by_the_case():
    bands = ex_ante.conclusion_bands({"予以支持": 85, "部分支持": 65})
    assert [bands.conclude(s).id for s in (85, 84.99, 65, 64.99)] == [
        "support",
        "partial",
        "partial",
        "reject",
    ]
    assert bands.status == "case"
    assert "予以支持 ≥ 85 分" in bands.describe()
    raw = load(PROJECT)
    raw["conclusion_bands"] = {"予以支持": 85}
    raw["rating_scale"] = {"优": 1.0, "良": 0.85, "中": 0.7, "差": 0.4}
    res = ex_ante.analyse(validate(raw))
    # 优 29 points (EA11, EA12, EA13, EA23, EA51, EA62), 中 13 (EA32, EA43), 良 the other 58:
    # 29 + 58 × 0.85 + 13 × 0.7 = 87.4 ≥ 85
    assert res.total == 87.4 and res.by_score.id == "support"
    assert res.conclusion.id == "partial"  # 初步设计 not approved (the maturity rule)
    assert res.scale.status == "case" and res.bands.status == "case"


def test_veto_caps_the_conclusion_whatever_the_total():
    """否决情形 (ex_ante.yaml ``veto``, practice): 资金来源合规性 rated 差 (违规举债) means 不予支持.
    The project example scores 83.2 (予以支持); EA51 优 → 差 costs 5 × (1 − 0.3) = 3.5 points:
    79.7 would be 部分支持 by the total, and the veto makes it 不予支持."""
    raw = load(PROJECT)
    raw["ratings"]["EA51"] = {"rating": "差", "basis": "拟通过融资平台公司举债筹集配套资金"}
    res = ex_ante.analyse(validate(raw))
    assert res.total == 79.7 and res.by_score.id == "partial"
    assert res.conclusion.id == "reject"
    assert [(v.rule.id, v.code) for v in res.vetoes] == [("V4", "EA51")]
    # the veto is the first problem, its suggestion does not contradict 不予支持
    assert res.problems()[0].startswith("存在否决情形，资金来源不合规（违规举债或变相融资）。")
    first = res.findings.advice[0]
    assert first.heading() == "重新论证项目，消除否决情形（针对问题1）"
    assert "否决情形消除前不申报相关预算" in first.text
    block = res.to_dict()
    assert (
        block["conclusion"] == "不予支持"
        and block["conclusion_by_score"] == "部分支持（调整后支持）"
    )
    assert block["vetoes"] == [
        {"rule": "V4", "text": "资金来源不合规（违规举债或变相融资）", "code": "EA51",
         "rating": "差", "cap": "reject"}
    ]  # fmt: skip
    text = plain_text(ex_ante.section_conclusion(res))
    assert "因存在资金来源不合规（违规举债或变相融资）的否决情形，评估结论为“不予支持”" in text
    assert "评估结论调整为“不予支持”" in text  # 关于评估结论的说明
    assert "（实务做法）" in plain_text(ex_ante.section_content(res))  # the veto rules' status
    # the same rule on the policy framework's code (EP51)
    pol = load(POLICY)
    pol["ratings"]["EP51"] = {"rating": "差", "basis": "补贴资金拟由国有企业垫付"}
    assert ex_ante.analyse(validate(pol)).conclusion.id == "reject"
    # veto: false turns the rules off (the choice is shown in the report)
    raw["veto"] = False
    res = ex_ante.analyse(validate(raw))
    assert res.conclusion.id == "partial" and res.vetoes == ()
    assert "本评估未设否决情形" in plain_text(ex_ante.section_content(res))
    assert "veto: false" in plain_text(ex_ante.section_annex(res))  # the choice, in the annex
    # a case's own rule: 前期工作成熟度 (EA43) 中 or 差 caps at 部分支持
    raw["ratings"]["EA51"] = "优"
    raw["veto"] = [{"id": "X1", "items": ["EA43"], "ratings": ["中", "差"], "cap": "partial",
                    "text": "用地、规划、环评等前期手续未完成"}]  # fmt: skip
    res = ex_ante.analyse(validate(raw))
    assert res.total == 83.2 and res.by_score.id == "support" and res.conclusion.id == "partial"
    # a rule naming an item the framework does not have is refused, naming the field
    raw["veto"][0]["items"] = ["EP43"]
    with pytest.raises(CaseError, match="评估要点 EP43 不在") as info:
        validate(raw)
    assert info.value.field == "veto"
    raw["veto"][0].update(items=["EA43"], cap="cancel")
    with pytest.raises(CaseError) as info:
        validate(raw)
    assert info.value.field.startswith("veto")


# ---------------------------------------------------------------------------------------------
# 前期工作 maturity of a 政府投资项目 (ex_ante.yaml ``maturity``)


def test_maturity_rule_data_is_practice_citing_only_article_23():
    """The cap and the 前期-only funding are practice; the one regulation cited is
    《政府投资条例》（国务院令第712号）第二十三条 (建设投资原则上不得超过经核定的投资概算)."""
    spec = ex_ante.rules()["maturity"]
    assert spec["status"] == "practice" and spec["cap"] == "partial"
    assert spec["regulation"]["status"] == "reg"
    # cited from the 文件库 as 文号《标题》, never by its id
    assert spec["regulation"]["source"].startswith("国务院令第712号《政府投资条例》")
    assert "经核定的投资概算（第二十三条）" in spec["regulation"]["source"]
    assert list(spec["documents"].values()) == ["可行性研究报告", "初步设计", "投资概算"]


def test_maturity_caps_the_conclusion_and_limits_the_funding():
    """Worked example (the flood-pumping project): 83.2 points is 予以支持 by the total; the
    project is a 政府投资项目 whose 初步设计 and 投资概算 are not approved, so the conclusion is
    部分支持 and this year's support is the 前期工作经费 480 of the 6,800 万元 applied for; once
    both are approved it is 予以支持 with no limit; a 不予支持 stays 不予支持 (no 前期 money)."""
    res = ex_ante.analyse(casefile.load_case(PROJECT))
    block = res.to_dict()
    assert (block["conclusion_by_score"], block["conclusion"]) == (
        "予以支持",
        "部分支持（调整后支持）",
    )
    assert block["supported_funding"] == 480
    prep = block["preparation"]
    assert prep["documents"] == {
        "可行性研究报告": "已批复",
        "初步设计": "未批复",
        "投资概算": "未批复",
    }
    assert prep["pending"] == ["初步设计", "投资概算"] and prep["applies"] is True
    assert (prep["requested"], prep["supported"], prep["unit"]) == (6800, 480, "万元")
    assert prep["status"] == "practice" and prep["regulation"]["status"] == "reg"
    assert res.advice.startswith(
        "建议本年度仅安排勘察、管线物探、用地预审和初步设计及概算编制等前期"
    )
    assert block["suggestions"][0] == res.advice
    text = plain_text(ex_ante.section_conclusion(res))
    assert "本年度资金支持限于前期工作经费480万元（申请6,800万元）" in text
    assert "评估结论调整为“部分支持（调整后支持）”" in text
    assert "本年度支持资金（前期工作经费）" in text  # the table
    assert "前期工作经费（实务做法）" in plain_text(ex_ante.section_content(res))
    annex = plain_text(ex_ante.section_annex(res))
    assert "第二十三条" in annex and "前期工作成熟度（政府投资项目）" in annex
    # approved: the rule does not fire
    raw = load(PROJECT)
    raw["preparation"].update(preliminary_design="approved", budget_estimate="approved")
    res = ex_ante.analyse(validate(raw))
    assert res.conclusion.id == "support" and res.supported_funding is None
    assert res.to_dict()["preparation"]["applies"] is False
    assert not any(p.kind == "maturity" for p in res.findings.problems)
    # not a 政府投资项目: no rule
    raw = load(PROJECT)
    raw["preparation"]["government_investment"] = False
    res = ex_ante.analyse(validate(raw))
    assert res.conclusion.id == "support" and res.to_dict()["preparation"] is None
    # 不予支持 by the total stays 不予支持, with no 前期 money
    raw = load(PROJECT)
    raw["conclusion_bands"] = {"予以支持": 95, "部分支持": 90}  # 83.2 < 90
    res = ex_ante.analyse(validate(raw))
    assert res.by_score.id == "reject" and res.conclusion.id == "reject"
    assert res.supported_funding is None and "前期工作经费" not in ex_ante.conclusion(res)
    # the policy example has no preparation block: nothing changes
    assert ex_ante.analyse(casefile.load_case(POLICY)).maturity is None


@pytest.mark.parametrize(
    ("mutate", "field", "message"),
    [
        (
            lambda p: p.pop("preliminary_design"),
            "preparation.preliminary_design",
            "政府投资项目须说明初步设计的批复情况",
        ),
        (
            lambda p: p.pop("preparatory_funding"),
            "preparation.preparatory_funding",
            "初步设计、投资概算尚未批复，本年度资金支持限于前期工作：请填写前期工作经费",
        ),
        (
            lambda p: p.update(preparatory_funding=7000),
            "preparation.preparatory_funding",
            "前期工作经费 7,000万元 超过本年度申请金额 6,800万元",
        ),
        (lambda p: p.update(feasibility="done"), "preparation.feasibility", "approved"),
    ],
)
def test_bad_preparation_names_the_field(mutate, field, message):
    raw = load(PROJECT)
    mutate(raw["preparation"])
    with pytest.raises(CaseError, match=re.escape(message)) as info:
        validate(raw)
    assert info.value.field == field


# ---------------------------------------------------------------------------------------------
# Risk matrix


@pytest.mark.parametrize(
    ("likelihood", "impact", "level"),
    [
        (1, 1, "低风险"),
        (1, 4, "低风险"),
        (2, 2, "低风险"),
        (1, 5, "中风险"),
        (3, 3, "中风险"),
        (2, 5, "高风险"),
        (4, 4, "高风险"),
        (3, 5, "高风险"),
        (4, 5, "极高风险"),
        (5, 5, "极高风险"),
    ],
)
def test_risk_levels(likelihood, impact, level):
    assert ex_ante.risk_level(likelihood, impact) == level


@pytest.mark.parametrize("bad", [0, 6, 2.5, True, "3"])
def test_risk_level_rejects_bad_scores(bad):
    with pytest.raises(ValueError, match="1 到 5 的整数"):
        ex_ante.risk_level(bad, 3)


def test_register_and_its_suggestions():
    reg = ex_ante.risk_register(
        [
            {"name": "a", "likelihood": 4, "impact": 5, "mitigation": "x",
             "residual_likelihood": 2, "residual_impact": 4},
            {"name": "b", "likelihood": 3, "impact": 3},
            {"name": "c", "likelihood": 1, "impact": 2},
        ]
    )  # fmt: skip
    t = reg.table.set_index("name")
    assert t.loc["a", "level"] == "极高风险" and t.loc["a", "residual_level"] == "中风险"
    assert t.loc["b", "residual_level"] == "中风险"  # no residual given: same as inherent
    assert reg.max_residual_level == "中风险"
    assert reg.coverage == 0.5  # a and b are 中风险 or above; only a has a mitigation
    assert ex_ante.suggest_risk_level(reg).rating == "良"
    assert ex_ante.suggest_mitigation(reg).rating == "中"  # 50% ≥ 50%
    empty = ex_ante.risk_register([])
    assert ex_ante.suggest_risk_level(empty).rating is None


# ---------------------------------------------------------------------------------------------
# 投入经济性 from the cba block


@pytest.mark.parametrize(
    ("benefit", "rating"),
    [(165.0, "优"), (164.0, "良"), (132.0, "良"), (131.0, "中"), (110.0, "中"), (109.0, "差")],
)
def test_bcr_bands(benefit, rating):
    """B/C = benefit / 1.1 / 100: 165 → 1.5 (优, boundary), 132 → 1.2, 110 → 1.0."""
    s = ex_ante.suggest_bcr(analyse_spec(one_period_cba(benefit)))
    assert s.rating == rating


@pytest.mark.parametrize(
    ("benefit", "rating"),
    [(112.0, "优"), (111.9, "良"), (110.0, "良"), (108.0, "中"), (107.9, "差")],
)
def test_irr_margin_bands(benefit, rating):
    """IRR = benefit/100 − 1 against a discount rate of 8%: 12% is 4 points above (优)."""
    s = ex_ante.suggest_irr(analyse_spec(one_period_cba(benefit, rate=0.08)))
    assert s.rating == rating


def test_irr_not_unique_uses_mirr():
    """Lorie–Savage pump (−1,600, +10,000, −10,000; IRRs 25% and 400%) at 10%: MIRR is used."""
    spec = {
        "start_year": 2025,
        "horizon": 3,
        "discounting": {"rate": 0.10, "t0": 0},
        "lines": [
            {"name": "水泵", "kind": "cost", "values": [1600, 0, 10000]},
            {"name": "提前出油", "kind": "benefit", "values": [0, 10000, 0]},
        ],
    }
    result = analyse_spec(spec)
    s = ex_ante.suggest_irr(result)
    assert "IRR 不唯一（25%、400%）" in s.evidence and "MIRR" in s.evidence
    assert s.rating == ("差" if result.appraisal.mirr < 0.10 else "中")


def test_robustness_from_switching_values_and_monte_carlo():
    # benefit 132 at 10%: NPV 20; benefits may fall 16.7% or the cost rise 20% → 中 (≥ 10%)
    s = ex_ante.suggest_robustness(analyse_spec(one_period_cba(132.0)))
    assert s.rating == "中" and "效益 -16.7%" in s.evidence
    # benefit 200: benefits may fall 45% or the cost rise 81.8%; the nearer, 45%, is 良 (≥ 25%)
    s = ex_ante.suggest_robustness(analyse_spec(one_period_cba(200.0)))
    assert s.rating == "良" and "效益 -45%" in s.evidence
    mc = {
        "n": 2000,
        "seed": 1,
        "distributions": {"效益": {"dist": "uniform", "low": 0.5, "high": 1.5}},
    }
    result = analyse_spec(one_period_cba(132.0, monte_carlo=mc))
    # P(NPV < 0) = P(132 u / 1.1 < 100) = P(u < 0.8333) = (0.8333 − 0.5) / 1 = 33.3% → 差
    s = ex_ante.suggest_robustness(result)
    assert s.rating == "差" and result.analysis.monte_carlo.p_negative == pytest.approx(
        1 / 3, abs=0.03
    )


@pytest.mark.parametrize(
    ("proposed", "rating"), [("甲", "优"), ("乙", "良"), ("丙", "中"), ("丁", "差")]
)
def test_least_cost_bands(proposed, rating):
    """One-period alternatives at t = 0 cost 100, 104, 110 and 120: 0%, 4%, 10%, 20% above."""
    alts = [
        {"name": n, "costs": [c], "effect": 1}
        for n, c in (("甲", 100), ("乙", 104), ("丙", 110), ("丁", 120))
    ]
    result = analyse_spec(one_period_cba(132.0, alternatives=alts))
    assert ex_ante.suggest_least_cost(result, proposed).rating == rating


def test_cost_effectiveness_frontier_status():
    alts = [
        {"name": "甲", "costs": [100], "effect": 10},
        {"name": "乙", "costs": [150], "effect": 20},
        {"name": "丙", "costs": [160], "effect": 15},  # costs more than 乙, does less: D
    ]
    result = analyse_spec(one_period_cba(132.0, alternatives=alts))
    assert result.analysis.least_cost is None
    assert ex_ante.suggest_least_cost(result, "乙").rating == "优"
    assert ex_ante.suggest_least_cost(result, "丙").rating == "差"


# ---------------------------------------------------------------------------------------------
# Bad input


def project_raw():
    return copy.deepcopy(load(PROJECT))


@pytest.mark.parametrize(
    ("mutate", "field", "message"),
    [
        (lambda r: r["ratings"].update(EA11="很好"), "ratings.EA11", "评级 '很好' 无效"),
        (
            lambda r: r["ratings"].update(EA12={"rating": "A"}),
            "ratings.EA12.rating",
            "评级 'A' 无效，应为 优、良、中、差 之一",
        ),
        (lambda r: r["ratings"].update(EA11=90), "ratings.EA11", "应写作评级（优、良、中、差）"),
        (
            lambda r: r["ratings"].update(EA11={"rating": "优", "reason": "x"}),
            "ratings.EA11",
            "未知字段 reason",
        ),
        (lambda r: r["ratings"].update(XX99="优"), "ratings.XX99", "未知的评估要点 'XX99'"),
        (lambda r: r["ratings"].update(需求迫切性="良"), "ratings.需求迫切性", "重复评级"),
        (lambda r: r["ratings"].pop("EA43"), "ratings", "评估要点 EA43 前期工作成熟度 缺少评级"),
        (lambda r: r.pop("cba"), "cba", "需要 cba 块"),
        (
            lambda r: r.pop("proposed_alternative"),
            "proposed_alternative",
            "请用 proposed_alternative",
        ),
        (
            lambda r: r.update(proposed_alternative="新方案"),
            "proposed_alternative",
            "申报方案 '新方案' 不在 cba.alternatives 中",
        ),
        (
            lambda r: r["ratings"].update(EA21="优"),
            "ratings.EA21",
            "与依据推导的建议评级“良”不同",
        ),
        (
            lambda r: r["risks"][0].pop("residual_impact"),
            "risks[0].residual_impact",
            "须同时给出 residual_likelihood 与 residual_impact",
        ),
        (lambda r: r["risks"][1].update(likelihood=6), "risks[1].likelihood", "应不大于 5"),
        (lambda r: r["risks"][1].update(impact=2.5), "risks[1].impact", "应为整数"),
        (lambda r: r.update(risks=[]), "ratings", "EA61 剩余风险水平 缺少评级（无法推导"),
        (lambda r: r.update(framework="ex_ante_x"), "framework", "未知的事前绩效评估框架"),
        (lambda r: r.update(rating_scale={"优": 1, "良": 0.8}), "rating_scale", "缺少评级 中、差"),
        (
            lambda r: r.update(conclusion_bands={"予以支持": 60, "部分支持": 70}),
            "conclusion_bands",
            "应低于予以支持的分界",
        ),
        (lambda r: r["cba"].update(discounting={"rate": -2}), "cba.discounting", "必须大于 -1"),
        (lambda r: r["cba"].update(lines=[]), "cba.lines", "必须是非空列表"),
        (lambda r: r.update(colour="red"), "colour", "未知字段"),
    ],
)
def test_bad_ex_ante_cases_name_the_field(mutate, field, message):
    raw = project_raw()
    mutate(raw)
    with pytest.raises(CaseError) as err:
        validate(raw)
    assert err.value.field == field, err.value.format()
    assert message in err.value.message


def test_overriding_a_derived_rating_needs_a_reason():
    raw = project_raw()
    raw["ratings"]["EA21"] = {"rating": "优", "basis": "效益测算偏保守，未计入土地增值"}
    res = ex_ante.analyse(validate(raw))
    row = res.items.set_index("code").loc["EA21"]
    assert (row["suggested"], row["rating"], row["source"]) == ("良", "优", "评估人调整")
    assert res.total == pytest.approx(83.2 + 6 * 0.2)
    raw["ratings"]["EA21"] = "良"  # the same as suggested: confirmed, no reason needed
    row = ex_ante.analyse(validate(raw)).items.set_index("code").loc["EA21"]
    assert row["source"] == "评估人确认"


def test_policy_without_cba_needs_the_economy_ratings():
    raw = copy.deepcopy(load(POLICY))
    del raw["cba"]
    with pytest.raises(CaseError, match="EP22 成本效益 缺少评级（无法推导：未提供 cba 块）"):
        validate(raw)
    raw["ratings"].update(EP22="中", EP23={"rating": "中", "basis": "参照同类政策"})
    res = ex_ante.analyse(validate(raw))
    assert res.cba is None and res.total == pytest.approx(69.8 + 4 * 0.3)
    assert "未提供成本效益测算" in plain_text(ex_ante.section_assessment(res))


def test_cli_validate_exits_2_naming_file_line_and_field(tmp_path, library):
    text = PROJECT.read_text(encoding="utf-8")
    bad = text.replace("EA13: {rating: 优,", "EA13: {rating: 很好,")
    path = tmp_path / "bad_exante.yaml"
    path.write_text(bad, encoding="utf-8")
    line = next(i for i, s in enumerate(bad.splitlines(), 1) if s.strip().startswith("EA13:"))
    proc = run_cli("validate", path)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert 1 <= len(lines) <= 2 and "Traceback" not in proc.stderr
    assert f"bad_exante.yaml:{line}: ratings.EA13.rating: 评级 '很好' 无效" in lines[0]
    proc = run_cli("run", path, "--library", library)
    assert proc.returncode == 2 and not (library / "2025").exists()


# ---------------------------------------------------------------------------------------------
# The report notebook


@pytest.mark.notebook
def test_jixiao_run_archives_the_ex_ante_reports(demo_library):
    expected = {
        PROJECT: (83.2, "部分支持（调整后支持）"),
        POLICY: (69.8, "部分支持（调整后支持）"),
    }
    for path, (total, conclusion) in expected.items():
        case, res, folder = archived_case(demo_library, path)
        assert res["evaluation"] == "ex_ante"
        assert res["total_score"] == total and res["grade"] is None
        assert res["ex_ante"]["conclusion"] == conclusion
        assert sum(res["level1"].values()) == pytest.approx(total)
        assert sum(res["level1_weights"].values()) == 100
        assert {i["code"] for i in res["indicators"]} == {
            i.code for i in ex_ante.framework_for(case).items
        }
        assert res["ex_ante"]["conclusion_bands"]["status"] == "unverified"
        assert "cba" in res and res["cba"]["appraisal"]["npv"] > 0
        html = (folder / "report.html").read_text(encoding="utf-8")
        assert f"<title>{report.report_title(case)}</title>" in html
        for heading in (*ex_ante.HEADINGS, conclusion):
            assert heading in html
        assert html.count("data:image/png;base64,") >= 3
        assert not re.search(r"""<(script|link|img)[^>]+(src|href)=["']?https?://""", html)
        assert "Traceback" not in html and "Warning" not in html and "Glyph" not in html
        assert "from methods import" not in html and "vnd.jixiao.results" not in html
    case, _, folder = archived_case(demo_library, POLICY)
    assert {p.name for p in case.data_files()} == {"elevator_policy_flows.csv"}
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "政策设立必要性" in html and "保障充分性" in html


@pytest.mark.notebook
def test_plain_papermill_gives_the_same_numbers(demo_library, tmp_path):
    """contracts §3: papermill notebooks/ex_ante.ipynb out.ipynb -f case.yaml --cwd <folder>."""
    plain = plain_papermill(POLICY, tmp_path)
    _, res, _ = archived_case(demo_library, POLICY)
    for key in ("total_score", "grade", "level1", "indicators", "ex_ante"):
        assert plain[key] == res[key], key
    assert plain["cba"]["appraisal"] == res["cba"]["appraisal"]


def test_case_template_validates(tmp_path):
    """``jixiao new ex_ante`` writes a commented template that validates as it stands."""
    from methods import templates

    text = templates.case_template("ex_ante")
    assert text.count("#") > 10
    path = tmp_path / "case.yaml"
    path.write_text(text, encoding="utf-8")
    res = ex_ante.analyse(casefile.load_case(path))
    assert res.framework.id == "ex_ante_project" and 0 <= res.total <= 100
    assert res.items.set_index("code").loc["EA24", "source"] == "评估人评级"  # no alternatives


# ---------------------------------------------------------------------------------------------
# The report: outline, findings and prose (事前绩效评估报告)


def test_project_report_prose_reads_as_a_signed_report():
    """Golden text: the 综合评估结论 of the project example, its problems and the suggestion
    answering each (the evaluator's findings, with their advice)."""
    r = ex_ante.analyse(casefile.load_case(PROJECT))
    assert ex_ante.conclusion(r) == (
        "经评估，武进区湖塘片区易涝点整治及排涝泵站提标工程在政策依据充分性、需求迫切性、财政支持必要性"
        "等方面评估情况较好：列入《武进区“十四五”水利发展规划》和海绵城市建设年度计划；近四年汛期易涝点"
        "积水21次，群众投诉136件，需求明确；城市排涝属公共服务，无收费来源，应由财政保障。项目在实施方案"
        "可行性和绩效目标合理性等方面存在不足：初步设计、投资概算尚未批复；缺少时效指标和服务对象满意度"
        "指标。从各维度看，立项必要性、筹资合规性得分率较高（分别为96.00%、90.00%），绩效目标合理性、"
        "实施方案可行性相对薄弱（分别为73.00%、74.00%）。评估总分83.20分，按总分应为“予以支持”，因初步"
        "设计、投资概算尚未批复、前期工作尚不成熟，评估结论为“部分支持（调整后支持）”。本年度申请资金"
        "6,800万元，资金支持限于前期工作经费480万元。建议本年度仅安排勘察、管线物探、用地预审和初步设计"
        "及概算编制等前期工作经费480万元，初步设计、投资概算批复后，再按核定的投资概算申报建设资金。"
    )
    fd = r.findings
    assert [p.heading for p in fd.problems] == [
        "前期工作尚不成熟，初步设计、投资概算尚未批复。",
        "绩效指标不够完整，缺少时效指标和服务对象满意度指标。",
    ]
    assert [a.heading() for a in fd.advice] == [
        "加快前期工作，按核定概算申报建设资金（针对问题1）",
        "补充汛期道路积水时长、服务对象满意度等绩效指标（针对问题2）",
    ]
    # the approvals and the sub-item's basis are the facts; no cause is invented
    assert fd.problems[0].facts == (
        "前期工作方面，可行性研究报告已批复，初步设计、投资概算未批复",
        "前期工作成熟度方面，泵站扩容用地预审尚未完成，初步设计未批复",
    )
    assert fd.problems[0].cause_text == (
        "原因分析：申报单位未提供相关说明，前期工作不成熟的原因有待进一步核实。"
    )
    assert fd.advice[0].text == (
        "建议区水利局加快初步设计、投资概算的编制和报批，本年度资金支持限于勘察、管线物探、用地预审和"
        "初步设计及概算编制等前期工作经费480万元；初步设计、投资概算批复后，按核定的投资概算重新申报建设"
        "资金，报区财政局审核。"
    )
    # results.json: the findings and the text of the ex_ante block
    out = r.results()
    assert [a["problem"] for a in out["findings"]["advice"]] == [1, 2]
    assert out["ex_ante"]["problems"][0].startswith("前期工作尚不成熟")
    assert out["ex_ante"]["suggestions"][0] == r.advice


def test_shortfalls_become_one_problem_per_dimension():
    """Sub-items rated 中 or 差 make one problem per dimension (the 差 first in its facts and
    heading); 良 is no problem; each suggestion names the department and 区财政局 and is timed by
    the conclusion (部分支持: 在重新报送前; 予以支持: 在预算批复前)."""
    raw = load(POLICY)
    del raw["findings"]
    r = ex_ante.analyse(validate(raw))
    fd = r.findings
    assert [p.theme for p in fd.problems] == [
        "政策设立必要性",
        "保障充分性",
        "目标合理性",
        "实施可持续性",
    ]
    assert fd.problems[3].codes == ("EP43", "EP42")  # 差 before 中
    assert (
        fd.problems[3].heading == "政策实施的可持续性有待加强，未设定政策到期评估节点和退出条件。"
    )
    # a rating derived from the cost-benefit analysis is told in words, not as a formula
    assert fd.problems[1].heading == "资金保障和成本效益论证不够充分，净现值小于0的概率为35.7%。"
    assert (
        "按中国社会折现率8%测算，净现值1,869.02万元，效益费用比1.078" in fd.problems[1].facts_text
    )
    assert not any("EP14" in p.codes for p in fd.problems)  # 良
    assert len(fd.advice) == 4
    assert all(a.text.startswith("建议区住建局在重新报送前") for a in fd.advice)
    assert all("区财政局" in a.text for a in fd.advice)
    # a case that is supported gets its suggestions before the budget is approved
    raw = load(PROJECT)
    del raw["findings"]
    raw["preparation"].update(preliminary_design="approved", budget_estimate="approved")
    r = ex_ante.analyse(validate(raw))
    assert r.conclusion.id == "support"
    assert [p.theme for p in r.findings.problems] == ["绩效目标合理性", "实施方案可行性"]
    assert all("在预算批复前" in a.text for a in r.findings.advice)
    assert not any("不安排" in a.text for a in r.findings.advice)


def test_findings_of_the_case_must_name_sub_items_of_its_framework():
    raw = load(PROJECT)
    raw["findings"][0]["indicators"] = ["EP32"]  # a policy sub-item in a project case
    with pytest.raises(CaseError, match="未知的评估要点 'EP32'") as exc:
        validate(raw)
    assert exc.value.field == "findings[0].indicators[0]"
    raw = load(PROJECT)
    raw["findings"][0]["theme"] = "资金使用合规"
    with pytest.raises(CaseError, match="未知的问题主题") as exc:
        validate(raw)
    assert exc.value.field == "findings[0].theme"
    raw["findings"][0]["theme"] = "绩效目标合理性"  # a dimension is a theme
    assert validate(raw) is not None


def test_report_outline_and_body_without_internals():
    """Both examples: the level-1 headings are HEADINGS, every suggestion names its problem, and
    the body (all but the 技术附件) has no codes, preset ids, seeds or status codes."""
    from .test_report_content import _internals

    for path in (PROJECT, POLICY):
        r = ex_ante.analyse(casefile.load_case(path))
        doc = ex_ante.outline(r)
        assert tuple(s.title for s in doc.sections) == ex_ante.HEADINGS
        body = "\n".join(plain_text(s) for s in doc.sections if "技术附件" not in s.title)
        assert not _internals(body), (path.name, _internals(body)[:5])
        assert not re.search(r"\bE[AP]\d\d\b", body)  # sub-item codes are in the annex only
        for i in range(1, len(r.findings.problems) + 1):
            assert f"（针对问题{i}）" in body
        annex = plain_text(doc.sections[-1])
        assert "china_2006" in annex and "随机种子" in annex and r.case.case_id in annex
