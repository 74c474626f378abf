"""Static values of Dockerfile words, shared by the instruction-level DL rules.

BuildKit removes quotes and resolves the escape character when it expands a word (spec §9.1),
so ``WORKDIR "app"`` and ``WORKDIR app`` are the same path. Rules that judge a value must look
at it the way the build will, but only when the value does not depend on a variable: a rule
that guesses what ``$DEST`` holds reports noise, so these helpers answer None instead.
"""

from __future__ import annotations

import functools

from dflint.expand import expand, variables_in
from dflint.lazyre import LazyPattern
from dflint.span import Span
from dflint.tree import Dockerfile, Instruction, Onbuild

_DRIVE = LazyPattern(r"^[A-Za-z]:")


def escape_of(dockerfile: Dockerfile) -> str:
    """The file's escape character (``# escape=`` directive, default backslash)."""
    return dockerfile.directives.escape or "\\"


@functools.lru_cache(maxsize=4096)
def literal(text: str, escape: str) -> str | None:
    """The word as the build sees it, or None when it uses a variable or does not expand.

    Cached: a pure function of two strings, asked for the same words by several rules per
    lint and again at every lint of the language server."""
    result = expand(text, {}, escape=escape)
    if result.error is not None or result.used:
        return None
    return result.value


def uses_variables(text: str, escape: str) -> bool:
    """Whether the word references a variable (escaped and single-quoted ``$`` do not count)."""
    return bool(variables_in(text, escape))


def unquoted_head(text: str) -> str:
    """The word without the opening quotes, for "does it start with ..." questions."""
    return text.lstrip("\"'")


def is_windows_drive(text: str) -> bool:
    """``C:``, ``c:/x``, ``C:\\x``: an absolute path on a Windows image."""
    return _DRIVE.match(text) is not None


def top_level(dockerfile: Dockerfile) -> list[Instruction]:
    """Every instruction of the file in order; ONBUILD triggers stay wrapped (they run later)."""
    return list(dockerfile.instructions)


def onbuild_triggers(dockerfile: Dockerfile) -> list[Instruction]:
    """The instructions wrapped by ONBUILD, for rules that also judge triggers."""
    return [i.trigger for i in dockerfile.instructions if isinstance(i, Onbuild) and i.trigger is not None]


def prefix_span(span: Span, length: int) -> Span:
    """The first ``length`` columns of a one-line span (the span itself otherwise)."""
    if span.start_line != span.end_line:
        return span
    return Span(span.start_line, span.start_col, span.end_line, min(span.end_col, span.start_col + length))
