"""dflint's own container image, built from the repository's Dockerfile on the real engine.

The image is a drop-in for hadolint's (docs/moving-from-hadolint.md): ``docker run --rm -i
IMAGE < Dockerfile`` must print what ``dflint -`` prints on the host and exit with the same
code, and ``docker run --rm -v "$PWD:/work" IMAGE dflint FILE...`` must lint mounted files
with the configuration found there. It runs as uid 10001, and also as whatever uid
pre-commit's docker hooks pass with ``-u``.

The build is the user's build, with two differences this machine forces:

- no registry: the stand-in ``python:3.12-slim`` (scripts/engine/bases.sh, Debian's Python
  3.11) is tagged under the name the Dockerfile pins, when that name is not in the engine;
- pip cannot verify TLS from inside a build here: wheels are downloaded on the host (for the
  base's Python, glibc and machine), served on 127.0.0.1, and passed with the Dockerfile's
  ``PIP_NO_INDEX``/``PIP_FIND_LINKS`` build args (``--network host`` reaches the server).

Sizes and start-up figures are reported in the engine summary. The stand-in base is larger
than the official image, so only what dflint adds on top of it is held to a limit.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import subprocess
import sys
import threading
import tomllib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from engine.buildkit import DOCKER, REPO, Engine, report

pytestmark = pytest.mark.engine

TAG = "dflint-engine/dflint-image"
STAND_IN = "python:3.12-slim"
FIXTURES = REPO / "fixtures"
#: Dockerfiles with findings, among them the nasty ones (heredoc, backtick escape, Windows).
WITH_FINDINGS = [
    FIXTURES / "seeds" / "000_flask" / "Dockerfile",
    FIXTURES / "ruleindex" / "heredoc.Dockerfile",
    FIXTURES / "ruleindex" / "escape-backtick.Dockerfile",
    FIXTURES / "ruleindex" / "multi-stage.Dockerfile",
]
#: Dockerfiles dflint finds nothing in: the image's own Dockerfile, and a Windows one.
CLEAN = [REPO / "Dockerfile", FIXTURES / "ruleindex" / "windows.Dockerfile"]
#: What dflint and its dependencies add on top of the base (measured: ~25.6 MB).
MAX_ADDED_BYTES = 35_000_000
UID = "10001"
#: A host user's uid, as pre-commit's docker hooks pass it with ``-u``.
OTHER_UID = 4242


@dataclass(frozen=True)
class Run:
    """What a lint printed and its exit code."""

    code: int
    stdout: str
    stderr: str


def pinned_base() -> str:
    """The base the Dockerfile pins (the default of its ``PYTHON_IMAGE`` build arg)."""
    text = (REPO / "Dockerfile").read_text(encoding="utf-8")
    found = re.search(r"^ARG PYTHON_IMAGE=(\S+)$", text, re.MULTILINE)
    assert found, "the Dockerfile no longer pins its base in ARG PYTHON_IMAGE"
    return found.group(1)


def wheel_target(engine: Engine, base: str) -> tuple[str, str, int]:
    """(Python ``X.Y``, machine, glibc minor version) of the base's interpreter."""
    probe = "import platform as p, sys; print('%d.%d' % sys.version_info[:2], p.machine(), p.libc_ver()[1])"
    out = engine.docker("run", "--rm", "--network", "none", base, "python", "-c", probe).stdout
    version, machine, glibc = out.split()
    return version, machine, int(glibc.split(".")[1])


def requirements() -> list[str]:
    """What the image's two pip steps install: the dependencies, and the build backend."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    return [*project["project"]["dependencies"], *project["build-system"]["requires"]]


def wheel_cache() -> Path:
    """The engine scripts' cache folder (scripts/engine/common.sh), shared by every checkout."""
    cache = os.environ.get("DFLINT_ENGINE_CACHE")
    if cache:
        return Path(cache)
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(xdg) / "dflint-engine"


def download_wheelhouse(engine: Engine, base: str) -> Path:
    """Wheels for everything the build installs, for the base's interpreter, downloaded on the host.

    Platform tags are given explicitly (pip does not widen ``manylinux_2_X`` by itself), from
    manylinux_2_17 up to the base's glibc.
    """
    version, machine, glibc = wheel_target(engine, base)
    dest = wheel_cache() / f"wheels-cp{version.replace('.', '')}-manylinux_2_{glibc}_{machine}"
    platforms = [f"manylinux_2_{minor}_{machine}" for minor in range(17, glibc + 1)]
    platforms.append(f"manylinux2014_{machine}")
    done = subprocess.run(
        [
            *(sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check"),
            *("--only-binary=:all:", "--python-version", version, "--implementation", "cp"),
            *(arg for platform in platforms for arg in ("--platform", platform)),
            *("--dest", str(dest), *requirements()),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, f"pip download failed:\n{done.stderr[-2000:]}"
    return dest


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the wheelhouse to pip in the build without a log line per request."""

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture(scope="module")
def image(engine: Engine) -> Iterator[str]:
    """The repository's Dockerfile built (context: the repository, through its .dockerignore)."""
    base = pinned_base()
    tagged = engine.docker("image", "inspect", base, check=False).returncode != 0
    if tagged:
        engine.docker("tag", STAND_IN, base)
    handler = functools.partial(QuietHandler, directory=str(download_wheelhouse(engine, base)))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        engine.build(
            REPO,
            tag=TAG,
            build_args={"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": f"http://127.0.0.1:{server.server_port}/"},
            timeout=900,
        )
        yield TAG
    finally:
        server.shutdown()
        server.server_close()
        engine.remove_images(TAG, *([base] if tagged else []))
        engine.prune()


def docker_run(engine: Engine, *args: str, stdin: str | None = None) -> Run:
    """``docker run --rm [-i] ARGS`` on the engine, stdin fed when given."""
    interactive = ["-i"] if stdin is not None else []
    done = subprocess.run(
        [DOCKER, "run", "--rm", *interactive, *args],
        input=stdin,
        env=engine.env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return Run(done.returncode, done.stdout, done.stderr)


def host_cli(args: Sequence[str], cwd: Path, stdin: str | None = None) -> Run:
    """The same lint with the host's installed ``dflint``, nothing of the host's configuration:
    a bare environment (no HADOLINT_*/DFLINT_* variables, HOME in ``cwd``), as in a container."""
    env = {"PATH": os.environ["PATH"], "HOME": str(cwd), "LANG": "C.UTF-8"}
    dflint = Path(sys.executable).with_name("dflint")
    done = subprocess.run(
        [str(dflint), *args], input=stdin, cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    return Run(done.returncode, done.stdout, done.stderr)


@pytest.mark.parametrize("dockerfile", WITH_FINDINGS + CLEAN, ids=lambda p: p.relative_to(REPO).as_posix())
def test_stdin_lint_matches_the_cli(engine: Engine, image: str, dockerfile: Path, tmp_path: Path) -> None:
    """``docker run --rm -i IMAGE < Dockerfile``: the host CLI's report and exit code, byte for byte."""
    text = dockerfile.read_text(encoding="utf-8")
    in_image = docker_run(engine, image, stdin=text)
    on_host = host_cli(["-"], tmp_path, stdin=text)
    assert in_image == on_host
    if dockerfile in CLEAN:
        assert in_image.code == 0
        assert in_image.stdout.startswith("No problems found"), in_image.stdout
    else:
        assert in_image.code == 1
        assert re.search(r"^Found \d+ problems? ", in_image.stdout, re.MULTILINE), in_image.stdout


def test_mounted_files_and_their_configuration(engine: Engine, image: str, tmp_path: Path) -> None:
    """``docker run --rm -v "$PWD:/work" IMAGE dflint FILE...``: files read as uid 10001, the
    ``.hadolint.yaml`` in /work applied (DL3042 ignored), JSON paths relative to /work."""
    work = tmp_path / "work"
    work.mkdir()
    for source in (*WITH_FINDINGS, *CLEAN):
        (work / f"{source.parent.name}-{source.name}").write_bytes(source.read_bytes())
    (work / ".hadolint.yaml").write_text("ignored:\n  - DL3042\n", encoding="utf-8")
    work.chmod(0o755)  # pytest's own folders are 0700; a checkout is world-readable
    names = sorted(p.name for p in work.glob("*Dockerfile"))
    args = ["-f", "json", *names]
    in_image = docker_run(engine, "-v", f"{work}:/work:ro", image, "dflint", *args)
    on_host = host_cli(args, work)
    assert in_image == on_host
    assert in_image.code == 1
    assert '"DL3008"' in in_image.stdout or '"DF001"' in in_image.stdout
    assert '"DL3042"' not in in_image.stdout
    missing = docker_run(engine, image, "dflint", "no-such-Dockerfile")
    assert missing.code == host_cli(["no-such-Dockerfile"], work).code == 2


def test_fix_as_the_files_owner(engine: Engine, image: str, tmp_path: Path) -> None:
    """``docker run --rm -u "$(id -u):$(id -g)" -v "$PWD:/work" IMAGE dflint --fix FILE`` (the
    documented way; uid 10001 may not write the user's files) repairs the file as the host CLI does."""
    source = WITH_FINDINGS[0]
    work, expected = tmp_path / "work", tmp_path / "expected"
    for folder in (work, expected):
        folder.mkdir()
        (folder / "Dockerfile").write_bytes(source.read_bytes())
    for path in (work, work / "Dockerfile"):
        os.chown(path, OTHER_UID, OTHER_UID)
    owner = f"{OTHER_UID}:{OTHER_UID}"
    in_image = docker_run(engine, "-u", owner, "-v", f"{work}:/work", image, "dflint", "--fix", "Dockerfile")
    on_host = host_cli(["--fix", "Dockerfile"], expected)
    assert in_image == on_host
    fixed = (work / "Dockerfile").read_text(encoding="utf-8")
    assert fixed == (expected / "Dockerfile").read_text(encoding="utf-8")
    assert fixed != source.read_text(encoding="utf-8")


def test_runs_unprivileged(engine: Engine, image: str) -> None:
    """The image's user is 10001, and any other uid (pre-commit's docker hooks pass the host
    user's with ``-u``) can run dflint but not change it."""
    user = engine.docker("image", "inspect", "--format", "{{.Config.User}}", image).stdout.strip()
    assert user == f"{UID}:{UID}"
    assert docker_run(engine, image, "id", "-u").stdout.strip() == UID
    text = WITH_FINDINGS[0].read_text(encoding="utf-8")
    default = docker_run(engine, image, stdin=text)
    other = docker_run(engine, "-u", f"{OTHER_UID}:{OTHER_UID}", image, stdin=text)
    assert other == default
    assert other.code == 1
    write = docker_run(engine, image, "sh", "-c", "touch /opt/dflint/x")
    assert write.code != 0 and "Permission denied" in write.stderr


def test_bytecode_is_shipped(engine: Engine, image: str) -> None:
    """Every module a lint imports from the virtualenv comes from a shipped .pyc: the user cannot
    write a cache, and compiling on every run made a one-file lint ~3x slower (114 ms against
    36 ms median in the container, measured when the Dockerfile still deleted them)."""
    text = WITH_FINDINGS[0].read_text(encoding="utf-8")
    traced = docker_run(engine, image, "python", "-v", "/opt/dflint/bin/dflint", "-", stdin=text)
    assert traced.code == 1
    loaded = re.findall(r"^# code object from '?(/opt/dflint/\S+?)'?$", traced.stderr, re.MULTILINE)
    assert len(loaded) > 50, traced.stderr[-2000:]
    assert [path for path in loaded if not path.endswith(".pyc")] == []
    timing = (
        'cat > /tmp/f; for i in 1 2 3 4 5 6 7 8 9; do s=$(date +%s%N); dflint - < /tmp/f > /dev/null; '
        'e=$(date +%s%N); echo $(( (e - s) / 1000000 )); done'
    )
    times = sorted(int(t) for t in docker_run(engine, image, "sh", "-c", timing, stdin=text).stdout.split())
    report(f"image: one-file lint inside the container, median of 9: {times[4]} ms")


def test_image_size(engine: Engine, image: str) -> None:
    """dflint adds one layer of its virtualenv (no pip or setuptools left in it) and a user."""
    size = engine.image_size(image)
    added = size - engine.image_size(pinned_base())
    report(
        f"image: {size / 1e6:.1f} MB on the stand-in base; dflint adds {added / 1e6:.1f} MB "
        f"(limit {MAX_ADDED_BYTES / 1e6:.0f} MB)"
    )
    assert 0 < added <= MAX_ADDED_BYTES
    venv = "ls /opt/dflint/bin /opt/dflint/lib/*/site-packages"
    listing = docker_run(engine, image, "sh", "-c", venv).stdout
    installers = re.findall(r"^(?:pip|setuptools|pkg_resources|_distutils_hack)\S*", listing, re.MULTILINE)
    assert installers == []
