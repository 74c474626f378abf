"""Unit tests for the helpers behind the BuildKit-check rules (DF101-DF114, DL3064).

The rules themselves are covered by fixtures/rules/DF1xx.yml; these tests pin the pieces with
their own semantics: Docker's .dockerignore matching, containerd's platform parsing, Docker's
port spec split, BuildKit's and hadolint's secret-name tests, the LegacyKeyValueFormat fix proof.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from dflint_rules._bk_spans import sub_span, suggest_name
from dflint_rules._dockerignore import has_exclusions, matches_or_parent_matches, read_patterns
from dflint_rules.buildkit_casing import ConsistentInstructionCasing, FromAsCasing, StageNameCasing
from dflint_rules.buildkit_copy_ignored import CopyIgnoredFile
from dflint_rules.buildkit_expose import ExposeInvalidFormat, ExposeProtoCasing, split_port
from dflint_rules.buildkit_from_args import (
    FromPlatformFlagConstDisallowed,
    InvalidDefaultArgInFrom,
    UndefinedArgInFrom,
    parse_platform,
)
from dflint_rules.buildkit_syntax import (
    InvalidDefinitionDescription,
    LegacyKeyValueFormat,
    NoEmptyContinuation,
)
from dflint_rules.buildkit_undefined_var import UndefinedVar
from dflint_rules.secrets_arg_env import (
    SecretsUsedInArgOrEnv,
    SensitiveArgOrEnv,
    buildkit_secret_name,
    hadolint_sensitive_name,
)

from dflint.parser import parse_text
from dflint.plugin import Context
from dflint.span import Span
from dflint.tree import Env, Word


@pytest.mark.parametrize(
    ("lines", "path", "expected"),
    [
        (["*.md"], "README.md", True),
        (["*.md"], "docs/README.md", False),  # `*` never crosses `/`
        (["**/*.md"], "docs/README.md", True),
        (["**/*.md"], "README.md", True),
        (["node_modules"], "node_modules/a/b.js", True),  # a parent folder matches
        (["/build"], "build/out", True),  # leading slash: context root
        (["build/"], "build", True),  # trailing slash cleaned away
        (["a?c"], "abc", True),
        (["a?c"], "a/c", False),
        (["docs/**"], "docs/x/y", True),
        (["# comment", "", "  *.log  "], "x.log", True),
        (["\ufeff*.tmp"], "x.tmp", True),
        (["file[0-9].txt"], "file7.txt", True),
        (["a.b"], "axb", False),  # dots are literal
        (["*.md"], "md", False),
    ],
)
def test_dockerignore_matching(lines: list[str], path: str, expected: bool) -> None:
    assert matches_or_parent_matches(read_patterns(lines), path) is expected


def test_dockerignore_exclusions_and_bad_pattern() -> None:
    patterns = read_patterns(["*.md", "!README.md", "[z-a"])
    assert has_exclusions(patterns)
    assert [p.exclusion for p in patterns] == [False, True, False]
    assert patterns[2].regex is None  # an invalid class never raises, it just never matches
    assert matches_or_parent_matches(patterns, "README.md") is False
    assert matches_or_parent_matches(patterns, "CHANGES.md") is True


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("linux/amd64", ("linux", "amd64")),
        ("linux/arm64/v8", ("linux", "arm64")),
        ("Linux/x86_64", ("linux", "amd64")),
        ("linux", ("linux", "amd64")),
        ("arm64", ("linux", "arm64")),
        ("aarch64", ("linux", "arm64")),
        ("windows(10.0.17763)/amd64", ("windows", "amd64")),
        ("not-a-platform", None),
        ("a/b/c/d", None),
        ("linux/$X", None),
        ("", None),
    ],
)
def test_parse_platform(text: str, expected: tuple[str, str] | None) -> None:
    assert parse_platform(text) == expected


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("80", ("", "", "80", "")),
        ("80/udp", ("", "", "80", "udp")),
        ("8080:80", ("", "8080", "80", "")),
        ("127.0.0.1:53:53/udp", ("127.0.0.1", "53", "53", "udp")),
        ("[::1]:80:80", ("[::1]", "80", "80", "")),
    ],
)
def test_split_port(spec: str, expected: tuple[str, str, str, str]) -> None:
    assert split_port(spec) == expected


@pytest.mark.parametrize(
    ("name", "buildkit", "hadolint"),
    [
        ("GITHUB_TOKEN", True, True),
        ("api_key", True, True),
        ("ApiKey", True, False),
        ("AUTH", True, False),
        ("GPG_KEY_FILE", False, False),
        ("PUBLIC_KEY", False, False),
        ("TOKEN_VERSION", False, True),
        ("MONKEY", False, False),
        ("PASSWORDLESS", False, True),
        ("DB_USERNAME", False, False),  # a login name: dflint leaves out hadolint's `username`
        ("TRAVIS_OS_NAME", False, False),
        ("aws_access_key_id", True, True),
    ],
)
def test_secret_names(name: str, buildkit: bool, hadolint: bool) -> None:
    assert buildkit_secret_name(name) is buildkit
    assert hadolint_sensitive_name(name) is hadolint


def test_suggest_name() -> None:
    assert suggest_name("VERSON", ["VERSION", "PATH"]) == "VERSION"
    assert suggest_name("version", ["VERSION"]) == "VERSION"
    assert suggest_name("A", ["B"]) is None
    assert suggest_name("FOO", []) is None


def test_sub_span_across_continuation() -> None:
    df = parse_text("FROM alpine\nENV A hello \\\n    $NAME\n")
    env = df.stages[0].instructions[0]
    assert isinstance(env, Env)
    pair = env.pairs[0]
    word = Word(pair.value, pair.value_span)
    start = pair.value.index("$")
    assert sub_span(env, word, start, start + 5) == Span(3, 5, 3, 10)


def _fix_text(source: str) -> str | None:
    df = parse_text(source)
    found = list(LegacyKeyValueFormat().check(Context(df)))
    assert len(found) == 1
    fix = found[0].fix
    if fix is None:
        return None
    lines = source.split("\n")
    for edit in sorted(fix.edits, key=lambda e: (e.span.start_line, e.span.start_col), reverse=True):
        s = edit.span
        if s.start_line == s.end_line:
            line = lines[s.start_line - 1]
            lines[s.start_line - 1] = line[: s.start_col - 1] + edit.new_text + line[s.end_col - 1 :]
        else:
            head = lines[s.start_line - 1][: s.start_col - 1]
            tail = lines[s.end_line - 1][s.end_col - 1 :]
            lines[s.start_line - 1 : s.end_line] = [head + edit.new_text + tail]
    return "\n".join(lines)


@pytest.mark.parametrize(
    ("line", "fixed"),
    [
        ("ENV A 1", "ENV A=1"),
        ("ENV A 1 B 2", 'ENV A="1 B 2"'),
        ("ENV A ${X:-a b}", 'ENV A="${X:-a b}"'),  # ENV words split inside ${}
        ("ENV A $X $Y", 'ENV A="$X $Y"'),
        ("ENV A 'single quoted' tail", "ENV A='single quoted'\\ tail"),
        ("ENV A b=c", "ENV A=b=c"),
        ("ENV A a\\ b c", "ENV A=a\\ b\\ c"),
        ("LABEL a b\tc", 'LABEL a="b\tc"'),
    ],
)
def test_legacy_fix_keeps_the_value(line: str, fixed: str) -> None:
    assert _fix_text(f"FROM scratch\n{line}\n") == f"FROM scratch\n{fixed}\n"


def test_rules_never_raise_on_broken_files() -> None:
    rules = [
        StageNameCasing, FromAsCasing, ConsistentInstructionCasing, UndefinedArgInFrom,
        InvalidDefaultArgInFrom, FromPlatformFlagConstDisallowed, UndefinedVar, NoEmptyContinuation,
        LegacyKeyValueFormat, InvalidDefinitionDescription, ExposeProtoCasing, ExposeInvalidFormat,
        CopyIgnoredFile, SecretsUsedInArgOrEnv, SensitiveArgOrEnv,
    ]
    sources = [
        "", "FROM", "FROM a AS", "ENV", "ENV A", "FROM a\nENV ${\nEXPOSE ${P:?}\nCOPY\n",
        "ARG X=${\nFROM ${X\nFROM --platform= a AS\n", "FROM a\nLABEL \"\" x\nWORKDIR\nUSER\n",
        "FROM a\nRUN --mount=type=cache,target=${ x\nCOPY <<EOF\n", "# escape=`\nFROM a `\n\n",
    ]
    for source in sources:
        df = parse_text(source)
        for rule in rules:
            options = CopyIgnoredFile.Options(dockerignore=("*",)) if rule is CopyIgnoredFile else None
            list(rule().check(Context(df, options or rule.default_options())))


_CORPUS = Path("/work/shared/corpus/realworld")


def _corpus_files(limit: int | None) -> list[Path]:
    if not _CORPUS.is_dir():
        return []
    files = sorted(p for p in _CORPUS.rglob("*") if p.is_file())
    return files[:limit] if limit else files


def _lint_corpus(files: list[Path]) -> int:
    from dflint.parser import parse_bytes

    rules = [UndefinedVar, LegacyKeyValueFormat, UndefinedArgInFrom, InvalidDefaultArgInFrom,
             StageNameCasing, ConsistentInstructionCasing, ExposeInvalidFormat, NoEmptyContinuation]
    total = 0
    for path in files:
        df = parse_bytes(path.read_bytes(), str(path))
        for rule in rules:
            total += len(list(rule().check(Context(df, rule.default_options()))))
    return total


def test_corpus_slice_does_not_crash() -> None:
    files = _corpus_files(60)
    if not files:
        pytest.skip("real-world corpus not available")
    assert _lint_corpus(files) >= 0


@pytest.mark.corpus
def test_whole_corpus_does_not_crash() -> None:
    files = _corpus_files(None)
    if not files:
        pytest.skip("real-world corpus not available")
    assert _lint_corpus(files) > 0
