"""BuildKit's checks of FROM lines against the global ARGs (DF105, DF109, DF110).

FROM is the one instruction that sees the ARGs declared before the first FROM (spec §9.3), and
those are exactly the values nobody sees when reading a stage: a misspelt ARG name, a default
that leaves the image name empty, a hard-coded ``--platform``. The semantic model already
expanded every FROM with the global scope; these rules only judge the result.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from dflint.expand import expand, variables_in
from dflint.finding import Severity, Violation
from dflint.lazyre import LazyPattern
from dflint.plugin import Context, Rule
from dflint.semantic import is_valid_reference
from dflint.span import Span
from dflint.tree import From

from ._bk_spans import flag_value_span, sub_span, suggest_name
from ._words import escape_of


class UndefinedArgInFrom(Rule):
    """## What it does
    Reports a variable in a FROM image name or `--platform` value that is neither declared
    by an ARG before the first FROM nor one of BuildKit's built-in platform args.

    ## Why is this bad?
    An undeclared variable expands to an empty string, so `FROM node:${NODE_VERSON}` builds
    `node:` (an error) or, worse, `FROM ${REGISTRY}/app` silently pulls `/app`. ARGs declared
    inside a stage do not count: FROM only sees global ARGs. The message suggests a close
    declared name when there is one.

    ## Example
    ```dockerfile
    ARG NODE_VERSION=20
    FROM node:${NODE_VERSON}-alpine
    ```

    ## Use instead
    ```dockerfile
    ARG NODE_VERSION=20
    FROM node:${NODE_VERSION}-alpine
    ```

    ## References
    BuildKit check `UndefinedArgInFrom`. BuildKit reports the whole FROM line; dflint points
    at the variable reference.
    """

    code = "DF105"
    name = "undefined-arg-in-from"
    text_contains = frozenset({"$"})
    instructions = frozenset({"from"})
    severity = Severity.WARNING
    summary = "FROM uses a variable that no global ARG declares"
    aliases = ("UndefinedArgInFrom",)

    def check(self, ctx: Context) -> Iterator[Violation]:
        model = ctx.model
        escape = escape_of(ctx.dockerfile)
        declared = model.global_scope.names()
        for stage in ctx.dockerfile.stages:
            from_ = stage.from_
            spans: list[tuple[str, Span]] = []
            if from_.image is not None:
                for use in variables_in(from_.image.text, escape):
                    spans.append((use.name, sub_span(from_, from_.image, use.start, use.end)))
            platform = from_.platform
            if platform is not None and platform.value is not None:
                for use in variables_in(platform.value, escape):
                    spans.append((use.name, flag_value_span(from_, platform, use.start, use.end)))
            for name, span in spans:
                if model.global_scope.is_declared(name):
                    continue
                hint = suggest_name(name, declared)
                extra = f" (did you mean {hint}?)" if hint else ""
                yield Violation(span, f"FROM argument '{name}' is not declared{extra}")


class InvalidDefaultArgInFrom(Rule):
    """## What it does
    Reports a FROM image name that uses global ARGs and, with only their default values
    (no `--build-arg`), expands to an empty or invalid image reference.

    ## Why is this bad?
    The Dockerfile only builds when the caller remembers to pass the right `--build-arg`.
    `ARG TAG` without a default plus `FROM busybox:${TAG}` gives `busybox:`, which is not
    a valid reference. Give the ARG a working default, or use `${TAG:-latest}`-style
    fallbacks.

    ## Example
    ```dockerfile
    ARG TAG
    FROM busybox:${TAG}
    ```

    ## Use instead
    ```dockerfile
    ARG TAG=1.36
    FROM busybox:${TAG}
    ```

    ## References
    BuildKit check `InvalidDefaultArgInFrom`. dflint only judges image names that use a
    variable (a constant invalid name is a plain error, not a default-value problem) and
    points at the image word.
    """

    code = "DF109"
    name = "invalid-default-arg-in-from"
    text_contains = frozenset({"$"})
    instructions = frozenset({"from"})
    severity = Severity.WARNING
    summary = "Global ARG defaults give an empty or invalid base image name"
    aliases = ("InvalidDefaultArgInFrom",)

    def check(self, ctx: Context) -> Iterator[Violation]:
        model = ctx.model
        escape = escape_of(ctx.dockerfile)
        # The model is built without build args: global ARGs hold their defaults, and an ARG
        # without default is unset (so `${TAG:-x}` still falls back), as in BuildKit's check.
        env = model.global_scope.env()
        for stage in ctx.dockerfile.stages:
            image = stage.from_.image
            if image is None or not variables_in(image.text, escape):
                continue
            result = expand(image.text, env, escape=escape)
            if result.error is not None:
                continue
            if model.stage_named(result.value) is not None and result.value:
                continue
            if is_valid_reference(result.value):
                continue
            shown = result.value or "(empty)"
            yield Violation(
                image.span,
                f"Default values of the ARGs make the base image name '{image.text}' "
                f"empty or invalid: {shown}",
            )


# containerd's known values (platforms package); one-part specifiers must be one of these.
_KNOWN_OS = frozenset({
    "aix", "android", "darwin", "dragonfly", "freebsd", "hurd", "illumos", "ios", "js", "linux",
    "nacl", "netbsd", "openbsd", "plan9", "solaris", "wasip1", "windows", "zos",
})
_KNOWN_ARCH = frozenset({
    "386", "amd64", "amd64p32", "arm", "armbe", "arm64", "arm64be", "loong64", "mips", "mipsle",
    "mips64", "mips64le", "mips64p32", "mips64p32le", "ppc", "ppc64", "ppc64le", "riscv",
    "riscv64", "s390", "s390x", "sparc", "sparc64", "wasm",
})
_ARCH_ALIASES = {
    "i386": "386", "i486": "386", "i586": "386", "i686": "386", "x86_64": "amd64",
    "x86-64": "amd64", "aarch64": "arm64", "armhf": "arm", "armel": "arm",
}
_SPECIFIER = LazyPattern(r"^[A-Za-z0-9_.-]+$")
#: What containerd assumes for the part a one-word specifier leaves out (BuildKit's host).
_DEFAULT_OS = "linux"
_DEFAULT_ARCH = "amd64"


def parse_platform(text: str) -> tuple[str, str] | None:
    """(os, architecture) as containerd's ``platforms.Parse`` normalises them; None if invalid."""
    body = re.sub(r"\([^)]*\)", "", text, count=1)  # an OS version in parentheses
    parts = body.split("/")
    if not 1 <= len(parts) <= 3 or not all(_SPECIFIER.match(p) for p in parts):
        return None
    lowered = [p.lower() for p in parts]
    if len(lowered) == 1:
        one = lowered[0]
        os_ = "darwin" if one == "macos" else one
        if os_ in _KNOWN_OS:
            return os_, _DEFAULT_ARCH
        arch = _ARCH_ALIASES.get(one, one)
        if arch in _KNOWN_ARCH:
            return _DEFAULT_OS, arch
        return None
    os_ = "darwin" if lowered[0] == "macos" else lowered[0]
    return os_, _ARCH_ALIASES.get(lowered[1], lowered[1])


#: How image names and tags spell an architecture (``-linux-amd64``, ``arm64v8/``, ``x86_64``).
_ARCH_SPELLINGS = {
    "amd64": ("amd64", "x86_64", "x86-64", "x64"), "arm64": ("arm64", "aarch64", "arm64v8"),
    "arm": ("armhf", "armv7", "armv7l", "arm32v7", "armv6", "arm32v6", "armel"),
    "386": ("i386", "i686", "386"), "ppc64le": ("ppc64le",), "s390x": ("s390x",), "riscv64": ("riscv64",),
}


def image_names_platform(image: str, arch: str) -> bool:
    """Whether an image reference says which architecture it is for (``portainer/helper:
    1.0-linux-amd64``, ``arm64v8/alpine``): such an image is published for that one platform,
    so the constant ``--platform`` that picks it is no pin to remove."""
    text = image.lower()
    return any(re.search(rf"(?<![a-z0-9]){re.escape(spelling)}(?![a-z0-9])", text)
               for spelling in _ARCH_SPELLINGS.get(arch, (arch,)))


#: Operating systems containers are built for. Another OS in a FROM (`darwin/arm64` for
#: macOS SDK images) can only be a source of files, never the platform of a build.
_CONTAINER_OS = frozenset({"linux", "windows", "freebsd", "wasi", "wasip1", "js"})


class FromPlatformFlagConstDisallowed(Rule):
    """## What it does
    Reports `FROM --platform=<constant>` (no variable), unless the stage name mentions the
    platform's OS or architecture (`FROM --platform=linux/amd64 golang AS build-amd64`).

    ## Why is this bad?
    A constant platform pins the stage to one architecture even in a multi-platform build,
    and on another host it runs under emulation. Cross-compiling stages usually want
    `--platform=$BUILDPLATFORM`; a stage that really must be one platform says so in its name.

    ## Example
    ```dockerfile
    FROM --platform=linux/amd64 alpine:3.20 AS base
    ```

    ## Use instead
    ```dockerfile
    FROM --platform=$BUILDPLATFORM alpine:3.20 AS base
    ```

    ## Differences from BuildKit
    A constant platform whose OS no container runs (`FROM --platform=darwin/arm64
    crazymax/osxcross AS sdk`) is not reported: such a stage only provides files (a macOS
    SDK) published for that one platform, and a variable would pull a variant that does not
    exist. Nor is one whose image name or tag names the architecture (`FROM
    --platform=linux/amd64 portainer/dlls:2022-linux-amd64`, `arm64v8/alpine`): the image is
    published for that platform only. BuildKit reports both lines here, dflint neither:
    ```dockerfile
    FROM --platform=darwin/arm64 crazymax/osxcross:13.1 AS sdk
    FROM --platform=linux/amd64 example/windows-dlls:1.0-linux-amd64 AS dlls
    ```

    ## References
    BuildKit check `FromPlatformFlagConstDisallowed`. A value that is not a valid platform is
    left alone (the build fails on it anyway).
    """

    code = "DF110"
    name = "from-platform-flag-const-disallowed"
    text_contains = frozenset({"--platform"})
    instructions = frozenset({"from"})
    severity = Severity.WARNING
    summary = "FROM --platform should not be a constant"
    aliases = ("FromPlatformFlagConstDisallowed",)

    def check(self, ctx: Context) -> Iterator[Violation]:
        escape = escape_of(ctx.dockerfile)
        for stage in ctx.dockerfile.stages:
            from_: From = stage.from_
            flag = from_.platform
            if flag is None or flag.value is None or variables_in(flag.value, escape):
                continue
            result = expand(flag.value, {}, escape=escape)
            if result.error is not None or "$" in result.value:
                continue
            platform = parse_platform(result.value)
            if platform is None:
                continue
            name = (stage.name or "").lower()
            os_, arch = platform
            if (os_ and os_ in name) or (arch and arch in name):
                continue
            if image_names_platform(from_.image.text if from_.image else "", arch):
                continue  # an image published for that one platform
            if os_ not in _CONTAINER_OS:
                continue  # `darwin/arm64`: a data image (an SDK); no build targets that platform
            yield Violation(
                flag_value_span(from_, flag),
                f"FROM --platform should not use the constant value '{result.value}'",
            )
