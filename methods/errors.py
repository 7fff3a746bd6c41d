"""Errors that reach users: one or two plain Chinese lines naming the file, the field and the row."""

from __future__ import annotations

import re

# Characters that make what a reader sees differ from what is stored, or that drive a terminal:
# C0/C1 controls, bidi marks, embeddings, overrides and isolates, zero-width and invisible
# formatting characters, fillers that render as blank (U+3164, U+FFA0, U+115F/U+1160), line and
# paragraph separators, interlinear annotations and tag characters, and the BOM.
INVISIBLE = (
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u061c\u115f\u1160\u180e"
    "\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\u3164\ufeff\uffa0"
    "\ufff9-\ufffb\U000e0000-\U000e007f"
)
# never echoed raw (a tab is shown escaped too; newlines separate message lines)
_UNSAFE = re.compile(f"[\\t{INVISIBLE}]")


def plain(text: str) -> str:
    """``text`` with control and invisible formatting characters written as ``\\uXXXX``."""
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class JixiaoError(Exception):
    """Base class of errors shown to users without a traceback."""

    exit_code = 1


class CaseError(JixiaoError, ValueError):
    """Bad input in a case file or one of its data files (CLI exit code 2).

    Parameters
    ----------
    message : str
        What is wrong, in Chinese (English may follow).
    file : str, optional
        The file as the user named it.
    field : str, optional
        Dotted path of the field, e.g. ``indicators[3].weight``.
    line : int, optional
        1-based line (or row) in the file.
    hint : str, optional
        A second line saying how to fix it.
    """

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        field: str | tuple | None = None,
        line: int | None = None,
        hint: str | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.field = field
        self.line = line
        self.hint = hint
        super().__init__(self.format())

    def __reduce__(self):
        return (
            _rebuild_case_error,
            (self.message, self.file, self.field, self.line, self.hint),
        )

    def with_context(self, *, file: str | None = None, line: int | None = None) -> CaseError:
        """The same error with a file (and line) filled in where they were unknown."""
        return CaseError(
            self.message,
            file=self.file or file,
            field=self.field,
            line=self.line if self.line is not None else line,
            hint=self.hint,
        )

    def format(self) -> str:
        where = []
        if self.file:
            where.append(self.file + (f":{self.line}" if self.line else ""))
        if self.field:
            where.append(self.field if isinstance(self.field, str) else _label(self.field))
        text = plain(": ".join([*where, self.message]).replace("\n", " "))
        if self.hint:
            text += "\n  " + plain(self.hint.replace("\n", " "))
        return text

    def __str__(self) -> str:
        return self.format()


def _rebuild_case_error(message, file, field, line, hint) -> CaseError:
    return CaseError(message, file=file, field=field, line=line, hint=hint)


class ExecutionError(JixiaoError):
    """A report notebook failed while executing (CLI exit code 1).

    ``notebook`` holds the failed notebook (bytes) where one was saved; ``kind`` is ``"cell"``
    (a cell raised), ``"timeout"``, ``"kernel_died"`` (the kernel exited mid-run),
    ``"kernel_start"`` (it did not start; `jixiao run` and batches retry these once) or
    ``"other"``.
    """

    exit_code = 1

    def __init__(self, message: str, *, kind: str = "other", notebook: bytes | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.notebook = notebook

    def __reduce__(self):
        return (_rebuild_execution_error, (str(self), self.kind, self.notebook))


def _rebuild_execution_error(message: str, kind: str, notebook: bytes | None) -> ExecutionError:
    return ExecutionError(message, kind=kind, notebook=notebook)


def _label(path: tuple) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else ("." if text else "") + str(part)
    return text
