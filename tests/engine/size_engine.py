"""The size differential's cases and how one is measured on the real engine.

Why a module of its own: the size tests (tests/engine/test_size_layers.py) and the accuracy table
(benchmarks/evaluator_accuracy.py) measure the same cases the same way. Building, reading
``docker history`` and pruning go through the engine harness (:mod:`engine.buildkit`); what is
here is what only the size differential needs: the cases, dflint's estimates for them, and the
rows that pair the two. A layer's size is what ``docker history`` reports for it (the bytes of
every regular file the step added or changed, a hard-linked file once, symlinks and
directories nothing), which is what dflint estimates.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from engine.buildkit import Engine, write_context

#: Each apt case builds from one of these (local stand-ins made by scripts/engine/bases.sh).
BASES = ("debian:bookworm-slim", "debian:bookworm")


@dataclass
class Row:
    """One layer: what the engine stored and what dflint estimated."""

    case: str
    base: str
    instruction: str
    real: int
    estimate: int | None
    confidence: str
    note: str

    @property
    def error(self) -> float | None:
        if self.estimate is None or not self.real:
            return None
        return (self.estimate - self.real) / self.real


def estimate_layers(dockerfile: str, context: Path) -> list[tuple[int | None, str, str]]:
    """dflint's (bytes, confidence, note) for every layer after FROM of the last stage."""
    from dflint.parser import parse_text
    from dflint.simulate import DirContext, plan

    _graph, stages = plan(parse_text(dockerfile), DirContext(str(context)))
    return [(x.size_bytes, x.confidence, x.size_note) for x in stages[-1].layers[1:]]


def measure(
    engine: Engine,
    case: str,
    base: str,
    steps: list[str],
    files: Callable[[Path], None] | None = None,
    engine_base: str | None = None,
) -> list[Row]:
    """Build ``FROM base`` + ``steps`` (layer instructions only) and compare every step.

    dflint reads ``FROM base``; the engine builds on ``engine_base`` when given (the stand-in
    brought to the official image's package versions, :func:`official_base`).
    """
    dockerfile = f"FROM {base}\n" + "".join(step + "\n" for step in steps)
    tmp = Path(tempfile.mkdtemp(prefix="dflint-size-"))
    tag = f"dflint-size/{case}:{base.replace(':', '-')}"
    try:
        write_context(tmp, {}, dockerfile.replace(f"FROM {base}\n", f"FROM {engine_base or base}\n", 1))
        if files is not None:
            files(tmp)
        estimates = estimate_layers(dockerfile, tmp)
        engine.build(tmp, tag=tag)
        real = [entry.size for entry in engine.history(tag)][-len(steps) :]
    finally:
        # vfs keeps a full copy of the filesystem per layer: drop the image and the cache.
        engine.remove_images(tag)
        engine.prune()
        shutil.rmtree(tmp, ignore_errors=True)
    return [
        Row(case, base, step, size, est, conf, note)
        for step, size, (est, conf, note) in zip(steps, real, estimates, strict=True)
    ]


def image_versions(engine: Engine, image: str) -> dict[str, str]:
    """The dpkg packages of a local image and their versions (``dpkg-query`` in a container)."""
    out = engine.docker(
        "run", "--rm", "--network", "none", image, "dpkg-query", "-W", "-f", "${Package}=${Version}\\n"
    ).stdout
    return dict(line.split("=", 1) for line in out.split())


def official_versions() -> dict[str, str]:
    """The official debian:bookworm(-slim) image's packages (repo-info snapshot in the apt data)."""
    from dflint.simulate.size import SizeModel

    return dict(SizeModel().apt["image_versions"]["minbase"])


def official_base(engine: Engine, base: str) -> tuple[str, dict[str, tuple[str, str]]]:
    """The stand-in ``base`` with the official image's package versions, and what still differs.

    debootstrap installs the point release; the official images also carry the security updates
    of their build date (liblzma5, libpcre2-8-0 in the 2026-09-18 snapshot). The difference
    shows in layers: apt upgrades an outdated base package along with another binary of its
    source (xz-utils took liblzma5 with it). So the stand-in gets those versions in a layer of
    its own (logs removed: the official images ship none); a version the archive no longer has
    falls back to the archive's, and is returned as ``{name: (have, official)}``.
    Raises when the package sets differ (then the stand-in is not that image at all).
    """
    tag = f"dflint-size/{base.replace(':', '-')}-official"
    official = official_versions()
    have = image_versions(engine, base)
    if set(have) != set(official):
        raise AssertionError(
            f"{base} stand-in: extra {sorted(set(have) - set(official))}, "
            f"missing {sorted(set(official) - set(have))} against the official image"
        )
    if engine.docker("image", "inspect", tag, check=False).returncode:
        pins = [f"{name}={version}" for name, version in sorted(official.items()) if have[name] != version]
        install = "apt-get install -y --no-install-recommends"
        script = " && ".join(
            f"({install} {pin} || {install} {pin.split('=')[0]})" for pin in pins
        ) or "true"
        context = Path(tempfile.mkdtemp(prefix="dflint-official-"))
        try:
            write_context(
                context,
                {},
                f"FROM {base}\nRUN apt-get update && {script} && rm -rf /var/lib/apt/lists/*"
                " /var/log/dpkg.log /var/log/apt/*.log /var/log/apt/eipp.log.xz\n",
            )
            engine.build(context, tag=tag)
        finally:
            shutil.rmtree(context, ignore_errors=True)
    now = image_versions(engine, tag)
    return tag, {name: (now[name], version) for name, version in official.items() if now[name] != version}


# -- the cases ----------------------------------------------------------------------------------
#: apt packages, one tidy RUN each, grouped so a build stays small on vfs (each layer copies the
#: whole filesystem). Heavy in docs or locales: wget, gettext-base, locales, git, make, tzdata.
APT_GROUPS: dict[str, list[str]] = {
    "apt-small": ["ca-certificates", "wget", "curl", "less", "jq", "unzip", "zip", "xz-utils"],
    "apt-tools": ["bzip2", "file", "make", "procps", "iproute2", "iputils-ping", "netcat-openbsd", "patch"],
    "apt-misc": ["gettext-base", "sudo", "tini", "htop", "strace", "sqlite3", "rsync", "libpq5"],
    "apt-net": ["nano", "vim-tiny", "tzdata", "gnupg", "openssh-client", "dnsutils"],
    "apt-heavy": ["git", "postgresql-client", "locales"],
    "apt-build": ["gcc", "python3"],
}
APT_RUN = "RUN apt-get update && apt-get install -y --no-install-recommends {} && rm -rf /var/lib/apt/lists/*"


def apt_steps(packages: list[str]) -> list[str]:
    return [APT_RUN.format(name) for name in packages]


#: pip installs from local wheels (the build cannot verify TLS to the index), pinned to the
#: versions pip.json measured; each names the distributions its wheels directory must hold.
PIP_CASES: dict[str, list[str]] = {
    "requests": ["requests==2.34.2", "certifi==2026.10.18", "charset-normalizer==3.5.2", "idna==3.20",
                 "urllib3==2.8.0"],
    "flask": ["flask==3.1.3", "blinker==1.9.0", "click==8.5.1", "itsdangerous==2.2.0", "jinja2==3.1.6",
              "markupsafe==3.0.4", "werkzeug==3.1.9"],
    "attrs": ["attrs==26.1.0"],
    "pyyaml": ["pyyaml==6.0.3"],
    "packaging": ["packaging==26.3"],
    "lark": ["lark==1.3.1"],
    "sortedcontainers": ["sortedcontainers==2.4.0"],
    "typing-extensions": ["typing-extensions==4.16.0"],
    "tomli": ["tomli==2.5.0"],
    "pathspec": ["pathspec==1.1.1"],
}
#: The python:3.12-slim stand-in (scripts/engine/bases.sh): Debian's python3 and pip on the slim
#: base, ``EXTERNALLY-MANAGED`` removed. Its figures are not the official image's, but a pip layer
#: only depends on the wheels.
PIP_BASE = "python:3.12-slim"
PIP_RUN = "RUN pip install --no-cache-dir --no-index --find-links /wheels {}"


def measure_pip(engine: Engine, wheels: Path) -> list[Row]:
    """The wheels copied into the Python base, then one ``pip install`` layer per case."""
    steps = ["COPY wheels /wheels"] + [PIP_RUN.format(pins[0]) for pins in PIP_CASES.values()]
    rows = measure(engine, "pip", PIP_BASE, steps, partial(_copy_tree, wheels))
    return rows[1:]


def _copy_tree(wheels: Path, context: Path) -> None:
    shutil.copytree(wheels, context / "wheels")


def download_wheels(dest: Path) -> None:
    """``pip download`` every pinned wheel on the host (CPython 3.11, manylinux x86_64)."""
    pins = sorted({pin for pins in PIP_CASES.values() for pin in pins})
    subprocess.run(
        [
            *(sys.executable, "-m", "pip", "download", "-q", "--only-binary=:all:", "--no-deps"),
            *("--python-version", "3.11", "--implementation", "cp"),
            *("--platform", "manylinux_2_17_x86_64", "--platform", "manylinux2014_x86_64"),
            *("-d", str(dest), *pins),
        ],
        check=True,
        capture_output=True,
    )


def copy_files(root: Path) -> None:
    """Context for the COPY/ADD cases: a blob, a tree of small files, a tar and a tar.gz."""
    import random
    import tarfile

    rng = random.Random(7)
    (root / "blob.bin").write_bytes(rng.randbytes(3_000_000))
    tree = root / "tree"
    for i in range(40):
        sub = tree / f"d{i % 4}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"f{i}.txt").write_text("x" * (1000 + 97 * i), encoding="utf-8")
    payload = root / "payload"
    for i in range(12):
        payload.mkdir(exist_ok=True)
        (payload / f"p{i}.bin").write_bytes(rng.randbytes(50_000 * (i + 1)))
    for name, mode in (("archive.tar", "w"), ("archive.tar.gz", "w:gz")):
        with tarfile.open(root / name, mode) as tar:
            for path in sorted(payload.iterdir()):
                tar.add(path, arcname=f"payload/{path.name}")
    (root / ".dockerignore").write_text("payload\n", encoding="utf-8")


COPY_STEPS = [
    "COPY blob.bin /data/blob.bin",
    "COPY tree/ /data/tree/",
    "ADD archive.tar /opt/a/",
    "ADD archive.tar.gz /opt/b/",
    "COPY archive.tar.gz /opt/c/",
]
