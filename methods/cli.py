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
    from methods import casefile, runner

    path = Path(args.file)
    case = casefile.validate(path)
    result = runner.run_case(path, args.library, timeout=args.timeout, case=case)
    score = "—" if result.total_score is None else f"{result.total_score:g}"
    if not args.quiet:
        print(f"已存档：{case.title}（{case.year}）总分 {score}，等级 {result.grade or '—'}")
    print(result.path)
    return EXIT_OK


def cmd_batch(args: argparse.Namespace) -> int:
    from methods import batch

    summary = batch.run_batch(
        args.dirs,
        args.library,
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


def cmd_new(args: argparse.Namespace) -> int:
    from methods import casefile, templates

    if args.evaluation not in casefile.EVALUATIONS:
        raise CaseError(
            f"未知的评价类型 '{args.evaluation}'",
            hint="可用：" + "、".join(f"{k}（{v.title}）" for k, v in casefile.EVALUATIONS.items()),
        )
    text = templates.case_template(args.evaluation)
    if args.output:
        out = Path(args.output)
        if out.exists() and not args.force:
            raise CaseError("文件已存在（使用 --force 覆盖）", file=str(out))
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        print(f"已写出案例模板：{out}（填写后运行 jixiao validate {out}）")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def cmd_library_list(args: argparse.Namespace) -> int:
    from methods.library import Library

    lib = Library(args.library)
    rows = lib.cases()
    if not rows:
        print("案例库为空。")
        return EXIT_OK
    for r in rows:
        score = "—" if r["total_score"] is None else f"{r['total_score']:.2f}"
        print(f"{r['year']}  {r['case_id']:<36} {score:>7}  {r['grade'] or '—'}  {r['title']}")
    return EXIT_OK


# ---------------------------------------------------------------------------------------------
# Parser


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
        help="案例库目录（默认 $JIXIAO_LIBRARY 或 ./case_library）",
    )
    r.add_argument("--timeout", type=int, default=600, help="每个代码单元的超时秒数（默认 600）")
    r.add_argument("-q", "--quiet", action="store_true", help="只输出存档路径")
    r.set_defaults(func=cmd_run)

    b = sub.add_parser("batch", help="批量运行目录下的全部案例（并行、可续跑）")
    b.add_argument("dirs", nargs="+", metavar="DIR")
    b.add_argument("--workers", type=int, default=None, help="并行进程数（默认 CPU 核数）")
    b.add_argument("--library", metavar="DIR", default=None, help="案例库目录")
    b.add_argument(
        "--dask", metavar="ADDRESS", default=None, help="Dask 调度器地址，或 local 启动本机集群"
    )
    b.add_argument("--force", action="store_true", help="未变化的案例也重新运行")
    b.add_argument("--timeout", type=int, default=600, help="每个代码单元的超时秒数（默认 600）")
    b.add_argument("--case-timeout", type=int, default=None, help="每个案例的总时限（秒）")
    b.add_argument("--progress", action="store_true", help="总是显示进度条")
    b.add_argument("--no-progress", action="store_true", help="不显示进度条")
    b.set_defaults(func=cmd_batch)

    n = sub.add_parser("new", help="写出带注释的案例文件模板")
    n.add_argument("evaluation", metavar="EVALUATION")
    n.add_argument("-o", "--output", metavar="FILE", help="写入文件（默认输出到屏幕）")
    n.add_argument("--force", action="store_true", help="覆盖已有文件")
    n.set_defaults(func=cmd_new)

    lib = sub.add_parser("library", help="案例库：list …")
    lib_sub = lib.add_subparsers(dest="library_command", metavar="子命令", parser_class=_Parser)
    lib_sub.required = True
    ll = lib_sub.add_parser("list", help="列出已存档的案例")
    ll.add_argument("--library", metavar="DIR", default=None)
    ll.set_defaults(func=cmd_library_list)
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
