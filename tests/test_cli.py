"""The `dflint` command end to end: exit codes, stdin, formats, config errors, sub-commands."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "fixtures" / "seeds"


def run(
    args: list[str], cwd: Path = ROOT, stdin: str | bytes | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = dict(os.environ, NO_COLOR="1", **(env or {}))
    data = stdin.encode() if isinstance(stdin, str) else stdin
    proc = subprocess.run(
        [sys.executable, "-m", "dflint", *args],
        cwd=cwd,
        env=full_env,
        input=data,
        capture_output=True,
        timeout=120,
    )
    return subprocess.CompletedProcess(
        proc.args,
        proc.returncode,
        proc.stdout.decode("utf-8", "replace"),
        proc.stderr.decode("utf-8", "replace"),
    )


def test_clean_file_exits_zero(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text('FROM alpine:3.22\nCMD ["true"]\n')
    result = run(["--format", "json", "Dockerfile"], cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout) == []


def test_findings_exit_one_and_json_shape() -> None:
    result = run(["--format", "json", str(SEEDS / "002_ubuntu_flask" / "Dockerfile")])
    assert result.returncode == 1
    findings = json.loads(result.stdout)
    df002 = [f for f in findings if f["code"] == "DF002"]
    assert df002 and df002[0]["line"] == 5 and df002[0]["column"] == 20
    assert set(df002[0]) == {
        "code",
        "name",
        "severity",
        "level",
        "message",
        "file",
        "line",
        "column",
        "end_line",
        "end_column",
        "url",
        "fix",
    }


def test_no_path_means_dockerfile_in_cwd(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM ubuntu\n")
    result = run(["--format", "json"], cwd=tmp_path)
    assert [f["code"] for f in json.loads(result.stdout)] == ["DL3006"]


def test_unreadable_input_exits_two_and_others_are_still_linted(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM ubuntu\n")
    result = run(["--format", "json", "missing/Dockerfile", "Dockerfile"], cwd=tmp_path)
    assert result.returncode == 2
    codes = {(f["file"], f["code"]) for f in json.loads(result.stdout)}
    assert ("missing/Dockerfile", "DF900") in codes and ("Dockerfile", "DL3006") in codes


def test_binary_input_is_unreadable_with_the_nul_position(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_bytes(b"FROM alpine:3.22\nRUN x\x01\x00\x02\xff\xfe" * 100)
    (tmp_path / "ok.Dockerfile").write_text("FROM ubuntu\n")
    result = run(["--format", "json", "Dockerfile", "ok.Dockerfile"], cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    findings = json.loads(result.stdout)
    binary = [f for f in findings if f["file"] == "Dockerfile"]
    assert [(f["code"], f["line"], f["column"]) for f in binary] == [("DF900", 2, 7)]
    assert binary[0]["message"] == (
        "binary file, not linted: it contains a NUL byte at byte offset 23 (line 2, column 7)"
    )
    assert [f["code"] for f in findings if f["file"] == "ok.Dockerfile"] == ["DL3006"]


def test_non_utf8_is_a_warning_with_the_byte_offset(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_bytes(b'FROM alpine:3.22\nLABEL maintainer="Jos\xe9"\n')
    result = run(["--format", "json", "Dockerfile"], cwd=tmp_path)
    assert result.returncode == 1
    [finding] = json.loads(result.stdout)
    assert (finding["code"], finding["line"], finding["column"]) == ("DF902", 2, 22)
    assert "invalid byte 0xe9 at byte offset 38" in finding["message"]


def test_stdin_with_filename() -> None:
    result = run(
        ["--format", "json", "-", "--stdin-filename", "svc/Dockerfile"], stdin="FROM debian:latest\n"
    )
    findings = json.loads(result.stdout)
    assert [(f["file"], f["code"]) for f in findings] == [("svc/Dockerfile", "DL3007")]


def test_config_error_exits_two_naming_file_and_key(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.22\n")
    (tmp_path / ".dflint.toml").write_text('selectt = ["DL3006"]\n')
    result = run(["Dockerfile"], cwd=tmp_path)
    assert result.returncode == 2
    assert ".dflint.toml" in result.stderr and "selectt" in result.stderr


def test_failure_threshold_and_exit_zero(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM ubuntu\n")  # DL3006 is a warning
    assert run(["--failure-threshold", "error", "Dockerfile"], cwd=tmp_path).returncode == 0
    assert run(["--failure-threshold", "warning", "Dockerfile"], cwd=tmp_path).returncode == 1
    assert run(["--exit-zero", "Dockerfile"], cwd=tmp_path).returncode == 0


def test_select_and_ignore(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM ubuntu\nMAINTAINER me\n")

    def codes(args: list[str]) -> list[str]:
        result = run(["--format", "json", *args, "Dockerfile"], cwd=tmp_path)
        return sorted(f["code"] for f in json.loads(result.stdout))

    assert "DL4000" in codes([]) and "DL3006" in codes([])
    assert codes(["--select", "DL3006"]) == ["DL3006"]
    assert "DL3006" not in codes(["--ignore", "DL3006"])


def test_inline_ignore_comments(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(
        "# dflint: ignore=DL3006\nFROM ubuntu\n# hadolint ignore=DL3007\nFROM debian:latest\n"
    )
    result = run(["--format", "json", "--select", "DL3006,DL3007", "Dockerfile"], cwd=tmp_path)
    assert json.loads(result.stdout) == []


@pytest.mark.parametrize("fmt", ["tty", "sarif", "gitlab", "checkstyle", "github", "gnu"])
def test_every_format_renders(fmt: str) -> None:
    result = run(["--format", fmt, str(SEEDS / "002_ubuntu_flask" / "Dockerfile")])
    assert result.returncode == 1, result.stderr
    assert "DF002" in result.stdout


def test_tty_shows_code_frame_without_ansi_when_piped() -> None:
    result = run([str(SEEDS / "002_ubuntu_flask" / "Dockerfile")])
    assert "\x1b[" not in result.stdout
    assert "RUN apt-get update & &apt-get install" in result.stdout
    assert "^" in result.stdout


def test_rules_and_rule_subcommands() -> None:
    listing = run(["rules"])
    assert listing.returncode == 0 and "DF002" in listing.stdout and "DL3006" in listing.stdout
    page = run(["rule", "DF002"])
    assert page.returncode == 0 and page.stdout.startswith("# DF002")
    assert run(["rule", "MultipleInstructionsDisallowed"]).returncode == 0
    assert run(["rule", "NOPE999"]).returncode == 2


def test_parse_subcommand_json(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.22\nRUN echo hi\n")
    result = run(["parse", "--format", "json", "Dockerfile"], cwd=tmp_path)
    assert result.returncode == 0
    data = json.loads(result.stdout.splitlines()[0])
    assert [i["cmd"] for i in data["instructions"]] == ["from", "run"]
    assert data["errors"] == []


def test_directory_lint_with_jobs(tmp_path: Path) -> None:
    for i in range(6):
        d = tmp_path / f"svc{i}"
        d.mkdir()
        (d / "Dockerfile").write_text("FROM ubuntu\n")
    result = run(["--format", "json", "--jobs", "2", "."], cwd=tmp_path)
    assert sorted({f["file"] for f in json.loads(result.stdout)}) == [f"svc{i}/Dockerfile" for i in range(6)]


def test_statistics(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM ubuntu\nFROM debian\n")
    result = run(["--statistics", "Dockerfile"], cwd=tmp_path)
    assert "DL3006" in result.stdout and "2" in result.stdout


def test_cli_format_list_matches_the_reporters() -> None:
    from dflint import cli, report

    assert set(cli.FORMATS) == set(report.FORMATS)
    assert set(cli.FORMAT_ALIASES) == set(report.ALIASES)


def test_dockerignore_of_the_context_reaches_copy_ignored_file(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.22\nCOPY secret.env /app/\n")
    (tmp_path / ".dockerignore").write_text("*.env\n")
    findings = json.loads(run(["--format", "json", "--select", "DF111", "Dockerfile"], cwd=tmp_path).stdout)
    assert [(f["code"], f["line"]) for f in findings] == [("DF111", 2)]
