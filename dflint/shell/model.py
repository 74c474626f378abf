"""The typed result of shell analysis: words, simple commands, pipelines, lists, operators.

Everything keeps code-point offsets into the analysed script (``start``/``end``, end exclusive)
and a file :class:`~dflint.span.Span`, so a rule can report any column without re-scanning text.
Rules see only these classes, never tree-sitter nodes.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from dflint.shell.positions import PositionOf
from dflint.shell.tokens import HereDoc, OperatorProblem, Token, operator_problems
from dflint.span import Span

#: A control operator of the script (a :class:`Token` whose kind is not a parenthesis).
Operator = Token


@dataclass(frozen=True, slots=True)
class ShellWord:
    """One shell word as written.

    ``value`` is the word after quote removal when it is statically known (no ``$x``, ``$(...)``,
    arithmetic); otherwise None. ``unquoted`` is always available: quotes removed, expansions
    kept verbatim (``"pkg==${V}"`` → ``pkg==${V}``), which is what pinning checks want.
    """

    text: str
    value: str | None
    unquoted: str
    start: int
    end: int
    span: Span

    @property
    def is_static(self) -> bool:
        return self.value is not None


@dataclass(frozen=True, slots=True)
class Assignment:
    """``NAME=value`` before a command (or given to ``env``), or a bare assignment statement."""

    name: str
    value: str | None
    text: str
    start: int
    end: int
    span: Span
    append: bool = False


@dataclass(frozen=True, slots=True)
class Redirect:
    """A redirection: ``>file``, ``2>&1``, ``<<<word``, or a heredoc (``heredoc`` set)."""

    operator: str
    descriptor: str | None
    target: ShellWord | None
    start: int
    end: int
    span: Span
    heredoc: HereDoc | None = None
    heredoc_body: str | None = None


@dataclass(frozen=True, slots=True)
class Wrapper:
    """A command that runs another one (``sudo -u x``, ``env A=b``, ``nohup``), with its own words."""

    name: str
    words: tuple[ShellWord, ...]


@dataclass(eq=False, slots=True)
class SimpleCommand:
    """One simple command, after stripping leading assignments and wrapper programs.

    ``name`` is the effective program as written (``/usr/bin/pip``), ``basename`` its last path
    component; both None when the program word is not static (``$CC -o x``) or absent (``A=1``).
    ``words`` are all words of the command including wrappers; ``args`` the words after the
    effective program. Context flags describe where the command sits; ``scope`` identifies the
    enclosing subshell-like environments (used by :meth:`ShellScript.has_pipefail`).
    """

    name: str | None
    name_word: ShellWord | None
    args: list[ShellWord]
    words: list[ShellWord]
    start: int
    end: int
    span: Span
    assignments: list[Assignment] = field(default_factory=list)
    redirects: list[Redirect] = field(default_factory=list)
    wrappers: list[Wrapper] = field(default_factory=list)
    kind: str = "command"
    in_pipeline: bool = False
    pipeline_index: int | None = None
    pipeline_position: int | None = None
    pipeline_length: int = 1
    list_index: int | None = None
    list_position: int | None = None
    in_subshell: bool = False
    in_substitution: bool = False
    in_condition: bool = False
    in_function: bool = False
    negated: bool = False
    background: bool = False
    enclosing: tuple[str, ...] = ()
    scope: tuple[int, ...] = ()

    @property
    def basename(self) -> str | None:
        if self.name is None:
            return None
        return os.path.basename(self.name.rstrip("/")) or self.name

    @property
    def wrapper_names(self) -> list[str]:
        return [w.name for w in self.wrappers]

    @property
    def arg_values(self) -> list[str | None]:
        return [w.value for w in self.args]

    def has_arg(self, *values: str) -> bool:
        """True when some argument's static value is one of ``values``."""
        wanted = set(values)
        return any(w.value in wanted for w in self.args)

    def __repr__(self) -> str:
        return f"SimpleCommand({self.name!r}, args={[w.text for w in self.args]!r}, {self.start}:{self.end})"


@dataclass(frozen=True, slots=True)
class Segment:
    """One element of a pipeline or of an ``&&``/``||`` list: a simple command or a compound one.

    ``kind`` is ``command`` for a simple command, otherwise the construct (``subshell``,
    ``pipeline``, ``if_statement``...). ``commands`` are all simple commands inside it.
    """

    kind: str
    start: int
    end: int
    span: Span
    commands: tuple[SimpleCommand, ...]

    @property
    def command(self) -> SimpleCommand | None:
        """The simple command this segment is, if it is one."""
        if self.kind == "command" and self.commands:
            return self.commands[0]
        return None


@dataclass(eq=False, slots=True)
class Pipeline:
    """A pipeline of two or more stages (``a | b``); single commands are not listed here."""

    stages: tuple[Segment, ...]
    operators: tuple[Operator, ...]
    start: int
    end: int
    span: Span
    negated: bool = False
    in_list: bool = False
    preceded_by: str | None = None
    followed_by: str | None = None

    @property
    def commands(self) -> list[SimpleCommand]:
        return [c for stage in self.stages for c in stage.commands]

    @property
    def is_last_in_list(self) -> bool:
        """True when the pipeline is the last item of an ``&&``/``||`` list."""
        return self.in_list and self.followed_by is None


@dataclass(eq=False, slots=True)
class CommandList:
    """An and-or list: items joined by ``&&`` and ``||`` (flattened: ``a && b || c`` has 3 items)."""

    items: tuple[Segment, ...]
    operators: tuple[Operator, ...]
    start: int
    end: int
    span: Span


@dataclass(frozen=True, slots=True)
class ShellSyntaxError:
    """A tree-sitter ERROR or MISSING node (``missing`` names the expected token)."""

    message: str
    start: int
    end: int
    span: Span
    missing: str | None = None


@dataclass(eq=False)
class ShellScript:
    """The analysis of one script (a RUN line, a heredoc body, a ``sh -c`` string)."""

    script: str
    commands: list[SimpleCommand]
    pipelines: list[Pipeline]
    lists: list[CommandList]
    tokens: list[Token]
    heredocs: list[HereDoc]
    syntax_errors: list[ShellSyntaxError]
    position_of: PositionOf
    #: argv of the SHELL that runs the script, when the caller knows it.
    shell: tuple[str, ...] | None = None

    @property
    def operators(self) -> list[Operator]:
        """Control operators in source order (``&&``, ``||``, ``;``, ``|``, ``|&``, ``&``, ``;;``, newline).

        Subshell parentheses are left out (they are in :attr:`tokens`)."""
        return [t for t in self.tokens if t.kind not in ("(", ")")]

    @property
    def operator_problems(self) -> list[OperatorProblem]:
        """Malformed operator sequences (``& &``, ``&&&``, trailing ``&&``...), one per bad operator."""
        return operator_problems(self.tokens)

    def commands_named(self, *names: str) -> list[SimpleCommand]:
        """Commands whose effective program (or its basename) is one of ``names``."""
        wanted = set(names)
        return [c for c in self.commands if c.name in wanted or c.basename in wanted]

    @property
    def cd_commands(self) -> list[SimpleCommand]:
        return self.commands_named("cd")

    def span(self, start: int, end: int) -> Span:
        return Span.between(self.position_of(start), self.position_of(end))

    def has_pipefail(
        self,
        at: SimpleCommand | Pipeline | int | None = None,
        shell: Sequence[str] | None = None,
    ) -> bool:
        """Whether ``pipefail`` is on when ``at`` runs (default: at the end of the script).

        It is on when the shell argv (``shell``, or the one given at analysis) passes
        ``-o pipefail`` (``["/bin/bash", "-eo", "pipefail", "-c"]``), or when an earlier ``set -o
        pipefail`` / ``set -euo pipefail`` in the same or an enclosing shell environment enabled
        it and no later ``set +o pipefail`` turned it off. A ``set`` inside a subshell or ``$(...)``
        does not count for commands outside it.
        """
        argv = shell if shell is not None else self.shell
        state = shell_argv_pipefail(argv) if argv else False
        scope: tuple[int, ...]
        if at is None:
            limit, scope = len(self.script) + 1, ()
        elif isinstance(at, int):
            limit, scope = at, ()
        elif isinstance(at, Pipeline):
            first = at.commands[0] if at.commands else None
            limit, scope = at.start, (first.scope if first else ())
        else:
            limit, scope = at.start, at.scope
        for cmd in self.commands:
            if cmd.start >= limit:
                break
            if cmd.basename != "set" or cmd.in_function or scope[: len(cmd.scope)] != cmd.scope:
                continue
            found = set_pipefail([w.value for w in cmd.args])
            if found is not None:
                state = found
        return state


def set_pipefail(args: Iterable[str | None]) -> bool | None:
    """The pipefail setting made by ``set`` with these arguments (None: left unchanged)."""
    return _pipefail_options(list(args), shell_mode=False)


def shell_argv_pipefail(argv: Sequence[str]) -> bool:
    """Whether a SHELL argv (``["/bin/bash", "-o", "pipefail", "-c"]``) turns pipefail on."""
    return bool(_pipefail_options(list(argv[1:]), shell_mode=True))


def _pipefail_options(args: list[str | None], shell_mode: bool) -> bool | None:
    result: bool | None = None
    i = 0
    while i < len(args):
        arg = args[i]
        if arg is None or arg in ("--", "-", "+") or len(arg) < 2 or arg[0] not in "-+":
            break
        if arg.startswith("--"):  # bash long options (--login, --norc): no argument
            i += 1
            continue
        flags = arg[1:]
        if shell_mode and "c" in flags:
            break
        i += 1
        for flag in flags:
            if flag == "o":
                value = args[i] if i < len(args) else None
                if value == "pipefail":
                    result = arg[0] == "-"
                i += 1
    return result
