"""Pinning rules for Ruby gems (hadolint DL3028) and Go tools (DL3062)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator

from dflint.finding import Severity, Violation
from dflint.plugin import Context, Rule
from dflint.shell import ShellWord
from dflint.shell.packages import PackageCommand, PackageRef, parse_gem, parse_go

from ._gosource import checked_out_later, copied_into_gopath, gopath_only, module_in_sight
from ._pkgmgr import RunScript, after_double_dash, package_commands, run_scripts
from ._pkgvars import expand_packages

#: Go's meta packages: not module paths, nothing to pin (``tool``, Go 1.24: the tools that
#: go.mod pins with its ``tool`` directives).
_GO_META = frozenset({"all", "std", "cmd", "tool"})


#: The long options ``gem install`` knows (RubyGems 3.3 ``gem help install``, with ``--no-``
#: forms), plus ``--ri``/``--rdoc`` and their ``--no-`` forms that RubyGems < 3 took. Any other
#: ``--option`` makes gem stop with "invalid option"; the word after it is that option's value
#: (a build flag written without ``--``), not a gem.
_GEM_LONG_OPTIONS = frozenset({
    "--platform", "--version", "--prerelease", "--no-prerelease", "--update-sources",
    "--no-update-sources", "--install-dir", "--bindir", "--document", "--no-document", "--build-root",
    "--vendor", "--env-shebang", "--no-env-shebang", "--force", "--no-force", "--wrappers",
    "--no-wrappers", "--trust-policy", "--ignore-dependencies", "--format-executable",
    "--no-format-executable", "--user-install", "--no-user-install", "--development",
    "--development-all", "--conservative", "--minimal-deps", "--no-minimal-deps",
    "--post-install-message", "--no-post-install-message", "--file", "--without", "--default",
    "--explain", "--lock", "--no-lock", "--suggestions", "--no-suggestions", "--local", "--remote",
    "--both", "--bulk-threshold", "--clear-sources", "--source", "--http-proxy", "--no-http-proxy",
    "--help", "--verbose", "--no-verbose", "--quiet", "--silent", "--config-file", "--backtrace",
    "--debug", "--norc", "--ri", "--no-ri", "--rdoc", "--no-rdoc", "--test", "--no-test",
    "--install-as-default", "--no-install-as-default",
})


def _after_unknown_option(gem: PackageCommand, word: ShellWord) -> bool:
    """Whether ``word`` directly follows a long option gem does not know (``gem install
    bundler:2.0.1 --use-system-libraries true``): gem rejects the option, and ``true`` is its
    value, not a gem."""
    for before, current in itertools.pairwise(gem.command.args):
        if current is word:
            text = before.value or ""
            return text.startswith("--") and "=" not in text and text not in _GEM_LONG_OPTIONS
    return False


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

    dflint knows gem's own options; after one gem does not know, the next word is that
    option's value, as hadolint's own tests expect:
    ```dockerfile
    FROM ruby:3.3
    RUN gem install bundler:2.0.1 --use-system-libraries true
    RUN gem install bundler:2.0.1 --use-system-libraries=true
    RUN gem install bundler:2.0.1 -- --use-system-libraries true
    ```
    Neither reports: `true` is not a gem. (RubyGems 3.3 stops at lines 2 and 3 with "invalid
    option: --use-system-libraries"; a build flag belongs after `--`, as on line 4.)

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
                        continue  # a build flag for the native extension
                    if _after_unknown_option(gem, package.word):
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

    Without `@version`, `go install` and `go run` build the version the current module's
    go.mod requires, so they are not reported inside a module: when the RUN bind-mounts
    go.mod or the build context, when an earlier COPY/ADD of the stage (or one it builds on)
    brings go.mod or the context root, or with `go install tool ...`. Nor is a package that is
    the project's own source, copied into `$GOPATH/src/<path>` by an earlier COPY/ADD, nor a
    `go get` clone set to a tag afterwards (`cd $GOPATH/src/<path> && git checkout v1.2.3`,
    in the same RUN or under a later WORKDIR).

    A `go get` in GOPATH mode (`GO111MODULE=off`, or a `golang` image before 1.16 with no
    go.mod in sight) cannot take `@version`: there the message says to check out a tag in the
    clone instead.

    ## Why is this bad?
    Without a version, `go get` (and `go install` outside a module, in GOPATH mode) builds
    whatever the default branch holds on the day of the build; `@latest` asks for the newest
    release. A rebuild of the same Dockerfile can get a different tool.

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

    ```dockerfile
    FROM golang:1.24 AS tools
    WORKDIR /src
    COPY go.mod go.sum ./
    RUN go install github.com/jstemmer/go-junit-report/v2
    FROM golang:1.24
    RUN --mount=type=bind,source=go.mod,target=/app/go.mod \\
        --mount=type=bind,source=go.sum,target=/app/go.sum \\
        cd /app && go install github.com/golangci/golangci-lint/cmd/golangci-lint
    RUN go install tool github.com/planetscale/vtprotobuf/cmd/protoc-gen-go-vtproto
    ```
    hadolint reports lines 4, 6 and 9; each builds the version go.mod requires, and dflint
    reports none.

    ```dockerfile
    FROM golang:1.9
    COPY . /go/src/github.com/acme/tool
    RUN go get -d github.com/acme/tool && go install github.com/acme/tool/cmd/tool
    ADD . $GOPATH/src/github.com/acme/other/
    RUN go get -v github.com/acme/other/cmd/x github.com/pkg/errors
    ```
    ```dockerfile
    FROM golang:1.10
    RUN go get -d github.com/acme/tool && cd $GOPATH/src/github.com/acme/tool \\
        && git checkout v1.2.3 && go install
    RUN go get github.com/hashicorp/consul || true
    WORKDIR /go/src/github.com/hashicorp/consul
    RUN git checkout "v1.8.0"
    ```
    In the first file the packages are the project's own source; only `github.com/pkg/errors`
    is fetched unpinned, and dflint reports it alone where hadolint reports lines 3 and 5. In
    the second, each clone is checked out at a tag; hadolint reports lines 2 and 4, dflint
    neither.

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
                if go.subcommand != "get" and _builds_from_module(ctx, item, go):
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
                    if package.version is None and _source_fixed(ctx, item, go, package.name):
                        continue
                    text = package.word.value or package.name
                    hint = f"use `{package.name}@<version>`"
                    if go.subcommand == "get" and gopath_only(ctx, item):
                        hint = ("GOPATH mode takes no `@version`: `go get -d` it, then `git "
                                "checkout <tag>` in its folder under $GOPATH/src")
                    yield Violation(
                        package.word.span,
                        f"Pin versions in go: `{text}` has no version ({hint})",
                    )


def _source_fixed(ctx: Context, item: RunScript, go: PackageCommand, name: str) -> bool:
    """The project's own source copied into ``$GOPATH/src``, or a ``go get`` clone that is
    checked out at a ref afterwards: the code built is fixed without ``@version``."""
    if copied_into_gopath(ctx, item, name):
        return True
    return go.subcommand == "get" and checked_out_later(ctx, item, go.command.start, name)


def _builds_from_module(ctx: Context, item: RunScript, go: PackageCommand) -> bool:
    """``go install``/``go run`` without ``@version`` in a module: go.mod decides the version.
    ``go install tool ...`` says so itself (``tool`` needs go.mod's tool directives)."""
    if any(p.version is not None for p in go.packages if p.kind == "name"):
        return False  # `pkg@version` ignores go.mod: judge each package on its own
    if any(w.value == "tool" for w in go.operands):
        return True
    return module_in_sight(ctx, item)
