"""Issue 3's mission rules beyond the position fixtures: the seed files, and DF002's fixes.

The YAML fixtures (tests/test_rule_fixtures.py) check every finding's position; this module
checks what they cannot yet: that the five seed Dockerfiles give exactly the expected mission
findings, and that applying DF002's safe fixes yields the ``fix:`` text of its fixtures.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rule_harness import RuleCase, load_cases, registry, run_fix

from dflint.engine import Linter
from dflint.finding import Finding, FixSafety
from dflint.fix import fix_text

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "fixtures" / "seeds"
MISSION = ("DL3006", "DL3007", "DF001", "DF002", "DL4003", "DL4004", "DL3012")


class _Only:
    failure_threshold = None
    disable_ignore_pragma = False

    def __init__(self, codes: tuple[str, ...]) -> None:
        self.codes = codes

    def is_enabled(self, code: str, path: Path) -> bool:
        return code in self.codes

    def severity_for(self, rule: Any) -> Any:
        return rule.severity

    def options_for(self, rule: Any) -> Any:
        return rule.default_options()


def _linter(*codes: str) -> Linter:
    settings = _Only(codes)
    return Linter(registry(), lambda _path: settings)


def _findings(text: str, *codes: str) -> list[Finding]:
    outcome = _linter(*codes).lint_bytes(text.encode("utf-8"), "Dockerfile", Path("Dockerfile"))
    return [f for f in outcome.findings if f.code in codes]


@pytest.mark.parametrize(
    ("seed", "expected"),
    [
        ("000_flask", ["DF001 3:6"]),
        ("001_python_alpine", ["DF001 4:6"]),
        ("002_ubuntu_flask", ["DF002 5:20"]),
        ("003_python_slim", []),
        ("004_python_alpine", []),
    ],
)
def test_seed_findings(seed: str, expected: list[str]) -> None:
    text = (SEEDS / seed / "Dockerfile").read_text(encoding="utf-8")
    got = [f"{f.code} {f.line}:{f.column}" for f in _findings(text, *MISSION)]
    assert got == expected


def test_seed_messages_name_both_lines() -> None:
    text = (SEEDS / "000_flask" / "Dockerfile").read_text(encoding="utf-8")
    (finding,) = _findings(text, "DF001")
    assert finding.message == (
        "COPY at line 3 brings in the whole build context before the dependency install at line 4 "
        "(pip install -r requirements.txt); copy requirements.txt first, install, then copy the rest"
    )


def test_seed_002_fix_is_safe_and_exact() -> None:
    text = (SEEDS / "002_ubuntu_flask" / "Dockerfile").read_text(encoding="utf-8")
    (finding,) = _findings(text, "DF002")
    assert finding.fix is not None and finding.fix.safety is FixSafety.SAFE
    assert registry().rules["DF002"].fix_safety is FixSafety.SAFE
    fixed = fix_text(text, lambda t: (_findings(t, "DF002"), False)).fixed
    assert fixed.splitlines()[4] == "RUN apt-get update && apt-get install -y python3 python3-pip"
    assert _findings(fixed, "DF002") == []


def _fix_cases() -> list[RuleCase]:
    return [c for c in load_cases() if c.code in MISSION and c.fix is not None]


@pytest.mark.parametrize("case", _fix_cases(), ids=[c.id for c in _fix_cases()])
def test_fixture_fixes(case: RuleCase) -> None:
    # With the case's options (DF001's fix needs `context_files`) and, for rules whose fixes are
    # unsafe or cases marked `unsafe: true`, unsafe fixes: what `dflint --fix` would do.
    assert run_fix(case).fixed == case.fix


def test_background_fix_is_unsafe_only() -> None:
    text = "FROM ubuntu:22.04\nRUN apt-get update & apt-get install -y curl\n"
    (finding,) = _findings(text, "DF002")
    assert finding.fix is not None and finding.fix.safety is FixSafety.UNSAFE
    assert fix_text(text, lambda t: (_findings(t, "DF002"), False)).fixed == text
    unsafe = fix_text(text, lambda t: (_findings(t, "DF002"), False), unsafe=True).fixed
    assert unsafe == "FROM ubuntu:22.04\nRUN apt-get update && apt-get install -y curl\n"
