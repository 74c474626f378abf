"""Exact spans inside words, flags and heredoc bodies, for the BuildKit-check rules.

BuildKit reports most checks at the whole instruction; dflint points at the offending text (the
``$VAR`` inside a word, the ``AS`` keyword, the protocol of a port). A :class:`~dflint.tree.Word`
only knows its own span, and a word may run across continuation lines, so offsets inside it have
to go back through the instruction's :class:`~dflint.tree.SourceMap`. These helpers do that and
fall back to the whole word whenever the word's text is not a verbatim slice of the source (JSON
strings with escapes, flags with quotes), so a span is never wrong, only sometimes wider.
"""

from __future__ import annotations

from dflint.span import Span
from dflint.tree import Dockerfile, Flag, Instruction, Word


def joined_offset(instruction: Instruction, span: Span) -> int | None:
    """Offset in the instruction's joined line of the start of ``span`` (None if unknown)."""
    smap = instruction.source_map
    if smap is None:
        return None
    for start, (line, col) in zip(smap.starts, smap.origins, strict=True):
        if line == span.start_line and span.start_col >= col:
            return start + span.start_col - col
    return None


def _verbatim_offset(instruction: Instruction, span: Span, text: str) -> int | None:
    """Joined offset of ``text`` when the source at ``span`` is exactly ``text``."""
    offset = joined_offset(instruction, span)
    if offset is None or instruction.original[offset : offset + len(text)] != text:
        return None
    return offset


def sub_span(instruction: Instruction, word: Word, start: int, end: int) -> Span:
    """The file span of ``word.text[start:end]`` (the word's span when it cannot be exact)."""
    offset = _verbatim_offset(instruction, word.span, word.text)
    if offset is None or instruction.source_map is None:
        return word.span
    return instruction.source_map.span(offset + start, offset + end)


def text_span(instruction: Instruction, span: Span, text: str, start: int, end: int) -> Span:
    """Like :func:`sub_span` for any verbatim ``text`` that starts at ``span``."""
    offset = _verbatim_offset(instruction, span, text)
    if offset is None or instruction.source_map is None:
        return span
    return instruction.source_map.span(offset + start, offset + end)


def flag_value_span(instruction: Instruction, flag: Flag, start: int = 0, end: int | None = None) -> Span:
    """Span of ``flag.value[start:end]`` when the flag is written plainly (``--name=value``)."""
    value = flag.value or ""
    stop = len(value) if end is None else end
    written = f"--{flag.name}={value}"
    offset = _verbatim_offset(instruction, flag.span, written)
    if offset is None or instruction.source_map is None:
        return flag.value_span or flag.span
    base = offset + len(flag.name) + 3
    return instruction.source_map.span(base + start, base + stop)


def source_text(dockerfile: Dockerfile, span: Span) -> str | None:
    """The file text covered by a one-line span (None for multi-line or out-of-range spans)."""
    if span.start_line != span.end_line or not 1 <= span.start_line <= len(dockerfile.lines):
        return None
    line = dockerfile.lines[span.start_line - 1]
    return line[span.start_col - 1 : span.end_col - 1]


def line_span(dockerfile: Dockerfile, line: int) -> Span:
    """The whole text of one physical line."""
    length = len(dockerfile.lines[line - 1]) if 1 <= line <= len(dockerfile.lines) else 0
    return Span(line, 1, line, length + 1)


def levenshtein(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def suggest_name(name: str, options: list[str]) -> str | None:
    """A close declared name for "did you mean" (case-insensitive, at most 2 edits, not too short)."""
    best: str | None = None
    best_distance = 1_000
    lowered = name.lower()
    for option in sorted(set(options)):
        if option == name:
            continue
        distance = levenshtein(lowered, option.lower())
        if distance < best_distance:
            best, best_distance = option, distance
    if best is None:
        return None
    if best_distance == 0 or (best_distance <= 2 and best_distance * 2 < len(name)):
        return best
    return None
