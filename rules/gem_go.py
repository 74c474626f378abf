"""Pinning rules for Ruby gems (hadolint DL3028) and Go tools (DL3062)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from dflint.finding import Severity, Violation
from dflint.plugin import Context, Rule
from dflint.shell import ShellWord
from dflint.shell.packages import PackageCommand, PackageRef, parse_gem, parse_go

from ._pkgmgr import RunScript, after_double_dash, package_commands, run_scripts
from ._pkgvars import expand_packages

#: Go's meta packages: not module paths, nothing to pin (``tool``, Go 1.24: the tools that
#: go.mod pins with its ``tool`` directives).
_GO_META = frozenset({"all", "std", "cmd", "tool"})


def _held_in_variable(
    ctx: Context, item: RunScript, cmd: PackageCommand, word: ShellWord,
    unpinned: Callable[[PackageRef], bool],
) -> list[str]:
    """The unpinned packages a ``$VAR`` operand holds, when its value is known (``PKGS="a b"``
    earlier in the RUN, or an ENV/ARG value); none when it is not."""
    parse = parse_gem if cmd.tool == "gem" else parse_go
    expanded = expand_packages(ctx, item, cmd.command, word, f"{cmd.tool} {cmd.subcommand}", parse)
    if expanded is None:
        return []
    return [p.name for p in expanded.packages if unpinned(p)]


def _gem_unpinned(package: PackageRef) -> bool:
    return package.kind == "name" and not package.pinned


def _go_unpinned(package: PackageRef) -> bool:
    return package.kind == "name" and not package.pinned and package.name not in _GO_META


class GemPinVersions(Rule):
    """## What it does
    Checks that every gem given to `gem install` (or `gem i`) has a version (`rails:7.1.3`),
    or that `-v`/`--version` is given. Local `.gem` files pass. Words after `--` are build
    options for the gem's native extension, not gems
    (`gem install mysql2:0.5.6 -- --with-mysql-config=...`).

    A gem list held in a variable is read when its value is known: assigned earlier in the
    same RUN (`GEMS="a b" && gem install $GEMS`) or by an ENV/ARG default. A variable whose
    value cannot be known (an `ARG` without a default) is not judged.

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

    ## Differences from hadolint
    Checked against hadolint 2.15.1.
    ```dockerfile
    FROM ruby:3.3
    RUN gem install --no-document bundler rails
    RUN gem install -N bundler
    RUN GEMS="rails bundler:2.5.9" && gem install $GEMS
    ```
    hadolint takes the word after any option for that option's value, so `bundler` after
    `--no-document` or `-N` (options without a value) is never checked: it reports line 2
    for `rails` only and misses line 3. dflint reports `bundler` on both lines. On line 4
    both report; dflint names `rails`, the unpinned gem `$GEMS` holds.

    ## References
    - hadolint DL3028
    """

    code = "DL3028"
    name = "gem-pin-versions"
    instructions = frozenset({"run"})
    commands = frozenset({"gem"})
    severity = Severity.WARNING
    summary = "Pin versions in gem install: `gem install <gem>:<version>`"

    def check(self, ctx: Context) -> Iterator[Violation]:
        for item in run_scripts(ctx):
            for gem in package_commands(item.script, parse_gem):
                if gem.subcommand not in ("install", "i"):
                    continue
                for package in gem.packages:
                    if after_double_dash(gem.command, package.word):
                        continue
                    if package.kind == "dynamic":
                        if gem.has_option("-v", "--version"):
                            continue  # `-v` pins every gem named, those in the variable too
                        names = _held_in_variable(ctx, item, gem, package.word, _gem_unpinned)
                        if names:
                            listed = ", ".join(f"`{n}`" for n in names)
                            yield Violation(
                                package.word.span,
                                f"Pin versions in gem install: `{package.word.text}` holds {listed} "
                                "with no version",
                            )
                        continue
                    if not _gem_unpinned(package):
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
    arguments. The meta packages `all`, `std`, `cmd` and `tool` (Go 1.24: the tools go.mod
    pins with `tool` directives) are not module paths and pass. A package list held in a
    variable is read when its value is known (assigned earlier in the same RUN, or an ENV/ARG
    default).

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

    ## Differences from hadolint
    Checked against hadolint 2.15.1.
    ```dockerfile
    FROM golang:1.24
    RUN go install -tags 'netgo osusergo' -ldflags "-X main.version=1.2.3" ./cmd/app
    RUN /usr/local/go/bin/go install github.com/golang/dep/cmd/dep
    RUN go run main.go
    RUN go install all
    ```
    - Line 2 builds a local package; hadolint takes the value of `-tags` for an unpinned
      package and reports the line.
    - Line 3: hadolint does not recognise go called by a path and misses the unpinned module.
    - Line 4 runs a local file and line 5 builds the main module's packages at the versions
      go.mod pins; hadolint reports both.

    ## References
    - hadolint DL3062
    """

    code = "DL3062"
    name = "go-pin-versions"
    instructions = frozenset({"run"})
    commands = frozenset({"go"})
    severity = Severity.WARNING
    summary = "Pin versions in go: `go install <package>@<version>`"

    def check(self, ctx: Context) -> Iterator[Violation]:
        for item in run_scripts(ctx):
            for go in package_commands(item.script, parse_go):
                if go.subcommand not in ("install", "get", "run"):
                    continue
                for package in go.packages:
                    if package.kind == "dynamic":
                        names = _held_in_variable(ctx, item, go, package.word, _go_unpinned)
                        if names:
                            listed = ", ".join(f"`{n}`" for n in names)
                            yield Violation(
                                package.word.span,
                                f"Pin versions in go: `{package.word.text}` holds {listed} with no version",
                            )
                        continue
                    if not _go_unpinned(package):
                        continue
                    text = package.word.value or package.name
                    yield Violation(
                        package.word.span,
                        f"Pin versions in go: `{text}` has no version (use `{package.name}@<version>`)",
                    )
