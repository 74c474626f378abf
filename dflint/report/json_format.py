"""``--format json``: a flat list of findings, the shape scripts and editors parse.

Every object also carries the keys of hadolint's JSON (``file``, ``line``, ``column``, ``level``,
``code``, ``message``), so scripts written for ``hadolint -f json`` read it unchanged.
Positions follow dflint's one convention (1-based lines and columns, exclusive end column), so
``column``/``end_column`` mean the same here, in SARIF and in the fixer.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, TextIO

from dflint.finding import Finding
from dflint.report._common import code_statistics, display_path, fix_to_json, rule_url
from dflint.report.model import FileResult, iter_findings

if TYPE_CHECKING:
    from dflint.plugin import Rule


def finding_to_json(finding: Finding, rules: Mapping[str, type[Rule]]) -> dict[str, Any]:
    """One finding as a JSON object (also used by tests and other tools' adapters)."""
    span = finding.span
    return {
        "code": finding.code,
        "name": finding.name,
        "severity": finding.severity.label,
        # hadolint's name for the same value: `jq '.[] | select(.level == "error")'` keeps working.
        "level": finding.severity.label,
        "message": finding.message,
        "file": display_path(finding.file),
        "line": span.start_line,
        "column": span.start_col,
        "end_line": span.end_line,
        "end_column": span.end_col,
        "url": rule_url(finding, rules),
        "fix": fix_to_json(finding.fix),
    }


def render(
    results: Sequence[FileResult],
    rules: Mapping[str, type[Rule]],
    *,
    color: str,
    statistics: bool,
    out: TextIO,
) -> None:
    payload: list[dict[str, Any]]
    if statistics:
        payload = [
            {"code": row.code, "name": row.name, "count": row.count, "fixable": row.fixable}
            for row in code_statistics(results)
        ]
    else:
        payload = [finding_to_json(finding, rules) for _, finding in iter_findings(results)]
    json.dump(payload, out, indent=2, ensure_ascii=False)
    out.write("\n")
