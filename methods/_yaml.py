"""YAML with YAML 1.2 number semantics, for every YAML file the project reads.

PyYAML resolves plain scalars by YAML 1.1, which reads numbers differently from what a user
means: ``060`` is octal 48, ``1:30`` is base 60 (90), ``yes``/``no``/``on``/``off`` are booleans,
and ``1e2`` is text. :class:`Loader` resolves plain scalars by the YAML 1.2 core schema instead:

============================  ==============================================================
plain scalar                  value
============================  ==============================================================
``true``/``false`` (3 cases)  bool
``null``, ``~``, empty        None
``60``, ``-3``, ``+5``        int
``0x1F``, ``0o17``            int (hexadecimal, octal: explicit prefixes only)
``1.5``, ``1e2``, ``.5``      float (``1e2`` is 100.0)
``.inf``, ``.nan``            float (case files then refuse them as not finite)
``2024-07-15``                date (YAML 1.1 timestamps are kept: case files name them)
============================  ==============================================================

Plain scalars that YAML 1.1 and YAML 1.2 read differently are **refused** with their line
(:class:`AmbiguousScalar`), because papermill and other YAML 1.1 readers of the same file would
take another value: integers with a leading zero (``060``), base-60 numbers (``1:30``), YAML 1.1
booleans (``yes``, ``no``, ``on``, ``off``; PyYAML never took ``y``/``n`` as booleans), numbers with underscores (``1_000``)
and binary numbers (``0b101``). Quoted, each is plain text. Invalid dates (``2023-13-45``,
``2024-02-30``) are refused with their line (:class:`InvalidDate`).

Duplicate keys and non-scalar keys (``? [a, b]``) are refused too: the first would silently
overwrite, the second cannot name a field.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

import yaml

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

INT_TAG = "tag:yaml.org,2002:int"
FLOAT_TAG = "tag:yaml.org,2002:float"
BOOL_TAG = "tag:yaml.org,2002:bool"
NULL_TAG = "tag:yaml.org,2002:null"
TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
AMBIGUOUS_TAG = "tag:jixiao,2026:ambiguous"

FLOAT_12 = re.compile(
    r"""^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN))$""",
    re.X,
)
_INT_12 = re.compile(r"^(?:[-+]?(?:0|[1-9][0-9]*)|0x[0-9a-fA-F]+|0o[0-7]+)$")
_BOOL_12 = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_NULL_12 = re.compile(r"^(?:~|null|Null|NULL|)$")
_TIMESTAMP = re.compile(
    r"""^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?
    |[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?
     (?:[Tt]|[ \t]+)[0-9][0-9]?
     :[0-9][0-9] :[0-9][0-9] (?:\.[0-9]*)?
     (?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$""",
    re.X,
)
# read differently by YAML 1.1 (papermill, PyYAML's safe_load) and YAML 1.2
_AMBIGUOUS = re.compile(
    r"""^(?:[-+]?0[0-9_]+(?:[eE][-+]?[0-9]+)?                 # 060 (1.1 octal)
    |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?       # 1:30 (1.1 base 60)
    |[-+]?[0-9][0-9_]*_[0-9_]*(?:\.[0-9_]*)?                # 1_000
    |[-+]?0b[01_]+                                          # 0b101
    |yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF)$""",
    re.X,
)

_FIRST = {
    BOOL_TAG: "tTfF",
    NULL_TAG: ["~", "n", "N", ""],
    INT_TAG: "-+0123456789",
    FLOAT_TAG: "-+0123456789.",
    TIMESTAMP_TAG: "0123456789",
    AMBIGUOUS_TAG: "-+0123456789yYnNoO",  # yes, no, on, off
}


class AmbiguousScalar(yaml.constructor.ConstructorError):
    """A plain scalar YAML 1.1 and 1.2 read differently (``060``, ``1:30``, ``yes``)."""

    def __init__(self, value: str, mark) -> None:
        self.value = value
        super().__init__(None, None, ambiguous_message(value), mark)


class InvalidDate(yaml.constructor.ConstructorError):
    """A plain scalar shaped like a date that is not a calendar date (``2024-02-30``)."""

    def __init__(self, value: str, reason: str, mark) -> None:
        self.value = value
        super().__init__(None, None, f"日期 {value} 无效（{reason}）", mark)


class BadKey(yaml.constructor.ConstructorError):
    """A duplicate key, or a key that is not a plain value (a list or mapping)."""


def ambiguous_message(value: str) -> str:
    """Chinese explanation of why a plain scalar is refused, with what to write instead."""
    low = value.lower()
    if low in {"yes", "no", "on", "off"}:
        return (
            f"“{value}”含义不明确：有的 YAML 读取器把它读作真/假值，有的读作文本；"
            "真/假请写 true 或 false，文本请加引号"
        )
    if ":" in value:
        return (
            f"“{value}”含义不明确：YAML 1.1 读取器（如 papermill）把它读作六十进制数"
            "（1:30 读作 90）；数字请直接写数值，时间或文本请加引号"
        )
    if "_" in value:
        return f"“{value}”含义不明确：数字中请不要用下划线分隔（写作 {value.replace('_', '')}）"
    if low.lstrip("+-").startswith("0b"):
        return f"“{value}”含义不明确：请写十进制数，或加引号作为文本"
    stripped = value.lstrip("+-").lstrip("0") or "0"
    return (
        f"“{value}”含义不明确：以 0 开头的整数在 YAML 1.1 读取器（如 papermill）中是八进制数"
        f"（060 读作 48）；数字请写作 {value[0] if value[0] in '+-' else ''}{stripped}，"
        "编号等文本请加引号"
    )


class Loader(_Base):  # type: ignore[misc,valid-type]
    """Safe YAML loader with YAML 1.2 core-schema scalars (see the module docstring)."""

    yaml_implicit_resolvers: dict = {}


for _tag, _regex in (
    (BOOL_TAG, _BOOL_12),
    (NULL_TAG, _NULL_12),
    (AMBIGUOUS_TAG, _AMBIGUOUS),  # before numbers: 060 also matches the 1.2 float pattern
    (INT_TAG, _INT_12),
    (FLOAT_TAG, FLOAT_12),
    (TIMESTAMP_TAG, _TIMESTAMP),
):
    Loader.add_implicit_resolver(_tag, _regex, list(_FIRST[_tag]))
# YAML 1.1 resolvers kept as they are: merge keys (<<) and the "=" value tag
for _first, _resolvers in yaml.resolver.Resolver.yaml_implicit_resolvers.items():
    for _tag, _regex in _resolvers:
        if _tag in ("tag:yaml.org,2002:merge", "tag:yaml.org,2002:value"):
            Loader.yaml_implicit_resolvers.setdefault(_first, []).append((_tag, _regex))


def _construct_int(loader: Loader, node: yaml.ScalarNode) -> int:
    text = loader.construct_scalar(node)
    if text.startswith("0x"):
        return int(text[2:], 16)
    if text.startswith("0o"):
        return int(text[2:], 8)
    return int(text)


def _construct_float(loader: Loader, node: yaml.ScalarNode) -> float:
    text = loader.construct_scalar(node).lower()
    if text.endswith("inf"):
        return float("-inf") if text.startswith("-") else float("inf")
    if text.endswith("nan"):
        return float("nan")
    return float(text)


def _construct_ambiguous(loader: Loader, node: yaml.ScalarNode):
    raise AmbiguousScalar(loader.construct_scalar(node), node.start_mark)


def _construct_timestamp(loader: Loader, node: yaml.ScalarNode):
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError) as exc:
        value = loader.construct_scalar(node)
        raise InvalidDate(value, _date_reason(value, exc), node.start_mark) from None


def _date_reason(value: str, exc: Exception) -> str:
    text = str(exc)
    if "day is out of range" in text:
        return "该月没有这一天"
    if "month" in text:
        return "月份应为 1–12"
    if "hour" in text or "minute" in text or "second" in text:
        return "时间无效"
    return "不是有效的日期"


def _construct_mapping(loader: Loader, node: yaml.MappingNode, deep: bool = False):
    loader.flatten_mapping(node)
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        line = key_node.start_mark.line + 1
        if not isinstance(key_node, yaml.ScalarNode):
            raise BadKey(
                None,
                None,
                "字段名应为普通的文本或数字，不能是列表或映射（复杂键 ? …）",
                key_node.start_mark,
            )
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            raise BadKey(
                None,
                None,
                f"字段 '{key}' 重复出现（第 {seen[key]} 行已定义）",
                key_node.start_mark,
            )
        seen[key] = line
    return yaml.constructor.SafeConstructor.construct_mapping(loader, node, deep=deep)


Loader.add_constructor(INT_TAG, _construct_int)
Loader.add_constructor(FLOAT_TAG, _construct_float)
Loader.add_constructor(AMBIGUOUS_TAG, _construct_ambiguous)
Loader.add_constructor(TIMESTAMP_TAG, _construct_timestamp)
Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load(stream: str | bytes) -> Any:
    """Parse YAML text with :class:`Loader`."""
    return yaml.load(stream, Loader=Loader)


def is_date(value: Any) -> bool:
    """Whether a value is a date (or datetime) as YAML constructs an unquoted timestamp."""
    return isinstance(value, datetime.date)
