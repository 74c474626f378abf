"""Start-up cost of one dflint process: the lint path's import graph, and one file vs hadolint.

Run: ``.venv/bin/python benchmarks/startup.py [--runs N] [FILE]`` (never part of the test suite).

What it prints, every figure a median over ``--runs`` runs taken in the same minute (the machine
may be shared: compare figures from one run of this script, not across runs):

* which install is measured. An *editable* install (``pip install -e .``, what ``make`` does)
  runs setuptools' import finder from a ``.pth`` file at every interpreter start, because
  ``rules/`` is mapped to the ``dflint_rules`` package; that finder imports pathlib,
  importlib.util and friends before dflint is even asked for. A regular install (a wheel, what
  users get) has no such finder. The finder's own cost is shown separately;
* wall-clock of ``python -c pass``, ``dflint parse --format dump FILE``, ``dflint FILE`` and
  ``hadolint FILE``, interleaved so that load affects them alike;
* ``python -X importtime`` of ``dflint FILE``: the modules with the largest own import time,
  and the totals per group (dflint, dflint_rules, third-party, standard library).

Bytecode: when the environment sets ``PYTHONDONTWRITEBYTECODE`` and no ``__pycache__`` exists,
every process compiles every module again (hundreds of ms). An installed dflint has its bytecode,
so the child processes here run without that variable and with ``PYTHONPYCACHEPREFIX`` under the
system temp dir, warmed by one run first.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import sysconfig
import time
from collections import defaultdict
from pathlib import Path

from _common import bench_env

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FILE = ROOT / "fixtures" / "seeds" / "000_flask" / "Dockerfile"
BIN = Path(sys.executable).parent
_IMPORT_LINE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)$")


def _env() -> dict[str, str]:
    return bench_env(NO_COLOR="1")


def install_mode() -> str:
    """``editable`` when setuptools' editable finder for dflint is in site-packages, else ``regular``."""
    site = Path(sysconfig.get_paths()["purelib"])
    if list(site.glob("__editable__*dflint*")):
        return "editable"
    return "regular"


def _run(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_env(), check=False)
    return time.perf_counter() - start


def process_times(file: str, runs: int) -> dict[str, float]:
    """Median wall-clock ms of each command, the commands interleaved run by run."""
    py = sys.executable
    dflint = str(BIN / "dflint")
    commands = {
        "python -c pass": [py, "-c", "pass"],
        "dflint parse (1 file)": [dflint, "parse", "--format", "dump", file],
        "dflint lint (1 file)": [dflint, "--format", "json", file],
    }
    hadolint = BIN / "hadolint"
    if hadolint.exists():
        commands["hadolint (1 file)"] = [str(hadolint), "--no-fail", "-f", "json", file]
    for argv in commands.values():  # warm the bytecode cache and the OS file cache
        _run(argv)
    times: dict[str, list[float]] = defaultdict(list)
    for _ in range(runs):
        for name, argv in commands.items():
            times[name].append(_run(argv))
    return {name: statistics.median(ts) * 1000 for name, ts in times.items()}


def import_profile(file: str, runs: int) -> tuple[dict[str, float], dict[str, float]]:
    """Median own (self) import ms per module, and the editable finder's cumulative ms."""
    argv = [sys.executable, "-X", "importtime", str(BIN / "dflint"), "--format", "json", file]
    own: dict[str, list[float]] = defaultdict(list)
    finder: list[float] = []
    for _ in range(runs):
        out = subprocess.run(argv, capture_output=True, text=True, env=_env(), check=False).stderr
        seen_finder = 0.0
        for line in out.splitlines():
            m = _IMPORT_LINE.match(line)
            if m is None:
                continue
            self_us, cumulative_us, name = int(m.group(1)), int(m.group(2)), m.group(4)
            own[name].append(self_us / 1000)
            if name.startswith("__editable__"):
                seen_finder += cumulative_us / 1000
        finder.append(seen_finder)
    medians = {name: statistics.median(v + [0.0] * (runs - len(v))) for name, v in own.items()}
    return medians, {"editable finder (cumulative)": statistics.median(finder)}


def _group(name: str) -> str:
    top = name.split(".")[0]
    if top == "dflint":
        return "dflint"
    if top == "dflint_rules":
        return "dflint_rules"
    if top.startswith("__editable__"):
        return "editable finder"
    stdlib = sys.stdlib_module_names
    if top in stdlib or (top.startswith("_") and top.lstrip("_") in stdlib):
        return "stdlib"
    return "third-party"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file", nargs="?", default=str(DEFAULT_FILE))
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--top", type=int, default=25, help="modules listed by own import time")
    args = ap.parse_args()

    mode = install_mode()
    hook = "setuptools' editable finder runs at start-up" if mode == "editable" else "no import hook"
    print(f"install measured: {mode} ({hook})")
    print(f"file: {args.file}; {args.runs} runs per figure (medians)\n")

    for name, ms in process_times(args.file, args.runs).items():
        print(f"{name:<24} {ms:7.1f} ms")

    own, extra = import_profile(args.file, args.runs)
    print("\nimport time of `dflint FILE` (own time, ms):")
    for name, ms in sorted(own.items(), key=lambda kv: -kv[1])[: args.top]:
        print(f"  {ms:6.1f}  {name}")
    groups: dict[str, float] = defaultdict(float)
    for name, ms in own.items():
        groups[_group(name)] += ms
    by_group = sorted(groups.items(), key=lambda kv: -kv[1])
    print("by group: " + ", ".join(f"{g} {ms:.1f}" for g, ms in by_group))
    for name, ms in extra.items():
        if ms:
            print(f"{name}: {ms:.1f} ms (a regular install does not pay it)")


if __name__ == "__main__":
    main()
