"""The path logic behind the package-manager cleanup rules (rules/_pkgmgr.py)."""

from __future__ import annotations

import pytest
from dflint_rules._pkgmgr import covers, normalise_path


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/var/lib/apt/lists/*", "/var/lib/apt/lists"),
        ("/var/lib/apt/lists/", "/var/lib/apt/lists"),
        ("/var/lib/apt/lists//*", "/var/lib/apt/lists"),
        ("/var/cache/libdnf5*", "/var/cache/libdnf5*"),
        ("/", "/"),
        ("relative/x/", "relative/x"),
    ],
)
def test_normalise_path(path: str, expected: str) -> None:
    assert normalise_path(path) == expected


@pytest.mark.parametrize(
    ("pattern", "directory", "expected"),
    [
        ("/var/lib/apt/lists/*", "/var/lib/apt/lists", True),
        ("/var/lib/apt", "/var/lib/apt/lists", True),
        ("/var/*", "/var/lib/apt/lists", True),
        ("/var/cache/libdnf5*", "/var/cache/libdnf5", True),
        ("/var/cache/apt/*", "/var/lib/apt/lists", False),
        ("/tmp/*", "/var/lib/apt/lists", False),
        ("/var/lib/apt/lists/partial", "/var/lib/apt/lists", False),
        ("lists", "/var/lib/apt/lists", False),
        ("/", "/var/lib/apt/lists", False),
    ],
)
def test_covers(pattern: str, directory: str, expected: bool) -> None:
    assert covers(pattern, directory) is expected
