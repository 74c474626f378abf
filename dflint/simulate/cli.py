"""``dflint simulate``: argument parsing and exit codes for the dry-run evaluator.

Exit codes follow the main CLI: 0 success, 2 usage or unreadable input (bad target, not a git
repository, unreadable baseline). The evaluator never needs a Docker engine.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

__all__ = ["main"]

EXIT_OK, EXIT_ERROR = 0, 2


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="dflint simulate",
        description="Dry-run a Docker build: stages, layers, cache hits/misses after a change, sizes.",
    )
    p.add_argument("context", nargs="?", default=".", help="build context directory (default: .)")
    p.add_argument("-f", "--file", metavar="DOCKERFILE", help="Dockerfile (default: CONTEXT/Dockerfile)")
    p.add_argument("--target", help="stage to build (default: the last one)")
    p.add_argument("--build-arg", action="append", default=[], metavar="NAME=VALUE", help="repeatable")
    p.add_argument(
        "--baseline-build-arg",
        action="append",
        default=None,
        metavar="NAME=VALUE",
        help="build args of the previous build (to see what changing an ARG rebuilds)",
    )
    p.add_argument("--platform", default="linux/amd64")
    change = p.add_mutually_exclusive_group()
    change.add_argument("--changed", nargs="+", metavar="PATH", help="files changed since the last build")
    change.add_argument("--since", metavar="GIT_REF", help="files changed since a git revision")
    change.add_argument("--baseline", metavar="FILE", help="compare with keys recorded by --record")
    change.add_argument("--history", type=int, metavar="N", help="replay the last N git commits")
    p.add_argument("--record", metavar="FILE", help="write this build's layer keys to FILE")
    p.add_argument(
        "--no-cache", action="store_true", help="every layer misses (like docker build --no-cache)"
    )
    p.add_argument("--format", choices=("tty", "json"), default="tty")
    p.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE")
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    return p


def _args_map(values: Sequence[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in values:
        name, eq, value = item.partition("=")
        if eq:
            out[name] = value
        elif name in os.environ:  # docker build --build-arg NAME takes the value from the env
            out[name] = os.environ[name]
    return out


def _relative_paths(paths: Sequence[str], context: str) -> list[str]:
    """``--changed`` paths are given from the current directory; keys use context-relative paths."""
    root = os.path.abspath(context)
    out = []
    for path in paths:
        full = os.path.abspath(path)
        rel = os.path.relpath(full, root)
        out.append(path if rel.startswith("..") else rel.replace(os.sep, "/"))
    return out


def main(argv: Sequence[str]) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(list(argv))
    except SystemExit as exc:
        return EXIT_OK if exc.code in (0, None) else EXIT_ERROR
    from dflint.simulate import GitError, TargetError, history, simulate
    from dflint.simulate.changes import BaselineError, baseline_from_stages, load_baseline
    from dflint.simulate.report import render_history, render_json, render_tty

    context = args.context
    dockerfile = args.file or os.path.join(context, "Dockerfile")
    if not os.path.isdir(context):
        print(f"dflint simulate: context {context} is not a directory", file=sys.stderr)
        return EXIT_ERROR
    if not os.path.isfile(dockerfile):
        print(f"dflint simulate: cannot read {dockerfile}", file=sys.stderr)
        return EXIT_ERROR
    build_args = _args_map(args.build_arg)
    out = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout  # noqa: SIM115
    try:
        if args.history is not None:
            rows = history(
                dockerfile,
                context,
                max(1, args.history),
                target=args.target,
                build_args=build_args,
                platform=args.platform,
            )
            render_history(rows, out, args.format)
            return EXIT_OK
        baseline = load_baseline(args.baseline) if args.baseline else None
        sim = simulate(
            dockerfile,
            context,
            target=args.target,
            build_args=build_args,
            before_build_args=_args_map(args.baseline_build_arg)
            if args.baseline_build_arg is not None
            else None,
            platform=args.platform,
            changed=_relative_paths(args.changed or [], context),
            since=args.since,
            baseline=baseline,
            no_cache=args.no_cache,
        )
        if args.record:
            meta = {
                "dockerfile": dockerfile,
                "target": sim.target,
                "build_args": build_args,
                "platform": args.platform,
            }
            Path(args.record).write_text(
                json.dumps(baseline_from_stages(sim.stages, meta), indent=1) + "\n", encoding="utf-8"
            )
        if args.format == "json":
            render_json(sim, out)
        else:
            color = args.color == "always" or (args.color == "auto" and out.isatty())
            render_tty(sim, out, color=color)
        return EXIT_OK
    except (TargetError, GitError, BaselineError, OSError) as exc:
        print(f"dflint simulate: {exc}", file=sys.stderr)
        return EXIT_ERROR
    finally:
        if out is not sys.stdout:
            out.close()
