"""Driving a real BuildKit (dockerd 20.10, BuildKit 0.8) and reading what it did.

Why a module and not fixtures: the cache differential and the size tests need the same plain
helpers (write a context, build, read per-step verdicts, read layer sizes, prune), and the
parsing of ``--progress=plain`` output is tested without an engine. The daemon itself is
started by ``scripts/engine/`` (``make engine``); :func:`connect` only finds it.

Reading the plain progress output (BuildKit 0.8): each step prints ``#N [LABEL i/n] TEXT``,
then ``#N CACHED`` or ``#N DONE 1.2s`` (``#N ERROR ...`` on failure). LABEL is the stage name,
or ``stage-K`` for an unnamed stage, and is absent in a single-stage file. ``i`` counts the
FROM (only when it names an image: ``FROM stage`` and ``FROM scratch`` are no step) and then
only the instructions that become LLB ops (RUN, COPY, ADD, and WORKDIR unless it is ``/``), so steps
are mapped to Dockerfile lines by position, with BuildKit's own parser (the ``dockerfile``
package) reading the file. TEXT is not the source text (ARGs are expanded in it), so it is
only used to check the keyword. FROM of a local image prints CACHED or DONE whatever
happened, so it is never scored.
"""

from __future__ import annotations

import os
import posixpath
import re
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "DOCKER",
    "SCRIPTS",
    "BuildError",
    "BuildResult",
    "Engine",
    "EngineHang",
    "HistoryEntry",
    "Step",
    "connect",
    "engine_docker_host",
    "map_steps",
    "parse_steps",
    "report",
    "write_context",
]

#: Debian's client matches dockerd 20.10 (another client on the PATH may be newer).
DOCKER = "/usr/bin/docker"
REPO = Path(__file__).resolve().parents[2]
SCRIPTS = REPO / "scripts" / "engine"
#: Instructions that become LLB ops, hence numbered steps (everything else is image config).
STEP_KEYWORDS = frozenset({"RUN", "COPY", "ADD", "WORKDIR"})

_HEADER = re.compile(r"^#(\d+) \[(?:(.*) )?(\d+)/(\d+)\] (.*)$")
_STATUS = re.compile(r"^#(\d+) (CACHED|DONE [0-9.]+s|ERROR\b.*)$")
_STATUS_CACHED = {"CACHED": True, "DONE": False}


#: Lines the engine tests want in the session's terminal summary (see conftest.py).
SUMMARY: list[str] = []


def report(line: str) -> None:
    """Show ``line`` in the terminal summary of the engine session (figures, agreement)."""
    SUMMARY.append(line)


class BuildError(RuntimeError):
    """``docker build`` failed; the message ends with the tail of its output."""


class EngineHang(BuildError):
    """A docker command hung. BuildKit 0.8 can deadlock (moby/buildkit#1818, moby/moby#40624);
    afterwards its cache state is not trustworthy: :meth:`Engine.restart` the daemon."""


@dataclass
class Step:
    """One numbered step of a build (``#N [stage i/n] TEXT``) and what BuildKit did with it."""

    vertex: int
    stage: str | None
    index: int
    total: int
    text: str
    #: True: ``CACHED``; False: ``DONE`` (executed); None: no status (error or cancelled).
    cached: bool | None = None
    #: The Dockerfile line of the instruction (set by :func:`map_steps`).
    line: int | None = None

    @property
    def keyword(self) -> str:
        return self.text.split(None, 1)[0].upper() if self.text else ""


@dataclass
class BuildResult:
    """The outcome of one ``docker build``: its steps with lines, and the whole log."""

    output: str
    steps: list[Step] = field(default_factory=list)

    def verdicts(self) -> dict[int, str]:
        """Dockerfile line -> ``"hit"`` (CACHED) or ``"miss"`` (executed); FROM is not scored."""
        out: dict[int, str] = {}
        for step in self.steps:
            if step.keyword == "FROM" or step.line is None or step.cached is None:
                continue
            out[step.line] = "hit" if step.cached else "miss"
        return out


def parse_steps(output: str) -> list[Step]:
    """The numbered steps of a ``--progress=plain`` log with their final status, in step order."""
    steps: dict[int, Step] = {}
    for raw in output.splitlines():
        line = raw.rstrip()
        header = _HEADER.match(line)
        if header:
            vertex = int(header.group(1))
            if vertex not in steps:
                label = (header.group(2) or "").split()
                steps[vertex] = Step(
                    vertex,
                    label[-1] if label else None,
                    int(header.group(3)),
                    int(header.group(4)),
                    header.group(5),
                )
            continue
        status = _STATUS.match(line)
        if status and int(status.group(1)) in steps:
            word = status.group(2)
            steps[int(status.group(1))].cached = _STATUS_CACHED.get(word.split()[0])
    return sorted(steps.values(), key=lambda s: (s.stage or "", s.index))


def _stage_steps(dockerfile_text: str) -> dict[str, tuple[list[tuple[str, int]], int]]:
    """Per stage label (name, ``stage-K``, and ``""`` for a single stage): the (keyword, line) of
    each step, and the ``n`` BuildKit prints (it counts ``WORKDIR /`` too, which has no step)."""
    import dockerfile  # BuildKit's own parser (Go, through the ``dockerfile`` package)

    stages: list[tuple[str, list[tuple[str, int]], list[int]]] = []
    workdir = "/"
    for cmd in dockerfile.parse_string(dockerfile_text):
        keyword = cmd.cmd.upper()
        if keyword == "FROM":
            words = list(cmd.value)
            name = words[2].lower() if len(words) >= 3 and words[1].upper() == "AS" else None
            label = name or f"stage-{len(stages)}"
            # FROM another stage (or scratch) is no step of its own: the stage starts from that state.
            base = words[0].lower() if words else ""
            inherited = base == "scratch" or base in {lbl for lbl, _, _ in stages}
            stages.append((label, [] if inherited else [("FROM", cmd.start_line)], [0 if inherited else 1]))
            workdir = "/"
        elif not stages or keyword not in STEP_KEYWORDS:
            continue
        else:
            stages[-1][2][0] += 1
            if keyword == "WORKDIR":
                # no mkdir step when the directory is "/" (variables are not expanded here)
                workdir = posixpath.normpath(posixpath.join(workdir, cmd.value[0]))
                if workdir == "/":
                    continue
            stages[-1][1].append((keyword, cmd.start_line))
    out = {label: (steps, total[0]) for label, steps, total in stages}
    if len(stages) == 1:
        out[""] = out[stages[0][0]]
    return out


def map_steps(steps: Sequence[Step], dockerfile_text: str) -> None:
    """Set each step's Dockerfile line; raise ValueError when the keywords do not line up."""
    by_stage = _stage_steps(dockerfile_text)
    for step in steps:
        table, total = by_stage.get(step.stage if step.stage is not None else "", ([], -1))
        if step.keyword == "FROM" and total != step.total:
            # one FROM vertex serves every stage (and concurrent build) with the same base:
            # it carries whichever label came first; FROM is never scored anyway
            continue
        if step.index > len(table) or total != step.total:
            where = f"{step.stage} {step.index}/{step.total}"
            raise ValueError(f"step {where} is not in the Dockerfile: {step.text}")
        keyword, line = table[step.index - 1]
        if keyword != step.keyword:
            where = f"{step.stage} {step.index}"
            raise ValueError(f"step {where}: BuildKit ran {step.text!r}, the file has {keyword}")
        step.line = line


def write_context(root: Path, files: Mapping[str, str | bytes], dockerfile: str | None = None) -> Path:
    """Create a build context: ``files`` (a name ending in ``/`` is an empty directory), and the
    Dockerfile when given. Returns ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = root / name
        if name.endswith("/"):
            path.mkdir(parents=True, exist_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    if dockerfile is not None:
        (root / "Dockerfile").write_text(dockerfile, encoding="utf-8")
    return root


@dataclass(frozen=True)
class HistoryEntry:
    """One row of ``docker history`` (oldest first): bytes the layer adds and what made it."""

    size: int
    created_by: str


class Engine:
    """A client of the private dockerd (``DOCKER_HOST`` set, BuildKit on)."""

    def __init__(self, docker_host: str) -> None:
        self.docker_host = docker_host
        self.env = {**os.environ, "DOCKER_HOST": docker_host, "DOCKER_BUILDKIT": "1"}

    def docker(
        self, *args: str, check: bool = True, timeout: float = 600
    ) -> subprocess.CompletedProcess[str]:
        """Run the Debian docker client against this engine (BuildError on a timeout)."""
        try:
            done = subprocess.run(
                [DOCKER, *args], env=self.env, capture_output=True, text=True, timeout=timeout, check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise EngineHang(f"docker {' '.join(args)} did not finish within {timeout:.0f} s") from exc
        if check and done.returncode != 0:
            raise BuildError(f"docker {' '.join(args)} failed: {(done.stderr or done.stdout)[-2000:]}")
        return done

    def build(
        self,
        context: Path,
        *,
        tag: str | None = None,
        dockerfile: str = "Dockerfile",
        target: str | None = None,
        build_args: Mapping[str, str] | None = None,
        no_cache: bool = False,
        timeout: float = 180,
    ) -> BuildResult:
        """``docker build --network host --progress=plain``; steps mapped to Dockerfile lines."""
        args = ["build", "--network", "host", "--progress=plain", "-f", str(context / dockerfile)]
        if tag:
            args += ["-t", tag]
        if target:
            args += ["--target", target]
        for name, value in (build_args or {}).items():
            args += ["--build-arg", f"{name}={value}"]
        if no_cache:
            args.append("--no-cache")
        done = self.docker(*args, str(context), check=False, timeout=timeout)
        output = done.stderr + done.stdout
        if done.returncode != 0:
            raise BuildError(f"docker build failed ({done.returncode}):\n{output[-3000:]}")
        result = BuildResult(output, parse_steps(output))
        map_steps(result.steps, (context / dockerfile).read_text(encoding="utf-8"))
        return result

    def history(self, image: str) -> list[HistoryEntry]:
        """Layers of an image, oldest first (``docker history --human=false``; 0 for config-only)."""
        out = self.docker(
            "history", "--no-trunc", "--human=false", "--format", "{{.Size}}\t{{.CreatedBy}}", image
        ).stdout
        rows = []
        for line in out.splitlines():
            size, _, created = line.partition("\t")
            rows.append(HistoryEntry(int(size), created))
        return rows[::-1]

    def image_size(self, image: str) -> int:
        """Uncompressed size of the whole image in bytes (``docker image inspect .Size``)."""
        return int(self.docker("image", "inspect", "--format", "{{.Size}}", image).stdout.strip())

    def remove_images(self, *images: str) -> None:
        """Untag/remove images a test built (missing ones are fine)."""
        if images:
            self.docker("image", "rm", "-f", *images, check=False)

    def restart(self) -> None:
        """Stop and start the private dockerd (scripts/engine/, by PID file): after a hang."""
        for script in ("stop.sh", "start.sh"):
            subprocess.run(["bash", str(SCRIPTS / script)], capture_output=True, check=True, timeout=120)

    def prune(self) -> None:
        """Empty the build cache, so the next scenario starts cold (``docker builder prune -af``)."""
        self.docker("builder", "prune", "-af")


def engine_docker_host() -> str:
    """The private dockerd's ``DOCKER_HOST``, as ``scripts/engine/common.sh`` computes it."""
    done = subprocess.run(
        ["bash", "-c", f'source "{SCRIPTS}/common.sh" && echo "$DOCKER_HOST"'],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


REQUIRED_IMAGES = ("debian:bookworm", "debian:bookworm-slim", "python:3.12-slim", "busybox:1.35")


def connect(start: bool = True) -> Engine | str:
    """The running private engine, or a one-line reason why there is none.

    With ``start`` the idempotent ``scripts/engine/start.sh`` and ``bases.sh`` run first (no
    package installation here: that is ``make engine``'s job).
    """
    if not (shutil.which(DOCKER) and os.path.exists("/usr/sbin/dockerd")):
        return "no docker.io (dockerd/docker client); `make engine` installs it"
    if os.geteuid() != 0:
        return "the private dockerd needs root"
    if start:
        for script in ("start.sh", "bases.sh"):
            done = subprocess.run(
                ["bash", str(SCRIPTS / script)], capture_output=True, text=True, check=False, timeout=1800
            )
            if done.returncode != 0:
                last = (done.stderr or done.stdout).strip().splitlines()
                return f"scripts/engine/{script} failed: {last[-1] if last else done.returncode}"
    engine = Engine(engine_docker_host())
    if engine.docker("info", check=False, timeout=60).returncode != 0:
        return f"dockerd does not answer on {engine.docker_host}"
    missing = [i for i in REQUIRED_IMAGES if engine.docker("image", "inspect", i, check=False).returncode]
    if missing:
        return f"base images missing: {', '.join(missing)} (scripts/engine/bases.sh)"
    return engine
