"""Reports as documents, and ``results.json``.

A report is data (:mod:`methods.report.document`: sections, paragraphs, tables, figures,
callouts) built by each evaluation type from its analysis, with the cross-type blocks of
:mod:`methods.report.blocks`; :mod:`methods.report.html` and :mod:`methods.report.docx` render the
same document as report.html and report.docx. Here: the notebook protocol (:func:`start`,
:func:`show` each section as it is built, :func:`assemble`, :func:`publish` hands results.json and
the document to the runner as tagged outputs, so ``jixiao run`` and plain papermill produce the
same numbers), :func:`results` (contracts §4) and the conclusions of scored evaluations.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from methods import _format as fmt
from methods._json import jsonable as _jsonable
from methods._protocol import DOCUMENT_MIME, HIDE_TAG, RESULTS_MIME  # noqa: F401 - re-exported
from methods._resources import load_yaml
from methods.casefile import Case
from methods.evaluation import Evaluation
from methods.report import findings as _findings
from methods.report import html as _html_renderer  # noqa: F401 - blocks display themselves
from methods.report.document import (  # noqa: F401 - the document model, re-exported
    BulletList,
    Callout,
    Cell,
    Document,
    Figure,
    Paragraph,
    Section,
    Span,
    Table,
    group,
)

try:  # IPython is present wherever notebooks run; keep the module importable without it.
    from IPython.display import HTML, Markdown, display
except ImportError:  # pragma: no cover

    class _Text(str):
        @property
        def data(self) -> str:
            return str(self)

    HTML = Markdown = _Text  # type: ignore[misc, assignment]

    def display(*objs, **kwargs):  # type: ignore[no-redef]
        for obj in objs:
            print(obj)


def setup_notebook() -> None:
    """Notebook defaults for reports: PNG figures at print resolution, quiet warnings."""
    import warnings

    import matplotlib as mpl

    from methods import fonts

    fonts.register()
    mpl.rcParams["figure.dpi"] = 110
    mpl.rcParams["savefig.dpi"] = 150
    mpl.rcParams["figure.autolayout"] = False
    warnings.filterwarnings("ignore", category=FutureWarning)
    warnings.filterwarnings("ignore", category=DeprecationWarning)


# ---------------------------------------------------------------------------------------------
# Generic HTML pieces


# ---------------------------------------------------------------------------------------------
# Sections


def report_title(case: Case, kind: str | None = None) -> str:
    """E.g. ``武进区农村生活污水治理项目 2023 年度绩效评价报告``."""
    etype = case.evaluation_type
    kind = kind or etype.report_kind or etype.title + "报告"
    if str(case.year) in case.title:  # e.g. 武进区 2023 年度重点项目绩效综合排序
        return f"{case.title}{kind}"
    return f"{case.title} {case.year} 年度{kind}"


# ---------------------------------------------------------------------------------------------
# Conclusions


def framework_advice(ev: Evaluation) -> list[str]:
    """改进建议 from the framework file's ``advice`` (one per level-1 indicator that lost
    points, in the order they lost them, without repeats)."""
    advice = load_yaml("frameworks", f"{ev.framework.id}.yaml").get("advice") or {}
    return list(
        dict.fromkeys(advice[l1] for l1 in dict.fromkeys(ev.lost["level1"]) if l1 in advice)
    )


def with_case_conclusions(
    case: Any,
    achievements: list[str],
    problems: list[str],
    suggestions: list[str],
    *,
    no_problem: str,
    no_suggestion: str,
) -> dict[str, list[str]]:
    """The automatic conclusions followed by the evaluator's own (``conclusions:`` in the case);
    an empty 问题 or 建议 list gets its default sentence."""
    extra = getattr(case, "conclusions", None)
    if extra is not None:
        achievements = achievements + list(extra.achievements)
        problems = problems + list(extra.problems)
        suggestions = suggestions + list(extra.suggestions)
    return {
        "achievements": achievements,
        "problems": problems or [no_problem],
        "suggestions": suggestions or [no_suggestion],
    }


def conclusions(ev: Evaluation, *, max_achievements: int = 4) -> dict[str, list[str]]:
    """主要成效, 存在问题 and 有关建议 of a scored evaluation (:mod:`methods.report.findings`),
    plus the case's own ``conclusions:`` lists.

    - 成效: output and outcome indicators that beat their targets, furthest first, with their
      numbers; decision and management indicators at full score in one line;
    - 问题: 3–6 findings grouped by theme, each heading, facts and 原因分析 in one paragraph;
    - 建议: one per problem, ``{title}（针对问题N）：{text}``.
    """
    from methods.report import findings

    fd = findings.find(ev)
    return with_case_conclusions(
        ev.case,
        findings.achievements(ev, fd, limit=max_achievements),
        [p.text() for p in fd.problems],
        [f"{a.heading()}：{a.text}" for a in fd.advice],
        no_problem="各项指标均达到目标，未发现明显问题。",
        no_suggestion="保持现有管理水平，持续跟踪项目效益。",
    )


def _sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def grade_robustness(ev: Evaluation):
    """How robust the grade is to the level-1 weights (Monte Carlo, :mod:`methods.robustness`).

    Dirichlet draws around the level-1 points with the case's ``options.robustness``
    (concentration, draws, seed); the case's level-1 得分率 stay fixed.
    """
    from methods.robustness import weight_sensitivity

    opts = getattr(getattr(ev.case, "options", None), "robustness", None)
    lt = ev.level1_table
    scores = pd.DataFrame(
        [lt["score"].to_numpy() / lt["weight"].to_numpy()],
        columns=list(lt["level1"]),
        index=[ev.case.case_id],
    )
    weights = pd.Series(
        lt["weight"].to_numpy() / lt["weight"].sum() * 100, index=list(lt["level1"])
    )
    return weight_sensitivity(
        scores,
        weights,
        concentration=getattr(opts, "concentration", 100.0),
        n=getattr(opts, "draws", 10_000),
        seed=getattr(opts, "seed", 20200210),
        bands=ev.bands,
    )


# ---------------------------------------------------------------------------------------------
# results.json


def case_results(case: Case, **blocks: Any) -> dict[str, Any]:
    """The keys every ``results.json`` has (contracts §4), for any evaluation type.

    Evaluations without a score leave ``total_score`` and ``grade`` None, ``level1`` and
    ``indicators`` empty; each adds its own block (e.g. ``portfolio``, ``cba``, ``survey``).
    """
    b = case.budget
    out: dict[str, Any] = {
        "case_id": case.case_id,
        "title": case.title,
        "year": case.year,
        "department": case.department,
        "evaluation": case.evaluation,
        "budget_type": case.budget_type,
        "object_type": case.object_type,
        "total_score": None,
        "grade": None,
        "level1": {},
        "indicators": [],
        "warnings": [],
    }
    if b is not None:
        out["budget"] = {
            "planned": b.planned,
            "allocated": b.allocated,
            "spent": b.spent,
            "unit": b.unit,
            "execution_rate": None
            if b.execution_rate is None
            else fmt.round_half_up(b.execution_rate, 4),
            "arrival_rate": None
            if b.arrival_rate is None
            else fmt.round_half_up(b.arrival_rate, 4),
        }
    out.update(blocks)
    return _jsonable(out)


def results(ev: Evaluation, **extra: Any) -> dict[str, Any]:
    """The machine-readable results of a scored evaluation (contracts §4).

    Keys: ``case_id``, ``title``, ``year``, ``department``, ``evaluation``, ``budget_type``,
    ``object_type``, ``total_score``, ``grade``, ``grade_bands``, ``level1`` (name → points),
    ``level1_weights``, ``indicators`` (code, name, level1, level2, weight, score, lost, …),
    ``warnings``, ``notes``, ``framework``, ``budget``, ``conclusions``; plus ``extra`` blocks.
    """
    case = ev.case
    indicators = []
    for r in ev.table.to_dict("records"):
        target: Any = r["target"]
        if r["rule"] == "range":
            target = [r["target"], r["target_high"]]
        elif isinstance(r.get("target_text"), str):
            target = r["target_text"]
        indicators.append(
            {
                "code": r["code"],
                "name": r["name"],
                "level1": r["level1"],
                "level2": r["level2"],
                "level3": r["level3"] if isinstance(r["level3"], str) else None,
                "weight": round(float(r["weight"]), 4),
                "design_weight": float(r["design_weight"]),
                "rule": r["rule"],
                "variant": r["variant"] if isinstance(r["variant"], str) else None,
                "target": target,
                "actual": r["actual"] if r["rule"] not in ("qualitative", "checklist") else None,
                "unit": r["unit"] or None,
                "tier": r["tier"] if isinstance(r["tier"], str) else None,
                "applicable": bool(r["applicable"]),
                "score": r["score"],
                "lost": r["lost"] if r["applicable"] else None,
                "reason": r["reason"],
                "target_basis": r["target_basis"] if isinstance(r["target_basis"], str) else None,
                "actual_basis": r["actual_basis"] if isinstance(r["actual_basis"], str) else None,
            }
        )
    out = {
        **case_results(case),
        "total_score": ev.total,
        "grade": ev.grade,
        "grade_by_score": ev.grade_by_score,
        "grade_limits": [lim.to_dict() for lim in ev.limits],
        "grade_bands": {"name": ev.bands.name, "bands": dict(ev.bands.bands)},
        "level1": {r.level1: r.score for r in ev.level1_table.itertuples()},
        "level1_weights": {r.level1: r.weight for r in ev.level1_table.itertuples()},
        "indicators": indicators,
        "warnings": list(ev.warnings),
        "notes": list(ev.notes),
        "framework": {
            "id": ev.framework.id,
            "name": ev.framework.name,
            "source": ev.framework.source,
            "status": ev.framework.status,
        },
        "conclusions": conclusions(ev),
        "findings": _findings.find(ev).to_dict(),
        "weights": [d.to_dict() for d in ev.derivations],
    }
    robustness = extra.pop("robustness", None)
    if robustness is not None:
        row = robustness.table.iloc[0]
        out["robustness"] = {
            "grade_hold_probability": float(row["p_grade_holds"]),
            "total_p05": float(row["total_p05"]),
            "total_p95": float(row["total_p95"]),
            "concentration": robustness.concentration,
            "draws": robustness.n,
            "seed": robustness.seed,
        }
    out.update(extra)
    return _jsonable(out)


def start(case: Case, kind: str | None = None, *, meta: Sequence[str] | None = None) -> Document:
    """Begin a report notebook's document: title and meta line, shown at once in the notebook.

    Sections are added with :func:`show` as the notebook builds them; :func:`publish` hands the
    whole document to the runner, which renders report.html and report.docx from it.
    """
    if meta is None:
        meta = (f"{case.department} ｜ {case.year} 年度 ｜ {case.evaluation_type.title}",)
    doc = Document(report_title(case, kind), tuple(meta))
    display(doc.title_block())
    return doc


def assemble(case: Case, sections: Sequence[Section], kind: str | None = None) -> Document:
    """A whole report document from its sections (what a notebook builds one section at a time)."""
    meta = (f"{case.department} ｜ {case.year} 年度 ｜ {case.evaluation_type.title}",)
    return Document(report_title(case, kind), meta).add(list(sections))


def show(doc: Document, *parts: Any) -> None:
    """Display sections (or blocks) in the notebook and add them to the document, in order."""
    for part in parts:
        if part is None:
            continue
        for item in part if isinstance(part, list | tuple) else (part,):
            if item is None:
                continue
            section = item if isinstance(item, Section) else group(item)
            display(section)
            doc.add(section)


def figure(fig: Any, caption: str, alt: str = "", *, width: float = 1.0) -> Figure:
    """A matplotlib figure as a report figure (PNG at print resolution); the figure is closed."""
    return Figure.from_matplotlib(fig, caption, alt or caption, width=width)


def publish(
    result: Mapping[str, Any], path: str | Path | None = None, *, document: Document | None = None
) -> None:
    """Hand the results (and the report document) to the runner: tagged outputs in the notebook,
    and a results file if ``path``.

    ``jixiao run`` reads the output of type ``application/vnd.jixiao.results+json`` (and
    ``application/vnd.jixiao.document+json``, the outline it renders report.html and report.docx
    from) from the executed notebook; both are left out of the HTML report.
    """
    if document is not None:
        display(
            {DOCUMENT_MIME: document.to_dict(), "text/plain": f"报告文档：{document.title}"},
            raw=True,
        )
    data = _jsonable(dict(result))
    score = data.get("total_score")
    summary = f"评价结果已生成：{data.get('case_id')}"
    if score is not None:
        summary += f"，总分 {fmt.num(score)}，等级 {data.get('grade')}"
    display({RESULTS_MIME: data, "text/plain": summary}, raw=True)
    if path:
        Path(path).write_text(
            json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
