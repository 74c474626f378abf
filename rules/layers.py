"""Rules about what ends up in which layer: DL3010, DL3059, DF205, DF206.

They follow one stage at a time through its instructions, because a layer's content is decided
by what earlier instructions of the same stage left behind (an archive COPYed in, the apt lists
of an earlier RUN, files a later ``chown`` rewrites).
"""

from __future__ import annotations

import itertools
import posixpath
import re
from collections.abc import Iterator

from dflint.finding import Severity, Violation
from dflint.plugin import Context, Rule
from dflint.records import FrozenRecord
from dflint.shell import ShellScript, ShellWord, SimpleCommand
from dflint.shell.packages import parse_apt, parse_options
from dflint.tree import Add, Copy, Instruction, Run, Word, Workdir

from ._pkgmgr import RunScript, command_span, normalise_path, package_commands, removes, run_scripts
from ._stage_refs import lineage, output_stages
from ._words import escape_of, literal

# -- DL3010 ----------------------------------------------------------------------------------

#: Archives ADD unpacks: tar, plain or compressed with gzip, bzip2 or xz (BuildKit's detection).
TAR_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tbz", ".tb2", ".tar.xz", ".txz")
_DECOMPRESSORS = frozenset({"gunzip", "bunzip2", "unxz", "zcat", "gzcat", "bzcat", "xzcat"})
_TAR_VALUES = frozenset({"-f", "--file", "-C", "--directory", "-T", "--files-from", "-X",
                         "--exclude-from", "-b", "--blocking-factor", "-H", "--format",
                         "-I", "--use-compress-program", "--strip-components", "--exclude"})
#: tar options whose effect ADD cannot reproduce: extracting then is a deliberate choice.
_TAR_NOT_ADD = frozenset({"--strip-components", "--strip", "-O", "--to-stdout", "--exclude",
                          "-X", "--exclude-from", "--wildcards", "-T", "--files-from"})


def is_tar_archive(name: str) -> bool:
    lowered = name.lower()
    return lowered.endswith(TAR_SUFFIXES)


def _tar_extracts(cmd: SimpleCommand) -> bool:
    """``tar -x``/``--extract``/``--get`` (old style ``tar xzf`` too), and nothing ADD cannot do."""
    words = [w.value or w.unquoted for w in cmd.args]
    if not words:
        return False
    extract = False
    first = words[0]
    if not first.startswith("-") and "x" in first:
        extract = True
    options, _ = parse_options(cmd.args, _TAR_VALUES)
    for opt in options:
        if opt.name in _TAR_NOT_ADD or opt.name.split("=", 1)[0] in _TAR_NOT_ADD:
            return False
        if opt.name in ("-x", "--extract", "--get"):
            extract = True
    return extract


#: Words that end a command in cmd and PowerShell as in sh.
_CMD_SEPARATORS = frozenset({"&&", "||", "&", "|", ";"})


def path_basename(path: str) -> str:
    """The last component of a Linux or Windows path (``C:\\Program Files\\app.tar``)."""
    return re.split(r"[/\\]", path.rstrip("/\\"))[-1]


def _file_operands(cmd: SimpleCommand) -> Iterator[str]:
    for word in cmd.args:
        value = word.value
        if value is None:
            continue
        if value.startswith("--file="):
            value = value[len("--file="):]
        elif value.startswith("-") and value[1:2] != "-" and "f" in value[1:-1]:
            value = value[value.index("f", 1) + 1:]  # -xzf/tmp/a.tar.gz
        yield path_basename(value)


def extracted_archives(script: ShellScript) -> Iterator[tuple[SimpleCommand, str]]:
    """(command, archive basename) for every tar extraction or decompression of a tar file."""
    for cmd in script.commands:
        if cmd.basename == "tar" and _tar_extracts(cmd):
            for name in _file_operands(cmd):
                yield cmd, name
        elif cmd.basename in _DECOMPRESSORS or (cmd.basename == "xz" and cmd.has_arg("-d", "--decompress")):
            for word in cmd.args:
                if word.value is not None and not word.value.startswith("-"):
                    yield cmd, path_basename(word.value)


def _archive_names(word: Word, escape: str) -> set[str]:
    """The names a copied archive may go by: its basename after the escape processing BuildKit
    does, and as written, with backslashes as Windows separators (``build\\app.tar.gz``)."""
    names = set()
    value = literal(word.text, escape)
    if value is not None:
        names.add(path_basename(value))
    if "$" not in word.text:
        names.add(path_basename(word.text.strip("\"'")))
    return {n for n in names if is_tar_archive(n)}


def _copied_archives(copy: Copy, escape: str) -> Iterator[tuple[str, int]]:
    """(name in the image, source index) of each local tar archive a COPY brings in: a source's
    own name, or the destination's when one archive is copied to a path named like an archive
    (``COPY build/app.tar.gz /opt/pkg.tar.gz``)."""
    dest = copy.destination
    dest_names = _archive_names(dest, escape) if dest is not None and len(copy.sources) == 1 else set()
    for index, source in enumerate(copy.sources):
        names = _archive_names(source, escape)
        if names and dest_names:
            names = dest_names
        for name in names:
            yield name, index


class CopyArchiveThenExtract(Rule):
    """## What it does
    Reports a local tar archive that is COPYed into the image and then extracted by a later
    RUN of the same stage (`tar -x`, `gunzip`, `unxz`...).

    ## Why is this bad?
    The archive stays in the COPY layer even if the RUN deletes it afterwards, so the image
    holds the data twice. `ADD` unpacks a local tar archive in one step, without the copy.

    Unlike hadolint, only archives ADD really unpacks are reported: tar files, plain or
    compressed with gzip, bzip2 or xz. A `.zip`, a `.lz`/`.lzma`/`.Z` archive or a compressed
    file that is not a tar would be copied verbatim by ADD. An extraction using options ADD
    has no equivalent for (`--strip-components`, `--exclude`, `-O`, member lists) is a
    deliberate choice and is not reported either.

    An archive is recognised by its name in the image: the source's name, or the destination's
    when one archive is copied to a name of its own (`COPY dist/app.tar /opt/app.tar`), Linux
    or Windows style (`build\\app.tar.gz`, `C:\\app\\app.tar.gz`). In a Windows RUN (cmd or
    PowerShell), `tar -x...` is found among the words of the command line.

    ## Differences from hadolint
    hadolint reads quotes in a COPY written in shell form, so it takes `"C:\\Program
    Files\\foo.tar.gz"` for one destination. BuildKit splits shell-form COPY arguments at
    blanks, quotes or not (a path with a space needs the JSON form), so that COPY has two
    sources and the destination `Files\\foo.tar.gz"`. hadolint reports line 2 here; dflint
    does not, but reports the same COPY in JSON form:
    ```dockerfile
    FROM debian:12
    COPY build\\foo\\bar.tar.gz "C:\\Program Files\\foo.tar.gz"
    RUN tar -xf foo.tar.gz
    ```

    ## Example
    ```dockerfile
    FROM debian:12
    COPY app.tar.gz /tmp/
    RUN tar -xzf /tmp/app.tar.gz -C /opt && rm /tmp/app.tar.gz
    ```

    ## Use instead
    ```dockerfile
    FROM debian:12
    ADD app.tar.gz /opt/
    ```

    ## References
    - hadolint DL3010
    """

    code = "DL3010"
    name = "copy-archive-then-extract"
    instructions = frozenset({"copy"})
    commands = frozenset({"tar", "xz", "gunzip", "bunzip2", "unxz", "zcat", "gzcat", "bzcat", "xzcat"})
    severity = Severity.INFO
    summary = "Use ADD to extract a local tar archive into the image"

    def check(self, ctx: Context) -> Iterator[Violation]:
        escape = escape_of(ctx.dockerfile)
        for stage in ctx.dockerfile.stages:
            archives: dict[str, tuple[Copy, int]] = {}
            reported: set[tuple[int, int]] = set()
            for ins in stage.instructions:
                if isinstance(ins, Copy) and ins.from_stage is None and ins.flag("from") is None:
                    for name, index in _copied_archives(ins, escape):
                        archives[name] = (ins, index)
                elif isinstance(ins, Run) and archives:
                    for program, line, name in _extractions(ctx, ins):
                        found = archives.get(name)
                        if found is None or (id(found[0]), found[1]) in reported:
                            continue
                        reported.add((id(found[0]), found[1]))
                        copy, index = found
                        yield Violation(
                            copy.sources[index].span,
                            f"Use ADD to extract `{name}`: it is copied here and extracted by "
                            f"`{program}` on line {line}",
                        )


def _tar_words_extract(args: list[str]) -> bool:
    """``-x``, ``-xzf``, ``--extract``/``--get``, or the old style ``tar xzf``."""
    if args and not args[0].startswith("-") and "x" in args[0]:
        return True
    return any(a in ("--extract", "--get") or (a[:1] == "-" and a[1:2] != "-" and "x" in a) for a in args)


def _extractions(ctx: Context, run: Run) -> Iterator[tuple[str, int, str]]:
    """(program, line, archive name) for each extraction in a RUN. A RUN in cmd or PowerShell
    (Windows images) is not shell-parsed: its words are read, and ``tar -x...`` found in them."""
    script = ctx.shell(run)
    if script is not None:
        for cmd, name in extracted_archives(script):
            yield cmd.basename or "tar", cmd.span.start_line, name
        return
    if run.form != "shell" or not run.script:
        return
    words = [w.strip("\"'") for w in run.script.split()]
    for at, word in enumerate(words):
        if path_basename(word).lower() not in ("tar", "tar.exe"):
            continue
        args = list(itertools.takewhile(lambda w: w not in _CMD_SEPARATORS, words[at + 1:]))
        if _tar_words_extract(args):
            for arg in args:
                if not arg.startswith("-") and is_tar_archive(arg):
                    yield "tar", run.span.start_line, path_basename(arg)


# -- DL3059 ----------------------------------------------------------------------------------


def _flags_key(run: Run) -> list[str]:
    return sorted(f.raw for f in run.flags)


class ConsecutiveRuns(Rule):
    """## What it does
    Reports a RUN that directly follows another RUN (only comments or blank lines between),
    when both run a single command and have the same flags (`--mount`, `--network`,
    `--security`). An exec-form RUN (`RUN ["a", "b"]`) is one command.

    ## Why is this bad?
    Every RUN makes a layer. Small consecutive steps are cheaper as one RUN: fewer layers,
    and files created and removed in the same step never reach the image. A RUN that already
    chains commands (`a && b`, `a; b`, `a | b`, `$(...)`) is left alone, and so is the RUN
    after it: splitting was probably deliberate, to cache an expensive step.

    ## Example
    ```dockerfile
    FROM debian:12
    RUN mkdir -p /app
    RUN chown app /app
    ```

    ## Use instead
    ```dockerfile
    FROM debian:12
    RUN mkdir -p /app && chown app /app
    ```

    ## Options
    - `max-commands` (default 1): the most commands each of the two RUNs may have for the
      pair to be reported. 2 also reports `RUN set -eux; adduser app` after a short RUN.

    ## Differences from hadolint
    hadolint's source allows "at most 2 commands" but counts every command twice, so 2.15.1
    in effect reports single-command RUNs only, which is what its own comment intends
    ("chained commands were split deliberately"); dflint's default does the same. The
    remaining differences come from what counts as a command:
    - hadolint does not count `[ ... ]` tests, so it takes line 3 here for a single command
      and reports it; dflint counts two commands and does not:
      ```dockerfile
      FROM debian:12
      RUN mkdir /a
      RUN [ -d /a ] && echo yes
      ```
    - hadolint does not count a command whose name is not a plain word (`"$HOME/bin/tool"`,
      `$GOPATH/bin/tool`, `python$PY`). It reports lines 3, 4 and 5 here; dflint counts two
      commands on lines 3 and 4 and reports none (line 5 follows a chained RUN):
      ```dockerfile
      FROM debian:12
      RUN mkdir /a
      RUN yes | "$HOME/bin/sdkmanager" tools
      RUN "$HOME/bin/tool" -h || true
      RUN python$PY -m pip --version
      ```
    - hadolint reads Windows RUNs (PowerShell, or cmd, the default shell of Windows images)
      as bash too; dflint cannot count commands in them and does not report them. A Windows
      image is recognised by its name or tag (`windows/servercore`, `nanoserver`,
      `golang:1.22-windowsservercore-ltsc2022`) or by `--platform=windows/...`:
      ```dockerfile
      # escape=`
      FROM mcr.microsoft.com/windows/servercore:ltsc2022
      SHELL ["powershell", "-Command"]
      RUN Expand-Archive -Path go.zip -DestinationPath C:\\
      RUN setx PATH '%PATH%;C:\\go\\bin'
      RUN mkdir C:\\app
      RUN dir C:\\app
      ```
      hadolint reports lines 5, 6 and 7 here; dflint reports none of them. The same with
      cmd, on an image recognised by its tag: hadolint reports line 3, dflint does not:
      ```dockerfile
      FROM golang:1.22-windowsservercore-ltsc2022
      RUN mkdir C:\\app
      RUN dir C:\\app
      ```

    ## References
    - hadolint DL3059
    """

    code = "DL3059"
    name = "consecutive-runs"
    instructions = frozenset({"run"})
    severity = Severity.INFO
    summary = "Multiple consecutive RUN instructions; consider consolidating them"

    class Options(FrozenRecord):
        __match_args__ = ("max_commands",)
        max_commands: int

        def __init__(self, max_commands: int = 1) -> None:
            _set = object.__setattr__
            _set(self, "max_commands", max_commands)

    def check(self, ctx: Context) -> Iterator[Violation]:
        options = ctx.options
        if not isinstance(options, ConsecutiveRuns.Options):
            options = ConsecutiveRuns.Options()
        for stage in ctx.dockerfile.stages:
            previous: Instruction | None = None
            for ins in stage.instructions:
                if (isinstance(ins, Run) and isinstance(previous, Run)
                        and self._mergeable(ctx, previous, ins, options.max_commands)):
                    yield Violation(
                        ins.keyword_span,
                        f"Multiple consecutive RUN instructions (after line {previous.span.start_line}); "
                        "consider consolidating them",
                    )
                previous = ins

    @staticmethod
    def _mergeable(ctx: Context, first: Run, second: Run, max_commands: int) -> bool:
        if _flags_key(first) != _flags_key(second):
            return False
        for run in (first, second):
            if run.form == "exec":
                continue  # one program, whatever its arguments
            script = ctx.shell(run)
            if script is None or len(script.commands) > max_commands:
                return False
        return True


# -- DF205 -----------------------------------------------------------------------------------

_APT_USES_LISTS = frozenset({"install", "upgrade", "dist-upgrade", "full-upgrade", "build-dep",
                             "source", "download", "reinstall", "satisfy", "dselect-upgrade"})
_APT_TOOLS = frozenset({"apt-get", "apt", "aptitude"})
_RUNS_OTHER = frozenset({"sh", "bash", "dash", "ash", "zsh", "xargs", "make", "source", ".", "eval",
                         "find", "parallel"})


#: Installers that run ``apt-get install`` for you: gitpod's ``install-packages``, bitnami's
#: ``install_packages``, tonistiigi/xx's ``xx-apt-get``/``xx-apt``, ``apt-fast``, ``nala``.
_APT_WRAPPERS = frozenset({"install-packages", "install_packages", "xx-apt-get", "xx-apt", "apt-fast",
                           "nala", "apt-install"})


def _installs_with_apt(cmd: SimpleCommand) -> bool:
    """A command that surely installs through apt: ``apt-get install``, a known wrapper, or
    ``mk-build-deps -i`` (which runs ``apt-get install`` on the generated package)."""
    parsed = parse_apt(cmd)
    if parsed is not None:
        return parsed.subcommand in _APT_USES_LISTS
    if cmd.basename in _APT_WRAPPERS:
        return True
    if cmd.basename == "mk-build-deps":
        return any(w.value in ("-i", "--install") or (w.value or "").startswith("-i") for w in cmd.args)
    values = [w.value for w in cmd.args]
    return any(v in _APT_TOOLS for v in values) and any(v in _APT_USES_LISTS for v in values)


def _may_install(cmd: SimpleCommand) -> bool:
    """Whether a command after ``apt-get update`` installs, or might (a script, ``xargs apt-get``)."""
    if _installs_with_apt(cmd):
        return True
    if parse_apt(cmd) is not None:
        return False
    if cmd.basename is None or "/" in (cmd.name or "") or (cmd.name or "").endswith(".sh"):
        return True
    return cmd.basename in _RUNS_OTHER


def _drops_lists(script: ShellScript, update: SimpleCommand, after: list[SimpleCommand]) -> bool:
    """``rm -rf /var/lib/apt/lists/*`` or ``apt-get dist-clean`` after the update: no later RUN can
    rely on the lists, so there is nothing stale to be cached (the update only checked sources)."""
    if removes(script, update, "/var/lib/apt/lists"):
        return True
    return any((a := parse_apt(c)) is not None and a.subcommand == "dist-clean" for c in after)


class AptUpdateAlone(Rule):
    """## What it does
    Reports `apt-get update` (or `apt update`, `aptitude update`) in a RUN that installs
    nothing after it.

    ## Why is this bad?
    The layer of that RUN is cached on its own. A later `RUN apt-get install x` gets a fresh
    cache key when its text changes, but reuses the cached `update` layer, whose package lists
    may be months old: the install fails with 404s or installs stale versions. Update and
    install belong in the same RUN.

    When the last update is followed by something that may install packages out of sight (a
    script, `xargs apt-get install`, `make`, an installer that wraps apt: `install-packages`,
    `install_packages`, `xx-apt-get`, `apt-fast`, `nala`, `mk-build-deps -i`), or by a
    deletion of the lists (`rm -rf /var/lib/apt/lists/*`, `apt-get dist-clean`, so no later
    RUN can use them), nothing is reported. Nor is it when no later RUN of the stage (or of a
    stage built on it) installs with apt: then no install can read the stale lists (the
    update is merely wasted; DL3009 reports the lists left in the layer). The report points
    at the last update of the RUN.

    ## Example
    ```dockerfile
    FROM debian:12
    RUN apt-get update
    RUN apt-get install -y --no-install-recommends curl
    ```

    ## Use instead
    ```dockerfile
    FROM debian:12
    RUN apt-get update \\
        && apt-get install -y --no-install-recommends curl \\
        && rm -rf /var/lib/apt/lists/*
    ```

    ## References
    - Docker documentation, "Best practices for writing Dockerfiles", apt-get.
    """

    code = "DF205"
    name = "apt-update-alone"
    instructions = frozenset({"run"})
    commands = frozenset({"apt-get", "apt", "aptitude"})
    severity = Severity.WARNING
    summary = "apt-get update without an install in the same RUN is cached apart from the install"

    def check(self, ctx: Context) -> Iterator[Violation]:
        scripts = list(run_scripts(ctx))
        for position, item in enumerate(scripts):
            updates = [a for a in package_commands(item.script, parse_apt) if a.subcommand == "update"]
            if not updates:
                continue
            last = updates[-1]
            after = [c for c in item.script.commands if c.start > last.command.start]
            if any(_may_install(c) for c in after) or _drops_lists(item.script, last.command, after):
                continue
            if not _later_apt_install(ctx, item, scripts[position + 1 :]):
                continue
            yield Violation(
                command_span(last.command, last.subcommand_word),
                f"`{last.tool} update` without an install after it in the same RUN: its layer is "
                "cached apart from the install, which may then use stale package lists",
            )


def _later_apt_install(ctx: Context, item: RunScript, later: list[RunScript]) -> bool:
    """Does a later RUN that builds on this one (same stage, or a stage based on it) install
    with apt? An ONBUILD trigger runs in another build: it counts for its own triggers only."""
    if item.onbuild:
        return any(other.onbuild and any(_installs_with_apt(c) for c in other.script.commands)
                   for other in later)
    stage = item.run.stage_index
    if stage is None:
        return False
    lineage = _descendants(ctx, stage)
    return any(not other.onbuild and other.run.stage_index in lineage
               and any(_installs_with_apt(c) for c in other.script.commands) for other in later)


def _descendants(ctx: Context, index: int) -> set[int]:
    """The stage and every stage whose FROM chain leads back to it."""
    found = {index}
    for info in ctx.model.stages:
        parent = info.parent
        while parent is not None and parent.index not in found:
            parent = parent.parent
        if parent is not None:
            found.add(info.index)
    return found


# -- DF206 -----------------------------------------------------------------------------------

_CHOWN_VALUES = frozenset({"--from", "--reference"})


class _Copied(FrozenRecord):
    __match_args__ = ("instruction", "path", "runs_before", "is_file")
    instruction: Copy | Add
    path: str
    #: How many RUNs of the stage came before the COPY (later ones may create its owner).
    runs_before: int
    #: The destination is one file (so a plain ``chown`` of it rewrites what was copied).
    is_file: bool

    def __init__(self, instruction: Copy | Add, path: str, runs_before: int, is_file: bool = False) -> None:
        _set = object.__setattr__
        _set(self, "instruction", instruction)
        _set(self, "path", path)
        _set(self, "runs_before", runs_before)
        _set(self, "is_file", is_file)


def _copies_one_file(instruction: Copy | Add, destination: str) -> bool:
    """``COPY app.py /srv/app.py``: one source, not a directory as written (``.``, ``dir/``) nor a
    glob, to a destination without a trailing slash. A directory destination (``COPY a b
    /app/``) keeps its files when only the directory itself changes owner."""
    if destination.endswith(("/", "/.")) or destination == "." or len(instruction.sources) != 1:
        return False
    source = instruction.sources[0].text
    return not source.endswith(("/", ".")) and not any(c in source for c in "*?[")


_CREATES_USER = frozenset({"useradd", "adduser"})
_CREATES_GROUP = frozenset({"groupadd", "addgroup"})


def _created_names(commands: list[SimpleCommand]) -> set[str]:
    """User and group names these commands create (any operand of useradd/adduser/groupadd/
    addgroup: ``adduser -S -G app app``, ``useradd -r -g zabbix zabbix``)."""
    names: set[str] = set()
    for cmd in commands:
        if cmd.basename in _CREATES_USER or cmd.basename in _CREATES_GROUP:
            names.update(w.value for w in cmd.args if w.value and not w.value.startswith("-"))
    return names


def _owner_created_later(owner: str | None, created: set[str]) -> bool:
    """``COPY --chown=name`` needs the user (and group) at COPY time: not so when a RUN after the
    COPY creates them. Numeric ids need no account."""
    if not owner:
        return False
    user, _, group = owner.partition(":")
    return any(part and not part.isdigit() and part in created for part in (user, group))


def _shipped_stages(ctx: Context) -> set[int]:
    """Stages whose layers end up in an image: the output stages (the last one, and any no
    other stage uses) with their FROM ancestors. A builder that later stages only COPY or mount
    from is not among them."""
    return {info.index for out in output_stages(ctx.model) for info in lineage(out)}


def _resolve(path: str, workdir: str | None) -> str | None:
    if path.startswith("/"):
        return normalise_path(path)
    if workdir is None:
        return None
    return normalise_path(posixpath.join(workdir, path))


def _overlaps(target: str, copied: _Copied, recursive: bool) -> bool:
    """The chown rewrites everything copied: a recursive chown of the destination or a parent,
    or a plain chown of a destination that is one file (a plain chown of a directory changes
    the directory only, not the files copied into it).

    A chown of a path *inside* the destination (``COPY rootfs/ /`` then ``chown -R app /app``)
    is not counted: whether the COPY put anything there is unknown."""
    dest = copied.path
    if target == dest:
        return recursive or copied.is_file
    return recursive and dest.startswith(target.rstrip("/") + "/")


def chown_targets(cmd: SimpleCommand) -> tuple[str | None, bool, list[ShellWord]]:
    """(owner, recursive, path words) of a ``chown`` command."""
    options, operands = parse_options(cmd.args, _CHOWN_VALUES)
    recursive = any(o.name in ("-R", "--recursive") for o in options)
    if any(o.name == "--reference" for o in options):
        return None, recursive, operands
    if not operands:
        return None, recursive, []
    return operands[0].value, recursive, operands[1:]


def _chown_owner(owner: str | None) -> str | None:
    """The owner in COPY's syntax: chown's old ``user.group`` form becomes ``user:group``
    (``COPY --chown=postgres.postgres`` looks up a user named "postgres.postgres")."""
    if owner and ":" not in owner and "." in owner:
        return owner.replace(".", ":", 1)
    return owner


def _copy_chown_message(copy: Copy | Add, chown: SimpleCommand, owner: str | None) -> str:
    where = f"`chown` on line {chown.span.start_line} rewrites the files copied here into a second layer"
    if owner is not None and all(part in ("", "0", "root") for part in owner.split(":")):
        return f"{where}; {copy.keyword.upper()} already makes them root's: drop the chown"
    hint = f"--chown={owner}" if owner else "--chown"
    return f"{where}: use `{copy.keyword.upper()} {hint}`"


class CopyThenChown(Rule):
    """## What it does
    Reports a `COPY` (or `ADD`) without `--chown` whose destination a later RUN of the same
    stage changes the owner of with `chown` (`chown -R app /app`).

    ## Why is this bad?
    Changing a file's owner rewrites the whole file into the RUN's layer: every copied byte is
    stored twice, once as root-owned in the COPY layer and once more in the `chown` layer.
    `COPY --chown=app:app` sets the owner in the COPY layer itself.

    A recursive `chown` counts when its path is the destination or a parent of it; a plain
    `chown` when its path is the destination and that is one file (`COPY app.py /srv/app.py`):
    `chown app /app` after `COPY pyproject.toml poetry.lock /app/` changes the directory only,
    not the files copied into it. A `chown` of a path inside the destination is
    not reported (`COPY rootfs/ /` then `chown -R app /app`: the COPY may hold nothing there).
    Relative paths are resolved against the stage's WORKDIR when it is known from this file;
    otherwise nothing is reported.

    Not reported either: when the owner's name is created (`useradd`, `adduser`, `groupadd`,
    `addgroup`) after the COPY, since `COPY --chown=name` needs the account at COPY time
    (numeric ids would work: `--chown=1997:0`); and in a builder stage, one that later stages
    only copy or mount from and that is neither the last stage nor a base of another: its
    layers never reach an image.

    ## Example
    ```dockerfile
    FROM node:22
    COPY . /app
    RUN chown -R node:node /app
    ```

    ## Use instead
    ```dockerfile
    FROM node:22
    COPY --chown=node:node . /app
    ```

    ## References
    - Docker documentation, COPY `--chown`.
    """

    code = "DF206"
    name = "copy-then-chown"
    instructions = frozenset({"copy", "add"})
    commands = frozenset({"chown"})
    severity = Severity.WARNING
    summary = "COPY without --chown followed by RUN chown stores the files twice"

    def check(self, ctx: Context) -> Iterator[Violation]:
        escape = escape_of(ctx.dockerfile)
        shipped = _shipped_stages(ctx)
        for stage in ctx.dockerfile.stages:
            if stage.index not in shipped:
                continue  # a builder: its layers never reach an image
            workdir: str | None = None
            copies: list[_Copied] = []
            runs: list[list[SimpleCommand]] = []
            reported: set[int] = set()
            for ins in stage.instructions:
                if isinstance(ins, Workdir):
                    value = literal(ins.path.text, escape) if ins.path else None
                    workdir = _resolve(value, workdir) if value is not None else None
                elif isinstance(ins, (Copy, Add)):
                    if ins.chown is not None or ins.flag("chown") is not None or ins.destination is None:
                        continue
                    value = literal(ins.destination.text, escape)
                    dest = _resolve(value, workdir) if value is not None else None
                    if dest is not None:
                        copies.append(_Copied(ins, dest, len(runs), _copies_one_file(ins, value or "")))
                elif isinstance(ins, Run):
                    script = ctx.shell(ins)
                    if script is not None and copies:
                        yield from self._check_run(script, copies, runs, workdir, reported)
                    runs.append(list(script.commands) if script is not None else [])

    @staticmethod
    def _check_run(
        script: ShellScript, copies: list[_Copied], runs: list[list[SimpleCommand]], workdir: str | None,
        reported: set[int],
    ) -> Iterator[Violation]:
        for cmd in script.commands_named("chown"):
            owner, recursive, paths = chown_targets(cmd)
            moved = any(c.start < cmd.start for c in script.cd_commands)
            earlier_here = [c for c in script.commands if c.start < cmd.start]
            for word in paths:
                if word.value is None:
                    continue
                target = _resolve(word.value, None if moved else workdir)
                if target is None:
                    continue
                for copied in copies:
                    key = id(copied.instruction)
                    if key in reported or not _overlaps(target, copied, recursive):
                        continue
                    later = [c for run in runs[copied.runs_before :] for c in run] + earlier_here
                    if _owner_created_later(owner, _created_names(later)):
                        continue  # `COPY --chown=name` would fail: no such user yet
                    reported.add(key)
                    yield Violation(copied.instruction.keyword_span,
                                    _copy_chown_message(copied.instruction, cmd, _chown_owner(owner)))
