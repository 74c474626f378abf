"""Size estimates per layer, each with how it was obtained.

Why confidence on every figure: an estimate nobody can weigh is worse than none. ``measured``
means bytes read from the build context; ``data`` a shipped figure with its source (base image
snapshot, Debian ``Installed-Size`` closure, measured wheel installs); ``heuristic`` a
documented rule of thumb; ``unknown`` that dflint does not pretend to know (the figure is null).

What is modelled (dive's view of a layer: every byte written, even if a later layer deletes it):

* apt-get install: the dependency closure (Depends + Pre-Depends, plus Recommends unless
  ``--no-install-recommends``) minus the base image's packages and what earlier layers of the
  stage installed, plus the outdated base packages it names or drags along; per package the
  bytes of its files (minus what the base's dpkg excludes drop), plus the bytecode Debian
  compiles at install time for Python packages (:data:`PY_BYTECODE_RATIO`), plus the dpkg/apt
  state the install rewrites (:meth:`SizeModel.dpkg_state_bytes`); ``apt-get update`` adds the
  package lists unless the same RUN removes ``/var/lib/apt/lists`` (or they sit on a cache mount).
* pip install: the shipped table of measured installs with their dependencies; ``-r file`` is
  read from the context; unknown names are a heuristic; the wheel cache is counted unless
  ``--no-cache-dir`` (or a cache mount on it).
* apk add / npm: heuristics (see :data:`APK_PACKAGE_BYTES`, :data:`NPM_DEPENDENCY_BYTES`).
"""

from __future__ import annotations

import io
import json
import posixpath
import re
import tarfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any, cast

from dflint.simulate.images import normalise
from dflint.simulate.layers import Confidence, Layer, weakest

if TYPE_CHECKING:
    from dflint.simulate.context import BuildContext
    from dflint.simulate.graph import BuildGraph
    from dflint.tree import Run

__all__ = [
    "APK_INDEX_BYTES",
    "APK_PACKAGE_BYTES",
    "APT_LISTS_BYTES",
    "NPM_DEPENDENCY_BYTES",
    "PIP_UNKNOWN_BYTES",
    "Estimate",
    "SizeModel",
    "StageFs",
]

MIB = 1024 * 1024
#: /var/lib/apt/lists after `apt-get update` on Debian bookworm (main, updates, security; amd64),
#: measured on the machine that built the apt data (lz4-compressed indexes).
APT_LISTS_BYTES = 19 * MIB
#: apk: no package data is shipped; a typical Alpine main/community package is ~1-2 MiB installed.
APK_PACKAGE_BYTES = 2 * MIB
#: apk index cache left in /var/cache/apk without --no-cache (main + community APKINDEX).
APK_INDEX_BYTES = 2 * MIB
#: npm: per direct dependency in package.json, transitive tree amortised.
NPM_DEPENDENCY_BYTES = 3 * MIB
#: Debian byte-compiles Python modules in the postinst (py3compile / dh_python3), so the
#: ``__pycache__`` files are in the layer but not in ``Installed-Size``. Measured on bookworm
#: (pyc bytes / Installed-Size bytes): libpython3.11-minimal 0.91, libpython3.11-stdlib 0.79,
#: python3-pip 1.04, python3-setuptools 1.16, python3-requests 0.93, python3-yaml 0.55,
#: python3-numpy 0.49; the median of 19 packages is 0.86.
PY_BYTECODE_RATIO = 0.85
_BYTE_COMPILED = re.compile(r"python3-.+|libpython3\.\d+-(minimal|stdlib)")
#: What an install layer holds besides the packages' files: dpkg's and apt's own state. Read from
#: a ``docker save`` of install layers on the engine (bookworm-slim stand-in, dockerd 20.10):
#: /var/lib/dpkg/status and status-old, whole (each package's stanza: ``dpkg`` in the apt data);
#: each new package's /var/lib/dpkg/info files (``dpkg`` too); and the logs. The official images
#: ship no logs, but apt and dpkg append to theirs, so each install layer holds them whole again:
#: /var/log/dpkg.log, apt/term.log and apt/history.log grow by ~690 B per install run, ~890 B per
#: package installed and ~550 B per run that ran the ldconfig trigger (fitted on four layers of
#: one to three runs, within 50 B); /var/log/apt/eipp.log.xz (~4.5 KB) is rewritten each time.
APT_EIPP_LOG_BYTES = 4_500
APT_LOG_BYTES_PER_RUN = 690
APT_LOG_BYTES_PER_PACKAGE = 890
APT_LOG_BYTES_PER_TRIGGER_RUN = 550
#: Fallback stanza size for a package the dpkg data lacks (the mean over the bookworm image).
DPKG_STATUS_BYTES_PER_PACKAGE = 890
#: A package that triggers ldconfig makes it rewrite /etc/ld.so.cache and
#: /var/cache/ldconfig/aux-cache (~4.6 KB each on the bookworm images).
LDCONFIG_BYTES = 9_200
#: A package with debconf templates makes debconf rewrite /var/cache/debconf/templates.dat and
#: config.dat and keep the old copies (-old). templates.dat holds every installed package's
#: templates: on the bookworm image 753,157 B for 736,556 B of templates files (ratio 1.0225);
#: config.dat was 4,401 B.
DEBCONF_DB_RATIO = 1.0225
DEBCONF_CONFIG_BYTES = 4_401
#: pip: a package missing from the shipped table.
PIP_UNKNOWN_BYTES = 2 * MIB
#: pip wheel cache relative to the installed size (wheels are zip-compressed).
PIP_CACHE_RATIO = 0.35
_TINY_COMMANDS = frozenset(
    {
        "mkdir",
        "useradd",
        "adduser",
        "groupadd",
        "addgroup",
        "usermod",
        "chmod",
        "chown",
        "ln",
        "echo",
        "touch",
        "rm",
        "sed",
        "true",
        "set",
        "cd",
        "export",
        "printf",
        "test",
        "[",
        "update-ca-certificates",
        "ldconfig",
        "locale-gen",
        "id",
        "whoami",
        "ls",
        "cat",
        "env",
    }
)


@dataclass(frozen=True)
class Estimate:
    size_bytes: int | None
    confidence: Confidence
    note: str = ""


@dataclass(frozen=True)
class ImageMatch:
    """A base-image table entry found for a reference; ``reasons`` say why it is not exact."""

    entry: dict[str, Any]
    exact: bool
    reasons: list[str] = field(default_factory=list)


@cache
def _load(name: str) -> dict[str, Any]:
    try:
        text = resources.files("dflint.simulate.data").joinpath(name).read_text("utf-8")
    except (OSError, ModuleNotFoundError):
        return {}
    return cast(dict[str, Any], json.loads(text))


@dataclass
class StageFs:
    """What a stage's filesystem is known to hold: apt packages and files copied from the context."""

    base_packages: frozenset[str] = frozenset()
    #: The base's dpkg exclude policy (``debian-slim``...): files dpkg never unpacks there.
    excludes: str | None = None
    #: Base packages the archive has in a newer version: ``apt-get install`` of one upgrades it.
    upgradable: frozenset[str] = frozenset()
    #: package -> base packages it needs newer than the base has (``perl`` -> ``perl-base``).
    forces: Mapping[str, list[str]] = field(default_factory=dict)
    installed: set[str] = field(default_factory=set)
    #: apt install runs so far in the stage, and how many ran the ldconfig trigger (their log
    #: lines stay in every later install layer).
    apt_runs: int = 0
    trigger_runs: int = 0
    #: absolute path in the image -> bytes, for files COPY'd from the context.
    copies: dict[str, int] = field(default_factory=dict)
    #: absolute path in the image -> path in the context.
    origins: dict[str, str] = field(default_factory=dict)

    def child(self) -> StageFs:
        return StageFs(
            self.base_packages,
            self.excludes,
            self.upgradable,
            self.forces,
            set(self.installed),
            self.apt_runs,
            self.trigger_runs,
            dict(self.copies),
            dict(self.origins),
        )

    def record_copy(self, dest: str, source: str, path: str, size: int) -> None:
        if source != "." and path == source:
            target = dest + posixpath.basename(path) if dest.endswith("/") else dest
        else:
            rel = path if source == "." else path[len(source) + 1 :]
            target = posixpath.join(dest, rel)
        target = posixpath.normpath(target)
        self.copies[target] = size
        self.origins[target] = path

    def copied_size(self, sources: list[str]) -> int | None:
        total, found = 0, False
        for src in sources:
            src = posixpath.normpath(src)
            for path, size in self.copies.items():
                if path == src or path.startswith(src.rstrip("/") + "/"):
                    total += size
                    found = True
        return total if found else None

    def context_path(self, cwd: str, path: str) -> str | None:
        """The context file that was copied to ``path`` (relative to ``cwd``) in this stage."""
        full = posixpath.normpath(posixpath.join(cwd, path))
        return self.origins.get(full)


class SizeModel:
    """Loads the shipped data once and answers size questions."""

    def __init__(self, suite: str = "bookworm") -> None:
        self.images: dict[str, Any] = _load("images.json")
        self.apt: dict[str, Any] = _load(f"apt-{suite}.json")
        self.pip: dict[str, Any] = _load("pip.json")

    # -- base images -------------------------------------------------------------------------
    def image_entry(self, ref: str) -> tuple[dict[str, Any] | None, bool]:
        """The data entry for an image reference and whether it is an exact tag match."""
        match = self.image_match(ref)
        return (match.entry, match.exact) if match else (None, False)

    def image_match(self, ref: str) -> ImageMatch | None:
        """The entry for ``ref`` after normalisation, with why it is only a family match."""
        if not ref:
            return None
        image = normalise(ref)
        reasons: list[str] = []
        name = image.name
        alias = self.images.get("image_aliases", {}).get(name)
        if alias:
            name = alias["image"]
            reasons.append(f"{image.name} is {name}: {alias['reason']}")
        if image.platform and image.platform != "linux/amd64":
            reasons.append(f"figure is linux/amd64, {image.platform} differs")
        entries = [e for e in self.images.get("images", []) if e.get("image") == name]
        for entry in entries:
            if image.tag == entry.get("tag") or image.tag in entry.get("aliases", []):
                return ImageMatch(entry, not reasons, reasons)
        for entry in entries:
            pattern = entry.get("family")
            if pattern and re.fullmatch(pattern, image.tag):
                why = f"same variant as {name}:{entry['tag']} (tag {image.tag} is not in the data"
                why += f"; {entry['family_reason']})" if entry.get("family_reason") else ")"
                return ImageMatch(entry, False, [why, *reasons])
        return None

    def base_image(self, ref: str, scratch: bool) -> Estimate:
        if scratch:
            return Estimate(0, "measured", "scratch")
        match = self.image_match(ref)
        if match is None or match.entry.get("uncompressed_bytes") is None:
            return Estimate(None, "unknown", f"no trustworthy size for {ref or 'this image'}")
        entry = match.entry
        note = f"{entry['image']}:{entry['tag']}: {entry.get('source', '')}"
        size = int(entry["uncompressed_bytes"])
        if match.exact:
            return Estimate(size, cast(Confidence, entry.get("confidence", "data")), note)
        return Estimate(size, "heuristic", "; ".join([*match.reasons, note]))

    def base_set(self, ref: str) -> str | None:
        """The apt data's package set an image starts with (``minbase``...), if known."""
        entry, _ = self.image_entry(ref)
        set_name = entry.get("apt_base") if entry else None
        if not set_name:
            name = normalise(ref).name if ref else ""
            set_name = "minbase" if name in ("debian", "ubuntu") else None
        return cast("str | None", set_name)

    def base_packages(self, ref: str) -> frozenset[str]:
        set_name = self.base_set(ref)
        return frozenset(self.apt.get("sets", {}).get(set_name, [])) if set_name else frozenset()

    def stage_fs(self, ref: str) -> StageFs:
        """What a stage built on ``ref`` starts with: its apt packages, the ones the archive has
        newer, and its dpkg excludes."""
        entry, _ = self.image_entry(ref)
        # Only an image whose versions the apt data compared (``apt_snapshot``: the debian
        # bookworm images) has known outdated packages; for the others the set is approximate.
        snapshot = (entry or {}).get("apt_snapshot") or ""
        return StageFs(
            self.base_packages(ref),
            excludes=(entry or {}).get("dpkg_excludes"),
            upgradable=frozenset(self.apt.get("upgrades", {}).get(snapshot, [])),
            forces=self.apt.get("forces", {}).get(snapshot, {}),
        )

    # -- archives ----------------------------------------------------------------------------
    @staticmethod
    def archive_size(ctx: BuildContext, path: str, size: int) -> int:
        """ADD auto-extracts local tar archives: the layer holds the extracted bytes."""
        if not re.search(r"\.(tar|tgz|tar\.gz|tar\.bz2|tbz2|tar\.xz|txz)$", path):
            return size
        data = ctx.read(path)
        if data is None:
            return size
        try:
            with tarfile.open(fileobj=io.BytesIO(data)) as tar:
                return sum(m.size for m in tar.getmembers() if m.isfile())
        except (tarfile.TarError, OSError, EOFError):
            return size

    # -- apt ---------------------------------------------------------------------------------
    def apt_closure(
        self,
        names: list[str],
        recommends: bool,
        have: set[str] | frozenset[str],
        excludes: str | None = None,
        upgradable: set[str] | frozenset[str] = frozenset(),
        forces: Mapping[str, list[str]] | None = None,
    ) -> tuple[int, list[str], list[str]]:
        """Bytes, new packages and unknown names for ``apt-get install names``.

        ``excludes`` is the base's dpkg exclude policy: the bytes of files dpkg drops there
        (docs, man pages, locales on slim images) are not in the layer. A package in
        ``upgradable`` (installed, older than the archive's) is unpacked again, whole, when the
        command line names it or a new package needs its newer version (``forces``: ``perl``
        needs ``perl-base`` of its own version); apt leaves it alone otherwise.
        """
        packages: dict[str, list[Any]] = self.apt.get("packages", {})
        todo = [n.split("=")[0].split("/")[0].removesuffix(":amd64") for n in names]
        requested = set(todo)
        seen: set[str] = set(have) - (requested & set(upgradable))
        new: list[str] = []
        unknown: list[str] = []
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            record = packages.get(name)
            if record is None:
                if name in requested:
                    unknown.append(name)
                continue
            new.append(name)
            for dep in (forces or {}).get(name, ()):
                if dep in upgradable and dep not in new:
                    new.append(dep)
                    seen.add(dep)
            todo.extend(record[1])
            if recommends and len(record) > 2:
                todo.extend(record[2])
        return sum(self.apt_package_bytes(name, excludes) for name in new), new, unknown

    def apt_package_bytes(self, name: str, excludes: str | None = None) -> int:
        """What installing one package writes: its files (minus the excluded ones), plus bytecode.

        ``file_bytes`` (sizes of the files in the .deb) is what a layer stores; ``Installed-Size``
        (KiB, rounded up per file) is the fallback for packages the contents data lacks.
        """
        installed = int(self.apt["packages"][name][0]) * 1024
        size = int(self.apt.get("file_bytes", {}).get(name, installed))
        if excludes:
            size -= int(self.apt.get("excluded_bytes", {}).get(excludes, {}).get(name, 0))
        if _BYTE_COMPILED.fullmatch(name):
            size += int(installed * PY_BYTECODE_RATIO)
        return size

    def dpkg_state_bytes(self, fs: StageFs, new: list[str]) -> int:
        """dpkg/apt state an install layer rewrites, after ``new`` joined ``fs.installed`` (and
        the run was counted in ``fs.apt_runs``/``fs.trigger_runs``).

        status and status-old (every installed package's stanza), the new packages' info
        files, the logs so far, and ld.so.cache / debconf's databases when a new package
        triggers them (see :data:`APT_LOG_BYTES_PER_RUN`, :data:`LDCONFIG_BYTES`,
        :data:`DEBCONF_DB_RATIO`).
        """
        state: dict[str, list[int]] = self.apt.get("dpkg", {})
        unknown = [0, 0, 0, 0]

        def stanza(name: str) -> int:
            return state[name][0] if name in state else DPKG_STATUS_BYTES_PER_PACKAGE

        status = sum(stanza(name) for name in fs.base_packages | fs.installed)
        info = [state.get(name, unknown) for name in new]
        logs = (
            APT_EIPP_LOG_BYTES
            + APT_LOG_BYTES_PER_RUN * fs.apt_runs
            + APT_LOG_BYTES_PER_PACKAGE * len(fs.installed)
            + APT_LOG_BYTES_PER_TRIGGER_RUN * fs.trigger_runs
        )
        size = 2 * status + sum(i[1] for i in info) + logs
        if any(i[3] for i in info):
            size += LDCONFIG_BYTES
        if any(i[2] for i in info):
            templates = sum(state.get(name, unknown)[2] for name in fs.base_packages | fs.installed)
            size += 2 * (int(DEBCONF_DB_RATIO * templates) + DEBCONF_CONFIG_BYTES)
        return size

    def record_install(self, fs: StageFs, new: list[str]) -> None:
        """Count one install run that added ``new`` to the stage (for the logs it leaves)."""
        state: dict[str, list[int]] = self.apt.get("dpkg", {})
        fs.installed.update(new)
        fs.apt_runs += 1
        if any(state.get(name, [0, 0, 0, 0])[3] for name in new):
            fs.trigger_runs += 1

    # -- pip ---------------------------------------------------------------------------------
    def pip_closure(self, names: list[str]) -> tuple[int, int, list[str]]:
        """Installed bytes, wheel bytes and unknown names for ``pip install names`` (with deps)."""
        table: dict[str, Any] = self.pip.get("packages", {})
        seen: set[str] = set()
        size = wheels = 0
        unknown: list[str] = []
        todo = [_pep503(n) for n in names]
        while todo:
            name = todo.pop()
            if not name or name in seen:
                continue
            seen.add(name)
            record = table.get(name)
            if record is None:
                unknown.append(name)
                continue
            size += int(record["installed_bytes"])
            wheels += int(record.get("wheel_bytes", 0))
            todo.extend(_pep503(d) for d in record.get("deps", []))
        return size, wheels, unknown

    # -- RUN ---------------------------------------------------------------------------------
    def run_layer(self, graph: BuildGraph, ins: Run, layer: Layer, fs: StageFs, ctx: BuildContext) -> None:
        """Fill ``layer``'s size fields for a RUN (package managers, caches, cleanup)."""
        from dflint.shell import analyse_instruction
        from dflint.shell.packages import ApkCommand, AptCommand, NodeCommand, PipCommand, package_command

        script = analyse_instruction(ins, graph.model)
        if script is None:
            layer.size_bytes, layer.confidence, layer.size_note = None, "unknown", "not a POSIX shell script"
            return
        cache_targets = [m.target or "" for m in ins.mounts if m.type in ("cache", "tmpfs")]
        cwd = _cwd(layer)
        text = script.script
        cleans_lists = bool(re.search(r"rm\s+(-\w+\s+)*/var/lib/apt/lists", text)) or _mounted(
            cache_targets, "/var/lib/apt/lists"
        )
        total = 0
        wasted = 0
        confidences: list[Confidence] = []
        notes: list[str] = []
        unmodelled: list[str] = []
        for cmd in script.commands:
            pc = package_command(cmd)
            if isinstance(pc, AptCommand):
                if pc.subcommand == "update" and not cleans_lists:
                    total += APT_LISTS_BYTES
                    wasted += APT_LISTS_BYTES
                    confidences.append("heuristic")
                    notes.append("apt lists kept (~19 MiB)")
                elif pc.subcommand in ("install", "reinstall") and pc.packages:
                    names = [p.name for p in pc.packages if p.kind == "name"]
                    have = fs.base_packages | fs.installed
                    size, new, unknown = self.apt_closure(
                        names,
                        not pc.no_install_recommends,
                        have,
                        fs.excludes,
                        fs.upgradable - fs.installed,
                        fs.forces,
                    )
                    if new:
                        self.record_install(fs, new)
                        total += size + self.dpkg_state_bytes(fs, new)
                    if not self.apt:
                        confidences.append("unknown")
                        notes.append("no apt data shipped")
                    else:
                        confidences.append("data" if fs.base_packages else "heuristic")
                        notes.append(f"apt: {len(new)} new packages")
                    if unknown:
                        confidences.append("unknown")
                        notes.append("apt: unknown " + ", ".join(sorted(unknown)[:5]))
                    if any(p.kind == "dynamic" for p in pc.packages):
                        confidences.append("unknown")
                continue
            if isinstance(pc, PipCommand):
                if not pc.is_install:
                    continue
                names = [p.name for p in pc.packages if p.kind == "name"]
                for req in pc.requirement_files:
                    names.extend(self._requirements(ctx, fs, cwd, req, notes))
                size, wheels, unknown = self.pip_closure(names)
                size += PIP_UNKNOWN_BYTES * len(unknown)
                total += size
                confidences.append("heuristic" if unknown else "data")
                notes.append(
                    f"pip: {len(names)} requested"
                    + (f", unknown {', '.join(unknown[:5])}" if unknown else "")
                )
                if not pc.no_cache_dir and not _mounted(cache_targets, "/root/.cache/pip"):
                    cached = wheels + int(PIP_CACHE_RATIO * PIP_UNKNOWN_BYTES * len(unknown))
                    total += cached
                    wasted += cached
                    notes.append("pip cache kept")
                continue
            if isinstance(pc, ApkCommand):
                if pc.subcommand == "add":
                    count = sum(1 for p in pc.packages if p.kind in ("name", "dynamic"))
                    total += APK_PACKAGE_BYTES * count
                    confidences.append("heuristic")
                    notes.append(f"apk: {count} packages x 2 MiB")
                    if not pc.no_cache and not _mounted(cache_targets, "/var/cache/apk"):
                        total += APK_INDEX_BYTES
                        wasted += APK_INDEX_BYTES
                elif pc.subcommand == "update" and not pc.no_cache:
                    total += APK_INDEX_BYTES
                    wasted += APK_INDEX_BYTES
                    confidences.append("heuristic")
                continue
            if isinstance(pc, NodeCommand):
                if pc.subcommand in ("install", "ci", "i", "add", None):
                    deps = self._npm_dependencies(ctx, fs, cwd) + len(pc.packages)
                    total += NPM_DEPENDENCY_BYTES * deps
                    confidences.append("heuristic")
                    notes.append(f"npm: {deps} dependencies x 3 MiB")
                continue
            if pc is not None:
                unmodelled.append(pc.tool)
                continue
            if cmd.basename and cmd.basename not in _TINY_COMMANDS:
                unmodelled.append(cmd.basename)
        if unmodelled:
            confidences.append("unknown")
            notes.append("not modelled: " + ", ".join(dict.fromkeys(unmodelled)))
        elif not confidences:
            confidences.append("heuristic")
            notes.append("small file changes only")
        # Nothing modelled and something unknown: say unknown (null), never a silent 0.
        layer.size_bytes = None if unmodelled and total == 0 else total
        layer.wasted_bytes = wasted
        layer.confidence = weakest(confidences)
        layer.size_note = "; ".join(notes)

    def _requirements(
        self, ctx: BuildContext, fs: StageFs, cwd: str, req: str, notes: list[str]
    ) -> list[str]:
        origin = fs.context_path(cwd, req) or req.lstrip("./")
        data = ctx.read(origin)
        if data is None:
            notes.append(f"{req} not found in the context")
            return []
        names: list[str] = []
        for line in data.decode("utf-8", "replace").splitlines():
            line = line.split("#", 1)[0].strip()
            if not line or line.startswith("-"):
                continue
            match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", line)
            if match:
                names.append(match.group(0))
        return names

    @staticmethod
    def _npm_dependencies(ctx: BuildContext, fs: StageFs, cwd: str) -> int:
        origin = fs.context_path(cwd, "package.json")
        data = ctx.read(origin) if origin else None
        if data is None:
            return 0
        try:
            manifest = json.loads(data)
        except ValueError:
            return 0
        if not isinstance(manifest, dict):
            return 0
        deps = manifest.get("dependencies") or {}
        return len(deps) if isinstance(deps, dict) else 0


def _cwd(layer: Layer) -> str:
    return layer.components.get("cwd", "/")


def _mounted(targets: list[str], path: str) -> bool:
    return any(t and (path == t.rstrip("/") or path.startswith(t.rstrip("/") + "/")) for t in targets)


def _pep503(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower().split("[")[0]
