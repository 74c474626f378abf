"""Whether any configuration can apply to a run, decided without the configuration code.

Why: ``dflint Dockerfile`` in a project without configuration is the usual CI and pre-commit
run, and there the built-in defaults are all there is; yet resolving them went through
:mod:`dflint.config` (with pathlib, its validators and a TOML reader), a sizeable part of a
one-file lint. The command line asks :func:`may_be_configured` first and uses the defaults
directly when the answer is no.

The answer errs towards yes: any file a dflint or hadolint configuration can be read from
(``.dflint.toml``, a ``pyproject.toml`` that may hold ``[tool.dflint]``, ``.hadolint.yaml`` and
``.yml``) in a linted file's folder or any folder above it or in the working directory, a
hadolint configuration in the user's folders, or a ``DFLINT_``/``HADOLINT_`` variable not known
to be harmless. :mod:`dflint.config` reads the same names from here.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable

DEDICATED_FILE = ".dflint.toml"
PYPROJECT_FILE = "pyproject.toml"
#: Files that configure a run from the folder of a linted file or any folder above it.
LOCAL_FILES = (DEDICATED_FILE, PYPROJECT_FILE, ".hadolint.yaml", ".hadolint.yml")
#: Variables that never change which rules run or how: the output format is an argument
#: default, the rest are caches and test switches.
_HARMLESS = frozenset({"DFLINT_FORMAT", "DFLINT_NO_CACHE", "DFLINT_NO_RULE_INDEX", "DFLINT_FULL_CORPUS"})

#: What a pyproject.toml needs for a ``tool.dflint`` table: a ``tool.dflint`` key or header
#: (spaces and quotes allowed), a bare ``[tool]`` table or an inline ``tool = {...}``, or an
#: escape that could spell the name. Without any of these, the TOML need not be parsed.
_MAY_HOLD_DFLINT_TABLE = r"""tool\s*\.\s*["']?dflint|^\s*\[\s*tool\s*\]|^\s*tool\s*=|\\[uU]"""


def pyproject_may_hold_dflint(text: str) -> bool:
    """False when ``text`` (a pyproject.toml) certainly has no ``tool.dflint`` table."""
    return "dflint" in text and re.search(_MAY_HOLD_DFLINT_TABLE, text, re.MULTILINE) is not None


def may_be_configured(paths: Iterable[str]) -> bool:
    """Whether a configuration file or variable could apply when linting ``paths`` (``-`` is
    standard input, configured from the working directory)."""
    if any(name.startswith(("DFLINT_", "HADOLINT_")) and name not in _HARMLESS for name in os.environ):
        return True
    folders: set[str] = {os.getcwd()}
    for path in paths:
        absolute = os.path.abspath(os.getcwd() if path == "-" else path)
        folders.add(absolute if os.path.isdir(absolute) else os.path.dirname(absolute))
    seen: set[str] = set()
    for folder in folders:
        while folder not in seen:
            seen.add(folder)
            if _configured_here(folder):
                return True
            parent = os.path.dirname(folder)
            if parent == folder:
                break
            folder = parent
    return any(os.path.isfile(p) for p in _user_files())


def _configured_here(folder: str) -> bool:
    for name in LOCAL_FILES:
        path = os.path.join(folder, name)
        if not os.path.isfile(path):
            continue
        if name != PYPROJECT_FILE:
            return True
        try:
            with open(path, encoding="utf-8", errors="replace") as fh:
                if pyproject_may_hold_dflint(fh.read()):
                    return True
        except OSError:
            return True  # unreadable: let the configuration code report it
    return False


def _user_files() -> list[str]:
    """Where hadolint looks for a configuration of the user's (its documentation, in order)."""
    home = os.path.expanduser("~")
    config_home = os.environ.get("XDG_CONFIG_HOME") or os.path.join(home, ".config")
    found: list[str] = []
    for folder, names in ((config_home, ("hadolint",)), (os.environ.get("LOCALAPPDATA") or "", ("hadolint",)),
                          (os.path.join(home, ".hadolint"), ("hadolint", "config")), (home, (".hadolint",))):
        if folder:
            found.extend(os.path.join(folder, f"{name}.{ext}") for name in names for ext in ("yaml", "yml"))
    return found
