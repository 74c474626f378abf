"""Runs the selected rules over one Dockerfile and turns their violations into findings.

The engine owns everything between "a parsed file" and "findings a reporter can print":
selection, per-rule options, severity overrides, inline suppressions, and containment of rule
crashes (a failing rule is logged and contributes nothing; it never takes the run down).
"""

from __future__ import annotations

import os
import sys
import types
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from dflint.core_rules import CORE_RULES, SyntaxError_, UnreadableFile
from dflint.finding import Finding, Fix, Severity
from dflint.plugin import Context, FileAnalysis, Registry, Rule, ShellMemo, discover
from dflint.records import FACTORY, Factories, Record, is_dataclass, replace
from dflint.ruleindex import FileFacts, RuleEntry
from dflint.span import Span

if TYPE_CHECKING:
    import logging
    from pathlib import Path

    from dflint.suppress import Suppressions


def _log() -> logging.Logger:
    """The "dflint" logger, imported only when a rule crashes (logging costs every start-up)."""
    import logging

    return logging.getLogger("dflint")


def __getattr__(name: str) -> object:
    # `dflint.engine.log` stays available for anyone who used it; it is now made on demand.
    if name == "log":
        return _log()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class LintOutcome(Record):
    """The result for one file: findings (already filtered), and whether the file was readable."""

    __match_args__ = ("path", "findings", "source_lines", "unreadable", "parse_failed", "rule_errors")
    _factories: ClassVar[Factories] = {"rule_errors": list}

    path: str
    findings: list[Finding]
    source_lines: list[str] | None
    unreadable: bool
    parse_failed: bool
    rule_errors: list[str]

    def __init__(
        self, path: str, findings: list[Finding], source_lines: list[str] | None, unreadable: bool = False,
        parse_failed: bool = False, rule_errors: list[str] = FACTORY,
    ) -> None:
        self.path = path
        self.findings = findings
        self.source_lines = source_lines
        self.unreadable = unreadable
        self.parse_failed = parse_failed
        self.rule_errors = [] if rule_errors is FACTORY else rule_errors


class DefaultSettings:
    """The built-in configuration: every rule's default state, severity and options, hadolint's
    failure threshold (``info``), nothing else. What :mod:`dflint.config` resolves when no file
    or option configures a run, for runs that :mod:`dflint.configfiles` shows nothing can
    configure (the command line then never imports dflint.config and pathlib).
    tests/test_startup.py keeps the two equal."""

    __slots__ = ()

    failure_threshold: ClassVar[Severity | None] = Severity.INFO
    output_format: ClassVar[str | None] = None
    shellcheck: ClassVar[bool] = False
    disable_ignore_pragma: ClassVar[bool] = False
    rule_options: ClassVar[Mapping[str, Any]] = types.MappingProxyType({})
    warnings: ClassVar[tuple[str, ...]] = ()
    no_fail: ClassVar[bool] = False
    color: ClassVar[str | None] = None
    config_path: ClassVar[str | None] = None


DEFAULT_SETTINGS = DefaultSettings()


def load_registry() -> Registry:
    """Every installed rule, plus the engine's own pseudo-rules (syntax errors, unreadable files)."""
    registry = discover()
    for rule in CORE_RULES:
        registry.add(rule, "dflint (core)")
    return registry


def make_finding(rule: type[Rule], severity: Severity, path: str, span: Span, message: str,
                 fix: object = None) -> Finding:
    from dflint.finding import Fix

    return Finding(
        code=rule.code,
        name=rule.name,
        severity=severity,
        message=message,
        file=path,
        span=span,
        url=rule.url(),
        fix=fix if isinstance(fix, Fix) else None,
        aliases=rule.aliases,
    )


class Linter:
    """Lints files with one registry and one configuration resolver (shared by all files).

    Rules are chosen per file: an enabled rule runs unless its triggers (``Rule.instructions``,
    ``Rule.commands``, read from the rule index without importing the rule) rule the file out,
    so a rule module is imported only once a file needs it. ``use_triggers=False`` runs every
    enabled rule on every file (what the index must never change: see tests/test_ruleindex.py).
    """

    def __init__(self, registry: Registry, settings_for: Callable[[Any], object],
                 report_unused_ignores: bool = False, use_triggers: bool = True) -> None:
        self.registry = registry
        self.use_triggers = use_triggers
        self._settings_for = settings_for
        self._instances: dict[str, Rule] = {}
        self.report_unused_ignores = report_unused_ignores
        self._alias_table = registry.codes_by_name()  # once per run, not once per file
        self._dockerignore_cache: dict[str, tuple[str, ...]] = {}
        self._context_files_cache: dict[str, tuple[str, ...]] = {}
        self._context_texts_cache: dict[tuple[str, tuple[str, ...]], tuple[tuple[str, str], ...]] = {}

    def _instance(self, rule: type[Rule]) -> Rule:
        inst = self._instances.get(rule.code)
        if inst is None:
            inst = self._instances[rule.code] = rule()
        return inst

    def lint_path(self, path: Path | str, display_path: str | None = None) -> LintOutcome:
        shown = display_path or str(path)
        try:
            with open(path, "rb") as fh:
                data = fh.read()
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            if os.path.isdir(path):
                reason = "is a directory"
            return self._unreadable(shown, path, f"cannot read {shown}: {reason}")
        return self.lint_bytes(data, shown, config_path=path)

    def _unreadable(self, shown: str, path: Path | str, message: str,
                    span: Span | None = None) -> LintOutcome:
        settings = self._settings_for(path)
        severity = _severity_for(settings, UnreadableFile) or Severity.ERROR
        finding = make_finding(UnreadableFile, severity, shown, span or Span(1, 1, 1, 1), message)
        return LintOutcome(shown, [finding], None, unreadable=True)

    def lint_bytes(self, data: bytes, shown: str, config_path: Path | str | None = None) -> LintOutcome:
        from dflint.parser import parse_bytes

        dockerfile = parse_bytes(data, shown, templates=True)
        if getattr(dockerfile, "unreadable", False):
            message = dockerfile.errors[0].message if dockerfile.errors else "unreadable input"
            return self._unreadable(shown, config_path or shown, message)
        return self.lint_dockerfile(dockerfile, shown, config_path or shown)

    def lint_dockerfile(self, dockerfile: object, shown: str, config_path: Path | str,
                        shell_memo: ShellMemo | None = None) -> LintOutcome:
        """Lint a parsed file. ``shell_memo`` lets a caller that lints the same document again
        and again (the language server) reuse the shell analyses of unchanged instructions."""
        binary = next((w for w in getattr(dockerfile, "warnings", ()) if w.code == "binary"), None)
        if binary is not None:
            # BuildKit would read on, but a file with a NUL byte is not a Dockerfile someone
            # wrote (git's test for binary files): say so once instead of a page of
            # "unknown instruction" errors about its bytes, and exit 2 like any unreadable input.
            where = binary.message.split(";", 1)[0].replace("file contains", "it contains", 1)
            return self._unreadable(shown, config_path, f"binary file, not linted: {where}", binary.span)
        settings = self._settings_for(config_path)
        suppressions = _build_suppressions(dockerfile, settings, self._alias_table)
        findings: list[Finding] = []
        rule_errors: list[str] = []
        analysis = FileAnalysis(dockerfile, shell_memo)  # type: ignore[arg-type]
        placeholders = _Placeholders.of(dockerfile)
        for rule in self._selected_rules(settings, config_path, FileFacts(dockerfile)):
            severity = _severity_for(settings, rule)
            if severity is None:
                continue
            options = self._with_context_inputs(_options_for(settings, rule), config_path,
                                                context_files=False)
            ctx = Context(dockerfile, options, shown, analysis)  # type: ignore[arg-type]
            try:
                instance = self._instance(rule)
                violations = list(instance.check(ctx))
                if violations or instance.wants_context(ctx):
                    # The context is listed only for a rule that found something, or has a
                    # candidate only the context can decide: the listing (up to 2,000 entries,
                    # sorted) costs more than most lints.
                    with_files = self._with_context_inputs(options, config_path, rule.context_text_names)
                    if with_files is not options:
                        ctx = Context(dockerfile, with_files, shown, analysis)  # type: ignore[arg-type]
                        violations = list(instance.check(ctx))
            except Exception as exc:  # a rule bug must not hide the other rules' findings
                message = f"rule {rule.code} ({rule.name}) failed on {shown}: {type(exc).__name__}: {exc}"
                _log().error(message, exc_info=True)
                rule_errors.append(message)
                continue
            for violation in violations:
                if suppressions.is_suppressed(rule.code, violation.span.start_line):
                    continue
                fix = violation.fix
                if placeholders and rule.code != "DF903":
                    if placeholders.touches(violation.span):
                        continue  # template text is not Dockerfile syntax (DF903 says so once)
                    if fix is not None and placeholders.edited_by(fix):
                        fix = None  # its text was computed from the masked placeholder: not written back
                findings.append(make_finding(rule, severity, shown, violation.span, violation.message, fix))
        if getattr(settings, "shellcheck", False):  # before unused-ignores: SC pragmas count as used
            from pathlib import Path

            from dflint.shellcheck import shellcheck_findings

            findings.extend(shellcheck_findings(dockerfile, analysis.model, shown,  # type: ignore[arg-type]
                                                settings, Path(config_path), suppressions))
        if self.report_unused_ignores:
            findings.extend(_unused_ignore_findings(suppressions, shown))
        findings.sort(key=Finding.sort_key)
        lines = getattr(dockerfile, "lines", None)
        parse_failed = bool(getattr(dockerfile, "errors", None))
        return LintOutcome(shown, findings, lines, parse_failed=parse_failed, rule_errors=rule_errors)

    def _with_context_inputs(self, options: object, dockerfile_path: Path | str,
                             text_names: tuple[str, ...] = (), *, context_files: bool = True) -> object:
        """Fill an empty ``dockerignore`` option with the build context's ignore file, an
        empty ``context_files`` option with the context's file names (see :func:`_context_files`;
        not with ``context_files=False``), and an empty ``context_texts`` option with the text of
        the listed files named like ``text_names``. The same object when nothing was filled.

        Rules are pure and never read files, so the engine hands them what they need from the
        build context. BuildKit prefers ``<Dockerfile>.dockerignore`` over the context's
        ``.dockerignore``; the context is taken to be the Dockerfile's folder.
        """
        if not is_dataclass(options):
            return options
        if context_files and getattr(options, "context_files", None) == ():
            files = self._context_files_of(dockerfile_path)
            if files:
                options = replace(options, context_files=files)
                if text_names and getattr(options, "context_texts", None) == ():
                    folder = os.path.dirname(os.fspath(dockerfile_path)) or "."
                    key = (folder, text_names)
                    texts = self._context_texts_cache.get(key)
                    if texts is None:
                        texts = self._context_texts_cache[key] = _context_texts(folder, files, text_names)
                    if texts:
                        options = replace(options, context_texts=texts)
        if getattr(options, "dockerignore", None) != ():
            return options
        lines = self._dockerignore_lines(dockerfile_path)
        if not lines:
            return options
        return replace(options, dockerignore=lines)

    def _dockerignore_lines(self, dockerfile_path: Path | str) -> tuple[str, ...]:
        key = os.fspath(dockerfile_path)
        cached = self._dockerignore_cache.get(key)
        if cached is None:
            cached = ()
            folder, name = os.path.split(key)
            for candidate in (os.path.join(folder, f"{name}.dockerignore"),
                              os.path.join(folder, ".dockerignore")):
                try:
                    with open(candidate, encoding="utf-8", errors="replace") as fh:
                        cached = tuple(fh.read().splitlines())
                    break
                except OSError:
                    continue
            self._dockerignore_cache[key] = cached
        return cached

    def _context_files_of(self, dockerfile_path: Path | str) -> tuple[str, ...]:
        """The context's files, once per folder; none when the Dockerfile is not on disk (stdin,
        an unsaved editor buffer): then the context is unknown and rules must not guess it."""
        path = os.fspath(dockerfile_path)
        key = os.path.dirname(path) or "."
        cached = self._context_files_cache.get(key)
        if cached is None:
            cached = _context_files(key) if os.path.isfile(path) else ()
            self._context_files_cache[key] = cached
        return cached

    def _selected_rules(self, settings: object, path: Path | str, facts: FileFacts) -> Iterable[type[Rule]]:
        is_enabled = getattr(settings, "is_enabled", None)
        registry = self.registry
        for code, entry in sorted(registry.entries.items()):
            if code == UnreadableFile.code:
                continue
            if code != SyntaxError_.code:  # syntax errors can be re-levelled, never deselected
                enabled = entry.enabled_by_default if is_enabled is None else is_enabled(code, path)
                if not enabled:
                    continue
                if (self.use_triggers and not facts.admits(entry)
                        and not _options_configured(settings, entry, registry)):
                    continue
            rule = registry.rules.get(code)  # imports the rule's module on first use
            if rule is not None:
                yield rule


def _options_configured(settings: object, entry: RuleEntry, registry: Registry) -> bool:
    """Whether the rule runs with options other than its defaults: then its triggers, which
    describe the defaults, do not apply (DL3001 told to look for other commands)."""
    if not entry.options:
        return False
    configured = getattr(settings, "rule_options", None)
    if configured is not None:  # dflint.config.Settings: only configured rules are listed
        return entry.code in configured
    options_for = getattr(settings, "options_for", None)
    if options_for is None:
        return False
    rule = registry.rules.get(entry.code)
    return rule is not None and bool(options_for(rule) != rule.default_options())


def _severity_for(settings: object, rule: type[Rule]) -> Severity | None:
    severity_for = getattr(settings, "severity_for", None)
    if severity_for is None:
        return rule.severity
    result: Severity | None = severity_for(rule)
    return result


def _options_for(settings: object, rule: type[Rule]) -> object:
    options_for = getattr(settings, "options_for", None)
    if options_for is None:
        return rule.default_options()
    return options_for(rule)


#: Folders never worth listing: version control, dependency trees, virtualenvs, caches.
_CONTEXT_SKIP = frozenset({".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__",
                           ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache"})


def _context_files(folder: str, max_depth: int = 2, limit: int = 2000) -> tuple[str, ...]:
    """Relative posix paths of the files in ``folder`` and its subfolders down to ``max_depth``.

    Bounded (``limit`` entries, breadth first, so the top level always comes first) because a
    context can be a home directory; symlinked folders are not followed; an unreadable folder
    is skipped. Rules use it to check that a file they would name in a fix really exists.
    """
    found: list[str] = []
    seen = 0  # files and folders: a context of empty folders must not be walked forever either
    queue: list[tuple[str, str, int]] = [(folder, "", 0)]
    while queue and seen < limit:
        current, prefix, depth = queue.pop(0)
        try:
            with os.scandir(current) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            seen += 1
            try:
                if entry.is_dir(follow_symlinks=False):
                    if depth < max_depth and entry.name not in _CONTEXT_SKIP and not os.path.exists(
                            os.path.join(entry.path, "pyvenv.cfg")):
                        queue.append((entry.path, f"{prefix}{entry.name}/", depth + 1))
                elif entry.is_file():
                    found.append(prefix + entry.name)
            except OSError:
                continue
            if seen >= limit:
                break
    return tuple(found)


class _Placeholders:
    """Spans of the template placeholders the parser masked (see :mod:`dflint.templates`)."""

    __slots__ = ("lines", "spans")

    def __init__(self, spans: list[Span], lines: list[str]) -> None:
        self.spans = spans
        self.lines = lines

    @classmethod
    def of(cls, dockerfile: object) -> _Placeholders | None:
        spans = [w.span for w in getattr(dockerfile, "warnings", ()) if w.code == "template-placeholder"]
        return cls(spans, list(getattr(dockerfile, "lines", ()))) if spans else None

    def touches(self, span: Span) -> bool:
        """Is the finding about placeholder text: inside one, or (on one line) inside the word
        that holds one (``pkg={{ .version }}``, ``ruby:%%TAG%%-slim``)? A finding whose span
        reaches other words (``ENV VERSION {{ .version }}`` in legacy form) still stands: it is
        about the instruction, which the generated Dockerfile keeps as written."""
        start, end = (span.start_line, span.start_col), (span.end_line, max(span.end_col, span.start_col + 1))
        for s in self.spans:
            s_start, s_end = (s.start_line, s.start_col), (s.end_line, s.end_col)
            if not (start < s_end and s_start < end):
                continue
            if start >= s_start and end <= s_end:
                return True
            if span.start_line == span.end_line == s.start_line == s.end_line:
                first, last = self._word(s)
                if first <= start[1] and end[1] <= last:
                    return True
        return False

    def edited_by(self, fix: Fix) -> bool:
        """Does ``fix`` rewrite text that holds a placeholder, or write the mask (a run of ``x``
        as long as a placeholder) copied from one elsewhere (a moved or repeated COPY)?"""
        masks = {"x" * (s.end_col - s.start_col) for s in self.spans if s.start_line == s.end_line}
        for edit in fix.edits:
            e = edit.span
            if any(m in edit.new_text for m in masks):
                return True
            for s in self.spans:
                if (e.start_line, e.start_col) < (s.end_line, s.end_col) and (s.start_line, s.start_col) < (
                        e.end_line, e.end_col):
                    return True
        return False

    def _word(self, s: Span) -> tuple[int, int]:
        """Columns (start, end) of the whitespace-delimited word around one-line placeholder ``s``."""
        line = self.lines[s.start_line - 1] if s.start_line <= len(self.lines) else ""
        first, last = s.start_col - 1, s.end_col - 1
        while first > 0 and not line[first - 1].isspace():
            first -= 1
        while last < len(line) and not line[last].isspace():
            last += 1
        return first + 1, last + 1


def _context_texts(folder: str, files: tuple[str, ...], names: tuple[str, ...],
                   max_files: int = 64, max_bytes: int = 65536) -> tuple[tuple[str, str], ...]:
    """(path, text) of the listed ``files`` whose base name matches one of ``names``: small
    manifests a rule reads (go.mod, package.json...). Bounded in count and size; a file that
    cannot be read or is too large is left out (a rule must not guess from half a file)."""
    import fnmatch
    import posixpath

    found: list[tuple[str, str]] = []
    for path in files:
        base = posixpath.basename(path)
        if not any(fnmatch.fnmatchcase(base, name) for name in names):
            continue
        try:
            with open(os.path.join(folder, path), "rb") as fh:
                data = fh.read()
        except OSError:
            continue
        if len(data) <= max_bytes:
            found.append((path, data.decode("utf-8", errors="replace")))
        if len(found) >= max_files:
            break
    return tuple(found)


class _NoSuppressions:
    """What :class:`dflint.suppress.Suppressions` amounts to for a file without a pragma."""

    __slots__ = ()
    problems: ClassVar[list[object]] = []

    def is_suppressed(self, code: str, line: int) -> bool:
        return False

    def unused(self) -> list[Any]:
        return []


_NO_SUPPRESSIONS = _NoSuppressions()
#: Words every pragma holds (``# dflint: ignore``, ``# hadolint ignore=``, ``# check=skip=``).
_PRAGMA_WORDS = ("dflint", "hadolint", "check")


def _build_suppressions(dockerfile: object, settings: object,
                        alias_table: dict[str, tuple[str, ...]]) -> Suppressions:
    directives = getattr(dockerfile, "directives", None)
    check = getattr(directives, "check", None)
    texts = [c.text.lower() for c in getattr(dockerfile, "comments", ())]
    if check is None and not any(word in text for text in texts for word in _PRAGMA_WORDS):
        # No comment can be a pragma: the suppression parser is not even imported.
        return _NO_SUPPRESSIONS  # type: ignore[return-value]
    from dflint.suppress import Suppressions

    lines = getattr(dockerfile, "lines", [])
    # The pragma parser wants the whole physical line (it reports columns on it), not the
    # comment text after `#` that the tree keeps.
    comments = [(c.line, lines[c.line - 1] if c.line <= len(lines) else "#" + c.text)
                for c in getattr(dockerfile, "comments", [])]
    instructions = [(i.span.start_line, i.span.end_line) for i in getattr(dockerfile, "instructions", [])]
    return Suppressions.from_comments(
        comments,
        instructions,
        check,
        alias_table,
        disable_pragmas=bool(getattr(settings, "disable_ignore_pragma", False)),
        last_line=len(getattr(dockerfile, "lines", [])) or None,
        stage_starts=[i.span.start_line for i in getattr(dockerfile, "instructions", []) if i.cmd == "from"],
    )


def _unused_ignore_findings(suppressions: Suppressions, shown: str) -> list[Finding]:
    from dflint.core_rules import UnusedIgnore

    found = []
    for unused in suppressions.unused():
        found.append(make_finding(UnusedIgnore, UnusedIgnore.severity, shown, unused.span,
                                  f"unused ignore for {unused.code}: nothing to suppress here"))
    return found


def lint_many(linter: Linter, paths: Sequence[Path | str], jobs: int = 1) -> list[LintOutcome]:
    """Lint paths in order; with jobs > 1 and enough files, spread them over processes."""
    if jobs <= 1 or len(paths) < 2 * jobs:
        return [linter.lint_path(p) for p in paths]
    import multiprocessing

    global _WORKER_LINTER
    _WORKER_LINTER = linter
    context = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
    chunk = max(1, len(paths) // (jobs * 8))
    with context.Pool(jobs) as pool:
        return pool.map(_lint_in_worker, paths, chunksize=chunk)


_WORKER_LINTER: Linter | None = None


def _lint_in_worker(path: Path | str) -> LintOutcome:
    assert _WORKER_LINTER is not None  # set before the fork
    return _WORKER_LINTER.lint_path(path)
