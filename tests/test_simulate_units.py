"""Unit tests of the evaluator: context/.dockerignore, sizes against shipped data, baseline,
git modes (--since, --history) and the CLI's JSON shape."""

from __future__ import annotations

import io
import json
import os
import shutil
from pathlib import Path
from types import ModuleType

import pytest
from git_support import git

from dflint.parser import parse_text
from dflint.simulate import DirContext, history, plan, simulate
from dflint.simulate.cli import main
from dflint.simulate.context import dockerignore_spec, git_blob_id
from dflint.simulate.size import APT_LISTS_BYTES, SizeModel

ROOT = Path(__file__).resolve().parent.parent

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "simulate"


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


# -- context ------------------------------------------------------------------------------------
def test_dockerignore_docker_semantics() -> None:
    spec = dockerignore_spec("# c\n*\n!README.md\n/docs\n!docs/keep.md\n**/*.pyc\n./build/\n")
    ignored = [
        p
        for p in ("a.txt", "README.md", "src/x.py", "docs/keep.md", "docs/a", "build/o", "z/y.pyc")
        if spec.match_file(p)
    ]
    assert ignored == ["a.txt", "src/x.py", "docs/a", "build/o", "z/y.pyc"]


def test_unanchored_pattern_matches_only_at_root() -> None:
    spec = dockerignore_spec("*.log\n")
    assert spec.match_file("x.log") and not spec.match_file("sub/x.log")


def test_digest_ignores_mtime_but_not_mode(tmp_path: Path) -> None:
    _write(tmp_path, {"a.sh": "echo\n"})
    first = DirContext(tmp_path).files()["a.sh"]
    os.utime(tmp_path / "a.sh", (1, 1))
    assert DirContext(tmp_path).files()["a.sh"] == first
    os.chmod(tmp_path / "a.sh", 0o755)
    assert DirContext(tmp_path).files()["a.sh"].digest != first.digest
    assert first.digest == "100644:" + git_blob_id(b"echo\n")


def test_select_glob_and_directory(tmp_path: Path) -> None:
    _write(tmp_path, {"src/a.py": "a", "src/b.txt": "b", "req.txt": "r", "req-dev.txt": "d"})
    ctx = DirContext(tmp_path)
    assert [e.path for e in ctx.select("src")] == ["src/a.py", "src/b.txt"]
    assert [e.path for e in ctx.select("req*.txt")] == ["req-dev.txt", "req.txt"]
    assert [e.path for e in ctx.select("./src/", ["*.txt"])] == ["src/a.py"]


# -- sizes --------------------------------------------------------------------------------------
def test_apt_closure_matches_data() -> None:
    model = SizeModel()
    packages = model.apt["packages"]
    base = model.base_packages("debian:trixie-slim")
    size, new, unknown = model.apt_closure(["curl"], recommends=False, have=base)
    assert unknown == [] and "curl" in new and "libcurl4" in new
    assert size == sum(model.apt["file_bytes"][n] for n in new)
    # file_bytes (the .deb's file sizes) never exceed Installed-Size (KiB rounded up per file).
    assert size <= sum(packages[n][0] for n in new) * 1024
    assert not set(new) & base
    assert 1_000_000 < size < 20_000_000  # curl over minbase: a few MB, not the 35 MiB upper bound


def test_apt_python_packages_count_their_install_time_bytecode() -> None:
    """Debian's postinst byte-compiles Python modules: the layer holds the pyc files too."""
    from dflint.simulate.size import _BYTE_COMPILED, PY_BYTECODE_RATIO

    model = SizeModel()
    packages = model.apt["packages"]
    base = model.base_packages("debian:bookworm-slim")
    size, new, _ = model.apt_closure(["python3"], recommends=False, have=base)
    compiled = [n for n in new if _BYTE_COMPILED.fullmatch(n)]
    assert {"libpython3.11-stdlib", "libpython3.11-minimal", "python3-minimal"} <= set(compiled)
    assert "python3.11-minimal" not in compiled and "libpython3-stdlib" not in compiled
    plain = sum(model.apt["file_bytes"][n] for n in new)
    extra = sum(int(packages[n][0] * 1024 * PY_BYTECODE_RATIO) for n in compiled)
    assert size == plain + extra
    assert 38_000_000 < size < 50_000_000  # measured in a bookworm chroot: 44.8 MB


def test_apt_slim_base_drops_docs_man_pages_and_locales() -> None:
    """debian:*-slim's dpkg excludes: the layer lacks the package's docs, man pages and locales."""
    model = SizeModel()
    assert model.stage_fs("debian:bookworm-slim").excludes == "debian-slim"
    assert model.stage_fs("debian:bookworm").excludes is None
    full = model.apt_package_bytes("wget")
    slim = model.apt_package_bytes("wget", "debian-slim")
    # wget ships ~2.7 MB of translations and a man page: most of its bytes on a full base.
    assert slim < full / 3
    assert slim == full - model.apt["excluded_bytes"]["debian-slim"]["wget"]
    assert model.apt_package_bytes("wget", "no-such-policy") == full


def test_exclude_policies_are_dpkg_filters() -> None:
    """The policies the apt data was built with: last matching filter wins, copyright kept."""
    script = _build_script()
    rules = script.load_policies(ROOT / "dflint" / "simulate" / "data")["debian-slim"]
    assert not script.dpkg_keeps("/usr/share/doc/wget/NEWS.gz", rules)
    assert script.dpkg_keeps("/usr/share/doc/wget/copyright", rules)
    assert not script.dpkg_keeps("/usr/share/locale/de/LC_MESSAGES/wget.mo", rules)
    assert script.dpkg_keeps("/usr/share/locale/locale.alias", rules)
    assert not script.dpkg_keeps("/usr/share/man/man1/wget.1.gz", rules)
    assert script.dpkg_keeps("/usr/bin/wget", rules)


def test_apt_recommends_make_closure_bigger() -> None:
    model = SizeModel()
    base = model.base_packages("debian:trixie-slim")
    small, _, _ = model.apt_closure(["python3-pip"], recommends=False, have=base)
    big, _, _ = model.apt_closure(["python3-pip"], recommends=True, have=base)
    assert big > small


def test_apt_unknown_package_reported() -> None:
    _size, _new, unknown = SizeModel().apt_closure(
        ["no-such-package-xyz"], recommends=False, have=frozenset()
    )
    assert unknown == ["no-such-package-xyz"]


def _build_script() -> ModuleType:
    """scripts/build_apt_sizes.py as a module (it is a script, not a package)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_apt_sizes", ROOT / "scripts" / "build_apt_sizes.py")
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    return script


def test_layer_bytes_count_a_hard_linked_file_once_and_symlinks_as_nothing() -> None:
    """What docker history reports for a layer (measured on dockerd 20.10/vfs): regular files'
    sizes, each inode once; a symlink or a directory adds 0."""
    import tarfile

    script = _build_script()
    regular = tarfile.TarInfo("./usr/bin/bzip2")
    regular.size = 39_224
    link = tarfile.TarInfo("./usr/bin/bunzip2")
    link.type, link.linkname = tarfile.LNKTYPE, "./usr/bin/bzip2"
    sym = tarfile.TarInfo("./usr/bin/bzcat")
    sym.type, sym.linkname = tarfile.SYMTYPE, "bzip2"
    folder = tarfile.TarInfo("./usr/bin")
    folder.type = tarfile.DIRTYPE
    assert [script.layer_size(m) for m in (regular, link, sym, folder)] == [39_224, 0, 0, 0]


def test_dpkg_state_of_a_package_from_its_deb() -> None:
    """status stanza = control + Status line + conffiles + blank line; info = file list (every
    member, excluded paths too) + every control member but control."""
    script = _build_script()
    members = [("/", 0), ("/etc", 0), ("/etc/wgetrc", 4942), ("/usr/share/man/man1/wget.1.gz", 9000)]
    control = {
        "control": b"Package: wget\n",
        "md5sums": b"x" * 100,
        "conffiles": b"/etc/wgetrc\n",
        "triggers": b"activate-noawait ldconfig\n",
    }
    status, info, templates, ldconfig = script.dpkg_state(members, control)
    assert status == len("Package: wget\n") + len("Status: install ok installed\n") + 1 + len(
        "Conffiles:\n /etc/wgetrc 0123456789abcdef0123456789abcdef\n"
    )
    listing = len("/.\n/etc\n/etc/wgetrc\n/usr/share/man/man1/wget.1.gz\n")
    assert info == listing + 100 + len(b"/etc/wgetrc\n") + len(b"activate-noawait ldconfig\n")
    assert (templates, ldconfig) == (0, 1)


def test_bookworm_base_is_the_official_image_package_set() -> None:
    """minbase is repo-info's package list of debian:bookworm(-slim), not a Priority guess:
    mawk (not gawk), tzdata included."""
    model = SizeModel()
    base = model.base_packages("debian:bookworm-slim")
    assert len(base) == 88
    assert {"tzdata", "mawk", "usr-is-merged"} <= base
    assert not {"gawk", "libreadline8", "usrmerge"} & base


def test_apt_install_of_an_outdated_base_package_upgrades_it() -> None:
    """The image snapshot holds tzdata 2026b; the archive the data was built from has a newer
    one, so ``apt-get install tzdata`` unpacks it again instead of "already the newest"."""
    model = SizeModel()
    fs = model.stage_fs("debian:bookworm-slim")
    assert "tzdata" in fs.upgradable
    have = fs.base_packages
    _size, new, _ = model.apt_closure(["tzdata"], False, have, fs.excludes, fs.upgradable)
    assert new == ["tzdata"]
    assert model.apt_closure(["tzdata"], False, have, fs.excludes)[1] == []
    # A dependency already in the base is not upgraded: only named packages are.
    assert "tzdata" not in model.apt_closure(["wget"], False, have, fs.excludes, fs.upgradable)[1]
    # The versions compared are the debian bookworm snapshot's: other images borrowing the
    # package set (ubuntu, trixie) get no upgrades from it.
    for other in ("ubuntu:24.04", "debian:trixie-slim", "eclipse-temurin:21-jre"):
        assert model.stage_fs(other).upgradable == frozenset() and not model.stage_fs(other).forces


def test_apt_install_upgrades_outdated_base_packages_it_needs_or_shares_a_source_with() -> None:
    """perl needs perl-base of its own version; apt 2.6 also upgrades the installed binaries of
    the source it installs from (xz-utils took liblzma5 along on the engine). Only packages the
    image has older than the archive can be concerned."""
    model = SizeModel()
    fs = model.stage_fs("debian:bookworm-slim")
    assert fs.forces["perl"] == ["perl-base"]
    assert "perl-base" in fs.upgradable
    _size, new, _ = model.apt_closure(["git"], False, fs.base_packages, fs.excludes, fs.upgradable, fs.forces)
    assert {"git", "perl", "perl-base"} <= set(new)
    assert new.count("perl-base") == 1
    # Without the forces (another base, no snapshot versions) nothing of the base is unpacked again.
    _size, plain, _ = model.apt_closure(["git"], False, fs.base_packages, fs.excludes)
    assert "perl-base" not in plain and set(plain) < set(new)
    versions = model.apt["image_versions"]["minbase"]
    assert set(versions) == fs.base_packages and versions["tzdata"] == "2026b-0+deb12u1"


def test_dpkg_state_bytes_rewrites_status_and_adds_info_files() -> None:
    from dflint.simulate import size as sizes

    model = SizeModel()
    fs = model.stage_fs("debian:bookworm-slim")
    state = model.apt["dpkg"]
    model.record_install(fs, ["bzip2"])
    status = sum(state[name][0] for name in fs.base_packages | {"bzip2"})
    assert 70_000 < status < 90_000  # /var/lib/dpkg/status of the bookworm image: ~78 KB
    logs = sizes.APT_EIPP_LOG_BYTES + sizes.APT_LOG_BYTES_PER_RUN + sizes.APT_LOG_BYTES_PER_PACKAGE
    assert state["bzip2"][2:] == [0, 0]  # no debconf templates, no ldconfig trigger
    first = model.dpkg_state_bytes(fs, ["bzip2"])
    assert first == 2 * status + state["bzip2"][1] + logs
    # The logs are appended to, so a later install layer holds the earlier runs' lines again.
    model.record_install(fs, ["patch"])
    later = model.dpkg_state_bytes(fs, ["patch"])
    grown = sizes.APT_LOG_BYTES_PER_RUN + sizes.APT_LOG_BYTES_PER_PACKAGE
    assert later == first + 2 * state["patch"][0] - state["bzip2"][1] + state["patch"][1] + grown


def test_pip_closure_flask_from_table() -> None:
    model = SizeModel()
    table = model.pip["packages"]
    size, wheels, unknown = model.pip_closure(["Flask"])
    names = ["flask", "werkzeug", "jinja2", "markupsafe", "itsdangerous", "click", "blinker"]
    assert unknown == []
    assert size == sum(table[n]["installed_bytes"] for n in names)
    assert wheels == sum(table[n]["wheel_bytes"] for n in names)


def test_image_reference_normaliser() -> None:
    from dflint.simulate.images import normalise

    assert normalise("debian").name == "debian" and normalise("debian").tag == "latest"
    for ref in (
        "docker.io/library/debian:bookworm",
        "index.docker.io/debian:bookworm",
        "mirror.gcr.io/debian:bookworm",
        "public.ecr.aws/docker/library/debian:bookworm",
        "library/debian:bookworm",
        "DOCKER.IO/Debian:bookworm",
    ):
        image = normalise(ref)
        assert (image.name, image.tag, image.platform) == ("debian", "bookworm", None), ref
    pinned = normalise("arm64v8/debian:bookworm-slim@sha256:" + "a" * 64)
    assert (pinned.name, pinned.tag, pinned.platform) == ("debian", "bookworm-slim", "linux/arm64/v8")
    assert pinned.digest == "sha256:" + "a" * 64 and pinned.stripped == ("arm64v8/",)
    assert normalise("amd64/buildpack-deps:noble-curl").platform == "linux/amd64"
    assert normalise("debian@sha256:" + "b" * 64).tag == "latest"
    # Other registries keep their name: quay.io/centos/centos is not Docker Hub's centos.
    assert normalise("quay.io/centos/centos:stream9").name == "quay.io/centos/centos"
    assert normalise("localhost:5000/debian:12").name == "localhost:5000/debian"
    assert normalise("mcr.microsoft.com/dotnet/runtime:10.0").name == "mcr.microsoft.com/dotnet/runtime"
    # An org that happens to be named like an architecture with a nested path is not one.
    assert normalise("amd64/tools/debian").name == "amd64/tools/debian"


def test_base_image_normalised_and_family_reasons() -> None:
    model = SizeModel()
    mirror = model.base_image("mirror.gcr.io/busybox", False)
    assert (mirror.size_bytes, mirror.confidence) == (4_450_000, "data")
    other_arch = model.base_image("arm64v8/debian:bookworm-slim", False)
    assert other_arch.confidence == "heuristic" and "linux/arm64/v8" in other_arch.note
    amd64 = model.base_image("amd64/debian:bookworm-slim@sha256:" + "c" * 64, False)
    assert (amd64.size_bytes, amd64.confidence) == (74_830_000, "data")
    family = model.base_image("oraclelinux:10-slim", False)
    assert (family.size_bytes, family.confidence) == (114_130_000, "heuristic")
    assert "same variant as oraclelinux:9-slim" in family.note
    aliased = model.base_image("ghcr.io/oracle/oraclelinux:9", False)
    assert aliased.confidence == "heuristic" and "Oracle" in aliased.note
    # The JDK figure does not stand in for a JRE tag (its own entry) or for a JDK on Alpine.
    jdk = model.base_image("eclipse-temurin:17-jdk-jammy", False)
    assert (jdk.size_bytes, jdk.confidence) == (448_570_000, "heuristic")
    assert model.base_image("eclipse-temurin:21-jre", False).size_bytes == 287_540_000
    assert model.base_image("quay.io/centos/centos:stream9", False).size_bytes is None


def test_base_image_exact_family_unknown() -> None:
    model = SizeModel()
    exact = model.base_image("python:3.12-slim", False)
    assert (exact.size_bytes, exact.confidence) == (119_200_000, "data")
    family = model.base_image("python:3.9-slim", False)
    assert (family.size_bytes, family.confidence) == (119_200_000, "heuristic")
    assert model.base_image("nginx:alpine", False).confidence == "data"
    # alpine-slim lacks the modules the alpine figure holds: no family match, no guess.
    assert model.base_image("nginx:1.26.3-alpine-slim", False).confidence == "unknown"
    assert model.base_image("nginx:1.26.3-alpine-slim", False).size_bytes is None
    chiseled = "mcr.microsoft.com/dotnet/runtime-deps:8.0-jammy-chiseled"
    assert model.base_image(chiseled, False).size_bytes is None
    assert model.base_image("ruby:3.4", False).size_bytes is None
    assert model.base_image("example.com/own/image:1", False).size_bytes is None
    assert model.base_image("scratch", True).size_bytes == 0


def _layers(
    text: str, tmp_path: Path, files: dict[str, str] | None = None
) -> list[tuple[int, int | None, str]]:
    _write(tmp_path, files or {})
    _g, stages = plan(parse_text(text), DirContext(tmp_path))
    return [(x.line, x.size_bytes, x.confidence) for x in stages[-1].layers]


def test_apt_lists_cleanup_modelled(tmp_path: Path) -> None:
    kept = _layers(
        "FROM debian:trixie-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl\n",
        tmp_path,
    )
    cleaned = _layers(
        "FROM debian:trixie-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl"
        " && rm -rf /var/lib/apt/lists/*\n",
        tmp_path,
    )
    assert kept[1][1] is not None and cleaned[1][1] is not None
    assert kept[1][1] - cleaned[1][1] == APT_LISTS_BYTES


def test_pip_cache_and_requirements(tmp_path: Path) -> None:
    files = {"requirements.txt": "requests==2.34.2  # pinned\n"}
    text = "FROM python:3.12-slim\nCOPY requirements.txt .\nRUN pip install {} -r requirements.txt\n"
    table = SizeModel().pip["packages"]
    installed = sum(
        table[n]["installed_bytes"] for n in ("requests", "certifi", "charset-normalizer", "idna", "urllib3")
    )
    wheels = sum(
        table[n]["wheel_bytes"] for n in ("requests", "certifi", "charset-normalizer", "idna", "urllib3")
    )
    assert _layers(text.format("--no-cache-dir"), tmp_path, files)[2][1:] == (installed, "data")
    assert _layers(text.format(""), tmp_path, files)[2][1] == installed + wheels


def test_copy_measured_and_from_stage(tmp_path: Path) -> None:
    files = {"app/a.bin": "x" * 1000, "app/b.bin": "y" * 500, "other": "z"}
    text = "FROM alpine:3.22 AS b\nCOPY app /src/app\nRUN make\nFROM scratch\nCOPY --from=b /src/app /app\n"
    rows = _layers(text, tmp_path, files)
    assert rows == [(4, 0, "measured"), (5, 1500, "measured")]


def test_later_removal_still_counts(tmp_path: Path) -> None:
    rows = _layers("FROM alpine:3.22\nCOPY big /big\nRUN rm -f /big\n", tmp_path, {"big": "b" * 4096})
    assert rows[1][1] == 4096 and rows[2][1] == 0


def test_remote_add_is_volatile_unless_pinned(tmp_path: Path) -> None:
    _g, stages = plan(
        parse_text(
            "FROM alpine:3.22\nADD https://example.com/a.tgz /a\n"
            "ADD --checksum=sha256:" + "0" * 64 + " https://example.com/b.tgz /b\n"
            "ADD https://github.com/o/r.git#v1 /r\n"
            "ADD https://github.com/o/r.git#" + "a" * 40 + " /s\n"
        ),
        DirContext(tmp_path),
    )
    assert [x.volatile is not None for x in stages[0].layers[1:]] == [True, False, True, False]


# -- CLI, baseline, git -------------------------------------------------------------------------
def test_cli_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    ctx = FIX / "multistage" / "context"
    assert main([str(ctx), "--changed", str(ctx / "src" / "main.go"), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) >= {"target", "stages", "total_size_bytes", "confidence"}
    assert [(s["name"], s["built"]) for s in data["stages"]] == [
        ("builder", True),
        ("assets", True),
        (None, True),
    ]
    layer = data["stages"][0]["layers"][5]
    assert {k: layer[k] for k in ("line", "cache", "confidence")} == {
        "line": 6,
        "cache": "miss",
        "confidence": "unknown",
    }
    assert set(layer) >= {"line", "instruction", "cache", "reason", "size_bytes", "confidence"}


def test_cli_tty_and_errors(tmp_path: Path) -> None:
    ctx = FIX / "seed_000_flask" / "context"
    out = tmp_path / "out.txt"
    assert main([str(ctx), "--changed", str(ctx / "app.py"), "-o", str(out)]) == 0
    text = out.read_text()
    assert "First miss in stage 0: line 3 - file changed: app.py" in text
    assert "Win: stage 0: moving `COPY . .` (line 3)" in text
    assert main([str(ctx), "--target", "nope"]) == 2
    assert main([str(tmp_path / "missing")]) == 2


def test_record_and_baseline(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ctx = tmp_path / "ctx"
    shutil.copytree(FIX / "seed_003_python_slim" / "context", ctx)
    record = tmp_path / "keys.json"
    assert main([str(ctx), "--record", str(record), "--format", "json"]) == 0
    capsys.readouterr()
    (ctx / "requirements.txt").write_text("Flask\nrequests\n")
    assert main([str(ctx), "--baseline", str(record), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    rows = [(x["line"], x["cache"]) for x in data["stages"][0]["layers"]]
    assert rows == [(2, "hit"), (5, "hit"), (8, "miss"), (9, "miss"), (12, "miss")]
    assert data["stages"][0]["layers"][2]["reason"] == "file changed: requirements.txt"
    (tmp_path / "bad.json").write_text("{}")
    assert main([str(ctx), "--baseline", str(tmp_path / "bad.json")]) == 2


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(FIX / "seed_003_python_slim" / "context", root)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-qm", "c0")
    for n in range(3):
        (root / "app.py").write_text(f"print({n})\n")
        git(root, "commit", "-qam", f"app {n}")
    (root / "requirements.txt").write_text("Flask\nrequests\n")
    git(root, "commit", "-qam", "deps")
    return root


def test_since_git_ref(repo: Path) -> None:
    (repo / "new.txt").write_text("untracked")
    sim = simulate(str(repo / "Dockerfile"), str(repo), since="HEAD~1")
    first = sim.stages[0].first_miss()
    assert first is not None and (first.line, first.reason) == (8, "file changed: requirements.txt")
    sim = simulate(str(repo / "Dockerfile"), str(repo), since="HEAD")
    assert sim.stages[0].first_miss() is None


def test_history_counts(repo: Path) -> None:
    rows = history(str(repo / "Dockerfile"), str(repo), 4)
    got = {r.line: (r.hits, r.builds) for r in rows}
    assert got == {2: (4, 4), 5: (4, 4), 8: (3, 4), 9: (3, 4), 12: (0, 4)}
    buf = io.StringIO()
    from dflint.simulate.report import render_history

    render_history(rows, buf, "json")
    assert json.loads(buf.getvalue())["layers"][4]["hit_rate"] == 0.0
