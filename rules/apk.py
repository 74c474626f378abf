"""apk rules (hadolint DL3018, DL3019): pinned packages and no package cache in the layer."""

from __future__ import annotations

from collections.abc import Iterator

from dflint.finding import FixSafety, Severity, Violation
from dflint.plugin import Context, Rule
from dflint.shell import ShellWord
from dflint.shell.packages import ApkCommand, parse_apk

from ._pkgmgr import (
    RunScript,
    command_span,
    insert_after,
    linked_into_mount,
    mount_covers,
    package_commands,
    removes,
    run_scripts,
    ships,
)
from ._pkgvars import expand_packages

APK_CACHES = ("/var/cache/apk", "/etc/apk/cache")


def apk_adds(item: RunScript) -> list[ApkCommand]:
    return [apk for apk in package_commands(item.script, parse_apk) if apk.subcommand == "add"]


class ApkPinVersions(Rule):
    """## What it does
    Checks that every package given to `apk add` has a version constraint (`pkg=1.2-r0`,
    `pkg~1.2`, `'pkg>1.2'`) or is a local `.apk` file.

    The values of `--virtual`/`-t`, `--repository`/`-X` and `--root`/`-p` are not packages.
    A package list held in a variable (`$PKGS`, `${PKGS}`, `${PKGS//,/ }`) is read from its
    last assignment earlier in the same RUN, else from the ARG default or ENV in scope, and
    reported when it holds an unpinned package; when its value cannot be known (an ARG without
    a default, `$(...)`, a loop variable), it is not reported.

    ## Why is this bad?
    An unpinned package installs whatever the repository holds on the day of the build, so
    rebuilding the same Dockerfile can give a different image.

    ## Example
    ```dockerfile
    FROM alpine:3.20
    RUN apk add --no-cache curl
    ```

    ## Use instead
    ```dockerfile
    FROM alpine:3.20
    RUN apk add --no-cache curl=8.9.1-r0
    ```

    ## Differences from hadolint
    hadolint judges a variable by its name, not its value: it reports `$PKGS` even when it
    holds only pinned packages. dflint reads the value:
    ```dockerfile
    FROM alpine:3.20
    ENV PINNED="curl=8.9.1-r0"
    RUN apk add --no-cache $PINNED
    RUN PKGS="curl git" && apk add --no-cache $PKGS
    ```
    hadolint reports lines 3 and 4; dflint reports line 4 only (`$PKGS` holds `curl`, `git`).

    hadolint misses `sudo apk` and `/sbin/apk`, which dflint reads as `apk`:
    ```dockerfile
    FROM alpine:3.20
    RUN sudo apk add --no-cache curl
    RUN /sbin/apk add --no-cache git
    ```
    hadolint reports nothing here; dflint reports lines 2 and 3.

    ## References
    - hadolint DL3018
    """

    code = "DL3018"
    name = "apk-pin-versions"
    instructions = frozenset({"run"})
    commands = frozenset({"apk"})
    severity = Severity.WARNING
    summary = "Pin versions in apk add"

    def check(self, ctx: Context) -> Iterator[Violation]:
        for item in run_scripts(ctx):
            for apk in apk_adds(item):
                unpinned = {id(p) for p in apk.unpinned}
                for package in apk.packages:
                    if package.kind == "dynamic":
                        yield from self._variable(ctx, item, apk, package.word)
                    elif id(package) in unpinned:
                        text = package.word.value or package.name
                        yield Violation(
                            package.word.span,
                            f"Pin versions in apk add: `{text}` has no version (use `{text}=<version>`)",
                        )

    @staticmethod
    def _variable(ctx: Context, item: RunScript, apk: ApkCommand, word: ShellWord) -> Iterator[Violation]:
        """``$PKGS`` whose value is known: reported when it holds an unpinned package."""
        expanded = expand_packages(ctx, item, apk.command, word, "apk add", parse_apk)
        if expanded is None:
            return
        names = [p.name for p in expanded.unpinned]
        if names:
            listed = ", ".join(f"`{n}`" for n in names)
            yield Violation(
                word.span, f"Pin versions in apk add: `{word.text}` holds {listed} with no version"
            )


class ApkAddWithoutNoCache(Rule):
    """## What it does
    Checks that `apk add` is given `--no-cache`.

    Exempt: a cache or tmpfs mount on `/var/cache/apk` (or `/etc/apk/cache`), or a symlink the
    RUN makes from one of them into such a mount; an `rm -rf /var/cache/apk/*` later in the
    same RUN, which leaves the layer just as clean; and `apk add --no-network`, which fetches
    no index. Only stages whose layers ship are checked: an output stage (the last one, or one
    no other stage uses) and the stages it builds on; a builder only read by `COPY --from`
    ships nothing.

    ## Why is this bad?
    Without `--no-cache`, apk keeps the package index it downloaded in `/var/cache/apk`, and
    it stays in the layer for ever.

    ## Example
    ```dockerfile
    FROM alpine:3.20
    RUN apk add curl=8.9.1-r0
    ```

    ## Use instead
    ```dockerfile
    FROM alpine:3.20
    RUN apk add --no-cache curl=8.9.1-r0
    ```

    ## Fix safety
    Safe: ` --no-cache` is inserted right after `add`; apk then fetches a fresh index itself.

    ## Differences from hadolint
    hadolint wants `--no-cache` even when the same RUN deletes the cache afterwards, which
    leaves the layer as clean; dflint accepts the deletion (of `/var/cache/apk` or a parent,
    not of an unrelated directory):
    ```dockerfile
    FROM alpine:3.20
    RUN apk update && apk add curl=8.9.1-r0 && rm -rf /var/cache/apk/*
    RUN apk add -U git=2.45.2-r0 && rm -rf /var/cache/apk/*
    RUN apk add vim=9.1.0414-r0 && rm -rf /tmp/*
    ```
    hadolint reports lines 2, 3 and 4; dflint reports line 4 only.

    hadolint misses `sudo apk`, which dflint reads as `apk`:
    ```dockerfile
    FROM alpine:3.20
    RUN sudo apk add curl=8.9.1-r0
    ```
    hadolint reports nothing here; dflint reports line 2.

    Each RUN below leaves no index in a shipped layer; hadolint reports all three, dflint none:
    ```dockerfile
    FROM alpine:3.20
    RUN apk add --no-cache --virtual .build-deps gcc=13.2.1_git20240309-r0 \\
        && apk add --no-network --virtual .rundeps so:libc.musl-x86_64.so.1 \\
        && apk del --no-network .build-deps
    ```
    ```dockerfile
    FROM alpine:3.20
    RUN --mount=type=cache,target=/pkg-cache \\
        ln -s /pkg-cache /etc/apk/cache && \\
        apk add bash=5.2.26-r0
    ```
    ```dockerfile
    FROM golang:1.22-alpine AS builder
    RUN apk update && apk add git=2.45.2-r0
    FROM gcr.io/distroless/static
    COPY --from=builder /go/bin/app /app
    ```
    `--no-network` installs from what is already there (the official `php`, `ruby` and
    `redis` images use it for run-time dependencies); the symlink sends the index into the
    cache mount; the builder stage never ships.

    ## References
    - hadolint DL3019
    """

    code = "DL3019"
    name = "apk-add-without-no-cache"
    instructions = frozenset({"run"})
    commands = frozenset({"apk"})
    severity = Severity.INFO
    summary = "Use the `--no-cache` switch to avoid the need to use `--update` and remove `/var/cache/apk/*`"
    fix_safety = FixSafety.SAFE

    def check(self, ctx: Context) -> Iterator[Violation]:
        for item in run_scripts(ctx):
            if mount_covers(item.run, *APK_CACHES) or not ships(ctx, item):
                continue
            if linked_into_mount(item, *APK_CACHES):
                continue
            for apk in apk_adds(item):
                if apk.no_cache or apk.subcommand_word is None:
                    continue
                if apk.has_option("--no-network"):
                    continue  # fetches nothing, so it leaves no index behind
                if removes(item.script, apk.command, *APK_CACHES):
                    continue
                yield Violation(
                    command_span(apk.command),
                    "Use `apk add --no-cache` so the package index does not stay in the layer",
                    insert_after(item, apk.subcommand_word, " --no-cache", "Add --no-cache to apk add"),
                )
