"""--format tty: code frames, carets, colour decisions, summary and statistics."""

from __future__ import annotations

import io
import re
import time

import pytest
from report_samples import RULES, SOURCE, pin_finding, sample_results

from dflint.finding import Finding, Fix, FixSafety, Severity, TextEdit
from dflint.report import FileResult, render
from dflint.report.tty import cell_width, visible, wants_color
from dflint.span import Span

ANSI = "\x1b["
URL = "https://github.com/dflint/dflint/blob/main/docs/rules/{}.md"


def _tty(results: list[FileResult], color: str = "never", statistics: bool = False) -> str:
    buf = io.StringIO()
    render("tty", results, RULES, color=color, statistics=statistics, out=buf)
    return buf.getvalue()


def _finding(span: Span, message: str = "msg", code: str = "DF001", fix: Fix | None = None) -> Finding:
    return Finding(code, "thing", Severity.WARNING, message, "Dockerfile", span, fix=fix)


def test_full_output() -> None:
    assert _tty(sample_results()) == "\n".join([
        "Dockerfile:1:10: DF000 [error] unterminated heredoc",
        "  |",
        "1 | FROM debian:12",
        "  |          ^^^ DF000",
        "  |",
        "  = docs: " + URL.format("DF000"),
        "",
        "Dockerfile:2:21: DL3008 [warning] Pin versions in apt-get install: curl",
        "  |",
        "2 | RUN apt-get install curl",
        "  |                     ^^^^ DL3008",
        "  |",
        "  = help: Pin curl to 8.0",
        "  = docs: " + URL.format("DL3008"),
        "",
        "Dockerfile:3:1: DF010 [style] Write RUN in upper case",
        "  |",
        "3 | run echo hi",
        "  | ^^^ DF010",
        "  |",
        "  = docs: " + URL.format("DF010"),
        "",
        "Found 3 problems (1 error, 1 warning, 1 style) in 1 file; 1 fixable with --fix.",
        "",
    ])


def test_caret_under_column_10_length_3() -> None:
    line = "RUN echo abc def"
    out = _tty([FileResult("Dockerfile", [_finding(Span(1, 10, 1, 13))], [line])]).splitlines()
    source_row, caret_row = out[2], out[3]
    assert source_row == "1 | RUN echo abc def"
    assert caret_row == "  |          ^^^ DF001"
    start = caret_row.index("^")
    assert source_row[start:start + 3] == "abc"
    assert caret_row[start:].startswith("^^^ ")


def test_carets_align_after_tabs_and_wide_characters() -> None:
    line = "RUN\techo 世界 abc"
    # columns: R1 U2 N3 \t4 e5 c6 h7 o8 ' '9 世10 界11 ' '12 a13
    out = _tty([FileResult("Dockerfile", [_finding(Span(1, 13, 1, 16))], [line])]).splitlines()
    assert out[2] == "1 | RUN    echo 世界 abc"
    assert out[3] == "  |" + " " * (1 + 3 + 4 + 5 + 4 + 1) + "^^^ DF001"  # tab = 4 cells, 世界 = 4
    wide = _tty([FileResult("Dockerfile", [_finding(Span(1, 10, 1, 12))], [line])]).splitlines()
    assert wide[3] == "  |" + " " * (1 + 3 + 4 + 5) + "^^^^ DF001"  # two wide characters, four cells


def test_empty_span_and_span_past_end_get_one_caret() -> None:
    out = _tty([FileResult("Dockerfile", [_finding(Span(1, 4, 1, 4)), _finding(Span(1, 9, 1, 9))],
                           ["FROM x"])]).splitlines()
    assert "  |    ^ DF001" in out
    assert "  |       ^ DF001" in out  # past the end: just after the last character


def test_multiline_span() -> None:
    source = ["RUN a && \\\n", "    b && \\\n", "    c\n"]
    out = _tty([FileResult("Dockerfile", [_finding(Span(1, 5, 3, 6))], source)]).splitlines()
    assert out[1:9] == [
        "  |",
        "1 | RUN a && \\",
        "  |     ^^^^^^",
        "2 |     b && \\",
        "  |     ^^^^^^",
        "3 |     c",
        "  |     ^ DF001",
        "  |",
    ]


def test_long_span_is_elided_and_gutter_widens() -> None:
    source = [f"line {n}\n" for n in range(1, 13)]
    out = _tty([FileResult("Dockerfile", [_finding(Span(2, 1, 12, 8))], source)]).splitlines()
    numbers = [row.split("|")[0].strip() for row in out[1:] if row[:2].strip().isdigit()]
    assert numbers == ["2", "3", "4", "10", "11", "12"]
    assert "..." in out
    assert " 2 | line 2" in out


def test_control_characters_are_never_echoed() -> None:
    source = ["RUN echo \x1b[31mred\x07 \u202eevil\n"]
    out = _tty([FileResult("Dockerfile", [_finding(Span(1, 10, 1, 14), message="bad \x1b[2J")], source)])
    assert "\x1b" not in out
    assert "\x07" not in out
    assert "\u202e" not in out
    assert "1 | RUN echo \u241b[31mred\u2407 \ufffdevil" in out


def test_long_lines_are_windowed_around_the_span() -> None:
    line = "RUN " + "x" * 300 + " target " + "y" * 300
    col = line.index("target") + 1
    out = _tty([FileResult("Dockerfile", [_finding(Span(1, col, 1, col + 6))], [line])]).splitlines()
    source_row, caret_row = out[2], out[3]
    assert len(source_row) < 200
    start = caret_row.index("^")
    assert source_row[start:start + 6] == "target"
    assert caret_row[start:] == "^^^^^^ DF001"


def test_no_source_means_no_frame() -> None:
    unreadable = Finding("DF900", "unreadable-file", Severity.ERROR, "No such file", "gone", Span(1, 1, 1, 1))
    assert _tty([FileResult("gone", [], None, errors=[unreadable])]) == (
        "gone:1:1: DF900 [error] No such file\n\nFound 1 problem (1 error) in 1 file.\n"
    )


def test_summary_variants() -> None:
    assert _tty([FileResult("a", [], []), FileResult("b", [], [])]) == "No problems found in 2 files.\n"
    unsafe = FileResult("Dockerfile", [pin_finding(safety=FixSafety.UNSAFE)], SOURCE)
    out = _tty([unsafe])
    assert out.endswith("Found 1 problem (1 warning) in 1 file; 1 fixable with --fix --unsafe-fixes.\n")
    assert "  = help: Pin curl to 8.0 (unsafe: needs --unsafe-fixes)" in out
    both = FileResult("Dockerfile", [pin_finding(line=1), pin_finding(line=2, safety=FixSafety.UNSAFE)],
                      SOURCE)
    assert _tty([both]).endswith(
        "Found 2 problems (2 warnings) in 1 file; 1 fixable with --fix; 1 more with --fix --unsafe-fixes.\n"
    )
    no_desc = Fix((TextEdit(Span(1, 1, 1, 1), "x"),))
    assert "  = help: a fix is available" in _tty(
        [FileResult("Dockerfile", [_finding(Span(1, 1, 1, 2), fix=no_desc)], ["FROM x"])]
    )


def test_statistics_table() -> None:
    results = [
        FileResult("a", [pin_finding("a", 1), pin_finding("a", 2, FixSafety.UNSAFE)], None),
        FileResult("b", [pin_finding("b", 1)], None, errors=[
            Finding("DF000", "syntax-error", Severity.ERROR, "x", "b", Span(1, 1, 1, 2))]),
    ]
    assert _tty(results, statistics=True) == "\n".join([
        "count  code    name                  fixable",
        "    3  DL3008  apt-get-pin-versions        3",
        "    1  DF000   syntax-error                0",
        "",
        "Found 4 problems (1 error, 3 warnings) in 2 files; 2 fixable with --fix; "
        "1 more with --fix --unsafe-fixes.",
        "",
    ])


def test_concise_format() -> None:
    buf = io.StringIO()
    render("concise", sample_results(), RULES, color="always", out=buf)
    assert buf.getvalue().splitlines() == [
        "Dockerfile:1:10: DF000 [error] unterminated heredoc",
        "Dockerfile:2:21: DL3008 [warning] Pin versions in apt-get install: curl",
        "Dockerfile:3:1: DF010 [style] Write RUN in upper case",
    ]


# -- colour ---------------------------------------------------------------------------------


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE", "TERM", "COLORTERM"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_color_never_and_auto_when_piped_have_no_ansi(clean_env: pytest.MonkeyPatch) -> None:
    assert ANSI not in _tty(sample_results(), "never")
    assert ANSI not in _tty(sample_results(), "auto")  # StringIO is not a terminal


def test_color_always_has_ansi(clean_env: pytest.MonkeyPatch) -> None:
    out = _tty(sample_results(), "always")
    assert ANSI in out
    plain = _tty(sample_results(), "never")
    assert re.sub(r"\x1b\[[0-9;]*m", "", out) == plain  # styles only, same text


def test_no_color_env_beats_force_color_in_auto(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("FORCE_COLOR", "1")
    assert ANSI in _tty(sample_results(), "auto")
    clean_env.setenv("NO_COLOR", "1")
    assert ANSI not in _tty(sample_results(), "auto")
    assert ANSI in _tty(sample_results(), "always")  # the explicit flag wins over NO_COLOR


class _FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, True),
        ({"NO_COLOR": "1"}, False),
        ({"NO_COLOR": ""}, True),  # empty NO_COLOR does not count (no-color.org)
        ({"TERM": "dumb"}, False),
        ({"TERM": "dumb", "FORCE_COLOR": "1"}, True),
        ({"TTY_COMPATIBLE": "0"}, False),
    ],
)
def test_wants_color_on_a_terminal(env: dict[str, str], expected: bool) -> None:
    assert wants_color("auto", _FakeTerminal(), env) is expected
    assert wants_color("never", _FakeTerminal(), env) is False


@pytest.mark.parametrize(
    ("env", "expected"),
    [({}, False), ({"FORCE_COLOR": "1"}, True), ({"TTY_COMPATIBLE": "1"}, True)],
)
def test_wants_color_when_piped(env: dict[str, str], expected: bool) -> None:
    assert wants_color("auto", io.StringIO(), env) is expected
    assert wants_color("always", io.StringIO(), env) is True


def test_text_helpers() -> None:
    assert visible("a\tb\x00\x7f") == "a    b\u2400\u2421"
    assert cell_width("ab世") == 4
    assert cell_width("e\u0301") == 1


# -- speed ----------------------------------------------------------------------------------


@pytest.mark.parametrize("color", ["never", "always"])
def test_three_thousand_findings_render_fast(color: str) -> None:
    source = [f"RUN apt-get install -y package{n} && echo done {n}\n" for n in range(300)]
    results = [
        FileResult(f"d{f}/Dockerfile", [pin_finding(f"d{f}/Dockerfile", n) for n in range(1, 301)], source)
        for f in range(10)
    ]
    render("tty", results[:1], RULES, color=color, out=io.StringIO())  # warm up imports
    buf = io.StringIO()
    start = time.perf_counter()
    render("tty", results, RULES, color=color, out=buf)
    elapsed = time.perf_counter() - start
    assert re.sub(r"\x1b\[[0-9;]*m", "", buf.getvalue()).count("DL3008 [warning]") == 3000
    assert elapsed < 1.0, f"3,000 findings took {elapsed:.2f}s"
