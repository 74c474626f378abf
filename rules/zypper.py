"""zypper rules (hadolint DL3034, DL3035, DL3036, DL3037)."""

from __future__ import annotations

from collections.abc import Iterator

from dflint.finding import Severity, Violation
from dflint.plugin import Context, Rule
from dflint.shell.packages import ZypperCommand, parse_zypper

from ._pkgmgr import RunScript, command_span, mount_covers, package_commands, removes, run_scripts, ships

#: Subcommands that ask for confirmation without a non-interactive switch.
_PROMPTING = frozenset({"install", "in", "remove", "rm", "source-install", "si", "patch"})
_INSTALL = frozenset({"install", "in"})
_DIST_UPGRADE = frozenset({"dist-upgrade", "dup"})
_CLEAN = frozenset({"clean", "cc"})
ZYPP_CACHE = "/var/cache/zypp"


def _zyppers(item: RunScript) -> list[ZypperCommand]:
    return package_commands(item.script, parse_zypper)


class ZypperMissingNonInteractive(Rule):
    """## What it does
    Checks that `zypper install`/`in`, `remove`/`rm`, `source-install`/`si` and `patch` run
    non-interactively: `-n`/`--non-interactive` (before the subcommand) or
    `-y`/`--no-confirm` (after it).

    ## Why is this bad?
    zypper asks "Continue? [y/n/...]" and a build has nobody to answer; the command aborts.

    ## Example
    ```dockerfile
    FROM opensuse/leap:15.6
    RUN zypper install curl=8.6.0
    ```

    ## Use instead
    ```dockerfile
    FROM opensuse/leap:15.6
    RUN zypper --non-interactive install curl=8.6.0
    ```

    ## References
    - hadolint DL3034
    """

    code = "DL3034"
    name = "zypper-missing-non-interactive"
    instructions = frozenset({"run"})
    commands = frozenset({"zypper"})
    severity = Severity.WARNING
    summary = "Non-interactive switch missing from `zypper` command: `zypper install -y`"

    def check(self, ctx: Context) -> Iterator[Violation]:
        for item in run_scripts(ctx):
            for cmd in _zyppers(item):
                if cmd.subcommand in _PROMPTING and not cmd.non_interactive:
                    yield Violation(
                        command_span(cmd.command),
                        f"Non-interactive switch missing from `zypper {cmd.subcommand}`: "
                        "use `zypper --non-interactive` or `-y`",
                    )


class ZypperDistUpgrade(Rule):
    """## What it does
    Reports `zypper dist-upgrade` (`dup`) in a RUN.

    ## Why is this bad?
    A distribution upgrade inside an image build replaces the base image's packages with
    whatever the repositories hold today, possibly a new release; the result depends on the
    day of the build. Use a newer base image instead.

    ## Example
    ```dockerfile
    FROM opensuse/leap:15.5
    RUN zypper -n dup
    ```

    ## Use instead
    ```dockerfile
    FROM opensuse/leap:15.6
    ```

    ## References
    - hadolint DL3035
    """

    code = "DL3035"
    name = "zypper-dist-upgrade"
    instructions = frozenset({"run"})
    commands = frozenset({"zypper"})
    severity = Severity.WARNING
    summary = "Do not use `zypper dist-upgrade`"

    def check(self, ctx: Context) -> Iterator[Violation]:
        for item in run_scripts(ctx):
            for cmd in _zyppers(item):
                if cmd.subcommand in _DIST_UPGRADE and cmd.subcommand_word is not None:
                    yield Violation(cmd.subcommand_word.span, "Do not use `zypper dist-upgrade`")


class ZypperCleanMissing(Rule):
    """## What it does
    Checks that a RUN with `zypper install`/`in` also runs `zypper clean` (`cc`) after it,
    or deletes `/var/cache/zypp`. A cache or tmpfs mount on `/var/cache/zypp` is exempt.
    (hadolint does not accept the `rm`; it leaves the layer just as clean.) A RUN is reported
    once, at its first uncleaned install. Only stages whose layers ship are checked: an output
    stage (the last one, or one no other stage uses) and the stages it builds on.

    ## Why is this bad?
    Downloaded packages and repository metadata stay in the layer and bloat the image.

    ## Example
    ```dockerfile
    FROM opensuse/leap:15.6
    RUN zypper -n install curl=8.6.0
    ```

    ## Use instead
    ```dockerfile
    FROM opensuse/leap:15.6
    RUN zypper -n install curl=8.6.0 && zypper clean --all
    ```

    ## Differences from hadolint
    Checked against hadolint 2.15.1.
    ```dockerfile
    FROM opensuse/leap:15.6 AS build
    RUN zypper -n install gcc=7
    FROM opensuse/leap:15.6
    COPY --from=build /out /out
    ```
    hadolint reports line 2; the `build` stage is only copied from and its cache never ships,
    so dflint does not.

    ## References
    - hadolint DL3036
    """

    code = "DL3036"
    name = "zypper-clean-missing"
    instructions = frozenset({"run"})
    commands = frozenset({"zypper"})
    severity = Severity.WARNING
    summary = "`zypper clean` missing after zypper use"

    def check(self, ctx: Context) -> Iterator[Violation]:
        for item in run_scripts(ctx):
            if mount_covers(item.run, ZYPP_CACHE) or not ships(ctx, item):
                continue
            every = _zyppers(item)
            for cmd in every:
                if cmd.subcommand not in _INSTALL:
                    continue
                start = cmd.command.start
                if any(o.subcommand in _CLEAN and o.command.start > start for o in every):
                    continue
                if removes(item.script, cmd.command, ZYPP_CACHE):
                    continue
                yield Violation(
                    command_span(cmd.command),
                    "`zypper clean` missing after `zypper install`: the package cache stays in the layer",
                )
                break  # one cleanup at the end of the RUN serves every install before it


class ZypperPinVersions(Rule):
    """## What it does
    Checks that every package given to `zypper install`/`in` has a version constraint
    (`curl=8.6.0`, `'curl>=8'`) or is an `.rpm` file.

    Values of `-r`/`--repo`/`--from` are repositories, not packages; with `-t pattern` (or
    `patch`, `product`, `srcpackage`) the operands are not versioned packages and are skipped;
    so is a package held in a variable.

    ## Why is this bad?
    An unpinned package installs whatever the repository holds on the day of the build.

    ## Example
    ```dockerfile
    FROM opensuse/leap:15.6
    RUN zypper -n install curl && zypper clean
    ```

    ## Use instead
    ```dockerfile
    FROM opensuse/leap:15.6
    RUN zypper -n install curl=8.6.0 && zypper clean
    ```

    ## References
    - hadolint DL3037
    """

    code = "DL3037"
    name = "zypper-pin-versions"
    instructions = frozenset({"run"})
    commands = frozenset({"zypper"})
    severity = Severity.WARNING
    summary = "Specify version with `zypper install -y <package>=<version>`"

    def check(self, ctx: Context) -> Iterator[Violation]:
        for item in run_scripts(ctx):
            for cmd in _zyppers(item):
                if cmd.subcommand not in _INSTALL:
                    continue
                kinds = [v for v in cmd.option_values("-t", "--type") if v is not None]
                if kinds and kinds[-1] != "package":
                    continue
                for package in cmd.unpinned:
                    text = package.word.value or package.name
                    yield Violation(
                        package.word.span,
                        f"Specify version with `zypper install -y <package>=<version>`: `{text}` "
                        f"has no version (use `{text}=<version>`)",
                    )
