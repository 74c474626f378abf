"""Which files under the given paths are Dockerfiles.

Names follow what users call their Dockerfiles (and what pre-commit's `identify` tags, plus the
`*.dockerfile` / `Dockerfile-*` spellings it misses). Directory walks skip version-control and
dependency folders, virtual environments and whatever the `.gitignore` files on the way ignore.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

SKIPPED_DIRS = frozenset(
    {".git", ".hg", ".svn", "node_modules", ".venv", "venv", ".tox", ".nox", "__pycache__",
     ".mypy_cache", ".ruff_cache", ".pytest_cache", "site-packages", ".eggs"}
)


def is_dockerfile_name(name: str) -> bool:
    """True for Dockerfile, Containerfile, *.Dockerfile, *.dockerfile, Dockerfile.*, Dockerfile-*."""
    lower = name.lower()
    for base in ("dockerfile", "containerfile"):
        if lower == base or lower.endswith("." + base):
            return True
        if lower.startswith(base + ".") or lower.startswith(base + "-") or lower.startswith(base + "_"):
            return True
    return False


def _is_virtualenv(path: Path) -> bool:
    return (path / "pyvenv.cfg").is_file()


class _GitIgnore:
    """The `.gitignore` rules met on the way down, each applied relative to its own folder."""

    def __init__(self) -> None:
        self._specs: list[tuple[Path, Any]] = []

    def load(self, directory: Path) -> None:
        ignore_file = directory / ".gitignore"
        if not ignore_file.is_file():
            return
        try:
            lines = ignore_file.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return
        import pathspec  # only when a .gitignore exists: keeps a plain file lint lean

        self._specs.append((directory, pathspec.GitIgnoreSpec.from_lines(lines)))

    def ignores(self, path: Path, is_dir: bool) -> bool:
        for base, spec in self._specs:
            try:
                rel = path.relative_to(base).as_posix()
            except ValueError:
                continue
            if spec.match_file(rel + "/" if is_dir else rel):
                return True
        return False


def find_dockerfiles(paths: list[str]) -> Iterator[Path]:
    """Yield files to lint: explicit files as given, Dockerfiles found in directories, sorted."""
    for raw in paths:
        path = Path(raw)
        if not path.is_dir():
            yield path  # explicit file (or a missing one: the engine reports it as unreadable)
            continue
        ignore = _GitIgnore()
        yield from _walk(path, ignore)


def _walk(directory: Path, ignore: _GitIgnore) -> Iterator[Path]:
    ignore.load(directory)
    try:
        entries = sorted(os.scandir(directory), key=lambda e: e.name)
    except OSError:
        return
    subdirs = []
    for entry in entries:
        path = Path(entry.path)
        if entry.is_dir(follow_symlinks=False):
            if entry.name in SKIPPED_DIRS or _is_virtualenv(path) or ignore.ignores(path, True):
                continue
            subdirs.append(path)
        elif entry.is_file() and is_dockerfile_name(entry.name) and not ignore.ignores(path, False):
            yield path
    for sub in subdirs:
        yield from _walk(sub, ignore)
