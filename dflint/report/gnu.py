"""``--format gnu``: the GNU Coding Standards error format, for Emacs compile mode and vim's errorformat.

``file:line.col-end_line.end_col: severity: CODE message``. GNU tools (Bison, for one) write the
end of a range as the last column *inside* it, so the end column here is inclusive, unlike the
exclusive end in JSON/SARIF; an empty span prints as ``file:line.col``. Severities are the words
Emacs recognises (``error``, ``warning``, ``note``); info and style both become ``note``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, TextIO

from dflint.finding import Finding, Severity
from dflint.report._common import display_path, one_line, printable
from dflint.report.model import FileResult, iter_findings

if TYPE_CHECKING:
    from dflint.plugin import Rule

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note", Severity.STYLE: "note"}


def _location(finding: Finding) -> str:
    span = finding.span
    start = f"{span.start_line}.{span.start_col}"
    end_line, end_col = span.end_line, span.end_col - 1
    if (end_line, end_col) < (span.start_line, span.start_col):
        return start
    if end_line == span.start_line:
        return f"{start}-{span.start_line}.{end_col}" if end_col != span.start_col else start
    return f"{start}-{end_line}.{max(end_col, 1)}"


def format_line(finding: Finding) -> str:
    """One finding as a GNU error line (no trailing newline), control characters made visible."""
    message = one_line(finding.message)
    level = _LEVEL[finding.severity]
    return f"{printable(display_path(finding.file))}:{_location(finding)}: {level}: {finding.code} {message}"


def render(
    results: Sequence[FileResult],
    rules: Mapping[str, type[Rule]],
    *,
    color: str,
    statistics: bool,
    out: TextIO,
) -> None:
    for _, finding in iter_findings(results):
        out.write(format_line(finding) + "\n")
