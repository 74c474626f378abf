"""Shared helpers of the package-manager rule families (apt, apk, yum/dnf, zypper, pip, node, gem, go).

Private to ``dflint_rules`` (the leading underscore keeps it out of rule collection). Command
lines are read by :mod:`dflint.shell.packages`; what is here is what those rules need around
them and the shell package does not give: walking RUN and ``ONBUILD RUN`` alike, deciding whether
an ``rm`` or a cache mount really takes a directory out of the layer, whether a stage's layers
ship in an image, and inserting a flag as a fix.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
import weakref
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from dflint.finding import Fix, FixSafety, TextEdit
from dflint.plugin import Context
from dflint.records import FrozenRecord
from dflint.semantic import StageInfo
from dflint.shell import ShellScript, ShellWord, SimpleCommand
from dflint.shell.packages import parse_options
from dflint.span import Span
from dflint.tree import Instruction, Onbuild, Run

T = TypeVar("T")


class RunScript(FrozenRecord):
    """A RUN whose script is POSIX shell: a plain RUN or the RUN inside ``ONBUILD``."""

    __slots__ = ("onbuild", "owner", "run", "script")
    __match_args__ = ("run", "script", "owner", "onbuild")

    run: Run
    script: ShellScript
    #: The instruction as written in the file (the ONBUILD for a trigger).
    owner: Instruction
    onbuild: bool

    def __init__(self, run: Run, script: ShellScript, owner: Instruction, onbuild: bool) -> None:
        _set = object.__setattr__
        _set(self, "run", run)
        _set(self, "script", script)
        _set(self, "owner", owner)
        _set(self, "onbuild", onbuild)


def run_scripts(ctx: Context) -> Iterator[RunScript]:
    """Every analysable RUN, ONBUILD triggers included; non-POSIX SHELL and exec form are skipped
    (``ctx.shell`` returns None for them, and these rules then have nothing to say).

    Listed once per file (:meth:`Context.memo`): every package-manager rule walks them."""
    return iter(ctx.memo(_list_run_scripts, lambda: tuple(_list_run_scripts(ctx))))


def _list_run_scripts(ctx: Context) -> Iterator[RunScript]:
    for instruction in ctx.dockerfile.instructions:
        onbuild = False
        run: Instruction | None = instruction
        if isinstance(instruction, Onbuild):
            run, onbuild = instruction.trigger, True
        if not isinstance(run, Run):
            continue
        script = ctx.shell(run)
        if script is None:
            continue
        yield RunScript(run, script, instruction, onbuild)


def commands_named(script: ShellScript, *names: str) -> list[SimpleCommand]:
    wanted = set(names)
    return [c for c in script.commands if c.basename in wanted]


#: Data derived from a script, by script then by what derived it. Weak: an entry lives as long
#: as its script, which the language server's ShellMemo keeps across edits for unchanged RUNs.
_PER_SCRIPT: weakref.WeakKeyDictionary[ShellScript, dict[object, tuple[Any, ...]]] = (
    weakref.WeakKeyDictionary())


def per_script(script: ShellScript, key: object, derive: Callable[[], Iterable[T]]) -> list[T]:
    """``derive()`` computed once per script and ``key``; each caller gets a list of its own.

    For what depends on nothing but the script (its commands and their positions) and is made
    of frozen records: then the same script, however many rules or edits ask, gives the same
    answer."""
    by_key = _PER_SCRIPT.get(script)
    if by_key is None:
        by_key = _PER_SCRIPT[script] = {}
    found = by_key.get(key)
    if found is None:
        found = by_key[key] = tuple(derive())
    return list(found)


def package_commands(script: ShellScript, parse: Callable[[SimpleCommand], T | None]) -> list[T]:
    """Every command of the script that ``parse`` (a :mod:`dflint.shell.packages` reader) accepts.

    Cached per script and reader (:func:`per_script`): a dozen rules ask for the same script's
    apt (pip, ...) commands; a reader is a pure function of the command and returns frozen
    records."""
    return per_script(script, parse, lambda: (p for p in map(parse, script.commands) if p is not None))


def after_double_dash(cmd: SimpleCommand, word: ShellWord) -> bool:
    """Whether ``word`` comes after a ``--`` in ``cmd`` (gem's build flags, not gems)."""
    return any(w.value == "--" and w.start < word.start for w in cmd.args)


# -- paths -----------------------------------------------------------------------------------


def normalise_path(path: str) -> str:
    """``/var/lib/apt/lists/*`` and ``/var/lib/apt/lists/`` both mean the directory's content."""
    while path.endswith(("/*", "/")) and len(path) > 1:
        path = path[:-2] if path.endswith("/*") else path[:-1]
    return posixpath.normpath(path) if path.startswith("/") else path


def covers(pattern: str, directory: str) -> bool:
    """Whether removing (or mounting over) ``pattern`` takes ``directory``'s content with it:
    the pattern is the directory or one of its ancestors (globs allowed, ``/var/cache/libdnf5*``)."""
    pattern = normalise_path(pattern)
    if not pattern.startswith("/"):
        return False
    current = posixpath.normpath(directory)
    while True:
        if current == pattern or fnmatch.fnmatchcase(current, pattern):
            return True
        parent = posixpath.dirname(current)
        if parent == current or parent == "/":
            return False
        current = parent


def removes(script: ShellScript, after: SimpleCommand | None, *directories: str) -> bool:
    """Whether an ``rm`` (or a ``find DIR ... -delete``) after ``after`` (anywhere when None)
    deletes the content of one of ``directories``."""
    for cmd in commands_named(script, "rm", "find"):
        if after is not None and cmd.start <= after.start:
            continue
        paths = _find_roots(cmd) if cmd.basename == "find" else parse_options(cmd.args, frozenset())[1]
        for word in paths:
            if word.value is not None and any(covers(word.value, d) for d in directories):
                return True
    return False


def _find_roots(cmd: SimpleCommand) -> list[ShellWord]:
    """The starting points of a ``find`` that deletes what it finds (``-delete``, ``-exec rm``)."""
    values = [w.value for w in cmd.args]
    deletes = "-delete" in values or any(
        v in ("-exec", "-execdir") and i + 1 < len(values) and values[i + 1] in ("rm", "/bin/rm")
        for i, v in enumerate(values)
    )
    if not deletes:
        return []
    roots: list[ShellWord] = []
    for word in cmd.args:
        if word.value in ("-H", "-L", "-P") and not roots:
            continue
        if word.value is None or word.value.startswith(("-", "(", "!")):
            break
        roots.append(word)
    return roots


def mount_covers(run: Run, *directories: str, suffixes: tuple[str, ...] = ()) -> bool:
    """A cache or tmpfs mount over one of ``directories`` (or a target ending with a suffix, for
    per-user caches like ``/root/.cache/pip``): nothing written there lands in the layer."""
    for mount in run.mounts:
        if mount.type not in ("cache", "tmpfs") or not mount.target:
            continue
        target = normalise_path(mount.target)
        if any(covers(target, d) for d in directories):
            return True
        if any(target == s or target.endswith("/" + s) for s in suffixes):
            return True
    return False


def linked_into_mount(item: RunScript, *directories: str) -> bool:
    """Whether the RUN replaces one of ``directories`` by a symlink into a cache or tmpfs mount
    (``--mount=type=cache,target=/pkg-cache`` with ``ln -s /pkg-cache /etc/apk/cache``): what
    the package manager writes there lands in the mount, not in the layer."""
    for cmd in commands_named(item.script, "ln"):
        options, operands = parse_options(cmd.args, frozenset({"-t", "--target-directory", "-S", "--suffix"}))
        if not any(o.name in ("-s", "--symbolic") for o in options) or len(operands) != 2:
            continue
        target, link = (w.value for w in operands)
        if target is None or link is None or normalise_path(link) not in directories:
            continue
        if mount_covers(item.run, normalise_path(target)):
            return True
    return False


# -- stages and fixes ------------------------------------------------------------------------


def lands_in_image(ctx: Context, item: RunScript) -> bool:
    """Whether a RUN's leftovers reach an image someone runs: the stage is the last one or a
    later FROM builds on it. A stage only read by ``COPY --from`` never ships its layers.
    ONBUILD triggers run in some child build, where this file's stage graph says nothing, so
    they always count."""
    if item.onbuild:
        return True
    model = ctx.model
    stage = model.stage_of(item.owner)
    if stage is None or not model.stages:
        return True
    if stage is model.stages[-1]:
        return True
    return any(other.parent is stage for other in model.stages)


def ships(ctx: Context, item: RunScript) -> bool:
    """Whether a RUN's leftovers (a package cache, the apt lists) reach an image someone runs.

    Stricter than :func:`lands_in_image`, which counts any stage a later FROM builds on: here a
    stage ships when it is an output (the last stage, or one no other stage builds on, copies or
    mounts from: a ``--target``) or a FROM ancestor of one. A chain ``FROM x AS prebuild`` →
    ``FROM prebuild AS builder`` read only by ``COPY --from=builder`` ships nothing of either.
    ONBUILD triggers run in some child build and always count."""
    stage = None if item.onbuild else ctx.model.stage_of(item.owner)
    return stage is None or stage.index in ctx.memo(_shipping_stages, lambda: _shipping_stages(ctx))


def _shipping_stages(ctx: Context) -> frozenset[int]:
    """Indexes of the stages that ship. A FROM naming a stage through a build argument
    (``FROM cross-builder-${BUILD_ARCH}``) may build on every earlier stage its pattern fits."""
    model = ctx.model
    stages = model.stages
    parents: dict[int, list[StageInfo]] = {}
    used: set[int] = set()
    for stage in stages:
        found = [stage.parent] if stage.parent is not None else []
        raw = stage.base.raw
        if "$" in raw and _stage_pattern_literal(raw):
            fits = _stage_pattern(raw)
            found += [s for s in stages[: stage.index] if s.name and fits(s.name) and s not in found]
        parents[stage.index] = found
        used.update(p.index for p in found)
        used.update(d.index for d in model.stage_dependencies(stage) if d is not stage)
    todo = [s for s in stages if s is stages[-1] or s.index not in used]
    shipping: set[int] = set()
    while todo:
        current = todo.pop()
        if current.index not in shipping:
            shipping.add(current.index)
            todo.extend(parents[current.index])
    return frozenset(shipping)


_VARIABLE_REF = r"\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*"


def _stage_pattern_literal(raw: str) -> str:
    """The text of a FROM name around its variables: a bare ``$BASE_IMAGE`` names an image
    chosen by build argument, not a family of stages."""
    return "".join(re.split(_VARIABLE_REF, raw))


def _stage_pattern(raw: str) -> Callable[[str], bool]:
    """A FROM name with ``$VAR``/``${VAR...}`` in it, as a test of stage names (any text for
    each variable; stage names compare case-insensitively)."""
    parts = re.split(_VARIABLE_REF, raw.lower())
    pattern = re.compile(".*".join(re.escape(p) for p in parts))
    return lambda name: pattern.fullmatch(name.lower()) is not None


def insert_after(item: RunScript, word: ShellWord | SimpleCommand, text: str, description: str,
                 safety: FixSafety = FixSafety.SAFE) -> Fix | None:
    """An edit inserting ``text`` right after a word or command, or None when the script is a
    JSON string (``["sh", "-c", "..."]``), whose positions are not exact enough to edit."""
    if item.run.form != "shell" or item.run.json:
        return None
    end = word.span
    return Fix((TextEdit(Span.point(end.end_line, end.end_col), text),), safety, description)


def command_span(cmd: SimpleCommand, last: ShellWord | None = None) -> Span:
    """From the program word to ``last`` (e.g. ``apt-get update``), else the program word."""
    first = cmd.name_word.span if cmd.name_word is not None else cmd.span
    if last is None:
        return first
    return first.cover(last.span)
