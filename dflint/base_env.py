"""What a base image puts in the build's environment, as far as dflint knows.

BuildKit expands ``$NAME`` with the base image's ENV (read from its config) plus the file's
ARG/ENV. A static linter knows the base's ENV only for images whose definitions it ships as
data: ``dflint/data/base_env.json``, made by ``scripts/gen_base_env.py`` from the official
images' Dockerfiles (every tag and variant merged) and ``scratch``. For any other image the
answer is "unknown", and a rule that needs it must stay quiet.
"""

from __future__ import annotations

from dflint.lazyre import LazyPattern

__all__ = ["image_env", "normalise_repository"]

#: Registries and paths that serve the Docker Hub official images under another name.
_MIRROR = LazyPattern(
    r"^(?:docker\.io/library/|docker\.io/|index\.docker\.io/library/|registry-1\.docker\.io/library/"
    r"|library/|mirror\.gcr\.io/(?:library/)?|public\.ecr\.aws/docker/library/)"
)
#: Architecture-specific namespaces of the official images (``arm64v8/alpine``).
_ARCH = LazyPattern(
    r"^(?:amd64|arm64v8|arm32v7|arm32v6|arm32v5|i386|ppc64le|s390x|riscv64|mips64le|windows-amd64)/"
)


def normalise_repository(repository: str) -> str:
    """``docker.io/library/python`` and ``arm64v8/python`` -> ``python``."""
    name = _MIRROR.sub("", repository.lower(), count=1)
    return _ARCH.sub("", name, count=1)


def image_env(repository: str | None) -> frozenset[str] | None:
    """The ENV names (PATH aside) the image may set, or None when dflint does not know it."""
    if not repository:
        return None
    from dflint.data import load_json

    images: dict[str, list[str]] = load_json("base_env.json")["images"]
    names = images.get(normalise_repository(repository))
    return None if names is None else frozenset(names)
