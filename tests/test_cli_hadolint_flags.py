"""hadolint's command-line spellings, each accepted with hadolint's meaning."""

from __future__ import annotations

from pathlib import Path

import pytest

from dflint import cli


@pytest.fixture(autouse=True)
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "Dockerfile").write_text("FROM ubuntu\nLABEL Foo=bar\n")
    return tmp_path


@pytest.mark.parametrize("flag", ["-V", "--verbose"])
def test_verbose_says_which_configuration_applies(flag: str, repo: Path, capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    (repo / ".hadolint.yaml").write_text("failure-threshold: warning\noverride:\n  error: [DL3048]\n")
    monkeypatch.setenv("HADOLINT_IGNORE", "DL3006")
    assert cli.main([flag, "-f", "concise", "Dockerfile"]) == 1
    err = capsys.readouterr().err
    assert "HADOLINT_* variables read: HADOLINT_IGNORE" in err
    assert f"Dockerfile: configuration {repo / '.hadolint.yaml'}" in err
    assert "failure-threshold warning" in err and "DL3048=error" in err


def test_unknown_format_names_the_accepted_ones(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["-f", "xml", "Dockerfile"])
    assert exit_info.value.code == 2
    assert "unknown output format 'xml'; expected one of tty, concise" in capsys.readouterr().err


def test_version_short_flag(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["-v"])
    assert capsys.readouterr().out.startswith("dflint ")


@pytest.mark.parametrize(("args", "code"), [
    ([], 1),                                   # DL3006 warning
    (["-t", "error"], 0),
    (["--failure-threshold", "ignore"], 1),    # hadolint's 'ignore' = fail on style too
    (["--no-fail"], 0),
    (["--ignore", "DL3006"], 0),               # DL3048 is style, under the default threshold
    (["--ignore", "DL3006", "-t", "style"], 1),
    (["--ignore", "DL3006", "--error", "DL3048"], 1),
    (["--style", "DL3006", "--ignore", "DL3048"], 0),
])
def test_threshold_and_levels(args: list[str], code: int, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["-f", "concise", *args, "Dockerfile"]) == code


def test_color_comes_from_the_configuration_unless_given(repo: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    (repo / ".hadolint.yaml").write_text("no-color: true\n")
    cli.main(["--format", "tty", "Dockerfile"])
    assert "\x1b[" not in capsys.readouterr().out
    cli.main(["--format", "tty", "--color", "always", "Dockerfile"])
    assert "\x1b[" in capsys.readouterr().out
    cli.main(["--format", "tty", "--color", "always", "--no-color", "Dockerfile"])
    assert "\x1b[" not in capsys.readouterr().out


def test_require_label_flag_is_checked(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--require-label", "author:name", "Dockerfile"]) == 2
    assert "--require-label: unknown label type 'name'" in capsys.readouterr().err
