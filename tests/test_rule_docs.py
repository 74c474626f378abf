"""Rule documentation: every rule has the sections users rely on, and docs/rules/ is current."""

from __future__ import annotations

from pathlib import Path

import pytest

from dflint.engine import load_registry
from dflint.ruledoc import render_rule_page

DOCS = Path(__file__).resolve().parent.parent / "docs" / "rules"
REGISTRY = load_registry()
RULES = list(REGISTRY)
SECTIONS = ("## What it does", "## Why is this bad?", "## Example", "## Use instead")


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_rule_page_has_the_sections(rule: type) -> None:
    doc = rule.documentation()  # type: ignore[attr-defined]
    assert [s for s in SECTIONS if s not in doc] == []


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_generated_page_is_current(rule: type) -> None:
    page = DOCS / f"{rule.code}.md"  # type: ignore[attr-defined]
    assert page.exists(), "run `python -m dflint.ruledoc_main` to generate docs/rules/"
    assert page.read_text(encoding="utf-8") == render_rule_page(rule), (  # type: ignore[arg-type]
        "docs/rules is stale: run `python -m dflint.ruledoc_main`"
    )


def test_codes_names_and_aliases_are_unique() -> None:
    names = [r.name for r in RULES]
    assert len(names) == len(set(names))
    assert REGISTRY.problems == []


def test_fixable_rules_are_marked_in_the_listing() -> None:
    page = render_rule_page(REGISTRY.rules["DF002"])
    assert "- Fix: safe" in page
