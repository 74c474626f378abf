"""The build context as BuildKit sees it: files after ``.dockerignore``, with content digests.

Why digests and not mtimes: BuildKit's COPY/ADD cache key hashes the selected files' tar
headers (path, mode, size, type, link target) and content, never the mtime, so two checkouts
of the same commit give the same keys. Digests are git blob ids (``sha1("blob N\\0" + data)``)
prefixed with the mode, so a working tree and a git revision (:class:`GitContext`, read with
``git ls-tree`` without checking anything out) yield identical digests for identical files
with the usual 0644/0755 permissions. Every permission bit counts, not only the exec bit (a
``chmod g+w`` busts the COPY: measured on BuildKit 0.8), which git cannot record.

Directories count too: BuildKit hashes a copied tree's directory entries, so an empty directory
added under a copied path, or a directory's mode, busts the COPY (:meth:`BuildContext.dirs`).

The ignore file is ``<Dockerfile>.dockerignore`` next to the Dockerfile when there is one (the
root ``.dockerignore`` is then not read at all: measured on BuildKit 0.8, and current BuildKit
documents the same), else ``.dockerignore`` at the context root.

``.git`` is left out of every context: it is never part of a git revision, and hashing it would
make every commit bust ``COPY . .`` (a real build does include it unless ``.dockerignore``
excludes it; :attr:`BuildContext.git_included` says when that happens).
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
import posixpath
import stat
import subprocess
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pathspec

__all__ = [
    "BuildContext",
    "DirContext",
    "FileEntry",
    "GitContext",
    "clean_source",
    "dir_digest",
    "dockerfile_ignore_name",
    "dockerignore_spec",
    "git_blob_id",
]


@dataclass(frozen=True, slots=True)
class FileEntry:
    """One file of the context: path relative to the root (``/``-separated), size, mode, digest."""

    path: str
    size: int
    mode: int
    digest: str


def git_blob_id(data: bytes) -> str:
    """The id git gives a blob with this content (so disk and ``git ls-tree`` agree)."""
    h = hashlib.sha1(usedforsecurity=False)
    h.update(b"blob %d\0" % len(data))
    h.update(data)
    return h.hexdigest()


def dockerignore_spec(text: str) -> pathspec.PathSpec[Any]:
    """Translate ``.dockerignore`` lines to anchored gitwildmatch patterns.

    Docker's matcher differs from gitignore in two ways handled here: every pattern is relative
    to the context root (so it is anchored with ``/``; gitignore would let ``foo`` match at any
    depth) and a leading ``/`` or ``./`` is dropped after ``filepath.Clean``. A pattern matching
    a directory excludes everything below it, and later ``!`` patterns re-include files even
    inside an excluded directory (last match wins), which is also what ``PathSpec`` does.
    """
    lines: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        if negate:
            line = line[1:].strip()
        line = posixpath.normpath(line).lstrip("/")
        if line in ("", "."):
            continue
        lines.append(("!" if negate else "") + "/" + line)
    return _spec(lines)


def _spec(lines: list[str]) -> pathspec.PathSpec[Any]:
    """gitwildmatch, not pathspec's newer "gitignore" factory: only the former matches a file
    through an excluded parent directory (``*`` excludes ``src/x.py``), which is Docker's rule."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return pathspec.PathSpec.from_lines("gitwildmatch", lines)


def clean_source(src: str) -> str:
    """A COPY source relative to the context root: cleaned, leading ``/`` and ``./`` removed."""
    cleaned = posixpath.normpath("/" + src.replace("\\", "/")).lstrip("/")
    return cleaned or "."


_GLOB_CHARS = frozenset("*?[")


def dir_digest(mode: int) -> str:
    """What a directory contributes to a key: its type and permission bits (``40755``)."""
    return f"{0o40000 | (mode & 0o7777):o}"


def dockerfile_ignore_name(dockerfile: str | None) -> str | None:
    """The Dockerfile-specific ignore file (``app.Dockerfile.dockerignore``), context-relative,
    for a context-relative Dockerfile path (None when the Dockerfile is outside the context)."""
    if not dockerfile:
        return None
    rel = posixpath.normpath(dockerfile.replace(os.sep, "/"))
    return None if rel.startswith("../") or rel == ".." else rel + ".dockerignore"


class BuildContext:
    """Files of a context after ``.dockerignore``; subclasses say where the bytes come from."""

    def __init__(self) -> None:
        self._files: dict[str, FileEntry] | None = None
        self._dirs: dict[str, str] | None = None
        self.git_included = False
        #: The context-relative ignore file in use (see :meth:`use_dockerfile_ignore`).
        self.ignore_name = ".dockerignore"

    def use_dockerfile_ignore(self, dockerfile: str | None) -> None:
        """Read ``<Dockerfile>.dockerignore`` instead of ``.dockerignore`` when it exists."""
        name = dockerfile_ignore_name(dockerfile)
        if name is not None and self.read(name) is not None:
            self.ignore_name = name

    # -- to implement ------------------------------------------------------------------------
    def _all_files(self) -> Iterable[FileEntry]:
        """Every file below the root (``.git`` left out), before ``.dockerignore``."""
        raise NotImplementedError

    def _all_dirs(self) -> dict[str, str]:
        """Every directory below the root (``.git`` left out) -> :func:`dir_digest`."""
        dirs: dict[str, str] = {}
        for entry in self._all_files():
            parts = entry.path.split("/")[:-1]
            for n in range(1, len(parts) + 1):
                dirs.setdefault("/".join(parts[:n]), dir_digest(0o755))
        return dirs

    def read(self, path: str) -> bytes | None:
        """Content of a context file (None when absent or unreadable)."""
        raise NotImplementedError

    # -- shared ------------------------------------------------------------------------------
    @property
    def ignore_text(self) -> str:
        data = self.read(self.ignore_name)
        return data.decode("utf-8", "replace") if data is not None else ""

    def files(self) -> dict[str, FileEntry]:
        """Every file that survives ``.dockerignore`` (computed once)."""
        if self._files is None:
            spec = dockerignore_spec(self.ignore_text)
            self.git_included = not spec.match_file(".git/HEAD")
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                self._files = {e.path: e for e in self._all_files() if not spec.match_file(e.path)}
        return self._files

    def dirs(self) -> dict[str, str]:
        """Directories BuildKit sends: those ``.dockerignore`` keeps, and the parents of kept files
        (a ``!`` pattern re-includes a file inside an excluded directory)."""
        if self._dirs is None:
            spec = dockerignore_spec(self.ignore_text)
            everything = self._all_dirs()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                kept = {p: d for p, d in everything.items() if not spec.match_file(p + "/")}
            for path in self.files():
                parts = path.split("/")[:-1]
                for n in range(1, len(parts) + 1):
                    parent = "/".join(parts[:n])
                    if parent in everything:
                        kept.setdefault(parent, everything[parent])
            self._dirs = dict(sorted(kept.items()))
        return self._dirs

    def select_dirs(self, src: str, exclude: Iterable[str] = ()) -> dict[str, str]:
        """Directories a COPY/ADD source selects: the source directory itself and every one below
        it (glob sources: the matching directories and their subtrees)."""
        source = clean_source(src)
        chosen: dict[str, str] = {}
        for path, digest in self.dirs().items():
            if source == ".":
                hit = True
            elif any(c in source for c in _GLOB_CHARS):
                hit = _glob_covers(source, path)
            else:
                hit = path == source or path.startswith(source + "/")
            if hit:
                chosen[path] = digest
        excludes = [p for p in exclude if p]
        if excludes:
            spec = _spec(excludes)
            chosen = {p: d for p, d in chosen.items() if not spec.match_file(_relative(source, p) + "/")}
        return chosen

    def select(self, src: str, exclude: Iterable[str] = ()) -> list[FileEntry]:
        """Files a COPY/ADD source selects: the file, everything under a directory, or glob matches."""
        files = self.files()
        source = clean_source(src)
        chosen: list[FileEntry] = []
        if source == ".":
            chosen = list(files.values())
        elif any(c in source for c in _GLOB_CHARS):
            for path, entry in files.items():
                if _glob_covers(source, path):
                    chosen.append(entry)
        elif source in files:
            chosen = [files[source]]
        else:
            prefix = source + "/"
            chosen = [e for p, e in files.items() if p.startswith(prefix)]
        excludes = [p for p in exclude if p]
        if excludes:
            spec = _spec(excludes)
            chosen = [e for e in chosen if not spec.match_file(_relative(source, e.path))]
        return sorted(chosen, key=lambda e: e.path)

    def covers(self, src: str, path: str) -> bool:
        """Whether a (possibly deleted) ``path`` falls under a COPY source and survives .dockerignore."""
        spec = dockerignore_spec(self.ignore_text)
        if spec.match_file(path):
            return False
        source = clean_source(src)
        if source == ".":
            return True
        if any(c in source for c in _GLOB_CHARS):
            return _glob_covers(source, path)
        return path == source or path.startswith(source + "/")


def _relative(source: str, path: str) -> str:
    if source == "." or not path.startswith(source + "/"):
        return path
    return path[len(source) + 1 :]


def _glob_covers(pattern: str, path: str) -> bool:
    """Go ``filepath.Match`` per component: the pattern matches the path or one of its parents."""
    pat = pattern.split("/")
    parts = path.split("/")
    if len(parts) < len(pat):
        return False
    return all(fnmatch.fnmatchcase(parts[i], pat[i]) for i in range(len(pat)))


class DirContext(BuildContext):
    """A context directory on disk."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        super().__init__()
        self.root = Path(root)

    def _all_dirs(self) -> dict[str, str]:
        root = str(self.root)
        dirs: dict[str, str] = {}
        for dirpath, dirnames, _filenames in os.walk(root):
            rel_dir = os.path.relpath(dirpath, root)
            if rel_dir == ".":
                dirnames[:] = [d for d in dirnames if d != ".git"]
            for name in dirnames:
                rel = name if rel_dir == "." else f"{rel_dir}/{name}".replace(os.sep, "/")
                try:
                    dirs[rel] = dir_digest(os.lstat(os.path.join(dirpath, name)).st_mode)
                except OSError:
                    continue
        return dirs

    def _all_files(self) -> Iterable[FileEntry]:
        root = str(self.root)
        for dirpath, dirnames, filenames in os.walk(root):
            rel_dir = os.path.relpath(dirpath, root)
            if rel_dir == ".":
                dirnames[:] = [d for d in dirnames if d != ".git"]
            dirnames.sort()
            for name in sorted(filenames):
                full = os.path.join(dirpath, name)
                rel = name if rel_dir == "." else f"{rel_dir}/{name}".replace(os.sep, "/")
                entry = self._entry(full, rel)
                if entry is not None:
                    yield entry

    @staticmethod
    def _entry(full: str, rel: str) -> FileEntry | None:
        try:
            st = os.lstat(full)
            if stat.S_ISLNK(st.st_mode):
                target = os.readlink(full).encode()
                return FileEntry(rel, len(target), 0o120000, f"120000:{git_blob_id(target)}")
            if not stat.S_ISREG(st.st_mode):
                return None
            with open(full, "rb") as fh:
                data = fh.read()
        except OSError:
            return None
        mode = 0o100000 | (st.st_mode & 0o7777)
        return FileEntry(rel, len(data), mode, f"{mode:o}:{git_blob_id(data)}")

    def read(self, path: str) -> bytes | None:
        try:
            return (self.root / path).read_bytes()
        except OSError:
            return None


class GitContext(BuildContext):
    """A context as it was at a git revision (``git ls-tree``/``git show``; nothing checked out)."""

    def __init__(self, repo: str | os.PathLike[str], rev: str, prefix: str = "") -> None:
        super().__init__()
        self.repo = str(repo)
        self.rev = rev
        self.prefix = prefix.strip("/")

    def _git(self, *args: str) -> bytes | None:
        try:
            done = subprocess.run(
                ["git", "-C", self.repo, *args], capture_output=True, check=False, timeout=120
            )
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout if done.returncode == 0 else None

    def _all_files(self) -> Iterable[FileEntry]:
        spec = f"{self.prefix}/" if self.prefix else "."
        out = self._git("ls-tree", "-r", "-l", "-z", "--full-tree", self.rev, "--", spec)
        if not out:
            return
        for record in out.split(b"\0"):
            if not record:
                continue
            meta, _, path_b = record.partition(b"\t")
            fields = meta.split()
            if len(fields) < 4 or fields[1] != b"blob":
                continue
            mode = int(fields[0], 8)
            size = int(fields[3]) if fields[3].isdigit() else 0
            path = path_b.decode("utf-8", "replace")
            if self.prefix:
                path = path[len(self.prefix) + 1 :]
            yield FileEntry(path, size, mode, f"{mode:o}:{fields[2].decode()}")

    def read(self, path: str) -> bytes | None:
        full = f"{self.prefix}/{path}" if self.prefix else path
        return self._git("show", f"{self.rev}:{full}")
