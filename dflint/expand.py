"""BuildKit variable expansion: the shell *word* lexer of ``frontend/dockerfile/shell``.

BuildKit does not run a shell to expand ``$VAR`` in ENV, COPY, WORKDIR, FROM...; it runs its own
small lexer whose rules differ from POSIX sh in many corners (no ``$(...)``, quotes inside
``${v:-"a b"}`` are removed, ``#``/``%`` patterns keep escapes raw, ``//`` replacement uses Go's
``$`` template syntax...). Rules that reason about expanded values must see exactly what the
build would see, so this module mirrors that lexer character by character instead of borrowing
``shlex`` or ``os.path.expandvars``.

Nothing here raises on bad input: a syntax or expansion error comes back as
:class:`ExpansionError` with the offset where BuildKit would have stopped (spec §9.1).

One deliberate difference: for ``${name`` cut off at the end of the word BuildKit reports
``unsupported modifier (\\ufffd) in substitution`` (it prints Go's EOF rune); the spec and every
user expect ``syntax error: missing '}'``, which is what we report.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import ClassVar

from dflint.lazyre import LazyPattern
from dflint.records import FACTORY, Factories, FrozenRecord

__all__ = [
    "SPECIAL_PARAMS",
    "Expansion",
    "ExpansionError",
    "VarUse",
    "expand",
    "expand_heredoc",
    "expand_words",
    "variables_in",
]

#: One-character parameter names of POSIX sh that BuildKit's lexer accepts after ``$``.
SPECIAL_PARAMS = frozenset("@*#?-$!0")

#: Modifiers whose word is used when the variable is unset: BuildKit's linter still counts
#: ``${X:-d}`` as a use of X, but rules may want to treat such uses more leniently.
_DEFAULT_MODIFIERS = frozenset({"-", ":-"})

# Go's unicode.IsSpace; str.isspace() differs (it includes \x1c-\x1f).
_GO_SPACES = frozenset(
    "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)


class VarUse(FrozenRecord):
    """One reference to a variable: ``$NAME`` or ``${NAME...}``.

    ``start``/``end`` are code-point offsets into the expanded word (end exclusive), covering the
    whole reference from ``$`` to the closing ``}``, so a rule can underline it.
    """

    __slots__ = ("braced", "end", "is_set", "modifier", "name", "start")
    __match_args__ = ("name", "start", "end", "modifier", "braced", "is_set")

    name: str
    start: int
    end: int
    #: "" for ``$V``/``${V}``, else the operator: ``-``, ``:-``, ``+``, ``:+``, ``?``, ``:?``,
    #: ``#``, ``##``, ``%``, ``%%``, ``/``, ``//`` (or the unsupported text for erroneous ones).
    modifier: str
    braced: bool
    #: Whether the environment had the variable (always False from :func:`variables_in`).
    is_set: bool

    def __init__(
        self, name: str, start: int, end: int, modifier: str = "", braced: bool = False,
        is_set: bool = False,
    ) -> None:
        _set = object.__setattr__
        _set(self, "name", name)
        _set(self, "start", start)
        _set(self, "end", end)
        _set(self, "modifier", modifier)
        _set(self, "braced", braced)
        _set(self, "is_set", is_set)

    @property
    def has_default(self) -> bool:
        """``${V-w}`` / ``${V:-w}``: the reference supplies its own fallback value."""
        return self.modifier in _DEFAULT_MODIFIERS


class ExpansionError(FrozenRecord):
    """Why expansion failed, with BuildKit's message and the offset range of the culprit."""

    __slots__ = ("end", "message", "offset")
    __match_args__ = ("message", "offset", "end")

    message: str
    offset: int
    end: int

    def __init__(self, message: str, offset: int, end: int) -> None:
        _set = object.__setattr__
        _set(self, "message", message)
        _set(self, "offset", offset)
        _set(self, "end", end)

    def full_message(self, word: str) -> str:
        """The message as ``docker build`` prints it (BuildKit wraps it with the word)."""
        return f"failed to process {_go_quote(word)}: {self.message}"


class Expansion(FrozenRecord):
    """The result of expanding one word. ``value`` is "" when ``error`` is set, as in BuildKit."""

    __slots__ = ("error", "used", "value", "words")
    __match_args__ = ("value", "used", "error", "words")
    _factories: ClassVar[Factories] = {"used": list, "words": list}

    value: str
    used: list[VarUse]
    error: ExpansionError | None
    #: The value split on unquoted whitespace (what EXPOSE sees); empty quoted words vanish.
    words: list[str]

    def __init__(
        self, value: str, used: list[VarUse] = FACTORY, error: ExpansionError | None = None,
        words: list[str] = FACTORY,
    ) -> None:
        _set = object.__setattr__
        _set(self, "value", value)
        _set(self, "used", [] if used is FACTORY else used)
        _set(self, "error", error)
        _set(self, "words", [] if words is FACTORY else words)

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def unset(self) -> list[VarUse]:
        """References to variables that the environment did not have, in order."""
        return [use for use in self.used if not use.is_set]


class _Failure(Exception):
    """Internal unwinding only; never escapes this module."""

    def __init__(self, message: str, offset: int, end: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset
        self.end = end


class _Words:
    """BuildKit's wordsStruct: word splitting that happens alongside expansion."""

    __slots__ = ("in_word", "word", "words")

    def __init__(self) -> None:
        self.word = ""
        self.words: list[str] = []
        self.in_word = False

    def add_char(self, ch: str) -> None:
        if ch in _GO_SPACES:
            if self.in_word and self.word:
                self.words.append(self.word)
                self.word = ""
                self.in_word = False
        else:
            self.add_raw_char(ch)

    def add_raw_char(self, ch: str) -> None:
        self.word += ch
        self.in_word = True

    def add_string(self, text: str) -> None:
        for ch in text:
            self.add_char(ch)

    def add_raw_string(self, text: str) -> None:
        self.word += text
        self.in_word = True

    def result(self) -> list[str]:
        if self.word:
            self.words.append(self.word)
            self.word = ""
            self.in_word = False
        return self.words


class _Lexer:
    """One expansion run; mirrors BuildKit's ``shellWord`` (method names follow it)."""

    def __init__(
        self,
        text: str,
        env: Mapping[str, str],
        escape: str,
        *,
        quotes: bool,
        strict: bool,
        collect_only: bool,
    ) -> None:
        self.text = text
        self.pos = 0
        self.env = env
        self.escape = escape
        self.quotes = quotes
        self.strict = strict
        self.collect_only = collect_only
        self.raw_escapes = False
        self.used: list[VarUse] = []

    # -- scanner -----------------------------------------------------------------------------
    def peek(self) -> str | None:
        return self.text[self.pos] if self.pos < len(self.text) else None

    def next(self) -> str | None:
        if self.pos < len(self.text):
            ch = self.text[self.pos]
            self.pos += 1
            return ch
        return None

    def fail(self, message: str, offset: int) -> _Failure:
        return _Failure(message, offset, max(self.pos, offset))

    # -- words -------------------------------------------------------------------------------
    def process_stop_on(self, stop: str | None, raw_escapes: bool) -> tuple[str, list[str]]:
        result: list[str] = []
        words = _Words()
        saved = self.raw_escapes
        self.raw_escapes = raw_escapes
        try:
            while (ch := self.peek()) is not None:
                if stop is not None and ch == stop:
                    self.pos += 1
                    return "".join(result), words.result()
                if ch == "$":
                    piece = self.process_dollar()
                    result.append(piece)
                    words.add_string(piece)
                elif self.quotes and ch in "'\"":
                    piece = self.process_single_quote() if ch == "'" else self.process_double_quote()
                    result.append(piece)
                    words.add_raw_string(piece)
                else:
                    self.pos += 1
                    if ch == self.escape:
                        if self.raw_escapes:
                            words.add_raw_char(ch)
                            result.append(ch)
                        following = self.next()
                        if following is None:
                            # A trailing lone escape char is dropped.
                            break
                        words.add_raw_char(following)
                        result.append(following)
                    else:
                        words.add_char(ch)
                        result.append(ch)
            if stop is not None:
                raise self.fail(
                    f"unexpected end of statement while looking for matching {stop}", self.pos
                )
            return "".join(result), words.result()
        finally:
            self.raw_escapes = saved

    def process_single_quote(self) -> str:
        start = self.pos
        self.pos += 1
        end = self.text.find("'", self.pos)
        if end < 0:
            self.pos = len(self.text)
            raise self.fail("unexpected end of statement while looking for matching single-quote", start)
        piece = self.text[self.pos : end]
        self.pos = end + 1
        return piece

    def process_double_quote(self) -> str:
        start = self.pos
        self.pos += 1
        result: list[str] = []
        while True:
            ch = self.peek()
            if ch is None:
                raise self.fail(
                    "unexpected end of statement while looking for matching double-quote", start
                )
            if ch == '"':
                self.pos += 1
                return "".join(result)
            if ch == "$":
                result.append(self.process_dollar())
                continue
            self.pos += 1
            if ch == self.escape:
                if self.raw_escapes:
                    result.append(ch)
                following = self.peek()
                if following is None:
                    continue
                if following in ('"', "$", self.escape):
                    self.pos += 1
                    ch = following
            result.append(ch)

    # -- $ -----------------------------------------------------------------------------------
    def process_dollar(self) -> str:
        start = self.pos
        self.pos += 1  # the '$'
        if self.peek() != "{":
            name = self.process_name()
            if not name:
                return "$"
            return self.lookup(name, start)

        self.pos += 1  # the '{'
        ch = self.peek()
        if ch is None:
            raise self.fail("syntax error: missing '}'", start)
        if ch in "{}:":
            raise self.fail("syntax error: bad substitution", start)
        name = self.process_name()
        op = self.next()
        if op is None:
            raise self.fail("syntax error: missing '}'", start)
        if op == "}":
            return self.lookup(name, start)
        if op == "/":
            return self.process_replace(name, start)
        modifier = op
        null_is_unset = False
        if op == ":":
            null_is_unset = True
            following = self.next()
            # Go appends its EOF rune here; the word scan below then fails with "missing '}'".
            op = following if following is not None else ""
            modifier += op
        elif op not in "+-?#%":
            raise self.fail(f"unsupported modifier ({op}) in substitution", start)
        raw = op in ("#", "%")
        try:
            word, _ = self.process_stop_on("}", raw)
        except _Failure as failure:
            if self.peek() is None:
                raise self.fail("syntax error: missing '}'", start) from failure
            raise
        if raw and not null_is_unset and word.startswith(op):
            modifier += op
        value, is_set = self.get_env(name)
        self.record(name, start, modifier, is_set)
        if op == "-":
            return word if not is_set or (null_is_unset and value == "") else value
        if op == "+":
            return "" if not is_set or (null_is_unset and value == "") else word
        if op == "?":
            if self.collect_only:
                return value
            if not is_set:
                raise self.fail(f"{name}: {word or 'is not allowed to be unset'}", start)
            if null_is_unset and value == "":
                raise self.fail(f"{name}: {word or 'is not allowed to be empty'}", start)
            return value
        if op in ("#", "%") and not null_is_unset:
            greedy = word.startswith(op)
            pattern = word[1:] if greedy else word
            try:
                if op == "%":
                    return _trim_suffix(pattern, value, greedy)
                return _trim_prefix(pattern, value, greedy)
            except _PatternError as err:
                if self.collect_only:
                    return value
                raise self.fail(f"invalid pattern ({pattern}) in substitution: {err}", start) from err
        raise self.fail(f"unsupported modifier ({modifier}) in substitution", start)

    def process_replace(self, name: str, start: int) -> str:
        replace_all = self.peek() == "/"
        if replace_all:
            self.pos += 1
        try:
            pattern, _ = self.process_stop_on("/", True)
        except _Failure as failure:
            if self.peek() is None:
                raise self.fail("syntax error: missing '/' in ${}", start) from failure
            raise
        try:
            replacement, _ = self.process_stop_on("}", True)
        except _Failure as failure:
            if self.peek() is None:
                raise self.fail("syntax error: missing '}'", start) from failure
            raise
        value, is_set = self.get_env(name)
        self.record(name, start, "//" if replace_all else "/", is_set)
        try:
            regex = _shell_pattern_to_regex(pattern, greedy=True, anchored=False)
        except _PatternError as err:
            if self.collect_only:
                return value
            raise self.fail(f"invalid pattern ({pattern}) in substitution: {err}", start) from err
        if replace_all:
            return _go_replace_all(regex, value, replacement)
        match = regex.search(value)
        if match is None:
            return value
        return value[: match.start()] + replacement + value[match.end() :]

    def process_name(self) -> str:
        ch = self.peek()
        if ch is None:
            return ""
        if ch.isdecimal():
            begin = self.pos
            while (c := self.peek()) is not None and c.isdecimal():
                self.pos += 1
            return self.text[begin : self.pos]
        if ch in SPECIAL_PARAMS:
            self.pos += 1
            return ch
        begin = self.pos
        while (c := self.peek()) is not None and (c.isalpha() or c.isdecimal() or c == "_"):
            self.pos += 1
        return self.text[begin : self.pos]

    # -- environment -------------------------------------------------------------------------
    def get_env(self, name: str) -> tuple[str, bool]:
        if name in self.env:
            return self.env[name], True
        return "", False

    def record(self, name: str, start: int, modifier: str, is_set: bool) -> None:
        self.used.append(
            VarUse(
                name=name,
                start=start,
                end=self.pos,
                modifier=modifier,
                braced=self.text.startswith("${", start),
                is_set=is_set,
            )
        )
        if self.strict and not is_set and modifier in ("", "#", "##", "%", "%%", "/", "//"):
            raise self.fail(f"{name}: variable is not set", start)

    def lookup(self, name: str, start: int) -> str:
        value, is_set = self.get_env(name)
        self.record(name, start, "", is_set)
        return value


# -- glob patterns ---------------------------------------------------------------------------
class _PatternError(ValueError):
    pass


def _shell_pattern_to_regex(pattern: str, *, greedy: bool, anchored: bool) -> re.Pattern[str]:
    """BuildKit's convertShellPatternToRegex: ``*``, ``?``, and escapes ``\\* \\? \\\\``.

    ``\\}`` and ``\\/`` only protect the ``${}`` delimiters, so the backslash is dropped; any
    other escape is an error (BuildKit: ``invalid escape '\\x'``). No ``[...]`` classes.
    """
    out = ["^"] if anchored else []
    star = ".*" if greedy else ".*?"
    i = 0
    n = len(pattern)
    while i < n:
        ch = pattern[i]
        i += 1
        if ch == "*":
            out.append(star)
        elif ch == "?":
            out.append(".")
        elif ch == "\\":
            if i < n and pattern[i] in "}/":
                continue
            if i >= n:
                raise _PatternError("invalid escape '\\'")
            escaped = pattern[i]
            i += 1
            if escaped not in "*?\\":
                raise _PatternError(f"invalid escape '\\{escaped}'")
            out.append(re.escape(escaped))
        else:
            out.append(re.escape(ch))
    return re.compile("".join(out))


def _trim_prefix(pattern: str, value: str, greedy: bool) -> str:
    match = _shell_pattern_to_regex(pattern, greedy=greedy, anchored=True).search(value)
    return value[match.end() :] if match else value


def _reverse_pattern(pattern: str) -> str:
    """Reverse a pattern but keep each ``\\x`` escape pair in order (``a\\*c`` → ``c\\*a``)."""
    out = [""] * len(pattern)
    last = len(pattern) - 1
    i = 0
    while i <= last:
        ch = pattern[i]
        target = last - i
        if ch == "\\" and i != last:
            out[target - 1] = ch
            out[target] = pattern[i + 1]
            i += 2
        else:
            out[target] = ch
            i += 1
    return "".join(out)


def _trim_suffix(pattern: str, value: str, greedy: bool) -> str:
    # Regexes find leftmost matches only, so BuildKit reverses both pattern and value.
    return _trim_prefix(_reverse_pattern(pattern), value[::-1], greedy)[::-1]


_TEMPLATE_NAME = LazyPattern(r"[A-Za-z0-9_]+")


def _go_template(replacement: str, match: re.Match[str]) -> str:
    """Go's Regexp.Expand on a pattern with no capture groups: ``$0`` is the match, ``$$`` a ``$``."""
    out: list[str] = []
    i = 0
    n = len(replacement)
    while i < n:
        ch = replacement[i]
        if ch != "$" or i + 1 >= n:
            out.append(ch)
            i += 1
            continue
        if replacement[i + 1] == "$":
            out.append("$")
            i += 2
            continue
        if replacement[i + 1] == "{":
            close = replacement.find("}", i + 2)
            name = replacement[i + 2 : close] if close > 0 else ""
            if close < 0 or not _TEMPLATE_NAME.fullmatch(name):
                out.append("$")
                i += 1
                continue
            i = close + 1
        else:
            found = _TEMPLATE_NAME.match(replacement, i + 1)
            if found is None:
                out.append("$")
                i += 1
                continue
            name = found.group()
            i = found.end()
        if name.isdigit() and int(name) == 0:
            out.append(match.group())
    return "".join(out)


def _go_replace_all(regex: re.Pattern[str], value: str, replacement: str) -> str:
    """Go's ReplaceAllString: unlike re.sub, an empty match right after a match is not replaced."""
    out: list[str] = []
    last_end = 0
    search = 0
    n = len(value)
    while search <= n:
        match = regex.search(value, search)
        if match is None:
            break
        a0, a1 = match.span()
        out.append(value[last_end:a0])
        if a1 > last_end or a0 == 0:
            out.append(_go_template(replacement, match) if "$" in replacement else replacement)
        last_end = a1
        search = search + 1 if search + 1 > a1 else a1
    out.append(value[last_end:])
    return "".join(out)


def _go_quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{escaped}"'


# -- public API ------------------------------------------------------------------------------
def _run(
    word: str,
    env: Mapping[str, str],
    escape: str,
    *,
    quotes: bool = True,
    strict: bool = False,
    collect_only: bool = False,
) -> Expansion:
    if "$" not in word and escape not in word and not (quotes and ("'" in word or '"' in word)):
        # Nothing to expand, unquote or unescape (most words of a real file): the lexer would
        # copy every character and only split on spaces. Linting a 500-line file expands
        # some 1,200 words; this path makes that cost negligible.
        return Expansion(word, [], None, _split_go_spaces(word))
    lexer = _Lexer(word, env, escape, quotes=quotes, strict=strict, collect_only=collect_only)
    try:
        value, words = lexer.process_stop_on(None, False)
    except _Failure as failure:
        error = ExpansionError(failure.message, failure.offset, failure.end)
        return Expansion("", _in_order(lexer.used), error, [])
    except (RecursionError, re.error) as exc:  # pathological nesting or a regex we did not foresee
        error = ExpansionError(f"cannot expand: {exc}", lexer.pos, len(word))
        return Expansion("", _in_order(lexer.used), error, [])
    return Expansion(value, _in_order(lexer.used), None, words)


def _split_go_spaces(word: str) -> list[str]:
    """The words of text with nothing to expand: what :class:`_Words` makes of its characters."""
    if not any(ch in _GO_SPACES for ch in word):
        return [word] if word else []
    words = _Words()
    words.add_string(word)
    return words.result()


def _in_order(used: list[VarUse]) -> list[VarUse]:
    """Source order: BuildKit looks up ``b`` in ``${a:-$b}`` before ``a``; readers expect ``a`` first."""
    return sorted(used, key=lambda use: use.start)


def expand(
    word: str,
    env: Mapping[str, str],
    *,
    escape: str = "\\",
    strict: bool = False,
    quotes: bool = True,
) -> Expansion:
    """Expand ``word`` as BuildKit does for ENV, LABEL, COPY, WORKDIR, USER, FROM... (§9.1).

    ``escape`` is the file's ``# escape`` character. With ``strict``, a plain reference to an
    unset variable (no ``-``/``+``/``?`` modifier) is an error ``NAME: variable is not set``
    instead of expanding to empty (BuildKit is never strict; this is for rules that want to know).
    ``quotes=False`` treats quotes as ordinary characters (heredoc bodies, §7).
    Never raises.
    """
    return _run(word, env, escape, quotes=quotes, strict=strict)


def expand_words(
    word: str,
    env: Mapping[str, str],
    *,
    escape: str = "\\",
    strict: bool = False,
) -> Expansion:
    """Expand and split on unquoted whitespace, as EXPOSE does; the result is in ``.words``."""
    return _run(word, env, escape, strict=strict)


def expand_heredoc(body: str, env: Mapping[str, str]) -> Expansion:
    """Expand a COPY/ADD heredoc body: ``\\`` escapes (whatever ``# escape`` says), quotes literal."""
    return _run(body, env, "\\", quotes=False)


def variables_in(word: str, escape: str = "\\", *, quotes: bool = True) -> list[VarUse]:
    """Every variable referenced in ``word`` (no environment needed), in source order.

    ``${V?msg}`` and bad patterns do not stop the scan here, only syntax errors do (the
    references before the error are still returned). Each caller gets a list of its own.
    """
    return list(_variables_in(word, escape, quotes))


@functools.lru_cache(maxsize=4096)
def _variables_in(word: str, escape: str, quotes: bool) -> tuple[VarUse, ...]:
    """Cached: a pure function of its arguments (VarUse is frozen), and the same words are
    scanned by several rules per lint and again at every lint of the language server."""
    return tuple(_run(word, {}, escape, quotes=quotes, collect_only=True).used)
