"""No silent wrong number: unit slips warn by name, data files are bounded before they are read."""

from __future__ import annotations

import zipfile

import numpy as np
import pytest

from methods import _yaml, casefile, scoring
from methods.errors import CaseError
from tests.conftest import EXAMPLES


def _sewage() -> dict:
    raw = _yaml.load((EXAMPLES / "wujin_rural_sewage_2023.yaml").read_text(encoding="utf-8"))
    for ind in raw["indicators"]:
        ind.pop("target_from", None)
    return raw


@pytest.mark.parametrize(("actual", "slip"), [(0.983, True), (9830, True), (98.3, False)])
def test_a_hundredfold_unit_slip_is_named(actual, slip):
    raw = _sewage()
    c21 = next(i for i in raw["indicators"] if i["code"] == "C21")  # 设施验收合格率, target 100%
    c21["actual"] = actual
    ev = scoring.evaluate(raw, base_dir=EXAMPLES)
    named = [w for w in ev.warnings if "C21" in w and "单位错误" in w]
    assert bool(named) is slip
    if slip:
        assert "相差约" in named[0]


def test_data_file_over_the_limit_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "big.csv"
    path.write_bytes(b"a\n" + b"1\n" * 1000)
    monkeypatch.setattr(casefile, "MAX_DATA_FILE_BYTES", 1000)
    with pytest.raises(CaseError, match="过大"):
        casefile.check_data_file(path)


def test_xlsx_that_unpacks_too_large_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/worksheets/sheet1.xml", "0" * 2_000_000)  # compresses to a few KB
    assert path.stat().st_size < 50_000
    monkeypatch.setattr(casefile, "MAX_XLSX_UNPACKED_BYTES", 1_000_000)
    with pytest.raises(CaseError, match="解压后过大"):
        casefile.check_data_file(path)
    from methods import excel

    with pytest.raises(CaseError, match="解压后过大"):
        excel.read_workbook(path)


@pytest.mark.parametrize(
    "name", ["wujin_landfill_cba_2024.yaml", "wujin_flood_pumping_exante_2025.yaml"]
)
def test_validation_never_runs_the_monte_carlo(name, monkeypatch):
    from methods import cba

    def refuse(*args, **kwargs):
        raise AssertionError("validation ran a simulation")

    monkeypatch.setattr(cba, "monte_carlo", refuse)
    monkeypatch.setattr(cba.model, "monte_carlo", refuse)  # what CBAModel.monte_carlo calls
    casefile.validate(EXAMPLES / name)  # checks every deterministic part, simulates nothing


# ---------------------------------------------------------------------------------------------
# Found by trying to break it (a red team that had not seen the tests)


def _refused(raw) -> CaseError:
    with pytest.raises(CaseError) as info:
        casefile.validate_mapping(raw, source="case.yaml", base_dir=EXAMPLES)
    return info.value


def _indicator(raw, code):
    return next(i for i in raw["indicators"] if i["code"] == code)


@pytest.mark.parametrize(
    ("where", "text"),
    [
        ("title", "武进\x1b[2J\x1b[31m"),
        ("department", "\x1b]0;pwned\x07局"),
        ("title", "\u200b\u200b"),
    ],
)
def test_control_characters_written_as_yaml_escapes_are_refused(where, text):
    raw = _sewage()
    raw[where] = text
    err = _refused(raw)
    assert err.field == where and "控制字符" in err.message
    assert "\x1b" not in str(err) and "\x07" not in str(err)


def test_invisible_code_and_blank_key_are_refused():
    raw = _sewage()
    _indicator(raw, "C11")["code"] = "C1\u202e1"
    assert "控制字符" in _refused(raw).message
    raw = _sewage()
    raw["grade_bands"] = {"优": 90, "良": 80, "\u3164": 60, "差": 0}
    assert "控制字符" in _refused(raw).message


@pytest.mark.parametrize(
    ("path", "value", "says"),
    [
        (("levels", "决策"), float("nan"), "有限数字"),
        (("options",), {"robustness": {"concentration": float("inf")}}, "有限数字"),
        (("budget", "note"), 1e300, "超出合理范围"),
    ],
)
def test_non_finite_and_absurd_values_anywhere_are_refused(path, value, says):
    raw = _sewage()
    node = raw
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    err = _refused(raw)
    assert says in err.message


def test_ahp_judgements_stay_on_the_saaty_scale():
    raw = _yaml.load(
        (EXAMPLES / "wujin_farmland_2023.yaml").read_text(encoding="utf-8")
    )  # an example with AHP level-1 weights
    spec = next((w for w in raw.get("weights") or [] if w.get("comparisons")), None)
    if spec is None:
        pytest.skip("no AHP example")
    spec["comparisons"][0][2] = 1e6
    assert "1–9 标度" in _refused(raw).message


def test_uncapped_indicator_far_beyond_its_target_is_refused():
    raw = _sewage()
    c12 = _indicator(raw, "C12")
    c12["cap"] = False
    c12["actual"] = 9_350_000
    err = _refused(raw)
    assert "cap: false" in err.message and "actual" in str(err.field)


def test_negative_counts_are_refused():
    raw = _sewage()
    _indicator(raw, "B22")["actual"] = -10  # 制度执行问题 −10 项
    assert "不能为负数" in _refused(raw).message


def test_papermill_text_numbers_read_as_the_yaml_12_numbers():
    from methods.casefile import _yaml11_numbers

    assert _yaml11_numbers({"a": ["9e3", "1.0e2", "0o170", "abc", "1.5"]}) == {
        "a": [9000.0, 100.0, 120, "abc", "1.5"]
    }


@pytest.mark.parametrize("char", ["\x1b[2J", "\u202e", "\u200b"])
def test_control_characters_in_a_csv_data_file_are_refused(tmp_path, char):
    path = tmp_path / "towns.csv"
    path.write_text(f"name,F11\n湖塘镇,1\n牛塘{char}镇,2\n", encoding="utf-8")
    with pytest.raises(CaseError) as info:
        casefile.check_data_file(path)
    assert "第 3 行" in info.value.message and char not in str(info.value)


# ---------------------------------------------------------------------------------------------
# Red team, remaining holes: a given grade that contradicts its score, unbounded project amounts,
# absurd growth, Monte Carlo runs with no valid draw, and Excel errors without their cell


def _example(name: str) -> dict:
    return _yaml.load((EXAMPLES / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("grade", "note", "says"),
    [("良", None, "应为“优”"), ("优秀", "等级限定", "不是等级标准中的等级")],
)
def test_key_project_grade_must_match_its_score(grade, note, says):
    raw = _example("wujin_housing_department_2023.yaml")
    project = raw["key_projects"]["projects"][1]  # score 94.12: 优 under mof_2020
    project["grade"] = grade
    project.pop("note", None)
    if note:
        project["note"] = note
    err = _refused(raw)
    assert err.field == "key_projects.projects[1].grade"
    assert (
        "武进区农村生活污水治理项目" in err.message
        and "94.12" in err.message
        and says in err.message
    )


def test_key_project_grade_below_its_score_needs_the_reason():
    """A grade limit (以拨代支 不得评为优) gives a grade below the score's: accepted with a note,
    never a grade above the score's."""
    raw = _example("wujin_housing_department_2023.yaml")
    assert raw["key_projects"]["projects"][1]["grade"] == "良"  # 94.12, capped: note given
    casefile.validate_mapping(raw, source="case.yaml", base_dir=EXAMPLES)
    raw["key_projects"]["projects"][2]["grade"] = "优"  # 84.6 is 良: a higher grade is a slip
    raw["key_projects"]["projects"][2]["note"] = "说明"
    assert "应为“良”" in _refused(raw).message


def test_key_project_grade_follows_the_case_grade_bands():
    raw = _example("wujin_housing_department_2023.yaml")
    raw["grade_bands"] = "local_80"  # 优 ≥ 80: 84.6 is 优 there, 良 under mof_2020
    assert "应为“优”" in _refused(raw).message  # the example writes 良 for 84.6
    raw["key_projects"]["projects"][2]["grade"] = "优"
    casefile.validate_mapping(raw, source="case.yaml", base_dir=EXAMPLES)


def test_key_project_case_with_a_contradicting_grade_is_refused():
    raw = _example("wujin_housing_department_2023.yaml")
    raw["key_projects"]["projects"][0]["grade"] = "差"  # evaluated from its case file
    err = _refused(raw)
    assert err.field == "key_projects.projects[0].grade" and "按案例文件评价" in err.message


@pytest.mark.parametrize(
    ("budget", "field", "says"),
    [
        ({"spent": 1900}, "budget.spent", "大于全年预算数"),
        ({"allocated": 6e10, "spent": 5e10}, "budget.allocated", "100 万亿元"),
    ],
)
def test_monitored_project_budgets_are_held_to_the_case_rules(budget, field, says):
    raw = _example("wujin_agriculture_monitoring_2024.yaml")
    raw["projects"][1]["budget"].update(budget)  # allocated 1800 万元
    err = _refused(raw)
    assert err.field == f"projects[1]（NY02）.{field}" and says in err.message
    if "spent" in budget and budget["spent"] < 1e6:  # explained overspending is accepted
        raw["projects"][1]["budget"]["note"] = "含上年结转资金 100 万元"
        casefile.validate_mapping(raw, source="case.yaml", base_dir=EXAMPLES)


@pytest.mark.parametrize(("growth", "says"), [(5, "±100%"), (1.5, "±100%"), (-1.5, "必须大于 -1")])
def test_cash_flow_growth_is_bounded(growth, says):
    raw = _example("wujin_village_sewage_cba_2025.yaml")
    line = next(i for i, x in enumerate(raw["cba"]["lines"]) if "growth" in x)
    raw["cba"]["lines"][line]["growth"] = growth
    err = _refused(raw)
    assert err.field == f"cba.lines[{line}].growth" and says in err.message


def test_growth_on_a_line_that_is_not_an_amount_is_refused():
    raw = _example("wujin_landfill_cba_2024.yaml")
    raw["cba"]["lines"][1]["growth"] = 0.05  # a CSV line: growth would do nothing
    err = _refused(raw)
    assert err.field == "cba.lines[1].growth" and "只用于 amount" in err.message


def test_monte_carlo_cell_bound_is_named():
    raw = _example("wujin_landfill_cba_2024.yaml")
    raw["cba"]["monte_carlo"]["n"] = 900_000  # under the 1,000,000 draws, over the cell bound
    err = _refused(raw)
    assert err.field == "cba.monte_carlo.n"
    assert "模拟次数 × 计算期年数 × 现金流条数" in err.message and "50,000,000" in err.message


@pytest.mark.parametrize(
    ("dist", "says"),
    [
        ({"dist": "uniform", "low": -3, "high": -2}, "折现率必须大于 -1"),
        ({"dist": "normal", "mean": 0.05, "sd": 1}, "均值 − 6 × 标准差"),
        ({"dist": "triangular", "min": -0.9999999, "mode": 0.05, "max": 0.1}, "无法计算"),
    ],
)
def test_discount_rate_distributions_that_give_invalid_draws_are_refused(dist, says, monkeypatch):
    from methods import cba

    def refuse(*args, **kwargs):
        raise AssertionError("validation ran a simulation")

    monkeypatch.setattr(cba.model, "monte_carlo", refuse)
    raw = _example("wujin_landfill_cba_2024.yaml")
    raw["cba"]["horizon"] = 400  # (1 − 0.9999999)^−400 overflows
    raw["cba"]["monte_carlo"]["distributions"]["折现率"] = dist
    err = _refused(raw)
    assert err.field == "cba.monte_carlo.distributions.折现率" and says in err.message


def test_a_monte_carlo_run_without_a_valid_draw_says_so():
    from methods import cba

    mc = cba.monte_carlo(
        lambda v: v["x"] * np.nan, {"x": 1.0}, {"x": ("uniform", 0.5, 1.5)}, n=50, seed=1
    )
    assert mc.all_invalid and mc.n_invalid == 50
    data = mc.to_dict()
    assert "全部 50 次抽样" in data["error"] and "全部 50 次抽样" in data["summary"]
    assert "nan" not in data["summary"].replace("NaN/inf", "").lower()
    ok = cba.monte_carlo(lambda v: v["x"], {"x": 1.0}, {"x": ("uniform", 0.5, 1.5)}, n=50, seed=1)
    assert not ok.all_invalid and "error" not in ok.to_dict()  # results.json unchanged


def test_draws_with_a_rate_at_minus_one_are_invalid_not_a_failed_run():
    from methods import cba

    raw = _example("wujin_landfill_cba_2024.yaml")
    model = cba.from_spec(raw["cba"], base_dir=EXAMPLES)
    out = model._drawable({"折现率": np.array([0.05, -1.0, -2.0])})
    assert np.isfinite(out[0]) and np.isnan(out[1:]).all()


def test_all_invalid_monte_carlo_in_the_report_and_conclusions(monkeypatch):
    import importlib

    from methods.cba import risk
    from methods.evaltypes.cost_benefit import analysis
    from methods.report.document import plain_text

    outline = importlib.import_module("methods.evaltypes.cost_benefit.outline")

    real = risk.monte_carlo

    def nan_model(model, *args, **kwargs):
        return real(lambda v: model(v) * np.nan, *args, **kwargs)

    monkeypatch.setattr("methods.cba.model.monte_carlo", nan_model)
    case = casefile.load_case(EXAMPLES / "wujin_landfill_cba_2024.yaml")
    result = analysis.analyse(case)
    assert result.analysis.monte_carlo.all_invalid
    assert any("均无效" in c for c in result.conclusions())
    assert not any("nan" in c.replace("NaN/inf", "").lower() for c in result.conclusions())
    text = " ".join(plain_text(b) for b in outline.risk_tables(result))
    assert "均无效" in text and "nan" not in text.replace("NaN/inf", "").lower()
    assert outline.plot_risk(result) is None


def _messy(tmp_path, name, edit):
    from tests.test_excel import messy_form

    return messy_form(tmp_path / f"{name}.xlsx", extra=edit)


def test_excel_row_with_values_but_no_indicator_name_is_refused(tmp_path):
    from methods import excel

    path = _messy(tmp_path, "blank", lambda ws: ws.__setitem__("C9", None))
    with pytest.raises(CaseError) as info:
        excel.import_form(path)
    assert info.value.field == "Sheet1!C9" and "指标名称为空" in info.value.message
    assert "Sheet1!D9" in info.value.message  # what the row does hold


def test_excel_score_cell_formatted_as_percentage_is_named(tmp_path):
    from methods import excel

    def pct(ws):
        ws["J14"] = 0.9  # 营养状况改善's 评分, shown as 90%
        ws["J14"].number_format = "0%"

    with pytest.raises(CaseError) as info:
        excel.import_form(_messy(tmp_path, "pct", pct))
    assert info.value.field == "Sheet1!J14" and "百分比（90%）" in info.value.message


def test_excel_validation_errors_name_the_cell(tmp_path):
    from tests.conftest import run_cli

    path = _messy(tmp_path, "negative", lambda ws: ws.__setitem__("D10", -10))
    proc = run_cli("import", path, "-o", tmp_path / "out.yaml")
    assert proc.returncode == 2 and "Sheet1!D10" in proc.stderr and "weight" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) <= 2 and not (tmp_path / "out.yaml").exists()
    path = _messy(tmp_path, "sum", lambda ws: ws.__setitem__("D9", 100))
    proc = run_cli("import", path, "-o", tmp_path / "out.yaml")
    assert proc.returncode == 2 and "Sheet1!D8:D17" in proc.stderr and "分值合计" in proc.stderr


def test_excel_sheet_names_are_quoted_where_excel_quotes_them(tmp_path):
    from methods import excel

    def rename(ws):
        ws.title = "Sheet 1"
        ws["G15"] = "约八"

    with pytest.raises(CaseError) as info:
        excel.import_form(_messy(tmp_path, "quoted", rename))
    assert info.value.field == "'Sheet 1'!G15"
