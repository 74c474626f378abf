"""DF001: a COPY of the build context (or of source code) placed before a dependency install.

BuildKit reuses a RUN's cache only while every earlier layer is unchanged; a COPY's layer
changes whenever any copied file does. So ``COPY . .`` before ``RUN pip install -r ...`` makes
every source edit re-run the whole install. The fix is the well-known order: copy the
manifest/lock files, install, then copy the rest.

The rule walks each stage (and, separately, its ONBUILD triggers) in order, remembers COPY/ADD
instructions that bring in more than install inputs (``_cache_busting_sources``), and reports each of
them once at the first dependency step that follows in the same stage (``_cache_busting_installs``).
Whether a step really downloads anything is decided from the Dockerfile and, when the engine
hands them over, the build context's manifests (``_cache_busting_context``, ``_cache_busting_go``). The
(unsafe) reordering fix is planned in ``_cache_busting_reorder``.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Sequence
from typing import ClassVar

from dflint.finding import FixSafety, Severity, Violation
from dflint.plugin import Context, Rule
from dflint.records import FrozenRecord
from dflint.shell import ShellScript
from dflint.tree import Add, Copy, Instruction, Onbuild, Run, Word

from ._cache_busting_context import CONTEXT_TEXT_NAMES, ContextView
from ._cache_busting_go import GoHistory, go_downloads, gopath_mode
from ._cache_busting_installs import Install, argv_of, run_facts, run_installs
from ._cache_busting_reorder import reorder_fix, workdirs
from ._cache_busting_sources import (
    Intake,
    clean,
    copied_ecosystems,
    intake_of,
    is_manifest_word,
    is_named_path,
)
from ._pkgmgr import mount_covers

__all__ = ["CacheBustingCopyOrder"]

#: Cache mounts that keep each ecosystem's downloads (directories, and suffixes of per-user
#: targets). Rust's cost is compiling the dependencies, so only a mounted `target/` covers it.
_CACHE_DIRS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "python": (("/root/.cache/pip", "/root/.cache/uv", "/root/.cache/pypoetry", "/root/.cache/pdm"),
               (".cache/pip", ".cache/uv", ".cache/pypoetry", ".cache/pipenv", ".cache/pdm", "pip-cache")),
    "node": (("/root/.npm", "/usr/local/share/.cache/yarn", "/root/.cache/yarn", "/root/.yarn/berry/cache",
              "/root/.local/share/pnpm/store", "/pnpm/store", "/root/.bun/install/cache"),
             (".npm", ".cache/yarn", ".yarn/cache", ".yarn/berry/cache", "pnpm/store", ".pnpm-store",
              ".bun/install/cache")),
    "go": (("/go/pkg/mod", "/root/go/pkg/mod"), ("pkg/mod",)),
    "rust": ((), ("target",)),
    "ruby": (("/usr/local/bundle", "/root/.bundle", "/root/.gem"), ("vendor/bundle", ".bundle", ".gem")),
    "php": (("/root/.composer/cache", "/root/.cache/composer", "/tmp/cache"),
            (".composer/cache", ".cache/composer", "composer/cache")),
    "java": (("/root/.m2", "/root/.gradle", "/home/gradle/.gradle"),
             (".m2", ".m2/repository", ".gradle", ".gradle/caches")),
    "dotnet": (("/root/.nuget/packages",), (".nuget", ".nuget/packages", "NuGet/packages")),
}
#: Environment variables that move an ecosystem's download cache (or, for Go, the module
#: cache's parent): `ENV YARN_CACHE_FOLDER=/yarn-cache` + a cache mount on /yarn-cache.
_CACHE_VARS: dict[str, tuple[tuple[str, str], ...]] = {
    "python": (("PIP_CACHE_DIR", ""), ("UV_CACHE_DIR", ""), ("POETRY_CACHE_DIR", ""),
               ("PDM_CACHE_DIR", ""), ("PIPENV_CACHE_DIR", ""), ("XDG_CACHE_HOME", "/pip")),
    "node": (("npm_config_cache", ""), ("NPM_CONFIG_CACHE", ""), ("YARN_CACHE_FOLDER", ""),
             ("npm_config_store_dir", ""), ("BUN_INSTALL_CACHE_DIR", "")),
    "go": (("GOMODCACHE", ""), ("GOPATH", "/pkg/mod")),
    "rust": (("CARGO_TARGET_DIR", ""),),
    "ruby": (("BUNDLE_PATH", ""), ("GEM_HOME", "")),
    "php": (("COMPOSER_CACHE_DIR", ""), ("COMPOSER_HOME", "/cache")),
    "java": (("GRADLE_USER_HOME", ""),),
    "dotnet": (("NUGET_PACKAGES", ""),),
}
#: A key of :meth:`Context.memo`: set when a candidate needs the build context to be decided.
_UNDECIDED = ("DF001", "needs the build context")


def _cache_mounted(ctx: Context, run: Run, ecosystem: str) -> bool:
    """Whether a cache mount keeps ``ecosystem``'s downloads: on its usual folder, or on the one
    an ENV in scope points it to."""
    dirs = _CACHE_DIRS.get(ecosystem)
    if dirs is None:
        return False
    if mount_covers(run, *dirs[0], suffixes=dirs[1]):
        return True
    env = ctx.model.scope_at(run).env()
    moved = [env[name].rstrip("/") + tail for name, tail in _CACHE_VARS.get(ecosystem, ())
             if env.get(name, "").startswith("/")]
    return bool(moved) and mount_covers(run, *moved)


def _join(names: Sequence[str]) -> str:
    unique = list(dict.fromkeys(names))
    if len(unique) <= 1:
        return "".join(unique)
    return ", ".join(unique[:-1]) + " and " + unique[-1]


_SHELLS = (["sh"], ["/bin/sh"], ["bash"], ["/bin/bash"])


def _run_commands(ctx: Context, run: Run) -> list[list[str]] | None:
    """Every command of ``run`` as a normalised argv, for the fix; None when one of them is out
    of reach (heredoc, unknown program, redirection to or from a file, shell syntax error)."""
    if run.heredocs:
        return None
    if run.form == "exec":
        return None if run.value[:1] in _SHELLS else [argv_of(run.value)]
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
        argvs.append(argv_of(words))
    return argvs


def _is_input_of(script: str, word: Word) -> bool:
    """Whether the install's RUN names the copied file (``COPY install.sh`` + ``RUN
    ./install.sh && ...``). The whole context is never an input: that is the very thing to avoid.
    """
    text = clean(word.text)
    name = posixpath.basename(text.rstrip("/"))
    if name in ("", ".", "*") or "." not in name or any(c in name for c in "*?["):
        return False  # folders and globs: `/app` in `cd /app` says nothing about `COPY app /app`
    pattern = r"(?<![\w.-])(?:[^\s'\"]*/)?" + re.escape(name) + r"(?![\w.-])"
    return re.search(pattern, script) is not None


def _script_text(ctx: Context, run: Run) -> str:
    script: ShellScript | None = ctx.shell(run) if run.form != "exec" else None
    if script is not None:
        return script.script
    return run.script if run.script is not None else " ".join(run.value)


class _Done(FrozenRecord):
    """What a stage's dependency steps did, for the stages built ``FROM`` it."""

    __slots__ = ("installed", "prefetched")
    __match_args__ = ("prefetched", "installed")

    prefetched: frozenset[str]
    installed: frozenset[str]

    def __init__(self, prefetched: frozenset[str], installed: frozenset[str]) -> None:
        _set = object.__setattr__
        _set(self, "prefetched", prefetched)
        _set(self, "installed", installed)


class _Walk:
    """One pass over a stage's instructions (or its ONBUILD triggers), in order."""

    def __init__(self, ctx: Context, instructions: Sequence[Instruction], context: ContextView,
                 fixable: bool, report_cached: bool, inherited: _Done | None = None) -> None:
        self.ctx = ctx
        self.instructions = instructions
        self.context = context
        self.fixable = fixable
        self.report_cached = report_cached
        self.workdirs = workdirs(instructions)
        self.pending: list[Intake] = []
        #: Ecosystems whose dependency step ran (a recognised one, or any RUN right after a
        #: copy of their manifests alone): a later build of theirs is the intended order.
        self.prefetched: set[str] = set(inherited.prefetched) if inherited else set()
        #: Manifests (lower case) a prefetch install already read: installing from them again
        #: (`npm ci --omit=dev` after the build) is not the dependency step.
        self.installed: set[str] = set(inherited.installed) if inherited else set()
        #: Ecosystems whose manifests were copied alone since the last intake.
        self.fresh: set[str] = set()
        #: Ecosystems whose manifests were copied explicitly at all in the sequence.
        self.manifests_copied: set[str] = set()
        #: Ecosystems whose project a RUN created in the image (`dotnet new console`).
        self.generated: set[str] = set()
        self.downloaded: list[str] = []
        self.cloned: set[str] = set()
        self.texts: list[str] = []
        self.go_verbs: set[str] = set()
        self.copied_names: set[str] = set()
        #: COPYs of source made after an earlier COPY brought manifests alone (by id), with the
        #: ecosystems of those manifests: the author follows the manifests-first order.
        self.after_manifests: dict[int, frozenset[str]] = {}
        #: The sequence names a gemspec somewhere (`gem build x.gemspec`): the project is a gem.
        self.names_gemspec = any(".gemspec" in i.original for i in instructions)

    def __iter__(self) -> Iterator[Violation]:
        for index, instruction in enumerate(self.instructions):
            if isinstance(instruction, (Copy, Add)):
                self._copy(instruction, self.workdirs[index])
            elif isinstance(instruction, Run):
                yield from self._run(instruction, self.workdirs[index])

    @property
    def done(self) -> _Done:
        return _Done(frozenset(self.prefetched), frozenset(self.installed))

    # -- COPY/ADD --------------------------------------------------------------------------------

    def _copy(self, instruction: Copy | Add, workdir: str) -> None:
        if isinstance(instruction, Copy) and instruction.from_stage:
            return
        for word in instruction.sources:
            text = clean(word.text)
            if "://" in text:
                self.downloaded.append(text)
            else:
                self.copied_names.add(posixpath.basename(text.rstrip("/")).lower())
        intake = intake_of(instruction, workdir)
        ecosystems = copied_ecosystems(instruction)
        if intake is not None and self.manifests_copied:
            self.after_manifests[id(instruction)] = frozenset(self.manifests_copied)
        self.manifests_copied |= ecosystems
        self.generated -= ecosystems
        if intake is not None:
            self.pending.append(intake)
            self.fresh.clear()
            if intake.whole_context:
                self.generated.clear()
        elif instruction.sources and all(is_manifest_word(w.text) for w in instruction.sources):
            self.fresh |= ecosystems

    # -- RUN -------------------------------------------------------------------------------------

    def _run(self, run: Run, workdir: str) -> Iterator[Violation]:
        facts = run_facts(self.ctx, run)
        script = _script_text(self.ctx, run)
        self.texts.append(script)
        self.go_verbs |= facts.go_verbs
        self.downloaded.extend(facts.downloaded)
        installs = run_installs(self.ctx, run)
        if not installs:
            # A setup step reading a copied file by its path (`cat /etc/x/rprofile >> ...`)
            # makes that file its input.
            self.pending = [k for k in (i.consumed_by(script) for i in self.pending) if k is not None]
        counted: list[Install] = []
        for install in installs:
            rerun = install.prefetch and {m.lower() for m in install.manifests} <= self.installed
            superseded = not install.prefetch and install.ecosystem in self.prefetched
            if (superseded or not (install.prefetch or self.pending)
                    or not self._is_dependency_step(run, install, workdir)):
                continue  # (a build's download question is asked only when it matters)
            counted.append(install)
            if not rerun:
                yield from self._report_pending(run, install, script)
        for install in counted:
            if install.prefetch:
                self.prefetched.add(install.ecosystem)
                self.installed.update(m.lower() for m in install.manifests)
        if facts.substantial and self.fresh:
            self.prefetched |= self.fresh  # the step right after copying the manifests alone
        self.generated |= facts.generated
        self.cloned |= facts.cloned

    def _is_dependency_step(self, run: Run, install: Install, workdir: str) -> bool:
        """Whether ``install`` really reads manifests from the build context and downloads."""
        eco = install.ecosystem
        if install.conditional or eco in self.generated:
            return False
        if eco.startswith("local:"):
            names = {posixpath.basename(p) for p in install.paths}
            return not any(name in word for word in self.downloaded for name in names)
        if install.tool == "pip-project" and not any(self._from_context(p) for p in install.paths):
            return False
        if _cache_mounted(self.ctx, run, eco) and not self.report_cached:
            return False
        folders = [f for item in self.pending for f in item.folders] or [""]
        if eco == "go":
            return self._go_downloads(run, install, workdir, folders)
        if eco == "rust" and not install.prefetch and self.context.known:
            return self.context.crate_has_dependencies(folders) is not False
        if install.tool == "bundle":
            return not (self.names_gemspec or self.context.gemfile_is_a_gems(folders))
        return True

    def _from_context(self, path: str) -> bool:
        """Whether ``pip install <path>`` installs something a pending COPY brought in."""
        path = clean(path)
        if path.startswith("/"):
            target = posixpath.normpath(path)
            return any(item.destination is not None and (
                target == item.destination or target.startswith(item.destination.rstrip("/") + "/"))
                for item in self.pending)
        first = posixpath.normpath(path).split("/")[0]
        return first not in self.cloned

    def _go_downloads(self, run: Run, install: Install, workdir: str, folders: list[str]) -> bool:
        text = self.texts[-1]
        if gopath_mode(self.ctx, run, workdir, text):
            return False
        if install.prefetch:
            return True
        history = GoHistory(tuple(self.texts), frozenset(self.go_verbs), frozenset(self.copied_names))
        found = go_downloads(self.ctx, run, install.verb, history, self.context, folders)
        if found is None and not self.context.known:
            self.ctx.memo(_UNDECIDED, lambda: True)
        return bool(found)

    # -- reporting ---------------------------------------------------------------------------------

    def _report_pending(self, run: Run, install: Install, script: str) -> Iterator[Violation]:
        kept: list[Intake] = []
        local_replaces = self._local_modules(install)
        for item in self.pending:
            # A local package file is an input, not source: `COPY certs/` before `rpm -i
            # /tmp/x.rpm` is unrelated; only the whole context drags it in.
            if install.ecosystem.startswith("local:") and not item.whole_context:
                kept.append(item)
                continue
            chosen = self._chosen_inputs(item, install, run)
            words = [w for w in item.words if not _is_input_of(script, w) and w not in chosen
                     and not (local_replaces is not None and self._is_local_module(item, w, local_replaces))]
            reported = item.keeping(words)
            if reported is None:
                continue  # all of it is an input of this step
            yield self._with_fix(self._violation(reported, run, install), reported, run)
        self.pending = kept

    def _chosen_inputs(self, item: Intake, install: Install, run: Run) -> tuple[Word, ...]:
        """Files and folders picked one by one between the manifests and their install, when
        the rest of the context comes after it (huginn: ``COPY Gemfile Gemfile.lock`` + ``COPY
        lib/gemfile_helper.rb`` + ``COPY vendor/gems/`` + ``bundle install`` + ``COPY ./ /app/``):
        the author follows the manifests-first order and chose them as inputs of the install (a
        file the Gemfile loads, a vendored gem, a postinstall script), not as the source the
        rule warns about."""
        if item.whole_context or install.ecosystem not in self.after_manifests.get(id(item.instruction), ()):
            return ()
        later = self.instructions[self.instructions.index(run) + 1:]
        if not any(isinstance(i, (Copy, Add)) and (k := intake_of(i, "/")) is not None and k.whole_context
                   for i in later):
            return ()
        return tuple(w for w in item.words if is_named_path(w.text))

    def _local_modules(self, install: Install) -> tuple[str, ...] | None:
        """For ``go mod download`` after go.mod was copied explicitly: the folders go.mod
        replaces with local copies (``replace example.com/api => ./api``), which the download
        needs. Without the context's go.mod, every folder copied before it is taken for one."""
        if not (install.tool == "go" and install.prefetch and "go" in self.manifests_copied):
            return None
        module = self.context.go_module([""])
        return module.local_replaces if module is not None else ("*",)

    @staticmethod
    def _is_local_module(item: Intake, word: Word, replaces: tuple[str, ...]) -> bool:
        if item.whole_context or clean(word.text).endswith((".go",)):
            return False
        path = posixpath.normpath(clean(word.text).rstrip("/"))
        return replaces == ("*",) or any(r == path or r.startswith(path + "/") for r in replaces)

    def _violation(self, item: Intake, run: Run, install: Install) -> Violation:
        keyword = item.instruction.keyword.upper()
        step = install.step or "install"
        cached = ""
        if _cache_mounted(self.ctx, run, install.ecosystem):
            cached = (" (its cache mount keeps the downloads, but the step itself re-runs on every "
                      "source change)")
        manifests = install.manifests
        module = self.context.go_module(item.folders or [""]) if install.ecosystem == "go" else None
        if module is not None:  # `replace x => ./lib`: the download needs ./lib too
            manifests = (*manifests, *(f"{r}/" for r in module.local_replaces))
        return Violation(
            item.span,
            f"{keyword} at line {item.instruction.start_line} brings in {item.what()} before the "
            f"dependency install at line {install.line} ({install.text}){cached}; copy "
            f"{_join(manifests)} first, {step}, then copy the rest",
        )

    def _with_fix(self, violation: Violation, item: Intake, run: Run) -> Violation:
        copy = item.instruction
        if not self.fixable or not self.context.known or not isinstance(copy, Copy):
            return violation
        dockerfile = self.ctx.dockerfile
        ctx = self.ctx
        context = self.context

        def reads_more(paths: Sequence[str]) -> bool:
            by_folder: dict[str, list[str]] = {}
            for path in paths:
                folder = posixpath.dirname(path)
                by_folder.setdefault(folder + "/" if folder else "", []).append(posixpath.basename(path))
            return any(context.manifests_need_more(f, names) for f, names in by_folder.items())

        fix = reorder_fix(self.instructions, copy, run, dockerfile.lines, dockerfile.text,
                          lambda r: _run_commands(ctx, r), sorted(context.files), reads_more)
        return violation if fix is None else Violation(violation.span, violation.message, fix)


class CacheBustingCopyOrder(Rule):
    """## What it does
    Reports a `COPY`/`ADD` that brings the whole build context (`COPY . .`, `COPY ./ /app`,
    `ADD . /src`) or application source (`server.py`, `*.py`, `src/`) into a stage *before* a
    dependency install of the same stage: `pip install -r`, `pip install .`/`-e .`, `poetry`,
    `pipenv`, `uv sync`, `npm ci/install`, `yarn [install]`, `pnpm install|fetch`, `bundle
    install`, `go mod download`, `cargo fetch`, `composer install`, `mvn dependency:*`, `gradle
    dependencies`, `dotnet restore`, `nuget restore`, `msbuild /t:restore`, and
    `apt-get`/`dpkg`/`apk`/`rpm` installs of local package files. The message names both lines
    and the manifest files to copy first.

    Project builds that fetch dependencies on the way (`go build`/`go get`/`go mod tidy`,
    `cargo build`, `mvn package`, `gradle build`, `dotnet build|publish`, `pip install .`) count
    only when the stage has no earlier dependency step of the same ecosystem. The dependency
    step may be any command: a `RUN` right after a `COPY` of manifests alone (`COPY build.gradle
    settings.gradle ./` + `RUN ./gradlew downloadRepos`) is taken for it, whatever the tool.
    An install run through `conda run`, `pyenv exec`, `poetry run`, `pipenv run`, `pdm run`
    or `corepack` counts as the command it runs (`conda run -n app pip install -r ...`).

    Not reported, because the order costs nothing or the advice would break the build:

    * copying only manifests, lock files (also by a glob that starts with one's name:
      `bun.lockb*`, `Gemfile*`), build hooks (`build_rust.py` beside `pyproject.toml`) or
      what a Node install reads besides them (`patches/` for patch-package and pnpm,
      `prisma/` for `@prisma/client`'s postinstall), or a file the step itself names (`COPY
      tool.deb /tmp/` + `apt-get install /tmp/tool.deb`; `COPY ci/rprofile /etc/` + `RUN cat
      /etc/rprofile >> ...`);
    * files and folders named one by one after a COPY of the install's manifests and before
      the install, when the whole context is copied after it (`COPY Gemfile Gemfile.lock ./`
      + `COPY lib/gemfile_helper.rb lib/` + `RUN bundle install` + `COPY . .`): the author
      follows the manifests-first order and picked them as inputs of the install (a file the
      Gemfile loads, a vendored gem);
    * a second install from manifests already installed (`npm ci --omit=dev` after the build);
    * conditional installs: `if [ -s requirements.txt ]; then pip install ...; fi`, `[ -f
      composer.json ] && composer install`, or an install in only one branch of an `if`/`case`
      (ONBUILD hooks and templates, where copying the manifest alone fails when it is absent);
    * an install under a `RUN --mount=type=cache` on the package manager's cache (`/root/.npm`,
      `/root/.nuget/packages`, `/go/pkg/mod`, a `target/` for Cargo, or the folder an `ENV`
      moves it to: `YARN_CACHE_FOLDER`, `PIP_CACHE_DIR`, `GOMODCACHE`, `GOPATH`...): nothing
      is downloaded again (see the `report-cached-installs` option);
    * `pip install --no-index` (or `--offline`): it installs wheels already in the image and
      downloads nothing. `pip download -r` and `pip wheel -r` are dependency steps like `pip
      install -r`: after `COPY requirements.txt` + `RUN pip wheel -r requirements.txt -w
      /wheels`, installing from `/wheels` after the source is the intended order;
    * projects created in the image (`dotnet new`, `npm init`, `cargo new`...), packages
      downloaded (`wget x.deb && apt-get install ./x.deb`) or cloned (`git clone` + `pip
      install -e ./repo`), and `pip install /abs/path` outside what the COPY brought;
    * a gem's Gemfile (it says `gemspec`, or the stage names a `*.gemspec`): the gemspec reads
      the gem's own files, so the Gemfile cannot be installed alone;
    * `go mod download` after folders copied beside go.mod: they are the local modules go.mod
      `replace`s (checked against go.mod when the context has it);
    * Go builds that download nothing, or may not: a `go build` counts only on evidence that
      modules are resolved (the context's go.mod lists requirements and has no `vendor/`, or
      the Dockerfile sets `GO111MODULE=on`/`GOPROXY`/`GOPRIVATE`, copies `go.sum`, or runs `go
      get`/`go mod tidy`). GOPATH mode (`GO111MODULE=off`, `golang` before 1.11, or 1.11/1.12
      inside `/go/src`) and vendoring (`-mod=vendor`, `COPY vendor`) never count. A `cargo
      build` of a crate whose Cargo.toml (in the context) lists no dependencies does not count;
    * `COPY --from=` (not the build context), `ADD <url>`, `COPY <<EOF`; sources with
      variables; installs in another stage; installs of named registry packages (`apt-get
      install curl`, `npm install -g x`, `go get golang.org/x/tools`).

    ONBUILD triggers are checked as their own sequence.

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

    It is unsafe because the order of layers changes, and a manifest may read more than it
    shows. When the engine could read the manifests (`context_texts`), the fix is not offered
    if they do: `-r base.txt`, `-c`, `-e` or a local path in requirements; workspaces, a
    `file:`/`link:` dependency or an install script in package.json; `gemspec` or `path:` in a
    Gemfile; a local `replace` in go.mod; a `path` repository in composer.json. It is not
    offered either when: the COPY is an `ADD`, has several sources, a glob, a variable,
    `--from`, `--parents` or `--exclude`, or copies a single file; the install also reads other
    files (`pip install .`, `pip install -e .`, `poetry install` of the root package, `cargo
    build`, `go build`: Cargo needs its sources even to fetch); the RUN holds several installs,
    or other commands that may use the copied files (`npm ci && npm run build`, `cd`,
    redirections to files); anything but inert steps sits between the COPY and the install
    (another `COPY`, a `VOLUME`, a `RUN` that is not a system-package or global-tool install, a
    `WORKDIR` when the destination is relative); heredocs; ONBUILD triggers; a workspace or
    project file that the manifests depend on (`pnpm-workspace.yaml`, `lerna.json`, Yarn 2+'s
    `.yarnrc.yml`, a `*.gemspec`, `go.work`); or a manifest missing from the context. When
    earlier COPYs already bring the manifests, the fix only moves the COPY.

    ## Options
    * `context_files` (list of strings, default `[]`): the build context's files, as relative
      POSIX paths. Filled by the engine from the Dockerfile's folder (top level and two folder
      levels down, at most 2,000 entries, without `.git`, `node_modules` and virtualenvs),
      only when the rule has something to say about the file; with no files the fix is never
      offered.
    * `context_texts` (list of `[path, text]` pairs, default `[]`): the text of the context's
      go.mod, Cargo.toml, Gemfile, package.json, composer.json and `*requirements*.txt` files
      (small ones), filled by the engine with `context_files`. They decide Go and Cargo builds,
      add go.mod's local `replace` folders to what the message says to copy first, and block
      unsafe fixes (above). A file the context does not hold proves nothing: the Dockerfile's
      folder is only a guess at the build context.
    * `report-cached-installs` (boolean, default `false`): also report installs under a cache
      mount of the package manager's cache, with a milder message (the step re-runs, but
      nothing is downloaded again).

    ## References
    - [Docker: optimize cache usage](https://docs.docker.com/build/cache/optimize/)
    """

    code = "DF001"
    name = "cache-busting-copy-order"
    instructions = frozenset({"copy", "add"})
    severity = Severity.WARNING
    summary = "Source copied before the dependency install busts its cache"
    fix_safety = FixSafety.UNSAFE
    context_text_names: ClassVar[tuple[str, ...]] = CONTEXT_TEXT_NAMES

    class Options(FrozenRecord):
        __match_args__ = ("context_files", "context_texts", "report_cached_installs")
        context_files: tuple[str, ...]
        context_texts: tuple[tuple[str, str], ...]
        report_cached_installs: bool

        def __init__(self, context_files: tuple[str, ...] = (),
                     context_texts: tuple[tuple[str, str], ...] = (),
                     report_cached_installs: bool = False) -> None:
            _set = object.__setattr__
            _set(self, "context_files", context_files)
            _set(self, "context_texts", context_texts)
            _set(self, "report_cached_installs", report_cached_installs)

    def check(self, ctx: Context) -> Iterator[Violation]:
        options = ctx.options
        if isinstance(options, CacheBustingCopyOrder.Options):
            texts = tuple((str(p), str(t)) for p, t in options.context_texts)
            context = ContextView(options.context_files, texts)
            cached = bool(options.report_cached_installs)
        else:
            context, cached = ContextView((), ()), False
        done: dict[int, _Done] = {}  # by stage index
        for info in ctx.model.stages:
            instructions = info.instructions
            own = [i for i in instructions if not isinstance(i, Onbuild)]
            triggers = [i.trigger for i in instructions if isinstance(i, Onbuild) and i.trigger]
            # `FROM build AS test` starts where `build` left off: its dependency steps ran.
            walk = _Walk(ctx, own, context, True, cached,
                         done.get(info.parent.index) if info.parent is not None else None)
            yield from walk
            done[info.index] = walk.done
            # Triggers run in another build, with another context: no context, no fix.
            yield from _Walk(ctx, triggers, ContextView((), ()), False, cached)

    def wants_context(self, ctx: Context) -> bool:
        """Whether a check without the build context left a candidate only the context can
        decide (a ``go build`` with no evidence either way)."""
        return ctx.memo(_UNDECIDED, lambda: False)
