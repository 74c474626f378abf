"""Targeted parser tests: directives, continuations, heredocs, ONBUILD, flags, JSON, spans, odd input."""

from __future__ import annotations

import os

import pytest

from dflint.parse_output import to_dump, to_json
from dflint.parser import parse_bytes, parse_file, parse_text
from dflint.span import Position, Span
from dflint.tree import Copy, Env, From, Healthcheck, Onbuild, Run


def test_spans_keyword_flags_words() -> None:
    df = parse_text("FROM alpine AS Build\nCOPY --from=build --chown=a:b src /dst\n")
    f = df.instructions[0]
    assert isinstance(f, From)
    assert f.keyword_span == Span(1, 1, 1, 5)
    assert f.image is not None and f.image.span == Span(1, 6, 1, 12)
    assert f.stage_name is not None and f.stage_name.text == "Build"
    assert df.stages[0].name == "build"
    c = df.instructions[1]
    assert isinstance(c, Copy)
    assert c.flags[0].span == Span(2, 6, 2, 18)
    assert c.flag("from") is not None and c.from_stage == "build"
    assert c.chown == "a:b"
    assert [w.text for w in c.sources] == ["src"]
    assert c.destination is not None and c.destination.span == Span(2, 35, 2, 39)
    assert c.stage_index == 0


def test_script_position_across_continuations() -> None:
    df = parse_text("FROM a\nRUN apt-get update && \\\n    # comment\n\n    apt-get install x\n")
    r = df.instructions[1]
    assert isinstance(r, Run)
    assert r.script == "apt-get update &&     apt-get install x"
    assert r.script_position(0) == Position(2, 5)
    idx = r.script.index("install")
    assert r.script_position(idx) == Position(5, 13)
    assert r.span == Span(2, 1, 5, 22)
    assert [c.line for c in df.comments] == [3]
    assert [w.code for w in df.warnings] == ["empty-continuation"]


def test_escape_directive_backtick() -> None:
    df = parse_text("# escape=`\nFROM a\nRUN echo \\ `\n  b\n")
    assert df.directives.escape == "`"
    assert df.instructions[1].value == ["echo \\   b"]
    assert df.comments == []


def test_directive_errors_and_block_end() -> None:
    df = parse_text("# syntax=a\n# syntax=b\nFROM x\n")
    assert df.errors[0].message == "only one syntax parser directive can be used"
    assert (df.errors[0].line, df.errors[0].column) == (2, 1)
    df = parse_text("# escape=x\nFROM x\n")
    assert "invalid escape token 'x'" in df.errors[0].message
    df = parse_text("# foo=bar\n# escape=`\nFROM x\n")
    assert df.directives.escape == "\\"
    df = parse_text("# check=skip=all\n# escape=`\nFROM x\n")
    assert df.directives.escape == "`" and df.directives.check == "skip=all"


def test_heredocs() -> None:
    text = "FROM a\nRUN <<EOF\n\techo hi\nEOF\nCOPY <<-A <<'B' /x\n\tfoo\n\tA\nbar\nB\nRUN x\n"
    df = parse_text(text)
    r = df.instructions[1]
    assert r.heredocs[0].name == "EOF" and r.heredocs[0].content == "\techo hi\n"
    assert r.span == Span(2, 1, 4, 4)
    c = df.instructions[2]
    assert [(h.name, h.expand, h.chomp) for h in c.heredocs] == [("A", True, True), ("B", False, False)]
    assert c.heredocs[0].chomped_content == "foo\n"
    assert c.heredocs[1].content_position(0) == Position(8, 1)
    assert df.instructions[3].start_line == 10
    assert df.errors == []


def test_unterminated_heredoc_and_quote_defeats_heredoc() -> None:
    df = parse_text("FROM a\nRUN cat <<EOF\nhello\n")
    assert [e.message for e in df.errors] == ["unterminated heredoc"]
    df = parse_text("FROM a\nRUN cat <<EOF && echo it's\nRUN b\n")
    assert len(df.instructions) == 3 and df.instructions[1].heredocs == []


def test_onbuild() -> None:
    df = parse_text("FROM a\nONBUILD RUN --mount=type=cache,target=/x echo hi\nONBUILD ONBUILD RUN x\n")
    o = df.instructions[1]
    assert isinstance(o, Onbuild) and o.trigger is not None
    assert o.trigger.cmd == "run" and o.trigger.flags[0].raw == "--mount=type=cache,target=/x"
    assert to_dump(df).splitlines()[1] == '(onbuild (run ["--mount=type=cache,target=/x"] "echo hi"))'
    j = to_json(df)["instructions"][1]
    assert j["sub_cmd"] == "run" and j["value"] == ["echo hi"] and j["flags"] == []
    assert any("Chaining ONBUILD" in e.message for e in df.errors)


def test_flags_with_quotes_and_double_dash() -> None:
    df = parse_text('FROM a\nCOPY --chown="a b" -- --x /y\n')
    c = df.instructions[1]
    assert [f.raw for f in c.flags] == ["--chown=a b"]
    assert c.value == ["--x", "/y"]


def test_json_forms() -> None:
    df = parse_text('FROM a\nCMD [\'a\']\nCMD ["a",]\nENTRYPOINT ["a", "b c"]\nCMD ["a"] junk\n')
    assert df.instructions[1].json is False and df.instructions[1].value == ["['a']"]
    assert df.instructions[2].json is False
    e = df.instructions[3]
    assert e.json is True and e.value == ["a", "b c"]
    assert [w.span for w in e.exec_args] == [Span(4, 13, 4, 16), Span(4, 18, 4, 23)]  # type: ignore[attr-defined]
    assert df.instructions[4].json is False
    df = parse_text('FROM a\nCMD ["a", 1]\n')
    assert df.errors[0].message == "when using JSON array syntax, arrays must be comprised of strings only"


def test_env_pairs() -> None:
    df = parse_text('FROM a\nENV A=1 B="x y"\nENV C 1 D 2\n')
    e = df.instructions[1]
    assert isinstance(e, Env)
    assert e.value == ["A", "1", "=", "B", '"x y"', "="]
    assert e.pairs[1].value_span == Span(2, 11, 2, 16)
    legacy = df.instructions[2]
    assert isinstance(legacy, Env) and legacy.pairs[0].legacy and legacy.value == ["C", "1 D 2", ""]


def test_instruction_layer_errors() -> None:
    df = parse_text("RUN x\nFROM a b\nFORM x\nCOPY a\nSHELL sh\nHEALTHCHECK FOO x\n")
    msgs = [(e.line, e.column, e.message) for e in df.errors]
    assert (1, 1, "no build stage in current context") in msgs
    assert (2, 1, "FROM requires either one or three arguments") in msgs
    assert (3, 1, "unknown instruction: FORM (did you mean from?)") in msgs
    assert any(m[0] == 4 and "requires at least two arguments" in m[2] for m in msgs)
    assert (5, 1, "SHELL requires the arguments to be in JSON form") in msgs
    assert (6, 1, 'Unknown type "FOO" in HEALTHCHECK (try CMD)') in msgs
    h = df.instructions[5]
    assert isinstance(h, Healthcheck) and h.kind == "FOO"


def test_odd_inputs() -> None:
    assert parse_bytes(b"").errors[0].message == "file with no instructions"
    df = parse_bytes(b"FROM a\nRUN echo \xff\xfe\n")
    w = next(x for x in df.warnings if x.code == "non-utf8")
    assert "byte offset 16" in w.message and (w.line, w.column) == (2, 10)
    assert to_dump(df) == '(from "a")\n(run "echo \\xff\\xfe")\n'
    df = parse_bytes(b"\x00\x01\x02binary\x00")
    assert any(x.code == "binary" for x in df.warnings)
    df = parse_bytes(b"\xef\xbb\xbfFROM a\r\nRUN b\r\n")
    assert [i.value for i in df.instructions] == [["a"], ["b"]]
    df = parse_bytes(b"FROM a\nRUN " + b"x" * 70000 + b"\n")
    assert df.errors[0].message == "dockerfile line greater than max allowed size of 65535"


def _big(size: int) -> bytes:
    line = b"RUN echo hello world && apt-get install -y foo bar baz\n"
    return b"FROM a\n" + line * (size // len(line))


def test_half_megabyte_file() -> None:
    data = _big(500_000)
    df = parse_bytes(data)
    assert len(df.instructions) == 1 + 500_000 // 55
    assert df.errors == []


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get("DFLINT_SLOW") != "1", reason="set DFLINT_SLOW=1 (about 40 s)")
def test_ten_megabyte_file() -> None:
    df = parse_bytes(_big(10_000_000))
    assert len(df.instructions) == 1 + 10_000_000 // 55


def test_unreadable_file(tmp_path: object) -> None:
    df = parse_file("/nonexistent/Dockerfile")
    assert df.unreadable and df.errors[0].line == 1


def test_split_cache_gives_what_a_fresh_grammar_run_gives(monkeypatch: pytest.MonkeyPatch) -> None:
    """Logical lines already seen skip the grammar; the tree must be the same either way,
    also when the cache overflows in the middle of a file."""
    from dflint import parser
    from dflint.parse_output import to_json

    text = (
        "# escape=\\\nFROM alpine:3.22 AS base\nRUN --mount=type=cache,target=/x \\\n  echo hi\n"
        "COPY --chown=1:1 a b\nRUN echo hi\nCOPY --chown=1:1 a b\nONBUILD RUN --network=none x\n"
    )
    backtick = text.replace("# escape=\\", "# escape=`").replace("\\\n", "`\n")
    assert backtick.count("`") == 2
    for source in (text, backtick):
        parser._SPLIT_CACHE.clear()
        fresh = to_json(parser.parse_text(source))
        assert not fresh["errors"] and len(fresh["instructions"]) == 6
        again = to_json(parser.parse_text(source))  # every line from the cache
        assert again == fresh
        monkeypatch.setattr(parser, "_SPLIT_CACHE_SIZE", 3)  # overflows while parsing
        parser._SPLIT_CACHE.clear()
        parser.parse_text("FROM a:1\nRUN one\nRUN two\n")
        assert to_json(parser.parse_text(source)) == fresh
        monkeypatch.undo()
