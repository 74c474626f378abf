"""hadolint's remaining shell rules (DL3001/3003/3004/3010/3046/3047/3059, DL4001/4005/4006) and
dflint's DF201-DF208 (secrets, curl | sh, ADD checksums, layers, USER, end-of-life images).

Positions live in the YAML fixtures (tests/test_rule_fixtures.py); here: the fixes and their
safety, the docs examples, the EOL data table, helper functions, and a corpus run proving no
rule raises on real files.
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
import re
from pathlib import Path
from typing import Any

import pytest
from rule_harness import RuleCase, _OnlyRule, build_options, load_cases, registry

from dflint.data import load_json
from dflint.engine import Linter
from dflint.finding import Finding, FixSafety
from dflint.fix import fix_text
from dflint.plugin import Rule

# Imported by name: `dflint_rules` is an editable install that mypy cannot follow.
shell_misc, change_directory, layers, security, eol = (
    importlib.import_module(f"dflint_rules.{name}")
    for name in ("shell_misc", "change_directory", "layers", "security", "eol")
)
MY_MODULES = (shell_misc, change_directory, layers, security, eol)
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
PINNED_TODAY = {"DF208": {"today": "2025-01-01"}}


def _lint(code: str, options: object, text: str) -> tuple[list[Finding], bool]:
    linter = Linter(registry(), lambda _path: _OnlyRule(code, options))
    outcome = linter.lint_bytes(text.encode("utf-8"), "Dockerfile", Path("Dockerfile"))
    return [f for f in outcome.findings if f.code == code], outcome.parse_failed


def _default(code: str) -> object:
    rule = registry().rules[code]
    return build_options(rule, PINNED_TODAY.get(code, {}))


def test_expected_codes_are_all_registered() -> None:
    assert MY_CODES == [
        "DF201", "DF202", "DF203", "DF204", "DF205", "DF206", "DF207", "DF208",
        "DL3001", "DL3003", "DL3004", "DL3010", "DL3046", "DL3047", "DL3059",
        "DL4001", "DL4005", "DL4006",
    ]
    for code in MY_CODES:
        assert registry().rules[code].validate_metadata() == []


def test_severities_follow_hadolint() -> None:
    expected = {"DL3001": "info", "DL3003": "warning", "DL3004": "error", "DL3010": "info",
                "DL3046": "warning", "DL3047": "info", "DL3059": "info", "DL4001": "warning",
                "DL4005": "warning", "DL4006": "warning"}
    assert {code: registry().rules[code].severity.label for code in expected} == expected


def test_only_df207_is_off_by_default() -> None:
    assert [c for c in MY_CODES if not registry().rules[c].enabled_by_default] == ["DF207"]


def test_docstrings_have_the_rule_page_sections() -> None:
    for code in MY_CODES:
        doc = registry().rules[code].documentation()
        for section in ("## What it does", "## Why is this bad?", "## Example", "## Use instead"):
            assert section in doc, (code, section)
    for code in ("DF201", "DF202"):
        assert "--mount=type=secret" in registry().rules[code].documentation()


_BLOCK = re.compile(r"## (Example|Use instead)\n```dockerfile\n(.*?)```", re.S)


@pytest.mark.parametrize("code", MY_CODES)
def test_docs_example_fails_and_use_instead_passes(code: str) -> None:
    blocks = dict((kind, body.replace("\\\\", "\\")) for kind, body in _BLOCK.findall(
        registry().rules[code].documentation()))
    example, instead = blocks["Example"], blocks["Use instead"]
    assert _lint(code, _default(code), example)[0], example
    assert _lint(code, _default(code), instead)[0] == [], instead


@pytest.mark.parametrize("case", FIX_CASES, ids=[c.id for c in FIX_CASES])
def test_fix_gives_the_expected_file(case: RuleCase) -> None:
    rule = registry().rules[case.code]
    options = build_options(rule, case.options)
    result = fix_text(case.dockerfile, lambda text: _lint(case.code, options, text), unsafe=True)
    assert result.fixed == case.fix


def _dl3003_fix_safety(text: str) -> FixSafety | None:
    findings, _ = _lint("DL3003", None, text)
    fix = findings[0].fix
    return fix.safety if fix is not None else None


@pytest.mark.parametrize(("text", "safety"), [
    # final stage: the image's working directory would change
    ("FROM a:1\nRUN cd /src && make\n", FixSafety.UNSAFE),
    # an absolute WORKDIR resets it before anything reads it
    ("FROM a:1\nRUN cd /src && make\nENV X=1\nCOPY a /abs/\nWORKDIR /app\nRUN make\n", FixSafety.SAFE),
    # a relative COPY destination before the WORKDIR would land elsewhere
    ("FROM a:1\nRUN cd /src && make\nCOPY a rel/\nWORKDIR /app\n", FixSafety.UNSAFE),
    # a later RUN would start in /src
    ("FROM a:1\nRUN cd /src && make\nRUN ls\nWORKDIR /app\n", FixSafety.UNSAFE),
    # a relative WORKDIR would be resolved against /src
    ("FROM a:1\nRUN cd /src && make\nWORKDIR app\n", FixSafety.UNSAFE),
    # end of a stage only read by COPY --from
    ("FROM a:1 AS b\nRUN cd /src && make\nFROM a:1\nCOPY --from=b /src/out /out\n", FixSafety.SAFE),
    # end of a stage another stage is built FROM
    ("FROM a:1 AS b\nRUN cd /src && make\nFROM b\nRUN ls\n", FixSafety.UNSAFE),
    # not exact: no fix at all
    ("FROM a:1\nRUN cd /src; make\n", None),
    ("FROM a:1\nRUN cd src && make\n", None),
    ("FROM a:1\nRUN cd \"$DIR\" && make\n", None),
    ("FROM a:1\nRUN cd /src\n", None),
    ("FROM a:1\nRUN cd /src && make && cd $OLDPWD\n", None),
    ("FROM a:1\nRUN --mount=type=cache,target=.cache cd /src && make\n", None),
    ("FROM a:1\nRUN ['sh', '-c', 'cd /src && make']\n".replace("'", '"'), None),
])
def test_dl3003_fix_safety(text: str, safety: FixSafety | None) -> None:
    assert _dl3003_fix_safety(text) is safety


def test_dl3003_unsafe_fix_needs_unsafe_flag() -> None:
    text = "FROM a:1\nRUN cd /src && make\n"
    result = fix_text(text, lambda t: _lint("DL3003", None, t), unsafe=False)
    assert result.fixed == text
    safe = "FROM a:1 AS b\nRUN cd /src && make\nFROM a:1\n"
    result = fix_text(safe, lambda t: _lint("DL3003", None, t), unsafe=False)
    assert result.fixed == "FROM a:1 AS b\nWORKDIR /src\nRUN make\nFROM a:1\n"


def test_dl3046_fix_is_safe() -> None:
    findings, _ = _lint("DL3046", None, "FROM a:1\nRUN useradd -u 1000000 app\n")
    assert findings[0].fix is not None and findings[0].fix.safety is FixSafety.SAFE


# -- helpers -----------------------------------------------------------------------------------


def test_secret_messages_never_repeat_the_secret() -> None:
    text = 'FROM a:1\nENV A=AKIA2E0A8F3B244C9986 B="password=Zq8vR2xLw9"\n'
    for code in ("DF201", "DF202"):
        findings, _ = _lint(code, _default(code), text)
        assert len(findings) == 1
        assert "AKIA2E0A8F3B244C9986" not in findings[0].message
        assert "Zq8vR2xLw9" not in findings[0].message


@pytest.mark.parametrize(("text", "bits"), [("", 0.0), ("aaaa", 0.0), ("abab", 1.0), ("abcd", 2.0)])
def test_shannon_entropy(text: str, bits: float) -> None:
    assert security.shannon_entropy(text) == pytest.approx(bits)


@pytest.mark.parametrize(("source", "kind"), [
    ("https://x/a.tgz", "http"), ("HTTP://x/a", "http"), ("https://github.com/a/b.git", "git"),
    ("https://github.com/a/b.git#main:sub", "git"), ("git@github.com:a/b.git", "git"),
    ("git://x/y", "git"), ("./https", None), ("app.tar.gz", None),
])
def test_remote_kind(source: str, kind: str | None) -> None:
    assert security.remote_kind(source) == kind


@pytest.mark.parametrize(("name", "tar"), [
    ("a.tar", True), ("a.TAR.GZ", True), ("a.tgz", True), ("a.tar.xz", True), ("a.tbz2", True),
    ("a.zip", False), ("a.gz", False), ("a.tar.lz", False), ("a.tar.Z", False),
])
def test_is_tar_archive(name: str, tar: bool) -> None:
    assert layers.is_tar_archive(name) is tar


# -- the EOL table -----------------------------------------------------------------------------


def test_eol_table_is_well_formed() -> None:
    table = load_json("eol.json")
    assert table["source"].startswith("https://endoflife.date")
    dt.date.fromisoformat(table["retrieved"])
    for product in ("python", "node", "golang", "ubuntu", "debian", "alpine"):
        data = table["products"][product]
        assert data["source"].startswith("https://endoflife.date/")
        assert data["images"]
        for day in data["cycles"].values():
            dt.date.fromisoformat(day)
        for cycle in data.get("codenames", {}).values():
            assert cycle in data["cycles"], (product, cycle)


def test_brief_dates() -> None:
    cycles = {p: d["cycles"] for p, d in load_json("eol.json")["products"].items()}
    assert cycles["python"]["3.8"] == "2024-10-07"
    assert cycles["python"]["3.9"] == "2025-10-31"
    assert cycles["node"]["16"] == "2023-09-11"
    assert cycles["node"]["18"] == "2025-04-30"
    assert cycles["ubuntu"]["18.04"] == "2023-05-31"
    assert cycles["ubuntu"]["20.04"] == "2025-05-31"
    assert cycles["debian"]["10"] == "2024-06-30"
    assert cycles["alpine"]["3.17"] == "2024-11-22"


@pytest.mark.parametrize(("repository", "tag", "found"), [
    ("python", "3.8.12-slim-buster", [("python", "3.8"), ("debian", "10")]),
    ("node", "16-alpine", [("node", "16")]),
    ("node", "gallium-bullseye", [("node", "16"), ("debian", "11")]),
    ("docker.io/library/golang", "1.19.3-alpine3.16", [("golang", "1.19"), ("alpine", "3.16")]),
    ("ubuntu", "18.04", [("ubuntu", "18.04")]),
    ("ubuntu", "bionic-20230530", [("ubuntu", "18.04")]),
    ("debian", "buster-slim", [("debian", "10")]),
    ("debian", "10.13", [("debian", "10")]),
    ("eclipse-temurin", "11-jre-focal", [("ubuntu", "20.04")]),
    ("python", "3", []),
    ("python", "latest", []),
    ("ghcr.io/org/python", "3.8", []),
    ("postgres", "9.6-alpine", [("postgres", "9.6")]),
])
def test_releases_in(repository: str, tag: str, found: list[tuple[str, str]]) -> None:
    assert [(h.product, h.cycle) for h in eol.releases_in(repository, tag)] == found


def test_today_option_forms() -> None:
    assert eol._today("2024-01-02") == dt.date(2024, 1, 2)
    assert eol._today(dt.date(2024, 1, 2)) == dt.date(2024, 1, 2)
    assert eol._today(dt.datetime(2024, 1, 2, 3, 4)) == dt.date(2024, 1, 2)
    assert eol._today(None) == dt.date.today()
    assert eol._today("not a date") == dt.date.today()


def test_eol_default_today_is_the_run_date() -> None:
    findings, _ = _lint("DF208", registry().rules["DF208"].default_options(), "FROM node:16\n")
    assert len(findings) == 1  # node 16 ended in 2023, before any run of this test


# -- corpus ------------------------------------------------------------------------------------


class _MyRules:
    failure_threshold = None
    disable_ignore_pragma = False

    def is_enabled(self, code: str, path: Path) -> bool:
        return code in MY_CODES

    def severity_for(self, rule: Any) -> Any:
        return rule.severity

    def options_for(self, rule: Any) -> Any:
        return _default(rule.code)


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
