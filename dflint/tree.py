"""The typed Dockerfile tree: what every rule, the semantic model and the LSP read.

Why a separate module: the parser's internals (pre-pass, Lark grammar, sub-parsers) may change,
but these classes are the contract other components code against. Every node carries the
source span it came from, so no consumer has to re-scan raw text to find a column.

Conventions (see :mod:`dflint.span`): 1-based lines and columns, columns in code points, end
column exclusive. ``value`` lists are exactly BuildKit's AST argument nodes (what the corpus
``result`` dumps print), so BuildKit-compatible behaviour can always be checked against them;
the typed fields (``sources``, ``pairs``, ...) are conveniences built from the same text.

Why hand-written slotted classes and not ``@dataclass(slots=True)``: this module is imported by
every dflint process, and building ~35 dataclasses (generated code compiled at import, every
slotted class created twice) cost ~50 ms of start-up, more than the interpreter itself. The
classes behave as the dataclasses did: same constructor parameters (positional order and
keywords), defaults, fresh lists per instance (``default_factory``), ``repr``, ``__match_args__``
and equality (field-wise and same class only; identity for instructions, stages and files),
and they are dataclasses to the ``dataclasses`` module (``is_dataclass``, ``fields``,
``replace``, ``asdict``), through a ``__dataclass_fields__`` built on first use.
Keep it that way when adding a field: add it to ``__slots__``, ``__match_args__`` and ``__init__``
(``tests/test_parser_tree.py`` checks the three agree).
"""

from __future__ import annotations

from bisect import bisect_right
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from dflint.records import FACTORY as _FACTORY
from dflint.records import LazyDataclassFields
from dflint.span import Position, Span

if TYPE_CHECKING:
    # Type checkers are told ImageRef is frozen; at run time it is the plain class below.
    from dataclasses import dataclass as _frozen_for_typing
else:

    def _frozen_for_typing(**_options: object) -> Any:
        return lambda cls: cls

__all__ = [
    "Add",
    "Arg",
    "ArgDecl",
    "Cmd",
    "CommandInstruction",
    "Comment",
    "Copy",
    "Directives",
    "Dockerfile",
    "Entrypoint",
    "Env",
    "Expose",
    "Flag",
    "From",
    "Healthcheck",
    "Heredoc",
    "ImageRef",
    "Instruction",
    "KeyValue",
    "Label",
    "Maintainer",
    "Mount",
    "Onbuild",
    "ParseError",
    "Run",
    "Shell",
    "SourceMap",
    "Stage",
    "Stopsignal",
    "Unknown",
    "User",
    "Volume",
    "Word",
    "Workdir",
]

ErrorLayer = Literal["input", "parser", "instruction"]


#: Default span of an instruction built without one (immutable, so one shared instance will do).
_NOWHERE = Span(1, 1, 1, 1)


class _Node:
    """Shared ``repr`` and equality of the value-like nodes, over ``__match_args__`` in order."""

    __slots__ = ()
    __dataclass_fields__: ClassVar[Any] = LazyDataclassFields()
    __match_args__: ClassVar[tuple[str, ...]] = ()
    #: Fields left out of ``repr`` (the source map is big and says nothing to a reader).
    _no_repr: ClassVar[frozenset[str]] = frozenset()

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{name}={getattr(self, name)!r}" for name in self.__match_args__ if name not in self._no_repr
        )
        return f"{self.__class__.__qualname__}({shown})"


class _ValueNode(_Node):
    """A node compared by value: equal when of the same class with equal fields."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            names = self.__match_args__
            return tuple([getattr(self, n) for n in names]) == tuple([getattr(other, n) for n in names])
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable and compared by value: unhashable


class ParseError(_ValueNode):
    """A diagnostic from reading or parsing; ``errors`` make a build fail, ``warnings`` do not.

    ``layer`` says who would report it: ``parser`` = BuildKit's low-level parser (what the oracle
    reports), ``instruction`` = BuildKit's typed instruction layer, ``input`` = reading the bytes
    (encoding, binary, unreadable file). ``code`` is a short stable identifier for tooling.
    """

    __slots__ = ("code", "column", "layer", "line", "message", "span")
    __match_args__ = ("line", "column", "message", "span", "layer", "code")

    def __init__(
        self,
        line: int,
        column: int,
        message: str,
        span: Span,
        layer: ErrorLayer = "parser",
        code: str = "syntax",
    ) -> None:
        self.line = line
        self.column = column
        self.message = message
        self.span = span
        self.layer = layer
        self.code = code


class Comment(_ValueNode):
    """One whole-line comment (``text`` is the line without leading blanks and without ``#``)."""

    __slots__ = ("line", "span", "text")
    __match_args__ = ("line", "text", "span")

    def __init__(self, line: int, text: str, span: Span) -> None:
        self.line = line
        self.text = text
        self.span = span


class Directives(_ValueNode):
    """The parser directives of the file's directive block (spec §2)."""

    __slots__ = ("check", "check_span", "end_line", "escape", "escape_span", "syntax", "syntax_span")
    __match_args__ = ("escape", "syntax", "check", "escape_span", "syntax_span", "check_span", "end_line")

    def __init__(
        self,
        escape: str = "\\",
        syntax: str | None = None,
        check: str | None = None,
        escape_span: Span | None = None,
        syntax_span: Span | None = None,
        check_span: Span | None = None,
        end_line: int = 0,
    ) -> None:
        self.escape = escape
        self.syntax = syntax
        self.check = check
        self.escape_span = escape_span
        self.syntax_span = syntax_span
        self.check_span = check_span
        #: Last line of the directive block (0 when there is none).
        self.end_line = end_line


class SourceMap:
    """Maps offsets in a joined logical line (continuations removed) back to file positions.

    A logical line is made of pieces of physical lines; each piece is a run of consecutive code
    points of one physical line. ``starts[i]`` is the joined offset where piece ``i`` begins and
    ``origins[i]`` its (line, col) in the file.
    """

    __slots__ = ("origins", "starts")

    def __init__(self, starts: list[int], origins: list[tuple[int, int]]) -> None:
        self.starts = starts
        self.origins = origins

    def position(self, offset: int) -> Position:
        if len(self.starts) == 1:
            i = 0
        else:
            i = max(0, bisect_right(self.starts, offset) - 1)
        line, col = self.origins[i]
        return Position(line, col + offset - self.starts[i])

    def end_position(self, offset: int) -> Position:
        """Position just after the character at ``offset - 1`` (for exclusive span ends)."""
        if offset <= 0:
            return self.position(0)
        p = self.position(offset - 1)
        return Position(p.line, p.col + 1)

    def span(self, start: int, end: int) -> Span:
        starts = self.starts
        if len(starts) == 1:
            line, col = self.origins[0]
            return Span(line, col + start, line, col + max(start, end))
        if end <= start:
            p = self.position(start)
            return Span(p.line, p.col, p.line, p.col)
        # position(start) and end_position(end), inlined: this runs for every word of the file.
        i = bisect_right(starts, start) - 1
        if i < 0:
            i = 0
        line, col = self.origins[i]
        j = bisect_right(starts, end - 1) - 1
        if j < 0:
            j = 0
        end_line, end_col = self.origins[j]
        return Span(line, col + start - starts[i], end_line, end_col + end - starts[j])


class Word(_ValueNode):
    """A piece of argument text exactly as written (quotes and escapes kept)."""

    __slots__ = ("span", "text")
    __match_args__ = ("text", "span")

    def __init__(self, text: str, span: Span) -> None:
        self.text = text
        self.span = span


class Flag(_ValueNode):
    """A leading ``--name[=value]`` word. ``raw`` is the word as BuildKit prints it (quotes removed,
    escapes resolved); ``name``/``value`` split it at the first ``=`` (``value`` None without ``=``)."""

    __slots__ = ("name", "raw", "span", "value")
    __match_args__ = ("name", "value", "raw", "span")

    def __init__(self, name: str, value: str | None, raw: str, span: Span) -> None:
        self.name = name
        self.value = value
        self.raw = raw
        self.span = span

    @property
    def value_span(self) -> Span | None:
        """Approximate span of the value (exact unless the flag word contains quotes/escapes)."""
        if self.value is None:
            return None
        start = self.span.start_col + 2 + len(self.name) + 1
        if self.span.start_line != self.span.end_line:
            return self.span
        return Span(
            self.span.start_line, min(start, self.span.end_col), self.span.end_line, self.span.end_col
        )


class Heredoc(_ValueNode):
    """A heredoc opened on an instruction line (``<<EOF``) and its body lines.

    ``content`` is the raw body exactly as BuildKit stores it: every body line with its newline,
    no tab stripping (``chomp`` is applied when the content is used), no expansion.
    """

    __slots__ = ("body_line", "body_span", "chomp", "content", "expand", "file_descriptor", "name", "span")
    __match_args__ = (
        "name",
        "content",
        "expand",
        "chomp",
        "file_descriptor",
        "span",
        "body_span",
        "body_line",
    )

    def __init__(
        self,
        name: str,
        content: str,
        expand: bool,
        chomp: bool,
        file_descriptor: int | None,
        span: Span,
        body_span: Span,
        body_line: int = 0,
    ) -> None:
        self.name = name
        self.content = content
        self.expand = expand
        self.chomp = chomp
        self.file_descriptor = file_descriptor
        self.span = span
        self.body_span = body_span
        #: First physical line of the body (the line after the opener line / previous terminator).
        self.body_line = body_line

    def content_position(self, offset: int) -> Position:
        """File position of ``content[offset]``: body lines are copied verbatim, so it is a line count."""
        offset = max(0, min(offset, len(self.content)))
        before = self.content[:offset]
        nl = before.count("\n")
        if nl == 0:
            return Position(self.body_line, offset + 1)
        return Position(self.body_line + nl, offset - before.rfind("\n"))

    @property
    def chomped_content(self) -> str:
        """The body as used by BuildKit: with ``<<-``, leading tabs removed from every line."""
        if not self.chomp:
            return self.content
        return "".join(line.lstrip("\t") for line in self.content.splitlines(keepends=True))


class Instruction(_Node):
    """One instruction (logical line). Base of the per-instruction classes below.

    Compared by identity (two identical lines are still two instructions).
    """

    __slots__ = (
        "args_offset", "args_span", "args_text", "cmd", "comments_above", "flags", "heredocs", "json",
        "keyword", "keyword_span", "original", "source_map", "span", "stage_index", "value",
    )
    __match_args__ = (
        "keyword", "cmd", "span", "keyword_span", "flags", "original", "value", "json", "heredocs",
        "comments_above", "stage_index", "args_text", "args_span", "args_offset", "source_map",
    )
    _no_repr = frozenset({"source_map"})

    # ``args_text``: the argument text after the flags, trimmed (what the per-instruction parser
    # saw); ``args_offset``: its offset inside the joined logical line (for ``source_map``);
    # ``source_map``: maps offsets in the joined logical line (``original`` left-trimmed) to
    # file positions.
    def __init__(
        self, keyword: str = "", cmd: str = "", span: Span = _NOWHERE, keyword_span: Span = _NOWHERE,
        flags: list[Flag] = _FACTORY, original: str = "", value: list[str] = _FACTORY, json: bool = False,
        heredocs: list[Heredoc] = _FACTORY, comments_above: list[str] = _FACTORY,
        stage_index: int | None = None, args_text: str = "", args_span: Span | None = None,
        args_offset: int = 0, source_map: SourceMap | None = None,
    ) -> None:
        self.keyword = keyword
        self.cmd = cmd
        self.span = span
        self.keyword_span = keyword_span
        self.flags = [] if flags is _FACTORY else flags
        self.original = original
        self.value = [] if value is _FACTORY else value
        self.json = json
        self.heredocs = [] if heredocs is _FACTORY else heredocs
        self.comments_above = [] if comments_above is _FACTORY else comments_above
        self.stage_index = stage_index
        self.args_text = args_text
        self.args_span = args_span
        self.args_offset = args_offset
        self.source_map = source_map

    @property
    def start_line(self) -> int:
        return self.span.start_line

    @property
    def end_line(self) -> int:
        return self.span.end_line

    def flag(self, name: str) -> Flag | None:
        """The last flag called ``name`` (BuildKit rejects duplicates of non-list flags)."""
        found = None
        for f in self.flags:
            if f.name == name:
                found = f
        return found

    def flags_named(self, name: str) -> list[Flag]:
        return [f for f in self.flags if f.name == name]

    def args_position(self, offset: int) -> Position:
        """File position of ``args_text[offset]``."""
        if self.source_map is None:
            return self.span.start
        return self.source_map.position(self.args_offset + offset)


class CommandInstruction(Instruction):
    """RUN, CMD, ENTRYPOINT, HEALTHCHECK (its command part) and SHELL: shell or exec form.

    ``script`` is the shell-form text exactly as BuildKit passes it to the shell (None in exec
    form or if empty); ``script_offset`` its offset inside the joined logical line.
    """

    __slots__ = ("exec_args", "form", "script", "script_offset", "script_span")
    __match_args__ = (
        "keyword", "cmd", "span", "keyword_span", "flags", "original", "value", "json", "heredocs",
        "comments_above", "stage_index", "args_text", "args_span", "args_offset", "source_map", "form",
        "script", "script_span", "script_offset", "exec_args",
    )

    def __init__(
        self, keyword: str = "", cmd: str = "", span: Span = _NOWHERE, keyword_span: Span = _NOWHERE,
        flags: list[Flag] = _FACTORY, original: str = "", value: list[str] = _FACTORY, json: bool = False,
        heredocs: list[Heredoc] = _FACTORY, comments_above: list[str] = _FACTORY,
        stage_index: int | None = None, args_text: str = "", args_span: Span | None = None,
        args_offset: int = 0, source_map: SourceMap | None = None, form: Literal["shell", "exec"] = "shell",
        script: str | None = None, script_span: Span | None = None, script_offset: int = 0,
        exec_args: list[Word] = _FACTORY,
    ) -> None:
        Instruction.__init__(
            self, keyword, cmd, span, keyword_span, flags, original, value, json, heredocs, comments_above,
            stage_index, args_text, args_span, args_offset, source_map,
        )
        self.form = form
        self.script = script
        self.script_span = script_span
        self.script_offset = script_offset
        self.exec_args = [] if exec_args is _FACTORY else exec_args

    def script_position(self, offset: int) -> Position:
        """File position of ``script[offset]``, across continuation joins and the escape char."""
        if self.source_map is None:
            return self.span.start
        return self.source_map.position(self.script_offset + offset)


class Mount(_ValueNode):
    """One ``RUN --mount=`` value, parsed from its CSV (keys lower-cased, aliases normalised)."""

    __slots__ = ("errors", "options", "raw", "span")
    __match_args__ = ("options", "raw", "span", "errors")

    def __init__(
        self, options: dict[str, str | None], raw: str, span: Span, errors: list[str] = _FACTORY
    ) -> None:
        self.options = options
        self.raw = raw
        self.span = span
        self.errors = [] if errors is _FACTORY else errors

    @property
    def type(self) -> str:
        return (self.options.get("type") or "bind").lower()

    @property
    def target(self) -> str | None:
        return self.options.get("target")

    @property
    def source(self) -> str | None:
        return self.options.get("source")

    @property
    def from_(self) -> str | None:
        return self.options.get("from")

    @property
    def id(self) -> str | None:
        return self.options.get("id")

    @property
    def sharing(self) -> str | None:
        return self.options.get("sharing")

    @property
    def readonly(self) -> bool:
        """Default read-only for bind/secret/ssh, read-write for cache/tmpfs (spec §8.3)."""
        if "readwrite" in self.options:
            return not _truthy(self.options["readwrite"])
        if "readonly" in self.options:
            return _truthy(self.options["readonly"])
        return self.type in ("bind", "secret", "ssh")


def _truthy(value: str | None) -> bool:
    return value is None or value.lower() in ("1", "t", "true")


class Run(CommandInstruction):
    """RUN: ``mounts`` parsed from ``--mount``, ``network``/``security`` from their flags."""

    __slots__ = ("mounts", "network", "security")
    __match_args__ = (
        "keyword", "cmd", "span", "keyword_span", "flags", "original", "value", "json", "heredocs",
        "comments_above", "stage_index", "args_text", "args_span", "args_offset", "source_map", "form",
        "script", "script_span", "script_offset", "exec_args", "mounts", "network", "security",
    )

    def __init__(
        self, keyword: str = "", cmd: str = "", span: Span = _NOWHERE, keyword_span: Span = _NOWHERE,
        flags: list[Flag] = _FACTORY, original: str = "", value: list[str] = _FACTORY, json: bool = False,
        heredocs: list[Heredoc] = _FACTORY, comments_above: list[str] = _FACTORY,
        stage_index: int | None = None, args_text: str = "", args_span: Span | None = None,
        args_offset: int = 0, source_map: SourceMap | None = None, form: Literal["shell", "exec"] = "shell",
        script: str | None = None, script_span: Span | None = None, script_offset: int = 0,
        exec_args: list[Word] = _FACTORY, mounts: list[Mount] = _FACTORY, network: str | None = None,
        security: str | None = None,
    ) -> None:
        CommandInstruction.__init__(
            self, keyword, cmd, span, keyword_span, flags, original, value, json, heredocs, comments_above,
            stage_index, args_text, args_span, args_offset, source_map, form, script, script_span,
            script_offset, exec_args,
        )
        self.mounts = [] if mounts is _FACTORY else mounts
        self.network = network
        self.security = security


class Cmd(CommandInstruction):
    """CMD."""

    __slots__ = ()


class Entrypoint(CommandInstruction):
    """ENTRYPOINT."""

    __slots__ = ()


class Shell(CommandInstruction):
    """SHELL (BuildKit requires the exec form)."""

    __slots__ = ()


class Healthcheck(CommandInstruction):
    """``kind`` is the type word as written (``CMD``/``NONE``/other); durations stay in ``flags``."""

    __slots__ = ("kind", "kind_span")
    __match_args__ = (
        "keyword", "cmd", "span", "keyword_span", "flags", "original", "value", "json", "heredocs",
        "comments_above", "stage_index", "args_text", "args_span", "args_offset", "source_map", "form",
        "script", "script_span", "script_offset", "exec_args", "kind", "kind_span",
    )

    def __init__(
        self, keyword: str = "", cmd: str = "", span: Span = _NOWHERE, keyword_span: Span = _NOWHERE,
        flags: list[Flag] = _FACTORY, original: str = "", value: list[str] = _FACTORY, json: bool = False,
        heredocs: list[Heredoc] = _FACTORY, comments_above: list[str] = _FACTORY,
        stage_index: int | None = None, args_text: str = "", args_span: Span | None = None,
        args_offset: int = 0, source_map: SourceMap | None = None, form: Literal["shell", "exec"] = "shell",
        script: str | None = None, script_span: Span | None = None, script_offset: int = 0,
        exec_args: list[Word] = _FACTORY, kind: str | None = None, kind_span: Span | None = None,
    ) -> None:
        CommandInstruction.__init__(
            self, keyword, cmd, span, keyword_span, flags, original, value, json, heredocs, comments_above,
            stage_index, args_text, args_span, args_offset, source_map, form, script, script_span,
            script_offset, exec_args,
        )
        self.kind = kind
        self.kind_span = kind_span

    @property
    def interval(self) -> str | None:
        f = self.flag("interval")
        return f.value if f else None

    @property
    def timeout(self) -> str | None:
        f = self.flag("timeout")
        return f.value if f else None

    @property
    def start_period(self) -> str | None:
        f = self.flag("start-period")
        return f.value if f else None

    @property
    def retries(self) -> str | None:
        f = self.flag("retries")
        return f.value if f else None


@_frozen_for_typing(frozen=True)
class ImageRef(_Node):
    """An image reference split into repository, tag and digest (immutable and hashable)."""

    __slots__ = ("digest", "repository", "tag")
    __match_args__ = ("repository", "tag", "digest")

    repository: str
    tag: str | None
    digest: str | None

    def __init__(self, repository: str, tag: str | None, digest: str | None) -> None:
        _set = object.__setattr__
        _set(self, "repository", repository)
        _set(self, "tag", tag)
        _set(self, "digest", digest)

    def __setattr__(self, name: str, value: object) -> None:
        from dataclasses import FrozenInstanceError

        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        from dataclasses import FrozenInstanceError

        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return (self.repository, self.tag, self.digest) == (other.repository, other.tag, other.digest)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.repository, self.tag, self.digest))

    def __reduce__(self) -> tuple[Any, ...]:
        return (self.__class__, (self.repository, self.tag, self.digest))


class From(Instruction):
    """FROM: the image word, the ``AS`` name word and the ``--platform`` flag."""

    __slots__ = ("image", "platform", "stage_name")
    __match_args__ = (
        "keyword", "cmd", "span", "keyword_span", "flags", "original", "value", "json", "heredocs",
        "comments_above", "stage_index", "args_text", "args_span", "args_offset", "source_map", "image",
        "stage_name", "platform",
    )

    def __init__(
        self, keyword: str = "", cmd: str = "", span: Span = _NOWHERE, keyword_span: Span = _NOWHERE,
        flags: list[Flag] = _FACTORY, original: str = "", value: list[str] = _FACTORY, json: bool = False,
        heredocs: list[Heredoc] = _FACTORY, comments_above: list[str] = _FACTORY,
        stage_index: int | None = None, args_text: str = "", args_span: Span | None = None,
        args_offset: int = 0, source_map: SourceMap | None = None, image: Word | None = None,
        stage_name: Word | None = None, platform: Flag | None = None,
    ) -> None:
        Instruction.__init__(
            self, keyword, cmd, span, keyword_span, flags, original, value, json, heredocs, comments_above,
            stage_index, args_text, args_span, args_offset, source_map,
        )
        self.image = image
        self.stage_name = stage_name
        self.platform = platform

    def image_ref(self) -> ImageRef | None:
        """Split the image word into repository, tag and digest (raw text, no expansion)."""
        if self.image is None:
            return None
        ref = self.image.text
        digest = None
        if "@" in ref:
            ref, digest = ref.split("@", 1)
        tag = None
        slash = ref.rfind("/")
        colon = ref.rfind(":")
        if colon > slash:
            ref, tag = ref[:colon], ref[colon + 1 :]
        return ImageRef(ref, tag, digest)


class _FileCopy(Instruction):
    """What COPY and ADD share: sources, destination and the common flags."""

    __slots__ = ("chmod", "chown", "destination", "exclude", "link", "sources")
    __match_args__ = (
        "keyword", "cmd", "span", "keyword_span", "flags", "original", "value", "json", "heredocs",
        "comments_above", "stage_index", "args_text", "args_span", "args_offset", "source_map", "sources",
        "destination", "chown", "chmod", "link", "exclude",
    )

    def __init__(
        self, keyword: str = "", cmd: str = "", span: Span = _NOWHERE, keyword_span: Span = _NOWHERE,
        flags: list[Flag] = _FACTORY, original: str = "", value: list[str] = _FACTORY, json: bool = False,
        heredocs: list[Heredoc] = _FACTORY, comments_above: list[str] = _FACTORY,
        stage_index: int | None = None, args_text: str = "", args_span: Span | None = None,
        args_offset: int = 0, source_map: SourceMap | None = None, sources: list[Word] = _FACTORY,
        destination: Word | None = None, chown: str | None = None, chmod: str | None = None,
        link: bool = False, exclude: list[str] = _FACTORY,
    ) -> None:
        Instruction.__init__(
            self, keyword, cmd, span, keyword_span, flags, original, value, json, heredocs, comments_above,
            stage_index, args_text, args_span, args_offset, source_map,
        )
        self.sources = [] if sources is _FACTORY else sources
        self.destination = destination
        self.chown = chown
        self.chmod = chmod
        self.link = link
        self.exclude = [] if exclude is _FACTORY else exclude


class Copy(_FileCopy):
    """COPY (``--from`` and ``--parents`` on top of the common flags)."""

    __slots__ = ("from_stage", "parents")
    __match_args__ = (
        "keyword", "cmd", "span", "keyword_span", "flags", "original", "value", "json", "heredocs",
        "comments_above", "stage_index", "args_text", "args_span", "args_offset", "source_map", "sources",
        "destination", "chown", "chmod", "link", "exclude", "from_stage", "parents",
    )

    def __init__(
        self, keyword: str = "", cmd: str = "", span: Span = _NOWHERE, keyword_span: Span = _NOWHERE,
        flags: list[Flag] = _FACTORY, original: str = "", value: list[str] = _FACTORY, json: bool = False,
        heredocs: list[Heredoc] = _FACTORY, comments_above: list[str] = _FACTORY,
        stage_index: int | None = None, args_text: str = "", args_span: Span | None = None,
        args_offset: int = 0, source_map: SourceMap | None = None, sources: list[Word] = _FACTORY,
        destination: Word | None = None, chown: str | None = None, chmod: str | None = None,
        link: bool = False, exclude: list[str] = _FACTORY, from_stage: str | None = None,
        parents: bool = False,
    ) -> None:
        _FileCopy.__init__(
            self, keyword, cmd, span, keyword_span, flags, original, value, json, heredocs, comments_above,
            stage_index, args_text, args_span, args_offset, source_map, sources, destination, chown, chmod,
            link, exclude,
        )
        self.from_stage = from_stage
        self.parents = parents


class Add(_FileCopy):
    """ADD (``--checksum``, ``--keep-git-dir`` and ``--unpack`` on top of the common flags)."""

    __slots__ = ("checksum", "keep_git_dir", "unpack")
    __match_args__ = (
        "keyword", "cmd", "span", "keyword_span", "flags", "original", "value", "json", "heredocs",
        "comments_above", "stage_index", "args_text", "args_span", "args_offset", "source_map", "sources",
        "destination", "chown", "chmod", "link", "exclude", "checksum", "keep_git_dir", "unpack",
    )

    def __init__(
        self, keyword: str = "", cmd: str = "", span: Span = _NOWHERE, keyword_span: Span = _NOWHERE,
        flags: list[Flag] = _FACTORY, original: str = "", value: list[str] = _FACTORY, json: bool = False,
        heredocs: list[Heredoc] = _FACTORY, comments_above: list[str] = _FACTORY,
        stage_index: int | None = None, args_text: str = "", args_span: Span | None = None,
        args_offset: int = 0, source_map: SourceMap | None = None, sources: list[Word] = _FACTORY,
        destination: Word | None = None, chown: str | None = None, chmod: str | None = None,
        link: bool = False, exclude: list[str] = _FACTORY, checksum: str | None = None,
        keep_git_dir: bool = False, unpack: bool | None = None,
    ) -> None:
        _FileCopy.__init__(
            self, keyword, cmd, span, keyword_span, flags, original, value, json, heredocs, comments_above,
            stage_index, args_text, args_span, args_offset, source_map, sources, destination, chown, chmod,
            link, exclude,
        )
        self.checksum = checksum
        self.keep_git_dir = keep_git_dir
        self.unpack = unpack


class KeyValue(_ValueNode):
    """One ENV/LABEL pair, raw (quotes kept). ``legacy`` is the ``KEY value`` form."""

    __slots__ = ("key", "key_span", "legacy", "span", "value", "value_span")
    __match_args__ = ("key", "value", "key_span", "value_span", "legacy", "span")

    def __init__(
        self, key: str, value: str, key_span: Span, value_span: Span, legacy: bool, span: Span
    ) -> None:
        self.key = key
        self.value = value
        self.key_span = key_span
        self.value_span = value_span
        self.legacy = legacy
        self.span = span


class Env(Instruction):
    """ENV: its ``pairs``."""

    __slots__ = ("pairs",)
    __match_args__ = (
        "keyword", "cmd", "span", "keyword_span", "flags", "original", "value", "json", "heredocs",
        "comments_above", "stage_index", "args_text", "args_span", "args_offset", "source_map", "pairs",
    )

    def __init__(
        self, keyword: str = "", cmd: str = "", span: Span = _NOWHERE, keyword_span: Span = _NOWHERE,
        flags: list[Flag] = _FACTORY, original: str = "", value: list[str] = _FACTORY, json: bool = False,
        heredocs: list[Heredoc] = _FACTORY, comments_above: list[str] = _FACTORY,
        stage_index: int | None = None, args_text: str = "", args_span: Span | None = None,
        args_offset: int = 0, source_map: SourceMap | None = None, pairs: list[KeyValue] = _FACTORY,
    ) -> None:
        Instruction.__init__(
            self, keyword, cmd, span, keyword_span, flags, original, value, json, heredocs, comments_above,
            stage_index, args_text, args_span, args_offset, source_map,
        )
        self.pairs = [] if pairs is _FACTORY else pairs


class Label(Instruction):
    """LABEL: its ``pairs``."""

    __slots__ = ("pairs",)
    __match_args__ = (
        "keyword", "cmd", "span", "keyword_span", "flags", "original", "value", "json", "heredocs",
        "comments_above", "stage_index", "args_text", "args_span", "args_offset", "source_map", "pairs",
    )

    def __init__(
        self, keyword: str = "", cmd: str = "", span: Span = _NOWHERE, keyword_span: Span = _NOWHERE,
        flags: list[Flag] = _FACTORY, original: str = "", value: list[str] = _FACTORY, json: bool = False,
        heredocs: list[Heredoc] = _FACTORY, comments_above: list[str] = _FACTORY,
        stage_index: int | None = None, args_text: str = "", args_span: Span | None = None,
        args_offset: int = 0, source_map: SourceMap | None = None, pairs: list[KeyValue] = _FACTORY,
    ) -> None:
        Instruction.__init__(
            self, keyword, cmd, span, keyword_span, flags, original, value, json, heredocs, comments_above,
            stage_index, args_text, args_span, args_offset, source_map,
        )
        self.pairs = [] if pairs is _FACTORY else pairs


class ArgDecl(_ValueNode):
    """``name`` or ``name=default`` (default raw, quotes kept; None without ``=``)."""

    __slots__ = ("default", "name", "name_span", "span")
    __match_args__ = ("name", "default", "span", "name_span")

    def __init__(self, name: str, default: str | None, span: Span, name_span: Span) -> None:
        self.name = name
        self.default = default
        self.span = span
        self.name_span = name_span


class Arg(Instruction):
    """ARG: its ``declarations``."""

    __slots__ = ("declarations",)
    __match_args__ = (
        "keyword", "cmd", "span", "keyword_span", "flags", "original", "value", "json", "heredocs",
        "comments_above", "stage_index", "args_text", "args_span", "args_offset", "source_map",
        "declarations",
    )

    def __init__(
        self, keyword: str = "", cmd: str = "", span: Span = _NOWHERE, keyword_span: Span = _NOWHERE,
        flags: list[Flag] = _FACTORY, original: str = "", value: list[str] = _FACTORY, json: bool = False,
        heredocs: list[Heredoc] = _FACTORY, comments_above: list[str] = _FACTORY,
        stage_index: int | None = None, args_text: str = "", args_span: Span | None = None,
        args_offset: int = 0, source_map: SourceMap | None = None, declarations: list[ArgDecl] = _FACTORY,
    ) -> None:
        Instruction.__init__(
            self, keyword, cmd, span, keyword_span, flags, original, value, json, heredocs, comments_above,
            stage_index, args_text, args_span, args_offset, source_map,
        )
        self.declarations = [] if declarations is _FACTORY else declarations


class Expose(Instruction):
    """EXPOSE: its port words."""

    __slots__ = ("ports",)
    __match_args__ = (
        "keyword", "cmd", "span", "keyword_span", "flags", "original", "value", "json", "heredocs",
        "comments_above", "stage_index", "args_text", "args_span", "args_offset", "source_map", "ports",
    )

    def __init__(
        self, keyword: str = "", cmd: str = "", span: Span = _NOWHERE, keyword_span: Span = _NOWHERE,
        flags: list[Flag] = _FACTORY, original: str = "", value: list[str] = _FACTORY, json: bool = False,
        heredocs: list[Heredoc] = _FACTORY, comments_above: list[str] = _FACTORY,
        stage_index: int | None = None, args_text: str = "", args_span: Span | None = None,
        args_offset: int = 0, source_map: SourceMap | None = None, ports: list[Word] = _FACTORY,
    ) -> None:
        Instruction.__init__(
            self, keyword, cmd, span, keyword_span, flags, original, value, json, heredocs, comments_above,
            stage_index, args_text, args_span, args_offset, source_map,
        )
        self.ports = [] if ports is _FACTORY else ports


class Volume(Instruction):
    """VOLUME: its path words."""

    __slots__ = ("paths",)
    __match_args__ = (
        "keyword", "cmd", "span", "keyword_span", "flags", "original", "value", "json", "heredocs",
        "comments_above", "stage_index", "args_text", "args_span", "args_offset", "source_map", "paths",
    )

    def __init__(
        self, keyword: str = "", cmd: str = "", span: Span = _NOWHERE, keyword_span: Span = _NOWHERE,
        flags: list[Flag] = _FACTORY, original: str = "", value: list[str] = _FACTORY, json: bool = False,
        heredocs: list[Heredoc] = _FACTORY, comments_above: list[str] = _FACTORY,
        stage_index: int | None = None, args_text: str = "", args_span: Span | None = None,
        args_offset: int = 0, source_map: SourceMap | None = None, paths: list[Word] = _FACTORY,
    ) -> None:
        Instruction.__init__(
            self, keyword, cmd, span, keyword_span, flags, original, value, json, heredocs, comments_above,
            stage_index, args_text, args_span, args_offset, source_map,
        )
        self.paths = [] if paths is _FACTORY else paths


class User(Instruction):
    """USER: the user word."""

    __slots__ = ("user",)
    __match_args__ = (
        "keyword", "cmd", "span", "keyword_span", "flags", "original", "value", "json", "heredocs",
        "comments_above", "stage_index", "args_text", "args_span", "args_offset", "source_map", "user",
    )

    def __init__(
        self, keyword: str = "", cmd: str = "", span: Span = _NOWHERE, keyword_span: Span = _NOWHERE,
        flags: list[Flag] = _FACTORY, original: str = "", value: list[str] = _FACTORY, json: bool = False,
        heredocs: list[Heredoc] = _FACTORY, comments_above: list[str] = _FACTORY,
        stage_index: int | None = None, args_text: str = "", args_span: Span | None = None,
        args_offset: int = 0, source_map: SourceMap | None = None, user: Word | None = None,
    ) -> None:
        Instruction.__init__(
            self, keyword, cmd, span, keyword_span, flags, original, value, json, heredocs, comments_above,
            stage_index, args_text, args_span, args_offset, source_map,
        )
        self.user = user


class Workdir(Instruction):
    """WORKDIR: the path word."""

    __slots__ = ("path",)
    __match_args__ = (
        "keyword", "cmd", "span", "keyword_span", "flags", "original", "value", "json", "heredocs",
        "comments_above", "stage_index", "args_text", "args_span", "args_offset", "source_map", "path",
    )

    def __init__(
        self, keyword: str = "", cmd: str = "", span: Span = _NOWHERE, keyword_span: Span = _NOWHERE,
        flags: list[Flag] = _FACTORY, original: str = "", value: list[str] = _FACTORY, json: bool = False,
        heredocs: list[Heredoc] = _FACTORY, comments_above: list[str] = _FACTORY,
        stage_index: int | None = None, args_text: str = "", args_span: Span | None = None,
        args_offset: int = 0, source_map: SourceMap | None = None, path: Word | None = None,
    ) -> None:
        Instruction.__init__(
            self, keyword, cmd, span, keyword_span, flags, original, value, json, heredocs, comments_above,
            stage_index, args_text, args_span, args_offset, source_map,
        )
        self.path = path


class Stopsignal(Instruction):
    """STOPSIGNAL: the signal word."""

    __slots__ = ("signal",)
    __match_args__ = (
        "keyword", "cmd", "span", "keyword_span", "flags", "original", "value", "json", "heredocs",
        "comments_above", "stage_index", "args_text", "args_span", "args_offset", "source_map", "signal",
    )

    def __init__(
        self, keyword: str = "", cmd: str = "", span: Span = _NOWHERE, keyword_span: Span = _NOWHERE,
        flags: list[Flag] = _FACTORY, original: str = "", value: list[str] = _FACTORY, json: bool = False,
        heredocs: list[Heredoc] = _FACTORY, comments_above: list[str] = _FACTORY,
        stage_index: int | None = None, args_text: str = "", args_span: Span | None = None,
        args_offset: int = 0, source_map: SourceMap | None = None, signal: Word | None = None,
    ) -> None:
        Instruction.__init__(
            self, keyword, cmd, span, keyword_span, flags, original, value, json, heredocs, comments_above,
            stage_index, args_text, args_span, args_offset, source_map,
        )
        self.signal = signal


class Maintainer(Instruction):
    """MAINTAINER: the name word."""

    __slots__ = ("name",)
    __match_args__ = (
        "keyword", "cmd", "span", "keyword_span", "flags", "original", "value", "json", "heredocs",
        "comments_above", "stage_index", "args_text", "args_span", "args_offset", "source_map", "name",
    )

    def __init__(
        self, keyword: str = "", cmd: str = "", span: Span = _NOWHERE, keyword_span: Span = _NOWHERE,
        flags: list[Flag] = _FACTORY, original: str = "", value: list[str] = _FACTORY, json: bool = False,
        heredocs: list[Heredoc] = _FACTORY, comments_above: list[str] = _FACTORY,
        stage_index: int | None = None, args_text: str = "", args_span: Span | None = None,
        args_offset: int = 0, source_map: SourceMap | None = None, name: Word | None = None,
    ) -> None:
        Instruction.__init__(
            self, keyword, cmd, span, keyword_span, flags, original, value, json, heredocs, comments_above,
            stage_index, args_text, args_span, args_offset, source_map,
        )
        self.name = name


class Onbuild(Instruction):
    """ONBUILD: the ``trigger`` instruction it registers."""

    __slots__ = ("trigger",)
    __match_args__ = (
        "keyword", "cmd", "span", "keyword_span", "flags", "original", "value", "json", "heredocs",
        "comments_above", "stage_index", "args_text", "args_span", "args_offset", "source_map", "trigger",
    )

    def __init__(
        self, keyword: str = "", cmd: str = "", span: Span = _NOWHERE, keyword_span: Span = _NOWHERE,
        flags: list[Flag] = _FACTORY, original: str = "", value: list[str] = _FACTORY, json: bool = False,
        heredocs: list[Heredoc] = _FACTORY, comments_above: list[str] = _FACTORY,
        stage_index: int | None = None, args_text: str = "", args_span: Span | None = None,
        args_offset: int = 0, source_map: SourceMap | None = None, trigger: Instruction | None = None,
    ) -> None:
        Instruction.__init__(
            self, keyword, cmd, span, keyword_span, flags, original, value, json, heredocs, comments_above,
            stage_index, args_text, args_span, args_offset, source_map,
        )
        self.trigger = trigger


class Unknown(Instruction):
    """An instruction keyword BuildKit does not know (an error at the instruction layer)."""

    __slots__ = ()


class Stage(_Node):
    """A build stage: its FROM and the instructions after it (the FROM itself is NOT included)."""

    __slots__ = ("from_", "index", "instructions", "name", "name_span")
    __match_args__ = ("index", "name", "name_span", "from_", "instructions")

    def __init__(
        self,
        index: int,
        name: str | None,
        name_span: Span | None,
        from_: From,
        instructions: list[Instruction] = _FACTORY,
    ) -> None:
        self.index = index
        self.name = name
        self.name_span = name_span
        self.from_ = from_
        self.instructions = [] if instructions is _FACTORY else instructions

    @property
    def span(self) -> Span:
        last = self.instructions[-1] if self.instructions else self.from_
        return self.from_.span.cover(last.span)


class Dockerfile(_Node):
    """A parsed Dockerfile. ``errors`` non-empty means BuildKit would refuse the file.

    ``unreadable`` is True when the file could not be read at all (CLI exit code 2).
    """

    _factories: ClassVar[dict[str, Any]] = {"directives": Directives}
    __slots__ = (
        "comments",
        "directives",
        "errors",
        "global_args",
        "instructions",
        "lines",
        "path",
        "stages",
        "text",
        "unreadable",
        "warnings",
    )
    __match_args__ = (
        "path",
        "text",
        "lines",
        "instructions",
        "stages",
        "global_args",
        "directives",
        "comments",
        "errors",
        "warnings",
        "unreadable",
    )

    def __init__(
        self,
        path: str = "Dockerfile",
        text: str = "",
        lines: list[str] = _FACTORY,
        instructions: list[Instruction] = _FACTORY,
        stages: list[Stage] = _FACTORY,
        global_args: list[Arg] = _FACTORY,
        directives: Directives = _FACTORY,
        comments: list[Comment] = _FACTORY,
        errors: list[ParseError] = _FACTORY,
        warnings: list[ParseError] = _FACTORY,
        unreadable: bool = False,
    ) -> None:
        self.path = path
        self.text = text
        self.lines = [] if lines is _FACTORY else lines
        self.instructions = [] if instructions is _FACTORY else instructions
        self.stages = [] if stages is _FACTORY else stages
        self.global_args = [] if global_args is _FACTORY else global_args
        self.directives = Directives() if directives is _FACTORY else directives
        self.comments = [] if comments is _FACTORY else comments
        self.errors = [] if errors is _FACTORY else errors
        self.warnings = [] if warnings is _FACTORY else warnings
        self.unreadable = unreadable

    def instruction_at(self, line: int) -> Instruction | None:
        for ins in self.instructions:
            if ins.span.start_line <= line <= ins.span.end_line:
                return ins
        return None
