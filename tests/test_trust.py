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
    casefile.validate(EXAMPLES / name)  # checks every deterministic part, simulates nothing
