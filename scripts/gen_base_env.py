"""Regenerate ``dflint/data/base_env.json``: the ENV names official base images set.

DF106 (undefined variable) may only call a variable undefined when it knows every variable the
base image defines: BuildKit reads them from the image config, a static linter cannot. This
script collects them for the official images whose Dockerfiles are in the shared real-world
corpus (copies of docker-library's and the upstream projects' own Dockerfiles, with repository,
commit and path in its ``manifest.jsonl``), follows each image's ``FROM`` to inherit its base's
names, and adds a short curated table for base images without a Dockerfile there (OS images
built from a root file system, eclipse-temurin...), each with the docker-library/repo-info page
that shows its history. Every name any variant or tag sets is kept (union): a name some tag sets
is never reported.

    python scripts/gen_base_env.py            # rewrite dflint/data/base_env.json
    python scripts/gen_base_env.py --check    # exit 1 when the file is not what would be written
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "dflint" / "data" / "base_env.json"
CORPUS = Path("/work/shared/corpus/realworld")

#: corpus repository -> official image name (for dotnet, the image is the folder under src/).
REPOSITORIES = {
    **{f"docker-library/{name}": name for name in (
        "python", "golang", "php", "ruby", "openjdk", "tomcat", "postgres", "mysql", "mongo", "redis",
        "rabbitmq", "haproxy", "httpd", "memcached", "wordpress", "drupal", "julia", "pypy", "docker",
        "buildpack-deps")},
    "nodejs/docker-node": "node",
    "nginxinc/docker-nginx": "nginx",
    "rust-lang/docker-rust": "rust",
    "MariaDB/mariadb-docker": "mariadb",
}
DOTNET_IMAGES = ("runtime-deps", "runtime", "aspnet", "sdk", "monitor", "monitor-base", "aspire-dashboard")
#: Images other projects publish from their repositories (what their build scripts tag them):
#: (corpus repository, path pattern, image names).
PROJECT_IMAGES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("oracle/docker-images", r"^OracleJava/8/serverjre/", ("oracle/serverjre",)),
    ("oracle/docker-images", r"^OracleJava/(?:8/jdk|\d+)/Dockerfile", ("oracle/jdk",)),
    ("oracle/docker-images", r"^OracleWebLogic/dockerfiles/", ("oracle/weblogic",)),
    ("oracle/docker-images", r"^OracleDatabase/SingleInstance/dockerfiles/", ("oracle/database",)),
    ("oracle/docker-images", r"^OracleInstantClient/", ("oracle/instantclient",)),
    ("zabbix/zabbix-docker", r"^Dockerfiles/build-(base|mysql|pgsql|sqlite3)/(?!windows)",
     ("zabbix-build-{0}", "zabbix/zabbix-build-{0}")),
)

#: Images without a Dockerfile in the corpus: names beyond PATH, and where to see them.
CURATED: dict[str, tuple[list[str], str]] = {
    "scratch": ([], "no image: BuildKit starts from an empty config (PATH is always set)"),
    "alpine": ([], "docker-library/repo-info repos/alpine/remote/3.24.md: ADD rootfs, CMD"),
    "debian": ([], "docker-library/repo-info repos/debian/remote/*.md: ADD rootfs, CMD"),
    "ubuntu": ([], "docker-library/repo-info repos/ubuntu/remote/*.md: rootfs and config.env PATH only"),
    "busybox": ([], "docker-library/repo-info repos/busybox/remote/*.md: ADD rootfs, CMD"),
    "amazonlinux": ([], "docker-library/repo-info repos/amazonlinux/remote/*.md: ADD rootfs, CMD"),
    "oraclelinux": (["container"], "docker-library/repo-info repos/oraclelinux/remote/*.md: ADD rootfs, CMD"),
    "centos": (["container"], "docker-library/repo-info repos/centos/remote/*.md: ADD rootfs, LABEL, CMD"),
    "rockylinux": (["container"], "docker-library/repo-info repos/rockylinux/remote/*.md: ADD rootfs, CMD"),
    "almalinux": (["container"], "docker-library/repo-info repos/almalinux/remote/*.md: ADD rootfs, CMD"),
    "fedora": (["DISTTAG", "FGC", "FBR", "container"],
               "docker-library/repo-info repos/fedora/remote/*.md: ENV DISTTAG=f40container FGC=f40 FBR=f40"),
    "archlinux": (["LANG"], "docker-library/repo-info repos/archlinux/remote/*.md: ENV LANG=C.UTF-8"),
    "eclipse-temurin": (["JAVA_HOME", "LANG", "LANGUAGE", "LC_ALL", "JAVA_VERSION"],
                        "docker-library/repo-info repos/eclipse-temurin/remote/latest.md@11bfd4f99b51"),
    **{f"registry.access.redhat.com/{ubi}": (["container"],
                                              "Red Hat UBI images: Config.Env is PATH and container=oci "
                                              "(skopeo inspect of registry.access.redhat.com/ubi9 images)")
       for ubi in ("ubi8", "ubi9", "ubi10", "ubi8/ubi", "ubi9/ubi", "ubi10/ubi", "ubi8/ubi-minimal",
                   "ubi9/ubi-minimal", "ubi10/ubi-minimal", "ubi8/ubi-micro", "ubi9/ubi-micro",
                   "ubi10/ubi-micro", "ubi8/ubi-init", "ubi9/ubi-init", "ubi10/ubi-init")},
    "amazoncorretto": (["LANG", "JAVA_HOME"], "docker-library/repo-info repos/amazoncorretto/remote/*.md"),
    "maven": (["MAVEN_HOME", "MAVEN_CONFIG", "JAVA_HOME", "LANG", "LANGUAGE", "LC_ALL", "JAVA_VERSION"],
              "docker-library/repo-info repos/maven/remote/*.md (on eclipse-temurin)"),
    "gradle": (["GRADLE_HOME", "GRADLE_VERSION", "JAVA_HOME", "LANG", "LANGUAGE", "LC_ALL", "JAVA_VERSION"],
               "docker-library/repo-info repos/gradle/remote/*.md (on eclipse-temurin)"),
}

#: Names older tags set that today's Dockerfiles no longer do (a Dockerfile may pin an old tag).
OLDER_TAGS: dict[str, list[str]] = {
    "python": ["LANG", "PYTHON_PIP_VERSION", "PYTHON_SETUPTOOLS_VERSION", "PYTHON_GET_PIP_URL",
               "PYTHON_GET_PIP_SHA256"],
    "node": ["NPM_CONFIG_LOGLEVEL"],
    "ruby": ["RUBYGEMS_VERSION", "BUNDLER_VERSION", "BUNDLE_PATH", "BUNDLE_BIN", "RUBY_MAJOR"],
    "php": ["PHP_EXTRA_CONFIGURE_ARGS", "PHP_EXTRA_BUILD_DEPS", "PHP_MD5"],
    "openjdk": ["JAVA_DEBIAN_VERSION", "CA_CERTIFICATES_JAVA_VERSION", "JAVA_URL", "JAVA_SHA256"],
    "golang": ["GOLANG_DOWNLOAD_URL", "GOLANG_DOWNLOAD_SHA256"],
    # oracle/docker-images OracleWebLogic/dockerfiles/12.2.1.3/Dockerfile.developer@29959e5d3fae
    "oracle/weblogic": ["DOMAIN_HOME", "FMW_PKG", "FMW_JAR"],
}


def images_of(record: dict[str, str]) -> tuple[str, ...]:
    """The published image names a corpus Dockerfile builds (none for most files)."""
    repo, path = record["repo"], record["path"]
    if repo == "dotnet/dotnet-docker":
        parts = path.split("/")
        if len(parts) > 2 and parts[0] == "src" and parts[1] in DOTNET_IMAGES:
            return ("mcr.microsoft.com/dotnet/" + parts[1].replace("monitor-base", "monitor/base"),)
        return ()
    if repo in REPOSITORIES and not path.endswith(".template") and "/test" not in f"/{path}":
        return (REPOSITORIES[repo],)
    for project, pattern, names in PROJECT_IMAGES:
        match = re.match(pattern, path) if repo == project else None
        if match:
            return tuple(name.format(*match.groups()) for name in names)
    return ()


def normalise(repository: str) -> str:
    """``docker.io/library/python`` -> ``python``; mirrors and architecture prefixes removed."""
    from dflint.base_env import normalise_repository

    return normalise_repository(repository)


def collect(corpus: Path) -> tuple[dict[str, set[str]], dict[str, set[str]], dict[str, set[str]]]:
    """(names each image sets itself, the official images it is built FROM, its sources)."""
    from dflint.parser import parse_bytes
    from dflint.semantic import SemanticModel
    from dflint.tree import Env

    own: dict[str, set[str]] = defaultdict(set)
    parents: dict[str, set[str]] = defaultdict(set)
    sources: dict[str, set[str]] = defaultdict(set)
    for line in (corpus / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        images = images_of(record)
        if not images:
            continue
        df = parse_bytes((corpus / record["name"]).read_bytes(), record["path"])
        if not df.stages:
            continue
        model = SemanticModel.build(df)
        final = model.stages[-1]
        names = {pair.key for info in [final, *final.ancestors()] for ins in info.stage.instructions
                 if isinstance(ins, Env) for pair in ins.pairs}
        root = final.ancestors()[-1] if final.ancestors() else final
        for image in images:
            own[image].update(names)
            if root.base.repository:
                parents[image].add(normalise(root.base.repository))
            sources[image].add(f"{record['repo']}@{record['commit'][:12]}")
    return own, parents, sources


def resolve(own: dict[str, set[str]], parents: dict[str, set[str]]) -> dict[str, set[str]]:
    """Each image's names with those of every known image it is built on."""
    done: dict[str, set[str]] = {}

    def names(image: str, seen: frozenset[str]) -> set[str]:
        if image in done:
            return done[image]
        result = set(own.get(image, ()))
        for parent in parents.get(image, ()):
            if parent != image and parent not in seen and (parent in own or parent in parents):
                result |= names(parent, seen | {image})
        done[image] = result
        return result

    return {image: names(image, frozenset()) for image in set(own) | set(parents)}


def build(corpus: Path) -> dict[str, object]:
    own, parents, sources = collect(corpus)
    for image, (names, source) in CURATED.items():
        own[image].update(names)
        sources[image].add(source)
    for image, names in OLDER_TAGS.items():
        own[image].update(names)
    resolved = resolve(own, parents)
    images = {image: sorted(names - {"PATH"}) for image, names in sorted(resolved.items())
              if image in CURATED or (image in sources and any("@" in s for s in sources[image]))}
    return {
        "note": "ENV names each official image sets in any tag or variant (PATH, always set, left "
                "out); an image not listed here is unknown and DF106 reports nothing in its stages. "
                "Regenerate with scripts/gen_base_env.py.",
        "sources": {image: sorted(sources[image]) for image in images},
        "images": images,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    text = json.dumps(build(args.corpus), indent=1, sort_keys=True) + "\n"
    if args.check:
        return 0 if OUT.read_text(encoding="utf-8") == text else 1
    OUT.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
