"""Data tables shipped with dflint (``dflint/data/*.json``), read through importlib.resources.

Why a package: rules must never read files by path (they would break inside a zip or a wheel
installed somewhere unexpected), and the tables are data, not code, so they live as JSON that a
maintainer can refresh without touching a rule. Each table is parsed once per process.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["load_json"]


@cache
def load_json(name: str) -> Any:
    """The parsed content of ``dflint/data/<name>`` (e.g. ``eol.json``)."""
    text = resources.files(__name__).joinpath(name).read_text(encoding="utf-8")
    return json.loads(text)
