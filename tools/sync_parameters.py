"""Rewrite each report notebook's ``parameters`` cell from its example case file.

A notebook names its example in ``metadata.jixiao.example`` (a path relative to the project root).
The parameters cell then holds exactly that case's keys and values, so "Run All" in JupyterLab
evaluates the example, and a test checks the two never drift apart.

Usage: python tools/sync_parameters.py [NOTEBOOK ...]   (default: every notebook in notebooks/)
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from methods.casefile import read_yaml  # noqa: E402
from methods.runner import parameters_source  # noqa: E402

TRAILER = (
    "\n# 以下两项仅在 notebook 中使用（不是案例字段）\n"
    "# 填写路径则同时写出 results.json：\n"
    "results_path = None\n"
    "# 数据文件在当前目录找不到时到此目录查找（在 JupyterLab 中直接运行示例时使用）：\n"
    "example_dir = {example_dir!r}\n"
)


def sync(path: Path) -> bool:
    nb = nbformat.read(path, as_version=4)
    example = nb.metadata.get("jixiao", {}).get("example")
    if not example:
        return False
    raw, _ = read_yaml(ROOT / example)
    source = parameters_source(
        raw, f"参数（默认值为示例案例 {example}；papermill 在下方注入案例文件的参数）"
    )
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    current: dict = {}
    try:
        exec(cell.source, current)  # noqa: S102 - our own parameters cell
    except Exception:  # noqa: BLE001 - a broken cell is simply rewritten
        current = {}
    example_dir = os.path.relpath(ROOT / Path(example).parent, path.parent)
    wanted = {**raw, "results_path": None, "example_dir": example_dir}
    if {k: current.get(k, object()) for k in wanted} == wanted and set(current) - {
        "__builtins__"
    } == set(wanted):
        return False
    cell.source = source + TRAILER.format(example_dir=example_dir)
    nbformat.write(nb, path)
    # keep the committed notebook in the project's code style (make test runs ruff format --check)
    subprocess.run([sys.executable, "-m", "ruff", "format", "--quiet", str(path)], check=False)
    return True


if __name__ == "__main__":
    targets = [Path(p) for p in sys.argv[1:]] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    for nb_path in targets:
        if sync(nb_path):
            print(f"updated {nb_path}")
