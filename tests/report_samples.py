"""Small fake rules and findings shared by the tests/test_report_*.py files."""

from __future__ import annotations

from dflint.finding import Finding, Fix, FixSafety, Severity, TextEdit
from dflint.plugin import Rule
from dflint.report import FileResult
from dflint.span import Span


class PinApt(Rule):
    """## What it does
    Checks that `apt-get install` pins versions.

    ## Why is this bad?
    Builds drift.
    """

    code = "DL3008"
    name = "apt-get-pin-versions"
    severity = Severity.WARNING
    summary = "Pin versions in apt-get install"
    aliases = ("apt-pin", "PinApt")


class SyntaxProblem(Rule):
    """Reports a Dockerfile that does not parse."""

    code = "DF000"
    name = "syntax-error"
    severity = Severity.ERROR
    summary = "The Dockerfile does not parse"


class LowerCase(Rule):
    """Instructions should be upper case."""

    code = "DF010"
    name = "instruction-case"
    severity = Severity.STYLE
    summary = "Write instructions in upper case"


RULES: dict[str, type[Rule]] = {r.code: r for r in (PinApt, SyntaxProblem, LowerCase)}

SOURCE = [
    "FROM debian:12\n",
    "RUN apt-get install curl\n",
    "run echo hi\n",
]


def pin_finding(file: str = "Dockerfile", line: int = 2, safety: FixSafety = FixSafety.SAFE) -> Finding:
    return Finding(
        code="DL3008",
        name="apt-get-pin-versions",
        severity=Severity.WARNING,
        message="Pin versions in apt-get install: curl",
        file=file,
        span=Span(line, 21, line, 25),
        url=PinApt.url(),
        fix=Fix((TextEdit(Span(line, 25, line, 25), "=8.0"),), safety, "Pin curl to 8.0"),
        aliases=PinApt.aliases,
    )


def case_finding(file: str = "Dockerfile") -> Finding:
    return Finding("DF010", "instruction-case", Severity.STYLE, "Write RUN in upper case", file,
                   Span(3, 1, 3, 4), url=LowerCase.url())


def syntax_finding(file: str = "Dockerfile", message: str = "unterminated heredoc") -> Finding:
    return Finding("DF000", "syntax-error", Severity.ERROR, message, file, Span(1, 10, 1, 13))


def sample_results() -> list[FileResult]:
    """Two files: one with three findings (given out of order), one clean."""
    return [
        FileResult("Dockerfile", [case_finding(), pin_finding()], SOURCE, errors=[syntax_finding()]),
        FileResult("app/Dockerfile", [], ["FROM scratch\n"]),
    ]


def odd_results() -> list[FileResult]:
    """Inputs a reporter must survive: no source, positions out of range, odd text everywhere."""
    weird = [
        Finding("DF001", "x", Severity.STYLE, "", "odd", Span(0, 0, 0, 0)),
        Finding("DF001", "x", Severity.INFO, "\x00\x1b]0;title\x07", "odd", Span(99, 5, 120, 1)),
        Finding("DF001", "x", Severity.ERROR, "m", "odd", Span(2, 50, 1, 1)),
        Finding("DF002", "y", Severity.WARNING, "m", "odd", Span(1, 1, 1, 1),
                fix=Fix((TextEdit(Span(1, 1, 1, 1), "x"),), description="")),
    ]
    return [FileResult("odd", weird, ["\ufeffFROM x\r\n", ""]), FileResult("empty", [], []),
            FileResult("none", [], None)]
