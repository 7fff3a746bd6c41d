"""Commented case-file templates (``jixiao new EVALUATION``), shipped as data files."""

from __future__ import annotations

from methods._resources import data_path


def case_template(evaluation: str) -> str:
    """The commented YAML template of an evaluation type; it validates as it stands."""
    path = data_path("case_templates", f"{evaluation}.yaml")
    if not path.is_file():
        raise FileNotFoundError(f"评价类型 {evaluation} 没有案例模板")
    return path.read_text(encoding="utf-8")
