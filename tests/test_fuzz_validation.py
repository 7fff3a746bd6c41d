"""No "内部错误" for any input a user can write: random edits of every example case file either
validate or are refused with a CaseError (file, field, message), never another exception."""

from __future__ import annotations

import copy
import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from methods import _yaml, casefile
from methods.errors import CaseError
from tests.conftest import EXAMPLES

CASES = sorted(EXAMPLES.glob("*.yaml"))
RAW = {p.name: _yaml.load(p.read_text(encoding="utf-8")) for p in CASES}

leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**18), max_value=10**18),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["", " ", "\u3000", "1e2", "100%", "优", "达成年度指标", "2024-02-30", "-1"]),
)
numbers = st.one_of(
    st.integers(min_value=-5, max_value=200),
    st.floats(min_value=-1e3, max_value=1e6),
    st.sampled_from([0, 0.0, -0.0, 1e300, -1, 100, 1e-12, math.inf, math.nan, True]),
)
texts = st.one_of(
    st.text(max_size=8),
    st.sampled_from(["", "优", "良", "差", "达成年度指标", "部分达成", "positive", "reverse", "%"]),
)
value = st.recursive(
    leaf,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


def _paths(node, path=()):
    """Every (path, value) in a nested case mapping."""
    yield path, node
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, (*path, i))


def _set(raw, path, new):
    node = raw
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = new


def _delete(raw, path):
    node = raw
    for part in path[:-1]:
        node = node[part]
    if isinstance(node, dict):
        del node[path[-1]]
    else:
        node.pop(path[-1])


@settings(
    max_examples=600,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.sampled_from(sorted(RAW)), st.data())
def test_random_edits_validate_or_are_refused_cleanly(name, data):
    raw = copy.deepcopy(RAW[name])
    paths = [p for p, _ in _paths(raw) if p and p[0] not in ("case_id", "evaluation")]
    for _ in range(data.draw(st.integers(min_value=1, max_value=3))):
        paths = [p for p, _ in _paths(raw) if p and p[0] not in ("case_id", "evaluation")]
        if not paths:
            break
        path = data.draw(st.sampled_from(paths))
        old = dict(_paths(raw))[path]
        how = data.draw(st.sampled_from(["alike", "alike", "alike", "any", "delete"]))
        if how == "delete":
            _delete(raw, path)
        elif how == "alike" and isinstance(old, bool | int | float):
            _set(raw, path, data.draw(numbers))
        elif how == "alike" and isinstance(old, str):
            _set(raw, path, data.draw(texts))
        else:
            _set(raw, path, data.draw(value))
    try:
        case = casefile.validate_mapping(raw, source=name, base_dir=EXAMPLES)
    except CaseError as exc:
        text = str(exc)
        assert text and "Traceback" not in text
        assert len(text.splitlines()) <= 2, text
        return
    # a case that validates has finite numbers wherever it is scored
    budget = getattr(case, "budget", None)
    for key in ("planned", "allocated", "spent"):
        amount = getattr(budget, key, None) if budget is not None else None
        assert amount is None or math.isfinite(amount)
