"""The instruction-level DL rules (stages, COPY/ADD, labels, instructions, exec form).

Positions are covered by the YAML fixtures (tests/test_rule_fixtures.py); here: the fixes those
fixtures describe, the label value validators, rule metadata, and a corpus run proving that
no rule raises on real files.
"""

from __future__ import annotations

import importlib
import os
import re
from pathlib import Path
from typing import Any

import pytest
from rule_harness import RuleCase, _OnlyRule, build_options, load_cases, registry

from dflint.engine import Linter
from dflint.finding import Finding, FixSafety
from dflint.fix import fix_text
from dflint.plugin import Rule

# Imported by name: `dflint_rules` is an editable install that mypy cannot follow.
stages, copy_add, metadata, instructions, exec_form = (
    importlib.import_module(f"dflint_rules.{name}")
    for name in ("stages", "copy_add", "metadata", "instructions", "exec_form")
)
MY_MODULES = (stages, copy_add, metadata, instructions, exec_form)
MY_CODES = sorted(
    value.code
    for module in MY_MODULES
    for value in vars(module).values()
    if isinstance(value, type)
    and issubclass(value, Rule)
    and "code" in vars(value)
    and value.__module__ == module.__name__
)
FIX_CASES = [c for c in load_cases() if c.code in MY_CODES and c.fix is not None]
CORPUS = Path("/work/shared/corpus/realworld")


def _lint(code: str, options: object, text: str) -> tuple[list[Finding], bool]:
    linter = Linter(registry(), lambda _path: _OnlyRule(code, options))
    outcome = linter.lint_bytes(text.encode("utf-8"), "Dockerfile", Path("Dockerfile"))
    return [f for f in outcome.findings if f.code == code], outcome.parse_failed


def test_expected_codes_are_all_registered() -> None:
    assert sorted([
        "DL1001", "DL3000", "DL3002", "DL3011", "DL3020", "DL3021", "DL3022", "DL3023", "DL3024",
        "DL3025", "DL3026", "DL3029", "DL3043", "DL3044", "DL3045", "DL3048", "DL3049", "DL3050",
        "DL3051", "DL3052", "DL3053", "DL3054", "DL3055", "DL3056", "DL3057", "DL3058", "DL3061",
        "DL3063", "DL3065", "DL3066", "DL3067", "DL4000",
    ]) == MY_CODES
    for code in MY_CODES:
        assert code in registry().rules, code
        assert registry().rules[code].validate_metadata() == []


def test_our_aliases_are_on_one_rule_each() -> None:
    ours = {alias for code in MY_CODES for alias in registry().rules[code].aliases}
    seen: dict[str, str] = {}
    for rule in registry():
        for alias in set(rule.aliases) & ours:
            assert alias not in seen, f"{alias} on {seen.get(alias)} and {rule.code}"
            seen[alias] = rule.code
    assert seen["DuplicateStageName"] == "DL3024"
    assert seen["JSONArgsRecommended"] == "DL3025"
    assert seen["WorkdirRelativePath"] == "DL3000"


def test_docstrings_have_the_rule_page_sections() -> None:
    for code in MY_CODES:
        doc = registry().rules[code].documentation()
        for section in ("## What it does", "## Why is this bad?", "## Example", "## Use instead"):
            assert section in doc, (code, section)


def test_off_by_default_like_hadolint_ignore_severity() -> None:
    assert registry().rules["DL1001"].enabled_by_default is False
    assert registry().rules["DL3057"].enabled_by_default is False


@pytest.mark.parametrize("case", FIX_CASES, ids=[c.id for c in FIX_CASES])
def test_fix_gives_the_expected_file(case: RuleCase) -> None:
    rule = registry().rules[case.code]
    options = build_options(rule, case.options)
    result = fix_text(case.dockerfile, lambda text: _lint(case.code, options, text), unsafe=True)
    assert result.fixed == case.fix


def test_fix_safety_declared() -> None:
    assert registry().rules["DL4000"].fix_safety is FixSafety.SAFE
    assert registry().rules["DL3025"].fix_safety is FixSafety.UNSAFE
    findings, _ = _lint("DL3025", registry().rules["DL3025"].default_options(), "FROM a:1\nCMD app\n")
    assert findings[0].fix is not None and findings[0].fix.safety is FixSafety.UNSAFE
    result = fix_text("FROM a:1\nCMD app\n", lambda t: _lint("DL3025", None, t), unsafe=False)
    assert result.fixed == "FROM a:1\nCMD app\n"


@pytest.mark.parametrize(("script", "expected"), [
    ("node server.js", '["node", "server.js"]'),
    ("/app --port=80 -v", '["/app", "--port=80", "-v"]'),
    ("echo $HOME", None),
    ("a && b", None),
    ("a | b", None),
    ("a; b", None),
    ("a > f", None),
    ("ls *.txt", None),
    ("echo 'x'", None),
    ("run a\\ b", None),
    ("echo %PATH%", None),
    ("cd ~", None),
    ("", None),
])
def test_exec_form_of(script: str, expected: str | None) -> None:
    assert exec_form.exec_form_of(script) == expected


@pytest.mark.parametrize(("value", "ok"), [
    ("https://example.com", True), ("http://x", True), ("mailto:a@b.c", True),
    ("urn:isbn:0451450523", True), ("example.com", False), ("git@github.com:a/b.git", False),
    ("/path", False), ("https://a b", False), ("https:example.com", False), ("http://x/%zz", False),
])
def test_is_url(value: str, ok: bool) -> None:
    assert metadata.is_url(value) is ok


@pytest.mark.parametrize(("value", "ok"), [
    ("2024-01-02T03:04:05Z", True), ("2024-01-02T03:04:05.123+02:00", True),
    ("2024-01-02t03:04:05z", True), ("2016-12-31T23:59:60Z", True), ("2024-01-02", False),
    ("2024-01-02 03:04:05Z", False), ("2024-13-02T03:04:05Z", False),
    ("2024-02-30T00:00:00Z", False), ("2024-01-02T24:00:00Z", False),
    ("2024-01-02T03:04:05+25:00", False), ("2024-01-02T03:04:05", False),
])
def test_is_rfc3339(value: str, ok: bool) -> None:
    assert metadata.is_rfc3339(value) is ok


@pytest.mark.parametrize(("value", "ok"), [
    ("1.0.0", True), ("1.0.0-rc.1+b5", True), ("0.0.0-alpha-1", True), ("1.0.0-0a", True),
    ("v1.0.0", False), ("1.0", False), ("01.0.0", False), ("1.0.0-01", False), ("1.0.0+", False),
])
def test_is_semver(value: str, ok: bool) -> None:
    assert metadata.is_semver(value) is ok


@pytest.mark.parametrize(("value", "ok"), [
    ("abcdef0", True), ("0123456789abcdef0123456789abcdef01234567", True),
    ("ABCDEF0", False), ("abcdef01", False), ("abcdefg", False),
])
def test_is_git_hash(value: str, ok: bool) -> None:
    assert metadata.is_git_hash(value) is ok


@pytest.mark.parametrize(("value", "ok"), [
    ("a@b.com", True), ("first.last+tag@sub.example.co.uk", True), ("root@localhost", True),
    ("A B <a@b.com>", False), ("ab.com", False), ("a@-b.com", False), ("a..b@c.d", False),
])
def test_is_email(value: str, ok: bool) -> None:
    assert metadata.is_email(value) is ok


@pytest.mark.parametrize(("value", "ok"), [
    ("MIT", True), ("mit", True), ("MIT OR Apache-2.0", True), ("GPL-2.0+", True),
    ("(MIT AND BSD-3-Clause)", True), ("LicenseRef-x", True), ("Foo-1.0", False),
    ("MIT AND", False), ("", False), ("MIT WITH Foo", False),
])
def test_is_spdx(value: str, ok: bool) -> None:
    assert metadata.is_spdx(value) is ok


@pytest.mark.parametrize(("value", "ok"), [
    ("MIT", True), ("(MIT OR Apache-2.0) AND BSD-3-Clause", True), ("MIT AND", False),
    ("(MIT", False), ("MIT)", False), ("MIT Apache-2.0", False), ("", False), ("MIT !", False),
])
def test_spdx_grammar_fallback(value: str, ok: bool) -> None:
    assert metadata._spdx_syntax_ok(value) is ok


@pytest.mark.parametrize(("key", "ok"), [
    ("org.opencontainers.image.title", True), ("a_b", True), ("c/d", True), ("x9", True),
    ("Ab", False), ("x..y", False), ("z-", False), ("a--b", False), ("1a", False),
    ("com.docker.x", False), ("", False), ("a b", False),
])
def test_label_keys(key: str, ok: bool) -> None:
    assert metadata.is_valid_label_key(key) is ok


@pytest.mark.parametrize(("ref", "registry_host"), [
    ("ubuntu:24.04", "docker.io"), ("library/nginx", "docker.io"), ("docker.io/x/y", "docker.io"),
    ("index.docker.io/x/y", "docker.io"), ("localhost:5000/app", "localhost:5000"),
    ("localhost/app", "localhost"), ("GHCR.io/org/app", "ghcr.io"), ("org/app", "docker.io"),
])
def test_registry_of(ref: str, registry_host: str) -> None:
    assert stages.registry_of(ref) == registry_host


def _options_for_corpus(code: str) -> object:
    rule = registry().rules[code]
    presets: dict[str, dict[str, Any]] = {
        "DL3026": {"trusted_registries": ["docker.io", "*.example.com"]},
        "DL3050": {"strict_labels": True, "label_schema": {"version": "semver"}},
    }
    raw = presets.get(code)
    if raw is None and code in {"DL3049", "DL3051", "DL3052", "DL3053", "DL3054", "DL3055",
                                "DL3056", "DL3058"}:
        raw = {"label_schema": {
            "version": "semver", "org.opencontainers.image.source": "url", "maintainer": "email",
            "org.opencontainers.image.created": "rfc3339", "license": "spdx", "rev": "hash",
        }}
    return build_options(rule, raw or {})


class _MyRules:
    """Settings enabling every rule of these modules at once, with options that activate them."""

    failure_threshold = None
    disable_ignore_pragma = False

    def is_enabled(self, code: str, path: Path) -> bool:
        return code in MY_CODES

    def severity_for(self, rule: Any) -> Any:
        return rule.severity

    def options_for(self, rule: Any) -> Any:
        return _options_for_corpus(rule.code)


def _rule_errors(files: list[Path]) -> list[str]:
    linter = Linter(registry(), lambda _path: _MyRules())
    errors: list[str] = []
    for path in files:
        errors.extend(linter.lint_bytes(path.read_bytes(), str(path), path).rule_errors)
    return errors


@pytest.mark.corpus
def test_no_rule_raises_on_the_corpus() -> None:
    if os.environ.get("DFLINT_FULL_CORPUS") != "1" or not CORPUS.is_dir():
        pytest.skip("set DFLINT_FULL_CORPUS=1 for the whole corpus")
    assert _rule_errors(sorted(p for p in CORPUS.rglob("*") if p.is_file())) == []


def test_no_rule_raises_on_a_corpus_slice() -> None:
    if not CORPUS.is_dir():
        pytest.skip("corpus not available")
    files = sorted(p for p in CORPUS.rglob("*") if p.is_file())
    assert _rule_errors(files[:: max(1, len(files) // 40)]) == []


_BLOCK = re.compile(r"## (Example|Use instead)\n```dockerfile\n(.*?)```", re.S)
_DOC_OPTIONS: dict[str, dict[str, Any]] = {
    "DL3026": {"trusted_registries": ["ghcr.io"]},
    "DL3049": {"label_schema": {"version": "semver"}},
    "DL3050": {"label_schema": {"version": "semver"}, "strict_labels": True},
    "DL3051": {"label_schema": {"version": "semver"}},
    "DL3052": {"label_schema": {"org.opencontainers.image.source": "url"}},
    "DL3053": {"label_schema": {"org.opencontainers.image.created": "rfc3339"}},
    "DL3054": {"label_schema": {"org.opencontainers.image.licenses": "spdx"}},
    "DL3055": {"label_schema": {"org.opencontainers.image.revision": "hash"}},
    "DL3056": {"label_schema": {"org.opencontainers.image.version": "semver"}},
    "DL3058": {"label_schema": {"maintainer": "email"}},
}


@pytest.mark.parametrize("code", MY_CODES)
def test_documented_example_triggers_and_use_instead_does_not(code: str) -> None:
    rule = registry().rules[code]
    blocks = dict((kind, body) for kind, body in _BLOCK.findall(rule.documentation()))
    options = build_options(rule, _DOC_OPTIONS.get(code, {}))
    for kind, expected in (("Example", True), ("Use instead", False)):
        body = blocks[kind]
        lines = [line for line in body.splitlines() if not (line.startswith("# ") and " = " in line)]
        text = "\n".join(lines) + "\n"
        if code != "DL3061" and not re.search(r"^FROM ", text, re.M):
            text = "FROM alpine:3.20\n" + text
        findings, _ = _lint(code, options, text)
        assert bool(findings) is expected, (kind, text, [f.message for f in findings])
