"""End-to-end tests of `dflint lsp`: a real client (pytest-lsp) talks to the server over stdio.

One server process for the module (start-up is the expensive part); every test uses its own
document URI so the tests do not see each other's diagnostics. The workspace has a
``.dflint.toml`` that selects a fixed set of rules, so rules added later to dflint cannot
change what these tests expect.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from lsprotocol import types
from pygls.exceptions import JsonRpcMethodNotFound
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

pytestmark = pytest.mark.asyncio(loop_scope="module")

WORKSPACE = Path(tempfile.mkdtemp(prefix="dflint-lsp-test-"))
CONFIG = WORKSPACE / ".dflint.toml"
BASE_CONFIG = 'select = ["DL3006", "DL3007", "DF002", "DF000"]\n'


Published = dict[str, list[tuple[int | None, list[types.Diagnostic]]]]


def history(client: LanguageClient) -> Published:
    """Every publishDiagnostics received, per URI, with its version (pytest-lsp keeps the last only)."""
    return client.published  # type: ignore[attr-defined,no-any-return]


def _record(client: LanguageClient, params: types.PublishDiagnosticsParams) -> None:
    client.diagnostics[params.uri] = params.diagnostics
    history(client).setdefault(params.uri, []).append((params.version, list(params.diagnostics)))


def _register(client: LanguageClient, params: types.RegistrationParams) -> None:
    client.registrations.extend(params.registrations)  # type: ignore[attr-defined]


def _client_factory() -> LanguageClient:
    client = LanguageClient(converter_factory=default_converter)
    features = dict(DEFAULT_CLIENT_FEATURES)
    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = _record
    features[types.CLIENT_REGISTER_CAPABILITY] = _register
    register_lsp_features(client, features)
    client.registrations = []  # type: ignore[attr-defined]
    client.published = {}  # type: ignore[attr-defined]
    return client


@pytest_lsp.fixture(  # type: ignore[untyped-decorator]
    config=ClientServerConfig(server_command=[sys.executable, "-m", "dflint", "lsp"],
                              client_factory=_client_factory),
    scope="module",
)
async def client(lsp_client: LanguageClient) -> Any:
    CONFIG.write_text(BASE_CONFIG, encoding="utf-8")
    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"),
        root_uri=WORKSPACE.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=WORKSPACE.as_uri(), name="ws")],
        initialization_options={"dflint": {"debounceMs": 30}},
    ))
    yield
    await lsp_client.shutdown_session()


def uri_of(name: str) -> str:
    return (WORKSPACE / name).as_uri()


async def published(client: LanguageClient, uri: str, version: int | None, timeout: float = 5.0
                    ) -> list[types.Diagnostic]:
    """The diagnostics the server published for exactly this document version."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        for got_version, diagnostics in reversed(history(client).get(uri, [])):
            if got_version == version:
                return diagnostics
        if loop.time() > deadline:
            raise AssertionError(f"no diagnostics for {uri} version {version}: "
                                 f"{[v for v, _ in history(client).get(uri, [])]}")
        await asyncio.sleep(0.005)


async def open_doc(client: LanguageClient, name: str, text: str) -> tuple[str, list[types.Diagnostic]]:
    uri = uri_of(name)
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id="dockerfile", version=1, text=text)))
    return uri, await published(client, uri, 1)


def change(client: LanguageClient, uri: str, version: int, line: int, start: int, end: int,
           text: str) -> None:
    rng = types.Range(start=pos(line, start), end=pos(line, end))
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[types.TextDocumentContentChangePartial(range=rng, text=text)]))


def pos(line: int, character: int) -> types.Position:
    return types.Position(line=line, character=character)


def codes(diagnostics: list[types.Diagnostic]) -> list[tuple[str, int, int, int]]:
    return [(str(d.code), d.range.start.line, d.range.start.character, d.range.end.character)
            for d in diagnostics]


# -- diagnostics --------------------------------------------------------------------------------
async def test_open_publishes_diagnostics_with_metadata(client: LanguageClient) -> None:
    _, diagnostics = await open_doc(client, "open.Dockerfile", "FROM ubuntu\nRUN echo hi\n")
    assert codes(diagnostics) == [("DL3006", 0, 5, 11)]
    d = diagnostics[0]
    assert d.source == "dflint"
    assert d.severity == types.DiagnosticSeverity.Warning
    assert d.code_description is not None
    assert d.code_description.href.endswith("/DL3006.md")
    watches = [r.method for r in client.registrations]  # type: ignore[attr-defined]
    assert watches == [types.WORKSPACE_DID_CHANGE_WATCHED_FILES]


async def test_incremental_change_updates_diagnostics(client: LanguageClient) -> None:
    uri, diagnostics = await open_doc(client, "change.Dockerfile", "FROM ubuntu\nRUN echo hi\n")
    assert codes(diagnostics) == [("DL3006", 0, 5, 11)]
    change(client, uri, 2, 0, 11, 11, ":latest")
    assert codes(await published(client, uri, 2)) == [("DL3007", 0, 5, 18)]
    change(client, uri, 3, 0, 12, 18, "24.04")
    assert codes(await published(client, uri, 3)) == []


async def test_malformed_document_still_reports_what_parses(client: LanguageClient) -> None:
    text = "FROM ubuntu\nENV\nRUN echo a && && echo b\n"
    _, diagnostics = await open_doc(client, "broken.Dockerfile", text)
    found = sorted(codes(diagnostics))
    assert ("DL3006", 0, 5, 11) in found
    assert any(c[0] == "DF000" and c[1] == 1 for c in found)
    assert ("DF002", 2, 14, 16) in found
    df000 = next(d for d in diagnostics if d.code == "DF000")
    assert df000.severity == types.DiagnosticSeverity.Error


async def test_rapid_edits_end_in_the_last_state(client: LanguageClient) -> None:
    uri, _ = await open_doc(client, "rapid.Dockerfile", "FROM alpine:3.20\n")
    # 200 edits, no waiting: append a character each time to line 0, ending with `FROM alpine:3.20x...`,
    # then the last edit turns the image into an untagged one.
    version = 1
    for i in range(199):
        version += 1
        change(client, uri, version, 0, 16 + i, 16 + i, "x")
    version += 1
    change(client, uri, version, 0, 5, 16 + 199, "ubuntu")
    assert codes(await published(client, uri, version)) == [("DL3006", 0, 5, 11)]
    publishes = [v for v, _ in history(client)[uri]]
    assert len(publishes) < 50  # coalesced, not one lint per keystroke
    await asyncio.sleep(0.1)
    assert [v for v, _ in history(client)[uri]][-1] == version  # nothing stale arrives later


async def test_close_clears_diagnostics(client: LanguageClient) -> None:
    uri, diagnostics = await open_doc(client, "close.Dockerfile", "FROM ubuntu\n")
    assert len(diagnostics) == 1
    client.text_document_did_close(types.DidCloseTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=uri)))
    await published(client, uri, None)
    assert history(client)[uri][-1] == (None, [])


# -- configuration ------------------------------------------------------------------------------
async def test_client_settings_and_config_file_reload(client: LanguageClient) -> None:
    uri, diagnostics = await open_doc(client, "config.Dockerfile", "FROM ubuntu\nRUN echo a && && echo b\n")
    assert sorted(str(d.code) for d in diagnostics) == ["DF002", "DL3006"]
    count = len(history(client)[uri])

    async def next_publish() -> list[types.Diagnostic]:
        for _ in range(500):
            if len(history(client)[uri]) > count:
                return history(client)[uri][-1][1]
            await asyncio.sleep(0.01)
        raise AssertionError("no new diagnostics")

    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
        settings={"dflint": {"ignore": ["DF002"]}}))
    assert [d.code for d in await next_publish()] == ["DL3006"]
    count = len(history(client)[uri])

    CONFIG.write_text('select = ["DF002"]\n', encoding="utf-8")
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
        types.FileEvent(uri=CONFIG.as_uri(), type=types.FileChangeType.Changed)]))
    assert [d.code for d in await next_publish()] == []  # DF002 still ignored by the client
    count = len(history(client)[uri])

    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings={"dflint": {}}))
    assert [d.code for d in await next_publish()] == ["DF002"]
    count = len(history(client)[uri])

    CONFIG.write_text(BASE_CONFIG, encoding="utf-8")
    client.text_document_did_save(types.DidSaveTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=uri)))
    assert sorted(str(d.code) for d in await next_publish()) == ["DF002", "DL3006"]


# -- code actions -------------------------------------------------------------------------------
async def _actions(client: LanguageClient, uri: str, line: int, only: list[str] | None = None
                   ) -> list[types.CodeAction]:
    result = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        range=types.Range(start=pos(line, 0), end=pos(line, 0)),
        context=types.CodeActionContext(diagnostics=[], only=only)))
    assert result is not None
    return [a for a in result if isinstance(a, types.CodeAction)]


def _edits(action: types.CodeAction, uri: str) -> list[tuple[int, int, int, int, str]]:
    assert action.edit is not None and action.edit.changes is not None
    return [(e.range.start.line, e.range.start.character, e.range.end.line, e.range.end.character, e.new_text)
            for e in action.edit.changes[uri]]


async def test_code_actions_fix_and_ignore(client: LanguageClient) -> None:
    text = "# syntax=docker/dockerfile:1\nFROM alpine:3.20\n  RUN echo a && && echo b\n"
    uri, diagnostics = await open_doc(client, "actions.Dockerfile", text)
    assert codes(diagnostics) == [("DF002", 2, 16, 18)]
    actions = await _actions(client, uri, 2)
    titles = [a.title for a in actions]
    assert titles == ["Fix DF002: remove the repeated `&&`", "Ignore DF002 on this line",
                      "Ignore DF002 in this file", "dflint: fix all auto-fixable problems (1)"]
    fix, line_ignore, file_ignore, fix_all = actions
    assert fix.kind == types.CodeActionKind.QuickFix and fix.is_preferred
    assert fix.diagnostics is not None and fix.diagnostics[0].code == "DF002"
    assert _edits(fix, uri) == [(2, 16, 2, 18, "")]
    assert _edits(line_ignore, uri) == [(2, 0, 2, 0, "  # dflint: ignore=DF002\n")]
    assert _edits(file_ignore, uri) == [(1, 0, 1, 0, "# dflint: ignore-file=DF002\n")]
    assert fix_all.kind == "source.fixAll.dflint"
    assert _edits(fix_all, uri) == [(0, 0, 3, 0, text.replace("&& && ", "&&  "))]


async def test_fix_all_only_and_ignore_applied(client: LanguageClient) -> None:
    text = "FROM alpine:3.20\nRUN echo a && && echo b\n"
    uri, _ = await open_doc(client, "fixall.Dockerfile", text)
    actions = await _actions(client, uri, 0, only=[types.CodeActionKind.SourceFixAll])
    assert [a.kind for a in actions] == ["source.fixAll.dflint"]
    # Applying "ignore on this line" really silences the finding.
    change(client, uri, 2, 1, 0, 0, "# dflint: ignore=DF002\n")
    assert codes(await published(client, uri, 2)) == []


# -- hover --------------------------------------------------------------------------------------
HOVER_DOC = """ARG BASE=alpine
ARG TAG=3.20
FROM docker.io/${BASE}:${TAG} AS builder
ARG TAG
ENV APP_HOME=/srv/app
WORKDIR $APP_HOME
RUN echo building
FROM ubuntu
COPY --from=builder /srv/app /app
"""


async def _hover(client: LanguageClient, uri: str, line: int, character: int) -> str:
    result = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=pos(line, character)))
    assert result is not None and isinstance(result.contents, types.MarkupContent)
    return result.contents.value


async def test_hover(client: LanguageClient) -> None:
    uri, _ = await open_doc(client, "hover.Dockerfile", HOVER_DOC)
    run = await _hover(client, uri, 6, 1)
    assert run.startswith("**RUN** — Runs a command in a new layer")
    var = await _hover(client, uri, 5, 10)
    assert var.startswith("**ENV** `APP_HOME` = `/srv/app`")
    assert "declared on line 5: `ENV APP_HOME=/srv/app`" in var
    image = await _hover(client, uri, 2, 7)
    assert image.startswith("**Base image** `docker.io/alpine:3.20`")
    assert "repository `docker.io/alpine`, tag `3.20`" in image
    assert "written as `docker.io/${BASE}:${TAG}`" in image
    # the evaluator's estimate: alpine 3.20 is not in the data, so the 3.22 figure stands in
    assert "estimated size: 8.3 MB uncompressed (heuristic: same variant as alpine:3.22" in image
    tag = await _hover(client, uri, 2, 25)
    assert tag.startswith("**global ARG** `TAG` = `3.20`")
    inherited = await _hover(client, uri, 3, 5)
    assert inherited.startswith("**ARG** `TAG` = `3.20`")
    finding = await _hover(client, uri, 7, 7)
    assert "**DL3006**: image `ubuntu` has no tag" in finding
    assert "### DL3006: untagged-image" in finding
    nothing = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=pos(6, 9)))
    assert nothing is None


# -- symbols, definition, references, completion -----------------------------------------------
NAV_DOC = """ARG VERSION=1.0
FROM alpine:3.20 AS builder
ARG VERSION
RUN echo $VERSION > /v
FROM builder AS test
RUN --mount=type=cache,from=builder,target=/x true
FROM alpine:3.20
COPY --from=builder /v /v
"""


async def test_definition_and_references(client: LanguageClient) -> None:
    uri, _ = await open_doc(client, "nav.Dockerfile", NAV_DOC)

    async def definition(line: int, character: int) -> list[tuple[int, int, int]]:
        result = await client.text_document_definition_async(types.DefinitionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=pos(line, character)))
        assert isinstance(result, list)
        return [(loc.range.start.line, loc.range.start.character, loc.range.end.character)
                for loc in result if isinstance(loc, types.Location)]

    builder = [(1, 20, 27)]
    assert await definition(7, 14) == builder       # COPY --from=builder
    assert await definition(4, 7) == builder        # FROM builder
    assert await definition(5, 30) == builder       # RUN --mount=...,from=builder
    assert await definition(3, 12) == [(2, 4, 11)]  # $VERSION → the stage's ARG VERSION
    assert await definition(2, 5) == [(0, 4, 11)]   # ARG VERSION → the global ARG
    assert await definition(6, 1) == []

    refs = await client.text_document_references_async(types.ReferenceParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=pos(1, 22),
        context=types.ReferenceContext(include_declaration=True)))
    assert refs is not None
    assert sorted((r.range.start.line, r.range.start.character) for r in refs) == [
        (1, 20), (4, 5), (5, 28), (7, 12)]


async def test_document_symbols(client: LanguageClient) -> None:
    uri, _ = await open_doc(client, "symbols.Dockerfile", NAV_DOC)
    result = await client.text_document_document_symbol_async(types.DocumentSymbolParams(
        text_document=types.TextDocumentIdentifier(uri=uri)))
    assert result is not None
    symbols = [s for s in result if isinstance(s, types.DocumentSymbol)]
    assert [(s.name, s.detail) for s in symbols] == [
        ("ARG VERSION", "VERSION=1.0"), ("builder", "FROM alpine:3.20"), ("test", "FROM builder"),
        ("stage 2", "FROM alpine:3.20")]
    assert [c.name for c in symbols[1].children or []] == ["ARG VERSION", "RUN"]


async def test_completion(client: LanguageClient) -> None:
    text = "FROM alpine:3.20 AS base\nFROM base\nCOPY --from=\nCOPY --c\nWO\n"
    uri, _ = await open_doc(client, "complete.Dockerfile", text)

    async def labels(line: int, character: int) -> list[str]:
        result = await client.text_document_completion_async(types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=pos(line, character)))
        items = result.items if isinstance(result, types.CompletionList) else (result or [])
        return [i.label for i in items]

    assert await labels(2, 12) == ["base", "0", "1"]
    assert await labels(3, 8) == ["--from", "--chown", "--chmod", "--link", "--exclude", "--parents"]
    keywords = await labels(4, 2)
    assert len(keywords) == 18 and "WORKDIR" in keywords and "HEALTHCHECK" in keywords


# -- protocol behaviour -------------------------------------------------------------------------
async def test_unknown_request_is_method_not_found(client: LanguageClient) -> None:
    with pytest.raises(JsonRpcMethodNotFound):
        await client.protocol.send_request_async("dflint/noSuchMethod", {})  # type: ignore[no-untyped-call]


async def test_server_survives_bad_positions(client: LanguageClient) -> None:
    uri, _ = await open_doc(client, "robust.Dockerfile", "FROM alpine:3.20\n")
    result = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=pos(500, 999)))
    assert result is None
    missing = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri_of("never-opened")), position=pos(0, 0)))
    assert missing is None
