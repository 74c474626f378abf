"""Cache keys as BuildKit computes them, per layer, with the named inputs that went into them.

The rules (docs: buildkit-cache-and-size.md §a): a key is a digest of the op definition and of
its inputs' keys, so a miss reaches every descendant and nothing else.

* FROM: the expanded image reference and platform (a stage reference: that stage's final key).
* RUN: the command as written with the SHELL prefix (the shell expands variables, BuildKit does
  not), heredoc bodies, the *whole* env (every ENV, every ARG in scope with a value; undeclared
  proxy args excluded), cwd, user, network, security, platform, and mounts: bind mounts by the
  content of what they select, cache mounts only by a non-default ``id``/``sharing``, secret,
  ssh and tmpfs mounts not at all.
* COPY/ADD: destination, source basenames, chown/chmod/exclude/parents, and the content digest
  of every selected file and directory (``.dockerignore`` applied, mtime ignored, every mode
  bit counted). ``--from=stage`` (and a bind mount from a stage) is keyed by the content of the
  selected paths in that stage (:mod:`dflint.simulate.stagecontent`), not by the stage's key.
  ``--link`` leaves the previous state out of the copy's key.
* ADD of a URL without ``--checksum`` or of a git ref that is not a full commit id is volatile:
  BuildKit asks the remote on every build, so offline it is reported as always missing.
* WORKDIR: a mkdir file op keyed by the cleaned path and the user. The working directory that
  later RUNs get is an absolute path *as written*: BuildKit does not clean it, so
  ``WORKDIR /app/`` and ``WORKDIR /app`` give RUN different keys (measured on 0.8, and current
  BuildKit's ``NormalizeWorkdir`` still keeps an absolute path as is); a relative one is joined
  with the previous directory and cleaned. A ``SOURCE_DATE_EPOCH`` build arg is the mkdir's
  created time in current BuildKit, so changing it busts WORKDIR and what follows.

The walk also tracks what sizes need (cwd, files copied per stage, apt packages installed).
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
from dataclasses import dataclass, field

from dflint.semantic import StageInfo
from dflint.simulate.context import BuildContext, FileEntry, clean_source
from dflint.simulate.graph import BuildGraph
from dflint.simulate.layers import LAYER_KEYWORDS, Layer, StageResult
from dflint.simulate.size import SizeModel, StageFs
from dflint.simulate.stagecontent import Writer, selected_path, selection_digests
from dflint.tree import Add, Copy, Instruction, Run, User, Workdir

__all__ = ["compute_stages", "digest"]

_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")
_GIT = re.compile(r"^(git@|git://|https?://.*\.git(#|$)|https?://(github\.com|gitlab\.com)/[^/]+/[^/#]+#)")
_FULL_SHA = re.compile(r"^[0-9a-f]{40}([0-9a-f]{24})?$")


def digest(components: dict[str, str]) -> str:
    """Stable digest of named key inputs (sorted, so dict order never matters)."""
    data = json.dumps(components, sort_keys=True, separators=(",", ":")).encode()
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _one_line(ins: Instruction) -> str:
    text = " ".join(ins.original.split())
    return text if len(text) <= 120 else text[:117] + "..."


@dataclass
class _State:
    key: str
    cwd: str = "/"
    user: str = "root"
    fs: StageFs = field(default_factory=StageFs)
    #: Every layer so far as a writer of paths (what ``COPY --from`` of this stage selects).
    writers: list[Writer] = field(default_factory=list)


def _clean(path: str) -> str:
    """Go's ``path.Clean`` for an absolute path (Python keeps a leading ``//``)."""
    return "/" + posixpath.normpath(path).lstrip("/")


def _without(components: dict[str, str], *names: str) -> str:
    return digest({k: v for k, v in components.items() if k not in names and not k.startswith("?")})


def compute_stages(graph: BuildGraph, ctx: BuildContext, sizes: SizeModel) -> list[StageResult]:
    """Walk every stage in file order; return their layers with keys and size estimates."""
    results: list[StageResult] = []
    finals: dict[int, _State] = {}
    for info in graph.stages:
        result, state = _walk_stage(graph, info, ctx, sizes, finals)
        finals[info.index] = state
        results.append(result)
    return results


def _walk_stage(
    graph: BuildGraph,
    info: StageInfo,
    ctx: BuildContext,
    sizes: SizeModel,
    finals: dict[int, _State],
) -> tuple[StageResult, _State]:
    base = info.base
    result = StageResult(info.index, info.name, info.index in graph.built, base.text or base.raw)
    head = Layer(info.index, 0, info.from_.start_line, "FROM", _one_line(info.from_))
    platform = base.platform or graph.platform
    if base.is_stage_ref and base.stage is not None and base.stage.index in finals:
        parent_state = finals[base.stage.index]
        state = _State(
            parent_state.key,
            parent_state.cwd,
            parent_state.user,
            parent_state.fs.child(),
            list(parent_state.writers),
        )
        head.components = {"stage": parent_state.key}
        head.size_bytes, head.confidence, head.size_note = (
            0,
            "measured",
            f"stage {base.stage.name or base.stage.index}",
        )
    else:
        head.components = {"base": base.text or base.raw, "platform": platform}
        est = sizes.base_image(base.text, base.is_scratch)
        head.size_bytes, head.confidence, head.size_note = est.size_bytes, est.confidence, est.note
        state = _State("", fs=sizes.stage_fs(base.text))
        if not base.is_scratch:
            # what an image holds is not known offline
            state.writers.append(Writer(head.line, None, {}, digest(head.components)))
        if base.digest is None and not base.is_scratch and base.text:
            head.size_note = (head.size_note + "; " if head.size_note else "") + "unpinned tag"
    head.key = digest(head.components)
    state.key = head.key
    result.layers.append(head)

    for ins, trigger in graph.instructions_of(info):
        if isinstance(ins, User):
            state.user = _expand(graph, ins, ins.user.text if ins.user else "") or state.user
            continue
        if ins.keyword.upper() not in LAYER_KEYWORDS:
            continue
        layer = Layer(info.index, len(result.layers), ins.start_line, ins.keyword.upper(), _one_line(ins))
        layer.from_trigger = trigger
        if trigger:
            layer.text = "ONBUILD " + layer.text
        layer.parent_key = state.key
        if isinstance(ins, Workdir):
            path = _expand(graph, ins, ins.path.text if ins.path else "")
            if path:
                state.cwd = path if path.startswith("/") else _clean(posixpath.join(state.cwd, path))
            new = _clean(state.cwd)
            if new == "/":
                continue
            layer.components = {"op": "mkdir", "path": new, "user": state.user}
            epoch = graph.build_args.get("SOURCE_DATE_EPOCH")
            if epoch:  # current BuildKit stamps the directory with it (0.8 had no epoch support)
                layer.components["created"] = epoch
            layer.size_bytes, layer.confidence, layer.size_note = 0, "heuristic", "directory entry only"
            state.writers.append(Writer(layer.line, (new,), {new: _without(layer.components)}))
        elif isinstance(ins, Run):
            _run_layer(graph, ins, layer, state, ctx, finals, platform)
            sizes.run_layer(graph, ins, layer, state.fs, ctx)
        elif isinstance(ins, (Copy, Add)):
            _copy_layer(graph, ins, layer, state, ctx, finals, sizes)
        else:
            continue
        if not layer.link:
            layer.components["parent"] = state.key
        layer.key = digest(layer.components)
        if isinstance(ins, Run):
            state.writers.append(Writer(layer.line, None, {}, layer.key))
        state.key = digest({"merge": state.key, "layer": layer.key}) if layer.link else layer.key
        result.layers.append(layer)
    result.final_key = state.key
    return result, state


def _expand(graph: BuildGraph, ins: Instruction, text: str) -> str:
    found = graph.model.expand_in_scope(text, ins)
    return found.value if found.error is None else text


#: ARGs current BuildKit never puts in a RUN's env (``nonEnvArgs`` in dockerfile2llb; BuildKit
#: 0.8 had no SBOM scanning and treated them like any ARG).
_NON_ENV_ARGS = frozenset({"BUILDKIT_SBOM_SCAN_CONTEXT", "BUILDKIT_SBOM_SCAN_STAGE"})


def _env_components(graph: BuildGraph, ins: Instruction) -> dict[str, str]:
    out: dict[str, str] = {}
    for var in graph.model.scope_at(ins):
        if var.value is None or var.kind == "proxy" or var.name in _NON_ENV_ARGS:
            continue
        out[f"env:{var.name}"] = var.value
    return out


def _run_layer(
    graph: BuildGraph,
    ins: Run,
    layer: Layer,
    state: _State,
    ctx: BuildContext,
    finals: dict[int, _State],
    platform: str,
) -> None:
    if ins.form == "exec":
        op = json.dumps(ins.value)
    else:
        op = json.dumps([*graph.model.shell_at(ins), ins.script or ""])
    for doc in ins.heredocs:
        op += "\n<<" + doc.name + "\n" + doc.content
    comps: dict[str, str] = {"op": op, "cwd": state.cwd, "user": state.user, "platform": platform}
    if ins.network:
        comps["network"] = ins.network
    if ins.security:
        comps["security"] = ins.security
    comps.update(_env_components(graph, ins))
    for n, mount in enumerate(ins.mounts):
        kind = mount.type
        if kind == "cache":
            extra = {k: v or "" for k, v in mount.options.items() if k in ("id", "sharing") and v}
            if extra.get("id") == mount.target:
                extra.pop("id")
            if extra.get("sharing", "shared") == "shared":
                extra.pop("sharing", None)
            comps[f"mount{n}"] = json.dumps(
                {"type": "cache", "target": mount.target, **extra}, sort_keys=True
            )
        elif kind == "bind":
            source = _expand(graph, ins, mount.source or ".")
            ref = graph.model.resolve_stage_ref(mount.from_) if mount.from_ else None
            desc = {
                "type": "bind",
                "target": mount.target or "",
                "source": source,
                "rw": str(not mount.readonly),
            }
            comps[f"mount{n}"] = json.dumps(desc, sort_keys=True)
            if ref is not None:
                _stage_content(comps, str(ref.name or ref.index), finals.get(ref.index), [source])
            elif mount.from_:
                comps[f"image:{mount.from_}"] = mount.from_
            else:
                layer.sources.append(clean_source(source))
                _context_content(comps, ctx, source)
        # secret, ssh, tmpfs: not part of the key
    layer.components = comps


def _stage_content(comps: dict[str, str], label: str, source: _State | None, paths: list[str]) -> None:
    """Key a selection from another stage by what that stage wrote there, not by its key:
    ``from:LABEL`` the certain part, ``?from:LABEL`` the part no one can know offline."""
    if source is None:
        comps[f"from:{label}"] = "?"
        return
    certain, uncertain = selection_digests(source.writers, [selected_path(p) for p in paths])
    comps[f"from:{label}"] = certain
    if uncertain:
        comps[f"?from:{label}"] = uncertain


def _context_content(
    comps: dict[str, str], ctx: BuildContext, source: str, exclude: list[str] | None = None
) -> list[FileEntry]:
    """Key inputs of a context selection: every file and directory it takes (with their modes)."""
    entries = ctx.select(source, exclude or ())
    for entry in entries:
        comps[f"file:{entry.path}"] = entry.digest
    for path, mode in ctx.select_dirs(source, exclude or ()).items():
        comps[f"dir:{path}"] = mode
    return entries


def _copy_layer(
    graph: BuildGraph,
    ins: Copy | Add,
    layer: Layer,
    state: _State,
    ctx: BuildContext,
    finals: dict[int, _State],
    sizes: SizeModel,
) -> None:
    sources = [_expand(graph, ins, w.text) for w in ins.sources]
    heredoc_names = {doc.name for doc in ins.heredocs}
    dest = _expand(graph, ins, ins.destination.text if ins.destination else ".")
    abs_dest = _clean(dest if dest.startswith("/") else posixpath.join(state.cwd, dest))
    if dest.endswith("/") or dest in (".", "..") or len(sources) > 1:
        abs_dest = abs_dest.rstrip("/") + "/"
    layer.link = ins.link and not ins.chmod
    comps: dict[str, str] = {
        "op": ins.keyword.upper(),
        "dest": abs_dest,
        "src": json.dumps([posixpath.basename(s.rstrip("/")) for s in sources]),
    }
    for name, value in (("chown", ins.chown), ("chmod", ins.chmod)):
        if value:
            comps[name] = _expand(graph, ins, value)
    if ins.exclude:
        comps["exclude"] = json.dumps(ins.exclude)
    if isinstance(ins, Copy) and ins.parents:
        comps["parents"] = "true"
    if ins.link:
        comps["link"] = "true"
    for doc in ins.heredocs:
        comps[f"heredoc:{doc.name}"] = doc.content
    from_stage = ins.from_stage if isinstance(ins, Copy) else None
    total = 0
    confidence = "measured"
    notes: list[str] = []
    dest_dir = abs_dest.rstrip("/") or "/"
    if from_stage:
        ref = graph.model.resolve_stage_ref(from_stage)
        if ref is not None:
            label = str(ref.name or ref.index)
            _stage_content(comps, label, finals.get(ref.index), sources)
            state.writers.append(
                Writer(layer.line, (dest_dir,), {dest_dir: _without(comps)}, comps.get(f"?from:{label}", ""))
            )
            known = finals[ref.index].fs if ref.index in finals else None
            found = known.copied_size(sources) if known is not None else None
            if found is None:
                layer.size_bytes, layer.confidence = None, "unknown"
                layer.size_note = f"paths produced by stage {ref.name or ref.index} are not known"
            else:
                layer.size_bytes, layer.confidence = found, "measured"
                layer.size_note = f"files copied into stage {ref.name or ref.index} from the context"
        else:
            comps[f"image:{from_stage}"] = from_stage
            state.writers.append(Writer(layer.line, (dest_dir,), {dest_dir: _without(comps)}))
            layer.size_bytes, layer.confidence, layer.size_note = (
                None,
                "unknown",
                f"files of image {from_stage}",
            )
        layer.components = comps
        return
    written: dict[str, str] = {}
    for src in sources:
        if src in heredoc_names:
            written[posixpath.join(dest_dir, src)] = comps[f"heredoc:{src}"]
            continue
        if isinstance(ins, Add) and (_GIT.match(src) or _URL.match(src)):
            notes.append(_remote(ins, src, comps, layer))
            confidence = "unknown"
            written[dest_dir] = comps.get("checksum", "") + src
            continue
        layer.sources.append(clean_source(src))
        entries = _context_content(comps, ctx, src, ins.exclude)
        if not entries:
            notes.append(f"{src}: no file in the context")
        for path, mode in ctx.select_dirs(src, ins.exclude).items():
            written[_written_path(clean_source(src), path, abs_dest)] = mode
        for entry in entries:
            written[_written_path(clean_source(src), entry.path, abs_dest)] = entry.digest
            size = entry.size
            if isinstance(ins, Add) and ins.unpack is not False:
                size = sizes.archive_size(ctx, entry.path, size)
            total += size
            state.fs.record_copy(abs_dest, clean_source(src), entry.path, size)
    for doc in ins.heredocs:
        total += len(doc.content.encode())
    state.writers.append(Writer(layer.line, (*written, dest_dir), written))
    layer.components = comps
    layer.size_bytes = None if confidence == "unknown" and total == 0 else total
    layer.confidence = "measured" if confidence == "measured" else "unknown"
    layer.size_note = "; ".join(notes) if notes else "measured from the build context"


def _written_path(source: str, path: str, abs_dest: str) -> str:
    """Where a context file or directory lands: a directory source copies its contents into the
    destination, a file (or a glob match) lands in a destination directory under its own name."""
    dest_dir = abs_dest.rstrip("/") or "/"
    if source == ".":
        return posixpath.join(dest_dir, path)
    if path.startswith(source + "/"):
        return posixpath.join(dest_dir, path[len(source) + 1 :])
    if path == source and not abs_dest.endswith("/"):
        return dest_dir
    return posixpath.join(dest_dir, posixpath.basename(path))


def _remote(ins: Add, src: str, comps: dict[str, str], layer: Layer) -> str:
    """Key inputs of a remote ADD source; sets ``layer.volatile`` when it is not pinned."""
    comps[f"url:{src}"] = src
    if ins.checksum:
        comps["checksum"] = ins.checksum
        return f"{src}: pinned by --checksum"
    if _GIT.match(src):
        ref = src.partition("#")[2].split(":", 1)[0]
        if _FULL_SHA.match(ref):
            return f"{src}: pinned to a commit"
        layer.volatile = f"git source {src} is resolved on every build (pin a commit or --checksum)"
    else:
        layer.volatile = f"remote URL {src} is fetched on every build (no --checksum)"
    return layer.volatile
