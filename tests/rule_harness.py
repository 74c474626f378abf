"""Runs rule fixtures: YAML files in fixtures/rules/, one per rule (sqlfluff's data-driven style).

Format of ``fixtures/rules/<CODE>.yml``::

    rule: DF002
    cases:
      - name: spaced-ampersands          # unique within the file
        dockerfile: |
          FROM ubuntu:22.04
          RUN apt-get update & &apt-get install -y curl
        expect: ["2:20"]                 # every finding of this rule, as line:col
                                         # or line:col-end_line:end_col; [] = must not trigger
        options: {}                      # optional: the rule's options (kebab or snake case)
        message: "substring"             # optional: text every finding's message contains
        fix: |                           # optional: the file after `--fix` (safe fixes,
                                         # plus unsafe ones when the rule's fixes are unsafe
                                         # or the case says `unsafe: true`)
        path: Dockerfile.tt              # optional: the file's name (default Dockerfile);
                                         # templates are known by it (see dflint/templates.py)

A case fails when a finding is missing, extra, or at another position.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from dflint.engine import Linter, load_registry
from dflint.finding import Finding
from dflint.fix import FixResult, fix_text
from dflint.plugin import Registry

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "rules"
_REGISTRY: Registry | None = None


def registry() -> Registry:
    global _REGISTRY
    if _REGISTRY is None:
        _REGISTRY = load_registry()
    return _REGISTRY


@dataclass
class RuleCase:
    code: str
    name: str
    dockerfile: str
    expect: list[str]
    options: dict[str, Any] = field(default_factory=dict)
    message: str | None = None
    fix: str | None = None
    unsafe: bool = False
    source: str = ""
    path: str = "Dockerfile"

    @property
    def id(self) -> str:
        return f"{self.code}:{self.name}"


def load_cases() -> list[RuleCase]:
    cases = []
    for path in sorted(FIXTURES.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        code = data["rule"]
        for raw in data["cases"]:
            cases.append(RuleCase(
                code=code, name=raw["name"], dockerfile=raw["dockerfile"],
                expect=[str(e) for e in raw.get("expect", [])], options=raw.get("options") or {},
                message=raw.get("message"), fix=raw.get("fix"), unsafe=bool(raw.get("unsafe", False)),
                source=path.name, path=str(raw.get("path", "Dockerfile")),
            ))
    return cases


class _OnlyRule:
    """Settings that enable exactly one rule, with given options (keeps fixtures independent)."""

    failure_threshold = None
    disable_ignore_pragma = False

    def __init__(self, rule_code: str, options: Any) -> None:
        self.code = rule_code
        self.options = options

    def is_enabled(self, code: str, path: Path) -> bool:
        return code == self.code

    def severity_for(self, rule: Any) -> Any:
        return rule.severity

    def options_for(self, rule: Any) -> Any:
        return self.options


def build_options(rule: Any, raw: dict[str, Any]) -> Any:
    if not raw:
        return rule.default_options()
    return rule.Options(**{key.replace("-", "_"): value for key, value in raw.items()})


def _linter(case: RuleCase) -> Linter:
    reg = registry()
    rule = reg.rules[case.code]
    settings = _OnlyRule(case.code, build_options(rule, case.options))
    return Linter(reg, lambda _path: settings)


def lint_text(case: RuleCase, text: str) -> tuple[list[Finding], bool]:
    outcome = _linter(case).lint_bytes(text.encode("utf-8"), case.path, Path(case.path))
    return [f for f in outcome.findings if f.code == case.code], outcome.parse_failed


def run_case(case: RuleCase) -> list[Finding]:
    return lint_text(case, case.dockerfile)[0]


def run_fix(case: RuleCase) -> FixResult:
    from dflint.finding import FixSafety

    unsafe = case.unsafe or registry().rules[case.code].fix_safety is FixSafety.UNSAFE
    return fix_text(case.dockerfile, lambda text: lint_text(case, text), unsafe=unsafe)


def position_of(finding: Finding, detailed: bool) -> str:
    s = finding.span
    if detailed:
        return f"{s.start_line}:{s.start_col}-{s.end_line}:{s.end_col}"
    return f"{s.start_line}:{s.start_col}"
