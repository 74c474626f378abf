"""hadolint's configuration, read as it is so a team can switch without touching its setup.

Three inputs, each translated into dflint's own configuration keys (the ``.dflint.toml``
schema), so that validation, merging and ``dflint config --from-hadolint`` all go through one
path and a converted file gives exactly what the YAML gave:

* ``.hadolint.yaml`` / ``.hadolint.yml``, found by :class:`dflint.config.ConfigResolver` where
  hadolint looks and, like dflint's own files, in each linted file's directory and its parents;
* the ``HADOLINT_*`` environment variables hadolint documents (:func:`environment_settings`);
* a file named with ``--config`` whose name ends in ``.yaml``/``.yml``.

Where hadolint and dflint differ on purpose (documented in docs/moving-from-hadolint.md):
an unknown key, a YAML error or a value of the wrong type stops dflint with exit code 2 and a
message naming the file and line (hadolint ignores unknown keys, and the *whole file* on a type
error, so a typo silently turns checks off). YAML is read with YAML 1.2 booleans (only
``true``/``false``), as hadolint's parser reads it: ``no-fail: yes`` is an error, not true.

This module (and PyYAML) is imported only when a hadolint file or variable exists.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from dflint.config import LABEL_TYPES, ConfigError

ENV_PREFIX = "HADOLINT_"
#: Every key hadolint 2.15 reads from its configuration file (``formats`` and ``verbose`` are
#: undocumented but read).
KEYS = (
    "ignored", "trustedRegistries", "override", "failure-threshold", "label-schema", "strict-labels",
    "disable-ignore-pragma", "no-fail", "no-color", "format", "formats", "verbose",
)
OVERRIDE_LEVELS = ("error", "warning", "info", "style")
#: hadolint's thresholds in dflint's words. hadolint's ``ignore`` and ``none`` both fail on
#: *every* finding (style included), which is dflint's ``style``; dflint's ``none`` (never fail)
#: is hadolint's ``no-fail``.
THRESHOLDS = {"error": "error", "warning": "warning", "info": "info", "style": "style", "ignore": "style",
              "none": "style"}
#: The values hadolint takes as true in its boolean variables; any other value means false.
_TRUE_WORDS = frozenset({"1", "y", "yes", "on", "true"})


class Translated:
    """A hadolint source in dflint's keys, with where each came from (for error messages)."""

    def __init__(self, data: dict[str, Any], lines: dict[str, int], names: dict[str, str],
                 notes: list[str]) -> None:
        self.data = data
        #: dflint dotted key -> line in the hadolint file (the first line of its value).
        self.lines = lines
        #: dflint dotted key -> the hadolint key (or variable) it was translated from.
        self.names = names
        #: Settings with no dflint equivalent, for ``dflint config --from-hadolint`` to mention.
        self.notes = notes

    def locate(self, key: str) -> tuple[str, int | None]:
        """The hadolint key and line to show for an error about dflint key ``key``."""
        parts = key.split(".")
        for size in range(len(parts), 0, -1):
            prefix = ".".join(parts[:size])
            if prefix in self.names:
                return self.names[prefix], self.lines.get(prefix)
        return key, None


# --------------------------------------------------------------------------------------------
# The YAML file


def load_file(path: Path) -> tuple[Translated, str]:
    """Read and translate a hadolint file; the text comes back for error line lookups."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read configuration: {exc}", path=path) from None
    data, lines = _parse_yaml(text, path)
    return translate(data, lines, path), text


def _parse_yaml(text: str, path: Path | None) -> tuple[Any, dict[str, int]]:
    """The document and the line of every mapping key (dotted for nested maps, ``key[i]`` for items)."""
    import yaml

    loader = _loader_class()(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise ConfigError(f"invalid YAML: {exc.problem or exc.context}", path=path, line=line) from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"invalid YAML: {exc}", path=path) from None
    finally:
        loader.dispose()
    lines: dict[str, int] = {}
    if node is not None:
        _key_lines(node, "", lines)
    return data, lines


def _key_lines(node: Any, prefix: str, lines: dict[str, int]) -> None:
    import yaml

    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = f"{prefix}{key_node.value}"
            lines.setdefault(key, key_node.start_mark.line + 1)
            _key_lines(value_node, key + ".", lines)
    elif isinstance(node, yaml.SequenceNode):
        for number, item in enumerate(node.value):
            lines.setdefault(f"{prefix[:-1]}[{number}]", item.start_mark.line + 1)


_LOADER: type[Any] | None = None


def _loader_class() -> type[Any]:
    """PyYAML's safe loader with YAML 1.2 booleans: hadolint's parser (HsYAML) reads ``yes``,
    ``on`` and ``no`` as strings, so treating them as booleans would accept what hadolint rejects."""
    global _LOADER
    if _LOADER is None:
        import re

        import yaml

        class Loader(yaml.SafeLoader):
            pass

        bool_tag = "tag:yaml.org,2002:bool"
        Loader.yaml_implicit_resolvers = {
            first: [(tag, regexp) for tag, regexp in resolvers if tag != bool_tag]
            for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
        }
        Loader.add_implicit_resolver(bool_tag, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                                     list("tTfF"))
        _LOADER = Loader
    return _LOADER


def translate(data: Any, lines: Mapping[str, int], path: Path | None) -> Translated:
    """hadolint's keys -> dflint's, type-checked; every problem names the hadolint key and line."""
    out: dict[str, Any] = {}
    names: dict[str, str] = {}
    where: dict[str, int] = {}
    notes: list[str] = []

    def fail(key: str, message: str) -> ConfigError:
        return ConfigError(message, path=path, key=key, line=lines.get(key))

    def put(dflint_key: str, value: Any, hadolint_key: str) -> None:
        out[dflint_key] = value
        names[dflint_key] = hadolint_key
        if hadolint_key in lines:
            where[dflint_key] = lines[hadolint_key]

    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"expected a mapping of settings, got {_kind(data)}", path=path, line=1)
    for key in data:
        if key not in KEYS:
            raise fail(str(key), f"unknown hadolint key{_suggest(str(key))}")

    if "ignored" in data:
        put("ignore", _codes(data["ignored"], "ignored", fail), "ignored")
    if "override" in data:
        table = data["override"]
        if table is None:
            table = {}
        if not isinstance(table, dict):
            raise fail("override", "expected a mapping of error/warning/info/style to codes, got "
                       + _kind(table))
        severity: dict[str, str] = {}
        # hadolint: a code listed at several levels gets the highest (error > warning > info > style).
        for level in reversed(OVERRIDE_LEVELS):
            if level in table:
                for code in _codes(table[level], f"override.{level}", fail):
                    severity[code] = level
                    names[f"severity.{code}"] = f"override.{level}"
                    if f"override.{level}" in lines:
                        where[f"severity.{code}"] = lines[f"override.{level}"]
        for level in table:
            if level not in OVERRIDE_LEVELS:
                raise fail(f"override.{level}",
                           f"unknown level; expected one of {', '.join(OVERRIDE_LEVELS)}")
        if severity:
            put("severity", severity, "override")
            # hadolint shows a rule that is off by default (DL3057, DL1001) once it has a level.
            put("extend-select", sorted(severity), "override")
    if "failure-threshold" in data:
        threshold = _threshold(data["failure-threshold"], "failure-threshold", fail)
        put("failure-threshold", threshold, "failure-threshold")
        if str(data["failure-threshold"]).strip().lower() in ("ignore", "none"):
            notes.append(f"failure-threshold: hadolint's {data['failure-threshold']!r} fails on every "
                         "finding, style included: dflint calls that 'style' (dflint's 'none' never fails)")
    if "trustedRegistries" in data:
        value = data["trustedRegistries"]
        if isinstance(value, str):
            raise fail("trustedRegistries", "expected a list of registries, got a string; write "
                       f"[{value}] (hadolint 2.15 ignores the whole file in this case)")
        put("trusted-registries", _strings(value, "trustedRegistries", fail), "trustedRegistries")
    if "label-schema" in data:
        schema = data["label-schema"]
        if schema is None:
            schema = {}
        if not isinstance(schema, dict):
            raise fail("label-schema", f"expected a mapping of label names to types, got {_kind(schema)}")
        labels: dict[str, str] = {}
        for label, kind in schema.items():
            key = f"label-schema.{label}"
            kind = "" if kind is None else kind
            if not isinstance(kind, str) or (kind.strip().lower() or "text") not in LABEL_TYPES:
                raise fail(key, f"expected a label type ({', '.join(LABEL_TYPES)}), got {kind!r}")
            labels[str(label)] = kind.strip().lower() or "text"
        put("label-schema", labels, "label-schema")
    for key in ("strict-labels", "disable-ignore-pragma", "no-fail"):
        if key in data:
            put(key, _bool(data[key], key, fail), key)
    if "no-color" in data and _bool(data["no-color"], "no-color", fail):
        put("color", "never", "no-color")
    formats: list[str] = []
    if "format" in data:
        formats.append(_format(data["format"], "format", fail))
    if "formats" in data:
        for number, name in enumerate(_strings(data["formats"], "formats", fail)):
            formats.append(_format(name, f"formats[{number}]", fail))
    if len(set(formats)) > 1:
        raise fail("formats", "dflint writes one format per output; give several -f/-o pairs on the "
                   "command line instead")
    if formats:
        put("format", formats[0], "format" if "format" in data else "formats")
    if "verbose" in data:
        _bool(data["verbose"], "verbose", fail)
        notes.append("verbose: not a configuration setting in dflint; use -V/--verbose or HADOLINT_VERBOSE")
    return Translated(out, where, names, notes)


# --------------------------------------------------------------------------------------------
# Environment variables


def environment_settings(environ: Mapping[str, str] | None = None) -> Translated:
    """The ``HADOLINT_*`` variables in dflint's keys (hadolint-rules.md §3).

    hadolint applies them *under* its configuration file, so the resolver applies this source
    first; ``HADOLINT_NOFAIL`` is kept as ``no-fail`` (not a threshold) so that a file's
    ``failure-threshold`` does not undo it, as in hadolint. ``HADOLINT_VERBOSE`` is read by the
    command line (it is ``-V``), not here.
    """
    env = os.environ if environ is None else environ
    out: dict[str, Any] = {}
    names: dict[str, str] = {}

    def fail(key: str, message: str) -> ConfigError:
        return ConfigError(message, key=key, origin="environment")

    def put(dflint_key: str, value: Any, variable: str) -> None:
        out[dflint_key] = value
        names[dflint_key] = variable

    def listed(variable: str) -> list[str]:
        return [part.strip() for part in env.get(variable, "").split(",") if part.strip()]

    if ENV_PREFIX + "IGNORE" in env:
        variable = ENV_PREFIX + "IGNORE"
        put("ignore", _codes(listed(variable), variable, fail), variable)
    severity: dict[str, str] = {}
    for level in reversed(OVERRIDE_LEVELS):
        variable = f"{ENV_PREFIX}OVERRIDE_{level.upper()}"
        for code in _codes(listed(variable), variable, fail):
            severity[code] = level
            names[f"severity.{code}"] = variable
    if severity:
        put("severity", severity, "HADOLINT_OVERRIDE_*")
        put("extend-select", sorted(severity), "HADOLINT_OVERRIDE_*")
    if env.get(ENV_PREFIX + "FAILURE_THRESHOLD", "").strip():
        variable = ENV_PREFIX + "FAILURE_THRESHOLD"
        put("failure-threshold", _threshold(env[variable].strip(), variable, fail), variable)
    registries = listed(ENV_PREFIX + "TRUSTED_REGISTRIES")
    if registries:
        put("trusted-registries", registries, ENV_PREFIX + "TRUSTED_REGISTRIES")
    labels: dict[str, str] = {}
    for item in listed(ENV_PREFIX + "REQUIRE_LABELS"):
        labels.update(parse_label(item, ENV_PREFIX + "REQUIRE_LABELS", fail))
    if labels:
        put("label-schema", labels, ENV_PREFIX + "REQUIRE_LABELS")
    flags = (("strict-labels", "STRICT_LABELS"), ("disable-ignore-pragma", "DISABLE_IGNORE_PRAGMA"),
             ("no-fail", "NOFAIL"))
    for key, variable in flags:
        if ENV_PREFIX + variable in env:
            put(key, env[ENV_PREFIX + variable].strip().lower() in _TRUE_WORDS, ENV_PREFIX + variable)
    formats = listed(ENV_PREFIX + "FORMAT")
    if formats:
        chosen = [_format(name, ENV_PREFIX + "FORMAT", fail) for name in formats]
        if len(set(chosen)) > 1:
            raise fail(ENV_PREFIX + "FORMAT", "dflint writes one format per output; give several -f/-o "
                       "pairs on the command line instead")
        put("format", chosen[0], ENV_PREFIX + "FORMAT")
    return Translated(out, {}, names, [])


def parse_label(text: str, key: str, fail: Callable[[str, str], ConfigError]) -> dict[str, str]:
    """``name:type`` (hadolint's ``--require-label``); an empty type means ``text``."""
    name, _, kind = text.partition(":")
    kind = kind.strip().lower() or "text"
    if not name.strip():
        raise fail(key, f"expected NAME:TYPE, got {text!r}")
    if kind not in LABEL_TYPES:
        raise fail(key, f"unknown label type {kind!r} in {text!r}; expected one of {', '.join(LABEL_TYPES)}")
    return {name.strip(): kind}


# --------------------------------------------------------------------------------------------
# Values


def _kind(value: Any) -> str:
    return {bool: "a boolean", int: "an integer", float: "a number", str: "a string", list: "a list",
            dict: "a mapping", type(None): "nothing"}.get(type(value), type(value).__name__) + (
        f" ({value!r})" if isinstance(value, bool | int | float | str) else "")


def _strings(value: Any, key: str, fail: Callable[[str, str], ConfigError]) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise fail(key, f"expected a list of strings, got {_kind(value)}")
    return [item.strip() for item in value if item.strip()]


def _codes(value: Any, key: str, fail: Callable[[str, str], ConfigError]) -> list[str]:
    """A list of rule codes (dflint matches them case-insensitively; names and aliases work too)."""
    return _strings(value, key, fail)


def _bool(value: Any, key: str, fail: Callable[[str, str], ConfigError]) -> bool:
    if not isinstance(value, bool):
        raise fail(key, f"expected true or false, got {_kind(value)}")
    return value


def _threshold(value: Any, key: str, fail: Callable[[str, str], ConfigError]) -> str:
    word = value.strip().lower() if isinstance(value, str) else None
    if word not in THRESHOLDS:
        raise fail(key, f"expected one of {', '.join(THRESHOLDS)}, got {_kind(value)}")
    return THRESHOLDS[word]


def _format(value: Any, key: str, fail: Callable[[str, str], ConfigError]) -> str:
    from dflint.report import resolve_format

    if not isinstance(value, str) or not value.strip():
        raise fail(key, f"expected an output format name, got {_kind(value)}")
    try:
        resolve_format(value)
    except ValueError as exc:
        raise fail(key, str(exc)) from None
    return value.strip()


def _suggest(key: str) -> str:
    import difflib

    close = difflib.get_close_matches(key, KEYS, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else f" (known keys: {', '.join(KEYS)})"
