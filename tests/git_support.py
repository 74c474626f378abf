"""git for the tests of ``dflint simulate``'s git modes: a repository with a fixed identity.

Why one helper: the ``--since``/``--history`` tests and the engine differential all build small
repositories; the user's git configuration (signing, hooks, default branch) must not leak in.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

__all__ = ["git", "umask"]


def git(repo: Path, *args: str) -> None:
    """Run git in ``repo`` as a fixed author, ignoring global and system configuration."""
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@t",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@t",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, env=env)


def umask() -> int:
    """This process's umask (what a checkout gives files: 0666 or 0777 minus it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
