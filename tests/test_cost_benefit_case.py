"""Cost-benefit case files (evaluation: cost_benefit): the ``cba:`` block read from a case, its data
files, bad input naming the field (exit 2 from the CLI, nothing archived), and the report notebook
through ``jixiao run`` and plain papermill.

The numeric methods themselves are tested against published examples in tests/test_cba.py; here
published examples are only used to check that a case file reaches them unchanged."""

import copy
import json
import re

import numpy as np
import pandas as pd
import pytest
import yaml

from methods import casefile, cba, report
from methods.errors import CaseError
from methods.evaltypes import cost_benefit
from methods.report.document import Callout, plain_text

from .conftest import EXAMPLES, archived_case, plain_papermill, run_cli

LANDFILL = EXAMPLES / "wujin_landfill_cba_2024.yaml"
SEWAGE = EXAMPLES / "wujin_village_sewage_cba_2025.yaml"

MINIMAL = {
    "case_id": "cba_minimal_2024",
    "title": "成本效益分析测试",
    "year": 2024,
    "department": "测试局",
    "evaluation": "cost_benefit",
    "budget_type": "general_public",
    "object_type": "project",
}


def load(path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def case_with(spec, base_dir=EXAMPLES, **extra):
    raw = {**MINIMAL, "cba": spec, **extra}
    return casefile.validate_mapping(raw, source="t.yaml", base_dir=base_dir)


# ---------------------------------------------------------------------------------------------
# Published examples reached through a case file


def test_excel_npv_example_through_a_case_file():
    """Microsoft Excel NPV documentation: rate 10%, −10,000 (one year from today), 3,000, 4,200,
    6,800 → 1,188.44 (flows at year-end: t0 = 1)."""
    spec = {
        "start_year": 2024,
        "horizon": 4,
        "discounting": {"rate": 0.10, "t0": 1},
        "lines": [
            {"name": "投资", "kind": "cost", "values": [10_000]},
            {"name": "收益", "kind": "benefit", "values": [0, 3_000, 4_200, 6_800]},
        ],
    }
    result = cost_benefit.analyse(case_with(spec))
    assert round(result.appraisal.npv, 2) == 1188.44


def test_lorie_savage_pump_through_a_case_file():
    """Lorie and Savage (1955), the pump problem: −1,600, +10,000, −10,000 has two IRRs, 25% and
    400%; the report lists both and gives no single IRR."""
    spec = {
        "start_year": 2024,
        "horizon": 3,
        "discounting": {"rate": 0.10, "t0": 0},
        "lines": [
            {"name": "水泵", "kind": "cost", "values": [1_600, 0, 10_000]},
            {"name": "提前出油", "kind": "benefit", "values": [0, 10_000, 0]},
        ],
    }
    result = cost_benefit.analyse(case_with(spec))
    irr = result.appraisal.irr
    np.testing.assert_allclose(irr.roots, [0.25, 4.0], rtol=1e-9)
    assert np.isnan(irr.value) and not irr.unique
    parts = cost_benefit.indicators_table(result)
    assert "不唯一：25%、400%" in plain_text(parts[0])
    assert isinstance(parts[1], Callout) and parts[1].kind == "warn"
    assert "内部收益率不唯一" in plain_text(parts[1])
    assert "内部收益率不唯一" in " ".join(result.conclusions())


# ---------------------------------------------------------------------------------------------
# The examples


def test_landfill_example_has_two_irr_roots():
    case = casefile.load_case(LANDFILL)
    result = cost_benefit.analyse(case)
    a = result.appraisal
    # the flows read from the CSV, discounted by hand at 8% with year-end timing
    flows = pd.read_csv(EXAMPLES / "cba" / "landfill_flows.csv")
    net = (
        flows[["disposal_saving", "environment"]].sum(axis=1)
        - flows[["construction", "operation", "closure", "monitoring"]].sum(axis=1)
    ).to_numpy(dtype=float)
    by_hand = float((net / 1.08 ** np.arange(1, len(net) + 1)).sum())
    assert a.npv == pytest.approx(by_hand, rel=1e-12)
    assert a.irr.n_sign_changes == 2 and a.irr.n_roots == 2
    for r in a.irr.roots:  # each root makes NPV zero
        assert abs(float((net / (1 + r) ** np.arange(len(net))).sum())) < 1e-6
    assert a.irr.roots[0] < result.hurdle < a.irr.roots[1]
    assert np.isfinite(a.mirr) and a.mirr > result.hurdle
    assert result.verdict() == "经济上可行"
    sv = result.analysis.switching.table.set_index("variable")
    assert sv.loc["折现率", "switching_value"] == pytest.approx(a.irr.roots[1], rel=1e-9)
    assert bool(sv.loc["折现率", "other_side"])  # the lower root is on the other side
    assert {p.name for p in case.data_files()} == {"landfill_flows.csv"}


def test_sewage_example_least_cost_and_economic_analysis():
    case = casefile.load_case(SEWAGE)
    result = cost_benefit.analyse(case)
    assert result.indicator == "ENPV"  # economic analysis with a labour conversion factor
    lc = result.analysis.least_cost
    assert lc.basis == "eac"  # unequal lives (wetland 15 years)
    table = lc.table.set_index("name")
    assert table.loc["人工湿地", "life"] == 15 and table.loc["纳管集中处理", "life"] == 20
    costs = pd.read_csv(EXAMPLES / "cba" / "sewage_alternatives.csv")["wetland"].to_numpy()
    costs = costs[: np.flatnonzero(costs)[-1] + 1]
    eac = cba.equivalent_annual_cost(costs, rate=0.08, t0=1)
    assert table.loc["人工湿地", "eac"] == pytest.approx(eac, rel=1e-12)
    assert lc.cheapest == table["eac"].idxmin()
    assert result.analysis.cost_effectiveness is None  # equal effects: least cost
    out = cost_benefit.results(result)
    assert out == report.case_results(
        case, cba=result.to_dict(), findings=result.findings.to_dict()
    )
    json.dumps(out, allow_nan=False, ensure_ascii=False)
    assert out["total_score"] is None and out["grade"] is None
    assert out["cba"]["least_cost"]["cheapest"] == lc.cheapest
    assert out["cba"]["eac"] == pytest.approx(result.eac)


def test_xlsx_data_file(tmp_path):
    pd.DataFrame({"year": [2024, 2025, 2026], "benefit": [0.0, 60.0, 60.0]}).to_excel(
        tmp_path / "flows.xlsx", index=False
    )
    spec = {
        "start_year": 2024,
        "horizon": 3,
        "discounting": {"rate": 0.10, "t0": 0},
        "lines": [
            {"name": "投资", "kind": "cost", "values": [100]},
            {"name": "效益", "kind": "benefit", "csv": "flows.xlsx", "value_column": "benefit"},
        ],
    }
    case = case_with(spec, base_dir=tmp_path)
    assert [p.name for p in case.data_files()] == ["flows.xlsx"]
    # the from_spec docstring example: 4.13 at 10%
    assert round(cost_benefit.analyse(case).appraisal.npv, 2) == 4.13


# ---------------------------------------------------------------------------------------------
# Bad input


def landfill_spec():
    return copy.deepcopy(load(LANDFILL)["cba"])


def set_path(spec, path, value):
    node = spec
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return spec


@pytest.mark.parametrize(
    ("path", "value", "field", "message"),
    [
        (("lines",), [], "cba.lines", "必须是非空列表"),
        (
            ("lines",),
            [{"name": "a", "kind": "cost", "values": [0, 0]}],
            "cba.lines",
            "现金流全部为 0",
        ),
        (
            ("lines",),
            [{"name": "a", "kind": "cost", "values": [100, "x"]}],
            "cba.lines[0].values[1]",
            "必须是数值，实际为 'x'",
        ),
        (("discounting",), {"rate": -1.5}, "cba.discounting", "rate 必须大于 -1，实际为 -1.5"),
        (("discounting",), {"rate": -1}, "cba.discounting", "rate 必须大于 -1，实际为 -1"),
        (("discounting",), {"schedule": "china_2020"}, "cba.discounting", "未知的折现方案"),
        (
            ("lines",),
            [{"name": "a", "kind": "cost", "values": list(range(1, 27))}],
            "cba.lines[0].values",
            "有 26 个值，超过计算期 25 年",
        ),
        (
            ("lines",),
            [{"name": "a", "kind": "cost", "values": {2050: 10}}],
            "cba.lines[0].values",
            "年份 2050 不在计算期 2024–2048 内",
        ),
        (("horizon",), 20, "cba.lines[0]", "年份 2044 不在计算期 2024–2043 内"),
        (("horizon",), "25年", "cba.horizon", "必须是数值"),
        (
            ("monte_carlo", "distributions", "投资"),
            {"dist": "lognormal"},
            "cba.monte_carlo.distributions.投资",
            "分布类型 'lognormal' 未知",
        ),
        (("variables", "投资", "lines"), ["建设费"], "cba.variables.投资.lines", "未知的现金流"),
        # a ±0 range gives a tornado of zero-width bars; ±100% or more zeroes or flips a variable
        (("sensitivity", "change"), 0, "cba.sensitivity.change", "应大于 0 且小于 1"),
        (("sensitivity", "change"), 1.5, "cba.sensitivity.change", "实际为 1.5"),
        (("sensitivity", "delta"), -0.01, "cba.sensitivity.delta", "应大于 0 且小于 1"),
        (("sensitivity", "threshold"), 0, "cba.sensitivity.threshold", "应大于 0"),
    ],
)
def test_bad_cba_blocks_name_the_field(path, value, field, message):
    spec = landfill_spec()
    if path == ("lines",):  # replacing the lines: drop what refers to the example's lines
        spec = {k: spec[k] for k in ("start_year", "horizon", "discounting")}
    spec = set_path(spec, path, value)
    with pytest.raises(CaseError) as err:
        case_with(spec)
    assert err.value.field == field
    assert message in err.value.message


def test_non_numeric_and_duplicate_cells_in_a_data_file(tmp_path):
    (tmp_path / "d").mkdir()
    pd.DataFrame({"year": [2024, 2025], "v": [100, "abc"]}).to_csv(
        tmp_path / "d/a.csv", index=False
    )
    pd.DataFrame({"year": [2024, 2024], "v": [100, 50]}).to_csv(tmp_path / "d/b.csv", index=False)
    pd.DataFrame({"year": [2024, 2025], "v": [100, None]}).to_csv(tmp_path / "d/c.csv", index=False)
    base = {"start_year": 2024, "horizon": 2}
    cases = [
        ("a.csv", "cba.lines[0].csv", "CSV 第 3 行 'v' 列不是数值：'abc'（第 1 行为表头）"),
        ("b.csv", "cba.lines[0].csv", "年份 2024 重复出现"),
        ("c.csv", "cba.lines[0].csv", "CSV 第 3 行 'v' 列为空"),
    ]
    for name, field, message in cases:
        spec = {
            **base,
            "lines": [{"name": "x", "kind": "cost", "csv": f"d/{name}", "value_column": "v"}],
        }
        with pytest.raises(CaseError) as err:
            case_with(spec, base_dir=tmp_path)
        assert (err.value.field, message in err.value.message) == (field, True), name


def test_missing_cba_block_and_missing_data_file():
    with pytest.raises(CaseError) as err:
        casefile.validate_mapping(dict(MINIMAL), source="t.yaml", base_dir=EXAMPLES)
    assert err.value.field == "cba" and "缺少必填字段" in err.value.message
    spec = landfill_spec()
    spec["lines"][0]["csv"] = "cba/nope.csv"
    with pytest.raises(CaseError, match="数据文件不存在：cba/nope.csv") as err:
        case_with(spec)
    assert err.value.field == "cba.lines[0].csv"
    spec["lines"][0]["csv"] = "../tests/data/x.csv"
    with pytest.raises(CaseError, match="不能指向案例文件所在目录之外"):
        case_with(spec)


def test_cli_validate_exits_2_with_file_line_and_field(tmp_path, library):
    text = (EXAMPLES / "wujin_village_sewage_cba_2025.yaml").read_text(encoding="utf-8")
    bad = text.replace("schedule: china_2006", "rate: -1.2")
    (tmp_path / "cba").mkdir()
    (tmp_path / "cba" / "sewage_alternatives.csv").write_bytes(
        (EXAMPLES / "cba" / "sewage_alternatives.csv").read_bytes()
    )
    path = tmp_path / "bad.yaml"
    path.write_text(bad, encoding="utf-8")
    line = bad.splitlines().index("  discounting:") + 1
    proc = run_cli("validate", path)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert 1 <= len(lines) <= 2 and "Traceback" not in proc.stderr
    assert f"bad.yaml:{line}: cba.discounting: rate 必须大于 -1，实际为 -1.2" in lines[0]
    proc = run_cli("run", path, "--library", library)
    assert proc.returncode == 2
    assert not (library / "2025").exists()


# ---------------------------------------------------------------------------------------------
# The report notebook


@pytest.mark.notebook
def test_jixiao_run_archives_the_cba_reports(demo_library):
    for path in (LANDFILL, SEWAGE):
        case, res, folder = archived_case(demo_library, path)
        expected = cost_benefit.analyse(case)
        assert res["evaluation"] == "cost_benefit"
        assert res["total_score"] is None and res["grade"] is None
        assert res["cba"]["appraisal"]["npv"] == pytest.approx(expected.appraisal.npv, rel=1e-12)
        assert res["cba"]["monte_carlo"]["mean"] == pytest.approx(
            expected.analysis.monte_carlo.mean, rel=1e-12
        )
        assert res["cba"]["verdict"] == expected.verdict()
        html = (folder / "report.html").read_text(encoding="utf-8")
        assert f"<title>{report.report_title(case)}</title>" in html
        for heading in cost_benefit.HEADINGS:
            assert heading in html
        assert html.count("data:image/png;base64,") >= 4
        assert not re.search(r"""<(script|link|img)[^>]+(src|href)=["']?https?://""", html)
        assert "Traceback" not in html and "Warning" not in html and "Glyph" not in html
        assert "from methods import" not in html and "vnd.jixiao.results" not in html
        parameters = (folder / "parameters.yaml").read_bytes()
        assert parameters == path.read_bytes()
    _, res, folder = archived_case(demo_library, LANDFILL)
    assert res["cba"]["appraisal"]["irr"]["irr"] is None
    assert len(res["cba"]["appraisal"]["irr"]["roots"]) == 2
    assert "内部收益率不唯一" in (folder / "report.html").read_text(encoding="utf-8")
    _, res, folder = archived_case(demo_library, SEWAGE)
    assert res["cba"]["least_cost"]["basis"] == "eac"
    assert "最低成本方案为“人工湿地”" in (folder / "report.html").read_text(encoding="utf-8")


@pytest.mark.notebook
def test_plain_papermill_gives_the_same_numbers(demo_library, tmp_path):
    """contracts §3: papermill notebooks/cost_benefit.ipynb out.ipynb -f case.yaml --cwd <folder>."""
    plain = plain_papermill(LANDFILL, tmp_path)
    _, res, _ = archived_case(demo_library, LANDFILL)
    assert plain["cba"]["appraisal"] == res["cba"]["appraisal"]
    assert plain["cba"]["monte_carlo"] == res["cba"]["monte_carlo"]
    assert plain["cba"]["switching_values"] == res["cba"]["switching_values"]


def test_case_template_validates(tmp_path):
    """``jixiao new cost_benefit`` writes a commented template that validates as it stands."""
    from methods import templates

    text = templates.case_template("cost_benefit")
    assert text.count("#") > 10
    path = tmp_path / "case.yaml"
    path.write_text(text, encoding="utf-8")
    result = cost_benefit.analyse(casefile.load_case(path))
    assert result.model.discounting.name == "china_2006" and result.analysis.monte_carlo.n == 10_000


# ---------------------------------------------------------------------------------------------
# The report: outline, findings and prose (成本效益分析报告)


def test_landfill_report_prose_reads_as_a_signed_report():
    """Golden text: the 分析结论 of the landfill example, its problems (the evaluator's findings
    taking over the problems the analysis found) and the suggestion answering each."""
    result = cost_benefit.analyse(casefile.load_case(LANDFILL))
    assert cost_benefit.conclusion(result) == (
        "经分析，武进区生活垃圾应急填埋场扩容工程在2024—2048年计算期内，按中国社会折现率8%折现，"
        "净现值为1,790.52万元，效益费用比为1.061，现金流为非常规现金流，内部收益率不唯一，修正内部收益率"
        "为8.36%，高于8%的折现率，项目经济上可行。其他因素不变时，处置费用节约下降6.8%即可使净现值降至0；"
        "按概率分布模拟，净现值小于0的概率为27.5%。分析发现，项目在经济可行性的稳健程度和期末支出安排等"
        "方面存在需要关注的问题。"
    )
    fd = result.findings
    assert [p.heading for p in fd.problems] == [
        "经济可行性的安全边际较小，封场修复费用估算的不确定性大。",
        "期末集中发生大额封场修复支出，存在集中支付压力。",
    ]
    assert [a.heading() for a in fd.advice] == [
        "核实处置费用节约、建设投资等关键变量的取值依据（针对问题1）",
        "在建设期同步设立封场修复准备金（针对问题2）",
    ]
    # the stated cause is quoted; the analysis adds the facts with their numbers
    assert fd.problems[0].cause_text == (
        "原因分析：该项费用按现行单价估算，而支出发生在约20年后，不确定性大。"
    )
    assert "处置费用节约下降6.8%或投资上升12.9%即可使净现值降至0" in fd.problems[0].facts_text
    assert "2044—2048年净现金流为负，合计40,600.00万元" in fd.problems[1].facts_text
    out = cost_benefit.results(result)
    assert out["findings"] == fd.to_dict()
    assert [a["problem"] for a in out["findings"]["advice"]] == [1, 2]
    assert not any("china_2006" in c for c in out["cba"]["conclusions"])


def test_problems_the_analysis_finds_on_its_own():
    """Without the evaluator's findings: a thin margin (B/C and P(NPV<0) rated 中 or 差 by the
    ex-ante thresholds), large late costs, a proposed alternative that is not the least-cost one
    (rated 中 or 差), and a project that is not feasible; a cause is never invented."""
    raw = load(LANDFILL)
    del raw["findings"]
    fd = cost_benefit.analyse(
        casefile.validate_mapping(raw, source="t.yaml", base_dir=EXAMPLES)
    ).findings
    assert [p.heading for p in fd.problems] == [
        "经济可行性的安全边际较小，净现值小于0的概率为27.5%。",
        "计算期后期集中发生大额支出，存量垃圾开挖筛分及土地复垦合计40,000.00万元。",
    ]
    assert fd.problems[0].cause_text == (
        "原因分析：申报单位未提供相关说明，经济可行性安全边际较小的原因有待进一步核实。"
    )
    # the department checks the cash flows, not the discount rate
    assert "折现率" not in fd.advice[0].text and "区城管局" in fd.advice[0].text
    raw = load(SEWAGE)
    del raw["findings"]
    fd = cost_benefit.analyse(
        casefile.validate_mapping(raw, source="t.yaml", base_dir=EXAMPLES)
    ).findings
    assert [p.theme for p in fd.problems] == ["margin", "alternatives"]
    assert fd.problems[1].heading == "申报方案不是成本最低的方案，其等额年成本比“人工湿地”高14.3%。"
    assert "“人工湿地”等备选方案的比选论证" in fd.advice[1].text
    # a project that is not feasible: one problem, and the advice defers the budget
    spec = {
        "start_year": 2024,
        "horizon": 2,
        "unit": "万元",
        "discounting": {"rate": 0.10, "t0": 0},
        "lines": [
            {"name": "投资", "kind": "cost", "values": [100, 0]},
            {"name": "效益", "kind": "benefit", "values": [0, 66]},
        ],
    }
    fd = cost_benefit.analyse(case_with(spec)).findings
    assert [p.theme for p in fd.problems] == ["feasibility"]
    assert fd.problems[0].heading == "项目经济上不可行，净现值为-40.00万元。"
    assert "暂缓申报相关预算" in fd.advice[0].text


def test_bad_findings_and_proposed_alternative_name_the_field():
    raw = load(SEWAGE)
    raw["proposed_alternative"] = "一体化设备"
    with pytest.raises(CaseError, match="申报方案 '一体化设备' 不在 cba.alternatives 中") as exc:
        casefile.validate_mapping(raw, source="t.yaml", base_dir=EXAMPLES)
    assert exc.value.field == "proposed_alternative"
    raw = load(SEWAGE)
    raw["findings"][0]["theme"] = "compliance"
    with pytest.raises(CaseError, match="未知的问题主题 'compliance'") as exc:
        casefile.validate_mapping(raw, source="t.yaml", base_dir=EXAMPLES)
    assert exc.value.field == "findings[0].theme"
    raw = load(SEWAGE)
    raw["findings"][0]["indicators"] = ["C1"]
    with pytest.raises(CaseError, match="成本效益分析没有指标") as exc:
        casefile.validate_mapping(raw, source="t.yaml", base_dir=EXAMPLES)
    assert exc.value.field == "findings[0].indicators"


def test_report_outline_and_body_without_internals():
    """Both examples: the level-1 headings are HEADINGS, every suggestion names its problem, and
    the body (all but the 技术附件) has no preset ids, seeds, formula variables or file names,
    which the 技术附件 keeps."""
    from .test_report_content import _internals

    for path in (LANDFILL, SEWAGE):
        result = cost_benefit.analyse(casefile.load_case(path))
        doc = cost_benefit.outline(result)
        assert tuple(s.title for s in doc.sections) == cost_benefit.HEADINGS
        body = "\n".join(plain_text(s) for s in doc.sections if "技术附件" not in s.title)
        assert not _internals(body), (path.name, _internals(body)[:5])
        assert "NPV" not in body and "IRR" not in body
        for i in range(1, len(result.findings.problems) + 1):
            assert f"（针对问题{i}）" in body
        annex = plain_text(doc.sections[-1])
        assert "china_2006" in annex and "随机种子" in annex and "t = 1" in annex
        assert annex.count(".csv") == 1  # each data file once, with its hash
