"""DF002: control operators that break a shell command chain (``& &``, ``&&&``, trailing ``&&``).

The shell package's control-token scanner finds the operators exactly as written (tree-sitter's
error recovery would move or swallow them), and every token carries its file span through the
instruction's script mapping, so the finding lands on the operator's own column even across
continuation lines, heredoc bodies and ``# escape=`` files.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from dflint.finding import Fix, FixSafety, Severity, TextEdit, Violation
from dflint.lazyre import LazyPattern
from dflint.plugin import Context, Rule
from dflint.shell import OperatorProblem, ShellScript, SimpleCommand, Token
from dflint.span import Span
from dflint.tree import CommandInstruction, Instruction, Onbuild, Shell

__all__ = ["MalformedCommandChain"]

#: Commands that do one job and exit: backgrounding one with ``&`` and going on is a typo for
#: ``&&``. Long-running programs (servers, Xvfb) are left alone: ``Xvfb :99 & run-tests`` is
#: a real idiom.
_ONE_SHOT = frozenset({
    "apt-get", "apt", "aptitude", "dpkg", "apk", "yum", "dnf", "microdnf", "zypper", "rpm",
    "pip", "pip3", "npm", "yarn", "pnpm", "gem", "bundle", "go", "cargo", "composer", "mvn",
    "gradle", "curl", "wget", "mkdir", "cd", "cp", "mv", "rm", "chmod", "chown", "ln", "tar",
    "unzip", "make", "git", "useradd", "adduser", "groupadd", "addgroup", "touch", "sed",
    "update-ca-certificates", "ldconfig", "echo", "export", "set",
})


def _span(script: ShellScript, start: int, end: int) -> Span:
    """File span of ``script[start:end]``, ending on the last character's own line.

    ``Token.span`` takes its end from the offset *after* the token, which sits on the next line
    when the token ends a continuation line; an edit over that span would eat the line break.
    """
    first = script.position_of(start)
    last = script.position_of(max(start, end - 1))
    return Span(first.line, first.col, last.line, last.col + (1 if end > start else 0))


def _previous(script: ShellScript, tok: Token) -> Token | None:
    before = [t for t in script.tokens if t.context == tok.context and t.start < tok.start]
    return before[-1] if before else None


def _where(instruction: Instruction) -> str:
    return "this RUN fails" if instruction.keyword.upper() == "RUN" else "the command fails"


def _trailing_fix(script: ShellScript, tok: Token) -> Fix | None:
    """Delete a final ``&&`` (and the blanks before it on its line) when nothing follows it."""
    if tok.kind != "&&" or tok.context != 0 or script.script[tok.end :].strip():
        return None
    start = tok.start
    while start > 0 and script.script[start - 1] in " \t":
        start -= 1
    span = _span(script, start, tok.end)
    if span.start_line != span.end_line:
        span = _span(script, tok.start, tok.end)
    return Fix((TextEdit(span, ""),), FixSafety.SAFE, "remove the dangling `&&`")


def _problem_violation(script: ShellScript, problem: OperatorProblem, instruction: Instruction) -> Violation:
    tok = problem.token
    prev = _previous(script, tok)
    fails = _where(instruction)
    tok_span = _span(script, tok.start, tok.end)
    if problem.kind == "doubled" and prev is not None:
        prev_span = _span(script, prev.start, prev.end)
        if prev.kind == "&" and tok.kind == "&":
            fix = Fix((TextEdit(prev_span, "&&"), TextEdit(tok_span, "")), FixSafety.SAFE, "write `&&`")
            return Violation(
                prev_span.cover(tok_span),
                f"`& &` is not `&&`: a lone `&` cannot follow `&`, so the shell reports a syntax "
                f"error and {fails}; write `&&`",
                fix,
            )
        if prev.kind == "&&" and tok.kind == "&" and prev.end == tok.start:
            fix = Fix((TextEdit(tok_span, ""),), FixSafety.SAFE, "write `&&`")
            return Violation(
                prev_span.cover(tok_span),
                f"`&&&` is `&&` followed by a stray `&`, a syntax error ({fails}); write `&&`",
                fix,
            )
        if prev.kind == "&&" and tok.kind == "&&":
            fix = Fix((TextEdit(tok_span, ""),), FixSafety.SAFE, "remove the repeated `&&`")
            return Violation(
                tok_span,
                f"`&&` repeated with no command in between: a syntax error ({fails}); remove one",
                fix,
            )
        return Violation(
            tok_span,
            f"`{tok.text}` right after `{prev.text}` with no command in between: a syntax error "
            f"({fails})",
        )
    if problem.kind == "trailing":
        return Violation(
            tok_span,
            f"`{tok.text}` is not followed by a command: a syntax error ({fails}); remove it or "
            f"add the missing command",
            _trailing_fix(script, tok),
        )
    return Violation(tok_span, f"`{tok.text}` has no command before it: a syntax error ({fails})")


def _background_typos(script: ShellScript, claimed: set[int]) -> Iterator[Violation]:
    """``apt-get update & apt-get install``: a one-shot command sent to the background.

    Valid shell, but the next command starts at once (racing the first one) and the RUN ends
    without waiting for it. Intentional backgrounding is left alone: a later ``wait``, a
    trailing ``&`` with nothing after it, or a long-running program.
    """
    amps = {t.start: t for t in script.tokens if t.kind == "&" and t.start not in claimed}
    for cmd in script.commands:
        if not cmd.background or cmd.in_substitution or cmd.basename not in _ONE_SHOT:
            continue
        tok = _amp_after(script, cmd, amps)
        if tok is None:
            continue
        later = [c for c in script.commands if c.start >= tok.end]
        if not later or any(c.basename == "wait" for c in later):
            continue
        span = _span(script, tok.start, tok.end)
        yield Violation(
            span,
            f"`&` sends `{_short(script, cmd)}` to the background and starts the next command at once; "
            f"use `&&` to run them one after the other",
            Fix((TextEdit(span, "&&"),), FixSafety.UNSAFE, "replace `&` with `&&`"),
        )


def _short(script: ShellScript, cmd: SimpleCommand) -> str:
    text = " ".join(script.script[cmd.start : cmd.end].split())
    return text if len(text) <= 40 else text[:37] + "..."


def _amp_after(script: ShellScript, cmd: SimpleCommand, amps: dict[int, Token]) -> Token | None:
    offset = cmd.end
    while offset < len(script.script) and script.script[offset] in " \t":
        offset += 1
    return amps.get(offset)


_WINDOWS_HINT = LazyPattern(r"windows|nanoserver|servercore")
_PRAGMA_SHELL = LazyPattern(r"^\s*hadolint\s+shell\s*=\s*(\S+)")


def _non_posix_file(ctx: Context) -> bool:
    """A `# hadolint shell=powershell` pragma: the author says the scripts are not POSIX."""
    for comment in ctx.dockerfile.comments:
        match = _PRAGMA_SHELL.match(comment.text)
        if match and re.split(r"[/\\]", match.group(1))[-1].lower() in ("powershell", "pwsh", "cmd"):
            return True
    return False


def _windows_stage(ctx: Context, instruction: Instruction) -> bool:
    """A stage built on a Windows image runs `cmd /S /C` unless a SHELL says otherwise.

    The model recognises Windows images by their name; this also catches the name in a tag
    (`runtime:4.8-windowsservercore-ltsc2019`), where `&` is cmd's plain command separator.
    """
    stage = ctx.model.stage_of(instruction)
    if stage is None or ctx.model.shell_instruction_at(instruction) is not None:
        return False
    return _WINDOWS_HINT.search(stage.base.text.lower()) is not None


def _scripted(ctx: Context) -> Iterator[tuple[Instruction, ShellScript]]:
    """Every shell script of the file: RUN/CMD/ENTRYPOINT/HEALTHCHECK, ONBUILD triggers too."""
    if _non_posix_file(ctx):
        return
    for instruction in ctx.dockerfile.instructions:
        candidates: list[Instruction] = [instruction]
        if isinstance(instruction, Onbuild) and instruction.trigger is not None:
            candidates = [instruction.trigger]
        for candidate in candidates:
            if not isinstance(candidate, CommandInstruction) or isinstance(candidate, Shell):
                continue
            if _windows_stage(ctx, candidate):
                continue
            script = ctx.shell(candidate)
            if script is not None:
                yield candidate, script


class MalformedCommandChain(Rule):
    """## What it does
    Reports control operators that break a shell command chain in RUN, shell-form CMD,
    ENTRYPOINT and HEALTHCHECK, ONBUILD triggers, RUN heredoc bodies and the `-c` string of
    an exec-form `["sh", "-c", "..."]`:

    - `& &` and `&&&` where `&&` was meant;
    - an operator with no command before it (`RUN && make`, `a; && b`, `a || && b`, `&& &&`);
    - a chain that ends with `&&`, `||` or `|`, typically the last line of a `\\` continuation
      (`    apt-get clean &&`);
    - a one-shot command (`apt-get`, `pip`, `curl`, `mkdir`...) sent to the background with a
      single `&` while more commands follow, as in `apt-get update & apt-get install -y curl`.

    The finding points at the operator itself, on its physical line, also across continuation
    lines (with comment lines inside) and with `# escape=\\``.

    Not reported: operators inside quotes, `$(( ))`, `[[ ]]` or case patterns, redirections
    (`2>&1`, `&>`), `;;` in `case`, a trailing `;` or `&`, backgrounding followed by a later
    `wait` (intended parallelism), backgrounded long-running programs (`Xvfb :99 & run-tests`),
    plain exec form, and scripts run by a non-POSIX SHELL (PowerShell, cmd).

    ## Why is this bad?
    All but the last case are syntax errors: `/bin/sh` refuses the whole script, so the build
    fails (or the container does not start). The background case is valid shell but almost
    always a typo for `&&`: the install starts before `apt-get update` has finished, and the
    step may succeed or fail depending on timing.

    ## Example
    ```dockerfile
    FROM ubuntu:24.04
    RUN apt-get update & &apt-get install -y python3
    ```

    ## Use instead
    ```dockerfile
    FROM ubuntu:24.04
    RUN apt-get update && apt-get install -y python3
    ```

    ## Fix safety
    Safe where the intent is unambiguous: `& &` and `&&&` become `&&`, a repeated `&&` and a
    final dangling `&&` are removed. Replacing a backgrounding `&` with `&&` changes behaviour
    and is offered as an unsafe fix. Other cases have no fix.
    """

    code = "DF002"
    name = "malformed-command-chain"
    text_contains = frozenset({"&", "|", ";"})
    instructions = frozenset({"run", "cmd", "entrypoint", "healthcheck"})
    severity = Severity.ERROR
    summary = "Malformed command chain: `& &`, `&&&`, dangling or doubled operators"
    fix_safety = FixSafety.SAFE

    def check(self, ctx: Context) -> Iterator[Violation]:
        for instruction, script in _scripted(ctx):
            claimed: set[int] = set()
            for problem in script.operator_problems:
                violation = _problem_violation(script, problem, instruction)
                claimed.add(problem.token.start)
                prev = _previous(script, problem.token)
                if prev is not None:
                    claimed.add(prev.start)
                yield violation
            yield from _background_typos(script, claimed)
