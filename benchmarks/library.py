"""Case-library index at scale: 100,000 synthetic cases (× 10 indicators) in index.sqlite, then the
queries users run: ``library list`` with filters and ``library benchmark`` percentiles.

Goal: each query well under 100 ms. Baseline for comparison: the same filter done by reading every
case's results.json is not attempted at this size (it is what the index avoids); instead the
script prints the time of an unindexed full scan of the cases table for reference.

Run:  python benchmarks/library.py [--cases 100000]
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
from pathlib import Path

import numpy as np
from _timing import best_of

from methods.library import Library, benchmark, list_cases

DEPARTMENTS = [f"部门{i:02d}" for i in range(60)]
EVALUATIONS = ["project_evaluation", "self_evaluation"]
GRADES = ["优", "良", "中", "差"]


def populate(lib: Library, n: int, seed: int = 1) -> None:
    rng = np.random.default_rng(seed)
    years = rng.integers(2015, 2026, n)
    dept = rng.integers(0, len(DEPARTMENTS), n)
    evals = rng.integers(0, 2, n)
    scores = np.round(rng.normal(85, 8, n).clip(30, 100), 2)
    grades = np.select([scores >= 90, scores >= 80, scores >= 60], ["优", "良", "中"], "差")
    cases = [
        (
            int(years[i]),
            f"case_{i:06d}",
            f"proj_{i % 20000:05d}",
            f"项目{i}",
            DEPARTMENTS[dept[i]],
            EVALUATIONS[evals[i]],
            "general_public",
            "project",
            float(scores[i]),
            str(grades[i]),
            f"{years[i]}/case_{i:06d}",
            "h",
            "c",
            "n",
            "p",
            "x.yaml",
            "m",
            "2026-01-01",
            "{}",
        )
        for i in range(n)
    ]
    codes = rng.integers(0, 200, (n, 10))
    actual = rng.normal(90, 10, (n, 10))
    rows = [
        (
            int(years[i]),
            f"case_{i:06d}",
            f"C{codes[i, j]:03d}",
            f"指标{codes[i, j]}",
            "产出",
            "产出数量",
            "positive",
            "%",
            10.0,
            100.0,
            float(actual[i, j]),
            float(min(actual[i, j], 100) / 10),
            f"name:指标{codes[i, j]}",  # identity (methods.library, "Indicator identity")
            "higher",
        )
        for i in range(n)
        for j in range(10)
    ]
    con = sqlite3.connect(lib.index_path)
    with con:
        con.executemany(f"INSERT OR IGNORE INTO cases VALUES ({','.join('?' * 19)})", cases)
        con.executemany(
            "INSERT OR IGNORE INTO indicators (year, case_id, code, name, level1, level2, rule,"
            " unit, weight, target, actual, score, identity, direction)"
            f" VALUES ({','.join('?' * 14)})",
            rows,
        )
    con.execute("ANALYZE")
    con.close()


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--cases", type=int, default=100_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="jixiao-index-") as tmp:
        lib = Library(Path(tmp) / "lib")
        t0 = time.perf_counter()
        populate(lib, args.cases)
        print(
            f"案例库索引基准：{args.cases:,} 个案例、{args.cases * 10:,} 条指标记录（写入 {time.perf_counter() - t0:.1f} 秒）"
        )
        queries = {
            "list --year 2023 --department 部门07": lambda: list_cases(
                lib, year=2023, department="部门07"
            ),
            "list --grade 差 --evaluation self_evaluation": lambda: list_cases(
                lib, grade="差", evaluation="self_evaluation"
            ),
            "list --year 2024": lambda: list_cases(lib, year=2024),
            "benchmark C042": lambda: benchmark(lib, "C042"),
            "benchmark C042 --by year": lambda: benchmark(lib, "C042", by="year"),
            "benchmark C042 --by department --years 2021 2025": lambda: benchmark(
                lib, "C042", by="department", years=(2021, 2025)
            ),
        }
        for label, fn in queries.items():
            out, secs = best_of(fn, repeat=5)
            flag = "✓" if secs < 0.1 else "✗ 超过 100 ms"
            print(f"  {label:<48} {secs * 1000:7.1f} ms  （{len(out):,} 行）{flag}")
        con = sqlite3.connect(lib.index_path)
        _, scan = best_of(
            lambda: con.execute("SELECT COUNT(*) FROM cases WHERE title LIKE '%9999%'").fetchall(),
            repeat=3,
        )
        print(f"  参考：全表扫描（无索引可用的模糊条件）            {scan * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
