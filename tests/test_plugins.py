"""Rule discovery through the `dflint.rules` entry-point group, as a third party would use it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from dflint.finding import Severity
from dflint.plugin import Registry, Rule, discover, rules_from_object

PLUGIN_MODULE = textwrap.dedent('''
    from dflint.finding import Severity, Violation
    from dflint.plugin import Rule


    class NoHttpUrls(Rule):
        """## What it does
        Flags `http://` in RUN scripts (a third-party example rule).
        """

        code = "ACME001"
        name = "no-plain-http"
        severity = Severity.WARNING
        summary = "Plain http:// URL in a RUN instruction"

        def check(self, ctx):
            for instruction in ctx.dockerfile.instructions:
                if instruction.cmd == "run" and "http://" in instruction.original:
                    yield Violation(instruction.keyword_span, "plain http:// URL; use https://")
''')


def make_distribution(root: Path, name: str, module: str, source: str, entry: str) -> Path:
    """A real installed distribution (dist-info + module) that importlib.metadata finds on sys.path."""
    root.mkdir(parents=True, exist_ok=True)
    (root / f"{module}.py").write_text(source, encoding="utf-8")
    info = root / f"{name}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(f"[dflint.rules]\n{name} = {entry}\n", encoding="utf-8")
    return root


@pytest.fixture()
def plugin_path(tmp_path: Path) -> Path:
    return make_distribution(
        tmp_path / "site", "acme-dflint", "acme_rules", PLUGIN_MODULE, "acme_rules:NoHttpUrls"
    )


def test_builtin_rules_come_through_the_entry_point_group() -> None:
    registry = discover()
    assert registry.problems == []
    assert "DF001" in registry.rules and "DF002" in registry.rules
    assert registry.sources["DF001"].startswith("builtin (dflint_rules")


def test_third_party_plugin_is_discovered(plugin_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(plugin_path))
    registry = discover()
    assert "ACME001" in registry.rules
    assert registry.sources["ACME001"] == "acme-dflint (acme_rules:NoHttpUrls)"


def test_broken_plugin_is_a_named_warning_not_a_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_distribution(
        tmp_path / "site",
        "broken-plugin",
        "broken_rules",
        "raise ImportError('missing dependency frobnicate')\n",
        "broken_rules",
    )
    monkeypatch.syspath_prepend(str(site))
    registry = discover()
    assert "DF001" in registry.rules  # the others still load
    [problem] = [p for p in registry.problems if "broken-plugin" in p.plugin]
    assert "missing dependency frobnicate" in problem.message


def test_bad_metadata_is_reported() -> None:
    class Bad(Rule):
        code = "lowercase1"
        name = "Not Kebab"
        severity = Severity.ERROR
        summary = "x"

    registry = Registry()
    registry.add(Bad, "test")
    assert "Bad" not in registry.rules
    assert "not like DL3006" in registry.problems[0].message
    assert "kebab-case" in registry.problems[0].message


def test_module_and_callable_entry_points() -> None:
    import types

    class One(Rule):
        code = "XX001"
        name = "one"
        severity = Severity.INFO
        summary = "one"

    module = types.ModuleType("fake_module")
    module.RULES = [One]  # type: ignore[attr-defined]
    assert rules_from_object(module) == [One]
    assert rules_from_object(lambda: [One]) == [One]
    with pytest.raises(TypeError):
        rules_from_object(lambda: [object])


def _run_cli(args: list[str], cwd: Path, extra_path: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(extra_path), NO_COLOR="1")
    return subprocess.run(
        [sys.executable, "-m", "dflint", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60
    )


def test_plugin_rule_is_reported_and_configured_like_a_builtin(plugin_path: Path, tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "Dockerfile").write_text(
        "FROM alpine:3.22\nRUN wget http://example.com/x.tar.gz\n", encoding="utf-8"
    )
    result = _run_cli(["--format", "json", "Dockerfile"], project, plugin_path)
    findings = json.loads(result.stdout)
    assert [(f["code"], f["line"], f["column"]) for f in findings if f["code"] == "ACME001"] == [
        ("ACME001", 2, 1)
    ]
    assert result.returncode == 1

    (project / ".dflint.toml").write_text('ignore = ["ACME001"]\n', encoding="utf-8")
    result = _run_cli(["--format", "json", "Dockerfile"], project, plugin_path)
    assert all(f["code"] != "ACME001" for f in json.loads(result.stdout))

    (project / ".dflint.toml").write_text('[severity]\nACME001 = "error"\n', encoding="utf-8")
    result = _run_cli(["--format", "json", "Dockerfile"], project, plugin_path)
    [plugin_finding] = [f for f in json.loads(result.stdout) if f["code"] == "ACME001"]
    assert plugin_finding["severity"] == "error"
