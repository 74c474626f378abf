"""Normalise an image reference to the name the size table knows it by.

Why: the same Docker Hub image is written many ways in real Dockerfiles: ``docker.io/library/
debian``, ``index.docker.io/debian``, pull-through mirrors (``mirror.gcr.io/debian``,
``public.ecr.aws/docker/library/debian``), per-architecture repositories (``arm64v8/debian``,
``amd64/debian``), with a ``@sha256:`` digest. They are one image family; a size lookup that
misses them reports "unknown" for images it does know. The normaliser only strips prefixes that
are documented aliases or mirrors of Docker Hub; any other registry keeps its full name (a
``quay.io/centos/centos`` is not ``centos``). A namespace documented as a one-off copy of Hub's
official images (``quay.io/libpod/alpine``) is stripped too, with a caveat that makes the match
heuristic: the copy's tag may be an older build.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["HUB_COPIES", "HUB_MIRRORS", "PLATFORM_REPOS", "ImageName", "normalise"]

#: Prefixes that name Docker Hub itself or a documented pull-through mirror of it
#: (longest first: ``docker.io/library/`` before ``docker.io/``).
HUB_MIRRORS = (
    "registry-1.docker.io/library/",
    "registry-1.docker.io/",
    "registry.hub.docker.com/library/",
    "registry.hub.docker.com/",
    "index.docker.io/library/",
    "index.docker.io/",
    "docker.io/library/",
    "docker.io/",
    "mirror.gcr.io/library/",
    "mirror.gcr.io/",
    "public.ecr.aws/docker/library/",
    "library/",
)

#: Namespaces that hold copies of Docker Hub's official images made once, by hand: the same
#: image family, but a tag may be an older build than Hub's today (so only a heuristic match).
HUB_COPIES = {
    "quay.io/libpod/": (
        "quay.io/libpod/ holds copies of Docker Hub library images (containers/buildah "
        "tests/registries.conf @2ea2c076: docker.io/library mirrored to quay.io/libpod, "
        "hand-copied with skopeo in 2020), a tag may be an older build"
    ),
}

#: Docker Hub's per-architecture namespaces of the official images
#: (docker-library/official-images README, "Architectures other than amd64?").
PLATFORM_REPOS = {
    "amd64": "linux/amd64",
    "arm32v5": "linux/arm/v5",
    "arm32v6": "linux/arm/v6",
    "arm32v7": "linux/arm/v7",
    "arm64v8": "linux/arm64/v8",
    "i386": "linux/386",
    "mips64le": "linux/mips64le",
    "ppc64le": "linux/ppc64le",
    "riscv64": "linux/riscv64",
    "s390x": "linux/s390x",
    "windows-amd64": "windows/amd64",
}


@dataclass(frozen=True)
class ImageName:
    """A reference split into the parts a size lookup needs."""

    #: Repository without Hub aliases, mirrors or architecture namespace (``debian``,
    #: ``mcr.microsoft.com/dotnet/runtime``).
    name: str
    tag: str
    digest: str | None = None
    #: The platform an architecture namespace pins (``linux/arm64/v8`` for ``arm64v8/``).
    platform: str | None = None
    #: What was stripped, for notes (``mirror.gcr.io/``, ``arm64v8/``).
    stripped: tuple[str, ...] = ()
    #: Why a size of ``name`` is only a heuristic for this reference (a one-off copy's tag).
    caveats: tuple[str, ...] = ()


def normalise(ref: str) -> ImageName:
    """Split ``ref`` and strip Docker Hub aliases, mirrors and architecture namespaces."""
    text = ref.strip()
    digest: str | None = None
    if "@" in text:
        text, digest = text.split("@", 1)
    tag = "latest"
    slash, colon = text.rfind("/"), text.rfind(":")
    if colon > slash:
        text, tag = text[:colon], text[colon + 1 :] or "latest"
    name = text.lower()
    stripped: list[str] = []
    for prefix in HUB_MIRRORS:
        if name.startswith(prefix) and len(name) > len(prefix):
            stripped.append(prefix)
            name = name[len(prefix) :]
            break
    caveats: list[str] = []
    for prefix, why in HUB_COPIES.items():
        rest = name[len(prefix) :]
        if name.startswith(prefix) and rest and "/" not in rest:
            stripped.append(prefix)
            caveats.append(why)
            name = rest
            break
    if name.startswith("library/"):
        stripped.append("library/")
        name = name[len("library/") :]
    platform: str | None = None
    head, sep, rest = name.partition("/")
    if sep and head in PLATFORM_REPOS and rest and "/" not in rest:
        stripped.append(head + "/")
        platform, name = PLATFORM_REPOS[head], rest
    return ImageName(name, tag, digest, platform, tuple(stripped), tuple(caveats))
