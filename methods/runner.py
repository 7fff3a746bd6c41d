"""Run a case: validate → execute its notebook with papermill → render HTML → archive → index.

:func:`run_case` is what ``jixiao run`` calls. The notebook is parameterised with exactly the case
file's mapping (what ``papermill -f`` injects), its injected cell rewritten readably (Chinese as
Chinese), executed in the case file's folder, and rendered from the executed notebook (never
re-executed) with code, stderr and the results payload left out. Everything is written to a staging
folder of the library and appears in one rename (:meth:`methods.library.Library.commit`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import pprint
import re
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from methods import casefile
from methods._protocol import DOCUMENT_MIME, HIDE_TAG, RESULTS_MIME
from methods._resources import data_path
from methods.errors import CaseError, ExecutionError
from methods.hashing import PROJECT_DIR, notebook_file, package_hash, sha256_file
from methods.hashing import combine as combine_hashes
from methods.library import Library, Record

if TYPE_CHECKING:
    import nbformat

KERNEL_NAME = "python3"
DEFAULT_TIMEOUT = 600
VERSIONED_PACKAGES = (
    "jixiao",
    "numpy",
    "pandas",
    "scipy",
    "statsmodels",
    "matplotlib",
    "pydantic",
    "PyYAML",
    "papermill",
    "nbconvert",
    "nbclient",
    "nbformat",
    "ipykernel",
    "jupyter_client",
)


def notebook_path(evaluation: str) -> Path:
    """The evaluation's report notebook (``notebooks/<evaluation>.ipynb``); it must exist."""
    path = notebook_file(evaluation)
    if evaluation not in casefile.EVALUATIONS or not path.is_file():
        raise ExecutionError(f"找不到评价类型 {evaluation} 的报告模板 {path}")
    return path


# ---------------------------------------------------------------------------------------------
# Hashes and versions


@cache
def versions() -> dict[str, str]:
    out = {"python": sys.version.split()[0]}
    for name in VERSIONED_PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return out


@cache
def git_state() -> dict[str, Any] | None:
    """Commit of the project checkout the package runs from (None outside a git checkout)."""
    if not (PROJECT_DIR / ".git").exists():
        return None
    try:
        commit = subprocess.run(
            ["git", "-C", str(PROJECT_DIR), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
        status = subprocess.run(
            [
                "git",
                "-C",
                str(PROJECT_DIR),
                "status",
                "--porcelain",
                "--untracked-files=no",
                "--",
                "methods",
                "notebooks",
            ],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return {"commit": commit, "dirty": bool(status.strip())}


def data_name(case: casefile.Case, path: Path) -> str:
    """A data file's name inside the archive: its path relative to the case folder."""
    base = case.base_dir.resolve()
    return path.relative_to(base).as_posix() if path.is_relative_to(base) else path.name


def input_hashes(case: casefile.Case, case_file: str | Path) -> dict[str, Any]:
    """Hashes of everything that determines a case's results (the skip key of batches)."""
    nb = notebook_path(case.evaluation)
    data = {data_name(case, p): sha256_file(p) for p in case.data_files()}
    parts = {
        "case": sha256_file(case_file),
        "data": data,
        "notebook": sha256_file(nb),
        "package": package_hash(),
    }
    # targets taken from the library (历史标准 / 行业标准), by this case or by the member cases it
    # scores (a portfolio's cases, a department's key projects), are inputs too
    members = case.member_cases()

    def takes_standards(c: casefile.Case) -> bool:
        return any(getattr(i, "target_from", None) for i in (getattr(c, "indicators", None) or []))

    if takes_standards(case) or any(takes_standards(m) for m in members):
        from methods import standards

        resolved = {k: v.value for k, v in sorted(standards.resolve(case).items())}
        for m in members:
            if takes_standards(m):
                for k, v in sorted(standards.resolve(m).items()):
                    resolved[f"{m.year}/{m.case_id}/{k}"] = v.value
        parts["standards"] = hashlib.sha256(json.dumps(resolved).encode()).hexdigest()
    return {**parts, "input": combine_hashes(**parts)}


# ---------------------------------------------------------------------------------------------
# Notebook execution


def parameters_source(params: Mapping[str, Any], comment: str = "Parameters") -> str:
    """Python source assigning each parameter, readable (Chinese kept as Chinese).

    ``repr`` of YAML values (str, int, float, bool, None, lists, dicts) is valid Python that
    evaluates to the same value, so this cell is equivalent to papermill's escaped one.
    """
    lines = [f"# {comment}"]
    for key, value in params.items():
        text = pprint.pformat(value, width=100, sort_dicts=False, indent=1)
        lines.append(f"{key} = {text}")
    return "\n".join(lines) + "\n"


def _quiet_logs() -> None:
    for name in ("papermill", "traitlets", "nbclient", "jupyter_client", "asyncio"):
        logging.getLogger(name).setLevel(logging.ERROR)


def execute(
    case: casefile.Case,
    output: Path,
    *,
    timeout: int = DEFAULT_TIMEOUT,
    kernel_name: str = KERNEL_NAME,
    warm: bool = False,
) -> nbformat.NotebookNode:
    """Execute the case's notebook with the case's parameters; save it at ``output``.

    With ``warm=True`` the calling thread's reusable kernel runs it (:mod:`methods.kernels`);
    otherwise a fresh kernel is started and shut down.

    Raises
    ------
    ExecutionError
        One line: the failing cell, error name and message (the failed notebook is at ``output``).
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    _quiet_logs()
    name = case.source or case.case_id
    nb = load_notebook_node(str(notebook_path(case.evaluation)))
    nb = parameterize_notebook(nb, dict(case.raw), kernel_name=kernel_name, language="python")
    for cell in nb.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.source = parameters_source(
                case.raw, "Parameters（案例文件中的参数，由 jixiao 注入）"
            )
    engine: dict[str, Any] = {"extra_arguments": ["--IPKernelApp.log_level=CRITICAL"]}
    kernel = None
    if warm:
        from methods import kernels

        kernel = kernels.warm_kernel()
        engine = {"engine_name": kernels.ENGINE_NAME, "km": kernel.acquire(str(case.base_dir))}
    try:
        return papermill.execute_notebook(
            nb,
            str(output),
            kernel_name=kernel_name,
            language="python",
            progress_bar=False,
            log_output=False,
            request_save_on_cell_execute=False,
            cwd=str(case.base_dir),
            execution_timeout=timeout,
            start_timeout=60,
            **engine,
        )
    except BaseException as exc:
        if kernel is not None:
            kernel.discard()  # never reuse a kernel after a failure
        if isinstance(exc, PapermillExecutionError):
            first = str(exc.evalue).splitlines()[0] if exc.evalue else ""
            raise ExecutionError(
                f"{name}: 报告执行失败，第 {exc.exec_count} 个代码单元 {exc.ename}: {first}",
                kind="cell",
            ) from None
        if isinstance(exc, TimeoutError):
            raise ExecutionError(
                f"{name}: 报告执行超时（单元超过 {timeout} 秒）：{exc}", kind="timeout"
            ) from None
        if isinstance(exc, Exception):
            from nbclient.exceptions import DeadKernelError

            text = str(exc).splitlines()[0] if str(exc) else ""
            if isinstance(exc, DeadKernelError):
                raise ExecutionError(
                    f"{name}: 内核在运行中退出（可能内存不足或被终止）：{text}", kind="kernel_died"
                ) from None
            # "Kernel didn't respond", ZMQ port clashes …: the kernel did not start
            raise ExecutionError(
                f"{name}: 内核启动失败：{type(exc).__name__}: {text}", kind="kernel_start"
            ) from None
        raise


def path_roots(case: casefile.Case | None = None) -> list[tuple[str, str]]:
    """Absolute folders that must not reach an archive, each with what replaces it (longest
    first): the case folder and the project (made relative), the case library, the Python
    installation, the temporary folder and the home directory."""
    import site
    import sysconfig
    import tempfile

    roots: dict[str, str] = {}

    def add(path: Any, label: str) -> None:
        if not path:
            return
        for variant in {os.path.abspath(str(path)), os.path.realpath(str(path))}:
            if variant not in ("/", "") and variant not in roots:
                roots[variant] = label

    if case is not None:
        add(case.base_dir, "")
    add(PROJECT_DIR, "")
    add(os.environ.get("JIXIAO_LIBRARY"), "<案例库>/")
    for name in ("purelib", "platlib", "stdlib", "platstdlib"):
        add(sysconfig.get_paths().get(name), "<python>/")
    for path in [*getattr(site, "getsitepackages", list)(), site.getusersitepackages()]:
        add(path, "<python>/")
    add(sys.prefix, "<python>/")
    add(sys.base_prefix, "<python>/")
    add(tempfile.gettempdir(), "<tmp>/")
    add(os.path.expanduser("~"), "~/")
    return sorted(roots.items(), key=lambda kv: -len(kv[0]))


# any absolute path's folders (not preceded by a word character, a dot or ~): cut in stderr and
# tracebacks after the known folders are made relative
_ABSOLUTE = re.compile(r"(?<![\w./~<>-])/(?:[^\s/'\"():,;<>]+/)+")


def scrub_paths(text: str, roots: list[tuple[str, str]], *, aggressive: bool = False) -> str:
    """``text`` with the absolute folders of ``roots`` replaced (``/proj/x/a.py`` → ``x/a.py``).
    ``aggressive`` (stderr, tracebacks) also cuts any other absolute path to its file name."""
    for root, label in roots:
        if root in text:
            bare = label.rstrip("/") or "."
            text = re.sub(
                r"(?<![\w.~/+=-])" + re.escape(root) + r"(/|\b)",
                lambda m, label=label, bare=bare: label if m.group(1) else bare,
                text,
            )
    if aggressive:
        text = _ABSOLUTE.sub("", text)
    return text


def _scrub(value: Any, roots: list[tuple[str, str]], keep: frozenset = frozenset()) -> Any:
    if isinstance(value, str):
        return value if value in keep else scrub_paths(value, roots)
    if isinstance(value, list):
        return [_scrub(v, roots, keep) for v in value]
    if isinstance(value, dict):
        return {k: _scrub(v, roots, keep) for k, v in value.items()}
    return value


def _written_strings(value: Any) -> frozenset:
    """Every text value of a case file: the user wrote them, so they reach the archive as
    written (a title that mentions a folder is not a machine path)."""
    found: set[str] = set()
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            found.add(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
    return frozenset(found)


def scrub_outputs(
    nb: nbformat.NotebookNode, roots: list[tuple[str, str]], keep: frozenset = frozenset()
) -> None:
    """Remove machine paths from every cell output: stderr and tracebacks lose every absolute
    folder, other outputs (text, HTML, the results payload) the known ones of ``roots``.
    Structured values (the results payload, the report document) equal to a text of
    ``keep`` (the case file's own texts) are left as written."""
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            kind = out.get("output_type")
            if kind == "stream":
                text = (
                    "".join(out["text"])
                    if isinstance(out.get("text"), list)
                    else out.get("text", "")
                )
                out["text"] = scrub_paths(text, roots, aggressive=out.get("name") == "stderr")
            elif kind == "error":
                out["traceback"] = [
                    scrub_paths(t, roots, aggressive=True) for t in out.get("traceback", [])
                ]
                out["evalue"] = scrub_paths(out.get("evalue", ""), roots, aggressive=True)
            for mime, value in list(out.get("data", {}).items()):
                if mime.startswith("text/") or mime.endswith("json"):  # not images
                    out["data"][mime] = _scrub(
                        value, roots, keep if mime.endswith("json") else frozenset()
                    )


def clean_notebook(
    nb: nbformat.NotebookNode, title: str, case: casefile.Case | None = None
) -> nbformat.NotebookNode:
    """Drop machine-specific paths from papermill metadata and from cell outputs (warnings'
    file paths, tracebacks; see :func:`scrub_outputs`); set the report title."""
    pm = nb.metadata.get("papermill", {})
    for key in ("input_path", "output_path", "cwd"):
        pm.pop(key, None)
    scrub_outputs(
        nb, path_roots(case), _written_strings(case.raw) if case is not None else frozenset()
    )
    nb.metadata["title"] = title
    count = 0
    for cell in nb.cells:  # a reused kernel keeps counting: number the cells from 1
        if cell.cell_type == "code" and cell.get("execution_count") is not None:
            count += 1
            cell.execution_count = count
            for out in cell.get("outputs", []):
                if "execution_count" in out:
                    out["execution_count"] = count
    return nb


def extract_results(nb: nbformat.NotebookNode | str | os.PathLike) -> dict[str, Any]:
    """The results payload published by :func:`methods.report.publish` (last one wins).

    ``nb`` is an executed notebook (``nbformat.NotebookNode``) or the path of one, e.g. the
    output of ``papermill``: ``extract_results("out.ipynb")``.
    """
    if isinstance(nb, str | os.PathLike):
        import nbformat

        nb = nbformat.read(os.fspath(nb), as_version=4)
    found = None
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if RESULTS_MIME in data:
                found = data[RESULTS_MIME]
    if found is None:
        raise ExecutionError("报告未输出评价结果（缺少 report.publish 调用）")
    return json.loads(json.dumps(found))


def extract_document(nb: nbformat.NotebookNode | str | os.PathLike):
    """The report document published by :func:`methods.report.publish` (last one wins), or
    None when the notebook published none."""
    if isinstance(nb, str | os.PathLike):
        import nbformat

        nb = nbformat.read(os.fspath(nb), as_version=4)
    found = None
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if DOCUMENT_MIME in data:
                found = data[DOCUMENT_MIME]
    if found is None:
        return None
    from methods.report.document import Document

    return Document.from_dict(json.loads(json.dumps(found)))


def render_report(nb: nbformat.NotebookNode) -> dict[str, bytes]:
    """report.html and report.docx of an executed notebook: both from the document it published
    (one outline, two renderers); a notebook without one gets report.html from its cells."""
    document = extract_document(nb)
    if document is None:
        return {"report.html": render_html(nb).encode("utf-8")}
    from methods.report.docx import render_docx
    from methods.report.html import render_page

    return {
        "report.html": render_page(document).encode("utf-8"),
        "report.docx": render_docx(document),
    }


# ---------------------------------------------------------------------------------------------
# HTML rendering


def render_html(nb: nbformat.NotebookNode) -> str:
    """Self-contained HTML report: code hidden, no stderr or results payload, images embedded,
    no network fetches (no MathJax / require.js / widget URLs), A4 print CSS."""
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import Preprocessor, TagRemovePreprocessor

    class CleanOutputs(Preprocessor):
        def preprocess_cell(self, cell, resources, index):
            if cell.cell_type == "code":
                cell.outputs = [
                    o
                    for o in cell.get("outputs", [])
                    if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
                    and RESULTS_MIME not in o.get("data", {})
                    and DOCUMENT_MIME not in o.get("data", {})
                    and o.get("output_type") != "error"
                ]
            return cell, resources

    exporter = HTMLExporter(
        template_name="jixiao_report",
        extra_template_basedirs=[str(data_path("templates"))],
    )
    exporter.language_code = "zh-CN"
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.register_preprocessor(
        TagRemovePreprocessor(
            remove_cell_tags={HIDE_TAG, "parameters", "injected-parameters"}, enabled=True
        ),
        enabled=True,
    )
    exporter.register_preprocessor(CleanOutputs(), enabled=True)
    body, _ = exporter.from_notebook_node(nb)
    # the bundled font, subset to the page's text, so the report reads in Chinese offline on a
    # machine without a CJK font (report.css names it after the system fonts)
    from methods import fonts
    from methods.report.html import visible_text

    css = fonts.web_font_css(visible_text(body))
    return body.replace("</head>", f'<style type="text/css">\n{css}</style>\n</head>', 1)


# ---------------------------------------------------------------------------------------------
# The whole run: produce the files of a case (anywhere), then archive them (the coordinator)


@dataclass(frozen=True)
class Artifacts:
    """Everything an archived case consists of, in memory (so a remote worker can produce it)."""

    case_id: str
    year: int
    files: dict[str, bytes]
    record: Record
    results: dict[str, Any]
    timings: dict[str, float]


@dataclass(frozen=True)
class RunResult:
    """Outcome of archiving one case."""

    case_id: str
    year: int
    path: Path
    total_score: float | None
    grade: str | None
    timings: dict[str, float] = field(default_factory=dict)


def dumps_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


KERNEL_RETRIES = 1  # a kernel that did not start (ZMQ port clash, no kernel_info reply) is retried


def produce_retrying(path: str | Path, **kwargs: Any) -> Artifacts:
    """:func:`produce`, retrying up to ``KERNEL_RETRIES`` times when the kernel did not start
    (a transient failure: another process took its port); every other failure raises at once."""
    for attempt in range(KERNEL_RETRIES + 1):
        try:
            return produce(path, **kwargs)
        except ExecutionError as exc:
            if exc.kind != "kernel_start" or attempt == KERNEL_RETRIES:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def produce(
    path: str | Path,
    *,
    timeout: int = DEFAULT_TIMEOUT,
    runner: str = "jixiao run",
    case: casefile.Case | None = None,
    warm: bool = False,
) -> Artifacts:
    """Validate and execute a case and render its report, without touching any library.

    Raises
    ------
    CaseError
        Invalid case file.
    ExecutionError
        The notebook failed; ``.notebook`` holds the failed notebook's bytes.
    """
    import tempfile

    from methods.report import report_title

    started = datetime.now(UTC)
    t0 = time.perf_counter()
    path = Path(path)
    if case is None:
        case = casefile.validate(path)
    hashes = input_hashes(case, path)
    t_valid = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="jixiao-") as tmp:
        out = Path(tmp) / "report.ipynb"
        try:
            executed = execute(case, out, timeout=timeout, warm=warm)
        except ExecutionError as exc:
            exc.notebook = out.read_bytes() if out.exists() else None
            raise
    t_exec = time.perf_counter()
    clean_notebook(executed, report_title(case), case)
    results = extract_results(executed)
    rendered = render_report(executed)
    t_render = time.perf_counter()
    import nbformat

    files: dict[str, bytes] = {
        "report.ipynb": nbformat.writes(executed).encode("utf-8"),
        **rendered,
        "results.json": dumps_json(results).encode("utf-8"),
        "parameters.yaml": path.read_bytes(),
    }
    from methods import excel

    files["scoresheet.xlsx"] = excel.scoresheet(results)  # 评分表 workbook beside report.html
    private = {case.resolve(v) for v in case.private_paths()}
    for data_file in case.data_files():
        if data_file not in private:  # personal data: hashed in provenance, never archived
            files[f"data/{data_name(case, data_file)}"] = data_file.read_bytes()
    timings = {
        "validate_s": round(t_valid - t0, 3),
        "execute_s": round(t_exec - t_valid, 3),
        "render_s": round(t_render - t_exec, 3),
    }
    provenance = {
        "case_id": case.case_id,
        "year": case.year,
        "evaluation": case.evaluation,
        "case_file": {"name": path.name, "path": project_path(path), "sha256": hashes["case"]},
        "data_files": [{"name": k, "sha256": v} for k, v in hashes["data"].items()],
        "notebook": {"name": notebook_path(case.evaluation).name, "sha256": hashes["notebook"]},
        "package": {
            "name": "jixiao",
            "version": versions().get("jixiao"),
            "sha256": hashes["package"],
        },
        "input_hash": hashes["input"],
        "standards_hash": hashes.get("standards"),
        "git": git_state(),
        "versions": versions(),
        "runner": runner,
        "started_at": started.isoformat(timespec="seconds"),
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "timings": timings,
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())},
    }
    files["provenance.json"] = dumps_json(provenance).encode("utf-8")
    record = case_record(
        case,
        results,
        files,
        source=path,
        input_hash=hashes["input"],
        case_hash=hashes["case"],
        notebook_hash=hashes["notebook"],
        package_hash=hashes["package"],
        archived_at=datetime.now(UTC).isoformat(timespec="microseconds"),
    )
    return Artifacts(case.case_id, case.year, files, record, results, timings)


def project_path(path: str | Path) -> str:
    """A case file's path relative to the project it is in (its name outside a project)."""
    from methods.library import project_root

    absolute = Path(os.path.abspath(path))
    root = project_root(absolute.parent)
    return absolute.relative_to(root).as_posix() if root is not None else absolute.name


def case_record(
    case: casefile.Case,
    results: Mapping[str, Any],
    files: Mapping[str, bytes],
    *,
    source: str | Path,
    input_hash: str,
    case_hash: str,
    notebook_hash: str,
    package_hash: str,
    archived_at: str,
) -> Record:
    """The index row of an archived case: who and what it is (from the case), its scores (from
    ``results``), its hashes, and the hash of its ``provenance.json`` among ``files``."""
    return Record(
        year=case.year,
        case_id=case.case_id,
        project_id=case.project_key,
        title=case.title,
        department=case.department,
        evaluation=case.evaluation,
        budget_type=case.budget_type,
        object_type=case.object_type,
        total_score=results.get("total_score"),
        grade=results.get("grade"),
        path=f"{case.year}/{case.case_id}",
        input_hash=input_hash,
        case_hash=case_hash,
        notebook_hash=notebook_hash,
        package_hash=package_hash,
        source=os.path.abspath(source),  # made relative to the library's project when archived
        manifest_hash=hashlib.sha256(files["provenance.json"]).hexdigest(),
        archived_at=archived_at,
        level1=results.get("level1") or {},
        indicators=tuple(results.get("indicators") or ()),
        responsible_unit=case.responsible.unit if case.responsible else None,
        responsible_role=case.responsible.role if case.responsible else None,
    )


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def archive(artifacts: Artifacts, library: Library) -> Path:
    """Write a case's files to a staging folder and commit them to the library atomically."""
    import shutil

    staging = library.staging_dir(artifacts.year, artifacts.case_id)
    try:
        for name, data in artifacts.files.items():
            _write(staging / name, data)
        from dataclasses import replace

        now = datetime.now(UTC).isoformat(timespec="microseconds")  # the index orders by this
        return library.commit(staging, replace(artifacts.record, archived_at=now))
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def keep_failed(library: Library, year: int, case_id: str, notebook: bytes | None) -> Path | None:
    """Keep a failed notebook for inspection under ``<library>/.failed/``."""
    if not notebook:
        return None
    library.failed_root.mkdir(exist_ok=True)
    target = library.failed_root / f"{year}__{case_id}.ipynb"
    _write(target, notebook)
    return target


def use_library(library: Library | str | Path) -> Path:
    """Make ``library`` the one notebooks benchmark against (``$JIXIAO_LIBRARY`` for kernels
    started from now on; a case's own ``library:`` key still wins)."""
    from methods import library as _library

    return _library.use(library.root if isinstance(library, Library) else library)


def check_replacement(library: Library, case: casefile.Case, path: str | Path) -> None:
    """Refuse to replace an archived case of the same (year, case_id) made from another case file.

    The same case file (same path, even edited) or identical content may replace its archive;
    a different file claiming an archived id is a CaseError on ``case_id`` (``--force`` skips
    this check).
    """
    row = library.get(case.year, case.case_id)
    if row is None or not library.case_dir(case.year, case.case_id).is_dir():
        return
    if row["case_hash"] and row["case_hash"] == sha256_file(path):
        return
    stored = library.source_path(row["source"])
    if stored is not None and stored.resolve() == Path(path).resolve():
        return
    where = row["source"] or "另一个案例文件"
    raise CaseError(
        f"案例库中已有 {case.year} 年的案例 {case.case_id}（来自 {where}），与本案例文件不是同一个文件",
        file=str(path),
        field="case_id",
        hint="确认要用本文件替换已存档的案例，请加 --force；否则请改用新的 case_id",
    )


def run_case(
    path: str | Path,
    library: str | Path | Library | None = None,
    *,
    timeout: int = DEFAULT_TIMEOUT,
    runner: str = "jixiao run",
    case: casefile.Case | None = None,
    force: bool = False,
) -> RunResult:
    """Validate, execute, render and archive one case file.

    Parameters
    ----------
    path : str or Path
        The case file.
    library : path or Library, optional
        The case library (default: :func:`methods.library.locate` from the case file:
        ``$JIXIAO_LIBRARY``, else the nearest ``case_library/`` of the case file's project, else
        a new one in the project root).
    timeout : int
        Seconds allowed per notebook cell.
    runner : str
        Recorded in provenance.json.
    case : Case, optional
        The already validated case (skips re-reading the file).
    force : bool
        Replace an archived case of the same (year, case_id) made from a different case file.

    Returns
    -------
    RunResult
        Where the case was archived, its score and grade, timings.

    Raises
    ------
    CaseError
        Invalid case file, or another case file's archive has this (year, case_id) and
        ``force`` is not set: nothing is written.
    ExecutionError
        The notebook failed: nothing is archived; the failed notebook is kept under
        ``<library>/.failed/<year>__<case_id>.ipynb``.
    """
    from methods import library as _library

    t0 = time.perf_counter()
    path = Path(path)
    target = library.root if isinstance(library, Library) else _library.locate(path, library)
    use_library(target)  # before validating: targets from the library (历史标准) resolve there
    if case is None:
        case = casefile.validate(path)
    lib = library if isinstance(library, Library) else Library(target)
    if not force:
        check_replacement(lib, case, path)
    try:
        artifacts = produce_retrying(path, timeout=timeout, runner=runner, case=case)
    except ExecutionError as exc:
        kept = keep_failed(lib, case.year, case.case_id, exc.notebook)
        if kept is not None:
            exc.add_note(f"  失败的 notebook 已保存：{kept}")
        raise
    final = archive(artifacts, lib)
    from methods import catalogue

    catalogue.build(lib)
    timings = dict(artifacts.timings, total_s=round(time.perf_counter() - t0, 3))
    results = artifacts.results
    return RunResult(
        case.case_id, case.year, final, results.get("total_score"), results.get("grade"), timings
    )


__all__ = [
    "Artifacts",
    "RunResult",
    "archive",
    "execute",
    "extract_results",
    "input_hashes",
    "parameters_source",
    "produce",
    "render_html",
    "run_case",
]
