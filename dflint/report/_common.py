"""Small helpers more than one reporter needs: paths, counts, fix serialisation.

Only standard-library imports here: every reporter imports this module, including the ones that
must start fast.
"""

from __future__ import annotations

import os
import posixpath
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from dflint.finding import Finding, Fix, FixSafety, Severity
from dflint.records import FrozenRecord
from dflint.report.model import FileResult, iter_findings

if TYPE_CHECKING:
    from dflint.plugin import Rule


# Bidi overrides and isolates can make a terminal show text in an order other than the file's
# ("Trojan Source"); they are shown as U+FFFD so what the user reads is what the linter read.
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


def printable(text: str, keep: str = "") -> str:
    """``text`` safe to print on a terminal: control characters as their Unicode pictures.

    Messages and paths may carry bytes from the linted file; echoing ESC would let a file drive
    the user's terminal. Each character maps to exactly one character, so column arithmetic
    on the original stays valid. Characters in ``keep`` (say ``"\t"``) are left alone.
    """
    if text.isprintable() and not _BIDI.intersection(text):
        return text
    shown = []
    for ch in text:
        code = ord(ch)
        if ch in keep:
            shown.append(ch)
        elif code < 0x20:
            shown.append(chr(0x2400 + code))
        elif code == 0x7F:
            shown.append("\u2421")
        elif ch in _BIDI or 0x80 <= code < 0xA0 or 0xD800 <= code < 0xE000:
            shown.append("\ufffd")
        else:
            shown.append(ch)
    return "".join(shown)


def one_line(message: str) -> str:
    """A message on one printable line: line breaks become spaces."""
    return printable(" ".join(message.splitlines()) if "\n" in message or "\r" in message else message)


def display_path(path: str) -> str:
    """The path as reports show it: forward slashes, no leading ``./`` (CI tools match on it)."""
    shown = path.replace("\\", "/")
    while shown.startswith("./"):
        shown = shown[2:]
    return shown or path


def artifact_uri(path: str, cwd: str | None = None) -> str:
    """A URI reference for SARIF: repository-relative when the file is under ``cwd``.

    GitHub code scanning resolves relative URIs against the checkout; absolute paths outside
    the working directory become ``file://`` URIs so they stay valid URIs. Characters that are
    not allowed in a URI (spaces, ``#``, ``%``...) are percent-encoded.
    """
    from urllib.parse import quote  # here: only SARIF asks, and urllib.parse costs every start-up

    base = os.getcwd() if cwd is None else cwd
    native = path
    if os.path.isabs(native):
        try:
            rel = os.path.relpath(native, base)
        except ValueError:  # another drive on Windows
            rel = ""
        if rel and not rel.startswith(".."):
            native = rel
        else:
            absolute = native.replace("\\", "/")
            if not absolute.startswith("/"):
                absolute = "/" + absolute  # C:/x -> /C:/x
            return "file://" + quote(absolute, safe="/:")
    shown = posixpath.normpath(display_path(native))
    return quote(shown, safe="/")


def severity_counts(findings: Sequence[Finding]) -> dict[Severity, int]:
    """How many findings of each severity, every severity present as a key."""
    counts = Counter(f.severity for f in findings)
    return {sev: counts.get(sev, 0) for sev in sorted(Severity, reverse=True)}


def fixable(finding: Finding, *, unsafe: bool = False) -> bool:
    """Whether ``--fix`` (or ``--fix --unsafe-fixes`` when ``unsafe``) would fix the finding."""
    fix = finding.fix
    if fix is None or not fix.edits:
        return False
    return unsafe or fix.safety is not FixSafety.UNSAFE


class CodeStatistics(FrozenRecord):
    """One row of ``--statistics``: how often a code was reported and how many are fixable."""

    __slots__ = ("code", "count", "fixable", "name")
    __match_args__ = ("code", "name", "count", "fixable")

    code: str
    name: str
    count: int
    fixable: int

    def __init__(self, code: str, name: str, count: int, fixable: int) -> None:
        _set = object.__setattr__
        _set(self, "code", code)
        _set(self, "name", name)
        _set(self, "count", count)
        _set(self, "fixable", fixable)


def code_statistics(results: Sequence[FileResult]) -> list[CodeStatistics]:
    """Counts per code, most frequent first (ties by code), like ``ruff --statistics``."""
    counts: Counter[str] = Counter()
    fixes: Counter[str] = Counter()
    names: dict[str, str] = {}
    for _, finding in iter_findings(results):
        counts[finding.code] += 1
        names.setdefault(finding.code, finding.name)
        if fixable(finding, unsafe=True):
            fixes[finding.code] += 1
    rows = [CodeStatistics(code, names[code], n, fixes[code]) for code, n in counts.items()]
    rows.sort(key=lambda row: (-row.count, row.code))
    return rows


def fix_to_json(fix: Fix | None) -> dict[str, Any] | None:
    """The JSON shape of a fix (1-based positions, exclusive end column), or None."""
    if fix is None:
        return None
    return {
        "safety": fix.safety.value,
        "description": fix.description,
        "edits": [
            {
                "line": edit.span.start_line,
                "column": edit.span.start_col,
                "end_line": edit.span.end_line,
                "end_column": edit.span.end_col,
                "new_text": edit.new_text,
            }
            for edit in fix.edits
        ],
    }


def rule_url(finding: Finding, rules: Mapping[str, type[Rule]]) -> str:
    """The documentation URL: the finding's own, else the rule's."""
    if finding.url:
        return finding.url
    rule = rules.get(finding.code)
    if rule is None:
        return ""
    try:
        return rule.url()
    except Exception:  # a plugin's broken url() must not break the report
        return ""


def plural(count: int, word: str, many: str | None = None) -> str:
    """``1 error`` / ``2 errors``."""
    return f"{count} {word if count == 1 else (many or word + 's')}"
