"""The stage graph of a build: which stages BuildKit runs for a target, and in what order.

Why a module of its own: BuildKit only solves the LLB vertices reachable from the target, so a
stage nobody references is never built, and its cache cannot miss. ``--target`` picks the
final stage; ``--build-arg`` and ``--platform`` change the scope every expansion sees, which is
why they are given to :class:`dflint.semantic.SemanticModel` here and nowhere else.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from dflint.semantic import SemanticModel, StageInfo
from dflint.tree import Dockerfile, Instruction, Onbuild

__all__ = ["BuildGraph", "TargetError", "build_graph"]


class TargetError(ValueError):
    """``--target`` names no stage (BuildKit: ``target stage "x" could not be found``)."""


@dataclass
class BuildGraph:
    """The model of one build: the parsed file, its semantic model and the stages to build."""

    dockerfile: Dockerfile
    model: SemanticModel
    target: StageInfo | None
    built: set[int] = field(default_factory=set)
    build_args: dict[str, str] = field(default_factory=dict)
    platform: str = "linux/amd64"

    @property
    def stages(self) -> list[StageInfo]:
        return self.model.stages

    @property
    def target_name(self) -> str | None:
        if self.target is None:
            return None
        return self.target.name or str(self.target.index)

    def instructions_of(self, stage: StageInfo) -> list[tuple[Instruction, bool]]:
        """The instructions a stage dispatches: ONBUILD triggers of its parent stage first.

        Each item is (instruction, from_trigger). Triggers of an external image cannot be known
        offline; those of a stage of this file are (BuildKit runs them at the start of the child).
        """
        out: list[tuple[Instruction, bool]] = []
        if stage.parent is not None:
            for ins in stage.parent.instructions:
                if isinstance(ins, Onbuild) and ins.trigger is not None:
                    out.append((ins.trigger, True))
        out.extend((ins, False) for ins in stage.instructions)
        return out

    def dependents(self, index: int) -> list[int]:
        """Stages that use stage ``index`` directly (FROM, COPY --from, mount from=)."""
        return [
            s.index for s in self.stages if any(d.index == index for d in self.model.stage_dependencies(s))
        ]


def build_graph(
    dockerfile: Dockerfile,
    *,
    target: str | None = None,
    build_args: Mapping[str, str] | None = None,
    platform: str = "linux/amd64",
) -> BuildGraph:
    """Model the build of ``target`` (default: the last stage); raises :class:`TargetError`."""
    args = dict(build_args or {})
    model = SemanticModel.build(dockerfile, build_args=args, platform=platform)
    chosen: StageInfo | None
    if target is None:
        chosen = model.stages[-1] if model.stages else None
    else:
        chosen = model.stage_named(target)
        if chosen is None and target.isdigit() and int(target) < len(model.stages):
            chosen = model.stages[int(target)]
        if chosen is None:
            raise TargetError(f'target stage "{target}" could not be found')
    built = {s.index for s in model.reachable_stages(chosen)} if chosen is not None else set()
    return BuildGraph(dockerfile, model, chosen, built, args, platform)
