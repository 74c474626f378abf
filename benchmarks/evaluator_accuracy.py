"""Accuracy of ``dflint simulate``'s layer sizes against a real engine: the tables of docs/simulate.md.

Runs the cases of tests/engine/size_engine.py (apt packages on ``debian:bookworm-slim`` and
``debian:bookworm``, pip installs from local wheels, COPY/ADD of the context) on this checkout's
private engine (scripts/engine/, started if needed) and prints, per layer, dflint's estimate,
the size ``docker history`` reports and the error. Needs root and docker.io (``make engine``
sets it all up); the apt cases take ~15 minutes on 2 cores (vfs copies the whole filesystem
for every layer).

    python benchmarks/evaluator_accuracy.py [--only apt,pip,copy] [--markdown]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from engine.buildkit import Engine, connect  # noqa: E402
from engine.size_engine import (  # noqa: E402
    APT_GROUPS,
    BASES,
    COPY_STEPS,
    PIP_CASES,
    Row,
    apt_steps,
    copy_files,
    download_wheels,
    measure,
    measure_pip,
    official_base,
)

TARGETS = {"apt": 0.10, "pip": 0.15, "copy": 0.0}


def run_apt(engine: Engine) -> list[tuple[str, Row]]:
    out: list[tuple[str, Row]] = []
    for base in BASES:
        official, deviations = official_base(engine, base)
        for name, (have, snapshot) in sorted(deviations.items()):
            print(f"{base}: {name} {have} (the snapshot's {snapshot} is gone from the archive)")
        for group, packages in APT_GROUPS.items():
            rows = measure(engine, group, base, apt_steps(packages), engine_base=official)
            out.extend((package, row) for package, row in zip(packages, rows, strict=True))
    return out


def run_pip(engine: Engine) -> list[tuple[str, Row]]:
    wheels = Path(tempfile.mkdtemp(prefix="dflint-wheels-"))
    try:
        download_wheels(wheels)
        rows = measure_pip(engine, wheels)
    finally:
        shutil.rmtree(wheels, ignore_errors=True)
    return list(zip(PIP_CASES, rows, strict=True))


def run_copy(engine: Engine) -> list[tuple[str, Row]]:
    rows = measure(engine, "copy", "debian:bookworm-slim", COPY_STEPS, copy_files)
    return [(row.instruction, row) for row in rows]


def report(kind: str, rows: list[tuple[str, Row]], markdown: bool) -> None:
    target = TARGETS[kind]
    if markdown:
        print(f"\n| {kind} case | base | estimate | real | error |\n|---|---|---:|---:|---:|")
    else:
        print(f"\n{kind}: {'case':28} {'base':22} {'estimate':>12} {'real':>12} {'error':>8}")
    errors: list[float] = []
    for name, row in rows:
        est = "unknown" if row.estimate is None else f"{row.estimate / 1e6:.2f} MB"
        err = row.error
        shown = "n/a" if err is None else f"{100 * err:+.1f}%"
        if err is not None:
            errors.append(abs(err))
        if markdown:
            print(f"| {name} | {row.base} | {est} | {row.real / 1e6:.2f} MB | {shown} |")
        else:
            print(f"      {name:28} {row.base:22} {est:>12} {row.real / 1e6:9.2f} MB {shown:>8}", flush=True)
    within = sum(1 for e in errors if e <= target + 1e-9)
    if errors:
        print(
            f"{kind}: {within}/{len(rows)} within {100 * target:.0f}%, mean |error| "
            f"{100 * sum(errors) / len(errors):.1f}%, max {100 * max(errors):.1f}%"
        )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", default="apt,pip,copy")
    ap.add_argument("--markdown", action="store_true")
    args = ap.parse_args()
    engine = connect()
    if isinstance(engine, str):
        print(f"no engine: {engine}", file=sys.stderr)
        return 2
    runners = {"apt": run_apt, "pip": run_pip, "copy": run_copy}
    for kind in args.only.split(","):
        report(kind, runners[kind](engine), args.markdown)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
