"""The year's 预算绩效管理工作情况报告 from the case library (``jixiao library report YEAR``).

武发〔2020〕48号 asks that evaluation results be reported to the 区委区政府 and put before the 区人大.
This module reads the archived cases of one year (the index, each archive's ``results.json`` and
``parameters.yaml``) and builds, in the official report style of the other reports:

一、总体情况 (coverage by stage of the 全过程 chain, by budget type and by department, money
covered), 二、评价结果 (grades on one named scale, money by grade, charts), 三、发现的主要问题 (the
archived findings grouped by theme), 四、结果应用和整改情况 (the results-application case of the next
year, else of the year) and 五、下一步工作 (only what the data shows), with a 说明 on which cases
were counted and why others were not.

The pure functions return tidy DataFrames (:func:`year_cases`, :func:`coverage`,
:func:`grade_table`, :func:`problem_frame`, :func:`problem_summary`); :func:`outline` builds the
document; :func:`write` renders it to ``<library>/reports/<YEAR>/`` (report.html, report.docx,
summary.json), staged and renamed so that no half-written folder is ever visible. The counting
rules (stages, which types are graded, money, the scale) are data:
``methods/_data/annual_report.yaml``.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from methods import _format as fmt
from methods._resources import load_yaml
from methods.casefile import BUDGET_TYPES, EVALUATIONS
from methods.library import Library, LibraryError
from methods.report import blocks
from methods.report.document import (
    BulletList,
    Document,
    Figure,
    Paragraph,
    Section,
    Table,
)

__all__ = [
    "AnnualReport",
    "build",
    "coverage",
    "grade_table",
    "outline",
    "problem_frame",
    "problem_summary",
    "regrade",
    "rules",
    "write",
    "year_cases",
]

REPORTS_DIR = "reports"
FILES = ("report.html", "report.docx", "summary.json")


class AnnualReportError(LibraryError):
    """No report can be made for the year asked (no archived case, bad output folder): exit 2."""


def rules() -> dict[str, Any]:
    """The counting rules (``methods/_data/annual_report.yaml``)."""
    return load_yaml("annual_report.yaml")


# ---------------------------------------------------------------------------------------------
# Reading the library


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _read_yaml(path: Path) -> dict[str, Any]:
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return {}
    return data if isinstance(data, dict) else {}


def _archived(library: Library, year: int) -> pd.DataFrame:
    """The index rows of ``year`` with each archive's results.json and parameters.yaml."""
    with library.reading() as con:
        df = pd.read_sql_query(
            "SELECT year, case_id, project_id, title, department, evaluation, budget_type,"
            " object_type, total_score, grade, path FROM cases WHERE year = ?",
            con,
            params=(int(year),),
        )
    df = df.sort_values("case_id", kind="stable").reset_index(drop=True)
    # reading the files is the only per-case step
    df["results"] = [_read_json(library.root / p / "results.json") for p in df["path"]]
    df["parameters"] = [_read_yaml(library.root / p / "parameters.yaml") for p in df["path"]]
    return df


def known_years(library: Library) -> list[int]:
    """The years that have archived cases."""
    with library.reading() as con:
        rows = con.execute("SELECT DISTINCT year FROM cases ORDER BY year").fetchall()
    return [int(r[0]) for r in rows]


def _budget_frame(results: pd.Series, parameters: pd.Series) -> pd.DataFrame:
    """全年预算数 and its unit from results.json's ``budget`` (else the case file's)."""
    res = pd.json_normalize([r.get("budget") or {} for r in results]).reindex(
        columns=["allocated", "unit"]
    )
    par = pd.json_normalize([p.get("budget") or {} for p in parameters]).reindex(
        columns=["allocated", "unit"]
    )
    res.index = par.index = results.index
    allocated = pd.to_numeric(res["allocated"], errors="coerce").fillna(
        pd.to_numeric(par["allocated"], errors="coerce")
    )
    unit = res["unit"].astype(object).fillna(par["unit"].astype(object)).fillna("万元")
    return pd.DataFrame({"allocated": allocated, "unit": unit})


def year_cases(library: Library, year: int) -> pd.DataFrame:
    """One row per archived case of ``year``, classified by the counting rules.

    Columns: the index's (case_id, project_id, title, department, evaluation, budget_type,
    object_type, total_score, grade, path), ``evaluation_title``, ``budget_title``, ``stage``,
    ``amount`` (全年预算数 in 万元, NaN where unknown), ``scale`` (the archived grade scale),
    ``graded`` / ``money`` / ``problems`` (what the case counts for), ``reason`` (why a case is
    not in the grade counts), plus ``results`` and ``parameters`` (the archive's files).

    Raises
    ------
    AnnualReportError
        The library holds no case of ``year`` (the message lists the years it has).
    """
    cfg = rules()
    df = _archived(library, year)
    if df.empty:
        years = known_years(library)
        have = "、".join(str(y) for y in years) if years else "无"
        raise AnnualReportError(
            f"案例库 {library.root} 中没有 {year} 年度的存档案例（已有年度：{have}）"
        )
    types = pd.DataFrame.from_dict(cfg["types"], orient="index")
    types["order"] = np.arange(len(types))
    known = df["evaluation"].isin(types.index)
    t = types.reindex(df["evaluation"]).reset_index(drop=True)
    df["stage"] = t["stage"].where(known, cfg["stages"]["other"])
    df["type_order"] = t["order"].fillna(len(types)).astype(int)
    for flag in ("graded", "money", "problems"):
        df[flag] = t[flag].where(known, False).astype(bool)
    df["reason"] = t["reason"].where(known, "评价类型未列入汇总口径，只计入覆盖情况").fillna("")
    df["evaluation_title"] = df["evaluation"].map(lambda e: getattr(EVALUATIONS.get(e), "title", e))
    df["budget_title"] = df["budget_type"].map(lambda b: BUDGET_TYPES.get(b, b))
    budget = _budget_frame(df["results"], df["parameters"])
    factors = cfg["money"]["unit_factors"]
    df["amount"] = budget["allocated"] * budget["unit"].map(factors)
    df["scale"] = df["results"].map(lambda r: (r.get("grade_bands") or {}).get("name"))
    df["total_score"] = pd.to_numeric(df["total_score"], errors="coerce")
    return _one_line_per_project(df)


def _one_line_per_project(df: pd.DataFrame) -> pd.DataFrame:
    """A project evaluated twice in the year counts once in grades, money and problems: the case of the
    type listed first (财政评价 before 自评), then the first case id; the other is noted."""
    df = df.copy()
    counted = df["graded"] | df["money"]
    key = df["project_id"].fillna(df["case_id"]) + "\x00" + df["department"].fillna("")
    order = df.assign(_key=key, _counted=counted).sort_values(
        ["_counted", "type_order", "case_id"], ascending=[False, True, True], kind="stable"
    )
    dup = order["_counted"] & order.duplicated("_key")
    first = order[~order.duplicated("_key")].set_index("_key")["title"]
    dup = dup.reindex(df.index)
    df["duplicate_of"] = np.where(dup, key.map(first), None)
    df["reason"] = np.where(
        dup,
        "与“" + df["duplicate_of"].fillna("") + "”为同一项目的同一年度评价，只计一次",
        df["reason"],
    )
    df.loc[dup, ["graded", "money", "problems"]] = False
    return df


# ---------------------------------------------------------------------------------------------
# Coverage


def money_mask(cases: pd.DataFrame) -> pd.Series:
    """Cases whose money counts as project and policy money covered (not department or
    government budgets, which contain it)."""
    separate = rules()["money"]["separate_objects"]
    return cases["money"] & ~cases["object_type"].isin(list(separate))


def coverage(cases: pd.DataFrame, by: str) -> pd.DataFrame:
    """Cases and money by ``by`` (``stage``, ``budget_type`` or ``department``).

    Returns columns ``by`` (its Chinese label for stage and budget type), ``cases`` (all archived
    cases), ``evaluated`` (cases in the grade counts), ``amount`` (project and policy money,
    万元, :func:`money_mask`) and ``separate`` (department and government budgets, 万元). Stages
    follow the 全过程 order and budget types the four budgets, zeros included; departments by
    number of cases.
    """
    label = {"stage": "stage", "budget_type": "budget_title", "department": "department"}[by]
    mm = money_mask(cases)
    sep = cases["money"] & ~mm
    frame = pd.DataFrame(
        {
            by: cases[label].fillna("（未填写）"),
            "cases": 1,
            "evaluated": cases["graded"].astype(int),
            "amount": cases["amount"].where(mm, 0.0).fillna(0.0),
            "separate": cases["amount"].where(sep, 0.0).fillna(0.0),
        }
    )
    out = frame.groupby(by, sort=False).sum()
    if by == "stage":
        cfg = rules()["stages"]
        order = [*cfg["order"], *(s for s in out.index if s not in cfg["order"])]
        out = out.reindex(order, fill_value=0)
    elif by == "budget_type":
        order = [*BUDGET_TYPES.values(), *(s for s in out.index if s not in BUDGET_TYPES.values())]
        out = out.reindex(order, fill_value=0)
    else:
        out = out.sort_values(["cases", "amount"], ascending=False, kind="stable")
    out = out.reset_index()
    out[["cases", "evaluated"]] = out[["cases", "evaluated"]].astype(int)
    return out


# ---------------------------------------------------------------------------------------------
# Grades


def _limit_rules() -> dict[str, dict[str, Any]]:
    """Every grade-limit clause of the presets by its text (action, grade, steps)."""
    data = load_yaml("grade_limits.yaml")
    return {r["text"]: r for p in data["presets"].values() for r in p["rules"]}


def regrade(cases: pd.DataFrame, scale: str | None = None) -> pd.DataFrame:
    """The graded cases, graded again on one scale (default ``regrade.scale``) from their
    archived total score, with their archived grade limits (等级限定) applied again: a cap keeps
    the grade at or below its grade, a veto gives the lowest, a lowering moves down its steps
    (caps and vetoes first, as :func:`methods.evaluation.apply_grade_limits`).

    A case whose archived scale has grades other than the scale's (a foreign framework) is not
    comparable: ``comparable`` False, no ``unified`` grade.

    Returns columns of ``cases`` plus ``by_score`` (grade by score on the scale), ``unified``
    (after the limits), ``limited`` (the limit clauses applied, text) and ``comparable``.
    """
    from methods.scoring import grade_array, grade_bands

    cfg = rules()["regrade"]
    scale = scale or cfg["scale"]
    labels = [label for label, _ in grade_bands(scale).bands]
    out = cases[cases["graded"]].copy()
    if out.empty:
        return out.assign(by_score=None, unified=None, limited="", comparable=True)
    scales = load_yaml("grade_bands.yaml")
    own = out["scale"].map(lambda s: tuple(scales.get(s, {}).get("bands", {})) if s else None)
    out["comparable"] = (
        own.map(lambda g: g is None or set(g) <= set(labels)) & out["total_score"].notna()
    )
    by_score = pd.Series(
        grade_array(out["total_score"].to_numpy(dtype=float), scale), index=out.index
    )
    rank = {g: i for i, g in enumerate(labels)}
    base = by_score.map(rank)
    # archived limits, one row per clause
    lim = out["results"].map(lambda r: r.get("grade_limits") or []).explode().dropna()
    clauses = _limit_rules()
    if lim.empty:
        final = base
        out["limited"] = ""
    else:
        lf = pd.DataFrame(list(lim), index=lim.index)
        rule = lf["rule"].map(lambda t: clauses.get(t, {}))
        action = rule.map(lambda r: r.get("action", "lower"))
        cap_rank = rule.map(lambda r: rank.get(r.get("grade"), np.nan))
        own_steps = lf["after"].map(rank) - lf["before"].map(rank)
        steps = rule.map(lambda r: r.get("steps", np.nan)).fillna(own_steps).fillna(1)
        cap = pd.Series(
            np.select(
                [action.eq("cap"), action.eq("veto")],
                [cap_rank, len(labels) - 1],
                default=np.nan,
            ),
            index=lf.index,
        )
        low = steps.where(action.eq("lower"), 0)
        cap_max = cap.groupby(level=0).max().reindex(out.index)
        low_sum = low.groupby(level=0).sum().reindex(out.index).fillna(0)
        capped = np.fmax(base, cap_max)
        final = np.minimum(capped + low_sum, len(labels) - 1)
        out["limited"] = lf["rule"].groupby(level=0).agg("；".join).reindex(out.index).fillna("")
    inv = dict(enumerate(labels))
    out["by_score"] = by_score.where(out["comparable"], None)
    out["unified"] = final.map(inv).where(out["comparable"], None)
    return out


def grade_table(graded: pd.DataFrame, scale: str | None = None) -> pd.DataFrame:
    """Cases and money by unified grade (all grades of the scale, zeros included).

    ``graded`` is :func:`regrade`'s result. Columns ``grade``, ``cases``, ``share`` (% of the
    comparable cases), ``amount`` (project and policy money, 万元) and ``separate`` (department
    budgets, 万元)."""
    from methods.scoring import grade_bands

    scale = scale or rules()["regrade"]["scale"]
    labels = [label for label, _ in grade_bands(scale).bands]
    g = graded[graded["comparable"]] if not graded.empty else graded
    mm = money_mask(g) if not g.empty else pd.Series(dtype=bool)
    frame = pd.DataFrame(
        {
            "grade": g["unified"] if not g.empty else pd.Series(dtype=object),
            "cases": 1,
            "amount": g["amount"].where(mm, 0.0).fillna(0.0) if not g.empty else 0.0,
            "separate": g["amount"].where(~mm, 0.0).fillna(0.0) if not g.empty else 0.0,
        }
    )
    out = frame.groupby("grade").sum().reindex(labels, fill_value=0)
    out = out.rename_axis("grade").reset_index()
    out["cases"] = out["cases"].astype(int)
    total = out["cases"].sum()
    out["share"] = out["cases"] / total * 100 if total else 0.0
    return out[["grade", "cases", "share", "amount", "separate"]]


# ---------------------------------------------------------------------------------------------
# Problems


def _theme_titles() -> dict[str, str]:
    from methods.report.findings import rules as findings_rules

    return {t["id"]: t["title"] for t in findings_rules()["themes"]}


def problem_frame(cases: pd.DataFrame) -> pd.DataFrame:
    """One row per problem of the cases that count for problems (their results.json
    ``findings.problems``): ``case_id``, ``title``, ``department``, ``theme``, ``theme_title``,
    ``kind``, ``serious`` (compliance, safety, audit or a violation) and ``heading``."""
    cfg = rules()
    src = cases[cases["problems"]]
    columns = ["case_id", "title", "department", "evaluation", "theme", "theme_title", "kind"]
    columns += ["serious", "heading"]
    probs = src["results"].map(lambda r: (r.get("findings") or {}).get("problems") or [])
    probs = probs.explode().dropna()
    if probs.empty:
        return pd.DataFrame(columns=columns)
    pf = pd.json_normalize(list(probs)).reindex(columns=["theme", "kind", "heading"])
    meta = src.loc[probs.index, ["case_id", "title", "department", "evaluation"]]
    pf = pd.concat([meta.reset_index(drop=True), pf], axis=1)
    general = _theme_titles()
    own = {
        (ev, th): title
        for ev, spec in cfg["types"].items()
        for th, title in (spec.get("themes") or {}).items()
    }
    keys = list(zip(pf["evaluation"], pf["theme"], strict=True))
    pf["theme_title"] = [own.get(k) for k in keys]
    pf["theme_title"] = pf["theme_title"].fillna(pf["theme"].map(general)).fillna("其他")
    pf.loc[pf["theme"].eq("other"), "theme_title"] = "其他"
    pf["serious"] = pf["kind"].isin(cfg["problems"]["serious_kinds"])
    return pf[columns]


def problem_summary(problems: pd.DataFrame, examples: int | None = None) -> pd.DataFrame:
    """Problems by theme: ``theme_title``, ``problems``, ``cases`` (distinct cases),
    ``serious`` (serious problems), ``examples`` (up to ``examples`` case titles). Most cases
    first; 其他 last."""
    examples = examples or rules()["problems"]["examples"]
    cols = ["theme_title", "problems", "cases", "serious", "examples"]
    if problems.empty:
        return pd.DataFrame(columns=cols)
    g = problems.groupby("theme_title", sort=False)
    out = pd.DataFrame(
        {
            "problems": g.size(),
            "cases": g["case_id"].nunique(),
            "serious": g["serious"].sum().astype(int),
            "examples": g["title"].agg(lambda s: "、".join(list(dict.fromkeys(s))[:examples])),
        }
    )
    out["last"] = out.index == "其他"
    out = out.sort_values(["last", "cases", "problems"], ascending=[True, False, False])
    return out.drop(columns="last").rename_axis("theme_title").reset_index()[cols]


# ---------------------------------------------------------------------------------------------
# Results application and 整改


@dataclass(frozen=True)
class Application:
    """What the library records on the results of the year's evaluations.

    ``case``: the results-application case used (title, year) or None; ``actions``: cases and
    money recommended by action; ``rectification``: the 整改清单 rows of the year's cases with
    ``recorded`` (whether the case file records the status); ``policies``: policy flags."""

    case: Mapping[str, Any] | None
    actions: pd.DataFrame
    rectification: pd.DataFrame
    policies: pd.DataFrame


def application(library: Library, year: int, cases: pd.DataFrame) -> Application:
    """The results-application case of ``year + 1`` (else of ``year``) and what it says about the
    cases of ``year``."""
    cfg = rules()["application"]
    empty = Application(None, pd.DataFrame(), pd.DataFrame(), pd.DataFrame())
    found = None
    for y in (year + 1, year):
        frame = cases if y == year else None
        if frame is None:
            try:
                frame = _archived(library, y)
            except LibraryError:  # pragma: no cover - the index was readable a moment ago
                continue
        hits = frame[frame["evaluation"] == cfg["evaluation"]]
        if not hits.empty:
            found = hits.sort_values("case_id").iloc[-1]
            break
    if found is None:
        return empty
    ra = found["results"].get(cfg["evaluation"]) or {}
    recs = pd.DataFrame(ra.get("recommendations") or [])
    if not recs.empty and "year" in recs:
        recs = recs[recs["year"] == year]
    if recs.empty:
        actions = pd.DataFrame(columns=["action", "cases", "recommended", "request"])
    else:
        recs = recs.reindex(columns=[*recs.columns, "recommended", "request", "action"])
        recs = recs.loc[:, ~recs.columns.duplicated()]
        actions = (
            recs.assign(cases=1)
            .groupby("action", sort=False)
            .agg(
                cases=("cases", "sum"),
                recommended=("recommended", lambda s: pd.to_numeric(s, errors="coerce").sum()),
                request=("request", lambda s: pd.to_numeric(s, errors="coerce").sum()),
            )
            .reset_index()
        )
    ids = set(cases["case_id"])
    rect = pd.DataFrame(ra.get("rectification") or [])
    if not rect.empty:
        rect = rect[rect["case_id"].isin(ids)].copy()
        recorded = ((found["parameters"].get("rectification") or {}).get("status")) or {}
        pairs = {(str(c), int(n)) for c, m in recorded.items() for n in (m or {})}
        rect["recorded"] = [
            (str(c), int(n)) in pairs for c, n in zip(rect["case_id"], rect["no"], strict=True)
        ]
    pol = pd.DataFrame(ra.get("policies") or [])
    if not pol.empty and "case_id" in pol:
        pol = pol[pol["case_id"].isin(ids)]
    case = {"title": found["title"], "year": int(found["year"]), "case_id": found["case_id"]}
    return Application(case, actions, rect, pol)


# ---------------------------------------------------------------------------------------------
# The document


@dataclass(frozen=True)
class AnnualReport:
    """Everything the report is built from (tidy frames) and the document itself."""

    year: int
    cases: pd.DataFrame
    stages: pd.DataFrame
    budgets: pd.DataFrame
    departments: pd.DataFrame
    graded: pd.DataFrame
    grades: pd.DataFrame
    problems: pd.DataFrame
    themes: pd.DataFrame
    application: Application
    document: Document

    def summary(self) -> dict[str, Any]:
        """summary.json: the figures of the report, machine-readable."""
        cfg = rules()

        def records(df: pd.DataFrame, columns: list[str]) -> list[dict[str, Any]]:
            if df.empty:
                return []
            out = df.reindex(columns=columns).astype(object)
            return json.loads(out.where(out.notna(), None).to_json(orient="records"))

        c = self.cases
        mm = money_mask(c)
        return {
            "year": self.year,
            "title": self.document.title,
            "scale": cfg["regrade"]["scale"],
            "cases": int(len(c)),
            "graded_cases": int(c["graded"].sum()),
            "comparable_cases": int(self.graded["comparable"].sum()) if len(self.graded) else 0,
            "money_covered": _round(c.loc[mm, "amount"].sum()),
            "money_separate": _round(c.loc[c["money"] & ~mm, "amount"].sum()),
            "unit": cfg["money"]["unit"],
            "by_stage": records(self.stages, ["stage", "cases", "evaluated", "amount", "separate"]),
            "by_budget_type": records(
                self.budgets, ["budget_type", "cases", "evaluated", "amount", "separate"]
            ),
            "by_department": records(
                self.departments, ["department", "cases", "evaluated", "amount", "separate"]
            ),
            "grades": records(self.grades, ["grade", "cases", "share", "amount", "separate"]),
            "graded": records(
                self.graded,
                [
                    "case_id",
                    "title",
                    "total_score",
                    "grade",
                    "scale",
                    "by_score",
                    "unified",
                    "limited",
                    "comparable",
                    "amount",
                ],
            ),  # fmt: skip
            "problems": records(
                self.themes, ["theme_title", "problems", "cases", "serious", "examples"]
            ),
            "excluded": records(
                c[~c["graded"]], ["case_id", "title", "evaluation", "stage", "reason"]
            ),
            "application": {
                "case": self.application.case,
                "actions": records(
                    self.application.actions, ["action", "cases", "request", "recommended"]
                ),
                "rectification": _status_counts(self.application.rectification),
            },
        }


def _round(x: float) -> float:
    return float(fmt.round_half_up(float(x), 2)) if pd.notna(x) else 0.0


def _status_counts(rect: pd.DataFrame) -> dict[str, int]:
    statuses = rules()["application"]["statuses"]
    if rect.empty:
        return {s: 0 for s in [*statuses, "未记录"]}
    counts = rect["status"].value_counts()
    out = {s: int(counts.get(s, 0)) for s in statuses}
    out["未记录"] = int((~rect["recorded"]).sum())
    return out


def _money(x: float) -> str:
    return fmt.fixed(x, 2)


def _share_text(frame: pd.DataFrame, label: str, value: str = "cases") -> str:
    """``事前绩效评估 2 个、绩效评价 10 个`` (non-zero rows)."""
    rows = frame[frame[value] > 0]
    return "、".join(f"{a}{int(b)}个" for a, b in zip(rows[label], rows[value], strict=True))


def _coverage_table(frame: pd.DataFrame, by: str, title: str) -> Table:
    total = frame[["cases", "evaluated", "amount", "separate"]].sum()
    rows = [
        [r[by], int(r["cases"]), int(r["evaluated"]), _money(r["amount"]), _money(r["separate"])]
        for r in frame.to_dict("records")
    ]
    rows.append(
        ["合计", int(total["cases"]), int(total["evaluated"]), _money(total["amount"]),
         _money(total["separate"])]
    )  # fmt: skip
    return Table(
        rows,
        [title, "案例数", "其中评定等级", "项目和政策资金（万元）", "部门整体及政府层面（万元）"],
        numeric={1, 2, 3, 4},
        row_css=[""] * (len(rows) - 1) + ["total"],
    )


def _grade_figure(grades: pd.DataFrame, year: int, scale_name: str) -> Figure:
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    from methods import plotting

    colors = ["#2e7d32", "#2f6db5", "#e39b16", "#c0392b"]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(8.0, 3.2))
    x = np.arange(len(grades))
    ax1.bar(x, grades["cases"], color=colors[: len(grades)])
    ax1.set_xticks(x, grades["grade"])
    ax1.set_title("案例数（个）", fontsize=10)
    for i, v in enumerate(grades["cases"]):
        ax1.text(i, v, str(int(v)), ha="center", va="bottom", fontsize=9)
    ax2.bar(x, grades["amount"], color=colors[: len(grades)])
    ax2.set_xticks(x, grades["grade"])
    ax2.set_title("项目和政策资金（万元）", fontsize=10)
    ax1.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax2.yaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt.num(v, 0)))
    for i, v in enumerate(grades["amount"]):
        ax2.text(i, v, fmt.num(v, 0), ha="center", va="bottom", fontsize=8)
    for ax in (ax1, ax2):
        ax.spines[["top", "right"]].set_visible(False)
        ax.grid(axis="y", color=plotting.PALETTE["grid"], linewidth=0.5)
        ax.set_axisbelow(True)
    fig.tight_layout()
    caption = f"图2  {year}年度绩效评价结果等级分布（{scale_name}）"
    alt = "；".join(
        f"{g}{int(n)}个、{fmt.num(a)}万元"
        for g, n, a in zip(grades["grade"], grades["cases"], grades["amount"], strict=True)
    )
    return Figure.from_matplotlib(fig, caption, f"{caption}：{alt}")


def _stage_figure(stages: pd.DataFrame, year: int) -> Figure:
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    from methods import plotting

    fig, ax = plt.subplots(figsize=(8.0, 2.8))
    y = np.arange(len(stages))[::-1]
    ax.barh(y, stages["cases"], color=plotting.PALETTE["score"])
    ax.set_yticks(y, stages["stage"])
    for yi, v in zip(y, stages["cases"], strict=True):
        ax.text(v, yi, f" {int(v)}", va="center", fontsize=9)
    ax.set_xlabel("案例数（个）")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    caption = f"图1  {year}年度各管理环节案例数"
    alt = "；".join(f"{s}{int(n)}个" for s, n in zip(stages["stage"], stages["cases"], strict=True))
    return Figure.from_matplotlib(fig, caption, f"{caption}：{alt}", width=0.9)


def _section_overview(rep: dict[str, Any]) -> Section:
    year, c = rep["year"], rep["cases"]
    stages, budgets, depts = rep["stages"], rep["budgets"], rep["departments"]
    mm = money_mask(c)
    separate = c[c["money"] & ~mm]
    n_dept = c["department"].nunique()
    missing = stages.loc[stages["cases"] == 0, "stage"].tolist()
    text = (
        f"{year}年度，案例库共存档预算绩效管理案例{len(c)}个，涉及{n_dept}个部门（单位），"
        f"按全过程管理环节分：{_share_text(stages, 'stage')}。"
    )
    if missing:
        text += f"{'、'.join(missing)}环节本年度没有存档案例。"
    by_type = budgets[budgets["amount"] > 0]
    text += (
        f"评定绩效等级的评价案例{int(c['graded'].sum())}个，涉及项目和政策资金"
        f"{_money(c.loc[mm, 'amount'].sum())}万元"
    )
    if len(by_type) > 1:
        text += (
            "（"
            + "、".join(
                f"{b}{_money(a)}万元"
                for b, a in zip(by_type["budget_type"], by_type["amount"], strict=True)
            )
            + "）"
        )
    if not separate.empty:
        kinds = rules()["money"]["separate_objects"]
        names = "、".join(dict.fromkeys(separate["object_type"].map(kinds)))
        text += (
            f"；另对{len(separate)}个{names}（{_money(separate['amount'].sum())}万元）开展了评价，"
            "其金额包含已单独评价的项目资金，单列反映，不与项目和政策资金相加"
        )
    text += "。"
    no_budget = budgets.loc[budgets["cases"] == 0, "budget_type"].tolist()
    budget_text = f"按预算类型分：{_share_text(budgets, 'budget_type')}。"
    if no_budget:
        budget_text += f"{'、'.join(no_budget)}本年度没有存档案例。"
    return Section(
        "一、总体情况",
        [
            Paragraph(text),
            Section(
                "（一）按管理环节",
                [
                    _coverage_table(stages, "stage", "管理环节"),
                    _stage_figure(stages, year),
                ],
                level=2,
            ),
            Section(
                "（二）按预算类型",
                [Paragraph(budget_text), _coverage_table(budgets, "budget_type", "预算类型")],
                level=2,
            ),
            Section(
                "（三）按部门", [_coverage_table(depts, "department", "部门（单位）")], level=2
            ),
        ],
    )


def _scale_text() -> tuple[str, str]:
    from methods.scoring import grade_bands

    cfg = rules()["regrade"]
    gb = grade_bands(cfg["scale"])
    bands = load_yaml("grade_bands.yaml")[cfg["scale"]]
    cuts = "、".join(
        f"{label}（{fmt.num(low)}分及以上）" if low > 0 else f"{label}（{fmt.num(prev)}分以下）"
        for (label, low), prev in zip(gb.bands, [0, *[b for _, b in gb.bands]], strict=False)
    )
    return bands["name"], cuts


def _section_results(rep: dict[str, Any]) -> Section:
    year, graded, grades = rep["year"], rep["graded"], rep["grades"]
    name, cuts = _scale_text()
    cfg = rules()["regrade"]
    if graded.empty:
        return Section(
            "二、评价结果", [Paragraph(f"{year}年度案例库中没有评定绩效等级的评价案例。")]
        )
    comp = graded[graded["comparable"]]
    counts = "、".join(
        f"“{g}”{int(n)}个" for g, n in zip(grades["grade"], grades["cases"], strict=True) if n
    )
    text = (
        f"为便于比较，各评价案例统一按{name}重新定级，即{cuts}"
        f"（{blocks.status_text(cfg['status'])}：{cfg['source']}），"
        "并再次适用各案例存档的等级限定条款。"
        f"纳入统计的{len(comp)}个案例中，{counts}，平均得分{fmt.fixed(comp['total_score'].mean())}分。"
    )
    blocks_: list[Any] = [Paragraph(text)]
    rows = [
        [g, int(n), fmt.pct(s), _money(a), _money(sp)]
        for g, n, s, a, sp in grades[["grade", "cases", "share", "amount", "separate"]].itertuples(
            index=False
        )
    ]
    rows.append(
        ["合计", int(grades["cases"].sum()), fmt.pct(100 if len(comp) else 0),
         _money(grades["amount"].sum()), _money(grades["separate"].sum())]
    )  # fmt: skip
    blocks_.append(
        Table(
            rows,
            ["等级", "案例数", "占比", "项目和政策资金（万元）", "部门整体（万元）"],
            numeric={1, 2, 3, 4},
            caption=f"表  {year}年度评价结果等级分布（{name}）",
        )
    )
    blocks_.append(_grade_figure(grades, year, name))
    changed = comp[comp["unified"] != comp["grade"]]
    if not changed.empty:
        rows = [
            [r["title"], fmt.fixed(r["total_score"]), r["grade"], r["unified"],
             r["limited"] or "按统一口径分档"]
            for r in changed.to_dict("records")
        ]  # fmt: skip
        blocks_.append(
            Paragraph(
                f"其中{len(changed)}个案例的统一口径等级与原报告等级不同（原报告采用的评级口径或"
                "等级限定不同），以统一口径等级计入上表："
            )
        )
        blocks_.append(
            Table(rows, ["案例", "得分", "原报告等级", "统一口径等级", "依据"], numeric={1})
        )
    limited = comp[comp["limited"] != ""]
    if not limited.empty:
        blocks_.append(
            Paragraph(
                f"{len(limited)}个案例因评价发现的问题适用了等级限定条款："
                + "；".join(
                    f"{t}（{r}）" for t, r in zip(limited["title"], limited["limited"], strict=True)
                )
                + "。"
            )
        )
    foreign = graded[~graded["comparable"]]
    if not foreign.empty:
        blocks_.append(
            Paragraph(
                f"{'、'.join(foreign['title'])}采用的评级口径与统一口径不可比，未纳入等级统计。",
                "note",
            )
        )
    return Section("二、评价结果", blocks_)


def _section_problems(rep: dict[str, Any]) -> Section:
    year, probs, themes = rep["year"], rep["problems"], rep["themes"]
    if probs.empty:
        return Section(
            "三、发现的主要问题",
            [Paragraph(f"{year}年度纳入问题汇总的评价案例中没有记录问题。")],
        )
    n_cases = probs["case_id"].nunique()
    top = themes.iloc[0]
    text = (
        f"{n_cases}个评价案例的报告共列出问题{len(probs)}个，按问题主题归并后，"
        f"出现最多的是“{top['theme_title']}”，涉及{int(top['cases'])}个案例。"
    )
    serious = probs[probs["serious"]]
    if not serious.empty:
        text += f"其中资金使用合规、安全生产等严重问题{len(serious)}个。"
    rows = [
        [r["theme_title"], int(r["cases"]), int(r["problems"]), int(r["serious"]), r["examples"]]
        for r in themes.to_dict("records")
    ]
    out: list[Any] = [
        Paragraph(text),
        Table(
            rows,
            ["问题主题", "涉及案例数", "问题数", "其中严重问题", "典型案例"],
            numeric={1, 2, 3},
            caption=f"表  {year}年度评价发现的问题（按主题）",
        ),
    ]
    k = 0
    if not serious.empty:
        k += 1
        out.append(
            Section(
                f"（{_cn(k)}）严重问题",
                [
                    BulletList(
                        f"{t}：{h}"
                        for t, h in zip(serious["title"], serious["heading"], strict=True)
                    )
                ],  # fmt: skip
                level=2,
            )
        )
    examples = rules()["problems"]["examples"]
    for r in themes[themes["theme_title"] != "其他"].head(5).to_dict("records"):
        k += 1
        rows_ = probs[(probs["theme_title"] == r["theme_title"]) & ~probs["serious"]]
        if rows_.empty:
            k -= 1
            continue
        rows_ = rows_.drop_duplicates("case_id").head(examples)
        out.append(
            Section(
                f"（{_cn(k)}）{r['theme_title']}（{int(r['cases'])}个案例）",
                [
                    BulletList(
                        f"{t}：{h}" for t, h in zip(rows_["title"], rows_["heading"], strict=True)
                    )
                ],
                level=2,
            )
        )
    return Section("三、发现的主要问题", out)


def _cn(i: int) -> str:
    from methods.report.official import chinese_number

    return chinese_number(i)


def _section_application(rep: dict[str, Any]) -> Section:
    year, app = rep["year"], rep["application"]
    out: list[Any] = []
    if app.case is None:
        out.append(
            Paragraph(
                f"案例库中没有{year + 1}年度或{year}年度的评价结果应用案例，"
                f"{year}年度评价结果与预算安排挂钩的情况未记录，本报告不作反映。"
            )
        )
    else:
        acts = app.actions
        if acts.empty:
            out.append(
                Paragraph(
                    f"{app.case['year']}年度的评价结果应用（{app.case['title']}）未纳入{year}年度"
                    "的评价案例。"
                )
            )
        else:
            n = int(acts["cases"].sum())
            out.append(
                Paragraph(
                    f"根据{app.case['year']}年度的评价结果应用（{app.case['title']}），{year}年度"
                    f"评价结果中有{n}个案例纳入下一年度预算安排：{_share_text(acts, 'action')}。"
                )
            )
            out.append(
                Table(
                    [
                        [
                            a,
                            int(c),
                            _money(q) if pd.notna(q) and q else "—",
                            _money(m) if pd.notna(m) and m else "—",
                        ]
                        for a, c, q, m in acts[
                            ["action", "cases", "request", "recommended"]
                        ].itertuples(index=False)
                    ],  # fmt: skip
                    ["应用方式", "案例数", "申请数（万元）", "建议安排数（万元）"],
                    numeric={1, 2, 3},
                    note="未给出金额的（—）为政策调整、预算编制建议或按规定不核减的资金。",
                )
            )
        counts = _status_counts(app.rectification)
        if app.rectification.empty:
            out.append(Paragraph(f"该结果应用案例的整改清单中没有{year}年度案例的问题。"))
        else:
            done = "、".join(f"{s}{counts[s]}项" for s in rules()["application"]["statuses"])
            text = f"整改清单列出{year}年度评价发现的问题{len(app.rectification)}项，其中{done}。"
            if counts["未记录"]:
                text += (
                    f"其中{counts['未记录']}项的整改进展未在结果应用案例中记录，按“待整改”列示，"
                    "实际整改情况有待有关部门报送。"
                )
            out.append(Paragraph(text))
    out.append(
        Paragraph(
            "各评价案例的存档报告只记录发现的问题和整改建议，未记录整改完成情况；"
            "整改情况以结果应用案例的整改清单为准。",
            "note",
        )
    )
    return Section("四、结果应用和整改情况", out)


def _section_next(rep: dict[str, Any]) -> Section:
    year, stages, budgets = rep["year"], rep["stages"], rep["budgets"]
    themes, app, graded = rep["themes"], rep["application"], rep["graded"]
    items: list[str] = []
    missing = stages.loc[stages["cases"] == 0, "stage"].tolist()
    if missing:
        items.append(
            f"补齐全过程管理链条：{year}年度案例库中没有{'、'.join(missing)}环节的案例，"
            "下一年度应将这些环节的工作成果纳入案例库。"
        )
    no_eval = budgets.loc[budgets["evaluated"] == 0, "budget_type"].tolist()
    if no_eval:
        items.append(
            f"扩大评价覆盖面：{'、'.join(no_eval)}本年度没有评定等级的评价案例，"
            "武发〔2020〕48号要求预算绩效管理覆盖四本预算。"
        )
    if not themes.empty:
        top = themes[themes["theme_title"] != "其他"].head(2)
        if not top.empty:
            named = "、".join(
                f"“{t}”（{int(c)}个案例）" for t, c in zip(top["theme_title"], top["cases"],
                                                        strict=True)
            )  # fmt: skip
            items.append(
                f"聚焦共性问题：{named}是本年度评价中出现最多的问题，"
                "下一年度绩效目标审核、运行监控和评价应重点关注。"
            )
    if len(graded) and (graded["limited"] != "").any():
        n = int((graded["limited"] != "").sum())
        items.append(f"跟踪严重问题整改：{n}个案例因评价发现的问题被限定等级，应跟踪其整改到位。")
    counts = _status_counts(app.rectification)
    if app.case is None:
        items.append(
            f"开展结果应用：{year}年度的评价结果尚未形成结果应用案例，应将评价结果与预算安排挂钩。"
        )
    elif counts["未记录"]:
        items.append(
            f"记录整改进展：整改清单中{counts['未记录']}项问题的整改进展尚未记录，"
            "应由有关部门报送并在结果应用中记录。"
        )
    return Section(
        "五、下一步工作",
        [
            BulletList(items, empty="（案例库数据未显示需要特别说明的事项）"),
            Paragraph("以上各项均由本年度案例库数据得出。", "note"),
        ],
    )


def _appendix(rep: dict[str, Any]) -> list[Section]:
    cfg = rules()
    c = rep["cases"]
    principle = cfg["principle"]
    notes = [
        f"本报告依据案例库中{rep['year']}年度的全部存档案例（{len(c)}个）汇总，"
        "数据取自各案例存档的评价结果和案例文件。",
        "管理环节：按武发〔2020〕48号提出的全过程预算绩效管理链条（"
        f"{'、'.join(cfg['stages']['order'])}）归类（{blocks.status_text(principle['status'])}；"
        f"各评价类型归入哪个环节为{blocks.status_text(cfg['stages']['status'])}）。",
        f"资金：{cfg['money']['source']}（{blocks.status_text(cfg['money']['status'])}）。",
        f"等级：{cfg['regrade']['source']}（{blocks.status_text(cfg['regrade']['status'])}）。",
        "问题：取自纳入问题汇总的评价案例报告所列问题，按问题主题归并。",
    ]
    inc = c[c["graded"]]
    unified = rep["graded"].set_index("case_id")["unified"] if len(rep["graded"]) else pd.Series()
    unified = unified.reindex(inc["case_id"]).tolist()
    rows = [
        [r["title"], r["department"], r["evaluation_title"], r["budget_title"],
         fmt.fixed(r["total_score"]), g if isinstance(g, str) else "不可比",
         _money(r["amount"]) if pd.notna(r["amount"]) else "—"]
        for r, g in zip(inc.to_dict("records"), unified, strict=True)
    ]  # fmt: skip
    exc = c[~c["graded"]]
    rows_x = [
        [r["title"], r["evaluation_title"], r["stage"], r["reason"]] for r in exc.to_dict("records")
    ]
    return [
        Section("附件1：统计口径说明", [BulletList(notes)]),
        Section(
            "附件2：纳入等级统计的案例",
            [
                Table(
                    rows,
                    [
                        "案例",
                        "部门（单位）",
                        "评价类型",
                        "预算类型",
                        "得分",
                        "统一口径等级",
                        "全年预算数（万元）",
                    ],  # fmt: skip
                    numeric={4, 6},
                )
                if rows
                else Paragraph("（无）")
            ],
        ),
        Section(
            "附件3：只计入覆盖情况的案例",
            [
                Table(rows_x, ["案例", "评价类型", "管理环节", "未纳入等级统计的原因"])
                if rows_x
                else Paragraph("（无）")
            ],
        ),
    ]


def outline(rep: dict[str, Any]) -> Document:
    """The report document from the frames of :func:`build`."""
    year = rep["year"]
    doc = Document(
        f"{year}年度预算绩效管理工作情况报告",
        (
            "（报区委、区政府，区人大常委会）",
            f"依据案例库{year}年度存档的{len(rep['cases'])}个案例汇总",
        ),
        footer="由 Jixiao（绩效）根据案例库存档案例生成 · 统计数据见 summary.json",
    )
    doc.add(
        _section_overview(rep),
        _section_results(rep),
        _section_problems(rep),
        _section_application(rep),
        _section_next(rep),
    )
    doc.add_appendix(*_appendix(rep))
    return doc


def build(library: Library, year: int) -> AnnualReport:
    """The year's report from the library: frames and document.

    Raises
    ------
    AnnualReportError
        No archived case of ``year``.
    """
    cases = year_cases(library, year)
    graded = regrade(cases)
    probs = problem_frame(cases)
    rep: dict[str, Any] = {
        "year": int(year),
        "cases": cases,
        "stages": coverage(cases, "stage"),
        "budgets": coverage(cases, "budget_type"),
        "departments": coverage(cases, "department"),
        "graded": graded,
        "grades": grade_table(graded),
        "problems": probs,
        "themes": problem_summary(probs),
        "application": application(library, int(year), cases),
    }
    rep["document"] = outline(rep)
    return AnnualReport(**rep)


# ---------------------------------------------------------------------------------------------
# Writing


def default_folder(library: Library, year: int) -> Path:
    """``<library>/reports/<YEAR>/``."""
    return library.root / REPORTS_DIR / str(int(year))


def _inside_archive(library: Library, folder: Path) -> bool:
    """Whether ``folder`` is (inside) an archived case folder or a year folder of the library."""
    try:
        rel = folder.resolve().relative_to(library.root.resolve())
    except ValueError:
        return False
    return bool(rel.parts) and (rel.parts[0].isdigit() or rel.parts[0].startswith("."))


def render(report: AnnualReport) -> dict[str, bytes]:
    """report.html, report.docx and summary.json of a built report."""
    from methods.report.docx import render_docx
    from methods.report.html import render_page

    summary = json.dumps(report.summary(), ensure_ascii=False, indent=1, allow_nan=False)
    return {
        "report.html": render_page(report.document).encode("utf-8"),
        "report.docx": render_docx(report.document),
        "summary.json": (summary + "\n").encode("utf-8"),
    }


def write(library: Library, year: int, out: str | Path | None = None) -> Path:
    """Build the year's report and write it to ``out`` (default ``<library>/reports/<YEAR>/``).

    The files are written to a staging folder beside the target and renamed into place; a
    previous report is replaced only once the new one is complete, and a failure leaves the
    previous report (or nothing). Never inside an archived case folder.

    Raises
    ------
    AnnualReportError
        No archived case of ``year``; ``out`` inside an archived case; a read-only library
        without ``out``.
    """
    target = Path(out).expanduser().absolute() if out is not None else default_folder(library, year)
    if _inside_archive(library, target):
        raise AnnualReportError(
            f"输出目录 {target} 位于案例库的存档案例目录中；年度报告不能写入存档案例，"
            "请改用默认目录（案例库/reports/年度/）或其他目录"
        )
    if target.exists() and not target.is_dir():
        raise AnnualReportError(f"输出目录 {target} 已存在且不是目录")
    if out is None and library.readonly:
        raise AnnualReportError(f"案例库 {library.root} 只读，请用 -o DIR 指定输出目录")
    files = render(build(library, year))
    if out is None:
        with library.lock():
            _replace(target, files)
    else:
        _replace(target, files)
    return target


def _replace(target: Path, files: Mapping[str, bytes]) -> None:
    """Write ``files`` into ``target`` atomically: stage beside it, then rename."""
    target.parent.mkdir(parents=True, exist_ok=True)
    token = uuid.uuid4().hex[:12]
    staging = target.with_name(f".{target.name}.staging-{token}")
    old = target.with_name(f".{target.name}.old-{token}")
    try:
        staging.mkdir()
        for name, data in files.items():
            with open(staging / name, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        if target.exists():
            os.rename(target, old)
        try:
            os.rename(staging, target)
        except BaseException:
            if old.exists() and not target.exists():
                os.rename(old, target)
            raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)


def present(root: Path) -> list[int]:
    """The years with an annual report under ``<root>/reports/`` (for the catalogue)."""
    folder = Path(root) / REPORTS_DIR
    if not folder.is_dir():
        return []
    return sorted(
        int(p.name)
        for p in folder.iterdir()
        if p.is_dir() and p.name.isdigit() and (p / "report.html").is_file()
    )
