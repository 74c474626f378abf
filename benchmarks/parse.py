"""Parser throughput over the realworld corpus, and one-file process time vs hadolint.

Run: ``.venv/bin/python benchmarks/parse.py`` (``make bench``). Never part of the test suite.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _common import bench_env  # noqa: E402

CORPUS = Path("/work/shared/corpus/realworld")
SAMPLE = ROOT / "fixtures" / "seeds" / "000_flask" / "Dockerfile"


def corpus() -> None:
    from dflint.parser import parse_bytes

    files = sorted(p for p in CORPUS.iterdir() if p.is_file() and p.name != "README.md")
    data = [p.read_bytes() for p in files]
    parse_bytes(data[0])  # warm-up (loads the grammar once, as a long-running process would)
    t0 = time.perf_counter()
    for d in data:
        parse_bytes(d)
    el = time.perf_counter() - t0
    mb = sum(map(len, data)) / 1e6
    print(f"corpus: {len(files)} files, {mb:.2f} MB in {el:.2f} s -> "
          f"{len(files) / el:.0f} files/s, {mb / el:.2f} MB/s")


def _median_run(cmd: list[str], runs: int) -> float:
    times = []
    env = bench_env(PYTHONPATH=str(ROOT))
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)  # warm
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def process(runs: int = 20) -> None:
    py = sys.executable
    editable = any(Path(sysconfig.get_paths()["purelib"]).glob("__editable__*dflint*"))
    print(f"install: {'editable (its import finder runs at every start)' if editable else 'regular'};"
          " benchmarks/startup.py breaks the start-up down")
    dflint = os.environ.get("DFLINT_BIN") or str(Path(py).with_name("dflint"))
    ours = _median_run([dflint, "parse", "--format", "json", str(SAMPLE)], runs)
    module = _median_run([py, "-m", "dflint.parse_output", "--format", "json", str(SAMPLE)], runs)
    base = _median_run([py, "-c", "pass"], runs)
    print(f"python -c pass:            {base * 1000:.1f} ms (interpreter start alone)")
    print(f"dflint parse (1 file):     {ours * 1000:.1f} ms ({dflint})")
    print(f"python -m dflint.parse_output: {module * 1000:.1f} ms (the parse command without the CLI)")
    hadolint = Path(py).with_name("hadolint")
    if hadolint.exists():
        theirs = _median_run([str(hadolint), str(SAMPLE)], runs)
        print(f"hadolint (1 file):         {theirs * 1000:.1f} ms")
        print(f"ratio dflint/hadolint:     {ours / theirs:.2f}")


if __name__ == "__main__":
    corpus()
    process()
