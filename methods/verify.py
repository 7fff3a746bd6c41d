"""Checking an archive: are the files the ones that were written, and do they reproduce?

``verify`` recomputes every archived file's SHA-256 against the case's ``provenance.json`` (whose
own hash is in the index), checks that the index row (total score, grade, level-1 points and the
indicators table) says what the archived ``results.json`` says, checks the index file itself, and
reports missing, tampered, inconsistent and unindexed cases. ``rerun=True`` also
re-executes each case from its archived ``parameters.yaml`` and data files, in a fresh kernel, and
compares the new ``results.json`` with the archived one (timings live in provenance.json, so the
results must be identical).
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from methods.library import Library

REQUIRED = ("report.ipynb", "report.html", "results.json", "parameters.yaml", "provenance.json")


@dataclass(frozen=True)
class Problem:
    """One finding: ``kind`` is missing, tampered, unindexed, index (the index row disagrees
    with results.json), corrupt (the index file), differs or failed."""

    year: int | None
    case_id: str | None
    kind: str
    detail: str

    def line(self) -> str:
        where = f"{self.year}/{self.case_id}" if self.case_id else "案例库"
        label = {
            "missing": "缺失",
            "tampered": "被修改",
            "unindexed": "未登记",
            "differs": "重算结果不一致",
            "failed": "重算失败",
            "index": "索引不一致",
            "corrupt": "索引损坏",
        }.get(self.kind, self.kind)
        return f"{label}  {where}: {self.detail}"


class RerunImpossible(Exception):
    """The archived inputs are not enough to re-execute a case."""


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check_files(library: Library, row) -> list[Problem]:
    """Hash checks of one indexed case."""
    year, case_id = row["year"], row["case_id"]
    folder = library.root / row["path"]
    if not folder.is_dir():
        return [Problem(year, case_id, "missing", f"存档目录 {row['path']} 不存在")]
    problems = [
        Problem(year, case_id, "missing", f"缺少 {name}")
        for name in REQUIRED
        if not (folder / name).is_file()
    ]
    prov_path = folder / "provenance.json"
    if not prov_path.is_file():
        return problems
    if row["manifest_hash"] and _sha(prov_path) != row["manifest_hash"]:
        problems.append(
            Problem(year, case_id, "tampered", "provenance.json 与索引中记录的哈希不符")
        )
    try:
        prov = json.loads(prov_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return [*problems, Problem(year, case_id, "tampered", f"provenance.json 无法读取：{exc}")]
    for name, expected in (prov.get("files") or {}).items():
        target = folder / name
        if not target.is_file():
            if name not in REQUIRED:
                problems.append(Problem(year, case_id, "missing", f"缺少 {name}"))
        elif _sha(target) != expected:
            problems.append(Problem(year, case_id, "tampered", f"{name} 的内容与存档时不同"))
    return problems


def _num(value: Any) -> str:
    return "空" if value is None else repr(value)


def check_index(library: Library, row) -> list[Problem]:
    """Does the index row of a case say what its archived results.json says? Compares the total
    score, grade, level-1 points and every row of the indicators table."""
    from methods.library import INDICATOR_COLUMNS, indicator_rows

    year, case_id = row["year"], row["case_id"]
    path = library.root / row["path"] / "results.json"
    try:
        results = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []  # reported by check_files (missing or tampered)
    if not isinstance(results, dict):
        return []
    found: list[str] = []
    for key, label in (("total_score", "总分"), ("grade", "等级")):
        if row[key] != results.get(key):
            found.append(
                f"{label}：索引为 {_num(row[key])}，results.json 为 {_num(results.get(key))}"
            )
    try:
        level1 = json.loads(row["level1"]) if row["level1"] else {}
    except ValueError:
        level1 = None
    if level1 != (results.get("level1") or {}):
        found.append("一级指标得分与 results.json 不同")
    try:
        expected = {r[0]: r for r in indicator_rows(results.get("indicators"))}
    except (KeyError, TypeError):
        expected = {}
    cols = ", ".join(INDICATOR_COLUMNS)
    indexed = {
        r[0]: tuple(r)
        for r in library.query(
            f"SELECT {cols} FROM indicators WHERE year = ? AND case_id = ?", (year, case_id)
        )
    }
    for code in sorted(set(expected) | set(indexed), key=str):
        if code not in indexed:
            found.append(f"指标 {code} 不在索引中")
        elif code not in expected:
            found.append(f"索引中的指标 {code} 不在 results.json 中")
        elif indexed[code] != expected[code]:
            diffs = [
                f"{col} 索引为 {_num(a)}、results.json 为 {_num(b)}"
                for col, a, b in zip(INDICATOR_COLUMNS, indexed[code], expected[code], strict=True)
                if a != b
            ]
            found.append(f"指标 {code}：" + "，".join(diffs))
    if not found:
        return []
    shown = "；".join(found[:5]) + (f"；等 {len(found)} 处" if len(found) > 5 else "")
    return [
        Problem(
            year,
            case_id,
            "index",
            shown + "（运行 jixiao library reindex 按存档重建索引）",
        )
    ]


def check_index_file(library: Library) -> list[Problem]:
    """SQLite's own integrity check of the index file."""
    try:
        rows = library.query("PRAGMA integrity_check")
    except Exception as exc:  # noqa: BLE001 - any failure to read it is the finding
        return [Problem(None, None, "corrupt", f"index.sqlite 无法检查：{exc}")]
    result = [r[0] for r in rows]
    if result != ["ok"]:
        return [
            Problem(
                None,
                None,
                "corrupt",
                "index.sqlite：" + "；".join(result[:3]) + "（运行 jixiao library reindex）",
            )
        ]
    return []


def _diff(a: Any, b: Any, path: str = "") -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for key in sorted(set(a) | set(b), key=str):
            out += _diff(a.get(key), b.get(key), f"{path}.{key}" if path else str(key))
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        out = []
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            label = x.get("code", i) if isinstance(x, dict) else i
            out += _diff(x, y, f"{path}[{label}]")
        return out
    return [] if a == b else [f"{path}: {a!r} → {b!r}"]


def rerun_case(library: Library, row, *, timeout: int = 600) -> list[str]:
    """Re-execute an archived case from its archived inputs; return the differences in results."""
    from methods import runner

    folder = library.root / row["path"]
    archived = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory(prefix="jixiao-verify-") as tmp:
        work = Path(tmp)
        case_file = work / f"{row['case_id']}.yaml"
        case_file.write_bytes((folder / "parameters.yaml").read_bytes())
        data = folder / "data"
        if data.is_dir():
            for f in data.rglob("*"):
                if f.is_file():
                    target = work / f.relative_to(data)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(f.read_bytes())
        # personal data (survey respondents) is hashed, not archived: use the original file when
        # it is still beside the case file and unchanged
        prov = json.loads((folder / "provenance.json").read_text(encoding="utf-8"))
        source = library.source_path(row["source"])
        source_dir = source.parent if source is not None else None
        for item in prov.get("data_files", []):
            target = work / item["name"]
            if target.exists():
                continue
            original = source_dir / item["name"] if source_dir else None
            if original is None or not original.is_file() or _sha(original) != item["sha256"]:
                raise RerunImpossible(
                    f"{item['name']} 未随存档保存（个人数据只记录哈希），且原文件已变化或不存在"
                )
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(original.read_bytes())
        fresh = runner.produce(
            case_file, timeout=timeout, runner="jixiao library verify --rerun", warm=True
        )
    return _diff(archived, fresh.results)


def verify(
    library: Library,
    *,
    rerun: bool = False,
    cases: list[str] | None = None,
    on_case: Callable[[str], None] | None = None,
) -> list[Problem]:
    """Check every indexed case (and find unindexed folders); with ``rerun`` re-execute them.
    ``cases`` limits the check to these case ids."""
    from methods.errors import JixiaoError

    if rerun:
        from methods.runner import use_library

        use_library(library)  # standards (历史/行业标准) come from the library being verified
    problems: list[Problem] = [] if cases else check_index_file(library)
    rows = library.cases()
    indexed = {row["path"] for row in rows}
    if cases:
        rows = [row for row in rows if row["case_id"] in set(cases)]
    for row in rows:
        found = check_files(library, row)
        found += check_index(library, row)
        problems += found
        if rerun and not found:
            try:
                diffs = rerun_case(library, row)
            except RerunImpossible as exc:
                problems.append(Problem(row["year"], row["case_id"], "failed", str(exc)))
                continue
            except JixiaoError as exc:
                problems.append(
                    Problem(row["year"], row["case_id"], "failed", str(exc).splitlines()[0])
                )
            else:
                if diffs:
                    shown = "；".join(diffs[:5]) + (
                        f"；等 {len(diffs)} 处" if len(diffs) > 5 else ""
                    )
                    problems.append(Problem(row["year"], row["case_id"], "differs", shown))
        if on_case:
            on_case(row["case_id"])
    for year_dir in sorted(
        p for p in library.root.iterdir() if p.is_dir() and p.name.isdigit() and not cases
    ):
        for case_dir in sorted(p for p in year_dir.iterdir() if p.is_dir()):
            rel = f"{year_dir.name}/{case_dir.name}"
            if rel not in indexed:
                problems.append(
                    Problem(
                        int(year_dir.name),
                        case_dir.name,
                        "unindexed",
                        "存档目录不在索引中（jixiao library reindex 可按存档重建索引）",
                    )
                )
    return problems
