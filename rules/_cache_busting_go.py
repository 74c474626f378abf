"""Whether a Go build in a Dockerfile downloads modules: DF001 reports it only when it does.

``COPY . .`` before ``go build`` costs a module download on every source edit only when the
module requires something and is not vendored. Go makes both common: the standard library
carries small tools with no requirements at all, and large repositories commit ``vendor/``.
So a ``go build`` (or ``go test``, ``go install``...) counts as a dependency step only on
evidence:

* the build context's go.mod lists requirements and ``vendor/modules.txt`` is not beside it;
* or, without a context, the Dockerfile shows modules being resolved: ``GO111MODULE=on``, a
  ``GOPROXY``/``GOPRIVATE``/``GONOSUMDB``... setting, ``go.sum`` copied explicitly, or a
  ``go get``/``go mod tidy``/``go mod download`` in the stage.

It never counts in GOPATH mode, where nothing is downloaded by a build and there is no go.mod
to copy first: ``GO111MODULE=off``, a ``golang`` image older than 1.11, or Go 1.11/1.12 working
inside ``/go/src`` (modules were opt-in there). Vendoring shows as ``-mod=vendor`` (flag or
``GOFLAGS``) or a ``COPY vendor``.
"""

from __future__ import annotations

from collections.abc import Iterable

from dflint.lazyre import LazyPattern
from dflint.plugin import Context
from dflint.records import FrozenRecord
from dflint.tree import Run

from ._cache_busting_context import ContextView

__all__ = ["GoHistory", "go_downloads", "go_version", "gopath_mode"]

_VERSION = LazyPattern(r"^(\d+)\.(\d+)")
_RESOLVING_ENV = ("GOPROXY", "GOPRIVATE", "GONOPROXY", "GONOSUMDB", "GONOSUMCHECK", "GOINSECURE", "GOSUMDB")
_RESOLVING_TEXT = LazyPattern(
    r"\bGO111MODULE=[\"']?on\b|\bGO(?:PROXY|PRIVATE|NOPROXY|NOSUMDB|NOSUMCHECK|INSECURE)=")
_MODULES_OFF = LazyPattern(r"\bGO111MODULE=[\"']?off\b")
#: Go commands that resolve the module graph: seeing one in the stage says modules are in use.
_RESOLVING_VERBS = frozenset({"get", "mod tidy", "mod download", "mod verify", "mod graph", "list"})


class GoHistory(FrozenRecord):
    """What the stage did before (and including) the RUN in question."""

    __slots__ = ("copied", "texts", "verbs")
    __match_args__ = ("texts", "verbs", "copied")

    #: The RUN scripts, in order.
    texts: tuple[str, ...]
    #: Go subcommands run so far (``build``, ``mod download``...).
    verbs: frozenset[str]
    #: Lower-cased base names of the context paths COPY/ADD brought in explicitly.
    copied: frozenset[str]

    def __init__(self, texts: tuple[str, ...], verbs: frozenset[str], copied: frozenset[str]) -> None:
        _set = object.__setattr__
        _set(self, "texts", texts)
        _set(self, "verbs", verbs)
        _set(self, "copied", copied)


def go_version(ctx: Context, run: Run) -> tuple[int, int] | None:
    """The Go version of the stage's ``golang`` base image (through earlier stages), if named."""
    stage = ctx.model.stage_of(run)
    seen = 0
    while stage is not None and seen < 64:
        seen += 1
        base = stage.base
        if base.is_stage_ref:
            stage = base.stage
            continue
        repository = (base.repository or "").rsplit("/", 1)[-1]
        if repository != "golang" or not base.tag:
            return None
        match = _VERSION.match(base.tag)
        return (int(match.group(1)), int(match.group(2))) if match else None
    return None


def _env(ctx: Context, run: Run, name: str) -> str | None:
    variable = ctx.model.scope_at(run).get(name)
    return variable.value if variable is not None else None


def gopath_mode(ctx: Context, run: Run, workdir: str, text: str) -> bool:
    """Whether Go commands of ``run`` (working in ``workdir``) run in GOPATH mode."""
    setting = (_env(ctx, run, "GO111MODULE") or "").strip().lower()
    if setting == "off" or _MODULES_OFF.search(text):
        return True
    if setting == "on":
        return False
    version = go_version(ctx, run)
    if version is None:
        return False
    if version < (1, 11):
        return True
    gopath = (_env(ctx, run, "GOPATH") or "/go").rstrip("/")
    inside = workdir == gopath or workdir.startswith(gopath + "/") or workdir.startswith("/\x00")
    return version < (1, 13) and inside


def _vendored(ctx: Context, run: Run, history: GoHistory) -> bool:
    flags = _env(ctx, run, "GOFLAGS") or ""
    return ("-mod=vendor" in flags or "vendor" in history.copied
            or any("-mod=vendor" in text for text in history.texts[-1:]))


def _resolving(ctx: Context, run: Run, history: GoHistory) -> bool:
    if (_env(ctx, run, "GO111MODULE") or "").strip().lower() == "on":
        return True
    if any(_env(ctx, run, name) for name in _RESOLVING_ENV):
        return True
    if "-mod=mod" in (_env(ctx, run, "GOFLAGS") or ""):
        return True
    if "go.sum" in history.copied or history.verbs & _RESOLVING_VERBS:
        return True
    return any(_RESOLVING_TEXT.search(text) for text in history.texts)


def go_downloads(ctx: Context, run: Run, verb: str, history: GoHistory, context: ContextView,
                 folders: Iterable[str]) -> bool | None:
    """Whether the Go command ``verb`` of ``run`` downloads modules: True or False when the
    context or the Dockerfile says so, None when nothing does (then DF001 stays silent)."""
    if verb in ("get", "mod tidy", "mod download"):
        return True  # these resolve the module graph themselves
    if _vendored(ctx, run, history):
        return False
    module = context.go_module(folders)
    if module is not None:
        return module.requires and not module.vendored
    return True if _resolving(ctx, run, history) else None
