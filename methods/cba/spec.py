"""Reading a case file's ``cba:`` block into a :class:`~methods.cba.model.CBAModel`
(:func:`from_spec`): lines from values, amounts or CSV/XLSX files, prices, optimism bias,
economic analysis, variables and the sensitivity, scenario, Monte Carlo and alternatives
settings, with errors naming the field (``cba.lines[2].values``).
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from methods import _format as fmt
from methods.cba._common import _check_number, _is_real, _pct, _show
from methods.cba.discounting import _resolve_discount
from methods.cba.model import CBAModel, Variable
from methods.cba.prices import to_real
from methods.cba.risk import DEFAULT_SEED, _dist_spec, optimism_bias
from methods.cba.sensitivity import _sensitivity_preset
from methods.errors import CaseError

__all__ = ["from_spec"]


MAX_MC_DRAWS = 1_000_000  # Monte Carlo draws a case file may ask for
MAX_MC_CELLS = 50_000_000  # draws × years × lines held in memory at once (~400 MB of floats)
MAX_GROWTH = 1.0  # a line's yearly growth rate: at most +100% a year (and above -100%)


_SPEC_KEYS = {
    "title", "unit", "start_year", "horizon", "price_base_year", "prices", "deflator",
    "inflation", "discounting", "lines", "variables", "optimism_bias", "economic",
    "sensitivity", "scenarios", "monte_carlo", "alternatives", "note",
}  # fmt: skip
_LINE_KEYS = {
    "name", "kind", "category", "values", "amount", "from", "to", "growth", "csv",
    "year_column", "value_column", "sheet", "note",
}  # fmt: skip
_KINDS = {"benefit": "benefit", "cost": "cost", "效益": "benefit", "费用": "cost", "成本": "cost"}


def _allow_external_data() -> bool:
    """Whether data paths may leave the case file's folder: the same switch as
    ``methods.casefile.allow_external_data`` (``JIXIAO_ALLOW_EXTERNAL_DATA=1``)."""
    return os.environ.get("JIXIAO_ALLOW_EXTERNAL_DATA") == "1"


class _Spec:
    """Reading helpers that raise CaseError naming the field (``cba.lines[2].values``)."""

    def __init__(self, base_dir: Path, root: tuple):
        self.base_dir = base_dir
        self.root = root

    def fail(self, path: tuple, message: str, hint: str | None = None) -> CaseError:
        return CaseError(message, field=(*self.root, *path), hint=hint)

    def mapping(self, value: Any, path: tuple, allowed: set[str] | None = None) -> Mapping:
        if not isinstance(value, Mapping):
            raise self.fail(path, "必须是映射（键: 值）")
        if allowed is not None:
            extra = [k for k in value if k not in allowed]
            if extra:
                raise self.fail(
                    path,
                    f"未知字段 {'、'.join(map(str, extra))}",
                    hint=f"可用字段：{'、'.join(sorted(allowed))}",
                )
        return value

    def number(self, value: Any, path: tuple) -> float:
        if not _is_real(value) or not math.isfinite(float(value)):
            raise self.fail(path, f"必须是数值，实际为 {_show(value)}")
        return float(value)

    def year(self, value: Any, path: tuple) -> int:
        v = self.number(value, path)
        if v != int(v):
            raise self.fail(path, f"必须是整数年份，实际为 {_show(value)}")
        return int(v)

    def path(self, value: Any, path: tuple) -> Path:
        if not isinstance(value, str) or not value or "\0" in value:
            raise self.fail(path, "必须是相对案例文件的路径")
        raw = Path(value)
        base = self.base_dir.resolve()
        if raw.is_absolute() and not _allow_external_data():
            raise self.fail(path, f"数据文件应写相对案例文件的路径，不能是绝对路径：{value}")
        full = (base / raw).resolve()
        if not full.is_relative_to(base) and not _allow_external_data():
            raise self.fail(
                path,
                f"数据文件路径不能指向案例文件所在目录之外：{value}",
                hint="确需引用外部文件时设置环境变量 JIXIAO_ALLOW_EXTERNAL_DATA=1",
            )
        if not full.is_file():
            raise self.fail(path, f"数据文件不存在：{value}")
        return full

    def csv_series(self, item: Mapping, path: tuple, years: list[int]) -> np.ndarray:
        file = self.path(item["csv"], (*path, "csv"))
        ycol = str(item.get("year_column", "year"))
        if "value_column" not in item:
            raise self.fail(path, "使用 csv 时必须给出 value_column（金额所在列）")
        vcol = str(item["value_column"])
        excel = file.suffix.lower() in (".xlsx", ".xlsm")
        kind = "XLSX" if excel else "CSV"
        try:
            if excel:
                table = pd.read_excel(file, sheet_name=item.get("sheet", 0))
            else:
                table = pd.read_csv(file)
        except UnicodeDecodeError:
            raise self.fail(
                (*path, "csv"),
                f"{kind} 文件 {item['csv']} 不是 UTF-8 编码（可能是 GBK）",
                hint="请用 UTF-8 编码另存（Excel：另存为“CSV UTF-8（逗号分隔）”）",
            ) from None
        except Exception as exc:  # pragma: no cover - parser errors vary
            raise self.fail((*path, "csv"), f"无法读取 {kind}：{exc}") from None
        for col in (ycol, vcol):
            if col not in table.columns:
                raise self.fail(
                    (*path, "csv"),
                    f"{kind} 缺少列 '{col}'（现有：{'、'.join(map(str, table.columns))}）",
                )
        columns = {}
        for col in (ycol, vcol):
            raw = table[col]
            vals = pd.to_numeric(raw, errors="coerce")
            bad = np.flatnonzero(vals.isna().to_numpy())
            if bad.size:
                row = int(bad[0])
                cell = raw.iloc[row]
                what = "为空" if pd.isna(cell) else f"不是数值：{_show(cell)}"
                raise self.fail(
                    (*path, "csv"), f"{kind} 第 {row + 2} 行 '{col}' 列{what}（第 1 行为表头）"
                )
            columns[col] = vals
        dup = columns[ycol][columns[ycol].duplicated()]
        if len(dup):
            raise self.fail((*path, "csv"), f"{kind} 中年份 {_show(dup.iloc[0])} 重复出现")
        return self.by_year(
            dict(zip(columns[ycol].tolist(), columns[vcol].tolist(), strict=True)), path, years
        )

    def by_year(self, mapping: Mapping, path: tuple, years: list[int]) -> np.ndarray:
        out = np.zeros(len(years))
        pos = {y: i for i, y in enumerate(years)}
        for y, v in mapping.items():
            yy = self.year(y.item() if isinstance(y, np.generic) else y, path)
            if yy not in pos:
                raise self.fail(path, f"年份 {yy} 不在计算期 {years[0]}–{years[-1]} 内")
            vv = v.item() if isinstance(v, np.generic) else v
            out[pos[yy]] += self.number(vv, (*path, yy))
        return out


def from_spec(spec: Mapping[str, Any], base_dir: str | Path = ".") -> CBAModel:
    """Build the cash-flow lines and NPV model of a case file's ``cba:`` block.

    Parameters
    ----------
    spec : mapping
        The ``cba`` block (or a whole case mapping that has one). Fields:

        * ``start_year`` (required), ``horizon`` (required, number of years 计算期), ``title``,
          ``unit``;
        * ``price_base_year`` (default ``start_year``), ``prices`` (``real`` default or
          ``nominal``, then ``deflator: {year: index}`` or ``inflation: rate`` converts to real);
        * ``discounting``: ``{schedule: name}`` or ``{rate: r}`` (default ``china_2006``) and
          ``t0`` (time of the first year, default 1: flows at year-end as in 《方法与参数》);
        * ``lines``: each ``{name, kind: benefit|cost, category}`` plus ``values`` (list from
          ``start_year`` or ``{year: value}``), or ``amount`` with ``from``/``to``/``growth``, or
          ``csv`` with ``value_column`` (and ``year_column``, default ``year``) relative to
          ``base_dir`` (a ``.xlsx`` file is read as a workbook, ``sheet`` default the first;
          a year listed twice is an error);
        * ``variables``: ``{name: {lines: [...], base: 1}}`` (multipliers) or
          ``{name: {discount_rate: true}}``; default one multiplier per line;
        * ``optimism_bias``: ``{mix, bound, categories}`` (default categories ``[capex]``);
        * ``economic``: ``{standard_conversion_factor, conversion_factors: {category: CF}}``;
        * ``sensitivity``: ``{variables, delta, threshold, preset, change}``;
        * ``scenarios``: ``{name: {variable: value or "+10%"}}``;
        * ``monte_carlo``: ``{n, seed, reference, distributions}``;
        * ``alternatives``: ``[{name, costs | costs_csv + value_column, effect}]``.
    base_dir : path
        Folder that CSV paths are relative to (the case file's folder).

    Returns
    -------
    CBAModel

    Raises
    ------
    CaseError
        (a ValueError) naming the field, e.g. ``cba.lines[1].values``.

    Examples
    --------
    >>> m = from_spec(
    ...     {
    ...         "start_year": 2024,
    ...         "horizon": 3,
    ...         "discounting": {"rate": 0.1, "t0": 0},
    ...         "lines": [
    ...             {"name": "投资", "kind": "cost", "values": [100]},
    ...             {"name": "效益", "kind": "benefit", "values": [0, 60, 60]},
    ...         ],
    ...     }
    ... )
    >>> round(m(), 2), round(m({"效益": 1.1}), 2)
    (4.13, 14.55)
    """
    if isinstance(spec, Mapping) and "cba" in spec and "lines" not in spec:
        root: tuple = ("cba",)
        spec = spec["cba"]
    else:
        root = ("cba",)
    base = Path(base_dir)
    sp = _Spec(base, root)
    spec = sp.mapping(spec, (), _SPEC_KEYS)
    notes: list[str] = []
    for key in ("start_year", "horizon", "lines"):
        if key not in spec:
            raise sp.fail((key,), "缺少必填字段")
    start = sp.year(spec["start_year"], ("start_year",))
    horizon = sp.year(spec["horizon"], ("horizon",))
    if not 1 <= horizon <= 500:
        raise sp.fail(("horizon",), f"计算期年数必须在 1 到 500 之间，实际为 {horizon}")
    years = list(range(start, start + horizon))
    price_base = sp.year(spec.get("price_base_year", start), ("price_base_year",))
    unit = str(spec.get("unit", ""))
    prices = spec.get("prices", "real")
    if prices not in ("real", "nominal"):
        raise sp.fail(("prices",), f"必须是 real 或 nominal，实际为 {_show(prices)}")

    # discounting
    disc = sp.mapping(spec.get("discounting", {}), ("discounting",), {"schedule", "rate", "t0"})
    try:
        schedule = _resolve_discount(disc.get("rate"), disc.get("schedule"))
    except ValueError as exc:
        raise sp.fail(("discounting",), str(exc)) from None
    t0 = sp.number(disc.get("t0", 1), ("discounting", "t0"))
    if "t0" not in disc:
        notes.append(
            "现金流按年末发生计（t0 = 1，第一年折现一次，《建设项目经济评价方法与参数》惯例）"
        )
    if "rate" not in disc and "schedule" not in disc:
        notes.append(f"未指定折现方案，采用默认 {schedule.describe()}")

    # lines
    raw_lines = spec["lines"]
    if not isinstance(raw_lines, list) or not raw_lines:
        raise sp.fail(("lines",), "必须是非空列表")
    names, kinds, cats, rows = [], [], [], []
    for i, item in enumerate(raw_lines):
        path = ("lines", i)
        item = sp.mapping(item, path, _LINE_KEYS)
        if "name" not in item:
            raise sp.fail(path, "缺少 name")
        nm = str(item["name"])
        if nm in names:
            raise sp.fail((*path, "name"), f"现金流名称重复：{nm}")
        kind = _KINDS.get(str(item.get("kind", "")))
        if kind is None:
            raise sp.fail(
                (*path, "kind"), f"必须是 benefit 或 cost，实际为 {_show(item.get('kind'))}"
            )
        sources = [k for k in ("values", "amount", "csv") if k in item]
        if len(sources) != 1:
            raise sp.fail(path, "values、amount、csv 必须且只能给出一个")
        if "amount" not in item:  # from/to/growth shape an amount; elsewhere they did nothing
            for key in ("from", "to", "growth"):
                if key in item:
                    raise sp.fail(
                        (*path, key),
                        f"{key} 只用于 amount（每年金额）行，本行的金额来自 {sources[0]}，{key} 不起作用",
                        hint="逐年金额请直接写在 values 或 CSV 中",
                    )
        if "values" in item:
            vals = item["values"]
            if isinstance(vals, Mapping):
                arr = sp.by_year(vals, (*path, "values"), years)
            elif isinstance(vals, list):
                if len(vals) > horizon:
                    raise sp.fail(
                        (*path, "values"), f"有 {len(vals)} 个值，超过计算期 {horizon} 年"
                    )
                arr = np.zeros(horizon)
                for j, v in enumerate(vals):
                    arr[j] = sp.number(v, (*path, "values", j))
            else:
                raise sp.fail(
                    (*path, "values"), "必须是列表（自 start_year 起逐年）或 {年份: 金额}"
                )
        elif "amount" in item:
            amount = sp.number(item["amount"], (*path, "amount"))
            y_from = sp.year(item.get("from", start), (*path, "from"))
            y_to = sp.year(item.get("to", years[-1]), (*path, "to"))
            if not start <= y_from <= y_to <= years[-1]:
                raise sp.fail(path, f"from/to 必须在计算期 {start}–{years[-1]} 内且 from ≤ to")
            growth = sp.number(item.get("growth", 0.0), (*path, "growth"))
            if growth <= -1:
                raise sp.fail((*path, "growth"), f"必须大于 -1，实际为 {_show(growth)}")
            if growth > MAX_GROWTH:
                # 1.5 compounds to ×57 in 10 years: a percentage written as a number (5 for 5%)
                raise sp.fail(
                    (*path, "growth"),
                    f"年增长率 {_show(growth)} 超出合理范围（应在 -1 到 {MAX_GROWTH:g} 之间，"
                    "即每年 ±100% 以内）",
                    hint="增长率写作小数：0.05 表示每年增长 5%",
                )
            yrs = np.asarray(years)
            arr = np.where(
                (yrs >= y_from) & (yrs <= y_to), amount * (1 + growth) ** (yrs - y_from), 0.0
            )
        else:
            arr = sp.csv_series(item, path, years)
        if (arr < 0).any():
            raise sp.fail(path, "金额应为非负数（费用与效益用 kind 区分）")
        names.append(nm)
        kinds.append(kind)
        cats.append(str(item.get("category", "other")))
        rows.append(arr)
    lines = pd.DataFrame(np.vstack(rows), index=pd.Index(names, name="line"), columns=years)
    kinds_s = pd.Series(kinds, index=lines.index, name="kind")
    cats_s = pd.Series(cats, index=lines.index, name="category")
    if "benefit" not in kinds and "cost" not in kinds:  # pragma: no cover - kinds validated
        raise sp.fail(("lines",), "至少需要一条效益或费用")

    # prices
    if prices == "nominal":
        if ("deflator" in spec) == ("inflation" in spec):
            raise sp.fail(
                ("prices",), "现价（nominal）须给出 deflator 或 inflation 之一以换算为不变价"
            )
        defl = spec.get("deflator", spec.get("inflation"))
        try:
            lines = to_real(lines, defl, price_base)
        except ValueError as exc:
            key = "deflator" if "deflator" in spec else "inflation"
            raise sp.fail((key,), str(exc)) from None
        how = "价格指数" if "deflator" in spec else f"通胀率 {_pct(float(defl))}"
        notes.append(f"现价金额已按{how}换算为 {price_base} 年不变价")
    elif "deflator" in spec or "inflation" in spec:
        raise sp.fail(
            ("prices",), "给出了 deflator/inflation 但 prices 为 real；现价数据请写 prices: nominal"
        )

    # optimism bias
    ob = None
    if "optimism_bias" in spec:
        ob_spec = sp.mapping(
            spec["optimism_bias"],
            ("optimism_bias",),
            {"mix", "bound", "duration_mix", "categories"},
        )
        try:
            ob = optimism_bias(
                ob_spec.get("mix", {}),
                ob_spec.get("bound", "upper"),
                duration_mix=ob_spec.get("duration_mix"),
            )
        except ValueError as exc:
            raise sp.fail(("optimism_bias",), str(exc)) from None
        targets = [str(c) for c in ob_spec.get("categories", ["capex"])]
        hit = cats_s.isin(targets) & (kinds_s == "cost")
        if not hit.any():
            raise sp.fail(
                ("optimism_bias", "categories"),
                f"没有类别为 {'、'.join(targets)} 的费用行可调整",
            )
        lines.loc[hit] = lines.loc[hit] * (1 + ob.capex)
        notes.append(
            f"{'、'.join(lines.index[hit])} 已按乐观偏差{('上限' if ob.bound == 'upper' else '下限')}"
            f"上调 {_pct(ob.capex, 1)}"
        )

    # economic analysis
    analysis = "financial"
    if "economic" in spec:
        ec = sp.mapping(
            spec["economic"], ("economic",), {"standard_conversion_factor", "conversion_factors"}
        )
        cf = sp.mapping(ec.get("conversion_factors", {}) or {}, ("economic", "conversion_factors"))
        scf = sp.number(
            ec.get("standard_conversion_factor", 1.0), ("economic", "standard_conversion_factor")
        )
        unknown = [c for c in cf if c not in set(cats)]
        if unknown:
            raise sp.fail(
                ("economic", "conversion_factors"),
                f"类别 {'、'.join(map(str, unknown))} 不在现金流类别中（现有：{'、'.join(dict.fromkeys(cats))}）",
            )
        by_cat = {c: cf.get(c) for c in cats}
        try:
            factors = np.array(
                [
                    scf
                    if by_cat[c] is None
                    else _check_number(by_cat[c], f"conversion_factors['{c}']")
                    for c in cats
                ],
                dtype=float,
            )
            _check_number(scf, "standard_conversion_factor")
        except ValueError as exc:
            raise sp.fail(("economic",), str(exc)) from None
        if (factors < 0).any():
            raise sp.fail(("economic",), "转换系数不能为负")
        lines = lines * factors[:, None]
        analysis = "economic"
        notes.append(
            f"经济分析：按转换系数换算为经济价值（标准转换系数 {fmt.num(float(scf), 3)}"
            + (f"，专用：{'、'.join(f'{k} {v}' for k, v in cf.items())}" if cf else "")
            + "）"
        )

    # variables
    variables: list[Variable] = []
    raw_vars = spec.get("variables")
    if raw_vars is None:
        variables = [Variable(n, 1.0, (n,)) for n in names]
    else:
        raw_vars = sp.mapping(raw_vars, ("variables",))
        for vn, vs in raw_vars.items():
            path = ("variables", vn)
            vs = sp.mapping(vs, path, {"lines", "base", "discount_rate", "note"})
            if vs.get("discount_rate"):
                if len(schedule.rates) != 1 or not math.isinf(schedule.max_year):
                    raise sp.fail(path, "折现率变量只能用于固定折现率（非递减方案）")
                if "lines" in vs:
                    raise sp.fail(path, "折现率变量不能同时指定 lines")
                if any(v.discount_rate for v in variables):
                    raise sp.fail(path, "只能有一个折现率变量")
                variables.append(Variable(str(vn), schedule.rates[0], (), True))
                continue
            lns = vs.get("lines")
            if isinstance(lns, str):
                lns = [lns]
            if not isinstance(lns, list) or not lns:
                raise sp.fail((*path, "lines"), "必须列出受该变量影响的现金流名称")
            missing = [str(x) for x in lns if str(x) not in names]
            if missing:
                raise sp.fail((*path, "lines"), f"未知的现金流 {'、'.join(missing)}")
            b = sp.number(vs.get("base", 1.0), (*path, "base"))
            if b == 0:
                raise sp.fail((*path, "base"), "乘数变量的基准值不能为 0")
            variables.append(Variable(str(vn), b, tuple(str(x) for x in lns)))
        if not variables:
            raise sp.fail(("variables",), "至少需要一个变量")
    var_names = {v.name for v in variables}

    # sensitivity, scenarios, monte carlo
    settings: dict[str, Any] = {}
    sens = sp.mapping(
        spec.get("sensitivity", {}),
        ("sensitivity",),
        {"variables", "delta", "threshold", "preset", "change"},
    )
    sens = dict(sens)
    if "variables" in sens:
        bad = [str(v) for v in sens["variables"] if str(v) not in var_names]
        if bad:
            raise sp.fail(("sensitivity", "variables"), f"未知变量 {'、'.join(bad)}")
    if "preset" in sens:
        try:
            _sensitivity_preset(sens["preset"])
        except ValueError as exc:
            raise sp.fail(("sensitivity", "preset"), str(exc)) from None
    for key in ("delta", "threshold", "change"):
        if key in sens:
            sens[key] = sp.number(sens[key], ("sensitivity", key))
            # delta and change are relative changes of a variable (0.01 = 1%); a change of 100%
            # or more would zero or flip the sign of the variable
            if sens[key] <= 0 or (key != "threshold" and sens[key] >= 1):
                limits = "大于 0" if key == "threshold" else "大于 0 且小于 1（如 0.2 表示 ±20%）"
                raise sp.fail(
                    ("sensitivity", key), f"应{limits}，实际为 {_show(spec['sensitivity'][key])}"
                )
    settings["sensitivity"] = sens
    if "scenarios" in spec:
        sc = sp.mapping(spec["scenarios"], ("scenarios",))
        for sname, sval in sc.items():
            sval = sp.mapping(sval, ("scenarios", sname))
            bad = [str(v) for v in sval if v not in var_names]
            if bad:
                raise sp.fail(("scenarios", sname), f"未知变量 {'、'.join(bad)}")
        settings["scenarios"] = sc
    if "monte_carlo" in spec:
        mc = dict(
            sp.mapping(
                spec["monte_carlo"], ("monte_carlo",), {"n", "seed", "reference", "distributions"}
            )
        )
        dists = sp.mapping(mc.get("distributions", {}), ("monte_carlo", "distributions"))
        base_vals = {v.name: v.base for v in variables}
        for dname, dspec in dists.items():
            if dname not in var_names:
                raise sp.fail(("monte_carlo", "distributions", dname), "未知变量")
            try:
                _dist_spec(str(dname), dspec, base_vals[dname])
            except ValueError as exc:
                raise sp.fail(("monte_carlo", "distributions", dname), str(exc)) from None
        if "n" in mc:
            nv = sp.number(mc["n"], ("monte_carlo", "n"))
            if nv < 1 or nv != int(nv):
                raise sp.fail(("monte_carlo", "n"), f"必须是正整数，实际为 {_show(mc['n'])}")
            mc["n"] = int(nv)
        draws = mc.get("n", 10_000)
        if draws > MAX_MC_DRAWS:
            raise sp.fail(
                ("monte_carlo", "n"),
                f"模拟次数 {draws:,} 过多（上限 {MAX_MC_DRAWS:,} 次）",
                hint="一般 10,000 次已足够稳定；需要更多时请分批模拟",
            )
        cells = draws * horizon * max(len(names), 1)
        if cells > MAX_MC_CELLS:
            most = MAX_MC_CELLS // (horizon * max(len(names), 1))
            raise sp.fail(
                ("monte_carlo", "n"),
                f"模拟规模过大：模拟次数 × 计算期年数 × 现金流条数 = {draws:,} × {horizon} × "
                f"{len(names)} = {cells:,}，超过上限 {MAX_MC_CELLS:,}",
                hint=f"本案例的模拟次数最多 {most:,} 次；一般 10,000 次已足够稳定",
            )
        if "seed" in mc:
            mc["seed"] = sp.year(mc["seed"], ("monte_carlo", "seed"))
        else:
            notes.append(f"蒙特卡洛未指定随机种子，使用默认种子 {DEFAULT_SEED}")
        if "reference" in mc:
            mc["reference"] = sp.number(mc["reference"], ("monte_carlo", "reference"))
        settings["monte_carlo"] = mc

    # alternatives
    alts: dict[str, tuple[np.ndarray, float]] = {}
    if "alternatives" in spec:
        raw_alts = spec["alternatives"]
        if not isinstance(raw_alts, list) or not raw_alts:
            raise sp.fail(("alternatives",), "必须是非空列表")
        for i, item in enumerate(raw_alts):
            path = ("alternatives", i)
            item = sp.mapping(
                item, path, {"name", "costs", "costs_csv", "year_column", "value_column",
                             "sheet", "effect", "note"}
            )  # fmt: skip
            if "name" not in item:
                raise sp.fail(path, "缺少 name")
            an = str(item["name"])
            if an in alts:
                raise sp.fail((*path, "name"), f"方案名称重复：{an}")
            if ("costs" in item) == ("costs_csv" in item):
                raise sp.fail(path, "costs 与 costs_csv 必须且只能给出一个")
            if "costs" in item:
                if not isinstance(item["costs"], list) or not item["costs"]:
                    raise sp.fail((*path, "costs"), "必须是非空列表（自 start_year 起逐年）")
                c = np.array(
                    [sp.number(v, (*path, "costs", j)) for j, v in enumerate(item["costs"])]
                )
            else:
                long_years = list(range(start, start + 500))
                c = sp.csv_series({**item, "csv": item["costs_csv"]}, path, long_years)
                nz = np.flatnonzero(c)
                c = c[: nz[-1] + 1] if nz.size else c[:1]
            eff = sp.number(item["effect"], (*path, "effect")) if "effect" in item else math.nan
            alts[an] = (c, eff)

    model = CBAModel(
        title=str(spec.get("title", "")),
        unit=unit,
        years=tuple(years),
        t0=t0,
        price_base_year=price_base,
        discounting=schedule,
        lines=lines,
        kinds=kinds_s,
        categories=cats_s,
        variables=tuple(variables),
        settings=settings,
        alternatives=alts,
        optimism=ob,
        analysis=analysis,
        notes=tuple(notes),
    )
    if "monte_carlo" in settings:
        _probe_distributions(model, sp)
    return model


def _support(spec: Mapping[str, Any]) -> list[float]:
    """The values a distribution's draws lie between (a normal: mean ± 6 sd, beyond which no
    run of at most :data:`MAX_MC_DRAWS` draws reaches in practice)."""
    kind = spec["dist"]
    if kind in ("triangular", "pert"):
        return [spec["min"], spec["mode"], spec["max"]]
    if kind == "uniform":
        return [spec["low"], spec["high"]]
    if kind == "normal":
        return [spec["mean"] - 6 * spec["sd"], spec["mean"], spec["mean"] + 6 * spec["sd"]]
    return [float(v) for v in spec["values"]]


def _probe_distributions(model: CBAModel, sp: _Spec) -> None:
    """Check, without simulating, that every draw of the Monte Carlo run can be computed: the
    indicator is evaluated at each distribution's extreme values (the NPV is linear in the
    multipliers and monotone in the discount rate, so the extremes bound every draw). A
    discount rate that can be drawn at -1 or below, or an NPV that overflows, is refused here
    instead of leaving a run whose draws are all invalid."""
    mc = model.settings["monte_carlo"]
    base = model.base
    rate_vars = {v.name for v in model.variables if v.discount_rate}
    for name, dspec in (mc.get("distributions") or {}).items():
        path = ("monte_carlo", "distributions", name)
        spec = _dist_spec(str(name), dspec, base[name])
        points = _support(spec)
        if name in rate_vars and min(points) <= -1:
            low = min(points)
            tail = "（正态分布取均值 − 6 × 标准差）" if spec["dist"] == "normal" else ""
            raise sp.fail(
                path,
                f"{name if '折现率' in str(name) else f'{name}（折现率）'} 的分布可取到 "
                f"{_show(low)}{tail}，折现率必须大于 -1",
                hint="折现率的分布请用有界分布（triangular、pert、uniform），下限大于 -1",
            )
        with np.errstate(all="ignore"):
            values = np.asarray(model({name: np.asarray(points, dtype=float)}), dtype=float)
        bad = np.flatnonzero(~np.isfinite(values))
        if bad.size:
            raise sp.fail(
                path,
                f"{name} 取 {_show(points[int(bad[0])])} 时 {model.indicator} 无法计算（结果为 "
                f"{_show(values[int(bad[0])])}），蒙特卡洛模拟的抽样将无效",
                hint="请核对分布参数（变量为相对基准值的乘数，折现率为小数）",
            )
