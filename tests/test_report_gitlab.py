"""--format gitlab: GitLab Code Quality issues."""

from __future__ import annotations

import hashlib
import io
import json
from typing import Any

from report_samples import RULES, pin_finding, sample_results

from dflint.report import FileResult, render


def _issues(results: list[FileResult]) -> list[dict[str, Any]]:
    buf = io.StringIO()
    render("gitlab", results, RULES, out=buf)
    data: list[dict[str, Any]] = json.loads(buf.getvalue())
    return data


def test_exact_issue() -> None:
    issues = _issues(sample_results())
    assert [i["check_name"] for i in issues] == ["DF000", "DL3008", "DF010"]
    assert [i["severity"] for i in issues] == ["major", "minor", "info"]
    expected_fp = hashlib.sha256(
        "\0".join(["Dockerfile", "DL3008", "2", "21", "Pin versions in apt-get install: curl"]).encode()
    ).hexdigest()
    assert issues[1] == {
        "type": "issue",
        "description": "DL3008 Pin versions in apt-get install: curl",
        "check_name": "DL3008",
        "categories": ["Style"],
        "fingerprint": expected_fp,
        "severity": "minor",
        "location": {
            "path": "Dockerfile",
            "lines": {"begin": 2, "end": 2},
            "positions": {"begin": {"line": 2, "column": 21}, "end": {"line": 2, "column": 25}},
        },
    }


def test_fingerprints_unique_even_for_duplicates() -> None:
    twice = FileResult("Dockerfile", [pin_finding(), pin_finding()], None)
    other = FileResult("sub/Dockerfile", [pin_finding("sub/Dockerfile")], None)
    issues = _issues([twice, other])
    fingerprints = [i["fingerprint"] for i in issues]
    assert len(fingerprints) == 3
    assert len(set(fingerprints)) == 3
    assert all(len(fp) == 64 for fp in fingerprints)


def test_empty() -> None:
    assert _issues([FileResult("Dockerfile", [], [])]) == []
