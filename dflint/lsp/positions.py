"""dflint positions (1-based, code points, end exclusive) ↔ LSP positions (0-based, client units).

Why a converter of our own: every span in dflint counts code points, while LSP clients count
UTF-16 code units unless they negotiated otherwise. A Dockerfile with an emoji in a LABEL would
otherwise get every later underline shifted. ASCII lines (nearly all of them) take a fast path.
"""

from __future__ import annotations

from lsprotocol import types

from dflint.span import Span

UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"


def split_lines(text: str) -> list[str]:
    """Physical lines as the parser numbers them: split on LF, a trailing CR dropped."""
    return [line[:-1] if line.endswith("\r") else line for line in text.split("\n")]


class LineIndex:
    """Converts between dflint columns and LSP characters for one version of a document."""

    __slots__ = ("encoding", "lines")

    def __init__(self, lines: list[str], encoding: str = UTF16) -> None:
        self.lines = lines
        self.encoding = str(encoding).lower()

    def line_text(self, line: int) -> str:
        """The text of 1-based ``line`` ("" past the end)."""
        return self.lines[line - 1] if 1 <= line <= len(self.lines) else ""

    def _units(self, text: str) -> int:
        if text.isascii() or self.encoding == UTF32:
            return len(text)
        if self.encoding == UTF8:
            return len(text.encode("utf-8", "surrogatepass"))
        return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)

    def to_lsp(self, line: int, col: int) -> types.Position:
        """1-based (line, col) → 0-based LSP position, clamped into the document."""
        if not self.lines:
            return types.Position(line=0, character=0)
        if line > len(self.lines):
            last = len(self.lines)
            return types.Position(line=last - 1, character=self._units(self.lines[-1]))
        line = max(line, 1)
        text = self.lines[line - 1]
        col = max(1, min(col, len(text) + 1))
        return types.Position(line=line - 1, character=self._units(text[: col - 1]))

    def range(self, span: Span) -> types.Range:
        return types.Range(start=self.to_lsp(span.start_line, span.start_col),
                           end=self.to_lsp(span.end_line, span.end_col))

    def from_lsp(self, position: types.Position) -> tuple[int, int]:
        """0-based LSP position → 1-based (line, col) in code points, clamped to the line."""
        line = position.line + 1
        text = self.line_text(line)
        want = position.character
        if text.isascii() or self.encoding == UTF32:
            return line, min(want, len(text)) + 1
        units = 0
        for index, ch in enumerate(text):
            if units >= want:
                return line, index + 1
            units += self._units(ch)
        return line, len(text) + 1


def contains(rng: types.Range, pos: types.Position) -> bool:
    """Whether ``pos`` lies in ``rng`` (both ends included, as a cursor at a word's end counts)."""
    start = (rng.start.line, rng.start.character)
    end = (rng.end.line, rng.end.character)
    return start <= (pos.line, pos.character) <= end


def overlaps(a: types.Range, b: types.Range) -> bool:
    """Whether two ranges touch (an empty range at a boundary counts)."""
    a0, a1 = (a.start.line, a.start.character), (a.end.line, a.end.character)
    b0, b1 = (b.start.line, b.start.character), (b.end.line, b.end.character)
    return a0 <= b1 and b0 <= a1
