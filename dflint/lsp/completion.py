"""Completion: instruction keywords, per-instruction flags, stage names after ``--from=``, and
variables after ``$``.

The context is read from the text left of the cursor on its physical line, not from the parse
tree: while the user types, the line is usually incomplete and the tree may not have it yet.
Every item carries an explicit text edit over what was typed, because clients disagree on
whether ``-`` and ``$`` are part of a word.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from lsprotocol import types

from dflint.lsp.analysis import Analysis
from dflint.lsp.instructions import INSTRUCTIONS, instruction_doc
from dflint.tree import Instruction

Replace = Callable[[str, str], types.TextEdit]

TRIGGER_CHARACTERS = ["-", "=", "$", "{", ","]

_STAGE_REF = re.compile(r"(?:--from=|[=,]from=)(?P<prefix>[\w.-]*)$")
_VARIABLE = re.compile(r"\$(?P<brace>\{?)(?P<prefix>[A-Za-z_][A-Za-z0-9_]*)?$")
_FLAG = re.compile(r"(?:^|\s)(?P<prefix>--?[\w-]*)$")
_KEYWORD = re.compile(r"^\s*(?P<prefix>[A-Za-z]*)$")
_FIRST_WORD = re.compile(r"^\s*(?:onbuild\s+)?(?P<word>[A-Za-z]+)", re.IGNORECASE)


def _edit(line: int, start: int, end: int, text: str) -> types.TextEdit:
    return types.TextEdit(range=types.Range(start=types.Position(line=line, character=start),
                                            end=types.Position(line=line, character=end)),
                          new_text=text)


def completions(analysis: Analysis, position: types.Position) -> list[types.CompletionItem]:
    line, col = analysis.index.from_lsp(position)
    before = analysis.index.line_text(line)[: col - 1]
    ins = analysis.dockerfile.instruction_at(line)
    continued = ins is not None and ins.span.start_line < line

    def replace(prefix: str, text: str) -> types.TextEdit:
        start = analysis.index.to_lsp(line, col - len(prefix))
        return _edit(position.line, start.character, position.character, text)

    if (m := _STAGE_REF.search(before)) is not None:
        return _stages(analysis, line, m.group("prefix"), replace)
    if (m := _VARIABLE.search(before)) is not None:
        return _variables(analysis, ins, m.group("prefix") or "", m.group("brace"), replace)
    if (m := _FLAG.search(before)) is not None:
        keyword = _keyword_here(before, ins, continued)
        return _flags(keyword, m.group("prefix"), replace) if keyword else []
    if not continued and (m := _KEYWORD.match(before)) is not None:
        return _keywords(m.group("prefix"), replace)
    return []


def _keyword_here(before: str, ins: Instruction | None, continued: bool) -> str | None:
    if continued and ins is not None:
        return ins.keyword.upper()
    m = _FIRST_WORD.match(before)
    return m.group("word").upper() if m else None


def _keywords(prefix: str, replace: Replace) -> list[types.CompletionItem]:
    upper = prefix.isupper() or not prefix
    items = []
    for keyword, doc in INSTRUCTIONS.items():
        label = keyword if upper else keyword.lower()
        items.append(types.CompletionItem(
            label=label, kind=types.CompletionItemKind.Keyword, detail=doc.syntax,
            documentation=types.MarkupContent(kind=types.MarkupKind.Markdown, value=doc.markdown()),
            text_edit=replace(prefix, label + " "), filter_text=label,
            deprecated=True if keyword == "MAINTAINER" else None,
        ))
    return items


def _flags(keyword: str, prefix: str, replace: Replace) -> list[types.CompletionItem]:
    doc = instruction_doc(keyword)
    if doc is None:
        return []
    items = []
    for name, text in doc.flags:
        takes_value = name not in ("link", "parents", "keep-git-dir")
        label = f"--{name}"
        items.append(types.CompletionItem(
            label=label, kind=types.CompletionItemKind.Property, detail=text,
            text_edit=replace(prefix, label + ("=" if takes_value else " ")), filter_text=label,
        ))
    return items


def _stages(analysis: Analysis, line: int, prefix: str, replace: Replace) -> list[types.CompletionItem]:
    items = []
    for stage in analysis.dockerfile.stages:
        if stage.from_.span.start_line >= line:
            break  # only earlier stages can be copied from
        image = stage.from_.image.text if stage.from_.image else "?"
        if stage.name:
            items.append(types.CompletionItem(label=stage.name, kind=types.CompletionItemKind.Module,
                                              detail=f"stage {stage.index}: FROM {image}",
                                              text_edit=replace(prefix, stage.name)))
        items.append(types.CompletionItem(label=str(stage.index), kind=types.CompletionItemKind.Value,
                                          detail=f"stage {stage.index}: FROM {image}",
                                          text_edit=replace(prefix, str(stage.index)),
                                          sort_text=f"~{stage.index:04d}"))
    return items


def _variables(analysis: Analysis, ins: Instruction | None, prefix: str, brace: str,
               replace: Replace) -> list[types.CompletionItem]:
    model = analysis.model
    scope = model.scope_at(ins) if ins is not None else model.global_scope
    items = []
    for var in scope:
        text = var.name + ("}" if brace else "")
        value = "(no value)" if var.value is None else var.value
        items.append(types.CompletionItem(label=var.name, kind=types.CompletionItemKind.Variable,
                                          detail=f"{var.kind} = {value}", text_edit=replace(prefix, text),
                                          filter_text=var.name))
    return items
