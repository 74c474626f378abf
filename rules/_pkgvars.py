"""Package lists held in a variable: ``PKGS="curl git"; apt-get install $PKGS``.

Private to ``dflint_rules``. A package operand that is only a variable (``$PKGS``, ``${PKGS}``,
unquoted, so the shell splits it into words) is read from the last assignment before the command
in the same RUN, else from the ARG/ENV in scope. The words are then read by the package manager's
own parser, as if they had been written in place. When the value cannot be known (no default, a
command substitution, an assignment in a function or a loop variable) there is nothing to judge.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable
from typing import TypeVar

from dflint.lazyre import LazyPattern
from dflint.plugin import Context
from dflint.shell import ShellWord, SimpleCommand

from ._pkgmgr import RunScript

T = TypeVar("T")

_VARIABLE = LazyPattern(
    r"\$(?:(?P<bare>[A-Za-z_][A-Za-z0-9_]*)"
    r"|\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<all>//?)(?P<old>[^/}*?\[\\]+)/(?P<new>[^/}*?\[\\$`]*))?\})"
)


def variable_value(ctx: Context, item: RunScript, cmd: SimpleCommand, word: ShellWord) -> str | None:
    """The value of the variable ``word`` consists of, or None when ``word`` is something else
    or the value is not known where ``cmd`` runs."""
    m = _VARIABLE.fullmatch(word.text)
    if m is None or "for_statement" in cmd.enclosing:
        return None
    name = m.group("bare") or m.group("name")
    value = _value(ctx, item, cmd, name)
    if value is None or m.group("all") is None:
        return value
    # ${NAME//,/ } (bash, ash): a literal pattern replaced by literal text.
    return value.replace(m.group("old"), m.group("new"), -1 if m.group("all") == "//" else 1)


def _value(ctx: Context, item: RunScript, cmd: SimpleCommand, name: str) -> str | None:
    found = False
    value: str | None = None
    for other in item.script.commands:
        if other.start >= cmd.start:
            break
        for assignment in other.assignments:
            if assignment.name != name:
                continue
            if other.in_function:
                return None  # set whenever the function runs: unknown here
            if not _persists(other, cmd):
                continue
            found = True
            value = None if assignment.append else assignment.value
    if found:
        return value
    variable = ctx.model.scope_at(item.owner).get(name)
    return variable.value if variable is not None else None


def _persists(assigner: SimpleCommand, cmd: SimpleCommand) -> bool:
    """Whether an assignment made by ``assigner`` is still set when ``cmd`` runs: a statement of
    its own, ``export``/``readonly``, or a prefix of a special builtin (``X=1 set -x`` in sh), in
    the same shell as ``cmd`` or an enclosing one."""
    if assigner.name is not None and assigner.basename not in (
        "export", "readonly", "local", "declare", "typeset", "set", ":", "eval",
    ):
        return False  # `X=1 prog` sets X for prog only
    if assigner.in_pipeline or assigner.in_substitution or assigner.background:
        return False
    return cmd.scope[: len(assigner.scope)] == assigner.scope


def expand_packages(
    ctx: Context, item: RunScript, cmd: SimpleCommand, word: ShellWord, command_line: str,
    parse: Callable[[SimpleCommand], T | None],
) -> T | None:
    """``command_line`` (``apt-get install``) followed by the words of the variable ``word``,
    read by ``parse``; None when the value is not known or holds an expansion of its own."""
    value = variable_value(ctx, item, cmd, word)
    if value is None:
        return None
    words = value.split()
    if not words or any("$" in w or "`" in w for w in words):
        return None
    from dflint.shell import analyse_script

    script = analyse_script(" ".join([command_line, *(shlex.quote(w) for w in words)]))
    if len(script.commands) != 1:
        return None
    return parse(script.commands[0])
