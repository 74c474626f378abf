"""The pre-commit hook, run by the real pre-commit (`try-repo`) against a throw-away git repository.

pre-commit builds its own virtualenv from this repository (uncommitted changes included), so
this also proves that the package installs from source with its declared dependencies.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRE_COMMIT = Path(sys.executable).parent / "pre-commit"

pytestmark = pytest.mark.skipif(
    not PRE_COMMIT.exists() or shutil.which("git") is None,
    reason="pre-commit (test extra) and git are needed",
)


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def try_repo(project: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PRE_COMMIT_HOME=str(home), NO_COLOR="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
    return subprocess.run(
        [str(PRE_COMMIT), "try-repo", str(ROOT), "dflint", "--all-files"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def test_hook_fails_on_a_bad_dockerfile_then_passes_after_the_fix(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    git(project, "init", "-q")
    git(project, "config", "user.email", "t@example.com")
    git(project, "config", "user.name", "t")
    dockerfile = project / "Dockerfile"
    dockerfile.write_text(
        "FROM ubuntu:22.04\nRUN apt-get update & &apt-get install -y --no-install-recommends curl\n"
    )
    (project / "README.md").write_text("not a Dockerfile\n")
    git(project, "add", ".")

    home = tmp_path / "pre-commit-home"
    failed = try_repo(project, home)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "DF002" in failed.stdout

    dockerfile.write_text('FROM alpine:3.22\nCMD ["true"]\n')
    git(project, "add", ".")
    passed = try_repo(project, home)
    assert passed.returncode == 0, passed.stdout + passed.stderr
