"""Which files `dflint DIR` picks up."""

from __future__ import annotations

from pathlib import Path

import pytest

from dflint.discover import find_dockerfiles, is_dockerfile_name


@pytest.mark.parametrize("name", ["Dockerfile", "Containerfile", "Dockerfile.dev", "prod.Dockerfile",
                                  "app.dockerfile", "Dockerfile-alpine", "dockerfile"])
def test_dockerfile_names(name: str) -> None:
    assert is_dockerfile_name(name)


@pytest.mark.parametrize("name", ["Dockerfiles.md", "docker-compose.yml", "README", "MyDockerfile"])
def test_other_names(name: str) -> None:
    assert not is_dockerfile_name(name)


def test_walk_skips_vcs_dependencies_venvs_and_gitignored(tmp_path: Path) -> None:
    for rel in ["Dockerfile", "svc/Dockerfile.prod", ".git/Dockerfile", "node_modules/x/Dockerfile",
                "env/Dockerfile", "build/Dockerfile", "svc/notes.txt"]:
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("FROM a:1\n")
    (tmp_path / "env" / "pyvenv.cfg").write_text("home = /usr\n")
    (tmp_path / ".gitignore").write_text("build/\n")
    found = [p.relative_to(tmp_path).as_posix() for p in find_dockerfiles([str(tmp_path)])]
    assert found == ["Dockerfile", "svc/Dockerfile.prod"]


def test_explicit_files_are_kept_even_with_other_names(tmp_path: Path) -> None:
    path = tmp_path / "weird.txt"
    assert list(find_dockerfiles([str(path)])) == [path]
