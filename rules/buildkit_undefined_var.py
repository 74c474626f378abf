"""BuildKit's ``UndefinedVar`` check (DF106): a ``$VAR`` that nothing in the build defines.

BuildKit expands variables itself in ENV, LABEL, ARG defaults, COPY/ADD, WORKDIR, USER, VOLUME,
STOPSIGNAL and ``RUN --mount`` values (spec §9.2); an unknown name silently becomes "". The
semantic model knows the ARG/ENV scope in effect before every instruction, so the rule only
has to walk the expanded positions and ask it.
"""

from __future__ import annotations

from collections.abc import Iterator

from dflint.base_env import image_env
from dflint.expand import VarUse, variables_in
from dflint.finding import Severity, Violation
from dflint.plugin import Context, Rule
from dflint.records import FrozenRecord
from dflint.semantic import Scope, StageInfo
from dflint.span import Span
from dflint.tree import (
    Add,
    Arg,
    Copy,
    Env,
    Instruction,
    Label,
    Run,
    Stopsignal,
    User,
    Volume,
    Word,
    Workdir,
)

from ._bk_spans import flag_value_span, source_text, sub_span, suggest_name
from ._words import escape_of

#: BuildKit never reports these (SBOM scanner switches) and always defines PATH in the image.
_ALWAYS_DEFINED = frozenset({"BUILDKIT_SBOM_SCAN_CONTEXT", "BUILDKIT_SBOM_SCAN_STAGE", "PATH"})

#: ``${NAME:-word}``, ``${NAME-word}``, ``${NAME:+word}``, ``${NAME+word}`` say what to do when NAME
#: is unset: the author handled that case (``${LD_LIBRARY_PATH:+$LD_LIBRARY_PATH:}``).
_HANDLES_UNSET = frozenset({"-", ":-", "+", ":+"})


class _Use(FrozenRecord):
    __slots__ = ("modifier", "name", "span")
    __match_args__ = ("name", "span", "modifier")
    name: str
    span: Span
    modifier: str

    def __init__(self, name: str, span: Span, modifier: str = "") -> None:
        _set = object.__setattr__
        _set(self, "name", name)
        _set(self, "span", span)
        _set(self, "modifier", modifier)


class UndefinedVar(Rule):
    """## What it does
    Reports `$NAME` / `${NAME...}` in a place BuildKit expands (ENV and LABEL keys and
    values, ARG defaults, COPY/ADD sources, destination, `--chown`, `--chmod`, `--checksum`
    and unquoted heredoc bodies, WORKDIR, USER, VOLUME, STOPSIGNAL, `RUN --mount` values)
    when it is provably undefined: no ENV, no ARG of the stage or its parent stages defines
    it, and the stage's base image is one whose ENV dflint knows (`scratch`, the official
    images such as `python`, `node`, `golang`, `eclipse-temurin`, `debian`, `alpine`, the
    .NET images...) and does not set it. The message suggests a close defined name when there
    is one.

    ## Why is this bad?
    An undefined variable expands to an empty string without any error:
    `ENV PATH=$HOME/.local/bin:$PATH` gives `/.local/bin:...` because `HOME` is set by the
    container runtime, not at build time; `COPY app-$VERSON.jar /app.jar` copies
    `app-.jar`. Global ARGs (before the first FROM) are not visible in a stage until it
    says `ARG NAME`.

    ## Example
    ```dockerfile
    ARG VERSION=1.2
    FROM alpine:3.20
    COPY app-${VERSION}.tar.gz /tmp/
    ```

    ## Use instead
    ```dockerfile
    ARG VERSION=1.2
    FROM alpine:3.20
    ARG VERSION
    COPY app-${VERSION}.tar.gz /tmp/
    ```

    ## Differences from BuildKit
    BuildKit reads the base image's config and knows its ENV; a static linter cannot, and a
    variable the base image may set is not undefined. So dflint reports only in stages whose
    root base image it knows: `scratch`, and the images listed in `dflint/data/base_env.json`,
    made by `scripts/gen_base_env.py` from the images' own Dockerfiles with every tag and
    variant merged: the Docker official images (`python`, `node`, `golang`, `debian`,
    `alpine`...), the .NET images, Red Hat UBI, and the images `oracle/docker-images` and
    `zabbix/zabbix-docker` build (`oracle/serverjre`, `oracle/weblogic`, `zabbix-build-base`...);
    mirrors such as `docker.io/library/` and `arm64v8/` included. A stage built on any other
    image (`quay.io/jupyter/base-notebook`, a project's own base, a `FROM ${BASE}`) gets no
    report: such images often turn their own ARGs into ENV. The `unknown-base` option turns
    them back on.

    `${NAME:-word}`, `${NAME-word}`, `${NAME:+word}` and `${NAME+word}` are not reported for
    NAME (BuildKit reports them): they say what to do when NAME is unset, as in
    `ENV LD_LIBRARY_PATH=${LD_LIBRARY_PATH:+$LD_LIBRARY_PATH:}/opt/lib`. Variables inside
    `word` are still checked, and so are `${NAME:?msg}` and the pattern forms.

    `PATH` is always defined (BuildKit sets it), names in the `base-env` option too. Proxy
    variables (`HTTP_PROXY`, ...) are treated as defined, since they normally come with
    `--build-arg`. BuildKit reports the whole instruction; dflint points at the reference.
    ONBUILD triggers are not checked (they are expanded in the child build).

    ## Options
    * `base-env` (list of names, default `[]`): variables your base images define.
    * `official-image-env` (bool, default `true`): use the shipped table of base images'
      ENV; with `false` every base image is unknown.
    * `unknown-base` (bool, default `false`): also report in stages whose base image dflint
      does not know (as BuildKit would, but blind to that image's ENV).

    ## References
    BuildKit check `UndefinedVar`.
    """

    code = "DF106"
    name = "undefined-var"
    text_contains = frozenset({"$"})
    severity = Severity.WARNING
    summary = "Variable is used but never defined"
    aliases = ("UndefinedVar",)

    class Options(FrozenRecord):
        __match_args__ = ("base_env", "official_image_env", "unknown_base")
        base_env: tuple[str, ...]
        official_image_env: bool
        unknown_base: bool

        def __init__(self, base_env: tuple[str, ...] = (), official_image_env: bool = True,
                     unknown_base: bool = False) -> None:
            _set = object.__setattr__
            _set(self, "base_env", base_env)
            _set(self, "official_image_env", official_image_env)
            _set(self, "unknown_base", unknown_base)

    def check(self, ctx: Context) -> Iterator[Violation]:
        options = ctx.options if isinstance(ctx.options, UndefinedVar.Options) else UndefinedVar.Options()
        model = ctx.model
        escape = escape_of(ctx.dockerfile)
        extra = set(_ALWAYS_DEFINED) | set(options.base_env)
        for stage in model.stages:
            base_env = _base_env(stage) if options.official_image_env else None
            if base_env is None and not options.unknown_base:
                continue  # the base image may define anything: nothing is provably undefined
            known = extra | (base_env or set())
            for instruction in stage.instructions:
                scope = model.scope_at(instruction)
                for use in _uses(ctx, instruction, escape):
                    if use.name in known or scope.is_declared(use.name) or use.modifier in _HANDLES_UNSET:
                        continue
                    yield Violation(use.span, _message(use.name, scope))


def _message(name: str, scope: Scope) -> str:
    hint = suggest_name(name, [n for n in scope.names() if scope.variables[n].kind != "proxy"])
    extra = f" (did you mean ${hint}?)" if hint else ""
    return f"Usage of undefined variable '${name}'{extra}"


def _base_env(stage: StageInfo) -> set[str] | None:
    """ENV names the stage's root base image sets, None when the image is unknown."""
    root = stage
    seen = 0
    while root.parent is not None and seen < 1000:
        root = root.parent
        seen += 1
    if (root.base_text or "").strip().lower() == "scratch":
        return set()
    names = image_env(root.base.repository)
    return None if names is None else set(names)


def _word_uses(instruction: Instruction, word: Word, escape: str, skip: int = 0) -> Iterator[_Use]:
    """References in ``word.text[skip:]``, with spans in the file."""
    uses = variables_in(word.text[skip:], escape)
    for use in uses:
        modifier = "+" if _inside_own_guard(use, uses) else use.modifier
        yield _Use(use.name, sub_span(instruction, word, skip + use.start, skip + use.end), modifier)


def _inside_own_guard(use: VarUse, uses: list[VarUse]) -> bool:
    """``$X`` inside ``${X:+...$X...}`` (or ``-`` forms): expanded only when X is set."""
    return any(
        outer is not use and outer.name == use.name and outer.modifier in _HANDLES_UNSET
        and outer.start < use.start and use.end <= outer.end
        for outer in uses
    )


def _uses(ctx: Context, instruction: Instruction, escape: str) -> Iterator[_Use]:
    """Every variable reference BuildKit would expand when dispatching ``instruction``."""
    if isinstance(instruction, Env | Label):
        for pair in instruction.pairs:
            yield from _word_uses(instruction, Word(pair.key, pair.key_span), escape)
            yield from _word_uses(instruction, Word(pair.value, pair.value_span), escape)
    elif isinstance(instruction, Arg):
        for decl in instruction.declarations:
            if decl.default is not None:
                word = Word(f"{decl.name}={decl.default}", decl.span)
                yield from _word_uses(instruction, word, escape, skip=len(decl.name) + 1)
    elif isinstance(instruction, Copy | Add):
        yield from _copy_uses(instruction, escape)
    elif isinstance(instruction, Workdir | User | Stopsignal):
        single = (
            instruction.path if isinstance(instruction, Workdir)
            else instruction.user if isinstance(instruction, User)
            else instruction.signal
        )
        if single is not None:
            yield from _word_uses(instruction, single, escape)
    elif isinstance(instruction, Volume):
        for path in instruction.paths:
            yield from _word_uses(instruction, path, escape)
    elif isinstance(instruction, Run):
        yield from _mount_uses(ctx, instruction, escape)


def _copy_uses(instruction: Copy | Add, escape: str) -> Iterator[_Use]:
    heredoc_names = {h.name for h in instruction.heredocs}
    words = [*instruction.sources, *([instruction.destination] if instruction.destination else [])]
    for word in words:
        if heredoc_names and _is_heredoc_opener(word.text, heredoc_names):
            continue
        yield from _word_uses(instruction, word, escape)
    names = ("chown", "chmod", "checksum") if isinstance(instruction, Add) else ("chown", "chmod")
    for flag in instruction.flags:
        if flag.name in names and flag.value:
            for use in variables_in(flag.value, escape):
                yield _Use(use.name, flag_value_span(instruction, flag, use.start, use.end), use.modifier)
    for heredoc in instruction.heredocs:
        if not heredoc.expand:
            continue
        for use in variables_in(heredoc.content, "\\", quotes=False):
            yield _Use(use.name, _heredoc_span(heredoc.content, heredoc.body_line, use, heredoc.body_span),
                       use.modifier)


def _is_heredoc_opener(text: str, names: set[str]) -> bool:
    """``<<EOF``, ``<<-EOF``, ``3<<"EOF"``: a heredoc word is a file name, not a path to expand."""
    return bool(names) and text.lstrip("0123456789").startswith("<<")


def _heredoc_span(content: str, body_line: int, use: VarUse, fallback: Span) -> Span:
    before = content[: use.start]
    line = body_line + before.count("\n")
    col = use.start - (before.rfind("\n") + 1) + 1
    if "\n" in content[use.start : use.end] or body_line <= 0:
        return fallback
    return Span(line, col, line, col + use.end - use.start)


def _mount_uses(ctx: Context, instruction: Run, escape: str) -> Iterator[_Use]:
    """``--mount`` option values (``from`` excluded: BuildKit does not expand it)."""
    flags = instruction.flags_named("mount")
    for mount, flag in zip(instruction.mounts, flags, strict=False):
        written = source_text(ctx.dockerfile, flag.span)
        for key, value in mount.options.items():
            if key == "from" or not value:
                continue
            for use in variables_in(value, escape):
                ref = value[use.start : use.end]
                span = flag.span
                if written is not None and written.count(ref) == 1:
                    col = flag.span.start_col + written.index(ref)
                    span = Span(flag.span.start_line, col, flag.span.start_line, col + len(ref))
                yield _Use(use.name, span, use.modifier)

