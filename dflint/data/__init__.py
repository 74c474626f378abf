"""Data tables shipped with dflint (``dflint/data/*.json``), read next to this module.

Why a package: rules must never read files by path (they would break inside a zip or a wheel
installed somewhere unexpected), and the tables are data, not code, so they live as JSON that a
maintainer can refresh without touching a rule. Each table is parsed once per process.

The file is read straight from this package's folder when it is a folder, which is how dflint
is installed; ``importlib.resources`` (which imports zipfile, tempfile, shutil...: several ms of
every lint's start-up) is only the fallback, for a package that is not on the file system.
"""

from __future__ import annotations

import json
import os
from functools import cache
from typing import Any

__all__ = ["load_json"]


@cache
def load_json(name: str) -> Any:
    """The parsed content of ``dflint/data/<name>`` (e.g. ``eol.json``)."""
    try:
        with open(os.path.join(os.path.dirname(__file__), name), encoding="utf-8") as fh:
            text = fh.read()
    except OSError:  # in a zip or a custom loader: ask the import system
        from importlib import resources

        text = resources.files(__name__).joinpath(name).read_text(encoding="utf-8")
    return json.loads(text)
