"""评价结果应用 (evaluation: results_application): next-year budget recommendations from archived
evaluations of earlier years, a rectification list (整改清单) carried from their findings, and
policies flagged for 清理退出, 调整完善 or 整合.

How a result is applied depends on the budget and the object (``treatments`` in
``methods/_data/results_application.yaml``, each with its source and status):

- discretionary project money (一般公共预算 projects and policies) gets the grade map's percentage
  and an amount (``mode: amount``): the preset ``grade_linkage_common`` (优 优先保障, 良 据实合理保障,
  中 按比例核减 with a named ratio, 差 取消或暂停; the common local pattern, status unverified —
  武发〔2020〕48号 only asks that results be linked to budgets) or an explicit mapping in the case;
- 社会保险基金, 政府性基金 and 国有资本经营 budgets, 政府投资基金, PPP payments and whole-budget
  cases get 政策调整/预算编制 recommendations with no amount (``mode: advice``), never summed into
  the money total;
- 专项债券 projects follow their own rule (``mode: bond``): a bond already issued is not cut; the
  recommendations concern 项目储备, 额度申报 and 偿债 (status unverified).

Before they are compared, all selected cases are graded again on one scale (``grade_scale``, by
default the MOF 90/80/60 bands) from their archived total score, and the grade limits their
archive recorded (等级限定: caps, lowering, vetoes) are applied again; a case whose archived scale
has other grades (PART) is left out with its reason. One project, one line: cases of the same
project (the same ``project_id`` — a case's project code, by default its case id without the
year — and the same 主管部门) keep only the latest evaluation (later year, then later report date
``work.date``, then a 财政重点评价 before a 自评, then the one archived last); the superseded case
is named in a note. Only cases of earlier years are used, so a batch that runs earlier years
first gives the same answer every time.

The rectification list (整改清单) numbers each selected case's lost indicators (≥ 0.5 points) from
the largest loss; its 问题 is the fact the archived report wrote for the indicator and its 整改措施
the suggestion that answered it (``findings`` in the archived results.json), else the scoring
reason without points and a measure that invents no cause.

This module holds the case model, its checks, the analysis (:func:`analyse` →
:class:`Application`) and the report outline (``section_*``, :data:`OUTLINE`, :func:`outline`):
一 基本情况, 二 评价结果汇总, 三 预算安排建议 (one part per budget type), 四 整改清单,
五 政策调整建议, 六 其他需要说明的问题 and a 技术附件 holding the case ids, presets and archive
locations (the body names projects by their titles).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
import yaml
from pydantic import Field

from methods import _format as fmt
from methods import scoring
from methods._resources import load_yaml
from methods.casefile import EVALUATIONS, Budget, Case, EvaluationType, _Model, register
from methods.errors import CaseError
from methods.report import blocks, official
from methods.report import findings as fnd
from methods.report.document import Document, Paragraph, Section, Table

# ---------------------------------------------------------------------------------------------
# Case model


class Selection(_Model):
    year: int | None = None
    department: str | None = None
    evaluation: str | None = None
    evaluations: list[str] | None = None
    budget_type: str | None = None
    object_type: str | None = None


class GradeRule(_Model):
    action: str = Field(min_length=1)
    factor: float | Literal["cut"]


class Rectification(_Model):
    deadline: str | None = None
    status: dict[str, dict[int, Literal["待整改", "整改中", "已整改"]]] = {}


class ResultsApplicationCase(Case):
    """Evaluations of earlier years → next-year budget recommendations and rectification."""

    budget: Budget | None = None  # type: ignore[assignment]
    select: Selection = Selection()
    grade_map: str | dict[str, GradeRule] = "grade_linkage_common"
    grade_scale: str | dict[str, float] | None = Field(
        None,
        description="统一定级口径（等级预设名或 {等级: 下限}）：所选评价结果按存档总分重新定级；默认 mof_2020",
    )
    cut_ratio: float | None = Field(
        None, ge=0, le=1, description="等级“中”的核减比例（默认取预设）"
    )
    requests: dict[str, float] = Field(
        {}, description="下年度申报数（案例编号 → 金额）；默认取本年度预算数"
    )
    rectification: Rectification = Rectification()
    overlaps: list[list[str]] = Field([], description="交叉重复、建议整合的政策（案例编号对）")
    overview: str | None = None


def _check(case: Case) -> list[str]:
    assert isinstance(case, ResultsApplicationCase)
    if case.select.year is not None and case.select.year >= case.year:
        raise CaseError(
            f"结果应用只使用以前年度的评价结果：select.year {case.select.year} 应早于本案例年度 {case.year}",
            field=("select", "year"),
        )
    if isinstance(case.grade_map, dict):
        for grade, rule in case.grade_map.items():
            if rule.factor != "cut" and not (math.isfinite(rule.factor) and rule.factor >= 0):
                raise CaseError(
                    f"等级“{grade}”的预算系数 {rule.factor:g} 应为不小于 0 的数字（或 cut）",
                    field=("grade_map", grade, "factor"),
                )
    for cid, amount in case.requests.items():
        if not (math.isfinite(amount) and amount >= 0):
            raise CaseError(
                f"案例 {cid} 的下年度申报数 {amount:g} 应为不小于 0 的数字", field=("requests", cid)
            )
    gmap, _ = grade_map(case)
    scale(case)
    for i, pair in enumerate(case.overlaps):
        if len(pair) != 2:
            raise CaseError("每组交叉重复应写作 [案例编号甲, 案例编号乙]", field=("overlaps", i))
    from methods.standards import library_to_check

    # with a library at hand, a case id that names no selected case is refused now, as the run
    # would refuse it (a batch defers this until the earlier years are archived)
    lib = library_to_check(case)
    if lib is not None:
        _check_references(case, _prepare(case, lib), gmap)
    warning = preset_name(case.grade_map)[1] if isinstance(case.grade_map, str) else None
    return [warning] if warning else []


register(
    EvaluationType(
        name="results_application",
        title="评价结果应用",
        notebook="results_application.ipynb",
        model=ResultsApplicationCase,
        check=_check,
        report_kind="报告",
        reads_library=True,
    )
)


# ---------------------------------------------------------------------------------------------
# Rules (data)


def presets() -> dict[str, Any]:
    """``methods/_data/results_application.yaml``."""
    return load_yaml("results_application.yaml")


def preset_name(spec: str) -> tuple[str, str | None]:
    """The preset a ``grade_map`` name stands for, and for an old name a Chinese warning naming
    the new one (``aliases`` in the data file).

    Examples
    --------
    >>> preset_name("wujin_2020")[0]
    'grade_linkage_common'
    """
    data = presets()
    if spec in data["presets"]:
        return spec, None
    alias = (data.get("aliases") or {}).get(spec)
    if alias is not None:
        new = alias["to"]
        return new, (
            f"结果应用口径名称“{spec}”已停用，请改为“{new}”（{data['presets'][new]['name']}）：{alias['reason']}"
        )
    raise CaseError(
        f"未知的结果应用预设 '{spec}'（可用：{'、'.join(data['presets'])}）",
        field=("grade_map",),
    )


def grade_map(case) -> tuple[dict[str, dict[str, Any]], str]:
    """The grade → {action, factor} map (factors numeric) and a description of its source."""
    spec = case.grade_map
    cut = case.cut_ratio
    if isinstance(spec, str):
        p = presets()["presets"][preset_name(spec)[0]]
        grades = p["grades"]
        cut = p["default_cut_ratio"] if cut is None else cut
        source = f"{p['name']}（{p['source']}；{p['status']}）"
    else:
        grades = {k: v.model_dump() for k, v in spec.items()}
        cut = 0.1 if cut is None else cut
        source = "案例文件自定义"
    out = {}
    for grade, rule in grades.items():
        factor = rule["factor"]
        out[grade] = {
            "action": rule["action"],
            "factor": 1 - cut if factor == "cut" else float(factor),
        }
    return out, source + f"；核减比例 {fmt.num(cut * 100)}%"


def scale(case) -> scoring.GradeBands:
    """The one scale every selected case is graded on (``grade_scale``, default the data's
    ``regrade.default_scale``: the MOF 90/80/60 bands)."""
    spec = getattr(case, "grade_scale", None) or presets()["regrade"]["default_scale"]
    try:
        return scoring.grade_bands(spec)
    except ValueError as exc:
        raise CaseError(str(exc), field=("grade_scale",)) from None


def treatment(budget_type: str, object_type: str) -> dict[str, Any] | None:
    """How a result of this budget and object is applied: the first ``treatments`` entry whose
    ``budget_type`` and ``object_type`` lists (where given) hold the case's values.

    Examples
    --------
    >>> (
    ...     treatment("social_insurance", "project")["mode"],
    ...     treatment("general_public", "debt")["mode"],
    ... )
    ('advice', 'bond')
    >>> treatment("general_public", "policy")["mode"]
    'amount'
    """
    for t in presets()["treatments"]:
        if "budget_type" in t and budget_type not in t["budget_type"]:
            continue
        if "object_type" in t and object_type not in t["object_type"]:
            continue
        return t
    return None


_MODE_ORDER = {"amount": 0, "bond": 1, "advice": 2}


def _group_order() -> dict[str, int]:
    """Report order of the treatments: amounts first, then bonds, then recommendations."""
    ts = presets()["treatments"]
    keys = sorted(range(len(ts)), key=lambda i: (_MODE_ORDER[ts[i]["mode"]], i))
    return {ts[i]["key"]: n for n, i in enumerate(keys)}


def _limit_rules() -> dict[str, dict[str, Any]]:
    """Every grade-limit clause of ``grade_limits.yaml`` by its text."""
    from methods.evaluation import grade_limit_presets

    return {r["text"]: r for p in grade_limit_presets()["presets"].values() for r in p["rules"]}


def apply_limits(
    grade: str, limits: list[Mapping[str, Any]], labels: list[str]
) -> tuple[str, list[str]]:
    """A grade on the one scale after the grade limits an archived case recorded, in their
    recorded order (caps and vetoes before lowering): ``cap`` keeps the grade at or below the
    clause's grade, ``lower`` moves it down, ``veto`` gives the lowest. A recorded limit whose
    clause is no longer in the data caps at the grade it gave. Returns the grade and the
    clauses that changed it.

    Examples
    --------
    >>> apply_limits(
    ...     "优", [{"rule": "存在以拨代支问题的，评价等级不得为“优”"}], ["优", "良", "中", "差"]
    ... )
    ('良', ['存在以拨代支问题的，评价等级不得为“优”'])
    """
    rules = _limit_rules()
    applied = []
    for lim in limits:
        rule = rules.get(str(lim.get("rule")))
        i = labels.index(grade)
        action = rule["action"] if rule else "cap"
        if action == "cap":
            target = rule["grade"] if rule else lim.get("after")
            if target not in labels:
                continue
            j = max(i, labels.index(target))
        elif action == "lower":
            j = min(len(labels) - 1, i + int(rule.get("steps", 1)))
        else:  # veto
            j = len(labels) - 1
        if j != i:
            applied.append(str(lim.get("rule")))
            grade = labels[j]
    return grade, applied


# ---------------------------------------------------------------------------------------------
# Analysis


@dataclass(frozen=True)
class Application:
    """The recommendations, the rectification list and the policy flags of one case.

    ``recommendations`` has one row per project (its latest evaluation), in report order (budget
    group, then grade): ``group``/``group_name``/``mode`` (amount, bond or advice), the archived
    grade and scale (``archived_grade``, ``archived_scale``), the grade on the one scale
    (``grade``, after the archived grade limits: ``limits``), and ``request``/``factor``/
    ``recommended`` (NaN where no amount is proposed) or ``advice``.
    """

    recommendations: pd.DataFrame
    rectification: pd.DataFrame
    policies: pd.DataFrame
    source: str
    selected: int
    skipped: tuple[str, ...] = ()
    case: Any = None
    # per selected case id: evaluation type, budget unit, archive folder (report and annex only)
    archived: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    scale: scoring.GradeBands | None = None
    # cases of a project that a later evaluation of the same project replaced
    superseded: tuple[Mapping[str, Any], ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def amounts(self) -> pd.DataFrame:
        """The lines with an amount (discretionary project money)."""
        rec = self.recommendations
        return rec[rec["mode"] == "amount"] if "mode" in rec else rec

    def subtotals(self) -> pd.DataFrame:
        """Per budget group: its mode, number of lines and (amount groups only) the sums."""
        rec = self.recommendations
        cols = ["group", "group_name", "mode", "cases", "request", "recommended"]
        if rec.empty or "group" not in rec:
            return pd.DataFrame(columns=cols)
        out = rec.groupby("group", sort=False).agg(
            group_name=("group_name", "first"),
            mode=("mode", "first"),
            cases=("case_id", "size"),
            request=("request", lambda s: s.sum(min_count=1)),
            recommended=("recommended", lambda s: s.sum(min_count=1)),
        )
        return out.reset_index()[cols]

    def to_dict(self) -> dict[str, Any]:
        def records(df):
            return json.loads(df.to_json(orient="records", force_ascii=False))

        amounts = self.amounts
        out = {
            "rule": self.source,
            "cases": self.selected,
            "skipped": list(self.skipped),
            "recommendations": records(self.recommendations),
            "rectification": records(self.rectification),
            "policies": records(self.policies),
            "total_request": float(amounts["request"].sum()) if len(amounts) else 0.0,
            "total_recommended": float(amounts["recommended"].sum()) if len(amounts) else 0.0,
        }
        if self.scale is not None:
            out["scale"] = {
                "name": self.scale.name,
                "bands": dict(self.scale.bands),
                "source": self.scale.source,
                "status": self.scale.status,
            }
            out["subtotals"] = records(self.subtotals())
            out["superseded"] = [dict(s) for s in self.superseded]
        return out


def _advice(indicator: dict[str, Any], res: Mapping[str, Any]) -> str:
    """The rectification measure for a lost indicator of an archived case: the suggestion its
    report gave to the problem that covers the indicator (``findings`` in results.json), else
    (a minor loss, or a case archived before findings were recorded) a measure that invents no
    specific cause."""
    for advice in (res.get("findings") or {}).get("advice", []):
        problem = res["findings"]["problems"][advice["problem"] - 1]
        if indicator.get("code") in problem.get("indicators", []):
            return f"{advice['title']}：{advice['text']}"
    return f"分析{indicator.get('name', '该指标')}失分原因，制定整改措施并限期落实。"


_SCORING_PARTS = re.compile(r"扣\s*[\d.]+\s*分|计分|评分|得满分|实际值：|实际值由")


def _problem(indicator: Mapping[str, Any], res: Mapping[str, Any]) -> str:
    """The 整改清单's 问题 for a lost indicator of an archived case: the fact its report wrote
    for the indicator (``findings`` in results.json), else its scoring reason without the
    points and the scoring rule (``{名称}：{事实}``)."""
    name = str(indicator.get("name", ""))
    for problem in (res.get("findings") or {}).get("problems", []):
        if indicator.get("code") in problem.get("indicators", []):
            for fact in problem.get("facts", []):
                if str(fact).startswith(name):
                    return fnd.tidy(str(fact).rstrip("。"))
    parts = [
        x.strip()
        for x in str(indicator.get("reason") or "").split("；")
        if x.strip() and not _SCORING_PARTS.search(x)
    ]
    parts = [re.sub(r"^实际\s*", "", x) for x in parts]
    return fnd.tidy(f"{name}：{'；'.join(parts)}" if parts else f"{name}未得满分")


def _measure(indicator: Mapping[str, Any], res: Mapping[str, Any], deadline: str) -> str:
    """The measure (:func:`_advice`) with the case's rectification deadline in place of the
    placeholder the archived report left for it."""
    placeholder = fnd.rules()["deadline_placeholder"]
    text = _advice(indicator, res)
    date = fnd.tidy(deadline).removesuffix("前")  # the measures say 于{期限}前
    return text.replace(placeholder + "前", date + "前").replace(placeholder, date)


def _selection(case, lib) -> pd.DataFrame:
    """The library's graded cases of earlier years that ``select`` picks (index rows)."""
    from methods.library import list_cases

    filters = case.select.model_dump(exclude_none=True)
    evaluations = filters.pop("evaluations", None)
    rows = list_cases(lib, **filters)
    rows = rows[rows["grade"].notna() & rows["total_score"].notna()]
    if evaluations:
        rows = rows[rows["evaluation"].isin(evaluations)]
    return rows[rows["year"] < case.year]


def _results(lib, row: Mapping[str, Any]) -> dict[str, Any]:
    return json.loads((lib.root / row["path"] / "results.json").read_text(encoding="utf-8"))


def _lost(res: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The indicators of an archived case that enter the rectification list, largest loss
    first (their position + 1 is the item number ``rectification.status`` refers to)."""
    least = presets()["rectification"]["min_lost_points"]
    lost = [i for i in res.get("indicators", []) if (i.get("lost") or 0) >= least]
    return sorted(lost, key=lambda i: -i["lost"])


# a 财政重点评价 of a project stands before the same year's 自评 of it
_KIND_RANK = {"project_evaluation": 1}


def _project_ids(lib, case_ids: list[str]) -> dict[str, str]:
    """case id → project id (the index's ``project_id``)."""
    if not case_ids:
        return {}
    marks = ", ".join("?" * len(case_ids))
    with lib.reading() as con:
        got = con.execute(
            f"SELECT case_id, project_id FROM cases WHERE case_id IN ({marks})", case_ids
        ).fetchall()
    return {cid: pid or cid for cid, pid in got}


def _report_date(lib, row: Mapping[str, Any]) -> str:
    """The archived case file's report date (``work.date``) as ``YYYY-MM-DD`` (its first three
    numbers: 2024-04-10, 2024 年 4 月 10 日), '' when it has none."""
    path = lib.root / row["path"] / "parameters.yaml"
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return ""
    work = raw.get("work") if isinstance(raw, dict) else None
    date = work.get("date") if isinstance(work, dict) else None
    parts = [int(x) for x in re.findall(r"\d+", str(date or ""))[:3]]
    if len(parts) < 3:
        return ""
    return f"{parts[0]:04d}-{parts[1]:02d}-{parts[2]:02d}"


@dataclass(frozen=True)
class _Prepared:
    """The selected cases after re-grading and de-duplication (one row per project)."""

    rows: pd.DataFrame
    results: Mapping[str, Mapping[str, Any]]
    superseded: tuple[Mapping[str, Any], ...]
    skipped: tuple[str, ...]
    # every case id the selection named, with why it is not a line (superseded by …)
    replaced: Mapping[str, str]


def _why_later(a: Mapping[str, Any], b: Mapping[str, Any]) -> str:
    """Why evaluation ``b`` counts as later than ``a`` of the same project."""
    if a["year"] != b["year"]:
        return "年度较晚"
    if a["date"] != b["date"]:
        return "报告日期较晚"
    if a["kind"] != b["kind"]:
        return "财政重点评价优先于单位自评"
    return "报告日期相同或未填写，取最后存档的评价"


def _prepare(case, lib) -> _Prepared:
    """The library's graded cases of earlier years that ``select`` picks, graded again on the
    one scale (:func:`scale`, with the archived grade limits applied again), one per project
    (the latest evaluation), each with its budget treatment."""
    rows = _selection(case, lib).reset_index(drop=True)
    bands = scale(case)
    labels = [label for label, _ in bands.bands]
    results = {r["case_id"]: _results(lib, r) for r in rows.to_dict("records")}
    # a case graded on a scale with other grades (PART) has a score of another framework
    foreign = [
        set((results[cid].get("grade_bands") or {}).get("bands") or {g: 0}) - set(labels) != set()
        for cid, g in zip(rows["case_id"], rows["grade"], strict=True)
    ]
    foreign = np.array(foreign, dtype=bool)
    skipped = [
        f"{r['title']}（等级“{r['grade']}”属于另一评级体系，"
        f"其得分不能按{_scale_name(bands.name)}重新定级，未纳入）"
        for r in rows[foreign].to_dict("records")
    ]
    rows = rows[~foreign].reset_index(drop=True)
    by_score = scoring.grade_array(rows["total_score"].astype(float).to_numpy(), bands)
    grades, limits = [], []
    for cid, g in zip(rows["case_id"], by_score, strict=True):
        after, applied = apply_limits(str(g), results[cid].get("grade_limits") or [], labels)
        grades.append(after)
        limits.append("；".join(applied))
    rows["archived_grade"] = rows["grade"]
    rows["archived_scale"] = [
        (results[cid].get("grade_bands") or {}).get("name") for cid in rows["case_id"]
    ]
    rows["grade_by_score"] = list(by_score)
    rows["grade"] = grades
    rows["limits"] = limits
    # one project, one line
    pids = _project_ids(lib, list(rows["case_id"]))
    rows["project_id"] = [pids.get(cid, cid) for cid in rows["case_id"]]
    rows["date"] = [_report_date(lib, r) for r in rows.to_dict("records")]
    rows["kind"] = rows["evaluation"].map(_KIND_RANK).fillna(0).astype(int)
    rows = rows.sort_values(
        ["project_id", "department", "year", "date", "kind", "archived_at"], kind="stable"
    )
    last = ~rows.duplicated(["project_id", "department"], keep="last")
    superseded, replaced = [], {}
    kept = rows[last].set_index(["project_id", "department"])
    for r in rows[~last].to_dict("records"):
        by = kept.loc[(r["project_id"], r["department"])]
        reason = _why_later(r, by)
        superseded.append(
            {
                "case_id": r["case_id"],
                "title": r["title"],
                "year": int(r["year"]),
                "project_id": r["project_id"],
                "by": by["case_id"],
                "by_title": by["title"],
                "reason": reason,
            }
        )
        replaced[r["case_id"]] = f"已被同一项目的评价结果“{by['title']}”（{by['case_id']}）取代"
    rows = rows[last].sort_values(["year", "case_id"], kind="stable").reset_index(drop=True)
    groups = [
        treatment(b, o) for b, o in zip(rows["budget_type"], rows["object_type"], strict=True)
    ]
    skipped += [
        f"{t}（预算类型与对象未列入结果应用的分类，未纳入）"
        for t, g in zip(rows["title"], groups, strict=True)
        if g is None
    ]
    keep = np.array([g is not None for g in groups], dtype=bool)
    rows = rows[keep].reset_index(drop=True)
    groups = [g for g in groups if g is not None]
    rows["group"] = [g["key"] for g in groups]
    rows["group_name"] = [g["name"] for g in groups]
    rows["mode"] = [g["mode"] for g in groups]
    return _Prepared(rows, results, tuple(superseded), tuple(skipped), replaced)


def _check_references(case, prep: _Prepared, gmap: dict[str, Any]) -> None:
    """Every case id in ``requests``, ``rectification.status`` and ``overlaps`` names a selected
    case that makes a line: a mistyped id, a case the rule leaves out, a case a later
    evaluation of the same project replaced, or a request for a budget that gets no amount,
    would otherwise be ignored silently."""
    rows = prep.rows
    grades = dict(zip(rows["case_id"], rows["grade"], strict=True))
    modes = dict(zip(rows["case_id"], rows["mode"], strict=True))
    names = dict(zip(rows["case_id"], rows["group_name"], strict=True))
    shown = "、".join(sorted(grades)[:8]) + ("等" if len(grades) > 8 else "")
    places = [(("requests", cid), cid, True) for cid in case.requests]
    places += [(("rectification", "status", cid), cid, False) for cid in case.rectification.status]
    places += [
        (("overlaps", i), cid, False) for i, pair in enumerate(case.overlaps) for cid in pair
    ]
    for where, cid, request in places:
        if cid in prep.replaced:
            raise CaseError(
                f"案例 {cid} {prep.replaced[cid]}（同一项目只按最近一次评价应用），此处的填写不会被使用",
                field=where,
                hint="改填取代它的案例编号",
            )
        if cid not in grades:
            raise CaseError(
                f"案例 {cid} 不在所选案例中（本次选中 {len(grades)} 个"
                + (f"：{shown}" if grades else "")
                + "）",
                field=where,
                hint="核对案例编号，或调整 select 的筛选条件（只选以前年度已评价的案例）",
            )
        if modes[cid] == "amount" and grades[cid] not in gmap:
            raise CaseError(
                f"案例 {cid} 的等级“{grades[cid]}”不在结果应用口径中（{'、'.join(gmap)}），"
                "不提出预算建议，此处的填写不会被使用",
                field=where,
                hint="删除该项，或在 grade_map 中为该等级设定预算处理",
            )
        if request and modes[cid] != "amount":
            raise CaseError(
                f"案例 {cid} 属于{names[cid]}，结果应用只提出政策调整和预算编制建议、不测算金额，"
                "此处的下年度申报数不会被使用",
                field=where,
                hint="删除该项",
            )
    for cid, status in case.rectification.status.items():
        n = len(_lost(prep.results[cid]))
        for no in status:
            if not 1 <= no <= n:
                raise CaseError(
                    f"案例 {cid} 的整改清单共 {n} 项，没有第 {no} 项",
                    field=("rectification", "status", cid, no),
                    hint="整改事项按失分从多到少编号（1、2、…），见上一次结果应用报告的整改清单",
                )


_REC_COLUMNS = [
    "case_id",
    "title",
    "department",
    "year",
    "group",
    "group_name",
    "mode",
    "total_score",
    "archived_grade",
    "archived_scale",
    "grade_by_score",
    "grade",
    "limits",
    "action",
    "advice",
    "request",
    "factor",
    "recommended",
]


def analyse(case) -> Application:
    """Build recommendations, the rectification list and policy flags from the library."""
    from methods.standards import require_library

    lib = require_library(case, "结果应用", ("select",))
    prep = _prepare(case, lib)
    gmap, source = grade_map(case)
    _check_references(case, prep, gmap)
    rect_cfg = presets()["rectification"]
    deadline = case.rectification.deadline or rect_cfg["default_deadline"]
    policy_rules = presets()["policy_rules"]
    texts = {t["key"]: t for t in presets()["treatments"]}
    recs, rect, pols, skipped = [], [], [], list(prep.skipped)
    archived: dict[str, dict[str, Any]] = {}
    for r in prep.rows.to_dict("records"):
        res = prep.results[r["case_id"]]
        line = {k: r[k] for k in _REC_COLUMNS if k in r}
        line["year"] = int(r["year"])
        line.update(advice=None, request=math.nan, factor=math.nan, recommended=math.nan)
        if r["mode"] == "amount":
            rule = gmap.get(r["grade"])
            if rule is None:  # a grade the case's own map leaves out
                skipped.append(f"{r['title']}（等级“{r['grade']}”不在结果应用口径中，未纳入）")
                continue
            budget = res.get("budget") or {}
            request = float(
                case.requests.get(
                    r["case_id"], budget.get("allocated") or budget.get("planned") or 0.0
                )
            )
            line.update(
                action=rule["action"],
                request=request,
                factor=rule["factor"],
                recommended=fmt.round_half_up(request * rule["factor"], 2),
            )
        else:
            advice = (texts[r["group"]].get("advice") or {}).get(r["grade"])
            line.update(
                action=texts[r["group"]].get("action", "政策调整和预算编制建议"),
                advice=advice or "根据评价结果调整完善政策，并在下年度预算编制中落实",
            )
        recs.append(line)
        archived[r["case_id"]] = {
            "evaluation": r["evaluation"],
            "unit": (res.get("budget") or {}).get("unit"),
            "path": str(r["path"]),
        }
        status_map = case.rectification.status.get(r["case_id"], {})
        for n, ind in enumerate(_lost(res), start=1):
            rect.append(
                {
                    "case_id": r["case_id"],
                    "no": n,
                    "problem": _problem(ind, res),
                    "unit": r["department"],
                    "measure": _measure(ind, res, deadline),
                    "deadline": deadline,
                    "status": status_map.get(n, rect_cfg["statuses"][0]),
                }
            )
        if r["object_type"] == "policy" and r["grade"] in policy_rules["by_grade"]:
            pols.append(
                {
                    "case_id": r["case_id"],
                    "title": r["title"],
                    "grade": r["grade"],
                    "flag": policy_rules["by_grade"][r["grade"]],
                    "reason": f"评价等级为“{r['grade']}”",
                }
            )
    for a, b in case.overlaps:
        pols.append(
            {
                "case_id": f"{a}、{b}",
                "title": "",
                "grade": "",
                "flag": policy_rules["overlap"],
                "reason": "政策目标或支持对象交叉重复",
            }
        )
    rec_df = pd.DataFrame(recs, columns=_REC_COLUMNS)
    rect_df = pd.DataFrame(
        rect, columns=["case_id", "no", "problem", "unit", "measure", "deadline", "status"]
    )
    pol_df = pd.DataFrame(pols, columns=["case_id", "title", "grade", "flag", "reason"])
    bands = scale(case)
    order = {label: i for i, (label, _) in enumerate(bands.bands)}
    groups = _group_order()
    rec_df = (
        rec_df.assign(_g=rec_df["group"].map(groups), _o=rec_df["grade"].map(order))
        .sort_values(["_g", "_o", "case_id"], kind="stable")
        .drop(columns=["_g", "_o"])
        .reset_index(drop=True)
    )
    # the rectification list follows the report's order of the lines
    position = {cid: i for i, cid in enumerate(rec_df["case_id"])}
    rect_df = (
        rect_df.assign(_p=rect_df["case_id"].map(position))
        .sort_values(["_p", "no"], kind="stable")
        .drop(columns="_p")
        .reset_index(drop=True)
    )
    warnings = []
    if isinstance(case.grade_map, str) and preset_name(case.grade_map)[1]:
        warnings.append(preset_name(case.grade_map)[1])
    return Application(
        rec_df,
        rect_df,
        pol_df,
        source,
        len(rec_df),
        tuple(skipped),
        case,
        archived,
        bands,
        prep.superseded,
        tuple(warnings),
    )


def results(app: Application) -> dict[str, Any]:
    """results.json (contracts §4) with the ``results_application`` block."""
    from methods.report import case_results

    return case_results(app.case, results_application=app.to_dict(), warnings=list(app.warnings))


# ---------------------------------------------------------------------------------------------
# Report outline


def _log_axis(amounts: np.ndarray, log_ratio: float) -> bool:
    """Whether the amount axis is logarithmic: the largest positive amount more than
    ``log_ratio`` times the smallest."""
    positive = amounts[amounts > 0]
    return bool(len(positive) > 0 and positive.max() > log_ratio * positive.min())


def _chart_amounts(app: Application) -> np.ndarray:
    df = app.amounts
    return np.concatenate(
        [df["request"].astype(float).to_numpy(), df["recommended"].astype(float).to_numpy()]
    )


def plot_recommendations(app: Application, ax=None, *, log_ratio: float = 50.0):
    """Bars of requested vs recommended amounts per line with an amount, each labelled with its
    amount; returns the Axes.

    When the largest amount is more than ``log_ratio`` times the smallest positive one, the
    amount axis is logarithmic and labelled 对数刻度, so the small bars stay readable; it is
    linear otherwise. A zero amount (a cancelled budget) has no bar, only its label. Lines
    without an amount (recommendations only) are not drawn."""
    import math

    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    from methods import fonts

    fonts.register()
    df = app.amounts
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.5 * max(len(df), 1) + 1.5))
    y = np.arange(len(df))
    request = df["request"].astype(float).to_numpy()
    recommended = df["recommended"].astype(float).to_numpy()
    amounts = np.concatenate([request, recommended])
    positive = amounts[amounts > 0]
    log = _log_axis(amounts, log_ratio)
    if log:
        low = 10.0 ** math.floor(math.log10(positive.min()))
        high = 10.0 ** (math.log10(positive.max()) + 0.35)  # room for the labels
    else:
        low, high = 0.0, max(float(amounts.max(initial=0.0)), 1.0) * 1.18
    series = (
        (y - 0.18, request, "#C8D3E3", "下年度申报数"),
        (y + 0.18, recommended, "#2F6DB5", "建议安排数"),
    )
    for pos, values, color, label in series:
        widths = np.clip(values - low, 0, None)
        ax.barh(pos, widths, left=low, height=0.35, color=color, label=label)
        for p, v in zip(pos, values, strict=True):
            ax.text(max(v, low), p, f" {fmt.num(v)}", va="center", fontsize=7.5, color="#444")
    if log:
        ax.set_xscale("log")
        ax.xaxis.set_major_locator(LogLocator(base=10))
        ax.xaxis.set_minor_formatter(NullFormatter())
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt.num(v)))
    ax.set_xlim(low, high)
    ax.set_yticks(y, [t[:16] for t in df["title"]])
    ax.invert_yaxis()
    ax.set_xlabel("金额（对数刻度）" if log else "金额")
    ax.legend(frameon=False, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2)
    ax.set_title("下年度预算安排建议", pad=24)
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def chart_text(app: Application, *, log_ratio: float = 50.0) -> tuple[str, str]:
    """The chart's caption and alt text; both say 对数刻度 when the amount axis is logarithmic."""
    log = _log_axis(_chart_amounts(app), log_ratio)
    caption = "下年度预算安排建议：申报数与建议安排数" + ("（对数刻度）" if log else "")
    alt = (
        "各项目（政策）下年度申报数（浅色）与建议安排数（深色）的横向条形图，按评价等级从优到差排列"
        + ("；金额轴为对数刻度，条形长度与金额不成正比" if log else "")
    )
    return caption, alt


def _title(app: Application, case_id: str) -> str:
    """A selected case as the report names it: its title (the case id is in the 技术附件)."""
    rec = app.recommendations
    hit = rec.loc[rec["case_id"] == case_id, "title"]
    return str(hit.iloc[0]) if len(hit) else case_id


def _unit(app: Application) -> str | None:
    """The amount unit when every line with an amount states the same one."""
    ids = set(app.amounts["case_id"]) if "case_id" in app.amounts else set(app.archived)
    units = {m.get("unit") for cid, m in app.archived.items() if cid in ids and m.get("unit")}
    return units.pop() if len(units) == 1 else None


def _scale_labels(app: Application) -> list[str]:
    bands = app.scale or scoring.grade_bands("mof_2020")
    return [label for label, _ in bands.bands]


def _scale_name(name: str | None) -> str:
    """A grade-band preset as the report names it (地方口径 80/70/60 …)."""
    data = load_yaml("grade_bands.yaml")
    if name in data:
        return str(data[name]["name"])
    return "案例自定义口径" if name in (None, "custom") else str(name)


def _rule_text(app: Application) -> str:
    """The grade → budget rule in words, with its basis and status in Chinese."""
    case = app.case
    gmap, _ = grade_map(case)
    parts = []
    for grade, rule in gmap.items():
        text = f"“{grade}”{rule['action']}"
        if 0 < rule["factor"] < 1:
            text += f"（按申报数的{fmt.num(rule['factor'] * 100)}%安排）"
        parts.append(text)
    rule = "；".join(parts)
    spec = case.grade_map
    if isinstance(spec, str):
        p = presets()["presets"][preset_name(spec)[0]]
        basis = (
            f"该口径为{p['name']}，依据{blocks.cite(p['source'])}"
            f"（{blocks.status_text(p['status'])}）"
        )
        if case.cut_ratio is None and p.get("cut_ratio_status"):
            basis += f"；核减比例为默认设置（{blocks.status_text(p['cut_ratio_status'])}）"
    else:
        basis = "结果应用案例自定义的口径"
    principle = presets()["principle"]
    return (
        f"评价结果与预算安排和政策调整挂钩的依据为{blocks.cite(principle['source'])}"
        f"（{blocks.status_text(principle['status'])}）。"
        f"一般公共预算项目（政策）资金按等级调整安排：{rule}。{basis}。"
        "社会保险基金、政府性基金、国有资本经营预算以及基金、PPP 和整体层面的评价结果用于政策调整和预算编制，"
        "专项债券项目按专项债券管理要求应用，均不按等级比例测算金额（见第三部分）。"
    )


def recommendations_table(app: Application, rows: pd.DataFrame | None = None) -> Table:
    """下年度预算安排建议 table of lines with an amount (titles, not case ids) with their
    subtotal."""
    unit = _unit(app)
    rec = app.amounts if rows is None else rows
    body = [
        [
            r.title,
            r.department,
            fmt.fixed(r.total_score),
            r.grade,
            r.action,
            fmt.fixed(r.request),
            f"{fmt.num(r.factor * 100)}%",
            fmt.fixed(r.recommended),
        ]
        for r in rec.itertuples()
    ]
    body.append(
        [
            "小计",
            "",
            "",
            "",
            "",
            fmt.fixed(rec["request"].sum()),
            "",
            fmt.fixed(rec["recommended"].sum()),
        ]
    )
    u = f"（{unit}）" if unit else ""
    header = [
        "项目/政策",
        "主管部门",
        "评价得分",
        "等级",
        "应用方式",
        f"下年度申报数{u}",
        "安排比例",
        f"建议安排数{u}",
    ]
    return Table(body, header, numeric=(2, 5, 6, 7))


def advice_table(rows: pd.DataFrame) -> Table:
    """Lines without an amount: project or budget, department, score, grade, recommendation."""
    body = [
        [r.title, r.department, fmt.fixed(r.total_score), r.grade, fnd.tidy(r.advice)]
        for r in rows.itertuples()
    ]
    return Table(
        body,
        ["项目/预算", "主管部门", "评价得分", "等级", "结果应用建议"],
        numeric=(2,),
        widths=(2.0, 1.8, 0.8, 0.6, 5.0),
    )


def _amount_text(app: Application, rows: pd.DataFrame) -> str:
    unit = _unit(app) or ""
    total_req, total_rec = rows["request"].sum(), rows["recommended"].sum()
    text = (
        f"纳入的{len(rows)}个项目（政策）下年度申报数小计{fmt.fixed(total_req)}{unit}，"
        f"建议安排{fmt.fixed(total_rec)}{unit}"
    )
    cut = total_req - total_rec
    text += f"，核减{fmt.fixed(cut)}{unit}。" if cut > 0.005 else "，未作核减。"
    for grade in _scale_labels(app):
        hit = rows[rows["grade"] == grade]
        if hit.empty:
            continue
        names = "、".join(hit["title"])
        action = hit["action"].iloc[0]
        factor = hit["factor"].iloc[0]
        if factor == 0:
            text += f"等级为“{grade}”的{names}，建议{action}下年度预算。"
        elif factor < 1:
            text += (
                f"等级为“{grade}”的{names}，建议{action}，按申报数的{fmt.num(factor * 100)}%安排。"
            )
    return text


_NUMBERS = "一二三四五六七八九十"


def recommendations_blocks(app: Application) -> list[Any]:
    """下年度预算安排建议, one part per budget group: lines with an amount (paragraph with the
    subtotal and the cases cut or cancelled, the table and the chart), 专项债券 and the
    budgets that get recommendations only (basis, table)."""
    if app.recommendations.empty:
        return [Paragraph("案例库中没有符合条件的已评价案例，本次不提出预算安排建议。")]
    rec = app.recommendations
    if "group" not in rec:
        rec = rec.assign(group="general_project", group_name="项目支出", mode="amount")
    treatments = {t["key"]: t for t in presets()["treatments"]}
    groups = list(dict.fromkeys(rec["group"]))
    amounts = rec[rec["mode"] == "amount"]
    last_amount = amounts["group"].iloc[-1] if len(amounts) else None
    others = rec[rec["mode"] != "amount"]
    intro = "评价结果按预算类型分别应用。"
    if len(amounts):
        intro += (
            f"一般公共预算项目（政策）资金{len(amounts)}项按等级调整安排并测算金额，"
            f"建议安排合计{fmt.fixed(amounts['recommended'].sum())}{_unit(app) or ''}；"
        )
    if len(others):
        names = "、".join(dict.fromkeys(others["group_name"]))
        intro += f"{names}{len(others)}项提出管理和预算编制建议，不测算安排比例，不计入金额合计。"
    parts: list[Any] = [
        Paragraph(fnd.tidy(intro.rstrip("；") + ("" if intro.endswith("。") else "。")))
    ]
    for n, key in enumerate(groups):
        rows = rec[rec["group"] == key]
        t = treatments.get(key, {})
        blocks_: list[Any] = []
        if t.get("source") and t["mode"] != "amount":  # the grade map's basis is in 一
            blocks_.append(
                Paragraph(
                    fnd.tidy(
                        f"应用依据：{blocks.cite(t['source'])}（{blocks.status_text(t['status'])}）。"
                    )
                )
            )
        if rows["mode"].iloc[0] == "amount":
            blocks_ += [
                Paragraph(fnd.tidy(_amount_text(app, rows))),
                recommendations_table(app, rows),
            ]
            if key == last_amount:  # one chart of every line with an amount
                caption, alt = chart_text(app)
                blocks_.append(blocks.chart(plot_recommendations(app).figure, caption, alt))
        else:
            lead = (
                "已发行的专项债券不按评价等级核减，评价结果用于项目储备、新增额度申报和偿债管理。"
                if rows["mode"].iloc[0] == "bond"
                else f"{rows['group_name'].iloc[0]}的评价结果不按等级比例核减金额，用于政策调整和预算编制。"
            )
            blocks_ += [Paragraph(fnd.tidy(lead)), advice_table(rows)]
        title = f"（{_NUMBERS[n] if n < len(_NUMBERS) else n + 1}）{rows['group_name'].iloc[0]}"
        parts.append(Section(title, blocks_, level=2))
    return parts


def rectification_table(app: Application) -> Table | Paragraph:
    """整改清单: project (merged), number, problem, responsible unit, measure, deadline, status."""
    if app.rectification.empty:
        return Paragraph("纳入应用的评价结果中没有需要列入整改清单的问题。")
    rows = [
        [
            _title(app, r.case_id),
            str(r.no),
            fnd.tidy(r.problem),
            r.unit,
            fnd.tidy(r.measure),
            fnd.tidy(r.deadline),
            r.status,
        ]
        for r in app.rectification.itertuples()
    ]
    return Table(
        blocks.merged_rows(rows, merge=1),
        ["项目/政策", "序号", "问题", "责任单位", "整改措施", "整改期限", "状态"],
        widths=(1.4, 0.5, 2.6, 1.3, 4.2, 1.1, 0.8),
    )


def policies_table(app: Application) -> Table | Paragraph:
    """Policies flagged for 清理退出, 调整完善 or 整合 (titles, not case ids)."""
    if app.policies.empty:
        return Paragraph("纳入应用的评价结果中没有需要清理退出、调整完善或整合的政策。")
    rows = []
    for r in app.policies.itertuples():
        ids = str(r.case_id).split("、")
        name = "、".join(_title(app, i) for i in ids) if len(ids) > 1 else _title(app, r.case_id)
        rows.append([name, r.grade or "—", r.flag, r.reason])
    return Table(rows, ["项目/政策", "等级", "处理建议", "依据"])


def section_basic(app: Application) -> Section:
    """一、基本情况"""
    case = app.case
    sel = case.select
    kinds = sel.evaluations or ([sel.evaluation] if sel.evaluation else [])
    titles = "、".join(EVALUATIONS[k].title for k in kinds if k in EVALUATIONS) or "各类评价"
    year = f"{sel.year}年度" if sel.year else "以前年度"
    departments = app.recommendations["department"].nunique() if app.selected else 0
    scope = f"本次纳入{year}已完成的{titles}结果{app.selected}个"
    scope += f"，涉及{departments}个部门（单位）。" if departments else "。"
    if app.superseded:
        scope += (
            f"同一项目有多次评价的只取最近一次，{len(app.superseded)}个较早的评价结果未重复纳入"
            "（见第六部分）。"
        )
    if app.skipped:
        scope += (
            f"另有{len(app.skipped)}个评价结果采用其他评级口径，未纳入预算安排建议（见第六部分）。"
        )
    policy = presets()["policy_rules"]
    return Section(
        "一、基本情况",
        [
            Section(
                "（一）应用依据和口径",
                [
                    official.overview_paragraph(case, "应用背景"),
                    Paragraph(fnd.tidy(_rule_text(app))),
                    Paragraph(
                        fnd.tidy(
                            f"政策清理、调整与整合依据{blocks.cite(policy['source'])}"
                            f"（{blocks.status_text(policy['status'])}）。"
                        )
                    ),
                ],
                level=2,
            ),
            Section("（二）应用范围", [Paragraph(fnd.tidy(scope))], level=2),
        ],
    )


def _scale_text(app: Application) -> str:
    """The one scale in words, with its basis."""
    bands = app.scale
    if bands is None:
        return ""
    regrade = presets()["regrade"]
    return (
        f"为使不同口径的评价结果可以比较，各评价结果按统一口径（{_scale_name(bands.name)}："
        f"{bands.describe()}，{blocks.status_text(bands.status)}）"
        f"由存档总分重新定级，存档时记录的等级限定再次适用（{blocks.status_text(regrade['status'])}）。"
    )


def _differences(app: Application) -> list[str]:
    """Sentences for the cases whose own report graded them otherwise, and the grade limits."""
    rec = app.recommendations
    if "archived_grade" not in rec:
        return []
    out = []
    for r in rec.itertuples():
        if r.archived_grade != r.grade:
            out.append(
                f"{r.title}原报告按{_scale_name(r.archived_scale)}评为“{r.archived_grade}”，"
                f"按统一口径为“{r.grade}”"
            )
        if r.limits:
            out.append(
                f"{r.title}按得分为“{r.grade_by_score}”，存档报告记录的等级限定"
                f"（{r.limits}）再次适用，为“{r.grade}”"
            )
    return out


def section_summary(app: Application) -> Section:
    """二、评价结果汇总"""
    rec = app.recommendations
    if rec.empty:
        return Section("二、评价结果汇总", [Paragraph("案例库中没有符合条件的已评价案例。")])
    labels = _scale_labels(app)
    counts = "、".join(
        f"“{g}”{int((rec['grade'] == g).sum())}个" for g in labels if g in set(rec["grade"])
    )
    best = rec.loc[rec["total_score"].idxmax()]
    worst = rec.loc[rec["total_score"].idxmin()]
    text = _scale_text(app) + (
        f"纳入应用的{len(rec)}个评价结果中，等级为{counts}；平均得分{fmt.fixed(rec['total_score'].mean())}分，"
        f"最高为{best['title']}（{fmt.fixed(best['total_score'])}分），"
        f"最低为{worst['title']}（{fmt.fixed(worst['total_score'])}分）。"
    )
    diffs = _differences(app)
    if diffs:
        text += "；".join(diffs) + "。"
    regraded = "archived_grade" in rec
    rows = [
        [
            r.title,
            r.department,
            EVALUATIONS[app.archived[r.case_id]["evaluation"]].title
            if r.case_id in app.archived and app.archived[r.case_id]["evaluation"] in EVALUATIONS
            else "—",
            r.group_name if regraded else "—",
            fmt.fixed(r.total_score),
            *([r.archived_grade] if regraded else []),
            r.grade,
        ]
        for r in rec.itertuples()
    ]
    header = ["项目/政策", "主管部门", "评价类型", "预算类型", "评价得分"]
    header += ["原报告等级", "统一口径等级"] if regraded else ["等级"]
    table = Table(rows, header, numeric=(4,))
    return Section("二、评价结果汇总", [Paragraph(fnd.tidy(text)), table])


def section_recommendations(app: Application) -> Section:
    """三、预算安排建议"""
    return Section("三、预算安排建议", recommendations_blocks(app))


def section_rectification(app: Application) -> Section:
    """四、整改清单"""
    rect = app.rectification
    least = fmt.num(presets()["rectification"]["min_lost_points"])
    if rect.empty:
        return Section("四、整改清单", [rectification_table(app)])
    statuses = presets()["rectification"]["statuses"]
    done = "、".join(f"{s}{int((rect['status'] == s).sum())}项" for s in reversed(statuses))
    text = (
        f"纳入应用的评价中失分{least}分及以上的指标列入整改清单，共{len(rect)}项，"
        f"涉及{rect['case_id'].nunique()}个项目（政策）。整改措施取自各项目评价报告针对相应问题提出的建议，"
        f"由责任单位细化落实；整改期限为{fnd.tidy(rect['deadline'].iloc[0])}。目前{done}。"
    )
    return Section("四、整改清单", [Paragraph(fnd.tidy(text)), rectification_table(app)])


def section_policies(app: Application) -> Section:
    """五、政策调整建议"""
    return Section("五、政策调整建议", [policies_table(app)])


def section_other(app: Application) -> Section:
    """六、其他需要说明的问题"""
    case = app.case
    items = []
    if app.superseded:
        rule = presets()["identity"]
        notes = "；".join(
            f"{s['title']}（{s['year']}年度）与{s['by_title']}为同一项目，后者{s['reason']}，"
            "按后者应用，前者不再单独列示"
            for s in app.superseded
        )
        items.append(f"同一项目只取最近一次评价。{fnd.tidy(rule['text'])}。{notes}。")
    if app.skipped:
        items.append(
            "未纳入的评价结果。"
            + "；".join(fnd.tidy(x) for x in app.skipped)
            + "。其等级与本口径的等级不对应，需按统一口径重新定级后再行应用。"
        )
    given = [_title(app, cid) for cid in case.requests if cid in app.archived]
    text = "下年度申报数口径。"
    if given:
        text += (
            f"{'、'.join(given)}的下年度申报数由结果应用案例提供，其余项目按上年度全年预算数列示"
        )
    else:
        text += "各项目的下年度申报数按上年度全年预算数列示"
    text += "；只对一般公共预算项目（政策）资金测算金额，其他预算类型只提出建议。"
    items.append(text)
    if len(app.rectification):
        items.append("整改状态。整改状态依据结果应用案例登记的整改进展填列，未经现场核实。")
    work = getattr(case, "work", None)
    if work is not None and work.limitations:
        items += [fnd.tidy(x).rstrip("。") + "。" for x in work.limitations]
    else:
        items.append(f"结果应用的局限。{official.NOT_GIVEN}")
    return Section(
        "六、其他需要说明的问题", [Paragraph(f"{i}. {x}") for i, x in enumerate(items, 1)]
    )


def _selection_text(case) -> str:
    items = case.select.model_dump(exclude_none=True).items()
    return "；".join(f"{k}：{'、'.join(v) if isinstance(v, list) else v}" for k, v in items)


def section_annex(app: Application) -> Section:
    """附件：技术附件"""
    case = app.case
    rec = app.recommendations
    rows = [
        [
            r.case_id,
            r.title,
            app.archived.get(r.case_id, {}).get("evaluation", "—"),
            str(r.year),
            getattr(r, "group", "—"),
            fmt.fixed(r.total_score),
            r.grade,
            app.archived.get(r.case_id, {}).get("path", "—"),
        ]
        for r in rec.itertuples()
    ]
    cfg = presets()
    rect = cfg["rectification"]
    if isinstance(case.grade_map, str):
        name, _ = preset_name(case.grade_map)
        spec = name if name == case.grade_map else f"{name}（案例文件写作 {case.grade_map}，旧名）"
    else:
        spec = "（案例自定义）"
    params = [
        ("结果应用口径", f"{spec}：{fnd.tidy(blocks.cite(app.source))}"),
    ]
    if app.scale is not None:
        params.append(
            (
                "统一定级口径",
                f"{app.scale.name}（{app.scale.describe()}；{blocks.cite(app.scale.source)}，"
                f"{blocks.status_text(app.scale.status)}）；{blocks.cite(cfg['regrade']['source'])}"
                f"（{blocks.status_text(cfg['regrade']['status'])}）",
            )
        )
        ident = cfg["identity"]
        params.append(
            (
                "同一项目",
                f"{ident['text']}；最近一次评价：{ident['latest']}"
                f"（{blocks.status_text(ident['status'])}）",
            )
        )
    params += [
        (
            "整改清单",
            f"失分不低于{fmt.num(rect['min_lost_points'])}分的指标列入，按失分从多到少编号"
            f"（{blocks.status_text(rect['status'])}）；默认整改期限：{rect['default_deadline']}",
        ),
        ("选取条件", _selection_text(case)),
    ]
    treatments = [
        [
            t["key"],
            t["name"],
            "、".join(t.get("budget_type", []) + t.get("object_type", [])) or "—",
            {"amount": "按比例安排金额", "bond": "专项债券建议", "advice": "政策和预算编制建议"}[
                t["mode"]
            ],
            blocks.status_text(t["status"]),
        ]
        for t in cfg["treatments"]
    ]
    parts: list[Any] = [
        Section(
            "（一）纳入的存档案例",
            [
                Paragraph(
                    f"结果应用案例编号：{case.case_id}。只使用案例年度（{case.year}年）以前的存档评价结果。",
                    "note",
                ),
                Table(
                    rows,
                    [
                        "案例编号",
                        "名称",
                        "评价类型",
                        "年度",
                        "分类",
                        "得分",
                        "统一口径等级",
                        "存档位置",
                    ],
                )
                if rows
                else Paragraph("（无）"),
            ],
            level=2,
        ),
        Section("（二）应用口径与参数", [Table.kv(params)], level=2),
        Section(
            "（三）预算类型分类",
            [
                Paragraph(
                    "按预算类型（budget_type）和对象（object_type）自上而下取第一个相符的分类。"
                ),
                Table(treatments, ["分类", "名称", "条件", "应用方式", "依据性质"]),
            ],
            level=2,
        ),
        Section(
            "（四）同一项目取最近一次评价",
            [
                Table(
                    [[s["case_id"], s["project_id"], s["by"], s["reason"]] for s in app.superseded],
                    ["未纳入的案例", "项目编号", "取代它的案例", "原因"],
                )
                if app.superseded
                else Paragraph("（无）")
            ],
            level=2,
        ),
        Section(
            "（五）整改事项编号",
            [
                Paragraph(
                    "整改清单中各项目的序号按该项目失分从多到少编号；下一年度的结果应用案例在"
                    " rectification.status 中按“案例编号 → 序号 → 状态”登记整改进展。"
                ),
                Table(
                    [
                        [
                            cid,
                            _title(app, cid),
                            f"1–{len(items)}",
                            str(int((items["status"] != "待整改").sum())),
                        ]
                        for cid, items in app.rectification.groupby("case_id", sort=False)
                    ],
                    ["案例编号", "名称", "整改事项序号", "已登记进展的事项数"],
                )
                if len(app.rectification)
                else Paragraph("（无）"),
            ],
            level=2,
        ),
    ]
    return Section("附件：技术附件", parts)


# the level-1 headings of the report (its customary outline; tests check both formats)
HEADINGS = (
    "一、基本情况",
    "二、评价结果汇总",
    "三、预算安排建议",
    "四、整改清单",
    "五、政策调整建议",
    "六、其他需要说明的问题",
    "附件：技术附件",
)

OUTLINE = (
    section_basic,
    section_summary,
    section_recommendations,
    section_rectification,
    section_policies,
    section_other,
    section_annex,
)


def outline(app: Application) -> Document:
    """The whole report."""
    from methods.report import assemble

    return assemble(app.case, [build(app) for build in OUTLINE])
