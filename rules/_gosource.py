"""Where a Go package's code comes from when ``go install``/``go get`` names it without ``@version``.

Private to ``dflint_rules`` (DL3062). Without ``@version``, ``go install`` and ``go run`` never
fetch an unpinned module: in module mode (Go 1.16+) they build the version go.mod requires,
and fail outside a module; in GOPATH mode they build the copy already in ``$GOPATH/src``. So
they are unpinned only when no module and no copied source is in sight. ``go get`` is
different: it fetches the newest version, unless the package is the project's own source,
copied into ``$GOPATH/src`` by an earlier COPY/ADD (``go get -d`` then only fetches its
dependencies), or unless the clone it made is set to a tag or commit afterwards (``go get
-d github.com/x/y && cd $GOPATH/src/github.com/x/y && git checkout v1.2.3``).
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from dflint.plugin import Context
from dflint.shell import ShellScript
from dflint.tree import Add, Copy, Instruction, Workdir

from ._cache_busting_go import go_version
from ._pkgmgr import RunScript, run_scripts
from ._stage_refs import lineage

_GO_MOD_FILES = ("go.mod", "go.sum", "go.work")


def module_in_sight(ctx: Context, item: RunScript) -> bool:
    """Whether the RUN builds inside a Go module: it bind-mounts go.mod or the whole context, or
    an earlier COPY/ADD of this stage (or one it builds on) brings go.mod or the context root."""
    for mount in item.run.mounts:
        if mount.type not in ("bind", None) or mount.from_:
            continue
        source = posixpath.normpath(mount.source or ".")
        if source == "." or posixpath.basename(source) in _GO_MOD_FILES:
            return True
    for copy in _copies_before(ctx, item):
        for word in copy.sources:
            name = posixpath.basename(posixpath.normpath(word.text.strip("\"'")))
            if name in (".", "*") or name in _GO_MOD_FILES or name.startswith("go.*"):
                return True
    return False


def gopath_only(ctx: Context, item: RunScript) -> bool:
    """Whether the RUN's ``go get`` works in GOPATH mode, where ``pkg@version`` is an error:
    ``GO111MODULE=off``, or a ``golang`` image before 1.16 (modules on by default) with no
    go.mod in sight (Go 1.11-1.15 chose GOPATH mode then)."""
    variable = ctx.model.scope_at(item.run).get("GO111MODULE")
    setting = (variable.value or "").strip().lower() if variable is not None else ""
    if setting in ("off", "on"):
        return setting == "off"
    version = go_version(ctx, item.run)
    return version is not None and version < (1, 16) and not module_in_sight(ctx, item)


def copied_into_gopath(ctx: Context, item: RunScript, package: str) -> bool:
    """Whether ``package`` (``github.com/x/y/cmd/z``) lies in a ``.../src/<path>`` directory an
    earlier COPY/ADD filled: the project's own source, built where it was copied."""
    for copy in _copies_before(ctx, item):
        if copy.destination is None:
            continue
        gopath = ctx.model.scope_at(copy).env().get("GOPATH") or "/go"
        dest = copy.destination.text.strip("\"'")
        for var in ("${GOPATH}", "$GOPATH"):
            dest = dest.replace(var, gopath)
        _, found, rel = posixpath.normpath(dest).partition("/src/")
        if found and rel and (package == rel or package.startswith(rel + "/")):
            return True
    return False


def _copies_before(ctx: Context, item: RunScript) -> Iterator[Copy | Add]:
    """COPY/ADD instructions of the RUN's stage before it, and of every stage it builds on."""
    stage = ctx.model.stage_of(item.owner)
    if stage is None:
        return
    line = item.owner.span.start_line
    for current in lineage(stage):
        instructions: list[Instruction] = current.instructions
        for instruction in instructions:
            if current is stage and instruction.span.start_line >= line:
                break
            if isinstance(instruction, Copy | Add):
                yield instruction


def checked_out_later(ctx: Context, item: RunScript, after: int, package: str) -> bool:
    """Whether the clone ``go get`` made of ``package`` (in ``$GOPATH/src``) is set to a ref
    afterwards: a ``git checkout``/``switch``/``reset`` run in its directory, after a ``cd`` in
    the same RUN (from script offset ``after`` on) or under a WORKDIR in a later RUN of the stage."""
    stage = ctx.model.stage_of(item.owner)
    if stage is None:
        return False
    gopath = ctx.model.scope_at(item.owner).env().get("GOPATH") or "/go"
    line = item.owner.span.start_line
    workdir = "/"
    for current in reversed(lineage(stage)):
        for instruction in current.instructions:
            if current is stage and instruction.span.start_line >= line:
                break
            if isinstance(instruction, Workdir) and instruction.path is not None:
                workdir = _resolve(workdir, instruction.path.text, gopath) or workdir
    if _git_sets_ref(item.script, after, workdir, gopath, package):
        return True
    later = [r for r in run_scripts(ctx) if not r.onbuild and r.owner.span.start_line > line
             and ctx.model.stage_of(r.owner) is stage]
    for instruction in stage.instructions:
        if instruction.span.start_line <= line:
            continue
        if isinstance(instruction, Workdir) and instruction.path is not None:
            workdir = _resolve(workdir, instruction.path.text, gopath) or workdir
        for run in later:
            if run.owner is instruction and _git_sets_ref(run.script, -1, workdir, gopath, package):
                return True
    return False


def _git_sets_ref(script: ShellScript, after: int, workdir: str, gopath: str, package: str) -> bool:
    cwd: str | None = workdir
    src = posixpath.join(gopath, "src")
    for cmd in script.commands:
        if cmd.basename == "cd" and cmd.args:
            cwd = _resolve(cwd, cmd.args[0].text, gopath) if cwd is not None else None
        if cmd.basename != "git" or cmd.start <= after:
            continue
        where, words = cwd, [w.text for w in cmd.args]
        while len(words) >= 2 and words[0] == "-C":
            where = _resolve(where, words[1], gopath) if where is not None else None
            words = words[2:]
        if not words or words[0] not in ("checkout", "switch", "reset") or where is None:
            continue
        rel = posixpath.relpath(where, src)
        if rel.startswith("..") or rel.count("/") < 1:
            continue
        if package == rel or package.startswith(rel + "/"):
            return True
    return False


def _resolve(cwd: str | None, text: str, gopath: str) -> str | None:
    """A ``cd``/WORKDIR argument as an absolute path; None when it holds another expansion."""
    path = text.strip("\"'")
    for var in ("${GOPATH}", "$GOPATH"):
        path = path.replace(var, gopath)
    if "$" in path or "`" in path or (cwd is None and not path.startswith("/")):
        return None
    return posixpath.normpath(posixpath.join(cwd or "/", path))
