"""Unit tests of the language server's pure parts (no subprocess): positions, settings, the
instruction table, code-action edits, occurrences and completion contexts."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types

from dflint.lsp import actions, completion, symbols
from dflint.lsp.analysis import Analysis, Analyzer
from dflint.lsp.instructions import INSTRUCTIONS
from dflint.lsp.occurrences import OccurrenceIndex
from dflint.lsp.positions import UTF8, UTF16, UTF32, LineIndex, split_lines
from dflint.lsp.settings import DEFAULT_DEBOUNCE_MS, parse_settings
from dflint.span import Span


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    a = Analyzer()
    a.configure(parse_settings({"dflint": {"select": ["DL3006", "DF002"], "isolated": True}}))
    return a


def analyse(analyzer: Analyzer, text: str) -> Analysis:
    return analyzer.analyse("file:///w/Dockerfile", text, 1, Path("/w/Dockerfile"))


# -- positions ------------------------------------------------------------------------------------
def test_utf16_counts_astral_characters_twice() -> None:
    index = LineIndex(split_lines('LABEL x="😀é" y=1\r\nRUN a\n'), UTF16)
    # Column 13 (code points) is after `😀é"` + space: 9 + 1 (😀 → 2 units) + ...
    assert index.to_lsp(1, 13) == types.Position(line=0, character=13)
    assert index.to_lsp(1, 11) == types.Position(line=0, character=11)
    assert index.to_lsp(1, 10) == types.Position(line=0, character=9)
    assert index.from_lsp(types.Position(line=0, character=11)) == (1, 11)
    assert index.from_lsp(types.Position(line=0, character=13)) == (1, 13)
    assert index.line_text(1).endswith("y=1")  # CR of CRLF dropped


def test_other_encodings_and_clamping() -> None:
    lines = split_lines("RUN é😀\n")
    assert LineIndex(lines, UTF8).to_lsp(1, 7) == types.Position(line=0, character=10)
    assert LineIndex(lines, UTF32).to_lsp(1, 7) == types.Position(line=0, character=6)
    index = LineIndex(lines, UTF16)
    assert index.to_lsp(99, 1) == types.Position(line=1, character=0)
    assert index.to_lsp(1, 99) == types.Position(line=0, character=7)
    assert index.from_lsp(types.Position(line=0, character=99)) == (1, 7)
    assert index.range(Span(1, 5, 1, 7)) == types.Range(start=types.Position(line=0, character=4),
                                                          end=types.Position(line=0, character=7))


# -- settings -------------------------------------------------------------------------------------
def test_settings_accept_every_spelling() -> None:
    s = parse_settings({"dflint": {"select": "DL3006, DL3007", "extendIgnore": ["DF002"],
                                   "trusted_registries": ["docker.io"], "debounceMs": 10,
                                   "unsafe-fixes": True, "bogus": 1}})
    assert s.select == ["DL3006", "DL3007"]
    assert s.extend_ignore == ["DF002"]
    assert s.trusted_registries == ["docker.io"]
    assert (s.debounce_ms, s.unsafe_fixes, s.unknown) == (10, True, ("bogus",))
    assert s.overrides().extend_ignore == ["DF002"]
    assert parse_settings(None).debounce_ms == DEFAULT_DEBOUNCE_MS
    assert parse_settings({"ignore": ["X"]}).ignore == ["X"]  # bare table
    assert parse_settings({"debounce": -5}).debounce_ms == DEFAULT_DEBOUNCE_MS


def test_instruction_table_has_the_18_instructions() -> None:
    assert sorted(INSTRUCTIONS) == sorted([
        "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL",
        "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR"])
    assert [name for name, _ in INSTRUCTIONS["HEALTHCHECK"].flags] == [
        "interval", "timeout", "start-period", "start-interval", "retries"]
    assert INSTRUCTIONS["COPY"].markdown().startswith("**COPY** — Copies files")


# -- code actions ---------------------------------------------------------------------------------
def _params(line: int, only: list[str] | None = None) -> types.CodeActionParams:
    return types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri="file:///w/Dockerfile"),
        range=types.Range(start=types.Position(line=line, character=0),
                          end=types.Position(line=line, character=0)),
        context=types.CodeActionContext(diagnostics=[], only=only))


def _edit(action: types.CodeAction) -> tuple[int, int, int, int, str]:
    assert action.edit is not None and action.edit.changes is not None
    (e,) = action.edit.changes["file:///w/Dockerfile"]
    return e.range.start.line, e.range.start.character, e.range.end.line, e.range.end.character, e.new_text


def test_ignore_actions_extend_existing_pragmas(analyzer: Analyzer) -> None:
    text = "# dflint: ignore-file=DL3007\nFROM ubuntu\n\t# dflint: ignore=DL3008\n\tRUN echo a && && b\n"
    a = analyse(analyzer, text)
    assert [(f.code, f.span.start_line) for f in a.findings] == [("DL3006", 2), ("DF002", 4)]
    lint = analyzer.lint_function(a.path)
    found = actions.code_actions(a, _params(3, ["quickfix"]), lint)
    titles = [x.title for x in found]
    assert titles == ["Fix DF002: remove the repeated `&&`", "Ignore DF002 on this line",
                      "Ignore DF002 in this file"]
    assert _edit(found[1]) == (2, 0, 2, 24, "\t# dflint: ignore=DL3008,DF002")
    assert _edit(found[2]) == (0, 0, 0, 28, "# dflint: ignore-file=DL3007,DF002")


def test_ignore_line_in_a_continued_instruction_goes_above_it(analyzer: Analyzer) -> None:
    text = "FROM alpine:3.20\nRUN echo a \\\n    && && echo b\n"
    a = analyse(analyzer, text)
    assert [(f.code, f.span.start_line) for f in a.findings] == [("DF002", 3)]
    found = actions.code_actions(a, _params(2, ["quickfix"]), analyzer.lint_function(a.path))
    assert _edit(found[1]) == (1, 0, 1, 0, "# dflint: ignore=DF002\n")
    assert _edit(found[2]) == (0, 0, 0, 0, "# dflint: ignore-file=DF002\n")


def test_fix_all_refuses_a_file_that_does_not_parse(analyzer: Analyzer) -> None:
    a = analyse(analyzer, "FROM alpine:3.20\nENV\nRUN echo a && && b\n")
    assert a.parse_failed
    assert actions.fix_all_action(a, analyzer.lint_function(a.path), unsafe=False) is None
    assert actions.wanted(["source"], actions.FIX_ALL_KIND)
    assert not actions.wanted(["quickfix"], actions.FIX_ALL_KIND)


# -- occurrences, symbols, completion -------------------------------------------------------------
def test_occurrences_resolve_to_the_declaration_in_scope(analyzer: Analyzer) -> None:
    text = "ARG V=1\nFROM alpine:$V AS a\nENV V=2\nRUN echo ${V:-x}\nFROM a\nRUN echo $V\n"
    a = analyse(analyzer, text)
    index = OccurrenceIndex(a.dockerfile, a.model)
    uses = [(o.name, o.span.start_line, o.target.start_line if o.target else None)
            for o in index.items if not o.is_definition]
    assert uses == [("V", 2, 1), ("V", 4, 3), ("a", 5, 2), ("V", 6, 3)]
    use = index.for_definition(4, 12)
    assert use is not None and use.span == Span(4, 10, 4, 17)


def test_flat_symbols_for_old_clients(analyzer: Analyzer) -> None:
    a = analyse(analyzer, "FROM alpine:3.20 AS x\nRUN true\n")
    flat = symbols.document_symbols(a, hierarchical=False)
    assert [(s.name, getattr(s, "container_name", None)) for s in flat] == [("x", None), ("RUN", "x")]


def test_completion_contexts(analyzer: Analyzer) -> None:
    a = analyse(analyzer, "FROM alpine:3.20\nARG NAME=v\nRUN echo ${NA\nRUN --mount=type=cache,from=\n"
                          "RUN a \\\n  --\n")

    def labels(line: int, character: int) -> list[str]:
        return [i.label for i in completion.completions(a, types.Position(line=line, character=character))]

    assert "NAME" in labels(2, 13)
    item = completion.completions(a, types.Position(line=2, character=13))[0]
    assert item.text_edit is not None and item.text_edit.new_text.endswith("}")
    assert labels(3, 28) == ["0"]
    assert labels(5, 4) == ["--mount", "--network", "--security"]  # continuation line of a RUN
    assert len(labels(4, 3)) == 18  # still typing the keyword `RUN`
    assert labels(4, 5) == []  # an argument, not a keyword


# -- process lifecycle (raw stdio, no client library) ---------------------------------------------
def _frame(message: dict[str, object]) -> bytes:
    import json

    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def _serve(*messages: dict[str, object]) -> tuple[int, str]:
    import subprocess
    import sys

    data = b"".join(_frame(m) for m in messages)
    done = subprocess.run([sys.executable, "-m", "dflint", "lsp"], input=data, capture_output=True,
                          timeout=60, check=False)
    return done.returncode, done.stdout.decode()


def test_shutdown_then_exit_is_code_0_and_later_requests_are_refused() -> None:
    code, out = _serve(
        {"jsonrpc": "2.0", "id": 1, "method": "initialize",
         "params": {"capabilities": {}, "processId": None}},
        {"jsonrpc": "2.0", "method": "initialized", "params": {}},
        {"jsonrpc": "2.0", "id": 2, "method": "shutdown"},
        {"jsonrpc": "2.0", "id": 3, "method": "textDocument/hover",
         "params": {"textDocument": {"uri": "file:///x"}, "position": {"line": 0, "character": 0}}},
        {"jsonrpc": "2.0", "method": "exit"},
    )
    assert code == 0
    assert '{"id": 2, "jsonrpc": "2.0", "result": null}' in out
    assert '"error": {"code": -32600, "message": "server is shutting down"}' in out


def test_exit_without_shutdown_is_code_1() -> None:
    assert _serve({"jsonrpc": "2.0", "method": "exit"}) == (1, "")


def test_shell_memo_reuses_unchanged_runs_and_never_changes_findings(tmp_path: Path) -> None:
    """Reusing shell analyses across edits gives exactly the findings of a fresh lint."""
    from dflint.config import ConfigResolver
    from dflint.engine import Linter, load_registry
    from dflint.parser import parse_text
    from dflint.plugin import ShellMemo

    registry = load_registry()
    linter = Linter(registry, ConfigResolver(registry, isolated=True).settings_for)
    versions = [
        "FROM debian:12\nRUN apt-get update & &apt-get install -y curl\nRUN cd /x && make\n",
        # same RUNs, first one edited
        "FROM debian:12\nRUN apt-get update && apt-get install -y curl\nRUN cd /x && make\n",
        # a SHELL above changes how the unchanged RUNs are read: the memo must not hide that
        'FROM debian:12\nSHELL ["pwsh", "-c"]\nRUN apt-get update && apt-get install -y curl\n'
        "RUN cd /x && make\n",
        # lines shift: positions must follow
        "# escape=`\nFROM debian:12\n\nRUN apt-get update && apt-get install -y curl\nRUN cd /x && make\n",
    ]
    memo = ShellMemo()
    path = tmp_path / "Dockerfile"
    for text in versions:
        fresh = linter.lint_dockerfile(parse_text(text), "Dockerfile", path).findings
        memoised = linter.lint_dockerfile(parse_text(text), "Dockerfile", path, shell_memo=memo).findings
        memo.roll()
        assert [(f.code, f.span, f.message) for f in memoised] == [(f.code, f.span, f.message) for f in fresh]
    # the memo holds only what the last lint used
    again = ShellMemo()
    linter.lint_dockerfile(parse_text(versions[1]), "Dockerfile", path, shell_memo=again)
    again.roll()
    kept = len(again.previous)
    linter.lint_dockerfile(parse_text(versions[1]), "Dockerfile", path, shell_memo=again)
    assert len(again.current) == kept and kept >= 2


def test_a_lint_leaves_no_cyclic_garbage() -> None:
    """What `settle_heap` relies on to make young collections rare: refcounting frees a whole
    analysis (every default rule, the semantic model), so the collector finds nothing."""
    import gc

    analyzer = Analyzer()
    text = ("FROM debian:12 AS b\nARG V=1\nRUN apt-get update && apt-get install -y curl=$V\n"
            "COPY --from=b /x /y\n")
    analyse(analyzer, text)
    gc.collect()
    for i in range(3):
        analysis = analyse(analyzer, text + f"RUN echo {i}\n")
        _ = analysis.model, analysis.findings
        del analysis
        assert gc.collect() == 0


def test_settle_heap_freezes_and_raises_the_young_threshold() -> None:
    import subprocess
    import sys

    code = ("import gc; from dflint.lsp.server import GC_THRESHOLD, settle_heap; settle_heap(); "
            "print(gc.get_freeze_count() > 1000, gc.get_threshold()[0] == GC_THRESHOLD)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          check=True)
    assert done.stdout.split() == ["True", "True"]
