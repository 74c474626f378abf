"""--format gnu: GNU Coding Standards error lines."""

from __future__ import annotations

import io

from report_samples import RULES, sample_results

from dflint.finding import Finding, Severity
from dflint.report import FileResult, render
from dflint.span import Span


def _render(results: list[FileResult]) -> list[str]:
    buf = io.StringIO()
    render("gnu", results, RULES, out=buf)
    return buf.getvalue().splitlines()


def test_exact_lines() -> None:
    # the end column is inclusive (GNU/Bison convention): span 21..25 exclusive covers 21-24
    assert _render(sample_results()) == [
        "Dockerfile:1.10-1.12: error: DF000 unterminated heredoc",
        "Dockerfile:2.21-2.24: warning: DL3008 Pin versions in apt-get install: curl",
        "Dockerfile:3.1-3.3: note: DF010 Write RUN in upper case",
    ]


def test_point_multiline_and_single_char_spans() -> None:
    def finding(span: Span, message: str = "m\nn") -> Finding:
        return Finding("DF001", "x", Severity.INFO, message, "a b/Dockerfile", span)

    results = [FileResult("a b/Dockerfile", [finding(Span(4, 2, 4, 2)), finding(Span(5, 3, 5, 4)),
                                              finding(Span(6, 3, 8, 7))], None)]
    assert _render(results) == [
        "a b/Dockerfile:4.2: note: DF001 m n",
        "a b/Dockerfile:5.3: note: DF001 m n",
        "a b/Dockerfile:6.3-8.6: note: DF001 m n",
    ]


def test_control_characters_are_made_visible() -> None:
    bad = Finding("DF001", "x", Severity.ERROR, "a\x1b[2Jb\x07", "evil\x1b.Dockerfile", Span(1, 1, 1, 2))
    assert _render([FileResult("evil", [bad], None)]) == [
        "evil\u241b.Dockerfile:1.1: error: DF001 a\u241b[2Jb\u2407"
    ]
