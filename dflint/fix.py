"""Applying fixes: text edits on spans of the original file, repeated until nothing changes.

Safety by construction:
* a file with a parse error is never touched (we cannot know what an edit would mean);
* the fixes of one pass that overlap an earlier accepted fix are left for the next pass, chosen
  deterministically (by position, then code), and a fix applies all of its edits or none;
* the loop is bounded, so two fixes that undo each other cannot spin forever;
* the file is rewritten atomically (temporary file in the same folder, then rename), keeping
  its mode, its byte-order mark and its line endings (CRLF stays CRLF).
"""

from __future__ import annotations

import itertools
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from dflint.finding import Finding, Fix, FixSafety, TextEdit

MAX_PASSES = 10
BOM = "\ufeff"


@dataclass
class FixResult:
    """What fixing one file did."""

    original: str
    fixed: str
    applied: list[Finding] = field(default_factory=list)
    passes: int = 0
    refused: str | None = None  # why nothing was applied (parse error), if so

    @property
    def changed(self) -> bool:
        return self.fixed != self.original


def _line_starts(text: str) -> list[int]:
    starts = [0]
    for index, char in enumerate(text):
        if char == "\n":
            starts.append(index + 1)
    return starts


def _offset(starts: list[int], text: str, line: int, col: int) -> int:
    """Offset of a 1-based (line, col); clamps past-the-end positions to the text's end."""
    if line - 1 >= len(starts):
        return len(text)
    base = starts[line - 1]
    line_end = starts[line] - 1 if line < len(starts) else len(text)
    if line_end > base and text[line_end - 1] == "\r":
        line_end -= 1  # columns never count the CR of a CRLF ending
    return min(base + col - 1, line_end) if col > 0 else base


def fix_allowed(fix: Fix | None, unsafe: bool) -> bool:
    if fix is None or not fix.edits:
        return False
    return fix.safety is FixSafety.SAFE or (unsafe and fix.safety is FixSafety.UNSAFE)


def apply_fixes_once(text: str, findings: Sequence[Finding], unsafe: bool) -> tuple[str, list[Finding]]:
    """Apply every allowed, non-overlapping fix of these findings to ``text`` (one pass)."""
    starts = _line_starts(text)
    crlf = "\r\n" in text
    candidates = sorted(
        (f for f in findings if fix_allowed(f.fix, unsafe)),
        key=lambda f: (f.span.start_line, f.span.start_col, f.code),
    )
    accepted: list[tuple[int, int, str]] = []
    applied: list[Finding] = []
    for finding in candidates:
        assert finding.fix is not None
        ranges = [_edit_range(edit, starts, text, crlf) for edit in finding.fix.edits]
        if any(_overlaps(r, a) for r in ranges for a in accepted) or _self_overlapping(ranges):
            continue
        accepted.extend(ranges)
        applied.append(finding)
    out = text
    for start, end, new in sorted(accepted, key=lambda r: (r[0], r[1]), reverse=True):
        out = out[:start] + new + out[end:]
    return out, applied


def _edit_range(edit: TextEdit, starts: list[int], text: str, crlf: bool) -> tuple[int, int, str]:
    span = edit.span
    start = _offset(starts, text, span.start_line, span.start_col)
    end = _offset(starts, text, span.end_line, span.end_col)
    new = edit.new_text.replace("\r\n", "\n").replace("\n", "\r\n") if crlf else edit.new_text
    return start, max(start, end), new


def _overlaps(a: tuple[int, int, str], b: tuple[int, int, str]) -> bool:
    if a[0] == a[1] or b[0] == b[1]:  # insertions conflict only when at the same point
        return a[0] == b[0] or (b[0] < a[0] < b[1]) or (a[0] < b[0] < a[1])
    return a[0] < b[1] and b[0] < a[1]


def _self_overlapping(ranges: list[tuple[int, int, str]]) -> bool:
    ordered = sorted(ranges)
    return any(_overlaps(x, y) for x, y in itertools.pairwise(ordered))


def fix_text(text: str, lint: Callable[[str], tuple[list[Finding], bool]], unsafe: bool = False,
             max_passes: int = MAX_PASSES) -> FixResult:
    """Fix ``text`` until no allowed fix remains. ``lint`` returns (findings, parse_failed)."""
    result = FixResult(original=text, fixed=text)
    current = text
    for _ in range(max_passes):
        findings, parse_failed = lint(current)
        if parse_failed:
            if current == text:
                result.refused = "the file has a parse error; fixes are never applied to it"
            break
        new, applied = apply_fixes_once(current, findings, unsafe)
        if not applied or new == current:
            break
        result.applied.extend(applied)
        result.passes += 1
        current = new
    result.fixed = current
    return result


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` by ``text`` in one rename, keeping the file's permission bits."""
    data = text.encode("utf-8", "surrogateescape")
    mode = os.stat(path).st_mode & 0o7777
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".dflint-tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def unified_diff(path: str, before: str, after: str) -> str:
    import difflib

    return "".join(difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True),
        fromfile=f"a/{path}", tofile=f"b/{path}",
    ))
