"""FROM and stage rules from hadolint: names, platforms, registries, what may precede FROM."""

from __future__ import annotations

from collections.abc import Iterator

from dflint.expand import variables_in
from dflint.finding import Severity, Violation
from dflint.plugin import Context, Rule
from dflint.records import FrozenRecord
from dflint.span import Span
from dflint.tree import Arg, Copy, From, Run

from ._words import escape_of
from .buildkit_from_args import image_names_platform, parse_platform

#: Built-in platform args: a ``--platform`` built from them follows the build, it does not pin.
_PLATFORM_BUILTINS = frozenset({
    "BUILDPLATFORM", "BUILDOS", "BUILDARCH", "BUILDVARIANT",
    "TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT",
})
_RESERVED_STAGE_NAMES = frozenset({"scratch", "context"})
_DOCKER_HUB = frozenset({"docker.io", "hub.docker.com"})


class DuplicateStageName(Rule):
    """## What it does
    Reports a `FROM ... AS name` whose name an earlier stage already uses.

    ## Why is this bad?
    `COPY --from=name` and `FROM name` can only mean one stage; BuildKit refuses the file.
    Stage names are compared case-insensitively (BuildKit lower-cases them), so `AS Build`
    and `AS build` clash too.

    ## Example
    ```dockerfile
    FROM golang:1.22 AS build
    FROM node:20 AS build
    ```

    ## Use instead
    ```dockerfile
    FROM golang:1.22 AS build-go
    FROM node:20 AS build-web
    ```

    ## References
    BuildKit check `DuplicateStageName`.
    """

    code = "DL3024"
    name = "duplicate-stage-name"
    instructions = frozenset({"from"})
    severity = Severity.ERROR
    summary = "Stage names must be unique"
    aliases = ("DuplicateStageName",)

    def check(self, ctx: Context) -> Iterator[Violation]:
        first_line: dict[str, int] = {}
        for stage in ctx.dockerfile.stages:
            if stage.name is None or stage.name_span is None:
                continue
            key = stage.name.lower()
            if key in first_line:
                yield Violation(
                    stage.name_span,
                    f"Stage name `{stage.name}` is already used on line {first_line[key]}",
                )
            else:
                first_line[key] = stage.from_.span.start_line


class ReservedStageName(Rule):
    """## What it does
    Reports a stage named `scratch` or `context`.

    ## Why is this bad?
    `scratch` is the empty image and `context` the build context: `FROM scratch` or
    `COPY --from=context` would no longer mean what every reader expects. BuildKit compares
    stage names case-insensitively, so `AS Scratch` is reported too (hadolint only matches the
    exact lower-case word and misses it).

    ## Example
    ```dockerfile
    FROM alpine:3.20 AS scratch
    ```

    ## Use instead
    ```dockerfile
    FROM alpine:3.20 AS scratchpad
    ```

    ## References
    BuildKit check `ReservedStageName`.
    """

    code = "DL3063"
    name = "reserved-stage-name"
    instructions = frozenset({"from"})
    severity = Severity.WARNING
    summary = "Stage name is a reserved word"
    aliases = ("ReservedStageName",)

    def check(self, ctx: Context) -> Iterator[Violation]:
        for stage in ctx.dockerfile.stages:
            if stage.name and stage.name_span and stage.name.lower() in _RESERVED_STAGE_NAMES:
                yield Violation(stage.name_span, f"Stage name `{stage.name}` is reserved")


class PinnedPlatform(Rule):
    """## What it does
    Reports `FROM --platform=` with a value that does not follow the build's platforms.

    ## Why is this bad?
    A fixed platform such as `linux/amd64` makes every build of the image use that
    architecture, whatever `docker build --platform` asks for; on other hosts it runs under
    emulation or not at all.

    A value built from BuildKit's platform args (`$BUILDPLATFORM`, `$TARGETPLATFORM`,
    `$BUILDOS/$BUILDARCH`, `${TARGETOS}/${TARGETARCH}`, ...) follows the build and is fine.
    hadolint accepts only values naming `BUILDPLATFORM` or `TARGETPLATFORM` and so flags the
    common cross-compilation form `FROM --platform=$BUILDOS/$BUILDARCH golang AS build`; dflint
    does not. A user ARG (`--platform=$PLATFORM`) still pins by default and is reported.

    Nor is a constant platform reported when the image name or tag names its architecture
    (`FROM --platform=linux/amd64 example/windows-dlls:1.0-linux-amd64`, `arm64v8/alpine`): the
    image is published for that one platform, so there is no other to follow.

    ## Example
    ```dockerfile
    FROM --platform=linux/amd64 alpine:3.20
    ```

    ## Use instead
    ```dockerfile
    FROM alpine:3.20
    ```
    """

    code = "DL3029"
    name = "pinned-platform"
    text_contains = frozenset({"--platform"})
    instructions = frozenset({"from"})
    severity = Severity.WARNING
    summary = "Do not use --platform with FROM"

    def check(self, ctx: Context) -> Iterator[Violation]:
        escape = escape_of(ctx.dockerfile)
        for stage in ctx.dockerfile.stages:
            flag = stage.from_.platform
            if flag is None or flag.value is None:
                continue
            names = {use.name for use in variables_in(flag.value, escape)}
            if names & _PLATFORM_BUILTINS:
                continue
            platform = parse_platform(flag.value) if not names else None
            image = stage.from_.image.text if stage.from_.image else ""
            if platform is not None and image_names_platform(image, platform[1]):
                continue  # an image published for that one platform
            yield Violation(flag.span, f"`--platform={flag.value}` pins the base image's platform")


class RedundantTargetPlatform(Rule):
    """## What it does
    Reports `FROM --platform=$TARGETPLATFORM` (or `${TARGETPLATFORM}`).

    ## Why is this bad?
    The target platform is already the default platform of every stage; the flag adds noise
    and suggests the stage is special when it is not.

    ## Example
    ```dockerfile
    FROM --platform=$TARGETPLATFORM alpine:3.20
    ```

    ## Use instead
    ```dockerfile
    FROM alpine:3.20
    ```

    ## References
    BuildKit check `RedundantTargetPlatform` (same semantics).
    """

    code = "DL3065"
    name = "redundant-target-platform"
    text_contains = frozenset({"--platform"})
    instructions = frozenset({"from"})
    severity = Severity.WARNING
    summary = "--platform=$TARGETPLATFORM is redundant"
    aliases = ("RedundantTargetPlatform",)

    def check(self, ctx: Context) -> Iterator[Violation]:
        for stage in ctx.dockerfile.stages:
            flag = stage.from_.platform
            if flag is not None and flag.value in ("$TARGETPLATFORM", "${TARGETPLATFORM}"):
                yield Violation(flag.span, "`--platform=$TARGETPLATFORM` is the default; remove it")


class InstructionBeforeFrom(Rule):
    """## What it does
    Reports an instruction other than `ARG` before the first `FROM`.

    ## Why is this bad?
    Only `ARG` (and comments and parser directives) may come before the first `FROM`;
    BuildKit stops with `no build stage in current context`.

    ## Example
    ```dockerfile
    LABEL maintainer="me"
    FROM alpine:3.20
    ```

    ## Use instead
    ```dockerfile
    FROM alpine:3.20
    LABEL maintainer="me"
    ```
    """

    code = "DL3061"
    name = "instruction-before-from"
    severity = Severity.ERROR
    summary = "A Dockerfile must begin with FROM, ARG or a comment"

    def check(self, ctx: Context) -> Iterator[Violation]:
        for instruction in ctx.dockerfile.instructions:
            if isinstance(instruction, From):
                return
            if not isinstance(instruction, Arg):
                yield Violation(
                    instruction.keyword_span,
                    f"`{instruction.keyword.upper()}` before the first FROM; only ARG may come first",
                )


class TrustedRegistryOptions(FrozenRecord):
    """``trusted_registries``: patterns; ``*`` any, ``*.x`` suffix, ``x*`` prefix, else exact."""

    __match_args__ = ("trusted_registries",)

    trusted_registries: tuple[str, ...]

    def __init__(self, trusted_registries: tuple[str, ...] = ()) -> None:
        _set = object.__setattr__
        _set(self, "trusted_registries", trusted_registries)


class UntrustedRegistry(Rule):
    """## What it does
    When trusted registries are configured, reports images pulled from any other registry:
    `FROM` images, `COPY --from=<image>` and `RUN --mount=...,from=<image>`.

    ## Why is this bad?
    Organisations that mirror or vet base images want every pull to go through their
    registries; an image from elsewhere bypasses that review.

    An image without a registry (`ubuntu:24.04`) comes from Docker Hub, matched by
    `docker.io` or `hub.docker.com`; `index.docker.io/...` is Docker Hub too. `scratch` and
    stage names are never images. `FROM` names are expanded with global ARG defaults, so
    `ARG REG=evil.example.com` + `FROM ${REG}/app:1` is checked; a name that depends on an ARG
    without a default is not judged.

    ## Example
    ```dockerfile
    # trusted-registries = ["ghcr.io"]
    FROM evil.example.com/app:1
    ```

    ## Use instead
    ```dockerfile
    FROM ghcr.io/org/app:1
    ```

    ## Options
    `trusted-registries` (list of patterns, default empty = rule off). `*` matches anything,
    `*.example.com` any sub-domain (not `example.com` itself), `registry-*` a prefix, anything
    else the exact registry host (with port).
    """

    code = "DL3026"
    name = "untrusted-registry"
    instructions = frozenset[str]()  # with its default options it reports nothing
    severity = Severity.ERROR
    summary = "Use only allowed registries"
    Options = TrustedRegistryOptions

    def check(self, ctx: Context) -> Iterator[Violation]:
        patterns = tuple(getattr(ctx.options, "trusted_registries", ()) or ())
        if not patterns:
            return
        model = ctx.model
        for info in model.stages:
            base = info.base
            image = info.from_.image
            if (
                image is not None
                and base.is_external
                and base.text
                and base.is_valid
                and all(use.is_set for use in base.used)
            ):
                yield from self._judge(base.text, image.span, patterns)
            for instruction in info.instructions:
                for ref, span in _image_refs(instruction):
                    if "$" in ref or not model.is_external_image(ref):
                        continue
                    yield from self._judge(ref, span, patterns)

    @staticmethod
    def _judge(ref: str, span: Span, patterns: tuple[str, ...]) -> Iterator[Violation]:
        registry = registry_of(ref)
        names = _DOCKER_HUB if registry == "docker.io" else frozenset({registry})
        if not any(_matches(pattern, name) for pattern in patterns for name in names):
            yield Violation(span, f"Image `{ref}` comes from `{registry}`, which is not a trusted registry")


def _image_refs(instruction: object) -> Iterator[tuple[str, Span]]:
    if isinstance(instruction, Copy):
        flag = instruction.flag("from")
        if flag is not None and flag.value:
            yield flag.value, flag.value_span or flag.span
    elif isinstance(instruction, Run):
        for mount in instruction.mounts:
            if mount.from_ and mount.type in ("bind", "cache"):
                yield mount.from_, mount.span


def registry_of(ref: str) -> str:
    """The registry host of an image reference, Docker's way: no host part means Docker Hub."""
    first, sep, _rest = ref.partition("/")
    if not sep or not ("." in first or ":" in first or first == "localhost"):
        return "docker.io"
    host = first.lower()
    return "docker.io" if host in ("index.docker.io", "registry-1.docker.io") else host


def _matches(pattern: str, registry: str) -> bool:
    pattern = pattern.strip().lower()
    if pattern == "*":
        return True
    if pattern.startswith("*"):
        return registry.endswith(pattern[1:])
    if pattern.endswith("*"):
        return registry.startswith(pattern[:-1])
    return registry == pattern
