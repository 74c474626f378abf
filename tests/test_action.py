"""action.yml (the GitHub Action) run the way the runner runs a composite action.

The steps are read from action.yml with a YAML parser, ``${{ inputs.x }}`` and
``${{ github.action_path }}`` are substituted as the runner substitutes them, each ``run`` is
written to a file and executed with ``bash --noprofile --norc -eo pipefail`` (the runner's
command for ``shell: bash``) in the step's working directory, with the step's ``env`` and a
``GITHUB_OUTPUT`` file, and what a step appends to ``GITHUB_PATH`` is on the ``PATH`` of the
steps after it. The lint step runs the dflint installed in this virtualenv; the install step runs
against a recording ``python3`` (installing from the network is not a unit test).
"""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
FIXTURES = ROOT / "fixtures" / "hadolint" / "dockerfiles"
_EXPRESSION = re.compile(r"\$\{\{\s*(inputs|github)\.([\w-]+)\s*\}\}")
_CONDITION = re.compile(r"^\$\{\{\s*inputs\.([\w-]+)\s*(==|!=)\s*'([^']*)'\s*\}\}$")


class Run:
    def __init__(self, status: int, stdout: str, outputs: dict[str, str]) -> None:
        self.status = status
        self.stdout = stdout
        self.outputs = outputs


def substitute(text: str, inputs: Mapping[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        scope, name = match.groups()
        if scope == "github":
            assert name == "action_path", f"the action uses github.{name}, which this test does not model"
            return str(ROOT)
        assert name in inputs, f"unknown input {name}"
        return inputs[name]

    return _EXPRESSION.sub(value, text)


def runs(step: Mapping[str, Any], inputs: Mapping[str, str]) -> bool:
    condition = step.get("if")
    if condition is None:
        return True
    match = _CONDITION.match(condition)
    assert match, f"condition {condition!r} is not one this test can evaluate"
    name, operator, literal = match.groups()
    return (inputs[name] == literal) == (operator == "==")


def run_action(workspace: Path, tmp_path: Path, path_prefix: Path | None = None, **given: str) -> Run:
    inputs = {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()}
    inputs.update({name.replace("_", "-"): value for name, value in given.items()})
    output_file = tmp_path / "github_output"
    output_file.write_text("")
    path_file = tmp_path / "github_path"
    path_file.write_text("")
    base_path = [str(path_prefix)] if path_prefix else []
    base_path += [str(Path(sys.executable).parent), os.environ["PATH"]]
    stdout = []
    status = 0
    for number, step in enumerate(ACTION["runs"]["steps"]):
        if not runs(step, inputs):
            continue
        assert step["shell"] == "bash"
        script = tmp_path / f"step{number}.sh"
        script.write_text(substitute(step["run"], inputs))
        env = {name: value for name, value in os.environ.items()
               if not name.startswith(("HADOLINT_", "DFLINT_"))}
        env.update({name: substitute(str(value), inputs) for name, value in step.get("env", {}).items()})
        added = list(reversed(path_file.read_text().splitlines()))  # the runner prepends, latest first
        env.update({"GITHUB_OUTPUT": str(output_file), "GITHUB_PATH": str(path_file),
                    "PATH": os.pathsep.join(added + base_path), "HOME": str(tmp_path),
                    "RUNNER_TEMP": str(tmp_path / "runner-temp")})
        cwd = workspace / substitute(step.get("working-directory", "."), inputs)
        done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)], cwd=cwd,
                              env=env, capture_output=True, text=True, timeout=120)
        stdout.append(done.stdout)
        status = done.returncode
        if status != 0:
            break
    outputs = dict(line.split("=", 1) for line in output_file.read_text().splitlines() if "=" in line)
    return Run(status, "".join(stdout), outputs)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A checked-out repository: a Dockerfile at the root and two below it."""
    root = tmp_path / "workspace"
    (root / "services" / "api").mkdir(parents=True)
    (root / "Dockerfile").write_text((FIXTURES / "mixed.Dockerfile").read_text())
    (root / "services" / "api" / "Dockerfile").write_text((FIXTURES / "style-only.Dockerfile").read_text())
    (root / "services" / "Dockerfile").write_text((FIXTURES / "clean.Dockerfile").read_text())
    return root


def test_inputs_match_hadolint_action_where_they_overlap() -> None:
    shared = {"dockerfile": "Dockerfile", "recursive": "false", "format": "tty", "failure-threshold": "info",
              "config": "", "ignore": "", "no-fail": "false", "output-file": ""}
    assert {name: str(ACTION["inputs"][name].get("default", "")) for name in shared} == shared
    assert ACTION["runs"]["using"] == "composite"


def test_default_inputs_lint_the_root_dockerfile_and_fail(workspace: Path, tmp_path: Path) -> None:
    run = run_action(workspace, tmp_path, install="false")
    assert run.status == 1
    assert "DL4000" in run.stdout and "services" not in run.stdout
    assert run.outputs["exit-code"] == "1"


def test_sarif_to_a_file_without_failing(workspace: Path, tmp_path: Path) -> None:
    run = run_action(workspace, tmp_path, install="false", format="sarif", output_file="dflint.sarif",
                     no_fail="true")
    assert run.status == 0 and run.outputs["exit-code"] == "0"
    sarif = json.loads((workspace / "dflint.sarif").read_text())
    assert sarif["version"] == "2.1.0"
    assert {r["ruleId"] for r in sarif["runs"][0]["results"]} >= {"DL3006", "DL4000"}


def test_recursive_threshold_and_ignore(workspace: Path, tmp_path: Path) -> None:
    run = run_action(workspace, tmp_path, install="false", recursive="true", format="concise",
                     failure_threshold="error", ignore="DL4000,DL3020")
    assert run.status == 0  # the only errors were ignored; warnings are under the threshold
    assert "services/api/Dockerfile:2:7: DL3048" in run.stdout
    assert "DL4000" not in run.stdout


def test_a_repository_configuration_has_the_last_word_on_the_threshold(workspace: Path,
                                                                       tmp_path: Path) -> None:
    (workspace / ".hadolint.yaml").write_text("failure-threshold: style\n")
    run = run_action(workspace, tmp_path, install="false", dockerfile="services/api/Dockerfile",
                     failure_threshold="error")
    assert run.status == 1  # style finding, and the file's threshold wins over the input, as with hadolint


def test_config_input_and_working_directory(workspace: Path, tmp_path: Path) -> None:
    (workspace / "services" / "lint.toml").write_text('ignore = ["DL3048"]\n')
    run = run_action(workspace, tmp_path, install="false", working_directory="services", recursive="true",
                     config="lint.toml", failure_threshold="style")
    assert run.status == 0, run.stdout


def test_recursive_with_no_match_passes(workspace: Path, tmp_path: Path) -> None:
    run = run_action(workspace, tmp_path, install="false", recursive="true", dockerfile="Containerfile")
    assert run.status == 0 and "nothing to lint" in run.stdout


def test_install_step_installs_the_action_itself_or_the_given_version(workspace: Path,
                                                                      tmp_path: Path) -> None:
    stub_dir = tmp_path / "stub"
    stub_dir.mkdir()
    record = tmp_path / "calls"
    stub = stub_dir / "python3"
    # Records its arguments; `-m venv DIR` makes DIR/bin/python a copy of itself (and no dflint,
    # so the lint step still finds the real one further down the PATH).
    stub.write_text(
        "#!/bin/sh\n"
        f'printf "%s %s\\n" "$(basename "$0")" "$*" >> "{record}"\n'
        'if [ "$1 $2" = "-m venv" ]; then mkdir -p "$3/bin" && cp "$0" "$3/bin/python"; fi\n'
    )
    stub.chmod(stub.stat().st_mode | stat.S_IEXEC)
    first = run_action(workspace, tmp_path, path_prefix=stub_dir, dockerfile="services/Dockerfile")
    second = run_action(workspace, tmp_path, path_prefix=stub_dir, dockerfile="services/Dockerfile",
                        version="dflint==0.1.0")
    assert first.status == second.status == 0
    venv = tmp_path / "runner-temp" / "dflint-venv"
    assert record.read_text().splitlines() == [
        f"python3 -m venv {venv}",
        f"python -m pip install --disable-pip-version-check --quiet {ROOT}",
        f"python3 -m venv {venv}",
        "python -m pip install --disable-pip-version-check --quiet dflint==0.1.0",
    ]
    assert (tmp_path / "github_path").read_text().splitlines()[0] == f"{venv}/bin"
