"""``--format github``: GitHub Actions workflow commands, shown as annotations on the PR diff.

GitHub drops annotations beyond 10 per level per step (50 per job) without a word, so a summary
notice closes the output when there are more; upload SARIF to see every finding.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, TextIO

from dflint.finding import Finding, Severity
from dflint.report._common import display_path, plural, printable
from dflint.report.model import FileResult, iter_findings

if TYPE_CHECKING:
    from dflint.plugin import Rule

_LEVEL = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "notice",
    Severity.STYLE: "notice",
}
_PER_LEVEL_LIMIT = 10


def escape_data(text: str) -> str:
    """Escape a command's message (after ``::``), as the runner's toolkit does.

    Other control characters are made visible first: the Actions log viewer interprets ANSI.
    """
    return printable(text, keep="\r\n").replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value (``file=``, ``title=``): also ``:`` and ``,``, which delimit."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_command(finding: Finding) -> str:
    span = finding.span
    props = [
        ("file", display_path(finding.file)),
        ("line", str(span.start_line)),
        ("endLine", str(span.end_line)),
        ("col", str(span.start_col)),
        ("endColumn", str(span.end_col)),
        ("title", f"{finding.code} {finding.name}"),
    ]
    joined = ",".join(f"{key}={escape_property(value)}" for key, value in props)
    return f"::{_LEVEL[finding.severity]} {joined}::{escape_data(finding.message)}"


def render(
    results: Sequence[FileResult],
    rules: Mapping[str, type[Rule]],
    *,
    color: str,
    statistics: bool,
    out: TextIO,
) -> None:
    per_level: dict[str, int] = {}
    total = 0
    for _, finding in iter_findings(results):
        out.write(format_command(finding) + "\n")
        level = _LEVEL[finding.severity]
        per_level[level] = per_level.get(level, 0) + 1
        total += 1
    if any(count > _PER_LEVEL_LIMIT for count in per_level.values()):
        message = (
            f"dflint found {plural(total, 'problem')}; GitHub shows at most {_PER_LEVEL_LIMIT} annotations"
            " per level in a step. Upload --format sarif to code scanning to see them all."
        )
        out.write(f"::notice title=dflint::{escape_data(message)}\n")
