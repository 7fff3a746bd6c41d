"""One case, one score, whatever the route (contracts §3): every example run through the plain
papermill command line gives the results ``jixiao batch`` archived for it, with the same library."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from .conftest import EXAMPLES, plain_papermill

CASES = sorted(EXAMPLES.glob("*.yaml"))


@pytest.mark.notebook
def test_plain_papermill_gives_the_archived_results_for_every_example(demo_library, tmp_path):
    env = {"JIXIAO_LIBRARY": str(demo_library)}

    def run(path):
        out = tmp_path / path.stem
        out.mkdir()
        return path, plain_papermill(path, out, env=env)

    with ThreadPoolExecutor(max_workers=2) as pool:
        produced = list(pool.map(run, CASES))
    assert len(produced) == len(CASES) >= 30
    for path, results in produced:
        folder = demo_library / str(results["year"]) / results["case_id"]
        archived = json.loads((folder / "results.json").read_text(encoding="utf-8"))
        assert results == archived, path.name
