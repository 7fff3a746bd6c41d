"""Every YAML the project reads: YAML 1.2 numbers, refused ambiguities, dates, keys, controls.

YAML 1.2 core schema (https://yaml.org/spec/1.2.2/#103-core-schema) against YAML 1.1
(https://yaml.org/type/int.html, https://yaml.org/type/float.html, https://yaml.org/type/bool.html),
which PyYAML's ``safe_load`` and papermill's ``-f`` implement.
"""

from __future__ import annotations

import datetime
import math

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from methods import _yaml, casefile
from methods.errors import CaseError
from tests.conftest import EXAMPLES


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("60", 60),
        ("-3", -3),
        ("+5", 5),
        ("0", 0),
        ("0x1F", 31),
        ("0o17", 15),
        ("1e2", 100.0),  # text in YAML 1.1, a number in 1.2
        ("1.0e+2", 100.0),
        (".5", 0.5),
        ("1.", 1.0),
        ("007.5", 7.5),  # a float with leading zeros is the same number in both
        ("true", True),
        ("False", False),
        ("~", None),
        ("null", None),
        ("3.5%", "3.5%"),
        ("y", "y"),  # PyYAML never read y/n as booleans: keys such as ``n:`` stay text
        ("n", "n"),
        ("'060'", "060"),
        ('"1:30"', "1:30"),
        ('"yes"', "yes"),
        ("2024-07-15", datetime.date(2024, 7, 15)),
    ],
)
def test_yaml_12_scalars(text, value):
    assert _yaml.load(f"a: {text}") == {"a": value}


def test_infinity_and_nan_are_floats_that_validation_then_refuses():
    loaded = _yaml.load("a: .inf\nb: -.Inf\nc: .nan")
    assert loaded["a"] == math.inf and loaded["b"] == -math.inf and math.isnan(loaded["c"])


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("060", "八进制"),  # YAML 1.1: 48
        ("-007", "八进制"),
        ("1:30", "六十进制"),  # YAML 1.1: 90
        ("12:30:00", "六十进制"),
        ("1_000", "下划线"),
        ("0b101", "十进制"),
        ("yes", "true 或 false"),
        ("No", "true 或 false"),
        ("on", "true 或 false"),
        ("OFF", "true 或 false"),
    ],
)
def test_scalars_read_differently_by_yaml_11_are_refused(text, says):
    with pytest.raises(_yaml.AmbiguousScalar) as info:
        _yaml.load(f"x: 1\na: {text}")
    assert says in info.value.problem
    assert info.value.problem_mark.line == 1


@pytest.mark.parametrize(
    ("text", "says"), [("2023-13-45", "月份"), ("2024-02-30", "没有这一天"), ("2023-02-29", "没有")]
)
def test_invalid_dates_are_refused_with_their_line(text, says):
    with pytest.raises(_yaml.InvalidDate) as info:
        _yaml.load(f"x: 1\nwhen: {text}")
    assert says in info.value.problem and info.value.problem_mark.line == 1


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_integers_read_as_written(n):
    assert _yaml.load(f"a: {n}") == {"a": n}
    # YAML 1.1 agrees on every integer written without a leading zero (papermill reads the same)
    assert yaml.safe_load(f"a: {n}") == {"a": n}


@settings(max_examples=300, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False, width=64))
def test_floats_read_as_written(x):
    text = repr(x)
    assert _yaml.load(f"a: {text}") == {"a": x}


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=10**6), st.integers(min_value=1, max_value=3))
def test_leading_zero_integers_never_become_octal(n, zeros):
    text = "0" * zeros + str(n)
    with pytest.raises(_yaml.AmbiguousScalar):
        _yaml.load(f"a: {text}")


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=99), st.integers(min_value=0, max_value=59))
def test_base_60_never_becomes_a_number(h, m):
    with pytest.raises(_yaml.AmbiguousScalar):
        _yaml.load(f"a: {h}:{m:02d}")


def test_complex_and_duplicate_keys_are_refused():
    with pytest.raises(_yaml.BadKey, match="复杂键"):
        _yaml.load("? [a, b]\n: 1\n")
    with pytest.raises(_yaml.BadKey, match="重复"):
        _yaml.load("a: 1\na: 2\n")


def _case_text(**replace: str) -> str:
    text = (EXAMPLES / "wujin_rural_sewage_2023.yaml").read_text(encoding="utf-8")
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def _refusal(tmp_path, text: str) -> CaseError:
    path = tmp_path / "case.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CaseError) as info:
        casefile.load_case(path)
    return info.value


def test_case_file_names_the_field_and_line_of_an_ambiguous_number(tmp_path):
    err = _refusal(tmp_path, _case_text(**{"year: 2023": "year: 02023"}))
    assert err.line is not None and err.field == ("year",)
    assert "八进制" in err.message


def test_case_file_refuses_an_invalid_date_with_its_line(tmp_path):
    text = (EXAMPLES / "wujin_rural_sewage_targets_2024.yaml").read_text(encoding="utf-8")
    text = text.replace('date: "2024-07-15"', "date: 2024-02-30")
    err = _refusal(tmp_path, text)
    assert "没有这一天" in err.message and err.line is not None
    assert err.field[-1] == "date"


@pytest.mark.parametrize(
    ("char", "where"),
    [
        ("\x00", "title"),
        ("\x1b[31m", "title"),
        ("\u202e", "title"),
        ("\u200b", "code"),
        ("\u2066", "name"),
    ],
)
def test_control_and_invisible_characters_are_refused_and_never_echoed(tmp_path, char, where):
    text = _case_text()
    if where == "title":
        text = text.replace("title: ", f"title: 武进{char}", 1)
    elif where == "code":
        text = text.replace("code: ", f"code: {char}", 1)
    else:
        text = text.replace("name: ", f"name: {char}", 1)
    err = _refusal(tmp_path, text)
    assert "控制字符" in err.message and err.line is not None
    assert char not in str(err) and "\x1b" not in str(err)


def test_messages_never_echo_raw_control_characters():
    err = CaseError("实际为 '\x1b[2J\u202e'", file="a.yaml", hint="\x07")
    assert "\x1b" not in str(err) and "\u202e" not in str(err) and "\x07" not in str(err)
    assert "\\u001b" in str(err)


def test_deep_nesting_is_refused_without_recursion(tmp_path):
    text = _case_text(**{"title: ": "title: " + "[" * 200 + "]" * 200 + "\nx_: "})
    err = _refusal(tmp_path, text)
    assert "嵌套层次过深" in err.message


def test_long_values_are_cut_in_messages(tmp_path):
    err = _refusal(tmp_path, _case_text(**{"year: 2023": "year: [" + ", ".join(["1"] * 500) + "]"}))
    assert len(str(err)) < 300


@pytest.mark.parametrize("blank", ["   ", "\u3000\u3000", " \t "])
def test_a_name_that_is_blank_after_stripping_is_refused(tmp_path, blank):
    text = _case_text(**{"title: 武进区农村生活污水治理项目": f'title: "{blank}"'})
    err = _refusal(tmp_path, text.replace("\t", "\\t"))
    assert "空白" in err.message and err.field == "title" and err.line == 3


def test_papermill_route_names_scientific_notation_it_read_as_text():
    # papermill reads case files with YAML 1.1, where 1e2 is text: the notebook route then
    # refuses it by name instead of taking a wrong value
    raw = _yaml.load((EXAMPLES / "wujin_rural_sewage_2023.yaml").read_text(encoding="utf-8"))
    raw["budget"]["planned"] = "3.8e3"
    with pytest.raises(CaseError) as info:
        casefile.validate_mapping(raw, base_dir=EXAMPLES)
    assert "papermill" in info.value.message and "1.0e+2" in info.value.message


def test_text_year_keys_from_papermill_are_the_same_mapping():
    # papermill hands the notebook {"2025": 6800} for {2025: 6800}: both validate alike
    from methods.casefile import _integer_keys

    assert _integer_keys({"a": {"2025": 1, "x": {"-3": 2, "01": 3}}}) == {
        "a": {2025: 1, "x": {-3: 2, "01": 3}}
    }
