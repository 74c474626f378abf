"""Hover: what an instruction does, what a variable holds, what a FROM pulls, why a rule fired.

Sections are stacked (most specific first, then the docs of every finding under the cursor) so
hovering a flagged ``FROM ubuntu`` explains both the base image and DL3006 at once.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from lsprotocol import types

from dflint.lsp.analysis import Analysis
from dflint.lsp.instructions import instruction_doc
from dflint.lsp.occurrences import Occurrence, OccurrenceIndex
from dflint.plugin import Registry
from dflint.semantic import SemanticModel, Variable
from dflint.span import Span
from dflint.tree import Arg, Env, From, Instruction

if TYPE_CHECKING:
    from dflint.simulate.size import SizeModel

_KIND_LABEL = {"arg": "ARG", "env": "ENV", "global": "global ARG", "builtin": "built-in ARG",
               "proxy": "proxy ARG"}


def hover(analysis: Analysis, index: OccurrenceIndex, registry: Registry,
          position: types.Position) -> types.Hover | None:
    line, col = analysis.index.from_lsp(position)
    sections: list[str] = []
    span: Span | None = None
    occurrence = next(iter(index.at(line, col)), None)
    ins = analysis.dockerfile.instruction_at(line)
    if occurrence is not None and occurrence.kind == "var":
        sections.append(_variable(occurrence, analysis.model, analysis.dockerfile.lines))
        span = occurrence.span
    elif isinstance(ins, From) and ins.image is not None and _inside(ins.image.span, line, col):
        sections.append(_image(ins, analysis.model))
        span = ins.image.span
    elif occurrence is not None and occurrence.kind == "stage":
        sections.append(_stage(occurrence))
        span = occurrence.span
    elif ins is not None and _inside(ins.keyword_span, line, col):
        doc = instruction_doc(ins.keyword)
        if doc is not None:
            sections.append(doc.markdown())
            span = ins.keyword_span
    for finding in analysis.findings:
        if _inside(finding.span, line, col) and finding.code in registry.rules:
            from dflint.ruledoc import render_rule_page

            page = render_rule_page(registry.rules[finding.code])
            sections.append(f"**{finding.code}**: {finding.message}\n\n{_demote(page)}")
            span = span or finding.span
    if not sections:
        return None
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value="\n\n---\n\n".join(sections)),
        range=analysis.index.range(span) if span is not None else None,
    )


def _inside(span: Span, line: int, col: int) -> bool:
    return (span.start_line, span.start_col) <= (line, col) <= (span.end_line, span.end_col)


def _demote(markdown: str) -> str:
    """Rule pages start at ``#``; inside a hover that shouts, so push headings down two levels."""
    return "\n".join("##" + line if line.startswith("#") else line for line in markdown.splitlines())


def _code(text: str) -> str:
    fence = "``" if "`" in text else "`"
    return f"{fence}{text}{fence}"


def _declared_at(var: Variable, lines: list[str]) -> str:
    ins = var.instruction
    if ins is None:
        return "predefined by BuildKit" if var.kind == "builtin" else "predefined (set with `--build-arg`)"
    first = lines[ins.span.start_line - 1].strip() if ins.span.start_line <= len(lines) else ins.keyword
    return f"declared on line {ins.span.start_line}: {_code(first)}"


def _value_text(value: str | None) -> str:
    return "declared without a value (expands to empty)" if value is None else f"= {_code(value)}"


def _variable(occ: Occurrence, model: SemanticModel, lines: list[str]) -> str:
    if occ.is_definition and occ.instruction is not None:
        return _declaration(occ, model, lines)
    var = occ.variable
    if var is None:
        return f"`{occ.name}`: not defined here (expands to an empty string)"
    kind = _KIND_LABEL.get(var.kind, var.kind)
    out = [f"**{kind}** `{var.name}` {_value_text(var.value)}", "", _declared_at(var, lines)]
    if var.inherits is not None:
        out.append(f"value inherited from the {_KIND_LABEL.get(var.inherits.kind, 'global ARG')}: "
                   f"{_declared_at(var.inherits, lines)}")
    return "\n\n".join(line for line in out if line)


def _declaration(occ: Occurrence, model: SemanticModel, lines: list[str]) -> str:
    ins = occ.instruction
    assert ins is not None
    value: str | None = None
    if isinstance(ins, Arg):
        for decl in ins.declarations:
            if decl.name == occ.name:
                if decl.default is not None:
                    value = _expanded(model, decl.default, ins)
                else:
                    inherited = model.global_scope.get(occ.name) if ins.stage_index is not None else None
                    value = inherited.value if inherited is not None else None
        kind = "ARG" if ins.stage_index is not None else "global ARG"
    else:
        if isinstance(ins, Env):
            for pair in ins.pairs:
                if pair.key == occ.name:
                    value = _expanded(model, pair.value, ins)
        kind = "ENV"
    return f"**{kind}** `{occ.name}` {_value_text(value)}\n\ndeclared here (line {ins.span.start_line})"


def _expanded(model: SemanticModel, raw: str, ins: Instruction) -> str:
    result = model.expand_in_scope(raw, ins)
    return result.value if result.error is None else raw


def _image(ins: From, model: SemanticModel) -> str:
    resolved = model.resolve_from(ins)
    raw = resolved.raw
    if resolved.is_stage_ref and resolved.stage is not None:
        text = f"**FROM** the earlier stage `{resolved.stage.name}` (stage {resolved.stage.index})"
    elif resolved.is_scratch:
        text = "**FROM** `scratch`: an empty base (no files, no shell)"
    elif resolved.error:
        text = f"**FROM** `{raw}`: cannot be resolved: {resolved.error}"
    else:
        text = f"**Base image** {_code(resolved.text)}"
        parts = [f"repository {_code(resolved.repository or '?')}"]
        parts.append(f"tag {_code(resolved.tag)}" if resolved.tag else "no tag (means `latest`)")
        if resolved.digest:
            parts.append(f"digest {_code(resolved.digest)}")
        text += "\n\n" + ", ".join(parts)
        text += "\n\n" + _estimated_size(resolved.text)
    if raw != resolved.text and not resolved.error:
        text += f"\n\nwritten as {_code(raw)}, expanded with the global ARG defaults"
    if resolved.platform:
        text += f"\n\nplatform {_code(resolved.platform)}"
    if resolved.undefined:
        names = ", ".join(sorted({f"`{u.name}`" for u in resolved.undefined}))
        text += f"\n\nundefined in FROM (no global ARG): {names}"
    return text


@cache
def _size_model() -> SizeModel:
    """The evaluator's size data, loaded on the first image hover and kept for the session."""
    from dflint.simulate.size import SizeModel

    return SizeModel()


def _estimated_size(image: str) -> str:
    """The evaluator's estimate for a base image, with how it was obtained (or why there is none)."""
    from dflint.simulate.report import human

    estimate = _size_model().base_image(image, scratch=False)
    if estimate.size_bytes is None:
        return f"estimated size: unknown ({estimate.note})"
    size = human(estimate.size_bytes)
    return f"estimated size: {size} uncompressed ({estimate.confidence}: {estimate.note})"


def _stage(occ: Occurrence) -> str:
    stage = occ.stage
    if stage is None:
        return f"`{occ.name}`: no stage of this name (an image or a named build context)"
    base = stage.base_text or "?"
    return f"**stage** `{stage.name or stage.index}` (stage {stage.index}), `FROM {base}`, " \
           f"line {stage.from_.span.start_line}"
