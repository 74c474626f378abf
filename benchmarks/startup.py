"""Start-up cost of one dflint process against hadolint: wall time, CPU time, imports, memory.

Run: ``.venv/bin/python benchmarks/startup.py [--runs N] [--regular] [--big] [FILE]``
(``make bench`` runs it with ``--regular --big``; never part of the test suite).

What it prints, every figure from one run of this script (the machine may be shared: compare
figures printed together, never across runs):

* the installs measured. The venv's dflint is an *editable* install, whose import finder (set up
  by a ``.pth`` file because ``rules/`` installs as ``dflint_rules``) imports pathlib and
  friends at every interpreter start; users get a *regular* install, which has none.
  ``--regular`` builds one from this tree (a wheel in ``benchmarks/results/regular-venv``) and
  measures it beside the editable one; ``DFLINT_BIN=/path/to/dflint`` measures another;
* wall-clock and CPU time (user + system, less sensitive to other load) of ``python -c pass``,
  ``dflint parse``, ``dflint FILE`` (each install) and ``hadolint FILE``: medians of ``--runs``
  runs (default 30), the commands interleaved run by run so that load affects them alike, and
  the dflint/hadolint ratios;
* ``python -X importtime`` of ``dflint FILE``: the modules with the largest own import time,
  and the totals per group (dflint, dflint_rules, third-party, standard library);
* with ``--big``: time and peak resident memory of both tools on a generated 1.2 MB Dockerfile
  of 20,000 RUN instructions.

Bytecode: this sandbox sets ``PYTHONDONTWRITEBYTECODE``, with which every process would compile
every module again; the child processes here run as an installed dflint does, with bytecode
cached (see ``_common.bench_env``), warmed by one run first.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

from _common import ROOT, bench_env, big_dockerfile

DEFAULT_FILE = ROOT / "fixtures" / "seeds" / "000_flask" / "Dockerfile"
BIN = Path(sys.executable).parent
RESULTS = ROOT / "benchmarks" / "results"
_IMPORT_LINE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)$")


def _env() -> dict[str, str]:
    return bench_env(NO_COLOR="1")


def install_mode(python: Path) -> str:
    """``editable`` when setuptools' editable finder for dflint is in that Python's site-packages."""
    out = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                         capture_output=True, text=True, check=True).stdout.strip()
    return "editable" if list(Path(out).glob("__editable__*dflint*")) else "regular"


def regular_install() -> Path:
    """A regular (wheel) install of this tree in its own venv; returns its ``dflint`` script."""
    venv = RESULTS / "regular-venv"
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    wheels = RESULTS / "wheels"
    for old in wheels.glob("dflint-*.whl"):
        old.unlink()
    pip = [sys.executable, "-m", "pip"]
    subprocess.run([*pip, "wheel", "--quiet", "--no-deps", "-w", str(wheels), str(ROOT)], check=True)
    [wheel] = wheels.glob("dflint-*.whl")
    target = [str(python), "-m", "pip", "install", "--quiet"]
    subprocess.run([*target, str(wheel)], check=True)  # with its dependencies, the first time
    subprocess.run([*target, "--force-reinstall", "--no-deps", str(wheel)], check=True)
    return venv / "bin" / "dflint"


def _run(argv: list[str]) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (user + system) and peak RSS (KiB) of one run of ``argv``."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_env())
    _, _, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = 0
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


Figures = dict[str, tuple[float, float, int]]


def measure(commands: dict[str, list[str]], runs: int, warm: bool = True) -> Figures:
    """Median wall ms, median CPU ms and peak RSS (KiB) per command, interleaved run by run."""
    for argv in commands.values() if warm else ():  # warm the bytecode cache and the OS file cache
        _run(argv)
    samples: dict[str, list[tuple[float, float, int]]] = defaultdict(list)
    for _ in range(runs):
        for name, argv in commands.items():
            samples[name].append(_run(argv))
    return {
        name: (statistics.median(s[0] for s in ss) * 1000, statistics.median(s[1] for s in ss) * 1000,
               max(s[2] for s in ss))
        for name, ss in samples.items()
    }


def import_profile(dflint: str, python: str, file: str, runs: int) -> tuple[dict[str, float], float]:
    """Median own (self) import ms per module, and the editable finder's cumulative ms."""
    argv = [python, "-X", "importtime", dflint, file]
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
    return medians, statistics.median(finder)


def _group(name: str) -> str:
    top = name.split(".")[0]
    if top in ("dflint", "dflint_rules"):
        return top
    if top.startswith("__editable__"):
        return "editable finder"
    stdlib = sys.stdlib_module_names
    if top in stdlib or (top.startswith("_") and top.lstrip("_") in stdlib):
        return "stdlib"
    return "third-party"


def _print_table(results: Figures, hadolint: str | None) -> None:
    print(f"{'command':<30} {'wall ms':>8} {'cpu ms':>8} {'wall/hl':>8} {'cpu/hl':>7}")
    base = results.get(hadolint) if hadolint else None
    for name, (wall, cpu, _) in results.items():
        ratio = f"{wall / base[0]:8.2f} {cpu / base[1]:7.2f}" if base and name.startswith("dflint") else ""
        print(f"{name:<30} {wall:8.1f} {cpu:8.1f} {ratio}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file", nargs="?", default=str(DEFAULT_FILE))
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--top", type=int, default=25, help="modules listed by own import time")
    ap.add_argument("--regular", action="store_true", help="also build and measure a regular install")
    ap.add_argument("--big", action="store_true", help="also measure a 20,000-RUN file (time, peak memory)")
    args = ap.parse_args()

    installs: dict[str, Path] = {}
    editable = BIN / "dflint"
    if editable.exists():
        installs[install_mode(BIN / "python")] = editable
    if os.environ.get("DFLINT_BIN"):
        installs["DFLINT_BIN"] = Path(os.environ["DFLINT_BIN"])
    if args.regular:
        installs["regular"] = regular_install()
    hadolint = BIN / "hadolint"
    for label, script in installs.items():
        print(f"install measured: {label}: {script}")
    print(f"file: {args.file}; {args.runs} runs per figure (medians, interleaved)\n")

    commands = {"python -c pass": [sys.executable, "-c", "pass"]}
    first = next(iter(installs.values()))
    commands["dflint parse (1 file)"] = [str(first), "parse", "--format", "dump", args.file]
    for label, script in installs.items():
        commands[f"dflint {label} (1 file)"] = [str(script), args.file]
    hl_name = None
    if hadolint.exists():
        hl_name = "hadolint (1 file)"
        commands[hl_name] = [str(hadolint), "--no-fail", args.file]
    _print_table(measure(commands, args.runs), hl_name)

    for label, script in installs.items():
        python = script.parent / "python"
        own, finder = import_profile(str(script), str(python), args.file, max(5, args.runs // 3))
        print(f"\nimport time of `dflint FILE`, {label} install (own time, ms, median):")
        for name, ms in sorted(own.items(), key=lambda kv: -kv[1])[: args.top]:
            print(f"  {ms:6.2f}  {name}")
        groups: dict[str, float] = defaultdict(float)
        for name, ms in own.items():
            groups[_group(name)] += ms
        ranked = sorted(groups.items(), key=lambda kv: -kv[1])
        print("by group: " + ", ".join(f"{g} {ms:.1f}" for g, ms in ranked)
              + f"; total {sum(own.values()):.1f} over {len(own)} modules")
        if finder:
            print(f"editable finder (cumulative): {finder:.1f} ms (a regular install does not pay it)")

    if args.big:
        big = RESULTS / "big.Dockerfile"
        size = big_dockerfile(big)
        print(f"\nbig file: {big} ({size / 1e6:.1f} MB, 20,000 RUN), one run each")
        big_commands = {f"dflint {label}": [str(script), str(big)] for label, script in installs.items()}
        if hadolint.exists():
            big_commands["hadolint"] = [str(hadolint), "--no-fail", str(big)]
        for name, (wall, cpu, rss) in measure(big_commands, 1, warm=False).items():
            print(f"  {name:<22} {wall / 1000:7.2f} s wall {cpu / 1000:7.2f} s cpu"
                  f"  peak RSS {rss / 1024:6.0f} MiB")


if __name__ == "__main__":
    main()
