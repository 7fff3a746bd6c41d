"""Commented case-file templates (``jixiao new EVALUATION``), shipped as data files."""

from __future__ import annotations

from methods._resources import data_path


def case_template(evaluation: str) -> str:
    """The commented YAML template of an evaluation type; it validates as it stands."""
    path = data_path("case_templates", f"{evaluation}.yaml")
    if not path.is_file():
        raise FileNotFoundError(f"评价类型 {evaluation} 没有案例模板")
    return path.read_text(encoding="utf-8")


def template_files(evaluation: str) -> dict[str, bytes]:
    """Sample data files a template refers to (written beside it by ``jixiao new -o``)."""
    folder = data_path("case_templates", "files", evaluation)
    if not folder.is_dir():
        return {}
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}
