"""The rule index (dflint/ruleindex.py) must be current and must never change what is reported.

* the checked-in ``rules/_index.py`` is exactly what ``python -m dflint.ruleindex`` writes;
* linting with the index (a rule runs only on files its triggers admit) and with every rule
  run on every file gives the same findings: on nasty fixtures (quotes inside command names,
  ANSI-C strings, comments inside continuations, heredocs, backtick escapes, ONBUILD, ARG
  before FROM, JSON exec form, Windows, templates), on every rule fixture, on a slice of the
  shared corpus, and (``make corpus``) on all of it;
* a module edited since the index was made, or unknown to it, is imported at start-up;
* a file that needs few rules imports few rule modules.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml
from rule_harness import registry as _registry

from dflint.config import CliOverrides, ConfigResolver
from dflint.engine import Linter
from dflint.plugin import discover
from dflint.ruleindex import FileFacts, RuleEntry, read_index
from dflint.ruleindex_build import expected_source, index_path

ROOT = Path(__file__).resolve().parent.parent
NASTY = sorted((ROOT / "fixtures" / "ruleindex").iterdir())
RULE_FIXTURES = sorted((ROOT / "fixtures" / "rules").glob("*.yml"))
CORPUS = ROOT.parent / "shared" / "corpus" / "realworld"

def _linters() -> tuple[Linter, Linter]:
    """Every rule selected (off-by-default ones too), with the index and without it."""
    registry = _registry()
    every = sorted(registry.entries)
    overrides = CliOverrides(select=every, config_settings=['rules.DF208.today = "2026-11-23"'])
    settings_for = ConfigResolver(registry, isolated=True, overrides=overrides).settings_for
    return Linter(registry, settings_for), Linter(registry, settings_for, use_triggers=False)


def _findings(linter: Linter, text: str) -> list[tuple[str, int, int, str]]:
    outcome = linter.lint_bytes(text.encode("utf-8", "surrogateescape"), "Dockerfile", Path("Dockerfile"))
    return [(f.code, f.line, f.column, f.message) for f in outcome.findings]


def _differences(texts: list[tuple[str, str]]) -> list[str]:
    lazy, eager = _linters()
    problems = []
    for name, text in texts:
        with_index, every_rule = _findings(lazy, text), _findings(eager, text)
        if with_index != every_rule:
            missing = sorted(set(every_rule) - set(with_index))
            problems.append(f"{name}: the index skipped {missing[:5]}")
    return problems


def test_index_is_current() -> None:
    path = index_path("dflint_rules")
    with open(path, encoding="utf-8") as fh:
        current = fh.read()
    assert current == expected_source(), (
        "rules/_index.py is stale: run `make ruleindex` (python -m dflint.ruleindex) and commit it")


@pytest.mark.parametrize("path", NASTY, ids=[p.name for p in NASTY])
def test_nasty_fixture_findings_do_not_depend_on_the_index(path: Path) -> None:
    assert _differences([(path.name, path.read_text(encoding="utf-8"))]) == []


def test_nasty_fixtures_exercise_the_command_triggers() -> None:
    # Equality proves nothing if nothing is found: these names are hidden from a plain search.
    _, eager = _linters()
    codes = {code for path in NASTY for code, *_ in _findings(eager, path.read_text(encoding="utf-8"))}
    assert {"DL3008", "DL3018", "DL3013", "DL3016", "DF203", "DL3004", "DL3028"} <= codes


def test_rule_fixture_cases_do_not_depend_on_the_index() -> None:
    texts = []
    for path in RULE_FIXTURES:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        texts.extend((f"{path.name}:{case['name']}", case["dockerfile"]) for case in data["cases"])
    assert len(texts) > 500
    assert _differences(texts) == []


def _corpus_files() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.iterdir()
                  if p.is_file() and not p.name.endswith((".md", ".json", ".jsonl", ".csv", ".tsv")))


def _corpus_texts(files: list[Path]) -> list[tuple[str, str]]:
    return [(p.name, p.read_bytes().decode("utf-8", "surrogateescape")) for p in files]


def test_corpus_slice_does_not_depend_on_the_index() -> None:
    files = _corpus_files()
    if not files:
        pytest.skip("shared corpus not present")
    step = max(1, len(files) // 250)
    assert _differences(_corpus_texts(files[::step])) == []


@pytest.mark.corpus
@pytest.mark.skipif(os.environ.get("DFLINT_FULL_CORPUS") != "1", reason="set DFLINT_FULL_CORPUS=1")
def test_whole_corpus_does_not_depend_on_the_index() -> None:
    files = _corpus_files()
    assert len(files) > 3000
    assert _differences(_corpus_texts(files)) == []


# -- the text the command names are searched in ----------------------------------------------


def _facts(text: str) -> FileFacts:
    from dflint.parser import parse_text

    return FileFacts(parse_text(text))


def _entry(instructions: set[str] | None = None, commands: set[str] | None = None,
           text: set[str] | None = None) -> RuleEntry:
    return RuleEntry("X001", "x", (), True, (), None if instructions is None else frozenset(instructions),
                     None if commands is None else frozenset(commands), (),
                     text_contains=None if text is None else frozenset(text))


@pytest.mark.parametrize("script", [
    'a"pt-g"et install x', "'apt-get' install x", "ap\\t-get install x", "/usr/bin/APT-GET install x",
    "apt-\\\n# comment\nget install x",
])
def test_command_names_are_found_through_quotes_escapes_and_continuations(script: str) -> None:
    assert _facts(f"FROM debian\nRUN {script}\n").admits(_entry(commands={"apt-get"}))


def test_heredoc_continuation_joins_the_name() -> None:
    facts = _facts("FROM alpine\nRUN <<EOF\nap\\\nk add curl\nEOF\n")
    assert facts.admits(_entry(commands={"apk"}))


def test_ansi_c_and_json_escapes_admit_every_rule() -> None:
    assert _facts("FROM x\nRUN $'\\x61pt-get' install y\n").text is None
    assert _facts('FROM x\nRUN ["sh", "-c", "apt\\u002dget install y"]\n').text is None


def test_onbuild_triggers_count_as_instructions() -> None:
    facts = _facts("FROM x\nONBUILD ONBUILD USER root\n")
    assert {"from", "onbuild", "user"} <= facts.instructions
    assert facts.admits(_entry(instructions={"user"}))
    assert not facts.admits(_entry(instructions={"expose"}))


def test_text_triggers_search_the_same_text() -> None:
    assert _facts("FROM x\nRUN a | b\n").admits(_entry(text={"|"}))
    assert not _facts("FROM x\nRUN a && b\n").admits(_entry(text={"|", "$"}))
    assert _facts("FROM x\nCOPY --fr`om=b a /\n").admits(_entry(text={"--from"}))


def test_a_rule_without_triggers_is_admitted_everywhere() -> None:
    assert _facts("FROM x\n").admits(_entry())
    assert not _facts("FROM x\n").admits(_entry(commands={"apt-get"}))


# -- drift between the index and the modules ---------------------------------------------------


def _package(tmp_path: Path, rows: str, files: str) -> Path:
    package = tmp_path / "idx_rules"
    package.mkdir()
    (package / "__init__.py").write_text('RULE_INDEX = f"{__name__}._index"\n', encoding="utf-8")
    (package / "one.py").write_text(textwrap.dedent('''\
        from dflint.finding import Severity, Violation
        from dflint.plugin import Rule


        class One(Rule):
            code = "IDX001"
            name = "one"
            severity = Severity.WARNING
            summary = "one"
            instructions = frozenset({"expose"})

            def check(self, ctx):
                for ins in ctx.dockerfile.instructions:
                    if ins.cmd == "expose":
                        yield Violation(ins.keyword_span, "expose")
        '''), encoding="utf-8")
    (package / "_index.py").write_text(f"FORMAT = 2\nFILES = {files}\nRULES = ({rows},)\n", encoding="utf-8")
    return package


class _EntryPoint:
    def __init__(self, value: str) -> None:
        self.name = "idx"
        self.value = value

    def load(self) -> object:
        __import__(self.value)
        return sys.modules[self.value]


def _fresh_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in [m for m in sys.modules if m == "idx_rules" or m.startswith("idx_rules.")]:
        monkeypatch.delitem(sys.modules, name)


def test_an_index_is_used_while_the_module_is_unchanged(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    row = "('IDX001', 'one', 'One', 'one', (), True, (), ('expose',), None, None, ())"
    package = _package(tmp_path, row, "{}")
    size = (package / "one.py").stat().st_size
    _package_index = package / "_index.py"
    _package_index.write_text(_package_index.read_text().replace("FILES = {}", f"FILES = {{'one': {size}}}"))
    _fresh_import(tmp_path, monkeypatch)
    registry = discover([_EntryPoint("idx_rules")])
    assert registry.rules.pending_module("IDX001") == "idx_rules.one"
    assert "idx_rules.one" not in sys.modules
    assert registry.rules["IDX001"].__name__ == "One"  # imported on first use
    assert "idx_rules.one" in sys.modules


def test_a_changed_or_unknown_module_is_imported_at_start_up(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The index says IDX001 needs no instruction at all and records another size: stale.
    _package(tmp_path, "('IDX001', 'one', 'One', 'one', (), True, (), None, None, None, ())", "{'one': 1}")
    _fresh_import(tmp_path, monkeypatch)
    package = sys.modules.get("idx_rules") or __import__("idx_rules")
    index = read_index(package)
    assert index is not None and index.stale == ["one"] and index.entries == []
    registry = discover([_EntryPoint("idx_rules")])
    assert registry.rules.pending_module("IDX001") is None
    assert registry.entries["IDX001"].instructions == frozenset({"expose"})  # the class's own


def test_a_rule_whose_options_are_configured_ignores_its_triggers() -> None:
    registry = _registry()
    text = "FROM debian:12\nRUN htop\n"
    plain = ConfigResolver(registry, isolated=True).settings_for
    assert [f.code for f in Linter(registry, plain).lint_bytes(text.encode(), "D", Path("D")).findings
            if f.code == "DL3001"] == []
    told = CliOverrides(config_settings=['rules.DL3001.commands = ["htop"]'])
    settings_for = ConfigResolver(registry, isolated=True, overrides=told).settings_for
    findings = Linter(registry, settings_for).lint_bytes(text.encode(), "D", Path("D")).findings
    assert [f.code for f in findings if f.code == "DL3001"] == ["DL3001"]


# -- what a small lint imports -------------------------------------------------------------------


def _imported_by_lint(tmp_path: Path, text: str) -> set[str]:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(text, encoding="utf-8")
    code = ("import sys, io; from dflint.cli import main; sys.stdout = io.StringIO(); "
            f"main(['--isolated', {str(dockerfile)!r}]); sys.stdout = sys.__stdout__; "
            "print(' '.join(sorted(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return set(out.split())


def test_a_small_file_imports_only_the_rule_modules_it_needs(tmp_path: Path) -> None:
    modules = _imported_by_lint(tmp_path, "FROM python:3.12\nRUN pip install flask\n")
    rule_modules = {m.split(".", 1)[1] for m in modules if m.startswith("dflint_rules.") and "._" not in m}
    assert "pip" in rule_modules and "image_tags" in rule_modules
    assert not rule_modules & {"apt", "apk", "yum_dnf", "zypper", "node", "gem_go", "metadata"}


def test_a_file_without_shell_scripts_never_loads_tree_sitter(tmp_path: Path) -> None:
    modules = _imported_by_lint(tmp_path, "FROM python:3.12\nWORKDIR /app\nCOPY . .\n")
    assert not {m for m in modules if m.startswith("tree_sitter")}
