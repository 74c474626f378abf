"""Document symbols: global ARGs, then each stage with its instructions as children.

The outline mirrors how a multi-stage build is read (stage by stage), which the flat list of
the reference Dockerfile server does not show.
"""

from __future__ import annotations

from lsprotocol import types

from dflint.lsp.analysis import Analysis
from dflint.tree import Arg, Env, Instruction, Label

_KINDS = {"ARG": types.SymbolKind.Variable, "ENV": types.SymbolKind.Variable,
          "LABEL": types.SymbolKind.Property, "FROM": types.SymbolKind.Class}
MAX_DETAIL = 60


def _detail(ins: Instruction) -> str:
    text = " ".join(ins.original.split()[1:]) if ins.original else ins.args_text
    return text if len(text) <= MAX_DETAIL else text[: MAX_DETAIL - 1] + "…"


def _name(ins: Instruction) -> str:
    if isinstance(ins, Arg) and ins.declarations:
        return "ARG " + ", ".join(d.name for d in ins.declarations)
    if isinstance(ins, Env | Label) and ins.pairs:
        return f"{ins.keyword.upper()} " + ", ".join(p.key for p in ins.pairs)
    return ins.keyword.upper() or "?"


def _symbol(analysis: Analysis, ins: Instruction) -> types.DocumentSymbol:
    rng = analysis.index.range(ins.span)
    return types.DocumentSymbol(name=_name(ins), detail=_detail(ins),
                                kind=_KINDS.get(ins.keyword.upper(), types.SymbolKind.Function),
                                range=rng, selection_range=analysis.index.range(ins.keyword_span))


def document_symbols(analysis: Analysis, hierarchical: bool = True
                     ) -> list[types.DocumentSymbol] | list[types.SymbolInformation]:
    df = analysis.dockerfile
    out: list[types.DocumentSymbol] = [_symbol(analysis, arg) for arg in df.global_args]
    for stage in df.stages:
        image = stage.from_.image.text if stage.from_.image else "?"
        name = stage.name or f"stage {stage.index}"
        children = [_symbol(analysis, ins) for ins in stage.instructions]
        selection = stage.name_span or stage.from_.keyword_span
        out.append(types.DocumentSymbol(name=name, detail=f"FROM {image}", kind=types.SymbolKind.Class,
                                        range=analysis.index.range(stage.span),
                                        selection_range=analysis.index.range(selection),
                                        children=children))
    if hierarchical:
        return out
    flat: list[types.SymbolInformation] = []
    for sym in out:
        flat.append(_info(analysis.uri, sym, None))
        flat.extend(_info(analysis.uri, child, sym.name) for child in sym.children or [])
    return flat


def _info(uri: str, sym: types.DocumentSymbol, container: str | None) -> types.SymbolInformation:
    return types.SymbolInformation(name=sym.name, kind=sym.kind,
                                   location=types.Location(uri=uri, range=sym.range),
                                   container_name=container)
