"""Refresh the golden results (tests/golden/results/) from a library built from the examples.

Every example's ``results.json`` is kept here byte for byte; ``tests/test_golden.py`` rebuilds the
examples and compares. A change that should not move any number (a refactor) leaves these files
alone; a change that should (an issue asking for it) refreshes them in the same commit, so the diff
shows exactly which outputs changed and how.

Usage::

    .venv/bin/jixiao batch parameters/examples --library /tmp/lib
    .venv/bin/python tools/update_golden.py /tmp/lib
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "results"


def main(library: str) -> int:
    lib = Path(library)
    found = sorted(lib.glob("*/*/results.json"))
    if not found:
        print(f"{lib} 中没有存档的 results.json")
        return 2
    if GOLDEN.exists():
        shutil.rmtree(GOLDEN)
    GOLDEN.mkdir(parents=True)
    for path in found:
        year, case_id = path.parent.parent.name, path.parent.name
        shutil.copyfile(path, GOLDEN / f"{year}__{case_id}.json")
    print(f"已更新 {len(found)} 个 results.json 到 {GOLDEN.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]) if len(sys.argv) == 2 else 2)
