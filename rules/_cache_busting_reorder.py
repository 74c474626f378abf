"""DF001's fix: copy the dependency manifests first, and move the offending COPY after the install.

The fix is planned from facts the rule already has (the offending ``COPY``, the install
``RUN``, the instructions between them, each RUN reduced to normalised argv lists) plus the
``context_files`` the engine lists from the build context: a rule never reads files, and a
manifest the context does not hold must never be named in a ``COPY`` (the build would fail).

It is offered only when the move cannot visibly change what the install or anything between
sees: one install of a known ecosystem that reads nothing but its manifests, between them only
inert steps (system packages, global tools, users, ENV/LABEL...), and no other COPY. Even then
it stays UNSAFE: a manifest may pull in more (``-r base.txt`` inside requirements.txt, a
``postinstall`` script, a ``replace ../lib`` in go.mod), which the context listing cannot show.
"""

from __future__ import annotations

import fnmatch
import posixpath
from collections.abc import Callable, Sequence

from dflint.finding import Fix, FixSafety, TextEdit
from dflint.lazyre import LazyPattern
from dflint.records import FrozenRecord, Record
from dflint.span import Span
from dflint.tree import (
    Arg,
    Cmd,
    Copy,
    Entrypoint,
    Env,
    Expose,
    Healthcheck,
    Instruction,
    Label,
    Maintainer,
    Run,
    Shell,
    Stopsignal,
    User,
    Workdir,
)

__all__ = ["UNKNOWN_ROOT", "Needs", "manifests_of", "reorder_fix", "workdirs"]

#: Argv lists of a RUN's commands, or None when the RUN cannot be read that far.
CommandsOf = Callable[[Run], list[list[str]] | None]

#: The base image's working directory: unknown, but the same until the stage's first WORKDIR.
UNKNOWN_ROOT = "/\x00base"
_KEPT_FLAGS = frozenset({"chown", "chmod", "link"})
#: Instructions that can sit between the COPY and the install without caring about the order
#: (WORKDIR and RUN are judged on their own; anything else, COPY and VOLUME first, stops the fix).
_INERT_INSTRUCTIONS = (Arg, Env, Label, Expose, User, Maintainer, Stopsignal, Shell, Cmd, Entrypoint,
                       Healthcheck)
_NODE_MONOREPO = ("lerna.json", "nx.json", "turbo.json", "rush.json")


class Needs(FrozenRecord):
    """What an install reads, as paths relative to the directory it runs in.

    ``required`` must all exist in the context; ``optional`` ones are copied when they exist;
    a context file matching a ``conflicts`` pattern beside them means the manifests are not
    enough (a workspace, a gemspec that reads the source, Yarn 2+'s `.yarn/` release).
    """

    __slots__ = ("conflicts", "optional", "required")
    __match_args__ = ("required", "optional", "conflicts")

    required: tuple[str, ...]
    optional: tuple[str, ...]
    conflicts: tuple[str, ...]

    def __init__(
        self, required: tuple[str, ...], optional: tuple[str, ...] = (), conflicts: tuple[str, ...] = (),
    ) -> None:
        _set = object.__setattr__
        _set(self, "required", required)
        _set(self, "optional", optional)
        _set(self, "conflicts", conflicts)


# -- what an install reads ------------------------------------------------------------------------

_PIP_VALUE_OPTIONS = frozenset({
    "-i", "--index-url", "--extra-index-url", "--trusted-host", "-t", "--target", "--prefix", "--root",
    "--platform", "--python-version", "--implementation", "--abi", "--only-binary", "--no-binary",
    "--progress-bar", "--timeout", "--retries", "--upgrade-strategy", "--src", "--cache-dir", "--log",
    "--proxy", "--cert", "--client-cert", "--exists-action", "--global-option", "--config-settings",
    "-C", "--report", "--python", "--keyring-provider", "--root-user-action", "--extra", "--group",
})
#: Short pip options that take a value: in a cluster (`-qr x`, `-rx`) the value follows them.
_PIP_SHORT_VALUES = frozenset("rceiftC")
_LOCAL_ARCHIVE = LazyPattern(r"\.(whl|tar\.gz|tgz|zip|tar\.bz2)$")


class _PipArgs(Record):
    __slots__ = ("files", "local")
    __match_args__ = ("files", "local")
    files: list[str]
    local: bool

    def __init__(self, files: list[str], local: bool = False) -> None:
        self.files = files
        self.local = local


def _is_local(arg: str) -> bool:
    """A pip argument naming something on disk (`.`, `./pkg`, `/wheels/x.whl`), not a package."""
    if "://" in arg:
        return False
    return arg.startswith((".", "/", "~")) or "/" in arg or _LOCAL_ARCHIVE.search(arg) is not None


def _pip_args(args: Sequence[str]) -> _PipArgs:
    """Requirement/constraint files of ``pip install``, and whether it also reads local paths."""
    parsed = _PipArgs([])
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        name, eq, value = arg.partition("=")
        if arg.startswith("--"):
            if name in ("--requirement", "--constraint", "--editable", "--find-links"):
                if not eq:
                    value = args[i] if i < len(args) else ""
                    i += 1
                if name == "--editable" or (name == "--find-links" and "://" not in value):
                    parsed.local = True
                elif name != "--find-links":
                    parsed.files.append(value)
            elif name in _PIP_VALUE_OPTIONS and not eq:
                i += 1
            continue
        if arg.startswith("-") and len(arg) > 1:
            cluster = arg[1:]
            for index, letter in enumerate(cluster):
                if letter not in _PIP_SHORT_VALUES:
                    continue
                value = cluster[index + 1:]
                if not value:
                    value = args[i] if i < len(args) else ""
                    i += 1
                if letter in "rc":
                    parsed.files.append(value)
                elif letter == "e" or (letter == "f" and "://" not in value):
                    parsed.local = True
                break
            continue
        if _is_local(arg):
            parsed.local = True
    return parsed


def _verb(args: Sequence[str]) -> str:
    positional = [a for a in args if not a.startswith("-")]
    return positional[0] if positional else ""


def _global_tool(name: str, args: Sequence[str]) -> bool:
    """`npm install -g x`, `yarn global add x`, `npm cache clean`: nothing read from the cwd."""
    verb = _verb(args)
    if name == "npm":
        return bool({"-g", "--global", "--location=global"} & set(args)) or verb in ("cache", "config")
    if name == "yarn":
        return verb in ("global", "cache", "config")
    if name in ("pnpm", "bun"):
        return "-g" in args or "--global" in args or verb in ("store", "config")
    return False


def manifests_of(argv: Sequence[str]) -> Needs | None:
    """What the install ``argv`` (normalised, see df001's ``_argv_of``) reads, or None when it
    reads more than manifests (``pip install .``, ``poetry install`` of the root, composer's
    scripts), is not an install, or is of an ecosystem the fix does not handle."""
    if not argv:
        return None
    name, args = argv[0], list(argv[1:])
    verb = _verb(args)
    if any("$" in a for a in args):
        return None
    if name == "pip" and verb == "install":
        rest = list(args)
        rest.remove("install")
        pip = _pip_args(rest)
        return None if pip.local or not pip.files else Needs(tuple(pip.files))
    if name == "poetry" and verb == "install" and "--no-root" in args:
        return Needs(("pyproject.toml",), ("poetry.lock", "poetry.toml"))
    positional = [a for a in args if not a.startswith("-")]
    if name == "pipenv" and verb in ("install", "sync") and len(positional) == 1:
        return Needs(("Pipfile",), ("Pipfile.lock",))
    if name == "uv" and verb == "sync" and "--no-install-project" in args:
        return Needs(("pyproject.toml",), ("uv.lock", ".python-version"))
    if _global_tool(name, args):
        return None
    if name == "npm" and verb in ("ci", "install", "i") and len(positional) == 1:
        return Needs(("package.json",), ("package-lock.json", "npm-shrinkwrap.json", ".npmrc"),
                     _NODE_MONOREPO)
    if name == "yarn" and verb in ("", "install") and len(positional) <= 1:
        return Needs(("package.json",), ("yarn.lock", ".yarnrc", ".npmrc"),
                     (*_NODE_MONOREPO, ".yarnrc.yml", ".yarn/"))
    if name == "pnpm" and verb == "fetch":
        return Needs(("pnpm-lock.yaml",), (".npmrc", "pnpm-workspace.yaml"))
    if name == "pnpm" and verb in ("install", "i") and len(positional) == 1:
        return Needs(("package.json",), ("pnpm-lock.yaml", ".npmrc", ".pnpmfile.cjs"),
                     (*_NODE_MONOREPO, "pnpm-workspace.yaml"))
    if name == "bun" and verb in ("install", "i") and len(positional) == 1:
        return Needs(("package.json",), ("bun.lockb", "bun.lock", "bunfig.toml", ".npmrc"), _NODE_MONOREPO)
    if name == "bundle" and verb in ("", "install") and len(positional) <= 1:
        return Needs(("Gemfile",), ("Gemfile.lock", ".ruby-version"), ("*.gemspec",))
    if name == "go" and verb == "mod" and positional[1:2] == ["download"] and len(positional) == 2:
        return Needs(("go.mod",), ("go.sum",), ("go.work",))
    if (name == "composer" and verb in ("install", "update") and "--no-scripts" in args
            and "--no-autoloader" in args):
        return Needs(("composer.json",), ("composer.lock", "auth.json"))
    return None


# -- what may sit beside the install ---------------------------------------------------------------

_SYSTEM_PACKAGES = frozenset({"apt-get", "apt", "apk", "yum", "dnf", "microdnf", "zypper", "tdnf"})
_INERT_COMMANDS = frozenset({
    "echo", "true", ":", "set", "export", "useradd", "adduser", "groupadd", "addgroup", "usermod",
    "update-ca-certificates", "ldconfig", "corepack", "locale-gen", "sleep",
})
_SCRATCH = ("/var/", "/tmp/", "/root/.cache", "~/.cache", "/usr/share/doc", "/usr/share/man")


def is_inert(argv: Sequence[str]) -> bool:
    """Whether a command reads and writes nothing the offending COPY brings in.

    Deliberately short: anything else (`make`, `cd`, `chown -R`, `npm run build`) may use the
    copied files, and then moving the COPY after it breaks the build.
    """
    if not argv:
        return True
    name, args = argv[0], list(argv[1:])
    if name in _INERT_COMMANDS:
        return True
    if name == "mkdir":
        return "-p" in args or "--parents" in args
    if name == "rm":
        return all(a.startswith(_SCRATCH) for a in args if not a.startswith("-"))
    if name in _SYSTEM_PACKAGES:
        return not any(_is_local(a) for a in args if not a.startswith("-") and "://" not in a)
    if name == "pip":
        verb = _verb(args)
        if verb in ("install", "uninstall"):
            rest = list(args)
            rest.remove(verb)
            pip = _pip_args(rest)
            return not pip.files and not pip.local
        return verb in ("cache", "config", "list") or (verb == "" and "--version" in args)
    if name == "gem":
        return _verb(args) in ("install", "update") and not any(
            a.endswith(".gem") or _is_local(a) for a in args if not a.startswith("-"))
    if name == "go":
        verb = _verb(args)
        packages = [a for a in args[1:] if not a.startswith("-")]
        return verb == "env" or (verb == "install" and all("@" in a for a in packages))
    return _global_tool(name, args)


# -- the plan --------------------------------------------------------------------------------------


def _clean(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text


def workdirs(sequence: Sequence[Instruction]) -> list[str]:
    """The working directory each instruction of the sequence runs in."""
    current = UNKNOWN_ROOT
    found: list[str] = []
    for index, instruction in enumerate(sequence):
        found.append(current)
        if isinstance(instruction, Workdir) and instruction.path is not None:
            path = _clean(instruction.path.text)
            if "$" in path:
                current = f"/\x00var{index}"  # unknown, and equal to nothing else
            else:
                current = posixpath.normpath(posixpath.join(current, path))
    return found


def _source_prefix(copy: Copy, context_files: frozenset[str]) -> str | None:
    """``""`` for the whole context, ``dir/`` for a folder of it, None for anything else."""
    if len(copy.sources) != 1:
        return None
    path = _clean(copy.sources[0].text)
    if "$" in path or any(c in path for c in "*?[\\ "):
        return None
    while path.startswith("./"):
        path = path[2:]
    path = path.strip("/")
    if path in ("", "."):
        return ""
    path = posixpath.normpath(path)
    if path.startswith(".."):
        return None
    prefix = path + "/"
    return prefix if any(f.startswith(prefix) for f in context_files) else None


def _flags_text(copy: Copy, lines: Sequence[str]) -> str | None:
    """The flags to keep on the new COPY, as written; None when one of them cannot be kept."""
    kept: list[str] = []
    for flag in copy.flags:
        if flag.name not in _KEPT_FLAGS or "$" in flag.raw:
            return None
        span = flag.span
        if span.start_line == span.end_line and span.start_line <= len(lines):
            kept.append(lines[span.start_line - 1][span.start_col - 1:span.end_col - 1])
        else:
            kept.append(flag.raw)
    return "".join(f"{k} " for k in kept)


def _under(path: str, folder: str) -> str | None:
    """``path`` relative to ``folder`` when inside it (and not the folder itself)."""
    base = folder.rstrip("/")
    if not path.startswith(base + "/"):
        return None
    rest = path[len(base) + 1:]
    return rest or None


def _conflicts(needs: Needs, folder: str, context_files: frozenset[str]) -> bool:
    for pattern in needs.conflicts:
        if pattern.endswith("/"):
            if any(f.startswith(folder + pattern) for f in context_files):
                return True
            continue
        for f in context_files:
            beside = posixpath.dirname(f) + "/" == folder or (folder == "" and "/" not in f)
            if beside and fnmatch.fnmatchcase(posixpath.basename(f), pattern):
                return True
    return False


class _Plan(FrozenRecord):
    __slots__ = ("dest_text", "sources", "target")
    __match_args__ = ("sources", "target", "dest_text")
    sources: tuple[str, ...]
    target: str  # the image folder they land in
    dest_text: str

    def __init__(self, sources: tuple[str, ...], target: str, dest_text: str) -> None:
        _set = object.__setattr__
        _set(self, "sources", sources)
        _set(self, "target", target)
        _set(self, "dest_text", dest_text)


def _plan(needs: Needs, copy: Copy, prefix: str, copy_dir: str, run_dir: str,
          context_files: frozenset[str]) -> _Plan | None:
    assert copy.destination is not None
    dest = _clean(copy.destination.text)
    if "$" in dest or any(c in dest for c in " \\"):
        return None
    landing = posixpath.normpath(posixpath.join(copy_dir, dest))
    located: list[tuple[str, str]] = []  # (context path, path below the landing folder)
    names = [(n, True) for n in needs.required] + [(n, False) for n in needs.optional]
    for name, required in names:
        if not name or any(c in name for c in "$*?[ \\'\"~"):
            return None
        inside = _under(posixpath.normpath(posixpath.join(run_dir, name)), landing)
        if inside is None or inside.startswith("../"):
            return None
        context_path = prefix + inside
        if context_path in context_files:
            located.append((context_path, inside))
        elif required:
            return None
    folders = {posixpath.dirname(inside) for _, inside in located}
    if len(folders) != 1:
        return None
    (folder,) = folders
    context_folder = prefix + (folder + "/" if folder else "")
    if _conflicts(needs, context_folder, context_files):
        return None
    base = "./" if dest in (".", "./") else (dest if dest.endswith("/") else dest + "/")
    dest_text = base + (folder + "/" if folder else "")
    target = posixpath.normpath(posixpath.join(landing, folder)) if folder else landing
    return _Plan(tuple(dict.fromkeys(p for p, _ in located)), target, dest_text)


def _already_copied(plan: _Plan, earlier: Sequence[Instruction], dirs: Sequence[str]) -> bool:
    """Whether earlier COPYs already bring every planned file to the same folder."""
    missing = set(plan.sources)
    for instruction, workdir in zip(earlier, dirs, strict=True):
        if not isinstance(instruction, Copy) or instruction.from_stage or instruction.destination is None:
            continue
        dest = posixpath.normpath(posixpath.join(workdir, _clean(instruction.destination.text)))
        for word in instruction.sources:
            source = _clean(word.text)
            while source.startswith("./"):
                source = source[2:]
            for path in list(missing):
                at = (dest == plan.target
                      or dest == posixpath.join(plan.target, posixpath.basename(path)))
                if at and fnmatch.fnmatchcase(path, source):
                    missing.discard(path)
    return not missing


def reorder_fix(sequence: Sequence[Instruction], copy: Copy, run: Run, lines: Sequence[str],
                text: str, commands_of: CommandsOf, context_files: Sequence[str],
                reads_more: Callable[[Sequence[str]], bool] = lambda _paths: False) -> Fix | None:
    """The fix for ``copy`` (reported before the install ``run``), or None when not offered.

    ``sequence`` is the stage's own instruction list (never ONBUILD triggers); ``lines`` and
    ``text`` the file as parsed. ``reads_more`` tells, from the manifests' text when the engine
    read it, whether the manifests to copy first need other files of the context (``-r
    base.txt``, a ``file:`` dependency, a local ``replace``): then copying them alone would
    break the install, and no fix is offered.
    """
    files = frozenset(context_files)
    if not files or copy.from_stage or copy.heredocs or copy.destination is None or copy.parents:
        return None
    try:
        first, last = sequence.index(copy), sequence.index(run)
    except ValueError:
        return None
    if first >= last or run.heredocs:
        return None
    prefix = _source_prefix(copy, files)
    flags = _flags_text(copy, lines)
    if prefix is None or flags is None:
        return None
    dirs = workdirs(sequence)
    dest_is_relative = not _clean(copy.destination.text).startswith("/")
    for between in sequence[first + 1:last]:
        if isinstance(between, Workdir):
            if dest_is_relative:
                return None  # after the move the COPY would land somewhere else
            continue
        if isinstance(between, Run):
            argvs = commands_of(between)
            if argvs is None or not all(is_inert(a) for a in argvs):
                return None
            continue
        if not isinstance(between, _INERT_INSTRUCTIONS):
            return None
    argvs = commands_of(run)
    if argvs is None:
        return None
    needs = [n for n in (manifests_of(a) for a in argvs) if n is not None]
    others = [a for a in argvs if manifests_of(a) is None]
    if len(needs) != 1 or not all(is_inert(a) for a in others):
        return None
    plan = _plan(needs[0], copy, prefix, dirs[first], dirs[last], files)
    if plan is None or reads_more(plan.sources):
        return None
    return _edits(copy, run, plan, flags, lines, text,
                  _already_copied(plan, sequence[:first], dirs[:first]))


def _edits(copy: Copy, run: Run, plan: _Plan, flags: str, lines: Sequence[str], text: str,
           already: bool) -> Fix:
    start, end = copy.start_line, copy.end_line
    moved = "\n".join(lines[start - 1:end])
    first_line = lines[start - 1]
    indent = first_line[:len(first_line) - len(first_line.lstrip())]
    keyword = copy.keyword or "COPY"
    new_copy = "" if already else f"{indent}{keyword} {flags}{' '.join(plan.sources)} {plan.dest_text}\n"
    unterminated_end = not text.endswith("\n") and run.end_line >= text.count("\n") + 1
    if unterminated_end:
        column = len(lines[run.end_line - 1]) + 1
        at = Span(run.end_line, column, run.end_line, column)
        insert = "\n" + moved
    else:
        at = Span(run.end_line + 1, 1, run.end_line + 1, 1)
        insert = moved + "\n"
    names = ", ".join(plan.sources)
    description = (f"Move this {keyword.upper()} after the install" if already else
                   f"Copy {names} first and move this {keyword.upper()} after the install")
    return Fix(
        (TextEdit(Span(start, 1, end + 1, 1), new_copy), TextEdit(at, insert)),
        FixSafety.UNSAFE,
        description,
    )
