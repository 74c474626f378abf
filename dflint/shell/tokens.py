"""A small hand-written lexer for the control operators of a shell script.

Why not tree-sitter for this: its error recovery swallows or moves malformed operators
(``& &``, ``&&&``, a trailing ``&&``), so a rule could not point at the exact column of the bad
operator. This scanner only needs to know what is *not* an operator: quoted text, ``$(...)``,
backticks, ``${...}``, arithmetic, comments, heredoc bodies, ``[[ ... ]]`` and case patterns.
It never raises; on unterminated constructs it runs to the end of the text.

It also finds the heredocs of the script (``<<EOF`` ... ``EOF``): the tree-sitter side masks
their bodies, because tree-sitter-bash mis-parses whatever follows ``<<EOF`` on its line.
"""

from __future__ import annotations

import contextlib
from typing import ClassVar

from dflint.records import FACTORY, Factories, FrozenRecord, Record
from dflint.shell.positions import PositionOf, script_positions, span_of
from dflint.span import Span

#: Operators that join two commands: a command must come before and after them.
BINARY_KINDS = frozenset({"&&", "||", "|", "|&"})
#: Operators that end a command.
TERMINATOR_KINDS = frozenset({";", "&"})
#: Case-item terminators.
CASE_KINDS = frozenset({";;", ";&", ";;&"})
NEWLINE = "newline"
#: Every kind a Token can have.
TOKEN_KINDS = BINARY_KINDS | TERMINATOR_KINDS | CASE_KINDS | {NEWLINE, "(", ")"}

_BLANKS = " \t\r\f\v"
_META = " \t\r\f\v\n;&|()<>"
_WORD_STOP = _META + "'\"`$\\"
_COMMAND_KEYWORDS = frozenset({"if", "then", "else", "elif", "do", "while", "until", "{", "!", "time"})


class Token(FrozenRecord):
    """One control operator (or subshell parenthesis, or newline) as written in the script.

    ``blank_before``/``blank_after``: only blanks and comments separate this token from the previous
    (next) token of the same context, or from the start (end) of that context: there is no command
    text in between. ``context`` numbers the command context (0 = the script itself; each
    ``$(...)``, backtick or process substitution gets its own), ``depth`` is its nesting level.
    """

    __slots__ = ("blank_after", "blank_before", "context", "depth", "end", "kind", "span", "start", "text")
    __match_args__ = (
        "kind", "text", "start", "end", "span", "depth", "context", "blank_before", "blank_after",
    )

    kind: str
    text: str
    start: int
    end: int
    span: Span
    depth: int
    context: int
    blank_before: bool
    blank_after: bool

    def __init__(
        self, kind: str, text: str, start: int, end: int, span: Span, depth: int, context: int,
        blank_before: bool, blank_after: bool,
    ) -> None:
        _set = object.__setattr__
        _set(self, "kind", kind)
        _set(self, "text", text)
        _set(self, "start", start)
        _set(self, "end", end)
        _set(self, "span", span)
        _set(self, "depth", depth)
        _set(self, "context", context)
        _set(self, "blank_before", blank_before)
        _set(self, "blank_after", blank_after)


class HereDoc(FrozenRecord):
    """A here-document found by the scanner.

    ``start``/``end`` cover the operator and its delimiter word (``<<-'EOF'``); the body runs from
    ``body_start`` to ``body_end`` (the start of the terminator line); ``terminator_end`` is the end
    of the terminator line (or of the text when it is missing: ``terminated`` is then False).
    """

    __slots__ = (
        "body_end",
        "body_start",
        "delimiter",
        "end",
        "operator",
        "quoted",
        "start",
        "strip_tabs",
        "terminated",
        "terminator_end",
    )
    __match_args__ = (
        "start", "end", "operator", "delimiter", "quoted", "strip_tabs", "body_start", "body_end",
        "terminator_end", "terminated",
    )

    start: int
    end: int
    operator: str
    delimiter: str
    quoted: bool
    strip_tabs: bool
    body_start: int
    body_end: int
    terminator_end: int
    terminated: bool

    def __init__(
        self, start: int, end: int, operator: str, delimiter: str, quoted: bool, strip_tabs: bool,
        body_start: int, body_end: int, terminator_end: int, terminated: bool,
    ) -> None:
        _set = object.__setattr__
        _set(self, "start", start)
        _set(self, "end", end)
        _set(self, "operator", operator)
        _set(self, "delimiter", delimiter)
        _set(self, "quoted", quoted)
        _set(self, "strip_tabs", strip_tabs)
        _set(self, "body_start", body_start)
        _set(self, "body_end", body_end)
        _set(self, "terminator_end", terminator_end)
        _set(self, "terminated", terminated)


class OperatorProblem(FrozenRecord):
    """A control operator in a place where the shell would report a syntax error."""

    __slots__ = ("kind", "message", "token")
    __match_args__ = ("token", "kind", "message")

    token: Token
    kind: str  # "leading", "doubled", "trailing"
    message: str

    def __init__(self, token: Token, kind: str, message: str) -> None:
        _set = object.__setattr__
        _set(self, "token", token)
        _set(self, "kind", kind)
        _set(self, "message", message)


class _RawToken(Record):
    __slots__ = ("blank_after", "blank_before", "context", "depth", "end", "kind", "start")
    __match_args__ = ("kind", "start", "end", "depth", "context", "blank_before", "blank_after")
    kind: str
    start: int
    end: int
    depth: int
    context: int
    blank_before: bool
    blank_after: bool

    def __init__(
        self, kind: str, start: int, end: int, depth: int, context: int, blank_before: bool,
        blank_after: bool = True,
    ) -> None:
        self.kind = kind
        self.start = start
        self.end = end
        self.depth = depth
        self.context = context
        self.blank_before = blank_before
        self.blank_after = blank_after


class _Context(Record):
    __slots__ = ("case_states", "command_start", "depth", "dirty", "ident", "in_test", "last", "paren_depth")
    __match_args__ = (
        "ident", "depth", "dirty", "last", "command_start", "paren_depth", "case_states", "in_test",
    )
    _factories: ClassVar[Factories] = {"case_states": list}
    ident: int
    depth: int
    dirty: bool
    last: _RawToken | None
    command_start: bool
    paren_depth: int
    case_states: list[str]
    in_test: bool

    def __init__(
        self, ident: int, depth: int, dirty: bool = False, last: _RawToken | None = None,
        command_start: bool = True, paren_depth: int = 0, case_states: list[str] = FACTORY,
        in_test: bool = False,
    ) -> None:
        self.ident = ident
        self.depth = depth
        self.dirty = dirty
        self.last = last
        self.command_start = command_start
        self.paren_depth = paren_depth
        self.case_states = [] if case_states is FACTORY else case_states
        self.in_test = in_test


class _PendingHereDoc(Record):
    __slots__ = ("delimiter", "end", "operator", "quoted", "start", "strip_tabs")
    __match_args__ = ("start", "end", "operator", "delimiter", "quoted", "strip_tabs")
    start: int
    end: int
    operator: str
    delimiter: str
    quoted: bool
    strip_tabs: bool

    def __init__(
        self, start: int, end: int, operator: str, delimiter: str, quoted: bool, strip_tabs: bool,
    ) -> None:
        self.start = start
        self.end = end
        self.operator = operator
        self.delimiter = delimiter
        self.quoted = quoted
        self.strip_tabs = strip_tabs


class _Scanner:
    def __init__(self, script: str) -> None:
        self.s = script
        self.n = len(script)
        self.tokens: list[_RawToken] = []
        self.heredocs: list[HereDoc] = []
        self.pending: list[_PendingHereDoc] = []
        self.next_context = 0

    # -- contexts ---------------------------------------------------------------------------
    def new_context(self, depth: int) -> _Context:
        ctx = _Context(self.next_context, depth)
        self.next_context += 1
        return ctx

    def emit(self, ctx: _Context, kind: str, start: int, end: int) -> None:
        tok = _RawToken(kind, start, end, ctx.depth, ctx.ident, blank_before=not ctx.dirty)
        if ctx.last is not None:
            ctx.last.blank_after = not ctx.dirty
        ctx.last = tok
        ctx.dirty = False
        ctx.command_start = True
        self.tokens.append(tok)

    def finish(self, ctx: _Context) -> None:
        if ctx.last is not None:
            ctx.last.blank_after = not ctx.dirty

    def scan(self, pos: int, limit: int, ctx: _Context, closer: str | None) -> int:
        """Scan one context from ``pos``; return the offset just after its closer (or ``limit``)."""
        s = self.s
        while pos < limit:
            c = s[pos]
            if c in _BLANKS:
                pos += 1
            elif c == "\n":
                if ctx.in_test:
                    pos += 1
                    continue
                self.emit(ctx, NEWLINE, pos, pos + 1)
                pos = self.read_heredoc_bodies(pos + 1, limit)
            elif c == "#" and (pos == 0 or s[pos - 1] in _META):
                while pos < limit and s[pos] != "\n":
                    pos += 1
            elif c == "\\":
                if pos + 1 < limit and s[pos + 1] == "\n":
                    pos += 2
                else:
                    self.word(ctx)
                    pos += 2
            elif c == closer == ")" and ctx.paren_depth == 0 and not self.in_case_pattern(ctx):
                self.finish(ctx)
                return pos + 1
            elif c in "&|;()<>":
                pos = self.operator(pos, limit, ctx)
            else:
                pos = self.word_text(pos, limit, ctx)
        self.finish(ctx)
        return limit

    # -- operators --------------------------------------------------------------------------
    @staticmethod
    def in_case_pattern(ctx: _Context) -> bool:
        return bool(ctx.case_states) and ctx.case_states[-1] == "pattern"

    def word(self, ctx: _Context) -> None:
        ctx.dirty = True
        ctx.command_start = False

    def operator(self, pos: int, limit: int, ctx: _Context) -> int:
        s = self.s
        c = s[pos]
        two = s[pos : pos + 2] if pos + 1 < limit else c
        three = s[pos : pos + 3] if pos + 2 < limit else two
        if c in "<>":
            if pos + 1 < limit and s[pos + 1] == "(":
                self.word(ctx)
                sub = self.new_context(ctx.depth + 1)
                return self.scan(pos + 2, limit, sub, ")")
            if three == "<<<":
                self.word(ctx)
                return pos + 3
            if two == "<<":
                return self.heredoc_operator(pos, limit, ctx)
            self.word(ctx)
            end = pos + 1
            if end < limit and ((c == ">" and s[end] in ">&|") or (c == "<" and s[end] in "&>")):
                end += 1
            if s[end - 1] == "&" and end < limit and s[end] == "-":
                end += 1
            return end
        if ctx.in_test:
            # Inside [[ ... ]], && || ( ) are test operators, not control operators.
            self.word(ctx)
            return pos + (2 if two in ("&&", "||") else 1)
        if c == "&":
            if two == "&>":
                self.word(ctx)
                return pos + (3 if three == "&>>" else 2)
            if two == "&&":
                self.emit(ctx, "&&", pos, pos + 2)
                return pos + 2
            self.emit(ctx, "&", pos, pos + 1)
            return pos + 1
        if c == "|":
            if self.in_case_pattern(ctx):
                self.word(ctx)
                return pos + 1
            if two in ("||", "|&"):
                self.emit(ctx, two, pos, pos + 2)
                return pos + 2
            self.emit(ctx, "|", pos, pos + 1)
            return pos + 1
        if c == ";":
            kind = ";;&" if three == ";;&" else two if two in (";;", ";&") else ";"
            self.emit(ctx, kind, pos, pos + len(kind))
            if kind in CASE_KINDS and ctx.case_states:
                ctx.case_states[-1] = "pattern"
            return pos + len(kind)
        if c == "(":
            if self.in_case_pattern(ctx):
                return pos + 1
            if two == "((" and ctx.command_start:
                arith_end = self.arithmetic_end(pos + 2, limit)
                if arith_end is not None:
                    self.word(ctx)
                    return arith_end
            ctx.paren_depth += 1
            self.emit(ctx, "(", pos, pos + 1)
            return pos + 1
        # c == ")"
        if self.in_case_pattern(ctx):
            ctx.case_states[-1] = "body"
            ctx.dirty = True
            ctx.command_start = True
            return pos + 1
        ctx.paren_depth = max(0, ctx.paren_depth - 1)
        self.emit(ctx, ")", pos, pos + 1)
        ctx.command_start = False
        return pos + 1

    def arithmetic_end(self, pos: int, limit: int) -> int | None:
        """End of ``((...))`` / ``$((...))`` whose body starts at ``pos``; None if not arithmetic."""
        depth = 2
        s = self.s
        while pos < limit:
            c = s[pos]
            if c == "(":
                depth += 1
            elif c == ")":
                depth -= 1
                if depth == 1:
                    return pos + 2 if pos + 1 < limit and s[pos + 1] == ")" else None
            elif c == "\n" and depth <= 2:
                pass
            pos += 1
        return None

    # -- heredocs ---------------------------------------------------------------------------
    def heredoc_operator(self, pos: int, limit: int, ctx: _Context) -> int:
        s = self.s
        self.word(ctx)
        op_end = pos + 2
        strip = op_end < limit and s[op_end] == "-"
        if strip:
            op_end += 1
        p = op_end
        while p < limit and s[p] in " \t":
            p += 1
        delimiter: list[str] = []
        quoted = False
        while p < limit and s[p] not in _META:
            c = s[p]
            if c in "'\"":
                quoted = True
                close = s.find(c, p + 1, limit)
                close = limit if close < 0 else close
                delimiter.append(s[p + 1 : close])
                p = close + 1
            elif c == "\\":
                quoted = True
                delimiter.append(s[p + 1 : p + 2])
                p += 2
            else:
                delimiter.append(c)
                p += 1
        p = min(p, limit)
        if delimiter or quoted:
            self.pending.append(_PendingHereDoc(pos, p, s[pos:op_end], "".join(delimiter), quoted, strip))
        return max(p, op_end)

    def read_heredoc_bodies(self, pos: int, limit: int) -> int:
        s = self.s
        pending, self.pending = self.pending, []
        for doc in pending:
            body_start = pos
            found = False
            line_start = pos
            while line_start < limit:
                nl = s.find("\n", line_start, limit)
                line_end = limit if nl < 0 else nl
                line = s[line_start:line_end]
                if doc.strip_tabs:
                    line = line.lstrip("\t")
                if line == doc.delimiter:
                    self.heredocs.append(
                        HereDoc(
                            doc.start,
                            doc.end,
                            doc.operator,
                            doc.delimiter,
                            doc.quoted,
                            doc.strip_tabs,
                            body_start,
                            line_start,
                            line_end,
                            True,
                        )
                    )
                    found = True
                    pos = min(line_end + 1, limit)
                    break
                line_start = line_end + 1
            if not found:
                self.heredocs.append(
                    HereDoc(
                        doc.start,
                        doc.end,
                        doc.operator,
                        doc.delimiter,
                        doc.quoted,
                        doc.strip_tabs,
                        body_start,
                        limit,
                        limit,
                        False,
                    )
                )
                pos = limit
        return pos

    # -- words ------------------------------------------------------------------------------
    def word_text(self, pos: int, limit: int, ctx: _Context) -> int:
        """Consume one piece of a word (plain run, quoted string, expansion) and return the new offset."""
        s = self.s
        c = s[pos]
        if c == "'":
            self.word(ctx)
            close = s.find("'", pos + 1, limit)
            return limit if close < 0 else close + 1
        if c == '"':
            self.word(ctx)
            return self.double_quoted(pos + 1, limit, ctx)
        if c == "`":
            self.word(ctx)
            return self.backtick(pos + 1, limit, ctx)
        if c == "$":
            self.word(ctx)
            return self.dollar(pos, limit, ctx)
        end = pos
        while end < limit and s[end] not in _WORD_STOP:
            end += 1
        if end == pos:  # a stray character that is neither: take it as word text
            self.word(ctx)
            return pos + 1
        text = s[pos:end]
        whole = (pos == 0 or s[pos - 1] in _META) and (end >= limit or s[end] in _META)
        at_start = ctx.command_start
        self.word(ctx)
        if whole:
            self.keyword(text, at_start, ctx)
        return end

    def keyword(self, text: str, at_start: bool, ctx: _Context) -> None:
        states = ctx.case_states
        if ctx.in_test:
            if text == "]]":
                ctx.in_test = False
            return
        if states and states[-1] == "header":
            if text == "in":
                states[-1] = "pattern"
            return
        if states and text == "esac" and (states[-1] == "pattern" or at_start):
            states.pop()
            return
        if not at_start:
            return
        if text == "case":
            states.append("header")
        elif text == "[[":
            ctx.in_test = True
        elif text in _COMMAND_KEYWORDS:
            ctx.command_start = True

    def double_quoted(self, pos: int, limit: int, ctx: _Context) -> int:
        s = self.s
        while pos < limit:
            c = s[pos]
            if c == "\\":
                pos += 2
            elif c == '"':
                return pos + 1
            elif c == "`":
                pos = self.backtick(pos + 1, limit, ctx)
            elif c == "$" and s[pos + 1 : pos + 2] in ("(", "{"):
                pos = self.dollar(pos, limit, ctx)
            else:
                pos += 1
        return limit

    def backtick(self, pos: int, limit: int, ctx: _Context) -> int:
        s = self.s
        close = pos
        while close < limit and s[close] != "`":
            close += 2 if s[close] == "\\" else 1
        close = min(close, limit)
        sub = self.new_context(ctx.depth + 1)
        saved = self.pending
        self.pending = []
        self.scan(pos, close, sub, None)
        self.pending = saved + self.pending
        return min(close + 1, limit)

    def dollar(self, pos: int, limit: int, ctx: _Context) -> int:
        s = self.s
        nxt = s[pos + 1] if pos + 1 < limit else ""
        if nxt == "(":
            if pos + 2 < limit and s[pos + 2] == "(":
                end = self.arithmetic_end(pos + 3, limit)
                if end is not None:
                    return end
            sub = self.new_context(ctx.depth + 1)
            return self.scan(pos + 2, limit, sub, ")")
        if nxt == "{":
            return self.braces(pos + 2, limit)
        if nxt == "'":
            p = pos + 2
            while p < limit and s[p] != "'":
                p += 2 if s[p] == "\\" else 1
            return min(p + 1, limit)
        if nxt == '"':
            return self.double_quoted(pos + 2, limit, ctx)
        return pos + 1

    def braces(self, pos: int, limit: int) -> int:
        s = self.s
        depth = 1
        while pos < limit:
            c = s[pos]
            if c == "\\":
                pos += 2
                continue
            if c == "'":
                close = s.find("'", pos + 1, limit)
                pos = limit if close < 0 else close + 1
                continue
            if c == '"':
                pos = self.double_quoted(pos + 1, limit, _Context(-1, 0))
                continue
            if c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
                if depth == 0:
                    return pos + 1
            pos += 1
        return limit


def _scan(script: str) -> _Scanner:
    scanner = _Scanner(script)
    top = scanner.new_context(0)
    with contextlib.suppress(RecursionError):  # absurdly deep nesting: keep what was found
        scanner.scan(0, len(script), top, None)
    end = len(script)
    for doc in scanner.pending:  # opened but the text ends on their line: no body
        scanner.heredocs.append(
            HereDoc(
                doc.start,
                doc.end,
                doc.operator,
                doc.delimiter,
                doc.quoted,
                doc.strip_tabs,
                end,
                end,
                end,
                False,
            )
        )
    scanner.tokens.sort(key=lambda t: t.start)
    return scanner


def _freeze(script: str, raw: list[_RawToken], position_of: PositionOf) -> list[Token]:
    return [
        Token(
            t.kind,
            script[t.start : t.end],
            t.start,
            t.end,
            span_of(position_of, t.start, t.end),
            t.depth,
            t.context,
            t.blank_before,
            t.blank_after,
        )
        for t in raw
    ]


def control_tokens(script: str, position_of: PositionOf | None = None) -> list[Token]:
    """Every control operator, subshell parenthesis and newline of ``script``, in source order.

    Malformed sequences come out as written (``&&&`` is ``&&`` then ``&``), so
    :func:`operator_problems` can point at the exact column.
    """
    return _freeze(script, _scan(script).tokens, position_of or script_positions(script))


def scan_script(script: str, position_of: PositionOf | None = None) -> tuple[list[Token], list[HereDoc]]:
    """Tokens and heredocs in one pass (what :mod:`dflint.shell.parse` needs)."""
    scanner = _scan(script)
    heredocs = sorted(scanner.heredocs, key=lambda h: h.start)
    return _freeze(script, scanner.tokens, position_of or script_positions(script)), heredocs


def operator_problems(tokens: list[Token]) -> list[OperatorProblem]:
    """Control operators a POSIX shell rejects: leading (``&& a``, ``a\\n&& b``), doubled
    (``& &``, ``&&&``, ``&& &&``, ``; &&``) or trailing (``a &&`` at the end of the script, of a
    ``$(...)`` or before ``)``).

    Each problem is reported once, at the operator that cannot stand where it is: the second one
    of a doubled pair, the operator itself when nothing comes before or after it.
    """
    problems: list[OperatorProblem] = []
    by_context: dict[int, list[Token]] = {}
    for tok in tokens:
        by_context.setdefault(tok.context, []).append(tok)
    for toks in by_context.values():
        for i, tok in enumerate(toks):
            if tok.kind in (NEWLINE, "("):
                continue
            if tok.blank_before:
                problem = _misplaced(toks, i)
                if problem is not None:
                    problems.append(problem)
            if tok.kind in BINARY_KINDS and tok.blank_after and _nothing_follows(toks, i):
                problems.append(_trailing(tok))
    problems.sort(key=lambda p: p.token.start)
    return problems


def _trailing(tok: Token) -> OperatorProblem:
    return OperatorProblem(tok, "trailing", f"`{tok.text}` is not followed by a command")


def _misplaced(toks: list[Token], i: int) -> OperatorProblem | None:
    """The problem of ``toks[i]`` when only blanks separate it from the token before it."""
    tok = toks[i]
    if tok.kind == ")":
        j = i - 1
        while j >= 0 and toks[j].kind == NEWLINE and toks[j].blank_before:
            j -= 1
        if j >= 0 and toks[j].kind in BINARY_KINDS:
            return _trailing(toks[j])
        return None
    leading = OperatorProblem(tok, "leading", f"`{tok.text}` has no command before it")
    if i == 0:
        return leading
    prev = toks[i - 1]
    if prev.kind == ")":
        return None
    if prev.kind in (NEWLINE, "("):
        return None if tok.kind in CASE_KINDS else leading
    doubled = OperatorProblem(tok, "doubled", f"unexpected `{tok.text}` after `{prev.text}`")
    if prev.kind in BINARY_KINDS:
        return doubled
    return None if tok.kind in CASE_KINDS else doubled


def _nothing_follows(toks: list[Token], i: int) -> bool:
    """True when ``toks[i]`` is followed only by blank lines up to the end of its context."""
    return all(nxt.kind == NEWLINE and nxt.blank_after for nxt in toks[i + 1 :])
