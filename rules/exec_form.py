"""DL3025: CMD, ENTRYPOINT and HEALTHCHECK CMD in shell form, with a fix to exec form.

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
from dflint.tree import Cmd, CommandInstruction, Entrypoint, Healthcheck

#: A word no POSIX shell or cmd would change: letters, digits and harmless marks (no `%`: cmd
#: expands `%VAR%`).
_PLAIN_WORD = LazyPattern(r"^[\w./:=,+@-]+$")


def exec_form_of(script: str) -> str | None:
    """The JSON array meaning the same as ``script``, or None when the shell would interpret it."""
    words = script.split()
    if not words or not all(_PLAIN_WORD.match(w) for w in words):
        return None
    return json.dumps(words, ensure_ascii=False)


class JsonArgsRecommended(Rule):
    """## What it does
    Reports `CMD`, `ENTRYPOINT` and `HEALTHCHECK CMD` written in shell form.

    ## Why is this bad?
    In shell form the command runs under `/bin/sh -c`: the shell, not your program, is
    PID 1, so `docker stop` signals never reach the program and it is killed after the
    timeout. A shell-form `ENTRYPOINT` also ignores `CMD` and `docker run` arguments.

    Like hadolint, dflint also checks `HEALTHCHECK CMD` and reports shell forms even when a
    `SHELL` instruction is in effect. `CMD ['a']` (single quotes) is not JSON and is shell form.
    `ONBUILD` triggers are not checked.

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
            if not isinstance(instruction, Cmd | Entrypoint | Healthcheck):
                continue
            if isinstance(instruction, Healthcheck) and (instruction.kind or "").upper() != "CMD":
                continue
            if instruction.form != "shell" or not instruction.script or instruction.script_span is None:
                continue
            keyword = instruction.keyword.upper()
            if isinstance(instruction, Healthcheck):
                keyword = "HEALTHCHECK CMD"
            yield Violation(
                instruction.script_span,
                f"Use JSON (exec) form for {keyword}: the shell would be PID 1",
                self._fix(ctx, instruction),
            )

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
