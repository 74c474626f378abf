"""DF001's reading of COPY/ADD: what a copy brings into the image.

A copy is an *intake* when it brings more than install inputs: the whole build context
(``COPY . .``) or application source (``src/``, ``*.py``, ``server.js``). Manifests and lock
files (``package.json``, ``go.sum``, ``*.csproj``), folders of them (``gradle/``, ``.yarn/``)
and globs that pick only them (``package*.json``, ``gradlew*``) are install inputs: copying
them first is the point. So is a build hook copied together with the manifests (``COPY
pyproject.toml poetry.lock build_rust.py ./``): the install runs it.
"""

from __future__ import annotations

import fnmatch
import posixpath
from collections.abc import Sequence

from dflint.records import FrozenRecord
from dflint.span import Span
from dflint.tree import Add, Copy, Instruction, Word

from ._cache_busting_installs import ecosystem_of_manifest, names_path
from ._cache_busting_reorder import UNKNOWN_ROOT

__all__ = ["Intake", "clean", "copied_ecosystems", "intake_of", "is_manifest_word", "is_named_path"]

#: Extensions of application source files.
_SOURCE_EXTS = frozenset({
    ".py", ".pyx", ".js", ".mjs", ".cjs", ".ts", ".tsx", ".jsx", ".vue", ".svelte", ".go", ".rs",
    ".rb", ".erb", ".php", ".java", ".kt", ".kts", ".scala", ".groovy", ".cs", ".fs", ".vb", ".c",
    ".cc", ".cpp", ".h", ".hpp", ".ex", ".exs", ".erl", ".clj", ".swift", ".dart", ".lua", ".pl",
    ".r", ".html", ".css", ".scss",
})
# A glob is harmless when it picks manifests and no typical source file.
_MANIFEST_SAMPLES = ("package.json", "package-lock.json", "requirements.txt", "requirements-dev.txt",
                     "go.mod", "go.sum", "gemfile", "gemfile.lock", "cargo.toml", "cargo.lock",
                     "composer.json", "composer.lock", "pom.xml", "app.csproj", "app.sln", "poetry.lock",
                     "pyproject.toml", "yarn.lock", "pnpm-lock.yaml", "gradlew", "gradlew.bat",
                     "build.gradle", "build.gradle.kts", "settings.gradle", "settings.gradle.kts",
                     "gradle.properties", "nuget.config", "directory.build.props", "app.gemspec")
_SOURCE_SAMPLES = ("main.py", "app.py", "server.py", "index.js", "app.ts", "main.go", "main.rs",
                   "app.rb", "index.php", "app.java", "program.cs", "src")


def clean(text: str) -> str:
    """A path word without its surrounding quotes."""
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text


def _path(text: str) -> str:
    path = clean(text)
    while path.startswith("./"):
        path = path[2:]
    return path.rstrip("/")


def _is_glob(name: str) -> bool:
    return any(c in name for c in "*?[")


def is_manifest_word(text: str) -> bool:
    """Whether a COPY source names only install inputs (a manifest, or a glob of manifests)."""
    base = posixpath.basename(_path(text)).lower()
    if not base or "$" in base:
        return False
    if not _is_glob(base):
        return ecosystem_of_manifest(base) is not None
    picks_manifest = any(fnmatch.fnmatchcase(s, base) for s in _MANIFEST_SAMPLES) or _manifest_stem(base)
    picks_source = any(fnmatch.fnmatchcase(s, base) for s in _SOURCE_SAMPLES)
    return picks_manifest and not picks_source


def _manifest_stem(glob: str) -> bool:
    """A glob whose fixed start is a manifest's whole name: ``bun.lockb*``, ``Gemfile*``,
    ``yarn.lock*`` (the usual way to copy a lock file that may be missing)."""
    return ecosystem_of_manifest(_glob_stem(glob)) is not None


def _glob_stem(glob: str) -> str:
    """The fixed text before a glob's first wildcard."""
    return glob[:min((glob.index(c) for c in "*?[" if c in glob), default=len(glob))]


def is_named_path(text: str) -> bool:
    """A source word that names one file or folder (``lib/gemfile_helper.rb``, ``vendor/gems/``):
    no glob, no variable, not the whole context."""
    raw = clean(text)
    path = _path(raw)
    return path not in ("", ".") and not _is_glob(path) and "$" not in raw


def copied_ecosystems(instruction: Copy | Add) -> set[str]:
    """The ecosystems whose manifests the copy brings (``{"node"}`` for ``package*.json``)."""
    found: set[str] = set()
    for word in instruction.sources:
        base = posixpath.basename(_path(word.text)).lower()
        eco = ecosystem_of_manifest(base)
        if eco is None and _is_glob(base):
            picked = [_glob_stem(base)] + [s for s in _MANIFEST_SAMPLES if fnmatch.fnmatchcase(s, base)]
            eco = next((e for e in map(ecosystem_of_manifest, picked) if e is not None), None)
        if eco is not None:
            found.add(eco)
    return found


def _source_kind(text: str) -> str | None:
    """``context``, ``source``, or None for a source word that is only an install input.

    Unknown values (``$VAR``), heredocs and URLs are None: they cannot be judged or are not
    the build context.
    """
    raw = clean(text)
    if not raw or "$" in raw or raw.startswith("<<") or "://" in raw or raw.startswith("git@"):
        return None
    is_dir = raw.endswith("/")
    path = _path(raw)
    if path in ("", ".", "*", "**", "**/*") or raw == "/":
        return "context"
    base = posixpath.basename(path)
    if is_manifest_word(path):
        return None
    if _is_glob(base):
        ext = posixpath.splitext(base)[1].lower()
        if ext and not _is_glob(ext):
            return "source" if ext in _SOURCE_EXTS else None  # `*.py` vs `*.patch`
        return "source"
    if is_dir:
        return "source"
    ext = posixpath.splitext(base)[1]
    if ext.lower() in _SOURCE_EXTS:
        return "source"
    if not ext and base[:1].islower():
        return "source"  # `src`, `app`, `cmd`: a folder (files like `Makefile` are capitalised)
    return None


def _is_build_hook(text: str) -> bool:
    """``build_rust.py``, ``hatch_build.py``, ``build.rs``: scripts a package build runs."""
    stem = posixpath.splitext(posixpath.basename(_path(text)))[0].lower()
    return "build" in stem and not clean(text).endswith("/")


class Intake(FrozenRecord):
    """A COPY/ADD that brings in more than install inputs.

    ``destination`` is where it lands in the image (absolute; None when a variable or the base
    image's unknown working directory hides it); ``folders`` are the context folders it copies
    whole (``""`` for the context itself), where the install's manifests would be.
    """

    __slots__ = ("destination", "folders", "instruction", "whole_context", "words")
    __match_args__ = ("instruction", "words", "whole_context", "destination", "folders")

    instruction: Instruction
    words: tuple[Word, ...]
    whole_context: bool
    destination: str | None
    folders: tuple[str, ...]

    def __init__(self, instruction: Instruction, words: tuple[Word, ...], whole_context: bool,
                 destination: str | None = None, folders: tuple[str, ...] = ()) -> None:
        _set = object.__setattr__
        _set(self, "instruction", instruction)
        _set(self, "words", words)
        _set(self, "whole_context", whole_context)
        _set(self, "destination", destination)
        _set(self, "folders", folders)

    @property
    def span(self) -> Span:
        return self.words[0].span.cover(self.words[-1].span)

    def what(self) -> str:
        if self.whole_context:
            return "the whole build context"
        names = ", ".join(clean(w.text) for w in self.words)
        return f"application source ({names})"

    def keeping(self, words: Sequence[Word]) -> Intake | None:
        """The same intake with only ``words`` (None when none is left)."""
        kept = tuple(w for w in self.words if w in words)
        if not kept:
            return None
        return Intake(self.instruction, kept, self.whole_context, self.destination, self.folders)

    def landing(self, word: Word) -> str | None:
        """Where ``word``'s file lands in the image, when the destination is known."""
        if self.destination is None:
            return None
        copy = self.instruction
        assert isinstance(copy, (Copy, Add)) and copy.destination is not None
        into_folder = clean(copy.destination.text).endswith("/") or len(copy.sources) > 1
        if not into_folder:
            return self.destination
        return posixpath.join(self.destination, posixpath.basename(_path(word.text)))

    def consumed_by(self, script: str) -> Intake | None:
        """Drop the files a RUN reads by their path in the image (``COPY ci/rprofile /etc/`` +
        ``RUN cat /etc/rprofile >> ...``): configuration for that step, not application source.
        Source files (``*.py``) and folders stay: those are what the rule is about."""
        kept = []
        for word in self.words:
            text = clean(word.text)
            ext = posixpath.splitext(posixpath.basename(_path(text)))[1].lower()
            where = self.landing(word)
            if (where is not None and not text.endswith("/") and ext not in _SOURCE_EXTS
                    and names_path(script, where)):
                continue
            kept.append(word)
        return self.keeping(kept)


def _destination(instruction: Copy | Add, workdir: str) -> str | None:
    if instruction.destination is None:
        return None
    dest = clean(instruction.destination.text)
    if "$" in dest:
        return None
    if dest.startswith("/"):
        return posixpath.normpath(dest)
    if workdir.startswith(UNKNOWN_ROOT[:2]):
        return None
    return posixpath.normpath(posixpath.join(workdir, dest))


def intake_of(instruction: Instruction, workdir: str) -> Intake | None:
    """The intake a COPY/ADD makes, None when it brings only install inputs (or nothing from
    the build context: ``--from``, heredocs, URLs)."""
    if not isinstance(instruction, (Copy, Add)):
        return None
    if isinstance(instruction, Copy) and instruction.from_stage:
        return None  # another stage or image, not the build context
    if instruction.heredocs and not instruction.sources:
        return None
    with_manifests = any(is_manifest_word(w.text) for w in instruction.sources)
    offending: list[Word] = []
    folders: list[str] = []
    whole = False
    for word in instruction.sources:
        kind = _source_kind(word.text)
        if kind is None or (with_manifests and kind == "source" and _is_build_hook(word.text)):
            continue
        offending.append(word)
        whole = whole or kind == "context"
        path = _path(word.text)
        if kind == "context":
            folders.append("")
        elif not _is_glob(path) and not posixpath.splitext(path)[1]:
            folders.append(path + "/")
    if not offending:
        return None
    return Intake(instruction, tuple(offending), whole, _destination(instruction, workdir), tuple(folders))
