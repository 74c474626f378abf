"""Dockerfile parser: bytes → typed tree, agreeing with BuildKit's parser (spec §1–8).

Pipeline (why each step is where it is, see spec §11):
1. :mod:`dflint.source` decodes losslessly and splits physical lines;
2. :mod:`dflint.directives` reads the directive block (the escape char is data);
3. the pre-pass here joins continuations, drops comment/blank lines, and cuts heredoc bodies
   (which needs the keyword and the exec-form test, so it runs per logical line);
4. the Lark LALR grammar (``grammar/dockerfile.lark``) splits every logical line into keyword,
   flag words and argument text;
5. small per-instruction functions below turn the argument text into BuildKit's AST nodes
   (``Instruction.value``) and typed fields, and the instruction layer's cheap, certain checks
   add errors. ``parse_*`` never raise.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from dflint import tree as t
from dflint.directives import scan_directives
from dflint.lazyre import LazyPattern
from dflint.source import decode, go_quote
from dflint.span import Span

__all__ = ["parse_bytes", "parse_file", "parse_text"]

# Go's unicode.IsSpace (TrimSpace, word grouping, flags); Python's str.isspace adds \x1c-\x1f.
GO_SPACE = "\t\n\v\f\r \x85\xa0\u1680" + "".join(chr(c) for c in range(0x2000, 0x200B)) + (
    "\u2028\u2029\u202f\u205f\u3000"
)
_GO_SPACE_SET = frozenset(GO_SPACE)
# BuildKit's reWhitespace: ASCII blanks without newline.
_WS = LazyPattern(r"[\t\v\f\r ]+")
_NONWS = LazyPattern(r"[^\t\v\f\r ]+")
_GO_WORD = LazyPattern("[^" + re.escape(GO_SPACE) + "]+")
_HEREDOC_WORD = LazyPattern(r"^(\d*)<<(-?)[\t\n\f\r ]*([^<]*)$", re.S)
_STAGE_NAME = LazyPattern(r"^[a-z][a-z0-9-_.]*$")

KNOWN = [
    "add",
    "arg",
    "cmd",
    "copy",
    "entrypoint",
    "env",
    "expose",
    "from",
    "healthcheck",
    "label",
    "maintainer",
    "onbuild",
    "run",
    "shell",
    "stopsignal",
    "user",
    "volume",
    "workdir",
]
_HEREDOC_CMDS = ("run", "copy", "add")
_JSON_CMDS = ("run", "cmd", "entrypoint", "shell")
_LIST_JSON_CMDS = ("add", "copy", "volume")


def go_trim(s: str) -> str:
    return s.strip(GO_SPACE)


def _err(span: Span, message: str, layer: t.ErrorLayer = "parser", code: str = "syntax") -> t.ParseError:
    return t.ParseError(span.start_line, span.start_col, message, span, layer, code)


# ---------------------------------------------------------------------------------------------
# Logical lines (pre-pass)
# ---------------------------------------------------------------------------------------------


class _Logical:
    __slots__ = (
        "comments",
        "empty_cont",
        "end_line",
        "heredoc_end",
        "heredocs",
        "origins",
        "start_line",
        "starts",
        "text",
    )

    def __init__(self, start_line: int, text: str = "", col: int = 1) -> None:
        # Created with its first piece (every logical line has one), which starts at offset 0.
        self.text = text
        self.starts: list[int] = [0]
        self.origins: list[tuple[int, int]] = [(start_line, col)]
        self.start_line = start_line
        self.end_line = start_line
        self.heredoc_end = 0
        self.comments: list[str] = []
        self.empty_cont = 0
        self.heredocs: list[t.Heredoc] = []


def _trim_cont(line: str, escape: str) -> tuple[str, bool]:
    """BuildKit's trimContinuationCharacter: (text, is_end_of_line).

    Its regex ``^(.*[^E])?E[ \t]*$`` (E the escape char), spelled out with string methods: the
    line, blanks trimmed on the right, ends with exactly one E (not two: an escaped escape).
    """
    if not line or (line[-1] != escape and line[-1] not in " \t"):
        return line, True
    body = line.rstrip(" \t")
    if not body or body[-1] != escape or (len(body) > 1 and body[-2] == escape):
        return line, True
    return body[:-1], False


def _is_comment(line: str) -> bool:
    return line.lstrip(GO_SPACE).startswith("#")


# ---------------------------------------------------------------------------------------------
# JSON exec form (Go encoding/json strictness)
# ---------------------------------------------------------------------------------------------


class _NotStrings(Exception):
    pass


def _no_const(_: str) -> Any:
    raise ValueError("not JSON")


def _finite(s: str) -> float:
    v = float(s)
    if v in (float("inf"), float("-inf")):
        raise ValueError("overflow")  # Go's Unmarshal fails: BuildKit falls back to shell form
    return v


def parse_json_array(text: str) -> list[str] | None:
    """The strings of a JSON array of strings, None if ``text`` is not one (shell form).

    Raises :class:`_NotStrings` for a valid array with a non-string element (a parse error).
    """
    if not text.startswith("["):
        return None
    import json

    try:
        data = json.loads(text, parse_constant=_no_const, parse_float=_finite)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, list):
        return None
    out = []
    for v in data:
        if not isinstance(v, str):
            raise _NotStrings
        if any("\ud800" <= c <= "\udfff" for c in v):
            v = "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in v)
        out.append(v)
    return out


# ---------------------------------------------------------------------------------------------
# Word grouping (parseWords) and flags
# ---------------------------------------------------------------------------------------------


def parse_words(rest: str, escape: str) -> list[tuple[str, int, int]]:
    """BuildKit's parseWords (spec §6.4): (word, start, end) with raw quotes/escapes kept."""
    if "'" not in rest and '"' not in rest and escape not in rest:
        # Without quotes and escapes a word is a run of non-blanks: the regex does the loop in C.
        return [(m.group(), m.start(), m.end()) for m in _GO_WORD.finditer(rest)]
    words: list[tuple[str, int, int]] = []
    n = len(rest)
    pos = 0
    phase = 0  # 0 spaces, 1 word, 2 quote
    word: list[str] = []
    start = 0
    quote = ""
    blank_ok = False
    while pos <= n:
        ch = rest[pos] if pos < n else ""
        if phase == 0:
            if pos == n:
                break
            if ch in _GO_SPACE_SET:
                pos += 1
                continue
            phase = 1
            start = pos
        if pos == n:
            if blank_ok or word:
                words.append(("".join(word), start, pos))
            break
        if phase == 1:
            if ch in _GO_SPACE_SET:
                phase = 0
                if blank_ok or word:
                    words.append(("".join(word), start, pos))
                word = []
                blank_ok = False
                pos += 1
                continue
            if ch in ("'", '"'):
                quote = ch
                blank_ok = True
                phase = 2
            if ch == escape:
                if pos + 1 == n:
                    pos += 1
                    continue
                word.append(ch)
                pos += 1
                ch = rest[pos]
            word.append(ch)
            pos += 1
            continue
        # in quote
        if ch == quote:
            phase = 1
        if ch == escape and quote != "'":
            if pos + 1 == n:
                phase = 1
                pos += 1
                continue
            pos += 1
            word.append(ch)
            ch = rest[pos]
        word.append(ch)
        pos += 1
    return words


def decode_flag(word: str, escape: str) -> str:
    """A flag word as BuildKit stores it: quotes removed, escapes resolved (extractBuilderFlags)."""
    if "'" not in word and '"' not in word and escape not in word:
        return word
    out: list[str] = []
    quote = ""
    i, n = 0, len(word)
    while i < n:
        ch = word[i]
        if quote:
            if ch == quote:
                quote = ""
                i += 1
                continue
        elif ch in ("'", '"'):
            quote = ch
            i += 1
            continue
        if ch == escape:
            if i + 1 == n:
                i += 1
                continue
            i += 1
            ch = word[i]
        out.append(ch)
        i += 1
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# Heredoc detection (shell lexer with `\`, raw quotes, variables left alone)
# ---------------------------------------------------------------------------------------------


def _skip_dollar(s: str, i: int) -> int:
    """Index after a ``${...}`` starting at ``s[i] == '$'``; -1 if it never closes."""
    depth = 0
    j = i + 1
    n = len(s)
    while j < n:
        c = s[j]
        if c == "\\":
            j += 2
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return j + 1
        j += 1
    return -1


def shell_words(s: str, raw: bool) -> list[str] | None:
    """Go shell.Lex ProcessWords with escape ``\\``: raw keeps quotes/escapes. None on a lex error."""
    words: list[str] = []
    word: list[str] = []
    in_word = False
    i, n = 0, len(s)
    while i < n:
        c = s[i]
        if c == "'":
            j = s.find("'", i + 1)
            if j < 0:
                return None
            word.append(s[i : j + 1] if raw else s[i + 1 : j])
            in_word = True
            i = j + 1
        elif c == '"':
            j = i + 1
            part: list[str] = ['"'] if raw else []
            while True:
                if j >= n:
                    return None
                d = s[j]
                if d == '"':
                    if raw:
                        part.append('"')
                    j += 1
                    break
                if d == "$" and j + 1 < n and s[j + 1] == "{":
                    k = _skip_dollar(s, j)
                    if k < 0:
                        return None
                    part.append(s[j:k])
                    j = k
                    continue
                if d == "\\" and j + 1 < n:
                    nxt = s[j + 1]
                    if nxt in ('"', "$", "\\"):
                        part.append(s[j : j + 2] if raw else nxt)
                    else:
                        part.append(s[j : j + 2])
                    j += 2
                    continue
                part.append(d)
                j += 1
            word.append("".join(part))
            in_word = True
            i = j
        elif c == "$" and i + 1 < n and s[i + 1] == "{":
            k = _skip_dollar(s, i)
            if k < 0:
                return None
            word.append(s[i:k])
            in_word = True
            i = k
        elif c == "\\":
            if i + 1 >= n:
                break
            word.append(s[i : i + 2] if raw else s[i + 1])
            in_word = True
            i += 2
        elif c in _GO_SPACE_SET:
            # BuildKit >= 0.22 absorbs blanks right after `<<` / `<<-` into the opener word.
            cur = "".join(word)
            if in_word and _OPENER_PREFIX.match(cur):
                word.append(c)
                i += 1
                continue
            if in_word and cur:
                words.append(cur)
            word = []
            in_word = False
            i += 1
        else:
            word.append(c)
            in_word = True
            i += 1
    cur = "".join(word)
    if cur:
        words.append(cur)
    return words


_OPENER_PREFIX = LazyPattern(r"^\d*<<-?[\t\n\f\r \x85\xa0]*$")


def parse_heredoc_word(word: str) -> tuple[str, bool, bool, int] | None:
    """(name, expand, chomp, fd) if ``word`` opens a heredoc (BuildKit's ParseHeredoc)."""
    m = _HEREDOC_WORD.match(word)
    if m is None:
        return None
    rest = m.group(3)
    if not rest:
        return None
    plain = shell_words(rest, raw=False)
    if plain is None or len(plain) != 1:
        return None
    rawq = _raw_quotes_only(rest)
    if rawq is None:
        return None
    name = plain[0]
    expand = (name.count("'") + name.count('"')) == (rawq.count("'") + rawq.count('"'))
    fd = int(m.group(1)) if m.group(1) else 0
    return name, expand, m.group(2) == "-", fd


def _raw_quotes_only(s: str) -> str | None:
    """The word lexed with quotes kept but escapes processed (RawQuotes=true, RawEscapes=false)."""
    out: list[str] = []
    i, n = 0, len(s)
    while i < n:
        c = s[i]
        if c == "'":
            j = s.find("'", i + 1)
            if j < 0:
                return None
            out.append(s[i : j + 1])
            i = j + 1
        elif c == '"':
            j = i + 1
            out.append('"')
            while j < n and s[j] != '"':
                if s[j] == "\\" and j + 1 < n and s[j + 1] in '"$\\':
                    j += 1
                out.append(s[j])
                j += 1
            if j >= n:
                return None
            out.append('"')
            i = j + 1
        elif c == "\\":
            if i + 1 < n:
                out.append(s[i + 1])
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def heredocs_from_line(line: str) -> list[tuple[str, bool, bool, int, int, int]]:
    """Heredoc openers of a logical line: (name, expand, chomp, fd, start, end) in line offsets."""
    words = shell_words(line, raw=True)
    if not words:
        return []
    found = []
    search = 0
    for w in words:
        h = parse_heredoc_word(w)
        if h is None:
            continue
        # Locate the opener in the line for its span (raw words are verbatim slices).
        at = line.find(w, search)
        if at < 0:
            at = line.find("<<", search)
            end = at + 2
        else:
            end = at + len(w)
        search = max(end, search)
        found.append((*h, max(at, 0), end))
    return found


# ---------------------------------------------------------------------------------------------
# Splitting one logical line (grammar output) into keyword / flags / argument text
# ---------------------------------------------------------------------------------------------


class _Split:
    __slots__ = ("args", "args_off", "flags", "keyword", "kw_off")

    def __init__(
        self, keyword: str, kw_off: int, flags: list[tuple[str, int, int]], args: str, args_off: int
    ):
        self.keyword = keyword
        self.kw_off = kw_off
        self.flags = flags  # (raw decoded word, start, end) in line offsets
        self.args = args
        self.args_off = args_off


def _split_from_tokens(line: str, base: int, toks: list[Any], escape: str) -> _Split:
    """Turn the grammar's tokens of one line (offsets relative to ``base``) into a _Split.

    The line's last token carries the line's ``"\\n"`` (see the grammar): it is cut off here.
    """
    kw = toks[0]
    keyword = str(kw)
    if keyword[-1] == "\n":
        keyword = keyword[:-1]
    kw_off = kw.start_pos - base
    flags: list[tuple[str, int, int]] = []
    args_start = len(line)
    i = 1
    while i < len(toks):
        tok = toks[i]
        if tok.type == "REST":
            args_start = tok.start_pos - base
            break
        text = str(tok)
        end = tok.end_pos - base
        if text[-1] == "\n":
            text = text[:-1]
            end -= 1
        word = text.lstrip(GO_SPACE)
        start = end - len(word)
        raw = decode_flag(word, escape)
        if raw == "--":
            args_start = end
            break
        flags.append((raw, start, end))
        i += 1
    rest = line[args_start:]
    trimmed = rest.lstrip(GO_SPACE)
    args_off = args_start + len(rest) - len(trimmed)
    return _Split(keyword, kw_off, flags, go_trim(trimmed), args_off)


def _split_line(line: str, escape: str) -> _Split:
    """Split a single line with the grammar (used for ONBUILD triggers and heredoc candidates)."""
    text = go_trim(line)
    lead = len(line) - len(line.lstrip(GO_SPACE))
    if not text:
        return _Split("", lead, [], "", lead)
    s = _split_chunks([text], escape)[0]
    s.kw_off += lead
    s.args_off += lead
    s.flags = [(r, a + lead, b + lead) for r, a, b in s.flags]
    return s


# ---------------------------------------------------------------------------------------------
# Building instructions
# ---------------------------------------------------------------------------------------------


class _Builder:
    """Builds typed instructions from split logical lines; collects errors."""

    def __init__(self, escape: str, errors: list[t.ParseError]) -> None:
        self.escape = escape
        self.errors = errors

    def build(
        self, split: _Split, smap: t.SourceMap, original: str, span: Span, nested: bool = False
    ) -> t.Instruction:
        cmd = split.keyword.lower()
        cls = _CLASSES.get(cmd, t.Unknown)
        ins = cls()
        ins.keyword = split.keyword
        ins.cmd = cmd
        ins.span = span
        ins.original = original
        ins.source_map = smap
        ins.keyword_span = smap.span(split.kw_off, split.kw_off + len(split.keyword))
        for raw, a, b in split.flags:
            body = raw[2:] if raw.startswith("--") else raw
            name, eq, value = body.partition("=")
            ins.flags.append(t.Flag(name, value if eq else None, raw, smap.span(a, b)))
        ins.args_text = split.args
        ins.args_offset = split.args_off
        ins.args_span = smap.span(split.args_off, split.args_off + len(split.args)) if split.args else None
        handler = _HANDLERS.get(cmd)
        try:
            if handler is None:
                ins.value = [""]
            else:
                handler(self, ins, split)
        except _NotStrings:
            self.errors.append(
                _err(
                    ins.keyword_span.cover(span) if False else _line_span(span, ins.keyword_span),
                    "when using JSON array syntax, arrays must be comprised of strings only",
                )
            )
        except _ParseFail as exc:
            self.errors.append(_err(_line_span(span, ins.keyword_span), str(exc)))
        return ins

    # -- helpers -----------------------------------------------------------------------------

    def word(self, ins: t.Instruction, text: str, start: int) -> t.Word:
        assert ins.source_map is not None
        off = ins.args_offset + start
        return t.Word(text, ins.source_map.span(off, off + len(text)))

    def split_ws(self, ins: t.Instruction, text: str) -> list[t.Word]:
        return [self.word(ins, m.group(), m.start()) for m in _NONWS.finditer(text)]

    def command(self, ins: t.CommandInstruction, text: str, text_off: int) -> None:
        """RUN/CMD/ENTRYPOINT/SHELL/HEALTHCHECK command part: exec form or one shell string."""
        if not text:
            return
        arr = parse_json_array(text)
        assert ins.source_map is not None
        if arr is not None:
            ins.json = True
            ins.form = "exec"
            ins.value += arr
            ins.exec_args = self._json_words(ins, text, text_off, arr)
            return
        ins.value.append(text)
        ins.script = text
        off = ins.args_offset + text_off
        ins.script_offset = off
        ins.script_span = ins.source_map.span(off, off + len(text))

    def _json_words(self, ins: t.Instruction, text: str, text_off: int, arr: list[str]) -> list[t.Word]:
        """Spans of exec-form elements: each JSON string literal in the text, in order."""
        words = []
        pos = 0
        for value in arr:
            m = _JSON_STR.search(text, pos)
            if m is None:
                words.append(t.Word(value, ins.args_span or ins.span))
                continue
            pos = m.end()
            words.append(self.word(ins, m.group(), text_off + m.start()))
            words[-1].text = value
        return words


_JSON_STR = LazyPattern(r'"(?:[^"\\]|\\.)*"', re.S)


class _ParseFail(Exception):
    pass


def _line_span(span: Span, kw: Span) -> Span:
    return (
        Span(kw.start_line, kw.start_col, span.end_line, span.end_col)
        if span.end_line == kw.start_line
        else kw
    )


def _h_command(b: _Builder, ins: t.Instruction, split: _Split) -> None:
    assert isinstance(ins, t.CommandInstruction)
    b.command(ins, split.args, 0)
    if isinstance(ins, t.Run):
        _run_flags(ins)


def _h_list_json(b: _Builder, ins: t.Instruction, split: _Split) -> None:
    text = split.args
    arr = parse_json_array(text)
    if arr is not None:
        ins.json = True
        ins.value = arr
        words = b._json_words(ins, text, 0, arr)
    else:
        words = b.split_ws(ins, text)
        ins.value = [w.text for w in words]
    if isinstance(ins, t.Volume):
        ins.paths = words
    elif isinstance(ins, t.Copy | t.Add):
        _copy_fields(ins, words)


def _copy_fields(ins: t.Copy | t.Add, words: list[t.Word]) -> None:
    bare = _bare_value_flag(ins, words)
    if bare is not None:  # `--chown 1:2 src dst`: BuildKit fails; read the next word as meant
        bare_value, words = words[0].text, words[1:]
    if len(words) >= 2:
        ins.sources = words[:-1]
        ins.destination = words[-1]
    elif words:
        ins.sources = words
    for f in ins.flags:
        if f is bare:
            f = t.Flag(f.name, bare_value, f.raw, f.span)
        if f.name == "chown":
            ins.chown = f.value
        elif f.name == "chmod":
            ins.chmod = f.value
        elif f.name == "link":
            ins.link = f.value is None or f.value.lower() == "true"
        elif f.name == "exclude" and f.value is not None:
            ins.exclude.append(f.value)
        elif isinstance(ins, t.Copy) and f.name == "from":
            ins.from_stage = f.value
        elif isinstance(ins, t.Copy) and f.name == "parents":
            ins.parents = f.value is None or f.value.lower() == "true"
        elif isinstance(ins, t.Add) and f.name == "checksum":
            ins.checksum = f.value
        elif isinstance(ins, t.Add) and f.name == "keep-git-dir":
            ins.keep_git_dir = f.value is None or f.value.lower() == "true"
        elif isinstance(ins, t.Add) and f.name == "unpack":
            ins.unpack = f.value is None or f.value.lower() == "true"


#: Flags that take a value (``--name=value``; BuildKit has no ``--name value`` form), per
#: instruction (spec §8.2). Boolean flags (``--link``, ``--parents``...) may stand alone.
_VALUE_FLAGS: dict[str, frozenset[str]] = {
    "from": frozenset({"platform"}),
    "run": frozenset({"mount", "network", "security", "device"}),
    "copy": frozenset({"from", "chown", "chmod", "exclude"}),
    "add": frozenset({"chown", "chmod", "checksum", "exclude"}),
    "healthcheck": frozenset({"interval", "timeout", "start-period", "start-interval", "retries"}),
}


def _bare_value_flag(ins: t.Copy | t.Add, words: list[t.Word]) -> t.Flag | None:
    """The last flag, when it needs a value, has none, and the words still hold source and
    destination after the one meant as its value."""
    if ins.json or not ins.flags or len(words) < 3:
        return None
    last = ins.flags[-1]
    return last if last.value is None and last.name in _VALUE_FLAGS[ins.cmd] else None


def _h_ws(b: _Builder, ins: t.Instruction, split: _Split) -> None:
    words = b.split_ws(ins, split.args)
    ins.value = [w.text for w in words]
    if isinstance(ins, t.From):
        ins.image = words[0] if words else None
        if len(words) == 3 and words[1].text.lower() == "as":
            ins.stage_name = words[2]
        ins.platform = ins.flag("platform")
    elif isinstance(ins, t.Expose):
        ins.ports = words


def _h_string(b: _Builder, ins: t.Instruction, split: _Split) -> None:
    if not split.args:
        return
    ins.value = [split.args]
    w = b.word(ins, split.args, 0)
    if isinstance(ins, t.User):
        ins.user = w
    elif isinstance(ins, t.Workdir):
        ins.path = w
    elif isinstance(ins, t.Stopsignal):
        ins.signal = w
    elif isinstance(ins, t.Maintainer):
        ins.name = w


def _h_name_val(b: _Builder, ins: t.Instruction, split: _Split) -> None:
    assert isinstance(ins, t.Env | t.Label)
    rest = split.args
    words = parse_words(rest, b.escape)
    if not words:
        return
    if "=" not in words[0][0]:
        parts = _WS.split(rest, maxsplit=1)
        if len(parts) < 2:
            raise _ParseFail(f"{ins.cmd.upper()} must have two arguments")
        key, value = parts
        vstart = len(rest) - len(value)
        ins.value = [key, value, ""]
        ks = b.word(ins, key, 0).span
        vs = b.word(ins, value, vstart).span
        ins.pairs.append(t.KeyValue(key, value, ks, vs, True, ks.cover(vs)))
        return
    for word, _start, _end in words:
        if "=" not in word:
            raise _ParseFail(
                f"Syntax error - can't find = in {go_quote(word)}. Must be of the form: name=value"
            )
    for word, start, end in words:
        key, _, value = word.partition("=")
        ins.value += [key, value, "="]
        ks = b.word(ins, rest[start : start + len(key)], start).span
        vstart = start + len(key) + 1
        vs = b.word(ins, rest[vstart:end], vstart).span
        ins.pairs.append(t.KeyValue(key, value, ks, vs, False, ks.cover(vs)))


def _h_arg(b: _Builder, ins: t.Instruction, split: _Split) -> None:
    assert isinstance(ins, t.Arg)
    for word, start, end in parse_words(split.args, b.escape):
        ins.value.append(word)
        name, eq, default = word.partition("=")
        span = b.word(ins, split.args[start:end], start).span
        name_span = b.word(ins, name, start).span
        ins.declarations.append(t.ArgDecl(name, default if eq else None, span, name_span))


def _is_go_space_byte(c: int) -> bool:
    return c in (9, 10, 11, 12, 13, 32, 0x85, 0xA0)


def _h_healthcheck(b: _Builder, ins: t.Instruction, split: _Split) -> None:
    assert isinstance(ins, t.Healthcheck)
    rest = split.args
    # BuildKit scans *bytes* with unicode.IsSpace(rune(byte)): mirror that on the UTF-8 bytes.
    data = rest.encode("utf-8", "surrogateescape")
    sep = 0
    while sep < len(data) and not _is_go_space_byte(data[sep]):
        sep += 1
    nxt = sep
    while nxt < len(data) and _is_go_space_byte(data[nxt]):
        nxt += 1
    if sep == 0:
        return
    typ = data[:sep].decode("utf-8", "surrogateescape")
    cmd_text = data[nxt:].decode("utf-8", "surrogateescape")
    ins.value = [typ]
    ins.kind = typ
    ins.kind_span = b.word(ins, typ, 0).span
    cmd_off = len(data[:nxt].decode("utf-8", "surrogateescape"))
    b.command(ins, cmd_text, cmd_off)


def _h_onbuild(b: _Builder, ins: t.Instruction, split: _Split) -> None:
    assert isinstance(ins, t.Onbuild)
    if not split.args:
        return
    assert ins.source_map is not None
    inner = _split_line(split.args, b.escape)
    base = split.args_off
    inner.kw_off += base
    inner.args_off += base
    inner.flags = [(r, x + base, y + base) for r, x, y in inner.flags]
    trig = b.build(inner, ins.source_map, split.args, ins.span, nested=True)
    ins.trigger = trig
    ins.value = trig.value
    ins.json = trig.json


def _run_flags(ins: t.Run) -> None:
    for f in ins.flags:
        if f.name == "mount" and f.value is not None:
            ins.mounts.append(parse_mount(f.value, f.span))
        elif f.name == "network":
            ins.network = f.value
        elif f.name == "security":
            ins.security = f.value


_MOUNT_ALIASES = {
    "src": "source",
    "dst": "target",
    "destination": "target",
    "ro": "readonly",
    "rw": "readwrite",
}


def parse_mount(value: str, span: Span) -> t.Mount:
    """``--mount`` CSV (Go encoding/csv: commas, double quotes) into a key→value dict."""
    fields: list[str] = []
    cur: list[str] = []
    quoted = False
    i = 0
    while i < len(value):
        c = value[i]
        if quoted:
            if c == '"':
                if i + 1 < len(value) and value[i + 1] == '"':
                    cur.append('"')
                    i += 1
                else:
                    quoted = False
            else:
                cur.append(c)
        elif c == '"' and not cur:
            quoted = True
        elif c == ",":
            fields.append("".join(cur))
            cur = []
        else:
            cur.append(c)
        i += 1
    fields.append("".join(cur))
    opts: dict[str, str | None] = {}
    errors: list[str] = []
    for fld in fields:
        key, eq, val = fld.partition("=")
        k = key.strip().lower()
        k = _MOUNT_ALIASES.get(k, k)
        if not eq and k not in ("readonly", "readwrite", "required"):
            errors.append(f"invalid field '{fld}' must be a key=value pair")
        opts[k] = val if eq else None
    return t.Mount(opts, value, span, errors)


_HANDLERS: dict[str, Callable[[_Builder, t.Instruction, _Split], None]] = {
    "run": _h_command,
    "cmd": _h_command,
    "entrypoint": _h_command,
    "shell": _h_command,
    "add": _h_list_json,
    "copy": _h_list_json,
    "volume": _h_list_json,
    "from": _h_ws,
    "expose": _h_ws,
    "env": _h_name_val,
    "label": _h_name_val,
    "arg": _h_arg,
    "maintainer": _h_string,
    "user": _h_string,
    "workdir": _h_string,
    "stopsignal": _h_string,
    "healthcheck": _h_healthcheck,
    "onbuild": _h_onbuild,
}

_CLASSES: dict[str, type[t.Instruction]] = {
    "add": t.Add,
    "arg": t.Arg,
    "cmd": t.Cmd,
    "copy": t.Copy,
    "entrypoint": t.Entrypoint,
    "env": t.Env,
    "expose": t.Expose,
    "from": t.From,
    "healthcheck": t.Healthcheck,
    "label": t.Label,
    "maintainer": t.Maintainer,
    "onbuild": t.Onbuild,
    "run": t.Run,
    "shell": t.Shell,
    "stopsignal": t.Stopsignal,
    "user": t.User,
    "volume": t.Volume,
    "workdir": t.Workdir,
}


# ---------------------------------------------------------------------------------------------
# Heredoc candidates
# ---------------------------------------------------------------------------------------------


def _heredoc_candidate(text: str, escape: str) -> bool:
    """canContainHeredoc: RUN/COPY/ADD (or ONBUILD of one), not in JSON form."""
    if "<<" not in text:
        return False
    split = _split_line(text, escape)
    cmd = split.keyword.lower()
    args = split.args
    if cmd == "onbuild":
        if not args:
            return False
        split = _split_line(args, escape)
        cmd = split.keyword.lower()
        args = split.args
    if cmd not in _HEREDOC_CMDS:
        return False
    try:
        return parse_json_array(args) is None
    except _NotStrings:
        return False


# ---------------------------------------------------------------------------------------------
# The parse
# ---------------------------------------------------------------------------------------------


def parse_bytes(data: bytes, path: str = "Dockerfile", templates: bool = False) -> t.Dockerfile:
    """Parse Dockerfile bytes. Never raises: problems become ``errors``/``warnings``.

    ``templates=True`` (the lint path) reads template placeholders (``{{ .version }}``,
    ``%%TAG%%``, see :mod:`dflint.templates`) as plain words instead of Dockerfile syntax; the
    default parses the text exactly as BuildKit would (``dflint parse``, the oracle tests).
    """
    try:
        src = decode(data)
    except Exception as exc:  # pragma: no cover - decode is total, defensive only
        df = t.Dockerfile(path=path)
        df.errors.append(_err(Span(1, 1, 1, 1), f"cannot read input: {exc}", "input", "unreadable"))
        return df
    df = t.Dockerfile(path=path, text=src.text, lines=src.lines)
    df.warnings += src.warnings
    df.errors += src.errors
    placeholders = _placeholders(src.text, path) if templates else []
    try:
        if placeholders:
            _parse_template(df, src.text, placeholders)
        else:
            _parse_into(df, src.text)
    except Exception as exc:  # pragma: no cover - a bug; keep the promise of never raising
        df.errors.append(
            _err(Span(1, 1, 1, 1), f"internal parser error: {type(exc).__name__}: {exc}", "input", "internal")
        )
    return df


def parse_text(text: str, path: str = "Dockerfile", templates: bool = False) -> t.Dockerfile:
    return parse_bytes(text.encode("utf-8", "surrogateescape"), path, templates)


def _placeholders(text: str, path: str) -> list[Any]:
    if "{" not in text and "%" not in text and "." not in path and "__" not in text and "@" not in text:
        return []  # no template form can occur: skip the import on the common path
    from dflint.templates import find_placeholders

    return find_placeholders(text, path)


def _parse_template(df: t.Dockerfile, text: str, placeholders: list[Any]) -> None:
    """Parse a template with its placeholders masked (same length, so every span holds).

    Each placeholder becomes an ``input`` warning (``template-placeholder``): the engine drops
    findings that touch one, and DF903 reports the first. Errors of an instruction that holds
    a placeholder are dropped too: the generator decides what that instruction becomes (sclorg's
    ``FROM #IMAGE_NAME# # Replaced by sed`` is rewritten whole).
    """
    from dflint.source import split_lines
    from dflint.templates import mask

    original_lines = df.lines
    masked = mask(text, placeholders)
    df.lines = split_lines(masked)
    try:
        _parse_into(df, masked)
    finally:
        df.text, df.lines = text, original_lines
    spans = []
    for p in placeholders:
        start = _position(text, p.start)
        end = _position(text, p.end)
        span = Span(start[0], start[1], end[0], end[1])
        spans.append(span)
        df.warnings.append(
            t.ParseError(span.start_line, span.start_col, f"template placeholder `{p.text}`", span,
                         "input", "template-placeholder")
        )
    templated = [ins.span for ins in df.instructions if any(_overlap(ins.span, s) for s in spans)]
    df.errors = [e for e in df.errors
                 if e.layer == "input" or not any(_overlap(e.span, s) for s in templated)]


def _position(text: str, offset: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


def _overlap(a: Span, b: Span) -> bool:
    return (a.start_line, a.start_col) < (b.end_line, b.end_col) and (b.start_line, b.start_col) < (
        a.end_line, a.end_col)


def parse_file(path: str) -> t.Dockerfile:
    """Read and parse a file; an unreadable file gives ``unreadable=True`` and one error."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        df = t.Dockerfile(path=path, unreadable=True)
        reason = exc.strerror or str(exc)
        df.errors.append(_err(Span(1, 1, 1, 1), f"cannot read {path}: {reason}", "input", "unreadable"))
        return df
    return parse_bytes(data, path)


def _parse_into(df: t.Dockerfile, text: str) -> None:
    lines = df.lines
    directives, derrs = scan_directives(lines)
    df.directives = directives
    df.errors += derrs
    escape = directives.escape
    raw_lines = text.split("\n")
    logicals = _prepass(df, lines, raw_lines, escape, directives.end_line)
    if not logicals:
        last = max(1, len(lines))
        df.errors.append(
            _err(Span(last, 1, last, 1), "file with no instructions", "parser", "no-instructions")
        )
        return
    space = GO_SPACE
    chunks = []
    leads = []
    for lg in logicals:
        text = lg.text
        trimmed = text.strip(space)
        lead = 0 if text[:1] == trimmed[:1] else len(text) - len(text.lstrip(space))
        leads.append(lead)
        chunks.append(trimmed)
    splits = _split_chunks(chunks, escape)
    builder = _Builder(escape, df.errors)
    n_lines = len(lines)
    instructions = df.instructions
    for idx, lg in enumerate(logicals):
        split = splits[idx]
        lead = leads[idx]
        if lead:
            split.kw_off += lead
            split.args_off += lead
            split.flags = [(r, a + lead, b + lead) for r, a, b in split.flags]
        smap = t.SourceMap(lg.starts, lg.origins)
        end = lg.heredoc_end or lg.end_line
        last_len = len(lines[end - 1]) if end - 1 < n_lines else 0
        starts = lg.starts
        if len(starts) == 1 or starts[1] > 0:
            start_col = lg.origins[0][1]  # what smap.position(0) gives, without building it
        else:  # an empty first piece: offset 0 belongs to a later physical line
            first = smap.position(0)
            start_col = first.col if lg.start_line == first.line else 1
        span = Span(lg.start_line, start_col, end, last_len + 1)
        ins = builder.build(split, smap, lg.text, span)
        ins.comments_above = lg.comments
        instructions.append(ins)
        if lg.empty_cont:
            df.warnings.append(
                t.ParseError(
                    lg.empty_cont,
                    1,
                    "Empty continuation line found; empty continuation lines will become errors "
                    "in a future release",
                    Span(lg.empty_cont, 1, lg.empty_cont, 1),
                    "parser",
                    "empty-continuation",
                )
            )
    # Heredocs were cut in the pre-pass; attach them now that instructions exist.
    for ins, lg in zip(df.instructions, logicals, strict=True):
        hs = lg.heredocs
        if hs:
            ins.heredocs = hs
            if isinstance(ins, t.Onbuild) and ins.trigger is not None:
                ins.trigger.heredocs = hs
    _instruction_layer(df)


#: Splits of logical lines already seen, by (trimmed text, escape character). The grammar reads
#: every logical line on its own (it is a sequence of lines, each ending in ``"\n"``), so a
#: line's split depends on nothing else; the language server re-parses a document after every
#: keystroke and only the edited line needs the grammar again. Cleared when full.
_SPLIT_CACHE: dict[tuple[str, str], _Split] = {}
_SPLIT_CACHE_SIZE = 8192


def _split_chunks(chunks: list[str], escape: str) -> list[_Split]:
    """The split of every trimmed logical line: cached ones copied, the others from one grammar
    run over all of them (offsets relative to each line's start)."""
    cache = _SPLIT_CACHE
    todo = [chunk for chunk in dict.fromkeys(chunks) if (chunk, escape) not in cache]
    if todo:
        from dflint.grammar import get_parser

        if len(cache) + len(todo) > _SPLIT_CACHE_SIZE:
            cache.clear()
            todo = list(dict.fromkeys(chunks))
        tree = get_parser().parse("\n".join(todo) + "\n", start="start_bs" if escape == "\\" else "start_bt")
        base = 0
        for chunk, node in zip(todo, tree.children, strict=True):
            cache[(chunk, escape)] = _split_from_tokens(chunk, base, node.children, escape)
            base += len(chunk) + 1
    out = []
    for chunk in chunks:
        known = cache[(chunk, escape)]
        out.append(_Split(known.keyword, known.kw_off, list(known.flags), known.args, known.args_off))
    return out


def _prepass(
    df: t.Dockerfile, lines: list[str], raw_lines: list[str], escape: str, dir_end: int
) -> list[_Logical]:
    out: list[_Logical] = []
    comments: list[str] = []
    n = len(lines)
    space = GO_SPACE
    cont_ends = " \t" + escape  # a line ending otherwise cannot continue (see _trim_cont)
    i = dir_end  # 0-based index of the next line
    while i < n:
        line = lines[i]
        i += 1
        number = i
        stripped = line.lstrip(space)
        if not stripped:
            continue  # blank line (what _trim_cont gives as ("", True))
        if stripped[0] == "#":
            text = stripped[1:].strip(space)
            df.comments.append(
                t.Comment(number, text, Span(number, len(line) - len(stripped) + 1, number, len(line) + 1))
            )
            above = line[1:].strip(space)
            if above == "":
                comments = []
            else:
                comments.append(above)
            continue
        if stripped[-1] in cont_ends:
            piece, eol = _trim_cont(stripped, escape)
        else:
            piece, eol = stripped, True
        lg = _Logical(number, piece, len(line) - len(stripped) + 1)
        if not eol:
            pieces = [piece]
            starts = lg.starts
            origins = lg.origins
            size = len(piece)
            while not eol and i < n:
                cur = lines[i]
                i += 1
                number = i
                lg.end_line = number
                cs = cur.lstrip(space)
                if cs[:1] == "#":
                    df.comments.append(
                        t.Comment(
                            number,
                            cs[1:].strip(space),
                            Span(number, len(cur) - len(cs) + 1, number, len(cur) + 1),
                        )
                    )
                    continue
                if not cs:
                    lg.empty_cont = number
                    continue
                if cur[-1] in cont_ends:
                    piece, eol = _trim_cont(cur, escape)
                else:
                    piece, eol = cur, True
                starts.append(size)
                origins.append((number, 1))
                pieces.append(piece)
                size += len(piece)
            lg.text = "".join(pieces)
        lg.comments = comments
        comments = []
        out.append(lg)
        if "<<" in lg.text and _heredoc_candidate(lg.text, escape):
            i = _cut_heredocs(df, lg, raw_lines, i)
    return out


def _cut_heredocs(df: t.Dockerfile, lg: _Logical, raw_lines: list[str], i: int) -> int:
    """Consume heredoc bodies after logical line ``lg`` starting at 0-based line ``i``."""
    smap = t.SourceMap(lg.starts, lg.origins)
    found = heredocs_from_line(lg.text)
    docs: list[t.Heredoc] = []
    n = len(df.lines)
    for name, expand, chomp, fd, a, b in found:
        body_line = i + 1
        parts: list[str] = []
        terminated = False
        while i < n:
            raw = raw_lines[i]
            i += 1
            cand = raw.rstrip("\r\n")
            if chomp:
                cand = cand.lstrip("\t")
            if cand == name:
                terminated = True
                break
            parts.append(raw + "\n" if i < len(raw_lines) - 1 or raw_lines[-1] != "" or True else raw)
        content = "".join(parts)
        if i > n and parts:
            pass
        end_line = i if terminated else n
        lg.heredoc_end = max(end_line, lg.end_line)
        body_end = end_line - 1 if terminated else n
        body_span = (
            Span(body_line, 1, max(body_end, body_line - 1) + 1, 1)
            if parts
            else Span(body_line, 1, body_line, 1)
        )
        docs.append(
            t.Heredoc(name, content, expand, chomp, fd or None, smap.span(a, b), body_span, body_line)
        )
        if not terminated:
            df.errors.append(
                t.ParseError(
                    lg.start_line,
                    1,
                    "unterminated heredoc",
                    Span(lg.start_line, 1, n, len(df.lines[n - 1]) + 1 if n else 1),
                )
            )
            break
    lg.heredocs = docs
    return i


# ---------------------------------------------------------------------------------------------
# Instruction layer (cheap, certain checks) and stages
# ---------------------------------------------------------------------------------------------


def _levenshtein(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        left = i
        for j, cb in enumerate(b, 1):
            # min() of three, spelled out: this loop runs for every unknown instruction.
            d = prev[j - 1] + (ca != cb)
            up = prev[j] + 1
            if up < d:
                d = up
            if left + 1 < d:
                d = left + 1
            cur.append(d)
            left = d
        prev = cur
    return prev[-1]


def suggest(word: str, options: list[str]) -> str | None:
    """The first option nearest to ``word`` (Levenshtein), if within BuildKit's small limit.

    An option whose length differs by more than the limit cannot be within it, so only the few
    near-length options are measured (a non-Dockerfile gives thousands of unknown "keywords").
    """
    w = word.lower()
    limit = max(1, min(2, len(w) // 2))
    best = None
    best_d = limit + 1
    n = len(w)
    for o in options:
        if abs(len(o) - n) > limit:
            continue
        d = _levenshtein(w, o)
        if d < best_d:
            best, best_d = o, d
    return best


@lru_cache(maxsize=1024)
def _suggest_known(word: str) -> str | None:
    """:func:`suggest` over the instruction keywords, memoised: unknown words repeat a lot."""
    return suggest(word, KNOWN)


def _ilayer(ins: t.Instruction, message: str, code: str) -> t.ParseError:
    return t.ParseError(
        ins.keyword_span.start_line,
        ins.keyword_span.start_col,
        message,
        ins.keyword_span,
        "instruction",
        code,
    )


def _flag_errors(ins: t.Instruction, out: list[t.ParseError]) -> None:
    """``--chown 1:2``: a flag that takes a value given none (BuildKit: ``missing a value on
    flag``), at the flag."""
    names = _VALUE_FLAGS.get(ins.cmd)
    if not names or (isinstance(ins, t.Healthcheck) and (ins.kind or "").upper() == "NONE"):
        return
    for flag in ins.flags:
        if flag.value is None and flag.name in names:
            out.append(t.ParseError(flag.span.start_line, flag.span.start_col,
                                    f"missing a value on flag: --{flag.name} (write --{flag.name}=<value>)",
                                    flag.span, "instruction", "flag-value"))
            return  # BuildKit stops at the first bad flag


def _check_instruction(ins: t.Instruction, out: list[t.ParseError], nested: bool = False) -> None:
    before = len(out)
    _check_arguments(ins, out, nested)
    if len(out) == before and not isinstance(ins, t.Unknown | t.Onbuild):
        _flag_errors(ins, out)


def _check_arguments(ins: t.Instruction, out: list[t.ParseError], nested: bool = False) -> None:
    cmd = ins.cmd
    kw = ins.keyword.upper()
    if isinstance(ins, t.Unknown):
        hint = _suggest_known(cmd)
        msg = f"unknown instruction: {ins.keyword}"
        if hint:
            msg += f" (did you mean {hint}?)"
        out.append(_ilayer(ins, msg, "unknown-instruction"))
        return
    if isinstance(ins, t.From):
        n = len(ins.value)
        if not (n == 1 or (n == 3 and ins.value[1].lower() == "as")):
            out.append(_ilayer(ins, "FROM requires either one or three arguments", "from-args"))
        elif ins.stage_name is not None and not _STAGE_NAME.match(ins.stage_name.text.lower()):
            out.append(
                t.ParseError(
                    ins.stage_name.span.start_line,
                    ins.stage_name.span.start_col,
                    f'invalid name for build stage: "{ins.stage_name.text}", '
                    "name can't start with a number or contain symbols",
                    ins.stage_name.span,
                    "instruction",
                    "stage-name",
                )
            )
    elif isinstance(ins, t.Copy | t.Add):
        if len(ins.value) < 2:
            out.append(
                _ilayer(
                    ins,
                    f"{kw} requires at least two arguments, but only one was provided. "
                    "Destination could not be determined",
                    "copy-args",
                )
            )
        elif ins.heredocs and ins.value[-1].startswith("<<") and parse_heredoc_word(ins.value[-1]):
            out.append(_ilayer(ins, f"{kw} cannot accept a heredoc as a destination", "heredoc-destination"))
    elif isinstance(ins, t.Shell):
        if not ins.json:
            out.append(_ilayer(ins, "SHELL requires the arguments to be in JSON form", "shell-json"))
        elif not ins.value:
            out.append(_ilayer(ins, "SHELL requires at least one argument", "shell-args"))
    elif isinstance(ins, t.Healthcheck):
        if not ins.value:
            out.append(_ilayer(ins, "HEALTHCHECK requires an argument", "healthcheck-args"))
        else:
            typ = (ins.kind or "").upper()
            if typ == "NONE":
                if len(ins.value) > 1:
                    out.append(_ilayer(ins, "HEALTHCHECK NONE takes no arguments", "healthcheck-args"))
            elif typ == "CMD":
                if len(ins.value) < 2 and not ins.json:
                    out.append(_ilayer(ins, "Missing command after HEALTHCHECK CMD", "healthcheck-args"))
            else:
                out.append(_ilayer(ins, f'Unknown type "{typ}" in HEALTHCHECK (try CMD)', "healthcheck-type"))
    elif isinstance(ins, t.Arg):
        if not ins.value:
            out.append(_ilayer(ins, "ARG requires at least one argument", "arg-args"))
        for d in ins.declarations:
            if d.name == "":
                out.append(_ilayer(ins, "ARG names can not be blank", "arg-blank"))
    elif isinstance(ins, t.Env | t.Label):
        if not ins.value and not ins.args_text:
            out.append(_ilayer(ins, f"{kw} requires at least one argument", "env-args"))
        for p in ins.pairs:
            if p.key.strip(GO_SPACE) == "":
                out.append(_ilayer(ins, f"{kw} names can not be blank", "env-blank"))
    elif isinstance(ins, t.Expose | t.Volume):
        if not ins.value:
            out.append(_ilayer(ins, f"{kw} requires at least one argument", "args"))
        elif isinstance(ins, t.Volume) and any(v.strip(GO_SPACE) == "" for v in ins.value):
            out.append(_ilayer(ins, "VOLUME specified can not be an empty string", "volume-empty"))
    elif isinstance(ins, t.User | t.Workdir | t.Maintainer | t.Stopsignal):
        if not ins.value:
            out.append(_ilayer(ins, f"{kw} requires exactly one argument", "args"))
    elif isinstance(ins, t.Onbuild):
        if ins.flags:
            out.append(_ilayer(ins, f"unknown flag: --{ins.flags[0].name}", "unknown-flag"))
        trig = ins.trigger
        if trig is None:
            out.append(_ilayer(ins, "ONBUILD requires at least one argument", "onbuild-args"))
        elif trig.cmd == "onbuild":
            out.append(
                _ilayer(trig, "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed", "onbuild-trigger")
            )
        elif trig.cmd in ("from", "maintainer"):
            out.append(
                _ilayer(
                    trig, f"{trig.keyword.upper()} isn't allowed as an ONBUILD trigger", "onbuild-trigger"
                )
            )
        else:
            _check_instruction(trig, out, nested=True)


def _instruction_layer(df: t.Dockerfile) -> None:
    errs: list[t.ParseError] = []
    stage: t.Stage | None = None
    for ins in df.instructions:
        _check_instruction(ins, errs)
        if isinstance(ins, t.From):
            name = ins.stage_name.text.lower() if ins.stage_name else None
            stage = t.Stage(len(df.stages), name, ins.stage_name.span if ins.stage_name else None, ins)
            df.stages.append(stage)
            ins.stage_index = stage.index
            continue
        if stage is None:
            if isinstance(ins, t.Arg):
                df.global_args.append(ins)
            elif not isinstance(ins, t.Unknown):
                errs.append(_ilayer(ins, "no build stage in current context", "no-stage"))
            continue
        ins.stage_index = stage.index
        stage.instructions.append(ins)
    if df.instructions and not df.stages and not any(e.layer == "parser" for e in df.errors) and not errs:
        last = df.instructions[-1]
        errs.append(_ilayer(last, "dockerfile contains no stages to build", "no-stages"))
    df.errors += errs
