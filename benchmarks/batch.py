"""Batch throughput: a naive loop of the papermill and nbconvert command lines against
``jixiao batch --workers 2``, on the same cases on the same machine in one run.

(a) baseline: for each case ``papermill NB out.ipynb -f case.yaml --cwd DIR`` followed by
    ``jupyter nbconvert --to html --no-input out.ipynb`` (what a user would script today);
(b) ``jixiao batch DIR --workers 2`` into a fresh library (parallel workers, warm kernels,
    atomic archive, index and catalogue included);
(c) the same ``jixiao batch`` again, unchanged (every case skipped by its hashes);
(d) the share of (b) spent on report.docx: the document each archived notebook published is
    rendered to DOCX again and timed; the growth is that time over the rest of a case's worker
    time (wall time of (b) × 2 workers / cases), i.e. what (b) would cost without DOCX.

Goals: (b) at least 4× faster than (a) on 2 cores; (c) under 5% of (b); (d) at most 20%.

Run:  python benchmarks/batch.py [--cases 12]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml
from _timing import best_of

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "parameters" / "examples"
BIN = Path(sys.executable).parent


def make_cases(folder: Path, n: int) -> list[Path]:
    """n cases: the examples repeated with unique case ids."""
    shutil.copytree(EXAMPLES / "evidence", folder / "evidence")
    shutil.copytree(EXAMPLES / "weights", folder / "weights")
    # self-contained examples (no library needed): project evaluations and self-evaluations
    examples = [
        EXAMPLES / f"{name}.yaml"
        for name in (
            "wujin_rural_sewage_2023",
            "wujin_student_nutrition_2023",
            "wujin_old_community_renovation_2023",
            "wujin_bus_subsidy_2023",
            "wujin_farmland_2023",
            "part_employment_subsidy_2023",
        )
    ]
    paths = []
    for i in range(n):
        src = examples[i % len(examples)]
        raw = yaml.safe_load(src.read_text(encoding="utf-8"))
        raw["case_id"] = f"{raw['case_id']}_b{i:03d}"
        path = folder / f"{raw['case_id']}.yaml"
        path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
        paths.append(path)
    return paths


def run(cmd: list[str], env: dict | None = None) -> None:
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--cases", type=int, default=12)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-") as tmp:
        tmp = Path(tmp)
        cases = make_cases(tmp / "cases", args.cases)
        out = tmp / "naive"
        out.mkdir()
        # cases with 历史标准 targets need a case library: an empty one, as (b) starts from
        (tmp / "naive-library").mkdir()
        env = {**os.environ, "JIXIAO_LIBRARY": str(tmp / "naive-library")}
        print(f"批量基准：{len(cases)} 个案例（示例案例复制），本机 CPU 2 核")

        t0 = time.perf_counter()
        for path in cases:
            evaluation = yaml.safe_load(path.read_text(encoding="utf-8"))["evaluation"]
            nb_out = out / f"{path.stem}.ipynb"
            run(
                [
                    str(BIN / "papermill"),
                    str(ROOT / "notebooks" / f"{evaluation}.ipynb"),
                    str(nb_out),
                    "-f",
                    str(path),
                    "--cwd",
                    str(path.parent),
                    "--no-progress-bar",
                ],
                env,
            )
            run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(nb_out)])
        naive = time.perf_counter() - t0
        print(
            f"  (a) papermill + nbconvert 命令行逐个运行 : {naive:7.1f} 秒（每案例 {naive / len(cases):.2f} 秒）"
        )

        lib = tmp / "library"
        batch_cmd = [str(BIN / "jixiao"), "batch", str(tmp / "cases"), "--workers", "2"]
        batch_cmd += ["--library", str(lib)]
        _, batch = best_of(run, batch_cmd)
        print(
            f"  (b) jixiao batch --workers 2              : {batch:7.1f} 秒（每案例 {batch / len(cases):.2f} 秒）"
        )

        _, again = best_of(run, batch_cmd)  # the same command again: every case unchanged
        print(f"  (c) 再次运行（案例未变化，全部跳过）      : {again:7.1f} 秒")

        from methods.report.docx import render_docx
        from methods.runner import extract_document

        notebooks = sorted(lib.glob("*/*/report.ipynb"))
        t0 = time.perf_counter()
        for nb in notebooks:
            render_docx(extract_document(nb))
        docx = (time.perf_counter() - t0) / len(notebooks)
        worker = batch * 2 / len(cases)
        growth = docx / (worker - docx) * 100
        print(
            f"  (d) report.docx 渲染                      : 每案例 {docx:.3f} 秒"
            f"（每案例工作进程时间 {worker:.2f} 秒）"
        )

        ratio = naive / batch
        print(f"  (a)/(b) = {ratio:.1f} 倍（目标 ≥ 4 倍：{'达到' if ratio >= 4 else '未达到'}）")
        share = again / batch * 100
        print(f"  (c)/(b) = {share:.1f}%（目标 < 5%：{'达到' if share < 5 else '未达到'}）")
        print(
            f"  (d) 使每案例时间增加 {growth:.1f}%（目标 ≤ 20%：{'达到' if growth <= 20 else '未达到'}）"
        )


if __name__ == "__main__":
    main()
