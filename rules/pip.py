"""pip rules (hadolint DL3013, DL3042), for ``pip``, ``pip3``, ``pip3.12`` and ``python -m pip``."""

from __future__ import annotations

import copy
import fnmatch
from collections.abc import Iterator

from dflint.base_env import normalise_repository
from dflint.finding import FixSafety, Severity, Violation
from dflint.plugin import Context, Rule
from dflint.shell import ShellWord, SimpleCommand
from dflint.shell.packages import PackageRef, PipCommand, parse_options, parse_pip

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

_VCS = ("git+", "hg+", "svn+", "bzr+")
#: Values pip's ``strtobool`` accepts. For backwards compatibility pip disables the cache for
#: *any* of them, "false" and "0" included (see ``_handle_no_cache_dir`` in pip's cmdoptions).
_STRTOBOOL = frozenset({"y", "yes", "t", "true", "on", "1", "n", "no", "f", "false", "off", "0"})
NO_CACHE_VAR = "PIP_NO_CACHE_DIR"
#: Base images whose own Dockerfile turns pip's cache off (`ENV PIP_NO_CACHE_DIR ...`): the
#: Sentry images ("Sane defaults for pip", also CentOS's sentry-sso) and the Software
#: Collections' Python images (sclorg/s2i-python-container: UBI, RHEL, CentOS, Fedora).
_BASES_WITHOUT_PIP_CACHE = (
    "sentry", "getsentry/sentry", "*/sentry-sso", "*ubi[0-9]*/python-[0-9]*",
    "*rhel[0-9]*/python-[0-9]*", "*/sclorg/python-[0-9]*", "quay.io/fedora/python-[0-9]*",
    "centos/python-[0-9]*-centos[0-9]*",
)
#: How a RUN names the home directory in a path it deletes (``~/.cache/pip``).
_HOME_PREFIXES = ("~/", "$HOME/", "${HOME}/")
#: pip's cache below a home directory: deleting either leaves no cache in the layer.
_HOME_CACHES = (".cache", ".cache/pip")
#: pipx install's options that take a value.
_PIPX_VALUES = frozenset(
    {"--suffix", "--python", "--preinstall", "--pip-args", "-i", "--index-url", "--spec"}
)


def pip_installs(item: RunScript) -> list[PipCommand]:
    return [p for p in package_commands(item.script, parse_pip) if p.subcommand == "install"]


def pipx_installs(item: RunScript) -> list[PipCommand]:
    """``pipx install SPEC...`` read as ``pip install SPEC...`` (the package words are the same;
    pipx's own options are left out). ``--spec`` names what to install itself: skipped."""
    found = []
    for cmd in item.script.commands:
        if cmd.basename != "pipx":
            continue
        options, operands = parse_options(cmd.args, _PIPX_VALUES)
        if not operands or operands[0].value != "install" or any(o.name == "--spec" for o in options):
            continue
        as_pip = copy.copy(cmd)
        as_pip.name, as_pip.args = "pip", operands
        parsed = parse_pip(as_pip)
        if parsed is not None:
            found.append(parsed)
    return found


def _offline(pip: PipCommand) -> bool:
    """``pip install --no-index [--find-links=/wheels]``: only archives already in the image
    (a wheelhouse built in an earlier stage) are installed; no index is asked, nothing is
    downloaded. Their versions are whatever those files are, so a pin changes nothing."""
    return pip.has_option("--no-index")


def _unpinned(package: PackageRef) -> bool:
    text = package.word.value or package.name
    if package.pinned or package.kind not in ("name", "url"):
        return False
    return package.kind == "name" or text.startswith(_VCS)


def _unpinned_variable(
    ctx: Context, item: RunScript, pip: PipCommand, word: ShellWord
) -> Iterator[Violation]:
    """``$PKGS`` whose value is known (``PKGS="a b"`` earlier in the RUN, or ENV/ARG): reported
    when it holds an unpinned package; an unknown value is not judged."""
    expanded = expand_packages(ctx, item, pip.command, word, "pip install", parse_pip)
    if expanded is None or expanded.requirement_files or expanded.constraint_files:
        return
    names = [p.word.value or p.name for p in expanded.packages if _unpinned(p)]
    if names:
        listed = ", ".join(f"`{n}`" for n in names)
        yield Violation(word.span, f"Pin versions in pip: `{word.text}` holds {listed} with no version")


class PipPinVersions(Rule):
    """## What it does
    Checks that every package given to `pip install` has a version constraint
    (`flask==3.0.3`, `'requests>=2.31,<3'`), or is a file, a local path, or a VCS URL with a
    ref (`git+https://github.com/psf/black@24.4.2`).

    A command that installs from a requirements file (`-r`) or with a constraints file (`-c`,
    or `PIP_CONSTRAINT` set by ENV/ARG or on the command) is skipped: the versions are pinned
    there. Values of options such as `--index-url`,
    `--target` or `-e` are not packages. pip is recognised by its name wherever it is
    (`/venv/bin/pip`, `sudo -H pip3`, `python -m pip`), and `pipx install` is checked too.

    A package list held in a variable is read when its value is known: assigned earlier in
    the same RUN (`PKGS="a b" && pip install $PKGS`) or by an ENV/ARG default. A variable whose
    value cannot be known (an `ARG` without a default) is not judged.

    ## Why is this bad?
    An unpinned package installs the newest release on the day of the build; a rebuild of the
    same Dockerfile can pull a breaking release.

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    RUN pip install --no-cache-dir flask
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.12-slim
    RUN pip install --no-cache-dir flask==3.0.3
    ```

    ## Differences from hadolint
    Checked against hadolint 2.15.1.
    ```dockerfile
    FROM python:3.12-slim
    RUN pip install --no-cache-dir -qr requirements.txt
    RUN /venv/bin/pip install --no-cache-dir flask
    RUN sudo -H pip3 install --no-cache-dir numpy
    RUN python -m pip --no-cache-dir install grpcio
    ```
    - Line 2: hadolint does not split clustered short options; it sees no `-r`, takes
      `requirements.txt` for an unpinned package and reports the line. `-qr` is `-q -r`, a
      requirements install.
    - Lines 3 to 5 install unpinned packages, and hadolint misses them: it does not know pip
      called by a path (`/venv/bin/pip`, `.venv/bin/pip3`), behind `sudo`, or
      `python -m pip` with an option before `install`.

    ```dockerfile
    FROM python:3.12-slim
    ARG EXTRA
    ENV TOOLS="black==24.4.2 ruff==0.4.4"
    RUN pip install --no-cache-dir $EXTRA
    RUN pip install --no-cache-dir $TOOLS
    RUN PKGS="flask gunicorn==22.0.0" && pip install --no-cache-dir $PKGS
    ```
    hadolint reports every package held in a variable: lines 4, 5 and 6. dflint reports
    line 6 alone (`$PKGS` holds `flask`): line 5's packages are pinned, and line 4's value is
    whatever `--build-arg EXTRA=...` says.

    ```dockerfile
    FROM python:3.12-slim
    COPY constraints.txt /constraints.txt
    ENV PIP_CONSTRAINT=/constraints.txt
    RUN pip install --no-cache-dir flask
    ```
    hadolint reports line 4; `PIP_CONSTRAINT` is pip's `-c` by environment, and the
    constraints file pins flask, so dflint does not.

    ```dockerfile
    FROM python:3.12-slim AS wheels
    COPY app-1.2.0-py3-none-any.whl /wheels/
    RUN pip wheel --no-cache-dir --wheel-dir /wheels /wheels/app-1.2.0-py3-none-any.whl
    FROM python:3.12-slim
    COPY --from=wheels /wheels /wheels
    RUN pip install --no-cache-dir --no-index --find-links=/wheels app
    RUN pip install --no-cache-dir --find-links=/wheels app
    ```
    hadolint reports lines 6 and 7. With `--no-index` pip asks no index: it installs only
    the archives already in the image, whose versions a pin could not change, so dflint
    reports line 7 alone (without `--no-index`, PyPI still offers newer releases).

    dflint does not read RUNs under a PowerShell or cmd SHELL (or a Windows base image's
    default cmd), nor exec-form RUNs of a program other than a shell
    (`RUN ["pip", "install", "flask"]`); hadolint parses both as bash.

    ## References
    - hadolint DL3013
    """

    code = "DL3013"
    name = "pip-pin-versions"
    instructions = frozenset({"run"})
    commands = frozenset({"pip"})
    severity = Severity.WARNING
    summary = "Pin versions in pip: `pip install <package>==<version>` or `pip install -r <file>`"

    def check(self, ctx: Context) -> Iterator[Violation]:
        for item in run_scripts(ctx):
            if ctx.model.scope_at(item.run).env().get("PIP_CONSTRAINT", "").strip():
                continue  # every install of the stage is constrained (pip's `-c` by ENV)
            for pip in pip_installs(item) + pipx_installs(item):
                if pip.requirement_files or pip.constraint_files or _offline(pip):
                    continue
                if any(a.name == "PIP_CONSTRAINT" and a.value for a in pip.command.assignments):
                    continue
                for package in pip.packages:
                    if package.kind == "dynamic":
                        yield from _unpinned_variable(ctx, item, pip, package.word)
                        continue
                    if not _unpinned(package):
                        continue
                    text = package.word.value or package.name
                    hint = f"`{text}@<ref>`" if package.kind == "url" else f"`{text}==<version>`"
                    yield Violation(
                        package.word.span,
                        f"Pin versions in pip: `{text}` has no version (use {hint} or a requirements file)",
                    )


class PipNoCacheDir(Rule):
    """## What it does
    Checks that `pip install` is given `--no-cache-dir`.

    Exempt: `PIP_NO_CACHE_DIR` set by `ENV` or `ARG` in the stage (or a stage it builds on),
    given to the command (`PIP_NO_CACHE_DIR=1 pip install ...`, `env PIP_NO_CACHE_DIR=1 ...`)
    or exported earlier in the RUN; a cache or tmpfs mount on the pip cache
    (`--mount=type=cache,target=/root/.cache/pip`); a RUN that empties the cache after the
    install (`rm -rf ~/.cache/pip`, `/root/.cache`, `$HOME/.cache`, `pip cache purge`); and a
    stage built on an image that turns the cache off itself: the Sentry images (`sentry`,
    `getsentry/sentry`, `*/sentry-sso`) and the Software Collections' Python images
    (`registry.access.redhat.com/ubi9/python-312`, `quay.io/sclorg/python-312-c9s`,
    `centos/python-38-centos7`...), which set `PIP_NO_CACHE_DIR`.
    `pipx` and `pipenv` are other programs.
    Only stages whose layers ship are checked: an output stage (the last one, or one no other
    stage uses) and the stages it builds on; a stage only read by `COPY --from` ships nothing.

    ## Why is this bad?
    pip keeps every downloaded wheel in `~/.cache/pip`; in an image that cache is never used
    again and only adds size.

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    RUN pip install -r requirements.txt
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.12-slim
    RUN pip install --no-cache-dir -r requirements.txt
    ```

    ## Fix safety
    Safe: ` --no-cache-dir` is inserted right after `install`; only the cache is affected.

    ## Differences from hadolint
    Checked against hadolint 2.15.1.
    ```dockerfile
    FROM python:3.12-slim
    ENV PIP_NO_CACHE_DIR=off
    RUN pip install flask==3.0.3
    ```
    hadolint wants a "truthy" `PIP_NO_CACHE_DIR` and reports line 3. pip itself disables the
    cache for every boolean value, false ones included (a backwards-compatibility quirk
    documented in its source), so dflint accepts `0`, `off` or `false` too.

    ```dockerfile
    FROM python:3.12-slim
    RUN /venv/bin/pip install flask==3.0.3
    RUN sudo -H pip3 install flask==3.0.3
    ```
    Both lines fill pip's cache; hadolint does not recognise pip called by a path or behind
    `sudo` and misses them.

    ```dockerfile
    FROM python:3.12-slim
    RUN pip install flask==3.0.3 && rm -rf ~/.cache/pip
    RUN pip install gunicorn==23.0.0 && pip cache purge
    RUN pip install click==8.1.7 && rm -rf /tmp/*
    ```
    hadolint reports lines 2, 3 and 4. The first two RUNs empty pip's cache before their
    layer is saved, which leaves it as clean as `--no-cache-dir`; dflint reports line 4 only.

    ```dockerfile
    FROM registry.access.redhat.com/ubi9/python-312
    RUN pip install flask==3.0.3
    ```
    hadolint reports line 2; the image sets `PIP_NO_CACHE_DIR=off` (which turns the cache
    off), so dflint does not. Other bases may turn the cache off too (Home Assistant's add-on
    bases in `/etc/pip.conf`); dflint knows only the images above, and nothing of a base
    named by a build argument without a default (`FROM $BUILD_FROM`), and reports those.

    dflint does not read RUNs under a PowerShell or cmd SHELL (or a Windows base image's
    default cmd), nor exec-form RUNs of a program other than a shell
    (`RUN ["pip", "install", "flask==3.0.3"]`); hadolint parses both as bash.

    ```dockerfile
    FROM python:3.13-slim AS build
    RUN pip install --upgrade pip==24.2
    FROM build AS build-venv
    RUN pip install --prefix=/install flask==3.0.3
    FROM gcr.io/distroless/python3
    COPY --from=build-venv /install /usr/local
    ```
    hadolint reports lines 2 and 4. Neither cache ships: the image is the distroless stage,
    which copies `/install` alone; dflint reports nothing.

    ```dockerfile
    FROM python:3.12-slim
    COPY --from=ghcr.io/example/wheels:1.2.0 /wheels /wheels
    RUN pip install --no-index --find-links=/wheels app==1.2.0
    RUN pip install --find-links=/wheels app==1.2.0
    ```
    hadolint reports lines 3 and 4. `--no-index` installs ready archives from the image and
    downloads nothing into the cache, so dflint reports line 4 alone.

    ## References
    - hadolint DL3042
    """

    code = "DL3042"
    name = "pip-cache-dir"
    instructions = frozenset({"run"})
    commands = frozenset({"pip"})
    severity = Severity.WARNING
    summary = "Avoid use of cache directory with pip: `pip install --no-cache-dir <package>`"
    fix_safety = FixSafety.SAFE

    def check(self, ctx: Context) -> Iterator[Violation]:
        for item in run_scripts(ctx):
            if mount_covers(item.run, suffixes=(".cache/pip", ".cache")) or not ships(ctx, item):
                continue
            if _disabled(ctx.model.scope_at(item.run).env().get(NO_CACHE_VAR)):
                continue
            if _base_disables_cache(ctx, item):
                continue
            for pip in pip_installs(item):
                if pip.no_cache_dir or pip.subcommand_word is None or _offline(pip):
                    continue
                if _set_inline(item, pip.command) or _cache_deleted_after(item, pip.command):
                    continue
                yield Violation(
                    command_span(pip.command),
                    "Avoid use of cache directory with pip: use `pip install --no-cache-dir`",
                    insert_after(item, pip.subcommand_word, " --no-cache-dir",
                                 "Add --no-cache-dir to pip install"),
                )


def _disabled(value: object) -> bool:
    return isinstance(value, str) and value.strip().strip("'\"").lower() in _STRTOBOOL


def _set_inline(item: RunScript, pip: SimpleCommand) -> bool:
    """``PIP_NO_CACHE_DIR=1 pip ...`` or an earlier ``export PIP_NO_CACHE_DIR=1`` in the RUN."""
    if any(a.name == NO_CACHE_VAR and _disabled(a.value) for a in pip.assignments):
        return True
    for cmd in item.script.commands:
        if cmd.start >= pip.start or cmd.basename not in ("export", "declare", "typeset"):
            continue
        if any(a.name == NO_CACHE_VAR and _disabled(a.value) for a in cmd.assignments):
            return True
        for word in cmd.args:
            name, eq, value = (word.value or "").partition("=")
            if eq and name == NO_CACHE_VAR and _disabled(value):
                return True
    return False


def _cache_deleted_after(item: RunScript, pip: SimpleCommand) -> bool:
    """Whether the RUN empties pip's cache after this install: ``pip cache purge``, or an ``rm``
    of ``~/.cache/pip`` (``$HOME/.cache``, ``/root/.cache/pip``, ``/home/app/.cache``...). The
    layer then holds no cache, as with ``--no-cache-dir``."""
    if removes(item.script, pip, "/root/.cache/pip"):
        return True
    for later in package_commands(item.script, parse_pip):
        if later.command.start > pip.start and later.subcommand == "cache" and [
                o.value for o in later.operands[:1]] == ["purge"]:
            return True
    for rm in commands_named(item.script, "rm"):
        if rm.start > pip.start and any(_names_home_cache(w.unquoted) for w in rm.args):
            return True
    return False


def _names_home_cache(path: str) -> bool:
    """``~/.cache/pip``, ``$HOME/.cache``, ``/home/app/.cache/pip/`` (any user's home)."""
    path = path.rstrip("/")
    for prefix in _HOME_PREFIXES:
        if path.startswith(prefix):
            return path[len(prefix):] in _HOME_CACHES
    parts = path.split("/")
    return len(parts) >= 4 and parts[:2] == ["", "home"] and "/".join(parts[3:]) in _HOME_CACHES


def _base_disables_cache(ctx: Context, item: RunScript) -> bool:
    """Whether the stage's root base image is one that sets ``PIP_NO_CACHE_DIR`` itself."""
    stage = ctx.model.stage_of(item.owner)
    seen: set[int] = set()
    while stage is not None and stage.parent is not None and stage.index not in seen:
        seen.add(stage.index)
        stage = stage.parent
    repository = stage.base.repository if stage is not None else None
    if not repository:
        return False
    name = normalise_repository(repository)
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in _BASES_WITHOUT_PIP_CACHE)

