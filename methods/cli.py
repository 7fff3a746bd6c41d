"""The ``jixiao`` command line.

Exit codes: 0 success; 1 a case failed while running (or some cases of a batch); 2 bad input
(nothing written for that case). Errors are one or two plain lines; ``--debug`` shows tracebacks.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from methods.errors import CaseError, JixiaoError

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """argparse with usage errors as exit code 2 and Chinese wording."""

    def error(self, message: str):  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: 参数错误：{message}\n")


def _print_err(text: str) -> None:
    print(text, file=sys.stderr)


# ---------------------------------------------------------------------------------------------
# Commands


def cmd_validate(args: argparse.Namespace) -> int:
    from methods import casefile

    files = casefile.find_case_files(args.paths)
    if not files:
        _print_err("没有找到案例文件（*.yaml）：" + "、".join(map(str, args.paths)))
        return EXIT_BAD_INPUT
    for path in files:
        case = casefile.validate(path)  # raises CaseError on the first bad file
        if not args.quiet:
            print(f"通过  {path}  [{case.evaluation}] {case.title}")
    if not args.quiet:
        print(f"全部 {len(files)} 个案例文件校验通过。")
    return EXIT_OK


def cmd_run(args: argparse.Namespace) -> int:
    from methods import casefile, library, runner

    path = Path(args.file)
    # the library is known (and named) before validating: 历史标准/行业标准 targets come from it
    target = runner.use_library(library.locate(path, args.library))
    case = casefile.validate(path)
    if not args.quiet:  # named once the case is known to be good: bad input prints only its error
        print(f"案例库：{target}")
    result = runner.run_case(path, target, timeout=args.timeout, case=case, force=args.force)
    score = "—" if result.total_score is None else f"{result.total_score:g}"
    if not args.quiet:
        print(f"已存档：{case.title}（{case.year}）总分 {score}，等级 {result.grade or '—'}")
    print(result.path)
    return EXIT_OK


def cmd_batch(args: argparse.Namespace) -> int:
    import signal

    from methods import batch

    # Ctrl-C (and SIGTERM) interrupt a batch cleanly even when the shell started it with SIGINT
    # ignored (e.g. as a background job): archived cases stay, the rest resume next time.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)

    summary = batch.run_batch(
        args.dirs,
        args.library,
        on_library=lambda path: print(f"案例库：{path}", flush=True),
        workers=args.workers,
        force=args.force,
        timeout=args.timeout,
        case_timeout=args.case_timeout,
        progress=not args.no_progress and sys.stderr.isatty() or args.progress,
        dask=args.dask,
    )
    for line in batch.failures_report(summary.failures):
        _print_err(line)
    print(summary.line())
    if summary.interrupted:
        return 130
    return EXIT_OK if summary.ok else EXIT_FAILED


def cmd_import(args: argparse.Namespace) -> int:
    from methods import casefile, excel

    imported, extra = excel.import_any(args.file)
    out = Path(args.output) if args.output else Path(args.file).with_suffix(".yaml")
    if out.exists() and not args.force:
        raise CaseError("文件已存在（使用 --force 覆盖）", file=str(out))
    text = excel.to_yaml(imported, args.file)
    out.parent.mkdir(parents=True, exist_ok=True)
    for name, data in extra.items():  # e.g. survey data as CSV, personal columns removed
        (out.parent / name).write_bytes(data)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    try:
        casefile.validate(tmp)
    except CaseError as exc:
        tmp.unlink()
        for name in extra:
            (out.parent / name).unlink(missing_ok=True)
        raise imported.refusal(exc).with_context(file=args.file) from None
    tmp.replace(out)
    for note in imported.notes:
        print(f"说明：{note}")
    forms = excel._spec()["forms"]
    kind = forms[imported.form]["title"] if imported.form in forms else "满意度调查数据"
    for name in extra:
        print(f"已写出数据文件：{out.parent / name}")
    print(f"已导入{kind}：{out}（运行 jixiao run {out} 生成报告）")
    return EXIT_OK


def cmd_new(args: argparse.Namespace) -> int:
    from methods import casefile, templates

    if args.evaluation not in casefile.EVALUATIONS:
        raise CaseError(
            f"未知的评价类型 '{args.evaluation}'",
            hint="可用：" + "、".join(f"{k}（{v.title}）" for k, v in casefile.EVALUATIONS.items()),
        )
    if args.xlsx:
        from methods import excel

        out = Path(args.output or f"{args.evaluation}.xlsx")
        if out.exists() and not args.force:
            raise CaseError("文件已存在（使用 --force 覆盖）", file=str(out))
        excel.write_form(args.evaluation, out)
        print(f"已写出 Excel 表样：{out}（填写后运行 jixiao import {out}）")
        return EXIT_OK
    text = templates.case_template(args.evaluation)
    if args.output:
        out = Path(args.output)
        if out.exists() and not args.force:
            raise CaseError("文件已存在（使用 --force 覆盖）", file=str(out))
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        for name, data in templates.template_files(args.evaluation).items():
            extra = out.parent / name
            if not extra.exists() or args.force:
                extra.write_bytes(data)
                print(f"已写出示例数据：{extra}")
        print(f"已写出案例模板：{out}（填写后运行 jixiao validate {out}）")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def _library(args):
    """The library a ``jixiao library`` command reads: ``--library``, ``$JIXIAO_LIBRARY`` or the
    nearest ``case_library/`` of the working directory's project; opened read-only when it
    cannot be written."""
    from methods import library

    path, _ = library.discover(Path.cwd(), args.library)
    if path is None:
        raise library.LibraryError(library.not_found_message() + "\n  用 --library DIR 指定案例库")
    return library.Library.open(path)


def _emit(df, fmt: str, columns_zh: dict[str, str] | None = None) -> None:
    """Print a DataFrame as an aligned table (Chinese headers), CSV or JSON."""
    if fmt == "csv":
        from methods.exporting import neutralise_frame

        sys.stdout.write(neutralise_frame(df).to_csv(index=False))
    elif fmt == "json":
        sys.stdout.write(df.to_json(orient="records", force_ascii=False, indent=2) + "\n")
    else:
        shown = df.astype(object).where(df.notna(), "—").rename(columns=columns_zh or {})
        with __import__("pandas").option_context(
            "display.max_rows",
            None,
            "display.max_columns",
            None,
            "display.width",
            200,
            "display.unicode.east_asian_width",
            True,
        ):
            print(shown.to_string(index=False))


LIST_ZH = {
    "year": "年度",
    "case_id": "案例编号",
    "title": "名称",
    "department": "部门",
    "evaluation": "评价类型",
    "budget_type": "预算类型",
    "object_type": "对象",
    "total_score": "总分",
    "grade": "等级",
    "path": "路径",
    "archived_at": "存档时间",
    "responsible_unit": "责任单位",
    "responsible_role": "责任岗位",
    "cases": "案例数",
    "first_year": "起始年度",
    "last_year": "最近年度",
    "latest_grade": "最近等级",
    "grades": "等级分布",
    "change": "等级变化",
}


def cmd_library_list(args: argparse.Namespace) -> int:
    from methods.library import list_cases

    df = list_cases(
        _library(args),
        year=args.year,
        department=args.department,
        evaluation=args.evaluation,
        grade=args.grade,
        budget_type=args.budget_type,
        responsible=args.responsible,
    )
    if df.empty and args.format == "table":
        print("没有符合条件的案例。")
        return EXIT_OK
    if args.format == "table":
        from methods.casefile import EVALUATIONS

        shown = ["year", "case_id", "title", "department", "evaluation", "total_score", "grade"]
        if args.responsible is not None:
            shown += ["responsible_unit", "responsible_role"]
        df = df[shown]
        df = df.assign(
            evaluation=df["evaluation"].map(lambda e: getattr(EVALUATIONS.get(e), "title", e))
        )
    _emit(df, args.format, LIST_ZH)
    return EXIT_OK


def cmd_library_responsible(args: argparse.Namespace) -> int:
    from methods.library import responsible_history

    df = responsible_history(_library(args), args.unit)
    if df.empty and args.format == "table":
        if args.unit:
            print(f"没有责任单位包含“{args.unit}”的案例。")
        else:
            print("案例库中没有填写责任主体（responsible）的案例。")
        return EXIT_OK
    if args.format == "table" and "evaluation" in df:
        from methods.casefile import EVALUATIONS

        df = df.assign(
            evaluation=df["evaluation"].map(lambda e: getattr(EVALUATIONS.get(e), "title", e))
        )
    _emit(df, args.format, LIST_ZH)
    return EXIT_OK


def cmd_library_publish(args: argparse.Namespace) -> int:
    from methods.publication import publish_case

    out = Path(args.output) if args.output else None
    lib = _library(args)
    target, public = publish_case(lib, args.case, year=args.year, out=out)
    if out is None and not lib.readonly:  # the catalogue links the public version
        from methods import catalogue

        catalogue.build(lib)
    counts: dict[str, int] = {}
    for r in public.removals:
        counts[r.action] = counts.get(r.action, 0) + 1
    done = "、".join(f"{k} {v} 处" for k, v in counts.items()) or "无需删除的内容"
    print(f"公开版已生成：{target}")
    print(f"  {done}；公开前请按 {target / '公开检查清单.md'} 逐项确认")
    return EXIT_OK


def cmd_library_show(args: argparse.Namespace) -> int:
    import json

    lib = _library(args)
    row = lib.one(args.case, args.year)
    folder = lib.root / row["path"]
    results = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    score = "—" if row["total_score"] is None else f"{row['total_score']:.2f}"
    print(f"{row['title']}（{row['year']}，{row['case_id']}）")
    print(
        f"  部门：{row['department']}  评价类型：{row['evaluation']}  总分：{score}  等级：{row['grade'] or '—'}"
    )
    for name, points in (results.get("level1") or {}).items():
        weight = (results.get("level1_weights") or {}).get(name)
        print(f"  {name}：{points}" + (f" / {weight}" if weight is not None else ""))
    for w in results.get("warnings") or []:
        print(f"  提示：{w}")
    print(f"  报告：{folder / 'report.html'}")
    return EXIT_OK


BENCHMARK_ZH = {
    "indicator": "指标",
    "unit": "单位",
    "direction": "方向",
    "identity": "对标身份",
    "year": "年度",
    "department": "部门",
    "n": "同类案例数",
    "actual_mean": "实际值均值",
}


def cmd_library_benchmark(args: argparse.Namespace) -> int:
    from methods.library import MIN_COMPARABLE, benchmark, identity_label

    min_n = MIN_COMPARABLE if args.min_n is None else args.min_n
    years = tuple(args.years) if args.years else None
    df = benchmark(_library(args), args.indicator, by=args.by, years=years, min_n=min_n)
    if df.empty:
        print(f"案例库中没有指标 {args.indicator} 的数据。")
        return EXIT_OK
    notes = []
    if df[["identity", "unit", "direction"]].drop_duplicates().shape[0] > 1:
        notes.append(
            f"{args.indicator} 对应案例库中的不同指标（指标库代码或对标标识、名称、计量单位或方向不同），"
            "按指标分别统计，不合并比较。"
        )
    few = df[df["n"] < min_n]
    if not few.empty:
        listed = "、".join(
            f"{r.indicator}"
            + (f"（{r.unit}）" if isinstance(r.unit, str) and r.unit else "")
            + f" {r.n} 个"
            for r in few.itertuples()
        )
        notes.append(
            f"同类案例少于 {min_n} 个的分组不计算均值和分位数（样本过少；最少样本数为实务做法，"
            f"可用 --min-n 调整）：{listed}。"
        )
    zh = {
        **BENCHMARK_ZH,
        **{
            c: "实际值P" + c.removeprefix("actual_p")
            for c in df.columns
            if c.startswith("actual_p")
        },
        **{
            c: "得分率P" + c.removeprefix("score_rate_p")
            for c in df.columns
            if c.startswith("score_rate_p")
        },
    }
    if args.format == "table":
        df = df.assign(identity=df["identity"].map(identity_label))
    _emit(df.round(4), args.format, zh)
    for note in notes:
        print(note, file=sys.stdout if args.format == "table" else sys.stderr)
    return EXIT_OK


def cmd_library_export(args: argparse.Namespace) -> int:
    from methods.exporting import write_tables
    from methods.library import indicator_table, list_cases

    lib = _library(args)
    tables = {"cases": list_cases(lib), "indicators": indicator_table(lib)}
    written = write_tables(tables, args.output, args.format)
    for path in written:
        print(path)
    return EXIT_OK


def cmd_library_verify(args: argparse.Namespace) -> int:
    from methods import verify

    lib = _library(args)
    n = len([r for r in lib.cases() if not args.case or r["case_id"] in args.case])
    problems = verify.verify(lib, rerun=args.rerun, cases=args.case)
    for p in problems:
        _print_err(p.line())
    what = "校验并重新计算" if args.rerun else "校验"
    if problems:
        print(f"{what} {n} 个案例：发现 {len(problems)} 个问题。")
        return EXIT_FAILED
    print(f"{what} {n} 个案例：全部一致。")
    return EXIT_OK


def cmd_library_reindex(args: argparse.Namespace) -> int:
    from methods import catalogue, library

    path, _ = library.discover(Path.cwd(), args.library)
    if path is None:
        raise library.LibraryError(library.not_found_message() + "\n  用 --library DIR 指定案例库")
    done = library.reindex(path)
    for folder, why in done.skipped:
        _print_err(f"跳过  {folder}: {why}")
    if done.kept is not None:
        print(f"原索引已损坏，已另存为 {done.kept}")
    catalogue.build(library.Library(path))
    print(f"已从存档重建索引 {path / 'index.sqlite'}：{done.indexed} 个案例。")
    return EXIT_FAILED if done.skipped else EXIT_OK


def cmd_library_catalogue(args: argparse.Namespace) -> int:
    from methods import catalogue

    print(catalogue.build(_library(args)))
    return EXIT_OK


def cmd_library_report(args: argparse.Namespace) -> int:
    from methods import annual_report, catalogue

    lib = _library(args)
    target = annual_report.write(lib, args.year, args.output)
    if args.output is None:
        catalogue.build(lib)
    print(f"{args.year} 年度预算绩效管理工作情况报告：{target}")
    return EXIT_OK


def cmd_indicators_search(args: argparse.Namespace) -> int:
    from methods import indicators

    try:
        found = indicators.search(" ".join(args.query), sector=args.sector, limit=args.limit)
    except ValueError as exc:
        raise CaseError(str(exc), field="indicators search") from None
    if found.empty:
        print("未找到匹配的指标。")
        return EXIT_OK
    cols = ["code", "name", "sector", "level1", "level2", "unit", "rule", "match"]
    zh = {
        "code": "代码",
        "name": "名称",
        "sector": "行业",
        "level1": "一级",
        "level2": "二级",
        "unit": "单位",
        "rule": "规则",
        "match": "匹配",
    }
    _emit(found[cols], args.format, zh)
    return EXIT_OK


def cmd_indicators_show(args: argparse.Namespace) -> int:
    from methods import indicators

    try:
        print(indicators.describe(args.code))
    except KeyError as exc:
        raise CaseError(str(exc.args[0]) if exc.args else str(exc), field="CODE") from None
    return EXIT_OK


def cmd_indicators_sectors(args: argparse.Namespace) -> int:
    from methods import indicators

    _emit(indicators.sector_info(), "table")
    return EXIT_OK


def cmd_documents_list(args: argparse.Namespace) -> int:
    from methods import documents

    for value, known, what in (
        (args.level, documents.LEVELS, "层级"),
        (args.status, documents.STATUSES, "依据状态"),
    ):
        if value and value not in known:
            raise CaseError(
                f"未知的{what} {value}（可选：{'、'.join(known)}）", field="documents list"
            )
    rows = documents.table(level=args.level, status=args.status)
    if not rows:
        print("文件库中没有符合条件的文件。")
        return EXIT_OK
    _print_documents(rows)
    return EXIT_OK


def cmd_documents_show(args: argparse.Namespace) -> int:
    from methods import documents

    try:
        print(documents.describe(args.id))
    except KeyError as exc:
        raise CaseError(str(exc.args[0]), field="documents show") from None
    return EXIT_OK


def cmd_documents_search(args: argparse.Namespace) -> int:
    from methods import documents

    rows = documents.search(" ".join(args.text))
    if not rows:
        print("文件库中没有匹配的文件。")
        return EXIT_OK
    _print_documents(rows)
    return EXIT_OK


def _print_documents(rows: list[dict[str, str]]) -> None:
    import pandas as pd

    zh = {
        "id": "编号",
        "number": "文号",
        "title": "标题",
        "issuer": "发文机关",
        "date": "日期",
        "level": "层级",
        "status": "依据状态",
    }
    _emit(pd.DataFrame(rows)[list(zh)], "table", zh)


# ---------------------------------------------------------------------------------------------
# Parser


REGISTRY_ZH = {
    "id": "编号",
    "name": "名称",
    "fields": "专业领域",
    "affiliation": "工作单位",
    "kind": "单位类型",
    "active": "在库",
    "rotated": "近年参加过",
    "reason": "未抽取原因",
    "reviews": "考评次数",
    "mean_score": "考评均分",
    "points": "招标评分调整",
    "blacklisted": "失信黑名单",
    "year": "年度",
    "score": "考评得分",
    "engagement": "受托业务",
    "source": "来源",
}


def _registry(args):
    from methods import registry

    return registry.load(args.registry)


def _optional_library(args):
    """The case library to add reviews from, when one is found (never an error here)."""
    from methods import library

    path, _ = library.discover(Path.cwd(), args.library)
    return (
        library.Library.open(path)
        if path is not None and (path / "index.sqlite").exists()
        else None
    )


def cmd_registry_check(args: argparse.Namespace) -> int:
    reg = _registry(args)
    parts = []
    if reg.experts is not None:
        parts.append(f"专家库 {len(reg.experts.experts)} 名专家")
    if reg.agencies is not None:
        parts.append(f"第三方机构库 {len(reg.agencies.agencies)} 家机构")
    print(f"名录校验通过：{reg.folder}（{'，'.join(parts)}）")
    return EXIT_OK


def cmd_registry_experts(args: argparse.Namespace) -> int:
    reg = _registry(args)
    df = reg.expert_table()
    if args.field:
        df = df[df["fields"].str.split("、").map(lambda fs: args.field in fs)]
    df = df.assign(active=df["active"].map({True: "是", False: "否"}))
    _emit(df, args.format, REGISTRY_ZH)
    return EXIT_OK


def cmd_registry_draw(args: argparse.Namespace) -> int:
    from methods.registry import draw_panel

    panel = draw_panel(
        _registry(args),
        args.size,
        seed=args.seed,
        fields=args.field or (),
        exclude=args.exclude or (),
        unit=args.unit,
        year=args.year,
    )
    print(panel.summary())
    shown = panel.experts.assign(rotated=panel.experts["rotated"].map({True: "是", False: ""}))
    _emit(shown, "table", REGISTRY_ZH)
    if len(panel.excluded):
        print("\n回避或不符合条件：")
        _emit(panel.excluded, "table", REGISTRY_ZH)
    return EXIT_OK


def cmd_registry_agencies(args: argparse.Namespace) -> int:
    from methods.registry import agency_table

    _emit(agency_table(_registry(args), args.year, library=_optional_library(args)), args.format,
          REGISTRY_ZH)  # fmt: skip
    return EXIT_OK


def cmd_registry_agency(args: argparse.Namespace) -> int:
    from methods.registry import bid_factor, review_history

    reg = _registry(args)
    lib = _optional_library(args)
    agency = reg.agency(args.agency)
    print(f"{agency.name}（{agency.id}）  专业领域：{'、'.join(agency.fields) or '—'}")
    history = review_history(reg, args.agency, lib)
    if history.empty:
        print("  暂无执业质量考评记录")
    else:
        _emit(history, "table", REGISTRY_ZH)
    for b in agency.blacklist:
        until = b.to.isoformat() if b.to else "未定"
        print(f"  失信黑名单：{b.from_.isoformat()} 至 {until}，{b.reason}（{b.decided_by}认定）")
    print(bid_factor(reg, args.agency, args.year, library=lib).summary())
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    from methods import __version__

    p = _Parser(
        prog="jixiao",
        description="绩效 Jixiao：预算绩效评价案例的校验、评分、报告与案例库。",
    )
    p.add_argument("--version", action="version", version=f"jixiao {__version__}")
    p.add_argument("--debug", action="store_true", help="出错时显示完整的调用栈（traceback）")
    sub = p.add_subparsers(dest="command", metavar="命令", parser_class=_Parser)
    sub.required = True

    v = sub.add_parser("validate", help="校验案例文件（FILE 或目录）")
    v.add_argument("paths", nargs="+", metavar="FILE|DIR")
    v.add_argument("-q", "--quiet", action="store_true", help="只在出错时输出")
    v.set_defaults(func=cmd_validate)

    r = sub.add_parser("run", help="运行一个案例并存入案例库")
    r.add_argument("file", metavar="FILE")
    r.add_argument(
        "--library",
        metavar="DIR",
        default=None,
        help="案例库目录（默认 $JIXIAO_LIBRARY，否则案例文件所在项目的 case_library/）",
    )
    r.add_argument("--timeout", type=int, default=600, help="每个代码单元的超时秒数（默认 600）")
    r.add_argument("-q", "--quiet", action="store_true", help="只输出存档路径")
    r.add_argument(
        "--force",
        action="store_true",
        help="案例库中已有同年度同编号、但来自另一案例文件的案例时，仍然替换",
    )
    r.set_defaults(func=cmd_run)

    b = sub.add_parser("batch", help="批量运行目录下的全部案例（并行、可续跑）")
    b.add_argument("dirs", nargs="+", metavar="DIR")
    b.add_argument("--workers", type=int, default=None, help="并行进程数（默认 CPU 核数）")
    b.add_argument(
        "--library",
        metavar="DIR",
        default=None,
        help="案例库目录（默认 $JIXIAO_LIBRARY，否则案例所在项目的 case_library/）",
    )
    b.add_argument(
        "--dask", metavar="ADDRESS", default=None, help="Dask 调度器地址，或 local 启动本机集群"
    )
    b.add_argument(
        "--force",
        action="store_true",
        help="未变化的案例也重新运行；来自另一案例文件的同编号存档也替换",
    )
    b.add_argument("--timeout", type=int, default=600, help="每个代码单元的超时秒数（默认 600）")
    b.add_argument("--case-timeout", type=int, default=None, help="每个案例的总时限（秒）")
    b.add_argument("--progress", action="store_true", help="总是显示进度条")
    b.add_argument("--no-progress", action="store_true", help="不显示进度条")
    b.set_defaults(func=cmd_batch)

    n = sub.add_parser("new", help="写出带注释的案例文件模板")
    n.add_argument("evaluation", metavar="EVALUATION")
    n.add_argument("-o", "--output", metavar="FILE", help="写入文件（默认输出到屏幕）")
    n.add_argument("--force", action="store_true", help="覆盖已有文件")
    n.add_argument("--xlsx", action="store_true", help="写出 Excel 表样（供 jixiao import 导入）")
    n.set_defaults(func=cmd_new)

    im = sub.add_parser("import", help="把填好的 Excel 表（自评表、评分表）转成案例文件")
    im.add_argument("file", metavar="FILE.xlsx")
    im.add_argument("-o", "--output", metavar="CASE.yaml")
    im.add_argument("--force", action="store_true", help="覆盖已有文件")
    im.set_defaults(func=cmd_import)

    ind = sub.add_parser("indicators", help="指标库：search / show / sectors")
    ind_sub = ind.add_subparsers(dest="indicators_command", metavar="子命令", parser_class=_Parser)
    ind_sub.required = True
    isr = ind_sub.add_parser("search", help="按关键词检索指标库")
    isr.add_argument("query", nargs="+", metavar="关键词")
    isr.add_argument("--sector", help="行业（名称或代码前缀）")
    isr.add_argument("--limit", type=int, default=20)
    isr.add_argument("--format", choices=["table", "csv", "json"], default="table")
    isr.set_defaults(func=cmd_indicators_search)
    ish = ind_sub.add_parser("show", help="显示一个指标的定义、公式和计分规则")
    ish.add_argument("code", metavar="CODE")
    ish.set_defaults(func=cmd_indicators_show)
    ise = ind_sub.add_parser("sectors", help="列出指标库的行业")
    ise.set_defaults(func=cmd_indicators_sectors)

    doc = sub.add_parser("documents", help="文件库：list / show / search")
    doc_sub = doc.add_subparsers(dest="documents_command", metavar="子命令", parser_class=_Parser)
    doc_sub.required = True
    dl = doc_sub.add_parser("list", help="列出文件库中的文件")
    dl.add_argument(
        "--level", help="层级：national / provincial / municipal / district / foreign / literature"
    )
    dl.add_argument("--status", help="依据状态：reg / local / practice / unverified / foreign")
    dl.set_defaults(func=cmd_documents_list)
    dsh = doc_sub.add_parser("show", help="显示一个文件的全部信息和引用它的规则")
    dsh.add_argument("id", metavar="ID")
    dsh.set_defaults(func=cmd_documents_show)
    dse = doc_sub.add_parser("search", help="按文号、标题、发文机关或内容检索文件库")
    dse.add_argument("text", nargs="+", metavar="文字")
    dse.set_defaults(func=cmd_documents_search)

    lib = sub.add_parser(
        "library",
        help="案例库：list / show / responsible / publish / benchmark / export / verify / reindex /"
        " catalogue",
    )
    lib_sub = lib.add_subparsers(dest="library_command", metavar="子命令", parser_class=_Parser)
    lib_sub.required = True

    def lib_parser(name: str, help: str):
        sp = lib_sub.add_parser(name, help=help)
        sp.add_argument("--library", metavar="DIR", default=None, help="案例库目录")
        return sp

    ll = lib_parser("list", "列出已存档的案例（可筛选）")
    ll.add_argument("--year", type=int)
    ll.add_argument("--department")
    ll.add_argument("--evaluation")
    ll.add_argument("--grade")
    ll.add_argument("--budget-type", dest="budget_type")
    ll.add_argument(
        "--responsible",
        nargs="?",
        const="",
        default=None,
        metavar="UNIT",
        help="显示责任单位和岗位；给出 UNIT 时只列责任单位名称包含它的案例",
    )
    ll.add_argument("--format", choices=["table", "csv", "json"], default="table")
    ll.set_defaults(func=cmd_library_list)

    lq = lib_parser("responsible", "责任单位的案例与等级记录（项目责任人对预算绩效负责）")
    lq.add_argument(
        "unit",
        metavar="UNIT",
        nargs="?",
        default=None,
        help="责任单位名称（或其一部分）；不给出时按责任单位汇总",
    )
    lq.add_argument("--format", choices=["table", "csv", "json"], default="table")
    lq.set_defaults(func=cmd_library_responsible)

    lp = lib_parser(
        "publish", "生成存档报告的公开版（删除个人信息和内部资料，附公开检查清单），用于随决算公开"
    )
    lp.add_argument("case", metavar="CASE")
    lp.add_argument("--year", type=int)
    lp.add_argument(
        "-o", "--output", metavar="DIR", help="输出目录（默认 案例库/public/年度/案例编号/）"
    )
    lp.set_defaults(func=cmd_library_publish)

    ls = lib_parser("show", "显示一个案例的结果摘要")
    ls.add_argument("case", metavar="CASE")
    ls.add_argument("--year", type=int)
    ls.set_defaults(func=cmd_library_show)

    lw = lib_parser(
        "report", "年度预算绩效管理工作情况报告（报区委区政府和区人大）：HTML、Word 和汇总数据"
    )
    lw.add_argument("year", metavar="YEAR", type=int)
    lw.add_argument("-o", "--output", metavar="DIR", help="输出目录（默认 案例库/reports/年度/）")
    lw.set_defaults(func=cmd_library_report)

    lb = lib_parser(
        "benchmark", "某指标在已存档案例中的分位数（实际值与得分率），只比较同一指标、单位和方向"
    )
    lb.add_argument(
        "indicator", metavar="INDICATOR", help="指标库代码、对标标识、指标名称或案例中的指标编号"
    )
    lb.add_argument("--by", choices=["year", "department"])
    lb.add_argument("--years", type=int, nargs=2, metavar=("FROM", "TO"))
    lb.add_argument(
        "--min-n",
        dest="min_n",
        type=int,
        default=None,
        metavar="N",
        help="同类案例少于 N 个的分组不计算分位数（默认 5，实务做法）",
    )
    lb.add_argument("--format", choices=["table", "csv", "json"], default="table")
    lb.set_defaults(func=cmd_library_benchmark)

    le = lib_parser("export", "导出案例库（xlsx、csv、parquet、json）")
    le.add_argument("-o", "--output", required=True, metavar="FILE")
    le.add_argument("--format", choices=["xlsx", "csv", "parquet", "json"], default=None)
    le.set_defaults(func=cmd_library_export)

    lv = lib_parser("verify", "校验存档文件的哈希；--rerun 重新执行并比对结果")
    lv.add_argument("--rerun", action="store_true")
    lv.add_argument("--case", action="append", metavar="CASE", help="只校验这些案例（可重复）")
    lv.set_defaults(func=cmd_library_verify)

    lr = lib_parser("reindex", "从存档目录重建索引 index.sqlite（索引丢失或损坏时）")
    lr.set_defaults(func=cmd_library_reindex)

    lc = lib_parser("catalogue", "重建案例库目录页 index.html")
    lc.set_defaults(func=cmd_library_catalogue)

    import datetime

    this_year = datetime.date.today().year
    reg = sub.add_parser(
        "registry", help="专家库与第三方机构库：check / experts / draw / agencies / agency"
    )
    reg_sub = reg.add_subparsers(dest="registry_command", metavar="子命令", parser_class=_Parser)
    reg_sub.required = True

    def reg_parser(name: str, help: str):
        sp = reg_sub.add_parser(name, help=help)
        sp.add_argument(
            "--registry",
            metavar="DIR",
            default=None,
            help="名录目录（默认 $JIXIAO_REGISTRY，否则项目的 parameters/registries/）",
        )
        return sp

    rc = reg_parser("check", "校验专家库和第三方机构库")
    rc.set_defaults(func=cmd_registry_check)
    rx = reg_parser("experts", "列出专家库（可按专业领域筛选）")
    rx.add_argument("--field", metavar="领域")
    rx.add_argument("--format", choices=["table", "csv", "json"], default="table")
    rx.set_defaults(func=cmd_registry_experts)
    rd = reg_parser("draw", "随机抽取评审专家（回避利益冲突、轮换，可复现）")
    rd.add_argument("--size", type=int, required=True, help="抽取人数")
    rd.add_argument("--seed", type=int, required=True, help="随机种子（记录在评审纪要中，可复现）")
    rd.add_argument("--field", action="append", metavar="领域", help="需要的专业领域（可重复）")
    rd.add_argument("--exclude", action="append", metavar="单位", help="回避的单位或机构（可重复）")
    rd.add_argument("--unit", metavar="单位", help="被评价单位（回避，并据以轮换近年参加过的专家）")
    rd.add_argument("--year", type=int, default=this_year, help="评审年度（默认今年）")
    rd.set_defaults(func=cmd_registry_draw)
    ra = reg_parser("agencies", "第三方机构及其招标评分调整、失信黑名单")
    ra.add_argument("--year", type=int, default=this_year, help="招标年度（默认今年）")
    ra.add_argument("--library", metavar="DIR", default=None, help="补充考评记录的案例库")
    ra.add_argument("--format", choices=["table", "csv", "json"], default="table")
    ra.set_defaults(func=cmd_registry_agencies)
    rg = reg_parser("agency", "一家机构的历年执业质量考评、失信记录和招标评分调整")
    rg.add_argument("agency", metavar="AGENCY", help="机构编号或名称")
    rg.add_argument("--year", type=int, default=this_year, help="招标年度（默认今年）")
    rg.add_argument("--library", metavar="DIR", default=None, help="补充考评记录的案例库")
    rg.set_defaults(func=cmd_registry_agency)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    debug = args.debug or os.environ.get("JIXIAO_DEBUG") == "1"
    try:
        return args.func(args)
    except CaseError as exc:
        if debug:
            raise
        _print_err(f"错误：{exc}")
        return EXIT_BAD_INPUT
    except JixiaoError as exc:
        if debug:
            raise
        _print_err(f"错误：{exc}")
        return exc.exit_code
    except KeyboardInterrupt:
        _print_err("已中断。")
        return 130
    except Exception as exc:
        if debug:
            raise
        _print_err(f"内部错误：{type(exc).__name__}: {exc}")
        _print_err("  请加 --debug 重新运行以查看详细信息，并报告此问题。")
        return EXIT_FAILED


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
