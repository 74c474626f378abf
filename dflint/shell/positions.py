"""Offset → file position mapping for a shell script.

Every shell object keeps code-point offsets into the script it was built from; the caller (the
Dockerfile side) knows where that script sits in the file and passes ``position_of``. When it does
not, positions are counted inside the script itself, so a one-line script at offset ``n`` is at
line 1, column ``n + 1``.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable

from dflint.span import Position, Span

PositionOf = Callable[[int], Position]


def script_positions(script: str) -> PositionOf:
    """The default mapping: lines and columns counted within ``script`` itself."""
    starts = [0]
    starts.extend(i + 1 for i, ch in enumerate(script) if ch == "\n")

    def position_of(offset: int) -> Position:
        offset = max(0, min(offset, len(script)))
        line = bisect.bisect_right(starts, offset) - 1
        return Position(line + 1, offset - starts[line] + 1)

    return position_of


def span_of(position_of: PositionOf, start: int, end: int) -> Span:
    return Span.between(position_of(start), position_of(end))
