"""Configuration: find, read, validate and resolve ``[tool.dflint]`` / ``.dflint.toml``.

Discovery follows ruff because users already know it: for each linted file, the closest
directory (walking up) holding a ``.dflint.toml`` or a ``pyproject.toml`` with a
``[tool.dflint]`` table wins, with no merging between directories; ``extend = "path"`` is the
explicit way to inherit. ``--config PATH`` replaces discovery, ``--isolated`` ignores every file,
and command-line overrides apply on top of whatever was resolved.

When no dflint file applies, a hadolint ``.hadolint.yaml``/``.yml`` does (the closest one up the
tree, then the current directory's, then hadolint's per-user files), and the ``HADOLINT_*``
variables apply under any file, as in hadolint; :mod:`dflint.hadolint_config` translates them
into the keys below, and is imported only when such a file or variable exists.

Unlike hadolint (which silently drops unknown keys and silently ignores a whole file on a type
error), every unknown key or bad value is a :class:`ConfigError` that names the file and the key:
a typo in a linter configuration must never quietly turn a check off.

Start-up cost matters (dflint runs in pre-commit hooks on every commit), so the TOML parser and
pathspec are imported only when there is something to parse or match, and each file is read once
per run however many Dockerfiles share it.
"""

from __future__ import annotations

import enum
import os
import re
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

from dflint.configfiles import DEDICATED_FILE, PYPROJECT_FILE, pyproject_may_hold_dflint
from dflint.finding import Severity
from dflint.lazyre import LazyPattern
from dflint.plugin import Registry, Rule
from dflint.records import (
    FACTORY,
    Factories,
    FrozenIdentityRecord,
    FrozenRecord,
    Record,
    field_names,
    is_dataclass,
)

#: hadolint's own file names, read when no dflint file applies (``.yaml`` first, as hadolint).
HADOLINT_FILES = (".hadolint.yaml", ".hadolint.yml")
COLOR_WORDS = ("auto", "always", "never")
#: hadolint's default: a file with only style findings exits 0.
DEFAULT_FAILURE_THRESHOLD = Severity.INFO
#: hadolint's label-schema types (DL3049-DL3058).
LABEL_TYPES = ("text", "url", "semver", "hash", "rfc3339", "spdx", "email")
#: Top-level settings that also reach a rule through an ``Options`` field of the same name, so
#: DL3026 or the label rules need no per-rule table (a per-rule table still wins).
SHARED_OPTION_FIELDS = ("trusted_registries", "label_schema", "strict_labels")

_CODE_SHAPED = LazyPattern(r"^[A-Za-z]{1,4}[0-9]{0,4}$")
_EXACT_SPECIFICITY = 100

# Keys hadolint users carry over; pointing at the dflint spelling beats a fuzzy guess.
_HADOLINT_KEYS = {
    "ignored": "ignore",
    "trustedregistries": "trusted-registries",
    "override": "severity",
    "no-color": "color = \"never\"",
}


class ConfigError(Exception):
    """A configuration problem; the CLI prints it and exits with code 2."""

    def __init__(
        self, message: str, *, path: Path | None = None, key: str | None = None, line: int | None = None,
        origin: str | None = None,
    ) -> None:
        self.message = message
        self.path = path
        self.key = key
        self.line = line
        #: Where the setting came from when not from a file ("environment"); default "command line".
        self.origin = origin
        super().__init__(str(self))

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only fields would be lost when a worker process sends the error back.
        return (_rebuild_error, (self.message, self.path, self.key, self.line, self.origin))

    def __str__(self) -> str:
        where = str(self.path) if self.path is not None else self.origin or "command line"
        if self.line is not None:
            where += f":{self.line}"
        key = f" {self.key}:" if self.key else ""
        return f"{where}:{key} {self.message}"


def _rebuild_error(
    message: str, path: Path | None, key: str | None, line: int | None, origin: str | None = None
) -> ConfigError:
    return ConfigError(message, path=path, key=key, line=line, origin=origin)


class CliOverrides(FrozenRecord):
    """Command-line settings, applied on top of every resolved configuration.

    ``config_settings`` holds TOML snippets (ruff's ``--config "key = value"``), validated like
    a configuration file and applied after it; the other fields are the dedicated flags, which
    apply last. ``severity`` holds hadolint's ``--error/--warning/--info/--style CODE`` as
    (code, level) pairs; ``label_schema`` its ``--require-label`` (added to the file's schema).
    """

    __match_args__ = (
        "select", "extend_select", "ignore", "extend_ignore", "failure_threshold", "trusted_registries",
        "shellcheck", "disable_ignore_pragma", "config_settings", "severity", "label_schema", "strict_labels",
    )

    select: Sequence[str] | None
    extend_select: Sequence[str] | None
    ignore: Sequence[str] | None
    extend_ignore: Sequence[str] | None
    failure_threshold: str | None
    trusted_registries: Sequence[str] | None
    shellcheck: bool | None
    disable_ignore_pragma: bool | None
    config_settings: Sequence[str]
    severity: Sequence[tuple[str, str]]
    label_schema: Mapping[str, str] | None
    strict_labels: bool | None

    def __init__(
        self, select: Sequence[str] | None = None, extend_select: Sequence[str] | None = None,
        ignore: Sequence[str] | None = None, extend_ignore: Sequence[str] | None = None,
        failure_threshold: str | None = None, trusted_registries: Sequence[str] | None = None,
        shellcheck: bool | None = None, disable_ignore_pragma: bool | None = None,
        config_settings: Sequence[str] = (), severity: Sequence[tuple[str, str]] = (),
        label_schema: Mapping[str, str] | None = None, strict_labels: bool | None = None,
    ) -> None:
        _set = object.__setattr__
        _set(self, "select", select)
        _set(self, "extend_select", extend_select)
        _set(self, "ignore", ignore)
        _set(self, "extend_ignore", extend_ignore)
        _set(self, "failure_threshold", failure_threshold)
        _set(self, "trusted_registries", trusted_registries)
        _set(self, "shellcheck", shellcheck)
        _set(self, "disable_ignore_pragma", disable_ignore_pragma)
        _set(self, "config_settings", config_settings)
        _set(self, "severity", severity)
        _set(self, "label_schema", label_schema)
        _set(self, "strict_labels", strict_labels)


# --------------------------------------------------------------------------------------------
# Rule selectors


class _Selector(FrozenRecord):
    """One entry of select/ignore/severity/per-file-ignores, resolved against the registry.

    ``enable_codes`` leaves out opt-in rules (``enabled_by_default = False``) for prefixes and
    ``ALL``: selecting ``DL`` must not switch on a noisy rule the author made opt-in; naming the
    rule does. ``disable_codes`` is every match. ``prefix`` matches codes the registry does not
    know (ShellCheck's SC codes, a plugin that is not installed).
    """

    __slots__ = ("disable_codes", "enable_codes", "prefix", "specificity", "text")
    __match_args__ = ("text", "enable_codes", "disable_codes", "specificity", "prefix")

    text: str
    enable_codes: frozenset[str]
    disable_codes: frozenset[str]
    specificity: int
    prefix: str | None

    def __init__(
        self, text: str, enable_codes: frozenset[str], disable_codes: frozenset[str], specificity: int,
        prefix: str | None,
    ) -> None:
        _set = object.__setattr__
        _set(self, "text", text)
        _set(self, "enable_codes", enable_codes)
        _set(self, "disable_codes", disable_codes)
        _set(self, "specificity", specificity)
        _set(self, "prefix", prefix)

    def matches(self, code: str, known: bool, enable: bool) -> bool:
        if known:
            return code in (self.enable_codes if enable else self.disable_codes)
        return self.prefix is not None and code.startswith(self.prefix)


class _RuleIndex:
    """What selectors can name: codes, code prefixes, rule names, aliases, groups, ``ALL``."""

    def __init__(self, registry: Registry) -> None:
        # From the registry's entries, not its classes: a rule known from the rule index is
        # imported only when a file needs it (or when its options are configured).
        self.rules = registry.rules
        self.entries = registry.entries
        self.codes = frozenset(self.entries)
        self.default_on = frozenset(c for c, e in self.entries.items() if e.enabled_by_default)
        self.names = {name.lower(): code for name, code in registry.by_name_or_alias().items()}
        self.groups: dict[str, frozenset[str]] = {}
        for code, entry in self.entries.items():
            for group in entry.groups:
                key = str(group).lower()
                self.groups[key] = self.groups.get(key, frozenset()) | {code}
        self._cache: dict[str, _Selector | None] = {}

    def selector(self, text: str) -> _Selector | None:
        """The selector ``text`` stands for, or None when it names nothing and is not code-shaped."""
        if text not in self._cache:
            self._cache[text] = self._build(text)
        return self._cache[text]

    def _build(self, text: str) -> _Selector | None:
        raw = text.strip()
        upper = raw.upper()
        if upper == "ALL":
            return _Selector(raw, self.default_on, self.codes, 0, "")
        if upper in self.codes:
            one = frozenset({upper})
            return _Selector(raw, one, one, _EXACT_SPECIFICITY, upper)
        code = self.names.get(raw.lower())
        if code is not None:
            one = frozenset({code})
            return _Selector(raw, one, one, _EXACT_SPECIFICITY, None)
        group = self.groups.get(raw.lower())
        if group is not None:
            return _Selector(raw, group & self.default_on, group, 1, None)
        if _CODE_SHAPED.match(raw):
            matched = frozenset(c for c in self.codes if c.startswith(upper))
            return _Selector(raw, matched & self.default_on, matched, len(upper), upper)
        return None

    def is_known(self, selector: _Selector) -> bool:
        return bool(selector.disable_codes) or selector.text.upper() == "ALL"

    def suggestion(self, text: str) -> str:
        candidates = list(self.names) + list(self.codes)
        import difflib  # only to word an error: not worth an import on every start-up

        close = difflib.get_close_matches(text.lower(), [c.lower() for c in candidates], n=1, cutoff=0.6)
        if not close:
            return ""
        original = next(c for c in candidates if c.lower() == close[0])
        return f"; did you mean {original!r}?"

    def rule_for_key(self, text: str) -> str | None:
        """The code an exact rule reference (code, name or alias) names, for per-rule tables."""
        if text.upper() in self.codes:
            return text.upper()
        return self.names.get(text.lower())


class _SelectionLayer(FrozenRecord):
    """One source's select/extend-select/ignore/extend-ignore, applied in order (ruff's model).

    Within a layer the most specific matching selector decides (``ignore = ["DL3008"]`` beats
    ``select = ["DL"]`` and ``select = ["DL3008"]`` beats ``ignore = ["DL"]``); a tie goes to
    ignore. A layer with ``select`` turns off every rule it does not match.
    """

    __slots__ = ("entries", "resets")
    __match_args__ = ("resets", "entries")

    resets: bool
    entries: tuple[tuple[_Selector, bool], ...]

    def __init__(self, resets: bool, entries: tuple[tuple[_Selector, bool], ...]) -> None:
        _set = object.__setattr__
        _set(self, "resets", resets)
        _set(self, "entries", entries)

    def decide(self, code: str, known: bool, state: bool) -> bool:
        best: tuple[int, bool] | None = None
        for selector, enable in self.entries:
            if selector.matches(code, known, enable):
                key = (selector.specificity, not enable)
                if best is None or key > best:
                    best = key
        if best is not None:
            return not best[1]
        return False if self.resets else state


class PerFileIgnore(FrozenRecord):
    """``per-file-ignores`` entry: a gitignore-style pattern relative to ``base_dir``."""

    __slots__ = ("_parsed", "base_dir", "pattern", "selectors")
    __match_args__ = ("pattern", "base_dir", "selectors", "_parsed")
    _no_repr = frozenset({"_parsed"})
    _no_compare = frozenset({"_parsed"})

    pattern: str
    base_dir: Path
    selectors: tuple[str, ...]
    _parsed: tuple[_Selector, ...]

    def __init__(
        self, pattern: str, base_dir: Path, selectors: tuple[str, ...], _parsed: tuple[_Selector, ...] = (),
    ) -> None:
        _set = object.__setattr__
        _set(self, "pattern", pattern)
        _set(self, "base_dir", base_dir)
        _set(self, "selectors", selectors)
        _set(self, "_parsed", _parsed)

    def matches_path(self, path: Path) -> bool:
        absolute = Path(os.path.abspath(path))
        spec = _compiled_pattern(self.pattern)
        try:
            relative = absolute.relative_to(self.base_dir).as_posix()
        except ValueError:  # outside the config's tree (``--config`` elsewhere): the name as given
            return bool(spec.match_file(path.as_posix()) or spec.match_file(path.name))
        return bool(spec.match_file(relative))


_PATTERN_CACHE: dict[str, Any] = {}


def _compiled_pattern(pattern: str) -> Any:
    spec = _PATTERN_CACHE.get(pattern)
    if spec is None:
        import pathspec

        spec = _PATTERN_CACHE[pattern] = pathspec.GitIgnoreSpec.from_lines([pattern])
    return spec


# --------------------------------------------------------------------------------------------
# Resolved settings


class Settings(FrozenIdentityRecord):
    """The configuration that applies to one file, fully resolved and validated."""

    __match_args__ = (
        "selected", "severity_overrides", "failure_threshold", "per_file_ignores", "trusted_registries",
        "label_schema", "strict_labels", "shellcheck", "disable_ignore_pragma", "output_format",
        "rule_options", "config_path", "warnings", "no_fail", "color", "_known", "_layers",
        "_severity_entries", "_path_cache",
    )
    _factories: ClassVar[Factories] = {
        "severity_overrides": dict, "label_schema": dict, "rule_options": dict, "_path_cache": dict,
    }
    _no_repr = frozenset({"_known", "_layers", "_severity_entries", "_path_cache"})
    _no_compare = frozenset({"_path_cache"})

    selected: frozenset[str]
    severity_overrides: Mapping[str, Severity | None]
    failure_threshold: Severity | None
    per_file_ignores: tuple[PerFileIgnore, ...]
    trusted_registries: tuple[str, ...]
    label_schema: Mapping[str, str]
    strict_labels: bool
    shellcheck: bool
    disable_ignore_pragma: bool
    output_format: str | None
    rule_options: Mapping[str, Any]
    config_path: Path | None
    #: Non-fatal remarks (selectors naming no installed rule), for the CLI to print once.
    warnings: tuple[str, ...]
    #: hadolint's ``no-fail``: exit 0 whatever is found (kept apart from the threshold, which
    #: a later source may set without undoing it).
    no_fail: bool
    #: Colour of the terminal report when ``--color`` is not given (hadolint's ``no-color``).
    color: str | None
    _known: frozenset[str]
    _layers: tuple[_SelectionLayer, ...]
    _severity_entries: tuple[tuple[_Selector, Severity | None], ...]
    _path_cache: dict[str, tuple[_Selector, ...]]

    def __init__(
        self, selected: frozenset[str], severity_overrides: Mapping[str, Severity | None] = FACTORY,
        failure_threshold: Severity | None = DEFAULT_FAILURE_THRESHOLD,
        per_file_ignores: tuple[PerFileIgnore, ...] = (), trusted_registries: tuple[str, ...] = (),
        label_schema: Mapping[str, str] = FACTORY, strict_labels: bool = False, shellcheck: bool = False,
        disable_ignore_pragma: bool = False, output_format: str | None = None,
        rule_options: Mapping[str, Any] = FACTORY, config_path: Path | None = None,
        warnings: tuple[str, ...] = (), no_fail: bool = False, color: str | None = None,
        _known: frozenset[str] = frozenset(),
        _layers: tuple[_SelectionLayer, ...] = (),
        _severity_entries: tuple[tuple[_Selector, Severity | None], ...] = (),
        _path_cache: dict[str, tuple[_Selector, ...]] = FACTORY,
    ) -> None:
        _set = object.__setattr__
        _set(self, "selected", selected)
        _set(self, "severity_overrides", {} if severity_overrides is FACTORY else severity_overrides)
        _set(self, "failure_threshold", failure_threshold)
        _set(self, "per_file_ignores", per_file_ignores)
        _set(self, "trusted_registries", trusted_registries)
        _set(self, "label_schema", {} if label_schema is FACTORY else label_schema)
        _set(self, "strict_labels", strict_labels)
        _set(self, "shellcheck", shellcheck)
        _set(self, "disable_ignore_pragma", disable_ignore_pragma)
        _set(self, "output_format", output_format)
        _set(self, "rule_options", {} if rule_options is FACTORY else rule_options)
        _set(self, "config_path", config_path)
        _set(self, "warnings", warnings)
        _set(self, "no_fail", no_fail)
        _set(self, "color", color)
        _set(self, "_known", _known)
        _set(self, "_layers", _layers)
        _set(self, "_severity_entries", _severity_entries)
        _set(self, "_path_cache", {} if _path_cache is FACTORY else _path_cache)

    @property
    def format(self) -> str | None:
        return self.output_format

    def is_enabled(self, code: str, path: Path | str | None = None) -> bool:
        """Whether findings of ``code`` are reported for ``path`` (select, ignore, off, per-file)."""
        code = code.upper()
        known = code in self._known
        if known:
            if code not in self.selected:
                return False
        else:
            state = True
            for layer in self._layers:
                state = layer.decide(code, False, state)
            if not state:
                return False
        if self.severity_for_code(code, Severity.INFO) is None:
            return False
        if path is not None and self.per_file_ignores:
            for selector in self._ignored_for(Path(path)):
                if selector.matches(code, known, enable=False):
                    return False
        return True

    def severity_for(self, rule: type[Rule]) -> Severity | None:
        """The severity to report ``rule`` at; None when it is turned ``off``."""
        return self.severity_for_code(rule.code, rule.severity)

    def severity_for_code(self, code: str, default: Severity) -> Severity | None:
        """Like :meth:`severity_for` for codes without a Rule class (ShellCheck's SC codes)."""
        code = code.upper()
        if code in self.severity_overrides:
            return self.severity_overrides[code]
        if code in self._known:
            return default
        best: tuple[int, int] | None = None
        result: Severity | None = default
        for order, (selector, level) in enumerate(self._severity_entries):
            if selector.matches(code, False, enable=False):
                key = (selector.specificity, order)
                if best is None or key > best:
                    best, result = key, level
        return result

    def options_for(self, rule: type[Rule]) -> Any:
        """The rule's validated ``Options`` instance (its defaults when not configured)."""
        options = self.rule_options.get(rule.code)
        return options if options is not None else rule.default_options()

    def _ignored_for(self, path: Path) -> tuple[_Selector, ...]:
        key = os.path.abspath(path)
        cached = self._path_cache.get(key)
        if cached is None:
            found: list[_Selector] = []
            for entry in self.per_file_ignores:
                if entry.matches_path(path):
                    found.extend(entry._parsed)
            cached = self._path_cache[key] = tuple(found)
        return cached


# --------------------------------------------------------------------------------------------
# Reading files


class _Source(FrozenRecord):
    """One table of settings: a config file's dflint table or the command-line snippets.

    A source translated from hadolint's settings carries ``locate`` (dflint key -> the hadolint
    key and line it came from) so that errors speak of what the user wrote.
    """

    __slots__ = ("data", "locate", "origin", "path", "prefix", "text")
    __match_args__ = ("path", "data", "prefix", "text", "locate", "origin")

    path: Path | None
    data: Mapping[str, Any]
    prefix: str
    text: str
    locate: Callable[[str], tuple[str, int | None]] | None
    origin: str | None

    def __init__(
        self, path: Path | None, data: Mapping[str, Any], prefix: str, text: str,
        locate: Callable[[str], tuple[str, int | None]] | None = None, origin: str | None = None,
    ) -> None:
        _set = object.__setattr__
        _set(self, "path", path)
        _set(self, "data", data)
        _set(self, "prefix", prefix)
        _set(self, "text", text)
        _set(self, "locate", locate)
        _set(self, "origin", origin)

    @property
    def base_dir(self) -> Path:
        return self.path.parent if self.path is not None else Path(os.path.abspath(os.curdir))

    def error(self, key: str, message: str) -> ConfigError:
        if self.locate is not None:
            shown, line = self.locate(key)
            return ConfigError(message, path=self.path, key=shown, line=line, origin=self.origin)
        dotted = self.prefix + key
        return ConfigError(message, path=self.path, key=dotted, line=_line_of(self.text, dotted))


def _line_of(text: str, dotted: str) -> int | None:
    """Best-effort line of a dotted key; only computed when reporting an error.

    Each part of the key is searched from the line where the previous part was found, so
    ``tool.dflint.select`` finds dflint's ``select`` and not ruff's.
    """
    if not text:
        return None
    lines = text.splitlines()
    index = 0
    found: int | None = None
    for part in _split_dotted(dotted):
        pattern = re.compile(r"(^|[\s\[.{,])[\"']?" + re.escape(part) + r"[\"']?\s*(=|\]|\.)")
        for number in range(index, len(lines)):
            if pattern.search(lines[number]):
                index, found = number, number + 1
                break
        else:
            return found
    return found


def _split_dotted(dotted: str) -> list[str]:
    return [part for part in dotted.split(".") if part]


def _load_toml(path: Path) -> tuple[dict[str, Any], str]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read configuration: {exc}", path=path) from None
    return _parse_toml(text, path), text


def _parse_toml(text: str, path: Path | None) -> dict[str, Any]:
    try:
        import tomli as toml
    except ImportError:  # pragma: no cover - tomli is a dependency; stdlib fallback
        import tomllib as toml  # type: ignore[no-redef]
    try:
        data: dict[str, Any] = toml.loads(text)
    except toml.TOMLDecodeError as exc:
        message = getattr(exc, "msg", None) or str(exc)
        raise ConfigError(f"invalid TOML: {message}", path=path, line=getattr(exc, "lineno", None)) from None
    return data


# --------------------------------------------------------------------------------------------
# Validation of one source


_KEYS = (
    "extend",
    "select",
    "ignore",
    "extend-select",
    "extend-ignore",
    "severity",
    "failure-threshold",
    "per-file-ignores",
    "extend-per-file-ignores",
    "trusted-registries",
    "format",
    "shellcheck",
    "disable-ignore-pragma",
    "strict-labels",
    "label-schema",
    "no-fail",
    "color",
    "rules",
)
_SELECTION_KEYS = (("select", True), ("extend-select", True), ("ignore", False), ("extend-ignore", False))
_SEVERITY_WORDS = ("error", "warning", "info", "style", "off")
_THRESHOLD_WORDS = ("error", "warning", "info", "style", "none")


class _Validated(Record):
    """A source's settings after validation; a field left None was not set in that source."""

    __match_args__ = (
        "source", "layer", "severity", "failure_threshold", "per_file_ignores", "extend_per_file_ignores",
        "trusted_registries", "output_format", "shellcheck", "disable_ignore_pragma", "strict_labels",
        "label_schema", "rules", "warnings", "no_fail", "color", "extend_trusted_registries",
    )
    _factories: ClassVar[Factories] = {
        "severity": list, "extend_per_file_ignores": list, "label_schema": dict, "rules": dict,
        "warnings": list, "extend_trusted_registries": list,
    }

    source: _Source
    layer: _SelectionLayer | None
    severity: list[tuple[_Selector, Severity | None]]
    failure_threshold: tuple[Severity | None] | None
    per_file_ignores: list[PerFileIgnore] | None
    extend_per_file_ignores: list[PerFileIgnore]
    trusted_registries: list[str] | None
    output_format: str | None
    shellcheck: bool | None
    disable_ignore_pragma: bool | None
    strict_labels: bool | None
    label_schema: dict[str, str]
    rules: dict[str, dict[str, Any]]
    warnings: list[str]
    no_fail: bool | None
    color: str | None
    #: Registries added to whatever list wins (hadolint concatenates its sources' lists).
    extend_trusted_registries: list[str]

    def __init__(
        self, source: _Source, layer: _SelectionLayer | None = None,
        severity: list[tuple[_Selector, Severity | None]] = FACTORY,
        failure_threshold: tuple[Severity | None] | None = None,
        per_file_ignores: list[PerFileIgnore] | None = None,
        extend_per_file_ignores: list[PerFileIgnore] = FACTORY, trusted_registries: list[str] | None = None,
        output_format: str | None = None, shellcheck: bool | None = None,
        disable_ignore_pragma: bool | None = None, strict_labels: bool | None = None,
        label_schema: dict[str, str] = FACTORY, rules: dict[str, dict[str, Any]] = FACTORY,
        warnings: list[str] = FACTORY, no_fail: bool | None = None, color: str | None = None,
        extend_trusted_registries: list[str] = FACTORY,
    ) -> None:
        self.source = source
        self.layer = layer
        self.severity = [] if severity is FACTORY else severity
        self.failure_threshold = failure_threshold
        self.per_file_ignores = per_file_ignores
        self.extend_per_file_ignores = [] if extend_per_file_ignores is FACTORY else extend_per_file_ignores
        self.trusted_registries = trusted_registries
        self.output_format = output_format
        self.shellcheck = shellcheck
        self.disable_ignore_pragma = disable_ignore_pragma
        self.strict_labels = strict_labels
        self.label_schema = {} if label_schema is FACTORY else label_schema
        self.rules = {} if rules is FACTORY else rules
        self.warnings = [] if warnings is FACTORY else warnings
        self.no_fail = no_fail
        self.color = color
        self.extend_trusted_registries = (
            [] if extend_trusted_registries is FACTORY else extend_trusted_registries
        )


class _Validator:
    def __init__(self, index: _RuleIndex) -> None:
        self.index = index

    def validate(self, source: _Source) -> _Validated:
        out = _Validated(source)
        data = source.data
        for key in data:
            if key not in _KEYS:
                raise source.error(key, f"unknown key{_key_suggestion(key, _KEYS)}")
        selection: list[tuple[_Selector, bool]] = []
        resets = False
        for key, enable in _SELECTION_KEYS:
            if key in data:
                selectors = self.selectors(source, key, data[key], out, enable)
                selection.extend((s, enable) for s in selectors)
                resets = resets or key == "select"
        if selection or resets:
            out.layer = _SelectionLayer(resets, tuple(selection))
        if "severity" in data:
            table = _table(source, "severity", data["severity"])
            for selector_text, level in table.items():
                key = f"severity.{selector_text}"
                selector = self.selector(source, key, selector_text, out, enable=False)
                out.severity.append((selector, _severity_word(source, key, level)))
        if "failure-threshold" in data:
            out.failure_threshold = (_threshold(source, data["failure-threshold"]),)
        if "per-file-ignores" in data:
            out.per_file_ignores = self.per_file(source, "per-file-ignores", data["per-file-ignores"], out)
        if "extend-per-file-ignores" in data:
            out.extend_per_file_ignores = self.per_file(
                source, "extend-per-file-ignores", data["extend-per-file-ignores"], out
            )
        if "trusted-registries" in data:
            out.trusted_registries = _strings(source, "trusted-registries", data["trusted-registries"])
        if "format" in data:
            value = data["format"]
            if not isinstance(value, str) or not value.strip():
                raise source.error("format", f"expected an output format name, got {_show(value)}")
            out.output_format = value.strip()
        out.shellcheck = _opt_bool(source, "shellcheck", data)
        out.disable_ignore_pragma = _opt_bool(source, "disable-ignore-pragma", data)
        out.strict_labels = _opt_bool(source, "strict-labels", data)
        out.no_fail = _opt_bool(source, "no-fail", data)
        if "color" in data:
            value = data["color"]
            if value not in COLOR_WORDS:
                raise source.error("color", f"expected one of {', '.join(COLOR_WORDS)}, got {_show(value)}")
            out.color = value
        if "label-schema" in data:
            for label, kind in _table(source, "label-schema", data["label-schema"]).items():
                key = f"label-schema.{label}"
                if not isinstance(kind, str):
                    raise source.error(key, f"expected a label type, got {_show(kind)}")
                kind = kind.strip().lower() or "text"
                if kind not in LABEL_TYPES:
                    raise source.error(
                        key, f"unknown label type {kind!r}; expected one of {', '.join(LABEL_TYPES)}"
                    )
                out.label_schema[label] = kind
        if "rules" in data:
            for rule_key, options in _table(source, "rules", data["rules"]).items():
                self.rule_table(source, rule_key, options, out)
        return out

    def selectors(
        self, source: _Source, key: str, value: Any, out: _Validated, enable: bool
    ) -> list[_Selector]:
        items = _strings(source, key, value)
        return [self.selector(source, key, item, out, enable) for item in items]

    def selector(self, source: _Source, key: str, text: str, out: _Validated, enable: bool) -> _Selector:
        selector = self.index.selector(text)
        if selector is None:
            raise source.error(key, f"unknown rule selector {text!r}{self.index.suggestion(text)}")
        if not self.index.is_known(selector):
            out.warnings.append(
                f"{source.path or 'command line'}: {source.prefix}{key}: {text!r} matches no installed rule"
            )
        elif enable and not selector.enable_codes and selector.specificity < _EXACT_SPECIFICITY:
            out.warnings.append(
                f"{source.path or 'command line'}: {source.prefix}{key}: {text!r} matches only opt-in "
                "rules; name them one by one to enable them"
            )
        return selector

    def per_file(self, source: _Source, key: str, value: Any, out: _Validated) -> list[PerFileIgnore]:
        entries = []
        for pattern, codes in _table(source, key, value).items():
            sub = f"{key}.{pattern}"
            texts = _strings(source, sub, codes)
            parsed = tuple(self.selector(source, sub, text, out, enable=False) for text in texts)
            if not pattern.strip():
                raise source.error(sub, "empty file pattern")
            entries.append(PerFileIgnore(pattern, source.base_dir, tuple(texts), parsed))
        return entries

    def rule_table(self, source: _Source, rule_key: str, options: Any, out: _Validated) -> None:
        key = f"rules.{rule_key}"
        table = _table(source, key, options)
        code = self.index.rule_for_key(rule_key)
        rule = self.index.rules.get(code) if code is not None else None  # imports it if indexed
        if rule is None:
            if code is not None or _CODE_SHAPED.match(rule_key):
                out.warnings.append(
                    f"{source.path or 'command line'}: {source.prefix}{key}: no installed rule "
                    f"{rule_key!r}; options ignored"
                )
                return
            raise source.error(key, f"unknown rule {rule_key!r}{self.index.suggestion(rule_key)}")
        assert code is not None
        hints = _option_fields(rule)
        values = out.rules.setdefault(code, {})
        for option, raw in table.items():
            name = option.replace("-", "_")
            if name not in hints:
                known = [n.replace("_", "-") for n in hints]
                if not known:
                    raise source.error(f"{key}.{option}", f"rule {code} takes no options")
                raise source.error(
                    f"{key}.{option}",
                    f"unknown option for {code}{_key_suggestion(option.replace('_', '-'), known)}"
                    f" (options: {', '.join(known)})",
                )
            values[name] = _coerce(source, f"{key}.{option}", raw, hints[name])


def _key_suggestion(key: str, known: Sequence[str]) -> str:
    hint = _HADOLINT_KEYS.get(key.lower())
    if hint is not None:
        return f"; did you mean {hint!r}?"
    kebab = key.replace("_", "-").lower()
    if kebab != key and kebab in known:
        return f"; did you mean {kebab!r}? (keys are kebab-case)"
    import difflib  # only to word an error: not worth an import on every start-up

    close = difflib.get_close_matches(kebab, list(known), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _show(value: Any) -> str:
    kind = {bool: "a boolean", int: "an integer", float: "a number", str: "a string", list: "a list",
            dict: "a table"}.get(type(value), type(value).__name__)
    return f"{kind} ({value!r})" if not isinstance(value, dict | list) else kind


def _table(source: _Source, key: str, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise source.error(key, f"expected a table, got {_show(value)}")
    return value


def _strings(source: _Source, key: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise source.error(key, f"expected a list of strings, got {_show(value)}")
    return [item.strip() for item in value if item.strip()]


def _opt_bool(source: _Source, key: str, data: Mapping[str, Any]) -> bool | None:
    if key not in data:
        return None
    value = data[key]
    if not isinstance(value, bool):
        raise source.error(key, f"expected true or false, got {_show(value)}")
    return value


def _severity_word(source: _Source, key: str, value: Any) -> Severity | None:
    if not isinstance(value, str) or value.strip().lower() not in _SEVERITY_WORDS:
        raise source.error(key, f"expected one of {', '.join(_SEVERITY_WORDS)}, got {_show(value)}")
    word = value.strip().lower()
    return None if word == "off" else Severity.parse(word)


def _threshold(source: _Source, value: Any) -> Severity | None:
    word = value.strip().lower() if isinstance(value, str) else None
    if word == "ignore":
        raise source.error(
            "failure-threshold",
            "'ignore' is hadolint's spelling; use 'style' to fail on every finding or 'none' to never fail",
        )
    if word not in _THRESHOLD_WORDS:
        raise source.error(
            "failure-threshold", f"expected one of {', '.join(_THRESHOLD_WORDS)}, got {_show(value)}"
        )
    return None if word == "none" else Severity.parse(word)


# --------------------------------------------------------------------------------------------
# Per-rule options


def _option_names(rule: type[Rule]) -> tuple[str, ...]:
    """The rule's option names, without evaluating annotations (cheap: see :func:`_option_fields`)."""
    options = rule.Options
    return field_names(options) if is_dataclass(options) else ()


def _option_fields(rule: type[Rule]) -> dict[str, Any]:
    names = _option_names(rule)
    if not names:
        return {}
    hints = _type_hints(rule.Options)
    return {name: hints.get(name, Any) for name in names}


#: Options class -> its evaluated type hints (see :func:`_type_hints`).
_TYPE_HINTS: dict[type[Any], dict[str, Any]] = {}


def _type_hints(options: type[Any]) -> dict[str, Any]:
    """``typing.get_type_hints`` of an Options class, once per class (read-only: do not mutate).

    Why cached: rules of one family share their Options class (nine label rules take one
    ``LabelSchemaOptions``), and evaluating the same annotations again for each cost a few ms
    of every lint's start-up.
    """
    hints = _TYPE_HINTS.get(options)
    if hints is None:
        try:
            hints = typing.get_type_hints(options)
        except Exception:  # an unresolvable annotation: fall back to "accept any TOML value"
            hints = {}
        _TYPE_HINTS[options] = hints
    return hints


def _coerce(source: _Source, key: str, value: Any, hint: Any) -> Any:
    """Check a TOML value against an Options field type; lists become tuples/frozensets as declared."""
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if hint is Any or hint is object:
        return value
    if origin in (typing.Union, types.UnionType):
        members = [a for a in args if a is not type(None)]
        problems = []
        for member in members:
            try:
                return _coerce(source, key, value, member)
            except ConfigError as exc:
                problems.append(exc.message)
        raise source.error(key, problems[0] if problems else f"unexpected value {_show(value)}")
    if origin is typing.Literal:
        if value not in args:
            raise source.error(key, f"expected one of {', '.join(map(repr, args))}, got {_show(value)}")
        return value
    if hint is bool:
        if not isinstance(value, bool):
            raise source.error(key, f"expected true or false, got {_show(value)}")
        return value
    if hint is int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise source.error(key, f"expected an integer, got {_show(value)}")
        return value
    if hint is float:
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise source.error(key, f"expected a number, got {_show(value)}")
        return float(value)
    if hint is str:
        if not isinstance(value, str):
            raise source.error(key, f"expected a string, got {_show(value)}")
        return value
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        for member in hint:
            if isinstance(value, str) and value.lower() in (str(member.value).lower(), member.name.lower()):
                return member
        choices = ", ".join(str(m.value) for m in hint)
        raise source.error(key, f"expected one of {choices}, got {_show(value)}")
    container = origin or hint
    if container in (list, tuple, frozenset, set, Sequence, typing.Sequence) or (
        isinstance(container, type) and container.__name__ in ("Sequence", "AbstractSet", "Set")
    ):
        if not isinstance(value, list):
            raise source.error(key, f"expected a list, got {_show(value)}")
        item_hint = args[0] if args else Any
        items = [_coerce(source, f"{key}[{i}]", item, item_hint) for i, item in enumerate(value)]
        if container is tuple:
            return tuple(items)
        if container in (frozenset, set) or getattr(container, "__name__", "") in ("AbstractSet", "Set"):
            return frozenset(items)
        return tuple(items) if container is not list else items
    if container in (dict, Mapping, typing.Mapping) or getattr(container, "__name__", "") == "Mapping":
        if not isinstance(value, dict):
            raise source.error(key, f"expected a table, got {_show(value)}")
        value_hint = args[1] if len(args) == 2 else Any
        return {str(k): _coerce(source, f"{key}.{k}", v, value_hint) for k, v in value.items()}
    if isinstance(hint, type) and not isinstance(value, hint):
        raise source.error(key, f"expected {hint.__name__}, got {_show(value)}")
    return value


# --------------------------------------------------------------------------------------------
# Resolution


class ConfigResolver:
    """Finds and resolves the configuration of each linted file, caching per directory and file."""

    def __init__(
        self,
        registry: Registry,
        *,
        config_path: Path | str | None = None,
        isolated: bool = False,
        overrides: CliOverrides | None = None,
    ) -> None:
        self._index = _RuleIndex(registry)
        self._validator = _Validator(self._index)
        self._isolated = isolated
        self._overrides = overrides or CliOverrides()
        self._config_path = Path(os.path.abspath(config_path)) if config_path is not None else None
        if self._config_path is not None and not isolated and not self._config_path.is_file():
            raise ConfigError("configuration file not found", path=self._config_path)
        self._dir_config: dict[Path, Path | None] = {}
        self._dir_hadolint: dict[Path, Path | None] = {}
        self._hadolint_fallback: list[Path | None] = []  # cwd's file, else a per-user one; once
        self._files: dict[Path, tuple[dict[str, Any], str]] = {}
        self._validated: dict[Path, _Validated] = {}
        self._settings: dict[Path | None, Settings] = {}
        self._env_sources, self._env_ignores = ([], []) if isolated else self._environment_sources()
        self._cli_sources = self._snippet_sources()

    # Discovery ----------------------------------------------------------------------------

    def config_file_for(self, path: Path | str) -> Path | None:
        """The configuration file that applies to ``path`` (None: built-in defaults)."""
        if self._isolated:
            return None
        if self._config_path is not None:
            return self._config_path
        start = _start_dir(Path(path))
        return self._discover(start) or self._discover_hadolint(start)

    def settings_for(self, path: Path | str) -> Settings:
        """The resolved settings for one linted file (the same object for files sharing a config)."""
        config = self.config_file_for(path)
        settings = self._settings.get(config)
        if settings is None:
            settings = self._settings[config] = self._build(config)
        return settings

    def _discover(self, directory: Path) -> Path | None:
        return _walk_up(directory, self._dir_config, self._dflint_file_in)

    def _dflint_file_in(self, directory: Path) -> Path | None:
        dedicated = directory / DEDICATED_FILE
        if dedicated.is_file():
            return dedicated
        pyproject = directory / PYPROJECT_FILE
        if pyproject.is_file() and self._has_dflint_table(pyproject):
            return pyproject
        return None

    def _discover_hadolint(self, directory: Path) -> Path | None:
        """The closest ``.hadolint.yaml``/``.yml`` up from ``directory``, else hadolint's own
        search from the current directory: ``./.hadolint.yaml``, then the per-user files."""
        found = _walk_up(directory, self._dir_hadolint, _hadolint_file_in)
        if found is not None:
            return found
        if not self._hadolint_fallback:
            fallback = _hadolint_file_in(Path(os.path.abspath(os.curdir)))
            if fallback is None:
                fallback = next((p for p in hadolint_home_candidates() if p.is_file()), None)
            self._hadolint_fallback.append(fallback)
        return self._hadolint_fallback[0]

    def _has_dflint_table(self, pyproject: Path) -> bool:
        try:
            text = pyproject.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return False
        if not pyproject_may_hold_dflint(text):
            return False  # cheap pre-filter: most pyprojects never mention dflint, or not as a table
        data, _ = self._read(pyproject)
        tool = data.get("tool")
        return isinstance(tool, dict) and "dflint" in tool

    def _read(self, path: Path) -> tuple[dict[str, Any], str]:
        if path not in self._files:
            self._files[path] = _load_toml(path)
        return self._files[path]

    # Loading ------------------------------------------------------------------------------

    def _source(self, path: Path) -> _Source:
        if is_hadolint_file(path):
            from dflint.hadolint_config import load_file

            translated, text = load_file(path)
            return _Source(path, translated.data, "", text, translated.locate)
        data, text = self._read(path)
        if path.name == PYPROJECT_FILE:
            tool = data.get("tool")
            table = tool.get("dflint") if isinstance(tool, dict) else None
            if table is None:
                raise ConfigError("no [tool.dflint] table in this pyproject.toml", path=path)
            if not isinstance(table, dict):
                raise ConfigError("expected a table", path=path, key="tool.dflint")
            return _Source(path, table, "tool.dflint.", text)
        return _Source(path, data, "", text)

    def _chain(self, path: Path) -> list[_Validated]:
        """The validated sources from the furthest ``extend`` ancestor down to ``path``."""
        chain: list[_Validated] = []
        seen: list[Path] = []
        current: Path | None = path
        while current is not None:
            if current in seen:
                cycle = " -> ".join(str(p) for p in [*seen, current])
                raise ConfigError(f"'extend' cycle: {cycle}", path=seen[-1], key="extend")
            seen.append(current)
            source = self._source(current)
            validated = self._validated.get(current)
            if validated is None:
                validated = self._validated[current] = self._validator.validate(source)
            chain.append(validated)
            current = self._extended(source)
        chain.reverse()
        return chain

    def _extended(self, source: _Source) -> Path | None:
        if "extend" not in source.data:
            return None
        value = source.data["extend"]
        if not isinstance(value, str) or not value.strip():
            raise source.error("extend", f"expected a path, got {_show(value)}")
        target = Path(os.path.expanduser(value.strip()))
        if not target.is_absolute():
            target = source.base_dir / target
        target = Path(os.path.abspath(target))
        if not target.is_file():
            raise source.error("extend", f"extended configuration {str(target)!r} not found")
        return target

    def _environment_sources(self) -> tuple[list[_Validated], list[_Validated]]:
        """hadolint's ``HADOLINT_*`` variables: a source under every file, as in hadolint, and
        its ignore list, applied over the file (hadolint adds the lists up, so a file's
        ``select`` must not bring back what ``HADOLINT_IGNORE`` turned off)."""
        if not has_hadolint_environment():
            return [], []
        from dflint.hadolint_config import environment_settings

        translated = environment_settings()
        source = _Source(None, translated.data, "", "", translated.locate, origin="environment")
        validated = self._validator.validate(source)
        # hadolint adds the variable's registries to the file's list instead of replacing it.
        validated.extend_trusted_registries = validated.trusted_registries or []
        validated.trusted_registries = None
        ignores = _Validated(source, layer=validated.layer)
        validated.layer = None
        return [validated], [ignores] if ignores.layer is not None else []

    def _snippet_sources(self) -> list[_Validated]:
        sources = []
        for snippet in self._overrides.config_settings:
            data = _parse_toml(snippet, None)
            if "extend" in data:
                raise ConfigError("'extend' is not allowed in --config settings", key="--config")
            source = _Source(None, data, "--config ", "")
            sources.append(self._validator.validate(source))
        sources.append(self._flag_source())
        return sources

    def _flag_source(self) -> _Validated:
        o = self._overrides
        source = _Source(None, {}, "--", "")
        out = _Validated(source)
        selection: list[tuple[_Selector, bool]] = []
        for key, values, enable in (
            ("select", o.select, True),
            ("extend-select", o.extend_select, True),
            ("ignore", o.ignore, False),
            ("extend-ignore", o.extend_ignore, False),
        ):
            if values is not None:
                selectors = self._validator.selectors(source, key, list(values), out, enable)
                selection.extend((s, enable) for s in selectors)
        # hadolint's --style/--info/--warning/--error: a code given at several levels gets the
        # highest, so the pairs are applied lowest level first (a later entry wins a tie); and
        # as in hadolint, a rule given a level is shown even when it is off by default.
        for code, level in sorted(o.severity, key=lambda pair: _SEVERITY_WORDS.index(pair[1]), reverse=True):
            selector = self._validator.selector(source, level, code, out, enable=False)
            out.severity.append((selector, _severity_word(source, level, level)))
            selection.append((selector, True))
        if selection or o.select is not None:
            out.layer = _SelectionLayer(o.select is not None, tuple(selection))
        if o.failure_threshold is not None:
            out.failure_threshold = (_threshold(source, o.failure_threshold),)
        if o.label_schema:
            out.label_schema.update(o.label_schema)
        out.shellcheck = o.shellcheck
        out.disable_ignore_pragma = o.disable_ignore_pragma
        out.strict_labels = o.strict_labels
        return out

    # Merging ------------------------------------------------------------------------------

    def _build(self, config: Path | None) -> Settings:
        chain = self._chain(config) if config is not None else []
        sources = [*self._env_sources, *chain, *self._env_ignores, *self._cli_sources]
        return _merge(self._index, sources, config, self._overrides)


def _walk_up(directory: Path, cache: dict[Path, Path | None],
             probe: Callable[[Path], Path | None]) -> Path | None:
    """The first file ``probe`` finds in ``directory`` or a parent; every directory visited
    remembers the answer, so Dockerfiles sharing folders cost one look per folder per run."""
    visited: list[Path] = []
    current = directory
    found: Path | None = None
    while True:
        if current in cache:
            found = cache[current]
            break
        visited.append(current)
        found = probe(current)
        if found is not None:
            break
        parent = current.parent
        if parent == current:
            break
        current = parent
    for directory_seen in visited:
        cache[directory_seen] = found
    return found


def is_hadolint_file(path: Path) -> bool:
    """Whether a configuration file is hadolint's YAML rather than dflint's TOML (by its name)."""
    return path.suffix.lower() in (".yaml", ".yml")


def _hadolint_file_in(directory: Path) -> Path | None:
    for name in HADOLINT_FILES:
        candidate = directory / name
        if candidate.is_file():
            return candidate
    return None


def hadolint_home_candidates(environ: Mapping[str, str] | None = None) -> list[Path]:
    """hadolint's per-user files, in its order (after ``./.hadolint.yaml``; hadolint-rules.md §3)."""
    env = os.environ if environ is None else environ
    home = Path(env.get("HOME") or os.path.expanduser("~"))
    xdg = Path(env.get("XDG_CONFIG_HOME") or home / ".config")
    return [
        xdg / "hadolint.yaml", xdg / "hadolint.yml",
        home / ".hadolint" / "hadolint.yaml", home / ".hadolint" / "hadolint.yml",
        home / ".hadolint" / "config.yaml", home / ".hadolint" / "config.yml",
        home / ".hadolint.yaml", home / ".hadolint.yml",
    ]


def has_hadolint_environment(environ: Mapping[str, str] | None = None) -> bool:
    """Whether any ``HADOLINT_*`` variable is set (cheap: run on every start)."""
    env = os.environ if environ is None else environ
    return any(name.startswith("HADOLINT_") for name in env)


def _start_dir(path: Path) -> Path:
    absolute = Path(os.path.abspath(path))
    if str(path) == "-":
        return Path(os.path.abspath(os.curdir))
    return absolute if absolute.is_dir() else absolute.parent


def _merge(
    index: _RuleIndex, sources: list[_Validated], config: Path | None, overrides: CliOverrides
) -> Settings:
    layers = tuple(v.layer for v in sources if v.layer is not None)
    selected = set()
    for code in index.codes:
        state = code in index.default_on
        for layer in layers:
            state = layer.decide(code, True, state)
        if state:
            selected.add(code)

    severity_entries: list[tuple[_Selector, Severity | None]] = []
    failure_threshold: Severity | None = DEFAULT_FAILURE_THRESHOLD
    per_file: list[PerFileIgnore] = []
    trusted: list[str] = []
    output_format: str | None = None
    shellcheck = disable_pragma = strict_labels = no_fail = False
    color: str | None = None
    extra_trusted: list[str] = []
    label_schema: dict[str, str] = {}
    rule_values: dict[str, dict[str, Any]] = {}
    warnings: list[str] = []
    for v in sources:
        severity_entries.extend(v.severity)
        if v.failure_threshold is not None:
            failure_threshold = v.failure_threshold[0]
        if v.per_file_ignores is not None:
            per_file = list(v.per_file_ignores)
        per_file.extend(v.extend_per_file_ignores)
        if v.trusted_registries is not None:
            trusted = list(v.trusted_registries)
        output_format = v.output_format or output_format
        shellcheck = shellcheck if v.shellcheck is None else v.shellcheck
        disable_pragma = disable_pragma if v.disable_ignore_pragma is None else v.disable_ignore_pragma
        strict_labels = strict_labels if v.strict_labels is None else v.strict_labels
        no_fail = no_fail if v.no_fail is None else v.no_fail
        color = v.color or color
        extra_trusted.extend(v.extend_trusted_registries)
        label_schema.update(v.label_schema)
        for code, values in v.rules.items():
            rule_values.setdefault(code, {}).update(values)
        warnings.extend(w for w in v.warnings if w not in warnings)
    # hadolint concatenates --trusted-registry with the file's list; so do we.
    for registry in [*extra_trusted, *(overrides.trusted_registries or ())]:
        if registry not in trusted:
            trusted.append(registry)

    severity_overrides: dict[str, Severity | None] = {}
    for code in index.codes:
        best: tuple[int, int] | None = None
        for order, (selector, level) in enumerate(severity_entries):
            if selector.matches(code, True, enable=False):
                key = (selector.specificity, order)
                if best is None or key > best:
                    best = key
                    severity_overrides[code] = level

    shared = {"trusted_registries": trusted, "label_schema": label_schema, "strict_labels": strict_labels}
    rule_options: dict[str, Any] = {}
    for code, entry in index.entries.items():
        values = dict(rule_values.get(code, {}))
        # Shared settings left at their defaults are the rules' own defaults too: passing them
        # would import every rule that declares one, for nothing.
        shared_names = [n for n in SHARED_OPTION_FIELDS
                        if shared[n] and n not in values and n in entry.options]
        if not values and not shared_names:
            continue
        rule = index.rules.get(code)
        if rule is None:  # its module failed to import (reported as a plugin problem)
            continue
        # Type hints only when a shared field needs coercing: evaluating every rule's
        # annotations on every run cost start-up for nothing.
        hints = _option_fields(rule) if shared_names else {}
        for name in shared_names:
            if name in hints:
                fallback = _Source(config, {}, "", "")
                try:
                    values[name] = _coerce(fallback, name.replace("_", "-"), shared[name], hints[name])
                except ConfigError:
                    continue  # the rule declared an unrelated field of that name
        if not values:
            continue
        try:
            rule_options[code] = rule.Options(**values)
        except Exception as exc:  # the Options class may validate in __post_init__
            raise ConfigError(f"invalid options: {exc}", path=config, key=f"rules.{code}") from None

    return Settings(
        selected=frozenset(selected),
        severity_overrides=types.MappingProxyType(severity_overrides),
        failure_threshold=failure_threshold,
        per_file_ignores=tuple(per_file),
        trusted_registries=tuple(trusted),
        label_schema=types.MappingProxyType(label_schema),
        strict_labels=strict_labels,
        shellcheck=shellcheck,
        disable_ignore_pragma=disable_pragma,
        output_format=output_format,
        rule_options=types.MappingProxyType(rule_options),
        config_path=config,
        warnings=tuple(warnings),
        no_fail=no_fail,
        color=color,
        _known=index.codes,
        _layers=layers,
        _severity_entries=tuple(severity_entries),
    )


def default_settings(registry: Registry) -> Settings:
    """Built-in defaults only (what ``--isolated`` gives)."""
    return ConfigResolver(registry, isolated=True).settings_for(Path(os.curdir))
