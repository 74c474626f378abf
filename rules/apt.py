"""apt-get / apt rules (hadolint DL3008, DL3009, DL3014, DL3015, DL3027).

They read ``apt-get`` command lines through one option grammar (:data:`APT_GET`), so option
values (``-t bookworm-backports``, ``-o Dpkg::Options::=--force-confnew``) are never taken for
packages, and options written before the subcommand (``apt-get -y install``) count.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
from collections.abc import Iterator

from dflint.finding import FixSafety, Severity, Violation
from dflint.lazyre import LazyPattern
from dflint.plugin import Context, Rule
from dflint.shell import ShellWord, SimpleCommand
from dflint.shell.packages import AptCommand as AptInvocation
from dflint.shell.packages import parse_apt

from ._pkgmgr import (
    RunScript,
    command_span,
    commands_named,
    insert_after,
    mount_covers,
    package_commands,
    removes,
    run_scripts,
    ships,
)
from ._pkgvars import expand_packages

APT_LISTS = "/var/lib/apt/lists"
#: What apt names its list files (host_path_dists_suite[_component_arch]_Kind[.compression]): a
#: glob in the lists folder that matches all of them deletes the lists (`rm lists/*_*`).
_LIST_FILE_NAMES = (
    "deb.debian.org_debian_dists_bookworm_InRelease",
    "deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4",
    "archive.ubuntu.com_ubuntu_dists_jammy-updates_universe_binary-amd64_Packages",
)
_FALSE = frozenset({"false", "0", "no", "off"})
#: An apt.conf line that turns recommends off (`APT::Install-Recommends "false";`).
_RECOMMENDS_OFF = LazyPattern(r"""APT::Install-Recommends\s*=?\s*\\?["']?(?:false|0|no|off)\b""",
                              re.IGNORECASE)
_INNER_SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh", "mksh"})


def apt_get_installs(item: RunScript) -> list[AptInvocation]:
    """Each ``apt-get install`` of the script that installs something (hadolint's DL3008/14/15
    look at apt-get only); a simulation (``-s``) installs nothing and asks nothing."""
    return [
        apt
        for apt in package_commands(item.script, parse_apt)
        if apt.tool == "apt-get" and apt.subcommand == "install" and apt.subcommand_word is not None
        and not apt.simulates
    ]


def _inner_shell_removes(item: RunScript, after: SimpleCommand, directory: str) -> bool:
    """Whether a ``sh -c '...'`` / ``bash -c "..."`` after ``after`` deletes ``directory``
    (``apt-get update && sudo bash -c "... && rm -rf /var/lib/apt/lists/*"``)."""
    for cmd in item.script.commands:
        if cmd.start <= after.start or cmd.basename not in _INNER_SHELLS:
            continue
        for i, arg in enumerate(cmd.args[:-1]):
            flag = arg.value or ""
            if not flag.startswith("-") or flag.startswith("--"):
                break
            if flag.endswith("c"):
                from dflint.shell import analyse_script

                if removes(analyse_script(cmd.args[i + 1].unquoted), None, directory):
                    return True
                break
    return False


class AptGetPinVersions(Rule):
    """## What it does
    Checks that every package given to `apt-get install` has a pinned version (`pkg=version`),
    a release (`pkg/bookworm-backports`) or is a local `.deb` file.

    ## Why is this bad?
    An unpinned package installs whatever the archive holds on the day of the build, so two
    builds of the same Dockerfile can differ and break without any change to the file.

    Values of `-t`/`--target-release`, `-o`, `-c` and `-a` are option values, not packages.
    A package list held in a variable (`$PKGS`, `${PKGS}`, `${PKGS//,/ }`) is read from its
    last assignment earlier in the same RUN, else from the ARG default or ENV in scope, and
    reported when it holds an unpinned package; when its value cannot be known (an ARG without
    a default, `$(...)`, a loop variable), it is not reported.

    ## Example
    ```dockerfile
    FROM debian:12
    RUN apt-get update && apt-get install -y --no-install-recommends curl
    ```

    ## Use instead
    ```dockerfile
    FROM debian:12
    RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8
    ```

    ## Differences from hadolint
    hadolint judges a variable by its name, not its value: it reports `$PKGS` even when it
    holds only pinned packages, and cannot name what is unpinned. dflint reads the value:
    ```dockerfile
    FROM debian:12
    ENV PINNED="curl=7.88.1-10+deb12u8"
    RUN apt-get install -y $PINNED
    RUN PKGS="curl git" && apt-get install -y $PKGS
    ```
    hadolint reports lines 3 and 4; dflint reports line 4 only (`$PKGS` holds `curl`, `git`).

    hadolint only knows the command as a plain `apt-get`: it misses `/usr/bin/apt-get` and
    `sudo apt-get`, which dflint reads as the same command:
    ```dockerfile
    FROM debian:12
    RUN /usr/bin/apt-get install -y curl
    RUN sudo apt-get install -y wget
    ```
    hadolint reports nothing here; dflint reports lines 2 and 3.

    An install that installs nothing new is not judged: `--only-upgrade` takes the newest
    version of packages already installed (a pin would defeat it, as it would `apt-get
    upgrade`), and `-s`/`--simulate` only prints what apt would do:
    ```dockerfile
    FROM debian:12
    RUN apt-get update && apt-get install -y --only-upgrade ca-certificates
    RUN if apt-get install -s postgresql-16-jit; then apt-get install -y postgresql-16-jit=16.4-1; fi
    ```
    hadolint reports lines 2 and 3; dflint reports neither.

    ## References
    - hadolint DL3008
    """

    code = "DL3008"
    name = "apt-get-pin-versions"
    instructions = frozenset({"run"})
    commands = frozenset({"apt-get", "apt", "aptitude"})
    severity = Severity.WARNING
    summary = "Pin versions in apt-get install"

    def check(self, ctx: Context) -> Iterator[Violation]:
        for item in run_scripts(ctx):
            for apt in apt_get_installs(item):
                if apt.only_upgrade:
                    continue  # upgrades what is installed to the newest version: a pin defeats it
                for package in apt.packages:
                    if package.kind == "dynamic":
                        yield from self._variable(ctx, item, apt, package.word)
                        continue
                    # ``pkg/release`` is accepted as hadolint does: it names what to install.
                    if package.kind != "name" or package.pinned or package.qualifier is not None:
                        continue
                    text = package.word.value or package.name
                    yield Violation(
                        package.word.span,
                        f"Pin versions in apt-get install: `{text}` has no version "
                        f"(use `{text}=<version>`)",
                    )

    @staticmethod
    def _variable(ctx: Context, item: RunScript, apt: AptInvocation, word: ShellWord) -> Iterator[Violation]:
        """``$PKGS`` whose value is known: reported when it holds an unpinned package."""
        expanded = expand_packages(ctx, item, apt.command, word, "apt-get install", parse_apt)
        if expanded is None:
            return
        names = [p.name for p in expanded.packages
                 if p.kind == "name" and not p.pinned and p.qualifier is None]
        if names:
            listed = ", ".join(f"`{n}`" for n in names)
            yield Violation(
                word.span, f"Pin versions in apt-get install: `{word.text}` holds {listed} with no version"
            )


def _removes_list_files(item: RunScript, after: SimpleCommand) -> bool:
    """Whether an ``rm`` after ``after`` deletes every list file by a glob inside the lists
    folder (``rm /var/lib/apt/lists/*_*``, the gcr.io cloud builders' idiom) rather than the
    folder's whole content."""
    for rm in commands_named(item.script, "rm"):
        if rm.start <= after.start:
            continue
        for word in rm.args:
            path = word.value
            if path is None or posixpath.dirname(posixpath.normpath(path)) != APT_LISTS:
                continue
            name = posixpath.basename(path)
            if all(fnmatch.fnmatchcase(n, name) for n in _LIST_FILE_NAMES):
                return True
    return False


class AptListsNotDeleted(Rule):
    """## What it does
    Checks that a RUN that downloads the apt package lists (`apt-get update`, `apt update`,
    `aptitude update`) deletes them again in the same RUN with `rm -rf /var/lib/apt/lists/*`.

    Only stages whose layers reach an image are checked: an output stage (the last one, or
    one no other stage builds on, copies or mounts from: a `--target`) and every stage it
    builds on. A builder stage that is only read by `COPY --from` ships nothing, and neither do
    the stages it builds on. A FROM that picks a stage by build argument
    (`FROM cross-builder-${BUILD_ARCH}`) builds on every stage whose name fits. `ONBUILD RUN`
    is always checked, since it runs in some child image.

    A cleanup counts when it really deletes `/var/lib/apt/lists` after the last update: `rm`
    of it or of a parent directory (also in a `sh -c '...'` script), `rm` of all its list
    files by a glob (`/var/lib/apt/lists/*_*`), `find ... -delete` on it, or newer apt's own
    `apt-get dist-clean`. A cache or tmpfs mount on `/var/lib/apt/lists` or
    `/var/lib/apt` keeps the lists out of the layer.

    ## Why is this bad?
    The lists take tens of megabytes and are stale the moment the image is built. Deleting
    them in a later RUN does not help: the layer that added them keeps them.

    ## Example
    ```dockerfile
    FROM debian:12
    RUN apt-get update && apt-get install -y curl=7.88.1-10+deb12u8
    ```

    ## Use instead
    ```dockerfile
    FROM debian:12
    RUN apt-get update && apt-get install -y curl=7.88.1-10+deb12u8 \\
        && rm -rf /var/lib/apt/lists/*
    ```

    ## Fix safety
    Safe: `&& rm -rf /var/lib/apt/lists/*` is inserted after the last apt command of the
    RUN, where nothing needs the lists any more. No fix is offered when that command sits in
    a pipeline, a condition, a command substitution or the background.

    ## Differences from hadolint
    hadolint accepts any `rm` given `-rf`, whatever it deletes; dflint wants the lists gone.
    Each RUN below keeps `/var/lib/apt/lists` in the layer (line 4: `/bin/sh` is dash on
    Debian and Ubuntu, which has no brace expansion, so `rm` gets the literal
    `/var/lib/{apt,dpkg}/`, which does not exist):
    ```dockerfile
    FROM debian:12
    RUN apt-get update && apt-get install -y curl && rm -rf /tmp/*
    RUN apt-get update && apt-get install -y curl && rm -rf /var/cache/apt/*
    RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/{apt,dpkg}/
    ```
    hadolint reports nothing here; dflint reports lines 2, 3 and 4.

    hadolint wants an `rm` and does not know `apt-get dist-clean` (the official `php`,
    `python` and `buildpack-deps` images use it), which deletes the lists; it wants both `/var/lib/apt`
    and `/var/cache/apt` mounted, though a cache mount on `/var/lib/apt` alone keeps the lists
    out of the layer; and it does not read the script of `sh -c`:
    ```dockerfile
    FROM debian:12
    RUN apt-get update && apt-get install -y curl && apt-get dist-clean
    RUN --mount=type=cache,target=/var/lib/apt,sharing=locked apt-get update && apt-get install -y curl
    RUN apt-get update && sh -c "apt-get install -y curl && rm -rf /var/lib/apt/lists/*"
    ```
    hadolint reports lines 2, 3 and 4; dflint reports nothing.

    hadolint wants `rm -rf`; a glob that matches every list file (apt names them
    `host_path_dists_suite_..._Kind`) deletes the lists as well, one that leaves some does not:
    ```dockerfile
    FROM debian:12
    RUN apt-get update && apt-get install -y curl && rm /var/lib/apt/lists/*_*
    RUN apt-get update && apt-get install -y curl && rm /var/lib/apt/lists/*.lz4
    ```
    hadolint reports lines 2 and 3; dflint reports line 3 only (the `InRelease` files stay).

    hadolint does not see `sudo apt-get update` as an update; dflint does:
    ```dockerfile
    FROM debian:12
    RUN sudo apt-get update && sudo apt-get install -y curl
    ```
    hadolint reports nothing for DL3009 here; dflint reports line 2.

    hadolint checks every stage a later FROM builds on, even when that one is a builder too:
    ```dockerfile
    FROM ubuntu:20.04 AS prebuild
    RUN apt-get update && apt-get install -y --no-install-recommends gcc=4:9.3.0-1ubuntu2
    FROM prebuild AS builder
    RUN make
    FROM scratch
    COPY --from=builder /out/app /app
    ```
    hadolint reports line 2; the image is the scratch stage, which copies one file, so dflint
    reports nothing.

    ## References
    - hadolint DL3009
    """

    code = "DL3009"
    name = "apt-lists-not-deleted"
    instructions = frozenset({"run"})
    commands = frozenset({"apt-get", "apt", "aptitude"})
    severity = Severity.INFO
    summary = "Delete the apt-get lists after installing something"
    fix_safety = FixSafety.SAFE

    def check(self, ctx: Context) -> Iterator[Violation]:
        for item in run_scripts(ctx):
            apt_commands = package_commands(item.script, parse_apt)
            updates = [apt for apt in apt_commands if apt.subcommand == "update"]
            if not updates:
                continue
            if mount_covers(item.run, APT_LISTS) or not ships(ctx, item):
                continue
            if removes(item.script, updates[-1].command, APT_LISTS):
                continue
            if _inner_shell_removes(item, updates[-1].command, APT_LISTS):
                continue
            if _removes_list_files(item, updates[-1].command):
                continue
            last_start = updates[-1].command.start
            # apt >= 2.7.8: `apt-get dist-clean` deletes the lists too.
            if any(a.subcommand in ("dist-clean", "distclean") and a.command.start > last_start
                   for a in apt_commands):
                continue
            first = updates[0]
            last_apt = apt_commands[-1].command
            fix = None
            if not (last_apt.in_pipeline or last_apt.in_condition or last_apt.in_substitution
                    or last_apt.background or last_apt.negated):
                fix = insert_after(item, last_apt, " && rm -rf /var/lib/apt/lists/*",
                                   "Delete /var/lib/apt/lists after the last apt command")
            yield Violation(
                command_span(first.command, first.subcommand_word),
                "Delete the apt-get lists after installing something: add "
                "`rm -rf /var/lib/apt/lists/*` to this RUN",
                fix,
            )


class AptGetMissingYes(Rule):
    """## What it does
    Checks that `apt-get install` runs non-interactively: `-y`, `--yes`, `--assume-yes`,
    `-qq` (quiet level 2 implies yes), `-q=2`, or `-o APT::Get::Assume-Yes=true`.

    ## Why is this bad?
    Without it, apt-get asks for confirmation; a build has no terminal to answer, so the
    install aborts.

    ## Example
    ```dockerfile
    FROM debian:12
    RUN apt-get install curl=7.88.1-10+deb12u8
    ```

    ## Use instead
    ```dockerfile
    FROM debian:12
    RUN apt-get install -y curl=7.88.1-10+deb12u8
    ```

    ## Fix safety
    Safe: ` -y` is inserted right after `install`.

    ## Differences from hadolint
    hadolint only knows the command as a plain `apt-get`: it misses `sudo apt-get` and
    `/usr/bin/apt-get`, which dflint reads as the same command:
    ```dockerfile
    FROM debian:12
    RUN sudo apt-get install curl=7.88.1-10+deb12u8
    RUN /usr/bin/apt-get install curl=7.88.1-10+deb12u8
    ```
    hadolint reports nothing here; dflint reports lines 2 and 3.

    A simulation (`-s`, `--simulate`, `--dry-run`, `--just-print`) never asks:
    ```dockerfile
    FROM debian:12
    RUN apt-get install -s curl && apt-get install --simulate wget && apt-get --dry-run install git
    ```
    hadolint reports line 2; dflint does not.

    ## References
    - hadolint DL3014
    """

    code = "DL3014"
    name = "apt-get-missing-yes"
    instructions = frozenset({"run"})
    commands = frozenset({"apt-get", "apt", "aptitude"})
    severity = Severity.WARNING
    summary = "Use the -y switch to avoid manual input: `apt-get -y install <package>`"
    fix_safety = FixSafety.SAFE

    def check(self, ctx: Context) -> Iterator[Violation]:
        for item in run_scripts(ctx):
            for apt in apt_get_installs(item):
                if apt.assume_yes or apt.subcommand_word is None:
                    continue
                yield Violation(
                    command_span(apt.command),
                    "Use the -y switch to avoid manual input: `apt-get install -y <package>`",
                    insert_after(item, apt.subcommand_word, " -y", "Add -y to apt-get install"),
                )


def _recommends_configured_off(ctx: Context, item: RunScript, install: SimpleCommand) -> bool:
    """Whether an earlier RUN of the stage, or of a stage it builds on (or this RUN, before the
    install), writes an apt.conf snippet turning recommends off: ``echo 'APT::Install-Recommends
    "false";' > /etc/apt/apt.conf.d/99norecommends``. apt then installs none, flag or not."""
    if item.onbuild:
        return False
    model = ctx.model
    stage = model.stage_of(item.owner)
    chain: set[int] = set()
    while stage is not None and stage.index not in chain:
        chain.add(stage.index)
        stage = stage.parent
    own = model.stage_of(item.owner)
    for other in run_scripts(ctx):
        where = model.stage_of(other.owner)
        if other.onbuild or where is None or where.index not in chain:
            continue
        if other.run is item.run:
            text = item.script.script[:install.start]
        elif where is own and other.run.start_line > item.run.start_line:
            continue
        else:
            text = other.script.script
        if "/etc/apt/apt.conf" in text and _RECOMMENDS_OFF.search(text):
            return True
    return False


class AptGetInstallRecommends(Rule):
    """## What it does
    Checks that `apt-get install` is given `--no-install-recommends` (or
    `-o APT::Install-Recommends=false`), unless an earlier RUN of the stage (or of a stage it
    builds on), or the same RUN before the install, writes an apt.conf snippet that turns
    recommends off (`APT::Install-Recommends "false";` into `/etc/apt/apt.conf.d/`).

    ## Why is this bad?
    By default apt also installs every *recommended* package, which often doubles the size of
    the image with documentation, GUI helpers and tools the container never uses.

    ## Example
    ```dockerfile
    FROM debian:12
    RUN apt-get install -y curl=7.88.1-10+deb12u8
    ```

    ## Use instead
    ```dockerfile
    FROM debian:12
    RUN apt-get install --no-install-recommends -y curl=7.88.1-10+deb12u8
    ```

    ## Fix safety
    Safe: ` --no-install-recommends` is inserted right after `install`. The image gets
    smaller; a program that needed a merely *recommended* package must then name it.

    ## Differences from hadolint
    Checked against hadolint 2.15.1. A simulation (`-s`, `--simulate`) installs nothing:
    ```dockerfile
    FROM debian:12
    RUN apt-get install -s curl=7.88.1-10+deb12u8
    ```
    hadolint reports line 2; dflint does not.

    With recommends turned off in apt's configuration, the flag changes nothing:
    ```dockerfile
    FROM debian:12
    RUN echo 'APT::Install-Recommends "false";' > /etc/apt/apt.conf.d/99norecommends
    RUN apt-get update && apt-get install -y curl=7.88.1-10+deb12u8
    ```
    hadolint reports line 3; dflint does not.

    A flag held in a variable whose value is known (set earlier in the same RUN, or by an
    ARG/ENV in scope, read as for DL3008's package lists) counts as written in place:
    ```dockerfile
    FROM ubuntu:22.04
    RUN noInstallRecommends="" && \\
        if [ -f /etc/lsb-release ]; then \\
            noInstallRecommends="--no-install-recommends"; \\
        fi && \\
        apt-get update && apt-get install -y $noInstallRecommends curl=7.81.0-1ubuntu1.20
    ```
    hadolint reports line 2; dflint does not. With two assignments, the last one before the
    install is the value.

    ## References
    - hadolint DL3015
    """

    code = "DL3015"
    name = "apt-get-install-recommends"
    instructions = frozenset({"run"})
    commands = frozenset({"apt-get", "apt", "aptitude"})
    severity = Severity.INFO
    summary = "Avoid additional packages by specifying `--no-install-recommends`"
    fix_safety = FixSafety.SAFE

    def check(self, ctx: Context) -> Iterator[Violation]:
        for item in run_scripts(ctx):
            for apt in apt_get_installs(item):
                if apt.subcommand_word is None or _recommends_off(apt):
                    continue
                if self._flag_in_variable(ctx, item, apt):
                    continue
                if _recommends_configured_off(ctx, item, apt.command):
                    continue
                yield Violation(
                    command_span(apt.command),
                    "Avoid additional packages by specifying `--no-install-recommends`",
                    insert_after(item, apt.subcommand_word, " --no-install-recommends",
                                 "Add --no-install-recommends to apt-get install"),
                )


    @staticmethod
    def _flag_in_variable(ctx: Context, item: RunScript, apt: AptInvocation) -> bool:
        """``flags="--no-install-recommends"; apt-get install $flags curl``: the flag is there,
        in a variable whose value is known."""
        for package in apt.packages:
            if package.kind == "dynamic":
                expanded = expand_packages(ctx, item, apt.command, package.word, "apt-get install", parse_apt)
                if expanded is not None and _recommends_off(expanded):
                    return True
        return False


def _recommends_off(apt: AptInvocation) -> bool:
    """``--no-install-recommends``, or ``-o APT::Install-Recommends=false``."""
    recommends = apt.option_values("--install-recommends")
    return apt.no_install_recommends or any(v is not None and v.lower() in _FALSE for v in recommends)


class AptCommand(Rule):
    """## What it does
    Reports the `apt` command in a RUN.

    ## Why is this bad?
    `apt` is meant for people at a terminal: its output and behaviour may change between
    releases and it warns that it "does not have a stable CLI interface". Scripts should use
    `apt-get` and `apt-cache`.

    ## Example
    ```dockerfile
    FROM debian:12
    RUN apt update && apt install -y curl=7.88.1-10+deb12u8
    ```

    ## Use instead
    ```dockerfile
    FROM debian:12
    RUN apt-get update && apt-get install -y curl=7.88.1-10+deb12u8
    ```

    ## References
    - hadolint DL3027
    """

    code = "DL3027"
    name = "apt-command"
    instructions = frozenset({"run"})
    commands = frozenset({"apt"})
    severity = Severity.WARNING
    summary = "Do not use apt as it is meant to be an end-user tool, use apt-get or apt-cache instead"

    def check(self, ctx: Context) -> Iterator[Violation]:
        for item in run_scripts(ctx):
            for cmd in item.script.commands_named("apt"):
                yield Violation(
                    command_span(cmd),
                    "Do not use apt as it is meant to be an end-user tool, use apt-get or apt-cache instead",
                )

