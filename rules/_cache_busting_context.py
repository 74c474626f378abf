"""What DF001 reads in the build context's manifests, when the engine hands them over.

The engine lists the context (``context_files``) and, for the names DF001 asks for, gives the
text of small files (``context_texts``, pairs of relative path and content). A rule never opens
files itself. These functions answer the questions whose answer is in a manifest and nowhere in
the Dockerfile: does the Go module require anything, is it vendored, which folders does it
``replace`` with local copies; does the crate have dependencies; is the Gemfile a gem's; and
would a manifest copied alone still install (no ``-r other.txt``, no ``file:`` dependency...).

A context that does not hold the file says nothing: the Dockerfile's folder is only a guess at
the build context (``docker build -f sub/Dockerfile .`` is common), so absence is never taken
as proof.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping

from dflint.lazyre import LazyPattern
from dflint.records import FrozenRecord

__all__ = ["CONTEXT_TEXT_NAMES", "ContextView", "GoModule"]

#: The files whose text DF001 asks the engine for.
CONTEXT_TEXT_NAMES = ("go.mod", "Cargo.toml", "Gemfile", "package.json", "composer.json",
                      "*requirements*.txt")

_GO_REQUIRE_LINE = LazyPattern(r"^\s*require\s+\S+\s+v\S+", re.MULTILINE)
_GO_REQUIRE_BLOCK = LazyPattern(r"^\s*require\s*\((.*?)^\s*\)", re.MULTILINE | re.DOTALL)
_GO_REPLACE = LazyPattern(r"=>\s*(\.{1,2}/\S*|\.{1,2})\s*$", re.MULTILINE)
_GEMSPEC = LazyPattern(r"^\s*gemspec\b", re.MULTILINE)
_GEM_PATH = LazyPattern(r"\bpath:\s|:path\s*=>", re.MULTILINE)
_REQUIREMENT_INCLUDE = LazyPattern(r"^\s*(-r|-c|-e|--requirement|--constraint|--editable)\b|^\s*\.{0,2}/",
                                  re.MULTILINE)
_NODE_LOCAL = LazyPattern(r'"(?:file|link|portal|workspace):')
_NODE_SCRIPTS = LazyPattern(r'"(?:preinstall|install|postinstall|prepare)"\s*:')


class GoModule(FrozenRecord):
    """What a go.mod says about downloads."""

    __slots__ = ("local_replaces", "requires", "vendored")
    __match_args__ = ("requires", "vendored", "local_replaces")

    requires: bool
    #: ``vendor/modules.txt`` sits beside it: builds use the vendored copies.
    vendored: bool
    #: Folders that ``replace`` directives point to, relative to the context.
    local_replaces: tuple[str, ...]

    def __init__(self, requires: bool, vendored: bool, local_replaces: tuple[str, ...]) -> None:
        _set = object.__setattr__
        _set(self, "requires", requires)
        _set(self, "vendored", vendored)
        _set(self, "local_replaces", local_replaces)


def _folder(path: str) -> str:
    """``a/b/`` for ``a/b/go.mod``, ``""`` for ``go.mod``."""
    parent = posixpath.dirname(path)
    return parent + "/" if parent else ""


class ContextView:
    """The context's file list and the manifest texts the engine read, for DF001's questions."""

    __slots__ = ("files", "texts")

    def __init__(self, files: Iterable[str], texts: Iterable[tuple[str, str]]) -> None:
        self.files = frozenset(files)
        self.texts: Mapping[str, str] = dict(texts)

    @property
    def known(self) -> bool:
        """Whether there is a context at all (a Dockerfile on disk)."""
        return bool(self.files)

    def text(self, folder: str, name: str) -> str | None:
        return self.texts.get(folder + name)

    def go_module(self, folders: Iterable[str]) -> GoModule | None:
        """The first go.mod found in ``folders`` (context-relative, ``""`` or ``dir/``)."""
        for folder in folders:
            text = self.text(folder, "go.mod")
            if text is None:
                continue
            requires = bool(_GO_REQUIRE_LINE.search(text)) or any(
                line.strip() and not line.strip().startswith("//")
                for block in _GO_REQUIRE_BLOCK.findall(text) for line in block.splitlines())
            replaces = tuple(posixpath.normpath(posixpath.join(folder, target))
                             for target in _GO_REPLACE.findall(text))
            return GoModule(requires, folder + "vendor/modules.txt" in self.files, replaces)
        return None

    def crate_has_dependencies(self, folders: Iterable[str]) -> bool | None:
        """Whether the first Cargo.toml found lists dependencies (or is a workspace)."""
        import tomllib  # only when a context is there and a cargo build is in question

        for folder in folders:
            text = self.text(folder, "Cargo.toml")
            if text is None:
                continue
            try:
                data = tomllib.loads(text)
            except tomllib.TOMLDecodeError:
                return None
            if "workspace" in data:
                return True
            tables = [data.get(k) for k in ("dependencies", "build-dependencies")]
            tables += [t.get("dependencies") for t in data.get("target", {}).values() if isinstance(t, dict)]
            return any(isinstance(t, dict) and t for t in tables)
        return None

    def gemfile_is_a_gems(self, folders: Iterable[str]) -> bool:
        """Whether a Gemfile found says ``gemspec``: it reads the gem's own files."""
        return any(_GEMSPEC.search(self.text(f, "Gemfile") or "") for f in folders)

    def manifests_need_more(self, folder: str, names: Iterable[str]) -> bool:
        """Whether a manifest about to be copied alone reads other files of the context:
        ``-r base.txt`` or ``-e .`` in requirements, ``file:`` dependencies, workspaces or
        install scripts in package.json, a Gemfile's ``gemspec`` or ``path:``, a go.mod
        ``replace`` pointing into the tree, composer ``path`` repositories."""
        for name in names:
            text = self.text(folder, name)
            if text is None:
                continue
            lowered = name.lower()
            if lowered.endswith(".txt") and _REQUIREMENT_INCLUDE.search(text):
                return True
            if lowered == "package.json" and (
                    '"workspaces"' in text or _NODE_LOCAL.search(text) or _NODE_SCRIPTS.search(text)):
                return True
            if lowered == "gemfile" and (_GEMSPEC.search(text) or _GEM_PATH.search(text)):
                return True
            if lowered == "go.mod" and _GO_REPLACE.search(text):
                return True
            if lowered == "composer.json" and '"path"' in text:
                return True
        return False
