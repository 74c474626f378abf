"""BuildKit's casing checks: stage names, ``FROM ... AS``, instruction keywords (DF101, DF102, DF104).

All three are cosmetic for the build (keywords and stage references are case-insensitive) but
`docker build --check` reports them at warning level, and dflint keeps that level so that a
project moving from BuildKit's checks to dflint sees the same picture. Every fix only changes
letter case where BuildKit ignores case, so all three fixes are safe.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from dflint.finding import Fix, FixSafety, Severity, TextEdit, Violation
from dflint.lazyre import LazyPattern
from dflint.plugin import Context, Rule
from dflint.span import Span
from dflint.tree import Copy, Dockerfile, From, Instruction, Run, Unknown

from ._bk_spans import flag_value_span, joined_offset, source_text

#: BuildKit's stage-name syntax (checked after lower-casing); anything else fails the build.
_VALID_STAGE_NAME = LazyPattern(r"^[a-z][a-z0-9-_.]*$")


def _is_lower(text: str) -> bool:
    return text == text.lower()


def _is_upper(text: str) -> bool:
    return text == text.upper()


class StageNameCasing(Rule):
    """## What it does
    Reports a stage name with upper-case letters: `FROM golang:1.22 AS Build`.

    ## Why is this bad?
    BuildKit lower-cases stage names and compares them case-insensitively, so `Build`,
    `build` and `BUILD` are one stage. Writing the name in another case than it is stored
    suggests a distinction that does not exist, and `--target Build` in scripts hides it.

    ## Example
    ```dockerfile
    FROM golang:1.22 AS Build
    FROM alpine:3.20
    COPY --from=Build /out/app /app
    ```

    ## Use instead
    ```dockerfile
    FROM golang:1.22 AS build
    FROM alpine:3.20
    COPY --from=build /out/app /app
    ```

    A name BuildKit refuses outright (`AS ${STAGE}`: stage names are not expanded; `AS
    arm/v7`) is reported once, as the DF000 error, not again here: lower-casing it would not
    make it valid.

    ## Fix safety
    Safe: the name is lower-cased where it is defined and in every later reference written
    literally (`FROM Build`, `COPY --from=Build`, `RUN --mount=from=Build`). References are
    case-insensitive, so even a reference the fix cannot locate keeps working.

    ## References
    BuildKit check `StageNameCasing`.
    """

    code = "DF101"
    name = "stage-name-casing"
    instructions = frozenset({"from"})
    severity = Severity.WARNING
    summary = "Stage names should be lower-case"
    aliases = ("StageNameCasing",)
    fix_safety = FixSafety.SAFE

    def check(self, ctx: Context) -> Iterator[Violation]:
        df = ctx.dockerfile
        for stage in df.stages:
            word = stage.from_.stage_name
            if word is None or _is_lower(word.text) or not _VALID_STAGE_NAME.match(word.text.lower()):
                continue  # an invalid name (`AS ${NAME}`, `AS arm/v7`) is a DF000 error already
            lowered = word.text.lower()
            edits = [TextEdit(word.span, lowered)]
            for later in df.stages[stage.index + 1 :]:
                edits.extend(_reference_edits(df, later.from_, lowered))
                for instruction in later.instructions:
                    edits.extend(_reference_edits(df, instruction, lowered))
            yield Violation(
                word.span,
                f"Stage name '{word.text}' should be lower-case",
                Fix(tuple(edits), FixSafety.SAFE, f"Rename the stage to '{lowered}'"),
            )


def _reference_edits(df: Dockerfile, instruction: Instruction, lowered: str) -> Iterator[TextEdit]:
    """Edits that lower-case literal references to a stage (exact text only, else nothing)."""
    if isinstance(instruction, From):
        image = instruction.image
        if image is not None and image.text.lower() == lowered and image.text != lowered:
            yield TextEdit(image.span, lowered)
    elif isinstance(instruction, Copy):
        for flag in instruction.flags_named("from"):
            value = flag.value or ""
            if value.lower() == lowered and value != lowered:
                span = flag_value_span(instruction, flag)
                if source_text(df, span) == value:
                    yield TextEdit(span, lowered)
    elif isinstance(instruction, Run):
        for flag in instruction.flags_named("mount"):
            yield from _mount_from_edits(df, flag.span, lowered)


_MOUNT_FROM = LazyPattern(r"(?:^|[,=\s])from=([^,\s\"']+)", re.IGNORECASE)


def _mount_from_edits(df: Dockerfile, span: Span, lowered: str) -> Iterator[TextEdit]:
    text = source_text(df, span)
    if text is None:
        return
    for match in _MOUNT_FROM.finditer(text):
        value = match.group(1)
        if value.lower() == lowered and value != lowered:
            col = span.start_col + match.start(1)
            yield TextEdit(Span(span.start_line, col, span.start_line, col + len(value)), lowered)


class FromAsCasing(Rule):
    """## What it does
    Reports `FROM ... AS name` where `AS` is not in the case of the `FROM` keyword:
    `FROM alpine as base` or `from alpine AS base`.

    ## Why is this bad?
    Mixed keyword casing on one line reads as a typo. Like BuildKit, the check only applies
    when `FROM` itself is all lower-case or all upper-case (a mixed-case `From` is already
    reported by DF104).

    ## Example
    ```dockerfile
    FROM alpine:3.20 as base
    ```

    ## Use instead
    ```dockerfile
    FROM alpine:3.20 AS base
    ```

    ## Fix safety
    Safe: `AS` is case-insensitive; the fix re-cases it to match `FROM`.

    ## References
    BuildKit check `FromAsCasing`.
    """

    code = "DF102"
    name = "from-as-casing"
    instructions = frozenset({"from"})
    severity = Severity.WARNING
    summary = "The AS keyword should match the casing of FROM"
    aliases = ("FromAsCasing",)
    fix_safety = FixSafety.SAFE

    def check(self, ctx: Context) -> Iterator[Violation]:
        for stage in ctx.dockerfile.stages:
            from_ = stage.from_
            if from_.stage_name is None or len(from_.value) != 3:
                continue
            words = _from_words(from_)
            if words is None:
                continue
            as_text, as_span = words
            keyword = from_.keyword
            if _is_lower(keyword):
                wanted = as_text.lower()
            elif _is_upper(keyword):
                wanted = as_text.upper()
            else:
                continue
            if wanted == as_text:
                continue
            yield Violation(
                as_span,
                f"'{as_text}' does not match the casing of '{keyword}'",
                Fix((TextEdit(as_span, wanted),), FixSafety.SAFE, f"Write '{wanted}'"),
            )


def _from_words(from_: From) -> tuple[str, Span] | None:
    """The ``AS`` word of ``FROM image AS name`` and its span (between image and name)."""
    image, name = from_.image, from_.stage_name
    if image is None or name is None:
        return None
    as_text = from_.value[1]
    smap = from_.source_map
    if smap is None:
        return None
    # The AS word sits between the image and the name; find it through the joined text.
    start = joined_offset(from_, image.span)
    if start is None:
        return None
    start += len(image.text)
    index = from_.original.find(as_text, start)
    if index < 0:
        return None
    return as_text, smap.span(index, index + len(as_text))


class ConsistentInstructionCasing(Rule):
    """## What it does
    Reports an instruction keyword that is not in the casing of the file's majority: `run`
    in a file of upper-case instructions, or a mixed-case `Run` anywhere.

    ## Why is this bad?
    Keywords are case-insensitive, so mixing cases only makes the file harder to scan and
    grep. As in BuildKit, the majority is lower-case only when strictly more keywords are
    all lower-case than all upper-case; mixed-case keywords never count and are always
    reported. ARGs before the first FROM and the instruction inside `ONBUILD` are neither
    counted nor checked (BuildKit does not see them as stage commands).

    ## Example
    ```dockerfile
    FROM alpine:3.20
    run echo hi
    ```

    ## Use instead
    ```dockerfile
    FROM alpine:3.20
    RUN echo hi
    ```

    ## Fix safety
    Safe: the keyword is re-cased; keywords are case-insensitive.

    ## References
    BuildKit check `ConsistentInstructionCasing`.
    """

    code = "DF104"
    name = "consistent-instruction-casing"
    instructions = frozenset({"from"})
    severity = Severity.WARNING
    summary = "Instruction keywords should all use the same casing"
    aliases = ("ConsistentInstructionCasing",)
    fix_safety = FixSafety.SAFE

    def check(self, ctx: Context) -> Iterator[Violation]:
        keywords: list[Instruction] = []
        for stage in ctx.dockerfile.stages:
            keywords.append(stage.from_)
            keywords.extend(i for i in stage.instructions if not isinstance(i, Unknown))
        lower = sum(1 for i in keywords if _is_lower(i.keyword))
        upper = sum(1 for i in keywords if not _is_lower(i.keyword) and _is_upper(i.keyword))
        majority_lower = lower > upper
        casing = "lower-case" if majority_lower else "upper-case"
        for instruction in keywords:
            keyword = instruction.keyword
            wanted = keyword.lower() if majority_lower else keyword.upper()
            if wanted == keyword:
                continue
            yield Violation(
                instruction.keyword_span,
                f"Instruction '{keyword}' should match the casing of the majority ({casing})",
                Fix((TextEdit(instruction.keyword_span, wanted),), FixSafety.SAFE, f"Write '{wanted}'"),
            )
