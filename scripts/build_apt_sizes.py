#!/usr/bin/env python3
"""Build dflint/simulate/data/apt-<suite>.json from the local APT package lists.

Why from the archive metadata: ``Installed-Size`` (KiB) and ``Depends`` are what dpkg itself
uses, so the closure of a package minus what the base image already has is the best offline
estimate of what ``apt-get install`` adds. Run ``apt-get update`` first (Debian bookworm here);
the script reads /var/lib/apt/lists/*Packages* through ``apt-helper cat-file`` (any compression).

Output (kept < 3 MB by limiting it to the closures of a list of popular packages):

    {"suite", "arch", "generated_from", "generated_on",
     "packages": {name: [installed_kib, [depends], [recommends]]},
     "sets": {"minbase": [...], "python-slim": [...], "buildpack-deps": [...]},
     "file_bytes": {name: bytes}, "excluded_bytes": {policy: {name: bytes}}}

``file_bytes`` and ``excluded_bytes`` (``--contents``, on by default) come from the packages
themselves: each ``.deb`` is fetched with ``apt-get download`` and its data tarball read (what
``dpkg-deb -c`` lists). ``file_bytes`` is what a layer stores for the package's files (regular
file sizes plus symlink target lengths, the sizes Docker's layer diff adds up), which is smaller
than ``Installed-Size`` (dpkg rounds every file up to a KiB). ``excluded_bytes`` is, per dpkg
exclude policy of ``images.json`` (``debian-slim``: docs, man pages, locales... that the slim
images' ``/etc/dpkg/dpkg.cfg.d/docker`` drops), the part of ``file_bytes`` dpkg never unpacks on
such a base; only non-zero entries are stored.

``depends`` = Depends + Pre-Depends, one package per group (first alternative that exists, a
virtual package resolved to its first provider). ``sets`` are the packages of common base images:
``minbase`` = Priority required/Essential + apt (what debuerreotype's minbase images hold),
``python-slim`` = minbase + what the python:*-slim Dockerfiles add, ``buildpack-deps`` = minbase +
the packages of the buildpack-deps curl/scm/full layers (python, node, golang, ruby full images).
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
            if name:
                records[name] = fields  # later files (updates, security) win
    return records


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


def deb_members(deb: Path) -> list[tuple[str, int]]:
    """(absolute path, bytes a layer stores) of every non-directory in a .deb's data tarball."""
    proc = subprocess.Popen(["dpkg-deb", "--fsys-tarfile", str(deb)], stdout=subprocess.PIPE)
    out: list[tuple[str, int]] = []
    assert proc.stdout is not None
    sizes: dict[str, int] = {}
    with tarfile.open(fileobj=proc.stdout, mode="r|") as tar:
        for member in tar:
            path = "/" + member.name.lstrip("./")
            if member.isfile():
                sizes[path] = member.size
                out.append((path, member.size))
            elif member.islnk():
                # A hard link is a second name for a file; the layer diff counts it again.
                out.append((path, sizes.get("/" + member.linkname.lstrip("./"), 0)))
            elif member.issym():
                out.append((path, len(member.linkname)))
    proc.wait()
    return out


def contents(names: list[str], policies: dict[str, list[tuple[str, str]]]) -> tuple[
    dict[str, int], dict[str, dict[str, int]]
]:
    """file_bytes and excluded_bytes per policy for ``names`` (downloads in batches of 80)."""
    file_bytes: dict[str, int] = {}
    excluded: dict[str, dict[str, int]] = {p: {} for p in policies}
    with tempfile.TemporaryDirectory() as tmp:
        for start in range(0, len(names), 80):
            batch = names[start : start + 80]
            subprocess.run(["apt-get", "download", "-qq", *batch], cwd=tmp, check=False,
                           stderr=subprocess.DEVNULL)
            for deb in sorted(Path(tmp).glob("*.deb")):
                name = deb.name.split("_", 1)[0]
                members = deb_members(deb)
                file_bytes[name] = sum(size for _path, size in members)
                for policy, rules in policies.items():
                    dropped = sum(size for path, size in members if not dpkg_keeps(path, rules))
                    if dropped:
                        excluded[policy][name] = dropped
                deb.unlink()
            print(f"contents: {min(start + 80, len(names))}/{len(names)}", file=sys.stderr)
    return file_bytes, excluded


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lists", default="/var/lib/apt/lists/*_binary-amd64_Packages*")
    ap.add_argument("--suite", default="bookworm")
    ap.add_argument("--out", default=str(Path(__file__).resolve().parents[1] / "dflint/simulate/data"))
    ap.add_argument("--no-contents", dest="contents", action="store_false",
                    help="skip downloading the .debs (no file_bytes / excluded_bytes)")
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

    # usrmerge is Priority required in bookworm but debootstrap merges /usr itself and never
    # installs it (debian:bookworm has no perl); keeping it would hide perl from every closure.
    required = [
        n
        for n, r in records.items()
        if (r.get("Priority") == "required" or r.get("Essential") == "yes") and n != "usrmerge"
    ]
    preferred.update(required)
    minbase = closure([*required, "apt"], recommends=False)
    preferred.update(minbase)
    python_slim = minbase | closure(PYTHON_SLIM.split(), recommends=False)
    buildpack = minbase | closure(BUILDPACK.split(), recommends=False)
    closure(POPULAR.split(), recommends=True)
    data = {
        "suite": args.suite,
        "arch": "amd64",
        "generated_from": "Debian APT Packages lists (main, updates, security); Installed-Size in KiB;"
        " file_bytes/excluded_bytes from the .deb data tarballs (apt-get download)",
        "generated_on": datetime.date.today().isoformat(),
        "format": "name -> [installed_kib, [depends+pre-depends], [recommends]]",
        "packages": {k: table[k] for k in sorted(table)},
        "sets": {
            "minbase": sorted(minbase),
            "python-slim": sorted(python_slim),
            "buildpack-deps": sorted(buildpack),
        },
    }
    if args.contents:
        names = sorted(table)
        data["file_bytes"], data["excluded_bytes"] = contents(names, load_policies(Path(args.out)))
    out = Path(args.out) / f"apt-{args.suite}.json"
    out.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{out}: {len(table)} packages, {out.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
