"""Inline suppressions: dflint pragmas, hadolint pragmas and BuildKit ``check=skip``.

A Dockerfile comment is a whole line and cannot trail an instruction, so every per-place
suppression sits on its own line *above* what it silences:

* ``# dflint: ignore=DL3008,DF001`` or ``# dflint: ignore[DL3008, DF001]`` silences the next
  instruction (all its lines). Blank lines and other comments may sit in between, and several
  pragma lines before one instruction add up (hadolint keeps only the last one, a known bug).
  A reason may follow after `` -- `` or a second ``#``. A bare ``# dflint: ignore`` silences
  every rule there. A pragma inside a continued instruction silences that instruction.
* ``# dflint: ignore-file=CODES`` (or bare ``ignore-file``) anywhere: the whole file.
* ``# dflint: disable=CODES`` ... ``# dflint: enable=CODES``: a range of lines (an unmatched
  ``disable`` runs to the end of the file; bare ``enable`` closes every open range).
* hadolint's ``# hadolint ignore=...`` (next instruction), ``# hadolint global ignore=...``
  (whole file) and ``# hadolint stage ignore=...`` (undocumented in hadolint 2.15). The stage
  form covers every line from the comment down to the next ``FROM`` that starts after the line
  right below the comment, *including* that ``FROM`` line. hadolint 2.15 covers the same lines
  except the one right below the comment (an off-by-one that leaves a ``FROM`` just under the
  pragma reported); dflint covers that line too, so it never reports what hadolint silences
  and a pragma above a ``FROM`` silences that stage, which is what it is written for.
* BuildKit's ``# check=skip=A,B`` / ``skip=all`` directive (whole file) and a ``# check=skip=``
  comment attached to an instruction (that instruction, BuildKit 1.21). BuildKit names are
  mapped to codes through ``alias_to_code``; ``skip=all`` means every rule with a BuildKit name,
  never dflint's own checks, since that is all it means to ``docker build``.

Codes are matched case-insensitively and rule names or aliases are accepted wherever a code is.
This module takes plain tuples and ints, not parser objects, so it can be tested alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from dflint.lazyre import LazyPattern
from dflint.records import FrozenRecord, Record
from dflint.span import Span

ALL = "*"

_DFLINT = LazyPattern(r"^(?P<lead>\s*#\s*)dflint\s*:\s*(?P<body>.*)$", re.IGNORECASE)
_VERB = LazyPattern(r"(?P<verb>ignore-file|file-ignore|ignore|disable|enable)(?![\w-])", re.IGNORECASE)
_HADOLINT = LazyPattern(
    r"^\s*#\s*hadolint\s+(?:(?P<scope>global|stage)\s+)?ignore\s*=(?P<rest>.*)$", re.IGNORECASE
)
_CHECK = LazyPattern(r"^\s*#\s*check\s*=\s*(?P<value>.*)$", re.IGNORECASE)
_DIRECTIVE = LazyPattern(r"^\s*#\s*(?P<key>[A-Za-z][A-Za-z0-9]*)\s*=\s*\S", re.IGNORECASE)
_DIRECTIVE_KEYS = frozenset({"syntax", "escape", "check"})
_TOKEN = LazyPattern(r"[A-Za-z*][A-Za-z0-9_-]*|\*")
_BUILDKIT_NAME = LazyPattern(r"^[A-Z][A-Za-z0-9]*$")


class UnusedSuppression(FrozenRecord):
    """A code in a suppression comment that silenced nothing (``--report-unused-ignores``).

    ``code`` is the normalised code, or ``*`` for a blanket suppression; ``span`` covers the code
    as written (the whole comment for a blanket one), so a fix can delete it.
    """

    __slots__ = ("code", "col", "line", "source", "span")
    __match_args__ = ("line", "col", "code", "span", "source")

    line: int
    col: int
    code: str
    span: Span
    source: str

    def __init__(self, line: int, col: int, code: str, span: Span, source: str = "dflint") -> None:
        _set = object.__setattr__
        _set(self, "line", line)
        _set(self, "col", col)
        _set(self, "code", code)
        _set(self, "span", span)
        _set(self, "source", source)


class PragmaProblem(FrozenRecord):
    """A ``# dflint:`` comment that does not parse; it suppresses nothing."""

    __slots__ = ("col", "line", "message", "span")
    __match_args__ = ("line", "col", "message", "span")

    line: int
    col: int
    message: str
    span: Span

    def __init__(self, line: int, col: int, message: str, span: Span) -> None:
        _set = object.__setattr__
        _set(self, "line", line)
        _set(self, "col", col)
        _set(self, "message", message)
        _set(self, "span", span)


class _Code(Record):
    __slots__ = ("check_only", "code", "span", "used")
    __match_args__ = ("code", "span", "check_only", "used")
    code: str
    span: Span
    check_only: bool  # a BuildKit name dflint does not know: never reported unused
    used: bool

    def __init__(self, code: str, span: Span, check_only: bool = False, used: bool = False) -> None:
        self.code = code
        self.span = span
        self.check_only = check_only
        self.used = used


class _Entry(Record):
    """One suppression comment: its codes and the lines it covers (``first``..``last``)."""

    __slots__ = ("codes", "first", "last", "line", "scope", "source")
    __match_args__ = ("source", "line", "codes", "scope", "first", "last")

    source: str  # "dflint", "hadolint" or "check"
    line: int
    codes: list[_Code]
    scope: str  # "instruction", "range" (also hadolint's stage pragma) or "file"
    first: int
    last: int

    def __init__(
        self, source: str, line: int, codes: list[_Code], scope: str = "instruction", first: int = 0,
        last: int = 0,
    ) -> None:
        self.source = source
        self.line = line
        self.codes = codes
        self.scope = scope
        self.first = first
        self.last = last

    def covers(self, line: int) -> bool:
        return self.first <= line <= self.last

    def take(self, code: str) -> bool:
        for item in self.codes:
            if item.code == code or item.code == ALL:
                item.used = True
                return True
        return False


class Suppressions:
    """All suppressions of one file; ask :meth:`is_suppressed` for each finding, then :meth:`unused`."""

    def __init__(self, entries: Sequence[_Entry] = (), problems: Sequence[PragmaProblem] = ()) -> None:
        # Checked most specific first, so a redundant file-wide entry is the one reported unused.
        order = {"instruction": 0, "range": 1, "file": 2}
        self._entries = sorted(entries, key=lambda e: (order[e.scope], e.line))
        self.problems: list[PragmaProblem] = list(problems)

    @classmethod
    def empty(cls) -> Suppressions:
        return cls()

    @classmethod
    def from_comments(
        cls,
        comments: Iterable[tuple[int, str]],
        instructions_lines: Sequence[tuple[int, int]],
        check_directive: object | None,
        alias_to_code: Mapping[str, str | tuple[str, ...]],
        disable_pragmas: bool = False,
        *,
        check_directive_line: int | None = None,
        last_line: int | None = None,
        stage_starts: Sequence[int] = (),
    ) -> Suppressions:
        """Collect the suppressions of a file.

        ``comments`` are (line, physical line text) for every comment line; ``instructions_lines``
        are (start line, end line) of every instruction, in order; ``check_directive`` is the
        value of the ``# check=`` parser directive (or None); ``stage_starts`` are the first
        lines of the ``FROM`` instructions (for ``# hadolint stage ignore=``). With
        ``disable_pragmas`` (the ``disable-ignore-pragma`` setting) nothing in the file can
        suppress anything.
        """
        if disable_pragmas:
            return cls()
        builder = _Builder(list(instructions_lines), alias_to_code, last_line, stage_starts)
        comment_list = sorted((line, text.rstrip("\r\n")) for line, text in comments)
        directive_lines = _directive_block(comment_list)
        for line, text in comment_list:
            builder.comment(line, text, in_directive_block=line in directive_lines)
        value = check_directive if check_directive is None or isinstance(check_directive, str) else getattr(
            check_directive, "value", None
        )
        if isinstance(value, str):
            line = check_directive_line or directive_lines.get("check") or 1
            text = next((t for n, t in comment_list if n == line), "")
            builder.check_directive(line, value, text)
        return cls(builder.entries, builder.problems)

    def is_suppressed(self, code: str, line: int) -> bool:
        """Whether a finding of ``code`` starting on ``line`` is silenced; records the use."""
        code = code.upper()
        return any(entry.covers(line) and entry.take(code) for entry in self._entries)

    def unused(self) -> list[UnusedSuppression]:
        """Every suppressed code that silenced nothing so far, in file order."""
        found = []
        for entry in self._entries:
            for item in entry.codes:
                if not item.used and not item.check_only:
                    span = item.span
                    found.append(
                        UnusedSuppression(span.start_line, span.start_col, item.code, span, entry.source)
                    )
        found.sort(key=lambda u: (u.line, u.col))
        return found


def _directive_block(comments: list[tuple[int, str]]) -> dict[str | int, int]:
    """Lines of the parser-directive block (and where ``check`` is); they attach to nothing."""
    block: dict[str | int, int] = {}
    expected = 1
    for line, text in comments:
        if line == 1 and text.startswith("#!"):
            expected = 2  # the frontend skips a shebang before syntax/check (buildkit-spec §2)
            continue
        if line != expected:
            break
        match = _DIRECTIVE.match(text)
        if match is None or match.group("key").lower() not in _DIRECTIVE_KEYS:
            break
        block[line] = line
        block.setdefault(match.group("key").lower(), line)
        expected += 1
    return block


def _as_codes(codes: str | tuple[str, ...]) -> tuple[str, ...]:
    return (codes.upper(),) if isinstance(codes, str) else tuple(code.upper() for code in codes)


class _Builder:
    def __init__(self, instructions: list[tuple[int, int]],
                 alias_to_code: Mapping[str, str | tuple[str, ...]], last_line: int | None,
                 stage_starts: Sequence[int] = ()) -> None:
        self.instructions = sorted(instructions)
        self.stage_starts = sorted(stage_starts)
        # An alias may stand for several codes (BuildKit's MultipleInstructionsDisallowed covers
        # DL4003, DL4004 and DL3012), so every table maps to a tuple of codes.
        table = {name: _as_codes(codes) for name, codes in alias_to_code.items()}
        self.aliases = {name.lower(): codes for name, codes in table.items()}
        self.exact_aliases = table
        self.known_codes = frozenset(code for codes in table.values() for code in codes)
        self.buildkit_codes = sorted(
            {code for name, codes in table.items() if _BUILDKIT_NAME.match(name) for code in codes}
        )
        end = max([e for _, e in self.instructions], default=1)
        self.last_line = max(last_line or 0, end)
        self.entries: list[_Entry] = []
        self.problems: list[PragmaProblem] = []
        self.open_ranges: list[_Entry] = []
        self.attached_check: set[int] = set()  # instructions whose first check= comment was seen
        self.cleared_before: dict[int, int] = {}  # instruction start -> line of the last bare '#'

    # Which instruction a comment belongs to -----------------------------------------------

    def enclosing(self, line: int) -> tuple[int, int] | None:
        for start, end in self.instructions:
            if start <= line <= end:
                return (start, end)
            if start > line:
                return None
        return None

    def following(self, line: int) -> tuple[int, int] | None:
        for start, end in self.instructions:
            if start > line:
                return (start, end)
        return None

    def target(self, line: int) -> tuple[int, int] | None:
        return self.enclosing(line) or self.following(line)

    # Comments --------------------------------------------------------------------------------

    def comment(self, line: int, text: str, in_directive_block: bool) -> None:
        if text.strip() == "#":
            nxt = self.following(line)
            if nxt is not None:
                self.cleared_before[nxt[0]] = line
            return
        dflint = _DFLINT.match(text)
        if dflint is not None:
            self.dflint(line, text, dflint.start("body"))
            return
        hadolint = _HADOLINT.match(text)
        if hadolint is not None:
            self.hadolint(line, text, hadolint)
            return
        check = _CHECK.match(text)
        if check is not None and not in_directive_block:
            self.attached(line, text, check)

    def dflint(self, line: int, text: str, body_at: int) -> None:
        verb_match = _VERB.match(text, body_at)
        if verb_match is None:
            self.problem(line, text, body_at, "expected ignore, ignore-file, disable or enable")
            return
        verb = verb_match.group("verb").lower()
        codes, error = self.codes_after(line, text, verb_match.end(), bare_ok=True)
        if error is not None:
            self.problem(line, text, verb_match.end(), error)
            return
        if not codes:
            codes = [_Code(ALL, Span(line, 1, line, len(text) + 1))]
        entry = _Entry("dflint", line, codes)
        if verb == "ignore":
            self.for_instruction(entry)
        elif verb in ("ignore-file", "file-ignore"):
            self.for_file(entry)
        elif verb == "disable":
            entry.scope = "range"
            entry.first, entry.last = line + 1, self.last_line
            self.entries.append(entry)
            self.open_ranges.append(entry)
        else:  # enable
            closing = {c.code for c in codes}
            for opened in list(self.open_ranges):
                opened_codes = {c.code for c in opened.codes}
                if ALL in closing or opened_codes <= closing:
                    opened.last = line - 1
                    self.open_ranges.remove(opened)
                elif opened_codes & closing:
                    # Split: the closed codes end here, the others stay open.
                    kept = [c for c in opened.codes if c.code not in closing]
                    ended = [c for c in opened.codes if c.code in closing]
                    opened.codes = ended
                    opened.last = line - 1
                    self.open_ranges.remove(opened)
                    rest = _Entry("dflint", opened.line, kept, "range", opened.first, self.last_line)
                    self.entries.append(rest)
                    self.open_ranges.append(rest)

    def hadolint(self, line: int, text: str, match: re.Match[str]) -> None:
        rest_at = match.start("rest")
        codes, error = self.codes_after(line, text, rest_at - 1, bare_ok=False)
        if error is not None or not codes:
            return  # hadolint ignores a malformed pragma too; it is not our syntax to police
        entry = _Entry("hadolint", line, codes)
        scope = (match.group("scope") or "").lower()
        if scope == "global":
            self.for_file(entry)
        elif scope == "stage":
            self.for_stage(entry)
        else:
            self.for_instruction(entry)

    def attached(self, line: int, text: str, match: re.Match[str]) -> None:
        target = self.target(line)
        if target is None or target[0] in self.attached_check:
            return  # only the first check= comment attached to an instruction counts
        if self.enclosing(line) is not None:
            return  # comments inside a continuation are dropped by BuildKit
        if self.cleared_before.get(target[0], 0) > line:
            return
        codes = self.check_codes(line, text, match.start("value"), match.group("value"))
        self.attached_check.add(target[0])
        if codes:
            entry = _Entry("check", line, codes)
            entry.first, entry.last = target
            self.entries.append(entry)

    def check_directive(self, line: int, value: str, text: str) -> None:
        at = text.find(value) if value and value in text else 0
        codes = self.check_codes(line, text if at else value, at, value)
        if codes:
            self.for_file(_Entry("check", line, codes))

    # Code lists ------------------------------------------------------------------------------

    def codes_after(self, line: int, text: str, at: int, bare_ok: bool) -> tuple[list[_Code], str | None]:
        """Parse ``=A,B`` or ``[A, B]`` starting at ``text[at]``; the rest is a free-text reason."""
        rest = text[at:]
        stripped = rest.lstrip()
        offset = at + len(rest) - len(stripped)
        if not stripped or stripped.startswith("#") or stripped.startswith("--"):
            return [], None if bare_ok else "expected a list of codes"
        if stripped[0] == "=":
            close = None
        elif stripped[0] == "[":
            close = "]"
        else:
            return [], f"expected '=' or '[' before the codes, found {stripped[0]!r}"
        position = offset + 1
        codes: list[_Code] = []
        while True:
            while position < len(text) and text[position] in " \t":
                position += 1
            token = _TOKEN.match(text, position)
            if token is None:
                return [], "expected a rule code or name"
            codes.extend(self.code(line, token.group(0), token.start(), token.end()))
            position = token.end()
            while position < len(text) and text[position] in " \t":
                position += 1
            if position < len(text) and text[position] == ",":
                position += 1
                continue
            break
        if close is not None and (position >= len(text) or text[position] != close):
            return [], "expected ']' after the codes"
        return codes, None

    def code(self, line: int, token: str, start: int, end: int) -> list[_Code]:
        span = Span(line, start + 1, line, end + 1)
        if token.lower() == "all" or token == "*":
            return [_Code(ALL, span)]
        return [_Code(code, span) for code in self.aliases.get(token.lower(), (token.upper(),))]

    def check_codes(self, line: int, text: str, at: int, value: str) -> list[_Code]:
        """BuildKit's ``skip=`` names: only the text before the first space, ``;``-separated options."""
        value = value.strip().split(" ", 1)[0].split("\t", 1)[0]
        codes: list[_Code] = []
        position = at
        for part in value.split(";", 2):
            key, sep, names = part.partition("=")
            if sep and key.strip().lower() == "skip":
                base = text.find(names, position) if names else -1
                cursor = base if base >= 0 else at
                for raw in names.split(","):
                    name = raw.strip()
                    start = text.find(name, cursor) if name else -1
                    span = Span(line, start + 1, line, start + len(name) + 1) if start >= 0 else Span(
                        line, 1, line, len(text) + 1
                    )
                    cursor = start + len(name) if start >= 0 else cursor
                    if not name:
                        continue
                    if name.lower() == "all":
                        for code in self.buildkit_codes:
                            codes.append(_Code(code, span, check_only=True))
                        continue
                    mapped = self.exact_aliases.get(name) or self.aliases.get(name.lower())
                    if mapped is None:
                        codes.append(_Code(name.upper(), span, check_only=True))
                    else:
                        codes.extend(_Code(code, span) for code in mapped)
            position += len(part) + 1
        return codes

    # Scopes ----------------------------------------------------------------------------------

    def for_instruction(self, entry: _Entry) -> None:
        target = self.target(entry.line)
        if target is None:
            entry.first, entry.last = 0, -1  # nothing follows: it can only be reported unused
        else:
            entry.first, entry.last = target
        self.entries.append(entry)

    def for_stage(self, entry: _Entry) -> None:
        """From the comment to the first ``FROM`` starting below the line after it (inclusive):
        hadolint's range plus the line right below the comment (see the module docstring)."""
        entry.scope = "range"
        entry.first = entry.line + 1
        entry.last = next((start for start in self.stage_starts if start > entry.line + 1), 2**62)
        self.entries.append(entry)

    def for_file(self, entry: _Entry) -> None:
        entry.scope = "file"
        entry.first, entry.last = 0, 2**62  # findings past the last line (EOF checks) included
        self.entries.append(entry)

    def problem(self, line: int, text: str, at: int, message: str) -> None:
        self.problems.append(PragmaProblem(line, at + 1, message, Span(line, at + 1, line, len(text) + 1)))

