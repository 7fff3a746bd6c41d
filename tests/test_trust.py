"""No silent wrong number: unit slips warn by name, data files are bounded before they are read."""

from __future__ import annotations

import zipfile

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
