"""Every example's results.json, byte for byte, against tests/golden/results/ (tools/update_golden.py).

A refactor proves itself here: the examples give byte-identical results. A change that is meant to
move numbers refreshes the golden files in the same commit, so the diff shows what changed."""

from __future__ import annotations

import pytest

from .conftest import EXAMPLES, ROOT

GOLDEN = ROOT / "tests" / "golden" / "results"


@pytest.mark.notebook
def test_every_example_gives_its_golden_results(demo_library):
    archived = {
        f"{p.parent.parent.name}__{p.parent.name}.json": p.read_bytes()
        for p in demo_library.glob("*/*/results.json")
    }
    golden = {p.name: p.read_bytes() for p in GOLDEN.glob("*.json")}
    assert sorted(archived) == sorted(golden), "examples and golden results differ in number"
    changed = [name for name in golden if archived[name] != golden[name]]
    assert not changed, f"results.json changed (refresh with tools/update_golden.py): {changed}"
    assert len(golden) == len(list(EXAMPLES.glob("*.yaml")))
