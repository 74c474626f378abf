"""DF001: a COPY of the build context (or of source code) placed before a dependency install.

BuildKit reuses a RUN's cache only while every earlier layer is unchanged; a COPY's layer
changes whenever any copied file does. So ``COPY . .`` before ``RUN pip install -r ...`` makes
every source edit re-run the whole install. The fix is the well-known order: copy the
manifest/lock files, install, then copy the rest.

The rule walks each stage (and, separately, its ONBUILD triggers) in order, remembers COPY/ADD
instructions that bring in more than install inputs, and reports each of them once at the
first dependency install that follows in the same stage. The (unsafe) reordering fix is planned
in ``_df001_reorder`` from the build context's file list, which the engine fills in.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
from collections.abc import Iterator, Sequence

from dflint.finding import FixSafety, Severity, Violation
from dflint.lazyre import LazyPattern
from dflint.plugin import Context, Rule
from dflint.records import FrozenRecord
from dflint.shell import ShellScript
from dflint.span import Span
from dflint.tree import Add, Copy, Instruction, Onbuild, Run, Word

from ._df001_reorder import reorder_fix
from ._pkgmgr import per_script

__all__ = ["CacheBustingCopyOrder"]

# -- what a COPY brings in ------------------------------------------------------------------------

#: Files package managers read to resolve dependencies: copying them first is the point.
_MANIFESTS = frozenset({
    "pyproject.toml", "poetry.lock", "poetry.toml", "setup.py", "setup.cfg", "pipfile",
    "pipfile.lock", "uv.lock", "pdm.lock", "pip.conf", "environment.yml", "environment.yaml",
    ".python-version", "manifest.in",
    "package.json", "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml",
    "pnpm-workspace.yaml", ".npmrc", ".yarnrc", ".yarnrc.yml", "bun.lockb", "bun.lock",
    ".pnpmfile.cjs", "lerna.json", ".nvmrc",
    "gemfile", "gemfile.lock", ".ruby-version",
    "go.mod", "go.sum", "go.work", "go.work.sum",
    "cargo.toml", "cargo.lock", "rust-toolchain", "rust-toolchain.toml",
    "composer.json", "composer.lock", "auth.json",
    "pom.xml", "mvnw", "build.gradle", "build.gradle.kts", "settings.gradle",
    "settings.gradle.kts", "gradle.properties", "gradlew",
    "nuget.config", "packages.config", "directory.build.props", "directory.packages.props",
    "global.json",
})
_MANIFEST_PATTERNS = (
    "*requirements*.txt", "*requirements*.in", "constraints*.txt", "*.gemspec", "*.csproj",
    "*.fsproj", "*.vbproj", "*.sln",
)
#: Folders that hold only install inputs.
_MANIFEST_DIRS = frozenset({"requirements", ".yarn", ".mvn", "gradle", ".cargo"})
#: Extensions of application source files.
_SOURCE_EXTS = frozenset({
    ".py", ".pyx", ".js", ".mjs", ".cjs", ".ts", ".tsx", ".jsx", ".vue", ".svelte", ".go", ".rs",
    ".rb", ".erb", ".php", ".java", ".kt", ".kts", ".scala", ".groovy", ".cs", ".fs", ".vb", ".c",
    ".cc", ".cpp", ".h", ".hpp", ".ex", ".exs", ".erl", ".clj", ".swift", ".dart", ".lua", ".pl",
    ".r", ".html", ".css", ".scss",
})
# A glob is harmless when it picks manifests and no typical source file.
_MANIFEST_SAMPLES = ("package.json", "package-lock.json", "requirements.txt", "go.mod", "Gemfile",
                     "Cargo.toml", "composer.json", "pom.xml", "app.csproj", "poetry.lock")
_SOURCE_SAMPLES = ("main.py", "app.py", "server.py", "index.js", "app.ts", "main.go", "main.rs",
                   "app.rb", "index.php", "App.java", "Program.cs", "src")


class _Intake(FrozenRecord):
    """A COPY/ADD that brings in more than install inputs."""

    __slots__ = ("instruction", "whole_context", "words")
    __match_args__ = ("instruction", "words", "whole_context")

    instruction: Instruction
    words: tuple[Word, ...]
    whole_context: bool

    def __init__(self, instruction: Instruction, words: tuple[Word, ...], whole_context: bool) -> None:
        _set = object.__setattr__
        _set(self, "instruction", instruction)
        _set(self, "words", words)
        _set(self, "whole_context", whole_context)

    @property
    def span(self) -> Span:
        return self.words[0].span.cover(self.words[-1].span)

    def what(self) -> str:
        if self.whole_context:
            return "the whole build context"
        names = ", ".join(_clean(w.text) for w in self.words)
        return f"application source ({names})"


def _clean(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text


def _is_manifest(base: str) -> bool:
    lowered = base.lower()
    return lowered in _MANIFESTS or any(fnmatch.fnmatch(lowered, p) for p in _MANIFEST_PATTERNS)


def _source_kind(text: str) -> str | None:
    """``context``, ``source``, or None for a source word that is only an install input.

    Unknown values (``$VAR``), heredocs and URLs are None: they cannot be judged or are not
    the build context.
    """
    path = _clean(text)
    if not path or "$" in path or path.startswith("<<") or "://" in path or path.startswith("git@"):
        return None
    is_dir = path.endswith("/")
    while path.startswith("./"):
        path = path[2:]
    path = path.rstrip("/")
    if path in ("", ".", "*", "**", "**/*") or path == "/":
        return "context"
    base = posixpath.basename(path)
    if _is_manifest(base) or base.lower() in _MANIFEST_DIRS:
        return None
    if any(c in base for c in "*?["):
        ext = posixpath.splitext(base)[1].lower()
        if ext and not any(c in ext for c in "*?["):
            return "source" if ext in _SOURCE_EXTS else None  # `*.py` vs `*.patch`
        picks_manifest = any(fnmatch.fnmatch(s, base) for s in _MANIFEST_SAMPLES)
        picks_source = any(fnmatch.fnmatch(s, base) for s in _SOURCE_SAMPLES)
        return None if picks_manifest and not picks_source else "source"
    if is_dir:
        return "source"
    ext = posixpath.splitext(base)[1]
    if ext.lower() in _SOURCE_EXTS:
        return "source"
    if not ext and base[:1].islower():
        return "source"  # `src`, `app`, `cmd`: a folder (files like `Makefile` are capitalised)
    return None


def _intake(instruction: Instruction) -> _Intake | None:
    if not isinstance(instruction, (Copy, Add)):
        return None
    if isinstance(instruction, Copy) and instruction.from_stage:
        return None  # another stage or image, not the build context
    if instruction.heredocs and not instruction.sources:
        return None
    offending: list[Word] = []
    whole = False
    for word in instruction.sources:
        kind = _source_kind(word.text)
        if kind is not None:
            offending.append(word)
            whole = whole or kind == "context"
    if not offending:
        return None
    return _Intake(instruction, tuple(offending), whole)


# -- what counts as a dependency install ---------------------------------------------------------


class _Install(FrozenRecord):
    """One install command.

    ``prefetch`` installs are the dependency step itself (`npm ci`); the others build the
    project and fetch dependencies on the way (`go build`), which matters only when the stage
    has no earlier dependency step of the same ecosystem.
    """

    __slots__ = ("ecosystem", "line", "manifests", "prefetch", "step", "text")
    __match_args__ = ("ecosystem", "prefetch", "manifests", "line", "text", "step")

    ecosystem: str
    prefetch: bool
    manifests: tuple[str, ...]
    line: int
    text: str
    #: What to run between copying the manifests and the rest (None: "install").
    step: str | None

    def __init__(
        self, ecosystem: str, prefetch: bool, manifests: tuple[str, ...], line: int, text: str,
        step: str | None = None,
    ) -> None:
        _set = object.__setattr__
        _set(self, "ecosystem", ecosystem)
        _set(self, "prefetch", prefetch)
        _set(self, "manifests", manifests)
        _set(self, "line", line)
        _set(self, "text", text)
        _set(self, "step", step)


_ECOSYSTEM_MANIFESTS: dict[str, tuple[str, ...]] = {
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
_PIP_REQUIREMENT = LazyPattern(r"^-[A-Za-z]*r(.*)$")
_LOCAL_PACKAGE = LazyPattern(r"\.(deb|rpm|apk)$")


def _argv_of(words: Sequence[str]) -> list[str]:
    """Normalise a command: ``python3 -m pip`` → ``pip``, ``./gradlew`` → ``gradle``..."""
    if not words:
        return []
    name = posixpath.basename(words[0])
    args = list(words[1:])
    if re.fullmatch(r"python[0-9.]*", name) and args[:1] == ["-m"] and len(args) > 1:
        name, args = args[1], args[2:]
    if re.fullmatch(r"pip[0-9.]*", name):
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


def _classify(argv: Sequence[str]) -> tuple[str, bool, tuple[str, ...], str | None] | None:
    """(tool, prefetch, manifests, step) when ``argv`` installs dependencies from the context."""
    if not argv:
        return None
    name, args = argv[0], list(argv[1:])
    sub = _positional(args)[:1]
    verb = sub[0] if sub else ""
    if name == "pip" and verb == "install":
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
            return "pip", True, tuple(r for r in requirements if r) or ("requirements.txt",), None
        if any(a == "." or a.startswith("./") or a.startswith("/") for a in _positional(args)[1:]) or (
            "-e" in args or "--editable" in args
        ):
            return "pip-project", False, ("pyproject.toml",), "install the dependencies"
        return None
    if name in ("poetry", "pipenv", "pdm") and verb in ("install", "sync"):
        if name == "poetry" and "--only-root" in args:
            return None
        return name, True, _ECOSYSTEM_MANIFESTS[name], None
    if name == "uv" and verb == "sync":
        return "uv", True, _ECOSYSTEM_MANIFESTS["uv"], None
    if name in ("npm", "pnpm", "bun") and verb in ("ci", "install", "i", "fetch"):
        if len(_positional(args)) > 1:
            return None  # `npm install left-pad`: a named package, no manifest involved
        return name, True, _ECOSYSTEM_MANIFESTS[name], None
    if name == "yarn" and (verb in ("", "install")):
        return "yarn", True, _ECOSYSTEM_MANIFESTS["yarn"], None
    if name == "bundle" and verb in ("", "install"):
        return "bundle", True, _ECOSYSTEM_MANIFESTS["bundle"], None
    if name == "go":
        if verb == "mod" and "download" in args:
            return "go", True, _ECOSYSTEM_MANIFESTS["go"], None
        if verb in ("build", "install", "test", "vet", "generate") and not any("@" in a for a in args):
            return "go", False, _ECOSYSTEM_MANIFESTS["go"], "run `go mod download`"
        return None
    if name == "cargo":
        if verb == "fetch" or (verb == "chef" and "cook" in args):
            return "cargo", True, _ECOSYSTEM_MANIFESTS["cargo"], None
        if verb in ("build", "test") or (verb == "install" and "--path" in args):
            return "cargo", False, _ECOSYSTEM_MANIFESTS["cargo"], (
                "build the dependencies (cargo-chef, or a stub `src/main.rs`)"
            )
        return None
    if name == "composer" and verb in ("install", "update"):
        return "composer", True, _ECOSYSTEM_MANIFESTS["composer"], None
    if name == "mvn":
        goals = _positional(args)
        if any(g.startswith("dependency:") for g in goals):
            return "mvn", True, _ECOSYSTEM_MANIFESTS["mvn"], None
        if any(g in ("package", "install", "verify", "compile") for g in goals):
            return "mvn", False, _ECOSYSTEM_MANIFESTS["mvn"], "run `mvn dependency:go-offline`"
        return None
    if name == "gradle":
        tasks = _positional(args)
        if "dependencies" in tasks:
            return "gradle", True, _ECOSYSTEM_MANIFESTS["gradle"], None
        if tasks:
            return "gradle", False, _ECOSYSTEM_MANIFESTS["gradle"], "run `gradle dependencies`"
        return None
    if name == "dotnet":
        if verb == "restore":
            return "dotnet", True, _ECOSYSTEM_MANIFESTS["dotnet"], None
        if verb in ("build", "publish"):
            return "dotnet", False, _ECOSYSTEM_MANIFESTS["dotnet"], "run `dotnet restore`"
        return None
    local = _local_packages(name, args)
    if local:
        return f"local:{name}", True, local, None
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
    return tuple(posixpath.basename(a) for a in args if not a.startswith("-") and _LOCAL_PACKAGE.search(a))


def _installs(ctx: Context, run: Run) -> list[_Install]:
    found: list[_Install] = []
    if run.form == "exec" and run.value[:1] not in (["sh"], ["/bin/sh"], ["bash"], ["/bin/bash"]):
        argv = _argv_of(run.value)
        text = " ".join(run.value)
        classified = _classify(argv)
        if classified is not None:
            tool, prefetch, manifests, step = classified
            found.append(_Install(_ECOSYSTEM.get(tool, tool), prefetch, manifests, run.start_line,
                                  text, step))
        return found
    script = ctx.shell(run)
    if script is None:
        return found
    # The installs depend on nothing but the script: the language server keeps unchanged RUNs'
    # scripts across edits, and reading their commands again was DF001's main cost per edit.
    return per_script(script, _script_installs, lambda: _script_installs(script))


def _script_installs(script: ShellScript) -> Iterator[_Install]:
    for cmd in script.commands:
        if cmd.in_substitution or cmd.name is None:
            continue
        words = [cmd.name, *[w.value if w.value is not None else w.unquoted for w in cmd.args]]
        classified = _classify(_argv_of(words))
        if classified is None:
            continue
        tool, prefetch, manifests, step = classified
        yield _Install(_ECOSYSTEM.get(tool, tool), prefetch, manifests, cmd.span.start_line,
                       _command_text(script, cmd.start, cmd.end), step)


def _command_text(script: ShellScript, start: int, end: int) -> str:
    text = " ".join(script.script[start:end].split())
    return text if len(text) <= 60 else text[:57] + "..."


_SHELLS = (["sh"], ["/bin/sh"], ["bash"], ["/bin/bash"])


def _run_commands(ctx: Context, run: Run) -> list[list[str]] | None:
    """Every command of ``run`` as a normalised argv, for the fix; None when one of them is out
    of reach (heredoc, unknown program, redirection to or from a file, shell syntax error)."""
    if run.heredocs:
        return None
    if run.form == "exec":
        return None if run.value[:1] in _SHELLS else [_argv_of(run.value)]
    script = ctx.shell(run)
    if script is None or script.syntax_errors:
        return None
    argvs: list[list[str]] = []
    for cmd in script.commands:
        if cmd.name is None:
            if cmd.words:
                return None
            continue  # a bare `A=1`
        for redirect in cmd.redirects:
            target = redirect.target.value if redirect.target is not None else None
            if redirect.heredoc is not None or target is None or not (
                    target.startswith("/dev/") or target.isdigit() or target == "-"):
                return None
        words = [cmd.name, *[w.value if w.value is not None else w.unquoted for w in cmd.args]]
        argvs.append(_argv_of(words))
    return argvs


def _is_input_of(run: Run, word: Word) -> bool:
    """Whether the RUN names the copied path (``COPY install.sh`` + ``RUN ./install.sh && ...``).

    The whole context is never an input: that is the very thing to avoid.
    """
    if _source_kind(word.text) == "context":
        return False
    name = posixpath.basename(_clean(word.text).rstrip("/"))
    if "." not in name or any(c in name for c in "*?["):
        return False  # folders and globs: `/app` in `cd /app` says nothing about `COPY app /app`
    text = run.script if run.script is not None else " ".join(run.value)
    pattern = r"(?<![\w.-])(?:[^\s'\"]*/)?" + re.escape(name) + r"(?![\w.-])"
    return re.search(pattern, text or "") is not None


def _join(names: Sequence[str]) -> str:
    unique = list(dict.fromkeys(names))
    if len(unique) <= 1:
        return "".join(unique)
    return ", ".join(unique[:-1]) + " and " + unique[-1]


class CacheBustingCopyOrder(Rule):
    """## What it does
    Reports a `COPY`/`ADD` that brings the whole build context (`COPY . .`, `COPY ./ /app`,
    `ADD . /src`) or application source (`server.py`, `*.py`, `src/`) into a stage *before* a
    dependency install of the same stage: `pip install -r`, `pip install .`/`-e .`, `poetry`,
    `pipenv`, `uv sync`, `npm ci/install`, `yarn [install]`, `pnpm install`, `bundle install`,
    `go mod download`, `cargo fetch`, `composer install`, `mvn dependency:*`, `gradle
    dependencies`, `dotnet restore`, and `apt-get`/`dpkg`/`apk`/`rpm` installs of local package
    files. The message names both lines and the manifest files to copy first.

    Project builds that fetch dependencies on the way (`go build`, `cargo build`, `mvn
    package`, `gradle build`, `dotnet publish`, `pip install .`) count only when the stage has no
    earlier dependency step of the same ecosystem: after `RUN go mod download`, `COPY . .` +
    `RUN go build` is the intended order.

    Not reported: copying only manifests/lock files (or a file the install itself names, such
    as `COPY tool.deb /tmp/` + `apt-get install /tmp/tool.deb`) before the install; `COPY
    --from=` (not the build context), `ADD <url>`, `COPY <<EOF`; sources with variables;
    installs in another stage; installs of named registry packages (`apt-get install curl`,
    `npm install -g x`), which read nothing from the context. ONBUILD triggers are checked as
    their own sequence.

    ## Why is this bad?
    A `COPY` layer changes whenever any copied file changes, and every later step of the stage
    then misses the build cache. With the source copied first, editing one line of code
    re-downloads and reinstalls every dependency.

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    WORKDIR /app
    COPY . .
    RUN pip install -r requirements.txt
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.12-slim
    WORKDIR /app
    COPY requirements.txt .
    RUN pip install -r requirements.txt
    COPY . .
    ```

    ## Fix safety
    The fix is unsafe, and offered only when the build context is known (the Dockerfile is on
    disk; the engine lists its files into the `context_files` option) and holds the manifests
    the install reads. It inserts `COPY <manifests> <dest>` in place of the offending `COPY`
    (same `--chown`/`--chmod`/`--link` flags; `<dest>` is its destination folder, `./` for
    `.`) and moves the offending `COPY`, all its lines, to just after the install:

    ```dockerfile
    COPY requirements.txt ./
    RUN pip install -r requirements.txt
    COPY . .
    ```

    Manifests per install: `pip install -r/-c <files>`; `poetry install --no-root`
    (pyproject.toml, poetry.lock); `pipenv install|sync` (Pipfile, Pipfile.lock); `uv sync
    --no-install-project` (pyproject.toml, uv.lock); `npm ci|install`, `yarn [install]`, `pnpm
    install|fetch`, `bun install` (package.json and its lock file, `.npmrc`); `bundle install`
    (Gemfile, Gemfile.lock); `go mod download` (go.mod, go.sum); `composer install --no-scripts
    --no-autoloader` (composer.json, composer.lock). Optional files (lock files, `.npmrc`) are
    copied when the context has them.

    It is unsafe because the order of layers changes, and a manifest may read more than the
    listing shows (`-r base.txt` inside requirements.txt, a `postinstall` script, a `replace
    ../lib` in go.mod). It is not offered when: the COPY is an `ADD`, has several sources, a
    glob, a variable, `--from`, `--parents` or `--exclude`, or copies a single file; the install
    also reads other files (`pip install .`, `pip install -e .`, `poetry install` of the root
    package, `cargo build`, `go build`: Cargo needs its sources even to fetch); the RUN holds
    several installs, or other commands that may use the copied files (`npm ci && npm run
    build`, `cd`, redirections to files); anything but inert steps sits between the COPY and the
    install (another `COPY`, a `VOLUME`, a `RUN` that is not a system-package or global-tool
    install, a `WORKDIR` when the destination is relative); heredocs; ONBUILD triggers; a
    workspace or project file that the manifests depend on (`pnpm-workspace.yaml`, `lerna.json`,
    Yarn 2+'s `.yarnrc.yml`, a `*.gemspec`, `go.work`); or a manifest missing from the context.
    When earlier COPYs already bring the manifests, the fix only moves the COPY.

    ## Options
    * `context_files` (list of strings, default `[]`): the build context's files, as relative
      POSIX paths. Filled by the engine from the Dockerfile's folder (top level and two folder
      levels down, at most 2,000 entries, without `.git`, `node_modules` and virtualenvs); with
      no files the fix is never offered. Findings do not depend on it.

    ## References
    - [Docker: optimize cache usage](https://docs.docker.com/build/cache/optimize/)
    """

    code = "DF001"
    name = "cache-busting-copy-order"
    instructions = frozenset({"copy", "add"})
    severity = Severity.WARNING
    summary = "Source copied before the dependency install busts its cache"
    fix_safety = FixSafety.UNSAFE

    class Options(FrozenRecord):
        __match_args__ = ("context_files",)
        context_files: tuple[str, ...]

        def __init__(self, context_files: tuple[str, ...] = ()) -> None:
            _set = object.__setattr__
            _set(self, "context_files", context_files)

    def check(self, ctx: Context) -> Iterator[Violation]:
        options = ctx.options
        files = tuple(options.context_files) if isinstance(options, CacheBustingCopyOrder.Options) else ()
        for stage in ctx.dockerfile.stages:
            own = [i for i in stage.instructions if not isinstance(i, Onbuild)]
            triggers = [i.trigger for i in stage.instructions if isinstance(i, Onbuild) and i.trigger]
            yield from self._sequence(ctx, own, files)
            yield from self._sequence(ctx, triggers, ())  # triggers run in another build: no fix

    def _sequence(self, ctx: Context, instructions: Sequence[Instruction],
                  context_files: tuple[str, ...]) -> Iterator[Violation]:
        pending: list[_Intake] = []
        prefetched: set[str] = set()
        for instruction in instructions:
            intake = _intake(instruction)
            if intake is not None:
                pending.append(intake)
                continue
            if not isinstance(instruction, Run):
                continue
            installs = _installs(ctx, instruction)
            for install in installs:
                if install.prefetch or install.ecosystem not in prefetched:
                    kept = []
                    for item in pending:
                        # A local package file is an input, not source: `COPY certs/` before
                        # `rpm -i /tmp/x.rpm` is unrelated; only the whole context drags it in.
                        local_only = install.ecosystem.startswith("local:") and not item.whole_context
                        violation = None if local_only else self._report(item, instruction, install)
                        if violation is None:
                            kept.append(item)
                        else:
                            yield self._with_fix(ctx, violation, instructions, item, instruction,
                                                 context_files)
                    pending = kept
            prefetched.update(i.ecosystem for i in installs if i.prefetch)

    @staticmethod
    def _with_fix(ctx: Context, violation: Violation, instructions: Sequence[Instruction],
                  item: _Intake, run: Run, context_files: tuple[str, ...]) -> Violation:
        copy = item.instruction
        if not context_files or not isinstance(copy, Copy):
            return violation
        dockerfile = ctx.dockerfile
        fix = reorder_fix(instructions, copy, run, dockerfile.lines, dockerfile.text,
                          lambda r: _run_commands(ctx, r), context_files)
        return violation if fix is None else Violation(violation.span, violation.message, fix)

    @staticmethod
    def _report(item: _Intake, run: Run, install: _Install) -> Violation | None:
        words = tuple(w for w in item.words if not _is_input_of(run, w))
        if not words:
            return None
        item = _Intake(item.instruction, words, item.whole_context)
        keyword = item.instruction.keyword.upper()
        step = install.step or "install"
        return Violation(
            item.span,
            f"{keyword} at line {item.instruction.start_line} brings in {item.what()} before the "
            f"dependency install at line {install.line} ({install.text}); copy "
            f"{_join(install.manifests)} first, {step}, then copy the rest",
        )
