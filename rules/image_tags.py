"""DL3006 and DL3007: base images must name a version (not nothing, not ``latest``).

One family module because both rules ask the same question of the same resolved FROM word:
what image does this stage really start from? The semantic model expands the FROM with the
global ARG defaults (BuildKit's rules), recognises ``scratch`` and earlier stages, and splits
the reference; the rules only decide whether the tag is missing or ``latest``.
"""

from __future__ import annotations

from collections.abc import Iterator

from dflint.finding import Severity, Violation
from dflint.plugin import Context, Rule
from dflint.semantic import ResolvedImage, StageInfo, is_valid_reference

__all__ = ["LatestTag", "UntaggedImage"]

# Example tags only (the message says "e.g."): enough to show what a versioned tag looks like.
_EXAMPLE_TAGS: dict[str, str] = {
    "alpine": "3.20",
    "debian": "12-slim",
    "ubuntu": "24.04",
    "python": "3.12-slim",
    "node": "22-alpine",
    "golang": "1.22",
    "rust": "1.79",
    "ruby": "3.3",
    "openjdk": "21",
    "eclipse-temurin": "21-jre",
    "nginx": "1.27",
    "postgres": "16",
    "redis": "7",
    "php": "8.3-fpm",
    "centos": "7",
    "fedora": "40",
    "amazonlinux": "2023",
    "busybox": "1.36",
    "maven": "3.9",
    "gradle": "8.8",
}


def _checked_image(stage: StageInfo) -> ResolvedImage | None:
    """The stage's base image when it is a registry image we can judge, else None.

    Skipped, on purpose: ``scratch``, references to earlier stages (BuildKit compares stage
    names case-insensitively), expansion errors, references that are not valid image names
    (template placeholders such as ``REPLACE-ME``: BuildKit rejects them whatever the tag),
    and any FROM that uses a variable without a value. In the last case the real image comes
    from ``--build-arg`` and guessing would be wrong either way.
    """
    if stage.from_.image is None:
        return None
    resolved = stage.base
    if resolved.is_stage_ref or resolved.is_scratch or resolved.error is not None:
        return None
    if any(not use.is_set and not use.has_default for use in resolved.used):
        return None
    if not resolved.text or not is_valid_reference(resolved.text):
        return None
    return resolved


def _names_a_variable_stage(ctx: Context, stage: StageInfo, text: str) -> bool:
    """``FROM ${FIRST}`` after ``FROM alpine AS ${FIRST}``: buildah and podman expand stage names
    (BuildKit rejects them), so the FROM names that earlier stage, not an image."""
    for earlier in ctx.model.stages[: stage.index]:
        word = earlier.from_.stage_name
        if word is not None and "$" in word.text:
            expansion = ctx.model.expand_in_scope(word.text, earlier.from_)
            if expansion.error is None and (expansion.value or "").lower() == text.lower():
                return True
    return False


def _provenance(resolved: ResolvedImage) -> str:
    """`` (resolved from ARG BASE)`` when the FROM word was not a literal image name."""
    names = list(dict.fromkeys(use.name for use in resolved.used if use.is_set))
    if not names:
        return ""
    args = " and ".join(f"ARG {name}" for name in names)
    return f" (resolved from {args})"


def _suggestion(repository: str) -> str:
    """An example versioned tag for official images, a `<version>` placeholder otherwise."""
    official = repository.removeprefix("docker.io/").removeprefix("library/")
    example = _EXAMPLE_TAGS.get(official) if "/" not in official else None
    return f"`{repository}:{example or '<version>'}`"


class UntaggedImage(Rule):
    """## What it does
    Reports a `FROM` whose image has neither a tag nor a digest, such as `FROM ubuntu`.

    ARG defaults are resolved first, as BuildKit does: `ARG BASE=python:3.12` + `FROM ${BASE}`
    is tagged, `ARG BASE=python` + `FROM $BASE` is not (and the message says it came from
    `ARG BASE`). `scratch` and references to earlier stages (names compared case-insensitively)
    are not images and are never reported, nor is a FROM that names a stage whose `AS` name
    is a variable (`FROM alpine:3.20 AS ${FIRST}` then `FROM ${FIRST}`: buildah and podman
    expand stage names, BuildKit rejects them). A registry port is not a tag:
    `localhost:5000/app` is untagged, `localhost:5000/app:1.2` is tagged.

    When the FROM uses a variable that has no value (`ARG BASE` without a default, or no ARG
    at all), the image is only known at build time, so nothing is reported: guessing would be
    wrong either way.

    ## Why is this bad?
    Without a tag the build uses `latest`, which moves: two builds of the same Dockerfile can
    start from different images, and a rebuild months later may break for reasons unrelated to
    your change.

    ## Example
    ```dockerfile
    FROM ubuntu
    ```

    ## Use instead
    ```dockerfile
    FROM ubuntu:24.04
    ```

    ## Differences from hadolint
    - hadolint does not expand ARGs and skips every image that starts with a variable. Here
      hadolint reports nothing; dflint reports line 2 (`alpine` from `ARG BASE`):
      ```dockerfile
      ARG BASE=alpine
      FROM $BASE
      ```
      A `${VAR:-default}` whose variable is not a global ARG is resolved the same way
      (`FROM ${BASE:-busybox}` is `busybox`).
    - A stage reference built with a variable is a stage, not an image. hadolint reports line 3
      here (it reads `stage-${V}` as an untagged image); dflint resolves it to the stage
      `stage-a`, and when the variable has no default (`ARG ARCH` + `FROM build-${ARCH}`)
      the stage is only chosen at build time, so nothing is reported:
      ```dockerfile
      ARG V=a
      FROM alpine:3.20 AS stage-a
      FROM stage-${V}
      ```
    - Words that are not image references at all, such as template placeholders
      (`FROM REPLACE-ME`, `FROM #IMAGE_NAME#`, `FROM [server-modules]`,
      `FROM gcr.io/<project_id>/app`), are not reported: BuildKit rejects them before any tag
      matters, and "add a tag" would be wrong advice. hadolint reports each of them.

    ## References
    - [hadolint DL3006](https://github.com/hadolint/hadolint/wiki/DL3006)
    """

    code = "DL3006"
    name = "untagged-image"
    instructions = frozenset({"from"})
    severity = Severity.WARNING
    summary = "Base image has no tag"

    def check(self, ctx: Context) -> Iterator[Violation]:
        for stage in ctx.model.stages:
            resolved = _checked_image(stage)
            image = stage.from_.image
            if resolved is None or image is None or resolved.repository is None:
                continue
            if resolved.tag is not None or resolved.digest is not None:
                continue
            if _names_a_variable_stage(ctx, stage, resolved.text):
                continue
            later = "" if ctx.model.stage_named(resolved.text) is None else (
                f" (a stage `{resolved.text}` is defined later, but FROM can only use earlier stages)"
            )
            yield Violation(
                image.span,
                f"image `{resolved.text}`{_provenance(resolved)} has no tag, so it means `latest`; "
                f"pin a versioned tag, e.g. {_suggestion(resolved.repository)}{later}",
            )


class LatestTag(Rule):
    """## What it does
    Reports a `FROM` whose image tag is `latest` without a digest, such as `FROM node:latest`.

    ARG defaults are resolved first (`ARG TAG=latest` + `FROM python:$TAG` is reported, naming
    `ARG TAG`). A digest pins the image whatever the tag says, so `image:latest@sha256:...` is
    not reported. Variables without a value, `scratch` and earlier stages are never reported.

    ## Why is this bad?
    `latest` is just the tag a publisher moved most recently: the image behind it changes
    without notice, so builds are not reproducible and a rebuild can pull in a new major
    version.

    ## Example
    ```dockerfile
    FROM node:latest
    ```

    ## Use instead
    ```dockerfile
    FROM node:22-alpine
    ```

    ## Differences from hadolint
    hadolint does not expand ARGs, so a `latest` that comes from an ARG default goes
    unreported there. dflint reports lines 2 and 4 here; hadolint reports neither:
    ```dockerfile
    ARG TAG=latest BASE=node:latest
    FROM python:$TAG
    RUN true
    FROM ${BASE}
    ```

    ## References
    - [hadolint DL3007](https://github.com/hadolint/hadolint/wiki/DL3007)
    """

    code = "DL3007"
    name = "latest-tag"
    instructions = frozenset({"from"})
    severity = Severity.WARNING
    summary = "Base image uses the `latest` tag"

    def check(self, ctx: Context) -> Iterator[Violation]:
        for stage in ctx.model.stages:
            resolved = _checked_image(stage)
            image = stage.from_.image
            if resolved is None or image is None or resolved.repository is None:
                continue
            if resolved.tag != "latest" or resolved.digest is not None:
                continue
            yield Violation(
                image.span,
                f"image `{resolved.text}`{_provenance(resolved)} uses the moving `latest` tag; "
                f"pin a versioned tag, e.g. {_suggestion(resolved.repository)}",
            )
