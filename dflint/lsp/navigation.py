"""Go to definition and find references for stage names and ARG/ENV variables."""

from __future__ import annotations

from lsprotocol import types

from dflint.lsp.analysis import Analysis
from dflint.lsp.occurrences import OccurrenceIndex


def definition(analysis: Analysis, index: OccurrenceIndex, position: types.Position) -> list[types.Location]:
    line, col = analysis.index.from_lsp(position)
    occ = index.for_definition(line, col)
    if occ is None or occ.target is None:
        return []
    return [types.Location(uri=analysis.uri, range=analysis.index.range(occ.target))]


def references(analysis: Analysis, index: OccurrenceIndex, position: types.Position,
               include_declaration: bool) -> list[types.Location]:
    line, col = analysis.index.from_lsp(position)
    occ = index.for_references(line, col)
    if occ is None or occ.target is None:
        return []
    found = index.references(occ.target, occ.kind, include_declaration)
    seen: set[tuple[int, int, int, int]] = set()
    out: list[types.Location] = []
    for item in found:
        key = (item.span.start_line, item.span.start_col, item.span.end_line, item.span.end_col)
        if key in seen:
            continue
        seen.add(key)
        out.append(types.Location(uri=analysis.uri, range=analysis.index.range(item.span)))
    return out
