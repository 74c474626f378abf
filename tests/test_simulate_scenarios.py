"""Scenario fixtures of the evaluator: fixtures/simulate/<name>/{context/,change.json,expected.json}.

Each scenario names a change (files, build args, target) and the first layer that misses in
each stage (null: the stage fully hits), plus optional per-line hit/miss and reason checks.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from dflint.simulate import Simulation, simulate

ROOT = Path(__file__).resolve().parents[1] / "fixtures" / "simulate"
SCENARIOS = sorted(p.name for p in ROOT.iterdir() if (p / "expected.json").exists())


def _run(name: str) -> tuple[Simulation, dict[str, Any]]:
    base = ROOT / name
    change = json.loads((base / "change.json").read_text())
    expected = json.loads((base / "expected.json").read_text())
    ctx = base / "context"
    sim = simulate(
        str(ctx / "Dockerfile"),
        str(ctx),
        target=change.get("target"),
        build_args=change.get("build_args", {}),
        before_build_args=change.get("before_build_args"),
        changed=[str(p) for p in change.get("changed", [])],
    )
    return sim, expected


def test_scenarios_exist() -> None:
    assert len(SCENARIOS) >= 14


@pytest.mark.parametrize("name", SCENARIOS)
def test_first_miss_per_stage(name: str) -> None:
    sim, expected = _run(name)
    stages = {s.label: s for s in sim.stages}
    for label, line in expected["first_miss"].items():
        first = stages[label].first_miss()
        assert (first.line if first else None) == line, (
            label,
            [(x.line, x.cache, x.reason) for x in stages[label].layers],
        )


@pytest.mark.parametrize("name", SCENARIOS)
def test_cache_per_line_and_reason(name: str) -> None:
    sim, expected = _run(name)
    stages = {s.label: s for s in sim.stages}
    for label, lines in expected.get("cache", {}).items():
        got = {str(x.line): x.cache for x in stages[label].layers}
        assert {k: got.get(k) for k in lines} == lines
    for label, needle in expected.get("reason_contains", {}).items():
        first = stages[label].first_miss()
        assert first is not None and needle in first.reason, first.reason if first else None
    for label in expected.get("built", []):
        assert stages[label].built
    for label in expected.get("not_built", []):
        assert not stages[label].built


def test_unchanged_rebuild_hits_everything() -> None:
    ctx = ROOT / "multistage" / "context"
    sim = simulate(str(ctx / "Dockerfile"), str(ctx))
    assert [x.cache for s in sim.stages for x in s.layers] == ["hit"] * sum(len(s.layers) for s in sim.stages)


def test_reason_names_arg_values() -> None:
    sim, _ = _run("arg_change")
    first = sim.stages[0].first_miss()
    assert first is not None
    assert first.reason == "ARG/ENV VERSION changed: '1' -> '2'"


def test_later_misses_point_at_first() -> None:
    sim, _ = _run("copy_link")
    rows = {x.line: x for x in sim.stages[0].layers}
    assert rows[3].reason == "--link: reused although an earlier layer was rebuilt"
    assert rows[4].reason == "an earlier layer was rebuilt (line 2)"
