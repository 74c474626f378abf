"""Which ``wget`` a RUN runs: busybox's applet or GNU wget.

Private to ``dflint_rules``. Alpine and busybox images have no GNU wget: ``wget`` is the busybox
applet, unless the ``wget`` package was added with ``apk``. The applet differs where DL3047 cares:
it has no ``--progress`` option (``wget --progress=dot:giga`` fails with "unrecognized option"),
ignores ``-nv``, and without a terminal prints at most one progress line a second instead of a
dot line for every 50 KB.

A stage runs the applet when its root base image (through ``FROM <stage>`` chains) is one of
these images, read from its name after ARG expansion:

- ``alpine`` or ``busybox`` under any registry or namespace (``arm64v8/alpine``,
  ``mirror.gcr.io/busybox``);
- a repository name or tag with an ``alpine`` part (``python:3.12-alpine``,
  ``node:22-alpine3.20``, ``easypi/alpine-arm``, ``dotnet/runtime:9.0-alpine3.21``);
- the official ``docker`` image (its Linux tags are built on Alpine).

An ``apk add`` of ``wget`` earlier in the stage chain, or earlier in the same RUN, installs GNU
wget; so may an ``apk add`` whose package list is only known at build time (``apk add $PKGS``)
and a helper script given the word ``wget`` (``apk-install wget``).
"""

from __future__ import annotations

from dflint.lazyre import LazyPattern
from dflint.plugin import Context
from dflint.semantic import StageInfo
from dflint.shell import SimpleCommand
from dflint.shell.packages import parse_apk

from ._pkgmgr import RunScript, run_scripts
from ._pkgvars import expand_packages

#: An ``alpine`` part of a repository name or tag: ``alpine``, ``3.12-alpine``, ``alpine3.20``.
_ALPINE_PART = LazyPattern(r"(?:^|[-_.])alpine(?:\d|[-_.]|$)")
#: Official images whose Linux variants are all built on Alpine.
_ALPINE_IMAGES = frozenset({"alpine", "busybox", "docker"})


def _chain(stage: StageInfo) -> list[StageInfo]:
    """The stage and the stages it is built on, root first."""
    chain = [stage]
    parent = stage.parent
    while parent is not None and len(chain) < 1000:
        chain.append(parent)
        parent = parent.parent
    return chain[::-1]


def has_busybox_userland(stage: StageInfo) -> bool:
    """Whether the stage's root base image is Alpine or busybox (see the module docstring)."""
    base = _chain(stage)[0].base
    if base.repository is None:
        return False
    parts = base.repository.lower().split("/")
    name = parts[-1]
    official = len(parts) == 1 or parts[:-1] in (["library"], ["docker.io", "library"])
    tag = (base.tag or "").lower()
    if name in ("alpine", "busybox") or (official and name in _ALPINE_IMAGES and "windows" not in tag):
        return True
    return bool(_ALPINE_PART.search(name) or _ALPINE_PART.search(tag))


def _adds_wget(ctx: Context, item: RunScript, before: int | None) -> bool:
    """Whether the RUN's script may install GNU wget before the script offset ``before``
    (anywhere when None): ``apk add`` with ``wget`` or an unknown list, or an install helper
    given the word ``wget`` (``apk-install curl wget``, ``install-packages wget``)."""
    for cmd in item.script.commands:
        if before is not None and cmd.start >= before:
            break
        apk = parse_apk(cmd)
        if apk is None:
            if cmd.basename != "wget" and any(w.unquoted.split("=", 1)[0] == "wget" for w in cmd.args):
                return True
            continue
        if not apk.is_install:
            continue
        for package in apk.packages:
            if package.kind == "name" and package.name == "wget":
                return True
            if package.kind == "dynamic":
                expanded = expand_packages(ctx, item, cmd, package.word, "apk add", parse_apk)
                if expanded is None or any(p.name == "wget" for p in expanded.packages):
                    return True
    return False


def runs_busybox_wget(ctx: Context, item: RunScript, wget: SimpleCommand) -> bool:
    """Whether ``wget`` in this RUN is the busybox applet: the stage has a busybox userland and
    no ``apk add wget`` comes before it (in the stage chain or earlier in the RUN)."""
    if item.onbuild:
        return False  # the child build's base image is unknown here
    stage = ctx.model.stage_of(item.owner)
    if stage is None or not has_busybox_userland(stage):
        return False
    chain = {id(s.stage) for s in _chain(stage)}
    for other in run_scripts(ctx):
        if other.onbuild:
            continue
        other_stage = ctx.model.stage_of(other.owner)
        if other_stage is None or id(other_stage.stage) not in chain:
            continue
        if other.owner is item.owner:
            before: int | None = wget.start
        elif other.owner.span.start_line < item.owner.span.start_line or other_stage is not stage:
            before = None  # an earlier RUN of the stage, or any RUN of a stage it is built on
        else:
            continue
        if _adds_wget(ctx, other, before):
            return False
    return True
