"""BuildKit variable expansion (spec §9.1), table-driven from the spec and BuildKit's lex tests."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dflint.expand import VarUse, expand, expand_heredoc, expand_words, variables_in

ENV = {"PWD": "/home", "SHELL": "bash", "KOREAN": "한국어", "NULL": "", "FOO": "xxyy", "BAR": ""}


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("hello", "hello"),
        ("$PWD", "/home"),
        ("${PWD}", "/home"),
        ("x${PWD}x", "x/homex"),
        ("$PWD/x", "/home/x"),
        ("$KOREAN", "한국어"),
        ("$UNSET", ""),
        ("${UNSET}", ""),
        ("a$", "a$"),
        ("$ x", "$ x"),
        ("$.", "$."),
        ("$1x", "x"),
        ("$@", ""),
        ("$$", ""),
        # quotes are removed; single quotes are literal
        ("'$PWD'", "$PWD"),
        ('"$PWD"', "/home"),
        ("'a b'", "a b"),
        ("'a\\'", "a\\"),
        ("he'l'lo", "hello"),
        ("\"it's\"", "it's"),
        # escapes outside quotes
        ("\\$PWD", "$PWD"),
        ("\\\\", "\\"),
        ("a\\", "a"),
        ("\\'a\\'", "'a'"),
        ("\\a", "a"),
        # in double quotes the escape char escapes only ", $ and itself
        ('"a\\"b"', 'a"b'),
        ('"\\$PWD"', "$PWD"),
        ('"\\\\"', "\\"),
        ('"a\\nb"', "a\\nb"),
        ("\"'$PWD'\"", "'/home'"),
        # default / alternative
        ("${UNSET:-def}", "def"),
        ("${UNSET-def}", "def"),
        ("${NULL:-def}", "def"),
        ("${NULL-def}", ""),
        ("${PWD:-def}", "/home"),
        ("${UNSET:+alt}", ""),
        ("${NULL:+alt}", ""),
        ("${NULL+alt}", "alt"),
        ("${PWD:+alt}", "alt"),
        ("${PWD+alt}", "alt"),
        ("${UNSET:-a b}", "a b"),
        ('${UNSET:-"a b"}', "a b"),
        ("${UNSET:-'$PWD'}", "$PWD"),
        ("${UNSET:-${PWD}}", "/home"),
        ("${UNSET:-${ALSO:-deep}}", "deep"),
        ("${UNSET:-\\}}", "}"),
        ("${UNSET:-}", ""),
        ("${PWD?}", "/home"),
        ("${NULL?}", ""),
        ("${PWD:?boom}", "/home"),
        # BuildKit's own cases (lex_test.go TestProcessWithMatches)
        ("${FOO-aaa} ${BAR-bbb} ${BAZ-ccc}", "xxyy  ccc"),
        ("${FOO:-aaa} ${BAR:-bbb} ${BAZ:-ccc}", "xxyy bbb ccc"),
        ("${FOO+aaa} ${BAR+bbb} ${BAZ+ccc}", "aaa bbb "),
        ("${FOO:+aaa} ${BAR:+bbb} ${BAZ:+ccc}", "aaa  "),
        ("${FOO#*x*y}", "y"),
        ("${FOO#*}", "xxyy"),
        ("${FOO#}", "xxyy"),
        ("${FOO##*x}", "yy"),
        ("${FOO##}", "xxyy"),
        ("${FOO#x}", "xyy"),
        ("${FOO%y}", "xxy"),
        ("${FOO%%y*}", "xx"),
        ("${FOO%y*}", "xxy"),
        ("${FOO%}", "xxyy"),
        ("${FOO%%$BAR}", "xxyy"),
        ("${ABC:-.}${FOO%x}${ABC:-.}", ".xxyy."),
        ("${FOO/$BAR/ww}", "wwxxyy"),
        ("${FOO///}", "xxyy"),
        ("${UNSET///}", ""),
        ("${FOO/x/z}", "zxyy"),
        ("${FOO//x/z}", "zzyy"),
    ],
)
def test_expand_table(word: str, expected: str) -> None:
    result = expand(word, ENV)
    assert result.error is None, result.error
    assert result.value == expected


@pytest.mark.parametrize(
    ("word", "env", "expected"),
    [
        ("${FOO#()[]{\\}^$.\\*\\?|\\\\}", {"FOO": "()[]{}^$.*?|\\x"}, "x"),
        ("${FOO%%\\**}", {"FOO": "xx**"}, "xx"),
        ("${FOO#$BAR}", {"FOO": "xxyy", "BAR": "x"}, "xyy"),
        ("${FOO#?\\?}", {"FOO": "???y"}, "?y"),
        ("${FOO%%\\**\\*}", {"FOO": "a***yy*"}, "a"),
        ("${FOO/$N/.} - ${FOO//$N/.}", {"FOO": "/foo*/*/*.txt", "N": "\\*/"}, "/foo.*/*.txt - /foo..*.txt"),
        ("${FOO/$N/} - ${FOO//$N/}", {"FOO": "/tmp/tmp/bar.txt", "N": "/tmp"}, "/tmp/bar.txt - /bar.txt"),
        ("${F/$N/$R}-${F//$N/$R}", {"F": "/a/foo/b/c.txt", "N": "/?/", "R": "/"}, "/foo/b/c.txt-/foo/c.txt"),
        ("${FOO/$N/$R}", {"FOO": "http://google.de", "N": "http://", "R": "https://"}, "https://google.de"),
        ("${FOO//\\//\\/}", {"FOO": "/tmp/foo.txt"}, "\\/tmp\\/foo.txt"),
        (
            "something-${VERSION}.${TARGETOS}-${TARGETARCH}${TARGETVARIANT:+-${TARGETVARIANT}}.tar.gz",
            {"VERSION": "v1.2.3", "TARGETOS": "linux", "TARGETARCH": "arm", "TARGETVARIANT": "v7"},
            "something-v1.2.3.linux-arm-v7.tar.gz",
        ),
        (
            "something-${VERSION}.${TARGETOS}-${TARGETARCH}${TARGETVARIANT:+-${TARGETVARIANT}}.tar.gz",
            {"VERSION": "v1.2.3", "TARGETOS": "linux", "TARGETARCH": "arm64"},
            "something-v1.2.3.linux-arm64.tar.gz",
        ),
        # Go's ReplaceAllString: an empty match right after a match is not replaced (re.sub would).
        ("${V//*/-}", {"V": "abc"}, "-"),
        # ... and "$0" in the replacement is Go template syntax for the whole match.
        ("${V//b/<\\$0>}", {"V": "abc"}, "a<\\b>c"),
        # unicode names
        ("$ñame-x", {"ñame": "v"}, "v-x"),
    ],
)
def test_expand_with_env(word: str, env: dict[str, str], expected: str) -> None:
    result = expand(word, env)
    assert result.error is None, result.error
    assert result.value == expected


@pytest.mark.parametrize(
    ("word", "message", "offset"),
    [
        ("${", "syntax error: missing '}'", 0),
        ("a${PWD", "syntax error: missing '}'", 1),
        ("${}", "syntax error: bad substitution", 0),
        ("${:a}", "syntax error: bad substitution", 0),
        ("${{a}", "syntax error: bad substitution", 0),
        ("${a:-x", "syntax error: missing '}'", 0),
        ("${a:}", "syntax error: missing '}'", 0),
        ("${a=b}", "unsupported modifier (=) in substitution", 0),
        ("${FOO=:aaa}", "unsupported modifier (=) in substitution", 0),
        ("${a b}", "unsupported modifier ( ) in substitution", 0),
        ("${FOO:#x}", "unsupported modifier (:#) in substitution", 0),
        ("${FOO:/x/y}", "unsupported modifier (:/) in substitution", 0),
        ("${FOO:x}", "unsupported modifier (:x) in substitution", 0),
        ("${FOO/x", "syntax error: missing '/' in ${}", 0),
        ("${FOO//ww}", "syntax error: missing '/' in ${}", 0),
        ("${FOO/x/y", "syntax error: missing '}'", 0),
        ("x ${UNSET?}", "UNSET: is not allowed to be unset", 2),
        ("${NULL:?}", "NULL: is not allowed to be empty", 0),
        ("${UNSET:?must be set}", "UNSET: must be set", 0),
        ("${BAR:?message here$PWD}", "BAR: message here/home", 0),
        ("${FOO#\\x}", "invalid pattern (\\x) in substitution: invalid escape '\\x'", 0),
        ("'abc", "unexpected end of statement while looking for matching single-quote", 0),
        ('ab"c', "unexpected end of statement while looking for matching double-quote", 2),
        ('"a\\"', "unexpected end of statement while looking for matching double-quote", 0),
        ("${UNSET:-'x}", "syntax error: missing '}'", 0),
    ],
)
def test_expand_errors(word: str, message: str, offset: int) -> None:
    result = expand(word, ENV)
    assert result.error is not None
    assert result.error.message == message
    assert result.error.offset == offset
    assert result.value == ""


def test_full_message_wraps_like_buildkit() -> None:
    result = expand("${", {})
    assert result.error is not None
    assert result.error.full_message("${") == "failed to process \"${\": syntax error: missing '}'"


def test_used_records_every_reference_with_offsets() -> None:
    result = expand("a$PWD ${UNSET:-$FOO} ${NULL#x}", ENV)
    assert result.used == [
        VarUse("PWD", 1, 5, "", False, True),
        VarUse("UNSET", 6, 20, ":-", True, False),
        VarUse("FOO", 15, 19, "", False, True),
        VarUse("NULL", 21, 30, "#", True, True),
    ]
    assert result.used[1].has_default
    assert not result.used[3].has_default
    assert [u.name for u in result.unset] == ["UNSET"]


def test_greedy_modifiers_are_recorded() -> None:
    mods = [u.modifier for u in expand("${A##x}${A%%x}${A//x/y}${A:+x}${A?x}${A:?x}", {"A": "v"}).used]
    assert mods == ["##", "%%", "//", ":+", "?", ":?"]


def test_used_kept_up_to_an_error() -> None:
    result = expand("$PWD ${", ENV)
    assert [u.name for u in result.used] == ["PWD"]
    assert result.error is not None


def test_strict_reports_plain_unset_reference() -> None:
    result = expand("ok ${UNSET}", ENV, strict=True)
    assert result.error is not None
    assert result.error.message == "UNSET: variable is not set"
    assert result.error.offset == 3
    assert expand("${UNSET:-d}", ENV, strict=True).value == "d"
    assert expand("$PWD", ENV, strict=True).value == "/home"


def test_backtick_escape() -> None:
    assert expand("`$PWD", ENV, escape="`").value == "$PWD"
    assert expand("C:\\Windows", ENV, escape="`").value == "C:\\Windows"
    assert expand('"a`"b"', ENV, escape="`").value == 'a"b'
    assert expand('"a\\"', ENV, escape="`").value == "a\\"


@pytest.mark.parametrize(
    ("word", "words"),
    [
        ("80 443", ["80", "443"]),
        ("  80\t443  ", ["80", "443"]),
        ("$PORTS", ["80", "81/udp"]),
        ("'$PORTS' x", ["$PORTS", "x"]),
        ('"$PORTS"', ["80 81/udp"]),
        ("a\\ b", ["a b"]),
        ('"" x', ["x"]),
        ("${UNSET:-8 9}", ["8", "9"]),
        ("", []),
    ],
)
def test_expand_words(word: str, words: list[str]) -> None:
    result = expand_words(word, {"PORTS": "80 81/udp"})
    assert result.error is None
    assert result.words == words


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("echo $PWD\n", "echo /home\n"),
        ("echo '$PWD' \"$PWD\"\n", "echo '/home' \"/home\"\n"),
        ("price \\$5 \\\\ \\n\n", "price $5 \\ n\n"),
        ("it's ok\n", "it's ok\n"),
    ],
)
def test_heredoc_mode(body: str, expected: str) -> None:
    result = expand_heredoc(body, ENV)
    assert result.error is None
    assert result.value == expected


def test_variables_in_needs_no_env_and_survives_semantic_errors() -> None:
    uses = variables_in("${A?} ${B#\\x} $C ${D:-$E}")
    assert [(u.name, u.start, u.end, u.modifier) for u in uses] == [
        ("A", 0, 5, "?"),
        ("B", 6, 13, "#"),
        ("C", 14, 16, ""),
        ("D", 17, 25, ":-"),
        ("E", 22, 24, ""),
    ]
    assert all(not u.is_set for u in uses)
    assert variables_in("'$A' \\$B $C") == [VarUse("C", 9, 11, "", False, False)]
    assert [u.name for u in variables_in("`$A $B", "`")] == ["B"]


# -- properties --------------------------------------------------------------------------------
_PLAIN = st.text(alphabet=st.characters(blacklist_characters="$'\"\\", codec="utf-8"))


@given(_PLAIN)
def test_plain_word_expands_to_itself(word: str) -> None:
    result = expand(word, ENV)
    assert result.error is None
    assert result.value == word
    assert result.used == []


@settings(max_examples=300)
@given(st.text(alphabet=st.sampled_from("${}:-+?#%/'\"\\` aZ_1*\n"), max_size=30), st.sampled_from("\\`"))
def test_never_raises_and_error_offsets_are_in_range(word: str, escape: str) -> None:
    result = expand(word, ENV, escape=escape)
    if result.error is not None:
        assert 0 <= result.error.offset <= result.error.end <= len(word)
        assert result.value == ""
    for use in result.used:
        assert 0 <= use.start < use.end <= len(word)
        assert word[use.start] == "$"
    variables_in(word, escape)
    expand_heredoc(word, ENV)
    expand_words(word, ENV, escape=escape)


@given(st.text(max_size=40))
def test_never_raises_on_arbitrary_text(word: str) -> None:
    expand(word, ENV)


@given(st.text(alphabet=st.characters(blacklist_characters="'\"\\$", codec="utf-8"), max_size=20))
def test_single_quoting_protects_anything(text: str) -> None:
    assert expand(f"'{text}$PWD'", ENV).value == text + "$PWD"


@settings(max_examples=300)
@given(st.text(alphabet=st.sampled_from("ab =\t\n\xa0\u3000'\"$\\`{}x"), max_size=25),
       st.sampled_from("\\`"), st.booleans())
def test_fast_path_agrees_with_the_lexer(word: str, escape: str, quotes: bool) -> None:
    """Words with nothing to expand skip the lexer; the result must be what the lexer gives."""
    from dflint import expand as module

    lexer = module._Lexer(word, {}, escape, quotes=quotes, strict=False, collect_only=False)
    try:
        value, words = lexer.process_stop_on(None, False)
    except module._Failure:
        return
    result = module._run(word, {}, escape, quotes=quotes)
    assert (result.value, result.words, result.error) == (value, words, None)
    assert [u.name for u in result.used] == [u.name for u in module._in_order(lexer.used)]
