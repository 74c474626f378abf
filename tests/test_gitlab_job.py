"""The GitLab CI job documented in docs/moving-from-hadolint.md, run as a runner would run it.

The job is read from the page itself (the YAML block after the ``gitlab-job`` marker), so the
documentation cannot drift from what is tested. Its ``script`` lines run with bash in a
repository of fixture Dockerfiles against the dflint installed here (the ``pip install`` line is
the one skipped: installing from the network is not a unit test), and the file named under
``artifacts:reports:codequality`` is validated against GitLab's Code Quality schema
(tests/data/gitlab-codequality.schema.json, written from GitLab's documented fields).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import yaml

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "moving-from-hadolint.md"
SCHEMA = json.loads((ROOT / "tests" / "data" / "gitlab-codequality.schema.json").read_text())
FIXTURES = ROOT / "fixtures" / "hadolint" / "dockerfiles"


def documented_job() -> dict[str, Any]:
    text = PAGE.read_text()
    block = re.search(r"<!-- gitlab-job:.*?-->\s*```yaml\n(.*?)```", text, re.DOTALL)
    assert block, "the GitLab job block is missing from docs/moving-from-hadolint.md"
    jobs: dict[str, Any] = yaml.safe_load(block.group(1))
    assert len(jobs) == 1
    return next(iter(jobs.values()))


def test_documented_job_writes_a_valid_code_quality_report(tmp_path: Path) -> None:
    job = documented_job()
    report_name = job["artifacts"]["reports"]["codequality"]
    assert job["artifacts"]["when"] == "always"  # the report is needed most when the job fails
    repo = tmp_path / "project"
    (repo / "services").mkdir(parents=True)
    shutil.copy(FIXTURES / "mixed.Dockerfile", repo / "Dockerfile")
    shutil.copy(FIXTURES / "style-only.Dockerfile", repo / "services" / "Dockerfile")
    lines = [line for line in job["script"] if not line.startswith("pip install")]
    assert len(lines) == len(job["script"]) - 1
    env = {name: value for name, value in os.environ.items() if not name.startswith(("HADOLINT_", "DFLINT_"))}
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env["PATH"]])
    env["HOME"] = str(tmp_path)
    done = subprocess.run(["bash", "-e", "-c", "\n".join(lines)], cwd=repo, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 1  # findings: the job fails, and the report is still uploaded
    assert "Dockerfile:2:1: DL4000" in done.stdout  # the tty listing in the job log
    report = json.loads((repo / report_name).read_text(encoding="utf-8"))
    jsonschema.validate(report, SCHEMA)
    assert {issue["location"]["path"] for issue in report} == {"Dockerfile", "services/Dockerfile"}
    assert not (repo / report_name).read_bytes().startswith(b"\xef\xbb\xbf")  # GitLab rejects a BOM
