"""COPY and ADD rules from hadolint: ADD vs COPY, destinations, ``--from`` references."""

from __future__ import annotations

import re
from collections.abc import Iterator

from dflint.finding import Severity, Violation
from dflint.lazyre import LazyPattern
from dflint.plugin import Context, Rule
from dflint.semantic import StageInfo
from dflint.tree import Add, Copy, Instruction, Run, Stage, Word, Workdir

from ._bk_spans import suggest_name
from ._stage_refs import lineage
from ._words import escape_of, is_windows_drive, literal, unquoted_head, uses_variables

#: Local files ADD unpacks. BuildKit detects the format by content (tar, gzip, bzip2, xz, zstd);
#: these are the extensions such files carry. `.zip` is NOT unpacked by ADD.
_ARCHIVE_SUFFIXES = (
    ".tar", ".z", ".bz2", ".gz", ".lz", ".lzma", ".tz", ".tb2", ".tbz", ".tbz2", ".tgz", ".tlz",
    ".tpz", ".txz", ".xz", ".zst", ".tzst",
)
_URL = LazyPattern(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_SCP_GIT = LazyPattern(r"^[\w.-]+@[\w.-]+:")
#: What BuildKit accepts as a stage name (after lower-casing).
_STAGE_NAME = LazyPattern(r"^[a-z][a-z0-9-_.]*$")


def _is_heredoc_source(instruction: Instruction, word: Word) -> bool:
    return any(doc.span == word.span for doc in instruction.heredocs)


def _word_value(instruction: Instruction, word: Word, escape: str) -> str | None:
    """A word's value without quotes and escapes; None when it uses a variable. JSON-form words
    are already decoded, so no shell escape is processed again."""
    if instruction.json:
        return None if "$" in word.text else word.text
    return literal(word.text, escape)


#: COPY/ADD flags that need a value (`--chmod=644`); the rest (`--link`, `--parents`...) are bool.
_VALUE_FLAGS = frozenset({"from", "chown", "chmod", "checksum", "exclude"})


def _flag_missing_value(instruction: Instruction) -> bool:
    """``--chmod 777 a /b``: BuildKit fails (`missing a value on flag`), and which word was meant
    as a source is a guess, so the sources and destination are not judged."""
    return any(f.value is None and f.name.lower() in _VALUE_FLAGS for f in instruction.flags)


class AddInsteadOfCopy(Rule):
    """## What it does
    Reports `ADD` of a local file or folder that is not an archive to unpack.

    ## Why is this bad?
    `ADD` has magic: it downloads URLs, clones git repositories and unpacks local archives.
    For plain files `COPY` does the same thing without surprises (a file that happens to be a
    tar is unpacked by `ADD`). Only local archives, URLs and git sources need `ADD`.

    BuildKit recognises archives by content, so zstd files (`.zst`, `.tzst`) count as archives
    here. `.zip` is not unpacked by `ADD` and is reported.
    Variables with a known value (an `ENV`, an `ARG` default) are expanded first, so
    `ENV PKG=jre.tar.gz` + `ADD $PKG /` is fine and `ARG CONF=app.conf` + `ADD $CONF /etc/` is
    reported; a source that depends on a variable without a known value is not judged. One
    finding per instruction, at the first source that does not need `ADD`.

    ## Example
    ```dockerfile
    ADD app.py /app/
    ```

    ## Use instead
    ```dockerfile
    COPY app.py /app/
    ```

    ## Differences from hadolint
    - hadolint does not expand variables: it reports every `ADD` whose source is a variable,
      even when the value is a URL or an archive. hadolint reports lines 3, 5, 7 and 9 here;
      dflint reports only line 9 (`app.conf` is a plain file), not the URL (line 3), the
      archive (line 5) or the source only known at build time (line 7):
      ```dockerfile
      FROM alpine:3.20
      ARG URL=https://example.com/strap.sh
      ADD ${URL} /tmp/
      ENV PKG=jre.tar.gz
      ADD $PKG /opt/
      ARG FILE
      ADD $FILE /opt/
      ARG CONF=app.conf
      ADD $CONF /etc/
      ```
    - hadolint's archive list misses zstd: it reports `ADD app.tar.zst /opt/`, which `ADD`
      unpacks; dflint does not.
    """

    code = "DL3020"
    name = "add-instead-of-copy"
    instructions = frozenset({"add"})
    severity = Severity.ERROR
    summary = "Use COPY instead of ADD for files and folders"

    def check(self, ctx: Context) -> Iterator[Violation]:
        escape = escape_of(ctx.dockerfile)
        for instruction in ctx.dockerfile.instructions:
            if not isinstance(instruction, Add) or _flag_missing_value(instruction):
                continue
            for source in instruction.sources:
                if self._needs_add(ctx, instruction, source, escape):
                    continue
                yield Violation(source.span, f"Use COPY instead of ADD for `{source.text}`")
                break

    @staticmethod
    def _needs_add(ctx: Context, instruction: Add, source: Word, escape: str) -> bool:
        if _is_heredoc_source(instruction, source):
            return False
        value = literal(source.text, escape)
        if value is None and uses_variables(source.text, escape):
            expansion = ctx.model.expand_in_scope(source.text, instruction)
            if expansion.error is None and all(use.is_set for use in expansion.used):
                value = expansion.value  # every variable has a known value (ENV, ARG default)
        text = value if value is not None else unquoted_head(source.text)
        if _URL.match(text) or _SCP_GIT.match(text):
            return True
        if text.lower().endswith(_ARCHIVE_SUFFIXES):
            return True
        # A variable without a known value could name an archive: not judged.
        return value is None and uses_variables(source.text, escape)


class CopyMultipleSourcesDestination(Rule):
    """## What it does
    Reports a `COPY` with several sources whose destination does not end with `/`.

    ## Why is this bad?
    With more than one source the destination must be a directory, and BuildKit insists it is
    written with a trailing slash; the build fails otherwise. Heredoc sources (`<<EOF`) count
    as sources. A destination that depends on a variable is not judged. A Windows path that
    ends in a backslash is a directory too: `C:\\dest\\` under `# escape=\\``, or `C:\\dest\\`
    with the default escape, where `\\` stands for one backslash. An instruction with a flag
    missing its value (`COPY --from builder a b`) is not judged: BuildKit rejects it, and
    which words were meant as sources is a guess.

    ## Example
    ```dockerfile
    COPY package.json package-lock.json /app
    ```

    ## Use instead
    ```dockerfile
    COPY package.json package-lock.json /app/
    ```

    ## Differences from hadolint
    hadolint takes the value of a flag written without `=` for a source and reports line 2;
    dflint does not judge that instruction (BuildKit rejects it: `missing a value on flag`):
    ```dockerfile
    FROM alpine:3.20 AS builder
    COPY --from builder /bin/bash /my/bin/bash
    ```
    """

    code = "DL3021"
    name = "copy-multiple-sources-destination"
    instructions = frozenset({"copy"})
    severity = Severity.ERROR
    summary = "COPY with more than 2 arguments requires the last argument to end with /"

    def check(self, ctx: Context) -> Iterator[Violation]:
        escape = escape_of(ctx.dockerfile)
        for instruction in ctx.dockerfile.instructions:
            if not isinstance(instruction, Copy) or len(instruction.sources) < 2:
                continue
            if _flag_missing_value(instruction):
                continue
            dest = instruction.destination
            if dest is None:
                continue
            value = _word_value(instruction, dest, escape)
            if value is None:
                continue  # depends on a variable (or does not expand): unknown
            if not value.endswith(("/", "\\")):
                yield Violation(
                    dest.span,
                    f"COPY with {len(instruction.sources)} sources needs a destination ending with `/`",
                )


class CopyFromUndefinedStage(Rule):
    """## What it does
    Reports `COPY --from=` naming a stage that is only defined later in the file, a stage
    index that is not an earlier stage, or a word that names no stage but looks like a
    misspelt stage name.

    ## Why is this bad?
    Stages are meant to be read, and built by older builders, top to bottom; `--from=2` in
    the second stage, or a name defined further down, is almost always a mistake. A `--from`
    word that names no stage is pulled as an image (or taken from a named build context), so
    a typo such as `--from=biulder` silently copies out of `docker.io/library/biulder` or
    fails on a missing image. Such a word is reported when a stage name is at most 2 edits
    away from it (`biulder` for `builder`), or when it is the last `-`/`_`/`.` part of a stage
    name (`set` for `license-set`).

    Stage names are compared case-insensitively, as BuildKit does (`AS Builder` is
    `--from=builder`). Copying from the current stage is DL3023.

    ## Example
    ```dockerfile
    FROM alpine:3.20
    COPY --from=build /app /app
    FROM golang:1.22 AS build
    ```

    ## Use instead
    ```dockerfile
    FROM golang:1.22 AS build
    FROM alpine:3.20
    COPY --from=build /app /app
    ```

    ## Differences from hadolint
    hadolint reports every `--from` value without a `:` that is not an earlier stage name.
    dflint does not report these, which name no stage on purpose:
    - Images without a tag, with or without a registry. hadolint reports lines 3, 4 and 5;
      each copies out of an image (`nginx:latest`, ...):
      ```dockerfile
      FROM golang:1.22 AS build
      FROM alpine:3.20
      COPY --from=nginx /etc/nginx/nginx.conf /etc/nginx/
      COPY --from=webdevops/toolbox /baselayout/sbin/* /sbin/
      COPY --from=docker.io/library/busybox /bin/nl /bin/
      ```
      (An untagged image means `latest`; that is what DL3006 is about for FROM.)
    - Named build contexts (`docker buildx build --build-context profile=./aws`):
      `COPY --from=profile . /root/.aws` is reported by hadolint, not by dflint.
    - Values with variables, which Buildah and Podman expand and BuildKit does not. hadolint
      reports line 5 here; dflint does not judge it:
      ```dockerfile
      ARG SRC=build
      FROM golang:1.22 AS build
      FROM alpine:3.20
      ARG SRC
      COPY --from=$SRC /app /app
      ```
    - Stages named with a variable (`FROM alpine:3.20 AS ${NAME}`, Buildah only; BuildKit
      rejects the name, reported as DF000): a later `COPY --from=first` is reported by
      hadolint, which does not expand the name either; dflint reads `first` as an image.

    A misspelt stage name is reported by both tools, with dflint saying which stage was
    probably meant.
    """

    code = "DL3022"
    name = "copy-from-undefined-stage"
    text_contains = frozenset({"--from"})
    instructions = frozenset({"copy"})
    severity = Severity.WARNING
    summary = "COPY --from should reference a previously defined FROM alias"

    def check(self, ctx: Context) -> Iterator[Violation]:
        stages = ctx.dockerfile.stages
        for stage in stages:
            for instruction in stage.instructions:
                flag = instruction.flag("from") if isinstance(instruction, Copy) else None
                if flag is None or not flag.value or "$" in flag.value:
                    continue
                problem = _forward_reference(flag.value, stage, stages)
                if problem:
                    yield Violation(flag.value_span or flag.span, problem)


def _forward_reference(value: str, stage: Stage, stages: list[Stage]) -> str | None:
    if value.isdigit():
        index = int(value)
        if index == stage.index or index < stage.index:
            return None
        if index >= len(stages):
            return f"`--from={value}`: there is no stage {index} (stages are numbered from 0)"
        return f"`--from={value}` refers to a stage defined later in the file"
    name = value.lower()
    if any((s.name or "").lower() == name for s in stages[: stage.index + 1]):
        return None
    if any((s.name or "").lower() == name for s in stages[stage.index + 1 :]):
        return f"`--from={value}` refers to a stage defined later in the file"
    # An image or a named build context, unless it looks like a misspelt stage name.
    guess = _misspelt_stage(name, [s.name.lower() for s in stages if s.name and s is not stage])
    if guess is None:
        return None
    return (f"`--from={value}` is no stage; did you mean `{guess}`? "
            f"As written it copies from the image `{value}`")


def _misspelt_stage(name: str, stage_names: list[str]) -> str | None:
    """The stage a plain `--from` word that names no stage was probably meant to be.

    Only words that could be stage names (no registry, tag or digest) are judged: a stage name
    at most 2 edits away (``biulder``) or of which the word is the last ``-``/``_``/``.`` part
    (``set`` for ``license-set``).
    """
    if not _STAGE_NAME.match(name):
        return None
    close = suggest_name(name, stage_names)
    if close is not None:
        return close
    if len(name) < 3:
        return None
    return next((s for s in sorted(set(stage_names)) if re.split(r"[-_.]", s)[-1] == name), None)


class CopyFromOwnStage(Rule):
    """## What it does
    Reports `COPY --from=` naming the stage the `COPY` is in, by name (any case) or by index.

    ## Why is this bad?
    A stage cannot copy from itself; BuildKit fails with a circular dependency.

    ## Example
    ```dockerfile
    FROM golang:1.22 AS build
    COPY --from=build /src /src
    ```

    ## Use instead
    ```dockerfile
    FROM golang:1.22 AS build
    FROM alpine:3.20
    COPY --from=build /src /src
    ```
    """

    code = "DL3023"
    name = "copy-from-own-stage"
    text_contains = frozenset({"--from"})
    instructions = frozenset({"copy"})
    severity = Severity.ERROR
    summary = "COPY --from cannot reference its own FROM alias"

    def check(self, ctx: Context) -> Iterator[Violation]:
        for stage in ctx.dockerfile.stages:
            own = stage.name.lower() if stage.name else None
            for instruction in stage.instructions:
                flag = instruction.flag("from") if isinstance(instruction, Copy) else None
                if flag is None or not flag.value:
                    continue
                value = flag.value
                if (value.isdigit() and int(value) == stage.index) or (own and value.lower() == own):
                    yield Violation(
                        flag.value_span or flag.span, f"`--from={value}` is the stage this COPY is in"
                    )


class CopyRelativeWithoutWorkdir(Rule):
    """## What it does
    Reports a `COPY` to a relative destination when no `WORKDIR` was set before it, in the
    stage or in a stage it is built `FROM`.

    ## Why is this bad?
    A relative destination is resolved against the working directory, which then comes from
    the base image and may change with any new tag. Set it explicitly.

    Destinations starting with `/`, a Windows drive (`C:`) or a variable are not judged.
    Stage names are followed case-insensitively (`FROM Base` inherits `WORKDIR` of `AS base`).
    A stage built on `scratch` (directly or through other stages) is not judged either: its
    working directory is `/`, set by no base image.

    ## Example
    ```dockerfile
    FROM node:20
    COPY package.json .
    ```

    ## Use instead
    ```dockerfile
    FROM node:20
    WORKDIR /app
    COPY package.json .
    ```

    ## Differences from hadolint
    hadolint also reports relative destinations in `FROM scratch` stages (lines 5 and 6):
    ```dockerfile
    FROM golang:1.23 AS build
    WORKDIR /src
    RUN go build -o /out/app .
    FROM scratch
    COPY --from=build /out/app app
    COPY --from=build /out .
    ```
    """

    code = "DL3045"
    name = "copy-relative-without-workdir"
    instructions = frozenset({"copy"})
    severity = Severity.WARNING
    summary = "COPY to a relative destination without WORKDIR set"

    def check(self, ctx: Context) -> Iterator[Violation]:
        for info in ctx.model.stages:
            if lineage(info)[-1].base.is_scratch:
                continue  # the working directory is `/`: no base image decides it
            has_workdir = any(
                isinstance(i, Workdir) for parent in info.ancestors() for i in parent.instructions
            )
            for instruction in info.instructions:
                if isinstance(instruction, Workdir):
                    has_workdir = True
                elif isinstance(instruction, Copy) and not has_workdir and instruction.destination:
                    dest = instruction.destination
                    head = unquoted_head(dest.text)
                    if head.startswith(("/", "$")) or is_windows_drive(head):
                        continue
                    yield Violation(
                        dest.span, f"COPY to relative `{dest.text}` without a WORKDIR set before it"
                    )


def _builds_a_filesystem(stage: StageInfo) -> bool:
    """Whether the stage is an operating system tree this file adds to: built on an image (not
    ``scratch``) with RUN, COPY or ADD instructions of its own or of the stages it builds on."""
    chain = lineage(stage)
    if chain[-1].base.is_scratch:
        return False
    return any(isinstance(i, Run | Copy | Add) for info in chain for i in info.instructions)


def _empty_so_far(stage: StageInfo, before: Copy) -> bool:
    """A ``FROM scratch`` stage that holds nothing before ``before`` but, maybe, earlier whole
    copies of the same source (``COPY --from=x / /`` twice replaces nothing either)."""
    chain = lineage(stage)
    if not chain[-1].base.is_scratch:
        return False
    source = before.flag("from")
    for info in chain:
        for instruction in info.instructions:
            if instruction is before:
                break
            if isinstance(instruction, Copy) and source is not None and _same_whole_copy(instruction, before):
                continue
            if isinstance(instruction, Run | Copy | Add):
                return False
    return True


def _same_whole_copy(earlier: Copy, copy: Copy) -> bool:
    """Both copy `/` to `/` from the same ``--from``."""
    flags = (earlier.flag("from"), copy.flag("from"))
    if flags[0] is None or flags[1] is None or flags[0].value != flags[1].value:
        return False
    return all(
        c.destination is not None and c.destination.text == "/" and [s.text for s in c.sources] == ["/"]
        for c in (earlier, copy)
    )


class CopyWholeFilesystem(Rule):
    """## What it does
    Reports `COPY --from=stage / /`: copying the whole filesystem of a stage built on an
    image (with RUN, COPY or ADD steps) over the current stage.

    ## Why is this bad?
    It copies everything, including package databases, caches and the base image's files,
    and silently replaces files of the current stage. Copy the directories you need.

    Not reported: a source that is an image rather than a stage built here (`COPY --from=xx
    / /` of `FROM tonistiigi/xx AS xx`, `--from=some/image`), since such images are usually
    made to be copied whole; a source stage `FROM scratch`, which holds only what was put in
    it; and a copy into a `FROM scratch` stage that holds nothing yet, which replaces nothing.

    ## Example
    ```dockerfile
    FROM alpine:3.20 AS rootfs
    RUN apk add --no-cache curl
    FROM debian:12
    COPY --from=rootfs / /
    ```

    ## Use instead
    ```dockerfile
    FROM alpine:3.20 AS rootfs
    RUN apk add --no-cache curl
    FROM debian:12
    COPY --from=rootfs /usr/bin/curl /usr/local/bin/curl
    ```

    ## Differences from hadolint
    hadolint reports every `COPY --from=... / /`. dflint reports none of lines 3, 8 and 10
    here (artifact images and a scratch stage), nor line 4 of the second example (an empty
    scratch stage):
    ```dockerfile
    FROM --platform=$BUILDPLATFORM tonistiigi/xx:1.6.1 AS xx
    FROM golang:1.23-alpine AS build
    COPY --from=xx / /
    RUN xx-go build -o /out/app .
    FROM scratch AS binaries
    COPY --from=build /out/app /app
    FROM alpine:3.20
    COPY --from=binaries / /
    COPY --from=docker/buildx-bin:0.17 / /usr/libexec/docker/cli-plugins/
    COPY --from=gloursdocker/docker:latest / /
    ```
    ```dockerfile
    FROM alpine:3.20 AS build
    RUN apk add --no-cache curl
    FROM scratch
    COPY --from=build / /
    ```
    """

    code = "DL3067"
    name = "copy-whole-filesystem"
    text_contains = frozenset({"--from"})
    instructions = frozenset({"copy"})
    severity = Severity.WARNING
    summary = "Do not copy the whole filesystem from another stage"

    def check(self, ctx: Context) -> Iterator[Violation]:
        escape = escape_of(ctx.dockerfile)
        model = ctx.model
        for instruction in ctx.dockerfile.instructions:
            if not isinstance(instruction, Copy):
                continue
            flag = instruction.flag("from")
            dest = instruction.destination
            if flag is None or dest is None or literal(dest.text, escape) != "/":
                continue
            source_stage = model.resolve_stage_ref(flag.value)
            here = model.stage_of(instruction)
            if source_stage is None or here is None or not _builds_a_filesystem(source_stage):
                continue
            if _empty_so_far(here, instruction):
                continue
            for source in instruction.sources:
                if literal(source.text, escape) == "/":
                    yield Violation(source.span, "COPY --from of `/` to `/` copies a whole filesystem")
                    break
