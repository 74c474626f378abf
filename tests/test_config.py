"""Configuration discovery, validation and resolution (dflint/config.py)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import pytest

from dflint.config import CliOverrides, ConfigError, ConfigResolver, Settings, default_settings
from dflint.finding import Severity, Violation
from dflint.plugin import Context, Registry, Rule


@dataclass(frozen=True)
class PinOptions:
    allow_latest: bool = False
    max_layers: int = 10
    registries: tuple[str, ...] = ()
    labels: dict[str, str] | None = None
    mode: str = "strict"


@dataclass(frozen=True)
class TrustOptions:
    trusted_registries: tuple[str, ...] = ()


class PinRule(Rule):
    code = "DL3007"
    name = "no-latest-tag"
    severity = Severity.WARNING
    summary = "pin the tag"
    aliases: ClassVar[tuple[str, ...]] = ("PinTheTag",)
    Options = PinOptions

    def check(self, ctx: Context) -> Iterable[Violation]:
        return ()


class AptRule(Rule):
    code = "DL3008"
    name = "apt-pin-versions"
    severity = Severity.WARNING
    summary = "pin apt versions"

    def check(self, ctx: Context) -> Iterable[Violation]:
        return ()


class TrustRule(Rule):
    code = "DL3026"
    name = "trusted-registry"
    severity = Severity.ERROR
    summary = "use trusted registries"
    Options = TrustOptions

    def check(self, ctx: Context) -> Iterable[Violation]:
        return ()


class OptInRule(Rule):
    code = "DL3057"
    name = "missing-healthcheck"
    severity = Severity.INFO
    summary = "add a HEALTHCHECK"
    enabled_by_default = False

    def check(self, ctx: Context) -> Iterable[Violation]:
        return ()


class CasingRule(Rule):
    code = "DF010"
    name = "stage-name-casing"
    severity = Severity.WARNING
    summary = "lower-case stage names"
    aliases: ClassVar[tuple[str, ...]] = ("StageNameCasing",)

    def check(self, ctx: Context) -> Iterable[Violation]:
        return ()


def make_registry() -> Registry:
    registry = Registry()
    for rule in (PinRule, AptRule, TrustRule, OptInRule, CasingRule):
        registry.add(rule, "test")
    assert not registry.problems
    return registry


DEFAULT = frozenset({"DL3007", "DL3008", "DL3026", "DF010"})


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def resolver(**kwargs: Any) -> ConfigResolver:
    return ConfigResolver(make_registry(), **kwargs)


def settings_at(path: Path, **kwargs: Any) -> Settings:
    return resolver(**kwargs).settings_for(path)


def error_of(path: Path, **kwargs: Any) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        settings_at(path, **kwargs)
    return info.value


# --- defaults ----------------------------------------------------------------------------------


def test_defaults_without_any_config(tmp_path: Path) -> None:
    s = settings_at(tmp_path / "Dockerfile")
    assert s.config_path is None
    assert s.selected == DEFAULT
    assert s.failure_threshold is Severity.INFO
    assert s.severity_for(PinRule) is Severity.WARNING
    assert s.options_for(PinRule) == PinOptions()
    assert s.is_enabled("DL3007", tmp_path / "Dockerfile")
    assert not s.is_enabled("DL3057")
    assert s.is_enabled("SC2086")  # codes of no registered rule are on unless ignored
    assert default_settings(make_registry()).selected == DEFAULT


# --- discovery ---------------------------------------------------------------------------------


def test_discovery_walks_up_and_closest_wins(tmp_path: Path) -> None:
    root = write(tmp_path / ".dflint.toml", 'ignore = ["DL3008"]\n')
    inner = write(tmp_path / "a" / "b" / ".dflint.toml", 'ignore = ["DL3007"]\n')
    r = resolver()
    deep = r.settings_for(tmp_path / "a" / "b" / "c" / "Dockerfile")
    assert deep.config_path == inner
    assert deep.selected == DEFAULT - {"DL3007"}  # no merge with the outer file
    shallow = r.settings_for(tmp_path / "a" / "Dockerfile")
    assert shallow.config_path == root
    assert shallow.selected == DEFAULT - {"DL3008"}


def test_pyproject_with_table_is_used_and_without_is_skipped(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.dflint]\nignore = ["DL3008"]\n')
    write(tmp_path / "sub" / "pyproject.toml", '[project]\nname = "x"\n[tool.ruff]\nselect = ["E"]\n')
    s = settings_at(tmp_path / "sub" / "Dockerfile")
    assert s.config_path == tmp_path / "pyproject.toml"
    assert "DL3008" not in s.selected


def test_dedicated_file_beats_pyproject_in_same_directory(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.dflint]\nignore = ["DL3008"]\n')
    dedicated = write(tmp_path / ".dflint.toml", 'ignore = ["DL3007"]\n')
    s = settings_at(tmp_path / "Dockerfile")
    assert s.config_path == dedicated
    assert s.selected == DEFAULT - {"DL3007"}


def test_directory_argument_starts_discovery_inside_it(tmp_path: Path) -> None:
    cfg = write(tmp_path / "proj" / ".dflint.toml", "")
    assert settings_at(tmp_path / "proj").config_path == cfg


def test_files_are_read_once_and_settings_shared(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / ".dflint.toml", 'ignore = ["DL3008"]\n')
    import dflint.config as config_module

    calls: list[Path] = []
    original = config_module._load_toml

    def counting(path: Path) -> tuple[dict[str, Any], str]:
        calls.append(path)
        return original(path)

    monkeypatch.setattr(config_module, "_load_toml", counting)
    r = resolver()
    results = {id(r.settings_for(tmp_path / f"d{i % 7}" / "Dockerfile")) for i in range(300)}
    assert len(results) == 1
    assert calls == [tmp_path / ".dflint.toml"]


def test_config_flag_overrides_discovery(tmp_path: Path) -> None:
    write(tmp_path / "proj" / ".dflint.toml", 'ignore = ["DL3008"]\n')
    chosen = write(tmp_path / "elsewhere.toml", 'ignore = ["DL3026"]\n')
    s = settings_at(tmp_path / "proj" / "Dockerfile", config_path=chosen)
    assert s.config_path == chosen
    assert s.selected == DEFAULT - {"DL3026"}


def test_config_flag_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        resolver(config_path=tmp_path / "nope.toml")
    assert info.value.path == tmp_path / "nope.toml"


def test_isolated_ignores_files_but_keeps_cli_flags(tmp_path: Path) -> None:
    write(tmp_path / ".dflint.toml", 'ignore = ["DL3008"]\nfailure-threshold = "error"\n')
    s = settings_at(tmp_path / "Dockerfile", isolated=True, overrides=CliOverrides(ignore=["DL3007"]))
    assert s.config_path is None
    assert s.selected == DEFAULT - {"DL3007"}
    assert s.failure_threshold is Severity.INFO


# --- extend ------------------------------------------------------------------------------------


def test_extend_inherits_and_child_wins(tmp_path: Path) -> None:
    write(
        tmp_path / "base.toml",
        'select = ["DL"]\nfailure-threshold = "error"\ntrusted-registries = ["a.io"]\n'
        "[rules.DL3007]\nallow-latest = true\nmax-layers = 3\n",
    )
    child = write(
        tmp_path / "proj" / ".dflint.toml",
        'extend = "../base.toml"\nextend-ignore = ["DL3008"]\n[rules.no-latest-tag]\nmax_layers = 5\n',
    )
    s = settings_at(tmp_path / "proj" / "Dockerfile")
    assert s.config_path == child
    assert s.selected == frozenset({"DL3007", "DL3026"})  # DF010 dropped by select, DL3008 by child
    assert s.failure_threshold is Severity.ERROR
    assert s.trusted_registries == ("a.io",)
    assert s.options_for(PinRule) == PinOptions(allow_latest=True, max_layers=5)


def test_extend_cycle_is_an_error(tmp_path: Path) -> None:
    write(tmp_path / "a.toml", 'extend = "b.toml"\n')
    write(tmp_path / "b.toml", 'extend = "a.toml"\n')
    err = error_of(tmp_path / "Dockerfile", config_path=tmp_path / "a.toml")
    assert err.key == "extend"
    assert "cycle" in err.message


def test_extend_missing_file(tmp_path: Path) -> None:
    cfg = write(tmp_path / ".dflint.toml", 'extend = "missing.toml"\n')
    err = error_of(tmp_path / "Dockerfile")
    assert (err.path, err.key, err.line) == (cfg, "extend", 1)


def test_extend_pyproject_table(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.dflint]\nignore = ["DL3026"]\n')
    write(tmp_path / "sub" / ".dflint.toml", 'extend = "../pyproject.toml"\n')
    assert settings_at(tmp_path / "sub" / "Dockerfile").selected == DEFAULT - {"DL3026"}


# --- selection -----------------------------------------------------------------------------------


def test_selectors_codes_prefixes_names_aliases(tmp_path: Path) -> None:
    write(tmp_path / ".dflint.toml", 'select = ["dl30", "StageNameCasing"]\nignore = ["apt-pin-versions"]\n')
    assert settings_at(tmp_path / "Dockerfile").selected == frozenset({"DL3007", "DL3026", "DF010"})


def test_more_specific_selector_wins(tmp_path: Path) -> None:
    write(tmp_path / ".dflint.toml", 'select = ["DL3008"]\nignore = ["DL"]\n')
    assert settings_at(tmp_path / "Dockerfile").selected == frozenset({"DL3008"})


def test_opt_in_rules_need_their_own_name(tmp_path: Path) -> None:
    write(tmp_path / ".dflint.toml", 'select = ["ALL"]\n')
    assert settings_at(tmp_path / "Dockerfile").selected == DEFAULT
    write(tmp_path / ".dflint.toml", 'extend-select = ["missing-healthcheck"]\n')
    assert settings_at(tmp_path / "Dockerfile").selected == DEFAULT | {"DL3057"}


def test_select_affects_unregistered_codes_by_prefix(tmp_path: Path) -> None:
    write(tmp_path / ".dflint.toml", 'select = ["DL"]\nignore = ["SC2086"]\n')
    s = settings_at(tmp_path / "Dockerfile")
    assert not s.is_enabled("SC2046")
    write(tmp_path / ".dflint.toml", 'ignore = ["SC20"]\n')
    s = settings_at(tmp_path / "Dockerfile")
    assert not s.is_enabled("sc2046")
    assert s.is_enabled("SC1000")


def test_unknown_code_shaped_selector_is_a_warning(tmp_path: Path) -> None:
    cfg = write(tmp_path / ".dflint.toml", 'ignore = ["DL9999"]\n')
    s = settings_at(tmp_path / "Dockerfile")
    assert s.warnings == (f"{cfg}: ignore: 'DL9999' matches no installed rule",)


def test_cli_overrides_apply_on_top(tmp_path: Path) -> None:
    write(tmp_path / ".dflint.toml", 'ignore = ["DL3008"]\nfailure-threshold = "error"\n'
          'trusted-registries = ["a.io"]\n')
    overrides = CliOverrides(
        extend_select=["DL3057"], ignore=["DL3026"], failure_threshold="none", trusted_registries=["b.io"]
    )
    s = settings_at(tmp_path / "Dockerfile", overrides=overrides)
    assert s.selected == frozenset({"DL3007", "DF010", "DL3057"})
    assert s.failure_threshold is None
    assert s.trusted_registries == ("a.io", "b.io")


def test_cli_select_resets(tmp_path: Path) -> None:
    write(tmp_path / ".dflint.toml", 'extend-select = ["DL3057"]\n')
    s = settings_at(tmp_path / "Dockerfile", overrides=CliOverrides(select=["DL3008"]))
    assert s.selected == frozenset({"DL3008"})


def test_cli_config_snippets(tmp_path: Path) -> None:
    overrides = CliOverrides(config_settings=['failure-threshold = "warning"', "rules.DL3007.max-layers = 2"])
    s = settings_at(tmp_path / "Dockerfile", overrides=overrides)
    assert s.failure_threshold is Severity.WARNING
    assert s.options_for(PinRule).max_layers == 2


def test_cli_snippet_error_names_command_line() -> None:
    with pytest.raises(ConfigError) as info:
        resolver(overrides=CliOverrides(config_settings=['failure-treshold = "warning"']))
    assert info.value.path is None
    assert info.value.key == "--config failure-treshold"
    assert str(info.value) == (
        "command line: --config failure-treshold: unknown key; did you mean 'failure-threshold'?"
    )


# --- severity, threshold, per-file-ignores -------------------------------------------------------


def test_severity_overrides_and_off(tmp_path: Path) -> None:
    write(tmp_path / ".dflint.toml",
          '[severity]\nDL30 = "info"\nDL3007 = "error"\nstage-name-casing = "off"\nSC2086 = "style"\n')
    s = settings_at(tmp_path / "Dockerfile")
    assert s.severity_for(PinRule) is Severity.ERROR
    assert s.severity_for(AptRule) is Severity.INFO
    assert s.severity_for(CasingRule) is None
    assert not s.is_enabled("DF010")
    assert s.severity_for_code("SC2086", Severity.WARNING) is Severity.STYLE
    assert s.severity_for_code("SC1000", Severity.WARNING) is Severity.WARNING


@pytest.mark.parametrize(
    ("word", "expected"),
    [("error", Severity.ERROR), ("Warning", Severity.WARNING), ("style", Severity.STYLE), ("none", None)],
)
def test_failure_threshold_words(tmp_path: Path, word: str, expected: Severity | None) -> None:
    write(tmp_path / ".dflint.toml", f'failure-threshold = "{word}"\n')
    assert settings_at(tmp_path / "Dockerfile").failure_threshold is expected


def test_per_file_ignores_relative_to_config_dir(tmp_path: Path) -> None:
    write(tmp_path / ".dflint.toml",
          '[per-file-ignores]\n"legacy/**" = ["DL3008", "no-latest-tag"]\n"*.dev" = ["DL30"]\n'
          '"/Dockerfile.root" = ["DF010"]\n')
    s = settings_at(tmp_path / "Dockerfile")
    assert not s.is_enabled("DL3008", tmp_path / "legacy" / "a" / "Dockerfile")
    assert not s.is_enabled("DL3007", tmp_path / "legacy" / "Dockerfile")
    assert s.is_enabled("DL3026", tmp_path / "legacy" / "Dockerfile")
    assert s.is_enabled("DL3008", tmp_path / "other" / "legacy.Dockerfile")
    assert not s.is_enabled("DL3026", tmp_path / "x" / "Dockerfile.dev")
    assert s.is_enabled("DF010", tmp_path / "x" / "Dockerfile.dev")
    assert not s.is_enabled("DF010", tmp_path / "Dockerfile.root")
    assert s.is_enabled("DF010", tmp_path / "sub" / "Dockerfile.root")
    assert s.is_enabled("DL3008")  # without a path, per-file ignores do not apply


def test_per_file_ignores_of_extended_file_use_its_directory(tmp_path: Path) -> None:
    write(tmp_path / "shared" / "base.toml", '[per-file-ignores]\n"/ci/*" = ["DL3008"]\n')
    write(tmp_path / "proj" / ".dflint.toml",
          'extend = "../shared/base.toml"\n[extend-per-file-ignores]\n"/ci/*" = ["DL3007"]\n')
    s = settings_at(tmp_path / "proj" / "Dockerfile")
    assert s.is_enabled("DL3008", tmp_path / "proj" / "ci" / "Dockerfile")
    assert not s.is_enabled("DL3008", tmp_path / "shared" / "ci" / "Dockerfile")
    assert not s.is_enabled("DL3007", tmp_path / "proj" / "ci" / "Dockerfile")


# --- options -----------------------------------------------------------------------------------------


def test_rule_options_typed_and_shared_settings(tmp_path: Path) -> None:
    write(tmp_path / ".dflint.toml",
          'trusted-registries = ["docker.io", "*.corp"]\n'
          '[rules.DL3007]\nallow_latest = true\nregistries = ["x"]\nlabels = { a = "b" }\n')
    s = settings_at(tmp_path / "Dockerfile")
    assert s.options_for(PinRule) == PinOptions(allow_latest=True, registries=("x",), labels={"a": "b"})
    assert s.options_for(TrustRule) == TrustOptions(trusted_registries=("docker.io", "*.corp"))
    assert s.options_for(AptRule) == AptRule.default_options()


def test_label_schema_and_flags(tmp_path: Path) -> None:
    write(tmp_path / ".dflint.toml",
          'strict-labels = true\nshellcheck = true\ndisable-ignore-pragma = true\nformat = "json"\n'
          '[label-schema]\nmaintainer = "email"\nversion = "SemVer"\nnotes = ""\n')
    s = settings_at(tmp_path / "Dockerfile")
    assert dict(s.label_schema) == {"maintainer": "email", "version": "semver", "notes": "text"}
    flags = (s.strict_labels, s.shellcheck, s.disable_ignore_pragma, s.output_format)
    assert flags == (True, True, True, "json")


# --- errors ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key", "line", "message"),
    [
        ('selct = ["DL"]\n', "selct", 1, "unknown key; did you mean 'select'?"),
        ('\nfailure_threshold = "info"\n', "failure_threshold", 2,
         "unknown key; did you mean 'failure-threshold'? (keys are kebab-case)"),
        ('ignored = ["DL3008"]\n', "ignored", 1, "unknown key; did you mean 'ignore'?"),
        ('select = "DL"\n', "select", 1, "expected a list of strings, got a string ('DL')"),
        ('ignore = ["no-lates-tag"]\n', "ignore", 1,
         "unknown rule selector 'no-lates-tag'; did you mean 'no-latest-tag'?"),
        ('failure-threshold = "fatal"\n', "failure-threshold", 1,
         "expected one of error, warning, info, style, none, got a string ('fatal')"),
        ('failure-threshold = "ignore"\n', "failure-threshold", 1,
         "'ignore' is hadolint's spelling; use 'style' to fail on every finding or 'none' to never fail"),
        ('[severity]\nDL3008 = "critical"\n', "severity.DL3008", 2,
         "expected one of error, warning, info, style, off, got a string ('critical')"),
        ('trusted-registries = "docker.io"\n', "trusted-registries", 1,
         "expected a list of strings, got a string ('docker.io')"),
        ('shellcheck = "yes"\n', "shellcheck", 1, "expected true or false, got a string ('yes')"),
        ('[label-schema]\nurl = "link"\n', "label-schema.url", 2,
         "unknown label type 'link'; expected one of text, url, semver, hash, rfc3339, spdx, email"),
        ('per-file-ignores = ["x"]\n', "per-file-ignores", 1, "expected a table, got a list"),
        ('[rules.DL3007]\nallow-lates = true\n', "rules.DL3007.allow-lates", 2,
         "unknown option for DL3007; did you mean 'allow-latest'? "
         "(options: allow-latest, max-layers, registries, labels, mode)"),
        ('[rules.DL3007]\nmax-layers = "3"\n', "rules.DL3007.max-layers", 2,
         "expected an integer, got a string ('3')"),
        ('[rules.DL3007]\nmax-layers = true\n', "rules.DL3007.max-layers", 2,
         "expected an integer, got a boolean (True)"),
        ('[rules.DL3007]\nregistries = ["a", 1]\n', "rules.DL3007.registries[1]", None,
         "expected a string, got an integer (1)"),
        ('[rules.DL3008]\nx = 1\n', "rules.DL3008.x", 2, "rule DL3008 takes no options"),
        ('[rules.no-such-rule]\nx = 1\n', "rules.no-such-rule", 1, "unknown rule 'no-such-rule'"),
        ('extend = 3\n', "extend", 1, "expected a path, got an integer (3)"),
    ],
)
def test_bad_config_names_file_key_and_line(
    tmp_path: Path, text: str, key: str, line: int | None, message: str
) -> None:
    cfg = write(tmp_path / ".dflint.toml", text)
    err = error_of(tmp_path / "Dockerfile")
    assert (err.path, err.key, err.message) == (cfg, key, message)
    if line is not None:
        assert err.line == line


def test_pyproject_errors_use_full_dotted_key(tmp_path: Path) -> None:
    cfg = write(tmp_path / "pyproject.toml",
                '[tool.ruff]\nselect = ["E"]\n\n[tool.dflint]\nselect = "DL"\n')
    err = error_of(tmp_path / "Dockerfile")
    assert (err.path, err.key, err.line) == (cfg, "tool.dflint.select", 5)
    assert str(err) == f"{cfg}:5: tool.dflint.select: expected a list of strings, got a string ('DL')"


def test_invalid_toml(tmp_path: Path) -> None:
    cfg = write(tmp_path / ".dflint.toml", 'select = ["DL"\nignore = []\n')
    err = error_of(tmp_path / "Dockerfile")
    assert err.path == cfg
    assert err.message.startswith("invalid TOML")
    assert err.line == 2


def test_relative_config_path_is_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "c.toml", 'ignore = ["DL3008"]\n')
    monkeypatch.chdir(tmp_path)
    s = settings_at(Path("Dockerfile"), config_path="c.toml")
    assert s.config_path == tmp_path / "c.toml"
    assert os.path.isabs(str(s.config_path))


def test_config_error_survives_pickling() -> None:
    import pickle

    err = ConfigError("bad", path=Path("/x/.dflint.toml"), key="select", line=3)
    back = pickle.loads(pickle.dumps(err))
    assert (back.message, back.path, back.key, back.line) == ("bad", Path("/x/.dflint.toml"), "select", 3)
    assert str(back) == "/x/.dflint.toml:3: select: bad"


def test_documented_examples_are_valid(tmp_path: Path) -> None:
    import re

    doc = (Path(__file__).resolve().parent.parent / "docs" / "configuration.md").read_text(encoding="utf-8")
    pyproject, dedicated = re.findall(r"```toml\n(.*?)```", doc, re.S)
    write(tmp_path / "pyproject.toml", pyproject)
    s = settings_at(tmp_path / "Dockerfile")
    assert s.selected == (DEFAULT | {"DL3057"}) - {"DL3008"}
    assert s.severity_for(PinRule) is Severity.ERROR
    assert s.options_for(TrustRule) == TrustOptions(trusted_registries=("ghcr.io",))
    assert not s.is_enabled("DL3026", tmp_path / "legacy" / "Dockerfile")
    write(tmp_path / "proj" / ".dflint.toml", dedicated.replace("../.dflint.toml", "../pyproject.toml"))
    s = settings_at(tmp_path / "proj" / "Dockerfile")
    assert s.selected == frozenset({"DL3007", "DL3026", "DF010"})  # select resets; opt-in stays off
    assert s.output_format == "sarif"
