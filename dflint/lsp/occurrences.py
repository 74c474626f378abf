"""Where stage names and ARG/ENV variables are defined and used, with what each use resolves to.

Definition, references and variable hovers all need the same answer, so it is computed once
per document version from the semantic model (which already implements BuildKit's scoping:
global ARGs reach FROM lines only, a stage sees them after ``ARG NAME``, and so on).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from dflint.semantic import SemanticModel, StageInfo, Variable
from dflint.span import Span
from dflint.tree import Arg, Copy, Dockerfile, Env, Instruction, Run

Kind = Literal["stage", "var"]

_VAR = re.compile(r"\$(?:\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)[^}\n]*\}?|(?P<plain>[A-Za-z_][A-Za-z0-9_]*))")
_MOUNT_FROM = re.compile(r"(?<=[=,])from=(?P<value>[^,\s\"']+)")


@dataclass(frozen=True, slots=True, eq=False)
class Occurrence:
    """One place a name appears. ``target`` is the span of the definition it refers to."""

    kind: Kind
    name: str
    span: Span
    is_definition: bool
    target: Span | None
    instruction: Instruction | None = None
    variable: Variable | None = None
    stage: StageInfo | None = None

    def contains(self, line: int, col: int) -> bool:
        s = self.span
        return (s.start_line, s.start_col) <= (line, col) <= (s.end_line, s.end_col)


def _decl_span(var: Variable) -> Span | None:
    """The name span of the ARG/ENV declaration of ``var`` (None for built-ins)."""
    ins = var.instruction
    if isinstance(ins, Arg):
        for decl in ins.declarations:
            if decl.name == var.name:
                return decl.name_span
    if isinstance(ins, Env):
        for pair in ins.pairs:
            if pair.key == var.name:
                return pair.key_span
    return var.span


def _stage_target(stage: StageInfo) -> Span:
    return stage.stage.name_span or stage.from_.keyword_span


class OccurrenceIndex:
    """All occurrences in one document, in file order."""

    def __init__(self, dockerfile: Dockerfile, model: SemanticModel) -> None:
        self.items: list[Occurrence] = []
        self._dockerfile = dockerfile
        self._model = model
        self._stages()
        self._variables()
        self.items.sort(key=lambda o: (o.span.start_line, o.span.start_col, not o.is_definition))

    # -- stages --------------------------------------------------------------------------------
    def _stages(self) -> None:
        model = self._model
        for info in model.stages:
            name_span = info.stage.name_span
            if info.stage.name and name_span is not None:
                self.items.append(Occurrence("stage", info.stage.name.lower(), name_span, True, name_span,
                                             info.from_, stage=info))
            image = info.from_.image
            parent = info.base.stage
            if image is not None and parent is not None:
                self.items.append(Occurrence("stage", parent.name or str(parent.index), image.span, False,
                                             _stage_target(parent), info.from_, stage=parent))
            for ins in info.instructions:
                self._stage_refs(ins)

    def _stage_refs(self, ins: Instruction) -> None:
        if isinstance(ins, Copy):
            flag = ins.flag("from")
            if flag is not None and flag.value:
                target = self._model.resolve_stage_ref(flag.value)
                span = flag.value_span or flag.span
                self.items.append(Occurrence("stage", flag.value.lower(), span, False,
                                             _stage_target(target) if target else None, ins, stage=target))
        elif isinstance(ins, Run):
            for flag in ins.flags_named("mount"):
                if flag.span.start_line != flag.span.end_line:
                    continue
                line = self._line(flag.span.start_line)
                text = line[flag.span.start_col - 1 : flag.span.end_col - 1]
                for match in _MOUNT_FROM.finditer(text):
                    value = match.group("value")
                    start = flag.span.start_col + match.start("value")
                    span = Span(flag.span.start_line, start, flag.span.start_line, start + len(value))
                    target = self._model.resolve_stage_ref(value)
                    self.items.append(Occurrence("stage", value.lower(), span, False,
                                                 _stage_target(target) if target else None, ins,
                                                 stage=target))

    # -- variables -----------------------------------------------------------------------------
    def _line(self, line: int) -> str:
        lines = self._dockerfile.lines
        return lines[line - 1] if 1 <= line <= len(lines) else ""

    def _variables(self) -> None:
        model = self._model
        for ins in self._dockerfile.instructions:
            self._declarations(ins)
            scope = model.scope_at(ins)
            escape = model.escape
            for line_no in range(ins.span.start_line, ins.span.end_line + 1):
                line = self._line(line_no)
                if "$" not in line:
                    continue
                first = ins.span.start_col if line_no == ins.span.start_line else 1
                for match in _VAR.finditer(line, max(0, first - 1)):
                    if match.start() > 0 and line[match.start() - 1] == escape:
                        continue
                    name = match.group("braced") or match.group("plain")
                    span = Span(line_no, match.start() + 1, line_no, match.end() + 1)
                    var = scope.get(name)
                    target = _decl_span(var) if var is not None else None
                    self.items.append(Occurrence("var", name, span, False, target, ins, variable=var))

    def _declarations(self, ins: Instruction) -> None:
        model = self._model
        if isinstance(ins, Arg):
            for decl in ins.declarations:
                self.items.append(Occurrence("var", decl.name, decl.name_span, True, decl.name_span, ins))
                inherited = model.global_scope.get(decl.name) if ins.stage_index is not None else None
                if decl.default is None and inherited is not None and inherited.kind == "global":
                    # `ARG NAME` in a stage re-declares the global ARG: also a use of it.
                    self.items.append(Occurrence("var", decl.name, decl.name_span, False,
                                                 _decl_span(inherited), ins, variable=inherited))
        elif isinstance(ins, Env):
            for pair in ins.pairs:
                if "$" not in pair.key:
                    self.items.append(Occurrence("var", pair.key, pair.key_span, True, pair.key_span, ins))

    # -- queries -------------------------------------------------------------------------------
    def at(self, line: int, col: int) -> list[Occurrence]:
        return [o for o in self.items if o.contains(line, col)]

    def for_definition(self, line: int, col: int) -> Occurrence | None:
        """The use under the cursor (a definition only when nothing else is there)."""
        found = self.at(line, col)
        uses = [o for o in found if not o.is_definition and o.target is not None]
        if uses:
            return uses[0]
        defs = [o for o in found if o.is_definition]
        return defs[0] if defs else None

    def for_references(self, line: int, col: int) -> Occurrence | None:
        """The definition under the cursor, else the use under it."""
        found = self.at(line, col)
        defs = [o for o in found if o.is_definition]
        if defs:
            return defs[0]
        return found[0] if found else None

    def references(self, target: Span, kind: Kind, include_declaration: bool) -> list[Occurrence]:
        return [o for o in self.items
                if o.kind == kind and o.target == target and (include_declaration or not o.is_definition)]
