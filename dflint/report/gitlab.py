"""``--format gitlab``: GitLab Code Quality JSON (``artifacts:reports:codequality``).

GitLab keeps only the first of several issues with the same fingerprint, so the fingerprint
hashes the location and message, and an occurrence counter separates exact duplicates.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, TextIO

from dflint.finding import Finding, Severity
from dflint.report._common import display_path
from dflint.report.model import FileResult, iter_findings

if TYPE_CHECKING:
    from dflint.plugin import Rule

SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info", Severity.STYLE: "info"}


def fingerprint(finding: Finding, occurrence: int = 0) -> str:
    """sha256 over path, code, line, column and message (plus ``occurrence`` when > 0)."""
    parts = [display_path(finding.file), finding.code, str(finding.line), str(finding.column)]
    parts.append(finding.message)
    if occurrence:
        parts.append(str(occurrence))
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def issue(finding: Finding, occurrence: int = 0) -> dict[str, Any]:
    span = finding.span
    return {
        "type": "issue",
        "description": f"{finding.code} {finding.message}",
        "check_name": finding.code,
        "categories": ["Bug Risk" if finding.severity is Severity.ERROR else "Style"],
        "fingerprint": fingerprint(finding, occurrence),
        "severity": SEVERITY[finding.severity],
        "location": {
            "path": display_path(finding.file),
            "lines": {"begin": span.start_line, "end": span.end_line},
            "positions": {
                "begin": {"line": span.start_line, "column": span.start_col},
                "end": {"line": span.end_line, "column": span.end_col},
            },
        },
    }


def render(
    results: Sequence[FileResult],
    rules: Mapping[str, type[Rule]],
    *,
    color: str,
    statistics: bool,
    out: TextIO,
) -> None:
    issues: list[dict[str, Any]] = []
    seen: set[str] = set()
    for _, finding in iter_findings(results):
        occurrence = 0
        item = issue(finding)
        while item["fingerprint"] in seen:
            occurrence += 1
            item["fingerprint"] = fingerprint(finding, occurrence)
        seen.add(item["fingerprint"])
        issues.append(item)
    json.dump(issues, out, indent=2, ensure_ascii=False)
    out.write("\n")
