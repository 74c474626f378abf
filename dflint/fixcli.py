"""`dflint --fix` and `--diff`: run the fixer over linted files and report what is left."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from dflint.engine import Linter, LintOutcome
from dflint.finding import Finding
from dflint.fix import fix_text, unified_diff, write_atomically


def decode(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


def apply_fixes(linter: Linter, outcomes: Sequence[LintOutcome], *, diff_only: bool, unsafe: bool,
                out: TextIO) -> list[LintOutcome]:
    """Fix (or diff) every readable file; return the outcomes to report afterwards."""
    final: list[LintOutcome] = []
    for outcome in outcomes:
        if outcome.unreadable or outcome.path == "-":
            final.append(outcome)
            continue
        path = Path(outcome.path)
        original = decode(path.read_bytes())

        def lint(text: str, _path: Path = path) -> tuple[list[Finding], bool]:
            result = linter.lint_bytes(text.encode("utf-8", "surrogateescape"), str(_path), _path)
            return result.findings, result.parse_failed

        result = fix_text(original, lint, unsafe=unsafe)
        if not result.changed:
            final.append(outcome)
            continue
        if diff_only:
            out.write(unified_diff(outcome.path, original, result.fixed))
            final.append(outcome)
            continue
        write_atomically(path, result.fixed)
        final.append(linter.lint_path(path, outcome.path))
    return final
