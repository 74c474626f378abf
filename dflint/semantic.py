"""The semantic model: stages, stage references, ARG/ENV scopes, resolved base images, SHELLs.

Rules ask questions a single instruction cannot answer ("is ``$VERSION`` defined here?", "is
``builder`` a stage or an image?", "is this stage part of the build at all?"). Answering them
needs BuildKit's scoping rules (spec §9.3): global ARGs reach only FROM lines, a stage sees a
global ARG only after a value-less ``ARG NAME``, stages built ``FROM`` another stage inherit its
ARGs, ENVs and SHELL, and every expansion in one instruction sees the environment as it was
*before* that instruction. This module computes all of that once per file, so rules stay small
and agree with each other.

The model never fails: a malformed tree (missing image word, bad SHELL) yields best-effort
answers, and expansion errors are carried as data (:class:`dflint.expand.ExpansionError`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import ClassVar, Literal

from dflint.expand import Expansion, VarUse, expand
from dflint.lazyre import LazyPattern
from dflint.records import FACTORY, Factories, FrozenIdentityRecord, FrozenRecord, IdentityRecord
from dflint.span import Span
from dflint.tree import Arg, Copy, Dockerfile, Env, From, Instruction, Onbuild, Run, Shell, Stage

__all__ = [
    "BUILTIN_ARGS",
    "DEFAULT_SHELL",
    "PROXY_ARGS",
    "WINDOWS_DEFAULT_SHELL",
    "ResolvedImage",
    "Scope",
    "SemanticModel",
    "StageInfo",
    "VarKind",
    "Variable",
    "is_valid_reference",
    "use_span",
]

VarKind = Literal["arg", "env", "builtin", "global", "proxy"]

#: Built-in global args (spec §9.3): defined for FROM lines; in a stage only after ``ARG NAME``.
BUILTIN_ARGS: tuple[str, ...] = (
    "BUILDPLATFORM",
    "BUILDOS",
    "BUILDOSVERSION",
    "BUILDARCH",
    "BUILDVARIANT",
    "TARGETPLATFORM",
    "TARGETOS",
    "TARGETOSVERSION",
    "TARGETARCH",
    "TARGETVARIANT",
    "TARGETSTAGE",
)

#: Predefined in every stage without an ARG (values only come from ``--build-arg``).
PROXY_ARGS: tuple[str, ...] = tuple(
    name
    for base in ("HTTP_PROXY", "HTTPS_PROXY", "FTP_PROXY", "NO_PROXY", "ALL_PROXY")
    for name in (base, base.lower())
)

DEFAULT_SHELL: tuple[str, ...] = ("/bin/sh", "-c")
#: What BuildKit uses for a Windows base image when no SHELL is given.
WINDOWS_DEFAULT_SHELL: tuple[str, ...] = ("cmd", "/S", "/C")

_NON_POSIX_SHELLS = frozenset({"powershell", "pwsh", "cmd"})
# Windows images cannot be identified without a registry; these names cover the official ones,
# as a path part (`windows/servercore`) or a part of the tag (`golang:1.22-nanoserver-ltsc2022`).
_WINDOWS_IMAGE = LazyPattern(
    r"(^|[/:_-])(windows|nanoserver|servercore|windowsservercore)([/:@_-]|$)|/windows/"
)


class Variable(FrozenIdentityRecord):
    """One ARG/ENV/built-in in effect at some point.

    ``value`` is the expanded value (default, inherited global value or ``--build-arg``); None
    means declared without a value (``ARG NAME`` with nothing to inherit): it expands to empty
    but BuildKit's UndefinedVar does not flag it.
    """

    __slots__ = (
        "from_build_arg",
        "inherits",
        "instruction",
        "kind",
        "name",
        "raw",
        "span",
        "stage_index",
        "value",
    )
    __match_args__ = (
        "name", "value", "kind", "instruction", "span", "raw", "stage_index", "inherits", "from_build_arg",
    )

    name: str
    value: str | None
    kind: VarKind
    #: The declaring ARG/ENV instruction; None for built-ins and proxy args.
    instruction: Instruction | None
    #: Span of the declaration (``NAME=value`` word) in the file.
    span: Span | None
    #: The default as written (quotes kept), before expansion.
    raw: str | None
    #: Index of the stage that declared it; None for global ARGs, built-ins and proxy args.
    stage_index: int | None
    #: For ``ARG NAME`` in a stage: the global ARG or built-in it took its value from.
    inherits: Variable | None
    #: True when ``value`` came from the build args given to :meth:`SemanticModel.build`.
    from_build_arg: bool

    def __init__(
        self, name: str, value: str | None, kind: VarKind, instruction: Instruction | None = None,
        span: Span | None = None, raw: str | None = None, stage_index: int | None = None,
        inherits: Variable | None = None, from_build_arg: bool = False,
    ) -> None:
        _set = object.__setattr__
        _set(self, "name", name)
        _set(self, "value", value)
        _set(self, "kind", kind)
        _set(self, "instruction", instruction)
        _set(self, "span", span)
        _set(self, "raw", raw)
        _set(self, "stage_index", stage_index)
        _set(self, "inherits", inherits)
        _set(self, "from_build_arg", from_build_arg)

    @property
    def has_value(self) -> bool:
        return self.value is not None


class Scope(FrozenRecord):
    """The ARG/ENV variables visible at one point, by name (case-sensitive, as on Linux)."""

    __slots__ = ("variables",)
    __match_args__ = ("variables",)

    variables: Mapping[str, Variable]

    def __init__(self, variables: Mapping[str, Variable]) -> None:
        _set = object.__setattr__
        _set(self, "variables", variables)

    def get(self, name: str) -> Variable | None:
        return self.variables.get(name)

    def __contains__(self, name: object) -> bool:
        return name in self.variables

    def __iter__(self) -> Iterator[Variable]:
        return iter(self.variables.values())

    def __len__(self) -> int:
        return len(self.variables)

    def env(self) -> dict[str, str]:
        """What expansion sees: every variable that has a value."""
        return {name: var.value for name, var in self.variables.items() if var.value is not None}

    def is_declared(self, name: str) -> bool:
        """Declared, with or without a value: UndefinedVar's notion of "defined"."""
        return name in self.variables

    def names(self) -> list[str]:
        return list(self.variables)


class ResolvedImage(FrozenRecord):
    """A FROM base name after expansion with the global scope (spec §9.3)."""

    __slots__ = (
        "digest",
        "expansion",
        "is_scratch",
        "is_stage_ref",
        "platform",
        "platform_expansion",
        "raw",
        "repository",
        "stage",
        "tag",
        "text",
        "undefined",
        "used",
    )
    __match_args__ = (
        "raw", "text", "repository", "tag", "digest", "is_scratch", "is_stage_ref", "stage", "undefined",
        "used", "expansion", "platform", "platform_expansion",
    )
    _factories: ClassVar[Factories] = {"undefined": list, "used": list}

    raw: str
    #: The expanded text ("" if expansion failed).
    text: str
    repository: str | None
    tag: str | None
    digest: str | None
    is_scratch: bool
    is_stage_ref: bool
    #: The earlier stage this FROM builds on, when ``is_stage_ref``.
    stage: StageInfo | None
    #: Variables used that are neither a global ARG nor a built-in (UndefinedArgInFrom).
    undefined: list[VarUse]
    used: list[VarUse]
    expansion: Expansion | None
    #: ``--platform`` after expansion (None without the flag).
    platform: str | None
    platform_expansion: Expansion | None

    def __init__(
        self, raw: str, text: str, repository: str | None, tag: str | None, digest: str | None,
        is_scratch: bool, is_stage_ref: bool, stage: StageInfo | None, undefined: list[VarUse] = FACTORY,
        used: list[VarUse] = FACTORY, expansion: Expansion | None = None, platform: str | None = None,
        platform_expansion: Expansion | None = None,
    ) -> None:
        _set = object.__setattr__
        _set(self, "raw", raw)
        _set(self, "text", text)
        _set(self, "repository", repository)
        _set(self, "tag", tag)
        _set(self, "digest", digest)
        _set(self, "is_scratch", is_scratch)
        _set(self, "is_stage_ref", is_stage_ref)
        _set(self, "stage", stage)
        _set(self, "undefined", [] if undefined is FACTORY else undefined)
        _set(self, "used", [] if used is FACTORY else used)
        _set(self, "expansion", expansion)
        _set(self, "platform", platform)
        _set(self, "platform_expansion", platform_expansion)

    @property
    def error(self) -> str | None:
        return self.expansion.error.message if self.expansion and self.expansion.error else None

    @property
    def is_valid(self) -> bool:
        """Whether BuildKit could pull this: a stage, ``scratch`` or a well-formed reference."""
        if self.expansion is not None and self.expansion.error is not None:
            return False
        return self.is_stage_ref or self.is_scratch or is_valid_reference(self.text)

    @property
    def is_external(self) -> bool:
        """An image from a registry (not a stage, not ``scratch``)."""
        return not self.is_stage_ref and not self.is_scratch


class StageInfo(IdentityRecord):
    """A stage with what the model knows about it (the tree's :class:`Stage` is in ``stage``)."""

    __match_args__ = (
        "stage", "index", "name", "from_", "base_text", "base", "parent", "shell", "shell_instruction",
        "final_scope",
    )
    _factories: ClassVar[Factories] = {"final_scope": lambda: Scope({})}

    stage: Stage
    index: int
    #: Lower-cased stage name (BuildKit compares stage names case-insensitively).
    name: str | None
    from_: From
    #: The FROM base name as written (None when the FROM has no image word).
    base_text: str | None
    base: ResolvedImage
    parent: StageInfo | None
    #: The SHELL in effect at the end of the stage.
    shell: tuple[str, ...]
    #: The SHELL instruction that set ``shell`` (here or in an ancestor), None for the default.
    shell_instruction: Shell | None
    final_scope: Scope

    def __init__(
        self, stage: Stage, index: int, name: str | None, from_: From, base_text: str | None,
        base: ResolvedImage, parent: StageInfo | None, shell: tuple[str, ...] = DEFAULT_SHELL,
        shell_instruction: Shell | None = None, final_scope: Scope = FACTORY,
    ) -> None:
        self.stage = stage
        self.index = index
        self.name = name
        self.from_ = from_
        self.base_text = base_text
        self.base = base
        self.parent = parent
        self.shell = shell
        self.shell_instruction = shell_instruction
        self.final_scope = Scope({}) if final_scope is FACTORY else final_scope

    @property
    def instructions(self) -> list[Instruction]:
        return self.stage.instructions

    def ancestors(self) -> list[StageInfo]:
        """Parent, grand-parent... (nearest first)."""
        out: list[StageInfo] = []
        cur = self.parent
        while cur is not None and cur not in out:
            out.append(cur)
            cur = cur.parent
        return out

    def __repr__(self) -> str:
        return f"StageInfo(index={self.index}, name={self.name!r}, base={self.base_text!r})"


class _ShellState(FrozenRecord):
    __slots__ = ("argv", "instruction")
    __match_args__ = ("argv", "instruction")
    argv: tuple[str, ...]
    instruction: Shell | None

    def __init__(self, argv: tuple[str, ...], instruction: Shell | None) -> None:
        _set = object.__setattr__
        _set(self, "argv", argv)
        _set(self, "instruction", instruction)


class SemanticModel:
    """Everything about one Dockerfile that needs more than one instruction to know."""

    def __init__(
        self,
        dockerfile: Dockerfile,
        *,
        build_args: Mapping[str, str] | None = None,
        platform: str = "linux/amd64",
    ) -> None:
        self.dockerfile = dockerfile
        self.escape = dockerfile.directives.escape or "\\"
        self.build_args: dict[str, str] = dict(build_args or {})
        self.platform = platform
        self.stages: list[StageInfo] = []
        self.builtins: dict[str, Variable] = self._builtins(platform)
        self.global_scope: Scope = Scope({})
        self._scopes: dict[int, Scope] = {}
        self._shells: dict[int, _ShellState] = {}
        self._stage_by_instruction: dict[int, StageInfo] = {}
        self._by_name: dict[str, StageInfo] = {}

    # -- construction ------------------------------------------------------------------------
    @classmethod
    def build(
        cls,
        dockerfile: Dockerfile,
        *,
        build_args: Mapping[str, str] | None = None,
        platform: str = "linux/amd64",
    ) -> SemanticModel:
        """Compute the model. ``build_args`` act like ``--build-arg`` (they override defaults of
        declared ARGs only); ``platform`` gives the values of the built-in platform args."""
        model = cls(dockerfile, build_args=build_args, platform=platform)
        model._build_global_scope()
        for stage in dockerfile.stages:
            model._build_stage(stage)
        return model

    @staticmethod
    def _builtins(platform: str) -> dict[str, Variable]:
        parts = platform.split("/")
        os_ = parts[0] if parts else ""
        arch = parts[1] if len(parts) > 1 else ""
        variant = parts[2] if len(parts) > 2 else ""
        values = {
            "BUILDPLATFORM": platform,
            "BUILDOS": os_,
            "BUILDOSVERSION": "",
            "BUILDARCH": arch,
            "BUILDVARIANT": variant,
            "TARGETPLATFORM": platform,
            "TARGETOS": os_,
            "TARGETOSVERSION": "",
            "TARGETARCH": arch,
            "TARGETVARIANT": variant,
            "TARGETSTAGE": "",
        }
        return {name: Variable(name, values[name], "builtin") for name in BUILTIN_ARGS}

    def _expand(self, text: str, env: Mapping[str, str]) -> Expansion:
        return expand(text, env, escape=self.escape)

    def _build_global_scope(self) -> None:
        variables: dict[str, Variable] = dict(self.builtins)
        for arg in self.dockerfile.global_args:
            self._scopes[id(arg)] = Scope(dict(variables))
            self._shells[id(arg)] = _ShellState(DEFAULT_SHELL, None)
            env = {n: v.value for n, v in variables.items() if v.value is not None}
            for decl in arg.declarations:
                value: str | None = None
                from_build_arg = decl.name in self.build_args
                if from_build_arg:
                    value = self.build_args[decl.name]
                elif decl.default is not None:
                    value = self._expanded_or_raw(decl.default, env)
                variables[decl.name] = Variable(
                    decl.name,
                    value,
                    "global",
                    instruction=arg,
                    span=decl.span,
                    raw=decl.default,
                    from_build_arg=from_build_arg,
                )
        self.global_scope = Scope(variables)

    def _expanded_or_raw(self, text: str, env: Mapping[str, str]) -> str:
        result = self._expand(text, env)
        return result.value if result.error is None else text

    def _build_stage(self, stage: Stage) -> None:
        resolved = self._resolve_base(stage.from_, self.global_scope, earlier=self.stages)
        parent = resolved.stage
        name = stage.name.lower() if stage.name else None
        info = StageInfo(
            stage=stage,
            index=stage.index,
            name=name,
            from_=stage.from_,
            base_text=stage.from_.image.text if stage.from_.image else None,
            base=resolved,
            parent=parent,
        )
        self.stages.append(info)
        if name is not None:
            self._by_name[name] = info

        if parent is not None:
            variables = dict(parent.final_scope.variables)
            shell = _ShellState(parent.shell, parent.shell_instruction)
        else:
            variables = {}
            for proxy in PROXY_ARGS:
                variables[proxy] = Variable(proxy, self.build_args.get(proxy), "proxy")
            default = WINDOWS_DEFAULT_SHELL if self._looks_windows(stage.from_, resolved) else DEFAULT_SHELL
            shell = _ShellState(default, None)

        self._scopes[id(stage.from_)] = self.global_scope
        self._shells[id(stage.from_)] = shell
        self._stage_by_instruction[id(stage.from_)] = info
        for instruction in stage.instructions:
            scope = Scope(variables)
            self._register(instruction, scope, shell, info)
            if isinstance(instruction, Arg):
                variables = self._apply_arg(instruction, scope, dict(variables), info.index)
            elif isinstance(instruction, Env):
                variables = self._apply_env(instruction, scope, dict(variables), info.index)
            elif isinstance(instruction, Shell) and instruction.json and instruction.value:
                shell = _ShellState(tuple(instruction.value), instruction)
        info.final_scope = Scope(variables)
        info.shell = shell.argv
        info.shell_instruction = shell.instruction

    def _register(self, instruction: Instruction, scope: Scope, shell: _ShellState, info: StageInfo) -> None:
        self._scopes[id(instruction)] = scope
        self._shells[id(instruction)] = shell
        self._stage_by_instruction[id(instruction)] = info
        if isinstance(instruction, Onbuild) and instruction.trigger is not None:
            # A trigger runs in a child build; its own scope is unknowable, the parent's is the
            # best guess (and keeps lookups total).
            self._register(instruction.trigger, scope, shell, info)

    def _apply_arg(
        self, arg: Arg, before: Scope, variables: dict[str, Variable], stage_index: int
    ) -> dict[str, Variable]:
        env = before.env()
        for decl in arg.declarations:
            inherits = self.global_scope.get(decl.name) if decl.default is None else None
            from_build_arg = decl.name in self.build_args
            value: str | None
            if from_build_arg:
                value = self.build_args[decl.name]
            elif decl.default is not None:
                value = self._expanded_or_raw(decl.default, env)
            elif inherits is not None:
                value = inherits.value
            else:
                value = None
            variables[decl.name] = Variable(
                decl.name,
                value,
                "arg",
                instruction=arg,
                span=decl.span,
                raw=decl.default,
                stage_index=stage_index,
                inherits=inherits,
                from_build_arg=from_build_arg,
            )
        return variables

    def _apply_env(
        self, env_instr: Env, before: Scope, variables: dict[str, Variable], stage_index: int
    ) -> dict[str, Variable]:
        env = before.env()
        for pair in env_instr.pairs:
            key = self._expanded_or_raw(pair.key, env) if "$" in pair.key else pair.key
            if not key:
                continue
            variables[key] = Variable(
                key,
                self._expanded_or_raw(pair.value, env),
                "env",
                instruction=env_instr,
                span=pair.span,
                raw=pair.value,
                stage_index=stage_index,
            )
        return variables

    def _resolve_base(
        self,
        from_: From,
        scope: Scope,
        *,
        earlier: list[StageInfo],
        build_args: Mapping[str, str] | None = None,
    ) -> ResolvedImage:
        env = scope.env()
        if build_args:
            for name, value in build_args.items():
                if name in scope and scope.variables[name].kind == "global":
                    env[name] = value
        raw = from_.image.text if from_.image is not None else ""
        expansion = self._expand(raw, env)
        used = expansion.used
        undefined = [use for use in used if not scope.is_declared(use.name)]
        platform: str | None = None
        platform_expansion: Expansion | None = None
        if from_.platform is not None and from_.platform.value is not None:
            platform_expansion = self._expand(from_.platform.value, env)
            platform = platform_expansion.value if platform_expansion.error is None else None
            undefined += [use for use in platform_expansion.used if not scope.is_declared(use.name)]
        text = expansion.value if expansion.error is None else ""
        stage = None
        if text:
            lowered = text.lower()
            for candidate in reversed(earlier):
                if candidate.name == lowered:
                    stage = candidate
                    break
        repository, tag, digest = _split_reference(text) if stage is None else (None, None, None)
        return ResolvedImage(
            raw=raw,
            text=text,
            repository=repository,
            tag=tag,
            digest=digest,
            is_scratch=stage is None and text == "scratch",
            is_stage_ref=stage is not None,
            stage=stage,
            undefined=undefined,
            used=used,
            expansion=expansion,
            platform=platform,
            platform_expansion=platform_expansion,
        )

    def looks_windows(self, stage: StageInfo) -> bool:
        """Whether the stage is built on a Windows image, recognised by the name, tag or
        ``--platform`` of its first FROM ancestor in the file (see ``_WINDOWS_IMAGE``)."""
        root = stage.ancestors()[-1] if stage.parent is not None else stage
        return self._looks_windows(root.from_, root.base)

    @staticmethod
    def _looks_windows(from_: From, resolved: ResolvedImage) -> bool:
        platform = resolved.platform or ""
        if platform.lower().startswith("windows"):
            return True
        return bool(resolved.text) and _WINDOWS_IMAGE.search(resolved.text.lower()) is not None

    # -- stages ------------------------------------------------------------------------------
    def stage_of(self, instruction: Instruction) -> StageInfo | None:
        """The stage an instruction belongs to (its FROM included); None for global ARGs."""
        found = self._stage_by_instruction.get(id(instruction))
        if found is not None:
            return found
        index = instruction.stage_index
        if index is not None and 0 <= index < len(self.stages):
            return self.stages[index]
        return None

    def stage_named(self, name: str) -> StageInfo | None:
        """A stage by name (case-insensitive); with duplicates, the last one (BuildKit's map)."""
        return self._by_name.get(name.lower())

    def resolve_stage_ref(self, text: str | None) -> StageInfo | None:
        """What ``COPY --from=`` / ``RUN --mount=from=`` names: a stage name or a stage index.

        None means an image or a named build context. No variable expansion: BuildKit rejects it.
        """
        if not text:
            return None
        if text.isdigit():
            index = int(text)
            return self.stages[index] if index < len(self.stages) else None
        return self.stage_named(text)

    def is_external_image(self, ref: str) -> bool:
        """Whether ``ref`` (a ``--from`` value or an expanded FROM name) means a registry image."""
        return bool(ref) and ref != "scratch" and self.resolve_stage_ref(ref) is None

    def stage_dependencies(self, stage: StageInfo) -> list[StageInfo]:
        """Stages this stage needs directly: its FROM parent, COPY --from and mount from= targets."""
        deps: list[StageInfo] = []
        if stage.parent is not None:
            deps.append(stage.parent)
        for instruction in stage.instructions:
            for ref in _stage_refs(instruction):
                target = self.resolve_stage_ref(ref)
                if target is not None and target is not stage and target not in deps:
                    deps.append(target)
        return deps

    def reachable_stages(self, target: str | int | StageInfo | None = None) -> list[StageInfo]:
        """Stages a build of ``target`` (default: the last stage) would run, in file order."""
        start: StageInfo | None
        if isinstance(target, StageInfo):
            start = target
        elif isinstance(target, int):
            start = self.stages[target] if 0 <= target < len(self.stages) else None
        elif isinstance(target, str):
            start = self.stage_named(target)
        else:
            start = self.stages[-1] if self.stages else None
        if start is None:
            return []
        seen: dict[int, StageInfo] = {}
        todo = [start]
        while todo:
            cur = todo.pop()
            if cur.index in seen:
                continue
            seen[cur.index] = cur
            todo.extend(self.stage_dependencies(cur))
        return [seen[i] for i in sorted(seen)]

    # -- scopes ------------------------------------------------------------------------------
    def scope_at(self, instruction: Instruction) -> Scope:
        """ARG/ENV in effect just BEFORE ``instruction`` in its stage (global scope for FROM)."""
        found = self._scopes.get(id(instruction))
        if found is not None:
            return found
        stage = self.stage_of(instruction)
        return stage.final_scope if stage is not None else self.global_scope

    def expand_in_scope(self, text: str, instruction: Instruction) -> Expansion:
        """Expand ``text`` as BuildKit would when dispatching ``instruction``."""
        return self._expand(text, self.scope_at(instruction).env())

    def resolve_from(self, from_instr: From, build_args: Mapping[str, str] | None = None) -> ResolvedImage:
        """The FROM's base name expanded with global ARG defaults and built-ins (and ``build_args``)."""
        stage = self.stage_of(from_instr)
        if stage is not None and stage.from_ is from_instr and not build_args:
            return stage.base
        earlier = self.stages[: stage.index] if stage is not None else list(self.stages)
        return self._resolve_base(from_instr, self.global_scope, earlier=earlier, build_args=build_args)

    # -- shells ------------------------------------------------------------------------------
    def shell_at(self, instruction: Instruction) -> tuple[str, ...]:
        """The SHELL in effect for ``instruction`` (default ``/bin/sh -c``; inherited from parents)."""
        state = self._shells.get(id(instruction))
        if state is not None:
            return state.argv
        stage = self.stage_of(instruction)
        return stage.shell if stage is not None else DEFAULT_SHELL

    def shell_instruction_at(self, instruction: Instruction) -> Shell | None:
        """The SHELL instruction in effect (this stage or an ancestor), None if none was written."""
        state = self._shells.get(id(instruction))
        return state.instruction if state is not None else None

    def is_posix_shell(self, instruction: Instruction) -> bool:
        """False when the shell is PowerShell or cmd, where POSIX shell rules do not apply."""
        argv = self.shell_at(instruction)
        if not argv:
            return True
        program = re.split(r"[/\\]", argv[0])[-1].lower()
        program = program.removesuffix(".exe")
        return program not in _NON_POSIX_SHELLS


def _stage_refs(instruction: Instruction) -> Iterator[str]:
    if isinstance(instruction, Copy) and instruction.from_stage:
        yield instruction.from_stage
    elif isinstance(instruction, Run):
        for mount in instruction.mounts:
            if mount.from_:
                yield mount.from_
    elif isinstance(instruction, Onbuild) and instruction.trigger is not None:
        # Triggers run in child builds, not in this one.
        return


def use_span(word_span: Span, use: VarUse) -> Span:
    """The file span of a variable reference inside a one-line word (the word's span otherwise)."""
    if word_span.start_line != word_span.end_line:
        return word_span
    start = word_span.start_col + use.start
    end = min(word_span.start_col + use.end, word_span.end_col)
    return Span(word_span.start_line, start, word_span.start_line, max(start, end))


# -- image references (distribution/reference grammar) -----------------------------------------
_ALNUM = r"[a-z0-9]+"
_SEPARATOR = r"(?:[._]|__|[-]+)"
_PATH_COMPONENT = rf"{_ALNUM}(?:{_SEPARATOR}{_ALNUM})*"
_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN = rf"(?:{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?"
_NAME = rf"(?:{_DOMAIN}/)?{_PATH_COMPONENT}(?:/{_PATH_COMPONENT})*"
_TAG = r"[\w][\w.-]{0,127}"
_DIGEST = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}"
_REFERENCE = LazyPattern(rf"({_NAME})(?::({_TAG}))?(?:@({_DIGEST}))?", re.ASCII)


def is_valid_reference(text: str) -> bool:
    """Whether ``text`` parses as an image reference (``name[:tag][@digest]``, name ≤ 255)."""
    match = _REFERENCE.fullmatch(text)
    return match is not None and len(match.group(1)) <= 255


def _split_reference(text: str) -> tuple[str | None, str | None, str | None]:
    if not text:
        return None, None, None
    ref, digest = text, None
    if "@" in ref:
        ref, digest = ref.split("@", 1)
    tag = None
    slash = ref.rfind("/")
    colon = ref.rfind(":")
    if colon > slash:
        ref, tag = ref[:colon], ref[colon + 1 :]
    return ref or None, tag, digest
