"""Every rule fixture case: exact findings, exact positions (see tests/rule_harness.py)."""

from __future__ import annotations

from collections import Counter

import pytest
from rule_harness import RuleCase, lint_text, load_cases, position_of, registry, run_case, run_fix

CASES = load_cases()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_rule_fixture(case: RuleCase) -> None:
    findings = run_case(case)
    detailed = any("-" in e for e in case.expect)
    got = sorted(position_of(f, detailed) for f in findings)
    assert got == sorted(case.expect), [f.message for f in findings]
    if case.message:
        for finding in findings:
            assert case.message in finding.message


FIX_CASES = [c for c in CASES if c.fix is not None]


def official_commands(text: str) -> list[str]:
    """Instruction keywords as the official Go parser (PyPI `dockerfile`) reads the text."""
    import dockerfile

    return [c.cmd.lower() for c in dockerfile.parse_string(text)]


def our_commands(text: str) -> list[str]:
    from dflint.parser import parse_text

    return [i.cmd for i in parse_text(text).instructions]


def all_codes(text: str) -> Counter[str]:
    """Findings of every default rule, by code (positions shift under fixes; counts do not)."""
    from pathlib import Path

    from dflint.config import ConfigResolver
    from dflint.engine import Linter

    linter = Linter(registry(), ConfigResolver(registry(), isolated=True).settings_for)
    outcome = linter.lint_bytes(text.encode(), "Dockerfile", Path("Dockerfile"))
    return Counter(f.code for f in outcome.findings)


@pytest.mark.parametrize("case", FIX_CASES, ids=[c.id for c in FIX_CASES])
def test_rule_fix(case: RuleCase) -> None:
    """The fixed text is exactly as written, re-parses cleanly, and a second --fix is a no-op."""
    result = run_fix(case)
    assert result.fixed == case.fix
    if not result.changed:
        return  # a "no fix offered" case
    _, parse_failed = lint_text(case, result.fixed)
    assert not parse_failed
    again = run_fix(type(case)(**{**case.__dict__, "dockerfile": result.fixed}))
    assert not again.changed, "a second --fix changed the file again"
    # The official parser accepts the result and sees the instructions ours sees.
    assert official_commands(result.fixed) == our_commands(result.fixed)
    # The targeted finding is gone (or fewer), and no rule reports anything new.
    before, after = all_codes(case.dockerfile), all_codes(result.fixed)
    assert after[case.code] < before[case.code]
    assert not [code for code in after if after[code] > before[code]], (before, after)


def test_every_builtin_rule_has_passing_and_failing_fixtures() -> None:
    by_code: dict[str, list[RuleCase]] = {}
    for case in CASES:
        by_code.setdefault(case.code, []).append(case)
    missing = []
    for rule in registry():
        if registry().sources[rule.code].startswith("dflint (core)"):
            continue
        cases = by_code.get(rule.code, [])
        if not any(c.expect for c in cases) or not any(not c.expect for c in cases):
            missing.append(rule.code)
    assert missing == [], f"rules without both a failing and a passing fixture: {missing}"


def test_fixture_names_are_unique() -> None:
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids))
