"""``--format tty`` (the default): rustc/ruff-style code frames for people at a terminal.

::

    Dockerfile:3:10: DL3008 [warning] Pin versions in apt-get install
      |
    3 | RUN apt-get install curl
      |                     ^^^^ DL3008
      |
      = help: Pin the version: curl=<version>
      = docs: https://...

The layout is computed here as plain segments (text, style name), then written either as plain
text or with ANSI styles from rich. Letting a rich Console lay the frames out instead would wrap
long lines (breaking the caret alignment) and is ten times slower (measured: 3,000 findings take
2.3 s through ``Console.print``, 0.2 s this way); rich is imported only when colour is actually
wanted, so a piped ``dflint`` never pays for it.

Colour: ``never`` -> none; ``always`` -> on, even when piped or with ``NO_COLOR`` (an explicit
flag wins over the environment, as no-color.org asks); ``auto`` -> off when ``NO_COLOR`` is set
and non-empty (no bold either), on when ``FORCE_COLOR`` or ``TTY_COMPATIBLE=1`` is set, off for
``TERM=dumb``/``unknown``, otherwise on only if the output is a terminal -- rich's rules.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, TextIO

from dflint.finding import Finding, Severity
from dflint.report._common import (
    code_statistics,
    display_path,
    fixable,
    one_line,
    plural,
    printable,
    rule_url,
    severity_counts,
)
from dflint.report.model import FileResult, iter_findings

if TYPE_CHECKING:
    from dflint.plugin import Rule

Segment = tuple[str, str]  # (text, style name); style "" = unstyled
Line = list[Segment]

TAB = "    "
MAX_LINE_CHARS = 160  # longer source lines are shown as a window around the span
MAX_FRAME_LINES = 6  # longer spans show their first and last lines around a "..."

STYLES: dict[str, str] = {
    "path": "bold",
    "error": "bold red",
    "warning": "bold yellow",
    "info": "bold magenta",
    "style": "bold cyan",
    "gutter": "bold blue",
    "help": "bold cyan",
    "docs": "dim",
    "summary": "bold",
}

_SEVERITY_WORDS = {
    Severity.ERROR: ("error", "errors"),
    Severity.WARNING: ("warning", "warnings"),
    Severity.INFO: ("info", "info"),
    Severity.STYLE: ("style", "style"),
}


# -- text measurement -------------------------------------------------------------------------


def visible(text: str) -> str:
    """``text`` safe to print (see :func:`printable`), tabs shown as four spaces."""
    return printable(text, keep="\t").replace("\t", TAB)


def cell_width(text: str) -> int:
    """Terminal columns ``text`` occupies: wide East Asian characters count 2, combining marks 0."""
    if text.isascii():
        return len(text)
    width = 0
    for ch in text:
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


# -- code frame -------------------------------------------------------------------------------


def _window(text: str, lo: int, hi: int) -> tuple[str, int, int]:
    """Shorten a long line around the underlined range [lo, hi) (character indices)."""
    if len(text) <= MAX_LINE_CHARS:
        return text, lo, hi
    start = max(0, min(lo - 20, len(text) - MAX_LINE_CHARS))
    end = min(len(text), start + MAX_LINE_CHARS)
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    shift = start - len(prefix)
    return prefix + text[start:end] + suffix, max(lo - shift, 0), max(min(hi, end) - shift, lo - shift)


def _frame_rows(result: FileResult, finding: Finding) -> list[tuple[int, str, int, int]] | None:
    """(line number, text, underline start, underline end) per shown line; None = no frame.

    Underline bounds are 0-based character indices into the raw line, end exclusive; a
    (-1, -1) row is the elision marker between the first and last lines of a long span.
    """
    span = finding.span
    first = result.source_line(span.start_line)
    if first is None:
        return None
    end_line, end_col = span.end_line, span.end_col
    if end_line > span.start_line and end_col <= 1:  # ends at a line break: stop at the line before
        end_line -= 1
        end_col = len(result.source_line(end_line) or "") + 1
    rows: list[tuple[int, str, int, int]] = []
    for number in range(span.start_line, max(end_line, span.start_line) + 1):
        text = result.source_line(number)
        if text is None:
            break
        lo = span.start_col - 1 if number == span.start_line else len(text) - len(text.lstrip())
        hi = end_col - 1 if number == end_line else len(text)
        lo = min(max(lo, 0), len(text))
        rows.append((number, text, lo, max(hi, lo + 1)))
    if len(rows) > MAX_FRAME_LINES:
        keep = MAX_FRAME_LINES // 2
        rows = [*rows[:keep], (-1, "", -1, -1), *rows[-keep:]]
    return rows


def frame_lines(result: FileResult, finding: Finding, rules: Mapping[str, type[Rule]]) -> list[Line]:
    """The whole block for one finding: header, code frame, help and docs lines."""
    sev = finding.severity.label
    lines: list[Line] = [
        [
            (f"{printable(display_path(finding.file))}:{finding.line}:{finding.column}:", "path"),
            (" ", ""),
            (finding.code, sev),
            (" [", ""),
            (sev, sev),
            ("] ", ""),
            (one_line(finding.message) or finding.name, ""),
        ]
    ]
    rows = _frame_rows(result, finding)
    numbers = [n for n, *_ in rows or () if n > 0]
    width = len(str(max(numbers or [finding.line])))
    empty_gutter: Line = [(" " * width + " |", "gutter")]
    if rows:
        lines.append(empty_gutter)
        last = max(n for n, *_ in rows)
        for number, text, lo, hi in rows:
            if number < 0:
                lines.append([("...", "gutter")])
                continue
            shown, lo, hi = _window(text, lo, hi)
            lines.append([(f"{number:>{width}} |", "gutter"), (" " + visible(shown) if shown else "", "")])
            pad = cell_width(visible(shown[:lo]))
            carets = "^" * max(cell_width(visible(shown[lo:hi])), 1)
            underline: Line = [(" " * width + " |", "gutter"), (" " + " " * pad, ""), (carets, sev)]
            if number == last:
                underline.append((" " + finding.code, sev))
            lines.append(underline)
        lines.append(empty_gutter)
    indent = " " * (width + 1)
    if finding.fix is not None:
        description = finding.fix.description or "a fix is available"
        unsafe = "" if fixable(finding) else " (unsafe: needs --unsafe-fixes)"
        lines.append([(indent, ""), ("= help: ", "help"), (one_line(description) + unsafe, "")])
    url = rule_url(finding, rules)
    if url:
        lines.append([(indent, ""), ("= docs: ", "docs"), (visible(url), "docs")])
    return lines


# -- summary and statistics -------------------------------------------------------------------


def summary_line(results: Sequence[FileResult]) -> str:
    """``Found 3 problems (1 error, 2 warnings) in 2 files; 1 fixable with --fix.``"""
    findings = [finding for _, finding in iter_findings(results)]
    if not findings:
        return f"No problems found in {plural(len(results), 'file')}."
    counts = severity_counts(findings)
    parts = [f"{n} {_SEVERITY_WORDS[sev][n != 1]}" for sev, n in counts.items() if n]
    files = len({f.file for f in findings})
    text = f"Found {plural(len(findings), 'problem')} ({', '.join(parts)}) in {plural(files, 'file')}"
    safe = sum(fixable(f) for f in findings)
    unsafe = sum(fixable(f, unsafe=True) for f in findings) - safe
    if safe:
        text += f"; {safe} fixable with --fix"
    if unsafe:
        text += f"; {unsafe} {'more' if safe else 'fixable'} with --fix --unsafe-fixes"
    return text + "."


def statistics_lines(results: Sequence[FileResult]) -> list[Line]:
    """Counts per code, most frequent first: count, code, name, how many are fixable."""
    rows = code_statistics(results)
    if not rows:
        return []
    head = ("count", "code", "name", "fixable")
    table = [(str(r.count), r.code, r.name, str(r.fixable)) for r in rows]
    widths = [max(len(row[i]) for row in [head, *table]) for i in range(4)]

    def fmt(row: tuple[str, str, str, str]) -> str:
        return (
            f"{row[0]:>{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]:<{widths[2]}}  {row[3]:>{widths[3]}}"
        )

    return [[(fmt(head), "summary")], *[[(fmt(row), "")] for row in table]]


# -- output -----------------------------------------------------------------------------------


def wants_color(color: str, out: TextIO, environ: Mapping[str, str] | None = None) -> bool:
    """Whether to emit ANSI styles (see the module docstring for the rules)."""
    if color == "never":
        return False
    if color == "always":
        return True
    env = os.environ if environ is None else environ
    if env.get("NO_COLOR", ""):
        return False
    if env.get("TTY_COMPATIBLE", "") == "0":
        return False
    if env.get("FORCE_COLOR", "") or env.get("TTY_COMPATIBLE", "") == "1":
        return True
    if env.get("TERM", "").lower() in ("dumb", "unknown"):
        return False
    try:
        return out.isatty()
    except (AttributeError, ValueError, OSError):
        return False


def _styler(out: TextIO) -> Callable[[str, str], str]:
    """A function painting text with a style name, through rich's Style (one Console, once)."""
    from rich.color import ColorSystem
    from rich.console import Console
    from rich.style import Style

    console = Console(file=out, force_terminal=True, no_color=False, legacy_windows=False)
    systems = {
        "truecolor": ColorSystem.TRUECOLOR,
        "256": ColorSystem.EIGHT_BIT,
        "windows": ColorSystem.WINDOWS,
    }
    system = systems.get(console.color_system or "", ColorSystem.STANDARD)
    styles = {name: Style.parse(spec) for name, spec in STYLES.items()}

    def paint(text: str, style: str) -> str:
        if not style or not text:
            return text
        return styles[style].render(text, color_system=system)

    return paint


def render(
    results: Sequence[FileResult],
    rules: Mapping[str, type[Rule]],
    *,
    color: str,
    statistics: bool,
    out: TextIO,
) -> None:
    paint: Callable[[str, str], str] | None = _styler(out) if wants_color(color, out) else None
    chunks: list[str] = []

    def emit(line: Line) -> None:
        if paint is None:
            chunks.append("".join(text for text, _ in line).rstrip() + "\n")
        else:
            chunks.append("".join(paint(text, style) for text, style in line) + "\n")

    if statistics:
        table = statistics_lines(results)
        for line in table:
            emit(line)
        if table:
            emit([])
    else:
        for result, finding in iter_findings(results):
            for line in frame_lines(result, finding, rules):
                emit(line)
            emit([])
    emit([(summary_line(results), "summary")])
    out.write("".join(chunks))
