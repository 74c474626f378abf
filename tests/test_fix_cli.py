"""`dflint --fix` / `--diff` end to end, and the fix property over the real-world corpus."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dflint.config import ConfigResolver
from dflint.engine import Linter, load_registry
from dflint.fix import apply_fixes_once, fix_text
from dflint.parser import parse_text

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "realworld"
BROKEN = "FROM ubuntu:22.04\nRUN apt-get update & &apt-get install -y curl\n"


def dflint(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, NO_COLOR="1")
    return subprocess.run([sys.executable, "-m", "dflint", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_fix_rewrites_the_file_and_reports_what_is_left(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text(BROKEN)
    os.chmod(path, 0o600)
    result = dflint(["--fix", "--select", "DF002", "Dockerfile"], tmp_path)
    assert path.read_text() == "FROM ubuntu:22.04\nRUN apt-get update && apt-get install -y curl\n"
    assert result.returncode == 0, result.stdout
    assert os.stat(path).st_mode & 0o777 == 0o600


def test_diff_prints_and_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text(BROKEN)
    result = dflint(["--diff", "--select", "DF002", "Dockerfile"], tmp_path)
    assert path.read_text() == BROKEN
    assert "-RUN apt-get update & &apt-get install -y curl" in result.stdout
    assert "+RUN apt-get update && apt-get install -y curl" in result.stdout


def test_fix_keeps_crlf(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_bytes(BROKEN.replace("\n", "\r\n").encode())
    dflint(["--fix", "--select", "DF002", "Dockerfile"], tmp_path)
    assert path.read_bytes() == b"FROM ubuntu:22.04\r\nRUN apt-get update && apt-get install -y curl\r\n"


def test_file_with_parse_error_is_never_fixed(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    text = BROKEN + "RUN <<EOF\necho never closed\n"
    path.write_text(text)
    dflint(["--fix", "Dockerfile"], tmp_path)
    assert path.read_text() == text


def test_unsafe_fixes_need_the_flag(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text("FROM alpine:3.22\nCMD run-server --port 80\n")
    dflint(["--fix", "--select", "DL3025", "Dockerfile"], tmp_path)
    assert "CMD run-server" in path.read_text()
    dflint(["--fix", "--unsafe-fixes", "--select", "DL3025", "Dockerfile"], tmp_path)
    assert 'CMD ["run-server", "--port", "80"]' in path.read_text()


_LINTER: Linter | None = None


def linter() -> Linter:
    global _LINTER
    if _LINTER is None:
        registry = load_registry()
        _LINTER = Linter(registry, ConfigResolver(registry, isolated=True).settings_for)
    return _LINTER


def lint(text: str):  # type: ignore[no-untyped-def]
    outcome = linter().lint_bytes(text.encode("utf-8", "surrogateescape"), "Dockerfile", Path("Dockerfile"))
    return outcome.findings, outcome.parse_failed


CORPUS_FILES = sorted(p for p in CORPUS.iterdir() if p.name not in ("README.md", "manifest.jsonl")) \
    if CORPUS.is_dir() else []


def check_fix_property(path: Path) -> None:
    """Fixing a real file: it still parses (ours and the official parser), and instructions
    change, appear or disappear only where a fix was reported (a WORKDIR fix adds one)."""
    import difflib

    import dockerfile

    text = path.read_bytes().decode("utf-8", "surrogateescape")
    findings, failed = lint(text)
    final = fix_text(text, lint)
    if failed:  # fixes never apply to a file that does not parse
        assert final.fixed == text
        return
    new, applied = apply_fixes_once(text, findings, unsafe=False)
    before, after = parse_text(text).instructions, parse_text(new).instructions
    touched_lines = {line for f in applied for edit in f.fix.edits  # type: ignore[union-attr]
                     for line in range(edit.span.start_line, edit.span.end_line + 1)}
    matcher = difflib.SequenceMatcher(None, [i.original for i in before], [i.original for i in after],
                                      autojunk=False)
    for tag, i1, i2, _j1, _j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if i1 < i2:  # instructions replaced or removed: a fix edited them
            lines = set(range(before[i1].span.start_line, before[i2 - 1].span.end_line + 1))
        else:  # instructions inserted: a fix inserted text where the next one starts
            lines = {before[i1].span.start_line if i1 < len(before) else len(text.splitlines()) + 1}
        assert touched_lines & lines, (tag, [i.original for i in before[i1:i2]])
    assert not lint(final.fixed)[1]
    dockerfile.parse_string(final.fixed)  # the official parser accepts the result


@pytest.mark.skipif(not CORPUS_FILES, reason="shared corpus not present")
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(CORPUS_FILES or [Path("x")]))
def test_fixes_on_real_files_parse_and_touch_only_fixed_instructions(path: Path) -> None:
    check_fix_property(path)


@pytest.mark.corpus
@pytest.mark.skipif(os.environ.get("DFLINT_FULL_CORPUS") != "1", reason="set DFLINT_FULL_CORPUS=1")
def test_fix_property_on_every_corpus_file() -> None:
    failures = []
    for path in CORPUS_FILES:
        try:
            check_fix_property(path)
        except Exception as exc:  # collect them all: one report for the whole corpus
            failures.append(f"{path.name}: {type(exc).__name__}: {str(exc)[:200]}")
    assert not failures, f"{len(failures)} of {len(CORPUS_FILES)} files:\n" + "\n".join(failures[:30])
