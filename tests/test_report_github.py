"""--format github: workflow commands with GitHub's escaping rules."""

from __future__ import annotations

import io

from report_samples import RULES, case_finding, pin_finding, sample_results, syntax_finding

from dflint.report import FileResult, render
from dflint.report.github import escape_data, escape_property


def _render(results: list[FileResult]) -> list[str]:
    buf = io.StringIO()
    render("github", results, RULES, out=buf)
    return buf.getvalue().splitlines()


def test_exact_lines() -> None:
    assert _render(sample_results()) == [
        "::error file=Dockerfile,line=1,endLine=1,col=10,endColumn=13,title=DF000 syntax-error::"
        "unterminated heredoc",
        "::warning file=Dockerfile,line=2,endLine=2,col=21,endColumn=25,title=DL3008 apt-get-pin-versions::"
        "Pin versions in apt-get install: curl",
        "::notice file=Dockerfile,line=3,endLine=3,col=1,endColumn=4,title=DF010 instruction-case::"
        "Write RUN in upper case",
    ]


def test_escaping() -> None:
    assert escape_data("100% a,b: c\r\nd") == "100%25 a,b: c%0D%0Ad"
    assert escape_property("100% a,b: c\r\nd") == "100%25 a%2Cb%3A c%0D%0Ad"
    path = "dir,1/a:b%.Dockerfile"
    lines = _render([FileResult(path, [], None, errors=[syntax_finding(path, "bad: 50%, x\ny")])])
    assert lines == [
        "::error file=dir%2C1/a%3Ab%25.Dockerfile,line=1,endLine=1,col=10,endColumn=13,"
        "title=DF000 syntax-error::bad: 50%25, x%0Ay"
    ]


def test_summary_when_github_would_drop_annotations() -> None:
    many = FileResult("Dockerfile", [pin_finding(line=n) for n in range(1, 12)], None)
    lines = _render([many])
    assert len(lines) == 12
    assert lines[-1].startswith("::notice title=dflint::dflint found 11 problems;")
    few = _render([FileResult("Dockerfile", [pin_finding(), case_finding()], None)])
    assert len(few) == 2


def test_ansi_in_messages_is_neutralised() -> None:
    assert escape_data("a\x1b[31mb") == "a\u241b[31mb"
