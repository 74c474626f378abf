"""DF001's reading of RUN commands: which ones install dependencies from the build context.

A command is a *dependency step* when it reads manifests the context provides (``npm ci``,
``pip install -r``, ``go mod download``) or builds the project and fetches on the way (``go
build``, ``mvn package``). Commands that fetch named packages (``npm install left-pad``, ``go
get golang.org/x/tools``) read nothing from the context and are not listed.

Besides the installs, a RUN tells DF001 a few facts of its own (:class:`RunFacts`): whether it
creates a project in the image (``dotnet new``), which files it downloads or clones, which Go
commands it runs, and whether it does anything beyond file bookkeeping. All of it depends on the
script alone and is cached per script (:func:`per_script`).
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
from collections.abc import Iterator, Sequence

from dflint.lazyre import LazyPattern
from dflint.plugin import Context
from dflint.records import FrozenRecord
from dflint.shell import ShellScript, SimpleCommand
from dflint.tree import Run

from ._pkgmgr import per_script

__all__ = [
    "ECOSYSTEM_MANIFESTS",
    "Install",
    "RunFacts",
    "argv_of",
    "ecosystem_of_manifest",
    "run_facts",
    "run_installs",
    "script_installs",
]


class Install(FrozenRecord):
    """One dependency step of a RUN.

    ``prefetch`` installs are the dependency step itself (``npm ci``); the others build the
    project and fetch dependencies on the way (``go build``), which matters only when the stage
    has no earlier dependency step of the same ecosystem. ``conditional`` installs may not run
    at all (``if [ -s requirements.txt ]; then pip install ...``). ``paths`` are the local
    paths a project install reads (``pip install -e ./lib``) or the package files a system
    package manager installs (``apt-get install ./tool.deb``).
    """

    __slots__ = ("conditional", "ecosystem", "line", "manifests", "paths", "prefetch", "step", "text",
                 "tool", "verb")
    __match_args__ = ("ecosystem", "prefetch", "manifests", "line", "text", "step", "tool", "paths",
                      "conditional", "verb")

    ecosystem: str
    prefetch: bool
    manifests: tuple[str, ...]
    line: int
    text: str
    #: What to run between copying the manifests and the rest (None: "install").
    step: str | None
    tool: str
    paths: tuple[str, ...]
    conditional: bool
    #: The subcommand (``build``, ``mod download``, ``restore``...).
    verb: str

    def __init__(
        self, ecosystem: str, prefetch: bool, manifests: tuple[str, ...], line: int, text: str,
        step: str | None = None, tool: str = "", paths: tuple[str, ...] = (), conditional: bool = False,
        verb: str = "",
    ) -> None:
        _set = object.__setattr__
        _set(self, "ecosystem", ecosystem)
        _set(self, "prefetch", prefetch)
        _set(self, "manifests", manifests)
        _set(self, "line", line)
        _set(self, "text", text)
        _set(self, "step", step)
        _set(self, "tool", tool)
        _set(self, "paths", paths)
        _set(self, "conditional", conditional)
        _set(self, "verb", verb)


class _Kind(FrozenRecord):
    """What :func:`_classify` makes of one command."""

    __slots__ = ("manifests", "paths", "prefetch", "step", "tool")
    __match_args__ = ("tool", "prefetch", "manifests", "step", "paths")

    tool: str
    prefetch: bool
    manifests: tuple[str, ...]
    step: str | None
    paths: tuple[str, ...]

    def __init__(self, tool: str, prefetch: bool, manifests: tuple[str, ...], step: str | None = None,
                 paths: tuple[str, ...] = ()) -> None:
        _set = object.__setattr__
        _set(self, "tool", tool)
        _set(self, "prefetch", prefetch)
        _set(self, "manifests", manifests)
        _set(self, "step", step)
        _set(self, "paths", paths)


ECOSYSTEM_MANIFESTS: dict[str, tuple[str, ...]] = {
    "pip": ("requirements.txt",),
    "pip-project": ("pyproject.toml",),
    "poetry": ("pyproject.toml", "poetry.lock"),
    "pipenv": ("Pipfile", "Pipfile.lock"),
    "uv": ("pyproject.toml", "uv.lock"),
    "pdm": ("pyproject.toml", "pdm.lock"),
    "npm": ("package.json", "package-lock.json"),
    "yarn": ("package.json", "yarn.lock"),
    "pnpm": ("package.json", "pnpm-lock.yaml"),
    "bun": ("package.json", "bun.lockb"),
    "bundle": ("Gemfile", "Gemfile.lock"),
    "go": ("go.mod", "go.sum"),
    "cargo": ("Cargo.toml", "Cargo.lock"),
    "composer": ("composer.json", "composer.lock"),
    "mvn": ("pom.xml",),
    "gradle": ("build.gradle", "settings.gradle"),
    "dotnet": ("*.csproj",),
}
_ECOSYSTEM = {
    "pip": "python", "pip-project": "python", "poetry": "python", "pipenv": "python", "uv": "python",
    "pdm": "python", "npm": "node", "yarn": "node", "pnpm": "node", "bun": "node",
    "bundle": "ruby", "go": "go", "cargo": "rust", "composer": "php", "mvn": "java",
    "gradle": "java", "dotnet": "dotnet",
}
#: Manifest file names (lower case) and globs, by the ecosystem that reads them.
_MANIFEST_ECOSYSTEMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("python", ("pyproject.toml", "poetry.lock", "poetry.toml", "setup.py", "setup.cfg", "pipfile",
                "pipfile.lock", "uv.lock", "pdm.lock", "pip.conf", "environment.yml", "environment.yaml",
                ".python-version", "manifest.in", "*requirements*.txt", "*requirements*.in",
                "constraints*.txt", "requirements")),
    ("node", ("package.json", "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml",
              "pnpm-workspace.yaml", ".npmrc", ".yarnrc", ".yarnrc.yml", "bun.lockb", "bun.lock",
              ".pnpmfile.cjs", "lerna.json", ".nvmrc", ".yarn",
              # read by the install itself: patch-package / pnpm's patchedDependencies apply
              # patches/, @prisma/client's postinstall generates from the Prisma schema
              "patches", "prisma", "schema.prisma")),
    ("ruby", ("gemfile", "gemfile.lock", ".ruby-version", "*.gemspec")),
    ("go", ("go.mod", "go.sum", "go.work", "go.work.sum")),
    ("rust", ("cargo.toml", "cargo.lock", "rust-toolchain", "rust-toolchain.toml", ".cargo")),
    ("php", ("composer.json", "composer.lock", "auth.json")),
    ("java", ("pom.xml", "mvnw", ".mvn", "build.gradle", "build.gradle.kts", "settings.gradle",
              "settings.gradle.kts", "gradle.properties", "gradlew", "gradle")),
    ("dotnet", ("nuget.config", "packages.config", "directory.build.props", "directory.packages.props",
                "global.json", "*.csproj", "*.fsproj", "*.vbproj", "*.sln")),
)


def ecosystem_of_manifest(name: str) -> str | None:
    """The ecosystem whose dependency step reads the file (or folder) ``name``, if any."""
    lowered = name.lower()
    for ecosystem, patterns in _MANIFEST_ECOSYSTEMS:
        if any(lowered == p or ("*" in p and fnmatch.fnmatchcase(lowered, p)) for p in patterns):
            return ecosystem
    return None


_PIP_REQUIREMENT = LazyPattern(r"^-[A-Za-z]*r(.*)$")
_LOCAL_PACKAGE = LazyPattern(r"\.(deb|rpm|apk)$")
_PYTHON = LazyPattern(r"python[0-9.]*")
_PIP = LazyPattern(r"pip[0-9.]*")


#: Programs that run another command in an environment they set up (``conda run -n app pip
#: install ...``, ``pyenv exec pipenv install``), with their options that take a value.
_RUNNERS: dict[str, tuple[str, frozenset[str]]] = {
    "conda": ("run", frozenset({"-n", "--name", "-p", "--prefix", "--cwd"})),
    "mamba": ("run", frozenset({"-n", "--name", "-p", "--prefix", "--cwd"})),
    "micromamba": ("run", frozenset({"-n", "--name", "-p", "--prefix", "--cwd"})),
    "pyenv": ("exec", frozenset()),
    "poetry": ("run", frozenset({"-C", "--directory", "-P", "--project"})),
    "pipenv": ("run", frozenset()),
    "pdm": ("run", frozenset({"-p", "--project"})),
    "corepack": ("", frozenset()),
}


def _unwrap_runner(name: str, args: list[str]) -> list[str] | None:
    """The command a runner runs (``pip install -r r.txt`` for ``conda run -n app pip install
    -r r.txt``), None when ``name args`` is not such a runner."""
    runner = _RUNNERS.get(name)
    if runner is None:
        return None
    verb, valued = runner
    rest = args
    if verb:
        if not rest or rest[0] != verb:
            return None
        rest = rest[1:]
    i = 0
    while i < len(rest) and rest[i].startswith("-"):
        i += 2 if rest[i] in valued else 1
    return rest[i:] or None


def argv_of(words: Sequence[str]) -> list[str]:
    """Normalise a command: ``python3 -m pip`` → ``pip``, ``./gradlew`` → ``gradle``, ``conda
    run -n app pip ...`` → ``pip ...``..."""
    if not words:
        return []
    name = posixpath.basename(words[0])
    args = list(words[1:])
    inner = _unwrap_runner(name, args)
    if inner is not None:
        return argv_of(inner)
    if _PYTHON.fullmatch(name) and args[:1] == ["-m"] and len(args) > 1:
        name, args = args[1], args[2:]
    if _PIP.fullmatch(name):
        name = "pip"
    if name == "uv" and args[:1] == ["pip"]:
        name, args = "pip", args[1:]
    if name in ("gradlew", "gradle"):
        name = "gradle"
    if name in ("mvnw", "mvn"):
        name = "mvn"
    return [name, *args]


def _positional(args: Sequence[str]) -> list[str]:
    return [a for a in args if not a.startswith("-")]


def _pip(args: list[str]) -> _Kind | None:
    """``pip install|download|wheel`` (a download or wheel of requirements fetches them ahead,
    like an install). ``--no-index``/``--offline`` fetch nothing: they install wheels already
    in the image (``pip wheel -r requirements.txt -w /wheels`` in a builder)."""
    if "--no-index" in args or "--offline" in args:
        return None
    requirements: list[str] = []
    for i, arg in enumerate(args):
        match = _PIP_REQUIREMENT.match(arg) if not arg.startswith("--") else None
        if arg.startswith("--requirement"):
            value = arg.partition("=")[2] or (args[i + 1] if i + 1 < len(args) else "")
            requirements.append(posixpath.basename(value))
        elif match:
            value = match.group(1) or (args[i + 1] if i + 1 < len(args) else "")
            requirements.append(posixpath.basename(value))
    if requirements:
        return _Kind("pip", True, tuple(r for r in requirements if r) or ("requirements.txt",))
    paths = [a for a in _positional(args)[1:] if a == "." or a.startswith(("./", "/", "../"))]
    for i, arg in enumerate(args):
        if arg in ("-e", "--editable") and i + 1 < len(args):
            paths.append(args[i + 1])
        elif arg.startswith("--editable="):
            paths.append(arg.partition("=")[2])
    if paths:
        return _Kind("pip-project", False, ("pyproject.toml",), "install the dependencies",
                     tuple(dict.fromkeys(paths)))
    return None


def _go(args: list[str]) -> _Kind | None:
    positional = _positional(args)
    verb = positional[0] if positional else ""
    packages = positional[1:]
    if verb == "mod":
        if "download" in args:
            return _Kind("go", True, ECOSYSTEM_MANIFESTS["go"])
        if "tidy" in args:
            return _Kind("go", False, ECOSYSTEM_MANIFESTS["go"], "run `go mod download`")
        return None
    if verb == "get":
        # `go get golang.org/x/tools/...` fetches a named module; bare `go get`, `go get .` and
        # `go get ./...` fetch what the copied sources import.
        if all(p.startswith(".") for p in packages):
            return _Kind("go", False, ECOSYSTEM_MANIFESTS["go"], "run `go mod download`")
        return None
    if verb in ("build", "install", "test", "vet", "generate") and not any("@" in a for a in args):
        return _Kind("go", False, ECOSYSTEM_MANIFESTS["go"], "run `go mod download`")
    return None


def _java(name: str, args: list[str]) -> _Kind | None:
    goals = _positional(args)
    if name == "mvn":
        if any(g.startswith("dependency:") or "go-offline" in g or "resolve" in g for g in goals):
            return _Kind("mvn", True, ECOSYSTEM_MANIFESTS["mvn"])
        if any(g in ("package", "install", "verify", "compile", "test") for g in goals):
            return _Kind("mvn", False, ECOSYSTEM_MANIFESTS["mvn"], "run `mvn dependency:go-offline`")
        return None
    if "dependencies" in goals:
        return _Kind("gradle", True, ECOSYSTEM_MANIFESTS["gradle"])
    if goals:
        return _Kind("gradle", False, ECOSYSTEM_MANIFESTS["gradle"], "run `gradle dependencies`")
    return None


def _dotnet(name: str, args: list[str]) -> _Kind | None:
    verb = (_positional(args) or [""])[0]
    if name == "nuget":
        if verb != "restore":
            return None
        target = (_positional(args)[1:] or [""])[0].lower()
        solution = ("*.sln",) if target.endswith(".sln") or not target else ()
        return _Kind("dotnet", True, (*solution, "*.csproj", "packages.config"))
    if name == "msbuild" or (name == "dotnet" and verb == "msbuild"):
        targets = [a.lower() for a in args if a.lower().startswith(("/t:", "-t:", "/target:", "-target:"))]
        if any("restore" in t for t in targets):
            return _Kind("dotnet", True, ECOSYSTEM_MANIFESTS["dotnet"])
        return None
    if verb == "restore":
        return _Kind("dotnet", True, ECOSYSTEM_MANIFESTS["dotnet"])
    if verb in ("build", "publish", "test", "pack") and "--no-restore" not in args:
        return _Kind("dotnet", False, ECOSYSTEM_MANIFESTS["dotnet"], "run `dotnet restore`")
    return None


def _classify(argv: Sequence[str]) -> _Kind | None:
    """What the command ``argv`` is, when it installs dependencies from the context."""
    if not argv:
        return None
    name, args = argv[0], list(argv[1:])
    sub = _positional(args)[:1]
    verb = sub[0] if sub else ""
    if name == "pip":
        return _pip(args) if verb in ("install", "download", "wheel") else None
    if name in ("poetry", "pipenv", "pdm") and verb in ("install", "sync"):
        if name == "poetry" and "--only-root" in args:
            return None
        return _Kind(name, True, ECOSYSTEM_MANIFESTS[name])
    if name == "uv" and verb == "sync":
        return _Kind("uv", True, ECOSYSTEM_MANIFESTS["uv"])
    if name in ("npm", "pnpm", "bun") and verb in ("ci", "install", "i", "fetch"):
        if len(_positional(args)) > 1 or "-g" in args or "--global" in args:
            return None  # `npm install left-pad`: a named package, no manifest involved
        return _Kind(name, True, ECOSYSTEM_MANIFESTS[name])
    if name == "yarn" and (verb in ("", "install")):
        return _Kind("yarn", True, ECOSYSTEM_MANIFESTS["yarn"])
    if name == "bundle" and verb in ("", "install"):
        return _Kind("bundle", True, ECOSYSTEM_MANIFESTS["bundle"])
    if name == "go":
        return _go(args)
    if name == "cargo":
        if verb == "fetch" or (verb == "chef" and "cook" in args):
            return _Kind("cargo", True, ECOSYSTEM_MANIFESTS["cargo"])
        if verb in ("build", "test") or (verb == "install" and "--path" in args):
            return _Kind("cargo", False, ECOSYSTEM_MANIFESTS["cargo"],
                         "build the dependencies (cargo-chef, or a stub `src/main.rs`)")
        return None
    if name == "composer" and verb in ("install", "update"):
        return _Kind("composer", True, ECOSYSTEM_MANIFESTS["composer"])
    if name in ("mvn", "gradle"):
        return _java(name, args)
    if name in ("dotnet", "nuget", "msbuild"):
        return _dotnet(name, args)
    local = _local_packages(name, args)
    if local:
        return _Kind(f"local:{name}", True, tuple(posixpath.basename(p) for p in local), paths=local)
    return None


def _local_packages(name: str, args: Sequence[str]) -> tuple[str, ...]:
    """Package files installed from disk (`apt-get install ./tool.deb`, `dpkg -i x.deb`)."""
    installs = {
        "apt-get": "install", "apt": "install", "yum": "install", "dnf": "install",
        "microdnf": "install", "zypper": "install", "apk": "add",
    }
    if name in installs:
        if installs[name] not in args:
            return ()
    elif name not in ("dpkg", "rpm"):
        return ()
    return tuple(a for a in args if not a.startswith("-") and _LOCAL_PACKAGE.search(a))


# -- what creates a project in the image --------------------------------------------------------------

_GENERATORS: dict[str, tuple[str, frozenset[str]]] = {
    "dotnet": ("dotnet", frozenset({"new"})),
    "npm": ("node", frozenset({"init", "create"})),
    "yarn": ("node", frozenset({"init", "create"})),
    "pnpm": ("node", frozenset({"init", "create"})),
    "cargo": ("rust", frozenset({"new", "init"})),
    "poetry": ("python", frozenset({"new", "init"})),
    "uv": ("python", frozenset({"init"})),
    "composer": ("php", frozenset({"init", "create-project"})),
    "bundle": ("ruby", frozenset({"init"})),
    "rails": ("ruby", frozenset({"new"})),
    "gradle": ("java", frozenset({"init"})),
}


def _generates(argv: Sequence[str]) -> str | None:
    """The ecosystem whose project ``argv`` creates in the image (``dotnet new console``)."""
    if not argv:
        return None
    name, args = argv[0], list(argv[1:])
    verb = (_positional(args) or [""])[0]
    if name == "go" and args[:2] == ["mod", "init"]:
        return "go"
    if name == "mvn" and any(a.startswith("archetype:generate") for a in args):
        return "java"
    found = _GENERATORS.get(name)
    return found[0] if found is not None and verb in found[1] else None


# -- one RUN's facts ----------------------------------------------------------------------------------

#: Programs that only shuffle files around: a RUN of nothing else is no dependency step.
_BOOKKEEPING = frozenset({
    "chmod", "chown", "chgrp", "ls", "mkdir", "rm", "rmdir", "touch", "ln", "cp", "mv", "echo", "printf",
    "true", ":", "cd", "pwd", "export", "set", "test", "[", "[[", "cat", "sed", "find", "stat", "tree",
    "du", "sleep", "whoami", "id", "useradd", "adduser", "groupadd", "addgroup", "usermod", "env",
    "apt-get", "apt", "apk", "yum", "dnf", "microdnf", "zypper", "tdnf", "update-ca-certificates",
    "ldconfig", "locale-gen", "git", "wget", "curl", "tar", "unzip", "gzip",
})
_DOWNLOADERS = frozenset({"wget", "curl", "aria2c", "gsutil", "aws", "az"})
_FILE_TESTS = frozenset({"-f", "-s", "-e", "-r", "-d"})
_CONDITIONAL = frozenset({"if_statement", "elif_clause", "else_clause", "case_statement", "case_item",
                          "while_statement"})


class RunFacts(FrozenRecord):
    """What DF001 needs to know of one RUN besides its installs."""

    __slots__ = ("cloned", "downloaded", "generated", "go_verbs", "substantial", "text")
    __match_args__ = ("substantial", "generated", "downloaded", "cloned", "go_verbs", "text")

    #: It runs more than file bookkeeping and system packages (a dependency step, maybe).
    substantial: bool
    #: Ecosystems whose project it creates (``dotnet new``).
    generated: frozenset[str]
    #: Words given to downloaders (``wget https://x/tool.deb``): files that come from elsewhere.
    downloaded: tuple[str, ...]
    #: Folders it clones into (``git clone URL [dir]``).
    cloned: frozenset[str]
    #: The Go subcommands it runs (``build``, ``get``, ``mod download``...).
    go_verbs: frozenset[str]
    #: The script (or the exec-form argv) as text.
    text: str

    def __init__(self, substantial: bool, generated: frozenset[str], downloaded: tuple[str, ...],
                 cloned: frozenset[str], go_verbs: frozenset[str], text: str) -> None:
        _set = object.__setattr__
        _set(self, "substantial", substantial)
        _set(self, "generated", generated)
        _set(self, "downloaded", downloaded)
        _set(self, "cloned", cloned)
        _set(self, "go_verbs", go_verbs)
        _set(self, "text", text)


def _verb(argv: Sequence[str]) -> str:
    """``build`` for ``go build -o x``, ``mod download`` for ``go mod download``."""
    positional = _positional(argv[1:])
    return " ".join(positional[:2]) if positional[:1] == ["mod"] else (positional or [""])[0]


_VERSIONED_PROGRAM = LazyPattern(r"(python|pip)[0-9.]*\$\{?[A-Za-z_][A-Za-z0-9_]*\}?")


def _program(cmd: SimpleCommand) -> str | None:
    """The program's name; ``python`` for ``python$PYTHON_VERSION`` (a version in a variable)."""
    if cmd.name is not None:
        return cmd.name
    word = cmd.name_word
    match = _VERSIONED_PROGRAM.fullmatch(word.unquoted) if word is not None else None
    return match.group(1) if match else None


def _words(cmd: SimpleCommand) -> list[str] | None:
    name = _program(cmd)
    if name is None:
        return None
    return [name, *[w.value if w.value is not None else w.unquoted for w in cmd.args]]


#: Subcommands that set a tool up rather than run it (`go env -w`, `npm config set`).
_SETUP_VERBS = frozenset({"config", "env", "version", "help", "cache", "completion", "set", "--version",
                          "-v", "-version"})


def _bookkeeping(name: str, argv: Sequence[str]) -> bool:
    """Whether a command only shuffles files, installs system packages or configures a tool:
    a RUN of nothing else is no dependency step, even right after a manifests COPY."""
    if name in _BOOKKEEPING:
        return True
    first = next((a for a in argv[1:] if not a.startswith("-") or a in _SETUP_VERBS), "")
    return first in _SETUP_VERBS


def _facts(argvs: Sequence[Sequence[str]], text: str) -> RunFacts:
    substantial = False
    generated: set[str] = set()
    downloaded: list[str] = []
    cloned: set[str] = set()
    go_verbs: set[str] = set()
    for raw in argvs:
        if not raw:
            continue
        name = posixpath.basename(raw[0])
        argv = argv_of(raw)
        substantial = substantial or not _bookkeeping(name, argv)
        eco = _generates(argv)
        if eco is not None:
            generated.add(eco)
        if name in _DOWNLOADERS:
            downloaded.extend(raw[1:])
        if name == "git" and "clone" in raw[1:]:
            cloned.update(_clone_target(raw[raw.index("clone") + 1:]))
        if argv[0] == "go":
            go_verbs.add(_verb(argv))
    return RunFacts(substantial, frozenset(generated), tuple(downloaded), frozenset(cloned),
                    frozenset(go_verbs), text)


def _clone_target(args: Sequence[str]) -> set[str]:
    """The folder ``git clone`` creates: its second operand, else the repository's name."""
    values = {"-b", "--branch", "--depth", "-o", "--origin", "-c", "--config", "--reference",
              "--separate-git-dir", "-j", "--jobs", "--filter", "-u", "--upload-pack", "--template"}
    operands: list[str] = []
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg in values:
            skip = True
        elif not arg.startswith("-"):
            operands.append(arg)
    if len(operands) >= 2:
        return {posixpath.normpath(operands[1]).lstrip("./") or operands[1]}
    if operands:
        name = posixpath.basename(operands[0].rstrip("/"))
        return {name[:-4] if name.endswith(".git") else name}
    return set()


def _guarded_by_file_test(script: ShellScript, cmd: SimpleCommand) -> bool:
    """``[ -f composer.json ] && composer install``: the install runs only if a file exists."""
    if cmd.list_index is None or not cmd.list_position:
        return False
    items = script.lists[cmd.list_index].items[:cmd.list_position]
    for item in items:
        for test in item.commands:
            if test.basename in ("[", "[[", "test") and any(w.value in _FILE_TESTS for w in test.args):
                return True
    return False


def script_installs(script: ShellScript) -> Iterator[Install]:
    """The installs of a shell script, each marked conditional when it may not run.

    An install inside ``if``/``case`` is conditional when it is the only one of its ecosystem
    in the script: one branch installs from the manifests, the others do something else (or
    nothing), as in ONBUILD hooks (``if [ -s requirements.txt ]; then pip install ...``).
    When every branch installs (``if arm64; then cargo build --target ...; else cargo build``),
    the RUN installs whichever branch runs.
    """
    found: list[tuple[SimpleCommand, _Kind, str]] = []
    for cmd in script.commands:
        words = None if cmd.in_substitution else _words(cmd)
        if words is None:
            continue
        argv = argv_of(words)
        kind = _classify(argv)
        if kind is not None:
            found.append((cmd, kind, _verb(argv)))
    per_ecosystem: dict[str, int] = {}
    for _, kind, _ in found:
        eco = _ECOSYSTEM.get(kind.tool, kind.tool)
        per_ecosystem[eco] = per_ecosystem.get(eco, 0) + 1
    for cmd, kind, verb in found:
        eco = _ECOSYSTEM.get(kind.tool, kind.tool)
        branch_only = bool(_CONDITIONAL & set(cmd.enclosing)) and per_ecosystem[eco] == 1
        yield Install(eco, kind.prefetch, kind.manifests, cmd.span.start_line,
                      _command_text(script, cmd.start, cmd.end), kind.step, kind.tool, kind.paths,
                      branch_only or _guarded_by_file_test(script, cmd), verb)


def _script_facts(script: ShellScript) -> Iterator[RunFacts]:
    argvs = [w for w in (_words(cmd) for cmd in script.commands if not cmd.in_substitution) if w]
    yield _facts(argvs, script.script)


def _command_text(script: ShellScript, start: int, end: int) -> str:
    text = " ".join(script.script[start:end].split())
    return text if len(text) <= 60 else text[:57] + "..."


_SHELLS = (["sh"], ["/bin/sh"], ["bash"], ["/bin/bash"])


def run_installs(ctx: Context, run: Run) -> list[Install]:
    """The installs of a RUN (exec form: its one command)."""
    if run.form == "exec" and run.value[:1] not in _SHELLS:
        argv = argv_of(run.value)
        kind = _classify(argv)
        if kind is None:
            return []
        return [Install(_ECOSYSTEM.get(kind.tool, kind.tool), kind.prefetch, kind.manifests,
                        run.start_line, " ".join(run.value), kind.step, kind.tool, kind.paths,
                        verb=_verb(argv))]
    script = ctx.shell(run)
    if script is None:
        return []
    # The installs depend on nothing but the script: the language server keeps unchanged RUNs'
    # scripts across edits, and reading their commands again was DF001's main cost per edit.
    return per_script(script, script_installs, lambda: script_installs(script))


def run_facts(ctx: Context, run: Run) -> RunFacts:
    """The facts of a RUN (see :class:`RunFacts`)."""
    if run.form == "exec" and run.value[:1] not in _SHELLS:
        return _facts([run.value], " ".join(run.value))
    script = ctx.shell(run)
    if script is None:
        return _facts([], run.script or "")
    return per_script(script, _script_facts, lambda: _script_facts(script))[0]


def names_path(text: str, path: str) -> bool:
    """Whether ``text`` (a script) names ``path`` as a whole word (``/a/b`` in ``cat /a/b >x``)."""
    return re.search(r"(?<![\w./-])" + re.escape(path) + r"(?![\w.-])", text) is not None
