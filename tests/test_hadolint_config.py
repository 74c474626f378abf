"""hadolint's configuration read by dflint: discovery, every key, HADOLINT_* variables, errors,
and the ``dflint config --from-hadolint`` conversion (whose output must resolve to the same
settings and give the same findings as the YAML it came from)."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import tomli

from dflint import cli
from dflint.config import ConfigError, ConfigResolver, Settings
from dflint.engine import load_registry
from dflint.finding import Severity

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures" / "hadolint"
CONFIGS = sorted((FIXTURES / "configs").glob("*.yaml"))
REGISTRY = load_registry()


@pytest.fixture(autouse=True)
def clean_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """No HADOLINT_* variable and an empty HOME, so only what a test lays out applies."""
    for name in list(os.environ):
        if name.startswith("HADOLINT_"):
            monkeypatch.delenv(name)
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(tmp_path)
    yield home


def settings(path: Path, **kwargs: object) -> Settings:
    return ConfigResolver(REGISTRY, **kwargs).settings_for(path)  # type: ignore[arg-type]


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


# Discovery ---------------------------------------------------------------------------------


def test_hadolint_file_applies_when_no_dflint_file_does(tmp_path: Path) -> None:
    config = write(tmp_path / "repo" / ".hadolint.yaml", "ignored: [DL3008]\n")
    s = settings(tmp_path / "repo" / "svc" / "Dockerfile")
    assert s.config_path == config
    assert not s.is_enabled("DL3008")


def test_a_dflint_file_anywhere_up_the_tree_wins(tmp_path: Path) -> None:
    write(tmp_path / "repo" / "pyproject.toml", "[tool.dflint]\nignore = ['DL3006']\n")
    write(tmp_path / "repo" / "svc" / ".hadolint.yaml", "ignored: [DL3008]\n")
    s = settings(tmp_path / "repo" / "svc" / "Dockerfile")
    assert s.config_path == tmp_path / "repo" / "pyproject.toml"
    assert s.is_enabled("DL3008") and not s.is_enabled("DL3006")


def test_closest_hadolint_file_then_yaml_before_yml(tmp_path: Path) -> None:
    write(tmp_path / "repo" / ".hadolint.yaml", "ignored: [DL3006]\n")
    write(tmp_path / "repo" / "svc" / ".hadolint.yml", "ignored: [DL3007]\n")
    write(tmp_path / "repo" / "svc" / ".hadolint.yaml", "ignored: [DL3008]\n")
    repo = tmp_path / "repo"
    assert settings(repo / "svc" / "Dockerfile").config_path == repo / "svc" / ".hadolint.yaml"
    assert settings(repo / "other" / "Dockerfile").config_path == repo / ".hadolint.yaml"


def test_current_directory_then_per_user_files_in_hadolints_order(
    tmp_path: Path, clean_environment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = clean_environment
    elsewhere = tmp_path / "elsewhere" / "Dockerfile"
    order = [
        home / ".hadolint.yml",
        home / ".hadolint.yaml",
        home / ".hadolint" / "config.yml",
        home / ".hadolint" / "config.yaml",
        home / ".hadolint" / "hadolint.yml",
        home / ".hadolint" / "hadolint.yaml",
        home / ".config" / "hadolint.yml",
        home / ".config" / "hadolint.yaml",
    ]
    for path in order:  # each new file is earlier in hadolint's order, so it must take over
        write(path, "ignored: [DL3008]\n")
        assert settings(elsewhere).config_path == path
    xdg = write(tmp_path / "xdg" / "hadolint.yaml", "{}\n")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert settings(elsewhere).config_path == xdg
    cwd_file = write(tmp_path / "cwd" / ".hadolint.yaml", "{}\n")
    monkeypatch.chdir(tmp_path / "cwd")
    assert settings(elsewhere).config_path == cwd_file


def test_isolated_and_explicit_config_skip_hadolint_files(tmp_path: Path) -> None:
    write(tmp_path / ".hadolint.yaml", "ignored: [DL3008]\n")
    assert settings(tmp_path / "Dockerfile", isolated=True).is_enabled("DL3008")
    dflint = write(tmp_path / "other.toml", "ignore = ['DL3006']\n")
    s = settings(tmp_path / "Dockerfile", config_path=dflint)
    assert s.is_enabled("DL3008") and not s.is_enabled("DL3006")
    yaml = write(tmp_path / "team.yml", "ignored: [DL3007]\n")
    assert not settings(tmp_path / "Dockerfile", config_path=yaml).is_enabled("DL3007")


# Keys ----------------------------------------------------------------------------------------


def test_every_key_is_mapped(tmp_path: Path) -> None:
    write(tmp_path / ".hadolint.yaml", """\
ignored: [DL3008, SC2086]
trustedRegistries:
  - docker.io
  - "*.corp.example"
override:
  error: [DL3015]
  warning: [DL3048]
  info: [DL3006]
  style: [DL3015, DL4000]
failure-threshold: warning
label-schema:
  author: text
  org.opencontainers.image.url: url
  empty:
strict-labels: true
disable-ignore-pragma: true
no-fail: true
no-color: true
format: sonarqube
verbose: true
""")
    s = settings(tmp_path / "Dockerfile")
    assert not s.is_enabled("DL3008") and not s.is_enabled("SC2086")
    assert s.trusted_registries == ("docker.io", "*.corp.example")
    assert s.severity_overrides["DL3015"] == Severity.ERROR  # error beats style, as in hadolint
    assert s.severity_overrides["DL3048"] == Severity.WARNING
    assert s.severity_overrides["DL3006"] == Severity.INFO
    assert s.severity_overrides["DL4000"] == Severity.STYLE
    assert s.failure_threshold == Severity.WARNING
    assert dict(s.label_schema) == {"author": "text", "org.opencontainers.image.url": "url", "empty": "text"}
    assert s.strict_labels and s.disable_ignore_pragma and s.no_fail
    assert s.color == "never"
    assert s.output_format == "sonarqube"


@pytest.mark.parametrize(("word", "threshold"), [
    ("error", Severity.ERROR), ("warning", Severity.WARNING), ("info", Severity.INFO),
    ("style", Severity.STYLE), ("ignore", Severity.STYLE), ("none", Severity.STYLE),
    ("Warning", Severity.WARNING),
])
def test_failure_threshold_words_mean_what_they_do_in_hadolint(tmp_path: Path, word: str,
                                                               threshold: Severity) -> None:
    write(tmp_path / ".hadolint.yaml", f"failure-threshold: {word}\n")
    assert settings(tmp_path / "Dockerfile").failure_threshold == threshold


def test_empty_file_is_an_empty_configuration(tmp_path: Path) -> None:
    write(tmp_path / ".hadolint.yaml", "# nothing yet\n")
    s = settings(tmp_path / "Dockerfile")
    assert s.config_path == tmp_path / ".hadolint.yaml"
    assert s.failure_threshold == Severity.INFO


@pytest.mark.parametrize(("text", "message"), [
    ("ignored: [DL3008\n", "2: invalid YAML"),
    ("ignored: [DL3008]\nignore: [DL3006]\n", "2: ignore: unknown hadolint key; did you mean 'ignored'?"),
    ("ignored: DL3008\n", "1: ignored: expected a list of strings, got a string ('DL3008')"),
    ("trustedRegistries: docker.io\n", "1: trustedRegistries: expected a list of registries, got a string"),
    ("no-fail: yes\n", "1: no-fail: expected true or false, got a string ('yes')"),
    ("failure-threshold: high\n",
     "1: failure-threshold: expected one of error, warning, info, style, ignore, none"),
    ("override:\n  fatal: [DL3008]\n", "2: override.fatal: unknown level"),
    ("label-schema:\n  author: name\n", "2: label-schema.author: expected a label type"),
    ("format: xml\n", "1: format: unknown output format 'xml'"),
    ("- DL3008\n", "1: expected a mapping of settings, got a list"),
    ("ignored: [no-such-rule-name]\n", "1: ignored: unknown rule selector 'no-such-rule-name'"),
])
def test_errors_name_the_file_line_and_hadolint_key(tmp_path: Path, text: str, message: str) -> None:
    config = write(tmp_path / ".hadolint.yaml", text)
    with pytest.raises(ConfigError) as caught:
        settings(tmp_path / "Dockerfile")
    assert str(caught.value).startswith(f"{config}:")
    assert message in str(caught.value)


def test_a_bad_file_exits_2_from_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path / ".hadolint.yaml", "ignored: [DL3008]\nignroed: [DL3006]\n")
    write(tmp_path / "Dockerfile", "FROM ubuntu:24.04\n")
    assert cli.main(["Dockerfile"]) == 2
    err = capsys.readouterr().err
    assert ".hadolint.yaml:2: ignroed: unknown hadolint key; did you mean 'ignored'?" in err


# Environment ---------------------------------------------------------------------------------


def test_variables_apply_under_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / ".hadolint.yaml",
          "ignored: [DL3006]\ntrustedRegistries: [quay.io]\nfailure-threshold: style\n")
    monkeypatch.setenv("HADOLINT_IGNORE", "DL3008, DL3015")
    monkeypatch.setenv("HADOLINT_TRUSTED_REGISTRIES", "docker.io")
    monkeypatch.setenv("HADOLINT_FAILURE_THRESHOLD", "error")  # the file's threshold wins
    monkeypatch.setenv("HADOLINT_NOFAIL", "TRUE")  # ... and no-fail survives it
    monkeypatch.setenv("HADOLINT_OVERRIDE_WARNING", "DL3048")
    monkeypatch.setenv("HADOLINT_REQUIRE_LABELS", "author:,maintainer:email")
    monkeypatch.setenv("HADOLINT_STRICT_LABELS", "on")
    monkeypatch.setenv("HADOLINT_DISABLE_IGNORE_PRAGMA", "0")
    monkeypatch.setenv("HADOLINT_FORMAT", "gnu")
    monkeypatch.setenv("HADOLINT_VERBOSE", "1")
    s = settings(tmp_path / "Dockerfile")
    assert not any(s.is_enabled(code) for code in ("DL3006", "DL3008", "DL3015"))
    assert s.trusted_registries == ("quay.io", "docker.io")
    assert s.failure_threshold == Severity.STYLE and s.no_fail
    assert s.severity_overrides["DL3048"] == Severity.WARNING
    assert dict(s.label_schema) == {"author": "text", "maintainer": "email"}
    assert s.strict_labels and not s.disable_ignore_pragma
    assert s.output_format == "gnu"


def test_variables_apply_under_a_dflint_file_too_but_not_isolated(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / ".dflint.toml", "select = ['DL']\n")
    monkeypatch.setenv("HADOLINT_IGNORE", "DL3008")
    assert not settings(tmp_path / "Dockerfile").is_enabled("DL3008")
    assert settings(tmp_path / "Dockerfile", isolated=True).is_enabled("DL3008")


def test_a_bad_variable_names_itself(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HADOLINT_REQUIRE_LABELS", "author:name")
    expected = r"^environment: HADOLINT_REQUIRE_LABELS: unknown label type 'name'"
    with pytest.raises(ConfigError, match=expected):
        settings(tmp_path / "Dockerfile")


# dflint config --from-hadolint ----------------------------------------------------------------


def dflint(*args: str) -> tuple[int, str, str]:
    """``dflint ARGS`` in this process (the command's own code): exit code, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(list(args))
    return code, out.getvalue(), err.getvalue()


def convert(*args: str) -> str:
    code, out, err = dflint("config", "--from-hadolint", *args)
    assert code == 0, err
    return out


def lint_json(dockerfile: Path, config: Path) -> tuple[list[tuple[int, str, str]], int]:
    code, out, _ = dflint("-f", "json", "-c", str(config), str(dockerfile))
    return [(f["line"], f["code"], f["severity"]) for f in json.loads(out)], code


def comparable(s: Settings) -> tuple[object, ...]:
    return (s.selected, dict(s.severity_overrides), s.failure_threshold, s.trusted_registries,
            dict(s.label_schema), s.strict_labels, s.disable_ignore_pragma, s.no_fail, s.color,
            s.output_format,
            {code: options for code, options in s.rule_options.items()})


@pytest.mark.parametrize("config", CONFIGS, ids=lambda p: p.stem)
def test_converted_file_resolves_to_the_same_settings(config: Path, tmp_path: Path) -> None:
    text = convert(str(config))
    converted = write(tmp_path / ".dflint.toml", text)
    tomli.loads(text)
    assert comparable(settings(tmp_path / "x", config_path=converted)) == comparable(
        settings(tmp_path / "x", config_path=config)
    )
    pyproject = write(tmp_path / "py" / "pyproject.toml", convert(str(config), "--pyproject"))
    assert comparable(settings(tmp_path / "x", config_path=pyproject)) == comparable(
        settings(tmp_path / "x", config_path=config)
    )


@pytest.mark.parametrize("config", CONFIGS, ids=lambda p: p.stem)
def test_converted_file_gives_the_same_findings_and_exit_codes(config: Path, tmp_path: Path) -> None:
    converted = write(tmp_path / f"{config.stem}.toml", convert(str(config)))
    results = []
    for dockerfile in sorted((FIXTURES / "dockerfiles").glob("*.Dockerfile")):
        expected = lint_json(dockerfile, config)
        assert lint_json(dockerfile, converted) == expected, dockerfile
        results.append(expected)
    assert any(findings for findings, _ in results) and {code for _, code in results} <= {0, 1}


def test_conversion_notes_and_writing(tmp_path: Path) -> None:
    write(tmp_path / ".hadolint.yaml", "failure-threshold: none\nverbose: true\n")
    text = convert()
    assert "# verbose: not a configuration setting in dflint; use -V/--verbose" in text
    assert "hadolint's 'none' fails on every finding" in text
    assert 'failure-threshold = "style"' in text
    convert("--write")
    assert tomli.loads((tmp_path / ".dflint.toml").read_text()) == {"failure-threshold": "style"}
    code, _, err = dflint("config", "--from-hadolint", "--write")
    assert code == 2 and "already exists; pass --force" in err
    pyproject = write(tmp_path / "pyproject.toml", "[project]\nname = 'x'\n")
    convert("-o", str(pyproject))
    assert tomli.loads(pyproject.read_text())["tool"]["dflint"] == {"failure-threshold": "style"}
    code, _, err = dflint("config", "--from-hadolint", "-o", str(pyproject))
    assert code == 2 and "already has a [tool.dflint] table" in err


def test_conversion_without_a_file_says_so(tmp_path: Path) -> None:
    """As a process: the sub-command is wired into the real ``dflint`` entry point."""
    done = subprocess.run([sys.executable, "-m", "dflint", "config", "--from-hadolint"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "no .hadolint.yaml here" in done.stderr


def test_toml_strings_survive_odd_characters() -> None:
    from dflint.config_convert import to_toml

    data = {"trusted-registries": ['quo"te\\back\x7fdel\ttab', "ünï"], "label-schema": {"a.b c": "url"}}
    assert tomli.loads(to_toml(data)) == data
