"""Rule pages rendered from rule metadata: `dflint rule CODE`, docs/rules/CODE.md, hovers.

One renderer for every place a rule is described, so the terminal, the docs folder, SARIF help
and the editor can never disagree.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from dflint.plugin import Rule


def render_rule_page(rule: type[Rule]) -> str:
    lines = [f"# {rule.code}: {rule.name}", "", rule.summary + ".", ""]
    facts = [f"- Severity: `{rule.severity.label}`"]
    if rule.aliases:
        facts.append("- Aliases: " + ", ".join(f"`{a}`" for a in rule.aliases))
    facts.append(f"- Fix: {_fix_text(rule)}")
    facts.append(f"- Enabled by default: {'yes' if rule.enabled_by_default else 'no'}")
    lines += [*facts, ""]
    lines.append(rule.documentation())
    options = _options_table(rule)
    if options:
        lines += ["", "## Options", "", *options]
    return "\n".join(lines).rstrip() + "\n"


def _fix_text(rule: Rule | type[Rule]) -> str:
    value = rule.fix_safety.value
    return {"none": "none", "safe": "safe (applied by `--fix`)",
            "unsafe": "unsafe (applied by `--fix --unsafe-fixes`)"}[value]


def _options_table(rule: type[Rule]) -> list[str]:
    if not dataclasses.is_dataclass(rule.Options):
        return []
    fields = dataclasses.fields(rule.Options)
    if not fields:
        return []
    defaults = rule.default_options()
    rows = ["| option | default |", "| --- | --- |"]
    for f in fields:
        rows.append(f"| `{f.name.replace('_', '-')}` | `{getattr(defaults, f.name)!r}` |")
    return rows


def write_rule_docs(rules: list[type[Rule]], directory: Path) -> list[Path]:
    """Write one page per rule plus an index; returns the files written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for rule in rules:
        path = directory / f"{rule.code}.md"
        path.write_text(render_rule_page(rule), encoding="utf-8")
        written.append(path)
    index = ["# Rules", "", "| code | name | severity | fix | summary |", "| --- | --- | --- | --- | --- |"]
    for rule in rules:
        index.append(f"| [{rule.code}]({rule.code}.md) | {rule.name} | {rule.severity.label} | "
                     f"{rule.fix_safety.value} | {rule.summary} |")
    (directory / "README.md").write_text("\n".join(index) + "\n", encoding="utf-8")
    written.append(directory / "README.md")
    return written
