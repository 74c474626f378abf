"""Node package-manager rules: npm pinning (hadolint DL3016) and the yarn cache (DL3060)."""

from __future__ import annotations

from collections.abc import Iterator

from dflint.finding import Severity, Violation
from dflint.plugin import Context, Rule
from dflint.shell import ShellWord
from dflint.shell.packages import NodeCommand, parse_node

from ._pkgmgr import (
    RunScript,
    command_span,
    mount_covers,
    package_commands,
    removes,
    run_scripts,
    ships,
)
from ._pkgvars import expand_packages

YARN_CACHES = ("/usr/local/share/.cache/yarn", "/root/.cache/yarn")
_YARN_CACHE_SUFFIXES = (".cache/yarn", ".yarn/cache", ".yarn/berry/cache")
_NOT_AN_INSTALL = frozenset({"--version", "-v", "--help", "-h"})


class NpmPinVersions(Rule):
    """## What it does
    Checks that every package given to `npm install` (or its aliases `i`, `add`, `in`...)
    has a version (`express@4.19.2`, `@types/node@20.12.7`). Local paths and tarballs pass; a
    git URL or a GitHub shorthand needs a `#ref`. A bare `npm install` or `npm ci` installs
    what the lock file says and passes.

    A package list held in a variable is read when its value is known: assigned earlier in
    the same RUN (`PKGS="a b" && npm install $PKGS`) or by an ENV/ARG default. A variable whose
    value cannot be known (an `ARG` without a default) is not judged.

    ## Why is this bad?
    An unpinned package installs the newest release on the day of the build; a rebuild of the
    same Dockerfile can pull a breaking release.

    ## Example
    ```dockerfile
    FROM node:20
    RUN npm install -g pnpm
    ```

    ## Use instead
    ```dockerfile
    FROM node:20
    RUN npm install -g pnpm@9.1.0
    ```

    ## Differences from hadolint
    Checked against hadolint 2.15.1.
    ```dockerfile
    FROM node:20-bookworm
    RUN npm i express && npm add lodash
    RUN npm install -g npm@latest
    RUN npm install expressjs/express#v4.19.2
    ```
    - Line 2: `npm i` and `npm add` are installs too; hadolint only reads `install` and misses
      the line.
    - Line 3: `latest` (like `next`) is a dist-tag that moves with every release, so
      `npm@latest` pins nothing; hadolint takes any `@` for a version and misses the line.
      Most of the findings only dflint has on real Dockerfiles are this case
      (`npm install -g npm@latest yarn@latest`).
    - Line 4: a GitHub shorthand is pinned by its `#ref`; hadolint wants an `@` and reports
      the line.

    ```dockerfile
    FROM node:20-bookworm
    ARG PACKAGE
    ENV TOOL=pnpm@9.1.0
    RUN npm install -g $PACKAGE
    RUN npm install -g $TOOL
    ```
    hadolint reports every package held in a variable, lines 4 and 5. Line 5's value is known
    and pinned. Line 4's is whatever `--build-arg PACKAGE=...` says, unknowable here, so dflint
    reports neither.

    dflint does not read RUNs under a PowerShell or cmd SHELL (or a Windows base image's
    default cmd), nor exec-form RUNs of a program other than a shell
    (`RUN ["npm", "install", "-g", "pnpm"]`); hadolint parses both as bash and reports an
    unpinned package there.

    ## References
    - hadolint DL3016
    """

    code = "DL3016"
    name = "npm-pin-versions"
    instructions = frozenset({"run"})
    commands = frozenset({"npm"})
    severity = Severity.WARNING
    summary = "Pin versions in npm: `npm install <package>@<version>`"

    def check(self, ctx: Context) -> Iterator[Violation]:
        for item in run_scripts(ctx):
            for npm in package_commands(item.script, parse_node):
                if npm.tool != "npm" or not npm.is_install:
                    continue
                for package in npm.packages:
                    if package.kind == "dynamic":
                        yield from _unpinned_variable(ctx, item, npm, package.word)
                        continue
                    if package.pinned or package.kind not in ("name", "url"):
                        continue
                    text = package.word.value or package.name
                    hint = f"`{text}#<ref>`" if package.kind == "url" else f"`{package.name}@<version>`"
                    yield Violation(
                        package.word.span,
                        f"Pin versions in npm: `{text}` has no version (use {hint})",
                    )


def _unpinned_variable(
    ctx: Context, item: RunScript, npm: NodeCommand, word: ShellWord
) -> Iterator[Violation]:
    """``$PKGS`` whose value is known (``PKGS="a b"`` earlier in the RUN, or ENV/ARG): reported
    when it holds an unpinned package; an unknown value is not judged."""
    expanded = expand_packages(ctx, item, npm.command, word, "npm install", parse_node)
    if expanded is None:
        return
    names = [p.word.value or p.name for p in expanded.packages if not p.pinned and p.kind in ("name", "url")]
    if names:
        listed = ", ".join(f"`{n}`" for n in names)
        yield Violation(word.span, f"Pin versions in npm: `{word.text}` holds {listed} with no version")


def _yarn_installs(cmd: NodeCommand) -> bool:
    """``yarn``, ``yarn install``, ``yarn add``, ``yarn global add``: all of them fill the cache
    (hadolint only sees ``yarn install``; a bare ``yarn`` is the same command)."""
    if cmd.subcommand is None:
        return not cmd.has_option(*_NOT_AN_INSTALL)
    return cmd.subcommand in ("install", "add")


class YarnCacheNotCleaned(Rule):
    """## What it does
    Checks that a RUN that installs with yarn (`yarn`, `yarn install`, `yarn add`,
    `yarn global add`) runs `yarn cache clean` after it. Exempt: a cache or tmpfs mount on
    the yarn cache (`/usr/local/share/.cache/yarn`, `~/.cache/yarn`, `.yarn/cache`).

    Only stages whose layers reach an image are checked: an output stage (the last one, or
    one no other stage builds on, copies or mounts from) and every stage it builds on;
    `ONBUILD RUN` always. A RUN is reported once, at its first uncleaned install: one
    `yarn cache clean` at its end serves them all.

    ## Why is this bad?
    yarn keeps a copy of every downloaded package in its global cache; in an image that copy
    is never used again and often doubles the size of `node_modules`.

    ## Example
    ```dockerfile
    FROM node:20
    RUN yarn install --frozen-lockfile
    ```

    ## Use instead
    ```dockerfile
    FROM node:20
    RUN yarn install --frozen-lockfile && yarn cache clean
    ```

    ## Differences from hadolint
    Checked against hadolint 2.15.1.
    ```dockerfile
    FROM node:20-bookworm
    RUN yarn add puppeteer@5.5.0
    RUN yarn
    RUN yarn global add typescript@5.4.5
    RUN yarn install --frozen-lockfile
    ```
    hadolint only knows `yarn install` and reports line 5 alone. `yarn add`, a bare `yarn`
    (the same command as `yarn install`) and `yarn global add` download into the same cache,
    so dflint reports lines 2 to 5.

    ```dockerfile
    FROM node:20 AS deps
    RUN yarn install --frozen-lockfile
    FROM deps AS build
    RUN yarn build
    FROM nginx:1.27
    COPY --from=build /app/dist /usr/share/nginx/html
    ```
    hadolint reports line 2, since a later stage builds on `deps`; but that stage is only
    copied from, so neither ships and dflint reports nothing.

    ## References
    - hadolint DL3060
    """

    code = "DL3060"
    name = "yarn-cache-not-cleaned"
    instructions = frozenset({"run"})
    commands = frozenset({"yarn"})
    severity = Severity.INFO
    summary = "`yarn cache clean` missing after `yarn install`"

    def check(self, ctx: Context) -> Iterator[Violation]:
        for item in run_scripts(ctx):
            yarns = [c for c in package_commands(item.script, parse_node) if c.tool == "yarn"]
            installs = [c for c in yarns if _yarn_installs(c)]
            if not installs:
                continue
            if mount_covers(item.run, *YARN_CACHES, suffixes=_YARN_CACHE_SUFFIXES):
                continue
            if not ships(ctx, item):
                continue
            for cmd in installs:
                start = cmd.command.start
                cleaned = any(
                    c.subcommand == "cache" and c.operands[:1] and c.operands[0].value == "clean"
                    and c.command.start > start
                    for c in yarns
                )
                if cleaned or removes(item.script, cmd.command, *YARN_CACHES):
                    continue
                yield Violation(
                    command_span(cmd.command),
                    "`yarn cache clean` missing after `yarn install`: the yarn cache stays in the layer",
                )
                break  # one cleanup at the end of the RUN serves every install before it
