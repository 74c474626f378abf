"""``--format concise``: one plain line per finding, for grep and editors' quickfix lists.

``path:line:col: CODE [severity] message`` -- the terminal reporter's header line without the
code frame. Never coloured: it is meant to be parsed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, TextIO

from dflint.finding import Finding
from dflint.report._common import display_path, one_line, printable
from dflint.report.model import FileResult, iter_findings

if TYPE_CHECKING:
    from dflint.plugin import Rule


def format_line(finding: Finding) -> str:
    message = one_line(finding.message)
    return (
        f"{printable(display_path(finding.file))}:{finding.line}:{finding.column}: "
        f"{finding.code} [{finding.severity.label}] {message}"
    )


def render(
    results: Sequence[FileResult],
    rules: Mapping[str, type[Rule]],
    *,
    color: str,
    statistics: bool,
    out: TextIO,
) -> None:
    if statistics:
        from dflint.report.tty import render as render_tty

        render_tty(results, rules, color="never", statistics=True, out=out)
        return
    for _, finding in iter_findings(results):
        out.write(format_line(finding) + "\n")
