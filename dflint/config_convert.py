"""``dflint config --from-hadolint``: turn a ``.hadolint.yaml`` into dflint's own configuration.

dflint already reads ``.hadolint.yaml``; converting is for a team that moves over for good (one
config format, dflint's keys such as ``select`` and ``per-file-ignores`` available). The output
is produced from the same translation the linter uses (:mod:`dflint.hadolint_config`), so the
converted file gives exactly the settings the YAML gave; tests/test_hadolint_config.py checks
that round trip on every fixture.

The TOML is written by hand: the translated settings are only strings, booleans, lists of
strings and one level of tables, and a TOML writer dependency for that is not worth its import.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_ERROR = 0, 2
#: The order keys are written in: the ones users read first, then tables.
_ORDER = ("ignore", "failure-threshold", "no-fail", "trusted-registries", "strict-labels",
          "disable-ignore-pragma", "color", "format", "severity", "label-schema")


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="dflint config",
        description="Convert a hadolint configuration into dflint's (.dflint.toml or [tool.dflint]).",
    )
    parser.add_argument("--from-hadolint", nargs="?", const="", metavar="FILE", required=True,
                        help="the .hadolint.yaml to convert (default: the one hadolint would use here)")
    parser.add_argument("--pyproject", action="store_true",
                        help="print a [tool.dflint] table for pyproject.toml instead of a .dflint.toml")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("-o", "--output", metavar="FILE",
                       help="write to FILE (a pyproject.toml gets a [tool.dflint] table appended)")
    where.add_argument("--write", action="store_true",
                       help="write .dflint.toml next to the hadolint file")
    parser.add_argument("--force", action="store_true", help="overwrite an existing .dflint.toml")
    args = parser.parse_args(argv)

    from dflint.config import ConfigError

    try:
        source = _hadolint_file(args.from_hadolint)
        from dflint.hadolint_config import load_file

        translated, _ = load_file(source)
        target = Path(args.output) if args.output else None
        if args.write:
            target = source.with_name(".dflint.toml")
        pyproject = args.pyproject or (target is not None and target.name == "pyproject.toml")
        text = to_toml(translated.data, pyproject=pyproject,
                       header=_header(source, translated.notes))
        if target is None:
            sys.stdout.write(text)
            return EXIT_OK
        _write(target, text, pyproject=pyproject, force=args.force)
    except ConfigError as exc:
        print(f"dflint: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    print(f"dflint: wrote {target}", file=sys.stderr)
    return EXIT_OK


def _hadolint_file(given: str) -> Path:
    """The file named, else the one hadolint would read from the current directory."""
    from dflint.config import ConfigError, hadolint_home_candidates

    if given:
        path = Path(given)
        if not path.is_file():
            raise ConfigError("hadolint configuration not found", path=path)
        return path
    here = Path(os.path.abspath(os.curdir))
    for directory in (here, *here.parents):
        for name in (".hadolint.yaml", ".hadolint.yml"):
            if (directory / name).is_file():
                return directory / name
    for candidate in hadolint_home_candidates():
        if candidate.is_file():
            return candidate
    raise ConfigError("no .hadolint.yaml here, in a parent directory or in hadolint's per-user places; "
                      "name one: dflint config --from-hadolint FILE")


def _header(source: Path, notes: Sequence[str]) -> list[str]:
    lines = [f"Converted from {source} by `dflint config --from-hadolint`."]
    lines.extend(notes)
    if any(name.startswith("HADOLINT_") for name in os.environ):
        lines.append("HADOLINT_* variables are set in this shell; they are not part of this file "
                     "(dflint still reads them).")
    return lines


def to_toml(data: Mapping[str, Any], *, pyproject: bool = False, header: Sequence[str] = ()) -> str:
    """The settings as ``.dflint.toml`` text (or a ``[tool.dflint]`` table with ``pyproject``)."""
    prefix = "tool.dflint." if pyproject else ""
    out = [f"# {line}" for line in header]
    if pyproject:
        out.append("[tool.dflint]")
    keys = sorted(data, key=lambda k: (_ORDER.index(k) if k in _ORDER else len(_ORDER), k))
    tables = [k for k in keys if isinstance(data[k], dict)]
    for key in keys:
        if key not in tables:
            out.append(f"{_key(key)} = {_value(data[key])}")
    for key in tables:
        if not data[key]:
            continue
        out.append("")
        out.append(f"[{prefix}{_key(key)}]")
        for name, value in data[key].items():
            out.append(f"{_key(name)} = {_value(value)}")
    return "\n".join(out) + "\n"


def _key(name: str) -> str:
    bare = name and all(ch.isascii() and (ch.isalnum() or ch in "-_") for ch in name)
    return name if bare else _string(name)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def _string(text: str) -> str:
    """A TOML basic string: JSON's escapes are TOML's, except DEL, which TOML wants escaped."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007F")


def _write(target: Path, text: str, *, pyproject: bool, force: bool) -> None:
    from dflint.config import ConfigError

    if pyproject and target.exists():
        existing = target.read_text(encoding="utf-8")
        import tomli

        try:
            parsed = tomli.loads(existing)
        except tomli.TOMLDecodeError as exc:
            raise ConfigError(f"invalid TOML: {exc}", path=target) from None
        if "dflint" in parsed.get("tool", {}):
            raise ConfigError("already has a [tool.dflint] table; merge by hand", path=target)
        separator = "" if existing.endswith("\n\n") else "\n" if existing.endswith("\n") else "\n\n"
        target.write_text(existing + separator + text, encoding="utf-8")
        return
    if target.exists() and not force:
        raise ConfigError("already exists; pass --force to overwrite it", path=target)
    target.write_text(text, encoding="utf-8")
