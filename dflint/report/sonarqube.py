"""``--format sonarqube``: SonarQube's generic external issue format, shaped as hadolint writes it.

``{"issues": [...]}`` with ``engineId``, ``ruleId``, ``severity``, ``type`` and a
``primaryLocation`` (``message``, ``filePath``, ``textRange``), for
``sonar.externalIssuesReportPaths``. Severities map like hadolint's (error CRITICAL, warning
MAJOR, info MINOR, style INFO; errors are BUGs, the rest CODE_SMELLs). Unlike hadolint, the text
range carries dflint's real columns (0-based, as Sonar counts) instead of always 0 to 1.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, TextIO

from dflint.finding import Finding, Severity
from dflint.report._common import display_path
from dflint.report.model import FileResult, iter_findings

if TYPE_CHECKING:
    from dflint.plugin import Rule

SEVERITY = {
    Severity.ERROR: "CRITICAL", Severity.WARNING: "MAJOR", Severity.INFO: "MINOR", Severity.STYLE: "INFO",
}


def issue(finding: Finding) -> dict[str, Any]:
    span = finding.span
    # Sonar rejects an empty range; a zero-width span (an EOF check) still covers one column.
    empty = (span.end_line, span.end_col) <= (span.start_line, span.start_col)
    end_col = span.start_col + 1 if empty else span.end_col
    return {
        "engineId": "dflint",
        "primaryLocation": {
            "filePath": display_path(finding.file),
            "message": finding.message,
            "textRange": {"endColumn": end_col - 1, "endLine": span.end_line,
                          "startColumn": span.start_col - 1, "startLine": span.start_line},
        },
        "ruleId": finding.code,
        "severity": SEVERITY[finding.severity],
        "type": "BUG" if finding.severity is Severity.ERROR else "CODE_SMELL",
    }


def render(
    results: Sequence[FileResult],
    rules: Mapping[str, type[Rule]],
    *,
    color: str,
    statistics: bool,
    out: TextIO,
) -> None:
    json.dump({"issues": [issue(finding) for _, finding in iter_findings(results)]}, out, indent=2,
              ensure_ascii=False)
    out.write("\n")
