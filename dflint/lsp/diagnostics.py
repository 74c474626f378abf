"""Findings → LSP diagnostics.

Each diagnostic carries ``source="dflint"`` (editors group and filter by it, and it keeps dflint
apart from docker-langserver's own checks), the rule code, and a ``codeDescription`` link to the
rule's page, so one click from the squiggle explains the rule.
"""

from __future__ import annotations

from lsprotocol import types

from dflint.finding import Finding, FixSafety, Severity
from dflint.lsp.analysis import Analysis

SOURCE = "dflint"

_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
    Severity.STYLE: types.DiagnosticSeverity.Hint,
}


def to_diagnostic(finding: Finding, analysis: Analysis) -> types.Diagnostic:
    fixable = finding.fix is not None and bool(finding.fix.edits) and finding.fix.safety is not FixSafety.NONE
    return types.Diagnostic(
        range=analysis.index.range(finding.span),
        message=finding.message,
        severity=_SEVERITY.get(finding.severity, types.DiagnosticSeverity.Warning),
        code=finding.code,
        source=SOURCE,
        code_description=types.CodeDescription(href=finding.url) if finding.url else None,
        data={"name": finding.name, "fixable": fixable},
    )


def diagnostics_for(analysis: Analysis) -> list[types.Diagnostic]:
    """Every finding, plus one diagnostic for a broken configuration file (so it is not silent)."""
    out = [to_diagnostic(f, analysis) for f in analysis.findings]
    if analysis.config_error:
        out.insert(0, types.Diagnostic(
            range=types.Range(start=types.Position(line=0, character=0),
                              end=types.Position(line=0, character=0)),
            message=f"dflint configuration error (defaults used): {analysis.config_error}",
            severity=types.DiagnosticSeverity.Error,
            code="config",
            source=SOURCE,
        ))
    return out
