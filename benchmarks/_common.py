"""Shared helpers for the benchmarks: the corpus, the binaries, timing."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "realworld"
BIN = Path(sys.executable).parent


def corpus_files(limit: int | None = None) -> list[Path]:
    files = sorted(
        p
        for p in CORPUS.iterdir()
        if p.is_file() and p.name not in ("README.md", "manifest.json", "manifest.jsonl", "MANIFEST")
    )
    files = [p for p in files if not p.name.endswith((".md", ".json", ".jsonl", ".csv", ".tsv"))]
    if limit is not None and limit < len(files):
        step = len(files) / limit
        files = [files[int(i * step)] for i in range(limit)]
    return files


def tool(name: str) -> str:
    """The binary to time: ``$DFLINT_BIN``/``$HADOLINT_BIN`` if set, else the venv's, else PATH's.

    The venv's dflint is an editable install, whose import finder costs ~15 ms per process that
    a regular install does not pay; ``DFLINT_BIN=/other/venv/bin/dflint`` times a regular one.
    """
    override = os.environ.get(f"{name.upper()}_BIN")
    if override:
        return override
    candidate = BIN / name
    if candidate.exists():
        return str(candidate)
    found = shutil.which(name)
    if not found:
        sys.exit(f"benchmark: `{name}` not found (make bench installs the bench extras)")
    return found


def bench_env(**extra: str) -> dict[str, str]:
    """The environment of a timed child process: dflint as users run it, bytecode cached.

    This sandbox sets PYTHONDONTWRITEBYTECODE, which would make every run recompile every
    module (~200 ms for a lint, ~500 ms more for the language server's lsprotocol)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.setdefault("PYTHONPYCACHEPREFIX", os.path.join(tempfile.gettempdir(), "dflint-bench-pycache"))
    env.update(extra)
    return env


def time_command(argv: Sequence[str], runs: int = 1) -> list[float]:
    """Wall-clock seconds of each run of a command (output discarded)."""
    times = []
    env = bench_env(NO_COLOR="1")
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)
        times.append(time.perf_counter() - start)
    return times


def big_dockerfile(path: Path, runs: int = 20_000) -> int:
    """Write a 1.2 MB Dockerfile of ``runs`` RUN instructions (the memory benchmark's input), as a
    generated project might: package installs, downloads, pipes, continuations. Returns its size."""
    lines = ["# syntax=docker/dockerfile:1", "FROM debian:12-slim",
             'SHELL ["/bin/bash", "-o", "pipefail", "-c"]']
    shapes = (
        "RUN apt-get update && apt-get install -y --no-install-recommends pkg{i}",
        "RUN pip install --no-cache-dir package{i}==1.{i}.0 && rm -rf /tmp/p{i}",
        "RUN curl -fsSL https://example.com/f{i}.tgz | tar -xz -C /opt/f{i}",
        "RUN cd /opt/app{i} && make -j2 \\\n    && make install",
        "RUN echo \"value {i}\" > /etc/conf.d/item{i}.conf",
    )
    for i in range(runs):
        lines.append(shapes[i % len(shapes)].format(i=i))
    text = "\n".join(lines) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return len(text.encode("utf-8"))


def median_ms(times: Sequence[float]) -> float:
    return statistics.median(times) * 1000
