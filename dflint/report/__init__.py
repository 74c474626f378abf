"""Reporters: one module per output format, chosen by name and imported only when used.

Lazy dispatch keeps ``dflint --format json`` from paying for rich (the terminal reporter's
dependency): start-up time matters when pre-commit runs one process per batch of files.

Every format module exposes the same function::

    def render(results, rules, *, color, statistics, out) -> None
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Protocol, TextIO

from dflint.report.model import FileResult

if TYPE_CHECKING:
    from dflint.plugin import Rule

__all__ = ["ALIASES", "FORMATS", "FileResult", "render", "resolve_format"]

#: Format name -> module inside this package.
FORMATS: dict[str, str] = {
    "tty": "tty",
    "concise": "concise",
    "json": "json_format",
    "sarif": "sarif",
    "gitlab": "gitlab",
    "checkstyle": "checkstyle",
    "github": "github",
    "gnu": "gnu",
    "codeclimate": "codeclimate",
    "codacy": "codacy",
    "sonarqube": "sonarqube",
    "junit": "junit",
}

#: Other tools' names for the same formats, so muscle memory from hadolint and ruff works.
ALIASES: dict[str, str] = {
    "full": "tty",
    "text": "tty",
    "gitlab_codeclimate": "gitlab",
}


class _FormatModule(Protocol):
    def render(
        self,
        results: Sequence[FileResult],
        rules: Mapping[str, type[Rule]],
        *,
        color: str,
        statistics: bool,
        out: TextIO,
    ) -> None: ...


def resolve_format(name: str) -> str:
    """The canonical format name for ``name`` (case-insensitive, aliases accepted).

    Raises ValueError naming the accepted formats, for the CLI to print as a usage error.
    """
    key = name.strip().lower().replace("-", "_")
    key = ALIASES.get(key, key)
    if key not in FORMATS:
        raise ValueError(f"unknown output format {name!r}; expected one of {', '.join(FORMATS)}")
    return key


def render(
    format: str,
    results: Sequence[FileResult],
    rules: Mapping[str, type[Rule]],
    *,
    color: str = "auto",
    statistics: bool = False,
    out: TextIO,
) -> None:
    """Write ``results`` to ``out`` in ``format``.

    ``rules`` maps codes to rule classes; reporters read metadata from it (SARIF rule table,
    statistics names) and fall back to what the finding itself carries for a code missing from it.
    ``color`` is "auto", "always" or "never" and only matters to the terminal formats;
    ``statistics`` replaces the terminal listing by counts per code (and the JSON list by
    the same counts), like ``ruff --statistics``; machine formats for CI ignore it.
    """
    if color not in ("auto", "always", "never"):
        raise ValueError(f"unknown color mode {color!r}; expected auto, always or never")
    module: _FormatModule = importlib.import_module(f"{__name__}.{FORMATS[resolve_format(format)]}")
    module.render(results, rules, color=color, statistics=statistics, out=out)
