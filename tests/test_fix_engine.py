"""The fix applier: edits on spans, overlap resolution, passes, atomic writes, CRLF."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from dflint.finding import Finding, Fix, FixSafety, Severity, TextEdit
from dflint.fix import apply_fixes_once, fix_text, unified_diff, write_atomically
from dflint.span import Span


def finding(code: str, span: Span, new: str, safety: FixSafety = FixSafety.SAFE) -> Finding:
    fix = Fix((TextEdit(span, new),), safety)
    return Finding(code, "x", Severity.WARNING, "m", "Dockerfile", span, fix=fix)


def test_single_edit_replaces_the_span() -> None:
    text = "FROM a\nRUN x & &y\n"
    out, applied = apply_fixes_once(text, [finding("DF002", Span(2, 7, 2, 10), "&&")], unsafe=False)
    assert out == "FROM a\nRUN x &&y\n"
    assert len(applied) == 1


def test_unsafe_fix_needs_the_flag() -> None:
    text = "CMD a\n"
    f = finding("DL3025", Span(1, 5, 1, 6), '["a"]', FixSafety.UNSAFE)
    assert apply_fixes_once(text, [f], unsafe=False)[0] == text
    assert apply_fixes_once(text, [f], unsafe=True)[0] == 'CMD ["a"]\n'


def test_overlapping_fixes_keep_the_first_and_leave_the_other() -> None:
    text = "RUN abcdef\n"
    first = finding("B", Span(1, 5, 1, 8), "X")
    second = finding("A", Span(1, 6, 1, 9), "Y")
    out, applied = apply_fixes_once(text, [second, first], unsafe=False)
    assert out == "RUN Xdef\n"
    assert [f.code for f in applied] == ["B"]


def test_insertions_at_the_same_point_do_not_both_apply() -> None:
    text = "RUN x\n"
    a = finding("A", Span(1, 5, 1, 5), "-a ")
    b = finding("B", Span(1, 5, 1, 5), "-b ")
    out, applied = apply_fixes_once(text, [a, b], unsafe=False)
    assert out == "RUN -a x\n" and [f.code for f in applied] == ["A"]


def test_crlf_is_kept_and_new_lines_follow_it() -> None:
    text = "FROM a\r\nRUN x\r\n"
    out, _ = apply_fixes_once(text, [finding("A", Span(2, 5, 2, 6), "y \\\n  z")], unsafe=False)
    assert out == "FROM a\r\nRUN y \\\r\n  z\r\n"


def test_fix_text_repeats_until_stable_and_is_bounded() -> None:
    calls = []

    def lint(text: str) -> tuple[list[Finding], bool]:
        calls.append(text)
        if "&&&" in text:
            col = text.index("&&&") + 1
            return [finding("DF002", Span(1, col, 1, col + 3), "&&")], False
        return [], False

    result = fix_text("RUN a &&& b &&& c\n", lint)
    assert result.fixed == "RUN a && b && c\n"
    assert result.passes == 2

    def flip(text: str) -> tuple[list[Finding], bool]:
        return [finding("X", Span(1, 1, 1, 2), "b" if text[0] == "a" else "a")], False

    assert fix_text("a\n", flip, max_passes=5).passes == 5


def test_parse_error_refuses_all_fixes() -> None:
    result = fix_text("RUN <<EOF\n", lambda t: ([finding("A", Span(1, 1, 1, 4), "run")], True))
    assert not result.changed and result.refused


def test_atomic_write_keeps_mode(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text("old\n")
    os.chmod(path, 0o640)
    write_atomically(path, "new\n")
    assert path.read_text() == "new\n"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["Dockerfile"]


def test_unified_diff_names_the_file() -> None:
    diff = unified_diff("Dockerfile", "a\n", "b\n")
    assert diff.splitlines()[:2] == ["--- a/Dockerfile", "+++ b/Dockerfile"]
