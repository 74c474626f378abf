"""hadolint's remaining command-level shell rules: DL3001, DL3004, DL3046, DL3047, DL4001,
DL4005, DL4006.

Each one looks at the simple commands the shell analysis found (``ctx.shell``), so commands
inside ``&&`` lists, pipelines, subshells and ``$(...)`` count, wrappers such as ``sudo`` or
``env`` are seen through, and a RUN whose SHELL is not POSIX (PowerShell, cmd) is left alone.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from dflint.finding import FixSafety, Severity, Violation
from dflint.lazyre import LazyPattern
from dflint.plugin import Context, Rule
from dflint.records import FrozenRecord, replace
from dflint.shell import Pipeline, ShellScript, ShellWord, SimpleCommand
from dflint.shell.packages import parse_options

from ._busybox import runs_busybox_wget
from ._pkgmgr import RunScript, insert_after, run_scripts
from ._pkgvars import variable_value


def _option_set(text: str) -> frozenset[str]:
    """Option names written as one blank-separated string (long tables stay readable)."""
    return frozenset(text.split())


# -- DL3001 ----------------------------------------------------------------------------------

_POINTLESS = ("free", "kill", "mount", "ps", "service", "shutdown", "ssh", "top", "vim")


class PointlessCommand(Rule):
    """## What it does
    Reports commands that make no sense while an image is being built: `ssh`, `vim`, `top`,
    `ps`, `free`, `kill`, `mount`, `service` and `shutdown`.

    ## Why is this bad?
    A build step has no terminal, no user to talk to and no services running: interactive
    programs hang or fail, `service x start` starts something that dies with the step, and
    `mount`/`shutdown` need privileges a build does not have. Their presence usually means a
    recipe was copied from a VM set-up.

    Only commands that run are reported: `apt-get install vim` installs an editor (that is
    fine), `command -v ps` only looks one up. `ssh` in a RUN with `--mount=type=ssh` uses the
    SSH agent the build was given for exactly that, and `kill` in a script that starts a
    background job (`server & ... kill $!`) stops that job: neither is reported.

    ## Example
    ```dockerfile
    FROM debian:12
    RUN service nginx start
    ```

    ## Use instead
    ```dockerfile
    FROM debian:12
    CMD ["nginx", "-g", "daemon off;"]
    ```

    ## Options
    - `commands`: the command names to report (default: hadolint's list).

    ## Differences from hadolint
    hadolint reports lines 2 and 3 here; dflint reports neither:
    ```dockerfile
    FROM alpine:3.20
    RUN --mount=type=ssh ssh -T git@github.com || true
    RUN browsh & pid=$!; sleep 10; kill $pid
    ```

    ## References
    - hadolint DL3001
    """

    code = "DL3001"
    name = "pointless-command"
    instructions = frozenset({"run"})
    commands = frozenset({"free", "kill", "mount", "ps", "service", "shutdown", "ssh", "top", "vim"})
    severity = Severity.INFO
    summary = "Commands such as ssh, vim, service or ps make no sense in a container build"

    class Options(FrozenRecord):
        __match_args__ = ("commands",)
        commands: tuple[str, ...]

        def __init__(self, commands: tuple[str, ...] = _POINTLESS) -> None:
            _set = object.__setattr__
            _set(self, "commands", commands)

    def check(self, ctx: Context) -> Iterator[Violation]:
        wanted = frozenset(getattr(ctx.options, "commands", _POINTLESS))
        for item in run_scripts(ctx):
            for cmd in item.script.commands:
                if cmd.basename in wanted and cmd.name_word is not None and not _has_a_purpose(item, cmd):
                    yield Violation(
                        cmd.name_word.span,
                        f"`{cmd.basename}` makes no sense in a container build",
                    )


def _has_a_purpose(item: RunScript, cmd: SimpleCommand) -> bool:
    """`ssh` with the build's SSH agent mounted; `kill` of a job the same script started."""
    if cmd.basename == "ssh":
        return any(m.type == "ssh" for m in item.run.mounts)
    if cmd.basename == "kill":
        return "$!" in item.script.script or any(op.kind == "&" for op in item.script.operators)
    return False


# -- DL3004 ----------------------------------------------------------------------------------


def _sudo_words(cmd: SimpleCommand) -> list[ShellWord]:
    """The ``sudo`` words of a command: as a wrapper (``sudo apt-get``) or as the program."""
    found = [w.words[0] for w in cmd.wrappers if w.name == "sudo" and w.words]
    if cmd.basename == "sudo" and cmd.name_word is not None:
        found.append(cmd.name_word)
    return found


class UseOfSudo(Rule):
    """## What it does
    Reports `sudo` in a RUN.

    ## Why is this bad?
    Build steps already run as the current `USER`; switching users belongs to `USER`. `sudo`
    needs a TTY and a sudoers entry, behaves unpredictably around signals and environment, and
    leaves a setuid binary in the image. At run time, use `gosu` or `su-exec` to drop privileges.

    ## Example
    ```dockerfile
    FROM debian:12
    USER app
    RUN sudo apt-get update
    ```

    ## Use instead
    ```dockerfile
    FROM debian:12
    RUN apt-get update
    USER app
    ```

    ## References
    - hadolint DL3004
    """

    code = "DL3004"
    name = "use-of-sudo"
    instructions = frozenset({"run"})
    commands = frozenset({"sudo"})
    severity = Severity.ERROR
    summary = "Do not use sudo; use USER (or gosu at run time)"

    def check(self, ctx: Context) -> Iterator[Violation]:
        for item in run_scripts(ctx):
            for cmd in item.script.commands:
                for word in _sudo_words(cmd):
                    yield Violation(word.span, "Do not use sudo: set USER, or use gosu/su-exec at run time")


# -- DL3046 ----------------------------------------------------------------------------------

_USERADD_VALUES = _option_set(
    "-b -c -d -e -f -g -G -k -K -p -R -P -s -u -Z --base-dir --comment --home-dir --expiredate "
    "--inactive --gid --groups --skel --key --password --root --prefix --shell --uid "
    "--selinux-user --selinux-range"
)


class UseraddWithoutNoLogInit(Rule):
    """## What it does
    Reports `useradd` with a large UID (six digits or more) and without `-l`/`--no-log-init`.

    ## Why is this bad?
    `useradd` writes the new user's record into `/var/log/lastlog` and `/var/log/faillog` at
    an offset proportional to the UID. The files are sparse on disk, but image layers are not:
    a UID of 1000000 adds hundreds of megabytes of zeros to the layer.

    A UID held in a variable (`-u $UID`) is judged by the variable's value when it is known
    (an assignment earlier in the RUN, an `ENV`, an `ARG` default); otherwise it is not
    reported.

    ## Example
    ```dockerfile
    FROM debian:12
    RUN useradd -u 1000000 app
    ```

    ## Use instead
    ```dockerfile
    FROM debian:12
    RUN useradd -l -u 1000000 app
    ```

    ## Fix safety
    Safe: ` -l` is inserted after `useradd`. It only skips the lastlog/faillog records of the
    new user, and those records would be all zeros (the user never logged in).

    ## Differences from hadolint
    hadolint does not expand variables: it measures the text `-u` is given, with a variable
    counted as `${NAME}`, so any variable whose name has three or more characters is a "high
    UID" and a shorter one never is. hadolint reports line 3 here (`$UID`, though it is
    1000) and not line 5; dflint reports line 5 (`1000000`) and not line 3:
    ```dockerfile
    FROM debian:12
    ARG UID=1000
    RUN useradd -u $UID app
    ARG U=1000000
    RUN useradd -u $U big
    ```

    ## References
    - hadolint DL3046
    """

    code = "DL3046"
    name = "useradd-without-no-log-init"
    instructions = frozenset({"run"})
    commands = frozenset({"useradd"})
    severity = Severity.WARNING
    summary = "useradd with a high UID needs -l (--no-log-init) to avoid a huge layer"
    fix_safety = FixSafety.SAFE

    def check(self, ctx: Context) -> Iterator[Violation]:
        for item in run_scripts(ctx):
            for cmd in item.script.commands_named("useradd"):
                options, _ = parse_options(cmd.args, _USERADD_VALUES)
                if any(o.name in ("-l", "--no-log-init") for o in options):
                    continue
                for opt in options:
                    if opt.name not in ("-u", "--uid") or opt.value is None:
                        continue
                    uid: str | None = opt.value
                    word = opt.value_word or opt.word
                    if word.value is None:  # `-u $UID`: judged by the variable's known value
                        uid = variable_value(ctx, item, cmd, replace(word, text=word.unquoted))
                    if uid is None or not uid.isdigit() or len(uid) <= 5:
                        continue
                    fix = None
                    if cmd.name_word is not None:
                        fix = insert_after(item, cmd.name_word, " -l", "Add -l (--no-log-init)")
                    yield Violation(
                        word.span,
                        f"useradd with UID {uid} and without -l/--no-log-init writes a huge "
                        "lastlog/faillog into the layer",
                        fix,
                    )


# -- DL3047 ----------------------------------------------------------------------------------

WGET_VALUES = _option_set(
    "-O -o -a -e -i -B -t -T -w -Q -P -U -l -A -R -D -I -X -n --output-document --output-file "
    "--append-output --execute --input-file --base --tries --timeout --wait --quota "
    "--directory-prefix --user-agent --level --accept --reject --domains --include-directories "
    "--exclude-directories --header --user --password --post-data --post-file --bind-address "
    "--progress --load-cookies --save-cookies --referer --ca-certificate --certificate "
    "--private-key --method --body-data --body-file --http-user --http-password"
)
_WGET_QUIET = frozenset({"-q", "--quiet", "--progress", "-o", "--output-file", "-a",
                         "--append-output", "--no-verbose"})


def wget_is_quiet(cmd: SimpleCommand) -> bool:
    """Whether a wget command sets its progress output (quiet, no-verbose, a log file...)."""
    options, _ = parse_options(cmd.args, WGET_VALUES)
    for opt in options:
        if opt.name in _WGET_QUIET:
            return True
        if opt.name == "-n" and (opt.value or "").startswith("v"):  # -nv: --no-verbose
            return True
    return False


#: Files of a few hundred bytes: detached signatures, keys, certificates and checksum lists.
_SMALL_FILE_SUFFIXES = (".asc", ".sig", ".sign", ".gpg", ".pub", ".key", ".pem", ".crt", ".md5",
                        ".sha1", ".sha256", ".sha512", ".sha256sum", ".sha512sum", "sums", "sums.txt",
                        ".patch", ".diff", ".sh")


#: A single file of a source repository (``raw.githubusercontent.com/...``, ``.../raw/...``):
#: a script or a configuration file, a few kilobytes.
_RAW_SOURCE_FILE = LazyPattern(r"^[a-z]+://(raw\.githubusercontent\.com|gist\.githubusercontent\.com|[^/]+/.*/raw/)")


def _fetches_only_small_files(cmd: SimpleCommand) -> bool:
    """Whether every URL the command fetches names a signature, key, checksum or patch file, or
    a single file of a source repository. A URL held in a variable counts by the suffix written
    after it (``wget -O go.tgz.asc "$url.asc"``)."""
    _, operands = parse_options(cmd.args, WGET_VALUES)
    urls = [w.unquoted for w in operands if "://" in w.unquoted or w.unquoted.startswith("$")]
    if not urls:
        return False
    return all(
        url.split("?", 1)[0].split("#", 1)[0].lower().endswith(_SMALL_FILE_SUFFIXES)
        or _RAW_SOURCE_FILE.match(url.lower()) is not None
        for url in urls
    )


class WgetWithoutProgress(Rule):
    """## What it does
    Reports `wget` without any setting of its progress output: `--progress=...`, `-q`,
    `-nv`/`--no-verbose`, `-o`/`--output-file` or `-a`/`--append-output`.

    ## Why is this bad?
    Without a terminal, wget falls back to printing a dot line for every few kilobytes: a large
    download floods the build log with thousands of lines.

    Short options are read as wget reads them, so `-qO-` counts as quiet and the value of
    `-O` is never taken for an option. A wget that only fetches small files — signatures,
    keys, checksums, patches and shell scripts (`.asc`, `.sig`, `.gpg`, `.pub`, `.sha256`,
    `SHA256SUMS`, `.patch`, `.sh`...), or single files of a source repository
    (`raw.githubusercontent.com/...`, `github.com/.../raw/...`: scripts and configuration) —
    prints a line or two and is not reported; a URL held in a variable is judged by the suffix
    written after it (`wget -O go.tgz.asc "$url.asc"`).

    Nor is the `wget` of an Alpine or busybox image, which is the busybox applet unless the stage
    (or one it is built `FROM`) runs `apk add wget`: the applet has no `--progress` option (the
    advice would fail the build), ignores `-nv`, and prints at most one progress line a second.
    Alpine is recognised by the root base image's name: `alpine` or `busybox`, an `alpine` part
    in the repository name or tag (`python:3.12-alpine`, `dotnet/runtime:9.0-alpine3.21`), or
    the official `docker` image.

    ## Example
    ```dockerfile
    FROM debian:12
    RUN wget https://example.com/big.tar.gz
    ```

    ## Use instead
    ```dockerfile
    FROM debian:12
    RUN wget --progress=dot:giga https://example.com/big.tar.gz
    ```

    ## Differences from hadolint
    - hadolint reports lines 2 and 3 here (a signature and a script); dflint reports neither:
      ```dockerfile
      FROM debian:12
      RUN wget -O /usr/local/bin/gosu.asc "https://github.com/tianon/gosu/releases/download/1.17/gosu-amd64.asc"
      RUN wget -O /usr/local/bin/dind "https://raw.githubusercontent.com/docker/docker/v27.0.0/hack/dind"
      ```
    - hadolint also reports busybox's wget (lines 2 and 5 here); dflint reports only line 7,
      where `apk add wget` installed GNU wget:
      ```dockerfile
      FROM alpine:3.20
      RUN wget -O go.tgz https://dl.google.com/go/go1.23.4.linux-amd64.tar.gz
      FROM node:22-alpine AS build
      RUN apk add --no-cache git \\
          && wget -O app.tgz https://example.com/app-1.0.tgz
      FROM build
      RUN apk add --no-cache wget && wget https://example.com/data.tar.gz
      ```

    ## References
    - hadolint DL3047
    """

    code = "DL3047"
    name = "wget-without-progress"
    instructions = frozenset({"run"})
    commands = frozenset({"wget"})
    severity = Severity.INFO
    summary = "wget without --progress (or -q/-nv) floods the build log"

    def check(self, ctx: Context) -> Iterator[Violation]:
        for item in run_scripts(ctx):
            for cmd in item.script.commands_named("wget"):
                if cmd.name_word is None or wget_is_quiet(cmd) or _fetches_only_small_files(cmd):
                    continue
                if runs_busybox_wget(ctx, item, cmd):
                    continue
                yield Violation(
                    cmd.name_word.span,
                    "Use wget --progress=dot:giga (or -q/-nv) to avoid a flood of progress lines",
                )


# -- DL4001 ----------------------------------------------------------------------------------


class WgetAndCurl(Rule):
    """## What it does
    Reports the RUNs of a stage that use `curl` or `wget` when the stage uses both.

    ## Why is this bad?
    Two download tools do the same job; keeping both in the image adds size and attack
    surface, and their different defaults (redirects, retries, error exit codes) make the
    build harder to reason about. Pick one.

    Each stage is judged on its own (a builder stage may use wget while the final one uses
    curl). `ONBUILD RUN` triggers are judged together, apart from the stage's own RUNs, since
    they run in another build. `command -v curl` only looks a tool up and does not count.

    ## Example
    ```dockerfile
    FROM debian:12
    RUN curl -fsSLO https://example.com/a.tar.gz
    RUN wget -q https://example.com/b.tar.gz
    ```

    ## Use instead
    ```dockerfile
    FROM debian:12
    RUN curl -fsSLO https://example.com/a.tar.gz \\
        && curl -fsSLO https://example.com/b.tar.gz
    ```

    ## Differences from hadolint
    hadolint reads the stage top to bottom and reports only the RUNs from the point where
    both tools have appeared, so the RUNs before the second tool's first use go unreported.
    Either tool can be the one to drop, so dflint reports every RUN that uses one of them.
    hadolint reports lines 3 and 4 here; dflint reports lines 2, 3 and 4:
    ```dockerfile
    FROM debian:12
    RUN curl -fsSLO https://example.com/a.tar.gz
    RUN wget -q https://example.com/b.tar.gz
    RUN curl -fsSLO https://example.com/c.tar.gz
    ```

    ## References
    - hadolint DL4001
    """

    code = "DL4001"
    name = "wget-and-curl"
    instructions = frozenset({"run"})
    commands = frozenset({"curl", "wget"})
    severity = Severity.WARNING
    summary = "Either use wget or curl, but not both"

    def check(self, ctx: Context) -> Iterator[Violation]:
        groups: dict[tuple[int | None, bool], list[tuple[RunScript, list[SimpleCommand]]]] = {}
        for item in run_scripts(ctx):
            tools = item.script.commands_named("curl", "wget")
            if not tools:
                continue
            stage = ctx.model.stage_of(item.owner)
            key = (stage.index if stage is not None else None, item.onbuild)
            groups.setdefault(key, []).append((item, tools))
        for runs in groups.values():
            used = {c.basename for _, tools in runs for c in tools}
            if used != {"curl", "wget"}:
                continue
            for _, tools in runs:
                first = tools[0]
                if first.name_word is None:
                    continue
                other = "wget" if first.basename == "curl" else "curl"
                yield Violation(
                    first.name_word.span,
                    f"Either use wget or curl, but not both: this stage also uses `{other}`",
                )


# -- DL4005 ----------------------------------------------------------------------------------

_LN_VALUES = frozenset({"-S", "--suffix", "-t", "--target-directory"})
_SH_PATHS = frozenset({"/bin/sh", "/usr/bin/sh"})
_BIN_DIRS = frozenset({"/bin", "/usr/bin"})


def _norm(path: str) -> str:
    return posixpath.normpath(path) if path.startswith("/") else path


def relinked_sh(cmd: SimpleCommand) -> ShellWord | None:
    """The word naming ``/bin/sh`` as the link an ``ln`` creates (not as its target)."""
    options, operands = parse_options(cmd.args, _LN_VALUES)
    target_dir = next((o.value for o in options if o.name in ("-t", "--target-directory")), None)
    if target_dir is not None:
        if _norm(target_dir) in _BIN_DIRS:
            for word in operands:
                if word.value is not None and posixpath.basename(word.value) == "sh":
                    return word
        return None
    if len(operands) < 2:
        return None
    last = operands[-1]
    if last.value is not None and _norm(last.value) in _SH_PATHS:
        return last
    return None


def _forces(cmd: SimpleCommand) -> bool:
    """``ln -f``/``--force`` (``-sf``, ``-snf``...): the link replaces an existing file."""
    options, _ = parse_options(cmd.args, _LN_VALUES)
    return any(o.name in ("-f", "--force") for o in options)


def _removes_sh_before(script: ShellScript, ln: SimpleCommand) -> bool:
    """``rm /bin/sh && ln -s ...``: the script deletes the shell before linking a new one."""
    for cmd in script.commands:
        if cmd.start >= ln.start:
            return False
        if cmd.basename in ("rm", "unlink") and any(
            w.value is not None and _norm(w.value) in _SH_PATHS for w in cmd.args
        ):
            return True
    return False


class RelinkBinSh(Rule):
    """## What it does
    Reports `ln` commands that replace `/bin/sh` (`ln -sf /bin/bash /bin/sh`).

    ## Why is this bad?
    Every package script and every later `RUN` of the image then runs under another shell
    than the distribution tested it with. To run your own steps under bash, say so with
    `SHELL ["/bin/bash", "-c"]`, which changes nothing else.

    Unlike hadolint, only a link *named* `/bin/sh` (or `/usr/bin/sh`) is reported:
    `ln -s /bin/sh /usr/local/bin/sh` makes a link that points to the shell and leaves it alone.
    And only a link that replaces an existing `/bin/sh`: `ln -f`/`--force`, or a `rm` of
    `/bin/sh` earlier in the script. A plain `ln -s /busybox/sh /bin/sh` fails when `/bin/sh`
    exists, so it creates one where the image has none (distroless `:debug` images keep their
    shell in `/busybox`); programs that run `/bin/sh` need it, and no SHELL can provide it.

    ## Example
    ```dockerfile
    FROM debian:12
    RUN ln -sf /bin/bash /bin/sh
    ```

    ## Use instead
    ```dockerfile
    FROM debian:12
    SHELL ["/bin/bash", "-c"]
    ```

    ## Differences from hadolint
    hadolint reports line 3 here; dflint does not:
    ```dockerfile
    FROM gcr.io/distroless/static:debug
    SHELL ["/busybox/sh", "-c"]
    RUN ln -s /busybox/sh /bin/sh
    ```

    ## References
    - hadolint DL4005
    """

    code = "DL4005"
    name = "relink-bin-sh"
    instructions = frozenset({"run"})
    commands = frozenset({"ln"})
    severity = Severity.WARNING
    summary = "Use SHELL to change the default shell, not a new /bin/sh link"

    def check(self, ctx: Context) -> Iterator[Violation]:
        for item in run_scripts(ctx):
            for cmd in item.script.commands_named("ln"):
                word = relinked_sh(cmd)
                if word is not None and (_forces(cmd) or _removes_sh_before(item.script, cmd)):
                    yield Violation(word.span, "Use SHELL to change the default shell, not `ln` over /bin/sh")


# -- DL4006 ----------------------------------------------------------------------------------


#: Commands that cannot fail: a pipe fed only by them needs no pipefail.
_INFALLIBLE = frozenset({"echo", "printf", "yes", "true", ":"})


def _only_infallible_feeders(pipeline: Pipeline) -> bool:
    """Whether every stage before the last runs only ``echo``/``printf``/``yes``/``true``: alone,
    or grouped (``{ echo a; echo b; } | tee f``, a ``case`` whose branches echo)."""
    depth = min((_substitution_depth(cmd) for cmd in pipeline.commands), default=0)
    for stage in pipeline.stages[:-1]:
        # A command substituted into an echo's arguments (`echo "$(cat f)"`) fails unseen with or
        # without pipefail: only the stage's own commands count.
        own = [cmd for cmd in stage.commands if _substitution_depth(cmd) == depth]
        if not own or any(cmd.name not in _INFALLIBLE or cmd.wrappers for cmd in own):
            return False
    return True


def _substitution_depth(cmd: SimpleCommand) -> int:
    return cmd.enclosing.count("command_substitution")


def _status_is_discarded(pipeline: Pipeline, script: ShellScript) -> bool:
    """A pipeline inside ``$(...)`` whose status nothing reads: the substitution is part of a
    command that runs (``echo "$(cat f | tr a-f A-F)"``, ``export V=$(curl ... | grep ...)``),
    whose own status replaces it. Only a bare assignment (``V=$(a | b)``) passes the
    substitution's status on, so pipefail changes something there."""
    depth = min((_substitution_depth(cmd) for cmd in pipeline.commands), default=0)
    if depth == 0:
        return False
    enclosing = [cmd for cmd in script.commands if _substitution_depth(cmd) == depth - 1
                 and cmd.start <= pipeline.start and pipeline.end <= cmd.end]
    if not enclosing:
        return False  # a for list, a case word...: left to the rule
    innermost = max(enclosing, key=lambda cmd: cmd.start)
    return bool(innermost.words)


def _status_is_tested(pipeline: Pipeline) -> bool:
    """A pipeline used as an ``if``/``while``/``until`` condition or negated with ``!``."""
    commands = pipeline.commands
    return pipeline.negated or (bool(commands) and commands[0].in_condition)


class PipeWithoutPipefail(Rule):
    """## What it does
    Reports a RUN with a pipeline (`a | b`) whose shell does not have `pipefail` on when the
    pipeline runs.

    ## Why is this bad?
    A pipeline's exit status is the last command's: in `curl -fsSL $URL | tar -xz`, a failed
    download is hidden as long as `tar` exits 0, and the build goes on with a broken layer.

    `pipefail` counts when the SHELL in effect passes it (`SHELL ["/bin/bash", "-o",
    "pipefail", "-c"]`, inherited from a stage the current one is built `FROM`, as BuildKit
    does), when an exec-form RUN passes it (`["bash", "-o", "pipefail", "-c", "..."]`), or when
    the script itself runs `set -o pipefail` (or `set -euo pipefail`) earlier in the same shell.
    hadolint forgets the SHELL at every FROM, even `FROM base` of a stage that set it, and
    ignores `set -o pipefail` in the script: both are reported there and not here.

    A pipe fed only by `echo`, `printf`, `yes` or `true` is not reported, alone or grouped
    (`{ echo a; echo b; } | tee f`): they cannot fail, so `pipefail` would change nothing
    (`echo "$SHA256 *app.tgz" | sha256sum -c -`). Nor is a
    pipeline whose status the script tests on purpose, as the condition of an `if`, `while`
    or `until` or negated with `!` (`if ! file "$f" | grep -q text; then ...`), nor one inside a
    command substitution that is an argument of a command (`echo "$(cat f | tr A-F a-f)"`,
    `export V=$(curl -s $URL | grep tag)`): that command's status replaces the pipeline's, so
    `pipefail` cannot make a failure count. A bare assignment (`V=$(curl -s $URL | grep tag)`)
    passes the status on and is reported.

    ## Differences from hadolint
    hadolint reports every pipe without `pipefail`; dflint does not report these (lines 2-6):
    ```dockerfile
    FROM debian:12
    RUN echo "$SHA256 *app.tar.gz" | sha256sum -c -
    RUN ARCH=$(echo "$TARGETARCH" | sed -e s/amd64/x86_64/) && echo "$ARCH"
    RUN while ps aux | grep -q '[d]pkg'; do sleep 1; done
    RUN echo "$(cat app.sha512 | tr A-F a-f)  app.tgz" | sha512sum -c -
    RUN export V=$(curl -s https://example.com/latest | grep tag) && echo "$V"
    ```

    ## Example
    ```dockerfile
    FROM debian:12
    RUN curl -fsSL https://example.com/app.tar.gz | tar -xz
    ```

    ## Use instead
    ```dockerfile
    FROM debian:12
    SHELL ["/bin/bash", "-o", "pipefail", "-c"]
    RUN curl -fsSL https://example.com/app.tar.gz | tar -xz
    ```
    On Alpine, where bash is not installed, use `/bin/ash` (busybox supports `pipefail`).

    ## References
    - hadolint DL4006
    """

    code = "DL4006"
    name = "pipe-without-pipefail"
    text_contains = frozenset({"|"})
    instructions = frozenset({"run"})
    severity = Severity.WARNING
    summary = "Set SHELL with -o pipefail before a RUN that uses a pipe"

    def check(self, ctx: Context) -> Iterator[Violation]:
        for item in run_scripts(ctx):
            if item.onbuild:
                continue  # the shell of the child build is unknown here
            shell = tuple(item.run.value) if item.run.form == "exec" else None
            for pipeline in item.script.pipelines:
                if _status_is_tested(pipeline) or _only_infallible_feeders(pipeline):
                    continue
                if _status_is_discarded(pipeline, item.script):
                    continue
                if item.script.has_pipefail(pipeline, shell=shell):
                    continue
                where = pipeline.operators[0].span if pipeline.operators else pipeline.span
                yield Violation(
                    where,
                    "Set the SHELL option -o pipefail before RUN with a pipe in it "
                    '(SHELL ["/bin/bash", "-o", "pipefail", "-c"]; /bin/ash on Alpine)',
                )
                break
