"""One analysed version of a document, and the bridge to the engine that produces it.

The language server never lints on its own: :class:`Analyzer` holds one registry, one
:class:`~dflint.config.ConfigResolver` and one :class:`~dflint.engine.Linter`, exactly like
`dflint check`, so a finding in the editor is the finding CI reports. Every feature (hover,
definition, code actions) reads the same :class:`Analysis`, computed once per document version.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from dflint.config import ConfigError, ConfigResolver, Settings
from dflint.engine import Linter, load_registry
from dflint.finding import Finding
from dflint.lsp.positions import UTF16, LineIndex, split_lines
from dflint.lsp.settings import ClientSettings
from dflint.plugin import Registry, ShellMemo
from dflint.semantic import SemanticModel
from dflint.tree import Dockerfile

log = logging.getLogger("dflint.lsp")


@dataclass(eq=False)
class Analysis:
    """Parse tree, findings and (lazily) the semantic model of one document version."""

    uri: str
    version: int | None
    text: str
    path: Path
    dockerfile: Dockerfile
    findings: list[Finding]
    index: LineIndex
    rule_errors: list[str] = field(default_factory=list)
    config_error: str | None = None
    _model: SemanticModel | None = field(default=None, repr=False)

    @property
    def parse_failed(self) -> bool:
        return bool(self.dockerfile.errors)

    @property
    def model(self) -> SemanticModel:
        """Built on first use: diagnostics alone never need it, hovers and definitions do."""
        if self._model is None:
            self._model = SemanticModel.build(self.dockerfile)
        return self._model


class Analyzer:
    """Lints documents with the workspace's configuration plus the client's overrides."""

    def __init__(self, registry: Registry | None = None) -> None:
        self.registry = registry if registry is not None else load_registry()
        for problem in self.registry.problems:
            log.warning("plugin %s not loaded: %s", problem.plugin, problem.message)
        self.settings = ClientSettings()
        self.config_errors: dict[str, str] = {}
        #: Per document: the shell analyses of its last lint, reused for unchanged instructions.
        self._shell_memos: dict[str, ShellMemo] = {}
        self._configure()

    def configure(self, settings: ClientSettings) -> None:
        """New client settings: rebuild the resolver (and forget every cached file)."""
        self.settings = settings
        self._configure()

    def reload(self) -> None:
        """A configuration file changed on disk: read everything again."""
        self._configure()

    def _configure(self) -> None:
        overrides = self.settings.overrides()
        self.config_errors = {}
        config_path = Path(self.settings.config).expanduser() if self.settings.config else None
        try:
            self.resolver = ConfigResolver(self.registry, config_path=config_path,
                                           isolated=self.settings.isolated, overrides=overrides)
        except ConfigError as exc:
            self._note_error(str(exc))
            self.resolver = self._fallback_resolver()
        self._fallback: ConfigResolver | None = None
        self.linter = Linter(self.registry, self._settings_for)

    def _fallback_resolver(self) -> ConfigResolver:
        """Used when the configuration is broken: defaults, still honouring what can be honoured."""
        try:
            return ConfigResolver(self.registry, isolated=True, overrides=self.settings.overrides())
        except ConfigError as exc:  # the client's own overrides are bad: plain defaults
            self._note_error(str(exc))
            return ConfigResolver(self.registry, isolated=True)

    def _note_error(self, message: str) -> None:
        if message not in self.config_errors:
            log.error("configuration error: %s", message)
        self.config_errors[message] = message

    def _settings_for(self, path: Path) -> Settings:
        try:
            return self.resolver.settings_for(path)
        except ConfigError as exc:
            self._note_error(str(exc))
            if self._fallback is None:
                self._fallback = self._fallback_resolver()
            return self._fallback.settings_for(path)

    def config_error_for(self, path: Path) -> str | None:
        """The configuration problem that applies to ``path``, if any (shown as a diagnostic)."""
        try:
            self.resolver.settings_for(path)
        except ConfigError as exc:
            return str(exc)
        return None

    def analyse(self, uri: str, text: str, version: int | None, path: Path,
                encoding: str = UTF16) -> Analysis:
        from dflint.parser import parse_text

        shown = path.name or "Dockerfile"
        dockerfile = parse_text(text, shown, templates=True)
        if dockerfile.unreadable:  # binary content: the engine reports it as DF900
            outcome = self.linter.lint_bytes(text.encode("utf-8", "surrogateescape"), shown, path)
        else:
            memo = self._shell_memos.get(uri)
            if memo is None:
                memo = self._shell_memos[uri] = ShellMemo()
            outcome = self.linter.lint_dockerfile(dockerfile, shown, path, shell_memo=memo)
            memo.roll()
        return Analysis(uri=uri, version=version, text=text, path=path, dockerfile=dockerfile,
                        findings=outcome.findings, index=LineIndex(split_lines(text), encoding),
                        rule_errors=outcome.rule_errors, config_error=self.config_error_for(path))

    def forget(self, uri: str) -> None:
        """The document was closed: drop what was kept for its next lint."""
        self._shell_memos.pop(uri, None)

    def lint_function(self, path: Path) -> Callable[[str], tuple[list[Finding], bool]]:
        """What :func:`dflint.fix.fix_text` needs: text → (findings, parse_failed)."""

        def lint(text: str) -> tuple[list[Finding], bool]:
            outcome = self.linter.lint_bytes(text.encode("utf-8", "surrogateescape"), path.name, path)
            return outcome.findings, outcome.parse_failed

        return lint
