"""``dflint simulate`` against what a real BuildKit did, replayed without an engine.

tests/engine/scenarios/engine-verdicts.json holds the per-line verdicts dockerd 20.10.24
(BuildKit 0.8) gave on the second build of every scenario of tests/engine/scenarios/cache.yaml;
``make engine`` checks that the engine still gives them. Here every change mode of simulate
(``--changed``, ``--record``/``--baseline``, ``--since``) must agree with each recorded verdict
it states with certainty; ``may-hit``/``may-rebuild`` are allowed only where the engine's answer
depends on what cannot be known before building (listed in UNCERTAIN, so the set cannot grow
unnoticed).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from engine.differential import MODES, Scenario, Tally, compare, load_record, load_scenarios, run_experiment

SCENARIOS = load_scenarios()
RECORD = load_record()

#: Scenario -> lines that are honestly uncertain in every mode that applies.
UNCERTAIN = {
    "copy-from-identical-output": {5, 6},  # a rebuilt RUN wrote the same bytes
    "copy-from-changed-output": {5, 6},  # a rebuilt RUN wrote other bytes
    "copy-from-later-run-changed": {5, 6},  # a later RUN might have rewritten the copied file
    "add-url-unchanged": {2, 3},  # BuildKit asks the server on every build
    "dockerignore-excludes-more": {2, 3},  # --changed .dockerignore: the old patterns are unknown
    "dockerignore-edit-no-effect": {2, 3},
}


def test_every_scenario_is_recorded() -> None:
    assert len(SCENARIOS) >= 40
    assert sorted(RECORD) == sorted(s.name for s in SCENARIOS)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_simulate_agrees_with_recorded_buildkit(scenario: Scenario, tmp_path: Path) -> None:
    exp = run_experiment(scenario, tmp_path)
    engine = RECORD[scenario.name]
    problems: list[str] = []
    for mode in MODES:
        tally = Tally()
        compare(scenario.name, mode, engine, exp.simulate[mode], tally)
        problems += tally.problems
        unsure = {line for line, v in (exp.simulate[mode] or {}).items() if v.startswith("may-")}
        if unsure - UNCERTAIN.get(scenario.name, set()):
            problems.append(f"[{mode}] unexpected uncertain lines {sorted(unsure)}")
    assert not problems, f"{scenario.why}\n" + "\n".join(problems)
