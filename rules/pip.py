"""pip rules (hadolint DL3013, DL3042), for ``pip``, ``pip3``, ``pip3.12`` and ``python -m pip``."""

from __future__ import annotations

from collections.abc import Iterator

from dflint.finding import FixSafety, Severity, Violation
from dflint.plugin import Context, Rule
from dflint.shell import SimpleCommand
from dflint.shell.packages import PipCommand, parse_pip

from ._pkgmgr import RunScript, command_span, insert_after, mount_covers, package_commands, run_scripts

_VCS = ("git+", "hg+", "svn+", "bzr+")
#: Values pip's ``strtobool`` accepts. For backwards compatibility pip disables the cache for
#: *any* of them, "false" and "0" included (see ``_handle_no_cache_dir`` in pip's cmdoptions).
_STRTOBOOL = frozenset({"y", "yes", "t", "true", "on", "1", "n", "no", "f", "false", "off", "0"})
NO_CACHE_VAR = "PIP_NO_CACHE_DIR"


def pip_installs(item: RunScript) -> list[PipCommand]:
    return [p for p in package_commands(item.script, parse_pip) if p.subcommand == "install"]


class PipPinVersions(Rule):
    """## What it does
    Checks that every package given to `pip install` has a version constraint
    (`flask==3.0.3`, `'requests>=2.31,<3'`), or is a file, a local path, or a VCS URL with a
    ref (`git+https://github.com/psf/black@24.4.2`).

    A command that installs from a requirements file (`-r`) or with a constraints file (`-c`)
    is skipped: the versions are pinned there. Values of options such as `--index-url`,
    `--target` or `-e` are not packages, and a package held in a variable is not judged.

    hadolint does not split clustered short options, so in `pip install -qr requirements.txt`
    it sees no `-r`, takes `requirements.txt` for an unpinned package and reports it. `-qr`
    is `-q -r`: this is a requirements install, and it passes here.

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

    ## References
    - hadolint DL3013
    """

    code = "DL3013"
    name = "pip-pin-versions"
    severity = Severity.WARNING
    summary = "Pin versions in pip: `pip install <package>==<version>` or `pip install -r <file>`"

    def check(self, ctx: Context) -> Iterator[Violation]:
        for item in run_scripts(ctx):
            for pip in pip_installs(item):
                if pip.requirement_files or pip.constraint_files:
                    continue
                for package in pip.packages:
                    text = package.word.value or package.name
                    if package.pinned:
                        continue
                    if package.kind == "url" and not text.startswith(_VCS):
                        continue
                    if package.kind not in ("name", "url"):
                        continue
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
    or exported earlier in the RUN; and a cache or tmpfs mount on the pip cache
    (`--mount=type=cache,target=/root/.cache/pip`). `pipx` and `pipenv` are other programs.

    hadolint wants a "truthy" `PIP_NO_CACHE_DIR`, so `ENV PIP_NO_CACHE_DIR=0` or `=off` is
    reported there. pip itself disables the cache for every boolean value, false ones
    included (a backwards-compatibility quirk documented in its source), so they are accepted
    here.

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

    ## References
    - hadolint DL3042
    """

    code = "DL3042"
    name = "pip-cache-dir"
    severity = Severity.WARNING
    summary = "Avoid use of cache directory with pip: `pip install --no-cache-dir <package>`"
    fix_safety = FixSafety.SAFE

    def check(self, ctx: Context) -> Iterator[Violation]:
        for item in run_scripts(ctx):
            if mount_covers(item.run, suffixes=(".cache/pip", ".cache")):
                continue
            if _disabled(ctx.model.scope_at(item.run).env().get(NO_CACHE_VAR)):
                continue
            for pip in pip_installs(item):
                if pip.no_cache_dir or pip.subcommand_word is None:
                    continue
                if _set_inline(item, pip.command):
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
