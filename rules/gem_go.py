"""Pinning rules for Ruby gems (hadolint DL3028) and Go tools (DL3062)."""

from __future__ import annotations

from collections.abc import Iterator

from dflint.finding import Severity, Violation
from dflint.plugin import Context, Rule
from dflint.shell.packages import parse_gem, parse_go

from ._pkgmgr import after_double_dash, package_commands, run_scripts

#: Go's meta packages: not module paths, nothing to pin.
_GO_META = frozenset({"all", "std", "cmd"})


class GemPinVersions(Rule):
    """## What it does
    Checks that every gem given to `gem install` (or `gem i`) has a version (`rails:7.1.3`),
    or that `-v`/`--version` is given. Local `.gem` files pass. Words after `--` are build
    options for the gem's native extension, not gems
    (`gem install mysql2:0.5.6 -- --with-mysql-config=...`).

    ## Why is this bad?
    An unpinned gem installs the newest release on the day of the build; a rebuild of the
    same Dockerfile can pull a breaking release.

    ## Example
    ```dockerfile
    FROM ruby:3.3
    RUN gem install rails
    ```

    ## Use instead
    ```dockerfile
    FROM ruby:3.3
    RUN gem install rails:7.1.3
    ```

    ## References
    - hadolint DL3028
    """

    code = "DL3028"
    name = "gem-pin-versions"
    severity = Severity.WARNING
    summary = "Pin versions in gem install: `gem install <gem>:<version>`"

    def check(self, ctx: Context) -> Iterator[Violation]:
        for item in run_scripts(ctx):
            for gem in package_commands(item.script, parse_gem):
                if gem.subcommand not in ("install", "i"):
                    continue
                for package in gem.unpinned:
                    if after_double_dash(gem.command, package.word):
                        continue
                    text = package.word.value or package.name
                    yield Violation(
                        package.word.span,
                        f"Pin versions in gem install: `{text}` has no version (use `{text}:<version>`)",
                    )


class GoPinVersions(Rule):
    """## What it does
    Checks that every module given to `go install` or `go get`, and the package run by
    `go run`, has a version (`golang.org/x/tools/gopls@v0.15.3`). `@latest`, `@upgrade`,
    `@patch` and `@none` are queries, not versions. Local paths (`.`, `./cmd/...`, `/src`) pass.

    For `go run`, only the first operand is a package; what follows are the program's own
    arguments. A `go run main.go` runs a local file: hadolint reports it as an unpinned
    package, which it is not.

    ## Why is this bad?
    Without a version, `go install` builds whatever the default branch holds on the day of
    the build; a rebuild of the same Dockerfile can get a different tool.

    ## Example
    ```dockerfile
    FROM golang:1.22
    RUN go install golang.org/x/tools/gopls@latest
    ```

    ## Use instead
    ```dockerfile
    FROM golang:1.22
    RUN go install golang.org/x/tools/gopls@v0.15.3
    ```

    ## References
    - hadolint DL3062
    """

    code = "DL3062"
    name = "go-pin-versions"
    severity = Severity.WARNING
    summary = "Pin versions in go: `go install <package>@<version>`"

    def check(self, ctx: Context) -> Iterator[Violation]:
        for item in run_scripts(ctx):
            for go in package_commands(item.script, parse_go):
                if go.subcommand not in ("install", "get", "run"):
                    continue
                for package in go.unpinned:
                    text = package.word.value or package.name
                    if package.name in _GO_META:
                        continue
                    yield Violation(
                        package.word.span,
                        f"Pin versions in go: `{text}` has no version (use `{package.name}@<version>`)",
                    )
