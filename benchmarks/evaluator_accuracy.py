"""Accuracy of the evaluator's apt layer estimates against real Debian layers.

Builds a Debian bookworm minbase root with ``debootstrap`` once (the equivalent of
``debian:bookworm-slim``), then for each case copies it, runs ``apt-get install`` in a chroot
(with the Docker images' apt settings: no .deb cache kept) and measures the layer diff: the bytes
of every file added or changed (``du``-style apparent sizes of regular files and symlinks, like
dive counts a layer's tar). The estimate is what ``dflint simulate`` gives the same RUN.

Needs root, network access to the Debian mirror and ``apt-get install debootstrap``. Slow
(minutes per case); not part of the test suite. Target: within 15% for apt layers.

    python benchmarks/evaluator_accuracy.py [--cases curl,git] [--work /var/tmp/dflint-acc]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dflint.parser import parse_text  # noqa: E402
from dflint.simulate import DirContext, plan  # noqa: E402

CASES: dict[str, str] = {
    "curl": "apt-get install -y --no-install-recommends curl",
    "git": "apt-get install -y --no-install-recommends git",
    "python3": "apt-get install -y --no-install-recommends python3",
    "build-essential": "apt-get install -y --no-install-recommends build-essential",
    "nginx": "apt-get install -y --no-install-recommends nginx",
    "curl+recommends": "apt-get install -y curl",
}
APT_CONF = (
    'DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb '
    '/var/cache/apt/*.bin || true"; };\nAPT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb '
    '/var/cache/apt/*.bin || true"; };\nDir::Cache::pkgcache ""; Dir::Cache::srcpkgcache "";\n'
)


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """path -> (size, mtime_ns) of regular files and symlinks (proc/sys/dev skipped)."""
    out: dict[str, tuple[int, int]] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        rel = os.path.relpath(dirpath, root)
        if rel == ".":
            dirnames[:] = [d for d in dirnames if d not in ("proc", "sys", "dev", "run", "tmp")]
        for name in filenames:
            full = os.path.join(dirpath, name)
            try:
                st = os.lstat(full)
            except OSError:
                continue
            out[os.path.join(rel, name)] = (st.st_size, st.st_mtime_ns)
    return out


def layer_bytes(before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]]) -> int:
    """Bytes of files added or modified (what the layer tar would hold)."""
    return sum(size for path, (size, mtime) in after.items() if before.get(path) != (size, mtime))


def run(cmd: list[str], **kw: object) -> None:
    subprocess.run(cmd, check=True, **kw)  # type: ignore[call-overload]


def base_root(work: Path) -> Path:
    base = work / "base"
    if (base / "usr" / "bin" / "apt-get").exists():
        return base
    base.mkdir(parents=True, exist_ok=True)
    run(["debootstrap", "--variant=minbase", "bookworm", str(base), "http://deb.debian.org/debian"])
    (base / "etc/apt/apt.conf.d/docker-clean").write_text(APT_CONF)
    (base / "etc/apt/sources.list").write_text(
        "deb http://deb.debian.org/debian bookworm main\n"
        "deb http://deb.debian.org/debian bookworm-updates main\n"
        "deb http://deb.debian.org/debian-security bookworm-security main\n"
    )
    shutil.copy("/etc/resolv.conf", base / "etc/resolv.conf")
    run(["chroot", str(base), "apt-get", "update", "-qq"])
    return base


def measure(base: Path, work: Path, command: str) -> int:
    case = work / "case"
    if case.exists():
        shutil.rmtree(case)
    run(["cp", "-a", str(base), str(case)])
    before = snapshot(case)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    run(["chroot", str(case), "sh", "-c", command], env=env, stdout=subprocess.DEVNULL)
    size = layer_bytes(before, snapshot(case))
    shutil.rmtree(case)
    return size


def estimate(command: str) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        text = f"FROM debian:bookworm-slim\nRUN {command}\n"
        _graph, stages = plan(parse_text(text), DirContext(tmp))
        return stages[0].layers[1].size_bytes or 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", default=",".join(CASES))
    ap.add_argument("--work", default="/var/tmp/dflint-accuracy")
    args = ap.parse_args()
    if os.geteuid() != 0 or shutil.which("debootstrap") is None:
        print("needs root and debootstrap (apt-get install debootstrap)", file=sys.stderr)
        return 2
    work = Path(args.work)
    base = base_root(work)
    print(f"{'case':18} {'estimate MB':>12} {'measured MB':>12} {'error':>8}")
    errors = []
    for name in args.cases.split(","):
        command = CASES[name]
        est = estimate(command)
        real = measure(base, work, command)
        err = (est - real) / real if real else 0.0
        errors.append(abs(err))
        print(f"{name:18} {est / 1e6:12.1f} {real / 1e6:12.1f} {100 * err:+7.1f}%", flush=True)
    if errors:
        print(f"mean absolute error: {100 * sum(errors) / len(errors):.1f}%  (target: within 15%)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
