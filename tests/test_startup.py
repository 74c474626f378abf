"""The start-up shortcuts of the `dflint` command keep its behaviour (dflint/cli.py).

* ``dflint PATH...`` skips argparse: its arguments must be exactly what the parser makes;
* the console script (:func:`dflint.cli.run`) exits without the interpreter's teardown: output
  must still be complete and exit codes right, piped or written with ``-o``;
* ``dflint.cli`` and ``dflint.parse_output`` do not import each other;
* a run that nothing can configure uses the built-in defaults without dflint.config: those must
  be what dflint.config resolves, and anything that may configure a run must be noticed;
* the lint path does not import what a lint does not use.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dflint import cli

ROOT = Path(__file__).resolve().parent.parent
DFLINT = [sys.executable, "-m", "dflint"]
FLASK = ROOT / "fixtures" / "seeds" / "000_flask" / "Dockerfile"


@pytest.mark.parametrize("paths", [[], ["Dockerfile"], ["a", "b/Dockerfile", "-"], ["-"]])
def test_plain_arguments_are_what_the_parser_makes(paths: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    for env in (None, "json"):
        if env is None:
            monkeypatch.delenv("DFLINT_FORMAT", raising=False)
        else:
            monkeypatch.setenv("DFLINT_FORMAT", env)
        plain = cli._plain_args(paths)
        assert plain is not None
        parsed = vars(cli._check_parser().parse_args(paths))
        assert vars(plain) == parsed, "an option added to _check_parser needs its default in _plain_defaults"


@pytest.mark.parametrize("argv", [["--format", "json", "x"], ["-o", "out", "x"], ["x", "--fix"], ["--", "x"]])
def test_any_option_goes_through_the_parser(argv: list[str]) -> None:
    assert cli._plain_args(argv) is None


def _run(args: list[str], cwd: Path = ROOT, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if k not in ("DFLINT_FORMAT", "COLUMNS")}
    return subprocess.run([*DFLINT, *args], cwd=cwd, input=stdin, capture_output=True, env=env, check=False)


def test_the_command_exits_with_the_lint_result_and_all_its_output(tmp_path: Path) -> None:
    found = _run(["--format", "json", str(FLASK)])
    assert found.returncode == 1
    assert found.stdout.rstrip().endswith(b"]") and b'"DL3042"' in found.stdout
    clean = tmp_path / "Dockerfile"
    clean.write_text("FROM scratch\nCOPY --chown=0:0 a /a\n", encoding="utf-8")
    assert _run(["--format", "json", str(clean)]).returncode == 0
    big = _run([str(FLASK)] * 50)  # one file, fifty times: every frame and the summary printed
    assert big.returncode == 1 and big.stdout.count(b": DL3042 [warning]") == 50
    assert b"Found 200 problems" in big.stdout.splitlines()[-1]


def test_output_file_and_stdin_are_complete(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    result = _run(["--format", "json", "-o", str(out), "-"], stdin=FLASK.read_bytes())
    assert result.returncode == 1 and result.stdout == b""
    assert out.read_text(encoding="utf-8").rstrip().endswith("]")


def test_usage_help_and_version_keep_their_exit_codes() -> None:
    assert _run(["--no-such-option"]).returncode == 2
    helped = _run(["--help"])
    assert helped.returncode == 0 and b"usage: dflint" in helped.stdout
    assert _run(["--version"]).stdout.startswith(b"dflint ")
    assert _run(["rule", "DL3008"]).returncode == 0


def test_a_closed_pipe_is_not_an_error() -> None:
    lint = f"{sys.executable} -m dflint {FLASK} {FLASK} {FLASK}"
    shell = f"{lint} | head -c 10 >/dev/null; echo ${{PIPESTATUS[0]}}"
    status = subprocess.run(["bash", "-c", shell], capture_output=True, text=True, check=True).stdout.strip()
    assert status in ("0", "1")


def _imports(module: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_cli_and_parse_output_do_not_import_each_other() -> None:
    assert "dflint.cli" not in _imports(ROOT / "dflint" / "parse_output.py")
    assert "dflint.parse_output" in _imports(ROOT / "dflint" / "cli.py")  # one way only


def _modules_after(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "; import sys; print(' '.join(sorted(sys.modules)))"],
                         capture_output=True, text=True, check=True, cwd=ROOT).stdout
    return set(out.split()[-1000:])


def test_a_plain_lint_skips_argparse_config_parsing_and_resource_loading(tmp_path: Path) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM python:3.12\nRUN pip install --no-cache-dir flask==3.0.0\n", encoding="utf-8")
    modules = _modules_after(
        "import io, sys; from dflint.cli import main; sys.stdout = io.StringIO(); "
        f"main([{str(dockerfile)!r}]); sys.stdout = sys.__stdout__")
    assert "tree_sitter" in modules  # the RUN script was analysed...
    unwanted = {"argparse", "gettext", "importlib.resources", "tempfile", "tomli", "tomllib", "threading",
                "rich", "logging", "inspect", "dataclasses", "dflint.config", "dflint.discover"}
    # (pathlib and urllib.parse too in a regular install; the editable one imports them at start-up)
    assert not modules & unwanted  # ...without what a plain lint never needs


# -- the built-in defaults without dflint.config ------------------------------------------------


def test_default_settings_are_what_the_configuration_resolves() -> None:
    from rule_harness import registry

    from dflint.config import DEFAULT_FAILURE_THRESHOLD, ConfigResolver
    from dflint.engine import DEFAULT_SETTINGS

    reg = registry()
    resolved = ConfigResolver(reg, isolated=True).settings_for(str(ROOT))
    assert DEFAULT_SETTINGS.failure_threshold == resolved.failure_threshold == DEFAULT_FAILURE_THRESHOLD
    for name in ("output_format", "shellcheck", "disable_ignore_pragma", "warnings", "no_fail", "color",
                 "config_path"):
        assert getattr(DEFAULT_SETTINGS, name) == getattr(resolved, name), name
    assert dict(DEFAULT_SETTINGS.rule_options) == dict(resolved.rule_options) == {}
    for code, entry in reg.entries.items():
        rule = reg.rules[code]
        assert resolved.is_enabled(code, str(ROOT)) == entry.enabled_by_default, code
        assert resolved.severity_for(rule) == rule.severity, code
        assert resolved.options_for(rule) == rule.default_options(), code


@pytest.fixture
def clean_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder, a home and a working directory where nothing configures dflint."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.delenv("LOCALAPPDATA", raising=False)
    for name in list(os.environ):
        if name.startswith(("DFLINT_", "HADOLINT_")):
            monkeypatch.delenv(name)
    project = tmp_path / "project" / "sub"
    project.mkdir(parents=True)
    (project / "Dockerfile").write_text("FROM python:3.12\nRUN pip install flask\n", encoding="utf-8")
    monkeypatch.chdir(project)
    return project


def test_nothing_configures_a_bare_project(clean_env: Path) -> None:
    from dflint.configfiles import may_be_configured

    assert not may_be_configured([str(clean_env / "Dockerfile")])
    (clean_env.parent / "pyproject.toml").write_text('[project]\nname = "dflint-user"\n', encoding="utf-8")
    assert not may_be_configured([str(clean_env / "Dockerfile")]), "a pyproject without [tool.dflint]"


@pytest.mark.parametrize("where, name, text", [
    ("project", ".dflint.toml", "ignore = ['DL3013']\n"),
    ("parent", "pyproject.toml", "[tool.dflint]\nignore = ['DL3013']\n"),
    ("parent", "pyproject.toml", "[tool]\ndflint = { ignore = ['DL3013'] }\n"),
    ("project", ".hadolint.yaml", "ignored: [DL3013]\n"),
    ("parent", ".hadolint.yml", "ignored: [DL3013]\n"),
    ("home", ".hadolint.yaml", "ignored: [DL3013]\n"),
    ("home", ".config/hadolint.yaml", "ignored: [DL3013]\n"),
    ("home", ".hadolint/config.yml", "ignored: [DL3013]\n"),
])
def test_any_configuration_file_is_noticed(clean_env: Path, where: str, name: str, text: str) -> None:
    from dflint.configfiles import may_be_configured

    base = {"project": clean_env, "parent": clean_env.parent, "home": Path(os.environ["HOME"])}[where]
    (base / name).parent.mkdir(parents=True, exist_ok=True)
    (base / name).write_text(text, encoding="utf-8")
    assert may_be_configured([str(clean_env / "Dockerfile")])


def test_every_file_the_configuration_reads_is_looked_for() -> None:
    from dflint import config, configfiles

    assert set(config.HADOLINT_FILES) | {configfiles.DEDICATED_FILE, configfiles.PYPROJECT_FILE} <= set(
        configfiles.LOCAL_FILES)
    assert {str(p) for p in config.hadolint_home_candidates()} <= set(configfiles._user_files())


def test_configuring_variables_are_noticed(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dflint.configfiles import may_be_configured

    monkeypatch.setenv("DFLINT_FORMAT", "json")  # an argument default, not a setting
    assert not may_be_configured(["Dockerfile"])
    monkeypatch.setenv("HADOLINT_IGNORE", "DL3013")
    assert may_be_configured(["Dockerfile"])


def test_a_configuration_file_still_applies_to_a_plain_run(clean_env: Path) -> None:
    import io
    from contextlib import redirect_stdout

    def codes() -> str:
        out = io.StringIO()
        with redirect_stdout(out):
            cli.main(["--format", "json", "Dockerfile"])
        return out.getvalue()

    assert '"DL3013"' in codes()
    (clean_env / ".dflint.toml").write_text("ignore = ['DL3013']\n", encoding="utf-8")
    assert '"DL3013"' not in codes()


def test_an_option_that_configures_goes_through_the_configuration(clean_env: Path) -> None:
    settings_for = cli._settings_source(cli._check_parser().parse_args(["--ignore", "DL3013", "Dockerfile"]),
                                        ["Dockerfile"], __import__("rule_harness").registry())
    assert not settings_for("Dockerfile").is_enabled("DL3013")  # type: ignore[attr-defined]
    plain = cli._settings_source(cli._check_parser().parse_args(["--format", "json", "Dockerfile"]),
                                 ["Dockerfile"], __import__("rule_harness").registry())
    from dflint.engine import DEFAULT_SETTINGS

    assert plain("Dockerfile") is DEFAULT_SETTINGS


@pytest.mark.parametrize("comment, silenced", [
    ("# install the app", False),
    ("# dflint: ignore=DL3042", True),
    ("# DFLINT: ignore=pip-cache-dir", True),
    ("#hadolint ignore=DL3042", True),
])
def test_pragmas_are_honoured_and_plain_comments_cost_nothing(comment: str, silenced: bool) -> None:
    from rule_harness import registry

    from dflint.engine import DEFAULT_SETTINGS, Linter, _build_suppressions, _NoSuppressions
    from dflint.parser import parse_text

    text = f"FROM python:3.12\n{comment}\nRUN pip install flask==3.0.0\n"
    outcome = Linter(registry(), lambda _p: DEFAULT_SETTINGS).lint_bytes(text.encode(), "Dockerfile")
    assert ("DL3042" not in [f.code for f in outcome.findings]) is silenced
    plain = isinstance(_build_suppressions(parse_text(text), DEFAULT_SETTINGS, {}), _NoSuppressions)
    assert plain is not silenced
