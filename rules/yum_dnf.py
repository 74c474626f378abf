"""yum, dnf and microdnf rules (hadolint DL3030, DL3032, DL3033, DL3038, DL3040, DL3041).

The yum and dnf families share one reading of the command line
(:func:`dflint.shell.packages.parse_yum`); the rules differ only in which programs they watch
and which cache directories count as cleaned.
"""

from __future__ import annotations

from collections.abc import Iterator

from dflint.finding import Severity, Violation
from dflint.plugin import Context, Rule
from dflint.shell import ShellWord
from dflint.shell.packages import YumCommand, parse_yum

from ._pkgmgr import RunScript, command_span, mount_covers, package_commands, removes, run_scripts, ships
from ._pkgvars import expand_packages
from ._stage_refs import lineage

YUM = frozenset({"yum"})
DNF = frozenset({"dnf", "dnf5", "microdnf"})
#: Subcommands that ask "Is this ok [y/N]" without -y.
_PROMPTING = frozenset({"install", "groupinstall", "localinstall", "group install", "module install"})
#: Subcommands whose package operands are versioned packages (groups and files are not).
_PINNABLE = frozenset({"install", "module install"})
#: Subcommands that download packages into the cache (hadolint's DL3040 list, plus yum's).
_YUM_FILLS_CACHE = frozenset({"install", "groupinstall", "localinstall", "group install", "module install"})
_DNF_FILLS_CACHE = _YUM_FILLS_CACHE | {
    "in", "upgrade", "up", "upgrade-minimal", "up-min", "reinstall", "rei",
}
YUM_CACHES = ("/var/cache/yum",)
DNF_CACHES = ("/var/cache/dnf", "/var/cache/libdnf5", "/var/cache/yum")
#: Whose ``clean all`` empties the cache an install of each tool filled. Where dnf exists, yum
#: is dnf (RHEL 8+, Fedora) and dnf5 answers to dnf (Fedora 41+). microdnf is a program of its
#: own on RHEL and UBI (C microdnf, cache in /var/cache/yum/metadata), so only its own clean
#: counts for it, and its clean leaves dnf's /var/cache/dnf in place.
_CLEANED_BY = {
    "yum": frozenset({"yum", "dnf", "dnf5"}),
    "dnf": frozenset({"dnf", "yum", "dnf5"}),
    "dnf5": frozenset({"dnf5", "dnf", "yum"}),
    "microdnf": frozenset({"microdnf"}),
}


def _invocations(item: RunScript, tools: frozenset[str]) -> list[YumCommand]:
    return [c for c in package_commands(item.script, parse_yum) if c.tool in tools]


def _missing_yes(ctx: Context, tools: frozenset[str]) -> Iterator[Violation]:
    for item in run_scripts(ctx):
        for cmd in _invocations(item, tools):
            if cmd.tool == "microdnf" and not _microdnf_prompts(ctx, item):
                continue
            if cmd.subcommand in _PROMPTING and not cmd.assume_yes:
                yield Violation(
                    command_span(cmd.command),
                    f"Use the -y switch to avoid manual input: `{cmd.tool} {cmd.subcommand} -y ...`",
                )


def _microdnf_prompts(ctx: Context, item: RunScript) -> bool:
    """Whether ``microdnf`` asks for confirmation in this RUN's stage: only where it is dnf5,
    in Fedora 38+ images (``fedora``, ``fedora-minimal``, ``quay.io/fedora/*``). RHEL, UBI,
    CentOS Stream, Rocky, Alma and Oracle Linux ship the C microdnf, whose ``-y`` is a hidden
    no-op ("Does nothing, we always assume yes"). A base that cannot be known is not judged."""
    stage = ctx.model.stage_of(item.owner)
    if stage is None:
        return False
    root = lineage(stage)[-1].base
    name = (root.repository or "").lower()
    if not (name.rsplit("/", 1)[-1] in ("fedora", "fedora-minimal") or "fedoraproject.org/" in name
            or name.startswith("quay.io/fedora/")):
        return False
    tag = (root.tag or "").split("-")[0]
    return not (tag.isdigit() and int(tag) < 38)


def _missing_clean(
    ctx: Context,
    tools: frozenset[str],
    fills: frozenset[str],
    caches: tuple[str, ...],
    suffixes: tuple[str, ...],
) -> Iterator[Violation]:
    """The first install of a RUN that fills the cache with no later `clean all` by a tool that
    empties that cache (:data:`_CLEANED_BY`), no later ``rm`` of the cache and no cache/tmpfs
    mount over it; once per RUN, since one cleanup at its end serves every install. Stages whose
    layers never ship (:func:`ships`) are not judged."""
    for item in run_scripts(ctx):
        if mount_covers(item.run, *caches, suffixes=suffixes) or not ships(ctx, item):
            continue
        every = package_commands(item.script, parse_yum)
        for cmd in every:
            if cmd.tool not in tools or cmd.subcommand not in fills:
                continue
            cleaners = _CLEANED_BY.get(cmd.tool, frozenset({cmd.tool}))
            cleaned = any(o.is_clean_all and o.tool in cleaners and o.command.start > cmd.command.start
                          for o in every)
            if cleaned or removes(item.script, cmd.command, *caches):
                continue
            yield Violation(
                command_span(cmd.command),
                f"`{cmd.tool} clean all` missing after `{cmd.tool} {cmd.subcommand}`: the package "
                "cache stays in the layer",
            )
            break


def _unpinned(ctx: Context, tools: frozenset[str]) -> Iterator[Violation]:
    for item in run_scripts(ctx):
        for cmd in _invocations(item, tools):
            if cmd.subcommand not in _PINNABLE:
                continue
            for package in cmd.packages:
                if package.kind == "dynamic":
                    yield from _unpinned_variable(ctx, item, cmd, package.word)
                    continue
                if package.kind != "name" or package.pinned:
                    continue
                text = package.word.value or package.name
                if cmd.subcommand == "module install":
                    hint = f"`{text}:<stream>`"
                else:
                    hint = f"`{text}-<version>`"
                yield Violation(
                    package.word.span,
                    f"Specify version with `{cmd.tool} install -y <package>-<version>`: `{text}` "
                    f"has no version (use {hint})",
                )


def _unpinned_variable(
    ctx: Context, item: RunScript, cmd: YumCommand, word: ShellWord
) -> Iterator[Violation]:
    """``$PKGS`` whose value is known (``PKGS="a b"`` earlier in the RUN, or ENV/ARG): reported
    when it holds an unpinned package; an unknown value is not judged."""
    expanded = expand_packages(ctx, item, cmd.command, word, f"{cmd.tool} {cmd.subcommand}", parse_yum)
    if expanded is None:
        return
    names = [p.name for p in expanded.unpinned]
    if names:
        listed = ", ".join(f"`{n}`" for n in names)
        yield Violation(
            word.span,
            f"Specify version with `{cmd.tool} install -y <package>-<version>`: `{word.text}` holds "
            f"{listed} with no version",
        )


class YumMissingYes(Rule):
    """## What it does
    Checks that `yum install`, `groupinstall`, `localinstall` (and `group install`/`module
    install`) are given `-y` or `--assumeyes`.

    ## Why is this bad?
    yum asks "Is this ok [y/N]" and a build has nobody to answer; the install aborts.

    ## Example
    ```dockerfile
    FROM centos:7
    RUN yum install httpd-2.4.6 && yum clean all
    ```

    ## Use instead
    ```dockerfile
    FROM centos:7
    RUN yum install -y httpd-2.4.6 && yum clean all
    ```

    ## References
    - hadolint DL3030
    """

    code = "DL3030"
    name = "yum-missing-yes"
    instructions = frozenset({"run"})
    commands = frozenset({"yum"})
    severity = Severity.WARNING
    summary = "Use the -y switch to avoid manual input: `yum install -y <package>`"

    def check(self, ctx: Context) -> Iterator[Violation]:
        yield from _missing_yes(ctx, YUM)


class YumCleanAllMissing(Rule):
    """## What it does
    Checks that a RUN with `yum install` also runs `yum clean all` (or deletes
    `/var/cache/yum`) after it.

    Only `clean all` (by yum, or by dnf, which yum is wherever dnf exists), an `rm` of
    `/var/cache/yum` (or a parent), or a cache/tmpfs mount on `/var/cache/yum` count, and only
    after the install. A RUN is reported once, at its first uncleaned install: one cleanup at
    its end serves them all. Only stages whose layers ship are checked: an output stage (the
    last one, or one no other stage uses) and the stages it builds on; a builder only read by
    `COPY --from` ships nothing.

    ## Why is this bad?
    yum keeps downloaded packages and metadata in `/var/cache/yum`; left in the layer they
    add tens or hundreds of megabytes to the image.

    ## Example
    ```dockerfile
    FROM centos:7
    RUN yum install -y httpd-2.4.6
    ```

    ## Use instead
    ```dockerfile
    FROM centos:7
    RUN yum install -y httpd-2.4.6 && yum clean all
    ```

    ## Differences from hadolint
    Checked against hadolint 2.15.1.
    ```dockerfile
    FROM centos:7
    RUN yum install -y httpd-2.4.6 && yum clean metadata
    RUN yum install -y httpd-2.4.6 && rm -rf /tmp/build
    RUN --mount=type=cache,target=/var/cache/yum yum install -y httpd-2.4.6
    RUN rm -rf /tmp/build && yum install -y httpd-2.4.6 && yum clean all
    ```
    - Lines 2 and 3: hadolint accepts any yum command with a `clean` or an `all` argument,
      and any `rm -rf` whatever it deletes, so it misses both; the package cache stays.
    - Line 4: the cache is a cache mount and never reaches the layer; hadolint does not look
      at mounts and reports the line.
    - Line 5: hadolint compares the first install with the first cleaning-like command only;
      the `rm -rf` before the install hides the `yum clean all` after it, and it reports
      the line.

    ```dockerfile
    FROM centos:7 AS build
    RUN yum install -y gcc-4.8.5
    FROM centos:7
    COPY --from=build /out /out
    RUN yum install -y httpd-2.4.6 && yum clean all
    ```
    hadolint reports line 2; the `build` stage is only copied from, so its cache never ships
    and dflint reports nothing.

    ## References
    - hadolint DL3032
    """

    code = "DL3032"
    name = "yum-clean-all-missing"
    instructions = frozenset({"run"})
    commands = frozenset({"yum"})
    severity = Severity.WARNING
    summary = "`yum clean all` missing after yum command"

    def check(self, ctx: Context) -> Iterator[Violation]:
        yield from _missing_clean(ctx, YUM, _YUM_FILLS_CACHE, YUM_CACHES, ())


class YumPinVersions(Rule):
    """## What it does
    Checks that every package given to `yum install` has a version (`httpd-2.4.6`,
    `foo-1:2.0-1.el7.x86_64`), is an `.rpm` file or URL, and that `yum module install`
    names a stream (`nodejs:18`).

    A name is split at `-`; it is pinned when a part after the first one starts with a digit
    and all following parts look like version text. Groups (`@core`, `groupinstall`) have no
    version and are not reported.

    A package list held in a variable is read when its value is known: assigned earlier in
    the same RUN (`INSTALL_PKGS="a b" && yum install -y $INSTALL_PKGS`) or by an ENV/ARG
    default. A variable whose value cannot be known (an `ARG` without a default, an ENV of
    the base image) is not judged.

    ## Why is this bad?
    An unpinned package installs whatever the repository holds on the day of the build.

    ## Example
    ```dockerfile
    FROM centos:7
    RUN yum install -y httpd && yum clean all
    ```

    ## Use instead
    ```dockerfile
    FROM centos:7
    RUN yum install -y httpd-2.4.6 && yum clean all
    ```

    ## Differences from hadolint
    Checked against hadolint 2.15.1.
    ```dockerfile
    FROM centos:7
    ARG EXTRA
    ENV RPMS="oracle-instantclient-basic-21.13.0.0.0-1.x86_64.rpm"
    RUN yum install -y $EXTRA && yum clean all
    RUN yum install -y $RPMS && yum clean all
    RUN PKGS="httpd mod_ssl-2.4.6" && yum install -y $PKGS && yum clean all
    ```
    hadolint takes every package held in a variable for an unpinned one and reports lines 4,
    5 and 6. dflint reads the values it can know: line 6 (`$PKGS` holds `httpd`) is
    reported, line 5 installs a versioned `.rpm` file and passes, and line 4's value is
    whatever `--build-arg EXTRA=...` says, so it is not judged.

    ## References
    - hadolint DL3033
    """

    code = "DL3033"
    name = "yum-pin-versions"
    instructions = frozenset({"run"})
    commands = frozenset({"yum"})
    severity = Severity.WARNING
    summary = "Specify version with `yum install -y <package>-<version>`"

    def check(self, ctx: Context) -> Iterator[Violation]:
        yield from _unpinned(ctx, YUM)


class DnfMissingYes(Rule):
    """## What it does
    Checks that `dnf`/`microdnf` `install`, `groupinstall`, `localinstall`, `group install`
    and `module install` are given `-y` or `--assumeyes`.

    `microdnf` is checked only where it asks: in images built on Fedora 38 or later
    (`fedora`, `fedora-minimal`, `quay.io/fedora/...`), where it is dnf5. RHEL, UBI, CentOS
    Stream, Rocky, Alma and Oracle Linux ship the C microdnf, which never asks (its `-y` is a
    hidden option that "does nothing, we always assume yes"); a base that cannot be known
    (`FROM $BASE`) is not judged.

    ## Why is this bad?
    dnf asks for confirmation and a build has nobody to answer; the install aborts.

    ## Example
    ```dockerfile
    FROM fedora:40
    RUN dnf install jq-1.7.1 && dnf clean all
    ```

    ## Use instead
    ```dockerfile
    FROM fedora:40
    RUN dnf install -y jq-1.7.1 && dnf clean all
    ```

    ## Differences from hadolint
    Checked against hadolint 2.15.1.
    ```dockerfile
    FROM registry.access.redhat.com/ubi9/ubi-minimal:9.4
    RUN microdnf install jq-1.6 && microdnf clean all
    FROM oraclelinux:9-slim
    RUN microdnf install tar-1.34 && microdnf clean all
    ```
    hadolint reports lines 2 and 4; both build as written (the official `openjdk` Oracle
    Linux images install this way), so dflint reports neither. On
    `registry.fedoraproject.org/fedora-minimal:40` the same RUN is reported by both.

    ## References
    - hadolint DL3038
    """

    code = "DL3038"
    name = "dnf-missing-yes"
    instructions = frozenset({"run"})
    commands = frozenset({"dnf"})
    severity = Severity.WARNING
    summary = "Use the -y switch to avoid manual input: `dnf install -y <package>`"

    def check(self, ctx: Context) -> Iterator[Violation]:
        yield from _missing_yes(ctx, DNF)


class DnfCleanAllMissing(Rule):
    """## What it does
    Checks that a RUN with `dnf`/`microdnf` `install`, `upgrade`, `reinstall` (and their
    short forms) also runs `clean all` after it, or deletes the cache directory
    (`/var/cache/dnf`, dnf5's `/var/cache/libdnf5`).

    Exempt: a cache or tmpfs mount on one of those directories (or on a user's
    `.cache/libdnf5`). A `clean metadata` is not a `clean all`, and an `rm` counts only
    when it deletes the cache. A `clean all` counts when its tool empties the install's cache:
    dnf's by dnf, dnf5 or yum (which is dnf wherever dnf exists), microdnf's by microdnf only:
    on RHEL and UBI microdnf is a program of its own, with its cache in `/var/cache/yum`.
    A RUN is reported once, at its first uncleaned install. Only stages whose layers ship are
    checked: an output stage (the last one, or one no other stage uses) and the stages it
    builds on; a builder only read by `COPY --from` ships nothing.

    ## Why is this bad?
    Downloaded packages and repository metadata stay in the layer and bloat the image.

    ## Example
    ```dockerfile
    FROM fedora:40
    RUN dnf install -y jq-1.7.1
    ```

    ## Use instead
    ```dockerfile
    FROM fedora:40
    RUN dnf install -y jq-1.7.1 && dnf clean all
    ```

    ## Differences from hadolint
    Checked against hadolint 2.15.1.
    ```dockerfile
    FROM fedora:40
    RUN dnf install -y jq-1.7.1 && rm -rf /tmp/build
    RUN rm -rf /tmp/build && dnf install -y jq-1.7.1 && dnf clean all
    RUN --mount=type=cache,target=/var/cache/dnf dnf install -y jq-1.7.1
    RUN dnf install -y jq-1.7.1 && dnf clean metadata
    ```
    - Lines 2 and 5: hadolint accepts any `rm -rf` whatever it deletes, and any dnf command
      with a `clean` or an `all` argument, so it misses both; the package cache stays.
    - Line 3: hadolint compares the first install with the first cleaning-like command only;
      the `rm -rf` before the install hides the `dnf clean all` after it, and it reports
      the line. In long RUNs that remove a temporary GnuPG home before installing, this is
      the usual cause of a hadolint report on a RUN that does end with `dnf clean all`.
    - Line 4: hadolint knows only dnf5's `/var/cache/libdnf5` as a cache mount; dnf 4
      (Fedora ≤ 40, RHEL 8/9) caches in `/var/cache/dnf`, and the mount keeps it out of the
      layer. hadolint reports the line.

    ```dockerfile
    FROM rockylinux:9
    RUN dnf install -y jq-1.6 && yum clean all
    FROM oraclelinux:8 AS builder
    RUN dnf install -y tar-1.30
    FROM oraclelinux:8
    COPY --from=builder /usr/java /usr/java
    ```
    hadolint wants the cleaning tool to be the installing one and reports line 2, but `yum`
    is dnf on Rocky 9. It reports line 4 as well, in a stage only copied from. dflint reports
    neither. Like hadolint, dflint reports `dnf install ... && microdnf clean all`.

    ## References
    - hadolint DL3040
    """

    code = "DL3040"
    name = "dnf-clean-all-missing"
    instructions = frozenset({"run"})
    commands = frozenset({"dnf"})
    severity = Severity.WARNING
    summary = "`dnf clean all` missing after dnf command"

    def check(self, ctx: Context) -> Iterator[Violation]:
        yield from _missing_clean(ctx, DNF, _DNF_FILLS_CACHE, DNF_CACHES, (".cache/libdnf5", ".cache/dnf"))


class DnfPinVersions(Rule):
    """## What it does
    Checks that every package given to `dnf`/`microdnf install` has a version
    (`jq-1.7.1`), is an `.rpm` file or URL, and that `dnf module install` names a stream
    (`nodejs:20`). Groups (`@core`, `dnf group install`) are not packages and are skipped.

    A package list held in a variable is read when its value is known: assigned earlier in
    the same RUN (`INSTALL_PKGS="a b" && dnf install -y $INSTALL_PKGS`) or by an ENV/ARG
    default. A variable whose value cannot be known (an `ARG` without a default, an ENV of
    the base image) is not judged.

    ## Why is this bad?
    An unpinned package installs whatever the repository holds on the day of the build.

    ## Example
    ```dockerfile
    FROM fedora:40
    RUN dnf install -y jq && dnf clean all
    ```

    ## Use instead
    ```dockerfile
    FROM fedora:40
    RUN dnf install -y jq-1.7.1 && dnf clean all
    ```

    ## Differences from hadolint
    Checked against hadolint 2.15.1.
    ```dockerfile
    FROM mariadb:11.4-ubi
    RUN microdnf install -y MariaDB-server-debuginfo-${MARIADB_VERSION} && microdnf clean all
    RUN PKGS="python3.12 glibc-langpack-en" && microdnf install -y $PKGS && microdnf clean all
    ```
    hadolint reports both lines. Line 2 is pinned by a variable (here an ENV of the base
    image, which a linter cannot see); hadolint does not take `-${VAR}` for a version.
    dflint reports line 3 only, naming the unpinned packages `$PKGS` holds. As for DL3033,
    hadolint reports every package held in a variable, and dflint judges a variable only
    when its value is known.

    ## References
    - hadolint DL3041
    """

    code = "DL3041"
    name = "dnf-pin-versions"
    instructions = frozenset({"run"})
    commands = frozenset({"dnf"})
    severity = Severity.WARNING
    summary = "Specify version with `dnf install -y <package>-<version>`"

    def check(self, ctx: Context) -> Iterator[Violation]:
        yield from _unpinned(ctx, DNF)
