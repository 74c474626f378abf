"""What changed since the cache was filled, and which layers that makes miss.

Every mode reduces to the same comparison: the cache holds the layer keys of a *before* build,
the *after* build hits a layer iff its key is among them (BuildKit's cache is content-addressed,
so position does not matter), and a miss is explained by diffing the named key inputs with the
layer at the same place before (which file, which ARG/ENV, which stage).

* ``--changed PATH``: before = the same context with those files' digests different (a deleted
  path is given back a digest, so removing a file is a change too).
* ``--since REF``: the files ``git diff --name-only REF`` and ``git ls-files --others`` name,
  treated like ``--changed``; the Dockerfile as it was at REF is the before file.
* ``--baseline FILE``: keys and inputs written earlier by ``--record FILE``.
* ``--history N``: each of the last N first-parent commits against its parent, both read from
  git objects (``git ls-tree``/``git show``, nothing checked out); per-layer hit counts.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dflint.simulate.context import BuildContext, FileEntry
from dflint.simulate.layers import Layer, StageResult

__all__ = [
    "BaselineError",
    "ChangedContext",
    "GitError",
    "HistoryRow",
    "apply_comparison",
    "baseline_from_stages",
    "git_changed_files",
    "git_commits",
    "git_file",
    "git_prefix",
    "load_baseline",
]

BASELINE_VERSION = 1


class BaselineError(ValueError):
    """A baseline file that cannot be read."""


class GitError(RuntimeError):
    """git is missing or the directory is not in a repository."""


class ChangedContext(BuildContext):
    """The context as it was *before* the named paths changed: those paths get other digests."""

    def __init__(self, inner: BuildContext, changed: Iterable[str]) -> None:
        super().__init__()
        self.inner = inner
        self.changed = sorted({p.strip("/") for p in changed if p.strip("/")})

    def _all_files(self) -> Iterable[FileEntry]:
        files = dict(self.inner.files())
        for path in self.changed:
            old = files.get(path)
            if old is not None:
                files[path] = FileEntry(path, old.size, old.mode, "changed:" + old.digest)
            else:
                files[path] = FileEntry(path, 0, 0o100644, "deleted-since:" + path)
        return files.values()

    def read(self, path: str) -> bytes | None:
        return self.inner.read(path)

    @property
    def ignore_text(self) -> str:
        return self.inner.ignore_text


# -- comparison -------------------------------------------------------------------------------
@dataclass
class _Before:
    keys: set[str] = field(default_factory=set)
    by_position: dict[tuple[str, int], dict[str, Any]] = field(default_factory=dict)


def _before_from_stages(stages: list[StageResult]) -> _Before:
    before = _Before()
    for stage in stages:
        for layer in stage.layers:
            before.keys.add(layer.key)
            before.by_position[(stage.label, layer.ordinal)] = {
                "key": layer.key,
                "line": layer.line,
                "components": layer.components,
                "parent_key": layer.parent_key,
            }
    return before


def baseline_from_stages(stages: list[StageResult], meta: dict[str, Any]) -> dict[str, Any]:
    """The ``--record`` file: per layer its key and key inputs (only built stages)."""
    rows = []
    for stage in stages:
        if not stage.built:
            continue
        for layer in stage.layers:
            rows.append(
                {
                    "stage": stage.label,
                    "ordinal": layer.ordinal,
                    "line": layer.line,
                    "instruction": layer.text,
                    "key": layer.key,
                    "parent_key": layer.parent_key,
                    "components": layer.components,
                }
            )
    return {"version": BASELINE_VERSION, **meta, "layers": rows}


def load_baseline(path: str) -> dict[str, Any]:
    try:
        data = json.loads(Path(path).read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise BaselineError(f"cannot read baseline {path}: {exc}") from exc
    if (
        not isinstance(data, dict)
        or data.get("version") != BASELINE_VERSION
        or not isinstance(data.get("layers"), list)
    ):
        raise BaselineError(f"{path} is not a dflint simulate baseline (version {BASELINE_VERSION})")
    return data


def _before_from_baseline(data: dict[str, Any]) -> _Before:
    before = _Before()
    for row in data["layers"]:
        if not isinstance(row, dict) or "key" not in row:
            continue
        before.keys.add(str(row["key"]))
        before.by_position[(str(row.get("stage")), int(row.get("ordinal", -1)))] = row
    return before


def apply_comparison(after: list[StageResult], before: list[StageResult] | dict[str, Any] | None) -> None:
    """Mark every layer of ``after`` hit or miss against ``before`` and say why.

    ``before`` None means "no change": everything hits except volatile layers.
    """
    if before is None:
        prior = _before_from_stages(after)
    elif isinstance(before, dict):
        prior = _before_from_baseline(before)
    else:
        prior = _before_from_stages(before)
    for stage in after:
        missed: Layer | None = None
        for layer in stage.layers:
            old = prior.by_position.get((stage.label, layer.ordinal))
            if layer.volatile:
                layer.cache, layer.reason = "miss", layer.volatile
            elif layer.key in prior.keys:
                layer.cache = "hit"
                if layer.link and missed is not None:
                    layer.reason = "--link: reused although an earlier layer was rebuilt"
            else:
                layer.cache = "miss"
                layer.reason = _explain(layer, old, missed, stage)
            if layer.cache == "miss" and missed is None:
                missed = layer


def _explain(layer: Layer, old: dict[str, Any] | None, missed: Layer | None, stage: StageResult) -> str:
    if old is None:
        return "new instruction (not in the previous build)"
    before: dict[str, str] = {str(k): str(v) for k, v in dict(old.get("components") or {}).items()}
    now = layer.components
    reasons: list[str] = []
    files: list[str] = []
    for name in sorted(set(before) | set(now)):
        if name == "parent" or before.get(name) == now.get(name):
            continue
        a, b = before.get(name), now.get(name)
        if name.startswith("file:"):
            path = name[5:]
            files.append(path + (" (added)" if a is None else " (removed)" if b is None else ""))
        elif name.startswith("env:"):
            var = name[4:]
            reasons.append(f"ARG/ENV {var} changed: {_short(a)} -> {_short(b)}")
        elif name.startswith("stage:"):
            reasons.append(f"stage {name[6:]} was rebuilt")
        elif name == "stage":
            reasons.append(f"base stage {stage.base} was rebuilt")
        elif name == "base":
            reasons.append(f"base image changed: {_short(a)} -> {_short(b)}")
        elif name.startswith("mount"):
            reasons.append("mount options changed")
        else:
            reasons.append("instruction changed")
    if files:
        shown = ", ".join(files[:3]) + (f" and {len(files) - 3} more" if len(files) > 3 else "")
        reasons.insert(0, f"file changed: {shown}")
    reasons = list(dict.fromkeys(reasons))
    if not reasons:
        if missed is not None:
            return f"an earlier layer was rebuilt (line {missed.line})"
        if before.get("parent") != now.get("parent"):
            return "an earlier layer changed"
        return "not in the previous build"
    return "; ".join(reasons)


def _short(value: str | None) -> str:
    if value is None:
        return "(unset)"
    text = value if len(value) <= 40 else value[:37] + "..."
    return repr(text)


# -- git --------------------------------------------------------------------------------------
def _git(cwd: str, *args: str) -> str:
    try:
        done = subprocess.run(
            ["git", "-C", cwd, *args], capture_output=True, text=True, check=False, timeout=120
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise GitError(f"git failed: {exc}") from exc
    if done.returncode != 0:
        raise GitError(done.stderr.strip() or f"git {' '.join(args)} failed")
    return done.stdout


def git_prefix(path: str) -> tuple[str, str]:
    """(repository root, path of ``path`` inside it with a trailing ``/`` or "")."""
    directory = path if os.path.isdir(path) else os.path.dirname(path) or "."
    root = _git(directory, "rev-parse", "--show-toplevel").strip()
    prefix = _git(directory, "rev-parse", "--show-prefix").strip()
    return root, prefix


def git_changed_files(context_dir: str, ref: str) -> list[str]:
    """Files (relative to ``context_dir``) that differ between ``ref`` and the working tree."""
    _root, prefix = git_prefix(context_dir)
    names = _git(context_dir, "diff", "--name-only", "--relative", ref, "--", ".").splitlines()
    names += _git(context_dir, "ls-files", "--others", "--exclude-standard", ".").splitlines()
    del prefix
    return sorted({n.strip() for n in names if n.strip()})


def git_file(repo: str, rev: str, path: str) -> bytes | None:
    """``git show rev:path`` (None when the file did not exist)."""
    try:
        done = subprocess.run(
            ["git", "-C", repo, "show", f"{rev}:{path}"], capture_output=True, check=False, timeout=60
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def git_commits(repo: str, count: int) -> list[str]:
    """The last ``count`` first-parent commits plus the one before them, oldest first."""
    out = _git(repo, "rev-list", "--first-parent", "-n", str(count + 1), "HEAD").split()
    return list(reversed(out))


@dataclass
class HistoryRow:
    """How often one layer of the current Dockerfile would have hit over the replayed commits."""

    stage: str
    line: int
    instruction: str
    hits: int = 0
    builds: int = 0
    reasons: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        rate = self.hits / self.builds if self.builds else None
        return {
            "stage": self.stage,
            "line": self.line,
            "instruction": self.instruction,
            "hits": self.hits,
            "builds": self.builds,
            "hit_rate": rate,
            "miss_reasons": self.reasons,
        }
