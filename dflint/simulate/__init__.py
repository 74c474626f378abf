"""``dflint simulate``: a dry-run evaluator of a Docker build (no Docker engine needed).

It answers, from the Dockerfile and the build context alone: which stages a ``--target``
builds, which instructions add layers, which layers a given change would rebuild (BuildKit's
cache-key rules, see :mod:`dflint.simulate.cachekey`), and how large each layer probably is
(:mod:`dflint.simulate.size`, every figure with its confidence).

Public API: :func:`plan` (keys and sizes of one build), :func:`simulate` (plan + comparison
with a change source), :func:`history` (replay of git commits). The CLI is
:mod:`dflint.simulate.cli`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

from dflint.parser import parse_bytes, parse_file
from dflint.simulate.cachekey import compute_stages
from dflint.simulate.changes import (
    ChangedContext,
    GitError,
    HistoryRow,
    apply_comparison,
    git_changed_files,
    git_commits,
    git_file,
    git_prefix,
)
from dflint.simulate.context import BuildContext, DirContext, GitContext, dockerfile_ignore_name
from dflint.simulate.graph import BuildGraph, TargetError, build_graph
from dflint.simulate.layers import Layer, Simulation, StageResult
from dflint.simulate.size import SizeModel
from dflint.tree import Dockerfile

__all__ = [
    "BuildContext",
    "DirContext",
    "GitContext",
    "GitError",
    "HistoryRow",
    "Layer",
    "Simulation",
    "StageResult",
    "TargetError",
    "history",
    "plan",
    "simulate",
]


def plan(
    dockerfile: Dockerfile,
    ctx: BuildContext,
    *,
    target: str | None = None,
    build_args: Mapping[str, str] | None = None,
    platform: str = "linux/amd64",
    sizes: SizeModel | None = None,
) -> tuple[BuildGraph, list[StageResult]]:
    """Keys and size estimates of every stage of one build (no cache decision yet)."""
    graph = build_graph(dockerfile, target=target, build_args=build_args, platform=platform)
    return graph, compute_stages(graph, ctx, sizes or SizeModel())


def simulate(
    dockerfile_path: str,
    context_dir: str,
    *,
    target: str | None = None,
    build_args: Mapping[str, str] | None = None,
    before_build_args: Mapping[str, str] | None = None,
    platform: str = "linux/amd64",
    changed: Sequence[str] = (),
    since: str | None = None,
    baseline: dict[str, Any] | None = None,
    no_cache: bool = False,
) -> Simulation:
    """Simulate a build of ``dockerfile_path`` with ``context_dir`` after the given change.

    With no change source the previous build is the same build (a warm, unchanged rebuild).
    ``before_build_args`` lets the previous build use other ``--build-arg`` values.
    """
    from dflint.simulate.report import biggest_wins

    df = parse_file(dockerfile_path)
    ctx = DirContext(context_dir)
    dockerfile_rel = os.path.relpath(os.path.abspath(dockerfile_path), os.path.abspath(context_dir))
    ctx.use_dockerfile_ignore(dockerfile_rel)
    sizes = SizeModel()
    graph, stages = plan(df, ctx, target=target, build_args=build_args, platform=platform, sizes=sizes)
    mode = "no-change"
    before: list[StageResult] | dict[str, Any] | None = None
    before_df = df
    paths = list(changed)
    old_ignore: str | None = None
    if since is not None:
        mode = f"since {since}"
        paths += git_changed_files(context_dir, since)
        root, _prefix = git_prefix(dockerfile_path)
        rel = os.path.relpath(os.path.abspath(dockerfile_path), root)
        old = git_file(root, since, rel)
        if old is not None:
            before_df = parse_bytes(old, dockerfile_path)
        old_ignore = _ignore_at(root, since, context_dir, dockerfile_rel, paths)
    before_ctx: BuildContext = ctx
    if paths or before_df is not df or before_build_args is not None:
        if paths and since is None:
            mode = "changed " + ", ".join(paths)
        elif before_build_args is not None and since is None:
            mode = "build-arg change"
        before_ctx = ChangedContext(ctx, paths, old_ignore) if paths else ctx
        _g, before = plan(
            before_df,
            before_ctx,
            target=target,
            build_args=before_build_args if before_build_args is not None else build_args,
            platform=platform,
            sizes=sizes,
        )
    elif baseline is not None:
        mode, before = "baseline", baseline
    unknown_ignore = isinstance(before_ctx, ChangedContext) and before_ctx.ignore_unknown
    apply_comparison(stages, before, selection_unknown=unknown_ignore)
    if no_cache:
        mode = "no-cache"
        for stage in stages:
            for layer in stage.layers[1:]:
                layer.cache, layer.reason = "miss", "--no-cache"
    sim = Simulation(graph.target_name, stages, dict(graph.build_args), platform, mode=mode)
    for stage in stages:
        if not stage.built:
            for layer in stage.layers:
                layer.reason = "stage not needed for the target"
    if os.path.exists(os.path.join(context_dir, ".git")) and ctx.files() and ctx.git_included:
        sim.notes.append(".dockerignore does not exclude .git: a real build would send it (not simulated)")
    sim.wins = biggest_wins(sim)
    return sim


def _ignore_at(root: str, rev: str, context_dir: str, dockerfile_rel: str, paths: list[str]) -> str | None:
    """The ignore file the build at ``rev`` used, when an ignore file is among the changed paths
    (the Dockerfile-specific one if it existed then, else ``.dockerignore``); None otherwise."""
    specific = dockerfile_ignore_name(dockerfile_rel)
    if ".dockerignore" not in paths and specific not in paths:
        return None
    base = os.path.abspath(context_dir)
    for name in (specific, ".dockerignore"):
        if name is not None:
            data = git_file(root, rev, os.path.relpath(os.path.join(base, name), root))
            if data is not None:
                return data.decode("utf-8", "replace")
    return ""


def history(
    dockerfile_path: str,
    context_dir: str,
    count: int,
    *,
    target: str | None = None,
    build_args: Mapping[str, str] | None = None,
    platform: str = "linux/amd64",
) -> list[HistoryRow]:
    """Replay the last ``count`` commits: per layer of the newest Dockerfile, how often it hit.

    Each commit is built against its parent's cache (what a CI with a warm cache sees). Both
    sides are read from git objects, so the working tree is never touched.
    """
    root, prefix = git_prefix(context_dir)
    df_rel = os.path.relpath(os.path.abspath(dockerfile_path), root)
    context_rel = os.path.relpath(os.path.abspath(dockerfile_path), os.path.abspath(context_dir))
    commits = git_commits(root, count)
    sizes = SizeModel()
    rows: dict[tuple[str, str], HistoryRow] = {}
    order: list[tuple[str, str]] = []
    previous: list[StageResult] | None = None
    for n, rev in enumerate(commits):
        data = git_file(root, rev, df_rel)
        if data is None:
            previous = None
            continue
        df = parse_bytes(data, df_rel)
        ctx = GitContext(root, rev, prefix.rstrip("/"))
        ctx.use_dockerfile_ignore(context_rel)
        try:
            _graph, stages = plan(
                df,
                ctx,
                target=target,
                build_args=build_args,
                platform=platform,
                sizes=sizes,
            )
        except TargetError:
            previous = None
            continue
        if n == 0 or previous is None:
            previous = stages
            continue
        apply_comparison(stages, previous)
        for stage in stages:
            if not stage.built:
                continue
            for layer in stage.layers:
                ident = (stage.label, layer.text)
                row = rows.get(ident)
                if row is None:
                    row = rows[ident] = HistoryRow(stage.label, layer.line, layer.text)
                    order.append(ident)
                row.line = layer.line
                row.builds += 1
                if layer.cache == "hit":
                    row.hits += 1
                else:
                    reason = (
                        layer.reason.split(":")[0]
                        if layer.reason.startswith("file changed")
                        else layer.reason
                    )
                    row.reasons[reason] = row.reasons.get(reason, 0) + 1
        previous = stages
    if previous is None:
        return [rows[i] for i in order]
    newest = {(stage.label, layer.text) for stage in previous if stage.built for layer in stage.layers}
    return [rows[i] for i in order if i in newest]
