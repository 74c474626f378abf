"""DL3025: CMD and ENTRYPOINT in shell form, with a fix to exec form.

The fix is offered only for commands that mean the same word list to any shell: plain words
of safe characters, nothing a shell would interpret (quotes, ``$``, operators, redirections,
globs, ``~``, escapes, comments).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from dflint.finding import Fix, FixSafety, Severity, TextEdit, Violation
from dflint.lazyre import LazyPattern
from dflint.plugin import Context, Rule
from dflint.shell import ShellScript
from dflint.tree import Cmd, CommandInstruction, Entrypoint

#: A word no POSIX shell or cmd would change: letters, digits and harmless marks (no `%`: cmd
#: expands `%VAR%`).
_PLAIN_WORD = LazyPattern(r"^[\w./:=,+@-]+$")


def exec_form_of(script: str) -> str | None:
    """The JSON array meaning the same as ``script``, or None when the shell would interpret it."""
    words = script.split()
    if not words or not all(_PLAIN_WORD.match(w) for w in words):
        return None
    return json.dumps(words, ensure_ascii=False)


def _execs_program(script: ShellScript | None) -> bool:
    """Whether the shell replaces itself with a program (``exec app`` in the shell's own process)."""
    if script is None:
        return False
    return any(
        "exec" in cmd.wrapper_names and cmd.name_word is not None and not (
            cmd.in_subshell or cmd.in_substitution or cmd.in_pipeline or cmd.in_function or cmd.background
        )
        for cmd in script.commands
    )


class JsonArgsRecommended(Rule):
    """## What it does
    Reports `CMD` and `ENTRYPOINT` written in shell form.

    ## Why is this bad?
    In shell form the command runs under `/bin/sh -c`: the shell, not your program, is
    PID 1, so `docker stop` signals never reach the program and it is killed after the
    timeout. A shell-form `ENTRYPOINT` also ignores `CMD` and `docker run` arguments.

    A `CMD` whose script hands over to the program with `exec` (`CMD exec app`, `CMD setup &&
    exec app`) is fine: the program replaces the shell and is PID 1. A shell-form
    `ENTRYPOINT` is reported even then, because it still ignores the arguments. Shell forms
    are reported even when a `SHELL` instruction is in effect; `CMD ['a']` (single quotes) is
    not JSON and is shell form. `ONBUILD` triggers are not checked.

    ## Example
    ```dockerfile
    CMD node server.js
    ```

    ## Use instead
    ```dockerfile
    CMD ["node", "server.js"]
    ```

    ## Fix safety
    Unsafe: the command no longer runs through a shell, so it gets signals directly, an
    `ENTRYPOINT` starts receiving `CMD` arguments, and environment variables are no longer
    expanded. The fix is only offered for a one-line command made of plain words (no quotes,
    `$`, `&&`, `|`, `;`, redirections, globs or escapes) and when no `SHELL` instruction is
    in effect.

    ## Differences from hadolint
    hadolint also reports `HEALTHCHECK CMD` in shell form, and `CMD exec app`. A health check
    command is run beside the container's main process, never as PID 1, and the shell form
    (`CMD curl -f http://localhost/ || exit 1`) is the idiom Docker's documentation uses; with
    `exec` the program is PID 1. hadolint reports lines 2 and 3 here, dflint neither:
    ```dockerfile
    FROM alpine:3.20
    HEALTHCHECK CMD wget -q --spider http://localhost:8080/ || exit 1
    CMD exec httpd -f -p "$PORT"
    ```

    ## References
    BuildKit check `JSONArgsRecommended` only looks at `CMD` and `ENTRYPOINT`, and only when
    no `SHELL` is in effect (in the stage, an ancestor stage or the base image).
    """

    code = "DL3025"
    name = "json-args-recommended"
    instructions = frozenset({"cmd", "entrypoint", "healthcheck"})
    severity = Severity.WARNING
    summary = "Use arguments JSON notation for CMD and ENTRYPOINT arguments"
    aliases = ("JSONArgsRecommended",)
    fix_safety = FixSafety.UNSAFE

    def check(self, ctx: Context) -> Iterator[Violation]:
        for instruction in ctx.dockerfile.instructions:
            if not isinstance(instruction, Cmd | Entrypoint):
                continue
            if instruction.form != "shell" or not instruction.script or instruction.script_span is None:
                continue
            if isinstance(instruction, Entrypoint):
                message = ("Use JSON (exec) form for ENTRYPOINT: in shell form it ignores CMD and "
                           "`docker run` arguments, and the shell would be PID 1")
            elif _execs_program(ctx.shell(instruction)):
                continue
            else:
                message = "Use JSON (exec) form for CMD: the shell would be PID 1"
            yield Violation(instruction.script_span, message, self._fix(ctx, instruction))

    @staticmethod
    def _fix(ctx: Context, instruction: CommandInstruction) -> Fix | None:
        span = instruction.script_span
        if span is None or span.start_line != span.end_line or instruction.script is None:
            return None
        if ctx.model.shell_instruction_at(instruction) is not None:
            return None
        replacement = exec_form_of(instruction.script)
        if replacement is None:
            return None
        return Fix((TextEdit(span, replacement),), FixSafety.UNSAFE, "Rewrite in exec (JSON) form")
