"""The path logic behind the package-manager cleanup rules (rules/_pkgmgr.py)."""

from __future__ import annotations

import pytest
from dflint_rules._pkgmgr import covers, normalise_path


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/var/lib/apt/lists/*", "/var/lib/apt/lists"),
        ("/var/lib/apt/lists/", "/var/lib/apt/lists"),
        ("/var/lib/apt/lists//*", "/var/lib/apt/lists"),
        ("/var/cache/libdnf5*", "/var/cache/libdnf5*"),
        ("/", "/"),
        ("relative/x/", "relative/x"),
    ],
)
def test_normalise_path(path: str, expected: str) -> None:
    assert normalise_path(path) == expected


@pytest.mark.parametrize(
    ("pattern", "directory", "expected"),
    [
        ("/var/lib/apt/lists/*", "/var/lib/apt/lists", True),
        ("/var/lib/apt", "/var/lib/apt/lists", True),
        ("/var/*", "/var/lib/apt/lists", True),
        ("/var/cache/libdnf5*", "/var/cache/libdnf5", True),
        ("/var/cache/apt/*", "/var/lib/apt/lists", False),
        ("/tmp/*", "/var/lib/apt/lists", False),
        ("/var/lib/apt/lists/partial", "/var/lib/apt/lists", False),
        ("lists", "/var/lib/apt/lists", False),
        ("/", "/var/lib/apt/lists", False),
    ],
)
def test_covers(pattern: str, directory: str, expected: bool) -> None:
    assert covers(pattern, directory) is expected


def test_per_file_and_per_script_caches_never_change_findings(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """`run_scripts` (Context.memo), `package_commands` and DF001's installs (by script),
    `literal` and `variables_in` (by word) are cached; over every
    rule fixture, linted fresh and again through a ShellMemo (the language server's path, where
    cached scripts outlive a lint), the findings are exactly those of the uncached helpers."""
    import importlib

    from dflint_rules import _pkgmgr, _words
    from rule_harness import load_cases, registry

    from dflint import expand, plugin
    from dflint.config import CliOverrides, ConfigResolver
    from dflint.engine import Linter
    from dflint.parser import parse_text
    from dflint.plugin import ShellMemo

    resolver = ConfigResolver(registry(), isolated=True, overrides=CliOverrides(select=["ALL"]))
    linter = Linter(registry(), resolver.settings_for)
    path = tmp_path / "Dockerfile"
    texts = sorted({case.dockerfile for case in load_cases()})
    assert len(texts) > 200

    def lint_all(memo: ShellMemo | None) -> list[list[tuple[object, ...]]]:
        out = []
        for text in texts:
            findings = linter.lint_dockerfile(parse_text(text), "Dockerfile", path, shell_memo=memo).findings
            out.append([(f.code, f.span, f.message, f.fix) for f in findings])
        return out

    memo = ShellMemo()
    cached = lint_all(None)
    through_memo = [lint_all(memo), lint_all(memo)]  # the second run reuses scripts and their caches
    df001 = importlib.import_module("dflint_rules._cache_busting_installs")
    derived_by = {key for by_key in _pkgmgr._PER_SCRIPT.values() for key in by_key}
    assert df001.script_installs in derived_by  # DF001's installs were cached
    assert derived_by - {df001.script_installs, df001._script_facts}  # and package readers' commands too

    def cached_literal_hits() -> int:
        return _words.literal.cache_info().hits + expand._variables_in.cache_info().hits

    def uncached_package_commands(script, parse):  # type: ignore[no-untyped-def]
        return [p for p in map(parse, script.commands) if p is not None]

    def uncached_per_script(script, key, derive):  # type: ignore[no-untyped-def]
        return list(derive())

    monkeypatch.setattr(plugin.Context, "memo", lambda self, key, build: build())
    plain_literal, plain_variables_in = _words.literal.__wrapped__, expand._variables_in.__wrapped__
    assert cached_literal_hits() > 0
    monkeypatch.setattr(_words, "literal", plain_literal)
    monkeypatch.setattr(expand, "_variables_in", plain_variables_in)
    for module in ("buildkit_expose", "buildkit_from_args", "buildkit_syntax", "buildkit_undefined_var",
                   "copy_add", "change_directory", "instructions", "layers", "metadata", "stages"):
        if hasattr(importlib.import_module(f"dflint_rules.{module}"), "literal"):
            monkeypatch.setattr(f"dflint_rules.{module}.literal", plain_literal)
    monkeypatch.setattr(_pkgmgr, "package_commands", uncached_package_commands)
    monkeypatch.setattr(df001, "per_script", uncached_per_script)
    for module in ("apt", "apk", "gem_go", "layers", "node", "pip", "yum_dnf", "zypper"):
        monkeypatch.setattr(f"dflint_rules.{module}.package_commands", uncached_package_commands)
    uncached = lint_all(None)
    assert sum(map(len, uncached)) > 300
    assert cached == uncached
    assert through_memo == [uncached, uncached]
