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
import stat
import subprocess
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

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

#: 2: keys include directories, every mode bit and --from content (version 1 keys never match).
BASELINE_VERSION = 2


class BaselineError(ValueError):
    """A baseline file that cannot be read."""


class GitError(RuntimeError):
    """git is missing or the directory is not in a repository."""


class ChangedContext(BuildContext):
    """The context as it was *before* the named paths changed: those paths get other digests.

    A changed directory changes everything below it and itself (an empty directory that was
    added, or a new mode); a path that no longer exists gets a stand-in file (it was deleted).
    ``ignore_text`` is the ignore file of the previous build when it is known (``--since`` reads
    it from git); otherwise the current one is used, and when the ignore file itself is among the
    changed paths :attr:`ignore_unknown` says that the selection may have differed.
    """

    def __init__(self, inner: BuildContext, changed: Iterable[str], ignore_text: str | None = None) -> None:
        super().__init__()
        self.inner = inner
        self.changed = sorted({p.strip("/") for p in changed if p.strip("/")})
        self._ignore_text = ignore_text
        self.ignore_name = inner.ignore_name
        self.ignore_unknown = ignore_text is None and inner.ignore_name in self.changed

    def _all_files(self) -> Iterable[FileEntry]:
        files = {e.path: e for e in self.inner._all_files()}
        dirs = self.inner._all_dirs()
        for path in self.changed:
            under = [p for p in files if p.startswith(path + "/")] if path in dirs else []
            for name in [path, *under] if path in files else under:
                old = files[name]
                files[name] = FileEntry(name, old.size, old.mode, "changed:" + old.digest)
            if path not in files and path not in dirs:
                files[path] = FileEntry(path, 0, 0o100644, "deleted-since:" + path)
        return files.values()

    def _all_dirs(self) -> dict[str, str]:
        dirs = dict(self.inner._all_dirs())
        for path in self.changed:
            if path in dirs:
                dirs[path] = "changed:" + dirs[path]
        return dirs

    def read(self, path: str) -> bytes | None:
        return self.inner.read(path)

    @property
    def ignore_text(self) -> str:
        return self._ignore_text if self._ignore_text is not None else self.inner.ignore_text


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


def apply_comparison(
    after: list[StageResult],
    before: list[StageResult] | dict[str, Any] | None,
    *,
    selection_unknown: bool = False,
) -> None:
    """Mark every layer of ``after`` against ``before`` and say why.

    ``hit``/``miss``: what BuildKit decides from the keys. Two verdicts say that the answer
    cannot be known offline, instead of guessing:

    * ``may-hit``: the key changed only through inputs whose bytes nobody can know before
      building, the output of a rebuilt RUN copied by ``COPY --from`` (BuildKit keys the copy
      by content: it hits when the rebuilt stage wrote the same bytes), and every layer that
      depends on such a layer without a change of its own;
    * ``may-rebuild``: the key is unchanged but BuildKit re-checks an input on every build (ADD
      of a URL without ``--checksum``, a git ref), or the layer selects context files and the
      previous ``.dockerignore`` is unknown (``selection_unknown``); and what depends on it.

    ``before`` None means "no change": everything hits except those re-checked inputs.
    """
    if before is None:
        prior = _before_from_stages(after)
    elif isinstance(before, dict):
        prior = _before_from_baseline(before)
    else:
        prior = _before_from_stages(before)
    stage_verdicts: dict[str, Layer] = {}
    for stage in after:
        missed: Layer | None = None
        chain: Layer | None = None  # first layer of the current uncertain run of layers
        previous: Layer | None = None
        for layer in stage.layers:
            old = prior.by_position.get((stage.label, layer.ordinal))
            parent = previous if layer.ordinal else stage_verdicts.get(layer.components.get("stage", ""))
            inherited = parent.cache if parent is not None and not layer.link else "hit"
            origin = chain if layer.ordinal else parent
            layer.cache, layer.reason = _verdict(layer, old, prior.keys, inherited, origin, selection_unknown)
            if layer.cache == "miss" and not layer.reason:
                layer.reason = _explain(layer, old, missed, stage)
            if layer.cache == "hit" and layer.link and missed is not None:
                layer.reason = "--link: reused although an earlier layer was rebuilt"
            if layer.cache == "miss" and missed is None:
                missed = layer
            if layer.cache in ("hit", "miss"):
                chain = None
            elif chain is None or inherited != layer.cache:
                chain = layer
            previous = layer
        if stage.layers:
            stage_verdicts[stage.final_key] = stage.layers[-1]


def _verdict(
    layer: Layer,
    old: dict[str, Any] | None,
    keys: set[str],
    inherited: str,
    origin: Layer | None,
    selection_unknown: bool,
) -> tuple[Literal["hit", "miss", "may-hit", "may-rebuild"], str]:
    """One layer's verdict and, for the uncertain ones, its reason (a miss is explained later)."""
    since = f" (line {origin.line})" if origin is not None else ""
    if layer.key in keys:
        if layer.volatile:
            return "may-rebuild", layer.volatile + "; BuildKit re-checks it and hits while it is unchanged"
        if selection_unknown and layer.sources:
            return "may-rebuild", "the ignore file changed: the files this layer selects may differ"
        if inherited == "may-rebuild":
            return "may-rebuild", f"rebuilds if an earlier layer is rebuilt{since}"
        return "hit", ""
    if old is None:
        return "miss", ""
    before = {str(k): str(v) for k, v in dict(old.get("components") or {}).items()}
    now = layer.components
    changed = [n for n in set(before) | set(now) if n != "parent" and before.get(n) != now.get(n)]
    if any(not n.startswith("?") for n in changed) or inherited == "miss":
        return "miss", ""
    if changed:
        stages = ", ".join(sorted(n.split(":", 1)[1] for n in changed))
        return "may-hit", (
            f"stage {stages} was rebuilt: hits if the files taken from it come out byte-identical"
        )
    if inherited == "may-hit":
        return "may-hit", f"hits if an earlier layer hits{since}"
    return "miss", ""


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
        if name.startswith(("file:", "dir:")):
            path = name.split(":", 1)[1] + ("/" if name.startswith("dir:") else "")
            files.append(path + (" (added)" if a is None else " (removed)" if b is None else ""))
        elif name.startswith(("from:", "?from:")):
            reasons.append(f"files from stage {name.split(':', 1)[1]} changed")
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
    """Paths (relative to ``context_dir``) that differ between ``ref`` and the working tree:
    changed and deleted files, untracked files, and untracked directories with no file in them
    (git never records a directory, but a checkout of ``ref`` would not have it, and BuildKit
    hashes directory entries)."""
    names = _git(context_dir, "diff", "--name-only", "--relative", ref, "--", ".").splitlines()
    names += _git(context_dir, "ls-files", "--others", "--exclude-standard", ".").splitlines()
    untracked = _git(context_dir, "ls-files", "--others", "--exclude-standard", "--directory", ".")
    for entry in untracked.splitlines():
        if entry.endswith("/") and not _has_file(os.path.join(context_dir, entry)):
            names.append(entry.rstrip("/"))
    names += _mode_changes(context_dir, ref)
    return sorted({n.strip() for n in names if n.strip()})


def _has_file(directory: str) -> bool:
    return any(files for _root, _dirs, files in os.walk(directory))


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _mode_changes(context_dir: str, ref: str) -> list[str]:
    """Tracked files and directories whose permission bits are not what a checkout of ``ref``
    gave them. git records only the exec bit, but BuildKit hashes every mode bit, so a
    ``chmod g+w`` since the checkout busts a COPY too. What a checkout gives is the mode most
    paths of a kind share (the tree was checked out with one umask), or, without a clear
    majority, 0666/0777 minus this process's umask."""
    mask = _umask()
    seen: dict[str, dict[str, int]] = {"100644": {}, "100755": {}, "dir": {}}
    dirs: set[str] = set()
    for record in _git(context_dir, "ls-tree", "-r", "-z", ref, "--", ".").split("\0"):
        meta, _, path = record.partition("\t")
        mode = meta.split(" ", 1)[0]
        if mode not in ("100644", "100755"):
            continue
        parts = path.split("/")
        dirs.update("/".join(parts[:n]) for n in range(1, len(parts)))
        _perm_of(context_dir, path, seen[mode], regular=True)
    for path in dirs:
        _perm_of(context_dir, path, seen["dir"], regular=False)
    out: list[str] = []
    for kind, default in (("100644", 0o666), ("100755", 0o777), ("dir", 0o777)):
        perms = seen[kind]
        expected = _majority(list(perms.values())) or default & ~mask
        out += [path for path, perm in perms.items() if perm != expected]
    return out


def _perm_of(context_dir: str, path: str, into: dict[str, int], *, regular: bool) -> None:
    try:
        st = os.lstat(os.path.join(context_dir, path))
    except OSError:
        return  # deleted: git diff names it
    if stat.S_ISREG(st.st_mode) if regular else stat.S_ISDIR(st.st_mode):
        into[path] = stat.S_IMODE(st.st_mode)


def _majority(values: list[int]) -> int | None:
    """The value more than half of ``values`` share, if any."""
    common = Counter(values).most_common(1)
    return common[0][0] if common and common[0][1] * 2 > len(values) else None


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
