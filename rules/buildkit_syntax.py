"""BuildKit checks about how instructions are written (DF103, DF107, DF112).

They flag forms BuildKit still accepts but has deprecated or finds ambiguous: blank lines
inside a continuation, the whitespace-separated ``ENV key value`` form, and comments above a
stage or ARG that look like descriptions but do not name what they describe.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from dflint.expand import expand, variables_in
from dflint.finding import Fix, FixSafety, Severity, TextEdit, Violation
from dflint.lazyre import LazyPattern
from dflint.parser import parse_text
from dflint.plugin import Context, Rule
from dflint.span import Span
from dflint.tree import Arg, Dockerfile, Env, From, Instruction, KeyValue, Label

from ._bk_spans import line_span
from ._words import escape_of


class NoEmptyContinuation(Rule):
    """## What it does
    Reports an instruction whose continuation lines include an empty or whitespace-only
    line (one finding per instruction, at its first empty line).

    ## Why is this bad?
    BuildKit skips such lines today but has announced that they will become errors. They
    also hide where an instruction ends: a reader takes the blank line as the end, while
    the parser keeps going.

    ## Example
    ```dockerfile
    RUN apt-get update && \\

        apt-get install -y curl
    ```

    ## Use instead
    ```dockerfile
    RUN apt-get update && \\
        apt-get install -y curl
    ```

    ## Fix safety
    Safe: the empty lines are deleted; BuildKit already ignores them, so the instruction
    is unchanged.

    ## References
    BuildKit check `NoEmptyContinuation`. BuildKit reports the instruction's last line;
    dflint points at the empty line.
    """

    code = "DF103"
    name = "no-empty-continuation"
    severity = Severity.WARNING
    summary = "Empty continuation lines will become errors"
    aliases = ("NoEmptyContinuation",)
    fix_safety = FixSafety.SAFE

    def check(self, ctx: Context) -> Iterator[Violation]:
        df = ctx.dockerfile
        for instruction in df.instructions:
            empty = _empty_continuation_lines(df, instruction)
            if not empty:
                continue
            edits = tuple(TextEdit(Span(n, 1, n + 1, 1), "") for n in empty)
            count = f" ({len(empty)} lines)" if len(empty) > 1 else ""
            yield Violation(
                line_span(df, empty[0]),
                f"Empty continuation line{count}; these will become errors in a future BuildKit",
                Fix(edits, FixSafety.SAFE, "Delete the empty continuation lines"),
            )


def _empty_continuation_lines(df: Dockerfile, instruction: Instruction) -> list[int]:
    """Blank lines between an instruction's first line and its last continuation line."""
    last = instruction.end_line
    if instruction.heredocs:
        body = min((h.body_line for h in instruction.heredocs if h.body_line > 0), default=last + 1)
        last = min(last, body - 1)
    return [n for n in range(instruction.start_line + 1, last + 1)
            if n <= len(df.lines) and not df.lines[n - 1].strip()]


class LegacyKeyValueFormat(Rule):
    """## What it does
    Reports ENV and LABEL in the legacy whitespace form `ENV KEY value`.

    ## Why is this bad?
    In the legacy form everything after the key is the value, spaces included:
    `ENV A 1 B 2` sets `A` to `1 B 2`, not two variables. The `KEY=value` form says what it
    means, allows several pairs per line, and is the only form BuildKit documents today.

    ## Example
    ```dockerfile
    ENV PYTHONUNBUFFERED 1
    ENV GREETING hello world
    ```

    ## Use instead
    ```dockerfile
    ENV PYTHONUNBUFFERED=1
    ENV GREETING="hello world"
    ```

    ## Fix safety
    The fix writes `KEY=value`, quoting the value in double quotes when it contains
    whitespace (or escaping the whitespace when the value already has quotes or escapes).
    It is checked by parsing the new line again and expanding both values with dflint's
    BuildKit expander, with and without values for the variables they use; it is safe when
    both agree and is not offered otherwise.

    ## References
    BuildKit check `LegacyKeyValueFormat` (ENV and LABEL only; BuildKit's `ARG` has no
    legacy form). ONBUILD triggers are not checked, as in BuildKit.
    """

    code = "DF107"
    name = "legacy-key-value-format"
    instructions = frozenset({"env", "label"})
    severity = Severity.WARNING
    summary = "Use KEY=value instead of the legacy KEY value form"
    aliases = ("LegacyKeyValueFormat",)
    fix_safety = FixSafety.SAFE

    def check(self, ctx: Context) -> Iterator[Violation]:
        escape = escape_of(ctx.dockerfile)
        for stage in ctx.dockerfile.stages:
            for instruction in stage.instructions:
                if not isinstance(instruction, Env | Label) or not instruction.pairs:
                    continue
                pair = instruction.pairs[0]
                if not pair.legacy:
                    continue
                word = instruction.keyword.upper()
                message = f'"{word} key=value" should be used instead of legacy "{word} key value"'
                fix = legacy_fix(ctx.dockerfile, instruction, pair, escape)
                yield Violation(pair.span, message, fix)


_WHITESPACE = LazyPattern(r"\s")


def legacy_fix(df: Dockerfile, instruction: Env | Label, pair: KeyValue, escape: str) -> Fix | None:
    """``KEY value`` → ``KEY=value``, offered only when re-parsing proves the value unchanged.

    The first candidates only touch the gap between key and value (and add a closing quote),
    so a value laid out over continuation lines keeps its layout.
    """
    gap = Span(pair.key_span.end_line, pair.key_span.end_col, pair.value_span.start_line,
               pair.value_span.start_col)
    end = Span.point(pair.value_span.end_line, pair.value_span.end_col)
    candidates: list[tuple[TextEdit, ...]] = [(TextEdit(gap, "="),)]
    if not any(c in pair.value for c in "\"'" + escape):
        candidates.append((TextEdit(gap, '="'), TextEdit(end, '"')))
    escaped = _escape_unquoted_whitespace(pair.value, escape)
    candidates.append((TextEdit(pair.span, f"{pair.key}={escaped}"),))
    for edits in candidates:
        if _same_meaning(df, instruction, pair, edits, escape):
            return Fix(edits, FixSafety.SAFE, "Use the KEY=value form")
    return None


def _escape_unquoted_whitespace(value: str, escape: str) -> str:
    """Put the escape char before every whitespace character outside quotes."""
    out: list[str] = []
    quote: str | None = None
    i = 0
    while i < len(value):
        ch = value[i]
        if quote is None and ch == escape and i + 1 < len(value):
            out.append(value[i : i + 2])
            i += 2
            continue
        if quote == '"' and ch == escape and i + 1 < len(value):
            out.append(value[i : i + 2])
            i += 2
            continue
        if quote is None and ch in "\"'":
            quote = ch
        elif quote is not None and ch == quote:
            quote = None
        if quote is None and _WHITESPACE.match(ch):
            out.append(escape)
        out.append(ch)
        i += 1
    return "".join(out)


def _apply(df: Dockerfile, first: int, last: int, edits: tuple[TextEdit, ...]) -> str:
    """The text of lines ``first..last`` with ``edits`` applied (edits must lie inside)."""
    lines = df.lines[first - 1 : last]
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    text = "\n".join(lines)

    def offset(line: int, col: int) -> int:
        return starts[line - first] + col - 1

    for edit in sorted(edits, key=lambda e: (e.span.start_line, e.span.start_col), reverse=True):
        a = offset(edit.span.start_line, edit.span.start_col)
        b = offset(edit.span.end_line, edit.span.end_col)
        text = text[:a] + edit.new_text + text[b:]
    return text


def _same_meaning(
    df: Dockerfile, instruction: Env | Label, pair: KeyValue, edits: tuple[TextEdit, ...], escape: str
) -> bool:
    """Re-parse the edited instruction and compare its one pair's expansion with the legacy value."""
    if instruction.start_line < 1 or instruction.end_line > len(df.lines):
        return False
    directive = "" if escape == "\\" else f"# escape={escape}\n"
    body = _apply(df, instruction.start_line, instruction.end_line, edits)
    parsed = parse_text(f"{directive}FROM scratch\n{body}\n")
    if parsed.errors or not parsed.stages or len(parsed.stages[0].instructions) != 1:
        return False
    new = parsed.stages[0].instructions[0]
    if type(new) is not type(instruction) or not isinstance(new, Env | Label) or len(new.pairs) != 1:
        return False
    new_pair = new.pairs[0]
    if new_pair.legacy or new_pair.key != pair.key:
        return False
    names = {u.name for u in variables_in(pair.value, escape)} | {
        u.name for u in variables_in(new_pair.value, escape)
    }
    for env in ({}, dict.fromkeys(names, "a b"), dict.fromkeys(names, "")):
        old = expand(pair.value, env, escape=escape)
        got = expand(new_pair.value, env, escape=escape)
        if old.value != got.value or (old.error is None) != (got.error is None):
            return False
        if [u.name for u in old.used] != [u.name for u in got.used]:
            return False
    return True


_PRAGMA = LazyPattern(r"^#?\s*(hadolint\s|dflint:|check=|syntax=|escape=)", re.IGNORECASE)


class InvalidDefinitionDescription(Rule):
    """## What it does
    Reports the comment right above `FROM ... AS name` or `ARG NAME` when its last line does
    not start with the stage or ARG name (`# name description`).

    ## Why is this bad?
    BuildKit turns such comments into descriptions shown by `docker build --call=outline`
    and `--call=targets`. A comment that starts with another word is either a description
    in the wrong format or an ordinary comment that will be shown as one. Start it with the
    name, or separate an ordinary comment from the instruction with an empty `#` line.

    ## Example
    ```dockerfile
    # Builds the Go binary
    FROM golang:1.22 AS build
    ```

    ## Use instead
    ```dockerfile
    # build compiles the Go binary
    FROM golang:1.22 AS build
    ```

    ## Differences from BuildKit
    BuildKit marks this check experimental, so it is off by default here too. Linter
    pragmas (`# hadolint ignore=...`, `# dflint: ...`, `# check=...`) are never taken for
    descriptions. dflint points at the comment line instead of the instruction.

    ## References
    BuildKit check `InvalidDefinitionDescription`.
    """

    code = "DF112"
    name = "invalid-definition-description"
    severity = Severity.WARNING
    summary = "A stage or ARG description comment should start with its name"
    aliases = ("InvalidDefinitionDescription",)
    enabled_by_default = False

    def check(self, ctx: Context) -> Iterator[Violation]:
        df = ctx.dockerfile
        for instruction in df.instructions:
            keys = _described_names(instruction)
            if not keys or not instruction.comments_above:
                continue
            last = instruction.comments_above[-1]
            if _PRAGMA.match(last) or last.split(" ")[0] in keys:
                continue
            kind = "FROM" if isinstance(instruction, From) else "ARG"
            example = keys[0] if len(keys) == 1 else "<arg_key>"
            yield Violation(
                _comment_span(df, instruction),
                f"Comment for {kind} should follow the format: `# {example} <description>`",
            )


def _described_names(instruction: Instruction) -> list[str]:
    if isinstance(instruction, From) and instruction.stage_name is not None:
        return [instruction.stage_name.text.lower()]
    if isinstance(instruction, Arg):
        return [decl.name for decl in instruction.declarations]
    return []


def _comment_span(df: Dockerfile, instruction: Instruction) -> Span:
    above = [c for c in df.comments if c.line < instruction.start_line]
    return above[-1].span if above else instruction.keyword_span
