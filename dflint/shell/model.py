"""The typed result of shell analysis: words, simple commands, pipelines, lists, operators.

Everything keeps code-point offsets into the analysed script (``start``/``end``, end exclusive)
and a file :class:`~dflint.span.Span`, so a rule can report any column without re-scanning text.
Rules see only these classes, never tree-sitter nodes.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from typing import ClassVar

from dflint.records import FACTORY, Factories, FrozenRecord, IdentityRecord
from dflint.shell.positions import PositionOf
from dflint.shell.tokens import HereDoc, OperatorProblem, Token, operator_problems
from dflint.span import Span

#: A control operator of the script (a :class:`Token` whose kind is not a parenthesis).
Operator = Token


class ShellWord(FrozenRecord):
    """One shell word as written.

    ``value`` is the word after quote removal when it is statically known (no ``$x``, ``$(...)``,
    arithmetic); otherwise None. ``unquoted`` is always available: quotes removed, expansions
    kept verbatim (``"pkg==${V}"`` → ``pkg==${V}``), which is what pinning checks want.
    """

    __slots__ = ("end", "span", "start", "text", "unquoted", "value")
    __match_args__ = ("text", "value", "unquoted", "start", "end", "span")

    text: str
    value: str | None
    unquoted: str
    start: int
    end: int
    span: Span

    def __init__(self, text: str, value: str | None, unquoted: str, start: int, end: int, span: Span) -> None:
        _set = object.__setattr__
        _set(self, "text", text)
        _set(self, "value", value)
        _set(self, "unquoted", unquoted)
        _set(self, "start", start)
        _set(self, "end", end)
        _set(self, "span", span)

    @property
    def is_static(self) -> bool:
        return self.value is not None


class Assignment(FrozenRecord):
    """``NAME=value`` before a command (or given to ``env``), or a bare assignment statement."""

    __slots__ = ("append", "end", "name", "span", "start", "text", "value")
    __match_args__ = ("name", "value", "text", "start", "end", "span", "append")

    name: str
    value: str | None
    text: str
    start: int
    end: int
    span: Span
    append: bool

    def __init__(
        self, name: str, value: str | None, text: str, start: int, end: int, span: Span,
        append: bool = False,
    ) -> None:
        _set = object.__setattr__
        _set(self, "name", name)
        _set(self, "value", value)
        _set(self, "text", text)
        _set(self, "start", start)
        _set(self, "end", end)
        _set(self, "span", span)
        _set(self, "append", append)


class Redirect(FrozenRecord):
    """A redirection: ``>file``, ``2>&1``, ``<<<word``, or a heredoc (``heredoc`` set)."""

    __slots__ = ("descriptor", "end", "heredoc", "heredoc_body", "operator", "span", "start", "target")
    __match_args__ = ("operator", "descriptor", "target", "start", "end", "span", "heredoc", "heredoc_body")

    operator: str
    descriptor: str | None
    target: ShellWord | None
    start: int
    end: int
    span: Span
    heredoc: HereDoc | None
    heredoc_body: str | None

    def __init__(
        self, operator: str, descriptor: str | None, target: ShellWord | None, start: int, end: int,
        span: Span, heredoc: HereDoc | None = None, heredoc_body: str | None = None,
    ) -> None:
        _set = object.__setattr__
        _set(self, "operator", operator)
        _set(self, "descriptor", descriptor)
        _set(self, "target", target)
        _set(self, "start", start)
        _set(self, "end", end)
        _set(self, "span", span)
        _set(self, "heredoc", heredoc)
        _set(self, "heredoc_body", heredoc_body)


class Wrapper(FrozenRecord):
    """A command that runs another one (``sudo -u x``, ``env A=b``, ``nohup``), with its own words."""

    __slots__ = ("name", "words")
    __match_args__ = ("name", "words")

    name: str
    words: tuple[ShellWord, ...]

    def __init__(self, name: str, words: tuple[ShellWord, ...]) -> None:
        _set = object.__setattr__
        _set(self, "name", name)
        _set(self, "words", words)


class SimpleCommand(IdentityRecord):
    """One simple command, after stripping leading assignments and wrapper programs.

    ``name`` is the effective program as written (``/usr/bin/pip``), ``basename`` its last path
    component; both None when the program word is not static (``$CC -o x``) or absent (``A=1``).
    ``words`` are all words of the command including wrappers; ``args`` the words after the
    effective program. Context flags describe where the command sits; ``scope`` identifies the
    enclosing subshell-like environments (used by :meth:`ShellScript.has_pipefail`).
    """

    __slots__ = (
        "args",
        "assignments",
        "background",
        "enclosing",
        "end",
        "in_condition",
        "in_function",
        "in_pipeline",
        "in_subshell",
        "in_substitution",
        "kind",
        "list_index",
        "list_position",
        "name",
        "name_word",
        "negated",
        "pipeline_index",
        "pipeline_length",
        "pipeline_position",
        "redirects",
        "scope",
        "span",
        "start",
        "words",
        "wrappers",
    )
    __match_args__ = (
        "name", "name_word", "args", "words", "start", "end", "span", "assignments", "redirects", "wrappers",
        "kind", "in_pipeline", "pipeline_index", "pipeline_position", "pipeline_length", "list_index",
        "list_position", "in_subshell", "in_substitution", "in_condition", "in_function", "negated",
        "background", "enclosing", "scope",
    )
    _factories: ClassVar[Factories] = {"assignments": list, "redirects": list, "wrappers": list}

    name: str | None
    name_word: ShellWord | None
    args: list[ShellWord]
    words: list[ShellWord]
    start: int
    end: int
    span: Span
    assignments: list[Assignment]
    redirects: list[Redirect]
    wrappers: list[Wrapper]
    kind: str
    in_pipeline: bool
    pipeline_index: int | None
    pipeline_position: int | None
    pipeline_length: int
    list_index: int | None
    list_position: int | None
    in_subshell: bool
    in_substitution: bool
    in_condition: bool
    in_function: bool
    negated: bool
    background: bool
    enclosing: tuple[str, ...]
    scope: tuple[int, ...]

    def __init__(
        self, name: str | None, name_word: ShellWord | None, args: list[ShellWord], words: list[ShellWord],
        start: int, end: int, span: Span, assignments: list[Assignment] = FACTORY,
        redirects: list[Redirect] = FACTORY, wrappers: list[Wrapper] = FACTORY, kind: str = "command",
        in_pipeline: bool = False, pipeline_index: int | None = None, pipeline_position: int | None = None,
        pipeline_length: int = 1, list_index: int | None = None, list_position: int | None = None,
        in_subshell: bool = False, in_substitution: bool = False, in_condition: bool = False,
        in_function: bool = False, negated: bool = False, background: bool = False,
        enclosing: tuple[str, ...] = (), scope: tuple[int, ...] = (),
    ) -> None:
        self.name = name
        self.name_word = name_word
        self.args = args
        self.words = words
        self.start = start
        self.end = end
        self.span = span
        self.assignments = [] if assignments is FACTORY else assignments
        self.redirects = [] if redirects is FACTORY else redirects
        self.wrappers = [] if wrappers is FACTORY else wrappers
        self.kind = kind
        self.in_pipeline = in_pipeline
        self.pipeline_index = pipeline_index
        self.pipeline_position = pipeline_position
        self.pipeline_length = pipeline_length
        self.list_index = list_index
        self.list_position = list_position
        self.in_subshell = in_subshell
        self.in_substitution = in_substitution
        self.in_condition = in_condition
        self.in_function = in_function
        self.negated = negated
        self.background = background
        self.enclosing = enclosing
        self.scope = scope

    @property
    def basename(self) -> str | None:
        name = self.name
        if name is None or "/" not in name:  # the common case, asked thousands of times per file
            return name
        return os.path.basename(name.rstrip("/")) or name

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


class Segment(FrozenRecord):
    """One element of a pipeline or of an ``&&``/``||`` list: a simple command or a compound one.

    ``kind`` is ``command`` for a simple command, otherwise the construct (``subshell``,
    ``pipeline``, ``if_statement``...). ``commands`` are all simple commands inside it.
    """

    __slots__ = ("commands", "end", "kind", "span", "start")
    __match_args__ = ("kind", "start", "end", "span", "commands")

    kind: str
    start: int
    end: int
    span: Span
    commands: tuple[SimpleCommand, ...]

    def __init__(
        self, kind: str, start: int, end: int, span: Span, commands: tuple[SimpleCommand, ...],
    ) -> None:
        _set = object.__setattr__
        _set(self, "kind", kind)
        _set(self, "start", start)
        _set(self, "end", end)
        _set(self, "span", span)
        _set(self, "commands", commands)

    @property
    def command(self) -> SimpleCommand | None:
        """The simple command this segment is, if it is one."""
        if self.kind == "command" and self.commands:
            return self.commands[0]
        return None


class Pipeline(IdentityRecord):
    """A pipeline of two or more stages (``a | b``); single commands are not listed here."""

    __slots__ = (
        "end",
        "followed_by",
        "in_list",
        "negated",
        "operators",
        "preceded_by",
        "span",
        "stages",
        "start",
    )
    __match_args__ = (
        "stages", "operators", "start", "end", "span", "negated", "in_list", "preceded_by", "followed_by",
    )

    stages: tuple[Segment, ...]
    operators: tuple[Operator, ...]
    start: int
    end: int
    span: Span
    negated: bool
    in_list: bool
    preceded_by: str | None
    followed_by: str | None

    def __init__(
        self, stages: tuple[Segment, ...], operators: tuple[Operator, ...], start: int, end: int, span: Span,
        negated: bool = False, in_list: bool = False, preceded_by: str | None = None,
        followed_by: str | None = None,
    ) -> None:
        self.stages = stages
        self.operators = operators
        self.start = start
        self.end = end
        self.span = span
        self.negated = negated
        self.in_list = in_list
        self.preceded_by = preceded_by
        self.followed_by = followed_by

    @property
    def commands(self) -> list[SimpleCommand]:
        return [c for stage in self.stages for c in stage.commands]

    @property
    def is_last_in_list(self) -> bool:
        """True when the pipeline is the last item of an ``&&``/``||`` list."""
        return self.in_list and self.followed_by is None


class CommandList(IdentityRecord):
    """An and-or list: items joined by ``&&`` and ``||`` (flattened: ``a && b || c`` has 3 items)."""

    __slots__ = ("end", "items", "operators", "span", "start")
    __match_args__ = ("items", "operators", "start", "end", "span")

    items: tuple[Segment, ...]
    operators: tuple[Operator, ...]
    start: int
    end: int
    span: Span

    def __init__(
        self, items: tuple[Segment, ...], operators: tuple[Operator, ...], start: int, end: int, span: Span,
    ) -> None:
        self.items = items
        self.operators = operators
        self.start = start
        self.end = end
        self.span = span


class ShellSyntaxError(FrozenRecord):
    """A tree-sitter ERROR or MISSING node (``missing`` names the expected token)."""

    __slots__ = ("end", "message", "missing", "span", "start")
    __match_args__ = ("message", "start", "end", "span", "missing")

    message: str
    start: int
    end: int
    span: Span
    missing: str | None

    def __init__(self, message: str, start: int, end: int, span: Span, missing: str | None = None) -> None:
        _set = object.__setattr__
        _set(self, "message", message)
        _set(self, "start", start)
        _set(self, "end", end)
        _set(self, "span", span)
        _set(self, "missing", missing)


class ShellScript(IdentityRecord):
    """The analysis of one script (a RUN line, a heredoc body, a ``sh -c`` string)."""

    __match_args__ = (
        "script", "commands", "pipelines", "lists", "tokens", "heredocs", "syntax_errors", "position_of",
        "shell",
    )

    script: str
    commands: list[SimpleCommand]
    pipelines: list[Pipeline]
    lists: list[CommandList]
    tokens: list[Token]
    heredocs: list[HereDoc]
    syntax_errors: list[ShellSyntaxError]
    position_of: PositionOf
    #: argv of the SHELL that runs the script, when the caller knows it.
    shell: tuple[str, ...] | None

    def __init__(
        self, script: str, commands: list[SimpleCommand], pipelines: list[Pipeline],
        lists: list[CommandList], tokens: list[Token], heredocs: list[HereDoc],
        syntax_errors: list[ShellSyntaxError], position_of: PositionOf, shell: tuple[str, ...] | None = None,
    ) -> None:
        self.script = script
        self.commands = commands
        self.pipelines = pipelines
        self.lists = lists
        self.tokens = tokens
        self.heredocs = heredocs
        self.syntax_errors = syntax_errors
        self.position_of = position_of
        self.shell = shell

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
        i += 1
        for flag in flags:
            if flag == "o":
                value = args[i] if i < len(args) else None
                if value == "pipefail":
                    result = arg[0] == "-"
                i += 1
    return result
