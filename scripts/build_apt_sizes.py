#!/usr/bin/env python3
"""Build dflint/simulate/data/apt-<suite>.json from the local APT package lists and the .debs.

Why from the archive: ``Depends`` is what apt resolves, so the closure of a package minus what
the base image already has is what ``apt-get install`` adds; the .debs themselves say what lands
in the layer. Run ``apt-get update`` first (Debian bookworm here); the script reads
/var/lib/apt/lists/*Packages* through ``apt-helper cat-file`` (any compression).

Output (kept small by limiting it to the closures of a list of popular packages):

    {"suite", "arch", "generated_from", "generated_on",
     "packages": {name: [installed_kib, [depends], [recommends]]},
     "sets": {"minbase": [...], "python-slim": [...], "buildpack-deps": [...]},
     "image_versions": {set: {name: version in the image snapshot}},
     "upgrades": {set: [names whose image version is older than the archive's]},
     "forces": {set: {name: [packages of the set that installing name upgrades too]}},
     "file_bytes": {name: bytes}, "excluded_bytes": {policy: {name: bytes}},
     "dpkg": {name: [status_bytes, info_bytes, templates_bytes, ldconfig]}}

``file_bytes``, ``excluded_bytes`` and ``dpkg`` (``--contents``, on by default) come from the
packages themselves: each ``.deb`` is fetched with ``apt-get download`` and read with
``dpkg-deb``. What a layer stores, measured on dockerd 20.10 (vfs): the size of every regular
file, a hard-linked file once, symlinks and directories nothing. ``file_bytes`` is that sum
for the package's data tarball; it is smaller than ``Installed-Size`` (dpkg rounds every file
up to a KiB). ``excluded_bytes`` is, per dpkg exclude policy of ``images.json`` (``debian-slim``:
the docs, man pages, locales... that the slim images' ``/etc/dpkg/dpkg.cfg.d/docker`` drops),
the part of ``file_bytes`` dpkg never unpacks on such a base; only non-zero entries are stored.
``dpkg`` is what installing the package adds to dpkg's own state: its stanza in
``/var/lib/dpkg/status`` (the control file, the Status line and its conffiles), its files in
``/var/lib/dpkg/info`` (the file list, which names excluded paths too, and every control member
but ``control``), the size of its debconf templates (0: none) and whether it triggers
``ldconfig`` (1/0).

``depends`` = Depends + Pre-Depends, one package per group (first alternative that exists, a
virtual package resolved to its first provider). ``sets`` are the packages of common base images:
``minbase`` = the packages of the official ``debian:bookworm`` / ``bookworm-slim`` images
(:data:`DEBIAN_BOOKWORM_IMAGE`, from docker-library/repo-info), ``python-slim`` = minbase + what
the python:*-slim Dockerfiles add, ``buildpack-deps`` = minbase + the packages of the
buildpack-deps curl/scm/full layers (python, node, golang, ruby full images). ``upgrades``: a
package of the image that the archive now has in a newer version is upgraded when an
``apt-get install`` names it (it is not "already the newest version").
"""

from __future__ import annotations

import argparse
import datetime
import fnmatch
import glob
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

POPULAR = """
curl wget git python3 python3-pip python3-venv python3-dev python3-setuptools python3-wheel
python3-numpy pipx build-essential gcc g++ make cmake ninja-build meson ccache clang llvm lld gdb
strace valgrind nginx apache2 openssh-client openssh-server ssh vim vim-tiny nano less unzip zip
xz-utils bzip2 ca-certificates gnupg gnupg2 dirmngr lsb-release software-properties-common
apt-transport-https apt-utils dialog jq sudo procps net-tools iproute2 iputils-ping dnsutils
netcat-openbsd telnet tzdata locales supervisor cron rsync tar gzip file patch autoconf automake
libtool pkg-config libssl-dev libffi-dev zlib1g-dev libpq-dev libpq5 postgresql-client
default-libmysqlclient-dev default-mysql-client mariadb-client libsqlite3-dev sqlite3 libxml2-dev
libxslt1-dev libjpeg-dev libpng-dev libfreetype6-dev libcurl4-openssl-dev libbz2-dev liblzma-dev
libreadline-dev libncurses-dev libncursesw5-dev libncurses5-dev libgdbm-dev libyaml-dev libevent-dev
libmagic1 imagemagick ffmpeg libgl1 libglib2.0-0 libsm6 libxext6 libxrender1 fontconfig
fonts-liberation chromium firefox-esr xvfb openjdk-17-jdk openjdk-17-jre-headless
openjdk-17-jdk-headless maven nodejs npm ruby ruby-dev golang-go php php-cli php-fpm php-mysql
php-curl php-xml php-mbstring php-zip php-gd composer redis-server redis-tools postgresql
mariadb-server memcached tini dumb-init gosu netbase libc6-dev gettext gettext-base graphviz pandoc
ghostscript poppler-utils tesseract-ocr libpython3-dev git-lfs mercurial subversion openssl libssl3
htop cargo rustc dpkg-dev fakeroot debhelper devscripts unixodbc-dev libmariadb-dev libkrb5-dev
libldap2-dev libsasl2-dev libwebp-dev libtiff-dev libopenblas-dev gfortran libgomp1 libstdc++6
musl-tools upx-ucl shellcheck awscli python3-yaml python3-requests libaio1
"""

BUILDPACK = """
ca-certificates curl gnupg netbase sq wget git mercurial openssh-client subversion procps
autoconf automake bzip2 default-libmysqlclient-dev dpkg-dev file g++ gcc imagemagick libbz2-dev libc6-dev
libcurl4-openssl-dev libdb-dev libevent-dev libffi-dev libgdbm-dev libglib2.0-dev libgmp-dev libjpeg-dev
libkrb5-dev liblzma-dev libmagickcore-dev libmagickwand-dev libmaxminddb-dev libncurses5-dev
libncursesw5-dev libpng-dev libpq-dev libreadline-dev libsqlite3-dev libssl-dev libtool libwebp-dev
libxml2-dev libxslt-dev libyaml-dev make patch unzip xz-utils zlib1g-dev
"""

PYTHON_SLIM = """
ca-certificates netbase tzdata libbz2-1.0 libffi8 libgdbm6 liblzma5 libncursesw6 libreadline8
libsqlite3-0 libssl3 libuuid1 zlib1g libexpat1 libdb5.3 libtirpc3 libnsl2
"""


#: The binary packages of the official debian:bookworm-slim image (debian:bookworm has the same
#: set; slim only drops files), linux/amd64, image created 2026-09-18: docker-library/repo-info
#: repos/debian/local/bookworm-slim.md @321a824e8fd6c5a8a1291b74697c33ecb0fb81be.
#: (debootstrap --variant=minbase gives the same 88 names; it lacks only the security updates.)
DEBIAN_BOOKWORM_IMAGE = """
adduser=3.134 apt=2.6.1 base-files=12.4+deb12u15 base-passwd=3.6.1 bash=5.2.15-2+b13
bsdutils=1:2.38.1-5+deb12u3 coreutils=9.1-1 dash=0.5.12-2 debconf=1.5.82
debian-archive-keyring=2023.3+deb12u2 debianutils=5.7-0.5~deb12u1 diffutils=1:3.8-4 dpkg=1.21.23
e2fsprogs=1.47.0-2+b2 findutils=4.9.0-4 gcc-12-base=12.2.0-14+deb12u1 gpgv=2.2.40-1.1+deb12u2
grep=3.8-5 gzip=1.12-1 hostname=3.23+nmu1 init-system-helpers=1.65.2+deb12u1 libacl1=2.3.1-3
libapt-pkg6.0=2.6.1 libattr1=1:2.5.1-4 libaudit-common=1:3.0.9-1 libaudit1=1:3.0.9-1
libblkid1=2.38.1-5+deb12u3 libbz2-1.0=1.0.8-5+b1 libc-bin=2.36-9+deb12u14 libc6=2.36-9+deb12u14
libcap-ng0=0.8.3-1+b3 libcap2=1:2.66-4+deb12u3+b1 libcom-err2=1.47.0-2+b2 libcrypt1=1:4.4.33-2
libdb5.3=5.3.28+dfsg2-1 libdebconfclient0=0.270 libext2fs2=1.47.0-2+b2 libffi8=3.4.4-1
libgcc-s1=12.2.0-14+deb12u1 libgcrypt20=1.10.1-3+deb12u1 libgmp10=2:6.2.1+dfsg1-1.1
libgnutls30=3.7.9-2+deb12u7 libgpg-error0=1.46-1 libhogweed6=3.8.1-2 libidn2-0=2.3.3-1+b1
liblz4-1=1.9.4-1 liblzma5=5.4.1-1+deb12u2 libmd0=1.0.4-2 libmount1=2.38.1-5+deb12u3
libnettle8=3.8.1-2 libp11-kit0=0.24.1-2 libpam-modules=1.5.2-6+deb12u2
libpam-modules-bin=1.5.2-6+deb12u2 libpam-runtime=1.5.2-6+deb12u2 libpam0g=1.5.2-6+deb12u2
libpcre2-8-0=10.42-1+deb12u1 libseccomp2=2.5.4-1+deb12u1 libselinux1=3.4-1+b6
libsemanage-common=3.4-1 libsemanage2=3.4-1+b5 libsepol2=3.4-2.1 libsmartcols1=2.38.1-5+deb12u3
libss2=1.47.0-2+b2 libstdc++6=12.2.0-14+deb12u1 libsystemd0=252.39-1~deb12u2
libtasn1-6=4.19.0-2+deb12u1 libtinfo6=6.4-4 libudev1=252.39-1~deb12u2 libunistring2=1.0-2
libuuid1=2.38.1-5+deb12u3 libxxhash0=0.8.1-1 libzstd1=1.5.4+dfsg2-5 login=1:4.13+dfsg1-1+deb12u2
logsave=1.47.0-2+b2 mawk=1.3.4.20200120-3.1 mount=2.38.1-5+deb12u3 ncurses-base=6.4-4
ncurses-bin=6.4-4 passwd=1:4.13+dfsg1-1+deb12u2 perl-base=5.36.0-7+deb12u3 sed=4.9-1+deb12u1
sysvinit-utils=3.06-4 tar=1.34+dfsg-1.2+deb12u1 tzdata=2026b-0+deb12u1 usr-is-merged=37~deb12u1
util-linux=2.38.1-5+deb12u3 util-linux-extra=2.38.1-5+deb12u3 zlib1g=1:1.2.13.dfsg-1
"""


def read_lists(pattern: str) -> list[str]:
    files = sorted(glob.glob(pattern), key=lambda f: ("security" in f or "updates" in f, f))
    texts = []
    for path in files:
        done = subprocess.run(["/usr/lib/apt/apt-helper", "cat-file", path], capture_output=True, check=False)
        if done.returncode == 0:
            texts.append(done.stdout.decode("utf-8", "replace"))
    return texts


def parse(texts: list[str]) -> dict[str, dict[str, str]]:
    records: dict[str, dict[str, str]] = {}
    for text in texts:
        for block in text.split("\n\n"):
            fields: dict[str, str] = {}
            key = None
            for line in block.splitlines():
                if line.startswith((" ", "\t")) and key:
                    fields[key] += " " + line.strip()
                elif ":" in line:
                    key, _, value = line.partition(":")
                    fields[key] = value.strip()
            name = fields.get("Package")
            if not name:
                continue
            # apt's candidate (same pin priority everywhere): the highest version in any list.
            held = records.get(name)
            if held is None or older(held.get("Version", ""), fields.get("Version", "")):
                records[name] = fields
    return records


def relations(value: str) -> dict[str, tuple[str, str]]:
    """Versioned relations of a Depends field: name -> (operator, version), first one wins."""
    out: dict[str, tuple[str, str]] = {}
    for match in re.finditer(r"([a-z0-9][a-z0-9.+-]*)(?::\w+)?\s*\((<<|<=|=|>=|>>)\s*([^)\s]+)\)", value):
        out.setdefault(match.group(1), (match.group(2), match.group(3)))
    return out


def satisfies(version: str, operator: str, wanted: str) -> bool:
    """Whether ``version`` meets the relation ``operator wanted`` (dpkg's own comparison)."""
    done = subprocess.run(["dpkg", "--compare-versions", version, operator, wanted], check=False)
    return done.returncode == 0


def groups(value: str) -> list[list[str]]:
    out = []
    for group in value.split(","):
        alts = []
        for alt in group.split("|"):
            name = re.split(r"[\s(\[<]", alt.strip(), maxsplit=1)[0].split(":")[0]
            if name:
                alts.append(name)
        if alts:
            out.append(alts)
    return out


def load_policies(data_dir: Path) -> dict[str, list[tuple[str, str]]]:
    """dpkg path filters per policy from images.json: [(\"exclude\"|\"include\", glob)] in order."""
    images = json.loads((data_dir / "images.json").read_text(encoding="utf-8"))
    return {
        name: [(rule["kind"], rule["glob"]) for rule in policy["rules"]]
        for name, policy in images.get("exclude_policies", {}).items()
    }


def dpkg_keeps(path: str, rules: list[tuple[str, str]]) -> bool:
    """dpkg's --path-exclude/--path-include: the last matching filter wins (fnmatch, * spans /)."""
    keep = True
    for kind, pattern in rules:
        if fnmatch.fnmatchcase(path, pattern):
            keep = kind == "include"
    return keep


def image_versions(text: str) -> dict[str, str]:
    """``name=version`` words -> {name: version}."""
    return dict(word.split("=", 1) for word in text.split())


def layer_size(member: tarfile.TarInfo) -> int:
    """Bytes a layer stores for one tar member: regular files only (a hard link is the same
    inode, counted once; symlinks and directories count 0), as ``docker history`` reports."""
    return member.size if member.isfile() else 0


def deb_members(deb: Path) -> list[tuple[str, int]]:
    """(absolute path, bytes a layer stores) of every member of a .deb's data tarball."""
    proc = subprocess.Popen(["dpkg-deb", "--fsys-tarfile", str(deb)], stdout=subprocess.PIPE)
    assert proc.stdout is not None
    with tarfile.open(fileobj=proc.stdout, mode="r|") as tar:
        out = [("/" + member.name.removeprefix(".").lstrip("/"), layer_size(member)) for member in tar]
    proc.wait()
    return out


def deb_control(deb: Path) -> dict[str, bytes]:
    """The members of a .deb's control tarball (``control``, ``md5sums``, ``postinst``...)."""
    proc = subprocess.Popen(["dpkg-deb", "--ctrl-tarfile", str(deb)], stdout=subprocess.PIPE)
    assert proc.stdout is not None
    out: dict[str, bytes] = {}
    with tarfile.open(fileobj=proc.stdout, mode="r|") as tar:
        for member in tar:
            handle = tar.extractfile(member) if member.isfile() else None
            if handle is not None:
                out[member.name.removeprefix("./")] = handle.read()
    proc.wait()
    return out


STATUS_LINE = len("Status: install ok installed\n")


def dpkg_state(members: list[tuple[str, int]], control: dict[str, bytes]) -> list[int]:
    """[status stanza bytes, /var/lib/dpkg/info bytes, templates bytes, triggers ldconfig].

    The status stanza is the control file plus the Status line, the conffiles (`` path md5``)
    and the blank line between stanzas. info/ holds the file list (every member of the data
    tarball, excluded paths included: ``/.``, ``/usr``...) and every control member but
    ``control``.
    """
    conffiles = control.get("conffiles", b"").split()
    status = len(control.get("control", b"")) + STATUS_LINE + 1
    if conffiles:
        status += len("Conffiles:\n") + sum(len(path) + 35 for path in conffiles)
    listing = sum(len(path.rstrip("/") or "/.") + 1 for path, _size in members)
    info = listing + sum(len(data) for name, data in control.items() if name != "control")
    templates = len(control.get("templates", b""))
    ldconfig = int(b"ldconfig" in control.get("triggers", b""))
    return [status, info, templates, ldconfig]


def download(names: list[str], where: str) -> None:
    """``apt-get download`` in batches; a batch that fails (one name it cannot fetch) is
    retried name by name, so one bad name costs only itself."""
    for start in range(0, len(names), 80):
        batch = names[start : start + 80]
        done = subprocess.run(["apt-get", "download", "-qq", *batch], cwd=where, check=False,
                              stderr=subprocess.DEVNULL)
        if done.returncode:
            have = {deb.name.split("_", 1)[0] for deb in Path(where).glob("*.deb")}
            for name in batch:
                if name not in have:
                    subprocess.run(["apt-get", "download", "-qq", name], cwd=where, check=False,
                                   stderr=subprocess.DEVNULL)
        print(f"download: {min(start + 80, len(names))}/{len(names)}", file=sys.stderr)


def contents(names: list[str], policies: dict[str, list[tuple[str, str]]]) -> tuple[
    dict[str, int], dict[str, dict[str, int]], dict[str, list[int]]
]:
    """file_bytes, excluded_bytes per policy and dpkg state for ``names``."""
    file_bytes: dict[str, int] = {}
    excluded: dict[str, dict[str, int]] = {p: {} for p in policies}
    state: dict[str, list[int]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for start in range(0, len(names), 200):
            download(names[start : start + 200], tmp)
            for deb in sorted(Path(tmp).glob("*.deb")):
                name = deb.name.split("_", 1)[0]
                members = deb_members(deb)
                file_bytes[name] = sum(size for _path, size in members)
                for policy, rules in policies.items():
                    dropped = sum(size for path, size in members if size and not dpkg_keeps(path, rules))
                    if dropped:
                        excluded[policy][name] = dropped
                state[name] = dpkg_state(members, deb_control(deb))
                deb.unlink()
    missing = sorted(set(names) - set(file_bytes))
    if missing:
        print(f"no .deb for {len(missing)}: {' '.join(missing[:20])}", file=sys.stderr)
    return file_bytes, excluded, state


def older(version: str, than: str) -> bool:
    """dpkg's own version order (epochs, ``~``, Debian revisions)."""
    return subprocess.run(["dpkg", "--compare-versions", version, "lt", than], check=False).returncode == 0


def source_of(record: dict[str, str]) -> str:
    """The source package a binary was built from (``Source: perl (5.36.0-7)`` -> ``perl``)."""
    return (record.get("Source") or record["Package"]).split()[0]


def forced_upgrades(
    table: dict[str, list[object]],
    records: dict[str, dict[str, str]],
    image: dict[str, str],
    upgrades: list[str],
) -> dict[str, list[str]]:
    """Per package, the image's packages that installing it upgrades too. Two reasons, both seen
    on the engine: its Depends/Pre-Depends need a newer version than the image has (``perl``
    needs ``perl-base (= its own version)``), or it is built from the same source package (apt
    2.6 upgrades the installed binaries of that source along: ``apt-get install xz-utils``
    upgraded liblzma5 though ``liblzma5 (>= 5.4.0)`` was met). Only packages in ``upgrades``
    can be concerned (the others are at the archive's version)."""
    out: dict[str, list[str]] = {}
    for name in sorted(table):
        rec = records[name]
        wanted = relations(rec.get("Depends", "") + ", " + rec.get("Pre-Depends", ""))
        needs = [
            dep
            for dep in upgrades
            if dep != name
            and (
                source_of(records[dep]) == source_of(rec)
                or (dep in wanted and not satisfies(image[dep], *wanted[dep]))
            )
        ]
        if needs:
            out[name] = needs
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lists", default="/var/lib/apt/lists/*_binary-amd64_Packages*")
    ap.add_argument("--suite", default="bookworm")
    ap.add_argument("--out", default=str(Path(__file__).resolve().parents[1] / "dflint/simulate/data"))
    ap.add_argument("--no-contents", dest="contents", action="store_false",
                    help="skip downloading the .debs (no file_bytes / excluded_bytes / dpkg)")
    ap.add_argument("--reuse-contents", action="store_true",
                    help="keep the .deb-derived figures of the existing output for the packages it has"
                    " (only when it was built from the same package lists)")
    args = ap.parse_args(argv)
    records = parse(read_lists(args.lists))
    if not records:
        print("no package lists found: run apt-get update first", file=sys.stderr)
        return 1
    provides: dict[str, list[str]] = {}
    for name, rec in records.items():
        for alts in groups(rec.get("Provides", "")):
            provides.setdefault(alts[0], []).append(name)

    preferred: set[str] = set()

    def resolve(alts: list[str]) -> str | None:
        # Like apt with an installed alternative: one already in a base set wins
        # (init-system-helpers: "usrmerge | usr-is-merged" -> usr-is-merged, as debootstrap does).
        for alt in alts:
            if alt in preferred:
                return alt
            # A virtual package one of the base's packages provides (awk: mawk, not gawk).
            installed = sorted(set(provides.get(alt, ())) & preferred)
            if installed:
                return installed[0]
        if len(alts) > 1 and alts[0] == "usrmerge":
            alts = alts[1:]  # merged-/usr systems install usr-is-merged, never usrmerge
        for alt in alts:
            if alt in records:
                return alt
        for alt in alts:
            if provides.get(alt):
                return sorted(provides[alt])[0]
        return None

    def deps_of(name: str, field: str) -> list[str]:
        rec = records[name]
        found = [resolve(g) for g in groups(rec.get(field, ""))]
        return sorted({d for d in found if d and d != name})

    table: dict[str, list[object]] = {}

    def closure(names: list[str], recommends: bool) -> set[str]:
        seen: set[str] = set()
        todo = [n for n in names if n in records or resolve([n])]
        todo = [n if n in records else resolve([n]) or n for n in todo]
        while todo:
            n = todo.pop()
            if n in seen or n not in records:
                continue
            seen.add(n)
            deps = deps_of(n, "Depends") + deps_of(n, "Pre-Depends")
            recs = deps_of(n, "Recommends")
            table[n] = [int(records[n].get("Installed-Size", "0") or 0), sorted(set(deps)), recs]
            todo.extend(deps)
            if recommends:
                todo.extend(recs)
        return seen

    image = image_versions(DEBIAN_BOOKWORM_IMAGE)
    absent = sorted(set(image) - set(records))
    if absent:
        print(f"image packages missing from the lists: {absent}", file=sys.stderr)
    preferred.update(image)
    minbase = closure(sorted(image), recommends=False)
    extra = sorted(minbase - set(image))
    if extra:  # the image is closed under Depends; anything more means resolve() chose wrongly
        print(f"minbase closure adds {extra}", file=sys.stderr)
    upgrades = sorted(n for n, v in image.items() if n in records and older(v, records[n]["Version"]))
    python_slim = minbase | closure(PYTHON_SLIM.split(), recommends=False)
    buildpack = minbase | closure(BUILDPACK.split(), recommends=False)
    closure(POPULAR.split(), recommends=True)
    data = {
        "suite": args.suite,
        "arch": "amd64",
        "generated_from": "Debian APT Packages lists (main, updates, security); Installed-Size in KiB;"
        " file_bytes/excluded_bytes/dpkg from the .debs (apt-get download, dpkg-deb); sets.minbase:"
        " docker-library/repo-info repos/debian/local/bookworm-slim.md @321a824e (image 2026-09-18)",
        "generated_on": datetime.date.today().isoformat(),
        "format": "name -> [installed_kib, [depends+pre-depends], [recommends]]",
        "packages": {k: table[k] for k in sorted(table)},
        "sets": {
            "minbase": sorted(minbase),
            "python-slim": sorted(python_slim),
            "buildpack-deps": sorted(buildpack),
        },
        "image_versions": {"minbase": image},
        "upgrades": {"minbase": upgrades},
        "forces": {"minbase": forced_upgrades(table, records, image, upgrades)},
    }
    if args.contents:
        names = sorted(table)
        policies = load_policies(Path(args.out))
        previous = Path(args.out) / f"apt-{args.suite}.json"
        kept: dict[str, Any] = {}
        if args.reuse_contents and previous.exists():
            kept = json.loads(previous.read_text(encoding="utf-8"))
            names = [n for n in names if n not in kept.get("dpkg", {})]
        file_bytes, excluded, state = contents(names, policies)
        data["file_bytes"] = dict(sorted({**kept.get("file_bytes", {}), **file_bytes}.items()))
        old = kept.get("excluded_bytes", {})
        data["excluded_bytes"] = {
            policy: dict(sorted({**old.get(policy, {}), **excluded[policy]}.items())) for policy in policies
        }
        data["dpkg"] = dict(sorted({**kept.get("dpkg", {}), **state}.items()))
    out = Path(args.out) / f"apt-{args.suite}.json"
    out.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{out}: {len(table)} packages, {out.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
