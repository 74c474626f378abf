"""The optional ShellCheck pass: positions, selection, suppression, one process per file."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dflint import shellcheck
from dflint.config import CliOverrides, ConfigResolver
from dflint.engine import Linter, load_registry
from dflint.finding import Finding, FixSafety, Severity, TextEdit
from dflint.parser import parse_bytes
from dflint.plugin import Registry
from dflint.semantic import SemanticModel
from dflint.span import Span

pytestmark = pytest.mark.skipif(shellcheck.find_shellcheck() is None, reason="shellcheck not installed")


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry()


@pytest.fixture(autouse=True)
def _fresh_warnings() -> Iterator[None]:
    shellcheck._warned.clear()
    yield
    shellcheck._warned.clear()


def lint(registry: Registry, tmp_path: Path, text: str, **overrides: Any) -> list[Finding]:
    """SC findings of ``text`` linted with ``--shellcheck`` (plus any CLI overrides)."""
    path = tmp_path / "Dockerfile"
    path.write_text(text, encoding="utf-8")
    resolver = ConfigResolver(registry, isolated=True, overrides=CliOverrides(shellcheck=True, **overrides))
    outcome = Linter(registry, resolver.settings_for).lint_path(path, "Dockerfile")
    return [f for f in outcome.findings if f.code.startswith("SC")]


def where(findings: list[Finding]) -> list[tuple[str, int, int, int, int]]:
    return [(f.code, f.span.start_line, f.span.start_col, f.span.end_line, f.span.end_col) for f in findings]


class Spy:
    """Counts subprocess.run calls made by dflint.shellcheck, passing them through."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []
        self._real = subprocess.run

    def __call__(self, command: list[str], **kwargs: Any) -> Any:
        self.calls.append(list(command))
        return self._real(command, **kwargs)


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> Spy:
    recorder = Spy()
    monkeypatch.setattr(subprocess, "run", recorder)
    return recorder


def test_unquoted_var_after_continuation_maps_to_exact_position(registry: Registry, tmp_path: Path) -> None:
    text = 'FROM alpine:3.20\nRUN echo "$HOME" \\\n    && echo $VERSION_X ok\n'
    found = lint(registry, tmp_path, text)
    assert where(found) == [("SC2086", 3, 13, 3, 23)]
    assert found[0].severity is Severity.INFO
    assert found[0].url == "https://www.shellcheck.net/wiki/SC2086"
    assert found[0].name == "shellcheck"
    assert found[0].message == "Double quote to prevent globbing and word splitting."


def test_comment_line_inside_continuation_keeps_columns(registry: Registry, tmp_path: Path) -> None:
    text = "FROM alpine:3.20\nRUN true \\\n# a comment BuildKit drops\n  && echo $A_B\n"
    assert where(lint(registry, tmp_path, text)) == [("SC2086", 4, 11, 4, 15)]


def test_escape_directive_backtick(registry: Registry, tmp_path: Path) -> None:
    text = "# escape=`\nFROM alpine:3.20\nRUN true `\n  && echo $A_B\n"
    assert where(lint(registry, tmp_path, text)) == [("SC2086", 4, 11, 4, 15)]


def test_lone_heredoc_body_with_chomped_tabs(registry: Registry, tmp_path: Path) -> None:
    text = "FROM alpine:3.20\nRUN <<-EOF\n\tset -e\n\t\techo $NAME_X\n\tEOF\n"
    assert where(lint(registry, tmp_path, text)) == [("SC2086", 4, 8, 4, 15)]


def test_heredoc_fed_to_command_is_part_of_the_script(registry: Registry, tmp_path: Path) -> None:
    # The shell reads `cat <<EOF` + body + terminator; a command substitution in it is checked.
    text = "FROM alpine:3.20\nRUN cat <<EOF > /etc/motd && echo $AFTER\nhello $(ls $DIR_X)\nEOF\n"
    assert where(lint(registry, tmp_path, text)) == [
        ("SC2086", 2, 35, 2, 41),
        ("SC2086", 3, 12, 3, 18),
    ]


def test_body_shebang_selects_dialect_and_foreign_shebang_skips(registry: Registry, tmp_path: Path) -> None:
    text = (
        "FROM alpine:3.20\n"
        "RUN <<EOF\n#!/bin/bash\necho \"$RANDOM\"\nEOF\n"
        "RUN <<EOF\necho \"$RANDOM\"\nEOF\n"
        "RUN <<EOF\n#!/usr/bin/env python3\nprint($x)\nEOF\n"
    )
    # Only the body without a shebang runs under /bin/sh, where $RANDOM is undefined.
    assert where(lint(registry, tmp_path, text)) == [("SC3028", 7, 7, 7, 14)]


def test_shell_instruction_switches_dialect(registry: Registry, tmp_path: Path) -> None:
    sh_only = 'FROM alpine:3.20\nRUN echo "$RANDOM"\n'
    assert [f.code for f in lint(registry, tmp_path, sh_only)] == ["SC3028"]
    bash = 'FROM alpine:3.20\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN echo "$RANDOM"\n'
    assert lint(registry, tmp_path, bash) == []


def test_exec_form_and_powershell_have_no_findings(registry: Registry, tmp_path: Path, spy: Spy) -> None:
    text = (
        "FROM mcr.microsoft.com/windows/servercore:ltsc2022\n"
        'RUN ["sh", "-c", "echo $x"]\n'
        'SHELL ["powershell", "-Command"]\n'
        "RUN echo $x; $y = 1\n"
        "RUN cmd /c echo %x%\n"
    )
    assert lint(registry, tmp_path, text) == []
    assert spy.calls == []  # nothing to check, so ShellCheck is not even started


def test_unsupported_shell_is_skipped(registry: Registry, tmp_path: Path) -> None:
    text = 'FROM alpine:3.20\nSHELL ["/bin/zsh", "-c"]\nRUN echo $x\n'
    assert lint(registry, tmp_path, text) == []


def test_arg_and_env_in_scope_are_not_sc2154(registry: Registry, tmp_path: Path) -> None:
    text = (
        "ARG global_only=1\n"
        "FROM alpine:3.20\n"
        "ARG version\n"
        "ENV app_home=/app\n"
        'RUN echo "$version" "$app_home" "$http_proxy" "$global_only" "$later"\n'
        "ARG later\n"
    )
    found = lint(registry, tmp_path, text)
    # A global ARG is not visible in a stage without a re-declaration, and an ARG declared after
    # the RUN is not in scope yet.
    assert [(f.code, f.message) for f in found] == [
        ("SC2154", "global_only is referenced but not assigned."),
        ("SC2154", "later is referenced but not assigned."),
    ]
    assert found[0].severity is Severity.WARNING


def test_each_run_is_checked_on_its_own(registry: Registry, tmp_path: Path) -> None:
    # Separate RUNs are separate shells: the assignment is unused in one, unset in the other.
    text = 'FROM alpine:3.20\nRUN tmp_dir=/tmp/x\nRUN echo "$tmp_dir"\n'
    assert [(f.code, f.line) for f in lint(registry, tmp_path, text)] == [("SC2034", 2), ("SC2154", 3)]


def test_one_process_per_file_even_with_mixed_shells(registry: Registry, tmp_path: Path, spy: Spy) -> None:
    text = (
        "FROM alpine:3.20 AS one\n"
        "RUN echo $A_1\n"
        "RUN echo $A_2\n"
        'SHELL ["/bin/bash", "-c"]\n'
        "RUN echo $A_3\n"
        "FROM one\n"
        "RUN echo $A_4\n"
        "FROM alpine:3.20\n"
        "RUN <<EOF\necho $A_5\nEOF\n"
    )
    found = lint(registry, tmp_path, text)
    assert [(f.code, f.line) for f in found] == [
        ("SC2086", 2), ("SC2086", 3), ("SC2086", 5), ("SC2086", 7), ("SC2086", 10),
    ]
    assert len(spy.calls) == 1
    assert spy.calls[0].count("--format=json1") == 1


def test_inline_ignores(registry: Registry, tmp_path: Path) -> None:
    text = (
        "FROM alpine:3.20\n"
        "# hadolint ignore=SC2086\n"
        "RUN echo $A_1 \\\n  $A_2\n"
        "# dflint: ignore=SC2086\n"
        "RUN <<EOF\necho $A_3\nEOF\n"
        "# dflint: ignore=SC2154\n"
        "RUN echo $A_4\n"
    )
    assert where(lint(registry, tmp_path, text)) == [("SC2086", 10, 10, 10, 14)]


def test_selection_and_severity_override_by_code(registry: Registry, tmp_path: Path) -> None:
    text = "FROM alpine:3.20\nRUN echo $x_y\n"
    assert [f.code for f in lint(registry, tmp_path, text)] == ["SC2086", "SC2154"]
    assert [f.code for f in lint(registry, tmp_path, text, ignore=["SC2086"])] == ["SC2154"]
    assert [f.code for f in lint(registry, tmp_path, text, select=["SC2154"])] == ["SC2154"]
    assert lint(registry, tmp_path, text, ignore=["SC"]) == []


def test_config_file_turns_it_on_and_relevels(registry: Registry, tmp_path: Path) -> None:
    (tmp_path / ".dflint.toml").write_text('shellcheck = true\n[severity]\nSC2086 = "error"\n')
    path = tmp_path / "Dockerfile"
    path.write_text("FROM alpine:3.20\nRUN echo $A_1\n")
    resolver = ConfigResolver(registry)
    outcome = Linter(registry, resolver.settings_for).lint_path(path, "Dockerfile")
    found = [(f.code, f.severity) for f in outcome.findings if f.code.startswith("SC")]
    assert found == [("SC2086", Severity.ERROR)]


def test_off_by_default(registry: Registry, tmp_path: Path, spy: Spy) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text("FROM alpine:3.20\nRUN echo $A_1\n")
    resolver = ConfigResolver(registry, isolated=True)
    outcome = Linter(registry, resolver.settings_for).lint_path(path)
    assert not [f for f in outcome.findings if f.code.startswith("SC")]
    assert spy.calls == []


def test_missing_binary_warns_once_and_keeps_exit_code(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from dflint.cli import main

    monkeypatch.setattr(shellcheck, "find_shellcheck", lambda: None)
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "Dockerfile").write_text('FROM alpine:3.20\nRUN echo $A_1\nCMD ["true"]\n')
    # Only a rule that cannot fire is selected, so the exit code depends on the warning alone.
    code = main(["--isolated", "--shellcheck", "--select", "DL3000", "--format", "json",
                 str(tmp_path / "a" / "Dockerfile"),
                 str(tmp_path / "b" / "Dockerfile")])
    captured = capsys.readouterr()
    assert code == 0
    assert captured.out.strip() == "[]"
    assert captured.err.count("dflint: warning:") == 1
    assert "shellcheck" in captured.err and "not found" in captured.err


def test_broken_shellcheck_output_is_a_warning(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], registry: Registry, tmp_path: Path
) -> None:
    def broken(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
        return subprocess.CompletedProcess(command, 4, b"not json", b"shellcheck: boom\n")

    monkeypatch.setattr(subprocess, "run", broken)
    assert lint(registry, tmp_path, "FROM alpine:3.20\nRUN echo $A_1\n") == []
    assert "ShellCheck skipped for Dockerfile: shellcheck failed: shellcheck: boom" in capsys.readouterr().err


def test_units_and_span_mapping_directly() -> None:
    dockerfile = parse_bytes(b"FROM alpine:3.20\nARG v_1\nRUN echo $v_1 \\\n  $w\n", "Dockerfile")
    units = shellcheck.build_units(dockerfile, SemanticModel.build(dockerfile))
    assert len(units) == 1
    assert units[0].text == "#!/bin/sh\necho $v_1   $w\nexport " + " ".join(
        SemanticModel.build(dockerfile).scope_at(dockerfile.instructions[-1]).names()
    ) + "\n"
    assert units[0].span(2, 13, 2, 15) == Span(4, 3, 4, 5)
    assert units[0].span(1, 1, 1, 2) is None  # the shebang dflint added
    assert units[0].span(3, 1, 3, 5) is None  # the export line


def test_shellcheck_suggestions_become_unsafe_fixes(registry: Registry, tmp_path: Path) -> None:
    text = (
        "FROM alpine:3.20\nRUN echo $A_1 \\\n  $A_2 && x=`date` && echo \"$x\"\n"
        "RUN <<-EOF\n\t\techo $A_3\n\tEOF\n"
    )
    found = lint(registry, tmp_path, text)
    assert [(f.code, f.line) for f in found] == [("SC2086", 2), ("SC2086", 3), ("SC2006", 3), ("SC2086", 5)]
    assert all(f.fix is not None and f.fix.safety is FixSafety.UNSAFE for f in found)
    edits = [f.fix.edits for f in found if f.fix is not None]
    assert edits == [
        (TextEdit(Span(2, 10, 2, 10), '"'), TextEdit(Span(2, 14, 2, 14), '"')),
        (TextEdit(Span(3, 3, 3, 3), '"'), TextEdit(Span(3, 7, 3, 7), '"')),
        (TextEdit(Span(3, 13, 3, 14), "$("), TextEdit(Span(3, 18, 3, 19), ")")),
        (TextEdit(Span(5, 8, 5, 8), '"'), TextEdit(Span(5, 12, 5, 12), '"')),
    ]
