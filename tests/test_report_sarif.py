"""--format sarif: valid against the SARIF 2.1.0 schema, plus what GitHub code scanning requires."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest
from report_samples import RULES, SOURCE, odd_results, pin_finding, sample_results, syntax_finding

import dflint
from dflint.finding import Finding, Severity
from dflint.report import FileResult, render
from dflint.report._common import artifact_uri
from dflint.report.sarif import line_digest
from dflint.span import Span

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-2.1.0-rtm.5.json").read_text(encoding="utf-8"))


def _sarif(results: list[FileResult], rules: dict[str, Any] = RULES) -> dict[str, Any]:
    buf = io.StringIO()
    render("sarif", results, rules, out=buf)
    log: dict[str, Any] = json.loads(buf.getvalue())
    return log


def _validate(log: dict[str, Any]) -> None:
    validator_cls = jsonschema.validators.validator_for(SCHEMA)
    assert validator_cls is jsonschema.Draft4Validator  # the schema declares draft-04
    validator_cls(SCHEMA).validate(log)


def _walk_strings(node: Any, path: str = "") -> list[str]:
    """Paths of every empty string in the log (GitHub rejects empty required strings)."""
    if isinstance(node, dict):
        return [p for k, v in node.items() for p in _walk_strings(v, f"{path}.{k}")]
    if isinstance(node, list):
        return [p for i, v in enumerate(node) for p in _walk_strings(v, f"{path}[{i}]")]
    if isinstance(node, str) and not node.strip():
        return [path]
    return []


def test_valid_against_schema() -> None:
    _validate(_sarif(sample_results()))


def test_empty_run_is_valid() -> None:
    log = _sarif([FileResult("Dockerfile", [], [])])
    _validate(log)
    assert log["runs"][0]["results"] == []
    assert log["runs"][0]["tool"]["driver"]["rules"] == []


def test_github_requirements() -> None:
    log = _sarif(sample_results())
    assert log["version"] == "2.1.0"
    assert log["$schema"].startswith("https://")
    assert len(log["runs"]) == 1
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "dflint"
    assert driver["semanticVersion"] == dflint.__version__
    assert driver["informationUri"].startswith("https://")
    rules = driver["rules"]
    results = log["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == ["DF000", "DL3008", "DF010"]
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert 1 <= len(result["locations"]) <= 10
        assert result["partialFingerprints"]["primaryLocationLineHash"]
    assert sorted(r["id"] for r in rules) == ["DF000", "DF010", "DL3008"]  # only rules that appear
    for rule in rules:
        assert len(rule["shortDescription"]["text"]) <= 1024
        assert len(rule["name"]) <= 255
    assert _walk_strings(log) == []


def test_rule_descriptor_from_metadata() -> None:
    rules = {r["id"]: r for r in _sarif(sample_results())["runs"][0]["tool"]["driver"]["rules"]}
    pin = rules["DL3008"]
    doc = RULES["DL3008"].documentation()
    assert pin == {
        "id": "DL3008",
        "name": "apt-get-pin-versions",
        "shortDescription": {"text": "Pin versions in apt-get install"},
        "fullDescription": {"text": "Checks that `apt-get install` pins versions."},
        "help": {"text": doc, "markdown": doc},
        "helpUri": "https://github.com/dflint/dflint/blob/main/docs/rules/DL3008.md",
        "defaultConfiguration": {"level": "warning"},
        "properties": {"tags": ["dockerfile", "apt-pin", "PinApt"]},
    }
    assert rules["DF010"]["defaultConfiguration"] == {"level": "note"}
    assert rules["DF000"]["defaultConfiguration"] == {"level": "error"}


def test_result_levels_locations_and_fix() -> None:
    results = _sarif(sample_results())["runs"][0]["results"]
    assert [r["level"] for r in results] == ["error", "warning", "note"]
    pin = results[1]
    assert pin["message"] == {"text": "Pin versions in apt-get install: curl"}
    assert pin["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "Dockerfile"},
        "region": {"startLine": 2, "startColumn": 21, "endLine": 2, "endColumn": 25},
    }
    assert pin["fixes"] == [
        {
            "description": {"text": "Pin curl to 8.0"},
            "artifactChanges": [
                {
                    "artifactLocation": {"uri": "Dockerfile"},
                    "replacements": [
                        {
                            "deletedRegion": {
                                "startLine": 2, "startColumn": 25, "endLine": 2, "endColumn": 25
                            },
                            "insertedContent": {"text": "=8.0"},
                        }
                    ],
                }
            ],
            "properties": {"safety": "safe"},
        }
    ]
    assert "fixes" not in results[0]


def test_fingerprint_is_stable_when_the_line_moves() -> None:
    before = FileResult("Dockerfile", [pin_finding(line=2)], SOURCE)
    moved = FileResult("Dockerfile", [pin_finding(line=3)], ["# new comment\n", *SOURCE])
    hash_before = _sarif([before])["runs"][0]["results"][0]["partialFingerprints"]
    hash_after = _sarif([moved])["runs"][0]["results"][0]["partialFingerprints"]
    assert hash_before == hash_after
    assert hash_before["primaryLocationLineHash"] == line_digest("DL3008", "RUN apt-get install curl") + ":1"


def test_fingerprint_changes_with_the_text_and_counts_occurrences() -> None:
    source = ["RUN apt-get install curl\n", "RUN apt-get install curl\n", "RUN apt-get install  wget\n"]
    result = FileResult("Dockerfile", [pin_finding(line=n) for n in (1, 2, 3)], source)
    sarif_results = _sarif([result])["runs"][0]["results"]
    hashes = [r["partialFingerprints"]["primaryLocationLineHash"] for r in sarif_results]
    assert hashes[0].endswith(":1")
    assert hashes[1] == hashes[0][:-2] + ":2"
    assert hashes[2].split(":")[0] != hashes[0].split(":")[0]
    assert len(set(hashes)) == 3


def test_unknown_rule_and_unreadable_file_still_valid() -> None:
    unreadable = Finding("DF900", "unreadable-file", Severity.ERROR, "", "missing/Dockerfile",
                         Span(1, 1, 1, 1))
    weird = Finding("X1234", "", Severity.INFO, "odd", "Docker file#1", Span(0, 0, 0, 0))
    log = _sarif([FileResult("missing/Dockerfile", [], None, errors=[unreadable]),
                  FileResult("Docker file#1", [weird], None)], rules={})
    _validate(log)
    assert _walk_strings(log) == []
    results = log["runs"][0]["results"]
    assert results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "Docker%20file%231"
    assert results[0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 1
    assert results[1]["message"]["text"] == "unreadable-file"


@pytest.mark.parametrize(
    ("path", "cwd", "uri"),
    [
        ("Dockerfile", "/repo", "Dockerfile"),
        ("./sub/Dockerfile", "/repo", "sub/Dockerfile"),
        ("sub\\Dockerfile", "/repo", "sub/Dockerfile"),
        ("/repo/sub/Dockerfile", "/repo", "sub/Dockerfile"),
        ("/elsewhere/Dockerfile", "/repo", "file:///elsewhere/Dockerfile"),
    ],
)
def test_artifact_uri(path: str, cwd: str, uri: str) -> None:
    assert artifact_uri(path, cwd) == uri


def test_syntax_error_message_first_sentence() -> None:
    log = _sarif([FileResult("Dockerfile", [], SOURCE, errors=[syntax_finding(message="a\nb")])])
    _validate(log)
    assert log["runs"][0]["results"][0]["message"]["text"] == "a\nb"


def test_odd_input_still_valid() -> None:
    log = _sarif(odd_results())
    _validate(log)
    assert _walk_strings(log) == []
