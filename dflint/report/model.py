"""What every reporter consumes: one :class:`FileResult` per input file.

Kept apart from the formats so that the CLI, the fixer and the tests can build results without
importing any reporter (and without importing rich).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import ClassVar

from dflint.finding import Finding
from dflint.records import FACTORY, Factories, Record


class FileResult(Record):
    """The outcome of linting one file, as the reporters see it.

    ``errors`` holds problems with the file itself (syntax errors as ``DF000`` ``syntax-error``,
    unreadable files as ``DF900`` ``unreadable-file``) when a caller keeps them apart from the
    rule findings; reporters show both lists merged and sorted, so the engine may equally put
    them in ``findings``. ``source_lines`` (with or without line terminators) lets the terminal
    reporter draw code frames and SARIF compute stable fingerprints; None for unreadable files.
    """

    __match_args__ = ("path", "findings", "source_lines", "errors")
    _factories: ClassVar[Factories] = {"errors": list}

    path: str
    findings: list[Finding]
    source_lines: list[str] | None
    errors: list[Finding]

    def __init__(
        self, path: str, findings: list[Finding], source_lines: list[str] | None = None,
        errors: list[Finding] = FACTORY,
    ) -> None:
        self.path = path
        self.findings = findings
        self.source_lines = source_lines
        self.errors = [] if errors is FACTORY else errors

    def all_findings(self) -> list[Finding]:
        """Errors and findings together, in report order (file, line, column, code)."""
        merged = [*self.errors, *self.findings]
        merged.sort(key=Finding.sort_key)
        return merged

    def source_line(self, line: int) -> str | None:
        """The text of a 1-based line without its terminator; None when unknown or out of range."""
        if self.source_lines is None or not 1 <= line <= len(self.source_lines):
            return None
        return self.source_lines[line - 1].rstrip("\r\n")


def iter_findings(results: Sequence[FileResult]) -> Iterator[tuple[FileResult, Finding]]:
    """Every finding with the file it belongs to, sorted by file, line, column, code."""
    pairs = [(result, finding) for result in results for finding in result.all_findings()]
    pairs.sort(key=lambda pair: pair[1].sort_key())
    yield from pairs
