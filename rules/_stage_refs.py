"""Which stages are shipped, as opposed to helpers other stages build on or copy from, and
which USER a shipped image runs as.

hadolint's DL3049 (label missing) skips stages used only through ``COPY --from``, and does not
flag a stage that a later stage builds ``FROM`` (the child is flagged instead). DL3057
(HEALTHCHECK missing) uses the same notion here, so a ``golang AS build`` stage is not asked for
a HEALTHCHECK nobody will ever run.
"""

from __future__ import annotations

from dflint.semantic import SemanticModel, StageInfo
from dflint.tree import User


def referenced_stage_indexes(model: SemanticModel) -> set[int]:
    """Indexes of stages another stage builds FROM, copies from or mounts from."""
    found: set[int] = set()
    for stage in model.stages:
        for dep in model.stage_dependencies(stage):
            if dep.index != stage.index:
                found.add(dep.index)
    return found


def output_stages(model: SemanticModel) -> list[StageInfo]:
    """Stages that are an image someone may run: unreferenced ones, and always the last one."""
    if not model.stages:
        return []
    referenced = referenced_stage_indexes(model)
    last = model.stages[-1].index
    return [s for s in model.stages if s.index == last or s.index not in referenced]


def lineage(stage: StageInfo) -> list[StageInfo]:
    """The stage and its FROM ancestors, nearest first."""
    return [stage, *stage.ancestors()]


def runtime_user(stage: StageInfo) -> User | None:
    """The USER a container of this stage's image starts as: the stage's last USER, else the
    last one of the nearest FROM ancestor in the file that has one (None: the base image decides).

    Earlier USERs only choose who runs the build steps after them; ``ONBUILD USER`` is for
    child images.
    """
    for info in lineage(stage):
        users = [i for i in info.instructions if isinstance(i, User) and i.user is not None]
        if users:
            return users[-1]
    return None


def runtime_users(model: SemanticModel) -> list[User]:
    """The USER instruction deciding the run-time user of each output stage, each once."""
    found: list[User] = []
    for stage in output_stages(model):
        user = runtime_user(stage)
        if user is not None and all(user is not seen for seen in found):
            found.append(user)
    return found
