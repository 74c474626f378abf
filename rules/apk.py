"""apk rules (hadolint DL3018, DL3019): pinned packages and no package cache in the layer."""

from __future__ import annotations

from collections.abc import Iterator

from dflint.finding import FixSafety, Severity, Violation
from dflint.plugin import Context, Rule
from dflint.shell.packages import ApkCommand, parse_apk

from ._pkgmgr import (
    RunScript,
    command_span,
    insert_after,
    mount_covers,
    package_commands,
    removes,
    run_scripts,
)

APK_CACHES = ("/var/cache/apk", "/etc/apk/cache")


def apk_adds(item: RunScript) -> list[ApkCommand]:
    return [apk for apk in package_commands(item.script, parse_apk) if apk.subcommand == "add"]


class ApkPinVersions(Rule):
    """## What it does
    Checks that every package given to `apk add` has a version constraint (`pkg=1.2-r0`,
    `pkg~1.2`, `'pkg>1.2'`) or is a local `.apk` file.

    The values of `--virtual`/`-t`, `--repository`/`-X` and `--root`/`-p` are not packages,
    and a package held in a variable (`$PKGS`) cannot be judged, so neither is reported.

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

    ## References
    - hadolint DL3018
    """

    code = "DL3018"
    name = "apk-pin-versions"
    severity = Severity.WARNING
    summary = "Pin versions in apk add"

    def check(self, ctx: Context) -> Iterator[Violation]:
        for item in run_scripts(ctx):
            for apk in apk_adds(item):
                for package in apk.unpinned:
                    text = package.word.value or package.name
                    yield Violation(
                        package.word.span,
                        f"Pin versions in apk add: `{text}` has no version (use `{text}=<version>`)",
                    )


class ApkAddWithoutNoCache(Rule):
    """## What it does
    Checks that `apk add` is given `--no-cache`.

    Exempt: a cache or tmpfs mount on `/var/cache/apk` (or `/etc/apk/cache`), and, unlike
    hadolint, an `rm -rf /var/cache/apk/*` later in the same RUN, which leaves the layer just
    as clean: `apk update && apk add curl && rm -rf /var/cache/apk/*` is accepted here.

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

    ## References
    - hadolint DL3019
    """

    code = "DL3019"
    name = "apk-add-without-no-cache"
    severity = Severity.INFO
    summary = "Use the `--no-cache` switch to avoid the need to use `--update` and remove `/var/cache/apk/*`"
    fix_safety = FixSafety.SAFE

    def check(self, ctx: Context) -> Iterator[Violation]:
        for item in run_scripts(ctx):
            if mount_covers(item.run, *APK_CACHES):
                continue
            for apk in apk_adds(item):
                if apk.no_cache or apk.subcommand_word is None:
                    continue
                if removes(item.script, apk.command, *APK_CACHES):
                    continue
                yield Violation(
                    command_span(apk.command),
                    "Use `apk add --no-cache` so the package index does not stay in the layer",
                    insert_after(item, apk.subcommand_word, " --no-cache", "Add --no-cache to apk add"),
                )
