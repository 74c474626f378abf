"""The dflint language server: document state, debounced linting, and feature wiring.

Design choices, and why:
* Linting runs on the event loop, synchronously: a Dockerfile lints in milliseconds, and one
  thread means no locking around document state. Messages queue up meanwhile and are handled
  right after.
* didChange is throttled, not just debounced: after a quiet period the first edit is linted at
  once (typing feels instant), while a burst of edits is coalesced into one trailing lint of
  the last version. A published result always names the document version it was computed for.
* Every feature handler is wrapped by :func:`_guard`: an exception is logged (stderr and
  ``window/logMessage``) and the request gets an empty result; the server never dies of it.
* The server process tunes the garbage collector once it has linted (:func:`settle_heap`): a
  full collection walked every object of pygls, lsprotocol and the engine (~50 ms, a few times
  a minute while typing, straight into the edit's latency), and a lint leaves no cyclic garbage.
* Nothing is ever written to stdout except the protocol stream: ``sys.stdout`` is pointed at
  stderr before the server starts, so a stray ``print`` in a plugin cannot corrupt it.
"""

from __future__ import annotations

import asyncio
import functools
import gc
import logging
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, cast

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidRequest
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.json_rpc import RPCRequest
from pygls.uris import to_fs_path

from dflint import __version__
from dflint.lsp import actions, completion, hover, navigation, symbols
from dflint.lsp.analysis import Analysis, Analyzer
from dflint.lsp.diagnostics import diagnostics_for
from dflint.lsp.occurrences import OccurrenceIndex
from dflint.lsp.settings import parse_settings

log = logging.getLogger("dflint.lsp")
F = TypeVar("F", bound=Callable[..., Any])

CONFIG_FILES = frozenset({"pyproject.toml", ".dflint.toml"})


class DflintProtocol(LanguageServerProtocol):
    """pygls' protocol, plus the LSP rule that requests after ``shutdown`` get InvalidRequest
    (pygls silently drops them, which leaves a client waiting forever)."""

    def handle_message(self, message: Any) -> None:
        if self._shutdown and isinstance(message, RPCRequest) and message.method != types.EXIT:
            error = JsonRpcInvalidRequest(message="server is shutting down")
            self._send_response(message.id, None, error.to_response_error())
            return
        super().handle_message(message)


class DflintServer(LanguageServer):
    """Holds the engine bridge and the latest analysis of every open document."""

    def __init__(self) -> None:
        super().__init__("dflint", __version__,
                         text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
                         protocol_cls=DflintProtocol)
        self._analyzer: Analyzer | None = None
        self.analyses: dict[str, Analysis] = {}
        self._indexes: dict[str, tuple[Analysis, OccurrenceIndex]] = {}
        self._timers: dict[str, asyncio.TimerHandle] = {}
        self._last_lint: dict[str, float] = {}
        self.root: Path | None = None
        #: Background tasks, referenced so they are not garbage-collected while running.
        self.pending: set[asyncio.Future[None]] = set()
        #: Call :func:`settle_heap` after the next lint (set by `dflint lsp`, which owns the
        #: process; never by tests or an embedding program).
        self.settle_heap_after_lint = False

    # -- engine ----------------------------------------------------------------------------------
    @property
    def analyzer(self) -> Analyzer:
        if self._analyzer is None:
            self._analyzer = Analyzer()
        return self._analyzer

    def path_for(self, uri: str) -> Path:
        """The file the configuration is resolved for (untitled buffers: the workspace root)."""
        path = to_fs_path(uri) if uri.startswith("file:") else None
        if path:
            return Path(path)
        return (self.root or Path.cwd()) / "Dockerfile"

    def is_open(self, uri: str) -> bool:
        return uri in self.workspace.text_documents

    def analysis_for(self, uri: str) -> Analysis:
        """The analysis of the document's current text, computed at most once per version."""
        doc = self.workspace.get_text_document(uri)
        cached = self.analyses.get(uri)
        if cached is not None and cached.version == doc.version and cached.text == doc.source:
            return cached
        encoding = str(self.workspace.position_encoding or "utf-16")
        analysis = self.analyzer.analyse(uri, doc.source, doc.version, self.path_for(uri), encoding)
        self.analyses[uri] = analysis
        for message in analysis.rule_errors:
            self.log_to_client(message, types.MessageType.Error)
        return analysis

    def occurrences_for(self, analysis: Analysis) -> OccurrenceIndex:
        cached = self._indexes.get(analysis.uri)
        if cached is not None and cached[0] is analysis:
            return cached[1]
        index = OccurrenceIndex(analysis.dockerfile, analysis.model)
        self._indexes[analysis.uri] = (analysis, index)
        return index

    # -- diagnostics -----------------------------------------------------------------------------
    def lint_now(self, uri: str) -> None:
        timer = self._timers.pop(uri, None)
        if timer is not None:
            timer.cancel()
        if not self.is_open(uri):
            return
        try:
            analysis = self.analysis_for(uri)
            diagnostics = diagnostics_for(analysis)
        except Exception:  # an engine bug must cost one result, never the server
            log.exception("linting %s failed", uri)
            self.log_to_client(f"dflint: linting {uri} failed; see the server log", types.MessageType.Error)
            return
        finally:
            self._last_lint[uri] = _now()
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, version=analysis.version, diagnostics=diagnostics))
        if self.settle_heap_after_lint:
            self.settle_heap_after_lint = False
            settle_heap()

    def schedule(self, uri: str) -> None:
        """Throttle: lint at once after a quiet period, else once the edits stop coming."""
        delay = self.analyzer.settings.debounce_ms / 1000
        timer = self._timers.pop(uri, None)
        if timer is not None:
            timer.cancel()
        if _now() - self._last_lint.get(uri, -math.inf) >= delay:
            self.lint_now(uri)
            return
        loop = asyncio.get_running_loop()
        self._timers[uri] = loop.call_later(delay, self.lint_now, uri)

    def relint_all(self) -> None:
        """After a configuration change: every cached analysis is stale, whatever its version."""
        self.analyses.clear()
        self._indexes.clear()
        for uri in list(self.workspace.text_documents):
            self.lint_now(uri)

    def forget(self, uri: str) -> None:
        timer = self._timers.pop(uri, None)
        if timer is not None:
            timer.cancel()
        self.analyses.pop(uri, None)
        self._indexes.pop(uri, None)
        self._last_lint.pop(uri, None)
        self.analyzer.forget(uri)
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    def cancel_timers(self) -> None:
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()

    def log_to_client(self, message: str, kind: types.MessageType = types.MessageType.Info) -> None:
        try:
            self.window_log_message(types.LogMessageParams(type=kind, message=message))
        except Exception:  # no client attached (unit tests) or the pipe is gone
            log.debug("could not send log message: %s", message)


#: Allocations between young-generation collections once :func:`settle_heap` ran (default 700).
GC_THRESHOLD = 20_000


def settle_heap() -> None:
    """Keep the garbage collector off the typing path; call once, after the first lint.

    By then every module a lint needs is loaded: :func:`gc.freeze` moves those long-lived
    objects out of the collector's sight, so a full collection no longer walks them all. A lint
    builds tens of thousands of objects but no reference cycles (refcounting frees every one of
    them), so young collections find nothing: a higher threshold makes them rare instead of
    ten per edit. Cycles that do appear are still collected, only later.
    """
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(GC_THRESHOLD, middle, old)


def _now() -> float:
    import time

    return time.monotonic()


def _guard(server: DflintServer, name: str, default: Callable[[], object]) -> Callable[[F], F]:
    """Log any exception of a feature handler and answer with an empty result instead."""

    def decorate(handler: F) -> F:
        @functools.wraps(handler)
        def wrapper(params: Any) -> Any:
            try:
                return handler(params)
            except Exception as exc:
                log.exception("%s failed", name)
                server.log_to_client(f"dflint: {name} failed: {type(exc).__name__}: {exc}",
                                     types.MessageType.Error)
                return default()

        return cast(F, wrapper)

    return decorate


def _registration_done(future: Any) -> None:
    if not future.cancelled() and future.exception() is not None:
        log.info("the client refused the configuration file watch: %s", future.exception())


def _client_supports_watch_registration(server: DflintServer) -> bool:
    caps = server.client_capabilities
    watched = caps.workspace.did_change_watched_files if caps.workspace else None
    return bool(watched and watched.dynamic_registration)


def create_server() -> DflintServer:
    """A server with every dflint feature registered (capabilities follow from the registrations)."""
    server = DflintServer()

    @server.feature(types.INITIALIZE)
    @_guard(server, "initialize", lambda: None)
    def initialize(params: types.InitializeParams) -> None:
        root = server.workspace.root_path
        server.root = Path(root) if root else None
        server.analyzer.configure(parse_settings(params.initialization_options))

    @server.feature(types.INITIALIZED)
    @_guard(server, "initialized", lambda: None)
    def initialized(params: types.InitializedParams) -> None:
        if not _client_supports_watch_registration(server):
            return
        watchers = [types.FileSystemWatcher(glob_pattern=f"**/{name}") for name in sorted(CONFIG_FILES)]
        registration = types.Registration(
            id="dflint-config-watch", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
            register_options=types.DidChangeWatchedFilesRegistrationOptions(watchers=watchers))
        future = server.client_register_capability(types.RegistrationParams(registrations=[registration]))
        future.add_done_callback(_registration_done)

    @server.feature(types.SHUTDOWN)
    def shutdown(params: None) -> None:
        server.cancel_timers()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    @_guard(server, "didOpen", lambda: None)
    def did_open(params: types.DidOpenTextDocumentParams) -> None:
        server.lint_now(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    @_guard(server, "didChange", lambda: None)
    def did_change(params: types.DidChangeTextDocumentParams) -> None:
        server.schedule(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE, types.SaveOptions(include_text=False))
    @_guard(server, "didSave", lambda: None)
    def did_save(params: types.DidSaveTextDocumentParams) -> None:
        # Cheap insurance for clients that do not watch files: re-read the configuration.
        server.analyzer.reload()
        server.relint_all()

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    @_guard(server, "didClose", lambda: None)
    def did_close(params: types.DidCloseTextDocumentParams) -> None:
        server.forget(params.text_document.uri)

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    @_guard(server, "didChangeWatchedFiles", lambda: None)
    def did_change_watched(params: types.DidChangeWatchedFilesParams) -> None:
        if any(change.uri.rsplit("/", 1)[-1] in CONFIG_FILES for change in params.changes):
            server.analyzer.reload()
            server.relint_all()

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    @_guard(server, "didChangeConfiguration", lambda: None)
    def did_change_configuration(params: types.DidChangeConfigurationParams) -> None:
        settings = params.settings
        # Pushed settings ({"dflint": {...}} or the bare table) are used as they are; an empty
        # notification means "ask me" (the pull model of workspace/configuration).
        if isinstance(settings, dict) and (settings.get("dflint") is not None or
                                           (settings and "dflint" not in settings)):
            server.analyzer.configure(parse_settings(settings))
            server.relint_all()
            return
        caps = server.client_capabilities.workspace
        if caps is not None and caps.configuration:
            task = asyncio.ensure_future(_pull_configuration(server))
            server.pending.add(task)
            task.add_done_callback(server.pending.discard)

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION,
                    types.CodeActionOptions(code_action_kinds=actions.KINDS, resolve_provider=False))
    @_guard(server, "codeAction", list)
    def code_action(params: types.CodeActionParams) -> list[types.CodeAction]:
        uri = params.text_document.uri
        analysis = server.analysis_for(uri)
        lint = server.analyzer.lint_function(analysis.path)
        return actions.code_actions(analysis, params, lint, unsafe=server.analyzer.settings.unsafe_fixes)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    @_guard(server, "hover", lambda: None)
    def on_hover(params: types.HoverParams) -> types.Hover | None:
        analysis = server.analysis_for(params.text_document.uri)
        return hover.hover(analysis, server.occurrences_for(analysis), server.analyzer.registry,
                           params.position)

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    @_guard(server, "documentSymbol", list)
    def document_symbol(params: types.DocumentSymbolParams) -> list[Any]:
        caps = server.client_capabilities.text_document
        ds = caps.document_symbol if caps else None
        hierarchical = bool(ds and ds.hierarchical_document_symbol_support)
        return list(symbols.document_symbols(server.analysis_for(params.text_document.uri), hierarchical))

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    @_guard(server, "definition", list)
    def definition(params: types.DefinitionParams) -> list[types.Location]:
        analysis = server.analysis_for(params.text_document.uri)
        return navigation.definition(analysis, server.occurrences_for(analysis), params.position)

    @server.feature(types.TEXT_DOCUMENT_REFERENCES)
    @_guard(server, "references", list)
    def references(params: types.ReferenceParams) -> list[types.Location]:
        analysis = server.analysis_for(params.text_document.uri)
        return navigation.references(analysis, server.occurrences_for(analysis), params.position,
                                     params.context.include_declaration)

    @server.feature(types.TEXT_DOCUMENT_COMPLETION,
                    types.CompletionOptions(trigger_characters=completion.TRIGGER_CHARACTERS))
    @_guard(server, "completion", list)
    def complete(params: types.CompletionParams) -> list[types.CompletionItem]:
        return completion.completions(server.analysis_for(params.text_document.uri), params.position)

    return server


async def _pull_configuration(server: DflintServer) -> None:
    try:
        result = await server.workspace_configuration_async(
            types.ConfigurationParams(items=[types.ConfigurationItem(section="dflint")]))
        server.analyzer.configure(parse_settings(result[0] if result else None))
        server.relint_all()
    except Exception:
        log.exception("workspace/configuration failed")
