"""The five tutorial Dockerfiles the project started from, with the findings a user must see.

`expected.json` beside each seed lists every finding of a default run (code, line, column): a
missing, extra or moved finding fails. The targeted asserts below name what each seed is about.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dflint.config import CliOverrides, ConfigResolver
from dflint.engine import Linter, load_registry

SEEDS = sorted((Path(__file__).resolve().parent.parent / "fixtures" / "seeds").iterdir())
_LINTER: Linter | None = None


def lint(seed: Path) -> list[tuple[str, int, int]]:
    global _LINTER
    if _LINTER is None:
        registry = load_registry()
        # DF208 (end-of-life base images) depends on the date: pin it so the seeds stay stable.
        pinned = CliOverrides(config_settings=['rules.DF208.today = "2026-11-23"'])
        _LINTER = Linter(registry, ConfigResolver(registry, isolated=True, overrides=pinned).settings_for)
    outcome = _LINTER.lint_path(seed / "Dockerfile")
    return [(f.code, f.line, f.column) for f in outcome.findings]


@pytest.mark.parametrize("seed", SEEDS, ids=[s.name for s in SEEDS])
def test_seed_matches_expected(seed: Path) -> None:
    expected = [tuple(x) for x in json.loads((seed / "expected.json").read_text())]
    assert lint(seed) == expected


def write_expected() -> None:
    """Regenerate expected.json (review the diff before committing: it is the specification)."""
    for seed_dir in SEEDS:
        (seed_dir / "expected.json").write_text(json.dumps([list(f) for f in lint(seed_dir)]) + "\n")


def seed(name: str) -> Path:
    [path] = [s for s in SEEDS if s.name == name]
    return path


def test_spaced_ampersands_are_a_malformed_chain() -> None:
    assert ("DF002", 5, 20) in lint(seed("002_ubuntu_flask"))


def test_copy_all_before_pip_install_busts_the_cache() -> None:
    assert any(code == "DF001" and line == 3 for code, line, _ in lint(seed("000_flask")))


def test_source_file_copied_before_requirements_install() -> None:
    findings = lint(seed("001_python_alpine"))
    assert any(code == "DF001" and line == 4 for code, line, _ in findings)
    assert not any(code == "DL3013" for code, _, _ in findings), "-qr requirements.txt is not a package"


def test_manifest_first_seeds_have_no_cache_finding() -> None:
    for name in ("003_python_slim", "004_python_alpine"):
        assert not any(code == "DF001" for code, _, _ in lint(seed(name)))
