"""Code actions: a rule's fix, "ignore CODE on this line", "ignore CODE in this file", fix all.

Fixes come from the findings of the current analysis (not from the diagnostics the client
echoes back, which may be stale or trimmed), and "fix all" is :func:`dflint.fix.fix_text`,
the exact loop behind ``dflint --fix``: the editor and the CLI produce the same file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from lsprotocol import types

from dflint.finding import Finding, FixSafety
from dflint.lsp.analysis import Analysis
from dflint.lsp.diagnostics import to_diagnostic
from dflint.lsp.positions import overlaps

FIX_ALL_KIND = "source.fixAll.dflint"
KINDS = [types.CodeActionKind.QuickFix, types.CodeActionKind.SourceFixAll, FIX_ALL_KIND]

_IGNORE_LINE = re.compile(r"^(?P<head>\s*#\s*dflint\s*:\s*ignore\s*=\s*)(?P<codes>[\w, -]*?)\s*$", re.I)
_IGNORE_FILE = re.compile(r"^(?P<head>\s*#\s*dflint\s*:\s*ignore-file\s*=\s*)(?P<codes>[\w, -]*?)\s*$", re.I)

Lint = Callable[[str], tuple[list[Finding], bool]]


def wanted(only: Sequence[str] | None, kind: str) -> bool:
    """LSP kinds are hierarchical: asking for ``source.fixAll`` includes ``source.fixAll.dflint``."""
    if not only:
        return True
    return any(kind == k or kind.startswith(f"{k}.") for k in only)


def code_actions(analysis: Analysis, params: types.CodeActionParams, lint: Lint,
                 unsafe: bool = False) -> list[types.CodeAction]:
    only = params.context.only
    actions: list[types.CodeAction] = []
    if wanted(only, types.CodeActionKind.QuickFix):
        seen: set[tuple[str, int]] = set()
        wanted_range = _widened(params.range)
        for finding in analysis.findings:
            if not overlaps(analysis.index.range(finding.span), wanted_range):
                continue
            diagnostic = to_diagnostic(finding, analysis)
            fix_action = _fix_action(analysis, finding, diagnostic)
            if fix_action is not None:
                actions.append(fix_action)
            key = (finding.code, finding.span.start_line)
            if key in seen:
                continue
            seen.add(key)
            actions.append(_ignore_line(analysis, finding, diagnostic))
            actions.append(_ignore_file(analysis, finding, diagnostic))
    if wanted(only, FIX_ALL_KIND):
        fix_all = fix_all_action(analysis, lint, unsafe)
        if fix_all is not None:
            actions.append(fix_all)
    return actions


def _widened(rng: types.Range) -> types.Range:
    """A bare cursor asks about its whole line: the lightbulb should not depend on the column."""
    if rng.start != rng.end:
        return rng
    return types.Range(start=types.Position(line=rng.start.line, character=0),
                       end=types.Position(line=rng.start.line, character=2**31 - 1))


def _edits_for(analysis: Analysis, finding: Finding) -> list[types.TextEdit]:
    assert finding.fix is not None
    crlf = "\r\n" in analysis.text
    out = []
    for edit in finding.fix.edits:
        text = edit.new_text.replace("\r\n", "\n").replace("\n", "\r\n") if crlf else edit.new_text
        out.append(types.TextEdit(range=analysis.index.range(edit.span), new_text=text))
    return out


def _workspace_edit(uri: str, edits: list[types.TextEdit]) -> types.WorkspaceEdit:
    return types.WorkspaceEdit(changes={uri: edits})


def _fix_action(analysis: Analysis, finding: Finding,
                diagnostic: types.Diagnostic) -> types.CodeAction | None:
    fix = finding.fix
    if fix is None or not fix.edits or fix.safety is FixSafety.NONE:
        return None
    what = fix.description or finding.message
    title = f"Fix {finding.code}: {what}"
    if fix.safety is FixSafety.UNSAFE:
        title += " (unsafe: may change behaviour)"
    return types.CodeAction(title=title, kind=types.CodeActionKind.QuickFix, diagnostics=[diagnostic],
                            is_preferred=fix.safety is FixSafety.SAFE,
                            edit=_workspace_edit(analysis.uri, _edits_for(analysis, finding)))


def _newline(analysis: Analysis) -> str:
    return "\r\n" if "\r\n" in analysis.text else "\n"


def _insert_or_extend(analysis: Analysis, line: int, pattern: re.Pattern[str], code: str,
                      fresh: str) -> types.TextEdit:
    """Add ``code`` to an existing pragma on ``line`` when there is one, else insert ``fresh``."""
    existing = analysis.index.line_text(line)
    match = pattern.match(existing) if line >= 1 else None
    if match is not None:
        codes = [c.strip() for c in match.group("codes").split(",") if c.strip()]
        if code.upper() not in (c.upper() for c in codes):
            codes.append(code)
        new = match.group("head") + ",".join(codes)
        start = analysis.index.to_lsp(line, 1)
        end = analysis.index.to_lsp(line, len(existing) + 1)
        return types.TextEdit(range=types.Range(start=start, end=end), new_text=new)
    at = analysis.index.to_lsp(line + 1, 1) if line >= 1 else types.Position(line=0, character=0)
    if line >= len(analysis.index.lines):  # appending after the last line
        end = analysis.index.to_lsp(len(analysis.index.lines), 10**9)
        return types.TextEdit(range=types.Range(start=end, end=end), new_text=_newline(analysis) + fresh)
    return types.TextEdit(range=types.Range(start=at, end=at), new_text=fresh + _newline(analysis))


def _ignore_line(analysis: Analysis, finding: Finding, diagnostic: types.Diagnostic) -> types.CodeAction:
    ins = analysis.dockerfile.instruction_at(finding.span.start_line)
    first = ins.span.start_line if ins is not None else finding.span.start_line
    text = analysis.index.line_text(first)
    indent = text[: len(text) - len(text.lstrip(" \t"))]
    edit = _insert_or_extend(analysis, first - 1, _IGNORE_LINE, finding.code,
                             f"{indent}# dflint: ignore={finding.code}")
    return types.CodeAction(title=f"Ignore {finding.code} on this line", kind=types.CodeActionKind.QuickFix,
                            diagnostics=[diagnostic], edit=_workspace_edit(analysis.uri, [edit]))


def _ignore_file(analysis: Analysis, finding: Finding, diagnostic: types.Diagnostic) -> types.CodeAction:
    after = analysis.dockerfile.directives.end_line
    existing = next((i for i, line in enumerate(analysis.index.lines, 1) if _IGNORE_FILE.match(line)), None)
    if existing is not None:
        edit = _insert_or_extend(analysis, existing, _IGNORE_FILE, finding.code, "")
    else:
        edit = _insert_or_extend(analysis, after, _IGNORE_FILE, finding.code,
                                 f"# dflint: ignore-file={finding.code}")
    return types.CodeAction(title=f"Ignore {finding.code} in this file", kind=types.CodeActionKind.QuickFix,
                            diagnostics=[diagnostic], edit=_workspace_edit(analysis.uri, [edit]))


def fix_all_action(analysis: Analysis, lint: Lint, unsafe: bool) -> types.CodeAction | None:
    from dflint.fix import fix_allowed, fix_text

    if analysis.parse_failed or not any(fix_allowed(f.fix, unsafe) for f in analysis.findings):
        return None
    result = fix_text(analysis.text, lint, unsafe=unsafe)
    if not result.changed:
        return None
    lines = analysis.index.lines
    origin = types.Position(line=0, character=0)
    end = analysis.index.to_lsp(len(lines), len(lines[-1]) + 1) if lines else origin
    edit = types.TextEdit(range=types.Range(start=origin, end=end),
                          new_text=result.fixed)
    count = len(result.applied)
    return types.CodeAction(title=f"dflint: fix all auto-fixable problems ({count})", kind=FIX_ALL_KIND,
                            edit=_workspace_edit(analysis.uri, [edit]))
