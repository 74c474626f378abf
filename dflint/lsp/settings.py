"""Client settings (initializationOptions, workspace/didChangeConfiguration) → engine overrides.

Editors send settings in many shapes: ``{"dflint": {...}}`` or the bare table, camelCase
(VS Code), snake_case or kebab-case (TOML habits). They are normalised here once, then applied
through :class:`dflint.config.CliOverrides`, so a setting means exactly what the same
command-line flag means and the editor and CI can never disagree about what a key does.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from dflint.config import CliOverrides

log = logging.getLogger("dflint.lsp")

#: Default quiet period after an edit before the document is linted again.
DEFAULT_DEBOUNCE_MS = 40


def _kebab(key: str) -> str:
    key = re.sub(r"(?<=[a-z0-9])([A-Z])", r"-\1", key)
    return key.replace("_", "-").lower()


def _codes(value: Any) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, Sequence):
        return [str(part).strip() for part in value if str(part).strip()]
    return None


@dataclass(frozen=True)
class ClientSettings:
    """What the editor asked for; empty means "exactly what the configuration files say"."""

    select: list[str] | None = None
    extend_select: list[str] | None = None
    ignore: list[str] | None = None
    extend_ignore: list[str] | None = None
    trusted_registries: list[str] | None = None
    shellcheck: bool | None = None
    config: str | None = None
    isolated: bool = False
    unsafe_fixes: bool = False
    debounce_ms: int = DEFAULT_DEBOUNCE_MS
    unknown: tuple[str, ...] = field(default=())

    def overrides(self) -> CliOverrides:
        return CliOverrides(
            select=self.select,
            extend_select=self.extend_select,
            ignore=self.ignore,
            extend_ignore=self.extend_ignore,
            trusted_registries=self.trusted_registries,
            shellcheck=self.shellcheck,
        )


_LISTS = ("select", "extend-select", "ignore", "extend-ignore", "trusted-registries")


def parse_settings(raw: Any) -> ClientSettings:
    """Normalise whatever the client sent; bad values are logged and ignored, never fatal."""
    if isinstance(raw, Mapping) and isinstance(raw.get("dflint"), Mapping):
        raw = raw["dflint"]
    if not isinstance(raw, Mapping):
        return ClientSettings()
    values: dict[str, Any] = {}
    unknown: list[str] = []
    for key, value in raw.items():
        name = _kebab(str(key))
        if name in _LISTS:
            values[name.replace("-", "_")] = _codes(value)
        elif name in ("shellcheck", "isolated", "unsafe-fixes") and isinstance(value, bool):
            values[name.replace("-", "_")] = value
        elif name in ("config", "configuration", "config-path") and isinstance(value, str) and value:
            values["config"] = value
        elif name in ("debounce", "debounce-ms") and isinstance(value, int | float) and value >= 0:
            values["debounce_ms"] = int(value)
        else:
            unknown.append(str(key))
    if unknown:
        log.warning("ignoring unknown or ill-typed dflint settings: %s", ", ".join(sorted(unknown)))
    return ClientSettings(**values, unknown=tuple(sorted(unknown)))
